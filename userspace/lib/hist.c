// SPDX-License-Identifier: GPL-2.0
#include "hist.h"

#define LHIST_BAR	52	/* bpftrace's bar width */

unsigned int log2_slot(__u64 value)
{
	return value ? 64 - __builtin_clzll(value) : 0;
}

__u64 log2_slot_low(unsigned int i)
{
	return i ? 1ULL << (i - 1) : 0;
}

__u64 log2_slot_high(unsigned int i)
{
	if (i == 0)
		return 0;
	if (i >= 64)
		return (__u64)-1;
	return (1ULL << i) - 1;
}

/* @n of @c, padded with spaces to @width columns. */
static void print_bar(FILE *out, int n, char c, int width)
{
	int i;

	for (i = 0; i < width; i++)
		fputc(i < n ? c : ' ', out);
}

static void print_stars(FILE *out, __u64 val, __u64 max, int width)
{
	int stars = max ? (int)(val * width / max) : 0;

	if (stars > width)
		stars = width;
	print_bar(out, stars, '*', width);
	if (val > max)
		fputc('+', out);
}

static int used_range(const __u64 *slots, unsigned int nslots,
		      unsigned int *first, unsigned int *last, __u64 *max)
{
	unsigned int i;
	int any = 0;

	*first = *last = 0;
	*max = 0;
	for (i = 0; i < nslots; i++) {
		if (!slots[i])
			continue;
		if (!any)
			*first = i;
		*last = i;
		any = 1;
		if (slots[i] > *max)
			*max = slots[i];
	}
	return any;
}

void hist_print_log2(FILE *out, const __u64 *slots, unsigned int nslots,
		     const char *unit)
{
	unsigned int first, last, i;
	__u64 max;
	int wide;

	if (!used_range(slots, nslots, &first, &last, &max))
		return;
	/* Column widths of BCC's print_log2_hist. */
	wide = last > 32;
	fprintf(out, "%*s%-*s : count    distribution\n",
		wide ? 15 : 5, "", wide ? 29 : 19, unit);
	for (i = first; i <= last; i++) {
		fprintf(out, "%*llu -> %-*llu : %-8llu |", wide ? 20 : 10,
			(unsigned long long)log2_slot_low(i), wide ? 20 : 10,
			(unsigned long long)log2_slot_high(i),
			(unsigned long long)slots[i]);
		print_stars(out, slots[i], max, 40);
		fputs("|\n", out);
	}
}

unsigned int lhist_nslots(const struct lhist_spec *spec)
{
	return (spec->max - spec->min) / spec->step + 2;
}

unsigned int lhist_slot(const struct lhist_spec *spec, long value)
{
	if (value < spec->min)
		return 0;
	if (value >= spec->max)
		return lhist_nslots(spec) - 1;
	return 1 + (value - spec->min) / spec->step;
}

/* bpftrace's lhist_index_label(): 0, NM, NK or N. */
static const char *lhist_label(long n, char *buf, size_t len)
{
	if (n != 0 && n % (1024 * 1024) == 0)
		snprintf(buf, len, "%ldM", n / (1024 * 1024));
	else if (n != 0 && n % 1024 == 0)
		snprintf(buf, len, "%ldK", n / 1024);
	else
		snprintf(buf, len, "%ld", n);
	return buf;
}

void hist_print_lhist(FILE *out, const __u64 *slots,
		      const struct lhist_spec *spec)
{
	unsigned int n = lhist_nslots(spec), first, last, i;
	char header[64], lo[24], hi[24];
	__u64 max;
	int bar;

	if (!used_range(slots, n, &first, &last, &max))
		return;
	for (i = first; i <= last; i++) {
		if (i == 0)
			snprintf(header, sizeof(header), "(..., %s)",
				 lhist_label(spec->min, lo, sizeof(lo)));
		else if (i == n - 1)
			snprintf(header, sizeof(header), "[%s, ...)",
				 lhist_label(spec->max, lo, sizeof(lo)));
		else
			snprintf(header, sizeof(header), "[%s, %s)",
				 lhist_label(spec->min + (long)(i - 1) * spec->step,
					     lo, sizeof(lo)),
				 lhist_label(spec->min + (long)i * spec->step,
					     hi, sizeof(hi)));
		/* bpftrace: values.at(i) / (float)max_value * max_width. */
		bar = (int)((float)slots[i] / (float)max * LHIST_BAR);
		fprintf(out, "%-16s%8llu |", header, (unsigned long long)slots[i]);
		print_bar(out, bar, '@', LHIST_BAR);
		fputs("|\n", out);
	}
}

void hist_print_lhist_entry(FILE *out, const char *name, const char *key,
			    const __u64 *slots, const struct lhist_spec *spec)
{
	if (key)
		fprintf(out, "%s[%s]: \n", name, key);
	else
		fprintf(out, "%s: \n", name);
	hist_print_lhist(out, slots, spec);
	fputc('\n', out);
}
