/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * netlens: the one ABI shared by netlens.ko, its BPF programs and the
 * userspace tools.  Every record, ioctl and generic netlink attribute that
 * crosses the kernel/user boundary is defined here and nowhere else.
 */
#ifndef _UAPI_LINUX_NETLENS_H
#define _UAPI_LINUX_NETLENS_H

#ifndef __VMLINUX_H__	/* BPF programs get the types from vmlinux.h */
#include <linux/types.h>
#endif
#include <linux/ioctl.h>

/* Release of the module, the tools and the DKMS package (one version). */
#define NETLENS_VERSION		"0.1.0"

/* Character device: /dev/netlens */
#define NETLENS_DEVICE_NAME	"netlens"

/*
 * Channels.  Every open file of /dev/netlens is a channel: it owns its
 * histograms and, once set up with NETLENS_IOC_CHANNEL_SETUP, one record
 * ring per CPU; closing the file frees them.  BPF programs name the channel
 * they write to by its handle (NETLENS_IOC_CHANNEL_INFO), which they are
 * given before load, so several tools, and several copies of one tool, run
 * at once and each sees only its own results.  A handle is never reused
 * while the module is loaded: a program that outlives its channel has its
 * writes refused and counted (struct netlens_ring_stats, no_channel).
 * open() fails with ENFILE while the module's channels_max channels are
 * open, and with EDQUOT while the caller's user has user_channels_max of
 * them (CAP_SYS_ADMIN is exempt from the latter).
 */
#define NETLENS_CHANNEL_NONE	0	/* a handle no channel ever has */

/*
 * Log2 histograms of a channel.  A BPF program adds to one with the
 * netlens_hist_add() kfunc; its channel's file reads it with
 * NETLENS_IOC_HIST_READ.
 */
enum netlens_hist_id {
	NETLENS_HIST_SELFTEST = 0,	/* values of NETLENS_IOC_SELFTEST */
	NETLENS_HIST_SKB_LIFETIME_NS,	/* sk_buff lifespans, nanoseconds */
	NETLENS_HIST_SCAN_DURATION_MS,	/* 802.11 scan durations, ms */
	NETLENS_HIST_SCAN_DWELL_MS,	/* 802.11 per-channel dwell, ms */

	NETLENS_HIST_COUNT		/* number of histograms */
};

/* Slot i counts values v with 2^(i-1) <= v < 2^i; slot 0 counts v == 0. */
#define NETLENS_HIST_SLOTS	64

/* Argument of NETLENS_IOC_HIST_READ and NETLENS_IOC_HIST_RESET. */
struct netlens_hist {
	__u32 id;			/* in: enum netlens_hist_id */
	__u32 reserved;			/* in: must be zero */
	__u64 total;			/* out: number of values added */
	__u64 sum;			/* out: sum of the values added */
	__u64 slots[NETLENS_HIST_SLOTS];	/* out: counts per log2 slot */
};

/* Argument of NETLENS_IOC_SELFTEST. */
struct netlens_selftest {
	__u64 value;			/* in: passed to netlens:selftest */
	__u32 flags;			/* in: must be zero */
	__u32 reserved;			/* in: must be zero */
};

/* Argument of NETLENS_IOC_INFO. */
struct netlens_info {
	char version[16];		/* out: NETLENS_VERSION, NUL-terminated */
	__u32 abi;			/* out: NETLENS_ABI_VERSION */
	__u32 hist_count;		/* out: NETLENS_HIST_COUNT */
};

/*
 * Where an sk_buff came into use (netlens:skb_alloc "path") and where it was
 * released (netlens:skb_free "free_path").
 */
enum netlens_skb_alloc_path {
	NETLENS_SKB_ALLOC_SKB = 0,	/* alloc_skb() and its users (copy, ...) */
	NETLENS_SKB_ALLOC_BUILD,	/* build_skb() around an existing buffer */
	NETLENS_SKB_ALLOC_CLONE,	/* skb_clone() from the slab */
	NETLENS_SKB_ALLOC_FCLONE,	/* alloc_skb_fclone(): a fast-clone pair */
	NETLENS_SKB_ALLOC_FCLONE_CLONE,	/* skb_clone() taking the pair's twin */
	NETLENS_SKB_ALLOC_NAPI,		/* napi_alloc_skb(): per-CPU NAPI cache */
	NETLENS_SKB_ALLOC_NAPI_BUILD,	/* napi_build_skb(): per-CPU NAPI cache */
	NETLENS_SKB_ALLOC_OTHER,	/* any other user of the skbuff caches */

	NETLENS_SKB_ALLOC_PATHS		/* number of allocation paths */
};

enum netlens_skb_free_path {
	NETLENS_SKB_FREE_SLAB = 0,	/* kfree_skbmem() back to the slab */
	NETLENS_SKB_FREE_FCLONE,	/* kfree_skbmem() of one of a pair */
	NETLENS_SKB_FREE_NAPI_CACHE,	/* into the per-CPU NAPI cache */
	NETLENS_SKB_FREE_BULK,		/* kmem_cache_free_bulk() of skb lists */
	NETLENS_SKB_FREE_DIRECT,	/* kmem_cache_free() elsewhere (stolen head) */

	NETLENS_SKB_FREE_PATHS		/* number of release paths */
};

/* Argument of NETLENS_IOC_SKB_STATS: the skb tracker's counters. */
struct netlens_skb_stats {
	__u32 armed;			/* 1 while skb hooks are armed */
	__u32 hooks_missing;		/* hooks that could not be placed */
	__u64 allocs;			/* netlens:skb_alloc events */
	__u64 frees;			/* netlens:skb_free events */
	__u64 live;			/* sk_buffs tracked now */
	__u64 table_full;		/* allocations not tracked: table full */
	__u64 unpaired_reuse;		/* handed out again, release unseen */
	__u64 arm_count;		/* times the hooks were armed */
};

/*
 * Records: a BPF program hands a payload to the netlens_record_emit() kfunc,
 * which appends it, behind this header, to its channel's ring of the CPU it
 * runs on.  Records are aligned to 8 bytes; the header's size says where
 * the next one starts.  A record that does not fit its ring is dropped and
 * counted: in the next record of that ring (lost) and in the ring's
 * producer page.  Two ways to read a channel's rings:
 *  - read() returns whole records only, from every ring in turn; it blocks
 *    (unless O_NONBLOCK) until a ring holds wakeup_bytes, as poll() does.
 *  - mmap(), zero-copy as perf and BPF ring buffers: ring i's consumer page
 *    (read-write, struct netlens_ring_consumer) is at offset
 *    i * mmap_stride, and its producer page (struct netlens_ring_producer)
 *    followed by its data, mapped twice in a row so that no record wraps,
 *    at i * mmap_stride + meta_bytes, read-only.  Records lie between
 *    tail and head (positions that only grow; data offset = position modulo
 *    ring_bytes); the reader moves tail past what it consumed.
 */
struct netlens_record {
	__u32 size;			/* bytes of header, payload and padding */
	__u16 type;			/* enum netlens_record_type */
	__u16 cpu;			/* CPU whose ring it came through */
	__u64 ts_ns;			/* CLOCK_MONOTONIC when emitted */
	__u32 lost;			/* records this CPU dropped just before */
	__u32 data_len;			/* payload bytes that follow */
};

/* Largest payload netlens_record_emit() accepts. */
#define NETLENS_RECORD_DATA_MAX	256
/* Largest record read() returns: a buffer this big always makes progress. */
#define NETLENS_RECORD_SIZE_MAX	(sizeof(struct netlens_record) + NETLENS_RECORD_DATA_MAX)

enum netlens_record_type {
	NETLENS_RECORD_SELFTEST = 1,	/* struct netlens_record_selftest */
	NETLENS_RECORD_SKB_LIFETIME,	/* struct netlens_record_skb_lifetime */

	NETLENS_RECORD_TYPES		/* types below this are netlens's own */
};

/* Payload of NETLENS_RECORD_SELFTEST (the test suite's records). */
struct netlens_record_selftest {
	__u64 value;			/* value passed to NETLENS_IOC_SELFTEST */
	__u32 pid;			/* TGID that made the ioctl */
	__u32 reserved;			/* zero */
};

/* Payload of NETLENS_RECORD_SKB_LIFETIME: one sk_buff's life (skblife -L). */
struct netlens_record_skb_lifetime {
	__u64 age_ns;			/* skb_alloc to skb_free */
	__u64 free_caller;		/* kernel address that released it */
	__u32 truesize;			/* memory charged for it, bytes */
	__u32 alloc_pid;		/* TGID that allocated it, 0 if in softirq */
	__u32 free_pid;			/* TGID current when it was released */
	__u8 alloc_path;		/* enum netlens_skb_alloc_path */
	__u8 free_path;			/* enum netlens_skb_free_path */
	__u8 reserved[2];		/* zero */
	char free_comm[16];		/* comm current when it was released */
};

/* Ring i's consumer page (mmap): written by the reader only. */
struct netlens_ring_consumer {
	__u64 tail;			/* next byte to read (release-store it) */
};

/* Ring i's producer page (mmap, read-only): written by the kernel only. */
struct netlens_ring_producer {
	__u64 head;			/* end of the last whole record (acquire-load it) */
	__u64 records;			/* records written */
	__u64 bytes;			/* bytes written, headers included */
	__u64 lost;			/* records dropped: the ring was full */
};

/* Argument of NETLENS_IOC_CHANNEL_SETUP: give the channel its rings (once). */
struct netlens_channel_setup {
	__u32 ring_kb;			/* in: KiB per CPU, a power of two, 0: default */
	__u32 wakeup_bytes;		/* in: wake readers when a ring holds this many unread bytes; 0: at every record */
	__u32 flags;			/* in: must be zero */
	__u32 reserved;			/* in: must be zero */
};

/* Argument of NETLENS_IOC_CHANNEL_INFO: this file's channel. */
struct netlens_channel_info {
	__u32 handle;			/* the channel's handle, for the kfuncs */
	__u32 nr_rings;			/* rings (one per possible CPU id); 0: not set up */
	__u32 ring_bytes;		/* data bytes of each ring */
	__u32 wakeup_bytes;		/* unread bytes that wake a reader */
	__u64 mmap_stride;		/* offset of ring i = i * mmap_stride */
	__u32 meta_bytes;		/* consumer page; then producer page; then data */
	__u32 reserved;			/* zero */
	__u64 records;			/* records written, all rings */
	__u64 lost;			/* records dropped: their ring was full */
	__u64 rejected;			/* emits refused: bad type or size, NMI, no rings */
	__u64 unread_bytes;		/* written but not read yet */
};

/*
 * Argument of NETLENS_IOC_RING_STATS: the module's channels and their
 * rings, all CPUs summed, closed channels included.
 */
struct netlens_ring_stats {
	__u32 channels;			/* channels open now */
	__u32 ring_bytes;		/* default size of a ring (module parameter ring_kb) */
	__u64 records;			/* records written */
	__u64 bytes;			/* bytes written, headers included */
	__u64 lost;			/* records dropped: their ring was full */
	__u64 rejected;			/* emits refused: bad type or size, NMI, no rings */
	__u64 unread_bytes;		/* written to open channels, not read yet */
	__u64 no_channel;		/* kfunc calls naming no open channel */
};

/* Bumped whenever a structure or ioctl above changes incompatibly. */
#define NETLENS_ABI_VERSION	3

#define NETLENS_IOC_MAGIC	0xb7
/* Fill struct netlens_info. */
#define NETLENS_IOC_INFO	_IOR(NETLENS_IOC_MAGIC, 0x00, struct netlens_info)
/* Copy one of this channel's histograms out (by id). */
#define NETLENS_IOC_HIST_READ	_IOWR(NETLENS_IOC_MAGIC, 0x01, struct netlens_hist)
/* Zero one of this channel's histograms (by id); the rest is ignored. */
#define NETLENS_IOC_HIST_RESET	_IOW(NETLENS_IOC_MAGIC, 0x02, struct netlens_hist)
/* Fire the netlens:selftest tracepoint once with the given value. */
#define NETLENS_IOC_SELFTEST	_IOW(NETLENS_IOC_MAGIC, 0x03, struct netlens_selftest)
/* Read the skb tracker's counters. */
#define NETLENS_IOC_SKB_STATS	_IOR(NETLENS_IOC_MAGIC, 0x04, struct netlens_skb_stats)
/* Read the module's channel and ring counters. */
#define NETLENS_IOC_RING_STATS	_IOR(NETLENS_IOC_MAGIC, 0x05, struct netlens_ring_stats)
/* Discard this channel's unread records (argument: none). */
#define NETLENS_IOC_RING_RESET	_IO(NETLENS_IOC_MAGIC, 0x06)
/*
 * Give this channel its rings: EBUSY if it has them, EINVAL for a size
 * that is not a power of two from 4 KiB to the module's ring_kb_max.
 */
#define NETLENS_IOC_CHANNEL_SETUP	_IOW(NETLENS_IOC_MAGIC, 0x07, struct netlens_channel_setup)
/* Describe this channel: its handle, rings and counters. */
#define NETLENS_IOC_CHANNEL_INFO	_IOR(NETLENS_IOC_MAGIC, 0x08, struct netlens_channel_info)

/*
 * Generic netlink family "netlens", laid out as the kernel's YNL-generated
 * families are.
 */
#define NETLENS_GENL_NAME		"netlens"
#define NETLENS_GENL_VERSION		1
#define NETLENS_GENL_MCGRP_SCAN		"scan"

/* Attributes of NETLENS_CMD_GET_INFO replies. */
enum {
	NETLENS_A_INFO_VERSION = 1,	/* string: NETLENS_VERSION */
	NETLENS_A_INFO_ABI,		/* u32: NETLENS_ABI_VERSION */
	NETLENS_A_INFO_LISTENERS,	/* u32: 1 if the scan group has listeners */

	__NETLENS_A_INFO_MAX,
	NETLENS_A_INFO_MAX = (__NETLENS_A_INFO_MAX - 1)
};

/* ---- 802.11 scan ---------------------------------------------------------- */

/*
 * Attributes of the scan notifications multicast on group "scan"
 * (NETLENS_CMD_SCAN_START_NTF, _CHANNEL_NTF, _DONE_NTF).  Each message
 * carries WIPHY, IFINDEX and SCAN_ID; the rest as noted.
 */
enum {
	NETLENS_A_SCAN_PAD = 1,		/* padding for 64-bit attributes */
	NETLENS_A_SCAN_WIPHY,		/* string: radio ("phy0") */
	NETLENS_A_SCAN_IFINDEX,		/* u32: interface, 0 if none */
	NETLENS_A_SCAN_ID,		/* u64: per-module scan number */
	NETLENS_A_SCAN_PID,		/* u32: start: initiating process (TGID) */
	NETLENS_A_SCAN_COMM,		/* string: start: its comm */
	NETLENS_A_SCAN_N_CHANNELS,	/* u32: start: channels requested */
	NETLENS_A_SCAN_N_SSIDS,		/* u32: start: SSIDs probed (0: passive) */
	NETLENS_A_SCAN_FLAGS,		/* u32: start: NL80211_SCAN_FLAG_* */
	NETLENS_A_SCAN_OFFLOADED,	/* flag: start, channel, done: hw_scan */
	NETLENS_A_SCAN_BAND,		/* u32: channel: enum nl80211_band */
	NETLENS_A_SCAN_FREQ,		/* u32: channel: center frequency, MHz */
	NETLENS_A_SCAN_BEACON_FOUND,	/* u8: channel: beacon heard there */
	NETLENS_A_SCAN_DWELL_US,	/* u64: channel: time on it, 0 if offloaded */
	NETLENS_A_SCAN_BSS_COUNT,	/* u32: channel, done: distinct BSSes heard */
	NETLENS_A_SCAN_DURATION_US,	/* u64: done: start to done */
	NETLENS_A_SCAN_CHANNELS_VISITED,	/* u32: done */
	NETLENS_A_SCAN_ABORTED,		/* u8: done: 1 aborted, 0 completed */
	NETLENS_A_SCAN_FREQ_OFFSET,	/* u32: channel: kHz above FREQ (S1G: 0 or 500) */

	__NETLENS_A_SCAN_MAX,
	NETLENS_A_SCAN_MAX = (__NETLENS_A_SCAN_MAX - 1)
};

/* Attributes of NETLENS_CMD_SCAN_SET_CONFIG (GENL_ADMIN_PERM). */
enum {
	/* u8, required: 1 multicast channel notifications (default), 0 not */
	NETLENS_A_CONFIG_CHANNEL_EVENTS = 1,

	__NETLENS_A_CONFIG_MAX,
	NETLENS_A_CONFIG_MAX = (__NETLENS_A_CONFIG_MAX - 1)
};

/* ---- commands ---------------------------------------------------------------- */

enum {
	NETLENS_CMD_GET_INFO = 1,	/* do: reply with NETLENS_A_INFO_* */
	NETLENS_CMD_SCAN_START_NTF,	/* notification: a scan started */
	NETLENS_CMD_SCAN_CHANNEL_NTF,	/* notification: a channel was visited */
	NETLENS_CMD_SCAN_DONE_NTF,	/* notification: a scan ended */
	NETLENS_CMD_SCAN_SET_CONFIG,	/* do: NETLENS_A_CONFIG_* (admin) */

	__NETLENS_CMD_MAX,
	NETLENS_CMD_MAX = (__NETLENS_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_NETLENS_H */
