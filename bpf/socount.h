/* SPDX-License-Identifier: GPL-2.0 */
/* Keys of sofamily and soprotocol, shared with their userspace. */
#ifndef NETLENS_SOCOUNT_H
#define NETLENS_SOCOUNT_H

enum so_op {
	SO_OP_ACCEPT = 0,
	SO_OP_CONNECT = 1,
};

struct sofamily_key {
	__u32 pid;
	__u16 family;
	__u8 op;
	__u8 pad;
	char comm[16];
};

struct soprotocol_key {
	__u32 pid;
	__u16 protocol;
	__u8 op;
	__u8 pad;
	char comm[16];
	char name[32];		/* struct proto's name: "TCP", "UDP", ... */
};

#endif
