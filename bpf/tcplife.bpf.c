// SPDX-License-Identifier: GPL-2.0
/*
 * tcplife: TCP session lifespans (book 10.3.13, tcplife.bt) from the
 * stable sock:inet_sock_set_state tracepoint, where the book kprobes
 * tcp_set_state.  A session is born at the first state change seen below
 * FIN_WAIT1; the task that opened it (SYN_SENT) or that closes it after
 * the peer did (LAST_ACK) is remembered, as the book does; at TCP_CLOSE
 * the session goes out with its addresses, bytes and span.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ports.bpf.h"
#include "sock_common.h"
#include "tcplife.h"

#define IPPROTO_TCP	6
/* include/net/tcp_states.h */
#define TCP_ESTABLISHED	1
#define TCP_SYN_SENT	2
#define TCP_FIN_WAIT1	4
#define TCP_CLOSE	7
#define TCP_LAST_ACK	9

/* -L, -D: only sessions with these local or remote ports. */
const volatile bool filter_lports = false;
const volatile bool filter_rports = false;

PORT_SET(lports, TCPLIFE_MAX_PORTS);
PORT_SET(rports, TCPLIFE_MAX_PORTS);

struct birth {
	__u64 ns;
	__u8 established;	/* reached TCP_ESTABLISHED */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);	/* struct sock * */
	__type(value, struct birth);
} births SEC(".maps");

struct ident {
	__u32 pid;
	__u8 active;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct ident);
} idents SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */

static __always_inline bool port_filtered(__u16 lport, __u16 rport)
{
	return PORT_FILTERED(filter_lports, lports, lport) ||
	       PORT_FILTERED(filter_rports, rports, rport);
}

/* Where the session goes out: TCP_CLOSE after a birth this program saw. */
static __always_inline void session_end(struct trace_event_raw_inet_sock_set_state *ctx,
					__u64 sk, __u64 birth)
{
	struct tcp_sock *tp = (struct tcp_sock *)ctx->skaddr;
	struct tcplife_event *e;
	struct ident *id;
	__u32 pid;

	id = bpf_map_lookup_elem(&idents, &sk);
	pid = id ? id->pid : bpf_get_current_pid_tgid() >> 32;
	if ((targ_tgid && pid != targ_tgid) || port_filtered(ctx->sport, ctx->dport))
		return;
	/* --netns: the socket's namespace (the task at close may be any). */
	if (targ_netns &&
	    BPF_CORE_READ((struct sock *)tp, __sk_common.skc_net.net, ns.inum) != targ_netns)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return;
	}
	e->span_ns = bpf_ktime_get_ns() - birth;
	e->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	e->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	e->pid = pid;
	e->family = ctx->family;
	e->lport = ctx->sport;
	e->rport = ctx->dport;
	e->active = id ? id->active : 0;
	e->pad = 0;
	/* The context's arrays are read, not dereferenced at an offset. */
	if (ctx->family == AF_INET) {
		__builtin_memset(e->laddr, 0, sizeof(e->laddr));
		__builtin_memset(e->raddr, 0, sizeof(e->raddr));
		bpf_probe_read_kernel(e->laddr, 4, ctx->saddr);
		bpf_probe_read_kernel(e->raddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(e->laddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(e->raddr, 16, ctx->daddr_v6);
	}
	if (id)
		__builtin_memcpy(e->comm, id->comm, sizeof(e->comm));
	else
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	int state = ctx->newstate;
	struct birth *birth;
	struct ident *id;

	if (ctx->protocol != IPPROTO_TCP || family_filtered(ctx->family))
		return 0;
	if (state < TCP_FIN_WAIT1) {
		struct birth b = { .ns = bpf_ktime_get_ns(), .established = state == TCP_ESTABLISHED };

		/* The first change only: a session is born once. */
		if (bpf_map_update_elem(&births, &sk, &b, BPF_NOEXIST) && state == TCP_ESTABLISHED) {
			birth = bpf_map_lookup_elem(&births, &sk);
			if (birth)
				birth->established = 1;
		}
	}
	if (state == TCP_SYN_SENT || state == TCP_LAST_ACK) {
		struct ident id = { .active = state == TCP_SYN_SENT };
		struct ident *old = bpf_map_lookup_elem(&idents, &sk);

		/* The closer does not make a session it opened passive. */
		if (old && old->active)
			id.active = 1;
		id.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(id.comm, sizeof(id.comm));
		bpf_map_update_elem(&idents, &sk, &id, BPF_ANY);
	}
	if (state != TCP_CLOSE)
		return 0;
	/*
	 * A session: one that got established, or a connect() that failed.
	 * Not a child socket that lost the race to a concurrent handshake
	 * completion on another CPU and was dropped unused (tcp_check_req()).
	 */
	birth = bpf_map_lookup_elem(&births, &sk);
	id = bpf_map_lookup_elem(&idents, &sk);
	if (birth && (birth->established || (id && id->active)))
		session_end(ctx, sk, birth->ns);
	bpf_map_delete_elem(&births, &sk);
	bpf_map_delete_elem(&idents, &sk);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	return set_state(ctx);
}

char LICENSE[] SEC("license") = "GPL";
