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
 * Add @value to the module's log2 histogram @id (enum netlens_hist_id),
 * read from userspace with NETLENS_IOC_HIST_READ.  Returns 0, or -EINVAL
 * for an unknown @id.
 */
extern NETLENS_KFUNC_WEAK int netlens_hist_add(__u32 id, __u64 value) NETLENS_KFUNC_DECL;

/*
 * Append a record of @type (enum netlens_record_type) with payload @data
 * to this CPU's ring, which read() on /dev/netlens drains.  Returns 0;
 * -ENOSPC if the ring is full (the record is counted as lost); -EINVAL for
 * type 0 or above 65535, -E2BIG above NETLENS_RECORD_DATA_MAX bytes and
 * -EBUSY in NMI (all counted as rejected).
 */
extern NETLENS_KFUNC_WEAK int netlens_record_emit(__u32 type, const void *data,
						  __u32 data__sz) NETLENS_KFUNC_DECL;

#endif /* _NETLENS_KFUNCS_H */
