// SPDX-License-Identifier: GPL-2.0
/*
 * superping: ICMP and ICMPv6 echo round trips measured in the network
 * stack (BPF Performance Tools 10.3.x, superping.bt, which kprobes
 * ip_send_skb, ip6_send_skb, icmp_rcv and icmpv6_rcv): from an echo
 * request queued to its device (net:net_dev_queue, before the qdisc) to
 * its reply handed over by the device's driver (the net: driver entry
 * tracepoints, where the kernel also timestamps it for SO_TIMESTAMP: not
 * net:netif_receive_skb, which a backlog can hold it from), all through
 * tp_btf; no kprobes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "skb_dev.bpf.h"
#include "ip_hdr.bpf.h"
#include "superping.h"

#define ICMP_ECHOREPLY		0
#define ICMP_ECHO		8
#define ICMPV6_ECHO_REQUEST	128
#define ICMPV6_ECHO_REPLY	129
#define IPPROTO_ICMP_NUM	1
#define IPPROTO_ICMPV6_NUM	58

const volatile __u16 targ_family = 0;	/* -4, -6 */

struct echo_key {
	__u16 family;
	__u16 id;
	__u16 seq;
	__u16 pad;
	__u8 addr[16];		/* the pinged address */
};

/* LRU: requests that get no reply are forgotten. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct echo_key);
	__type(value, __u64);
} requests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* @skb is an echo @want (request or reply) of either family: its key, the address @addr_at's. */
static __always_inline bool echo_of(const struct sk_buff *skb, bool received, bool request,
				    struct echo_key *key)
{
	struct ip_info ip = {};
	__u8 icmp[8];

	if (!skb || !skb_ip_info(skb, received, &ip))
		return false;
	if (targ_family && ip.family != targ_family)
		return false;
	if (bpf_probe_read_kernel(icmp, sizeof(icmp), ip.l4))
		return false;
	if (ip.family == NL_AF_INET) {
		if (ip.protocol != IPPROTO_ICMP_NUM ||
		    icmp[0] != (request ? ICMP_ECHO : ICMP_ECHOREPLY))
			return false;
	} else if (ip.protocol != IPPROTO_ICMPV6_NUM ||
		   icmp[0] != (request ? ICMPV6_ECHO_REQUEST : ICMPV6_ECHO_REPLY)) {
		return false;
	}
	key->family = ip.family;
	__builtin_memcpy(&key->id, &icmp[4], 2);
	__builtin_memcpy(&key->seq, &icmp[6], 2);
	/* The request's destination is the reply's source. */
	__builtin_memcpy(key->addr, request ? ip.daddr : ip.saddr, sizeof(key->addr));
	return true;
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(net_dev_queue, struct sk_buff *skb)
{
	struct echo_key key = {};
	__u64 now;

	if (!echo_of(skb, false, true, &key))
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&requests, &key, &now, BPF_ANY);
	return 0;
}

static __always_inline int echo_reply(const struct sk_buff *skb)
{
	struct superping_event *e;
	struct echo_key key = {};
	__u64 *start, now;

	if (!echo_of(skb, true, false, &key))
		return 0;
	start = bpf_map_lookup_elem(&requests, &key);
	if (!start)
		return 0;
	now = bpf_ktime_get_ns();
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->rtt_ns = now - *start;
		e->family = key.family;
		e->id = key.id;
		e->seq = key.seq;
		e->pad = 0;
		__builtin_memcpy(e->addr, key.addr, sizeof(e->addr));
		if (!skb_dev_name(skb, e->dev))
			e->dev[0] = '\0';
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&requests, &key);
	return 0;
}

/*
 * A driver hands each packet to one of these, its link-layer header
 * pulled (napi_gro_frags_entry's skb is not parsed yet: not an echo
 * reply's way in from any driver that matters here).
 */
SEC("tp_btf/netif_rx_entry")
int BPF_PROG(netif_rx_entry, struct sk_buff *skb)
{
	return echo_reply(skb);
}

SEC("tp_btf/netif_receive_skb_entry")
int BPF_PROG(netif_receive_skb_entry, struct sk_buff *skb)
{
	return echo_reply(skb);
}

SEC("tp_btf/netif_receive_skb_list_entry")
int BPF_PROG(netif_receive_skb_list_entry, struct sk_buff *skb)
{
	return echo_reply(skb);
}

SEC("tp_btf/napi_gro_receive_entry")
int BPF_PROG(napi_gro_receive_entry, struct sk_buff *skb)
{
	return echo_reply(skb);
}

char LICENSE[] SEC("license") = "GPL";
