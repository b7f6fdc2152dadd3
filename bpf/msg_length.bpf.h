/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What send and receive calls returned, from four sources, as thin SEC()
 * stubs around one handler of the tool's,
 *
 *	static __always_inline void fn(const struct sock *sk, long bytes,
 *				       int flags, bool sent)
 *
 * (@bytes: the call's result, negative on errors; @flags: its MSG_*):
 *
 * MSG_LENGTH_KERNEL_PROGS(fn): tp_btf on the kernel's sock:sock_send_length
 *	and sock_recv_length (6.3+), every socket's: sock_send_length and
 *	sock_recv_length.
 * MSG_LENGTH_MODULE_PROGS(event, fn): tp_btf on netlens.ko's
 *	@event_send_length and @event_recv_length (tcp, inet), return hooks
 *	where the kernel has none; the returns they missed since armed go
 *	into the globals @event_send_missed and @event_recv_missed.
 * MSG_LENGTH_FUNC_PROGS(func, nargs, sent, fn, sk_of): fexit_@func, and
 *	kprobe_@func with kretprobe_@func, on @func(first, msg, size[, flags,
 *	...]) of @nargs arguments, whose first gives the socket through
 *	@sk_of (tcp_* take the sock, inet_* the socket); the flags are the
 *	message's when @sent, else the fourth argument.  The pair keeps the
 *	socket and flags by thread in msg_calls.
 *
 * Userspace loads the stubs of the source it chose (userspace/lib/msgsrc.h)
 * and drops the others.  Include after vmlinux.h, bpf_tracing.h and
 * bpf_core_read.h.
 */
#ifndef NETLENS_MSG_LENGTH_BPF_H
#define NETLENS_MSG_LENGTH_BPF_H

#define MSG_LENGTH_KERNEL_PROGS(fn)					\
SEC("tp_btf/sock_send_length")						\
int BPF_PROG(sock_send_length, struct sock *sk, int ret, int flags)	\
{									\
	fn(sk, ret, flags, true);					\
	return 0;							\
}									\
									\
SEC("tp_btf/sock_recv_length")						\
int BPF_PROG(sock_recv_length, struct sock *sk, int ret, int flags)	\
{									\
	fn(sk, ret, flags, false);					\
	return 0;							\
}

/*
 * A call on @sk that an IPv4/IPv6 socket tool counts: the socket's family
 * (-4/-6) and the task (-p, --cgroup, --netns); needs sock_common.h.
 */
static __always_inline bool msg_inet_selected(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if ((family != AF_INET && family != AF_INET6) || family_filtered(family))
		return false;
	return !task_filtered(bpf_get_current_pid_tgid());
}

/* The most returns a module event said it missed. */
static __always_inline void msg_note_missed(__u64 *most, __u64 missed)
{
	if (missed > *most)
		*most = missed;
}

#define MSG_LENGTH_MODULE_PROGS(event, fn)				\
__u64 event##_send_missed = 0, event##_recv_missed = 0;		\
									\
SEC("tp_btf/" #event "_send_length")					\
int BPF_PROG(event##_send_length, const struct sock *sk, int ret, int flags, \
	     unsigned long missed)					\
{									\
	msg_note_missed(&event##_send_missed, missed);			\
	fn(sk, ret, flags, true);					\
	return 0;							\
}									\
									\
SEC("tp_btf/" #event "_recv_length")					\
int BPF_PROG(event##_recv_length, const struct sock *sk, int ret, int flags, \
	     unsigned long missed)					\
{									\
	msg_note_missed(&event##_recv_missed, missed);			\
	fn(sk, ret, flags, false);					\
	return 0;							\
}

/* The kprobe pairs: a call's socket and flags by thread, for its return. */
struct msg_call {
	const struct sock *sk;
	int flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct msg_call);
} msg_calls SEC(".maps");

static __always_inline void msg_call_entered(const struct sock *sk, int flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct msg_call call = { .sk = sk, .flags = flags };

	bpf_map_update_elem(&msg_calls, &tid, &call, BPF_ANY);
}

/* The call's socket and flags into @call; false when its entry was not seen. */
static __always_inline bool msg_call_returned(struct msg_call *call)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct msg_call *c = bpf_map_lookup_elem(&msg_calls, &tid);

	if (!c)
		return false;
	*call = *c;
	bpf_map_delete_elem(&msg_calls, &tid);
	return true;
}

/* How the first argument of a send or receive function leads to the socket. */
#define MSG_SK_OF_SOCK(first)	((const struct sock *)(first))
#define MSG_SK_OF_SOCKET(first)	((const struct sock *)BPF_CORE_READ((struct socket *)(first), sk))

#define MSG_LENGTH_FUNC_PROGS(func, nargs, sent, fn, sk_of)		\
SEC("fexit/" #func)							\
int BPF_PROG(fexit_##func, void *first, struct msghdr *msg, size_t size,	\
	     int flags_arg)						\
{									\
	/* fexit's context: the arguments, then the return value. */	\
	int ret = (int)ctx[nargs];					\
	int flags = (sent) ? BPF_CORE_READ(msg, msg_flags) : flags_arg;	\
									\
	fn(sk_of(first), ret, flags, sent);				\
	return 0;							\
}									\
									\
SEC("kprobe/" #func)							\
int BPF_KPROBE(kprobe_##func, void *first, struct msghdr *msg, size_t size, \
	       int flags_arg)						\
{									\
	msg_call_entered(sk_of(first),					\
			 (sent) ? BPF_CORE_READ(msg, msg_flags) : flags_arg); \
	return 0;							\
}									\
									\
SEC("kretprobe/" #func)							\
int BPF_KRETPROBE(kretprobe_##func, int ret)				\
{									\
	struct msg_call call;						\
									\
	if (msg_call_returned(&call))					\
		fn(call.sk, ret, call.flags, sent);			\
	return 0;							\
}

/*
 * Every IPv4 and IPv6 socket's calls (userspace's msg_sources_inet): the
 * kernel's events, netlens.ko's inet_*_length, the address families'
 * sendmsg and recvmsg.
 */
#define MSG_LENGTH_INET_PROGS(fn)					\
MSG_LENGTH_KERNEL_PROGS(fn)						\
MSG_LENGTH_MODULE_PROGS(inet, fn)					\
MSG_LENGTH_FUNC_PROGS(inet_sendmsg, 3, true, fn, MSG_SK_OF_SOCKET)	\
MSG_LENGTH_FUNC_PROGS(inet6_sendmsg, 3, true, fn, MSG_SK_OF_SOCKET)	\
MSG_LENGTH_FUNC_PROGS(inet_recvmsg, 4, false, fn, MSG_SK_OF_SOCKET)	\
MSG_LENGTH_FUNC_PROGS(inet6_recvmsg, 4, false, fn, MSG_SK_OF_SOCKET)

#endif
