// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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
	else
		snprintf(err, errlen, "%s: %s", NETLENS_DEV_PATH, strerror(e));
	return -e;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
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
		if (rec.size < sizeof(rec) || rec.size % 8 ||
		    rec.size > (size_t)(end - p) ||
		    rec.data_len > rec.size - sizeof(rec))
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
