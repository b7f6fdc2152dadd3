/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by qdisclat.bpf.c and qdisclat.c. */
#ifndef NETLENS_QDISCLAT_H
#define NETLENS_QDISCLAT_H

#define QDISCLAT_SLOTS	64	/* log2 slots of microseconds (or milliseconds) */

/* One histogram slot of one device and qdisc kind. */
struct qdisclat_key {
	char dev[16];		/* IFNAMSIZ */
	char kind[16];		/* Qdisc_ops.id: "tbf", "fq_codel", ... */
	__u32 slot;		/* log2 slot of the latency */
};

#endif
