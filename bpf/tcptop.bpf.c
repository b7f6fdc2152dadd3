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
#include "msg_length.bpf.h"
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

MSG_LENGTH_KERNEL_PROGS(count_sock)
MSG_LENGTH_MODULE_PROGS(tcp, count)
MSG_LENGTH_FUNC_PROGS(tcp_sendmsg, 3, true, count, MSG_SK_OF_SOCK)
MSG_LENGTH_FUNC_PROGS(tcp_recvmsg, 5, false, count, MSG_SK_OF_SOCK)

char LICENSE[] SEC("license") = "GPL";
