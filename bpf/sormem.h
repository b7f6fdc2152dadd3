/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by sormem.bpf.c and sormem.c. */
#ifndef NETLENS_SORMEM_H
#define NETLENS_SORMEM_H

#define SORMEM_SLOTS	64	/* log2 slots of bytes */

enum sormem_hist {
	SORMEM_RMEM_ALLOC,	/* sk_rmem_alloc after an enqueue */
	SORMEM_RMEM_LIMIT,	/* sk_rcvbuf then */
	SORMEM_HISTS,
};

struct sormem_hkey {
	__u32 hist;		/* enum sormem_hist */
	__u32 slot;
};

enum sormem_kind {
	SORMEM_RCVBUF_DROP,	/* skb dropped: SKB_DROP_REASON_SOCKET_RCVBUFF */
	SORMEM_MEM_DROP,	/* skb dropped: SKB_DROP_REASON_PROTO_MEM */
	SORMEM_RCVQUEUE_FULL,	/* sock:sock_rcvqueue_full */
	SORMEM_EXCEED_LIMIT,	/* sock:sock_exceed_buf_limit, receive side */
	SORMEM_KINDS,
};

/* One socket's (or, socket unknown, one local port's) count of one kind. */
struct sormem_okey {
	__u64 ino;		/* the socket's inode; 0: not known */
	__u32 kind;		/* enum sormem_kind */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 protocol;		/* IPPROTO_* */
	__u16 lport;		/* local port, host order; 0: none */
	__u16 pad[3];
};

#endif
