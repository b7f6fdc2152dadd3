// SPDX-License-Identifier: GPL-2.0
/*
 * sofamily: accept(2)/connect(2) counts by process and address family
 * (book 10.3.2), from syscall tracepoints only.  connect: the family of
 * the address asked for (read on entry, as sofamily.bt does); accept: the
 * family of the new socket, on a successful return.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "count.bpf.h"
#include "socount.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sofamily_key);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void count(__u64 pid_tgid, __u8 op, __u16 family)
{
	struct sofamily_key key = {};

	if (family_filtered(family))
		return;
	key.pid = pid_tgid >> 32;
	key.op = op;
	key.family = family;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	map_count(&counts, &key);
}

/* connect(fd, uservaddr, addrlen): the family of the address. */
static __always_inline bool connect_what(const struct syscall_enter_ctx *ctx,
					 __u64 *what)
{
	__u16 family;

	if ((__u32)ctx->args[2] < sizeof(family) ||
	    bpf_probe_read_user(&family, sizeof(family), (const void *)ctx->args[1]))
		return false;
	*what = family;
	return true;
}

static __always_inline void count_connect(__u64 pid_tgid, __u64 family)
{
	count(pid_tgid, SO_OP_CONNECT, family);
}

static __always_inline void count_accept(__u64 pid_tgid, struct socket *sock)
{
	count(pid_tgid, SO_OP_ACCEPT, BPF_CORE_READ(sock, sk, __sk_common.skc_family));
}

#include "socount.bpf.h"

char LICENSE[] SEC("license") = "GPL";
