/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by solife.bpf.c and solife.c. */
#ifndef NETLENS_SOLIFE_H
#define NETLENS_SOLIFE_H

/* How the end of a session is seen (rodata end_by). */
enum solife_end {
	SOLIFE_END_RELEASE,	/* fentry/kprobe sock_close: the file's last fput */
	SOLIFE_END_CLOSE,	/* syscalls:sys_enter_close of the file's last reference */
};

/* One socket session, from connect(2) or accept(2) to its release. */
struct solife_event {
	__u64 span_ns;		/* connect/accept return to release */
	__u32 pid;		/* the task that connected or accepted */
	__u32 end_pid;		/* the task that dropped the last reference */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 protocol;		/* IPPROTO_TCP, IPPROTO_UDP */
	__u16 lport;		/* host byte order, at release */
	__u16 rport;
	__u8 active;		/* 1: connect(2), 0: accept(2) */
	__u8 pad[7];
	__u8 laddr[16];		/* IPv4: first 4 bytes */
	__u8 raddr[16];
	char comm[16];		/* of pid, at connect/accept */
};

#endif
