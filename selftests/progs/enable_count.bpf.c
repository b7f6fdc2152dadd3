// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF way of enabling netlens:skb_alloc/skb_free for enable_test:
 * count the events of the workload task, found by its name, as the
 * tests of the other ways (tracefs, perf, trace-cmd, bpftrace) do.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "comm.bpf.h"

/* The workload's comm, set before load (at most 15 characters). */
const volatile char target_comm[16] = "";

__u64 allocs = 0, frees = 0;

static __always_inline bool current_is_target(void)
{
	return current_comm_is(target_comm);
}

SEC("tp_btf/skb_alloc")
int BPF_PROG(count_alloc)
{
	if (current_is_target())
		__sync_fetch_and_add(&allocs, 1);
	return 0;
}

SEC("tp_btf/skb_free")
int BPF_PROG(count_free)
{
	if (current_is_target())
		__sync_fetch_and_add(&frees, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
