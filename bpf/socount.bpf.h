/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sofamily and soprotocol share: accept(2)/connect(2) from the
 * syscall tracepoints, counted on connect entry (or, with -s, on a
 * successful exit) and on each successful accept.  Include after defining
 *
 *   bool connect_what(const struct syscall_enter_ctx *ctx, __u64 *what)
 *	what to count for this connect (false: nothing);
 *   void count_connect(__u64 pid_tgid, __u64 what)
 *   void count_accept(__u64 pid_tgid, struct socket *sock)
 *	the new socket of a successful accept.
 */
#ifndef NETLENS_SOCOUNT_BPF_H
#define NETLENS_SOCOUNT_BPF_H

/* Count only connects that returned 0 (-s). */
const volatile bool targ_success = false;

/* -s: connect's "what" from entry to exit, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} pending SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 what;

	if (task_filtered(pid_tgid) || !connect_what(ctx, &what))
		return 0;
	if (!targ_success)
		count_connect(pid_tgid, what);
	else
		bpf_map_update_elem(&pending, &tid, &what, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int sys_exit_connect(struct syscall_exit_ctx *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 *what;

	if (!targ_success)
		return 0;
	what = bpf_map_lookup_elem(&pending, &tid);
	if (!what)
		return 0;
	if (ctx->ret == 0)
		count_connect(pid_tgid, *what);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct socket *sock;

	if (ret < 0 || task_filtered(pid_tgid))
		return 0;
	sock = fd_socket(ret);
	if (sock)
		count_accept(pid_tgid, sock);
	return 0;
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

#endif
