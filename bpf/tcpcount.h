/* SPDX-License-Identifier: GPL-2.0 */
/* tcpcount's key, shared by tcpcount.bpf.c and tcpcount.c. */
#ifndef NETLENS_TCPCOUNT_H
#define NETLENS_TCPCOUNT_H

enum tcpcount_op {
	TC_SEND = 0,
	TC_RECV = 1,
};

struct tcpcount_key {
	__u32 pid;
	__u8 op;
	__u8 pad[3];
	char comm[16];
};

#endif
