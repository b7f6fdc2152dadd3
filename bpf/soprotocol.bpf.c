// SPDX-License-Identifier: GPL-2.0
/*
 * soprotocol: accept(2)/connect(2) counts by process and transport
 * protocol (book 10.3.3).  The book uses kprobes on security_socket_*;
 * here the syscall tracepoints find the socket behind the file
 * descriptor: connect's on entry, accept's new socket on success.
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
	__type(key, struct soprotocol_key);
	__type(value, __u64);
} counts SEC(".maps");

/* Per-CPU scratch: the key is too big for comfort on the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct soprotocol_key);
} scratch SEC(".maps");

static __always_inline void count(__u64 pid_tgid, __u8 op, struct sock *sk)
{
	struct soprotocol_key *key;
	struct proto *prot;
	__u32 zero = 0;

	key = bpf_map_lookup_elem(&scratch, &zero);
	if (!key || !sk || family_filtered(BPF_CORE_READ(sk, __sk_common.skc_family)))
		return;
	__builtin_memset(key, 0, sizeof(*key));
	key->pid = pid_tgid >> 32;
	key->op = op;
	key->protocol = BPF_CORE_READ(sk, sk_protocol);
	prot = BPF_CORE_READ(sk, __sk_common.skc_prot);
	if (prot)
		bpf_probe_read_kernel_str(key->name, sizeof(key->name), &prot->name);
	bpf_get_current_comm(key->comm, sizeof(key->comm));
	map_count(&counts, key);
}

/* connect(fd, ...): the struct sock behind fd. */
static __always_inline bool connect_what(const struct syscall_enter_ctx *ctx,
					 __u64 *what)
{
	struct socket *sock = fd_socket((long)ctx->args[0]);

	if (!sock)
		return false;
	*what = (__u64)BPF_CORE_READ(sock, sk);
	return true;
}

static __always_inline void count_connect(__u64 pid_tgid, __u64 sk)
{
	count(pid_tgid, SO_OP_CONNECT, (struct sock *)sk);
}

static __always_inline void count_accept(__u64 pid_tgid, struct socket *sock)
{
	count(pid_tgid, SO_OP_ACCEPT, BPF_CORE_READ(sock, sk));
}

#include "socount.bpf.h"

char LICENSE[] SEC("license") = "GPL";
