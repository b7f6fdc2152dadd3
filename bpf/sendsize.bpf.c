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

	if (tgid_filtered(bpf_get_current_pid_tgid()))
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

static __always_inline int record_proto(__u16 protocol, int ret)
{
	if (ret < 0)
		return 0;
	if (protocol == IPPROTO_TCP)
		return record(H_TCP, ret);
	if (protocol == IPPROTO_UDP)
		return record(H_UDP, ret);
	return 0;
}

SEC("tracepoint/sock/sock_send_length")
int tp_sock_send_length(struct sock_msg_length_ctx *ctx)
{
	return record_proto(ctx->protocol, ctx->ret);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(btf_sock_send_length, struct sock *sk, int ret)
{
	if (!sk)
		return 0;
	return record_proto(BPF_CORE_READ(sk, sk_protocol), ret);
}

SEC("fentry/tcp_sendmsg")
int BPF_PROG(fentry_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	return record(H_TCP, size);
}

SEC("fentry/udp_sendmsg")
int BPF_PROG(fentry_udp_sendmsg, struct sock *sk, struct msghdr *msg, size_t len)
{
	return record(H_UDP, len);
}

SEC("fentry/udpv6_sendmsg")
int BPF_PROG(fentry_udpv6_sendmsg, struct sock *sk, struct msghdr *msg, size_t len)
{
	return record(H_UDP, len);
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(kprobe_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	return record(H_TCP, size);
}

SEC("kprobe/udp_sendmsg")
int BPF_KPROBE(kprobe_udp_sendmsg, struct sock *sk, struct msghdr *msg, size_t len)
{
	return record(H_UDP, len);
}

SEC("kprobe/udpv6_sendmsg")
int BPF_KPROBE(kprobe_udpv6_sendmsg, struct sock *sk, struct msghdr *msg, size_t len)
{
	return record(H_UDP, len);
}

char LICENSE[] SEC("license") = "GPL";
