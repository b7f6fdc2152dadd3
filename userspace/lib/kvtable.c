// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "kvtable.h"

int kv_add(struct kv_table *t, const char *map, const char *key,
	   const char *json, unsigned long long count)
{
	struct kv_row *r;
	size_t i;

	for (i = 0; i < t->n; i++) {
		r = &t->rows[i];
		if (!strcmp(r->map, map) && !strcmp(r->key, key)) {
			r->count += count;
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;

		r = realloc(t->rows, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->rows = r;
		t->cap = cap;
	}
	r = &t->rows[t->n++];
	snprintf(r->map, sizeof(r->map), "%s", map);
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->json, sizeof(r->json), "%s", json);
	r->count = count;
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct kv_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void print_map(FILE *out, struct kv_table *t, const char *map,
		      bool json, const char *time)
{
	bool any = false;
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct kv_row *r = &t->rows[i];

		if (strcmp(r->map, map))
			continue;
		any = true;
		if (json) {
			fputc('{', out);
			if (time)
				fprintf(out, "\"time\":\"%s\",", time);
			fputs("\"map\":", out);
			json_print_string(out, r->map);
			fprintf(out, ",%s%s\"count\":%llu}\n", r->json,
				*r->json ? "," : "", r->count);
		} else {
			fprintf(out, "@%s[%s]: %llu\n", r->map, r->key, r->count);
		}
	}
	if (any && !json)
		fputc('\n', out);
}

void kv_print(FILE *out, struct kv_table *t, const char *const *map_order,
	      bool json, const char *time)
{
	size_t i, j;

	qsort(t->rows, t->n, sizeof(*t->rows), cmp_rows);
	for (i = 0; map_order && map_order[i]; i++)
		print_map(out, t, map_order[i], json, time);
	/* Maps not in @map_order, once each. */
	for (i = 0; i < t->n; i++) {
		bool seen = false;

		for (j = 0; map_order && map_order[j]; j++)
			if (!strcmp(map_order[j], t->rows[i].map))
				seen = true;
		for (j = 0; j < i; j++)
			if (!strcmp(t->rows[j].map, t->rows[i].map))
				seen = true;
		if (!seen)
			print_map(out, t, t->rows[i].map, json, time);
	}
	fflush(out);
}

void kv_reset(struct kv_table *t)
{
	t->n = 0;
}

void kv_free(struct kv_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}

int bpf_map_drain(int fd, size_t key_size, size_t value_size, int ncpus,
		  bool clear, void (*fn)(const void *key, unsigned long long value,
					 void *ctx), void *ctx)
{
	size_t nkeys = 0, capkeys = 0, i;
	char *keys = NULL, *tmp, *val;
	bool first = true;
	int err = 0, c;

	if (ncpus < 1)
		ncpus = 1;
	val = calloc(ncpus, value_size < 8 ? 8 : value_size);
	if (!val)
		return -ENOMEM;
	/* Collect the keys first: deleting while iterating restarts walks. */
	for (;;) {
		if (nkeys == capkeys) {
			capkeys = capkeys ? 2 * capkeys : 64;
			tmp = realloc(keys, capkeys * key_size);
			if (!tmp) {
				err = -ENOMEM;
				goto out;
			}
			keys = tmp;
		}
		if (bpf_map_get_next_key(fd, first ? NULL : keys + (nkeys - 1) * key_size,
					 keys + nkeys * key_size))
			break;
		first = false;
		nkeys++;
	}
	for (i = 0; i < nkeys; i++) {
		unsigned long long sum = 0;
		void *key = keys + i * key_size;

		if (bpf_map_lookup_elem(fd, key, val))
			continue;
		for (c = 0; c < ncpus; c++) {
			unsigned long long v;

			memcpy(&v, val + (size_t)c * ((value_size + 7) & ~7UL), sizeof(v));
			sum += v;
		}
		fn(key, sum, ctx);
		if (clear)
			bpf_map_delete_elem(fd, key);
	}
out:
	free(keys);
	free(val);
	return err;
}
