// SPDX-License-Identifier: GPL-2.0
/*
 * udplife: UDP "sessions" (the chapter's udplife exercise, 10.5): the
 * datagrams a socket exchanged with one peer, by socket and 5-tuple, with
 * the bytes each way and the first and last times; userspace ends a flow
 * after an idle time.  The bytes are what send and receive calls returned
 * (bpf/msg_length.bpf.h: sock:sock_{send,recv}_length, netlens.ko's
 * inet_*_length, else fexit/kprobes).  Those know the socket, not the
 * peer of an unconnected socket: that comes from the address the
 * sendto/sendmsg caller gave, or recvfrom/recvmsg returned, read at the
 * syscall's exit (the kernel copies it to the caller after the receive
 * event).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sock_common.h"
#include "msg_length.bpf.h"
#include "udplife.h"

#define IPPROTO_UDP	17

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct udplife_key);
	__type(value, struct udplife_flow);
} flows SEC(".maps");

/* An address-carrying syscall under way on a thread, for its exit. */
struct pending {
	const void *uaddr;	/* the caller's sockaddr (NULL: none) */
	const struct user_msghdr *umsg;	/* recvmsg: msg_name is read at exit */
	__u64 sk;		/* set by the length event: an unconnected UDP socket */
	long bytes;
	bool sent;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} pendings SEC(".maps");

__u64 lost_flows;	/* flows map full */

static __always_inline void account(const struct sock *sk, struct udplife_key *k, long bytes,
				    bool sent)
{
	struct udplife_flow *f, nf = {};
	__u64 now = bpf_ktime_get_ns();

	k->sk = (__u64)sk;
	k->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	k->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	k->pad = 0;
	if (k->family == AF_INET)
		bpf_core_read(k->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
	else
		bpf_core_read(k->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
	f = bpf_map_lookup_elem(&flows, k);
	if (!f) {
		nf.first_ns = now;
		nf.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(nf.comm, sizeof(nf.comm));
		if (bpf_map_update_elem(&flows, k, &nf, BPF_NOEXIST) &&
		    bpf_map_lookup_elem(&flows, k) == NULL) {
			__sync_fetch_and_add(&lost_flows, 1);
			return;
		}
		f = bpf_map_lookup_elem(&flows, k);
		if (!f)
			return;
	}
	f->last_ns = now;
	if (sent) {
		__sync_fetch_and_add(&f->tx_bytes, bytes);
		__sync_fetch_and_add(&f->tx_packets, 1);
	} else {
		__sync_fetch_and_add(&f->rx_bytes, bytes);
		__sync_fetch_and_add(&f->rx_packets, 1);
	}
}

/* A send or receive returned @bytes on @sk (msg_length.bpf.h's handler). */
static __always_inline void msg_length(const struct sock *sk, long bytes, int flags, bool sent)
{
	struct udplife_key k = {};
	struct pending *p;
	__u32 tid;

	if (bytes <= 0 || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP ||
	    !msg_inet_selected(sk))
		return;
	k.rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (k.rport) {
		/* Connected: the peer is the socket's. */
		if (BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET)
			bpf_core_read(k.raddr, 4, &sk->__sk_common.skc_daddr);
		else
			bpf_core_read(k.raddr, 16, &sk->__sk_common.skc_v6_daddr);
		account(sk, &k, bytes, sent);
		return;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	p = bpf_map_lookup_elem(&pendings, &tid);
	if (p && (p->uaddr || p->umsg)) {
		/* The peer is known at the syscall's exit. */
		p->sk = (__u64)sk;
		p->bytes = bytes;
		p->sent = sent;
		return;
	}
	account(sk, &k, bytes, sent);	/* a peer nobody asked for: "*" */
}

MSG_LENGTH_INET_PROGS(msg_length)

static __always_inline void syscall_enter(const void *uaddr, const struct user_msghdr *umsg)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = { .uaddr = uaddr, .umsg = umsg };

	if ((uaddr || umsg) && !task_filtered(bpf_get_current_pid_tgid()))
		bpf_map_update_elem(&pendings, &tid, &p, BPF_ANY);
}

/* The syscall is done: account a datagram of an unconnected socket to its peer. */
static __always_inline void syscall_exit(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sockaddr_in6 sa = {};
	struct udplife_key k = {};
	const void *uaddr;
	struct pending *p;

	p = bpf_map_lookup_elem(&pendings, &tid);
	if (!p)
		return;
	if (!p->sk)
		goto out;
	uaddr = p->uaddr;
	if (p->umsg && bpf_probe_read_user(&uaddr, sizeof(uaddr), &p->umsg->msg_name))
		uaddr = NULL;
	if (uaddr && !bpf_probe_read_user(&sa, sizeof(sa), uaddr)) {
		if (sa.sin6_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&sa;

			k.rport = bpf_ntohs(sin->sin_port);
			__builtin_memcpy(k.raddr, &sin->sin_addr, 4);
		} else if (sa.sin6_family == AF_INET6) {
			k.rport = bpf_ntohs(sa.sin6_port);
			__builtin_memcpy(k.raddr, &sa.sin6_addr, 16);
		}
	}
	account((const struct sock *)p->sk, &k, p->bytes, p->sent);
out:
	bpf_map_delete_elem(&pendings, &tid);
}

/* sendto(fd, buf, len, flags, dest_addr, addrlen), recvfrom(..., src_addr, addrlen *). */
SEC("tracepoint/syscalls/sys_enter_sendto")
int sys_enter_sendto(struct syscall_enter_ctx *ctx)
{
	syscall_enter((const void *)ctx->args[4], NULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_recvfrom")
int sys_enter_recvfrom(struct syscall_enter_ctx *ctx)
{
	syscall_enter((const void *)ctx->args[4], NULL);
	return 0;
}

/* sendmsg(fd, msg, flags), recvmsg(fd, msg, flags). */
SEC("tracepoint/syscalls/sys_enter_sendmsg")
int sys_enter_sendmsg(struct syscall_enter_ctx *ctx)
{
	syscall_enter(NULL, (const struct user_msghdr *)ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int sys_enter_recvmsg(struct syscall_enter_ctx *ctx)
{
	syscall_enter(NULL, (const struct user_msghdr *)ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int sys_exit_sendto(struct syscall_exit_ctx *ctx)
{
	syscall_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int sys_exit_recvfrom(struct syscall_exit_ctx *ctx)
{
	syscall_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int sys_exit_sendmsg(struct syscall_exit_ctx *ctx)
{
	syscall_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int sys_exit_recvmsg(struct syscall_exit_ctx *ctx)
{
	syscall_exit();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
