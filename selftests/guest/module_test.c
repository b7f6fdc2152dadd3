// SPDX-License-Identifier: GPL-2.0
/*
 * netlens.ko's plumbing on the running kernel: version, BTF, tracefs event,
 * /dev/netlens ioctls and their errors, a tp_btf program calling the
 * module's kfuncs (histograms, and records read back through read() and
 * poll()), the generic netlink family, and a clean unload/reload.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <netlink/genl/genl.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "hist.h"
#include "netlens_dev.h"
#include "netlens_genl.h"
#include "netlens_selftest.skel.h"

#define NO_MODULE_REASON "netlens.ko not loaded on %s (the host kernel has no module support; the guests test it)"
#define NO_MODULE_KERNEL (getenv("NETLENS_KVER") ?: "this kernel")

/* In TEST() bodies. */
#define SKIP_IF_NO_MODULE(_metadata)					\
	do {								\
		if (!netlens_loaded())					\
			SKIP(return, NO_MODULE_REASON, NO_MODULE_KERNEL); \
	} while (0)

/* In FIXTURE_SETUP()s. */
#define SETUP_SKIP_IF_NO_MODULE(_metadata)				\
	do {								\
		if (!netlens_loaded())					\
			SETUP_SKIP(NO_MODULE_REASON, NO_MODULE_KERNEL);	\
	} while (0)

TEST(module_version)
{
	char buf[64], out[256], ko[512];

	SKIP_IF_NO_MODULE(_metadata);
	ASSERT_EQ(0, read_text_file("/sys/module/netlens/version", buf, sizeof(buf)));
	EXPECT_STREQ(NETLENS_VERSION, buf);

	if (!getenv("NETLENS_BUILD") || !getenv("NETLENS_KVER"))
		return;
	snprintf(ko, sizeof(ko), "%s/%s/netlens.ko", getenv("NETLENS_BUILD"),
		 getenv("NETLENS_KVER"));
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "modinfo -F version %s", ko));
	EXPECT_STREQ(NETLENS_VERSION "\n", out);
	/* The DKMS package carries the same version. */
	ASSERT_EQ(0, run_cmd(out, sizeof(out),
			     "sed -n 's/^PACKAGE_VERSION=\"\\(.*\\)\"/\\1/p' %s/../dkms.conf",
			     getenv("NETLENS_BUILD")));
	EXPECT_STREQ(NETLENS_VERSION "\n", out);
}

TEST(module_btf)
{
	SKIP_IF_NO_MODULE(_metadata);
	/* Without it kfuncs silently do not register (6.1). */
	EXPECT_TRUE(path_exists("/sys/kernel/btf/netlens"));
}

TEST(tracefs_event)
{
	const char *ev = "/sys/kernel/tracing/events/netlens/selftest";
	char path[256], buf[4096], pidstr[32];
	int fd, i;

	SKIP_IF_NO_MODULE(_metadata);
	snprintf(path, sizeof(path), "%s/format", ev);
	ASSERT_EQ(0, read_text_file(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "field:u64 value"));

	/* A plain tracefs consumer (as perf/trace-cmd) sees the event too. */
	ASSERT_EQ(0, write_text_file("/sys/kernel/tracing/trace", ""));
	snprintf(path, sizeof(path), "%s/enable", ev);
	ASSERT_EQ(0, write_text_file(path, "1"));
	fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, netlens_dev_selftest(fd, 424242 + i));
	close(fd);
	ASSERT_EQ(0, write_text_file(path, "0"));
	ASSERT_EQ(0, read_text_file("/sys/kernel/tracing/trace", buf, sizeof(buf)));
	snprintf(pidstr, sizeof(pidstr), "pid=%d", getpid());
	EXPECT_NE(NULL, strstr(buf, "selftest: value=424242"));
	EXPECT_NE(NULL, strstr(buf, "selftest: value=424244"));
	EXPECT_NE(NULL, strstr(buf, pidstr));
}

/*
 * perf, trace-cmd and tracefs decode the path, band and flag fields from
 * the format files: the enums' values must be there, each with its name.
 */
TEST(event_formats_name_the_enums)
{
	static const char *const want[][2] = {
		{ "skb_alloc", "{ 0, \"alloc_skb\" }" },
		{ "skb_alloc", "{ 4, \"fclone_clone\" }" },
		{ "skb_alloc", "{ 7, \"other\" }" },
		{ "skb_free", "alloc_path=%s free_path=%s" },
		{ "skb_free", "{ 3, \"fclone\" }" },	/* alloc_path */
		{ "skb_free", "{ 2, \"napi_cache\" }" },	/* free_path */
		{ "skb_free", "{ 4, \"direct\" }" },
		{ "wifi_scan_channel", "{ 4, \"S1GHz\" }" },
		{ "wifi_scan_channel", "freq=%u freq_offset=%u" },
		{ "wifi_scan_start", "flags=%s" },
		{ "wifi_scan_start", "{ 2, \"FLUSH\" }" },
		{ "wifi_scan_start", "{ 8192, \"FREQ_KHZ\" }" },
		{ "wifi_scan_start", "{ 16384, \"COLOCATED_6GHZ\" }" },
	};
	char path[256], buf[8192];
	unsigned int i;

	SKIP_IF_NO_MODULE(_metadata);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/netlens/%s/format",
			 want[i][0]);
		ASSERT_EQ(0, read_text_file(path, buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, want[i][1])) TH_LOG("%s lacks %s:\n%s",
								  want[i][0], want[i][1], buf);
		EXPECT_EQ(NULL, strstr(buf, "NETLENS_")) TH_LOG("unresolved enum in %s", path);
		EXPECT_EQ(NULL, strstr(buf, "NL80211_")) TH_LOG("unresolved enum in %s", path);
	}
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = -1;
	SETUP_SKIP_IF_NO_MODULE(_metadata);
	self->fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", NETLENS_DEV_PATH, strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(NETLENS_DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(dev, info)
{
	struct netlens_info info;

	ASSERT_EQ(0, netlens_dev_info(self->fd, &info));
	EXPECT_STREQ(NETLENS_VERSION, info.version);
	EXPECT_EQ(NETLENS_ABI_VERSION, info.abi);
	EXPECT_EQ(NETLENS_HIST_COUNT, info.hist_count);
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	int arg = 0;

	EXPECT_EQ(-1, ioctl(self->fd, _IOW(NETLENS_IOC_MAGIC, 0x7f, int), &arg));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOR('T', 0x01, int), &arg));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, bad_pointer_is_efault)
{
	void *bad = (void *)16;

	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_INFO, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_HIST_READ, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_HIST_RESET, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_SELFTEST, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_RING_STATS, bad));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, bad_arguments_are_einval)
{
	struct netlens_hist h = { .id = NETLENS_HIST_COUNT };
	struct netlens_selftest st = { .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_HIST_READ, &h));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_HIST_RESET, &h));
	EXPECT_EQ(EINVAL, errno);
	h.id = 0xffffffff;
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_HIST_READ, &h));
	EXPECT_EQ(EINVAL, errno);
	h.id = NETLENS_HIST_SELFTEST;
	h.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_HIST_READ, &h));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_SELFTEST, &st));
	EXPECT_EQ(EINVAL, errno);
	st.flags = 0;
	st.reserved = 7;
	EXPECT_EQ(-1, ioctl(self->fd, NETLENS_IOC_SELFTEST, &st));
	EXPECT_EQ(EINVAL, errno);
}

TEST(unprivileged_open_is_eacces)
{
	int status;
	pid_t pid;

	SKIP_IF_NO_MODULE(_metadata);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char err[256];
		int fd;

		/* nobody: setuid drops every capability. */
		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = netlens_dev_open(O_RDONLY, err, sizeof(err));
		_exit(fd == -EACCES && strstr(err, "permission denied") ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* tracepoint -> tp_btf program -> netlens_hist_add kfunc -> ioctl read */
/* The selftest program, writing to the channel of @fd: NULL if it fails. */
static struct netlens_selftest_bpf *selftest_prog(int fd, pid_t tgid)
{
	struct netlens_selftest_bpf *skel = netlens_selftest_bpf__open();
	struct netlens_channel_info ci;

	if (!skel)
		return NULL;
	skel->rodata->target_tgid = tgid;
	if (netlens_dev_channel_info(fd, &ci) ||
	    (skel->rodata->netlens_channel = ci.handle,
	     netlens_selftest_bpf__load(skel)) ||
	    netlens_selftest_bpf__attach(skel)) {
		netlens_selftest_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

FIXTURE(kfunc) {
	struct netlens_selftest_bpf *skel;
	int fd;
};

FIXTURE_SETUP(kfunc)
{
	self->skel = NULL;
	self->fd = -1;
	SETUP_SKIP_IF_NO_MODULE(_metadata);
	self->fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, self->fd);
	/* The module's default rings. */
	ASSERT_EQ(0, netlens_dev_channel_setup(self->fd, 0, 0));
	self->skel = selftest_prog(self->fd, getpid());
	ASSERT_NE(NULL, self->skel)
		TH_LOG("tp_btf/selftest calling netlens_hist_add did not load");
}

FIXTURE_TEARDOWN(kfunc)
{
	netlens_selftest_bpf__destroy(self->skel);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(kfunc, values_reach_histogram)
{
	static const __u64 values[] = { 0, 1, 2, 3, 1000, 1023, 1024, 1ULL << 40 };
	__u64 want[NETLENS_HIST_SLOTS] = {}, sum = 0;
	struct netlens_hist h;
	unsigned int i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, values[i]));
		want[log2_slot(values[i])]++;
		sum += values[i];
	}
	ASSERT_EQ(0, netlens_dev_hist_read(self->fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(8, self->skel->bss->events_seen);
	EXPECT_EQ(0, self->skel->bss->kfunc_errors);
	EXPECT_EQ(8, h.total);
	EXPECT_EQ(sum, h.sum);
	for (i = 0; i < NETLENS_HIST_SLOTS; i++)
		EXPECT_EQ(want[i], h.slots[i]) TH_LOG("slot %u", i);
	/* Slot bounds as the UAPI documents them. */
	EXPECT_EQ(1, h.slots[0]);	/* 0 */
	EXPECT_EQ(1, h.slots[1]);	/* 1 */
	EXPECT_EQ(2, h.slots[2]);	/* 2, 3 */
	EXPECT_EQ(2, h.slots[10]);	/* 1000, 1023 */
	EXPECT_EQ(1, h.slots[11]);	/* 1024 */
	EXPECT_EQ(1, h.slots[41]);	/* 2^40 */

	ASSERT_EQ(0, netlens_dev_hist_reset(self->fd, NETLENS_HIST_SELFTEST));
	ASSERT_EQ(0, netlens_dev_hist_read(self->fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(0, h.total);
	EXPECT_EQ(0, h.sum);
}

TEST_F(kfunc, other_processes_filtered)
{
	struct netlens_hist h;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(netlens_dev_selftest(self->fd, 5) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, netlens_dev_hist_read(self->fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(0, self->skel->bss->events_seen);
	EXPECT_EQ(0, h.total);
}

/* ---- records: netlens_record_emit() kfunc -> per-CPU ring -> read() ---- */

#define SELFTEST_RECORD_SIZE \
	(sizeof(struct netlens_record) + sizeof(struct netlens_record_selftest))

struct seen_records {
	unsigned int n;
	__u64 values[16384];
	__u32 lost;		/* sum of the headers' lost fields */
	__u64 last_ts[64];	/* per CPU: timestamps must not go back */
	int errors;
};

static int collect_record(const struct netlens_record *rec, const void *data, void *ctx)
{
	struct seen_records *seen = ctx;
	struct netlens_record_selftest st;

	if (rec->type != NETLENS_RECORD_SELFTEST || rec->data_len != sizeof(st) ||
	    rec->size != SELFTEST_RECORD_SIZE || rec->cpu >= 64 ||
	    rec->ts_ns < seen->last_ts[rec->cpu] ||
	    seen->n >= sizeof(seen->values) / sizeof(seen->values[0])) {
		seen->errors++;
		return 0;
	}
	memcpy(&st, data, sizeof(st));
	if (st.pid != (__u32)getpid() || st.reserved)
		seen->errors++;
	seen->last_ts[rec->cpu] = rec->ts_ns;
	seen->lost += rec->lost;
	seen->values[seen->n++] = st.value;
	return 0;
}

/* Records pending now on @fd (the reader), read without blocking. */
static int drain_records(int fd, struct seen_records *seen)
{
	int flags = fcntl(fd, F_GETFL), ret;

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	ret = netlens_dev_records_drain(fd, collect_record, seen);
	fcntl(fd, F_SETFL, flags);
	return ret;
}

/* One CPU: one ring, so order and drop accounting are exact. */
TEST_F(kfunc, records_read_in_order)
{
	static struct seen_records seen;
	struct netlens_channel_info st;
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	unsigned int i;

	ASSERT_EQ(0, pin_to_cpu(0));
	EXPECT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("readable with no records");
	self->skel->bss->emit_records = true;
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, 1000 + i));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents & POLLIN);
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(100, st.records);
	EXPECT_EQ(100 * SELFTEST_RECORD_SIZE, st.unread_bytes);
	EXPECT_EQ(0, st.lost);
	EXPECT_LT(0, st.nr_rings);
	EXPECT_EQ(128 * 1024, st.ring_bytes);	/* the ring_kb default */
	EXPECT_EQ(1, st.wakeup_bytes);		/* 0 asked: every record */

	ASSERT_EQ(100, drain_records(self->fd, &seen));
	EXPECT_EQ(0, seen.errors);
	EXPECT_EQ(0, seen.lost);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(1000 + i, seen.values[i]);
	EXPECT_EQ(100, self->skel->bss->records_emitted);
	EXPECT_EQ(0, self->skel->bss->kfunc_errors);
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(0, st.unread_bytes);
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("still readable once drained");
}

TEST_F(kfunc, short_read_is_einval_and_keeps_the_record)
{
	char buf[SELFTEST_RECORD_SIZE * 2 - 8];
	struct netlens_record rec;
	struct netlens_record_selftest payload;

	self->skel->bss->emit_records = true;
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 7));
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 8));
	/* Smaller than a header, then smaller than the record. */
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(rec) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, read(self->fd, buf, SELFTEST_RECORD_SIZE - 1));
	EXPECT_EQ(EINVAL, errno);
	/* Room for one and a half: exactly one whole record. */
	ASSERT_EQ(SELFTEST_RECORD_SIZE, read(self->fd, buf, sizeof(buf)));
	memcpy(&rec, buf, sizeof(rec));
	memcpy(&payload, buf + sizeof(rec), sizeof(payload));
	EXPECT_EQ(NETLENS_RECORD_SELFTEST, rec.type);
	EXPECT_EQ(SELFTEST_RECORD_SIZE, rec.size);
	EXPECT_EQ(7, payload.value) TH_LOG("the refused reads lost a record");
	ASSERT_EQ(SELFTEST_RECORD_SIZE, read(self->fd, buf, sizeof(buf)));
	memcpy(&payload, buf + sizeof(rec), sizeof(payload));
	EXPECT_EQ(8, payload.value);
}

TEST_F(kfunc, bad_read_pointer_is_efault_and_keeps_the_record)
{
	static struct seen_records seen;
	/* A mapped page nobody may touch: the kernel's copy must fault. */
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, bad);
	self->skel->bss->emit_records = true;
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 99));
	EXPECT_EQ(-1, read(self->fd, bad, 4096));
	EXPECT_EQ(EFAULT, errno);
	munmap(bad, 4096);
	ASSERT_EQ(1, drain_records(self->fd, &seen));
	EXPECT_EQ(99, seen.values[0]);
}

TEST_F(kfunc, empty_nonblocking_read_is_eagain)
{
	char buf[4096];

	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/* Another open file is another channel: none of this one's records. */
TEST_F(kfunc, other_files_are_other_channels)
{
	struct pollfd pfd = { .events = POLLIN };
	struct netlens_channel_info ci;
	struct netlens_hist h;
	char buf[4096];
	int other = open(NETLENS_DEV_PATH, O_RDONLY | O_NONBLOCK);

	ASSERT_LE(0, other);
	/* No rings yet: nothing to read, poll says so at once. */
	EXPECT_EQ(-1, read(other, buf, sizeof(buf)));
	EXPECT_EQ(ENODATA, errno);
	pfd.fd = other;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents);
	ASSERT_EQ(0, netlens_dev_channel_setup(other, 4, 0));
	ASSERT_EQ(0, netlens_dev_channel_info(other, &ci));
	EXPECT_EQ(4096, ci.ring_bytes);
	self->skel->bss->emit_records = true;
	ASSERT_EQ(0, netlens_dev_selftest(other, 77));
	/* The program writes to self->fd's channel, whoever fired. */
	EXPECT_EQ(-1, read(other, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, netlens_dev_hist_read(other, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(0, h.total);
	/* Discarding its (no) records leaves this channel's alone. */
	EXPECT_EQ(0, netlens_dev_ring_reset(other));
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &ci));
	EXPECT_EQ(SELFTEST_RECORD_SIZE, ci.unread_bytes);
	ASSERT_EQ(0, netlens_dev_hist_read(self->fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(1, h.total);
	EXPECT_EQ(77, h.sum);
	close(other);
}

/* A reader blocked in read() or poll() wakes when a record arrives. */
TEST_F(kfunc, blocked_readers_wake)
{
	int use_poll, status;
	pid_t pid;

	self->skel->bss->emit_records = true;
	for (use_poll = 0; use_poll < 2; use_poll++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
			char buf[4096];

			alarm(20);	/* a lost wakeup fails, never hangs */
			if (use_poll && poll(&pfd, 1, -1) != 1)
				_exit(10);
			_exit(read(self->fd, buf, sizeof(buf)) == SELFTEST_RECORD_SIZE ? 0 : 11);
		}
		usleep(300000);	/* let it block first */
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, 5));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status)) TH_LOG("%s reader killed by signal %d",
						      use_poll ? "poll" : "read",
						      WTERMSIG(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

TEST_F(kfunc, full_ring_drops_are_counted)
{
	static struct seen_records seen;
	struct netlens_channel_info st;
	unsigned int i, capacity, fired;
	__u64 full;

	ASSERT_EQ(0, pin_to_cpu(0));
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	capacity = st.ring_bytes / SELFTEST_RECORD_SIZE;
	fired = capacity + 500;
	self->skel->bss->emit_records = true;
	for (i = 0; i < fired; i++)
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, i));
	full = self->skel->bss->records_ring_full;
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(capacity, st.records);
	EXPECT_EQ(fired - capacity, st.lost);
	EXPECT_EQ(st.lost, full) TH_LOG("the kfunc must report each drop");
	EXPECT_EQ(capacity, self->skel->bss->records_emitted);

	/* The survivors are the oldest, whole and in order. */
	ASSERT_EQ(capacity, drain_records(self->fd, &seen));
	EXPECT_EQ(0, seen.errors);
	for (i = 0; i < capacity; i++)
		if (seen.values[i] != i)
			break;
	EXPECT_EQ(capacity, i);
	EXPECT_EQ(0, seen.lost);
	/* The next record says how many went missing before it. */
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 123456));
	ASSERT_EQ(1, drain_records(self->fd, &seen));
	EXPECT_EQ(123456, seen.values[capacity]);
	EXPECT_EQ(fired - capacity, seen.lost);
}

TEST_F(kfunc, bad_emits_are_rejected)
{
	struct netlens_channel_info st;
	struct netlens_ring_stats before, after;

	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &before));
	self->skel->bss->emit_bad_once = true;
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 1));
	EXPECT_EQ(-EINVAL, self->skel->bss->bad_type_ret);
	EXPECT_EQ(-E2BIG, self->skel->bss->oversized_ret);
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(2, st.rejected);
	EXPECT_EQ(0, st.records);
	/* The module's totals include them. */
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &after));
	EXPECT_EQ(before.rejected + 2, after.rejected);
}

TEST_F(kfunc, ring_reset_discards)
{
	struct netlens_channel_info st;
	char buf[4096];

	self->skel->bss->emit_records = true;
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 1));
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 2));
	ASSERT_EQ(0, netlens_dev_ring_reset(self->fd));
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(2, st.records);	/* written, then discarded */
	EXPECT_EQ(0, st.unread_bytes);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/*
 * A discard is a read that throws the records away: the drops before it
 * are still announced by the next record, and stay counted.
 */
TEST_F(kfunc, ring_reset_keeps_drop_accounting)
{
	static struct seen_records seen;
	struct netlens_channel_info st;
	unsigned int i, capacity;

	ASSERT_EQ(0, pin_to_cpu(0));
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	capacity = st.ring_bytes / SELFTEST_RECORD_SIZE;
	self->skel->bss->emit_records = true;
	for (i = 0; i < capacity + 300; i++)
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, i));
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	ASSERT_EQ(300, st.lost);
	ASSERT_EQ(0, netlens_dev_ring_reset(self->fd));
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 42));
	ASSERT_EQ(1, drain_records(self->fd, &seen));
	EXPECT_EQ(42, seen.values[0]);
	EXPECT_EQ(300, seen.lost);
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(300, st.lost);
}

/* ---- channels: one per open file, each its own records and histograms ---- */

/* A child process fires @n selftest events with values from @base. */
static int fire_from_child(int fd, unsigned int n, __u64 base, pid_t *pid)
{
	int status;
	unsigned int i;

	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		for (i = 0; i < n; i++)
			if (netlens_dev_selftest(fd, base + i))
				_exit(1);
		_exit(0);
	}
	if (waitpid(*pid, &status, 0) != *pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Pass @fn each record of @ch read through its mapping. */
static int consume_mapped(struct netlens_channel *ch, struct seen_records *seen)
{
	return netlens_channel_consume(ch, collect_record, seen);
}

/*
 * Two programs, two channels: each channel holds exactly what its program
 * wrote.  The second program only takes a child's events, so the two
 * differ and a record in the wrong channel would show.
 */
TEST(channels_are_isolated)
{
	static struct seen_records seen_a, seen_b;
	struct netlens_selftest_bpf *a = NULL, *b = NULL;
	struct netlens_channel ca, cb;
	struct netlens_hist h;
	char err[256];
	pid_t child;
	int i;

	SKIP_IF_NO_MODULE(_metadata);
	ASSERT_EQ(0, netlens_channel_open(&ca, 0, 0, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, netlens_channel_open(&cb, 4, 0, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_NE(ca.info.handle, cb.info.handle);
	EXPECT_NE(NETLENS_CHANNEL_NONE, ca.info.handle);
	EXPECT_NE(NETLENS_CHANNEL_NONE, cb.info.handle);
	a = selftest_prog(ca.fd, getpid());
	ASSERT_NE(NULL, a);
	/* The child's pid is the next one: filter on it once known. */
	b = netlens_selftest_bpf__open();
	ASSERT_NE(NULL, b);
	b->rodata->netlens_channel = cb.info.handle;
	b->rodata->target_tgid = getpid() + 1000000;	/* for now: no one */
	ASSERT_EQ(0, netlens_selftest_bpf__load(b));
	ASSERT_EQ(0, netlens_selftest_bpf__attach(b));
	a->bss->emit_records = true;
	b->bss->emit_records = true;

	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, netlens_dev_selftest(ca.fd, 100 + i));
	ASSERT_EQ(0, fire_from_child(cb.fd, 5, 500, &child));
	EXPECT_EQ(10, consume_mapped(&ca, &seen_a));
	EXPECT_EQ(0, consume_mapped(&cb, &seen_b));
	for (i = 0; i < 10 && i < (int)seen_a.n; i++)
		EXPECT_EQ(100 + i, seen_a.values[i]);
	EXPECT_EQ(0, seen_a.errors);
	ASSERT_EQ(0, netlens_dev_hist_read(ca.fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(10, h.total);
	EXPECT_EQ(1045, h.sum);
	ASSERT_EQ(0, netlens_dev_hist_read(cb.fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(0, h.total);

	/* The same events reach both when both programs take them. */
	netlens_selftest_bpf__destroy(b);
	b = selftest_prog(cb.fd, getpid());
	ASSERT_NE(NULL, b);
	b->bss->emit_records = true;
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, netlens_dev_selftest(cb.fd, 1000 + i));
	EXPECT_EQ(20, consume_mapped(&ca, &seen_a));
	EXPECT_EQ(20, consume_mapped(&cb, &seen_b));
	EXPECT_EQ(30, seen_a.n);
	EXPECT_EQ(20, seen_b.n);
	for (i = 0; i < 20 && i < (int)seen_b.n; i++)
		EXPECT_EQ(1000 + i, seen_b.values[i]);
	EXPECT_EQ(0, seen_a.errors + seen_b.errors);
	ASSERT_EQ(0, netlens_dev_hist_read(cb.fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(20, h.total);
	netlens_selftest_bpf__destroy(a);
	netlens_selftest_bpf__destroy(b);
	netlens_channel_close(&ca);
	netlens_channel_close(&cb);
}

/*
 * The same events into two channels, one read through mmap and one with
 * read(), from every CPU: the two agree record for record, per CPU in order.
 */
TEST(mmap_and_read_agree)
{
	static struct seen_records by_mmap, by_read;
	struct netlens_selftest_bpf *a = NULL, *b = NULL;
	struct netlens_channel cm;
	int fd_read, cpus = sysconf(_SC_NPROCESSORS_ONLN), i, j;
	char err[256];

	SKIP_IF_NO_MODULE(_metadata);
	ASSERT_EQ(0, netlens_channel_open(&cm, 0, 0, err, sizeof(err))) TH_LOG("%s", err);
	fd_read = open(NETLENS_DEV_PATH, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd_read);
	ASSERT_EQ(0, netlens_dev_channel_setup(fd_read, 0, 0));
	a = selftest_prog(cm.fd, getpid());
	b = selftest_prog(fd_read, getpid());
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	a->bss->emit_records = b->bss->emit_records = true;
	for (i = 0; i < 3000; i++) {
		if (i % 100 == 0)
			pin_to_cpu((i / 100) % cpus);
		ASSERT_EQ(0, netlens_dev_selftest(fd_read, i));
		if (i % 500 == 499) {
			/* Both kinds of reader, interleaved with the writers. */
			ASSERT_LE(0, consume_mapped(&cm, &by_mmap));
			ASSERT_LE(0, netlens_dev_records_drain(fd_read, collect_record, &by_read));
		}
	}
	ASSERT_EQ(3000, by_mmap.n);
	ASSERT_EQ(3000, by_read.n);
	EXPECT_EQ(0, by_mmap.errors + by_read.errors + by_mmap.lost + by_read.lost);
	/*
	 * Each drain takes the rings in a different order, but each CPU's
	 * records come in the order written: sort both per value and compare.
	 */
	for (i = 0; i < 3000; i++) {
		for (j = 0; j < 3000 && by_read.values[j] != by_mmap.values[i]; j++)
			;
		if (j == 3000)
			break;
	}
	EXPECT_EQ(3000, i) TH_LOG("value %llu read through mmap, not by read()",
				  (unsigned long long)by_mmap.values[i < 3000 ? i : 0]);
	/* Nothing left, and the producer pages' counters say the same. */
	{
		struct netlens_channel_info ci;
		unsigned long long records = 0;

		ASSERT_EQ(0, netlens_dev_channel_info(cm.fd, &ci));
		EXPECT_EQ(3000, ci.records);
		EXPECT_EQ(0, ci.unread_bytes);
		for (i = 0; i < (int)cm.info.nr_rings; i++)
			if (cm.rings[i].prod)
				records += cm.rings[i].prod->records;
		EXPECT_EQ(3000, records);
		ASSERT_EQ(0, netlens_dev_channel_info(fd_read, &ci));
		EXPECT_EQ(0, ci.unread_bytes);
	}
	netlens_selftest_bpf__destroy(a);
	netlens_selftest_bpf__destroy(b);
	close(fd_read);
	netlens_channel_close(&cm);
}

/*
 * A channel closed with records unread and its program still attached:
 * the program's writes are refused (ENOENT) and counted, nothing breaks,
 * and a newer channel, even in the same slot, gets none of them.
 */
TEST(closed_channel_writes_are_refused)
{
	struct netlens_ring_stats before, after;
	struct netlens_selftest_bpf *skel;
	struct netlens_channel_info ci;
	struct netlens_hist h;
	int fd, ctl, i;
	__u32 old;

	SKIP_IF_NO_MODULE(_metadata);
	ctl = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, ctl);
	fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, netlens_dev_channel_setup(fd, 0, 0));
	ASSERT_EQ(0, netlens_dev_channel_info(fd, &ci));
	old = ci.handle;
	skel = selftest_prog(fd, getpid());
	ASSERT_NE(NULL, skel);
	skel->bss->emit_records = true;
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, netlens_dev_selftest(ctl, i));
	close(fd);	/* 50 records unread */
	/* Freed after a grace period: let it pass, then reuse the slot. */
	usleep(200000);
	fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, netlens_dev_channel_setup(fd, 0, 0));
	ASSERT_EQ(0, netlens_dev_channel_info(fd, &ci));
	EXPECT_NE(old, ci.handle) TH_LOG("a handle was reused");
	ASSERT_EQ(0, netlens_dev_ring_stats(ctl, &before));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, netlens_dev_selftest(ctl, i));
	ASSERT_EQ(0, netlens_dev_ring_stats(ctl, &after));
	/* Each event: one hist_add and one record_emit, both refused. */
	EXPECT_EQ(before.no_channel + 40, after.no_channel);
	EXPECT_EQ(70, skel->bss->events_seen);
	EXPECT_EQ(40, skel->bss->kfunc_errors);
	EXPECT_EQ(50, skel->bss->records_emitted);
	ASSERT_EQ(0, netlens_dev_channel_info(fd, &ci));
	EXPECT_EQ(0, ci.records);
	ASSERT_EQ(0, netlens_dev_hist_read(fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(0, h.total);
	netlens_selftest_bpf__destroy(skel);
	close(fd);
	close(ctl);
}

/* CHANNEL_SETUP once, with sizes in range; mmap only what a reader may. */
TEST(channel_setup_and_mmap_errors)
{
	struct netlens_channel_setup cs = {};
	struct netlens_channel_info ci;
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int fd;

	SKIP_IF_NO_MODULE(_metadata);
	fd = open(NETLENS_DEV_PATH, O_RDWR);
	ASSERT_LE(0, fd);
	/* No rings: nothing to map. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(ENODATA, errno);
	ASSERT_EQ(0, netlens_dev_channel_info(fd, &ci));
	EXPECT_EQ(0, ci.nr_rings);
	EXPECT_EQ(-EINVAL, netlens_dev_channel_setup(fd, 3, 0));
	EXPECT_EQ(-EINVAL, netlens_dev_channel_setup(fd, 100, 0));
	EXPECT_EQ(-EINVAL, netlens_dev_channel_setup(fd, 2097152, 0));	/* > ring_kb_max */
	cs.ring_kb = 8;
	cs.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, NETLENS_IOC_CHANNEL_SETUP, &cs));
	EXPECT_EQ(EINVAL, errno);
	cs.flags = 0;
	cs.reserved = 1;
	EXPECT_EQ(-1, ioctl(fd, NETLENS_IOC_CHANNEL_SETUP, &cs));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, NETLENS_IOC_CHANNEL_SETUP, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, netlens_dev_channel_setup(fd, 8, 1000000));
	EXPECT_EQ(-EBUSY, netlens_dev_channel_setup(fd, 8, 0));
	ASSERT_EQ(0, netlens_dev_channel_info(fd, &ci));
	EXPECT_EQ(8192, ci.ring_bytes);
	EXPECT_EQ(8192, ci.wakeup_bytes);	/* at most the ring */
	EXPECT_EQ((__u64)2 * page + 2 * 8192, ci.mmap_stride);
	EXPECT_EQ(2 * page, ci.meta_bytes);
	/* The consumer page may be written; nothing else may. */
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, page);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page));
	EXPECT_EQ(EPERM, errno);
	/* Read-only stays read-only. */
	p = mmap(NULL, page + 2 * 8192, PROT_READ, MAP_SHARED, fd, page);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, page + 2 * 8192);
	/* Past the ring: refused, not the next ring's pages. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * page + 2 * 8192, PROT_READ, MAP_SHARED, fd, page));
	EXPECT_NE(0, errno);
	/* Past the last ring. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page, PROT_READ, MAP_SHARED, fd,
				   (off_t)ci.nr_rings * ci.mmap_stride));
	EXPECT_EQ(ENXIO, errno);
	close(fd);
}

/* The user's end-to-end check, through more records than one ring holds. */
TEST(netlensctl_selftest)
{
	struct netlens_ring_stats before, after;
	char tool[512], out[8192];
	int fd;

	SKIP_IF_NO_MODULE(_metadata);
	ASSERT_NE(NULL, tool_path("netlensctl", tool, sizeof(tool)));

	fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, netlens_dev_ring_stats(fd, &before));
	EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s -n 5000 selftest 2>&1", tool)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "selftest: OK: 5000 events")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(histogram and records)")) TH_LOG("%s", out);
	/* The module's totals count the closed channel's records. */
	ASSERT_EQ(0, netlens_dev_ring_stats(fd, &after));
	EXPECT_EQ(before.records + 5000, after.records);
	EXPECT_EQ(before.lost, after.lost);
	EXPECT_EQ(before.channels, after.channels);
	close(fd);
	EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s -j ring 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "\"channels\":1,")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"unread_bytes\":0}")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s bogus 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "unknown command 'bogus'")) TH_LOG("%s", out);
}

FIXTURE(genl) {
	struct netlens_genl g;
};

FIXTURE_SETUP(genl)
{
	char err[256];

	self->g.sk = NULL;
	SETUP_SKIP_IF_NO_MODULE(_metadata);
	ASSERT_EQ(0, netlens_genl_open(&self->g, err, sizeof(err))) TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(genl)
{
	if (self->g.sk)
		netlens_genl_close(&self->g);
}

TEST_F(genl, family_and_group_resolve)
{
	EXPECT_LT(0, self->g.family);
	EXPECT_LT(0, self->g.scan_group);
}

TEST_F(genl, get_info)
{
	struct netlens_genl_info info;
	char ack[256];

	ASSERT_EQ(0, netlens_genl_get_info(&self->g, &info, ack, sizeof(ack)));
	EXPECT_STREQ(NETLENS_VERSION, info.version);
	EXPECT_EQ(NETLENS_ABI_VERSION, info.abi);
	EXPECT_EQ(0, info.listeners);
}

TEST_F(genl, listeners_counted)
{
	struct netlens_genl sub;
	struct netlens_genl_info info;
	char err[256], ack[256];

	ASSERT_EQ(0, netlens_genl_open(&sub, err, sizeof(err)));
	ASSERT_EQ(0, nl_socket_add_membership(sub.sk, sub.scan_group));
	ASSERT_EQ(0, netlens_genl_get_info(&self->g, &info, ack, sizeof(ack)));
	EXPECT_EQ(1, info.listeners);
	netlens_genl_close(&sub);
}

/* GET_INFO with attribute @type must fail with EINVAL and an ack message. */
static void get_info_with_attr(struct __test_metadata *_metadata,
			       struct netlens_genl *g, int type)
{
	struct nl_msg *msg = nlmsg_alloc();
	char ack[256];

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family,
				    0, NLM_F_REQUEST, NETLENS_CMD_GET_INFO,
				    NETLENS_GENL_VERSION));
	ASSERT_EQ(0, nla_put_u32(msg, type, 1));
	EXPECT_EQ(-EINVAL, netlens_genl_request(g, NETLENS_CMD_GET_INFO, msg,
						NULL, NULL, ack, sizeof(ack)));
	EXPECT_NE(0, strlen(ack)) TH_LOG("attribute %d: no extended ack message", type);
	TH_LOG("attribute %d: kernel said: %s", type, ack);
	nlmsg_free(msg);
}

TEST_F(genl, reply_only_attribute_rejected_with_ack)
{
	get_info_with_attr(_metadata, &self->g, NETLENS_A_INFO_ABI);
}

TEST_F(genl, unknown_attribute_rejected_with_ack)
{
	get_info_with_attr(_metadata, &self->g, NETLENS_A_INFO_MAX + 5);
}

TEST_F(genl, unknown_command_rejected)
{
	char ack[256];

	EXPECT_EQ(-EOPNOTSUPP, netlens_genl_request(&self->g, NETLENS_CMD_MAX + 1,
						    NULL, NULL, NULL, ack, sizeof(ack)));
}

/* Last: unload and reload, and nothing in the log but the taint notice. */
TEST(unload_reload_clean)
{
	const char *build = getenv("NETLENS_BUILD"), *kver = getenv("NETLENS_KVER");
	char out[8192];

	SKIP_IF_NO_MODULE(_metadata);
	if (!build || !kver)
		SKIP(return, "NETLENS_BUILD/NETLENS_KVER unset: not run by vmtest.sh");
	ASSERT_EQ(0, run_cmd(NULL, 0, "dmesg -C"));
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "rmmod netlens 2>&1")) TH_LOG("%s", out);
	EXPECT_FALSE(netlens_loaded());
	EXPECT_FALSE(path_exists(NETLENS_DEV_PATH));
	EXPECT_FALSE(path_exists("/sys/kernel/tracing/events/netlens"));
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "insmod %s/%s/netlens.ko 2>&1", build, kver))
		TH_LOG("%s", out);
	EXPECT_TRUE(path_exists(NETLENS_DEV_PATH));
	EXPECT_TRUE(path_exists("/sys/kernel/btf/netlens"));
	ASSERT_EQ(0, run_cmd(NULL, 0, "rmmod netlens && insmod %s/%s/netlens.ko", build, kver));
	run_cmd(out, sizeof(out), "dmesg | grep -E 'WARNING|BUG|Call Trace|kmemleak|refcount|netlens:' | grep -v 'taints kernel\\|signature and/or required key missing'");
	EXPECT_STREQ("", out);
}

/* Parameters out of range refuse the load (EINVAL), the range ends load. */
TEST(bad_module_parameters_refuse_the_load)
{
	static const char *const bad[] = {
		"skb_table_bits=9", "skb_table_bits=23", "skb_table_bits=4294967295",
		"ring_kb=3", "ring_kb=100", "ring_kb=131072",
		"max_sleepers=0", "max_sleepers=65537", "max_sleepers=x",
		"channels_max=0", "channels_max=1025", "ring_kb_max=100",
		"ring_kb_max=2097152", "ring_kb=256 ring_kb_max=128",
	};
	const char *build = getenv("NETLENS_BUILD"), *kver = getenv("NETLENS_KVER");
	char out[4096], name[64];
	unsigned int i;

	SKIP_IF_NO_MODULE(_metadata);
	if (!build || !kver)
		SKIP(return, "NETLENS_BUILD/NETLENS_KVER unset: not run by vmtest.sh");
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "rmmod netlens 2>&1")) TH_LOG("%s", out);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long long seq = kmsg_scan(0, NULL, NULL, 0);
		const char *said[2] = { name, NULL };

		EXPECT_NE(0, run_cmd(out, sizeof(out), "insmod %s/%s/netlens.ko %s 2>&1",
				     build, kver, bad[i]));
		/* kmod names EINVAL so. */
		EXPECT_NE(NULL, strstr(out, "Invalid parameters")) TH_LOG("%s: %s", bad[i], out);
		EXPECT_FALSE(netlens_loaded()) TH_LOG("%s loaded", bad[i]);
		/* The kernel log names the parameter and its range. */
		snprintf(name, sizeof(name), "netlens: %.*s=", (int)strcspn(bad[i], "="), bad[i]);
		kmsg_scan(seq, said, out, sizeof(out));
		EXPECT_NE(NULL, strstr(out, "must be")) TH_LOG("%s: log says '%s'", bad[i], out);
		if (netlens_loaded())
			run_cmd(NULL, 0, "rmmod netlens");
	}
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "insmod %s/%s/netlens.ko skb_table_bits=10 max_sleepers=1 2>&1",
			     build, kver)) TH_LOG("%s", out);
	ASSERT_EQ(0, run_cmd(out, sizeof(out),
			     "rmmod netlens && insmod %s/%s/netlens.ko skb_table_bits=22 max_sleepers=65536 2>&1",
			     build, kver)) TH_LOG("%s", out);
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "rmmod netlens && insmod %s/%s/netlens.ko 2>&1",
			     build, kver)) TH_LOG("%s", out);
}

/* Open /dev/netlens as nobody, with @group as supplementary group (-1: none). */
static int open_as_nobody(int group)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		gid_t groups[1] = { group };
		char err[256];
		int fd;

		if (setgroups(group >= 0 ? 1 : 0, groups) || setgid(65534) ||
		    setuid(65534))
			_exit(10);
		fd = netlens_dev_open(O_RDONLY, err, sizeof(err));
		if (fd >= 0) {
			struct netlens_channel ch;
			struct netlens_info info;

			if (netlens_dev_info(fd, &info))
				_exit(12);
			/* A channel of its own, rings mapped: all a tool needs. */
			_exit(netlens_channel_open(&ch, 4, 0, err, sizeof(err)) ? 13 : 0);
		}
		_exit(fd == -EACCES ? 1 : 11);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * As nobody in @group: open channels until refused.  Returns how many
 * opened, or -1; @err gets the tool library's message for the refusal.
 */
static int channels_as_nobody(int group, char *err, size_t errlen)
{
	int status, p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		gid_t groups[1] = { group };
		char why[256] = "";
		int n = 0;

		close(p[0]);
		if (setgroups(1, groups) || setgid(65534) || setuid(65534))
			_exit(255);
		while (n < 200 && netlens_dev_open(O_RDONLY, why, sizeof(why)) >= 0)
			n++;
		if (write(p[1], why, strlen(why)) < 0)
			_exit(255);
		_exit(n);
	}
	close(p[1]);
	memset(err, 0, errlen);
	if (pid > 0 && read(p[0], err, errlen - 1) < 0)
		err[0] = 0;
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Last too: reloads with monitor_gid, then as before. */
TEST(monitor_group_may_read)
{
	const char *build = getenv("NETLENS_BUILD"), *kver = getenv("NETLENS_KVER");
	char err[512];
	int fds[21], i;
	struct stat st;

	SKIP_IF_NO_MODULE(_metadata);
	if (!build || !kver)
		SKIP(return, "NETLENS_BUILD/NETLENS_KVER unset: not run by vmtest.sh");
	ASSERT_EQ(0, run_cmd(NULL, 0, "rmmod netlens && insmod %s/%s/netlens.ko monitor_gid=4321",
			     build, kver));
	ASSERT_EQ(0, stat(NETLENS_DEV_PATH, &st));
	EXPECT_EQ(0666, st.st_mode & 07777);
	EXPECT_EQ(0, open_as_nobody(4321));	/* in the group: may read */
	EXPECT_EQ(1, open_as_nobody(-1));	/* not in it: EACCES */
	EXPECT_EQ(1, open_as_nobody(4322));
	/* Each open file is a channel: a user may hold user_channels_max. */
	EXPECT_EQ(16, channels_as_nobody(4321, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "your user holds as many channels as it may (16 open files; module parameter user_channels_max)"))
		TH_LOG("%s", err);
	/* And all users together channels_max; root too. */
	ASSERT_EQ(0, run_cmd(NULL, 0, "rmmod netlens && insmod %s/%s/netlens.ko monitor_gid=4321 channels_max=20 user_channels_max=3",
			     build, kver));
	EXPECT_EQ(3, channels_as_nobody(4321, err, sizeof(err)));
	for (i = 0; i < 21; i++) {
		fds[i] = netlens_dev_open(O_RDONLY, err, sizeof(err));
		if (fds[i] < 0)
			break;
	}
	EXPECT_EQ(20, i);
	EXPECT_EQ(-ENFILE, fds[i < 21 ? i : 20]);
	EXPECT_NE(NULL, strstr(err, "every channel is in use (20 open files; module parameter channels_max)"))
		TH_LOG("%s", err);
	while (i-- > 0)
		close(fds[i]);
	ASSERT_EQ(0, run_cmd(NULL, 0, "rmmod netlens && insmod %s/%s/netlens.ko", build, kver));
	EXPECT_EQ(1, open_as_nobody(4321));	/* default: root only */
}

TEST_HARNESS_MAIN
