// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept: TCP passive opens as the accepting process takes them (book
 * 10.3.12, tcpaccept.bt; BCC's tcpaccept), from the stable
 * syscalls:sys_{enter,exit}_accept{,4} tracepoints, where the book
 * kretprobes inet_csk_accept: at the syscall's exit the new descriptor's
 * socket has the session, and the listening descriptor's socket its
 * accept queue.  (The book's tcpaccept-tp.bt, on inet_sock_set_state,
 * fires in softirq context and cannot name the process.)
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

PORT_SET(ports, TCPCONN_MAX_PORTS);

/* The listening descriptor of each accept in progress, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u32);
} listen_fds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */

static __always_inline int accept_enter(long lfd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, fd = (__u32)lfd;

	if (task_filtered(pid_tgid))
		return 0;
	bpf_map_update_elem(&listen_fds, &tid, &fd, BPF_ANY);
	return 0;
}

static __always_inline struct sock *fd_sock(long fd)
{
	struct socket *sock = fd_socket(fd);

	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

static __always_inline int accept_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct tcpconn_event *e;
	struct sock *sk, *lsk;
	struct tcp_flow flow;
	__u32 *lfd;

	lfd = bpf_map_lookup_elem(&listen_fds, &tid);
	if (!lfd)
		return 0;
	sk = fd_sock(ret);	/* NULL when accept() failed */
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		goto out;
	if (!tcp_flow_of(sk, &flow) || PORT_FILTERED(filter_ports, ports, flow.lport))
		goto out;
	if (flow.family != AF_INET && flow.family != AF_INET6)
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
	lsk = fd_sock(*lfd);
	e->backlog = lsk ? BPF_CORE_READ(lsk, sk_ack_backlog) : 0;
	e->max_backlog = lsk ? BPF_CORE_READ(lsk, sk_max_ack_backlog) : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&listen_fds, &tid);
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
