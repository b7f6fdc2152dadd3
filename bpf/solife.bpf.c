// SPDX-License-Identifier: GPL-2.0
/*
 * solife: socket sessions from connect(2)/accept(2) to release (the
 * chapter's solife exercise, 10.5).  A session is keyed by the socket's
 * struct file, not by the descriptor: dup(), dup2(), fcntl(F_DUPFD) and
 * fork() share the file, and a reused descriptor number gets a new one.
 * It starts at the return of connect/accept (the file taken from the
 * task's fd table) and ends at the file's last fput, where the kernel
 * calls sock_close() (fentry, else kprobe).  No tracepoint fires there;
 * where kernel functions cannot be traced, the fallback is close(2) of a
 * file whose last reference it holds (syscalls:sys_enter_close).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sock_common.h"
#include "solife.h"

#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define EINPROGRESS	115

struct session {
	__u64 ts;
	__u64 ino;		/* the socket inode: tells a reused struct file apart */
	__u32 pid;
	__u16 family;
	__u16 protocol;
	__u8 active;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);	/* struct file * */
	__type(value, struct session);
} sessions SEC(".maps");

/* connect(2)'s descriptor, from enter to exit, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __s32);
} connects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

__u64 lost_events;	/* ring buffer full */
__u64 lost_sessions;	/* sessions map full */

/* Before 6.13 (file_ref_t f_ref): the reference count. */
struct file___old {
	atomic_long_t f_count;
} __attribute__((preserve_access_index));

static __always_inline struct sock *file_sock(struct file *file)
{
	struct socket *sock = file_socket(file);

	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/* connect/accept returned @fd: a session of its file begins (unless under way). */
static __always_inline void session_start(long fd, bool active)
{
	struct file *file = fd_file(fd);
	struct sock *sk = file_sock(file);
	struct session s = {}, *old;
	__u64 key = (__u64)file;

	if (!sk)
		return;
	s.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	s.protocol = BPF_CORE_READ(sk, sk_protocol);
	if ((s.family != AF_INET && s.family != AF_INET6) || family_filtered(s.family) ||
	    (s.protocol != IPPROTO_TCP && s.protocol != IPPROTO_UDP))
		return;
	s.ino = BPF_CORE_READ(file, f_inode, i_ino);
	/* A UDP socket connected again is the same session. */
	old = bpf_map_lookup_elem(&sessions, &key);
	if (old && old->ino == s.ino)
		return;
	s.ts = bpf_ktime_get_ns();
	s.pid = bpf_get_current_pid_tgid() >> 32;
	s.active = active;
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	if (bpf_map_update_elem(&sessions, &key, &s, BPF_ANY))
		__sync_fetch_and_add(&lost_sessions, 1);
}

/* @file's last reference goes: its session, if any, ends. */
static __always_inline void session_end(struct file *file)
{
	__u64 key = (__u64)file;
	struct solife_event *e;
	struct session *s;
	struct sock *sk;

	s = bpf_map_lookup_elem(&sessions, &key);
	if (!s)
		return;
	sk = file_sock(file);
	if (!sk || BPF_CORE_READ(file, f_inode, i_ino) != s->ino)
		goto out;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost_events, 1);
		goto out;
	}
	e->span_ns = bpf_ktime_get_ns() - s->ts;
	e->pid = s->pid;
	e->end_pid = bpf_get_current_pid_tgid() >> 32;
	e->family = s->family;
	e->protocol = s->protocol;
	e->active = s->active;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	/* The addresses now: a non-blocking connect gets its port early, not its route. */
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(e->laddr, 0, sizeof(e->laddr));
	__builtin_memset(e->raddr, 0, sizeof(e->raddr));
	if (s->family == AF_INET) {
		bpf_core_read(e->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(e->raddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(e->raddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&sessions, &key);
}

/* The fallback: does this close(2) drop @file's last reference? */
static __always_inline bool last_reference(struct file *file)
{
	struct file___old *old = (void *)file;

	if (bpf_core_field_exists(old->f_count))
		return BPF_CORE_READ(old, f_count.counter) == 1;
	/* 6.13+: file_ref_t counts the references beyond the first. */
	return BPF_CORE_READ(file, f_ref.refcnt.counter) == 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__s32 fd = (__s32)ctx->args[0];

	if (!task_filtered(pid_tgid))
		bpf_map_update_elem(&connects, &tid, &fd, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int sys_exit_connect(struct syscall_exit_ctx *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 *fd = bpf_map_lookup_elem(&connects, &tid);

	if (!fd)
		return 0;
	/* A non-blocking connect is a session from EINPROGRESS on. */
	if (ctx->ret == 0 || ctx->ret == -EINPROGRESS)
		session_start(*fd, true);
	bpf_map_delete_elem(&connects, &tid);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	if (ret >= 0 && !task_filtered(bpf_get_current_pid_tgid()))
		session_start(ret, false);
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

/* sock_close() is socket_file_ops.release: the file's last fput. */
SEC("fentry/sock_close")
int BPF_PROG(fentry_sock_close, struct inode *inode, struct file *file)
{
	session_end(file);
	return 0;
}

SEC("kprobe/sock_close")
int BPF_KPROBE(kprobe_sock_close, struct inode *inode, struct file *file)
{
	session_end(file);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_close")
int sys_enter_close(struct syscall_enter_ctx *ctx)
{
	struct file *file = fd_file(ctx->args[0]);
	__u64 key = (__u64)file;

	if (file && bpf_map_lookup_elem(&sessions, &key) && last_reference(file))
		session_end(file);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
