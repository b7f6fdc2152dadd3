/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by skbdrop.bpf.c and skbdrop.c. */
#ifndef NETLENS_SKBDROP_H
#define NETLENS_SKBDROP_H

#define SKBDROP_DEPTH		127		/* PERF_MAX_STACK_DEPTH */
#define SKBDROP_NO_STACK	0xffffffffu	/* not recorded (-R, or stack map full) */

struct skbdrop_key {
	__u32 reason;		/* enum skb_drop_reason of the running kernel */
	__u32 stack_id;		/* in the stacks map, or SKBDROP_NO_STACK */
};

#endif
