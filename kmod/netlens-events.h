/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM netlens

#if !defined(_NETLENS_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NETLENS_EVENTS_H

#include <linux/tracepoint.h>

/*
 * Fired once per NETLENS_IOC_SELFTEST ioctl: lets the test suite prove the
 * path tracepoint -> BPF (tp_btf) -> kfunc -> /dev/netlens end to end.
 */
TRACE_EVENT(selftest,
	TP_PROTO(u64 value, pid_t pid),
	TP_ARGS(value, pid),

	TP_STRUCT__entry(
		__field(u64, value)
		__field(pid_t, pid)
	),

	TP_fast_assign(
		__entry->value = value;
		__entry->pid = pid;
	),

	TP_printk("value=%llu pid=%d", __entry->value, __entry->pid)
);

#endif /* _NETLENS_EVENTS_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE netlens-events
#include <trace/define_trace.h>
