// SPDX-License-Identifier: GPL-2.0
/*
 * socketio: socket I/O calls and bytes by process, direction, protocol and
 * ports (BPF Performance Tools 10.3.x, socketio.bt), from what each send
 * and receive call on an IPv4 or IPv6 socket returned: the kernel's
 * sock:sock_{send,recv}_length (6.3+), netlens.ko's inet_{send,recv}_length
 * where the kernel has none, then fexit, then kprobe and kretprobe pairs
 * on inet{,6}_{send,recv}msg (bpf/msg_length.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sock_common.h"
#include "msg_length.bpf.h"
#include "socketio.h"

#define MSG_PEEK	2
#define MSG_ERRQUEUE	0x2000

/* Calls, failed ones included, as the book's @io. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SOCKETIO_MAX_ENTRIES);
	__type(key, struct socketio_key);
	__type(value, __u64);
} io SEC(".maps");

/* Bytes the calls returned, as the book's @bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SOCKETIO_MAX_ENTRIES);
	__type(key, struct socketio_key);
	__type(value, __u64);
} bytes SEC(".maps");

/* Calls of rows that did not fit. */
__u64 dropped = 0;

static __always_inline void add(void *map, const struct socketio_key *key, __u64 n)
{
	__u64 zero = 0, *v = bpf_map_lookup_elem(map, key);

	if (!v) {
		/* Another CPU may add it first: then this adds to that one. */
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(map, key);
		if (!v) {
			__sync_fetch_and_add(&dropped, 1);
			return;
		}
	}
	__sync_fetch_and_add(v, n);
}

static __always_inline void record(const struct sock *sk, long ret, int flags, bool sent)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct socketio_key key = {};

	/* A peek takes nothing, an error queue read is not the socket's data. */
	if (!sk || (!sent && (flags & (MSG_PEEK | MSG_ERRQUEUE))))
		return;
	if (!msg_inet_selected(sk))
		return;
	key.pid = pid_tgid >> 32;
	key.protocol = BPF_CORE_READ(sk, sk_protocol);
	key.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	key.write = sent;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	add(&io, &key, 1);
	add(&bytes, &key, ret > 0 ? ret : 0);
}

MSG_LENGTH_INET_PROGS(record)

char LICENSE[] SEC("license") = "GPL";
