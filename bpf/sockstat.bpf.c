// SPDX-License-Identifier: GPL-2.0
/*
 * sockstat: counts of socket syscalls and of sock_recvmsg/sock_sendmsg
 * (book 10.3.1).  The syscalls come from their syscalls:sys_enter_*
 * tracepoints; read/write/readv/writev (-S) count only when the fd is a
 * socket.  sock_recvmsg/sock_sendmsg have one of four sources, chosen by
 * userspace at run time: the sock:sock_{recv,send}_length tracepoints
 * (6.3+, fired in sock_{recv,send}msg_nosec), tp_btf on them, else fentry
 * or kprobes on security_socket_{recv,send}msg.  The book probes
 * sock_{recv,send}msg themselves, but the compiler inlines sock_sendmsg
 * into the syscalls on some kernels (6.1): probes there miss most calls.
 * The LSM hooks are called exactly once by each sock_{recv,send}msg and
 * live in another file, so they are never inlined.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sock_common.h"
#include "sock_msg.bpf.h"
#include "sockstat.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SS_NR);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int hit(__u32 probe)
{
	__u64 *cnt;

	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	cnt = bpf_map_lookup_elem(&counts, &probe);
	if (cnt)
		(*cnt)++;
	return 0;
}

static __always_inline int hit_if_socket(__u32 probe, long fd)
{
	if (task_filtered(bpf_get_current_pid_tgid()))
		return 0;
	if (!fd_socket(fd))
		return 0;
	return hit(probe);
}

#define SYSCALL_COUNTER(name, probe)					\
SEC("tracepoint/syscalls/sys_enter_" #name)				\
int sys_enter_##name(struct syscall_enter_ctx *ctx)			\
{									\
	return hit(probe);						\
}

#define SYSCALL_FD_COUNTER(name, probe)					\
SEC("tracepoint/syscalls/sys_enter_" #name)				\
int sys_enter_##name(struct syscall_enter_ctx *ctx)			\
{									\
	return hit_if_socket(probe, (long)(int)ctx->args[0]);		\
}

SYSCALL_COUNTER(accept, SS_ACCEPT)
SYSCALL_COUNTER(accept4, SS_ACCEPT4)
SYSCALL_COUNTER(connect, SS_CONNECT)
SYSCALL_COUNTER(bind, SS_BIND)
SYSCALL_COUNTER(socket, SS_SOCKET)
SYSCALL_COUNTER(socketpair, SS_SOCKETPAIR)
SYSCALL_COUNTER(recvfrom, SS_RECVFROM)
SYSCALL_COUNTER(recvmsg, SS_RECVMSG)
SYSCALL_COUNTER(recvmmsg, SS_RECVMMSG)
SYSCALL_COUNTER(sendto, SS_SENDTO)
SYSCALL_COUNTER(sendmsg, SS_SENDMSG)
SYSCALL_COUNTER(sendmmsg, SS_SENDMMSG)
SYSCALL_FD_COUNTER(read, SS_READ)
SYSCALL_FD_COUNTER(write, SS_WRITE)
SYSCALL_FD_COUNTER(readv, SS_READV)
SYSCALL_FD_COUNTER(writev, SS_WRITEV)

/* sock_recvmsg / sock_sendmsg: one source of each is loaded. */
static __always_inline int sock_msg(__u32 probe, __u16 protocol, long bytes)
{
	return hit(probe);
}

SOCK_LENGTH_PROGS(sock_recv_length, sock_msg, SS_SOCK_RECVMSG)
SOCK_LENGTH_PROGS(sock_send_length, sock_msg, SS_SOCK_SENDMSG)
SOCK_FUNC_PROGS(sock_recvmsg, security_socket_recvmsg, sock_msg, SS_SOCK_RECVMSG, 0)
SOCK_FUNC_PROGS(sock_sendmsg, security_socket_sendmsg, sock_msg, SS_SOCK_SENDMSG, 0)

char LICENSE[] SEC("license") = "GPL";
