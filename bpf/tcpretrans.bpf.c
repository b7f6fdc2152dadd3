// SPDX-License-Identifier: GPL-2.0
/*
 * tcpretrans: TCP retransmits (book 10.3.14, tcpretrans.bt) from the
 * stable tcp:tcp_retransmit_skb and tcp_retransmit_synack tracepoints
 * (tp_btf: the classic layout changed in 6.x), where the book kprobes
 * tcp_retransmit_skb; with -l, tail
 * loss probes from netlens.ko's tcp_loss_probe, or fentry/kprobes on
 * tcp_send_loss_probe without the module.  Each as a line, or counted per
 * session (-c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sock_common.h"
#include "tcp_flow.bpf.h"
#include "tcpretrans.h"

const volatile bool count_mode = false;	/* -c */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct tcpretrans_count_key);
	__type(value, struct tcpretrans_count);
} counts SEC(".maps");

__u64 lost_events;	/* ring buffer full */

/* @sk: a socket, or a request socket (tcp_flow_of()). */
static __always_inline int record(const struct sock *sk, __u8 kind, __u16 segs)
{
	struct tcpretrans_count_key key;
	struct tcpretrans_count *c, zero = {};
	struct tcpretrans_event *e;

	/* tp_btf's pointers may be NULL to the verifier: checked before any read. */
	if (!sk || !tcp_flow_of(sk, &key.flow))
		return 0;
	if (count_mode) {
		key.kind = kind;
		c = bpf_map_lookup_elem(&counts, &key);
		if (!c) {
			bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
			c = bpf_map_lookup_elem(&counts, &key);
			if (!c)
				return 0;
		}
		__sync_fetch_and_add(&c->events, 1);
		__sync_fetch_and_add(&c->segs, segs);
		return 0;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		return 0;
	}
	e->flow = key.flow;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->kind = kind;
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->segs = segs;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Fired once the skb went out again: its segment count is what was counted. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tcp_retransmit_skb, const struct sock *sk, const struct sk_buff *skb)
{
	if (!skb)
		return 0;
	return record(sk, TCPRETRANS_RETRANSMIT, tcp_skb_segs(skb));
}

/* A listener resends a SYN-ACK: the request socket has the session. */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(tcp_retransmit_synack, const struct sock *sk, const struct request_sock *req)
{
	return record((const struct sock *)req, TCPRETRANS_RETRANSMIT, 1);
}

SEC("tp_btf/tcp_loss_probe")
int BPF_PROG(tcp_loss_probe, const struct sock *sk)
{
	return record(sk, TCPRETRANS_LOSS_PROBE, 0);
}

SEC("fentry/tcp_send_loss_probe")
int BPF_PROG(fentry_tcp_send_loss_probe, const struct sock *sk)
{
	return record(sk, TCPRETRANS_LOSS_PROBE, 0);
}

SEC("kprobe/tcp_send_loss_probe")
int BPF_KPROBE(kprobe_tcp_send_loss_probe, const struct sock *sk)
{
	return record(sk, TCPRETRANS_LOSS_PROBE, 0);
}

char LICENSE[] SEC("license") = "GPL";
