/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by so1stbyte.bpf.c and so1stbyte.c. */
#ifndef NETLENS_SO1STBYTE_H
#define NETLENS_SO1STBYTE_H

#define SO1STBYTE_SLOTS		64	/* log2 slots of microseconds */
#define SO1STBYTE_MAX_PORTS	64	/* -P */

/* One histogram slot of one process (the one that connected). */
struct so1stbyte_key {
	char comm[16];
	__u32 pid;
	__u32 slot;		/* log2 slot of the latency in microseconds */
};

#endif
