// SPDX-License-Identifier: GPL-2.0
/*
 * TCP events the kernel has no tracepoint for, each a netlens tracepoint
 * whose hooks (netlens_hooks.c) are armed only while it has consumers:
 *
 *   tcp_syn_recv     a listener makes the child of a completed handshake
 *                    (tcp_v4_syn_recv_sock, tcp_v6_syn_recv_sock): its
 *                    accept backlog against the limit, tcpsynbl's measure;
 *   tcp_loss_probe   a tail loss probe goes out (tcp_send_loss_probe),
 *                    tcpretrans -l;
 *   tcp_write_xmit   tcp_write_xmit() returns, with its Nagle argument and
 *                    whether it was held back: tcpnagle;
 *   tcp_send_length, tcp_recv_length
 *                    a TCP send or receive call returns, with its socket,
 *                    result and flags (the kernel's sock_{send,recv}_length
 *                    for TCP, which 6.1 lacks): tcptop;
 *   inet_send_length, inet_recv_length
 *                    the same for every IPv4 and IPv6 socket, at the
 *                    address family's sendmsg and recvmsg: socksize,
 *                    socketio;
 *   sock_data_ready  a socket is woken for new data (sock_def_readable),
 *                    where the kernel has no sock:sk_data_ready (6.6+):
 *                    sormem.
 *
 * One hook set per event, so that enabling one arms only its own hooks:
 * a new event is a table of hooks, a handler, an entry in tcp_events[]
 * and its NETLENS_TCP_EVENT_REG().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "netlens.h"
#include "netlens_compat.h"
#include "netlens_hooks.h"
#include "netlens-events.h"

enum netlens_tcp_event {
	TCP_EVENT_SYN_RECV,
	TCP_EVENT_LOSS_PROBE,
	TCP_EVENT_WRITE_XMIT,
	TCP_EVENT_SEND_LENGTH,
	TCP_EVENT_RECV_LENGTH,
	INET_EVENT_SEND_LENGTH,
	INET_EVENT_RECV_LENGTH,
	SOCK_EVENT_DATA_READY,
	TCP_EVENT_COUNT
};

/* tcp_v4_syn_recv_sock(sk, skb, req, dst, req_unhash, own_req) */
static void netlens_on_syn_recv_sock(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	const struct sock *sk = (const struct sock *)netlens_ftrace_arg(fregs, 0);

	trace_tcp_syn_recv(sk, READ_ONCE(sk->sk_ack_backlog),
			   READ_ONCE(sk->sk_max_ack_backlog));
}

/* The IPv6 one hands IPv4-mapped handshakes to the IPv4 one: counted there. */
static void netlens_on_syn_recv_sock6(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	const struct sk_buff *skb = (const struct sk_buff *)netlens_ftrace_arg(fregs, 1);

	if (skb->protocol != htons(ETH_P_IP))
		netlens_on_syn_recv_sock(parent_ip, fregs);
}

static void netlens_on_send_loss_probe(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	trace_tcp_loss_probe((const struct sock *)netlens_ftrace_arg(fregs, 0));
}

/* sock_def_readable(sk) */
static void netlens_on_sock_def_readable(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	trace_sock_data_ready((const struct sock *)netlens_ftrace_arg(fregs, 0));
}

/* tcp_write_xmit(sk, mss_now, nonagle, push_one, gfp): its arguments for the return. */
struct netlens_write_xmit_call {
	const struct sock *sk;
	int nonagle;
};

static int netlens_save_write_xmit(struct pt_regs *regs, void *data)
{
	struct netlens_write_xmit_call *call = data;

	call->sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	call->nonagle = regs_get_kernel_argument(regs, 2);
	return 0;
}

static void netlens_on_write_xmit_ret(unsigned long ret, unsigned long ret_ip, void *data)
{
	const struct netlens_write_xmit_call *call = data;

	/* A bool: the register's low byte. */
	trace_tcp_write_xmit(call->sk, call->nonagle, ret & 0xff);
}

/* A send or receive call's socket and MSG_* flags, for its return. */
struct netlens_msg_call {
	const struct sock *sk;
	int flags;
};

static_assert(sizeof(struct netlens_msg_call) <= NETLENS_HOOK_DATA);

/* tcp_sendmsg(sk, msg, size): the flags are the message's. */
static int netlens_save_sendmsg(struct pt_regs *regs, void *data)
{
	const struct msghdr *msg = (const struct msghdr *)regs_get_kernel_argument(regs, 1);
	struct netlens_msg_call *call = data;

	call->sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	call->flags = msg->msg_flags;
	return 0;
}

/* tcp_sendpage(sk, page, offset, size, flags) */
static int netlens_save_sendpage(struct pt_regs *regs, void *data)
{
	struct netlens_msg_call *call = data;

	call->sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	call->flags = regs_get_kernel_argument(regs, 4);
	return 0;
}

/* tcp_recvmsg(sk, msg, len, flags, addr_len) */
static int netlens_save_recvmsg(struct pt_regs *regs, void *data)
{
	struct netlens_msg_call *call = data;

	call->sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	call->flags = regs_get_kernel_argument(regs, 3);
	return 0;
}

/* inet_sendmsg(sock, msg, size), inet6_sendmsg(): the sock's socket. */
static int netlens_save_inet_sendmsg(struct pt_regs *regs, void *data)
{
	const struct socket *sock = (const struct socket *)regs_get_kernel_argument(regs, 0);
	const struct msghdr *msg = (const struct msghdr *)regs_get_kernel_argument(regs, 1);
	struct netlens_msg_call *call = data;

	call->sk = READ_ONCE(sock->sk);
	call->flags = msg->msg_flags;
	return !call->sk;
}

/* inet_recvmsg(sock, msg, size, flags), inet6_recvmsg() */
static int netlens_save_inet_recvmsg(struct pt_regs *regs, void *data)
{
	const struct socket *sock = (const struct socket *)regs_get_kernel_argument(regs, 0);
	struct netlens_msg_call *call = data;

	call->sk = READ_ONCE(sock->sk);
	call->flags = regs_get_kernel_argument(regs, 3);
	return !call->sk;
}

static struct netlens_hook_set tcp_events[TCP_EVENT_COUNT];

/*
 * A *_length event's return handler: the call's result (an int, the
 * register's low half) with what its entry kept, and the returns its set
 * missed so far.
 */
#define NETLENS_MSG_LENGTH_RET(event, idx)				\
static void netlens_on_##event##_ret(unsigned long ret, unsigned long ret_ip, void *data) \
{									\
	const struct netlens_msg_call *call = data;			\
									\
	trace_##event(call->sk, (int)ret, call->flags,			\
		      netlens_hooks_missed(&tcp_events[idx]));		\
}

NETLENS_MSG_LENGTH_RET(tcp_send_length, TCP_EVENT_SEND_LENGTH)
NETLENS_MSG_LENGTH_RET(tcp_recv_length, TCP_EVENT_RECV_LENGTH)
NETLENS_MSG_LENGTH_RET(inet_send_length, INET_EVENT_SEND_LENGTH)
NETLENS_MSG_LENGTH_RET(inet_recv_length, INET_EVENT_RECV_LENGTH)

static const struct netlens_hook syn_recv_hooks[] = {
	{ "tcp_v4_syn_recv_sock", .entry = netlens_on_syn_recv_sock, .instead_of = -1 },
	/* A kernel without IPv6 has none. */
	{ "tcp_v6_syn_recv_sock", .entry = netlens_on_syn_recv_sock6,
	  .flags = NETLENS_HOOK_OPTIONAL, .instead_of = -1 },
};

static const struct netlens_hook loss_probe_hooks[] = {
	{ "tcp_send_loss_probe", .entry = netlens_on_send_loss_probe, .instead_of = -1 },
};

static const struct netlens_hook data_ready_hooks[] = {
	{ "sock_def_readable", .entry = netlens_on_sock_def_readable, .instead_of = -1 },
};

static const struct netlens_hook write_xmit_hooks[] = {
	{ "tcp_write_xmit", .exit = netlens_on_write_xmit_ret,
	  .save = netlens_save_write_xmit, .instead_of = -1 },
};

/*
 * Senders wait for send buffer, receivers for data, inside these calls:
 * each sleeper holds a kretprobe instance (about 100 bytes, while armed).
 */
static unsigned int max_sleepers = 4096;

/* At load and on each write: a value out of range is refused, kept as was. */
static int netlens_set_max_sleepers(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (!err && (n < 1 || n > NETLENS_HOOK_MAXACTIVE))
		err = -EINVAL;
	if (err) {
		pr_warn("max_sleepers=%.*s: must be 1 to %u\n", (int)strcspn(val, "\n"), val,
			NETLENS_HOOK_MAXACTIVE);
		return err;
	}
	return param_set_uint(val, kp);
}

static const struct kernel_param_ops max_sleepers_ops = {
	.set = netlens_set_max_sleepers,
	.get = param_get_uint,
};

module_param_cb(max_sleepers, &max_sleepers_ops, &max_sleepers, 0644);
MODULE_PARM_DESC(max_sleepers,
		 "Callers asleep in send and receive calls followed at once by the tcp_ and inet_{send,recv}_length hooks, from their next arming (1-65536, default 4096); more are reported as missed");

static const struct netlens_hook send_length_hooks[] = {
	{ "tcp_sendmsg", .exit = netlens_on_tcp_send_length_ret, .save = netlens_save_sendmsg,
	  .maxactive = &max_sleepers, .instead_of = -1 },
	/* Gone in 6.5: sendfile and splice come through tcp_sendmsg. */
	{ "tcp_sendpage", .exit = netlens_on_tcp_send_length_ret, .save = netlens_save_sendpage,
	  .maxactive = &max_sleepers, .flags = NETLENS_HOOK_OPTIONAL, .instead_of = -1 },
};

static const struct netlens_hook recv_length_hooks[] = {
	{ "tcp_recvmsg", .exit = netlens_on_tcp_recv_length_ret, .save = netlens_save_recvmsg,
	  .maxactive = &max_sleepers, .instead_of = -1 },
};

/* A kernel without IPv6 has no inet6_*. */
static const struct netlens_hook inet_send_length_hooks[] = {
	{ "inet_sendmsg", .exit = netlens_on_inet_send_length_ret, .save = netlens_save_inet_sendmsg,
	  .maxactive = &max_sleepers, .instead_of = -1 },
	{ "inet6_sendmsg", .exit = netlens_on_inet_send_length_ret, .save = netlens_save_inet_sendmsg,
	  .maxactive = &max_sleepers, .flags = NETLENS_HOOK_OPTIONAL, .instead_of = -1 },
};

static const struct netlens_hook inet_recv_length_hooks[] = {
	{ "inet_recvmsg", .exit = netlens_on_inet_recv_length_ret, .save = netlens_save_inet_recvmsg,
	  .maxactive = &max_sleepers, .instead_of = -1 },
	{ "inet6_recvmsg", .exit = netlens_on_inet_recv_length_ret, .save = netlens_save_inet_recvmsg,
	  .maxactive = &max_sleepers, .flags = NETLENS_HOOK_OPTIONAL, .instead_of = -1 },
};

static_assert(sizeof(struct netlens_write_xmit_call) <= NETLENS_HOOK_DATA);

static struct netlens_hook_set tcp_events[TCP_EVENT_COUNT] = {
	[TCP_EVENT_SYN_RECV] = { .name = "tcp_syn_recv", .hooks = syn_recv_hooks,
				 .nr_hooks = ARRAY_SIZE(syn_recv_hooks) },
	[TCP_EVENT_LOSS_PROBE] = { .name = "tcp_loss_probe", .hooks = loss_probe_hooks,
				   .nr_hooks = ARRAY_SIZE(loss_probe_hooks) },
	[TCP_EVENT_WRITE_XMIT] = { .name = "tcp_write_xmit", .hooks = write_xmit_hooks,
				   .nr_hooks = ARRAY_SIZE(write_xmit_hooks) },
	[TCP_EVENT_SEND_LENGTH] = { .name = "tcp_send_length", .hooks = send_length_hooks,
				    .nr_hooks = ARRAY_SIZE(send_length_hooks) },
	[TCP_EVENT_RECV_LENGTH] = { .name = "tcp_recv_length", .hooks = recv_length_hooks,
				    .nr_hooks = ARRAY_SIZE(recv_length_hooks) },
	[INET_EVENT_SEND_LENGTH] = { .name = "inet_send_length", .hooks = inet_send_length_hooks,
				     .nr_hooks = ARRAY_SIZE(inet_send_length_hooks) },
	[INET_EVENT_RECV_LENGTH] = { .name = "inet_recv_length", .hooks = inet_recv_length_hooks,
				     .nr_hooks = ARRAY_SIZE(inet_recv_length_hooks) },
	[SOCK_EVENT_DATA_READY] = { .name = "sock_data_ready", .hooks = data_ready_hooks,
				    .nr_hooks = ARRAY_SIZE(data_ready_hooks) },
};

/* Each tracepoint's regfunc and unregfunc (under tracepoints_mutex). */
#define NETLENS_TCP_EVENT_REG(event, idx)				\
int netlens_##event##_reg(void)						\
{									\
	return netlens_hooks_get(&tcp_events[idx]);			\
}									\
									\
void netlens_##event##_unreg(void)					\
{									\
	netlens_hooks_put(&tcp_events[idx]);				\
}

NETLENS_TCP_EVENT_REG(tcp_syn_recv, TCP_EVENT_SYN_RECV)
NETLENS_TCP_EVENT_REG(tcp_loss_probe, TCP_EVENT_LOSS_PROBE)
NETLENS_TCP_EVENT_REG(tcp_write_xmit, TCP_EVENT_WRITE_XMIT)
NETLENS_TCP_EVENT_REG(tcp_send_length, TCP_EVENT_SEND_LENGTH)
NETLENS_TCP_EVENT_REG(tcp_recv_length, TCP_EVENT_RECV_LENGTH)
NETLENS_TCP_EVENT_REG(inet_send_length, INET_EVENT_SEND_LENGTH)
NETLENS_TCP_EVENT_REG(inet_recv_length, INET_EVENT_RECV_LENGTH)
NETLENS_TCP_EVENT_REG(sock_data_ready, SOCK_EVENT_DATA_READY)

void netlens_tcp_init(void)
{
	unsigned int i;

	for (i = 0; i < TCP_EVENT_COUNT; i++)
		netlens_hooks_init(&tcp_events[i]);
}

void netlens_tcp_exit(void)
{
	unsigned int i;

	/* As the skb hooks: a later unreg from the trace core is ignored. */
	for (i = 0; i < TCP_EVENT_COUNT; i++)
		netlens_hooks_stop(&tcp_events[i]);
}
