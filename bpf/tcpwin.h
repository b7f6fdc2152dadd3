/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpwin.bpf.c and tcpwin.c. */
#ifndef NETLENS_TCPWIN_H
#define NETLENS_TCPWIN_H

#include "tcp_flow.h"

/* -L and -D take at most this many ports each. */
#define TCPWIN_MAX_PORTS	64

enum tcpwin_kind {
	TCPWIN_RCV = 1,		/* tcp:tcp_probe, top of tcp_rcv_established() */
	TCPWIN_RETRANS = 2,	/* tcp:tcp_retransmit_skb, tcp:tcp_retransmit_synack */
	TCPWIN_NEW = 3,		/* sock:inet_sock_set_state to TCP_ESTABLISHED */
};

/* One event; which members are set depends on @kind. */
struct tcpwin_event {
	__u64 sock;		/* struct sock *; a SYN-ACK's: its struct request_sock * */
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 snd_cwnd;		/* rcv: tcp_sock.snd_cwnd (segments) */
	__u32 snd_ssthresh;	/* rcv: tcp_sock.snd_ssthresh (segments) */
	__s32 sk_sndbuf;	/* rcv: sock.sk_sndbuf (bytes) */
	__s32 sk_wmem_queued;	/* rcv: sock.sk_wmem_queued (bytes) */
	__u8 kind;		/* enum tcpwin_kind */
	__u8 state;		/* retrans: the socket's TCP state (NEW_SYN_RECV: a SYN-ACK) */
	__u16 segs;		/* retrans: segments resent (the kernel's RetransSegs) */
	__u32 pad;
	struct tcp_flow flow;	/* new: the session's endpoints */
};

#endif
