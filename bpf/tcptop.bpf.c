// SPDX-License-Identifier: GPL-2.0
/*
 * tcptop: bytes sent and received per process and TCP session (BPF
 * Performance Tools chapter 10: BCC tcptop), from what the send and receive
 * calls return:
 *
 *   the kernel's sock:sock_send_length and sock_recv_length (6.3+), any
 *   socket's, kept for TCP; netlens.ko's tcp_send_length and
 *   tcp_recv_length (return hooks on tcp_sendmsg, tcp_sendpage and
 *   tcp_recvmsg) where the kernel has none; without the module, fexit,
 *   then kprobe and kretprobe pairs on tcp_sendmsg and tcp_recvmsg.
 *
 * BCC counts tcp_sendmsg's size argument (asked for, not sent) and
 * tcp_cleanup_rbuf's copied (twice for a receive that sleeps after a
 * partial copy): the returns are what moved.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sock_common.h"
#include "tcp_flow.bpf.h"
#include "tcptop.h"

#define IPPROTO_TCP	6
#define SOCK_STREAM	1
#define MSG_PEEK	2
#define MSG_ERRQUEUE	0x2000
#define E2BIG		7

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPTOP_MAX_ENTRIES);
	__type(key, struct tcptop_key);
	__type(value, struct tcptop_bytes);
} traffic SEC(".maps");

/* Rows that did not fit in traffic: their bytes are not shown. */
__u64 dropped = 0;

/*
 * The module's events carry the returns its hooks missed since armed
 * (more callers asleep in them than netlens.ko's max_sleepers): the most
 * seen of each.
 */
__u64 send_missed = 0, recv_missed = 0;

static __always_inline void count(const struct sock *sk, long bytes, int flags, bool sent)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct tcptop_bytes zero = {}, *b;
	struct tcptop_key key = {};

	/* Errors, EOF, and bytes that stay queued (a peek) or are not data. */
	if (bytes <= 0 || !sk || (!sent && (flags & (MSG_PEEK | MSG_ERRQUEUE))))
		return;
	if (task_filtered(pid_tgid))
		return;
	if (!tcp_flow_of(sk, &key.flow))
		return;
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	b = bpf_map_lookup_elem(&traffic, &key);
	if (!b) {
		if (bpf_map_update_elem(&traffic, &key, &zero, BPF_NOEXIST) == -E2BIG) {
			__sync_fetch_and_add(&dropped, 1);
			return;
		}
		b = bpf_map_lookup_elem(&traffic, &key);
		if (!b)
			return;
	}
	if (sent)
		__sync_fetch_and_add(&b->sent, bytes);
	else
		__sync_fetch_and_add(&b->received, bytes);
}

/* The kernel's events come for every socket: TCP's only. */
static __always_inline void count_sock(const struct sock *sk, long bytes, int flags, bool sent)
{
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP ||
	    BPF_CORE_READ(sk, sk_type) != SOCK_STREAM)
		return;
	count(sk, bytes, flags, sent);
}

static __always_inline void note_missed(__u64 *most, __u64 missed)
{
	if (missed > *most)
		*most = missed;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(sock_send_length, struct sock *sk, int ret, int flags)
{
	count_sock(sk, ret, flags, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(sock_recv_length, struct sock *sk, int ret, int flags)
{
	count_sock(sk, ret, flags, false);
	return 0;
}

SEC("tp_btf/tcp_send_length")
int BPF_PROG(tcp_send_length, const struct sock *sk, int ret, int flags, unsigned long missed)
{
	note_missed(&send_missed, missed);
	count(sk, ret, flags, true);
	return 0;
}

SEC("tp_btf/tcp_recv_length")
int BPF_PROG(tcp_recv_length, const struct sock *sk, int ret, int flags, unsigned long missed)
{
	note_missed(&recv_missed, missed);
	count(sk, ret, flags, false);
	return 0;
}

SEC("fexit/tcp_sendmsg")
int BPF_PROG(fexit_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size, int ret)
{
	count(sk, ret, 0, true);
	return 0;
}

SEC("fexit/tcp_recvmsg")
int BPF_PROG(fexit_tcp_recvmsg, struct sock *sk, struct msghdr *msg, size_t len, int flags,
	     int *addr_len, int ret)
{
	count(sk, ret, flags, false);
	return 0;
}

/* The kprobe pairs: a call's socket and flags by thread, for its return. */
struct msg_call {
	const struct sock *sk;
	int flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct msg_call);
} pending SEC(".maps");

static __always_inline void call_entered(const struct sock *sk, int flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct msg_call call = { .sk = sk, .flags = flags };

	bpf_map_update_elem(&pending, &tid, &call, BPF_ANY);
}

static __always_inline void call_returned(long ret, bool sent)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct msg_call *call = bpf_map_lookup_elem(&pending, &tid);

	if (!call)
		return;
	count(call->sk, ret, call->flags, sent);
	bpf_map_delete_elem(&pending, &tid);
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(kprobe_tcp_sendmsg, const struct sock *sk)
{
	call_entered(sk, 0);
	return 0;
}

SEC("kretprobe/tcp_sendmsg")
int BPF_KRETPROBE(kretprobe_tcp_sendmsg, int ret)
{
	call_returned(ret, true);
	return 0;
}

SEC("kprobe/tcp_recvmsg")
int BPF_KPROBE(kprobe_tcp_recvmsg, const struct sock *sk, void *msg, size_t len, int flags)
{
	call_entered(sk, flags);
	return 0;
}

SEC("kretprobe/tcp_recvmsg")
int BPF_KRETPROBE(kretprobe_tcp_recvmsg, int ret)
{
	call_returned(ret, false);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
