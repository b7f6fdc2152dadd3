// SPDX-License-Identifier: GPL-2.0
/*
 * soconnect: IP connect(2)s with address, port, latency and result, from
 * the syscalls:sys_{enter,exit}_connect tracepoints (book 10.3.4); with
 * count_errors, failed connect(2)s of any family counted by process and
 * error code instead (10.4 one-liner).  udpconnect (udpconnect.bt) sets
 * targ_protocol: only the connects of sockets of that IPPROTO_*, by the
 * descriptor's socket.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ports.bpf.h"
#include "sock_common.h"
#include "soconnect.h"

const volatile bool count_errors = false;
/* -P: only connects to the ports in @ports (-4/-6: sock_common.h). */
const volatile bool filter_ports = false;
const volatile __u16 targ_protocol = 0;		/* udpconnect: IPPROTO_UDP */

PORT_SET(ports, SOCONNECT_MAX_PORTS);

struct start {
	__u64 ts;
	const void *uaddr;
	__u32 addrlen;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct soconnect_err_key);
	__type(value, __u64);
} errors SEC(".maps");

static __always_inline int connect_enter(long fd, const void *uaddr, __u32 addrlen)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct start st = {};
	__u32 tid = (__u32)pid_tgid;

	if (task_filtered(pid_tgid))
		return 0;
	if (targ_protocol) {
		struct socket *sock = fd_socket(fd);
		struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;

		if (!sk || BPF_CORE_READ(sk, sk_protocol) != targ_protocol)
			return 0;
	}
	st.ts = bpf_ktime_get_ns();
	st.uaddr = uaddr;
	st.addrlen = addrlen;
	bpf_map_update_elem(&starts, &tid, &st, BPF_ANY);
	return 0;
}

static __always_inline void count_error(__u64 pid_tgid, int ret)
{
	struct soconnect_err_key key = {};
	__u64 one = 1, *cnt;

	if (ret >= 0)
		return;
	key.pid = pid_tgid >> 32;
	key.ret = ret;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	cnt = bpf_map_lookup_elem(&errors, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&errors, &key, &one, BPF_NOEXIST);
}

static __always_inline int connect_exit(int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct soconnect_event *e;
	struct start *st;
	__u16 family = 0;

	st = bpf_map_lookup_elem(&starts, &tid);
	if (!st)
		return 0;
	if (count_errors) {
		count_error(pid_tgid, ret);
		goto out;
	}
	/* The kernel has copied the sockaddr by now: it is paged in. */
	if (st->addrlen < sizeof(family) ||
	    bpf_probe_read_user(&family, sizeof(family), st->uaddr))
		goto out;
	if ((family != AF_INET && family != AF_INET6) || family_filtered(family))
		goto out;
	/* The port and address first: -P decides before anything is sent. */
	{
		struct sockaddr_in6 sin6 = {};
		struct sockaddr_in *sin = (struct sockaddr_in *)&sin6;
		__u16 port;

		bpf_probe_read_user(&sin6, family == AF_INET ? sizeof(*sin) : sizeof(sin6),
				    st->uaddr);
		port = bpf_ntohs(family == AF_INET ? sin->sin_port : sin6.sin6_port);
		if (PORT_FILTERED(filter_ports, ports, port))
			goto out;
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e)
			goto out;
		__builtin_memset(e->addr, 0, sizeof(e->addr));
		e->port = port;
		if (family == AF_INET)
			__builtin_memcpy(e->addr, &sin->sin_addr, 4);
		else
			__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
	}
	e->lat_ns = bpf_ktime_get_ns() - st->ts;
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	e->ret = ret;
	e->family = family;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	return connect_enter(ctx->args[0], (const void *)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int sys_exit_connect(struct syscall_exit_ctx *ctx)
{
	return connect_exit((int)ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
