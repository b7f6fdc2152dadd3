/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcptop.bpf.c and tcptop.c. */
#ifndef NETLENS_TCPTOP_H
#define NETLENS_TCPTOP_H

#include "tcp_flow.h"

/* Sessions per process followed at once; more are counted as dropped. */
#define TCPTOP_MAX_ENTRIES	10240

/* One row: a process's traffic on one TCP session. */
struct tcptop_key {
	struct tcp_flow flow;
	__u32 pid;		/* TGID of the task that sent or received */
	char comm[16];
};

struct tcptop_bytes {
	__u64 sent;		/* bytes send calls returned */
	__u64 received;		/* bytes receive calls returned (MSG_PEEK not) */
};

#endif
