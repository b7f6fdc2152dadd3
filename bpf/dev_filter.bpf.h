/* SPDX-License-Identifier: GPL-2.0 */
/* -i IFACE of the per-device tools: the device name a tracepoint records. */
#ifndef NETLENS_DEV_FILTER_BPF_H
#define NETLENS_DEV_FILTER_BPF_H

#include "comm.bpf.h"

/* Set before load; "" traces every device. */
const volatile char targ_dev[16] = "";

/* The __data_loc string @loc of tracepoint record @ctx into @name. */
static __always_inline void tp_dev_name(void *ctx, __u32 loc, char name[16])
{
	bpf_probe_read_kernel_str(name, 16, ctx + (loc & 0xffff));
}

static __always_inline bool dev_selected(const char name[16])
{
	return !targ_dev[0] || name16_is(name, targ_dev);
}

#endif
