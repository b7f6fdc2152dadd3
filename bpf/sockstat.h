/* SPDX-License-Identifier: GPL-2.0 */
/* sockstat's counters, shared by sockstat.bpf.c and sockstat.c. */
#ifndef NETLENS_SOCKSTAT_H
#define NETLENS_SOCKSTAT_H

enum sockstat_probe {
	SS_ACCEPT, SS_ACCEPT4, SS_CONNECT, SS_BIND, SS_SOCKET, SS_SOCKETPAIR,
	SS_RECVFROM, SS_RECVMSG, SS_RECVMMSG, SS_SENDTO, SS_SENDMSG, SS_SENDMMSG,
	SS_READ, SS_WRITE, SS_READV, SS_WRITEV,		/* -S: socket fds only */
	SS_SOCK_RECVMSG, SS_SOCK_SENDMSG,
	SS_NR,
};

#endif
