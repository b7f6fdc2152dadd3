// SPDX-License-Identifier: GPL-2.0
#include "hist.h"

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

static void print_stars(FILE *out, __u64 val, __u64 max, int width)
{
	int stars = max ? (int)(val * width / max) : 0;
	int i;

	if (stars > width)
		stars = width;
	for (i = 0; i < width; i++)
		fputc(i < stars ? '*' : ' ', out);
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

void hist_print_log2_json(FILE *out, const __u64 *slots,
			  unsigned int nslots)
{
	unsigned int first, last, i;
	__u64 max;

	fputc('[', out);
	if (used_range(slots, nslots, &first, &last, &max)) {
		for (i = first; i <= last; i++)
			fprintf(out, "%s{\"low\":%llu,\"high\":%llu,\"count\":%llu}",
				i == first ? "" : ",",
				(unsigned long long)log2_slot_low(i),
				(unsigned long long)log2_slot_high(i),
				(unsigned long long)slots[i]);
	}
	fputc(']', out);
}
