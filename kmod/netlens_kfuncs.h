/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kfuncs that netlens.ko exports to BPF tracing programs (tp_btf, fentry).
 * Included by the module, which defines them, and by BPF programs, which
 * call them; the declarations exist only here.
 */
#ifndef _NETLENS_KFUNCS_H
#define _NETLENS_KFUNCS_H

#ifdef __bpf__
#define NETLENS_KFUNC_DECL __ksym
/*
 * Weak: an object whose kfunc callers are not loaded (a tool's fallback
 * mode without netlens.ko) still loads its other programs.
 */
#define NETLENS_KFUNC_WEAK __weak
#else
#define NETLENS_KFUNC_DECL
#define NETLENS_KFUNC_WEAK
#endif

/*
 * Add @value to log2 histogram @id (enum netlens_hist_id) of @channel (a
 * handle from NETLENS_IOC_CHANNEL_INFO), which that channel's file reads
 * with NETLENS_IOC_HIST_READ.  Returns 0, -EINVAL for an unknown @id, or
 * -ENOENT when no open channel has that handle (counted as no_channel).
 */
extern NETLENS_KFUNC_WEAK int netlens_hist_add(__u32 channel, __u32 id,
					       __u64 value) NETLENS_KFUNC_DECL;

/*
 * Append a record of @type (enum netlens_record_type) with payload @data
 * to @channel's ring of this CPU, which its file reads (read() or mmap).
 * Returns 0; -ENOSPC if the ring is full (counted as lost); -ENOENT when no
 * open channel has that handle (counted as no_channel); -ENODATA if the
 * channel has no rings yet, -EINVAL for type 0 or above 65535, -E2BIG above
 * NETLENS_RECORD_DATA_MAX bytes and -EBUSY in NMI (all counted as
 * rejected).
 */
extern NETLENS_KFUNC_WEAK int netlens_record_emit(__u32 channel, __u32 type,
						  const void *data,
						  __u32 data__sz) NETLENS_KFUNC_DECL;

#endif /* _NETLENS_KFUNCS_H */
