// SPDX-License-Identifier: GPL-2.0
/*
 * qdisclat: qdisc queueing latency, enqueue to dequeue, as log2
 * histograms per device and qdisc kind (BPF Performance Tools 10.3.x,
 * qdisc-fq.bt, qdisc-fq_codel.bt, qdisc-codel.bt, qdisc-red.bt,
 * qdisc-tbf.bt, qdisc-cbs.bt and qdisc-cbq.bt, which kprobe
 * KIND_enqueue and kretprobe KIND_dequeue of one kind each).
 *
 * From the stable tracepoints qdisc:qdisc_enqueue and qdisc:qdisc_dequeue
 * (tp_btf, for the Qdisc and the skb).  Both fire in the core, not in a
 * qdisc, for the qdisc that __dev_xmit_skb() hands the packet to: the one
 * attached to the device's transmit queue (txq->qdisc), i.e. the root
 * qdisc, or the per-queue child of mq/mqprio.  Qdiscs below those (tbf's
 * child, htb's leaves) are not seen: their time is inside their root's.
 * Packets that take the bypass (TCQ_F_CAN_BYPASS: an empty pfifo_fast,
 * pfifo, bfifo, fq_codel, codel or sfq without tc filters hands the packet
 * straight to the driver) fire neither event: they never waited, and are
 * not counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "dev_filter.bpf.h"
#include "count.bpf.h"
#include "log2.bpf.h"
#include "qdisclat.h"

/* Set before load: "" traces every kind; true: milliseconds. */
const volatile char targ_kind[16] = "";
const volatile bool targ_ms = false;

/*
 * Enqueue times by skb address.  LRU: entries of skbs that leave a qdisc
 * without a dequeue event nor a kfree_skb (see below) age out instead of
 * filling the table; 64Ki is far above the packets all qdiscs of a host
 * hold at once (fq_codel's default limit is 10240 per queue).  One such
 * case: a lockless qdisc (TCQ_F_NOLOCK, pfifo_fast) traces the enqueue
 * after q->enqueue() without a lock, so another CPU may dequeue the skb
 * first; that packet is not counted and its entry waits for the LRU or
 * the next enqueue of that address.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct qdisclat_key);
	__type(value, __u64);
} hists SEC(".maps");

/* The device and kind of @q: qdisc_dev(q)->name and q->ops->id. */
static __always_inline void qdisc_names(struct Qdisc *q, char dev[16], char kind[16])
{
	const struct Qdisc_ops *ops = BPF_CORE_READ(q, ops);
	struct net_device *nd = BPF_CORE_READ(q, dev_queue, dev);

	bpf_core_read_str(kind, 16, &ops->id);
	bpf_core_read_str(dev, 16, &nd->name);
}

static __always_inline bool kind_selected(const char kind[16])
{
	return !targ_kind[0] || name16_is(kind, targ_kind);
}

/*
 * The core traces an enqueue only when the qdisc said NET_XMIT_SUCCESS
 * (dev_qdisc_enqueue()): an skb queued with NET_XMIT_CN (the qdisc
 * dropped others to make room) gets no start time and is not counted.
 */
static __always_inline int on_enqueue(struct Qdisc *q, struct sk_buff *skb)
{
	__u64 ts = bpf_ktime_get_ns(), addr = (__u64)skb;

	if (!skb)
		return 0;
	if (targ_dev[0] || targ_kind[0]) {
		char dev[16] = {}, kind[16] = {};

		qdisc_names(q, dev, kind);
		if (!dev_selected(dev) || !kind_selected(kind))
			return 0;
	}
	bpf_map_update_elem(&start, &addr, &ts, BPF_ANY);
	return 0;
}

/* What walking one dequeue event's skb list carries. */
struct walk {
	struct sk_buff *skb;	/* the next skb of the list */
	struct Qdisc *q;
	__u64 now;
	bool named;		/* key.dev and key.kind read */
	struct qdisclat_key key;
};

static __always_inline void record(struct walk *w, __u64 delta_ns)
{
	__u64 v = delta_ns / (targ_ms ? 1000000 : 1000);

	if (!w->named) {
		qdisc_names(w->q, w->key.dev, w->key.kind);
		w->named = true;
	}
	w->key.slot = log2_slot(v);
	if (w->key.slot >= QDISCLAT_SLOTS)
		w->key.slot = QDISCLAT_SLOTS - 1;
	map_count(&hists, &w->key);
}

/* One skb of the list: its latency if it has a start time; then the next. */
static long walk_one(__u32 i, void *ctx)
{
	struct walk *w = ctx;
	struct sk_buff *skb = w->skb;
	__u64 addr = (__u64)skb, *tsp;

	if (!addr)
		return 1;
	tsp = bpf_map_lookup_elem(&start, &addr);
	if (tsp) {
		__u64 ts = *tsp;

		/* Deleted first: an skb requeued and dequeued again counts once. */
		bpf_map_delete_elem(&start, &addr);
		if (w->now >= ts)
			record(w, w->now - ts);
	}
	w->skb = BPF_CORE_READ(skb, next);
	return 0;
}

/* A bulk dequeue's list is at most the tx budget (dev_tx_weight, 64 by default). */
#define MAX_BULK	8192

/*
 * dequeue_skb() fires once per dequeue with the first skb and the number
 * of packets: a bulk dequeue (try_bulk_dequeue_skb*()) links them through
 * skb->next.  skb is NULL when nothing came out.  An skb requeued by the
 * driver (q->gso_skb) fires again when taken from there: its start time
 * is gone by then, so it is counted once, at its first dequeue.
 */
static __always_inline int on_dequeue(struct Qdisc *q, int packets, struct sk_buff *skb)
{
	struct walk w = {};

	if (!skb || packets <= 0)
		return 0;
	w.skb = skb;
	w.q = q;
	w.now = bpf_ktime_get_ns();
	bpf_loop(packets < MAX_BULK ? packets : MAX_BULK, walk_one, &w, 0);
	return 0;
}

SEC("tp_btf/qdisc_enqueue")
int BPF_PROG(qdisc_enqueue, struct Qdisc *q, const struct netdev_queue *txq, struct sk_buff *skb)
{
	return on_enqueue(q, skb);
}

SEC("tp_btf/qdisc_dequeue")
int BPF_PROG(qdisc_dequeue, struct Qdisc *q, const struct netdev_queue *txq, int packets,
	     struct sk_buff *skb)
{
	return on_dequeue(q, packets, skb);
}

/*
 * Packets a qdisc drops after queueing them (codel and fq_codel at
 * dequeue, red, fq's flow limits, a reset or a replaced qdisc) are freed
 * with kfree_skb(): forget their start time, else a later skb at the same
 * address that was never enqueued (bypassed, then requeued) would get it.
 * Only the first argument is read: it is the skb on 6.1 through 6.18.
 */
SEC("tp_btf/kfree_skb")
int BPF_PROG(qdisc_kfree_skb, struct sk_buff *skb)
{
	__u64 addr = (__u64)skb;

	bpf_map_delete_elem(&start, &addr);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
