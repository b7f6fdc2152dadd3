/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by soconnlat.bpf.c and soconnlat.c. */
#ifndef NETLENS_SOCONNLAT_H
#define NETLENS_SOCONNLAT_H

#define SOCONNLAT_SLOTS		64	/* log2 slots of microseconds */
#define SOCONNLAT_MAX_PORTS	64	/* -P */

/* One histogram slot of one process name ("" with -O: every process). */
struct soconnlat_key {
	char comm[16];
	__u32 slot;		/* log2 slot of the latency in microseconds */
};

/* -e: one connect. */
struct soconnlat_event {
	__u64 lat_ns;
	__u32 pid;
	__u32 tid;
	__s32 ret;		/* 0 or -errno: how the connect ended */
	__u16 family;
	__u16 port;		/* host byte order */
	__u8 addr[16];		/* IPv4: first 4 bytes */
	__u8 protocol;		/* IPPROTO_* of the socket */
	__u8 async;		/* connect(2) had returned EINPROGRESS: it ended later */
	__u8 pad[2];
	char comm[16];
};

#endif
