/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM netlens

#if !defined(_NETLENS_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NETLENS_EVENTS_H

#include <linux/tracepoint.h>
#include <uapi/linux/netlens.h>

struct sk_buff;

/*
 * The skb hooks are armed only while skb_alloc or skb_free has a consumer
 * (BPF, perf, tracefs): these run when the first attaches and the last
 * leaves.
 */
int netlens_skb_tp_reg(void);
void netlens_skb_tp_unreg(void);

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

/*
 * An sk_buff comes into use: from the skbuff slab caches, from the per-CPU
 * NAPI cache, or as the twin of a fast-clone pair.  It is not constructed
 * yet: @size is the size of the object, not of the packet.
 */
TRACE_EVENT_FN(skb_alloc,
	TP_PROTO(const struct sk_buff *skb, unsigned int size, u8 path,
		 unsigned long caller),
	TP_ARGS(skb, size, path, caller),

	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(unsigned int, size)
		__field(u8, path)
		__field(unsigned long, caller)
	),

	TP_fast_assign(
		__entry->skbaddr = skb;
		__entry->size = size;
		__entry->path = path;
		__entry->caller = caller;
	),

	TP_printk("skbaddr=%p size=%u path=%s caller=%pS",
		  __entry->skbaddr, __entry->size,
		  __print_symbolic(__entry->path,
				   { NETLENS_SKB_ALLOC_SKB, "alloc_skb" },
				   { NETLENS_SKB_ALLOC_BUILD, "build_skb" },
				   { NETLENS_SKB_ALLOC_CLONE, "clone" },
				   { NETLENS_SKB_ALLOC_FCLONE, "fclone" },
				   { NETLENS_SKB_ALLOC_FCLONE_CLONE, "fclone_clone" },
				   { NETLENS_SKB_ALLOC_NAPI, "napi_alloc" },
				   { NETLENS_SKB_ALLOC_NAPI_BUILD, "napi_build" },
				   { NETLENS_SKB_ALLOC_OTHER, "other" }),
		  (void *)__entry->caller),

	netlens_skb_tp_reg, netlens_skb_tp_unreg
);

/*
 * A tracked sk_buff is released.  @age_ns is its lifespan, measured by the
 * module, so consumers need no per-skb state of their own.
 */
TRACE_EVENT_FN(skb_free,
	TP_PROTO(const struct sk_buff *skb, u64 age_ns, unsigned int truesize,
		 pid_t alloc_pid, u8 alloc_path, u8 free_path,
		 unsigned long caller),
	TP_ARGS(skb, age_ns, truesize, alloc_pid, alloc_path, free_path, caller),

	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__field(u64, age_ns)
		__field(unsigned int, truesize)
		__field(pid_t, alloc_pid)
		__field(u8, alloc_path)
		__field(u8, free_path)
		__field(unsigned long, caller)
	),

	TP_fast_assign(
		__entry->skbaddr = skb;
		__entry->age_ns = age_ns;
		__entry->truesize = truesize;
		__entry->alloc_pid = alloc_pid;
		__entry->alloc_path = alloc_path;
		__entry->free_path = free_path;
		__entry->caller = caller;
	),

	TP_printk("skbaddr=%p age_ns=%llu truesize=%u alloc_pid=%d alloc_path=%u free_path=%s caller=%pS",
		  __entry->skbaddr, __entry->age_ns, __entry->truesize,
		  __entry->alloc_pid, __entry->alloc_path,
		  __print_symbolic(__entry->free_path,
				   { NETLENS_SKB_FREE_SLAB, "kfree" },
				   { NETLENS_SKB_FREE_FCLONE, "fclone" },
				   { NETLENS_SKB_FREE_NAPI_CACHE, "napi_cache" },
				   { NETLENS_SKB_FREE_BULK, "bulk" },
				   { NETLENS_SKB_FREE_DIRECT, "direct" }),
		  (void *)__entry->caller),

	netlens_skb_tp_reg, netlens_skb_tp_unreg
);

#endif /* _NETLENS_EVENTS_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE netlens-events
#include <trace/define_trace.h>
