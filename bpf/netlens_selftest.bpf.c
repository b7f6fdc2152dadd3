// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end check of netlens.ko's plumbing: a tp_btf program on the
 * module's netlens:selftest tracepoint hands each value to the module's
 * netlens_hist_add() kfunc, whose histogram /dev/netlens exposes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/netlens.h>
#include "netlens_kfuncs.h"

/* Only values fired by this process (set before load). */
const volatile pid_t target_tgid = 0;

/* Events seen and the kfunc's last error, for the loader to check. */
__u64 events_seen = 0;
int kfunc_errors = 0;

static __always_inline int handle_selftest(u64 value, pid_t pid)
{
	if (target_tgid && pid != target_tgid)
		return 0;
	if (netlens_hist_add(NETLENS_HIST_SELFTEST, value))
		__sync_fetch_and_add(&kfunc_errors, 1);
	__sync_fetch_and_add(&events_seen, 1);
	return 0;
}

SEC("tp_btf/selftest")
int BPF_PROG(selftest, u64 value, pid_t pid)
{
	return handle_selftest(value, pid);
}

char LICENSE[] SEC("license") = "GPL";
