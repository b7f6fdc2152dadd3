/* SPDX-License-Identifier: GPL-2.0 */
/* Counting in BPF hash maps: the tools' @[key] = count(). */
#ifndef NETLENS_COUNT_BPF_H
#define NETLENS_COUNT_BPF_H

/*
 * Add @n to the u64 of @key in hash map @map, creating it.  Also for
 * per-CPU hashes (the add is then on this CPU's copy).
 */
static __always_inline void map_add(void *map, const void *key, __u64 n)
{
	__u64 *cnt;

	cnt = bpf_map_lookup_elem(map, key);
	if (!cnt) {
		if (!bpf_map_update_elem(map, key, &n, BPF_NOEXIST))
			return;
		/* Lost a race with another CPU creating it. */
		cnt = bpf_map_lookup_elem(map, key);
		if (!cnt)
			return;
	}
	__sync_fetch_and_add(cnt, n);
}

static __always_inline void map_count(void *map, const void *key)
{
	map_add(map, key, 1);
}

#endif
