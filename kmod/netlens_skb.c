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
 * consumers" with "hooks armed".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
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
#include "netlens-events.h"

static unsigned int skb_table_bits = 16;
module_param(skb_table_bits, uint, 0444);
MODULE_PARM_DESC(skb_table_bits,
		 "log2 of the live sk_buff table's buckets of 4 (10-22, default 16: 6 MiB while tracing)");

#define NETLENS_SKB_WAYS	4
#define NETLENS_SITES		64

struct netlens_skb_entry {
	unsigned long skb;		/* 0: free slot */
	u64 birth_ns;
	pid_t pid;			/* allocating process, 0 if softirq */
	u8 path;			/* enum netlens_skb_alloc_path */
};

/* Call site -> allocation path, classified once by symbol name. */
struct netlens_site {
	unsigned long addr;
	u8 path_plus_one;		/* 0 while being filled in */
};

struct netlens_skb_cpu_stats {
	u64 allocs;
	u64 frees;
};

/* A kprobe or kretprobe placed while armed. */
struct netlens_hook {
	const char *symbol;
	kprobe_pre_handler_t pre;
	kretprobe_handler_t entry;
	kretprobe_handler_t ret;
	size_t data_size;
	u32 bit;			/* in hooks_missing */
	bool registered;
	struct kprobe kp;
	struct kretprobe krp;
};

static struct {
	struct kmem_cache *head_cache;
	struct kmem_cache *fclone_cache;
	unsigned int head_size;
	unsigned int fclone_size;

	struct netlens_skb_entry *table;
	unsigned int bits;
	struct netlens_site sites[NETLENS_SITES];
	struct netlens_skb_cpu_stats __percpu *stats;
	atomic64_t table_full;
	atomic64_t unpaired_reuse;
	u64 arm_count;
	u32 hooks_missing;
	bool armed;
	bool tracepoints_registered;

	atomic_t consumers;
	struct mutex lock;		/* armed, table, hooks */
	struct work_struct work;
} nl_skb;

/* ---- the live table --------------------------------------------------------- */

static struct netlens_skb_entry *netlens_skb_bucket(const void *skb)
{
	return &nl_skb.table[hash_ptr(skb, nl_skb.bits) * NETLENS_SKB_WAYS];
}

static void netlens_skb_born(const void *skb, u8 path, unsigned int size,
			     unsigned long caller)
{
	struct netlens_skb_entry *bucket = netlens_skb_bucket(skb), *e;
	unsigned long key = (unsigned long)skb;
	int i;

	/* Still tracked: its release went by unseen. */
	for (i = 0; i < NETLENS_SKB_WAYS; i++) {
		e = &bucket[i];
		if (READ_ONCE(e->skb) == key) {
			atomic64_inc(&nl_skb.unpaired_reuse);
			goto fill;
		}
	}
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
	this_cpu_inc(nl_skb.stats->allocs);
	trace_skb_alloc(skb, size, path, caller);
}

/* @truesize < 0: read it from the sk_buff, still intact at every hook. */
static void netlens_skb_released(const struct sk_buff *skb, int truesize,
				 u8 free_path, unsigned long caller)
{
	struct netlens_skb_entry *bucket = netlens_skb_bucket(skb), *e;
	unsigned long key = (unsigned long)skb;
	u64 birth;
	pid_t pid;
	u8 path;
	int i;

	for (i = 0; i < NETLENS_SKB_WAYS; i++) {
		e = &bucket[i];
		if (READ_ONCE(e->skb) != key)
			continue;
		birth = e->birth_ns;
		pid = e->pid;
		path = e->path;
		/* Fields read before the slot can be claimed again. */
		smp_store_release(&e->skb, 0);
		this_cpu_inc(nl_skb.stats->frees);
		trace_skb_free(skb, ktime_get_ns() - birth,
			       truesize < 0 ? READ_ONCE(skb->truesize) : truesize,
			       pid, path, free_path, caller);
		return;
	}
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

	if (napi)
		return strcmp(name, "__alloc_skb") ? NETLENS_SKB_ALLOC_NAPI_BUILD :
						     NETLENS_SKB_ALLOC_NAPI;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(name, map[i].name))
			return map[i].path;
	return NETLENS_SKB_ALLOC_OTHER;
}

/* Few call sites exist: each is looked up in kallsyms once. */
static u8 netlens_classify(unsigned long addr, bool napi)
{
	char name[KSYM_SYMBOL_LEN];
	u8 path;
	int i;

	for (i = 0; i < NETLENS_SITES; i++) {
		struct netlens_site *site = &nl_skb.sites[i];
		unsigned long cur = READ_ONCE(site->addr);

		if (cur == addr) {
			/* Pairs with the release that publishes the path. */
			u8 p = smp_load_acquire(&site->path_plus_one);

			if (p)
				return p - 1;
			break;
		}
		if (!cur)
			break;
	}

	sprint_symbol_no_offset(name, addr);
	strreplace(name, ' ', '\0');	/* "name [module]" */
	path = netlens_path_of_symbol(name, napi);

	for (i = 0; i < NETLENS_SITES; i++) {
		struct netlens_site *site = &nl_skb.sites[i];

		if (!READ_ONCE(site->addr) && !cmpxchg(&site->addr, 0, addr)) {
			/* Publish the path after the address is claimed. */
			smp_store_release(&site->path_plus_one, path + 1);
			break;
		}
		if (READ_ONCE(site->addr) == addr)
			break;
	}
	return path;
}

/* ---- hooks ------------------------------------------------------------------ */

static void netlens_kmem_alloc_probe(void *data, unsigned long call_site,
				     const void *ptr, struct kmem_cache *s,
				     gfp_t gfp_flags, int node)
{
	if (likely(s != nl_skb.head_cache && s != nl_skb.fclone_cache) || !ptr)
		return;
	if (s == nl_skb.fclone_cache)
		netlens_skb_born(ptr, NETLENS_SKB_ALLOC_FCLONE,
				 nl_skb.fclone_size, call_site);
	else
		netlens_skb_born(ptr, netlens_classify(call_site, false),
				 nl_skb.head_size, call_site);
}

static void netlens_kmem_free_probe(void *data, unsigned long call_site,
				    const void *ptr, const struct kmem_cache *s)
{
	if (likely(s != nl_skb.head_cache && s != nl_skb.fclone_cache) || !ptr)
		return;
	netlens_skb_released(ptr, -1, NETLENS_SKB_FREE_DIRECT, call_site);
}

static unsigned long netlens_entry_caller(struct pt_regs *regs)
{
	/* At function entry the return address is on top of the stack. */
	return regs_get_kernel_stack_nth(regs, 0);
}

/* kfree_skbmem(skb): every release that is not through the NAPI cache. */
static int netlens_kfree_skbmem_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);

	netlens_skb_released(skb, -1, skb->fclone == SKB_FCLONE_UNAVAILABLE ?
			     NETLENS_SKB_FREE_SLAB : NETLENS_SKB_FREE_FCLONE,
			     netlens_entry_caller(regs));
	return 0;
}

/* napi_skb_cache_put(skb), or a caller that always reaches it. */
static int netlens_napi_put_pre(struct kprobe *p, struct pt_regs *regs)
{
	netlens_skb_released((struct sk_buff *)regs_get_kernel_argument(regs, 0),
			     -1, NETLENS_SKB_FREE_NAPI_CACHE,
			     netlens_entry_caller(regs));
	return 0;
}

/*
 * napi_consume_skb(skb, budget), where napi_skb_cache_put() is inlined:
 * it puts the skb into the NAPI cache when budget != 0, it holds the last
 * reference and the skb is no fast clone (those go to kfree_skbmem()).
 * Decide at entry, while the skb is intact; release at return.
 */
struct netlens_consume_data {
	struct sk_buff *skb;
	int truesize;
};

static int netlens_napi_consume_entry(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct netlens_consume_data *d = (void *)ri->data;
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	int budget = (int)regs_get_kernel_argument(regs, 1);

	if (!budget || skb->fclone != SKB_FCLONE_UNAVAILABLE ||
	    refcount_read(&skb->users) != 1)
		return 1;	/* no return handler */
	d->skb = skb;
	d->truesize = skb->truesize;
	return 0;
}

static int netlens_napi_consume_ret(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	struct netlens_consume_data *d = (void *)ri->data;

	netlens_skb_released(d->skb, d->truesize, NETLENS_SKB_FREE_NAPI_CACHE,
			     get_kretprobe_retaddr(ri));
	return 0;
}

/* napi_skb_cache_get(): an skb out of the per-CPU NAPI cache. */
static int netlens_napi_get_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	void *skb = (void *)regs_return_value(regs);
	unsigned long caller = get_kretprobe_retaddr(ri);

	if (skb)
		netlens_skb_born(skb, netlens_classify(caller, true),
				 nl_skb.head_size, caller);
	return 0;
}

/* skb_clone() of a fast clone takes the pair's twin: no allocation. */
static int netlens_skb_clone_ret(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct sk_buff *n = (struct sk_buff *)regs_return_value(regs);

	if (n && n->fclone == SKB_FCLONE_CLONE)
		netlens_skb_born(n, NETLENS_SKB_ALLOC_FCLONE_CLONE,
				 nl_skb.head_size, get_kretprobe_retaddr(ri));
	return 0;
}

/* kmem_cache_free_bulk(s, size, p): kfree_skb_list() frees this way. */
static int netlens_free_bulk_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct kmem_cache *s = (struct kmem_cache *)regs_get_kernel_argument(regs, 0);
	size_t i, size = regs_get_kernel_argument(regs, 1);
	void **objs = (void **)regs_get_kernel_argument(regs, 2);
	unsigned long caller;

	if (likely(s != nl_skb.head_cache))
		return 0;
	caller = netlens_entry_caller(regs);
	for (i = 0; i < size; i++)
		if (objs[i])
			netlens_skb_released(objs[i], -1, NETLENS_SKB_FREE_BULK, caller);
	return 0;
}

enum {
	HOOK_NAPI_GET,
	HOOK_SKB_CLONE,
	HOOK_KFREE_SKBMEM,
	HOOK_FREE_BULK,
	HOOK_NAPI_PUT,
	/* Where napi_skb_cache_put() cannot be probed (inlined, 6.1): */
	HOOK_KFREE_SKB_DEFER,
	HOOK_STOLEN_HEAD,
	HOOK_NAPI_CONSUME,
	HOOK_COUNT
};

static struct netlens_hook netlens_hooks[HOOK_COUNT] = {
	[HOOK_NAPI_GET] = { .symbol = "napi_skb_cache_get", .ret = netlens_napi_get_ret },
	[HOOK_SKB_CLONE] = { .symbol = "skb_clone", .ret = netlens_skb_clone_ret },
	[HOOK_KFREE_SKBMEM] = { .symbol = "kfree_skbmem", .pre = netlens_kfree_skbmem_pre },
	[HOOK_FREE_BULK] = { .symbol = "kmem_cache_free_bulk", .pre = netlens_free_bulk_pre },
	[HOOK_NAPI_PUT] = { .symbol = "napi_skb_cache_put", .pre = netlens_napi_put_pre },
	[HOOK_KFREE_SKB_DEFER] = { .symbol = "__kfree_skb_defer", .pre = netlens_napi_put_pre },
	[HOOK_STOLEN_HEAD] = { .symbol = "napi_skb_free_stolen_head", .pre = netlens_napi_put_pre },
	[HOOK_NAPI_CONSUME] = { .symbol = "napi_consume_skb",
				.entry = netlens_napi_consume_entry,
				.ret = netlens_napi_consume_ret,
				.data_size = sizeof(struct netlens_consume_data) },
};

static int netlens_hook_register(struct netlens_hook *h)
{
	int err;

	if (h->ret) {
		memset(&h->krp, 0, sizeof(h->krp));
		h->krp.kp.symbol_name = h->symbol;
		h->krp.entry_handler = h->entry;
		h->krp.handler = h->ret;
		h->krp.data_size = h->data_size;
		/* Nested (process + softirq) calls on every CPU. */
		h->krp.maxactive = 8 * num_possible_cpus();
		err = register_kretprobe(&h->krp);
	} else {
		memset(&h->kp, 0, sizeof(h->kp));
		h->kp.symbol_name = h->symbol;
		h->kp.pre_handler = h->pre;
		err = register_kprobe(&h->kp);
	}
	h->registered = !err;
	return err;
}

static void netlens_hook_unregister(struct netlens_hook *h)
{
	if (!h->registered)
		return;
	if (h->ret)
		unregister_kretprobe(&h->krp);
	else
		unregister_kprobe(&h->kp);
	h->registered = false;
}

static u64 netlens_hooks_missed(void)
{
	u64 missed = 0;
	int i;

	for (i = 0; i < HOOK_COUNT; i++) {
		struct netlens_hook *h = &netlens_hooks[i];

		if (!h->registered)
			continue;
		missed += h->ret ? h->krp.nmissed + h->krp.kp.nmissed :
				   h->kp.nmissed;
	}
	return missed;
}

/* ---- arming ------------------------------------------------------------------ */

static void netlens_skb_disarm(void)
{
	int i;

	for (i = HOOK_COUNT - 1; i >= 0; i--)
		netlens_hook_unregister(&netlens_hooks[i]);
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
	int err, i;

	nl_skb.bits = clamp(skb_table_bits, 10U, 22U);
	nl_skb.table = kvcalloc(NETLENS_SKB_WAYS << nl_skb.bits,
				sizeof(struct netlens_skb_entry), GFP_KERNEL);
	if (!nl_skb.table)
		return -ENOMEM;
	memset(nl_skb.sites, 0, sizeof(nl_skb.sites));
	nl_skb.hooks_missing = 0;

	err = register_trace_kmem_cache_alloc(netlens_kmem_alloc_probe, NULL);
	if (err)
		goto err_disarm;
	err = register_trace_kmem_cache_free(netlens_kmem_free_probe, NULL);
	if (err) {
		unregister_trace_kmem_cache_alloc(netlens_kmem_alloc_probe, NULL);
		goto err_disarm;
	}
	nl_skb.tracepoints_registered = true;

	for (i = 0; i < HOOK_COUNT; i++) {
		struct netlens_hook *h = &netlens_hooks[i];

		/* The callers stand in for napi_skb_cache_put() only. */
		if (i > HOOK_NAPI_PUT && netlens_hooks[HOOK_NAPI_PUT].registered)
			continue;
		err = netlens_hook_register(h);
		if (err && i != HOOK_NAPI_PUT) {
			nl_skb.hooks_missing |= BIT(i);
			pr_warn("cannot hook %s (%d): sk_buffs through it are not seen\n",
				h->symbol, err);
		}
	}
	nl_skb.armed = true;
	nl_skb.arm_count++;
	return 0;

err_disarm:
	pr_warn("cannot register the kmem tracepoint probes: %d\n", err);
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

int netlens_skb_tp_reg(void)
{
	if (!nl_skb.head_cache)
		return -EOPNOTSUPP;
	atomic_inc(&nl_skb.consumers);
	schedule_work(&nl_skb.work);
	return 0;
}

void netlens_skb_tp_unreg(void)
{
	atomic_dec(&nl_skb.consumers);
	schedule_work(&nl_skb.work);
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
	st->hook_missed = nl_skb.armed ? netlens_hooks_missed() : 0;
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

	mutex_init(&nl_skb.lock);
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
	cancel_work_sync(&nl_skb.work);
	mutex_lock(&nl_skb.lock);
	if (nl_skb.armed)
		netlens_skb_disarm();
	mutex_unlock(&nl_skb.lock);
	free_percpu(nl_skb.stats);
}
