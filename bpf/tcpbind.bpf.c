// SPDX-License-Identifier: GPL-2.0
/*
 * tcpbind: bind(2)s of TCP sockets with the address and port asked for,
 * the port bound, the result and the reuse options (the book's chapter 10
 * exercise "tcpbind"; BCC's bindsnoop kprobes inet_bind/inet6_bind), from
 * the stable syscalls:sys_{enter,exit}_bind tracepoints: the descriptor's
 * socket has the options and, once bind(2) returned, the port.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ports.bpf.h"
#include "sock_common.h"
#include "tcpbind.h"

#define IPPROTO_TCP	6

const volatile bool filter_ports = false;	/* -P: port asked for or bound */
const volatile bool failed_only = false;	/* -x */

PORT_SET(ports, TCPBIND_MAX_PORTS);

/* A TCP bind in progress: the syscall holds the file, so @sk stays. */
struct bind_args {
	const void *uaddr;
	struct sock *sk;
	__u32 addrlen;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct bind_args);
} binds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */

/* The TCP socket behind @fd, or NULL. */
static __always_inline struct sock *tcp_sock_of_fd(long fd)
{
	struct socket *sock = fd_socket(fd);
	struct sock *sk;

	if (!sock)
		return NULL;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	return sk;
}

static __always_inline __u16 opts_of(struct sock *sk)
{
	struct sock_common *skc = &sk->__sk_common;
	__u16 opts = 0;

	if (BPF_CORE_READ_BITFIELD_PROBED(skc, skc_reuse))
		opts |= TCPBIND_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(skc, skc_reuseport))
		opts |= TCPBIND_REUSEPORT;
	if (BPF_CORE_READ_BITFIELD_PROBED(skc, skc_ipv6only))
		opts |= TCPBIND_IPV6ONLY;
	return opts;
}

static __always_inline int bind_enter(long fd, const void *uaddr, __u32 addrlen)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct bind_args args = { .uaddr = uaddr, .addrlen = addrlen };

	if (task_filtered(pid_tgid))
		return 0;
	args.sk = tcp_sock_of_fd(fd);
	if (!args.sk)
		return 0;
	bpf_map_update_elem(&binds, &tid, &args, BPF_ANY);
	return 0;
}

static __always_inline int bind_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct sockaddr_in6 sin6 = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&sin6;
	struct tcpbind_event *e;
	struct bind_args *args;
	__u16 family = 0, port, bound;
	struct sock *sk;

	args = bpf_map_lookup_elem(&binds, &tid);
	if (!args)
		return 0;
	if (failed_only && ret == 0)
		goto out;
	sk = args->sk;
	/* The kernel has copied the sockaddr by now: it is paged in. */
	if (args->addrlen < sizeof(family) ||
	    bpf_probe_read_user(&family, sizeof(family), args->uaddr))
		goto out;
	if ((family != AF_INET && family != AF_INET6) || family_filtered(family))
		goto out;
	bpf_probe_read_user(&sin6, family == AF_INET ? sizeof(*sin) : sizeof(sin6), args->uaddr);
	port = bpf_ntohs(family == AF_INET ? sin->sin_port : sin6.sin6_port);
	bound = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (filter_ports && !bpf_map_lookup_elem(&ports, &port) &&
	    !bpf_map_lookup_elem(&ports, &bound))
		goto out;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		goto out;
	}
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	if (family == AF_INET)
		__builtin_memcpy(e->addr, &sin->sin_addr, 4);
	else
		__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->family = family;
	e->port = port;
	e->bound_port = bound;
	e->opts = opts_of(sk);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&binds, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_bind")
int sys_enter_bind(struct syscall_enter_ctx *ctx)
{
	return bind_enter(ctx->args[0], (const void *)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int sys_exit_bind(struct syscall_exit_ctx *ctx)
{
	return bind_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
