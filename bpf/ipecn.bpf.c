// SPDX-License-Identifier: GPL-2.0
/*
 * ipecn: IPv4 and IPv6 packets marked Congestion Experienced, inbound and
 * outbound (BPF Performance Tools 10.3.x, ipecn.bt: inbound IPv4 only,
 * kprobe ip_rcv).  Inbound at net:netif_receive_skb, outbound at
 * net:net_dev_start_xmit: after the qdisc, which is where an AQM such as
 * fq_codel or red marks CE.  Both through tp_btf, for the skb.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "skb_dev.bpf.h"
#include "ip_hdr.bpf.h"
#include "ipecn.h"

#define ECN_CE	3

const volatile bool trace_in = true;
const volatile bool trace_out = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline int ce_packet(const struct sk_buff *skb, __u32 dir)
{
	struct ipecn_event *e;
	struct ip_info ip = {};
	char dev[16] = {};

	if (!skb || !skb_ip_info(skb, dir == IPECN_IN, &ip) || ip.ecn != ECN_CE)
		return 0;
	if ((targ_family && ip.family != targ_family) || !skb_dev_name(skb, dev) ||
	    !dev_selected(dev))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	__builtin_memcpy(e->dev, dev, sizeof(e->dev));
	e->ts_ns = bpf_ktime_get_ns();
	e->dir = dir;
	e->family = ip.family;
	e->protocol = ip.protocol;
	e->pad = 0;
	e->len = BPF_CORE_READ(skb, len);
	__builtin_memcpy(e->saddr, ip.saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, ip.daddr, sizeof(e->daddr));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(netif_receive_skb, struct sk_buff *skb)
{
	return trace_in ? ce_packet(skb, IPECN_IN) : 0;
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(net_dev_start_xmit, struct sk_buff *skb, struct net_device *dev)
{
	return trace_out ? ce_packet(skb, IPECN_OUT) : 0;
}

char LICENSE[] SEC("license") = "GPL";
