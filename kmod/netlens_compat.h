/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels netlens supports (6.1 and 6.12) lives
 * here, so the rest of the module is written once against one API.
 */
#ifndef _NETLENS_COMPAT_H
#define _NETLENS_COMPAT_H

#include <linux/version.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/ftrace.h>
#include <net/genetlink.h>

/*
 * kfuncs: 6.2 added __bpf_kfunc, 6.8 the definition brackets and
 * BTF_KFUNCS_START, whose BTF_SET8_KFUNCS flag 6.9+ requires.  kfuncs are
 * global functions, so noinline alone keeps them in BTF.
 */
#ifndef __bpf_kfunc
#define __bpf_kfunc noinline
#endif

#ifdef BTF_KFUNCS_START
#define netlens_kfunc_start_defs()	__bpf_kfunc_start_defs()
#define netlens_kfunc_end_defs()	__bpf_kfunc_end_defs()
#define NETLENS_KFUNCS_START(name)	BTF_KFUNCS_START(name)
#define NETLENS_KFUNCS_END(name)	BTF_KFUNCS_END(name)
#else
#define netlens_kfunc_start_defs()
#define netlens_kfunc_end_defs()
#define NETLENS_KFUNCS_START(name)	BTF_SET8_START(name)
#define NETLENS_KFUNCS_END(name)	BTF_SET8_END(name)
#endif

/*
 * Generic netlink: 6.2 added split do/dump ops.  Before it, a do-only
 * struct genl_ops entry carries the same fields (cmd, doit, policy,
 * maxattr, flags) and means the same thing.
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define netlens_genl_op			genl_split_ops
#define NETLENS_GENL_CAP_DO		GENL_CMD_CAP_DO
#define NETLENS_GENL_FAMILY_OPS(arr)	\
	.split_ops = (arr), .n_split_ops = ARRAY_SIZE(arr)
#else
#define netlens_genl_op			genl_ops
#define NETLENS_GENL_CAP_DO		0
#define NETLENS_GENL_FAMILY_OPS(arr)	\
	.ops = (arr), .n_ops = ARRAY_SIZE(arr)
#endif

/*
 * Arguments in an ftrace_ops callback registered without SAVE_REGS (the
 * full pt_regs costs a lot on hot functions): 6.1 has no accessor, and
 * x86 keeps them in fregs->regs there.
 */
#ifdef ftrace_regs_get_argument
#define netlens_ftrace_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define netlens_ftrace_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#endif

/* 6.3 made vm_flags read-only outside the vm_flags_*() helpers. */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define netlens_vm_flags_clear(vma, flags)	vm_flags_clear(vma, flags)
#else
#define netlens_vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#endif

#endif /* _NETLENS_COMPAT_H */
