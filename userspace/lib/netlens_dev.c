// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netlens_dev.h"

static const char *const hist_names[NETLENS_HIST_COUNT] = {
	[NETLENS_HIST_SELFTEST] = "selftest",
	[NETLENS_HIST_SKB_LIFETIME_NS] = "skb_lifetime_ns",
	[NETLENS_HIST_SCAN_DURATION_MS] = "scan_duration_ms",
	[NETLENS_HIST_SCAN_DWELL_MS] = "scan_dwell_ms",
};

const char *netlens_hist_name(unsigned int id)
{
	return id < NETLENS_HIST_COUNT ? hist_names[id] : NULL;
}

int netlens_hist_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < NETLENS_HIST_COUNT; i++)
		if (hist_names[i] && !strcmp(hist_names[i], name))
			return i;
	return -1;
}

/* A parameter of the loaded module as text, "?" if unreadable. */
static const char *module_param_text(const char *name)
{
	static char value[32];
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/netlens/parameters/%s", name);
	f = fopen(path, "re");
	if (!f || !fgets(value, sizeof(value), f))
		snprintf(value, sizeof(value), "?");
	if (f)
		fclose(f);
	value[strcspn(value, "\n")] = 0;
	return value;
}

int netlens_dev_open(int flags, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	fd = open(NETLENS_DEV_PATH, flags | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	e = errno;
	if (e == ENOENT && stat("/sys/module/netlens", &st))
		snprintf(err, errlen, "%s: netlens.ko is not loaded (modprobe netlens)",
			 NETLENS_DEV_PATH);
	else if (e == ENOENT)
		snprintf(err, errlen, "%s: missing although netlens.ko is loaded (no devtmpfs/udev?)",
			 NETLENS_DEV_PATH);
	else if (e == EACCES || e == EPERM)
		snprintf(err, errlen, "%s: permission denied: run as root, or load netlens with a monitoring group",
			 NETLENS_DEV_PATH);
	else if (e == ENFILE)
		snprintf(err, errlen, "%s: every channel is in use (%s open files; module parameter channels_max)",
			 NETLENS_DEV_PATH, module_param_text("channels_max"));
	else if (e == EDQUOT)
		snprintf(err, errlen, "%s: your user holds as many channels as it may (%s open files; module parameter user_channels_max)",
			 NETLENS_DEV_PATH, module_param_text("user_channels_max"));
	else
		snprintf(err, errlen, "%s: %s", NETLENS_DEV_PATH, strerror(e));
	return -e;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* A record header at @rec, @avail bytes before head: is it whole? */
static bool record_ok(const struct netlens_record *rec, uint64_t avail)
{
	return avail >= sizeof(*rec) && rec->size >= sizeof(*rec) &&
	       rec->size % 8 == 0 && rec->size <= avail &&
	       rec->data_len <= rec->size - sizeof(*rec);
}

int netlens_dev_info(int fd, struct netlens_info *info)
{
	memset(info, 0, sizeof(*info));
	return do_ioctl(fd, NETLENS_IOC_INFO, info);
}

int netlens_dev_hist_read(int fd, unsigned int id, struct netlens_hist *hist)
{
	memset(hist, 0, sizeof(*hist));
	hist->id = id;
	return do_ioctl(fd, NETLENS_IOC_HIST_READ, hist);
}

int netlens_dev_hist_reset(int fd, unsigned int id)
{
	struct netlens_hist hist = { .id = id };

	return do_ioctl(fd, NETLENS_IOC_HIST_RESET, &hist);
}

int netlens_dev_selftest(int fd, unsigned long long value)
{
	struct netlens_selftest st = { .value = value };

	return do_ioctl(fd, NETLENS_IOC_SELFTEST, &st);
}

int netlens_dev_skb_stats(int fd, struct netlens_skb_stats *st)
{
	memset(st, 0, sizeof(*st));
	return do_ioctl(fd, NETLENS_IOC_SKB_STATS, st);
}

int netlens_dev_ring_stats(int fd, struct netlens_ring_stats *st)
{
	memset(st, 0, sizeof(*st));
	return do_ioctl(fd, NETLENS_IOC_RING_STATS, st);
}

int netlens_dev_ring_reset(int fd)
{
	return ioctl(fd, NETLENS_IOC_RING_RESET) ? -errno : 0;
}

int netlens_dev_channel_info(int fd, struct netlens_channel_info *info)
{
	memset(info, 0, sizeof(*info));
	return do_ioctl(fd, NETLENS_IOC_CHANNEL_INFO, info);
}

int netlens_dev_channel_setup(int fd, unsigned int ring_kb,
			      unsigned int wakeup_bytes)
{
	struct netlens_channel_setup setup = {
		.ring_kb = ring_kb,
		.wakeup_bytes = wakeup_bytes,
	};

	return do_ioctl(fd, NETLENS_IOC_CHANNEL_SETUP, &setup);
}

void netlens_channel_close(struct netlens_channel *ch)
{
	size_t page = ch->info.meta_bytes / 2;
	unsigned int i;

	for (i = 0; ch->rings && i < ch->info.nr_rings; i++) {
		if (ch->rings[i].cons)
			munmap(ch->rings[i].cons, page);
		if (ch->rings[i].prod)
			munmap((void *)ch->rings[i].prod,
			       page + 2 * (size_t)ch->info.ring_bytes);
	}
	free(ch->rings);
	ch->rings = NULL;
	if (ch->fd > 0)
		close(ch->fd);
	ch->fd = -1;
}

/* Map ring @i of @ch: 0, -ENXIO for a CPU that cannot exist, or -errno. */
static int map_ring(struct netlens_channel *ch, unsigned int i)
{
	size_t page = ch->info.meta_bytes / 2;
	off_t base = (off_t)i * ch->info.mmap_stride;
	void *cons, *prod;

	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ch->fd, base);
	if (cons == MAP_FAILED)
		return -errno;
	prod = mmap(NULL, page + 2 * (size_t)ch->info.ring_bytes, PROT_READ,
		    MAP_SHARED, ch->fd, base + page);
	if (prod == MAP_FAILED) {
		int e = errno;

		munmap(cons, page);
		return -e;
	}
	ch->rings[i].cons = cons;
	ch->rings[i].prod = prod;
	ch->rings[i].data = (const unsigned char *)prod + page;
	return 0;
}

int netlens_channel_open(struct netlens_channel *ch, unsigned int ring_kb,
			 unsigned int wakeup_bytes, char *err, size_t errlen)
{
	unsigned int i;
	int ret;

	memset(ch, 0, sizeof(*ch));
	/* Read-write: the consumer pages are mapped writable. */
	ch->fd = netlens_dev_open(O_RDWR | O_NONBLOCK, err, errlen);
	if (ch->fd < 0)
		return ch->fd;
	ret = netlens_dev_channel_setup(ch->fd, ring_kb, wakeup_bytes);
	if (ret == -EINVAL)
		snprintf(err, errlen, "%s: rings of %u KiB: must be a power of two from 4 to the module's ring_kb_max (%s)",
			 NETLENS_DEV_PATH, ring_kb, module_param_text("ring_kb_max"));
	else if (ret)
		snprintf(err, errlen, "%s: cannot set up the channel's rings: %s",
			 NETLENS_DEV_PATH, strerror(-ret));
	if (!ret) {
		ret = netlens_dev_channel_info(ch->fd, &ch->info);
		if (ret)
			snprintf(err, errlen, "%s: NETLENS_IOC_CHANNEL_INFO: %s",
				 NETLENS_DEV_PATH, strerror(-ret));
	}
	if (!ret) {
		ch->rings = calloc(ch->info.nr_rings, sizeof(*ch->rings));
		if (!ch->rings)
			ret = -ENOMEM;
	}
	for (i = 0; !ret && i < ch->info.nr_rings; i++) {
		ret = map_ring(ch, i);
		if (ret == -ENXIO)	/* an impossible CPU has no ring */
			ret = 0;
		else if (ret)
			snprintf(err, errlen, "%s: cannot map ring %u: %s",
				 NETLENS_DEV_PATH, i, strerror(-ret));
	}
	if (ret)
		netlens_channel_close(ch);
	return ret;
}

int netlens_channel_consume(struct netlens_channel *ch, netlens_record_fn fn,
			    void *ctx)
{
	uint64_t mask = ch->info.ring_bytes - 1, head, tail;
	const struct netlens_record *rec;
	unsigned int i;
	int n = 0, ret = 0;

	for (i = 0; i < ch->info.nr_rings && !ret; i++) {
		struct netlens_mapped_ring *r = &ch->rings[i];

		if (!r->cons)
			continue;
		/* Pairs with the kernel's release: records up to head are whole. */
		head = __atomic_load_n(&r->prod->head, __ATOMIC_ACQUIRE);
		tail = r->cons->tail;
		while (tail != head && !ret) {
			rec = (const void *)(r->data + (tail & mask));
			if (head - tail > ch->info.ring_bytes ||
			    !record_ok(rec, head - tail)) {
				tail = head;
				ret = -EPROTO;
				break;
			}
			ret = fn(rec, rec + 1, ctx);
			tail += rec->size;
			n++;
		}
		/* The kernel may reuse the bytes once it sees the new tail. */
		__atomic_store_n(&r->cons->tail, tail, __ATOMIC_RELEASE);
	}
	return ret ? ret : n;
}

int netlens_records_foreach(const void *buf, size_t len, netlens_record_fn fn,
			    void *ctx)
{
	const unsigned char *p = buf, *end = p + len;
	int ret;

	while (p < end) {
		struct netlens_record rec;

		if ((size_t)(end - p) < sizeof(rec))
			return -EPROTO;
		memcpy(&rec, p, sizeof(rec));
		if (!record_ok(&rec, end - p))
			return -EPROTO;
		ret = fn(&rec, p + sizeof(rec), ctx);
		if (ret)
			return ret;
		p += rec.size;
	}
	return 0;
}

struct count_ctx {
	netlens_record_fn fn;
	void *ctx;
	int n;
};

static int count_record(const struct netlens_record *rec, const void *data,
			void *ctx)
{
	struct count_ctx *c = ctx;

	c->n++;
	return c->fn(rec, data, c->ctx);
}

int netlens_dev_records_drain(int fd, netlens_record_fn fn, void *ctx)
{
	/* 8-aligned: records are, and callers may cast payloads. */
	static uint64_t buf[65536 / sizeof(uint64_t)];
	struct count_ctx c = { .fn = fn, .ctx = ctx };
	ssize_t n;
	int ret;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? c.n : -errno;
		if (n == 0)
			return c.n;
		ret = netlens_records_foreach(buf, n, count_record, &c);
		if (ret)
			return ret;
	}
}
