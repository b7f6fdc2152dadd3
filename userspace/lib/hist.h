/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Histograms: log2 ones in the layout of struct netlens_hist, printed as
 * BCC does; linear ones printed as bpftrace prints lhist().
 */
#ifndef NETLENS_HIST_H
#define NETLENS_HIST_H

#include <linux/types.h>
#include <stdio.h>

/* Slot of @value: 0 for 0, else i where 2^(i-1) <= value < 2^i. */
unsigned int log2_slot(__u64 value);

/* Lower (inclusive) and upper (inclusive) bound of values in slot @i. */
__u64 log2_slot_low(unsigned int i);
__u64 log2_slot_high(unsigned int i);

/*
 * Print the BCC-style table ("     usecs : count    distribution") of the
 * used range of @slots; prints nothing when every slot is zero.
 */
void hist_print_log2(FILE *out, const __u64 *slots, unsigned int nslots,
		     const char *unit);

/* JSON: json_hist_end_log2() (jsonout.h). */

/*
 * Linear histograms, bpftrace's lhist(value, min, max, step): slot 0 holds
 * values below @min, slot 1 + (value - min) / step those in [min, max),
 * the last slot those at @max and above; lhist_nslots() slots in all.
 */
struct lhist_spec {
	long min, max, step;	/* bpftrace: 0 <= min < max, step > 0 */
};

unsigned int lhist_nslots(const struct lhist_spec *spec);
unsigned int lhist_slot(const struct lhist_spec *spec, long value);

/*
 * Print the used range of @slots (lhist_nslots() of them) as bpftrace's
 * text output does (v0.17, the TextOutput::lhist() rows): "[lo, hi)" left
 * in 16 columns ("(..., min)" and "[max, ...)" for the outer slots, K/M
 * for multiples of 1024/1048576), the count right in 8, " |", a bar of
 * count * 52 / largest '@' in 52 columns and "|"; zero slots between used
 * ones included.  Prints nothing when every slot is zero.
 */
void hist_print_lhist(FILE *out, const __u64 *slots,
		      const struct lhist_spec *spec);

/*
 * One map entry of an lhist map as bpftrace prints it: "@NAME[KEY]: "
 * ("@NAME: " when @key is NULL), the rows of hist_print_lhist() and an
 * empty line.
 */
void hist_print_lhist_entry(FILE *out, const char *name, const char *key,
			    const __u64 *slots, const struct lhist_spec *spec);

#endif
