// SPDX-License-Identifier: GPL-2.0
/*
 * rxcpu: received packets by device and CPU (book 10.4 one-liner
 * "t:net:netif_receive_skb { @[args->name] = lhist(cpu, 0, 128, 1); }").
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "count.bpf.h"
#include "dev_filter.bpf.h"
#include "rxcpu.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct rxcpu_key);
	__type(value, __u64);
} counts SEC(".maps");

/*
 * The net:netif_receive_skb record (tracefs format; tracepoint ABI): the
 * device name is a __data_loc string, its offset in the low 16 bits.
 */
struct netif_receive_skb_ctx {
	__u64 common;
	void *skbaddr;
	unsigned int len;
	__u32 data_loc_name;
};

SEC("tracepoint/net/netif_receive_skb")
int netif_receive_skb(struct netif_receive_skb_ctx *ctx)
{
	struct rxcpu_key key = {};

	tp_dev_name(ctx, ctx->data_loc_name, key.dev);
	if (!dev_selected(key.dev))
		return 0;
	key.cpu = bpf_get_smp_processor_id();
	map_count(&counts, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
