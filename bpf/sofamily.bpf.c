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
#include "socount.h"

/* Count only connects that returned 0 (-s). */
const volatile bool targ_success = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sofamily_key);
	__type(value, __u64);
} counts SEC(".maps");

/* -s: connect's family from entry to exit, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u16);
} pending SEC(".maps");

static __always_inline void count(__u64 pid_tgid, __u8 op, __u16 family)
{
	struct sofamily_key key = {};
	__u64 one = 1, *cnt;

	key.pid = pid_tgid >> 32;
	key.op = op;
	key.family = family;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	cnt = bpf_map_lookup_elem(&counts, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST))
		/* Lost a race with another CPU creating it. */
		if ((cnt = bpf_map_lookup_elem(&counts, &key)))
			__sync_fetch_and_add(cnt, 1);
}

static __always_inline int connect_enter(const void *uaddr, __u32 addrlen)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u16 family;

	if (tgid_filtered(pid_tgid))
		return 0;
	if (addrlen < sizeof(family) ||
	    bpf_probe_read_user(&family, sizeof(family), uaddr))
		return 0;
	if (!targ_success)
		count(pid_tgid, SO_OP_CONNECT, family);
	else
		bpf_map_update_elem(&pending, &tid, &family, BPF_ANY);
	return 0;
}

static __always_inline int connect_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u16 *family;

	if (!targ_success)
		return 0;
	family = bpf_map_lookup_elem(&pending, &tid);
	if (!family)
		return 0;
	if (ret == 0)
		count(pid_tgid, SO_OP_CONNECT, *family);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct socket *sock;
	__u16 family;

	if (ret < 0 || tgid_filtered(pid_tgid))
		return 0;
	sock = fd_socket(ret);
	if (!sock)
		return 0;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	count(pid_tgid, SO_OP_ACCEPT, family);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	return connect_enter((const void *)ctx->args[1], (__u32)ctx->args[2]);
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
