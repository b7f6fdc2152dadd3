/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by soconnect.bpf.c and soconnect.c. */
#ifndef NETLENS_SOCONNECT_H
#define NETLENS_SOCONNECT_H

/* -P takes at most this many ports. */
#define SOCONNECT_MAX_PORTS	64

struct soconnect_event {
	__u64 lat_ns;
	__u32 pid;
	__u32 tid;
	__s32 ret;
	__u16 family;
	__u16 port;		/* host byte order */
	__u8 addr[16];		/* IPv4: first 4 bytes */
	char comm[16];
};

/* -c: failed connects by process and error code. */
struct soconnect_err_key {
	__u32 pid;
	__s32 ret;
	char comm[16];
};

#endif
