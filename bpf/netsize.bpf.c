// SPDX-License-Identifier: GPL-2.0
/*
 * netsize: network device I/O sizes as log2 histograms per device (BPF
 * Performance Tools 10.3.x, netsize.bt), from the net: tracepoints through
 * tp_btf, which give the skb: its device, and its GSO/GRO segments, so
 * that merged and segmented sizes are counted apart from the wire's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "count.bpf.h"
#include "log2.bpf.h"
#include "skb_dev.bpf.h"
#include "netsize.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct netsize_key);
	__type(value, __u64);
} sizes SEC(".maps");

static __always_inline void add(struct netsize_key *key, __u64 bytes, __u64 n)
{
	key->slot = log2_slot(bytes);
	if (key->slot >= NETSIZE_SLOTS)
		key->slot = NETSIZE_SLOTS - 1;
	map_add(&sizes, key, n);
}

/* @skb's size as @kind, and its wire segments as @seg_kind (NETSIZE_KINDS: not). */
static __always_inline int record(const struct sk_buff *skb, __u32 kind, __u32 seg_kind)
{
	struct netsize_key key = {};
	__u32 len;

	if (!skb || !skb_dev_name(skb, key.dev) || !dev_selected(key.dev))
		return 0;
	len = BPF_CORE_READ(skb, len);
	key.kind = kind;
	add(&key, len, 1);
	if (seg_kind < NETSIZE_KINDS) {
		key.kind = seg_kind;
		SKB_FOR_SEGMENTS(skb, len, add, &key);
	}
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(netif_receive_skb, struct sk_buff *skb)
{
	return record(skb, NETSIZE_RECV, NETSIZE_RECV_SEGMENT);
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(net_dev_queue, struct sk_buff *skb)
{
	return record(skb, NETSIZE_SEND, NETSIZE_KINDS);
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(net_dev_start_xmit, struct sk_buff *skb, struct net_device *dev)
{
	return record(skb, NETSIZE_NIC_SEND, NETSIZE_SEND_SEGMENT);
}

/*
 * A driver hands each packet to exactly one of these (the book took
 * napi_gro_receive_entry only: devices without NAPI GRO, as loopback and
 * veth, went unseen).
 */
SEC("tp_btf/napi_gro_receive_entry")
int BPF_PROG(napi_gro_receive_entry, struct sk_buff *skb)
{
	return record(skb, NETSIZE_NIC_RECV, NETSIZE_KINDS);
}

SEC("tp_btf/napi_gro_frags_entry")
int BPF_PROG(napi_gro_frags_entry, struct sk_buff *skb)
{
	return record(skb, NETSIZE_NIC_RECV, NETSIZE_KINDS);
}

SEC("tp_btf/netif_receive_skb_entry")
int BPF_PROG(netif_receive_skb_entry, struct sk_buff *skb)
{
	return record(skb, NETSIZE_NIC_RECV, NETSIZE_KINDS);
}

SEC("tp_btf/netif_receive_skb_list_entry")
int BPF_PROG(netif_receive_skb_list_entry, struct sk_buff *skb)
{
	return record(skb, NETSIZE_NIC_RECV, NETSIZE_KINDS);
}

SEC("tp_btf/netif_rx_entry")
int BPF_PROG(netif_rx_entry, struct sk_buff *skb)
{
	return record(skb, NETSIZE_NIC_RECV, NETSIZE_KINDS);
}

char LICENSE[] SEC("license") = "GPL";
