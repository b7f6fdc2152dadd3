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
int netlens_dev_channel_info(int fd, struct netlens_channel_info *info);
int netlens_dev_channel_setup(int fd, unsigned int ring_kb,
			      unsigned int wakeup_bytes);

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

/* One ring of a channel as mapped: zero-copy reading. */
struct netlens_mapped_ring {
	struct netlens_ring_consumer *cons;	/* the reader's tail */
	const struct netlens_ring_producer *prod;	/* head, counters */
	const unsigned char *data;	/* ring_bytes, mapped twice in a row */
};

/* A channel of /dev/netlens with its rings set up and mapped. */
struct netlens_channel {
	int fd;				/* the channel: poll() it */
	struct netlens_channel_info info;	/* handle, ring size, ... */
	struct netlens_mapped_ring *rings;	/* info.nr_rings; NULL cons: no such CPU */
};

/*
 * Open a channel of /dev/netlens with rings of @ring_kb KiB per CPU (0: the
 * module's default) that wake poll() when one holds @wakeup_bytes (0: at
 * every record), and map them.  Returns 0, or -errno with @err saying what
 * is wrong and what to do.  @ch->info.handle names it to BPF programs.
 */
int netlens_channel_open(struct netlens_channel *ch, unsigned int ring_kb,
			 unsigned int wakeup_bytes, char *err, size_t errlen);
/* Unmap and close; a zeroed or closed @ch is fine. */
void netlens_channel_close(struct netlens_channel *ch);
/*
 * Pass each unread record of @ch to @fn where it lies (no copy), then free
 * its bytes for the writer.  Returns the number of records, the first
 * non-zero result of @fn (that record and those before it are consumed),
 * or -EPROTO at a record whose header is inconsistent (that ring's unread
 * bytes are dropped).
 */
int netlens_channel_consume(struct netlens_channel *ch, netlens_record_fn fn,
			    void *ctx);

/* Name of histogram @id ("skb_lifetime_ns", ...), NULL if unknown. */
const char *netlens_hist_name(unsigned int id);
/* Id of histogram @name, or -1. */
int netlens_hist_lookup(const char *name);

#endif
