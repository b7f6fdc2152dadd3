/* SPDX-License-Identifier: GPL-2.0 */
/* log2 slots for BPF programs, in the layout of struct netlens_hist. */
#ifndef NETLENS_LOG2_BPF_H
#define NETLENS_LOG2_BPF_H

/*
 * Slot 0 for 0, else i where 2^(i-1) <= v < 2^i (userspace's log2_slot()).
 * Bit steps: clang 14 crashes on __builtin_clzll for BPF.
 */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 slot = 0;

	if (v >= 1ULL << 32) { v >>= 32; slot += 32; }
	if (v >= 1ULL << 16) { v >>= 16; slot += 16; }
	if (v >= 1ULL << 8) { v >>= 8; slot += 8; }
	if (v >= 1ULL << 4) { v >>= 4; slot += 4; }
	if (v >= 1ULL << 2) { v >>= 2; slot += 2; }
	if (v >= 1ULL << 1) { v >>= 1; slot += 1; }
	return v ? slot + 1 : 0;
}

#endif
