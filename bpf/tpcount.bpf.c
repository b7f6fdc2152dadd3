// SPDX-License-Identifier: GPL-2.0
/*
 * tpcount: hits of every tracepoint of a category (book 10.4 one-liner
 * "t:iwlwifi:* { @[probe] = count(); }").  One program, attached by
 * userspace to each tracepoint of the category, counts by tracepoint id,
 * the attach cookie userspace gives each attachment (Linux 5.15+).  The
 * record's own common_type cannot serve instead: while BPF runs, the first
 * 8 bytes of the record hold a pt_regs pointer (perf_trace_run_bpf_submit)
 * and the verifier refuses reads there.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "count.bpf.h"

/* Tracepoint id -> hits, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint")
int count_by_cookie(void *ctx)
{
	__u32 id;

	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	id = (__u32)bpf_get_attach_cookie(ctx);
	map_count(&counts, &id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
