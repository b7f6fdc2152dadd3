// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "jsonout.h"
#include "tool.h"

#include "keyhist.h"

static struct key_hist *key_hist_of(struct key_hists *kh, const void *key)
{
	struct key_hist *more, *h;
	size_t i;

	for (i = 0; i < kh->n; i++)
		if (!memcmp(kh->h[i].key, key, kh->key_size))
			return &kh->h[i];
	if (kh->n == kh->cap) {
		size_t cap = kh->cap ? 2 * kh->cap : 16;

		more = realloc(kh->h, cap * sizeof(*more));
		if (!more)
			return NULL;
		memset(more + kh->cap, 0, (cap - kh->cap) * sizeof(*more));
		kh->h = more;
		kh->cap = cap;
	}
	h = &kh->h[kh->n];
	/* Entries past n keep their buffers from an earlier drain. */
	if (!h->key)
		h->key = malloc(kh->key_size);
	if (!h->slots)
		h->slots = malloc(kh->nslots * sizeof(*h->slots));
	if (!h->key || !h->slots)
		return NULL;
	memcpy(h->key, key, kh->key_size);
	memset(h->slots, 0, kh->nslots * sizeof(*h->slots));
	h->total = 0;
	kh->n++;
	return h;
}

int key_hists_drain(struct key_hists *kh, int fd, bool clear)
{
	unsigned char key[256], next[256], *prev = NULL;
	struct key_hist *h;
	__u32 slot;
	__u64 count;

	if (kh->key_size > sizeof(key) || kh->slot_off + sizeof(slot) > kh->key_size ||
	    !kh->nslots)
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, kh->key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, &count))
			continue;	/* deleted meanwhile */
		memcpy(&slot, key + kh->slot_off, sizeof(slot));
		memset(key + kh->slot_off, 0, sizeof(slot));
		h = key_hist_of(kh, key);
		if (!h)
			return -ENOMEM;
		h->slots[slot < kh->nslots ? slot : kh->nslots - 1] += count;
		h->total += count;
		memcpy(key + kh->slot_off, &slot, sizeof(slot));
	}
	if (clear)
		while (!bpf_map_get_next_key(fd, NULL, next))
			bpf_map_delete_elem(fd, next);
	return 0;
}

static int (*key_cmp)(const void *a, const void *b);

static int key_hist_cmp(const void *a, const void *b)
{
	const struct key_hist *x = a, *y = b;

	return key_cmp(x->key, y->key);
}

void key_hists_sort(struct key_hists *kh, int (*cmp)(const void *a, const void *b))
{
	key_cmp = cmp;
	qsort(kh->h, kh->n, sizeof(*kh->h), key_hist_cmp);
}

void key_hists_reset(struct key_hists *kh)
{
	kh->n = 0;
}

void key_hists_free(struct key_hists *kh)
{
	size_t i;

	for (i = 0; i < kh->cap; i++) {
		free(kh->h[i].key);
		free(kh->h[i].slots);
	}
	free(kh->h);
	kh->h = NULL;
	kh->n = kh->cap = 0;
}

int key_hists_report(struct key_hists *kh, int fd, const struct tool_env *env,
		     const struct key_hists_format *f)
{
	char labels[256];
	size_t i;
	int err;

	key_hists_reset(kh);
	err = key_hists_drain(kh, fd, env->interval != 0);
	if (err) {
		fprintf(stderr, "%s: cannot read the histograms: %s\n", f->tool, strerror(-err));
		return err;
	}
	if (f->cmp)
		key_hists_sort(kh, f->cmp);
	if (!env->json && env->timestamp)
		printf("%s\n", tool_time());
	for (i = 0; i < kh->n; i++) {
		const void *key = kh->h[i].key;
		const char *name = f->name_of ? f->name_of(key) : f->name;

		if (!name)
			continue;
		if (env->json) {
			json_hist_begin(stdout, name, f->unit, "log2");
			if (f->labels)
				f->labels(key, stdout, NULL, 0);
			json_hist_end_log2(stdout, kh->h[i].slots, kh->nslots);
			continue;
		}
		labels[0] = '\0';
		if (f->labels)
			f->labels(key, NULL, labels, sizeof(labels));
		printf(labels[0] ? "\n@%s[%s]:\n" : "\n@%s:\n", name, labels);
		hist_print_log2(stdout, kh->h[i].slots, kh->nslots, f->table_unit);
	}
	fflush(stdout);
	return 0;
}
