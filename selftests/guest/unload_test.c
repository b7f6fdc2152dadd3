// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading netlens.ko is always safe: load/unload cycles, each under UDP
 * and TCP loopback traffic from a child running throughout, with every kind
 * of consumer the module has attached at the moment of the unload:
 *
 *   tracefs_*	 its events enabled through tracefs, which takes no module
 *		 reference: the unload must succeed, and the trace core then
 *		 disables the events after netlens_exit() (MODULE_STATE_GOING).
 *		 No netlens work item may be queued or run past that point: the
 *		 module's memory goes next.  Checked with the workqueue
 *		 tracepoints in a trace instance of our own, filtered to work
 *		 functions inside the module, after a kprobe marking the GOING
 *		 notifier call (netlens_exit() itself is notrace: __exit).  The
 *		 _fifo variant adds the adversarial case: a SCHED_FIFO busy task
 *		 on the CPU that runs the unload (at SCHED_FIFO above it) holds
 *		 that CPU's kworker off while the module goes;
 *   perf_*	 perf record on netlens:skb_free pins the module: refused,
 *		 then it succeeds once perf has gone;
 *   chardev_*	 /dev/netlens open, one reader blocked in read() and one in
 *		 poll(): refused, the readers undisturbed; it succeeds once they
 *		 are killed;
 *   genl_*	 a subscriber to the "scan" group (and, with mac80211_hwsim, a
 *		 scan in flight): the unload succeeds (or is refused cleanly),
 *		 the subscriber's socket is dropped from the group, and a
 *		 subscription after the reload works (hears a scan);
 *   bpf_*	 skblife's BPF programs (tp_btf, kfuncs): refused, no harm.
 *
 * Each case checks after every cycle that the events are disabled after
 * the reload and the kernel's taint flags, and its new kernel messages at
 * the end; tracefs_* and genl_* check that the slab caches (and vmalloc)
 * the module's life allocates from do not grow with the number of cycles;
 * the last test checks the whole run's kernel messages, the module's
 * reference count and the number of cycles.  Every test leaves the module
 * loaded.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "netlens_dev.h"
#include "netlens_genl.h"

/* Cycles per case, sized for a 1-vCPU TCG guest (~0.8 s per cycle there). */
#define TRACEFS_WARMUP	4	/* before the first slab snapshot */
#define TRACEFS_HALF	22	/* cycles between snapshots: 4 + 22 + 22 */
#define FIFO_CYCLES	10
#define PERF_CYCLES	2
#define CHARDEV_CYCLES	10
#define GENL_HALF	13	/* 2 + 13 + 13 */
#define GENL_WARMUP	2
#define BPF_CYCLES	3
#define TOTAL_MIN	100

#define TRACING		"/sys/kernel/tracing"
#define INSTANCE	TRACING "/instances/netlens_unload"
#define KPROBE_GROUP	"netlens_unload"
#define CYCLES_FILE	"/tmp/netlens_unload_cycles"
#ifndef NETLINK_LIST_MEMBERSHIPS
#define NETLINK_LIST_MEMBERSHIPS 9
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A "# " line now: the test runs in a child that leaves by _exit(). */
#define note(fmt, ...) do { ksft_print_msg(fmt, ##__VA_ARGS__); fflush(stdout); } while (0)

/* ---- the module ---------------------------------------------------------- */

static bool g_loaded_at_start;
static char g_params[512];		/* to load it back as it was */
static unsigned long long g_kmsg_seq;	/* kernel log at the binary's start */

/*
 * A copy in the guest's own tmpfs, made at the start: the tests load the
 * module back a hundred times, and none of those loads should depend on
 * the 9p share the build directory comes through.
 */
#define LOCAL_MODULE	"/run/netlens-unload-test.ko"
static bool g_local_copy;

static const char *build_module_path(char *buf, size_t len)
{
	const char *build = getenv("NETLENS_BUILD"), *kver = getenv("NETLENS_KVER");

	if (!build || !kver)
		return NULL;
	snprintf(buf, len, "%s/%s/netlens.ko", build, kver);
	return path_exists(buf) ? buf : NULL;
}

static const char *module_path(char *buf, size_t len)
{
	if (!g_local_copy)
		return build_module_path(buf, len);
	snprintf(buf, len, "%s", LOCAL_MODULE);
	return path_exists(buf) ? buf : NULL;
}

/* finit_module(), as insmod does; 0 or -errno. */
static int load_module(void)
{
	char path[512];
	int fd, ret;

	if (!module_path(path, sizeof(path)))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, g_params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* delete_module(O_NONBLOCK), as rmmod does; 0 or -errno (-EAGAIN: in use). */
static int unload_module(void)
{
	return syscall(SYS_delete_module, "netlens", O_NONBLOCK) ? -errno : 0;
}

static bool in_use(int err)
{
	return err == -EAGAIN || err == -EBUSY;
}

/*
 * After the last user went: references held by released files, perf
 * events and BPF programs may still be dropped a moment later (RCU).
 */
static int unload_module_wait(int ms, int *waited_ms)
{
	long long start = now_ms();
	int ret;

	while (in_use(ret = unload_module()) && now_ms() - start < ms)
		usleep(20000);
	if (waited_ms)
		*waited_ms = now_ms() - start;
	return ret;
}

static int ensure_loaded(void)
{
	int ret;

	if (netlens_loaded())
		return 0;
	ret = load_module();
	return ret == -EEXIST ? 0 : ret;
}

static int module_refcnt(void)
{
	char buf[32];

	if (read_text_file("/sys/module/netlens/refcnt", buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/* netlens's line of /proc/modules. */
static int module_line(unsigned long *base, unsigned long *size, int *refcnt)
{
	char line[512], name[64], deps[256], state[16];
	unsigned long sz, addr;
	int ref, ret = -ENOENT;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %d %255s %15s %lx", name, &sz, &ref,
			   deps, state, &addr) != 6 || strcmp(name, "netlens"))
			continue;
		if (base)
			*base = addr;
		if (size)
			*size = sz;
		if (refcnt)
			*refcnt = ref;
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* rmmod(8) itself: refused, saying the module is in use. */
static bool rmmod_refused(char *out, size_t len)
{
	return run_cmd(out, len, "rmmod netlens 2>&1") != 0 && strstr(out, "in use") &&
	       netlens_loaded();
}

static void __attribute__((constructor)) unload_test_init(void)
{
	DIR *d;
	struct dirent *de;
	size_t used = 0;
	char ko[512];

	unlink(CYCLES_FILE);
	g_loaded_at_start = netlens_loaded();
	if (g_loaded_at_start && build_module_path(ko, sizeof(ko)))
		g_local_copy = !run_cmd(NULL, 0, "cp '%s' " LOCAL_MODULE, ko);
	d = opendir("/sys/module/netlens/parameters");
	while (d && (de = readdir(d))) {
		char path[300], val[64];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/module/netlens/parameters/%s", de->d_name);
		if (!read_text_file(path, val, sizeof(val)) && used < sizeof(g_params) - 100)
			used += snprintf(g_params + used, sizeof(g_params) - used, "%s%s=%s",
					 used ? " " : "", de->d_name, val);
	}
	if (d)
		closedir(d);
}

/* ---- what the kernel says ---------------------------------------------- */

/* Taints that mean something went wrong: bad page, die (oops), warning, soft lockup. */
#define BAD_TAINTS ((1UL << 5) | (1UL << 7) | (1UL << 9) | (1UL << 14))

static unsigned long tainted(void)
{
	char buf[32];

	if (read_text_file("/proc/sys/kernel/tainted", buf, sizeof(buf)))
		return 0;
	return strtoul(buf, NULL, 10);
}

static void __attribute__((constructor)) unload_test_kmsg(void)
{
	g_kmsg_seq = kmsg_scan(0, NULL, NULL, 0);
}

/* ---- tracefs ------------------------------------------------------------- */

static int write_append(const char *path, const char *text)
{
	ssize_t len = strlen(text), n;
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	n = n == len ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return n;
}

/* Names of the events under events/netlens. */
static int netlens_events(char names[][32], int max)
{
	DIR *d = opendir(TRACING "/events/netlens");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max) {
		char path[300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), TRACING "/events/netlens/%s/enable", de->d_name);
		if (!path_exists(path) || strlen(de->d_name) >= 32)
			continue;
		strcpy(names[n++], de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* Write @on to every events/netlens/X/enable; the number of events, -errno. */
static int netlens_events_enable(int on, char *failed, size_t len)
{
	char names[16][32], path[300];
	int i, n = netlens_events(names, 16), ret;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), TRACING "/events/netlens/%.31s/enable", names[i]);
		ret = write_text_file(path, on ? "1" : "0");
		if (ret) {
			snprintf(failed, len, "%.31s", names[i]);
			return ret;
		}
	}
	return n;
}

/* Events whose enable is not 0 after a load, in @which; their count. */
static int netlens_events_enabled(char *which, size_t len)
{
	char names[16][32], path[300], val[16];
	int i, n = netlens_events(names, 16), on = 0;
	size_t used = 0;

	which[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), TRACING "/events/netlens/%.31s/enable", names[i]);
		if (read_text_file(path, val, sizeof(val)) || val[0] != '0') {
			on++;
			used += snprintf(which + used, len - used, "%s=%s ", names[i], val);
		}
	}
	return n ? on : -1;
}

/*
 * Work items of the module queued or run after its exit: workqueue
 * tracepoints in an instance of our own (its buffer is not flooded by the
 * netlens events, which go to the top level), filtered to work functions
 * in the module's memory.  The marker is the entry of the module
 * notifier's GOING call, right after mod->exit() returned.
 */
struct wq_watch {
	bool marker;			/* the kprobe marker is in place */
};

static int wq_watch_setup(struct wq_watch *w)
{
	char line[128], filter[128], out[128];
	int ret;

	memset(w, 0, sizeof(*w));
	rmdir(INSTANCE);
	if (mkdir(INSTANCE, 0755) && errno != EEXIST)
		return -errno;
	ret = write_append(TRACING "/kprobe_events",
			   "p:" KPROBE_GROUP "/going blocking_notifier_call_chain nh=%di:x64 val=%si:u64");
	if (!ret || ret == -EEXIST || ret == -EBUSY) {
		/* MODULE_STATE_GOING on module_notify_list (if kallsyms has it). */
		snprintf(filter, sizeof(filter), "val == 2");
		if (!run_cmd(out, sizeof(out), "awk '$3 == \"module_notify_list\" { print $1; exit }' /proc/kallsyms") &&
		    strlen(out) > 8) {
			out[strcspn(out, "\n")] = '\0';
			snprintf(filter, sizeof(filter), "val == 2 && nh == 0x%s", out);
		}
		w->marker = !write_text_file(INSTANCE "/events/" KPROBE_GROUP "/going/filter", filter) &&
			    !write_text_file(INSTANCE "/events/" KPROBE_GROUP "/going/enable", "1");
	}
	snprintf(line, sizeof(line), INSTANCE "/events/workqueue/workqueue_queue_work/enable");
	ret = write_text_file(line, "1");
	if (ret)
		return ret;
	return write_text_file(INSTANCE "/events/workqueue/workqueue_execute_start/enable", "1");
}

static void wq_watch_teardown(struct wq_watch *w)
{
	write_text_file(INSTANCE "/events/" KPROBE_GROUP "/going/enable", "0");
	write_text_file(INSTANCE "/events/workqueue/enable", "0");
	rmdir(INSTANCE);
	write_append(TRACING "/kprobe_events", "-:" KPROBE_GROUP "/going");
}

/* Before an unload: filter to the loaded module's range. */
static int wq_watch_arm_noclear(void)
{
	static const char *const ev[] = { "workqueue_queue_work", "workqueue_execute_start" };
	unsigned long base, size;
	char path[256], filter[128];
	int i, ret;

	ret = module_line(&base, &size, NULL);
	if (ret)
		return ret;
	if (!base)
		return -EPERM;	/* addresses hidden (kptr_restrict) */
	snprintf(filter, sizeof(filter), "function >= 0x%lx && function < 0x%lx",
		 base, base + size);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), INSTANCE "/events/workqueue/%s/filter", ev[i]);
		ret = write_text_file(path, filter);
		if (ret)
			return ret;
	}
	return 0;
}

/* ...and empty the buffer. */
static int wq_watch_arm(struct wq_watch *w)
{
	return wq_watch_arm_noclear() ?: write_text_file(INSTANCE "/trace", "");
}

/*
 * After the unload: netlens work queued or run past the marker (without
 * the marker: at all), the first such line into @line.  -1 if the marker
 * is in place but did not fire.
 */
static int wq_watch_check(struct wq_watch *w, char *line, size_t len)
{
	static char buf[256 * 1024];
	bool past = !w->marker;
	int fd, after = 0;
	size_t used = 0;
	ssize_t n;
	char *p, *eol;

	line[0] = '\0';
	fd = open(INSTANCE "/trace", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (used < sizeof(buf) - 1 && (n = read(fd, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += n;
	close(fd);
	buf[used] = '\0';
	for (p = buf; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p) - 1;
		if (*p == '#')
			continue;
		if (strstr(p, " going: ") && p < eol) {
			past = true;
		} else if (past && (strstr(p, "workqueue_queue_work:") ||
				    strstr(p, "workqueue_execute_start:"))) {
			size_t used = strlen(line);

			/* The first few, one per line. */
			if (after++ < 4 && used + 2 < len)
				snprintf(line + used, len - used, "\n%.*s", (int)(eol - p), p);
		}
		if (!eol[1])
			break;
	}
	return past ? after : -1;
}

/* ---- slab caches and vmalloc -------------------------------------------- */

/*
 * Caches whose objects the module's life creates and its unload frees:
 * trace event files and fields (its events), kernfs nodes (its sysfs
 * directory, the misc device), vmalloc areas (its memory, the skb table),
 * tracefs inodes (6.12) and every kmalloc size it and those use.  Each is
 * shrunk before it is counted, so per-CPU slabs do not hide frees.
 */
#define SLAB_MAX 320	/* kmalloc-rnd-* multiply the kmalloc caches */

struct slab_snap {
	int n;
	char name[SLAB_MAX][32];
	long objs[SLAB_MAX];
	long vmalloc_kb;
};

static bool slab_watched(const char *name)
{
	static const char *const fixed[] = {
		"trace_event_file", "ftrace_event_field", "kernfs_node_cache",
		"vmap_area", "tracefs_inode_cache", NULL
	};
	int i;

	if (!strncmp(name, "kmalloc-", 8))
		return true;
	for (i = 0; fixed[i]; i++)
		if (!strcmp(name, fixed[i]))
			return true;
	return false;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/*
 * Objects in use, the least of readings 300 ms apart until none goes
 * down any more (at most ten): what a reading adds to the truth is frees
 * still pending, never leaks.  Slow ones: tracepoint probe arrays, which
 * every (un)hook of the module frees after an RCU tasks-trace grace period.
 */
#define SETTLE_ROUNDS		20	/* of 300 ms: 6 s without a drop */
#define SETTLE_ROUNDS_MAX	60

static int slab_snapshot(struct slab_snap *s, pid_t traffic)
{
	char line[512], name[64], path[300];
	long active, vkb;
	int round, quiet, i;
	FILE *f;

	memset(s, 0, sizeof(*s));
	/* Quiet: no traffic, deferred frees (RCU) done. */
	if (traffic > 0)
		kill(traffic, SIGSTOP);
	usleep(300000);
	f = fopen("/proc/slabinfo", "re");
	if (!f) {
		if (traffic > 0)
			kill(traffic, SIGCONT);
		return -errno;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &active) == 2 && slab_watched(name) &&
		    s->n < SLAB_MAX) {
			snprintf(s->name[s->n], 32, "%.31s", name);
			s->objs[s->n++] = -1;
		}
	fclose(f);
	s->vmalloc_kb = -1;
	/*
	 * The lowest counts once nothing has dropped for longer than
	 * kfree_rcu() batches frees (up to 5 s): a count that is still
	 * falling is a free in flight, not a leak.
	 */
	for (round = 0, quiet = 0; round < SETTLE_ROUNDS_MAX && quiet < SETTLE_ROUNDS; round++) {
		bool lower = false;

		if (round)
			usleep(300000);
		/* Per-CPU slabs flushed: their free objects count as free. */
		for (i = 0; i < s->n; i++) {
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", s->name[i]);
			write_text_file(path, "1");
		}
		f = fopen("/proc/slabinfo", "re");
		while (f && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%63s %ld", name, &active) != 2)
				continue;
			for (i = 0; i < s->n; i++)
				if (!strcmp(s->name[i], name) &&
				    (s->objs[i] < 0 || active < s->objs[i])) {
					lower |= s->objs[i] >= 0;
					s->objs[i] = active;
				}
		}
		if (f)
			fclose(f);
		vkb = meminfo_kb("VmallocUsed");
		if (s->vmalloc_kb < 0 || vkb < s->vmalloc_kb) {
			lower |= s->vmalloc_kb >= 0;
			s->vmalloc_kb = vkb;
		}
		quiet = lower ? 0 : quiet + 1;
	}
	if (traffic > 0)
		kill(traffic, SIGCONT);
	return 0;
}

static long slab_objs(const struct slab_snap *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return s->objs[i];
	return -1;
}

/*
 * @a after the warm-up, @b after @n more cycles, @c after @n more: a leak
 * grows a count by about the same amount in each half, proportional to
 * @n; noise (frees still pending, tens of objects on 4 vCPUs) does not
 * grow twice alike.  Fails on growth of at least 3/4 object per cycle in
 * both halves, the larger at most twice the smaller (vmalloc: 16 kB per
 * cycle).  One kmalloc object leaked per cycle shows as +22 +23.
 */
static bool leak_like(long g1, long g2, long min)
{
	long lo = g1 < g2 ? g1 : g2, hi = g1 < g2 ? g2 : g1;

	return lo >= min && hi <= 2 * lo;
}

static void slab_check(struct __test_metadata *_metadata, const char *what,
		       const struct slab_snap *a, const struct slab_snap *b,
		       const struct slab_snap *c, int n)
{
	long g1, g2, sa = 0, sb = 0, sc = 0;
	char report[4096];
	size_t used = 0;
	int i;

	for (i = 0; i < a->n; i++) {
		long vb = slab_objs(b, a->name[i]), vc = slab_objs(c, a->name[i]);

		if (vb < 0 || vc < 0)
			continue;
		g1 = vb - a->objs[i];
		g2 = vc - vb;
		if (!strncmp(a->name[i], "kmalloc-", 8)) {
			sa += a->objs[i];
			sb += vb;
			sc += vc;
		}
		if (g1 || g2)
			used += snprintf(report + used, sizeof(report) - used, " %s %+ld %+ld;",
					 a->name[i], g1, g2);
		if (used > sizeof(report) - 100)
			used = sizeof(report) - 100;
		EXPECT_FALSE(leak_like(g1, g2, (3 * n + 3) / 4))
			TH_LOG("%s: %s grew by %ld and %ld objects in two runs of %d cycles: a leak",
			       what, a->name[i], g1, g2, n);
	}
	note("%s: growth over %d + %d cycles of %d slab caches:%s kmalloc-* total %ld %+ld %+ld; kernfs_node_cache %ld; vmalloc %ld kB %+ld %+ld\n",
		       what, n, n, a->n, used ? report : " none other;", sa, sb - sa, sc - sb,
		       slab_objs(a, "kernfs_node_cache"), a->vmalloc_kb,
		       b->vmalloc_kb - a->vmalloc_kb, c->vmalloc_kb - b->vmalloc_kb);
	ASSERT_LT(0, sa) TH_LOG("no kmalloc cache in /proc/slabinfo");
	g1 = b->vmalloc_kb - a->vmalloc_kb;
	g2 = c->vmalloc_kb - b->vmalloc_kb;
	EXPECT_FALSE(leak_like(g1, g2, 16L * n))
		TH_LOG("%s: vmalloc grew by %ld and %ld kB in two runs of %d cycles: a leak",
		       what, g1, g2, n);
}

/* ---- the traffic --------------------------------------------------------- */

struct shared {
	long traffic_iters;
	long traffic_errors;
	char traffic_err[128];
	long long busy_until_ms;	/* FIFO busy task: stop at this time... */
	long long unloaded_ms;		/* ...or 200 ms after this one */
	long long unload_start_ms;
	long busy_capped;		/* times the busy task ran into its bound */
};

/* UDP datagrams and a TCP stream over loopback, until killed. */
static void traffic_child(struct shared *sh)
{
	struct sockaddr_in ua = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in ta = ua;
	struct timeval tv = { .tv_sec = 2 };
	socklen_t alen = sizeof(ua);
	int u, r, l, c, s, i;
	char buf[1400] = { 0 };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpriority(PRIO_PROCESS, 0, 5);	/* the cycles first, on one vCPU */
	u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (u < 0 || r < 0 || l < 0 || c < 0 || bind(r, (void *)&ua, sizeof(ua)) ||
	    getsockname(r, (void *)&ua, &alen) || bind(l, (void *)&ta, sizeof(ta)) ||
	    listen(l, 1) || (alen = sizeof(ta), getsockname(l, (void *)&ta, &alen)) ||
	    connect(c, (void *)&ta, sizeof(ta)) || (s = accept(l, NULL, NULL)) < 0) {
		snprintf(sh->traffic_err, sizeof(sh->traffic_err), "setup: %s", strerror(errno));
		__atomic_add_fetch(&sh->traffic_errors, 1, __ATOMIC_RELAXED);
		_exit(1);
	}
	setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		size_t got = 0;
		ssize_t n;
		bool bad = false;

		for (i = 0; i < 8; i++)
			if (sendto(u, buf, 200, 0, (void *)&ua, sizeof(ua)) != 200 ||
			    recv(r, buf, sizeof(buf), 0) != 200)
				bad = true;
		if (write(c, buf, sizeof(buf)) != sizeof(buf))
			bad = true;
		while (!bad && got < sizeof(buf)) {
			n = read(s, buf, sizeof(buf) - got);
			if (n <= 0)
				bad = true;
			else
				got += n;
		}
		if (bad) {
			snprintf(sh->traffic_err, sizeof(sh->traffic_err), "%s", strerror(errno));
			__atomic_add_fetch(&sh->traffic_errors, 1, __ATOMIC_RELAXED);
		}
		__atomic_add_fetch(&sh->traffic_iters, 1, __ATOMIC_RELAXED);
		usleep(1000);
	}
}

/* ---- the fixture --------------------------------------------------------- */

FIXTURE(unload) {
	struct shared *sh;
	pid_t traffic;
	long traffic0;
	struct wq_watch wq;
	unsigned long long kmsg_seq;
	unsigned long taint0;
	long long t0;
	int cycles;
	pid_t kids[4];
	bool hwsim;		/* mac80211_hwsim loaded by this test */
};

FIXTURE_SETUP(unload)
{
	char path[512];

	self->sh = NULL;
	self->traffic = 0;
	if (!g_loaded_at_start)
		SETUP_SKIP("netlens.ko not loaded on %s (the guests test it)",
			   getenv("NETLENS_KVER") ?: "this kernel");
	if (!module_path(path, sizeof(path)))
		SETUP_SKIP("$NETLENS_BUILD/$NETLENS_KVER/netlens.ko not found: it could not be loaded back");
	if (!path_exists(TRACING "/events"))
		SETUP_SKIP("no tracefs at " TRACING);
	ASSERT_EQ(0, ensure_loaded());
	self->kmsg_seq = kmsg_scan(0, NULL, NULL, 0);
	self->taint0 = tainted();
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
	self->traffic = fork();
	ASSERT_LE(0, self->traffic);
	if (!self->traffic)
		traffic_child(self->sh);
	ASSERT_EQ(0, wq_watch_setup(&self->wq)) TH_LOG("cannot set up the workqueue trace instance");
	/* The traffic flows before the first cycle. */
	for (int i = 0; i < 200 && !self->sh->traffic_iters; i++)
		usleep(10000);
	self->traffic0 = self->sh->traffic_iters;
	ASSERT_LT(0, self->traffic0) TH_LOG("no loopback traffic: %s", self->sh->traffic_err);
	self->t0 = now_ms();
}

FIXTURE_TEARDOWN(unload)
{
	const char *name = _metadata->name;
	char bad[4096], failed[64];
	long long ms = now_ms() - self->t0;
	int i, fd;

	/* The 6.1 harness leaves it set after a failed ASSERT: no stray logs. */
	_metadata->trigger = 0;

	for (i = 0; i < 4; i++)
		if (self->kids[i] > 0) {
			kill(self->kids[i], SIGKILL);
			waitpid(self->kids[i], NULL, 0);
		}
	if (self->traffic > 0) {
		/* Traffic went on through every unload. */
		int st = 0;
		pid_t w = waitpid(self->traffic, &st, WNOHANG);

		EXPECT_EQ(0, w) TH_LOG("the traffic child died: waitpid %d status %#x errno %s, %s",
				       w, st, strerror(errno), self->sh->traffic_err);
		if (self->cycles)
			EXPECT_LT(self->traffic0, self->sh->traffic_iters);
		EXPECT_EQ(0, self->sh->traffic_errors) TH_LOG("traffic: %s", self->sh->traffic_err);
		kill(self->traffic, SIGKILL);
		waitpid(self->traffic, NULL, 0);
	}
	wq_watch_teardown(&self->wq);
	EXPECT_EQ(0, ensure_loaded()) TH_LOG("netlens.ko could not be loaded back");
	netlens_events_enable(0, failed, sizeof(failed));
	if (self->hwsim)
		run_cmd(NULL, 0, "rmmod mac80211_hwsim; rmmod mac80211; rmmod cfg80211");
	kmsg_scan(self->kmsg_seq, NULL, bad, sizeof(bad));
	EXPECT_STREQ("", bad);
	EXPECT_EQ(0, tainted() & BAD_TAINTS & ~self->taint0);
	note("%s: %d load/unload cycles in %lld.%lld s (%lld ms each), %ld traffic rounds\n",
		       name, self->cycles, ms / 1000, ms % 1000 / 100,
		       self->cycles ? ms / self->cycles : 0,
		       self->sh ? self->sh->traffic_iters : 0);
	fd = open(CYCLES_FILE, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dprintf(fd, "%s %d\n", name, self->cycles);
		close(fd);
	}
	if (self->sh)
		munmap(self->sh, sizeof(*self->sh));
}

/* After every cycle: loaded again, events off, nothing tainted the kernel. */
static void after_reload(struct __test_metadata *_metadata, FIXTURE_DATA(unload) *self)
{
	char which[512];

	ASSERT_EQ(0, netlens_events_enabled(which, sizeof(which)))
		TH_LOG("cycle %d: events enabled after the reload: %s", self->cycles, which);
	ASSERT_EQ(0, tainted() & BAD_TAINTS & ~self->taint0)
		TH_LOG("cycle %d: the kernel is tainted %lu", self->cycles, tainted());
	ASSERT_EQ(0, kill(self->traffic, 0)) TH_LOG("the traffic child died");
}

static int wait_armed(int want)
{
	int fd = open(NETLENS_DEV_PATH, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = wait_skb_armed(fd, want);
	close(fd);
	return ret;
}

/*
 * One cycle with every netlens event enabled through tracefs at the
 * unload: right after enabling (the arming work may be pending or running)
 * or once the skb hooks are armed.  No netlens work past its exit.
 */
static void tracefs_cycle(struct __test_metadata *_metadata, FIXTURE_DATA(unload) *self,
			  bool armed)
{
	char failed[64] = "", line[2048];
	int n;

	n = netlens_events_enable(1, failed, sizeof(failed));
	ASSERT_LE(4, n) TH_LOG("cannot enable netlens:%s through tracefs (%d)", failed, n);
	if (armed)
		ASSERT_EQ(0, wait_armed(1)) TH_LOG("skb hooks not armed");
	ASSERT_EQ(0, wq_watch_arm(&self->wq));
	ASSERT_EQ(0, unload_module())
		TH_LOG("cycle %d: unload with events enabled through tracefs refused", self->cycles);
	ASSERT_FALSE(netlens_loaded());
	n = wq_watch_check(&self->wq, line, sizeof(line));
	ASSERT_LE(0, n) TH_LOG("cycle %d: the GOING marker kprobe did not fire", self->cycles);
	ASSERT_EQ(0, n)
		TH_LOG("cycle %d (%s): %d netlens work items queued or run after netlens_exit():%s",
		       self->cycles, armed ? "hooks armed" : "just enabled", n, line);
	ASSERT_EQ(0, load_module());
	self->cycles++;
	after_reload(_metadata, self);
}

/*
 * Every enable arms the hooks before it returns and every unload removes
 * them: two live-patching passes (ftrace, and the kretprobe on 6.12) a
 * cycle, up to 5 s a cycle on a 4-vCPU TCG guest (0.8 s on 1 vCPU).
 */
TEST_F_TIMEOUT(unload, tracefs_events_enabled, 600)
{
	struct slab_snap a, b, c;
	int i;

	for (i = 0; i < TRACEFS_WARMUP; i++)
		tracefs_cycle(_metadata, self, i % 2);
	ASSERT_EQ(0, slab_snapshot(&a, self->traffic));
	for (i = 0; i < TRACEFS_HALF; i++)
		tracefs_cycle(_metadata, self, i % 2);
	ASSERT_EQ(0, slab_snapshot(&b, self->traffic));
	for (i = 0; i < TRACEFS_HALF; i++)
		tracefs_cycle(_metadata, self, i % 2);
	ASSERT_EQ(0, slab_snapshot(&c, self->traffic));
	slab_check(_metadata, "tracefs", &a, &b, &c, TRACEFS_HALF);
}

/*
 * The adversarial unload: the events are enabled and the module unloaded
 * by this process pinned to CPU @cpu at SCHED_FIFO 2, with a SCHED_FIFO 1
 * busy task on the same CPU.  Whenever the unload sleeps the busy task
 * runs, not that CPU's kworker, until 200 ms after the unload returned or
 * for 1 s at most (sched_rt_runtime_us throttling gives SCHED_OTHER tasks
 * 50 ms a second meanwhile, and the unload may wait for one of them: then
 * it goes on once the busy task is done).  The arming work the enabling
 * queued on that CPU is still pending, so the exit cancels it and reaches
 * MODULE_STATE_GOING fast; work queued from there on (schedule_work()
 * queues on the local CPU) is held off while the module goes.  Returns
 * what the unload returned, 1 if the scheduling could not be set up;
 * *@err: what could not.
 */
static int fifo_unload(struct shared *sh, int cpu, const char **err)
{
	struct sched_param hi = { .sched_priority = 2 }, lo = { .sched_priority = 1 };
	struct sched_param other = { .sched_priority = 0 };
	char failed[64];
	cpu_set_t one, all;
	int ret = -1, st;
	pid_t busy;

	*err = NULL;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_getaffinity(0, sizeof(all), &all) ||
	    sched_setaffinity(0, sizeof(one), &one)) {
		*err = "sched_setaffinity";
		return 1;
	}
	if (sched_setscheduler(0, SCHED_FIFO, &hi)) {
		*err = "sched_setscheduler(SCHED_FIFO)";
		sched_setaffinity(0, sizeof(all), &all);
		return 1;
	}
	sh->unloaded_ms = 0;
	sh->busy_until_ms = now_ms() + 1000;
	busy = fork();
	if (busy == 0) {
		/* Inherits the CPU; below the unload, above every kworker. */
		sched_setscheduler(0, SCHED_FIFO, &lo);
		for (;;) {
			long long t = now_ms(), done = __atomic_load_n(&sh->unloaded_ms, __ATOMIC_RELAXED);

			if (t >= sh->busy_until_ms || (done && t >= done + 200))
				_exit(t >= sh->busy_until_ms);
		}
	}
	if (busy < 0)
		*err = "fork";
	else if (netlens_events_enable(1, failed, sizeof(failed)) < 4)
		*err = "enabling the netlens events";
	else if (wq_watch_arm_noclear() || write_text_file(INSTANCE "/trace", ""))
		*err = "the workqueue trace instance";
	else {
		sh->unload_start_ms = now_ms();
		/* The bound counts from here: enabling took its time. */
		sh->busy_until_ms = sh->unload_start_ms + 1000;
		ret = unload_module();
	}
	__atomic_store_n(&sh->unloaded_ms, now_ms(), __ATOMIC_RELAXED);
	/* Off the busy CPU first, or SCHED_OTHER would wait for it. */
	sched_setaffinity(0, sizeof(all), &all);
	sched_setscheduler(0, SCHED_OTHER, &other);
	if (busy > 0) {
		waitpid(busy, &st, 0);
		sh->busy_capped += WIFEXITED(st) && WEXITSTATUS(st);
	}
	return ret;
}

TEST_F_TIMEOUT(unload, tracefs_events_enabled_fifo_busy_cpu, 150)
{
	char line[2048];
	const char *err;
	int i, n, cpu, ret;
	long long ms, max_ms = 0;

	/*
	 * Where work is queued after the exit, the kworker runs it once the
	 * busy task lets it: in freed module memory, a kernel oops.  A plain
	 * cycle tells first (override: NETLENS_UNLOAD_FORCE_FIFO=1).
	 */
	if (!getenv("NETLENS_UNLOAD_FORCE_FIFO"))
		tracefs_cycle(_metadata, self, true);
	for (i = 0; i < FIFO_CYCLES; i++) {
		cpu = sched_getcpu();
		ret = fifo_unload(self->sh, cpu < 0 ? 0 : cpu, &err);
		if (ret == 1)
			SKIP(return, "cannot run the SCHED_FIFO busy task: %s: %s", err, strerror(errno));
		ASSERT_EQ(NULL, err) TH_LOG("%s", err);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: unload on a busy CPU refused: %s",
					 self->cycles, strerror(-ret));
		ms = self->sh->unloaded_ms - self->sh->unload_start_ms;
		if (ms > max_ms)
			max_ms = ms;
		n = wq_watch_check(&self->wq, line, sizeof(line));
		ASSERT_LE(0, n) TH_LOG("cycle %d: the GOING marker kprobe did not fire", self->cycles);
		ASSERT_EQ(0, n)
			TH_LOG("cycle %d (CPU %d busy at SCHED_FIFO, unload %lld ms): %d netlens work items queued or run after netlens_exit():%s",
			       self->cycles, cpu, ms, n, line);
		/* The kworker runs now: anything it had of ours would fault. */
		usleep(100000);
		ASSERT_EQ(0, load_module());
		self->cycles++;
		after_reload(_metadata, self);
	}
	TH_LOG("unloads on a CPU kept busy at SCHED_FIFO took up to %lld ms; the busy task hit its 1 s bound %ld times",
	       max_ms, self->sh->busy_capped);
}

/* perf: its own name, or Debian's perf_X.Y of older releases. */
TEST_F_TIMEOUT(unload, perf_record_pins_module, 180)
{
	char perf[256], unshare[256], out[1024];
	char *argv[] = { unshare, "-m", "--propagation", "private", "/bin/sh", "-c",
			 PERF_EMPTY_MODULES_SH,
			 perf, "record", "-e", "netlens:skb_free", "-a", "-B", "-N",
			 "-o", "/tmp/netlens_unload_perf.data", NULL };
	struct bg_tool *t = calloc(1, sizeof(*t));
	int i, j, ret, waited;
	long long start;

	ASSERT_NE(NULL, t);
	if (!find_perf(perf, sizeof(perf)))
		SKIP(return, "perf is not installed (Debian: linux-perf)");
	if (!find_tool("unshare", unshare, sizeof(unshare)))
		SKIP(return, "unshare (util-linux) is not installed");
	for (i = 0; i < PERF_CYCLES; i++) {
		start = now_ms();
		/* perf says nothing until it ends: its module reference says it runs. */
		bg_tool_start(t, argv, "[ perf record:", 0);
		for (j = 0; j < 600 && module_refcnt() <= 0 && !kill(t->pid, 0); j++)
			bg_tool_read(t, 100, NULL);
		ASSERT_LT(0, module_refcnt()) TH_LOG("perf did not open netlens:skb_free: %s", t->out);
		TH_LOG("perf record holds %d references after %lld ms", module_refcnt(),
		       now_ms() - start);
		EXPECT_TRUE(rmmod_refused(out, sizeof(out))) TH_LOG("rmmod said: %s", out);
		ret = unload_module();
		EXPECT_TRUE(in_use(ret)) TH_LOG("delete_module: %s", strerror(-ret));
		ASSERT_TRUE(netlens_loaded());
		usleep(300000);	/* records some frees of the traffic */
		EXPECT_EQ(0, kill(t->pid, 0)) TH_LOG("perf died: %s", t->out);
		/* Without a workload, perf record ends on SIGINT with 128 + SIGINT. */
		ret = bg_tool_stop(t, SIGINT, 60000);
		EXPECT_TRUE(ret == 0 || ret == 128 + SIGINT) TH_LOG("perf: %d: %s", ret, t->out);
		EXPECT_NE(NULL, strstr(t->out, "Captured and wrote")) TH_LOG("%s", t->out);
		ret = unload_module_wait(5000, &waited);
		ASSERT_EQ(0, ret) TH_LOG("unload after perf exited: %s (refcnt %d)",
					 strerror(-ret), module_refcnt());
		TH_LOG("unloaded %d ms after perf exited", waited);
		ASSERT_EQ(0, load_module());
		self->cycles++;
		after_reload(_metadata, self);
	}
	unlink("/tmp/netlens_unload_perf.data");
	free(t);
}

/* /proc/@pid/syscall: the syscall it sleeps in, -1 if not sleeping in one. */
static long sleeping_in(pid_t pid)
{
	char path[64], buf[256], state = 0;
	long nr;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text_file(path, buf, sizeof(buf)) || !strchr(buf, ')'))
		return -1;
	state = strrchr(buf, ')')[2];
	if (state != 'S')
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	if (read_text_file(path, buf, sizeof(buf)) || sscanf(buf, "%ld", &nr) != 1)
		return -1;
	return nr;
}

TEST_F_TIMEOUT(unload, chardev_blocked_readers, 120)
{
	char out[1024], buf[4096];
	struct netlens_info info;
	int i, j, fd, p[2], st, ret;
	long in_read, in_poll;

	for (i = 0; i < CHARDEV_CYCLES; i++) {
		ASSERT_EQ(0, pipe2(p, O_CLOEXEC | O_NONBLOCK));
		fd = open(NETLENS_DEV_PATH, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, netlens_dev_channel_setup(fd, 0, 0));
		/* Both share the one open file: its channel's rings. */
		self->kids[0] = fork();
		ASSERT_LE(0, self->kids[0]);
		if (!self->kids[0]) {
			ssize_t n = read(fd, buf, sizeof(buf));

			dprintf(p[1], "read returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "");
			_exit(1);
		}
		self->kids[1] = fork();
		ASSERT_LE(0, self->kids[1]);
		if (!self->kids[1]) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int n = poll(&pfd, 1, -1);

			dprintf(p[1], "poll returned %d revents %#x\n", n, pfd.revents);
			_exit(1);
		}
		close(fd);
		for (j = 0; j < 300; j++) {
			in_read = sleeping_in(self->kids[0]);
			in_poll = sleeping_in(self->kids[1]);
			if (in_read == SYS_read && (in_poll == SYS_poll || in_poll == SYS_ppoll))
				break;
			usleep(10000);
		}
		ASSERT_EQ(SYS_read, in_read) TH_LOG("the reader is not blocked in read()");
		ASSERT_TRUE(in_poll == SYS_poll || in_poll == SYS_ppoll)
			TH_LOG("the poller is not blocked in poll(): %ld", in_poll);

		if (i < 2)
			EXPECT_TRUE(rmmod_refused(out, sizeof(out))) TH_LOG("rmmod said: %s", out);
		ret = unload_module();
		ASSERT_TRUE(in_use(ret)) TH_LOG("cycle %d: unload with /dev/netlens open: %s",
						self->cycles, ret ? strerror(-ret) : "it succeeded");
		/* The module still answers, the readers still wait. */
		fd = open(NETLENS_DEV_PATH, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, netlens_dev_info(fd, &info));
		close(fd);
		usleep(50000);
		EXPECT_EQ(SYS_read, sleeping_in(self->kids[0]));
		in_poll = sleeping_in(self->kids[1]);
		EXPECT_TRUE(in_poll == SYS_poll || in_poll == SYS_ppoll);
		ret = read(p[0], out, sizeof(out) - 1);
		EXPECT_GT(0, ret) TH_LOG("a reader woke: %.*s", ret, out);

		for (j = 0; j < 2; j++) {
			kill(self->kids[j], SIGKILL);
			ASSERT_EQ(self->kids[j], waitpid(self->kids[j], &st, 0));
			self->kids[j] = 0;
			EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		}
		close(p[0]);
		close(p[1]);
		ret = unload_module_wait(2000, NULL);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: unload after the readers closed: %s (refcnt %d)",
					 self->cycles, strerror(-ret), module_refcnt());
		ASSERT_EQ(0, load_module());
		self->cycles++;
		after_reload(_metadata, self);
	}
}

/* ---- generic netlink ----------------------------------------------------- */

struct sub {
	struct netlens_genl g;
	int starts;		/* SCAN_START notifications heard */
	int msgs;
};

static int sub_cb(struct nl_msg *msg, void *arg)
{
	struct sub *s = arg;
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));

	s->msgs++;
	if (gnlh->cmd == NETLENS_CMD_SCAN_START_NTF)
		s->starts++;
	return NL_OK;
}

static int sub_open(struct sub *s)
{
	char err[256];
	int ret;

	memset(s, 0, sizeof(*s));
	ret = netlens_genl_open(&s->g, err, sizeof(err));
	if (ret)
		return ret;
	nl_socket_disable_seq_check(s->g.sk);
	nl_socket_modify_cb(s->g.sk, NL_CB_VALID, NL_CB_CUSTOM, sub_cb, s);
	return nl_socket_add_membership(s->g.sk, s->g.scan_group);
}

/* Receive for up to @ms or until @starts scan starts were heard. */
static void sub_listen(struct sub *s, int ms, int starts)
{
	long long end = now_ms() + ms;

	while (s->starts < starts && now_ms() < end) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(s->g.sk), .events = POLLIN };

		if (poll(&pfd, 1, 50) == 1)
			nl_recvmsgs_default(s->g.sk);
	}
}

/* Is the socket still a member of @group? */
static int sub_member(struct sub *s, int group)
{
	__u32 groups[32] = { 0 };
	socklen_t len = sizeof(groups);

	if (getsockopt(nl_socket_get_fd(s->g.sk), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS,
		       groups, &len))
		return -errno;
	return group > 0 && group < 32 * 32 &&
	       !!(groups[(group - 1) / 32] & (1U << ((group - 1) % 32)));
}

/* "scan" listeners the module sees (GET_INFO), on a socket of its own. */
static int genl_listeners(void)
{
	struct netlens_genl g;
	struct netlens_genl_info info;
	char err[256];
	int ret;

	ret = netlens_genl_open(&g, err, sizeof(err));
	if (ret)
		return ret;
	ret = netlens_genl_get_info(&g, &info, err, sizeof(err));
	netlens_genl_close(&g);
	return ret ? ret : (int)info.listeners;
}

/* mac80211_hwsim with one radio, up: the interface name, or NULL. */
static const char *hwsim_up(FIXTURE_DATA(unload) *self, char *ifname, size_t len)
{
	glob_t gl;
	int i;

	if (run_cmd(NULL, 0, "command -v iw") || path_exists("/sys/module/mac80211_hwsim") ||
	    run_cmd(NULL, 0, "modprobe mac80211_hwsim radios=1 2>&1"))
		return NULL;
	self->hwsim = true;
	for (i = 0; i < 50; i++) {
		if (!glob("/sys/class/ieee80211/*/device/net/*", 0, NULL, &gl) && gl.gl_pathc) {
			snprintf(ifname, len, "%s", strrchr(gl.gl_pathv[0], '/') + 1);
			globfree(&gl);
			return run_cmd(NULL, 0, "ip link set %s up", ifname) ? NULL : ifname;
		}
		usleep(100000);
	}
	return NULL;
}

/* A software scan of a few channels; 0 once nl80211 took it. */
static int scan_trigger(const char *ifname)
{
	char out[512];
	int i;

	for (i = 0; i < 60; i++) {
		if (!run_cmd(out, sizeof(out),
			     "iw dev %s scan trigger freq 2412 2437 2462 5180 5200 2>&1", ifname))
			return 0;
		if (!strstr(out, "busy"))	/* the last one still runs: -EBUSY */
			return -1;
		usleep(100000);
	}
	return -1;
}

/*
 * A subscriber joined (and a scan it heard start still in flight, with
 * hwsim): the unload succeeds, or is refused cleanly.  Its socket is then
 * out of the group and gets nothing but what was queued; a subscription
 * after the reload works: the module counts it, and it hears the next
 * scan.  Every other cycle the old socket joins again, else a new one.
 */
static void genl_cycle(struct __test_metadata *_metadata, FIXTURE_DATA(unload) *self,
		       struct sub *s, const char *wifi, int *refused)
{
	char buf[16384];
	int ret, group = s->g.scan_group, n;

	ASSERT_EQ(1, genl_listeners()) TH_LOG("cycle %d: the module sees no subscriber", self->cycles);
	if (wifi) {
		int before = s->starts;

		ASSERT_EQ(0, scan_trigger(wifi));
		sub_listen(s, 10000, before + 1);
		ASSERT_LT(before, s->starts)
			TH_LOG("cycle %d: the subscription heard no scan start", self->cycles);
	}
	ret = unload_module();
	if (in_use(ret)) {
		(*refused)++;
		ASSERT_TRUE(netlens_loaded());
		ret = unload_module_wait(3000, NULL);
	}
	ASSERT_EQ(0, ret) TH_LOG("cycle %d: unload with a subscriber: %s", self->cycles,
				 strerror(-ret));
	/* The old socket: only what was queued before, and out of the group. */
	for (;;) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(s->g.sk), .events = POLLIN };

		if (poll(&pfd, 1, 100) != 1)
			break;
		n = recv(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			ASSERT_TRUE(errno == EAGAIN || errno == ENOBUFS)
				TH_LOG("the old subscriber's socket: %s", strerror(errno));
			if (errno == EAGAIN)
				break;
		}
	}
	ASSERT_EQ(0, sub_member(s, group)) TH_LOG("still in group %d after the unload", group);
	ASSERT_EQ(0, load_module());
	self->cycles++;
	after_reload(_metadata, self);
	ASSERT_EQ(0, genl_listeners()) TH_LOG("a stale membership outlived the unload");
	if (self->cycles % 2) {
		struct netlens_genl g;
		char err[256];

		/* The old socket, resolving the new family's group. */
		ASSERT_EQ(0, netlens_genl_open(&g, err, sizeof(err))) TH_LOG("%s", err);
		s->g.family = g.family;
		s->g.scan_group = g.scan_group;
		netlens_genl_close(&g);
		ASSERT_EQ(0, nl_socket_add_membership(s->g.sk, s->g.scan_group));
	} else {
		netlens_genl_close(&s->g);
		ASSERT_EQ(0, sub_open(s));
	}
}

TEST_F_TIMEOUT(unload, genl_scan_subscriber, 240)
{
	struct slab_snap a, b, c;
	char ifbuf[32];
	const char *wifi = hwsim_up(self, ifbuf, sizeof(ifbuf));
	struct sub *s = calloc(1, sizeof(*s));
	int i, refused = 0;

	ASSERT_NE(NULL, s);
	if (!wifi)
		TH_LOG("no mac80211_hwsim radio: subscriber without scans");
	ASSERT_EQ(0, sub_open(s));
	for (i = 0; i < GENL_WARMUP; i++)
		genl_cycle(_metadata, self, s, wifi, &refused);
	ASSERT_EQ(0, slab_snapshot(&a, self->traffic));
	for (i = 0; i < GENL_HALF; i++)
		genl_cycle(_metadata, self, s, wifi, &refused);
	ASSERT_EQ(0, slab_snapshot(&b, self->traffic));
	for (i = 0; i < GENL_HALF; i++)
		genl_cycle(_metadata, self, s, wifi, &refused);
	ASSERT_EQ(0, slab_snapshot(&c, self->traffic));
	slab_check(_metadata, "genl", &a, &b, &c, GENL_HALF);
	TH_LOG("%d cycles, %d unloads refused at first, scans %s", self->cycles, refused,
	       wifi ? "in flight" : "none");
	netlens_genl_close(&s->g);
	free(s);
}

/* skblife: tp_btf on the skb events, -L adds netlens_record_emit() and /dev/netlens. */
TEST_F_TIMEOUT(unload, bpf_skblife_pins_module, 180)
{
	char tool[512], out[1024], *p;
	char *plain[] = { tool, "-j", NULL };
	char *records[] = { tool, "-j", "-L", "1ms", NULL };
	struct bg_tool *t = calloc(1, sizeof(*t));
	int i, ret, waited;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	for (i = 0; i < BPF_CYCLES; i++) {
		bool L = i % 2;

		ASSERT_EQ(0, bg_tool_start(t, L ? records : plain, L ? "or longer" : "Tracing sk_buff lifespans",
					   20000)) TH_LOG("skblife did not start: %s", t->out);
		ASSERT_LT(0, module_refcnt());
		if (i < 2)
			EXPECT_TRUE(rmmod_refused(out, sizeof(out))) TH_LOG("rmmod said: %s", out);
		ret = unload_module();
		ASSERT_TRUE(in_use(ret)) TH_LOG("cycle %d: unload under skblife: %s", self->cycles,
						ret ? strerror(-ret) : "it succeeded");
		usleep(300000);
		EXPECT_EQ(0, kill(t->pid, 0)) TH_LOG("skblife died: %s", t->out);
		EXPECT_EQ(0, bg_tool_stop(t, SIGINT, 20000)) TH_LOG("%s", t->out);
		if (!L) {
			p = strstr(t->out, "\"total\":");
			ASSERT_NE(NULL, p) TH_LOG("%s", t->out);
			EXPECT_LT(0, strtoull(p + 8, NULL, 10)) TH_LOG("no lifetimes: %s", t->out);
		}
		ret = unload_module_wait(5000, &waited);
		ASSERT_EQ(0, ret) TH_LOG("unload after skblife exited: %s (refcnt %d)",
					 strerror(-ret), module_refcnt());
		ASSERT_EQ(0, load_module());
		self->cycles++;
		after_reload(_metadata, self);
	}
	free(t);
}

/*
 * Last (fixtures run in the order declared): the module is loaded and
 * unused, its events off, and nothing went wrong in the kernel all along.
 */
FIXTURE(after_all) {};

FIXTURE_SETUP(after_all)
{
	if (!g_loaded_at_start)
		SETUP_SKIP("netlens.ko not loaded on %s (the guests test it)",
			   getenv("NETLENS_KVER") ?: "this kernel");
}

FIXTURE_TEARDOWN(after_all)
{
}

TEST_F(after_all, module_and_kernel_clean)
{
	char bad[8192], which[512], line[128];
	int refcnt = -1, i, total = 0, n;
	FILE *f;

	ASSERT_EQ(0, ensure_loaded());
	for (i = 0; i < 100 && (module_line(NULL, NULL, &refcnt) || refcnt); i++)
		usleep(20000);
	EXPECT_EQ(0, refcnt) TH_LOG("netlens refcount in /proc/modules");
	EXPECT_EQ(0, netlens_events_enabled(which, sizeof(which))) TH_LOG("%s", which);
	kmsg_scan(g_kmsg_seq, NULL, bad, sizeof(bad));
	EXPECT_STREQ("", bad);
	f = fopen(CYCLES_FILE, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *sp = strrchr(line, ' ');

		n = sp ? atoi(sp + 1) : 0;
		total += n;
		note("  %s", line);
	}
	if (f)
		fclose(f);
	note("%d load/unload cycles in all\n", total);
	EXPECT_LE(TOTAL_MIN, total);
}

TEST_HARNESS_MAIN
