// SPDX-License-Identifier: GPL-2.0
/*
 * skbdrop: sk_buff drops by reason and kernel stack (BPF Performance
 * Tools chapter 10, skbdrop.bt), from the skb:kfree_skb tracepoint through
 * tp_btf: its drop reason (5.17+; the enum's values differ between
 * kernels, userspace names them from the running kernel's BTF) and the
 * skb, whose device or socket gives the network namespace --netns asks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "count.bpf.h"
#include "skbdrop.h"

const volatile bool with_stacks = true;	/* -R: reasons only */

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, SKBDROP_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct skbdrop_key);
	__type(value, __u64);
} drops SEC(".maps");

/* The namespace of the device the skb was on, else of its socket; 0: none. */
static __always_inline __u32 skb_netns(const struct sk_buff *skb)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	struct sock *sk;

	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	sk = BPF_CORE_READ(skb, sk);
	return sk ? BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) : 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb, struct sk_buff *skb, void *location, int reason)
{
	struct skbdrop_key key = { .reason = reason, .stack_id = SKBDROP_NO_STACK };
	long id;

	if (targ_netns && (!skb || skb_netns(skb) != targ_netns))
		return 0;
	if (with_stacks) {
		id = bpf_get_stackid(ctx, &stacks, 0);
		if (id >= 0)
			key.stack_id = id;
	}
	map_count(&drops, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
