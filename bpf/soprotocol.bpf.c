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
#include "socount.h"

/* Count only connects that returned 0 (-s). */
const volatile bool targ_success = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct soprotocol_key);
	__type(value, __u64);
} counts SEC(".maps");

/* -s: connect's socket from entry to exit, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} pending SEC(".maps");

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
	__u64 one = 1, *cnt;
	__u32 zero = 0;

	key = bpf_map_lookup_elem(&scratch, &zero);
	if (!key || !sk)
		return;
	__builtin_memset(key, 0, sizeof(*key));
	key->pid = pid_tgid >> 32;
	key->op = op;
	key->protocol = BPF_CORE_READ(sk, sk_protocol);
	prot = BPF_CORE_READ(sk, __sk_common.skc_prot);
	if (prot)
		bpf_probe_read_kernel_str(key->name, sizeof(key->name), &prot->name);
	bpf_get_current_comm(key->comm, sizeof(key->comm));
	cnt = bpf_map_lookup_elem(&counts, key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else if (bpf_map_update_elem(&counts, key, &one, BPF_NOEXIST))
		if ((cnt = bpf_map_lookup_elem(&counts, key)))
			__sync_fetch_and_add(cnt, 1);
}

static __always_inline int connect_enter(long fd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct socket *sock;
	struct sock *sk;
	__u64 skp;

	if (tgid_filtered(pid_tgid))
		return 0;
	sock = fd_socket(fd);
	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!targ_success) {
		count(pid_tgid, SO_OP_CONNECT, sk);
	} else {
		skp = (__u64)sk;
		bpf_map_update_elem(&pending, &tid, &skp, BPF_ANY);
	}
	return 0;
}

static __always_inline int connect_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 *skp;

	if (!targ_success)
		return 0;
	skp = bpf_map_lookup_elem(&pending, &tid);
	if (!skp)
		return 0;
	if (ret == 0)
		count(pid_tgid, SO_OP_CONNECT, (struct sock *)*skp);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct socket *sock;

	if (ret < 0 || tgid_filtered(pid_tgid))
		return 0;
	sock = fd_socket(ret);
	if (sock)
		count(pid_tgid, SO_OP_ACCEPT, BPF_CORE_READ(sock, sk));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	return connect_enter((long)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int sys_exit_connect(struct syscall_exit_ctx *ctx)
{
	return connect_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int sys_exit_accept(struct syscall_exit_ctx *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int sys_exit_accept4(struct syscall_exit_ctx *ctx)
{
	return accept_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
