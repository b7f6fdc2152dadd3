// SPDX-License-Identifier: GPL-2.0
/*
 * socksize: the sizes of socket reads and writes, as log2 histograms per
 * process name and direction (BPF Performance Tools 10.3.x, socksize.bt),
 * from what each send and receive call on an IPv4 or IPv6 socket returned:
 * the kernel's sock:sock_{send,recv}_length (6.3+); netlens.ko's
 * inet_{send,recv}_length where the kernel has none; fexit, then kprobe
 * and kretprobe pairs on inet_sendmsg, inet6_sendmsg, inet_recvmsg and
 * inet6_recvmsg.  The book kretprobes sock_read_iter and sock_write_iter:
 * read(2) and write(2) only, no send*(2), recv*(2) or io_uring.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "log2.bpf.h"
#include "msg_length.bpf.h"
#include "socksize.h"

#define MSG_PEEK	2
#define MSG_ERRQUEUE	0x2000

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct socksize_key);
	__type(value, __u64);
} sizes SEC(".maps");

static __always_inline void record(const struct sock *sk, long bytes, int flags, bool sent)
{
	struct socksize_key key = {};
	__u64 zero = 0, *n;

	/* Errors, and what a receive did not take (a peek) or was not data. */
	if (bytes < 0 || !sk || (!sent && (flags & (MSG_PEEK | MSG_ERRQUEUE))))
		return;
	if (!msg_inet_selected(sk))
		return;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.dir = sent ? SOCKSIZE_WRITE : SOCKSIZE_READ;
	key.slot = log2_slot(bytes);
	if (key.slot >= SOCKSIZE_SLOTS)
		key.slot = SOCKSIZE_SLOTS - 1;
	n = bpf_map_lookup_elem(&sizes, &key);
	if (!n) {
		/* Another CPU may add it first: then this adds to that one. */
		bpf_map_update_elem(&sizes, &key, &zero, BPF_NOEXIST);
		n = bpf_map_lookup_elem(&sizes, &key);
		if (!n)
			return;
	}
	__sync_fetch_and_add(n, 1);
}

MSG_LENGTH_INET_PROGS(record)

char LICENSE[] SEC("license") = "GPL";
