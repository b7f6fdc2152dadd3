// SPDX-License-Identifier: GPL-2.0
/*
 * tcpnagle: the Nagle argument of each tcp_write_xmit() call, counted, and
 * how long sockets stay held back (book 10.3.x, tcpnagle.bt): a call that
 * returns true found nothing in flight and segments queued that it could
 * not send; the time from the first such return to the next call that
 * sends goes into a histogram.  From netlens.ko's tcp_write_xmit
 * tracepoint (a return hook with the call's arguments); without the
 * module, fexit, or a kprobe and kretprobe pair, on tcp_write_xmit, as the
 * book does.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "log2.bpf.h"
#include "ports.bpf.h"
#include "sock_common.h"
#include "tcp_flow.bpf.h"
#include "tcpnagle.h"

const volatile bool filter_lports = false;	/* -L */
const volatile bool filter_rports = false;	/* -D */

PORT_SET(lports, TCPNAGLE_MAX_PORTS);
PORT_SET(rports, TCPNAGLE_MAX_PORTS);

/* Calls per Nagle argument (TCP_NAGLE_* bits). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCPNAGLE_STATES);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

/* Held back since (ns), per socket. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} held SEC(".maps");

/* How long sockets were held back: log2 slots of microseconds. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCPNAGLE_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} held_us SEC(".maps");

/* The kprobe pair: the call's arguments by thread, for its return. */
struct write_xmit_call {
	const struct sock *sk;
	int nonagle;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct write_xmit_call);
} pending SEC(".maps");

static __always_inline void bump(void *map, __u32 key)
{
	__u64 *n = bpf_map_lookup_elem(map, &key);

	if (n)
		*n += 1;
}

static __always_inline int write_xmit_returned(const struct sock *sk, int nonagle, bool blocked)
{
	__u64 key = (__u64)sk, now, *since;
	struct tcp_flow flow;

	/* tp_btf's sk may be NULL to the verifier: checked before any read. */
	if (!sk)
		return 0;
	/* Every transmit comes here: the socket is read only to filter it. */
	if ((filter_lports || filter_rports || targ_family || targ_netns) &&
	    (!tcp_flow_of(sk, &flow) ||
	     PORT_FILTERED(filter_lports, lports, flow.lport) ||
	     PORT_FILTERED(filter_rports, rports, flow.rport)))
		return 0;
	bump(&calls, nonagle & (TCPNAGLE_STATES - 1));
	since = bpf_map_lookup_elem(&held, &key);
	if (blocked) {
		if (!since) {
			now = bpf_ktime_get_ns();
			bpf_map_update_elem(&held, &key, &now, BPF_NOEXIST);
		}
		return 0;
	}
	if (since) {
		bump(&held_us, log2_slot((bpf_ktime_get_ns() - *since) / 1000));
		bpf_map_delete_elem(&held, &key);
	}
	return 0;
}

SEC("tp_btf/tcp_write_xmit")
int BPF_PROG(tcp_write_xmit, const struct sock *sk, int nonagle, bool blocked)
{
	return write_xmit_returned(sk, nonagle, blocked);
}

SEC("fexit/tcp_write_xmit")
int BPF_PROG(fexit_write_xmit, const struct sock *sk, unsigned int mss_now, int nonagle,
	     int push_one, gfp_t gfp, bool ret)
{
	return write_xmit_returned(sk, nonagle, ret);
}

SEC("kprobe/tcp_write_xmit")
int BPF_KPROBE(kprobe_write_xmit, const struct sock *sk, unsigned int mss_now, int nonagle)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct write_xmit_call call = { .sk = sk, .nonagle = nonagle };

	bpf_map_update_elem(&pending, &tid, &call, BPF_ANY);
	return 0;
}

SEC("kretprobe/tcp_write_xmit")
int BPF_KRETPROBE(kretprobe_write_xmit, bool ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct write_xmit_call *call = bpf_map_lookup_elem(&pending, &tid);

	if (!call)
		return 0;
	write_xmit_returned(call->sk, call->nonagle, ret);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
