/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpretrans.bpf.c and tcpretrans.c. */
#ifndef NETLENS_TCPRETRANS_H
#define NETLENS_TCPRETRANS_H

#include "tcp_flow.h"

enum tcpretrans_kind {
	TCPRETRANS_RETRANSMIT = 1,	/* tcp:tcp_retransmit_skb */
	TCPRETRANS_LOSS_PROBE = 2,	/* netlens:tcp_loss_probe (-l) */
};

struct tcpretrans_event {
	struct tcp_flow flow;	/* the session */
	__u32 pid;		/* on CPU: 0 when the retransmit timer fired */
	__u8 kind;		/* enum tcpretrans_kind */
	__u8 state;		/* TCP_ESTABLISHED ... (include/net/tcp_states.h) */
	__u16 segs;		/* segments resent (the kernel's RetransSegs); 0: a probe */
};

/* -c: per flow and kind... */
struct tcpretrans_count_key {
	struct tcp_flow flow;
	__u32 kind;
};

/* ...how many, and the segments they resent. */
struct tcpretrans_count {
	__u64 events;
	__u64 segs;
};

#endif
