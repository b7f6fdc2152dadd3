/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpconnect, tcpaccept and soaccept (their .bpf.c and .c). */
#ifndef NETLENS_TCPCONN_H
#define NETLENS_TCPCONN_H

#include "tcp_flow.h"

/* -P takes at most this many ports. */
#define TCPCONN_MAX_PORTS	64

/*
 * A TCP connection opened by a task: connect() or accept(); soaccept's
 * accept of any IP protocol, or its failure (the flow is then the
 * listener's: no remote end).
 */
struct tcpconn_event {
	/*
	 * The session.  tcpconnect: at SYN_SENT the local port is chosen
	 * later (0) unless the socket was bound to one.
	 */
	struct tcp_flow flow;
	__u32 pid;		/* the task that connected or accepted */
	__u32 tid;
	__u32 uid;
	__u32 backlog;		/* tcpaccept: connections still queued on the listener */
	__u32 max_backlog;	/* tcpaccept: the listener's limit (listen(2)) */
	__s32 ret;		/* soaccept: the accept's result (-errno; 0: success) */
	__u16 protocol;		/* soaccept: the listener's IPPROTO_* */
	__u16 pad;
	char comm[16];
};

#endif
