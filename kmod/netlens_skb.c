// SPDX-License-Identifier: GPL-2.0
/*
 * sk_buff lifetimes behind netlens:skb_alloc and netlens:skb_free.
 *
 * An sk_buff comes into use when the skbuff slab caches hand it out
 * (kmem:kmem_cache_alloc), when the per-CPU NAPI cache hands it out
 * (napi_skb_cache_get, fed by bulk allocations no per-object hook sees) or
 * when skb_clone() takes the twin of a fast-clone pair (no allocation at
 * all).  It is released by kfree_skbmem(), by napi_skb_cache_put() (or, where
 * that is inlined, by its callers), by kmem_cache_free_bulk() of skb lists,
 * or by a direct kmem_cache_free() (stolen heads).
 *
 * Several of those hooks can see the same release (kfree_skbmem() then the
 * slab free; the NAPI cache put then its bulk free): a pointer-keyed table
 * of live sk_buffs makes the first one count and the rest no-ops.  The table
 * also keeps the birth time, so skb_free hands consumers the age directly
 * and they need no per-skb state of their own (the costly part of doing
 * this in BPF).
 *
 * Nothing is hooked while the two tracepoints have no consumer.  Their
 * reg/unreg callbacks run under tracepoints_mutex, where registering the
 * kmem tracepoints would deadlock, so a work item reconciles "has
 * consumers" with "hooks armed".  The trace core may call unreg after
 * netlens_exit() (an event enabled through tracefs is disabled only at
 * MODULE_STATE_GOING), so exit first stops the work item from being
 * queued again.
 *
 * Every hook observes a decision the kernel has made, never predicts one
 * another CPU could still change: a fast-clone twin is born when
 * __copy_skb_header() fills it, not when skb_clone() is entered; an skb
 * put into the NAPI cache by napi_consume_skb() is released where its
 * state is torn down, after its last reference is known to be gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <trace/events/kmem.h>

#include "netlens.h"
#include "netlens_compat.h"
#include "netlens-events.h"

#define NETLENS_SKB_TABLE_BITS_MIN	10
#define NETLENS_SKB_TABLE_BITS_MAX	22

static unsigned int skb_table_bits = 16;
module_param(skb_table_bits, uint, 0444);
MODULE_PARM_DESC(skb_table_bits,
		 "log2 of the live sk_buff table's buckets of 4 (10-22, default 16: 6 MiB while tracing)");

#define NETLENS_SKB_WAYS	4
#define NETLENS_SITES		256	/* power of two */
#define NETLENS_SITE_PROBES	4

struct netlens_skb_entry {
	unsigned long skb;		/* 0: free slot */
	u64 birth_ns;
	pid_t pid;			/* allocating process, 0 if softirq */
	u8 path;			/* enum netlens_skb_alloc_path */
	u8 fresh;			/* from the slab, not yet constructed */
};

/*
 * Address -> what it means, classified once by symbol name: one word,
 * the address shifted over its top byte (all ones in kernel text) and the
 * value in the low byte, so that a slot is read and replaced atomically.
 */
#define NETLENS_SITE_VALUE_BITS	8

struct netlens_skb_cpu_stats {
	u64 allocs;
	u64 frees;
};

static struct {
	struct kmem_cache *head_cache;
	struct kmem_cache *fclone_cache;
	unsigned int head_size;
	unsigned int fclone_size;

	struct netlens_skb_entry *table;
	unsigned int bits;
	unsigned long sites[NETLENS_SITES];
	struct netlens_skb_cpu_stats __percpu *stats;
	atomic64_t table_full;
	atomic64_t unpaired_reuse;
	u64 arm_count;
	u32 hooks_missing;
	bool armed;
	bool tracepoints_registered;
	/* One per arming: ftrace_ops are not reusable once their filter is freed. */
	struct ftrace_ops *ftrace_ops;
	bool ftrace_registered;

	atomic_t consumers;
	struct mutex lock;		/* armed, table, hooks */
	struct work_struct work;
	spinlock_t work_lock;		/* stopping vs queueing work */
	bool stopping;			/* exit has begun: queue no work */
} nl_skb;

/* ---- the live table --------------------------------------------------------- */

static struct netlens_skb_entry *netlens_skb_bucket(const void *skb)
{
	return &nl_skb.table[hash_ptr(skb, nl_skb.bits) * NETLENS_SKB_WAYS];
}

static struct netlens_skb_entry *netlens_skb_lookup(const void *skb)
{
	struct netlens_skb_entry *bucket = netlens_skb_bucket(skb);
	int i;

	for (i = 0; i < NETLENS_SKB_WAYS; i++)
		if (READ_ONCE(bucket[i].skb) == (unsigned long)skb)
			return &bucket[i];
	return NULL;
}

/* @fresh: from the slab, __build_skb_around() will construct it next. */
static void netlens_skb_born(const void *skb, u8 path, unsigned int size,
			     unsigned long caller, bool fresh)
{
	struct netlens_skb_entry *bucket, *e;
	unsigned long key = (unsigned long)skb;
	int i;

	/* Still tracked: its release went by unseen. */
	e = netlens_skb_lookup(skb);
	if (e) {
		atomic64_inc(&nl_skb.unpaired_reuse);
		goto fill;
	}
	bucket = netlens_skb_bucket(skb);
	for (i = 0; i < NETLENS_SKB_WAYS; i++) {
		e = &bucket[i];
		if (!READ_ONCE(e->skb) && !cmpxchg(&e->skb, 0, key))
			goto fill;
	}
	/* Untracked: no skb_alloc either, so every event stays paired. */
	atomic64_inc(&nl_skb.table_full);
	return;

fill:
	e->birth_ns = ktime_get_ns();
	e->pid = in_task() ? task_tgid_nr(current) : 0;
	e->path = path;
	WRITE_ONCE(e->fresh, fresh);
	this_cpu_inc(nl_skb.stats->allocs);
	trace_skb_alloc(skb, size, path, caller);
}

/* @truesize < 0: read it from the sk_buff, still intact at every hook. */
static void netlens_skb_released(const struct sk_buff *skb, int truesize,
				 u8 free_path, unsigned long caller)
{
	struct netlens_skb_entry *e = netlens_skb_lookup(skb);
	u64 birth;
	pid_t pid;
	u8 path;

	if (!e)
		return;
	birth = e->birth_ns;
	pid = e->pid;
	path = e->path;
	/* Fields read before the slot can be claimed again. */
	smp_store_release(&e->skb, 0);
	this_cpu_inc(nl_skb.stats->frees);
	trace_skb_free(skb, ktime_get_ns() - birth,
		       truesize < 0 ? READ_ONCE(skb->truesize) : truesize,
		       pid, path, free_path, caller);
}

/* ---- which path: by the name of the function that called ----------------- */

static u8 netlens_path_of_symbol(const char *name, u8 napi)
{
	static const struct {
		const char *name;
		u8 path;
	} map[] = {
		{ "__alloc_skb", NETLENS_SKB_ALLOC_SKB },
		{ "__build_skb", NETLENS_SKB_ALLOC_BUILD },
		{ "build_skb", NETLENS_SKB_ALLOC_BUILD },
		{ "slab_build_skb", NETLENS_SKB_ALLOC_BUILD },
		{ "build_skb_around", NETLENS_SKB_ALLOC_BUILD },
		{ "__build_skb_around", NETLENS_SKB_ALLOC_BUILD },
		{ "skb_clone", NETLENS_SKB_ALLOC_CLONE },
	};
	int i;

	/* Constructed without a slab birth: out of the per-CPU NAPI cache. */
	if (napi)
		return strcmp(name, "__alloc_skb") ? NETLENS_SKB_ALLOC_NAPI_BUILD :
						     NETLENS_SKB_ALLOC_NAPI;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(name, map[i].name))
			return map[i].path;
	return NETLENS_SKB_ALLOC_OTHER;
}

static u8 netlens_fn_of_symbol(const char *name);

static u8 netlens_release_site_of_symbol(const char *name)
{
	return !strcmp(name, "napi_consume_skb");
}

enum netlens_addr_kind {
	ADDR_ALLOC_SITE,	/* a call site of kmem_cache_alloc() */
	ADDR_NAPI_SITE,		/* a call site of __build_skb_around() */
	ADDR_HOOKED_FN,		/* the entry of a hooked function */
	ADDR_RELEASE_SITE,	/* a call site of skb_release_head_state() */
};

static unsigned long netlens_site_pack(unsigned long addr, u8 value)
{
	return addr << NETLENS_SITE_VALUE_BITS | value;
}

static bool netlens_site_is(unsigned long entry, unsigned long addr)
{
	return entry >> NETLENS_SITE_VALUE_BITS ==
	       (addr & (ULONG_MAX >> NETLENS_SITE_VALUE_BITS));
}

/*
 * First sight of @addr: classify it by name and remember it in a free slot
 * of its probe window, or in place of the window's first entry: the table
 * is a cache of kallsyms answers, so it never fills up.
 */
static noinline u8 netlens_addr_learn(unsigned long addr,
				      enum netlens_addr_kind kind,
				      unsigned int start)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned long entry;
	u8 value;
	int i;

	sprint_symbol_no_offset(name, addr);
	strreplace(name, ' ', '\0');	/* "name [module]" */
	switch (kind) {
	case ADDR_HOOKED_FN:
		value = netlens_fn_of_symbol(name);
		break;
	case ADDR_RELEASE_SITE:
		value = netlens_release_site_of_symbol(name);
		break;
	default:
		value = netlens_path_of_symbol(name, kind == ADDR_NAPI_SITE);
		break;
	}

	entry = netlens_site_pack(addr, value);
	for (i = 0; i < NETLENS_SITE_PROBES; i++) {
		unsigned long *slot = &nl_skb.sites[(start + i) & (NETLENS_SITES - 1)];

		if (!READ_ONCE(*slot) && !cmpxchg(slot, 0, entry))
			return value;
	}
	WRITE_ONCE(nl_skb.sites[start], entry);
	return value;
}

/*
 * What an address means (the kinds never share an address).  Every skb
 * asks this a few times: the table is open-addressed from the address's
 * hash, so a lookup usually reads one slot, and this hot half keeps no
 * symbol buffer on its stack (automatic variable initialisation would
 * zero it on every call).
 */
static u8 netlens_addr_class(unsigned long addr, enum netlens_addr_kind kind)
{
	unsigned int start = hash_long(addr, ilog2(NETLENS_SITES));
	int i;

	for (i = 0; i < NETLENS_SITE_PROBES; i++) {
		unsigned long entry =
			READ_ONCE(nl_skb.sites[(start + i) & (NETLENS_SITES - 1)]);

		if (netlens_site_is(entry, addr))
			return entry & GENMASK(NETLENS_SITE_VALUE_BITS - 1, 0);
		if (!entry)
			break;
	}
	return netlens_addr_learn(addr, kind, start);
}

static u8 netlens_classify(unsigned long addr, bool napi)
{
	return netlens_addr_class(addr, napi ? ADDR_NAPI_SITE : ADDR_ALLOC_SITE);
}

static u8 netlens_classify_fn(unsigned long ip)
{
	return netlens_addr_class(ip, ADDR_HOOKED_FN);
}

/* ---- hooks ------------------------------------------------------------------ */

/*
 * skbuff_fclone_cache has no usercopy region, so SLUB merges it with other
 * caches of its size (sgpool-16, pool_workqueue): its objects are fast-clone
 * pairs only when __alloc_skb() allocated them.  skbuff_head_cache has one
 * and stays a cache of its own.
 */
static void netlens_kmem_alloc_probe(void *data, unsigned long call_site,
				     const void *ptr, struct kmem_cache *s,
				     gfp_t gfp_flags, int node)
{
	u8 path;

	if (likely(s != nl_skb.head_cache && s != nl_skb.fclone_cache) || !ptr)
		return;
	path = netlens_classify(call_site, false);
	if (s == nl_skb.fclone_cache) {
		if (path != NETLENS_SKB_ALLOC_SKB)
			return;
		netlens_skb_born(ptr, NETLENS_SKB_ALLOC_FCLONE,
				 nl_skb.fclone_size, call_site, true);
	} else {
		netlens_skb_born(ptr, path, nl_skb.head_size, call_site, true);
	}
}

static void netlens_kmem_free_probe(void *data, unsigned long call_site,
				    const void *ptr, const struct kmem_cache *s)
{
	if (likely(s != nl_skb.head_cache && s != nl_skb.fclone_cache) || !ptr)
		return;
	netlens_skb_released(ptr, -1, NETLENS_SKB_FREE_DIRECT, call_site);
}

/*
 * Function entry hooks share one ftrace_ops.  Unlike kprobes, which drop a
 * hit while another kprobe handler runs on the CPU (a softirq doing NAPI
 * work inside a process-context handler), ftrace lets task, softirq, irq
 * and NMI contexts nest: no hit is lost.  Only entries are hooked, so no
 * kretprobe is needed either.
 */
enum netlens_fn {
	FN_BUILD_SKB_AROUND,	/* every skb constructed around a buffer */
	FN_COPY_SKB_HEADER,	/* skb_clone() fills a fast-clone twin here */
	FN_KFREE_SKBMEM,
	FN_FREE_BULK,
	FN_NAPI_PUT,
	/* Where napi_skb_cache_put() is inlined (6.1), its callers: */
	FN_KFREE_SKB_DEFER,
	FN_STOLEN_HEAD,
	FN_RELEASE_HEAD_STATE,	/* napi_consume_skb(), once it owns the skb */
	FN_COUNT,
	FN_UNKNOWN = FN_COUNT
};

static const char *const netlens_fn_names[FN_COUNT] = {
	[FN_BUILD_SKB_AROUND] = "__build_skb_around",
	[FN_COPY_SKB_HEADER] = "__copy_skb_header",
	[FN_KFREE_SKBMEM] = "kfree_skbmem",
	[FN_FREE_BULK] = "kmem_cache_free_bulk",
	[FN_NAPI_PUT] = "napi_skb_cache_put",
	[FN_KFREE_SKB_DEFER] = "__kfree_skb_defer",
	[FN_STOLEN_HEAD] = "napi_skb_free_stolen_head",
	[FN_RELEASE_HEAD_STATE] = "skb_release_head_state",
};

static u8 netlens_fn_of_symbol(const char *name)
{
	int i;

	for (i = 0; i < FN_COUNT; i++)
		if (!strcmp(name, netlens_fn_names[i]))
			return i;
	return FN_UNKNOWN;
}

/*
 * An skb is constructed around its buffer: slab skbs were born a moment
 * ago by the kmem hook ("fresh"); one out of the per-CPU NAPI cache is
 * born here.
 */
static void netlens_on_build_skb_around(struct sk_buff *skb, unsigned long caller)
{
	struct netlens_skb_entry *e = netlens_skb_lookup(skb);

	if (e && READ_ONCE(e->fresh)) {
		WRITE_ONCE(e->fresh, 0);
		return;
	}
	netlens_skb_born(skb, netlens_classify(caller, true), nl_skb.head_size,
			 caller, false);
}

/*
 * __copy_skb_header(new, old): skb_clone() has taken a fast-clone pair's
 * twin when @new is marked as one and is not live.  (skb_morph() and the
 * segmenters copy headers into skbs already live.)  Checked after
 * skb_clone() decided, since the twin's release may race on another CPU
 * with the clone's entry.
 */
static void netlens_on_copy_skb_header(struct sk_buff *new, unsigned long caller)
{
	if (new->fclone != SKB_FCLONE_CLONE)
		return;
	/*
	 * skb_clone() saw fclone_ref drop to 1 after the release hook cleared
	 * the twin's slot: order that read before the slot's.
	 */
	smp_rmb();
	if (!netlens_skb_lookup(new))
		netlens_skb_born(new, NETLENS_SKB_ALLOC_FCLONE_CLONE,
				 nl_skb.head_size, caller, false);
}

/* kmem_cache_free_bulk(s, size, p): kfree_skb_list() frees this way. */
static void netlens_on_free_bulk(struct kmem_cache *s, size_t size, void **objs,
				 unsigned long caller)
{
	size_t i;

	if (likely(s != nl_skb.head_cache))
		return;
	for (i = 0; i < size; i++)
		if (objs[i])
			netlens_skb_released(objs[i], -1, NETLENS_SKB_FREE_BULK, caller);
}

/*
 * Where napi_skb_cache_put() is inlined, napi_consume_skb() puts an skb
 * into the NAPI cache right after tearing down its state, which it does
 * only once it dropped the last reference (another CPU may drop one
 * meanwhile) and only for skbs that are no fast clone (those it hands to
 * __kfree_skb(), which ends in kfree_skbmem()).
 */
static void netlens_on_release_head_state(struct sk_buff *skb,
					  unsigned long caller)
{
	if (skb->fclone != SKB_FCLONE_UNAVAILABLE ||
	    !netlens_addr_class(caller, ADDR_RELEASE_SITE))
		return;
	netlens_skb_released(skb, -1, NETLENS_SKB_FREE_NAPI_CACHE, caller);
}

static void notrace netlens_ftrace_entry(unsigned long ip, unsigned long parent_ip,
					 struct ftrace_ops *op,
					 struct ftrace_regs *fregs)
{
	unsigned long arg0 = netlens_ftrace_arg(fregs, 0);
	unsigned long arg1 = netlens_ftrace_arg(fregs, 1);

	switch (netlens_classify_fn(ip)) {
	case FN_BUILD_SKB_AROUND:
		netlens_on_build_skb_around((struct sk_buff *)arg0, parent_ip);
		break;
	case FN_COPY_SKB_HEADER:
		netlens_on_copy_skb_header((struct sk_buff *)arg0, parent_ip);
		break;
	case FN_KFREE_SKBMEM: {
		struct sk_buff *skb = (struct sk_buff *)arg0;

		netlens_skb_released(skb, -1, skb->fclone == SKB_FCLONE_UNAVAILABLE ?
				     NETLENS_SKB_FREE_SLAB : NETLENS_SKB_FREE_FCLONE,
				     parent_ip);
		break;
	}
	case FN_FREE_BULK:
		netlens_on_free_bulk((struct kmem_cache *)arg0, arg1,
				     (void **)netlens_ftrace_arg(fregs, 2),
				     parent_ip);
		break;
	case FN_NAPI_PUT:
	case FN_KFREE_SKB_DEFER:
	case FN_STOLEN_HEAD:
		netlens_skb_released((struct sk_buff *)arg0, -1,
				     NETLENS_SKB_FREE_NAPI_CACHE, parent_ip);
		break;
	case FN_RELEASE_HEAD_STATE:
		netlens_on_release_head_state((struct sk_buff *)arg0, parent_ip);
		break;
	default:
		break;
	}
}

static int netlens_ftrace_filter(struct ftrace_ops *ops, enum netlens_fn fn)
{
	char name[32];

	strscpy(name, netlens_fn_names[fn], sizeof(name));
	return ftrace_set_filter(ops, name, strlen(name), 0);
}

/* ---- arming ------------------------------------------------------------------ */

static void netlens_skb_disarm(void)
{
	if (nl_skb.ftrace_registered) {
		unregister_ftrace_function(nl_skb.ftrace_ops);
		nl_skb.ftrace_registered = false;
	}
	if (nl_skb.ftrace_ops) {
		ftrace_free_filter(nl_skb.ftrace_ops);
		kfree(nl_skb.ftrace_ops);
		nl_skb.ftrace_ops = NULL;
	}
	if (nl_skb.tracepoints_registered) {
		unregister_trace_kmem_cache_free(netlens_kmem_free_probe, NULL);
		unregister_trace_kmem_cache_alloc(netlens_kmem_alloc_probe, NULL);
		nl_skb.tracepoints_registered = false;
	}
	/* No probe may still be running when the table goes. */
	tracepoint_synchronize_unregister();
	kvfree(nl_skb.table);
	nl_skb.table = NULL;
	nl_skb.armed = false;
}

static int netlens_skb_arm(void)
{
	unsigned int hooked = 0;
	bool napi_put;
	int err, fn;

	nl_skb.bits = skb_table_bits;
	nl_skb.table = kvcalloc(NETLENS_SKB_WAYS << nl_skb.bits,
				sizeof(struct netlens_skb_entry), GFP_KERNEL);
	if (!nl_skb.table)
		return -ENOMEM;
	memset(nl_skb.sites, 0, sizeof(nl_skb.sites));
	nl_skb.hooks_missing = 0;
	nl_skb.ftrace_ops = kzalloc(sizeof(*nl_skb.ftrace_ops), GFP_KERNEL);
	if (!nl_skb.ftrace_ops) {
		err = -ENOMEM;
		goto err_disarm;
	}
	nl_skb.ftrace_ops->func = netlens_ftrace_entry;

	/* The callers stand in for napi_skb_cache_put() only where it is inlined. */
	napi_put = !netlens_ftrace_filter(nl_skb.ftrace_ops, FN_NAPI_PUT);
	hooked += napi_put;
	for (fn = 0; fn < FN_COUNT; fn++) {
		if (fn == FN_NAPI_PUT || (fn > FN_NAPI_PUT && napi_put))
			continue;
		err = netlens_ftrace_filter(nl_skb.ftrace_ops, fn);
		if (err) {
			nl_skb.hooks_missing |= BIT(fn);
			pr_warn("cannot hook %s (%d): sk_buffs through it are not seen\n",
				netlens_fn_names[fn], err);
		} else {
			hooked++;
		}
	}
	/* An ftrace_ops with an empty filter would trace every function. */
	if (!hooked) {
		err = -ENOENT;
		goto err_disarm;
	}

	err = register_trace_kmem_cache_alloc(netlens_kmem_alloc_probe, NULL);
	if (err)
		goto err_disarm;
	err = register_trace_kmem_cache_free(netlens_kmem_free_probe, NULL);
	if (err) {
		unregister_trace_kmem_cache_alloc(netlens_kmem_alloc_probe, NULL);
		goto err_disarm;
	}
	nl_skb.tracepoints_registered = true;

	err = register_ftrace_function(nl_skb.ftrace_ops);
	if (err)
		goto err_disarm;
	nl_skb.ftrace_registered = true;

	nl_skb.armed = true;
	nl_skb.arm_count++;
	return 0;

err_disarm:
	pr_warn("cannot arm the skb hooks: %d\n", err);
	netlens_skb_disarm();
	return err;
}

static void netlens_skb_reconcile(struct work_struct *work)
{
	bool want;

	mutex_lock(&nl_skb.lock);
	want = atomic_read(&nl_skb.consumers) > 0;
	if (want && !nl_skb.armed)
		netlens_skb_arm();
	else if (!want && nl_skb.armed)
		netlens_skb_disarm();
	mutex_unlock(&nl_skb.lock);
}

/* Once exit has begun the work item may be about to be freed: leave it. */
static void netlens_skb_queue_reconcile(void)
{
	spin_lock(&nl_skb.work_lock);
	if (!nl_skb.stopping)
		schedule_work(&nl_skb.work);
	spin_unlock(&nl_skb.work_lock);
}

int netlens_skb_tp_reg(void)
{
	if (!nl_skb.head_cache)
		return -EOPNOTSUPP;
	atomic_inc(&nl_skb.consumers);
	netlens_skb_queue_reconcile();
	return 0;
}

void netlens_skb_tp_unreg(void)
{
	atomic_dec(&nl_skb.consumers);
	netlens_skb_queue_reconcile();
}

void netlens_skb_stats(struct netlens_skb_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		struct netlens_skb_cpu_stats *c = per_cpu_ptr(nl_skb.stats, cpu);

		st->allocs += READ_ONCE(c->allocs);
		st->frees += READ_ONCE(c->frees);
	}
	st->live = st->allocs > st->frees ? st->allocs - st->frees : 0;
	st->table_full = atomic64_read(&nl_skb.table_full);
	st->unpaired_reuse = atomic64_read(&nl_skb.unpaired_reuse);
	mutex_lock(&nl_skb.lock);
	st->armed = nl_skb.armed;
	st->hooks_missing = nl_skb.hooks_missing;
	st->arm_count = nl_skb.arm_count;
	mutex_unlock(&nl_skb.lock);
}

/* ---- which caches hold sk_buffs: watch our own allocations once ------------ */

struct netlens_learn {
	struct task_struct *task;
	unsigned int n;
	struct {
		const void *ptr;
		struct kmem_cache *s;
	} seen[16];
};

static void netlens_learn_probe(void *data, unsigned long call_site,
				const void *ptr, struct kmem_cache *s,
				gfp_t gfp_flags, int node)
{
	struct netlens_learn *l = data;

	if (current != l->task || l->n >= ARRAY_SIZE(l->seen))
		return;
	l->seen[l->n].ptr = ptr;
	l->seen[l->n].s = s;
	l->n++;
}

static struct kmem_cache *netlens_learn_cache(struct netlens_learn *l,
					      const void *ptr)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->seen[i].ptr == ptr)
			return l->seen[i].s;
	return NULL;
}

/* The cache variables are not exported on every kernel; their objects are. */
static int netlens_skb_learn_caches(void)
{
	struct netlens_learn learn = { .task = current };
	struct sk_buff *skb, *fskb;
	int err;

	err = register_trace_kmem_cache_alloc(netlens_learn_probe, &learn);
	if (err)
		return err;
	skb = alloc_skb(0, GFP_KERNEL);
	fskb = alloc_skb_fclone(0, GFP_KERNEL);
	unregister_trace_kmem_cache_alloc(netlens_learn_probe, &learn);
	tracepoint_synchronize_unregister();

	nl_skb.head_cache = netlens_learn_cache(&learn, skb);
	nl_skb.fclone_cache = netlens_learn_cache(&learn, fskb);
	kfree_skb(skb);
	kfree_skb(fskb);
	if (!nl_skb.head_cache || !nl_skb.fclone_cache ||
	    nl_skb.head_cache == nl_skb.fclone_cache) {
		nl_skb.head_cache = NULL;
		nl_skb.fclone_cache = NULL;
		return -ENOENT;
	}
	nl_skb.head_size = kmem_cache_size(nl_skb.head_cache);
	nl_skb.fclone_size = kmem_cache_size(nl_skb.fclone_cache);
	return 0;
}

int netlens_skb_init(void)
{
	int err;

	if (skb_table_bits < NETLENS_SKB_TABLE_BITS_MIN ||
	    skb_table_bits > NETLENS_SKB_TABLE_BITS_MAX) {
		pr_warn("skb_table_bits=%u: must be from %d to %d\n", skb_table_bits,
			NETLENS_SKB_TABLE_BITS_MIN, NETLENS_SKB_TABLE_BITS_MAX);
		return -EINVAL;
	}
	mutex_init(&nl_skb.lock);
	spin_lock_init(&nl_skb.work_lock);
	INIT_WORK(&nl_skb.work, netlens_skb_reconcile);
	atomic64_set(&nl_skb.table_full, 0);
	atomic64_set(&nl_skb.unpaired_reuse, 0);
	nl_skb.stats = alloc_percpu(struct netlens_skb_cpu_stats);
	if (!nl_skb.stats)
		return -ENOMEM;

	err = netlens_skb_learn_caches();
	if (err)
		/* Not fatal: the rest of netlens works, skb tracing says why not. */
		pr_warn("cannot identify the skbuff caches (%d): skb_alloc/skb_free unavailable\n",
			err);
	return 0;
}

void netlens_skb_exit(void)
{
	spin_lock(&nl_skb.work_lock);
	nl_skb.stopping = true;
	spin_unlock(&nl_skb.work_lock);
	cancel_work_sync(&nl_skb.work);
	mutex_lock(&nl_skb.lock);
	if (nl_skb.armed)
		netlens_skb_disarm();
	mutex_unlock(&nl_skb.lock);
	free_percpu(nl_skb.stats);
}
