/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by netsize.bpf.c and netsize.c. */
#ifndef NETLENS_NETSIZE_H
#define NETLENS_NETSIZE_H

#define NETSIZE_SLOTS	32	/* log2 slots of bytes: up to 2 GiB */

/* Where a size was seen (the book's maps first). */
enum netsize_kind {
	NETSIZE_RECV,		/* net:netif_receive_skb: the stack's skb, GRO-merged */
	NETSIZE_SEND,		/* net:net_dev_queue: the stack's skb, before GSO */
	NETSIZE_NIC_RECV,	/* what the driver handed over, before GRO */
	NETSIZE_NIC_SEND,	/* net:net_dev_start_xmit: what the driver was handed */
	NETSIZE_RECV_SEGMENT,	/* received wire segments: a GRO skb's, apart */
	NETSIZE_SEND_SEGMENT,	/* transmitted wire segments: a TSO skb's, apart */
	NETSIZE_KINDS,
};

/* One histogram slot of one device and kind. */
struct netsize_key {
	char dev[16];		/* IFNAMSIZ */
	__u32 kind;		/* enum netsize_kind */
	__u32 slot;		/* log2 slot of the bytes */
};

#endif
