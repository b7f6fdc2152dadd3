/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv4 or IPv6 header of an sk_buff at the device layer, for the
 * tools on the net: tracepoints: where it starts (received: at skb->data,
 * the driver having pulled the link-layer header; transmitted: at the
 * network header the stack set) and what the tools read of it.  Include
 * after vmlinux.h and bpf_core_read.h.
 */
#ifndef NETLENS_IP_HDR_BPF_H
#define NETLENS_IP_HDR_BPF_H

#include <bpf/bpf_endian.h>

#define NL_ETH_P_IP	0x0800
#define NL_ETH_P_IPV6	0x86DD
#define NL_AF_INET	2
#define NL_AF_INET6	10

struct ip_info {
	__u16 family;		/* NL_AF_INET or NL_AF_INET6 */
	__u8 protocol;		/* IPv4 protocol, IPv6 next header */
	__u8 ecn;		/* the ECN field: 0 not-ECT, 1 ECT(1), 2 ECT(0), 3 CE */
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	const unsigned char *l4;	/* the header after the IP header (IPv6: no extension headers followed) */
};

/* Parse the IP header of @skb: @received (at skb->data) or transmitted (at its network header). */
static __always_inline bool skb_ip_info(const struct sk_buff *skb, bool received,
					struct ip_info *ip)
{
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	const unsigned char *nh;
	__u8 hdr[2];

	if (received) {
		nh = BPF_CORE_READ(skb, data);
	} else {
		__u16 off = BPF_CORE_READ(skb, network_header);

		if (off == (__u16)~0U)
			return false;
		nh = BPF_CORE_READ(skb, head) + off;
	}
	if (bpf_probe_read_kernel(hdr, sizeof(hdr), nh))
		return false;
	if (proto == NL_ETH_P_IP && (hdr[0] >> 4) == 4) {
		ip->family = NL_AF_INET;
		ip->ecn = hdr[1] & 3;
		bpf_probe_read_kernel(&ip->protocol, 1, nh + 9);
		bpf_probe_read_kernel(ip->saddr, 4, nh + 12);
		bpf_probe_read_kernel(ip->daddr, 4, nh + 16);
		ip->l4 = nh + (hdr[0] & 0x0f) * 4;
		return true;
	}
	if (proto == NL_ETH_P_IPV6 && (hdr[0] >> 4) == 6) {
		/* The traffic class straddles the first two bytes; ECN is its low 2 bits. */
		ip->family = NL_AF_INET6;
		ip->ecn = (hdr[1] >> 4) & 3;
		bpf_probe_read_kernel(&ip->protocol, 1, nh + 6);
		bpf_probe_read_kernel(ip->saddr, 16, nh + 8);
		bpf_probe_read_kernel(ip->daddr, 16, nh + 24);
		ip->l4 = nh + 40;
		return true;
	}
	return false;
}

#endif
