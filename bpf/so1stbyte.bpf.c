// SPDX-License-Identifier: GPL-2.0
/*
 * so1stbyte: time from connect(2) to the first receive that returned data
 * on that socket (book 10.3.x, so1stbyte.bt), as log2 histograms of
 * microseconds per process.  The book keys by PID and descriptor and
 * stops at the first read-like syscall's return, whatever it returned
 * (EAGAIN of a non-blocking socket, 0, an error).
 *
 * The clock starts at sys_enter_connect of an IPv4/IPv6 socket (not a
 * repeated connect on a connecting stream socket) and is kept once the
 * call returned 0 or EINPROGRESS, by the socket's inode number: unique
 * while the system runs, so a socket freed unread and its memory reused
 * cannot be mistaken for it (a struct sock or descriptor can).  It stops
 * at the first receive on that socket returning more than 0 bytes, from
 * the kernel's sock:sock_recv_length (6.3+), netlens.ko's
 * inet_recv_length, or fexit/kprobes on inet_recvmsg and inet6_recvmsg
 * (userspace loads one).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ports.bpf.h"
#include "count.bpf.h"
#include "log2.bpf.h"
#include "sock_common.h"
#include "msg_length.bpf.h"
#include "so1stbyte.h"

#define EINPROGRESS	115
#define MSG_ERRQUEUE	0x2000

const volatile bool filter_ports = false;	/* -P: destination ports */

PORT_SET(ports, SO1STBYTE_MAX_PORTS);

/* A connect(2) in progress, by thread. */
struct conn_call {
	__u64 ts;
	__u64 ino;
	struct sock *sk;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct conn_call);
} calls SEC(".maps");

/* A connected socket not read from yet, by inode number. */
struct waiting {
	__u64 ts;
	__u32 pid;
	char comm[16];
};

/* LRU: sockets closed unread do not fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct waiting);
} waiting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct so1stbyte_key);
	__type(value, __u64);
} hists SEC(".maps");

static __always_inline int connect_enter(long fd)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct conn_call c = {};
	struct socket *sock;
	struct sock *sk;

	if (task_filtered(pid_tgid))
		return 0;
	sock = connect_attempt_socket(fd, &sk);
	if (!sock)
		return 0;
	c.sk = sk;
	c.ino = BPF_CORE_READ(sock, file, f_inode, i_ino);
	c.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

static __always_inline void connect_exit(int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct waiting w = {};
	struct conn_call *c;
	struct sock *sk;
	__u16 port;

	c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return;
	if (ret != 0 && ret != -EINPROGRESS) {
		/* Failed: whatever an earlier connect of the socket left goes too. */
		bpf_map_delete_elem(&waiting, &c->ino);
		goto out;
	}
	sk = c->sk;
	port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (PORT_FILTERED(filter_ports, ports, port))
		goto out;
	w.ts = c->ts;
	w.pid = pid_tgid >> 32;
	bpf_get_current_comm(w.comm, sizeof(w.comm));
	bpf_map_update_elem(&waiting, &c->ino, &w, BPF_ANY);
out:
	bpf_map_delete_elem(&calls, &tid);
}

/* A receive on @sk returned @bytes: the first with data ends its wait. */
static __always_inline void received(const struct sock *sk, long bytes, int flags, bool sent)
{
	struct so1stbyte_key key = {};
	struct waiting *w;
	__u64 ino, lat;

	if (sent || bytes <= 0 || (flags & MSG_ERRQUEUE) || !sk)
		return;
	ino = BPF_CORE_READ(sk, sk_socket, file, f_inode, i_ino);
	w = bpf_map_lookup_elem(&waiting, &ino);
	if (!w)
		return;
	lat = bpf_ktime_get_ns() - w->ts;
	key.pid = w->pid;
	__builtin_memcpy(key.comm, w->comm, sizeof(key.comm));
	/* Two receives at once: only the one that removes it counts. */
	if (bpf_map_delete_elem(&waiting, &ino))
		return;
	key.slot = log2_slot(lat / 1000);
	if (key.slot >= SO1STBYTE_SLOTS)
		key.slot = SO1STBYTE_SLOTS - 1;
	map_count(&hists, &key);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int sys_enter_connect(struct syscall_enter_ctx *ctx)
{
	return connect_enter(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int sys_exit_connect(struct syscall_exit_ctx *ctx)
{
	connect_exit((int)ctx->ret);
	return 0;
}

/* The receive sources, one loaded (userspace's so1stbyte_sources). */
SEC("tp_btf/sock_recv_length")
int BPF_PROG(sock_recv_length, struct sock *sk, int ret, int flags)
{
	received(sk, ret, flags, false);
	return 0;
}

__u64 inet_recv_missed = 0;

SEC("tp_btf/inet_recv_length")
int BPF_PROG(inet_recv_length, const struct sock *sk, int ret, int flags, unsigned long missed)
{
	msg_note_missed(&inet_recv_missed, missed);
	received(sk, ret, flags, false);
	return 0;
}

MSG_LENGTH_FUNC_PROGS(inet_recvmsg, 4, false, received, MSG_SK_OF_SOCKET)
MSG_LENGTH_FUNC_PROGS(inet6_recvmsg, 4, false, received, MSG_SK_OF_SOCKET)

char LICENSE[] SEC("license") = "GPL";
