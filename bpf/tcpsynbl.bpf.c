// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsynbl: the listen backlog each completed handshake finds, as a log2
 * histogram per backlog limit, and the drops past the limit (book
 * 10.3.18, tcpsynbl.bt).  From netlens.ko's tcp_syn_recv tracepoint;
 * without the module, fentry or kprobes on tcp_v4/v6_syn_recv_sock, as
 * the book does.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "count.bpf.h"
#include "log2.bpf.h"
#include "tcpsynbl.h"

#define ETH_P_IP	0x0800

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tcpsynbl_key);
	__type(value, __u64);
} backlogs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} drops SEC(".maps");

__u64 lost_drops;	/* ring buffer full */

static __always_inline int record(const struct sock *sk, __u32 backlog, __u32 max_backlog)
{
	struct tcpsynbl_key key = { .max_backlog = max_backlog, .slot = log2_slot(backlog) };
	struct tcpsynbl_drop *d;

	/* tp_btf's sk may be NULL to the verifier: checked before any read. */
	if (!sk)
		return 0;
	map_count(&backlogs, &key);
	if (backlog <= max_backlog)
		return 0;
	d = bpf_ringbuf_reserve(&drops, sizeof(*d), 0);
	if (!d) {
		__sync_fetch_and_add(&lost_drops, 1);
		return 0;
	}
	d->backlog = backlog;
	d->max_backlog = max_backlog;
	d->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	d->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	bpf_ringbuf_submit(d, 0);
	return 0;
}

static __always_inline int record_sk(const struct sock *sk)
{
	if (!sk)
		return 0;
	return record(sk, BPF_CORE_READ(sk, sk_ack_backlog),
		      BPF_CORE_READ(sk, sk_max_ack_backlog));
}

/* tcp_v6_syn_recv_sock() hands IPv4-mapped handshakes to the IPv4 one. */
static __always_inline bool mapped_v4(const struct sk_buff *skb)
{
	return BPF_CORE_READ(skb, protocol) == bpf_htons(ETH_P_IP);
}

SEC("tp_btf/tcp_syn_recv")
int BPF_PROG(tcp_syn_recv, const struct sock *sk, __u32 backlog, __u32 max_backlog)
{
	return record(sk, backlog, max_backlog);
}

SEC("fentry/tcp_v4_syn_recv_sock")
int BPF_PROG(fentry_v4, const struct sock *sk)
{
	return record_sk(sk);
}

SEC("fentry/tcp_v6_syn_recv_sock")
int BPF_PROG(fentry_v6, const struct sock *sk, const struct sk_buff *skb)
{
	return mapped_v4(skb) ? 0 : record_sk(sk);
}

SEC("kprobe/tcp_v4_syn_recv_sock")
int BPF_KPROBE(kprobe_v4, const struct sock *sk)
{
	return record_sk(sk);
}

SEC("kprobe/tcp_v6_syn_recv_sock")
int BPF_KPROBE(kprobe_v6, const struct sock *sk, const struct sk_buff *skb)
{
	return mapped_v4(skb) ? 0 : record_sk(sk);
}

char LICENSE[] SEC("license") = "GPL";
