/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log2 histograms kept by BPF as counts in a hash map whose key is the
 * histogram's labels plus a __u32 slot member (@[dev, kind] = hist(x)):
 * drained into one histogram per label set, to sort and print.
 */
#ifndef NETLENS_KEYHIST_H
#define NETLENS_KEYHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

struct key_hist {
	void *key;		/* the BPF key, its slot member zeroed */
	__u64 total;
	__u64 *slots;
};

struct key_hists {
	size_t key_size;	/* the BPF key's size */
	size_t slot_off;	/* offset of its __u32 slot member */
	unsigned int nslots;	/* slots per histogram; larger ones go in the last */
	struct key_hist *h;
	size_t n, cap;
};

/*
 * Add the counts of u64 hash map @fd (keys as @kh describes) to @kh's
 * histograms; the map is emptied when @clear.  0 or -errno.
 */
int key_hists_drain(struct key_hists *kh, int fd, bool clear);

/* Sort by @cmp on the keys (slot zeroed). */
void key_hists_sort(struct key_hists *kh, int (*cmp)(const void *a, const void *b));

/* How key_hists_report() names and prints each histogram. */
struct key_hists_format {
	const char *tool;		/* for messages */
	const char *unit;		/* JSON "unit": "us", "bytes" */
	const char *table_unit;		/* the table's first column: "usecs", "bytes" */
	const char *name;		/* the map: @us */
	/* Or the map of @key's histogram (NULL: @name). */
	const char *(*name_of)(const void *key);
	/*
	 * @key's labels: with @json, its members (json_str(@json, ...)); else
	 * the text inside @NAME[...] into @buf ("" for none).  NULL: none.
	 */
	void (*labels)(const void *key, FILE *json, char *buf, size_t len);
	int (*cmp)(const void *a, const void *b);	/* their order; NULL: the map's */
};

struct tool_env;

/*
 * A report of the histogram tools: drain @fd into @kh (the map emptied
 * when @env prints per interval), sort, and print as @env asks: with -T
 * the time, then "@NAME[LABELS]:" and BCC's table each, or JSON "hist"
 * lines.  0 or -errno (said on stderr).
 */
int key_hists_report(struct key_hists *kh, int fd, const struct tool_env *env,
		     const struct key_hists_format *f);

/* Forget every histogram (the memory is kept for the next drain). */
void key_hists_reset(struct key_hists *kh);
void key_hists_free(struct key_hists *kh);

#endif
