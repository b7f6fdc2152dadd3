/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by socketio.bpf.c and socketio.c. */
#ifndef NETLENS_SOCKETIO_H
#define NETLENS_SOCKETIO_H

#define SOCKETIO_MAX_ENTRIES	10240

/* One row: a process's calls in one direction on one protocol and port pair. */
struct socketio_key {
	__u32 pid;		/* TGID */
	__u16 protocol;		/* IPPROTO_* */
	__u16 lport;		/* host byte order; 0: none */
	__u16 rport;
	__u8 write;		/* 1: send calls, 0: receive calls */
	__u8 pad;
	char comm[16];
};

#endif
