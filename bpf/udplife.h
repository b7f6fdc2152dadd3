/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by udplife.bpf.c and udplife.c. */
#ifndef NETLENS_UDPLIFE_H
#define NETLENS_UDPLIFE_H

/* A UDP flow as one socket sees it: the socket and the 5-tuple. */
struct udplife_key {
	__u64 sk;		/* struct sock *: a reused tuple on a new socket is a new flow */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 lport;		/* host byte order */
	__u16 rport;		/* 0: the peer is unknown (unconnected, no address asked) */
	__u16 pad;
	__u8 laddr[16];		/* IPv4: first 4 bytes; 0: unbound (any) */
	__u8 raddr[16];
};

struct udplife_flow {
	__u64 first_ns;		/* the first datagram's send or receive return */
	__u64 last_ns;
	__u64 tx_bytes, rx_bytes;
	__u32 tx_packets, rx_packets;
	__u32 pid;		/* the task of the first datagram */
	char comm[16];
};

#endif
