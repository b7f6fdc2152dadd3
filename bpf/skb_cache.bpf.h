/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a kmem_cache one of the sk_buff caches, or an object one of theirs?
 * For BPF programs on the
 * kmem:kmem_cache_alloc/free tracepoints: by the cache's name, which
 * outlives the kernel's renamed variables (skbuff_head_cache became
 * skbuff_cache's variable in 6.2; the slab keeps its name), remembered per
 * cache pointer.  Include after vmlinux.h and bpf_core_read.h.
 */
#ifndef NETLENS_SKB_CACHE_BPF_H
#define NETLENS_SKB_CACHE_BPF_H

/* kmem_cache pointer -> 1 if it is one of the skbuff caches. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} skb_caches SEC(".maps");

static __always_inline bool is_skb_cache(struct kmem_cache *s)
{
	/* On the stack: clang 14 mislays static strings in .rodata's BTF. */
	char head[] = "skbuff_head_cache", fclone[] = "skbuff_fclone_cache";
	__u64 key = (__u64)s;
	char name[24] = {};
	__u8 *known, yes;
	int i;

	known = bpf_map_lookup_elem(&skb_caches, &key);
	if (known)
		return *known;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(s, name));
	yes = 1;
	for (i = 0; i < sizeof(head); i++)
		if (name[i] != head[i])
			yes = 0;
	if (!yes) {
		yes = 1;
		for (i = 0; i < sizeof(fclone); i++)
			if (name[i] != fclone[i])
				yes = 0;
	}
	bpf_map_update_elem(&skb_caches, &key, &yes, BPF_ANY);
	return yes;
}

/*
 * Call sites that allocated from skbuff_head_cache.  The fclone cache may be
 * merged into another cache of its size, whose name it then goes by; its
 * objects are found by the call site they share with head objects
 * (__alloc_skb allocates both at one call).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u8);
} skb_sites SEC(".maps");

static __always_inline bool is_skb_object(struct kmem_cache *s,
					  unsigned long call_site)
{
	__u64 site = call_site;
	__u8 one = 1;

	if (is_skb_cache(s)) {
		bpf_map_update_elem(&skb_sites, &site, &one, BPF_NOEXIST);
		return true;
	}
	return bpf_map_lookup_elem(&skb_sites, &site);
}

#endif
