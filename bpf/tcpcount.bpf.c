// SPDX-License-Identifier: GPL-2.0
/*
 * tcpcount: TCP sendmsg/recvmsg calls by PID and process (book 10.4
 * one-liner "kprobe:tcp_sendmsg { @[pid, comm] = count(); }").  Sources,
 * chosen by userspace at run time: the sock:sock_{send,recv}_length
 * tracepoints (6.3+, one event per sendmsg/recvmsg call, filtered to TCP),
 * tp_btf on them, else fentry or kprobes on tcp_sendmsg/tcp_recvmsg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "count.bpf.h"
#include "tcpcount.h"

#ifndef IPPROTO_TCP
#define IPPROTO_TCP	6
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct tcpcount_key);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count(__u8 op)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct tcpcount_key key = {};

	if (tgid_filtered(pid_tgid))
		return 0;
	key.pid = pid_tgid >> 32;
	key.op = op;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	map_count(&counts, &key);
	return 0;
}

static __always_inline int count_sk(__u8 op, struct sock *sk)
{
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	return count(op);
}

SEC("tracepoint/sock/sock_send_length")
int tp_sock_send_length(struct sock_msg_length_ctx *ctx)
{
	return ctx->protocol == IPPROTO_TCP ? count(TC_SEND) : 0;
}

SEC("tracepoint/sock/sock_recv_length")
int tp_sock_recv_length(struct sock_msg_length_ctx *ctx)
{
	return ctx->protocol == IPPROTO_TCP ? count(TC_RECV) : 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(btf_sock_send_length, struct sock *sk)
{
	return count_sk(TC_SEND, sk);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(btf_sock_recv_length, struct sock *sk)
{
	return count_sk(TC_RECV, sk);
}

SEC("fentry/tcp_sendmsg")
int BPF_PROG(fentry_tcp_sendmsg)
{
	return count(TC_SEND);
}

SEC("fentry/tcp_recvmsg")
int BPF_PROG(fentry_tcp_recvmsg)
{
	return count(TC_RECV);
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(kprobe_tcp_sendmsg)
{
	return count(TC_SEND);
}

SEC("kprobe/tcp_recvmsg")
int BPF_KPROBE(kprobe_tcp_recvmsg)
{
	return count(TC_RECV);
}

char LICENSE[] SEC("license") = "GPL";
