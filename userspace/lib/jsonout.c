// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "hist.h"
#include "jsonout.h"

unsigned long long json_epoch_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

void json_begin(FILE *out, const char *type)
{
	fputs("{\"type\":", out);
	json_print_string(out, type);
	fprintf(out, ",\"epoch_us\":%llu", json_epoch_us());
}

void json_end(FILE *out)
{
	fputs("}\n", out);
}

static void member(FILE *out, const char *name)
{
	fputc(',', out);
	json_print_string(out, name);
	fputc(':', out);
}

void json_str(FILE *out, const char *name, const char *value)
{
	member(out, name);
	if (value)
		json_print_string(out, value);
	else
		fputs("null", out);
}

void json_u64(FILE *out, const char *name, unsigned long long value)
{
	member(out, name);
	fprintf(out, "%llu", value);
}

void json_s64(FILE *out, const char *name, long long value)
{
	member(out, name);
	fprintf(out, "%lld", value);
}

void json_bool(FILE *out, const char *name, bool value)
{
	member(out, name);
	fputs(value ? "true" : "false", out);
}

void json_enum(FILE *out, const char *name, long long value,
	       const char *value_name)
{
	char nname[64];

	json_s64(out, name, value);
	snprintf(nname, sizeof(nname), "%s_name", name);
	json_str(out, nname, value_name);
}

void json_hist_begin(FILE *out, const char *name, const char *unit,
		     const char *kind)
{
	json_begin(out, "hist");
	json_str(out, "name", name);
	json_str(out, "unit", unit);
	json_str(out, "kind", kind);
}

void json_hist_end(FILE *out, const struct hist_bucket *b, size_t n)
{
	unsigned long long total = 0;
	bool first = true;
	size_t i;

	for (i = 0; i < n; i++)
		total += b[i].count;
	json_u64(out, "total", total);
	fputs(",\"buckets\":[", out);
	for (i = 0; i < n; i++) {
		if (!b[i].count)
			continue;
		fprintf(out, "%s{\"low\":%llu,\"high\":", first ? "" : ",", b[i].low);
		if (b[i].open)
			fputs("null", out);
		else
			fprintf(out, "%llu", b[i].high);
		fprintf(out, ",\"count\":%llu}", b[i].count);
		first = false;
	}
	fputs("]}\n", out);
}

void json_hist_end_log2(FILE *out, const __u64 *slots, unsigned int nslots)
{
	struct hist_bucket b[65];
	unsigned int i;

	if (nslots > 65)
		nslots = 65;
	for (i = 0; i < nslots; i++)
		b[i] = (struct hist_bucket){ log2_slot_low(i), log2_slot_high(i),
					     slots[i] };
	json_hist_end(out, b, nslots);
}

void json_hist_end_lhist(FILE *out, const __u64 *slots,
			 const struct lhist_spec *spec)
{
	unsigned int n = lhist_nslots(spec), i;
	struct hist_bucket *b = calloc(n, sizeof(*b));

	if (!b) {
		json_hist_end(out, NULL, 0);
		return;
	}
	/* Slot 0: below min; the last: max and above. */
	b[0] = (struct hist_bucket){ 0, spec->min ? spec->min - 1 : 0, slots[0] };
	for (i = 1; i + 1 < n; i++)
		b[i] = (struct hist_bucket){ spec->min + (i - 1) * spec->step,
					     spec->min + i * spec->step - 1, slots[i] };
	b[n - 1] = (struct hist_bucket){ spec->max, 0, slots[n - 1], true };
	json_hist_end(out, b, n);
	free(b);
}

void json_interval(FILE *out, unsigned int index, unsigned int interval_s,
		   bool last)
{
	json_begin(out, "interval");
	json_u64(out, "index", index);
	json_u64(out, "interval_s", interval_s);
	json_bool(out, "last", last);
	json_end(out);
	fflush(out);
}

void json_task(FILE *out, __u32 pid, __u32 tid, __u32 uid, const char *comm)
{
	json_u64(out, "pid", pid);
	json_u64(out, "tid", tid);
	json_u64(out, "uid", uid);
	json_str(out, "comm", comm);
}
