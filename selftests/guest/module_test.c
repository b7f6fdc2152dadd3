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
	self->skel = netlens_selftest_bpf__open();
	ASSERT_NE(NULL, self->skel);
	self->skel->rodata->target_tgid = getpid();
	ASSERT_EQ(0, netlens_selftest_bpf__load(self->skel))
		TH_LOG("tp_btf/selftest calling netlens_hist_add did not load");
	ASSERT_EQ(0, netlens_selftest_bpf__attach(self->skel));
	ASSERT_EQ(0, netlens_dev_hist_reset(self->fd, NETLENS_HIST_SELFTEST));
	ASSERT_EQ(0, netlens_dev_ring_reset(self->fd));
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
	struct netlens_ring_stats st;
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	unsigned int i;

	ASSERT_EQ(0, pin_to_cpu(0));
	EXPECT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("readable with no records");
	self->skel->bss->emit_records = true;
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, 1000 + i));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents & POLLIN);
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	EXPECT_EQ(100, st.records);
	EXPECT_EQ(100 * SELFTEST_RECORD_SIZE, st.bytes);
	EXPECT_EQ(st.bytes, st.unread_bytes);
	EXPECT_EQ(0, st.lost);
	EXPECT_LT(0, st.cpus);
	EXPECT_EQ(128 * 1024, st.ring_bytes);	/* the ring_kb default */

	ASSERT_EQ(100, drain_records(self->fd, &seen));
	EXPECT_EQ(0, seen.errors);
	EXPECT_EQ(0, seen.lost);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(1000 + i, seen.values[i]);
	EXPECT_EQ(100, self->skel->bss->records_emitted);
	EXPECT_EQ(0, self->skel->bss->kfunc_errors);
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
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

/* Reading consumes: a second reader would silently split the records. */
TEST_F(kfunc, one_reader_at_a_time)
{
	struct pollfd pfd = { .events = POLLIN };
	char buf[4096];
	int other = open(NETLENS_DEV_PATH, O_RDONLY | O_NONBLOCK);

	ASSERT_LE(0, other);
	/* The fixture's reset made self->fd the reader. */
	EXPECT_EQ(-1, read(other, buf, sizeof(buf)));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-EBUSY, netlens_dev_ring_reset(other));
	pfd.fd = other;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents);
	/* ioctls that only look are for everyone. */
	EXPECT_EQ(0, netlens_dev_selftest(other, 1));
	/* Once the reader is closed, the next one may read. */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(-1, read(other, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
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
	struct netlens_ring_stats st;
	unsigned int i, capacity, fired;
	__u64 full;

	ASSERT_EQ(0, pin_to_cpu(0));
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	capacity = st.ring_bytes / SELFTEST_RECORD_SIZE;
	fired = capacity + 500;
	self->skel->bss->emit_records = true;
	for (i = 0; i < fired; i++)
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, i));
	full = self->skel->bss->records_ring_full;
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
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
	struct netlens_ring_stats st;

	self->skel->bss->emit_bad_once = true;
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 1));
	EXPECT_EQ(-EINVAL, self->skel->bss->bad_type_ret);
	EXPECT_EQ(-E2BIG, self->skel->bss->oversized_ret);
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	EXPECT_EQ(2, st.rejected);
	EXPECT_EQ(0, st.records);
}

TEST_F(kfunc, ring_reset_discards_and_zeroes)
{
	struct netlens_ring_stats st;
	char buf[4096];

	self->skel->bss->emit_records = true;
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 1));
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 2));
	ASSERT_EQ(0, netlens_dev_ring_reset(self->fd));
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	EXPECT_EQ(0, st.records);
	EXPECT_EQ(0, st.unread_bytes);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/* Drops before a reset are not announced by the first record after it. */
TEST_F(kfunc, ring_reset_forgets_drops)
{
	static struct seen_records seen;
	struct netlens_ring_stats st;
	unsigned int i, capacity;

	ASSERT_EQ(0, pin_to_cpu(0));
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	capacity = st.ring_bytes / SELFTEST_RECORD_SIZE;
	self->skel->bss->emit_records = true;
	for (i = 0; i < capacity + 300; i++)
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, i));
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	ASSERT_EQ(300, st.lost);
	ASSERT_EQ(0, netlens_dev_ring_reset(self->fd));
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 42));
	ASSERT_EQ(1, drain_records(self->fd, &seen));
	EXPECT_EQ(42, seen.values[0]);
	EXPECT_EQ(0, seen.lost) TH_LOG("the record after the reset announced older drops");
	ASSERT_EQ(0, netlens_dev_ring_stats(self->fd, &st));
	EXPECT_EQ(0, st.lost);
}

/* The user's end-to-end check, through more records than one ring holds. */
TEST(netlensctl_selftest)
{
	char tool[512], out[8192];

	SKIP_IF_NO_MODULE(_metadata);
	ASSERT_NE(NULL, tool_path("netlensctl", tool, sizeof(tool)));
	EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s -n 5000 selftest 2>&1", tool)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "selftest: OK: 5000 events")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(histogram and records)")) TH_LOG("%s", out);
	EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s -j ring 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "\"records\":5000,")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"lost\":0,")) TH_LOG("%s", out);
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
			struct netlens_info info;

			_exit(netlens_dev_info(fd, &info) ? 12 : 0);
		}
		_exit(fd == -EACCES ? 1 : 11);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Last too: reloads with monitor_gid, then as before. */
TEST(monitor_group_may_read)
{
	const char *build = getenv("NETLENS_BUILD"), *kver = getenv("NETLENS_KVER");
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
	ASSERT_EQ(0, run_cmd(NULL, 0, "rmmod netlens && insmod %s/%s/netlens.ko", build, kver));
	EXPECT_EQ(1, open_as_nobody(4321));	/* default: root only */
}

TEST_HARNESS_MAIN
