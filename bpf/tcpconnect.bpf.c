// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnect: TCP active opens (book 10.3.11, tcpconnect-tp.bt; BCC's
 * tcpconnect) from the stable sock:inet_sock_set_state tracepoint, where
 * BCC kprobes tcp_v4_connect/tcp_v6_connect: TCP_CLOSE to TCP_SYN_SENT is
 * set by connect(2) itself, in the connecting task's context.  Each
 * connect goes out as an event or, with count_mode, is counted per
 * (source, destination, port).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ports.bpf.h"
#include "sock_common.h"
#include "tcpconn.h"

#define IPPROTO_TCP	6
/* include/net/tcp_states.h */
#define TCP_SYN_SENT	2
#define TCP_CLOSE	7

const volatile bool count_mode = false;	/* -c */
const volatile bool filter_ports = false;	/* -P: destination ports */

PORT_SET(ports, TCPCONN_MAX_PORTS);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* -c: connects per (family, source, destination, port); lport is 0. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct tcp_flow);
	__type(value, __u64);
} counts SEC(".maps");

__u64 lost_events;	/* ring buffer full */

/* The tracepoint's addresses are arrays in its record: read, not indexed. */
static __always_inline void flow_of_ctx(const struct trace_event_raw_inet_sock_set_state *ctx,
					struct tcp_flow *f)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->family = ctx->family;
	f->lport = ctx->sport;
	f->rport = ctx->dport;
	if (f->family == AF_INET) {
		bpf_probe_read_kernel(f->laddr, 4, ctx->saddr);
		bpf_probe_read_kernel(f->raddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(f->laddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(f->raddr, 16, ctx->daddr_v6);
	}
}

static __always_inline int connect_seen(const struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 rport = ctx->dport;
	struct tcpconn_event *e;
	struct tcp_flow key;
	__u64 one = 1, *n;

	if (family_filtered(ctx->family) || PORT_FILTERED(filter_ports, ports, rport) ||
	    task_filtered(pid_tgid))
		return 0;
	if (count_mode) {
		flow_of_ctx(ctx, &key);
		key.lport = 0;
		n = bpf_map_lookup_elem(&counts, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
		return 0;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return 0;
	}
	flow_of_ctx(ctx, &e->flow);
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->backlog = 0;
	e->max_backlog = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP || ctx->oldstate != TCP_CLOSE ||
	    ctx->newstate != TCP_SYN_SENT)
		return 0;
	return connect_seen(ctx);
}

char LICENSE[] SEC("license") = "GPL";
