// SPDX-License-Identifier: GPL-2.0
/*
 * skblife: sk_buff lifespans from netlens:skb_free, which carries the age
 * the module measured: no per-skb state here, one histogram add per skb.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/netlens.h>
#include "log2.bpf.h"

/* Set before load. */
const volatile pid_t targ_tgid = 0;	/* allocating process, 0: all */
const volatile __u64 unit_div = 1;	/* 1 ns, 1000 us, 1000000 ms */

/* Per allocation path: NETLENS_HIST_SLOTS log2 slots. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETLENS_SKB_ALLOC_PATHS * NETLENS_HIST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} hists SEC(".maps");

static __always_inline int record_lifetime(__u64 age_ns, pid_t alloc_pid,
					   __u8 alloc_path)
{
	__u32 key, slot;
	__u64 *count;

	if (targ_tgid && alloc_pid != targ_tgid)
		return 0;
	if (alloc_path >= NETLENS_SKB_ALLOC_PATHS)
		alloc_path = NETLENS_SKB_ALLOC_OTHER;
	slot = log2_slot(age_ns / unit_div);
	if (slot >= NETLENS_HIST_SLOTS)
		slot = NETLENS_HIST_SLOTS - 1;
	key = alloc_path * NETLENS_HIST_SLOTS + slot;
	count = bpf_map_lookup_elem(&hists, &key);
	if (count)
		*count += 1;
	return 0;
}

SEC("tp_btf/skb_free")
int BPF_PROG(skb_free, const struct sk_buff *skb, __u64 age_ns,
	     unsigned int truesize, pid_t alloc_pid, __u8 alloc_path,
	     __u8 free_path, unsigned long caller)
{
	return record_lifetime(age_ns, alloc_pid, alloc_path);
}

char LICENSE[] SEC("license") = "GPL";
