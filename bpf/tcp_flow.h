/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TCP session's endpoints as the TCP tools report them, shared by their
 * BPF programs (bpf/tcp_flow.bpf.h fills it from a socket) and userspace
 * (userspace/lib/tcpflow.h prints it).
 */
#ifndef NETLENS_TCP_FLOW_H
#define NETLENS_TCP_FLOW_H

struct tcp_flow {
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 lport;		/* host byte order; 0: not bound yet */
	__u16 rport;
	__u16 pad;
	__u8 laddr[16];		/* IPv4: first 4 bytes */
	__u8 raddr[16];
};

#endif
