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
#include "sock_msg.bpf.h"
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

	if (task_filtered(pid_tgid))
		return 0;
	key.pid = pid_tgid >> 32;
	key.op = op;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	map_count(&counts, &key);
	return 0;
}

/* One send or receive (@op) on a socket of @protocol. */
static __always_inline int tcp_msg(__u32 op, __u16 protocol, long bytes)
{
	return protocol == IPPROTO_TCP ? count(op) : 0;
}

SOCK_LENGTH_PROGS(sock_send_length, tcp_msg, TC_SEND)
SOCK_LENGTH_PROGS(sock_recv_length, tcp_msg, TC_RECV)
SOCK_FUNC_PROGS(tcp_sendmsg, tcp_sendmsg, tcp_msg, TC_SEND, IPPROTO_TCP)
SOCK_FUNC_PROGS(tcp_recvmsg, tcp_recvmsg, tcp_msg, TC_RECV, IPPROTO_TCP)

char LICENSE[] SEC("license") = "GPL";
