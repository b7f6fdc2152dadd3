// SPDX-License-Identifier: GPL-2.0
/*
 * xmitstack: kernel stacks of packet transmits (book 10.4 one-liner
 * "stackcount t:net:net_dev_xmit"): the net:net_dev_xmit tracepoint,
 * counted by stack id.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "count.bpf.h"
#include "dev_filter.bpf.h"
#include "xmitstack.h"

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, XMITSTACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/* Stack id (XMITSTACK_LOST: none) -> transmits. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* The net:net_dev_xmit record (tracefs format; tracepoint ABI). */
struct net_dev_xmit_ctx {
	__u64 common;
	void *skbaddr;
	unsigned int len;
	int rc;
	__u32 data_loc_name;
};

SEC("tracepoint/net/net_dev_xmit")
int net_dev_xmit(struct net_dev_xmit_ctx *ctx)
{
	char dev[16] = {};
	__u32 key;
	long id;

	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	if (targ_dev[0]) {
		tp_dev_name(ctx, ctx->data_loc_name, dev);
		if (!dev_selected(dev))
			return 0;
	}
	id = bpf_get_stackid(ctx, &stacks, 0);
	key = id < 0 ? XMITSTACK_LOST : (__u32)id;
	map_count(&counts, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
