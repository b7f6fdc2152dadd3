// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end check of netlens.ko's plumbing: a tp_btf program on the
 * module's netlens:selftest tracepoint hands each value to the module's
 * kfuncs, into its loader's channel: netlens_hist_add(), whose histogram
 * /dev/netlens exposes, and, when asked, netlens_record_emit(), whose
 * records read() and mmap() return.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/netlens.h>
#include "netlens_kfuncs.h"
#include "channel.bpf.h"

#define ENOSPC 28

/* Only values fired by this process (set before load). */
const volatile pid_t target_tgid = 0;

/* Set at run time: stream each value as a NETLENS_RECORD_SELFTEST too. */
bool emit_records = false;
/* Set at run time: once, call netlens_record_emit() with bad arguments. */
bool emit_bad_once = false;

/* Events seen and the kfuncs' errors, for the loader to check. */
__u64 events_seen = 0;
int kfunc_errors = 0;
__u64 records_emitted = 0, records_ring_full = 0;
int bad_type_ret = 0, oversized_ret = 0;

/* One byte more than a record may carry. */
__u8 oversized[NETLENS_RECORD_DATA_MAX + 1] = {};

static __always_inline void emit_record(u64 value, pid_t pid)
{
	struct netlens_record_selftest rec = { .value = value, .pid = pid };
	int err;

	err = netlens_record_emit(netlens_channel, NETLENS_RECORD_SELFTEST, &rec,
				  sizeof(rec));
	if (!err)
		__sync_fetch_and_add(&records_emitted, 1);
	else if (err == -ENOSPC)
		__sync_fetch_and_add(&records_ring_full, 1);
	else
		__sync_fetch_and_add(&kfunc_errors, 1);
}

static __always_inline void emit_bad_records(void)
{
	struct netlens_record_selftest rec = {};

	emit_bad_once = false;
	bad_type_ret = netlens_record_emit(netlens_channel, 0, &rec, sizeof(rec));
	oversized_ret = netlens_record_emit(netlens_channel, NETLENS_RECORD_SELFTEST,
					    oversized, sizeof(oversized));
}

static __always_inline int handle_selftest(u64 value, pid_t pid)
{
	if (target_tgid && pid != target_tgid)
		return 0;
	if (netlens_hist_add(netlens_channel, NETLENS_HIST_SELFTEST, value))
		__sync_fetch_and_add(&kfunc_errors, 1);
	if (emit_records)
		emit_record(value, pid);
	if (emit_bad_once)
		emit_bad_records();
	__sync_fetch_and_add(&events_seen, 1);
	return 0;
}

SEC("tp_btf/selftest")
int BPF_PROG(selftest, u64 value, pid_t pid)
{
	return handle_selftest(value, pid);
}

char LICENSE[] SEC("license") = "GPL";
