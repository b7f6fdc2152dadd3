/* SPDX-License-Identifier: GPL-2.0 */
/* log2 histograms in the layout of struct netlens_hist, printed as BCC does. */
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

/* The same as a JSON array of {"low":..,"high":..,"count":..} objects. */
void hist_print_log2_json(FILE *out, const __u64 *slots,
			  unsigned int nslots);

#endif
