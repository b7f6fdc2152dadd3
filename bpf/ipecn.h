/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by ipecn.bpf.c and ipecn.c. */
#ifndef NETLENS_IPECN_H
#define NETLENS_IPECN_H

enum ipecn_dir {
	IPECN_IN,		/* received: net:netif_receive_skb */
	IPECN_OUT,		/* transmitted: net:net_dev_start_xmit, after the qdisc */
};

/* A packet marked Congestion Experienced. */
struct ipecn_event {
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	__u32 dir;		/* enum ipecn_dir */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u8 protocol;		/* IPv4 protocol, IPv6 next header */
	__u8 pad;
	__u32 len;		/* skb->len */
	char dev[16];		/* the device it was received on or sent by */
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
};

#endif
