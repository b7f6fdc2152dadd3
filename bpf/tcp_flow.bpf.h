/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The endpoints of a TCP socket (struct tcp_flow), and an skb's segment
 * count, for the TCP tools' programs, with the filters that belong to the socket rather than to the
 * task on CPU: -4/-6 and --netns (timers and softirqs run in no task's
 * namespace).  Include after sock_common.h.
 */
#ifndef NETLENS_TCP_FLOW_BPF_H
#define NETLENS_TCP_FLOW_BPF_H

#include "tcp_flow.h"

/*
 * @sk's endpoints into @f; false when -4/-6 or --netns leave it out.
 * @sk may be a request socket: its struct sock_common comes first, with
 * the same fields.
 */
static __always_inline bool tcp_flow_of(const struct sock *sk, struct tcp_flow *f)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family_filtered(f->family))
		return false;
	if (targ_netns && BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) != targ_netns)
		return false;
	f->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	f->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (f->family == AF_INET) {
		bpf_core_read(f->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(f->raddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(f->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(f->raddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	return true;
}

/* The segments @skb carries (tcp_skb_pcount()), as RetransSegs counts them. */
static __always_inline __u16 tcp_skb_segs(const struct sk_buff *skb)
{
	struct tcp_skb_cb *tcb = (struct tcp_skb_cb *)&skb->cb[0];
	__u16 segs = 0;

	bpf_core_read(&segs, sizeof(segs), &tcb->tcp_gso_segs);
	return segs;
}

#endif
