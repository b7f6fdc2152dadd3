/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM netlens

#if !defined(_NETLENS_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NETLENS_EVENTS_H

#include <linux/tracepoint.h>
#include <uapi/linux/netlens.h>
#include <uapi/linux/nl80211.h>
#include <net/sock.h>
#include <net/tcp_states.h>

struct sk_buff;

/*
 * The skb hooks are armed only while skb_alloc or skb_free has a consumer
 * (BPF, perf, trace-cmd, tracefs): these run when the first attaches and
 * the last leaves.  Registration arms them before it returns, so an
 * enabled event fires from that moment.
 */
int netlens_skb_tp_reg(void);
void netlens_skb_tp_unreg(void);

/* The TCP events' hooks (netlens_tcp.c), armed the same way, per event. */
int netlens_tcp_syn_recv_reg(void);
void netlens_tcp_syn_recv_unreg(void);
int netlens_tcp_loss_probe_reg(void);
void netlens_tcp_loss_probe_unreg(void);
int netlens_tcp_write_xmit_reg(void);
void netlens_tcp_write_xmit_unreg(void);
int netlens_tcp_send_length_reg(void);
void netlens_tcp_send_length_unreg(void);
int netlens_tcp_recv_length_reg(void);
void netlens_tcp_recv_length_unreg(void);
int netlens_inet_send_length_reg(void);
void netlens_inet_send_length_unreg(void);
int netlens_inet_recv_length_reg(void);
void netlens_inet_recv_length_unreg(void);
int netlens_sock_data_ready_reg(void);
void netlens_sock_data_ready_unreg(void);

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

/* nl80211's bands and scan flags, by name in the 802.11 scan events. */
TRACE_DEFINE_ENUM(NL80211_BAND_2GHZ);
TRACE_DEFINE_ENUM(NL80211_BAND_5GHZ);
TRACE_DEFINE_ENUM(NL80211_BAND_60GHZ);
TRACE_DEFINE_ENUM(NL80211_BAND_6GHZ);
TRACE_DEFINE_ENUM(NL80211_BAND_S1GHZ);
TRACE_DEFINE_ENUM(NL80211_BAND_LC);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_LOW_PRIORITY);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_FLUSH);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_AP);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_RANDOM_ADDR);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_FILS_MAX_CHANNEL_TIME);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_ACCEPT_BCAST_PROBE_RESP);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_OCE_PROBE_REQ_HIGH_TX_RATE);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_OCE_PROBE_REQ_DEFERRAL_SUPPRESSION);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_LOW_SPAN);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_LOW_POWER);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_HIGH_ACCURACY);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_RANDOM_SN);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_MIN_PREQ_CONTENT);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_FREQ_KHZ);
TRACE_DEFINE_ENUM(NL80211_SCAN_FLAG_COLOCATED_6GHZ);

/* TCP states (include/net/tcp_states.h), as sock:inet_sock_set_state names them. */
TRACE_DEFINE_ENUM(TCP_ESTABLISHED);
TRACE_DEFINE_ENUM(TCP_SYN_SENT);
TRACE_DEFINE_ENUM(TCP_SYN_RECV);
TRACE_DEFINE_ENUM(TCP_FIN_WAIT1);
TRACE_DEFINE_ENUM(TCP_FIN_WAIT2);
TRACE_DEFINE_ENUM(TCP_TIME_WAIT);
TRACE_DEFINE_ENUM(TCP_CLOSE);
TRACE_DEFINE_ENUM(TCP_CLOSE_WAIT);
TRACE_DEFINE_ENUM(TCP_LAST_ACK);
TRACE_DEFINE_ENUM(TCP_LISTEN);
TRACE_DEFINE_ENUM(TCP_CLOSING);
TRACE_DEFINE_ENUM(TCP_NEW_SYN_RECV);

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

#define NETLENS_TCP_STATE_NAMES netlens_symbols(			\
	{ TCP_ESTABLISHED, "TCP_ESTABLISHED" },				\
	{ TCP_SYN_SENT, "TCP_SYN_SENT" },				\
	{ TCP_SYN_RECV, "TCP_SYN_RECV" },				\
	{ TCP_FIN_WAIT1, "TCP_FIN_WAIT1" },				\
	{ TCP_FIN_WAIT2, "TCP_FIN_WAIT2" },				\
	{ TCP_TIME_WAIT, "TCP_TIME_WAIT" },				\
	{ TCP_CLOSE, "TCP_CLOSE" },					\
	{ TCP_CLOSE_WAIT, "TCP_CLOSE_WAIT" },				\
	{ TCP_LAST_ACK, "TCP_LAST_ACK" },				\
	{ TCP_LISTEN, "TCP_LISTEN" },					\
	{ TCP_CLOSING, "TCP_CLOSING" },					\
	{ TCP_NEW_SYN_RECV, "TCP_NEW_SYN_RECV" })

#define NETLENS_WIFI_BAND_NAMES netlens_symbols(			\
	{ NL80211_BAND_2GHZ, "2GHz" },					\
	{ NL80211_BAND_5GHZ, "5GHz" },					\
	{ NL80211_BAND_60GHZ, "60GHz" },				\
	{ NL80211_BAND_6GHZ, "6GHz" },					\
	{ NL80211_BAND_S1GHZ, "S1GHz" },				\
	{ NL80211_BAND_LC, "LC" })

/* iw's and the UAPI's names, without NL80211_SCAN_FLAG_. */
#define NETLENS_WIFI_SCAN_FLAG_NAMES netlens_symbols(			\
	{ NL80211_SCAN_FLAG_LOW_PRIORITY, "LOW_PRIORITY" },		\
	{ NL80211_SCAN_FLAG_FLUSH, "FLUSH" },				\
	{ NL80211_SCAN_FLAG_AP, "AP" },					\
	{ NL80211_SCAN_FLAG_RANDOM_ADDR, "RANDOM_ADDR" },		\
	{ NL80211_SCAN_FLAG_FILS_MAX_CHANNEL_TIME, "FILS_MAX_CHANNEL_TIME" }, \
	{ NL80211_SCAN_FLAG_ACCEPT_BCAST_PROBE_RESP, "ACCEPT_BCAST_PROBE_RESP" }, \
	{ NL80211_SCAN_FLAG_OCE_PROBE_REQ_HIGH_TX_RATE, "OCE_PROBE_REQ_HIGH_TX_RATE" }, \
	{ NL80211_SCAN_FLAG_OCE_PROBE_REQ_DEFERRAL_SUPPRESSION,		\
	  "OCE_PROBE_REQ_DEFERRAL_SUPPRESSION" },			\
	{ NL80211_SCAN_FLAG_LOW_SPAN, "LOW_SPAN" },			\
	{ NL80211_SCAN_FLAG_LOW_POWER, "LOW_POWER" },			\
	{ NL80211_SCAN_FLAG_HIGH_ACCURACY, "HIGH_ACCURACY" },		\
	{ NL80211_SCAN_FLAG_RANDOM_SN, "RANDOM_SN" },			\
	{ NL80211_SCAN_FLAG_MIN_PREQ_CONTENT, "MIN_PREQ_CONTENT" },	\
	{ NL80211_SCAN_FLAG_FREQ_KHZ, "FREQ_KHZ" },			\
	{ NL80211_SCAN_FLAG_COLOCATED_6GHZ, "COLOCATED_6GHZ" })

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

	TP_printk("wiphy=%s ifindex=%d scan=%llu pid=%d comm=%s n_channels=%u n_ssids=%u flags=%s offloaded=%d",
		  __entry->wiphy, __entry->ifindex, __entry->scan_id,
		  __entry->pid, __entry->comm, __entry->n_channels,
		  __entry->n_ssids,
		  __print_flags(__entry->flags, "|", NETLENS_WIFI_SCAN_FLAG_NAMES),
		  __entry->offloaded)
);

/*
 * One channel a scan visited: @band (enum nl80211_band), @freq (MHz) and
 * @freq_offset (kHz above it: S1G channels sit every 500 kHz), @beacon_found (a beacon or probe response was heard there, now or
 * before), @dwell_us on it (0 when offloaded: the device does not say) and
 * the distinct BSSes heard on it during the scan.
 */
TRACE_EVENT(wifi_scan_channel,
	TP_PROTO(const char *wiphy, int ifindex, u64 scan_id, u8 band, u32 freq,
		 u16 freq_offset, u8 beacon_found, u64 dwell_us, u32 bss_count,
		 bool offloaded),
	TP_ARGS(wiphy, ifindex, scan_id, band, freq, freq_offset, beacon_found,
		dwell_us, bss_count, offloaded),

	TP_STRUCT__entry(
		__array(char, wiphy, 32)
		__field(int, ifindex)
		__field(u64, scan_id)
		__field(u8, band)
		__field(u32, freq)
		__field(u16, freq_offset)
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
		__entry->freq_offset = freq_offset;
		__entry->beacon_found = beacon_found;
		__entry->dwell_us = dwell_us;
		__entry->bss_count = bss_count;
		__entry->offloaded = offloaded;
	),

	TP_printk("wiphy=%s ifindex=%d scan=%llu band=%s freq=%u freq_offset=%u beacon_found=%u dwell_us=%llu bss=%u offloaded=%d",
		  __entry->wiphy, __entry->ifindex, __entry->scan_id,
		  __print_symbolic(__entry->band, NETLENS_WIFI_BAND_NAMES),
		  __entry->freq, __entry->freq_offset, __entry->beacon_found,
		  __entry->dwell_us,
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

/*
 * A listener makes the child socket of a completed handshake
 * (tcp_v4_syn_recv_sock(), tcp_v6_syn_recv_sock()): its accept queue
 * holds @backlog connections, at most @max_backlog; above it the child is
 * dropped (ListenOverflows).  tcpsynbl's measure.
 */
TRACE_EVENT_FN(tcp_syn_recv,
	TP_PROTO(const struct sock *sk, u32 backlog, u32 max_backlog),
	TP_ARGS(sk, backlog, max_backlog),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(u16, family)
		__field(u16, lport)
		__field(u32, backlog)
		__field(u32, max_backlog)
	),

	TP_fast_assign(
		__entry->skaddr = sk;
		__entry->family = sk->sk_family;
		__entry->lport = sk->sk_num;
		__entry->backlog = backlog;
		__entry->max_backlog = max_backlog;
	),

	TP_printk("skaddr=%p family=%u lport=%u backlog=%u max_backlog=%u%s",
		  __entry->skaddr, __entry->family, __entry->lport,
		  __entry->backlog, __entry->max_backlog,
		  __entry->backlog > __entry->max_backlog ? " overflow" : ""),

	netlens_tcp_syn_recv_reg, netlens_tcp_syn_recv_unreg
);

/* A tail loss probe goes out on @sk (tcp_send_loss_probe()). */
TRACE_EVENT_FN(tcp_loss_probe,
	TP_PROTO(const struct sock *sk),
	TP_ARGS(sk),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(u16, family)
		__field(u16, lport)
		__field(u16, rport)
		__field(u8, state)
	),

	TP_fast_assign(
		__entry->skaddr = sk;
		__entry->family = sk->sk_family;
		__entry->lport = sk->sk_num;
		__entry->rport = ntohs(sk->sk_dport);
		__entry->state = sk->sk_state;
	),

	TP_printk("skaddr=%p family=%u lport=%u rport=%u state=%s",
		  __entry->skaddr, __entry->family, __entry->lport,
		  __entry->rport,
		  __print_symbolic(__entry->state, NETLENS_TCP_STATE_NAMES)),

	netlens_tcp_loss_probe_reg, netlens_tcp_loss_probe_unreg
);

/*
 * tcp_write_xmit() returned on @sk: it was called with @nonagle, the
 * TCP_NAGLE_* bits (include/net/tcp.h: OFF 1, CORK 2, PUSH 4; none: Nagle
 * on), and @blocked is its result: nothing in flight, segments queued,
 * yet none could go (the send window, Nagle's or SWS avoidance held them).
 * tcpnagle's measure.
 */
TRACE_EVENT_FN(tcp_write_xmit,
	TP_PROTO(const struct sock *sk, int nonagle, bool blocked),
	TP_ARGS(sk, nonagle, blocked),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(u16, family)
		__field(u16, lport)
		__field(u16, rport)
		__field(u8, nonagle)
		__field(bool, blocked)
	),

	TP_fast_assign(
		__entry->skaddr = sk;
		__entry->family = sk->sk_family;
		__entry->lport = sk->sk_num;
		__entry->rport = ntohs(sk->sk_dport);
		__entry->nonagle = nonagle;
		__entry->blocked = blocked;
	),

	TP_printk("skaddr=%p family=%u lport=%u rport=%u nonagle=%s blocked=%d",
		  __entry->skaddr, __entry->family, __entry->lport,
		  __entry->rport,
		  __print_flags(__entry->nonagle, "|",
				{ 1, "OFF" }, { 2, "CORK" }, { 4, "PUSH" }),
		  __entry->blocked),

	netlens_tcp_write_xmit_reg, netlens_tcp_write_xmit_unreg
);

/*
 * A send or receive call returned on @sk, as the kernel's
 * sock:sock_send_length and sock_recv_length (6.3+) report every socket's:
 * @ret is what the call returned (bytes, or -errno), @flags its MSG_*
 * flags.  @missed counts the calls of this event whose return was lost
 * since its hooks were armed (more callers asleep in them at once than
 * can be followed): a consumer that sees it grow knows its sums are low.
 */
DECLARE_EVENT_CLASS(netlens_msg_length,
	TP_PROTO(const struct sock *sk, int ret, int flags, unsigned long missed),
	TP_ARGS(sk, ret, flags, missed),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(u16, family)
		__field(u16, protocol)
		__field(u16, lport)
		__field(u16, rport)
		__field(int, ret)
		__field(int, flags)
		__field(u64, missed)
	),

	TP_fast_assign(
		__entry->skaddr = sk;
		__entry->family = sk->sk_family;
		__entry->protocol = sk->sk_protocol;
		__entry->lport = sk->sk_num;
		__entry->rport = ntohs(sk->sk_dport);
		__entry->ret = ret;
		__entry->flags = flags;
		__entry->missed = missed;
	),

	TP_printk("skaddr=%p family=%u protocol=%u lport=%u rport=%u ret=%d flags=%#x missed=%llu",
		  __entry->skaddr, __entry->family, __entry->protocol,
		  __entry->lport, __entry->rport, __entry->ret, __entry->flags,
		  __entry->missed)
);

/* tcp_sendmsg(), and tcp_sendpage() (sendfile, splice) where it exists: tcptop. */
DEFINE_EVENT_FN(netlens_msg_length, tcp_send_length,
	TP_PROTO(const struct sock *sk, int ret, int flags, unsigned long missed),
	TP_ARGS(sk, ret, flags, missed),
	netlens_tcp_send_length_reg, netlens_tcp_send_length_unreg
);

/* tcp_recvmsg(). */
DEFINE_EVENT_FN(netlens_msg_length, tcp_recv_length,
	TP_PROTO(const struct sock *sk, int ret, int flags, unsigned long missed),
	TP_ARGS(sk, ret, flags, missed),
	netlens_tcp_recv_length_reg, netlens_tcp_recv_length_unreg
);

/*
 * inet_sendmsg() and inet6_sendmsg(): every IPv4 and IPv6 socket's sends,
 * whatever the syscall (write, send*, sendmmsg, io_uring): socksize and
 * socketio where the kernel has no sock_send_length.
 */
DEFINE_EVENT_FN(netlens_msg_length, inet_send_length,
	TP_PROTO(const struct sock *sk, int ret, int flags, unsigned long missed),
	TP_ARGS(sk, ret, flags, missed),
	netlens_inet_send_length_reg, netlens_inet_send_length_unreg
);

/* inet_recvmsg() and inet6_recvmsg(). */
DEFINE_EVENT_FN(netlens_msg_length, inet_recv_length,
	TP_PROTO(const struct sock *sk, int ret, int flags, unsigned long missed),
	TP_ARGS(sk, ret, flags, missed),
	netlens_inet_recv_length_reg, netlens_inet_recv_length_unreg
);

/*
 * A socket is woken for new data: sock_def_readable(), its sk_data_ready
 * for TCP, UDP and raw sockets, where the kernel has no
 * sock:sk_data_ready (before 6.6).  The receive queue's bytes
 * (sk_rmem_alloc) against its limit (sk_rcvbuf): sormem's measure.
 */
TRACE_EVENT_FN(sock_data_ready,
	TP_PROTO(const struct sock *sk),
	TP_ARGS(sk),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__field(u16, family)
		__field(u16, protocol)
		__field(u16, lport)
		__field(int, rmem_alloc)
		__field(int, rcvbuf)
	),

	TP_fast_assign(
		__entry->skaddr = sk;
		__entry->family = sk->sk_family;
		__entry->protocol = sk->sk_protocol;
		__entry->lport = sk->sk_num;
		__entry->rmem_alloc = atomic_read(&sk->sk_rmem_alloc);
		__entry->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	),

	TP_printk("skaddr=%p family=%u protocol=%u lport=%u rmem_alloc=%d rcvbuf=%d",
		  __entry->skaddr, __entry->family, __entry->protocol,
		  __entry->lport, __entry->rmem_alloc, __entry->rcvbuf),

	netlens_sock_data_ready_reg, netlens_sock_data_ready_unreg
);

#endif /* _NETLENS_EVENTS_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE netlens-events
#include <trace/define_trace.h>
