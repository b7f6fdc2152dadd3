/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpbind.bpf.c and tcpbind.c. */
#ifndef NETLENS_TCPBIND_H
#define NETLENS_TCPBIND_H

/* -P takes at most this many ports. */
#define TCPBIND_MAX_PORTS	64

/* Socket options in force at bind(2), bits of tcpbind_event.opts. */
enum tcpbind_opt {
	TCPBIND_REUSEADDR = 1 << 0,	/* SO_REUSEADDR */
	TCPBIND_REUSEPORT = 1 << 1,	/* SO_REUSEPORT */
	TCPBIND_IPV6ONLY = 1 << 2,	/* IPV6_V6ONLY */
};

/* One bind(2) of a TCP socket, at its return. */
struct tcpbind_event {
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;		/* 0 or -errno */
	__u16 family;		/* the address's: AF_INET, AF_INET6 */
	__u16 port;		/* asked for, host byte order: 0 lets the kernel choose */
	__u16 bound_port;	/* the socket's local port after the call (0: none) */
	__u16 opts;		/* enum tcpbind_opt */
	__u8 addr[16];		/* asked for; IPv4: first 4 bytes */
	char comm[16];
};

#endif
