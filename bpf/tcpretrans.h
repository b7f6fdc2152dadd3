/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpretrans.bpf.c and tcpretrans.c. */
#ifndef NETLENS_TCPRETRANS_H
#define NETLENS_TCPRETRANS_H

enum tcpretrans_kind {
	TCPRETRANS_RETRANSMIT = 1,	/* tcp:tcp_retransmit_skb */
	TCPRETRANS_LOSS_PROBE = 2,	/* netlens:tcp_loss_probe (-l) */
};

/* The session, as the -c counts key it and the lines show it. */
struct tcpretrans_flow {
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 lport;		/* host byte order */
	__u16 rport;
	__u16 pad;
	__u8 laddr[16];		/* IPv4: first 4 bytes */
	__u8 raddr[16];
};

struct tcpretrans_event {
	struct tcpretrans_flow flow;
	__u32 pid;		/* on CPU: 0 when the retransmit timer fired */
	__u8 kind;		/* enum tcpretrans_kind */
	__u8 state;		/* TCP_ESTABLISHED ... (include/net/tcp_states.h) */
	__u16 segs;		/* segments resent (the kernel's RetransSegs); 0: a probe */
};

/* -c: per flow and kind... */
struct tcpretrans_count_key {
	struct tcpretrans_flow flow;
	__u32 kind;
};

/* ...how many, and the segments they resent. */
struct tcpretrans_count {
	__u64 events;
	__u64 segs;
};

#endif
