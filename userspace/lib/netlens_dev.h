/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/netlens from userspace: open with clear errors, typed ioctls. */
#ifndef NETLENS_DEV_H
#define NETLENS_DEV_H

#include <stddef.h>
#include <linux/netlens.h>

#define NETLENS_DEV_PATH "/dev/" NETLENS_DEVICE_NAME

/*
 * Open /dev/netlens.  On failure return -errno and describe in @err what is
 * wrong and what to do (module not loaded, no permission, ...).
 */
int netlens_dev_open(int flags, char *err, size_t errlen);

/* Each returns 0 or -errno. */
int netlens_dev_info(int fd, struct netlens_info *info);
int netlens_dev_hist_read(int fd, unsigned int id, struct netlens_hist *hist);
int netlens_dev_hist_reset(int fd, unsigned int id);
int netlens_dev_selftest(int fd, unsigned long long value);
int netlens_dev_skb_stats(int fd, struct netlens_skb_stats *st);
int netlens_dev_ring_stats(int fd, struct netlens_ring_stats *st);
int netlens_dev_ring_reset(int fd);

/* Called for each record; @data holds rec->data_len payload bytes. */
typedef int (*netlens_record_fn)(const struct netlens_record *rec,
				 const void *data, void *ctx);

/*
 * Call @fn for each record in @buf, @len bytes as read() returned them.
 * Returns 0, the first non-zero result of @fn, or -EPROTO at a record whose
 * header is inconsistent (nothing after it is trusted).
 */
int netlens_records_foreach(const void *buf, size_t len, netlens_record_fn fn,
			    void *ctx);

/*
 * Read every record pending on @fd (opened O_NONBLOCK) and pass each to @fn.
 * Returns the number of records, or -errno (-EAGAIN never: nothing to read
 * is 0), or what @fn returned if not 0.
 */
int netlens_dev_records_drain(int fd, netlens_record_fn fn, void *ctx);

/* Name of histogram @id ("skb_lifetime_ns", ...), NULL if unknown. */
const char *netlens_hist_name(unsigned int id);
/* Id of histogram @name, or -1. */
int netlens_hist_lookup(const char *name);

#endif
