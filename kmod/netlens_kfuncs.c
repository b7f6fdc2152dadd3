// SPDX-License-Identifier: GPL-2.0
/*
 * The kfunc set: every function netlens.ko offers BPF tracing programs,
 * declared in netlens_kfuncs.h and defined next to the data it touches.
 */
#include <linux/module.h>

#include "netlens.h"
#include "netlens_compat.h"
#include "netlens_kfuncs.h"

NETLENS_KFUNCS_START(netlens_kfunc_ids)
BTF_ID_FLAGS(func, netlens_hist_add)
BTF_ID_FLAGS(func, netlens_record_emit)
NETLENS_KFUNCS_END(netlens_kfunc_ids)

static const struct btf_kfunc_id_set netlens_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &netlens_kfunc_ids,
};

int netlens_kfuncs_register(void)
{
	/*
	 * Without module BTF, 6.1 only logs and returns 0: callers find out
	 * from /sys/kernel/btf/netlens, which the test suite checks.
	 */
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACING,
					 &netlens_kfunc_set);
}
