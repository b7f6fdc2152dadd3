// SPDX-License-Identifier: GPL-2.0
/*
 * sendsize: log2 histograms of TCP and UDP send sizes (book 10.4
 * one-liners "TCP/UDP send bytes as a histogram").  Sources, chosen by
 * userspace at run time: the sock:sock_send_length tracepoint (6.3+;
 * bytes sent per message), tp_btf on it, or fentry/kprobe on
 * tcp_sendmsg, udp_sendmsg and udpv6_sendmsg (bytes asked for).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "sock_msg.bpf.h"
#include "log2.bpf.h"

#define HIST_SLOTS	64
#define H_TCP		0
#define H_UDP		1

#ifndef IPPROTO_TCP
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#endif

struct hist {
	__u64 slots[HIST_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static __always_inline int record(__u32 which, __u64 size)
{
	struct hist *h;
	__u32 slot;

	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	h = bpf_map_lookup_elem(&hists, &which);
	if (!h)
		return 0;
	slot = log2_slot(size);
	if (slot >= HIST_SLOTS)
		slot = HIST_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	return 0;
}

/* A message of @bytes (negative: an error) sent on a socket of @protocol. */
static __always_inline int send_size(__u32 unused, __u16 protocol, long bytes)
{
	if (bytes < 0)
		return 0;
	if (protocol == IPPROTO_TCP)
		return record(H_TCP, bytes);
	if (protocol == IPPROTO_UDP)
		return record(H_UDP, bytes);
	return 0;
}

SOCK_LENGTH_PROGS(sock_send_length, send_size, 0)
SOCK_FUNC_PROGS(tcp_sendmsg, tcp_sendmsg, send_size, 0, IPPROTO_TCP)
SOCK_FUNC_PROGS(udp_sendmsg, udp_sendmsg, send_size, 0, IPPROTO_UDP)
SOCK_FUNC_PROGS(udpv6_sendmsg, udpv6_sendmsg, send_size, 0, IPPROTO_UDP)

char LICENSE[] SEC("license") = "GPL";
