/* SPDX-License-Identifier: GPL-2.0 */
/* rxcpu's key, shared by rxcpu.bpf.c and rxcpu.c. */
#ifndef NETLENS_RXCPU_H
#define NETLENS_RXCPU_H

struct rxcpu_key {
	char dev[16];		/* IFNAMSIZ */
	__u32 cpu;
};

#endif
