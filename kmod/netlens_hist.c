// SPDX-License-Identifier: GPL-2.0
/*
 * A channel's log2 histograms.  BPF programs add to them through the
 * netlens_hist_add() kfunc from any context a tracing program runs in, so
 * adding is a few per-CPU increments: no locks, no allocation.  Readers sum
 * the per-CPU copies.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "netlens.h"

struct netlens_hist_cpu {
	u64 total;
	u64 sum;
	u64 slots[NETLENS_HIST_SLOTS];
};

/* Slot 0 holds 0; slot i holds [2^(i-1), 2^i). */
static unsigned int netlens_hist_slot(u64 value)
{
	return fls64(value);
}

int netlens_hists_add(struct netlens_hist_cpu __percpu *hists, u32 id,
		      u64 value)
{
	unsigned int slot = min_t(unsigned int, netlens_hist_slot(value),
				  NETLENS_HIST_SLOTS - 1);

	if (id >= NETLENS_HIST_COUNT)
		return -EINVAL;
	id = array_index_nospec(id, NETLENS_HIST_COUNT);
	/* this_cpu ops are single instructions: safe even from NMI. */
	this_cpu_inc(hists[id].slots[slot]);
	this_cpu_add(hists[id].sum, value);
	this_cpu_inc(hists[id].total);
	return 0;
}

int netlens_hists_read(struct netlens_hist_cpu __percpu *hists,
		       struct netlens_hist *out)
{
	int cpu, i;

	if (out->id >= NETLENS_HIST_COUNT || out->reserved)
		return -EINVAL;
	/* The id comes from userspace: no speculative read past the array. */
	out->id = array_index_nospec(out->id, NETLENS_HIST_COUNT);

	out->total = 0;
	out->sum = 0;
	memset(out->slots, 0, sizeof(out->slots));
	for_each_possible_cpu(cpu) {
		struct netlens_hist_cpu *h = per_cpu_ptr(&hists[out->id], cpu);

		out->total += READ_ONCE(h->total);
		out->sum += READ_ONCE(h->sum);
		for (i = 0; i < NETLENS_HIST_SLOTS; i++)
			out->slots[i] += READ_ONCE(h->slots[i]);
	}
	return 0;
}

int netlens_hists_reset(struct netlens_hist_cpu __percpu *hists, u32 id)
{
	int cpu;

	if (id >= NETLENS_HIST_COUNT)
		return -EINVAL;
	id = array_index_nospec(id, NETLENS_HIST_COUNT);

	/* Values added concurrently on another CPU may survive the reset. */
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&hists[id], cpu), 0,
		       sizeof(struct netlens_hist_cpu));
	return 0;
}

struct netlens_hist_cpu __percpu *netlens_hists_alloc(void)
{
	return __alloc_percpu_gfp(sizeof(struct netlens_hist_cpu) *
				  NETLENS_HIST_COUNT,
				  __alignof__(struct netlens_hist_cpu),
				  GFP_KERNEL_ACCOUNT);
}

void netlens_hists_free(struct netlens_hist_cpu __percpu *hists)
{
	free_percpu(hists);
}
