/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpsynbl.bpf.c and tcpsynbl.c. */
#ifndef NETLENS_TCPSYNBL_H
#define NETLENS_TCPSYNBL_H

#define TCPSYNBL_SLOTS	32	/* log2 slots of the backlog (a u32) */

/* Histogram cell: the listener's backlog limit and a log2 slot. */
struct tcpsynbl_key {
	__u32 max_backlog;
	__u32 slot;
};

/* A child dropped: the accept queue was over its limit. */
struct tcpsynbl_drop {
	__u32 backlog;
	__u32 max_backlog;
	__u16 lport;
	__u16 family;
};

#endif
