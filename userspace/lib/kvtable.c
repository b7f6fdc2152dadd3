// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include <ctype.h>

#include "cli.h"
#include "jsonout.h"
#include "kvtable.h"

/* The next member of @k (NULL when full: KV_FIELDS is every key's size). */
static struct kv_field *next_field(struct kv_key *k, const char *name,
				   bool number, long long value)
{
	struct kv_field *f;

	if (k->n >= KV_FIELDS)
		return NULL;
	f = &k->f[k->n++];
	f->name = name;
	f->number = number;
	f->value = value;
	return f;
}

void kv_key_str(struct kv_key *k, const char *name, const char *value)
{
	struct kv_field *f = next_field(k, name, false, 0);

	if (f)
		snprintf(f->text, sizeof(f->text), "%s", value ? value : "");
}

void kv_key_num(struct kv_key *k, const char *name, unsigned long long value)
{
	struct kv_field *f = next_field(k, name, true, value);

	if (f)
		snprintf(f->text, sizeof(f->text), "%llu", value);
}

void kv_key_int(struct kv_key *k, const char *name, long long value)
{
	struct kv_field *f = next_field(k, name, true, value);

	if (f)
		snprintf(f->text, sizeof(f->text), "%lld", value);
}

static bool same_key(const struct kv_key *a, const struct kv_key *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->f[i].name, b->f[i].name) ||
		    strcmp(a->f[i].text, b->f[i].text))
			return false;
	return true;
}

int kv_add(struct kv_table *t, const char *map, const struct kv_key *key,
	   unsigned long long count)
{
	struct kv_row *r;
	size_t i;

	for (i = 0; i < t->n; i++) {
		r = &t->rows[i];
		if (!strcmp(r->map, map) && same_key(&r->key, key)) {
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
	r->key = *key;
	r->count = count;
	return 0;
}

/* The sort column of a row: "count" or a key member (NULL when absent). */
static const struct kv_field *sort_field(const struct kv_row *r, const char *sort)
{
	unsigned int i;

	for (i = 0; sort && i < r->key.n; i++)
		if (!strcmp(r->key.f[i].name, sort))
			return &r->key.f[i];
	return NULL;
}

static int cmp_key_text(const struct kv_row *x, const struct kv_row *y)
{
	unsigned int i;
	int c;

	for (i = 0; i < x->key.n && i < y->key.n; i++) {
		c = strcmp(x->key.f[i].text, y->key.f[i].text);
		if (c)
			return c;
	}
	return (int)x->key.n - (int)y->key.n;
}

/* qsort() has no context argument: the column being sorted by. */
static const char *sorting_by;
/* Ties by key text descending: printed in reverse, they ascend. */
static bool ties_reversed;

/* Best first: numbers largest first, text ascending; ties by key text. */
static int cmp_best_first(const void *a, const void *b)
{
	const struct kv_row *x = a, *y = b;
	const struct kv_field *fx = sort_field(x, sorting_by);
	const struct kv_field *fy = sort_field(y, sorting_by);
	int c;

	if (fx && fy && !fx->number) {
		c = strcmp(fx->text, fy->text);
		if (c)
			return c;
	} else if (fx && fy) {
		if (fx->value != fy->value)
			return fx->value > fy->value ? -1 : 1;
	} else if (x->count != y->count) {
		return x->count > y->count ? -1 : 1;
	}
	return ties_reversed ? cmp_key_text(y, x) : cmp_key_text(x, y);
}

static bool sorts_by_number(const struct kv_table *t, const char *sort)
{
	const struct kv_field *f = t->n ? sort_field(&t->rows[0], sort) : NULL;

	return !f || f->number;
}

/* Indices of @map's rows, best first, at most @top; their number. */
static size_t map_rows(const struct kv_table *t, const char *map,
		       unsigned int top, size_t *idx)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].map, map) && (!top || n < top))
			idx[n++] = i;
	return n;
}

static void print_bpftrace(FILE *out, const struct kv_table *t, const char *map,
			   const size_t *idx, size_t n, bool reverse)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct kv_row *r = &t->rows[idx[reverse ? n - 1 - i : i]];

		fprintf(out, "@%s[", r->map);
		for (j = 0; j < r->key.n; j++)
			fprintf(out, "%s%s", j ? ", " : "", r->key.f[j].text);
		fprintf(out, "]: %llu\n", r->count);
	}
	if (n)
		fputc('\n', out);
}

static void print_json(FILE *out, const struct kv_table *t, const size_t *idx,
		       size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct kv_row *r = &t->rows[idx[i]];

		json_begin(out, "count");
		if (*r->map)
			json_str(out, "map", r->map);
		for (j = 0; j < r->key.n; j++) {
			if (r->key.f[j].number)
				json_s64(out, r->key.f[j].name, r->key.f[j].value);
			else
				json_str(out, r->key.f[j].name, r->key.f[j].text);
		}
		json_u64(out, "count", r->count);
		json_end(out);
	}
}

/*
 * One table for all maps: a MAP column when there is more than one map,
 * the key's members, COUNT; headers upper case, numbers right-aligned.
 */
static void print_table(FILE *out, const struct kv_table *t, const size_t *idx,
			size_t n)
{
	int width[KV_FIELDS + 2] = {}, cw = 5, mw = 3;
	const struct kv_row *first = n ? &t->rows[idx[0]] : NULL;
	bool maps = false;
	char head[64];
	size_t i, j, k;

	if (!first)
		return;
	for (i = 0; i < n; i++) {
		const struct kv_row *r = &t->rows[idx[i]];
		char num[24];

		if (strcmp(r->map, first->map))
			maps = true;
		if ((int)strlen(r->map) > mw)
			mw = strlen(r->map);
		for (j = 0; j < r->key.n && j < KV_FIELDS; j++) {
			int w = strlen(r->key.f[j].text);

			if ((int)strlen(r->key.f[j].name) > w)
				w = strlen(r->key.f[j].name);
			if (w > width[j])
				width[j] = w;
		}
		if ((int)snprintf(num, sizeof(num), "%llu", r->count) > cw)
			cw = strlen(num);
	}
	maps = maps || *first->map;
	if (maps)
		fprintf(out, "%-*s ", mw, "MAP");
	for (j = 0; j < first->key.n; j++) {
		for (k = 0; first->key.f[j].name[k] && k < sizeof(head) - 1; k++)
			head[k] = toupper((unsigned char)first->key.f[j].name[k]);
		head[k] = '\0';
		fprintf(out, first->key.f[j].number ? "%*s " : "%-*s ", width[j], head);
	}
	fprintf(out, "%*s\n", cw, "COUNT");
	for (i = 0; i < n; i++) {
		const struct kv_row *r = &t->rows[idx[i]];

		if (maps)
			fprintf(out, "%-*s ", mw, r->map);
		for (j = 0; j < r->key.n && j < KV_FIELDS; j++)
			fprintf(out, r->key.f[j].number ? "%*s " : "%-*s ", width[j],
				r->key.f[j].text);
		fprintf(out, "%*llu\n", cw, r->count);
	}
	fputc('\n', out);
}

/* Each map once: those of @map_order first, the rest as they come. */
static size_t map_names(const struct kv_table *t, const char *const *order,
			const char **names)
{
	size_t i, j, n = 0;

	for (i = 0; order && order[i]; i++)
		names[n++] = order[i];
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < n && strcmp(names[j], t->rows[i].map); j++)
			;
		if (j == n)
			names[n++] = t->rows[i].map;
	}
	return n;
}

void kv_print(FILE *out, struct kv_table *t, const struct kv_print_opts *o)
{
	size_t norder = 0, nmaps, i, n, all = 0;
	const char **names;
	size_t *idx;

	while (o->map_order && o->map_order[norder])
		norder++;
	names = calloc(norder + t->n + 1, sizeof(*names));
	idx = calloc(t->n + 1, sizeof(*idx));
	if (!names || !idx)
		goto out;
	sorting_by = o->sort && strcmp(o->sort, "count") ? o->sort : NULL;
	ties_reversed = o->style == KV_BPFTRACE && sorts_by_number(t, sorting_by);
	qsort(t->rows, t->n, sizeof(*t->rows), cmp_best_first);
	nmaps = map_names(t, o->map_order, names);
	for (i = 0; i < nmaps; i++) {
		n = map_rows(t, names[i], o->top, idx + all);
		if (o->style == KV_BPFTRACE)
			print_bpftrace(out, t, names[i], idx + all, n,
				       sorts_by_number(t, sorting_by));
		else if (o->style == KV_JSON)
			print_json(out, t, idx + all, n);
		else
			all += n;	/* one table of every map */
	}
	if (o->style == KV_TABLE)
		print_table(out, t, idx, all);
out:
	free(names);
	free(idx);
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

int bpf_percpu_array_sum(int fd, __u32 n, int ncpus, __u64 *sums, bool clear)
{
	__u64 *vals = calloc(ncpus, sizeof(*vals)), *zero = calloc(ncpus, sizeof(*zero));
	int err = 0, c;
	__u32 i;

	if (!vals || !zero) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &i, vals)) {
			err = -errno;
			goto out;
		}
		for (sums[i] = 0, c = 0; c < ncpus; c++)
			sums[i] += vals[c];
		if (clear && sums[i] && bpf_map_update_elem(fd, &i, zero, BPF_ANY)) {
			err = -errno;
			goto out;
		}
	}
out:
	free(vals);
	free(zero);
	return err;
}
