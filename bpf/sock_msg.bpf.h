/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One socket message event, four attach sources (as BCC's libbpf-tools
 * do it): thin SEC() stubs around one handler of the tool's,
 *
 *	static __always_inline int fn(__u32 arg, __u16 protocol, long bytes)
 *
 * called with the tool's @arg (which counter, which histogram), the
 * socket's IPPROTO_* and the bytes of the message.  Userspace keeps the
 * stub of the source it chose (attach_autoload()) and drops the others.
 *
 * SOCK_LENGTH_PROGS(event, fn, arg): the sock:sock_{send,recv}_length
 * tracepoint @event (6.3+) as tp_@event and as tp_btf btf_@event;
 * protocol and bytes from the event (bytes: its ret, negative on errors;
 * protocol 0 when tp_btf has no sock).
 *
 * SOCK_FUNC_PROGS(name, func, fn, arg, protocol): fentry_@name and
 * kprobe_@name on kernel function @func(sock, msg, size, ...); @protocol
 * is what @func handles (0: any), bytes its size argument.
 *
 * The including file needs vmlinux.h, bpf_tracing.h and bpf_core_read.h,
 * and sock_common.h for struct sock_msg_length_ctx.
 */
#ifndef NETLENS_SOCK_MSG_BPF_H
#define NETLENS_SOCK_MSG_BPF_H

#define SOCK_LENGTH_PROGS(event, fn, arg)				\
SEC("tracepoint/sock/" #event)						\
int tp_##event(struct sock_msg_length_ctx *ctx)				\
{									\
	return fn(arg, ctx->protocol, ctx->ret);			\
}									\
									\
SEC("tp_btf/" #event)							\
int BPF_PROG(btf_##event, struct sock *sk, int ret)			\
{									\
	return fn(arg, sk ? BPF_CORE_READ(sk, sk_protocol) : 0, ret);	\
}

#define SOCK_FUNC_PROGS(name, func, fn, arg, protocol)			\
SEC("fentry/" #func)							\
int BPF_PROG(fentry_##name, void *sock, void *msg, __u64 size)		\
{									\
	return fn(arg, protocol, (long)size);				\
}									\
									\
SEC("kprobe/" #func)							\
int BPF_KPROBE(kprobe_##name, void *sock, void *msg, __u64 size)	\
{									\
	return fn(arg, protocol, (long)size);				\
}

#endif
