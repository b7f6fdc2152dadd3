/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by gethostlatency.bpf.c and gethostlatency.c. */
#ifndef NETLENS_GETHOSTLATENCY_H
#define NETLENS_GETHOSTLATENCY_H

/* A DNS name is at most 253 characters; /etc/hosts names are not longer. */
#define GETHOST_NAME_LEN	256

/* The libc function a lookup went through. */
enum gethost_func {
	GETHOST_GETADDRINFO,
	GETHOST_GETHOSTBYNAME,
	GETHOST_GETHOSTBYNAME2,
	GETHOST_NFUNCS,
};

struct gethost_event {
	__u64 lat_ns;
	__u32 pid;
	__u32 tid;
	__u32 func;		/* enum gethost_func */
	__u32 found;		/* getaddrinfo() 0, gethostbyname*() not NULL */
	char comm[16];
	char host[GETHOST_NAME_LEN];
};

#endif
