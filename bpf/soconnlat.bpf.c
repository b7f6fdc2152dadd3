// SPDX-License-Identifier: GPL-2.0
/*
 * soconnlat: IP connect latency (book 10.3.x, soconnlat.bt) from
 * connect(2) to the end of the connection attempt, non-blocking connects
 * included.  The book stops the clock at connect(2)'s return or, after
 * EINPROGRESS, at the thread's next poll/epoll/select return, whatever
 * that was waiting for.
 *
 * TCP: sys_enter_connect starts the clock (per thread); the SYN_SENT the
 * call sets (sock:inet_sock_set_state CLOSE -> SYN_SENT, in the calling
 * task, inside connect(2)) ties it to the struct sock; the attempt ends at
 * that sock's ESTABLISHED (success) or CLOSE (failure: sk_err, set before
 * tcp_done()), in softirq for a non-blocking connect.  The event goes out
 * at the later of that end and connect(2)'s return, so a failure inside
 * the call is reported with the call's error.  Other protocols (UDP)
 * connect within the call: its duration and result.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ports.bpf.h"
#include "count.bpf.h"
#include "log2.bpf.h"
#include "sock_common.h"
#include "soconnlat.h"

#define IPPROTO_TCP	6
/* include/net/tcp_states.h */
#define TCP_ESTABLISHED	1
#define TCP_SYN_SENT	2
#define TCP_CLOSE	7
#define EINPROGRESS	115
#define ECONNABORTED	103

const volatile bool emit_events = false;	/* -e: a line per connect */
const volatile bool per_comm = true;		/* -O: false, one histogram */
const volatile bool filter_ports = false;	/* -P: destination ports */

PORT_SET(ports, SOCONNLAT_MAX_PORTS);

/* A connect(2) in progress, by thread. */
struct conn_call {
	__u64 ts;
	__u64 sk;		/* the TCP sock it set SYN_SENT; 0: none yet */
	const void *uaddr;
	__u32 addrlen;
	__u8 protocol;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct conn_call);
} calls SEC(".maps");

/* A TCP connect attempt from SYN_SENT to its end, by struct sock. */
struct attempt {
	struct soconnlat_event e;
	__u64 ts;
	__u8 in_call;		/* the connect(2) that sent the SYN has not returned */
	__u8 done;		/* ended while in the call: the return reports it */
};

/* LRU: attempts whose end this program never sees do not fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct attempt);
} attempts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct soconnlat_key);
	__type(value, __u64);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */

/* One finished connect: a histogram slot, or an event with -e. */
static __always_inline void report(const struct soconnlat_event *ev)
{
	struct soconnlat_key key = {};
	struct soconnlat_event *e;

	if (emit_events) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			__sync_fetch_and_add(&lost_events, 1);
			return;
		}
		__builtin_memcpy(e, ev, sizeof(*e));
		bpf_ringbuf_submit(e, 0);
		return;
	}
	if (per_comm)
		__builtin_memcpy(key.comm, ev->comm, sizeof(key.comm));
	key.slot = log2_slot(ev->lat_ns / 1000);
	if (key.slot >= SOCONNLAT_SLOTS)
		key.slot = SOCONNLAT_SLOTS - 1;
	map_count(&hists, &key);
}

static __always_inline int connect_enter(long fd, const void *uaddr, __u32 addrlen)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct conn_call c = {};
	struct socket *sock;
	struct sock *sk;

	if (task_filtered(pid_tgid))
		return 0;
	sock = connect_attempt_socket(fd, &sk);
	if (!sock)
		return 0;
	c.ts = bpf_ktime_get_ns();
	c.uaddr = uaddr;
	c.addrlen = addrlen;
	c.protocol = BPF_CORE_READ(sk, sk_protocol);
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

/* TCP CLOSE -> SYN_SENT: in the connecting task, inside connect(2) (or a fastopen send). */
static __always_inline void syn_sent(const struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 skp = (__u64)ctx->skaddr;
	__u32 tid = (__u32)pid_tgid;
	struct attempt a = {};
	struct conn_call *c;

	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c && (task_filtered(pid_tgid) || family_filtered(ctx->family)))
		return;
	if (PORT_FILTERED(filter_ports, ports, ctx->dport)) {
		if (c)
			bpf_map_delete_elem(&calls, &tid);
		return;
	}
	if (c) {
		a.ts = c->ts;
		a.in_call = 1;
		c->sk = skp;
	} else {
		a.ts = bpf_ktime_get_ns();
	}
	a.e.pid = pid_tgid >> 32;
	a.e.tid = tid;
	a.e.family = ctx->family;
	a.e.port = ctx->dport;
	a.e.protocol = IPPROTO_TCP;
	if (ctx->family == AF_INET)
		bpf_probe_read_kernel(a.e.addr, 4, ctx->daddr);
	else
		bpf_probe_read_kernel(a.e.addr, 16, ctx->daddr_v6);
	bpf_get_current_comm(a.e.comm, sizeof(a.e.comm));
	bpf_map_update_elem(&attempts, &skp, &a, BPF_ANY);
}

/* ESTABLISHED or CLOSE of a sock this program saw go SYN_SENT. */
static __always_inline void attempt_end(const struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 skp = (__u64)ctx->skaddr;
	struct attempt *a;
	int err = 0;

	a = bpf_map_lookup_elem(&attempts, &skp);
	if (!a)
		return;
	a->e.lat_ns = bpf_ktime_get_ns() - a->ts;
	if (ctx->newstate != TCP_ESTABLISHED) {
		/* RST, timeout, ICMP: the error; none: closed or disconnected first. */
		err = BPF_CORE_READ((struct sock *)ctx->skaddr, sk_err);
		a->e.ret = -(err ? err : ECONNABORTED);
	}
	if (a->in_call) {
		a->done = 1;
		return;
	}
	report(&a->e);
	bpf_map_delete_elem(&attempts, &skp);
}

static __always_inline void connect_exit(int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct soconnlat_event ev = {};
	struct sockaddr_in6 sin6 = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&sin6;
	struct conn_call *c;
	struct attempt *a;
	__u64 skp;

	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return;
	skp = c->sk;
	if (skp) {
		a = bpf_map_lookup_elem(&attempts, &skp);
		if (!a)
			goto out;
		a->e.async = ret == -EINPROGRESS;
		if (!a->done) {
			/* Still SYN_SENT: its ESTABLISHED or CLOSE reports it. */
			a->in_call = 0;
			goto out;
		}
		/* A failure inside the call (not EINPROGRESS): the call's error. */
		if (ret < 0 && ret != -EINPROGRESS)
			a->e.ret = ret;
		report(&a->e);
		bpf_map_delete_elem(&attempts, &skp);
		goto out;
	}
	/* No SYN sent: UDP and other protocols, or TCP failing before its SYN. */
	if (ret == -EINPROGRESS)
		goto out;	/* a protocol whose completion this does not follow */
	/* The kernel has copied the sockaddr by now: it is paged in. */
	if (c->addrlen < sizeof(ev.family) ||
	    bpf_probe_read_user(&ev.family, sizeof(ev.family), c->uaddr))
		goto out;
	if ((ev.family != AF_INET && ev.family != AF_INET6) || family_filtered(ev.family))
		goto out;
	bpf_probe_read_user(&sin6, ev.family == AF_INET ? sizeof(*sin) : sizeof(sin6), c->uaddr);
	ev.port = bpf_ntohs(ev.family == AF_INET ? sin->sin_port : sin6.sin6_port);
	if (PORT_FILTERED(filter_ports, ports, ev.port))
		goto out;
	if (ev.family == AF_INET)
		__builtin_memcpy(ev.addr, &sin->sin_addr, 4);
	else
		__builtin_memcpy(ev.addr, &sin6.sin6_addr, 16);
	ev.lat_ns = bpf_ktime_get_ns() - c->ts;
	ev.pid = pid_tgid >> 32;
	ev.tid = tid;
	ev.ret = ret;
	ev.protocol = c->protocol;
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	report(&ev);
out:
	bpf_map_delete_elem(&calls, &tid);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	return connect_enter(ctx->args[0], (const void *)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int sys_exit_connect(struct syscall_exit_ctx *ctx)
{
	connect_exit((int)ctx->ret);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->oldstate == TCP_CLOSE && ctx->newstate == TCP_SYN_SENT)
		syn_sent(ctx);
	else if (ctx->newstate == TCP_ESTABLISHED || ctx->newstate == TCP_CLOSE)
		attempt_end(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
