/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by socksize.bpf.c and socksize.c. */
#ifndef NETLENS_SOCKSIZE_H
#define NETLENS_SOCKSIZE_H

#define SOCKSIZE_SLOTS	64	/* log2 slots of bytes */

enum socksize_dir {
	SOCKSIZE_READ,		/* receive calls */
	SOCKSIZE_WRITE,		/* send calls */
};

/* One histogram slot of one process name and direction. */
struct socksize_key {
	char comm[16];
	__u32 dir;		/* enum socksize_dir */
	__u32 slot;		/* log2 slot of the call's bytes */
};

#endif
