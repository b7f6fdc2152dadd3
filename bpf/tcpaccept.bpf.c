// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept: TCP passive opens as the accepting process takes them (book
 * 10.3.12, tcpaccept.bt; BCC's tcpaccept), from the stable
 * syscalls:sys_{enter,exit}_accept{,4} tracepoints, where the book
 * kretprobes inet_csk_accept: at the syscall's exit the new descriptor's
 * socket has the session, and the listening descriptor's socket its
 * accept queue.  (The book's tcpaccept-tp.bt, on inet_sock_set_state,
 * fires in softirq context and cannot name the process.)
 *
 * soaccept (book 10.3.5, soaccept.bt) sets ip_any: every IPv4 and IPv6
 * listener's accepts, whatever the protocol, and the failed ones too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ports.bpf.h"
#include "sock_common.h"
#include "tcp_flow.bpf.h"
#include "tcpconn.h"

#define IPPROTO_TCP	6

const volatile bool filter_ports = false;	/* -P: local ports */
const volatile bool ip_any = false;		/* soaccept */

PORT_SET(ports, TCPCONN_MAX_PORTS);

/*
 * The listener of each TCP accept in progress, by thread: the syscall holds
 * its file, so the socket stays until the exit reads its queue.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */

static __always_inline struct sock *fd_sock(long fd)
{
	struct socket *sock = fd_socket(fd);

	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/*
 * Only a TCP listener's accepts are followed (any IP one's with ip_any),
 * and -P decides here: the accepted socket's local port is the listener's.
 */
static __always_inline int accept_enter(long lfd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct sock *lsk;
	__u16 lport;
	__u64 key;

	if (task_filtered(pid_tgid))
		return 0;
	lsk = fd_sock(lfd);
	if (!lsk)
		return 0;
	if (ip_any) {
		__u16 family = BPF_CORE_READ(lsk, __sk_common.skc_family);

		if ((family != AF_INET && family != AF_INET6) || family_filtered(family))
			return 0;
	} else if (BPF_CORE_READ(lsk, sk_protocol) != IPPROTO_TCP) {
		return 0;
	}
	lport = BPF_CORE_READ(lsk, __sk_common.skc_num);
	if (PORT_FILTERED(filter_ports, ports, lport))
		return 0;
	key = (__u64)lsk;
	bpf_map_update_elem(&listeners, &tid, &key, BPF_ANY);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct tcpconn_event *e;
	struct sock *sk, *lsk;
	struct tcp_flow flow;
	__u64 *listener;

	listener = bpf_map_lookup_elem(&listeners, &tid);
	if (!listener)
		return 0;
	lsk = (struct sock *)*listener;
	sk = ret >= 0 ? fd_sock(ret) : NULL;
	/* A failure: the listener's end, for soaccept. */
	if (!sk && (ret >= 0 || !ip_any))
		goto out;
	if (!tcp_flow_of(sk ?: lsk, &flow))
		goto out;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		goto out;
	}
	e->flow = flow;
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	/* The listener's queue once this connection has left it. */
	e->backlog = BPF_CORE_READ(lsk, sk_ack_backlog);
	e->max_backlog = BPF_CORE_READ(lsk, sk_max_ack_backlog);
	e->ret = ret < 0 ? ret : 0;
	e->protocol = BPF_CORE_READ(lsk, sk_protocol);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&listeners, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_accept")
int sys_enter_accept(struct syscall_enter_ctx *ctx)
{
	return accept_enter(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int sys_enter_accept4(struct syscall_enter_ctx *ctx)
{
	return accept_enter(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int sys_exit_accept(struct syscall_exit_ctx *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int sys_exit_accept4(struct syscall_exit_ctx *ctx)
{
	return accept_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
