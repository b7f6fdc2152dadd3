// SPDX-License-Identifier: GPL-2.0
/*
 * skblife: sk_buff lifespans from netlens:skb_free, which carries the age
 * the module measured: no per-skb state here, one histogram add per skb.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <linux/netlens.h>
#include "log2.bpf.h"
#include "skb_cache.bpf.h"
#include "netlens_kfuncs.h"
#include "channel.bpf.h"
#include "comm.bpf.h"
#include "sock_common.h"	/* the task filters: -p (targ_tgid), --cgroup, --netns */

/* Set before load. */
const volatile __u64 unit_div = 1;	/* 1 ns, 1000 us, 1000000 ms */
const volatile bool filter_comm = false;	/* -c: allocating task's comm */
const volatile char targ_comm[16] = {};
const volatile __u64 min_age_ns = 0;	/* -L: stream lifetimes this long */
/* -c, --cgroup, --netns: decided at skb_alloc, in the allocating task. */
const volatile bool filter_at_alloc = false;

/* -L: lifetimes netlens_record_emit() did not take (ring full). */
__u64 records_not_emitted = 0;

/* Those filters only: the skbs their allocating task passed (their cost). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} selected_skbs SEC(".maps");

/* The current task (the allocating one, at allocation) passes -c, --cgroup, --netns. */
static __always_inline bool allocator_selected(void)
{
	if (filter_comm && !current_comm_is(targ_comm))
		return false;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_map, 0) != 1)
		return false;
	if (targ_netns) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();

		if (BPF_CORE_READ(task, nsproxy, net_ns, ns.inum) != targ_netns)
			return false;
	}
	return true;
}

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

	if (targ_tgid && (__u32)alloc_pid != targ_tgid)
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

/* -L: one record per long-lived skb, through /dev/netlens. */
static __always_inline int emit_lifetime(__u64 age_ns, unsigned int truesize,
					 pid_t alloc_pid, __u8 alloc_path,
					 __u8 free_path, unsigned long caller)
{
	struct netlens_record_skb_lifetime rec = {};

	if (age_ns < min_age_ns || (targ_tgid && (__u32)alloc_pid != targ_tgid))
		return 0;
	rec.age_ns = age_ns;
	rec.free_caller = caller;
	rec.truesize = truesize;
	rec.alloc_pid = alloc_pid;
	rec.free_pid = bpf_get_current_pid_tgid() >> 32;
	rec.alloc_path = alloc_path;
	rec.free_path = free_path;
	bpf_get_current_comm(rec.free_comm, sizeof(rec.free_comm));
	if (netlens_record_emit(netlens_channel, NETLENS_RECORD_SKB_LIFETIME, &rec, sizeof(rec)))
		__sync_fetch_and_add(&records_not_emitted, 1);
	return 0;
}

/* ---- fallback without netlens.ko: the kmem tracepoints, the book's way ---- */

struct birth {
	__u64 ts;
	pid_t pid;
};

/* Live skbs: the per-skb state netlens.ko spares its consumers. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct birth);
} births SEC(".maps");

static __always_inline int fallback_alloc(unsigned long call_site, const void *ptr,
					  struct kmem_cache *s)
{
	struct birth b;
	__u64 key = (__u64)ptr;

	if (!ptr || !is_skb_object(s, call_site) || (filter_at_alloc && !allocator_selected()))
		return 0;
	b.ts = bpf_ktime_get_ns();
	b.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_map_update_elem(&births, &key, &b, BPF_ANY);
	return 0;
}

static __always_inline int fallback_free(const void *ptr)
{
	__u64 key = (__u64)ptr;
	struct birth *b = bpf_map_lookup_elem(&births, &key);

	if (!b)
		return 0;
	record_lifetime(bpf_ktime_get_ns() - b->ts, b->pid, NETLENS_SKB_ALLOC_OTHER);
	bpf_map_delete_elem(&births, &key);
	return 0;
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(kmem_cache_alloc, unsigned long call_site, const void *ptr,
	     struct kmem_cache *s)
{
	return fallback_alloc(call_site, ptr, s);
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(kmem_cache_free, unsigned long call_site, const void *ptr)
{
	return fallback_free(ptr);
}

SEC("tp_btf/skb_alloc")
int BPF_PROG(skb_alloc, const struct sk_buff *skb, unsigned int size,
	     __u8 path, unsigned long caller)
{
	__u64 key = (__u64)skb;
	__u8 one = 1;

	/* Attached only with filter_at_alloc. */
	if (allocator_selected())
		bpf_map_update_elem(&selected_skbs, &key, &one, BPF_ANY);
	return 0;
}

SEC("tp_btf/skb_free")
int BPF_PROG(skb_free, const struct sk_buff *skb, __u64 age_ns,
	     unsigned int truesize, pid_t alloc_pid, __u8 alloc_path,
	     __u8 free_path, unsigned long caller)
{
	__u64 key = (__u64)skb;

	if (filter_at_alloc) {
		if (!bpf_map_lookup_elem(&selected_skbs, &key))
			return 0;
		bpf_map_delete_elem(&selected_skbs, &key);
		/* Allocated in softirq: the current task was not the allocator. */
		if (!alloc_pid)
			return 0;
	}
	if (min_age_ns)
		return emit_lifetime(age_ns, truesize, alloc_pid, alloc_path,
				     free_path, caller);
	return record_lifetime(age_ns, alloc_pid, alloc_path);
}

char LICENSE[] SEC("license") = "GPL";
