// SPDX-License-Identifier: GPL-2.0
/*
 * ieee80211scan -H: scan durations and per-channel dwell times from
 * netlens:wifi_scan_done and wifi_scan_channel.  Totals go to the module's
 * histograms of the tool's channel (netlens_hist_add kfunc, read through
 * /dev/netlens); the
 * per-radio breakdown, keyed by interface index, stays in a map here.
 * (The radio's name is a string argument, which 6.1's tp_btf cannot read.)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/netlens.h>
#include "netlens_kfuncs.h"
#include "channel.bpf.h"
#include "log2.bpf.h"

enum { KIND_DURATION, KIND_DWELL };

struct radio_key {
	__s32 ifindex;
	__u32 kind;
	__u32 slot;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct radio_key);
	__type(value, __u64);
} radio_hists SEC(".maps");

__u64 kfunc_errors;

static __always_inline void add(__s32 ifindex, __u32 kind, __u32 hist, __u64 ms)
{
	struct radio_key key = { .ifindex = ifindex, .kind = kind };
	__u64 one = 1, *count;

	if (netlens_hist_add(netlens_channel, hist, ms))
		__sync_fetch_and_add(&kfunc_errors, 1);
	key.slot = log2_slot(ms);
	if (key.slot >= NETLENS_HIST_SLOTS)
		key.slot = NETLENS_HIST_SLOTS - 1;
	count = bpf_map_lookup_elem(&radio_hists, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&radio_hists, &key, &one, BPF_NOEXIST);
}

SEC("tp_btf/wifi_scan_done")
int BPF_PROG(scan_done, const char *wiphy, int ifindex, __u64 scan_id,
	     __u64 duration_us, __u32 channels, __u32 bss, bool aborted,
	     bool offloaded)
{
	if (!aborted)
		add(ifindex, KIND_DURATION, NETLENS_HIST_SCAN_DURATION_MS,
		    duration_us / 1000);
	return 0;
}

SEC("tp_btf/wifi_scan_channel")
int BPF_PROG(scan_channel, const char *wiphy, int ifindex, __u64 scan_id,
	     __u8 band, __u32 freq, __u16 freq_offset, __u8 beacon_found, __u64 dwell_us,
	     __u32 bss, bool offloaded)
{
	/* Offloaded scans do not say how long the device stayed. */
	if (!offloaded)
		add(ifindex, KIND_DWELL, NETLENS_HIST_SCAN_DWELL_MS,
		    dwell_us / 1000);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
