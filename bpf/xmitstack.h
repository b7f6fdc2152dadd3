/* SPDX-License-Identifier: GPL-2.0 */
/* xmitstack's maps, shared by xmitstack.bpf.c and xmitstack.c. */
#ifndef NETLENS_XMITSTACK_H
#define NETLENS_XMITSTACK_H

#define XMITSTACK_DEPTH		127	/* PERF_MAX_STACK_DEPTH */
/* Key of the transmits whose stack could not be recorded. */
#define XMITSTACK_LOST		0xffffffffu

#endif
