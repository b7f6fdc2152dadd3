/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcplife.bpf.c and tcplife.c. */
#ifndef NETLENS_TCPLIFE_H
#define NETLENS_TCPLIFE_H

/* -L and -D take at most this many ports each. */
#define TCPLIFE_MAX_PORTS	64

/* One TCP session, from the socket's side, when it reached TCP_CLOSE. */
struct tcplife_event {
	__u64 span_ns;		/* first state change seen to TCP_CLOSE */
	__u64 tx_bytes;		/* tcp_sock.bytes_acked: sent and acked */
	__u64 rx_bytes;		/* tcp_sock.bytes_received */
	__u32 pid;		/* opener (SYN_SENT) or closer (LAST_ACK), else current */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 lport;		/* host byte order */
	__u16 rport;
	__u8 active;		/* 1: opened by connect() (SYN_SENT seen) */
	__u8 pad;
	__u8 laddr[16];		/* IPv4: first 4 bytes */
	__u8 raddr[16];
	char comm[16];
};

#endif
