/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts keyed by a few named members, printed like bpftrace prints its
 * maps ("@map[key, ...]: count", ascending counts, a blank line after each
 * map), as a headed table, or as JSON lines; sorted and cut to the top
 * rows; and helpers to drain BPF hash maps into them.
 */
#ifndef NETLENS_KVTABLE_H
#define NETLENS_KVTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define KV_FIELDS	8	/* key members of a row */

/* A count's key: its members in order, as bpftrace joins them. */
struct kv_key {
	unsigned int n;
	struct kv_field {
		const char *name;	/* JSON member, table column ("comm") */
		char text[96];		/* as printed: "sshd", "2" */
		bool number;		/* unquoted in JSON, right-aligned */
		long long value;	/* when a number */
	} f[KV_FIELDS];
};

void kv_key_str(struct kv_key *k, const char *name, const char *value);
void kv_key_num(struct kv_key *k, const char *name, unsigned long long value);
void kv_key_int(struct kv_key *k, const char *name, long long value);

struct kv_row {
	char map[24];		/* "accept"; "" prints "@[...]" */
	struct kv_key key;
	unsigned long long count;
};

struct kv_table {
	struct kv_row *rows;
	size_t n, cap;
};

/* Add @count to the row (@map, @key), creating it; -ENOMEM on failure. */
int kv_add(struct kv_table *t, const char *map, const struct kv_key *key,
	   unsigned long long count);

enum kv_style {
	KV_BPFTRACE,	/* "@map[key, ...]: count", a blank line after each map */
	KV_TABLE,	/* headed, aligned columns */
	KV_JSON,	/* {"type":"count",...} lines (jsonout.h) */
};

struct kv_print_opts {
	enum kv_style style;
	/* Maps in this order first (NULL-terminated), the rest after. */
	const char *const *map_order;
	/*
	 * Sort by this column ("count" when NULL): numbers largest first,
	 * text in ascending order; bpftrace style prints numbers the other
	 * way round, the largest last, as bpftrace does.
	 */
	const char *sort;
	unsigned int top;	/* the first @top rows of each map; 0: all */
};

void kv_print(FILE *out, struct kv_table *t, const struct kv_print_opts *o);

void kv_reset(struct kv_table *t);
void kv_free(struct kv_table *t);

/*
 * Call @fn for every key/value of BPF map @fd (values of @value_size
 * bytes; per-CPU maps: pass ncpus > 1 and @fn gets the sum of the first
 * u64 of each CPU's value); delete them afterwards when @clear.
 */
int bpf_map_drain(int fd, size_t key_size, size_t value_size, int ncpus,
		  bool clear, void (*fn)(const void *key, unsigned long long value,
					 void *ctx), void *ctx);

/*
 * The first @n u64 values of per-CPU array @fd summed over @ncpus CPUs
 * into @sums; zeroed in the map afterwards when @clear.  0 or -errno.
 */
int bpf_percpu_array_sum(int fd, __u32 n, int ncpus, __u64 *sums, bool clear);

#endif
