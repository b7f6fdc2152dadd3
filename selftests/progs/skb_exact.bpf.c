// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only consumer of netlens:skb_alloc/skb_free that checks them the
 * expensive way: a hash of live skbs keyed by pointer.  Every free must
 * match one earlier alloc, no pointer may be allocated twice, and the
 * module's age must agree with the time between the two events here.
 *
 * The kernel's own kmem:kmem_cache_alloc/free tracepoints on the skbuff
 * caches are the ground truth for the slab: every sk_buff object they hand
 * out must be announced by skb_alloc before the slab takes it back, and
 * the slab must never take back an skb netlens still counts as live.
 *
 * skbuff_fclone_cache may be merged with other caches of its size: the
 * checker learns that cache from a fast-clone birth and counts, per call
 * site, the cache's allocations and netlens's births, so that the test can
 * show objects of the cache's other users are never announced as skbs.
 * Frees on another CPU than the allocation are counted (SMP tests).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <linux/netlens.h>
#include "skb_cache.bpf.h"

struct live_skb {
	__u64 ts;
	__u32 path;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct live_skb);
} live SEC(".maps");

/* Set by the test once the alloc program is attached (CLOCK_MONOTONIC). */
__u64 alloc_attached_ns = 0;
/* Set by the test once netlens armed its hooks: skb_alloc fires since. */
__u64 armed_ns = 0;
/* The test's own process, for the skblife cross-check. */
pid_t test_tgid = 0;

__u64 allocs = 0, frees = 0, dup_allocs = 0, orphan_frees = 0;
__u64 pre_attach_frees = 0, age_mismatch = 0, own_frees = 0;
__u64 cross_cpu_frees = 0;
/* Indexed by path & 7: both enums have fewer than 8 members. */
__u64 alloc_paths[8] = {};
__u64 free_paths[8] = {};

struct slab_obj {
	__u64 ts;		/* when the slab handed it out */
	__u8 announced;		/* skb_alloc named it since */
};

/* sk_buff objects the slab handed out one by one (not in bulk). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct slab_obj);
} slab_objs SEC(".maps");

__u64 kmem_allocs = 0, kmem_frees = 0;
__u64 slab_births_confirmed = 0;	/* slab-path skb_alloc, kmem saw it */
__u64 slab_births_unseen = 0;		/* slab-path skb_alloc, kmem did not */
__u64 kmem_unannounced = 0;		/* slab object freed, never skb_alloc'd */
__u64 kmem_free_while_live = 0;		/* slab took back a live skb */

/*
 * The last slab allocations on this CPU: which cache a birth came from.
 * netlens announces an skb once it is built, after __alloc_skb() also took
 * its data (from a slab cache of its own on 6.12) and interrupts may have
 * allocated in between, so a few are kept.
 */
#define KMEM_SEEN 8

struct kmem_seen {
	__u64 ptr;
	__u64 cache;
};

struct kmem_recent {
	__u32 next;
	struct kmem_seen seen[KMEM_SEEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kmem_recent);
} last_kmem SEC(".maps");

/* The cache this CPU recently took @ptr from, 0 if none. */
static __always_inline __u64 recent_cache(__u64 ptr)
{
	struct kmem_recent *r;
	__u32 zero = 0;
	int i;

	r = bpf_map_lookup_elem(&last_kmem, &zero);
	if (!r)
		return 0;
	for (i = 0; i < KMEM_SEEN; i++)
		if (r->seen[i].ptr == ptr)
			return r->seen[i].cache;
	return 0;
}

/* The cache fast-clone pairs come from (merged or not), once seen. */
__u64 fclone_cache = 0;

struct site_count {
	__u64 kmem;		/* allocations from fclone_cache at this site */
	__u64 births;		/* skb_alloc events naming this site */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct site_count);
} fclone_cache_sites SEC(".maps");

static __always_inline struct site_count *site_count(__u64 site)
{
	struct site_count zero = {}, *c;

	c = bpf_map_lookup_elem(&fclone_cache_sites, &site);
	if (c)
		return c;
	bpf_map_update_elem(&fclone_cache_sites, &site, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&fclone_cache_sites, &site);
}

/* Both clocks are CLOCK_MONOTONIC; allow for TCG's jumpy time. */
#define AGE_SLACK_NS (20 * 1000 * 1000ULL)

SEC("tp_btf/skb_alloc")
int BPF_PROG(on_alloc, const struct sk_buff *skb, unsigned int size, __u8 path,
	     unsigned long caller)
{
	__u64 key = (__u64)skb;
	struct live_skb v = {
		.ts = bpf_ktime_get_ns(),
		.path = path,
		.cpu = bpf_get_smp_processor_id(),
	};
	__u64 cache = recent_cache(key);
	struct slab_obj *obj;
	struct site_count *c;

	if (path == NETLENS_SKB_ALLOC_FCLONE && cache && !fclone_cache)
		fclone_cache = cache;
	/* Slab births name a site in the function that allocated. */
	if (cache && cache == fclone_cache) {
		c = site_count(caller);
		if (c)
			__sync_fetch_and_add(&c->births, 1);
	}

	if (bpf_map_lookup_elem(&live, &key))
		__sync_fetch_and_add(&dup_allocs, 1);
	/* Paths that take an object from the slab, one by one. */
	if (path == NETLENS_SKB_ALLOC_SKB || path == NETLENS_SKB_ALLOC_BUILD ||
	    path == NETLENS_SKB_ALLOC_CLONE || path == NETLENS_SKB_ALLOC_FCLONE) {
		obj = bpf_map_lookup_elem(&slab_objs, &key);
		if (obj) {
			obj->announced = 1;
			__sync_fetch_and_add(&slab_births_confirmed, 1);
		} else {
			__sync_fetch_and_add(&slab_births_unseen, 1);
		}
	}
	bpf_map_update_elem(&live, &key, &v, BPF_ANY);
	__sync_fetch_and_add(&allocs, 1);
	__sync_fetch_and_add(&alloc_paths[path & 7], 1);
	return 0;
}

SEC("tp_btf/skb_free")
int BPF_PROG(on_free, const struct sk_buff *skb, __u64 age_ns,
	     unsigned int truesize, pid_t alloc_pid, __u8 alloc_path,
	     __u8 free_path, unsigned long caller)
{
	__u64 key = (__u64)skb, now = bpf_ktime_get_ns(), mine;
	struct live_skb *v;

	__sync_fetch_and_add(&frees, 1);
	__sync_fetch_and_add(&free_paths[free_path & 7], 1);
	if (test_tgid && alloc_pid == test_tgid)
		__sync_fetch_and_add(&own_frees, 1);
	v = bpf_map_lookup_elem(&live, &key);
	if (!v) {
		/* Allocated before on_alloc was attached, or missed. */
		if (now - age_ns < alloc_attached_ns || !alloc_attached_ns)
			__sync_fetch_and_add(&pre_attach_frees, 1);
		else
			__sync_fetch_and_add(&orphan_frees, 1);
		return 0;
	}
	if (v->cpu != bpf_get_smp_processor_id())
		__sync_fetch_and_add(&cross_cpu_frees, 1);
	mine = now - v->ts;
	if (mine + AGE_SLACK_NS < age_ns || age_ns + AGE_SLACK_NS < mine ||
	    v->path != alloc_path)
		__sync_fetch_and_add(&age_mismatch, 1);
	bpf_map_delete_elem(&live, &key);
	return 0;
}

/* Attached before skb_alloc: the slab's event comes first. */
SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(on_kmem_alloc, unsigned long call_site, const void *ptr,
	     struct kmem_cache *s)
{
	struct slab_obj obj = { .ts = bpf_ktime_get_ns() };
	__u64 key = (__u64)ptr;
	struct kmem_recent *r;
	struct site_count *c;
	__u32 zero = 0;

	if (!ptr)
		return 0;
	r = bpf_map_lookup_elem(&last_kmem, &zero);
	if (r) {
		__u32 i = r->next++ % KMEM_SEEN;

		r->seen[i].ptr = key;
		r->seen[i].cache = (__u64)s;
	}
	if (fclone_cache && (__u64)s == fclone_cache) {
		c = site_count(call_site);
		if (c)
			__sync_fetch_and_add(&c->kmem, 1);
	}
	if (!is_skb_object(s, call_site))
		return 0;
	__sync_fetch_and_add(&kmem_allocs, 1);
	bpf_map_update_elem(&slab_objs, &key, &obj, BPF_ANY);
	return 0;
}

/*
 * Attached after netlens armed, so that where netlens releases on this
 * same event (a direct kmem_cache_free) its skb_free has run first.
 */
SEC("raw_tp/kmem_cache_free")
int BPF_PROG(on_kmem_free, unsigned long call_site, const void *ptr)
{
	__u64 key = (__u64)ptr;
	struct slab_obj *obj = bpf_map_lookup_elem(&slab_objs, &key);

	if (!obj)
		return 0;
	__sync_fetch_and_add(&kmem_frees, 1);
	/* Handed out before skb_alloc had a consumer: not announced then. */
	if (!obj->announced && armed_ns && obj->ts > armed_ns)
		__sync_fetch_and_add(&kmem_unannounced, 1);
	if (bpf_map_lookup_elem(&live, &key))
		__sync_fetch_and_add(&kmem_free_while_live, 1);
	bpf_map_delete_elem(&slab_objs, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
