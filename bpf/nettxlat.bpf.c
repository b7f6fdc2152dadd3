// SPDX-License-Identifier: GPL-2.0
/*
 * nettxlat: network device transmit latency, from the start of a transmit
 * (net:net_dev_start_xmit) to the release of its skb (BPF Performance
 * Tools 10.3.x, nettxlat.bt and nettxlat-dev.bt, which end at
 * skb:consume_skb).  The release: netlens.ko's netlens:skb_free, which
 * fires on every path an skb is freed by (consume, kfree, __kfree_skb,
 * kfree_skb_partial after coalescing, the NAPI cache); without the module,
 * skb:consume_skb and skb:kfree_skb, which those other paths bypass.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "count.bpf.h"
#include "log2.bpf.h"
#include "skb_dev.bpf.h"
#include "nettxlat.h"

const volatile bool per_device = false;	/* -D: a histogram per device */

struct xmit_start {
	__u64 ns;
	char dev[16];
};

/* LRU: an skb whose release no source sees is forgotten, not kept forever. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct xmit_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct nettxlat_key);
	__type(value, __u64);
} latency SEC(".maps");

static __always_inline int xmit_start(const struct sk_buff *skb)
{
	struct xmit_start s = {};
	__u64 key = (__u64)skb;

	if (!skb || !skb_dev_name(skb, s.dev) || !dev_selected(s.dev))
		return 0;
	/* A forwarded skb's last transmit counts (the book's net_dev_queue delete). */
	s.ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &key, &s, BPF_ANY);
	return 0;
}

static __always_inline int xmit_release(const struct sk_buff *skb)
{
	struct nettxlat_key k = {};
	__u64 key = (__u64)skb;
	struct xmit_start *s;

	s = bpf_map_lookup_elem(&starts, &key);
	if (!s)
		return 0;
	k.slot = log2_slot((bpf_ktime_get_ns() - s->ns) / 1000);
	if (k.slot >= NETTXLAT_SLOTS)
		k.slot = NETTXLAT_SLOTS - 1;
	if (per_device)
		__builtin_memcpy(k.dev, s->dev, sizeof(k.dev));
	bpf_map_delete_elem(&starts, &key);
	map_count(&latency, &k);
	return 0;
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(net_dev_start_xmit, struct sk_buff *skb, struct net_device *dev)
{
	return xmit_start(skb);
}

SEC("tp_btf/skb_free")
int BPF_PROG(skb_free, const struct sk_buff *skb)
{
	return xmit_release(skb);
}

SEC("tp_btf/consume_skb")
int BPF_PROG(consume_skb, struct sk_buff *skb)
{
	return xmit_release(skb);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb, struct sk_buff *skb)
{
	return xmit_release(skb);
}

char LICENSE[] SEC("license") = "GPL";
