/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts keyed by text, printed like bpftrace prints its maps
 * ("@map[key, ...]: count", ascending counts, a blank line after each map)
 * or as JSON lines; and helpers to drain BPF hash maps into them.
 */
#ifndef NETLENS_KVTABLE_H
#define NETLENS_KVTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct kv_row {
	char map[24];		/* "accept"; "" prints "@[...]" */
	char key[192];		/* "sshd, 2, AF_INET" */
	char json[320];		/* "\"comm\":\"sshd\",\"family\":2,..." */
	unsigned long long count;
};

struct kv_table {
	struct kv_row *rows;
	size_t n, cap;
};

/* Add @count to the row (@map, @key), creating it; -ENOMEM on failure. */
int kv_add(struct kv_table *t, const char *map, const char *key,
	   const char *json, unsigned long long count);

/*
 * Print the maps in @map_order (NULL-terminated; maps not named are
 * printed after them), rows by ascending count then key.  JSON lines are
 * {"time":..,"map":..,<json>,"count":N}; @time may be NULL.
 */
void kv_print(FILE *out, struct kv_table *t, const char *const *map_order,
	      bool json, const char *time);

void kv_reset(struct kv_table *t);
void kv_free(struct kv_table *t);

/*
 * Call @fn for every key/value of BPF map @fd (values of @value_size
 * bytes; per-CPU maps: pass ncpus > 1 and @fn gets the sum of the first
 * u64 of each CPU's value); delete them afterwards when @clear.
 */
int bpf_map_drain(int fd, size_t key_size, size_t value_size, int ncpus,
		  bool clear, void (*fn)(const void *key, unsigned long long value,
					 void *ctx), void *ctx);

#endif
