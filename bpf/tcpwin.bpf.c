// SPDX-License-Identifier: GPL-2.0
/*
 * tcpwin: TCP send congestion window and buffers per received segment
 * (book 10.3.x, tcpwin.bt, which kprobes tcp_rcv_established) from the
 * stable tcp:tcp_probe tracepoint, fired at the top of
 * tcp_rcv_established(); and the chapter's exercise: retransmits
 * (tcp:tcp_retransmit_skb and tcp:tcp_retransmit_synack, the two places
 * the kernel counts RetransSegs) and sessions reaching ESTABLISHED
 * (sock:inet_sock_set_state), so that socket addresses can be joined.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ports.bpf.h"
#include "sock_common.h"
#include "tcp_flow.bpf.h"
#include "tcpwin.h"

#define IPPROTO_TCP	6
#define TCP_ESTABLISHED	1	/* include/net/tcp_states.h */

/* -L, -D: only sockets with these local or remote ports. */
const volatile bool filter_lports = false;
const volatile bool filter_rports = false;

PORT_SET(lports, TCPWIN_MAX_PORTS);
PORT_SET(rports, TCPWIN_MAX_PORTS);

/* One event per received segment: room for bursts. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */

/*
 * A new event of @kind for @sk (a socket or a request socket) when the
 * filters (-4/-6, --netns, -L, -D) select it, its endpoints in ->flow;
 * NULL otherwise or when the ring buffer is full.
 */
static __always_inline struct tcpwin_event *event_for(const struct sock *sk, __u8 kind)
{
	struct tcpwin_event *e;
	struct tcp_flow f;

	if (!tcp_flow_of(sk, &f) || PORT_FILTERED(filter_lports, lports, f.lport) ||
	    PORT_FILTERED(filter_rports, rports, f.rport))
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->sock = (__u64)sk;
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->flow = f;
	return e;
}

/* The book's rcv line: the window and buffers as the segment arrives. */
static __always_inline int rcv(const struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct tcpwin_event *e;

	/* tp_btf's pointers may be NULL to the verifier: checked before any read. */
	if (!sk)
		return 0;
	e = event_for(sk, TCPWIN_RCV);
	if (!e)
		return 0;
	e->snd_cwnd = BPF_CORE_READ(tp, snd_cwnd);
	e->snd_ssthresh = BPF_CORE_READ(tp, snd_ssthresh);
	e->sk_sndbuf = BPF_CORE_READ(sk, sk_sndbuf);
	e->sk_wmem_queued = BPF_CORE_READ(sk, sk_wmem_queued);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* @sk: a socket, or the request socket of a SYN-ACK (tcp_flow_of()). */
static __always_inline int retrans(const struct sock *sk, __u16 segs)
{
	struct tcpwin_event *e;

	if (!sk)
		return 0;
	e = event_for(sk, TCPWIN_RETRANS);
	if (!e)
		return 0;
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->segs = segs;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int established(const struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct tcpwin_event *e;

	if (ctx->protocol != IPPROTO_TCP || ctx->newstate != TCP_ESTABLISHED)
		return 0;
	e = event_for((const struct sock *)ctx->skaddr, TCPWIN_NEW);
	if (e)
		bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/tcp_probe")
int BPF_PROG(tcp_probe, const struct sock *sk, const struct sk_buff *skb)
{
	return rcv(sk);
}

/*
 * Fired once the skb went out again; its segment count is what RetransSegs
 * counted (the 6.18 prototype adds an error argument: not read).
 */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tcp_retransmit_skb, const struct sock *sk, const struct sk_buff *skb)
{
	if (!skb)
		return 0;
	return retrans(sk, tcp_skb_segs(skb));
}

/* A listener resends a SYN-ACK: one segment, of the request socket. */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(tcp_retransmit_synack, const struct sock *sk, const struct request_sock *req)
{
	return retrans((const struct sock *)req, 1);
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	return established(ctx);
}

char LICENSE[] SEC("license") = "GPL";
