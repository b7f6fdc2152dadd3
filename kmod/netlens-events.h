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
 * (BPF, perf, trace-cmd, tracefs): these run when the first attaches and
 * the last leaves.  Registration arms them before it returns, so an
 * enabled event fires from that moment.
 */
int netlens_skb_tp_reg(void);
void netlens_skb_tp_unreg(void);

/*
 * The UAPI enums by name, for every consumer that reads the format files
 * (perf, trace-cmd, tracefs): TRACE_DEFINE_ENUM puts their values there.
 */
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_SKB);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_BUILD);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_CLONE);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_FCLONE);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_FCLONE_CLONE);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_NAPI);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_NAPI_BUILD);
TRACE_DEFINE_ENUM(NETLENS_SKB_ALLOC_OTHER);
TRACE_DEFINE_ENUM(NETLENS_SKB_FREE_SLAB);
TRACE_DEFINE_ENUM(NETLENS_SKB_FREE_FCLONE);
TRACE_DEFINE_ENUM(NETLENS_SKB_FREE_NAPI_CACHE);
TRACE_DEFINE_ENUM(NETLENS_SKB_FREE_BULK);
TRACE_DEFINE_ENUM(NETLENS_SKB_FREE_DIRECT);

/* A list of { value, name } pairs for __print_symbolic(), as one argument. */
#define netlens_symbols(...)	__VA_ARGS__

#define NETLENS_SKB_ALLOC_PATH_NAMES netlens_symbols(			\
	{ NETLENS_SKB_ALLOC_SKB, "alloc_skb" },				\
	{ NETLENS_SKB_ALLOC_BUILD, "build_skb" },			\
	{ NETLENS_SKB_ALLOC_CLONE, "clone" },				\
	{ NETLENS_SKB_ALLOC_FCLONE, "fclone" },				\
	{ NETLENS_SKB_ALLOC_FCLONE_CLONE, "fclone_clone" },		\
	{ NETLENS_SKB_ALLOC_NAPI, "napi_alloc" },			\
	{ NETLENS_SKB_ALLOC_NAPI_BUILD, "napi_build" },			\
	{ NETLENS_SKB_ALLOC_OTHER, "other" })

#define NETLENS_SKB_FREE_PATH_NAMES netlens_symbols(			\
	{ NETLENS_SKB_FREE_SLAB, "kfree" },				\
	{ NETLENS_SKB_FREE_FCLONE, "fclone" },				\
	{ NETLENS_SKB_FREE_NAPI_CACHE, "napi_cache" },			\
	{ NETLENS_SKB_FREE_BULK, "bulk" },				\
	{ NETLENS_SKB_FREE_DIRECT, "direct" })

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
		  __print_symbolic(__entry->path, NETLENS_SKB_ALLOC_PATH_NAMES),
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

	TP_printk("skbaddr=%p age_ns=%llu truesize=%u alloc_pid=%d alloc_path=%s free_path=%s caller=%pS",
		  __entry->skbaddr, __entry->age_ns, __entry->truesize,
		  __entry->alloc_pid,
		  __print_symbolic(__entry->alloc_path, NETLENS_SKB_ALLOC_PATH_NAMES),
		  __print_symbolic(__entry->free_path, NETLENS_SKB_FREE_PATH_NAMES),
		  (void *)__entry->caller),

	netlens_skb_tp_reg, netlens_skb_tp_unreg
);

/*
 * 802.11 scans (netlens_wifi.c).  @wiphy is the radio's name, @scan_id
 * ties a scan's events together.  A scan was started by @pid/@comm (the
 * task that asked nl80211); @offloaded scans step through channels in the
 * device (hw_scan) rather than in mac80211.
 */
TRACE_EVENT(wifi_scan_start,
	TP_PROTO(const char *wiphy, int ifindex, u64 scan_id, pid_t pid,
		 const char *comm, u32 n_channels, u32 n_ssids, u32 flags,
		 bool offloaded),
	TP_ARGS(wiphy, ifindex, scan_id, pid, comm, n_channels, n_ssids, flags,
		offloaded),

	TP_STRUCT__entry(
		__array(char, wiphy, 32)
		__field(int, ifindex)
		__field(u64, scan_id)
		__field(pid_t, pid)
		__array(char, comm, 16)
		__field(u32, n_channels)
		__field(u32, n_ssids)
		__field(u32, flags)
		__field(bool, offloaded)
	),

	TP_fast_assign(
		strscpy(__entry->wiphy, wiphy, 32);
		__entry->ifindex = ifindex;
		__entry->scan_id = scan_id;
		__entry->pid = pid;
		strscpy(__entry->comm, comm, 16);
		__entry->n_channels = n_channels;
		__entry->n_ssids = n_ssids;
		__entry->flags = flags;
		__entry->offloaded = offloaded;
	),

	TP_printk("wiphy=%s ifindex=%d scan=%llu pid=%d comm=%s n_channels=%u n_ssids=%u flags=0x%x offloaded=%d",
		  __entry->wiphy, __entry->ifindex, __entry->scan_id,
		  __entry->pid, __entry->comm, __entry->n_channels,
		  __entry->n_ssids, __entry->flags, __entry->offloaded)
);

/*
 * One channel a scan visited: @band (enum nl80211_band), @freq (MHz),
 * @beacon_found (a beacon or probe response was heard there, now or
 * before), @dwell_us on it (0 when offloaded: the device does not say) and
 * the distinct BSSes heard on it during the scan.
 */
TRACE_EVENT(wifi_scan_channel,
	TP_PROTO(const char *wiphy, int ifindex, u64 scan_id, u8 band, u32 freq,
		 u8 beacon_found, u64 dwell_us, u32 bss_count, bool offloaded),
	TP_ARGS(wiphy, ifindex, scan_id, band, freq, beacon_found, dwell_us,
		bss_count, offloaded),

	TP_STRUCT__entry(
		__array(char, wiphy, 32)
		__field(int, ifindex)
		__field(u64, scan_id)
		__field(u8, band)
		__field(u32, freq)
		__field(u8, beacon_found)
		__field(u64, dwell_us)
		__field(u32, bss_count)
		__field(bool, offloaded)
	),

	TP_fast_assign(
		strscpy(__entry->wiphy, wiphy, 32);
		__entry->ifindex = ifindex;
		__entry->scan_id = scan_id;
		__entry->band = band;
		__entry->freq = freq;
		__entry->beacon_found = beacon_found;
		__entry->dwell_us = dwell_us;
		__entry->bss_count = bss_count;
		__entry->offloaded = offloaded;
	),

	TP_printk("wiphy=%s ifindex=%d scan=%llu band=%s freq=%u beacon_found=%u dwell_us=%llu bss=%u offloaded=%d",
		  __entry->wiphy, __entry->ifindex, __entry->scan_id,
		  __print_symbolic(__entry->band, { 0, "2GHz" }, { 1, "5GHz" },
				   { 2, "60GHz" }, { 3, "6GHz" }, { 4, "S1GHz" },
				   { 5, "LC" }),
		  __entry->freq, __entry->beacon_found, __entry->dwell_us,
		  __entry->bss_count, __entry->offloaded)
);

/* A scan ended: @aborted or completed, after @duration_us. */
TRACE_EVENT(wifi_scan_done,
	TP_PROTO(const char *wiphy, int ifindex, u64 scan_id, u64 duration_us,
		 u32 channels_visited, u32 bss_count, bool aborted,
		 bool offloaded),
	TP_ARGS(wiphy, ifindex, scan_id, duration_us, channels_visited,
		bss_count, aborted, offloaded),

	TP_STRUCT__entry(
		__array(char, wiphy, 32)
		__field(int, ifindex)
		__field(u64, scan_id)
		__field(u64, duration_us)
		__field(u32, channels_visited)
		__field(u32, bss_count)
		__field(bool, aborted)
		__field(bool, offloaded)
	),

	TP_fast_assign(
		strscpy(__entry->wiphy, wiphy, 32);
		__entry->ifindex = ifindex;
		__entry->scan_id = scan_id;
		__entry->duration_us = duration_us;
		__entry->channels_visited = channels_visited;
		__entry->bss_count = bss_count;
		__entry->aborted = aborted;
		__entry->offloaded = offloaded;
	),

	TP_printk("wiphy=%s ifindex=%d scan=%llu duration_us=%llu channels=%u bss=%u %s offloaded=%d",
		  __entry->wiphy, __entry->ifindex, __entry->scan_id,
		  __entry->duration_us, __entry->channels_visited,
		  __entry->bss_count,
		  __entry->aborted ? "aborted" : "completed",
		  __entry->offloaded)
);

#endif /* _NETLENS_EVENTS_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE netlens-events
#include <trace/define_trace.h>
