/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the device-level tools read of an sk_buff through tp_btf: its
 * device's name, its GSO/GRO state and the sizes of the segments it
 * stands for on the wire.  Include after vmlinux.h and bpf_core_read.h.
 */
#ifndef NETLENS_SKB_DEV_BPF_H
#define NETLENS_SKB_DEV_BPF_H

#include "dev_filter.bpf.h"

/* include/linux/skbuff.h's gso_type bits, unchanged since they came. */
#define NL_SKB_GSO_TCPV4	(1 << 0)
#define NL_SKB_GSO_TCPV6	(1 << 4)
#define NL_SKB_GSO_UDP_L4	(1 << 16)

/* The name of @skb's device into @name; false when it has none. */
static __always_inline bool skb_dev_name(const struct sk_buff *skb, char name[16])
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);

	if (!dev)
		return false;
	bpf_probe_read_kernel_str(name, 16, dev->name);
	return true;
}

static __always_inline struct skb_shared_info *skb_shinfo_of(const struct sk_buff *skb)
{
	/* skb->end is an offset from head on 64-bit kernels. */
	return (void *)(BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, end));
}

/* Headers in front of a segment's payload: from skb->data to the end of its L4 header; 0: unknown. */
static __always_inline __u32 skb_gso_header_len(const struct sk_buff *skb, __u32 gso_type)
{
	unsigned char *head = BPF_CORE_READ(skb, head), *data = BPF_CORE_READ(skb, data);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	unsigned char *l4 = head + th;
	__u8 doff = 0;
	long len;

	if (th == (__u16)~0U || l4 < data)
		return 0;
	if (gso_type & (NL_SKB_GSO_TCPV4 | NL_SKB_GSO_TCPV6)) {
		/* The data offset nibble of the TCP header's 13th byte. */
		bpf_probe_read_kernel(&doff, 1, l4 + 12);
		len = l4 - data + (doff >> 4) * 4;
	} else if (gso_type & NL_SKB_GSO_UDP_L4) {
		len = l4 - data + 8;
	} else {
		return 0;
	}
	return len > 0 && len < 512 ? len : 0;
}

/*
 * The wire segments of @skb (@len bytes from skb->data): one of @len when
 * it is not GSO/GRO; else gso_segs - 1 of headers + gso_size and the rest
 * in the last.  @add(ctx, bytes, n) is called once or twice.  Where the
 * headers cannot be known (a GSO type other than TCP or UDP), gso_segs
 * segments of the average size.
 */
#define SKB_FOR_SEGMENTS(skb, len, add, ctx) do {					\
	struct skb_shared_info *_si = skb_shinfo_of(skb);				\
	__u32 _size = BPF_CORE_READ(_si, gso_size);					\
	__u32 _segs = BPF_CORE_READ(_si, gso_segs), _hdr, _last;			\
											\
	if (!_size || _segs <= 1) {							\
		add(ctx, len, 1);							\
		break;									\
	}										\
	_hdr = skb_gso_header_len(skb, BPF_CORE_READ(_si, gso_type));			\
	_last = (len) - (_segs - 1) * _size;						\
	if (!_hdr || (len) < (_segs - 1) * _size || _last <= _hdr) {			\
		add(ctx, (len) / _segs, _segs);						\
		break;									\
	}										\
	add(ctx, _hdr + _size, _segs - 1);						\
	add(ctx, _last, 1);								\
} while (0)

#endif
