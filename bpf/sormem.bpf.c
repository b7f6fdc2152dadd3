// SPDX-License-Identifier: GPL-2.0
/*
 * sormem: socket receive buffer usage and overflows (BPF Performance
 * Tools 10.3.x, sormem.bt).
 *
 * Usage: sk_rmem_alloc and sk_rcvbuf as log2 histograms at each enqueue,
 * when the socket is woken: sock:sk_data_ready (6.6+) through tp_btf,
 * else netlens.ko's netlens:sock_data_ready (an entry hook on
 * sock_def_readable, armed only while traced), else fentry, then kprobe,
 * on sock_def_readable, which is what sk_data_ready is for TCP, UDP and
 * raw sockets.  The book samples them
 * at sock_recvmsg: a socket nobody reads, the one that overflows, is
 * never seen there.
 *
 * Overflows: skb:kfree_skb with the drop reasons SOCKET_RCVBUFF (UDP's
 * RcvbufErrors, raw and ping sockets' full queue) and PROTO_MEM (UDP's
 * MemErrors, TCP's TCPRcvQDrop and TCPOFODrop), their values from the
 * running kernel's BTF; the socket is the tracepoint's rx_sk (6.11+).
 * Before that the drop carries no socket: IPv4 UDP's come from
 * udp:udp_fail_queue_rcv_skb, which has it, and the rest by protocol and
 * local port from the packet's headers.  Plus the book's two
 * tracepoints, sock:sock_rcvqueue_full and sock:sock_exceed_buf_limit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sock_common.h"
#include "log2.bpf.h"
#include "count.bpf.h"
#include "sormem.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_UDPLITE	136
#define ENOMEM		12
#define ENOBUFS		105
#define SK_MEM_RECV	1
#define TCP_LISTEN	10

/* Values of the running kernel's enum skb_drop_reason; 0: not counted. */
const volatile __u32 reason_rcvbuff = 0;
const volatile __u32 reason_proto_mem = 0;
/* kfree_skb has no rx_sk: IPv4 UDP's drops count at udp_fail_queue_rcv_skb. */
const volatile bool udp4_by_fail_tp = false;

/* -p: the inodes of the process's sockets (userspace fills it, sock_created() adds). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} pid_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SORMEM_SLOTS);
	__type(key, struct sormem_hkey);
	__type(value, __u64);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sormem_okey);
	__type(value, __u64);
} overflows SEC(".maps");

/* The socket's inode (sock_i_ino()); 0 for a socket without a file. */
static __always_inline __u64 socket_ino(const struct socket *sock)
{
	const struct socket_alloc *sa;

	if (!sock)
		return 0;
	sa = (const void *)sock - bpf_core_field_offset(struct socket_alloc, socket);
	return BPF_CORE_READ(sa, vfs_inode.i_ino);
}

/* An IPv4 or IPv6 socket that the filters select; its inode into @ino. */
static __always_inline bool sk_selected(const struct sock *sk, __u16 family, __u64 *ino)
{
	if (family != AF_INET && family != AF_INET6)
		return false;
	if (family_filtered(family))
		return false;
	if (targ_netns && BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) != targ_netns)
		return false;
	*ino = socket_ino(BPF_CORE_READ(sk, sk_socket));
	/* Events run in softirq: the socket's owner is the process, not current. */
	if (targ_tgid && (!*ino || !bpf_map_lookup_elem(&pid_socks, ino)))
		return false;
	return true;
}

static __always_inline void hist_add(__u32 hist, __u64 v)
{
	struct sormem_hkey key = { .hist = hist, .slot = log2_slot(v) };

	if (key.slot >= SORMEM_SLOTS)
		key.slot = SORMEM_SLOTS - 1;
	map_count(&hists, &key);
}

/* A socket was woken for data: its queue usage and limit now. */
static __always_inline int enqueued(const struct sock *sk)
{
	__u16 family;
	__u64 ino;
	int rmem;

	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	/* A listener's wakeup is a connection, not data. */
	if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_LISTEN || !sk_selected(sk, family, &ino))
		return 0;
	rmem = BPF_CORE_READ(sk, sk_backlog.rmem_alloc.counter);
	hist_add(SORMEM_RMEM_ALLOC, rmem < 0 ? 0 : rmem);
	hist_add(SORMEM_RMEM_LIMIT, (__u32)BPF_CORE_READ(sk, sk_rcvbuf));
	return 0;
}

static __always_inline void count_sock(const struct sock *sk, __u32 kind)
{
	struct sormem_okey key = { .kind = kind };

	key.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (!sk_selected(sk, key.family, &key.ino))
		return;
	key.protocol = BPF_CORE_READ(sk, sk_protocol);
	/* A raw socket's skc_num is its protocol, not a port. */
	if (BPF_CORE_READ(sk, sk_type) != SOCK_RAW)
		key.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	map_count(&overflows, &key);
}

/* A drop without its socket: family, protocol and local port from the headers. */
static __always_inline void count_skb(const struct sk_buff *skb, __u32 kind)
{
	struct sormem_okey key = { .kind = kind };
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	unsigned char *head = BPF_CORE_READ(skb, head);
	struct net_device *dev;
	__u8 proto = 0;
	__be16 port = 0;

	/* The socket's owner is not known: -p cannot select it. */
	if (targ_tgid)
		return;
	switch (bpf_ntohs(BPF_CORE_READ(skb, protocol))) {
	case ETH_P_IP:
		key.family = AF_INET;
		bpf_probe_read_kernel(&proto, 1, head + nh + 9);
		break;
	case ETH_P_IPV6:
		key.family = AF_INET6;
		bpf_probe_read_kernel(&proto, 1, head + nh + 6);
		break;
	default:
		return;
	}
	if (key.family == AF_INET && udp4_by_fail_tp &&
	    (proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE))
		return;
	if (family_filtered(key.family))
		return;
	dev = BPF_CORE_READ(skb, dev);
	if (targ_netns && (!dev || BPF_CORE_READ(dev, nd_net.net, ns.inum) != targ_netns))
		return;
	key.protocol = proto;
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE) &&
	    th != (__u16)~0U && !bpf_probe_read_kernel(&port, sizeof(port), head + th + 2))
		key.lport = bpf_ntohs(port);
	map_count(&overflows, &key);
}

static __always_inline int dropped(const struct sk_buff *skb, __u32 reason,
				   const struct sock *sk)
{
	__u32 kind;

	if (reason_rcvbuff && reason == reason_rcvbuff)
		kind = SORMEM_RCVBUF_DROP;
	else if (reason_proto_mem && reason == reason_proto_mem)
		kind = SORMEM_MEM_DROP;
	else
		return 0;
	if (sk)
		count_sock(sk, kind);
	else if (skb)
		count_skb(skb, kind);
	return 0;
}

SEC("tp_btf/sk_data_ready")
int BPF_PROG(sk_data_ready, const struct sock *sk)
{
	return enqueued(sk);
}

SEC("tp_btf/sock_data_ready")
int BPF_PROG(netlens_sock_data_ready, const struct sock *sk)
{
	return enqueued(sk);
}

SEC("fentry/sock_def_readable")
int BPF_PROG(fentry_sock_def_readable, const struct sock *sk)
{
	return enqueued(sk);
}

SEC("kprobe/sock_def_readable")
int BPF_KPROBE(kprobe_sock_def_readable, const struct sock *sk)
{
	return enqueued(sk);
}

/* 6.11+: the receiving socket is an argument. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_sk, struct sk_buff *skb, void *location, int reason, struct sock *rx_sk)
{
	return dropped(skb, reason, rx_sk);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb, struct sk_buff *skb, void *location, int reason)
{
	return dropped(skb, reason, NULL);
}

/* Before 6.11, IPv4 UDP's socket; charged as __udp_queue_rcv_skb() charges it. */
SEC("tp_btf/udp_fail_queue_rcv_skb")
int BPF_PROG(udp_fail_queue_rcv_skb, int rc, struct sock *sk)
{
	if (!sk)
		return 0;
	if (rc == -ENOMEM)
		count_sock(sk, SORMEM_RCVBUF_DROP);
	else if (rc == -ENOBUFS)
		count_sock(sk, SORMEM_MEM_DROP);
	return 0;
}

SEC("tp_btf/sock_rcvqueue_full")
int BPF_PROG(sock_rcvqueue_full, struct sock *sk, struct sk_buff *skb)
{
	if (sk)
		count_sock(sk, SORMEM_RCVQUEUE_FULL);
	return 0;
}

SEC("tp_btf/sock_exceed_buf_limit")
int BPF_PROG(sock_exceed_buf_limit, struct sock *sk, struct proto *prot, long allocated, int kind)
{
	if (sk && kind == SK_MEM_RECV)
		count_sock(sk, SORMEM_EXCEED_LIMIT);
	return 0;
}

/* -p: the sockets the process opens while traced. */
static __always_inline int sock_created(long fd)
{
	__u64 ino;
	__u8 one = 1;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != targ_tgid || fd < 0)
		return 0;
	ino = socket_ino(fd_socket(fd));
	if (ino)
		bpf_map_update_elem(&pid_socks, &ino, &one, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_socket")
int sys_exit_socket(struct syscall_exit_ctx *ctx)
{
	return sock_created(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int sys_exit_accept(struct syscall_exit_ctx *ctx)
{
	return sock_created(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int sys_exit_accept4(struct syscall_exit_ctx *ctx)
{
	return sock_created(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";
