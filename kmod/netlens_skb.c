// SPDX-License-Identifier: GPL-2.0
/*
 * sk_buff lifetimes behind netlens:skb_alloc and netlens:skb_free.
 *
 * An sk_buff comes into use when it is constructed around its buffer
 * (__build_skb_around(), whatever cache or NAPI stash its head came from;
 * __alloc_skb() says which just before), when skb_clone() fills a clone
 * (from the slab, or the twin of a fast-clone pair: no allocation at all),
 * or when slab_build_skb() returns (6.3+, which builds it inline).  It is
 * released by kfree_skbmem(), by napi_skb_cache_put() (or, where that is
 * inlined, by its callers), by kmem_cache_free_bulk() of skb lists, or by
 * kfree_skb_partial() of a stolen head.
 *
 * Several of those hooks can see the same release (the NAPI cache put then
 * its bulk free): a pointer-keyed table of live sk_buffs makes the first
 * one count and the rest no-ops.  The table also keeps the birth time, so
 * skb_free hands consumers the age directly and they need no per-skb state
 * of their own (the costly part of doing this in BPF).
 *
 * The hooks (netlens_hooks.c) are armed while either tracepoint has a
 * consumer, synchronously from the tracepoints' regfunc: every skb born
 * after a consumer's enable returned is announced.  None is a kmem
 * tracepoint probe, which regfunc could not register (it runs under
 * tracepoints_mutex).
 *
 * Every hook observes a decision the kernel has made, never predicts one
 * another CPU could still change: a fast-clone twin is born when skb_clone()
 * fills it, not when skb_clone() is entered; an skb put into the NAPI cache
 * by napi_consume_skb() is released where its state is torn down, after
 * its last reference is known to be gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>
#include <trace/events/kmem.h>

#include "netlens.h"
#include "netlens_compat.h"
#include "netlens_hooks.h"
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
};

/*
 * Address -> what it means, classified once by symbol name: one word,
 * the address shifted over its top byte (all ones in kernel text) and the
 * value in the low byte, so that a slot is read and replaced atomically.
 */
#define NETLENS_SITE_VALUE_BITS	8

/* Task, softirq, hardirq, NMI: interrupt_context_level() */
#define NETLENS_CONTEXT_LEVELS	4

struct netlens_skb_cpu {
	u64 allocs;
	u64 frees;
	/*
	 * The path of the skb __alloc_skb() is building at each context
	 * level of this CPU (an interrupt may allocate in between).
	 */
	u8 alloc_path[NETLENS_CONTEXT_LEVELS];
};

static struct {
	struct kmem_cache *head_cache;
	struct kmem_cache *fclone_cache;
	unsigned int head_size;
	unsigned int fclone_size;

	struct netlens_skb_entry *table;
	unsigned int bits;
	unsigned long sites[NETLENS_SITES];
	struct netlens_skb_cpu __percpu *cpu;
	atomic64_t table_full;
	atomic64_t unpaired_reuse;
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

static void netlens_skb_born(const void *skb, u8 path, unsigned int size,
			     unsigned long caller)
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
	this_cpu_inc(nl_skb.cpu->allocs);
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
	this_cpu_inc(nl_skb.cpu->frees);
	trace_skb_free(skb, ktime_get_ns() - birth,
		       truesize < 0 ? READ_ONCE(skb->truesize) : truesize,
		       pid, path, free_path, caller);
}

/* ---- what a caller means: classified once by symbol name ------------------ */

/* A __build_skb_around() caller whose skb's path __alloc_skb() noted. */
#define NETLENS_SITE_FROM_ALLOC_SKB	0xff

enum netlens_addr_kind {
	ADDR_BUILD_SITE,	/* a call site of __build_skb_around() */
	ADDR_CLONE_SITE,	/* a call site of the clone fill: skb_clone()? */
	ADDR_RELEASE_SITE,	/* a call site of skb_release_head_state() */
};

static u8 netlens_build_site_of_symbol(const char *name)
{
	static const struct {
		const char *name;
		u8 path;
	} map[] = {
		{ "__alloc_skb", NETLENS_SITE_FROM_ALLOC_SKB },
		{ "__build_skb", NETLENS_SKB_ALLOC_BUILD },
		{ "build_skb", NETLENS_SKB_ALLOC_BUILD },
		{ "__napi_build_skb", NETLENS_SKB_ALLOC_NAPI_BUILD },
		{ "napi_build_skb", NETLENS_SKB_ALLOC_NAPI_BUILD },
	};
	int i;

	/* build_skb_around() and the like: the caller brought the head. */
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(name, map[i].name))
			return map[i].path;
	return NETLENS_SKB_ALLOC_OTHER;
}

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
	case ADDR_CLONE_SITE:
		/* __skb_clone() on 6.1, where skb_morph() inlines it too. */
		value = !strcmp(name, "skb_clone") || !strcmp(name, "__skb_clone");
		break;
	case ADDR_RELEASE_SITE:
		value = !strcmp(name, "napi_consume_skb");
		break;
	default:
		value = netlens_build_site_of_symbol(name);
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

/* ---- hooks ------------------------------------------------------------------ */

#define NETLENS_SKB_ARG(n)	((struct sk_buff *)netlens_ftrace_arg(fregs, n))

/*
 * __alloc_skb(size, gfp, flags, node): note where the head it is about to
 * take comes from, by the same test __alloc_skb() makes (the NAPI stash
 * only for plain SKB_ALLOC_NAPI on the local node).  skbuff_fclone_cache
 * may be merged with other caches of its size: only this tells its
 * objects that are fast-clone pairs from the rest.
 */
static void netlens_on_alloc_skb(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	unsigned long flags = netlens_ftrace_arg(fregs, 2);
	int node = (int)netlens_ftrace_arg(fregs, 3);
	u8 path = NETLENS_SKB_ALLOC_SKB;

	if (flags & SKB_ALLOC_FCLONE)
		path = NETLENS_SKB_ALLOC_FCLONE;
	else if ((flags & SKB_ALLOC_NAPI) &&
		 (node == NUMA_NO_NODE || node == numa_mem_id()))
		path = NETLENS_SKB_ALLOC_NAPI;
	this_cpu_write(nl_skb.cpu->alloc_path[interrupt_context_level()], path);
}

/* __build_skb_around(skb, data, frag_size): every skb built on a buffer. */
static void netlens_on_build_skb_around(unsigned long parent_ip,
					struct ftrace_regs *fregs)
{
	u8 path = netlens_addr_class(parent_ip, ADDR_BUILD_SITE);

	if (path == NETLENS_SITE_FROM_ALLOC_SKB)
		path = this_cpu_read(nl_skb.cpu->alloc_path[interrupt_context_level()]);
	netlens_skb_born(NETLENS_SKB_ARG(0), path,
			 path == NETLENS_SKB_ALLOC_FCLONE ? nl_skb.fclone_size :
							    nl_skb.head_size,
			 parent_ip);
}

/*
 * __copy_skb_header(new, old) from skb_clone(), directly or through
 * __skb_clone(): skb_clone() fills its clone, a fresh slab object or a
 * fast-clone pair's twin.  skb_morph(), the segmenters and copies fill
 * skbs already live; only where skb_morph() reaches it through an
 * out-of-line __skb_clone() (6.1) does the lookup tell them apart.  A twin
 * is checked after skb_clone() decided, since its release may race on
 * another CPU with the clone's entry.
 */
static void netlens_on_clone_fill(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	struct sk_buff *n = NETLENS_SKB_ARG(0);

	if (!netlens_addr_class(parent_ip, ADDR_CLONE_SITE))
		return;
	if (n->fclone != SKB_FCLONE_CLONE) {
		if (!netlens_skb_lookup(n))
			netlens_skb_born(n, NETLENS_SKB_ALLOC_CLONE,
					 nl_skb.head_size, parent_ip);
		return;
	}
	/*
	 * skb_clone() saw fclone_ref drop to 1 after the release hook cleared
	 * the twin's slot: order that read before the slot's.
	 */
	smp_rmb();
	if (!netlens_skb_lookup(n))
		netlens_skb_born(n, NETLENS_SKB_ALLOC_FCLONE_CLONE,
				 nl_skb.head_size, parent_ip);
}

/* slab_build_skb(data) returned: an skb built inline around a slab buffer. */
static void netlens_on_slab_build_skb(unsigned long ret, unsigned long ret_ip,
				      void *unused)
{
	if (ret)
		netlens_skb_born((const void *)ret, NETLENS_SKB_ALLOC_BUILD,
				 nl_skb.head_size, ret_ip);
}

static void netlens_on_kfree_skbmem(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	struct sk_buff *skb = NETLENS_SKB_ARG(0);

	netlens_skb_released(skb, -1, skb->fclone == SKB_FCLONE_UNAVAILABLE ?
			     NETLENS_SKB_FREE_SLAB : NETLENS_SKB_FREE_FCLONE,
			     parent_ip);
}

/* kmem_cache_free_bulk(s, size, p): kfree_skb_list() frees this way. */
static void netlens_on_free_bulk(unsigned long parent_ip, struct ftrace_regs *fregs)
{
	struct kmem_cache *s = (struct kmem_cache *)netlens_ftrace_arg(fregs, 0);
	size_t i, size = netlens_ftrace_arg(fregs, 1);
	void **objs = (void **)netlens_ftrace_arg(fregs, 2);

	if (likely(s != nl_skb.head_cache))
		return;
	for (i = 0; i < size; i++)
		if (objs[i])
			netlens_skb_released(objs[i], -1, NETLENS_SKB_FREE_BULK,
					     parent_ip);
}

/* kfree_skb_partial(skb, head_stolen): a stolen head goes to the slab. */
static void netlens_on_kfree_skb_partial(unsigned long parent_ip,
					 struct ftrace_regs *fregs)
{
	if (netlens_ftrace_arg(fregs, 1) & 0xff)
		netlens_skb_released(NETLENS_SKB_ARG(0), -1,
				     NETLENS_SKB_FREE_DIRECT, parent_ip);
}

static void netlens_on_napi_cache_put(unsigned long parent_ip,
				      struct ftrace_regs *fregs)
{
	netlens_skb_released(NETLENS_SKB_ARG(0), -1, NETLENS_SKB_FREE_NAPI_CACHE,
			     parent_ip);
}

/*
 * Where napi_skb_cache_put() is inlined, napi_consume_skb() puts an skb
 * into the NAPI cache right after tearing down its state, which it does
 * only once it dropped the last reference (another CPU may drop one
 * meanwhile) and only for skbs that are no fast clone (those it hands to
 * __kfree_skb(), which ends in kfree_skbmem()).
 */
static void netlens_on_release_head_state(unsigned long parent_ip,
					  struct ftrace_regs *fregs)
{
	struct sk_buff *skb = NETLENS_SKB_ARG(0);

	if (skb->fclone != SKB_FCLONE_UNAVAILABLE ||
	    !netlens_addr_class(parent_ip, ADDR_RELEASE_SITE))
		return;
	netlens_skb_released(skb, -1, NETLENS_SKB_FREE_NAPI_CACHE, parent_ip);
}

/* Bit i of hooks_missing: hook i of this table.  The busiest come first. */
enum netlens_skb_hook {
	HOOK_BUILD_SKB_AROUND,
	HOOK_ALLOC_SKB,
	HOOK_KFREE_SKBMEM,
	HOOK_NAPI_PUT,
	HOOK_RELEASE_HEAD_STATE,
	HOOK_COPY_SKB_HEADER,
	HOOK_FREE_BULK,
	HOOK_KFREE_SKB_PARTIAL,
	HOOK_KFREE_SKB_DEFER,
	HOOK_STOLEN_HEAD,
	HOOK_SLAB_BUILD_SKB,
	HOOK_COUNT
};

static const struct netlens_hook netlens_skb_hook_table[HOOK_COUNT] = {
	[HOOK_BUILD_SKB_AROUND] = { "__build_skb_around",
		.entry = netlens_on_build_skb_around, .instead_of = -1 },
	[HOOK_ALLOC_SKB] = { "__alloc_skb",
		.entry = netlens_on_alloc_skb, .instead_of = -1 },
	[HOOK_KFREE_SKBMEM] = { "kfree_skbmem",
		.entry = netlens_on_kfree_skbmem, .instead_of = -1 },
	/* Inlined on 6.1: its callers stand in for it there. */
	[HOOK_NAPI_PUT] = { "napi_skb_cache_put",
		.entry = netlens_on_napi_cache_put,
		.flags = NETLENS_HOOK_OPTIONAL, .instead_of = -1 },
	[HOOK_RELEASE_HEAD_STATE] = { "skb_release_head_state",
		.entry = netlens_on_release_head_state,
		.instead_of = HOOK_NAPI_PUT },
	[HOOK_COPY_SKB_HEADER] = { "__copy_skb_header",
		.entry = netlens_on_clone_fill, .instead_of = -1 },
	[HOOK_FREE_BULK] = { "kmem_cache_free_bulk",
		.entry = netlens_on_free_bulk, .instead_of = -1 },
	[HOOK_KFREE_SKB_PARTIAL] = { "kfree_skb_partial",
		.entry = netlens_on_kfree_skb_partial, .instead_of = -1 },
	[HOOK_KFREE_SKB_DEFER] = { "__kfree_skb_defer",
		.entry = netlens_on_napi_cache_put,
		.instead_of = HOOK_NAPI_PUT },
	[HOOK_STOLEN_HEAD] = { "napi_skb_free_stolen_head",
		.entry = netlens_on_napi_cache_put,
		.instead_of = HOOK_NAPI_PUT },
	/* 6.3+: builds its skb inline, after the slab allocation. */
	[HOOK_SLAB_BUILD_SKB] = { "slab_build_skb",
		.exit = netlens_on_slab_build_skb,
		.flags = NETLENS_HOOK_OPTIONAL, .instead_of = -1 },
};

/* ---- arming ------------------------------------------------------------------ */

static int netlens_skb_prepare(void)
{
	nl_skb.bits = skb_table_bits;
	nl_skb.table = kvcalloc(NETLENS_SKB_WAYS << nl_skb.bits,
				sizeof(struct netlens_skb_entry), GFP_KERNEL);
	if (!nl_skb.table)
		return -ENOMEM;
	memset(nl_skb.sites, 0, sizeof(nl_skb.sites));
	return 0;
}

/* No hook runs any more. */
static void netlens_skb_release(void)
{
	kvfree(nl_skb.table);
	nl_skb.table = NULL;
}

static struct netlens_hook_set netlens_skb_hooks = {
	.name = "skb",
	.hooks = netlens_skb_hook_table,
	.nr_hooks = HOOK_COUNT,
	.prepare = netlens_skb_prepare,
	.release = netlens_skb_release,
};

/* Under tracepoints_mutex, before the consumer's probe goes in. */
int netlens_skb_tp_reg(void)
{
	if (!nl_skb.head_cache)
		return -EOPNOTSUPP;
	return netlens_hooks_get(&netlens_skb_hooks);
}

void netlens_skb_tp_unreg(void)
{
	netlens_hooks_put(&netlens_skb_hooks);
}

void netlens_skb_stats(struct netlens_skb_stats *st)
{
	struct netlens_hooks_state hs;
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		struct netlens_skb_cpu *c = per_cpu_ptr(nl_skb.cpu, cpu);

		st->allocs += READ_ONCE(c->allocs);
		st->frees += READ_ONCE(c->frees);
	}
	st->live = st->allocs > st->frees ? st->allocs - st->frees : 0;
	st->table_full = atomic64_read(&nl_skb.table_full);
	st->unpaired_reuse = atomic64_read(&nl_skb.unpaired_reuse);
	netlens_hooks_state(&netlens_skb_hooks, &hs);
	st->armed = hs.armed;
	st->hooks_missing = hs.missing;
	st->arm_count = hs.arm_count;
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
	netlens_hooks_init(&netlens_skb_hooks);
	atomic64_set(&nl_skb.table_full, 0);
	atomic64_set(&nl_skb.unpaired_reuse, 0);
	nl_skb.cpu = alloc_percpu(struct netlens_skb_cpu);
	if (!nl_skb.cpu)
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
	/*
	 * The trace core may call unreg after this (an event enabled through
	 * tracefs is disabled only at MODULE_STATE_GOING): stopped hooks
	 * ignore it.
	 */
	netlens_hooks_stop(&netlens_skb_hooks);
	free_percpu(nl_skb.cpu);
}
