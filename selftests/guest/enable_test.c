// SPDX-License-Identifier: GPL-2.0
/*
 * Enabling netlens:skb_alloc/skb_free, by any consumer, means they fire
 * from the moment the enable returns: nobody waits for the hooks to arm.
 * For each way of enabling them (a BPF tp_btf program, a tracefs instance,
 * perf record, trace-cmd record, bpftrace) a short workload started right
 * after the enable, this binary run as "--udp-burst N", sends N datagrams
 * to itself over loopback and receives them.  Each datagram is one skb
 * that the workload task allocates and frees: the consumer must see
 * exactly N skb_alloc and N skb_free events from that task, named
 * BURST_COMM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "netlens_dev.h"
#include "enable_count.skel.h"

#define BURST_COMM	"nl-burst"
#define BURST_COUNT	300
#define TRACEFS		"/sys/kernel/tracing"
#define INSTANCE	TRACEFS "/instances/netlens_enable_test"
/*
 * perf, trace-cmd and bpftrace enable the events as tracefs and BPF do
 * (a tracepoint probe registered): the 1-vCPU guests run them, the SMP
 * guests the BPF and tracefs cases, which show arming on SMP.
 */
#define SMP_LEAVES_OUT	"the 1-vCPU guests run the perf, trace-cmd and bpftrace cases"

/*
 * The workload: @count datagrams of 64 bytes to a socket of our own, each
 * received before the next is sent (no receive-buffer drops).  0 when all
 * arrived.
 */
static int udp_burst(int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t alen = sizeof(a);
	char buf[64] = "netlens";
	int fd, i;

	if (prctl(PR_SET_NAME, BURST_COMM))
		return 1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return 1;
	for (i = 0; i < count; i++) {
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&a,
			   sizeof(a)) != sizeof(buf))
			return 1;
		if (recv(fd, buf, sizeof(buf), 0) != sizeof(buf))
			return 1;
	}
	close(fd);
	return 0;
}

/* This binary as a workload command line for the tools to run. */
static const char *burst_cmd(char *buf, size_t len)
{
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	snprintf(buf, len, "%s --udp-burst %d", exe, BURST_COUNT);
	return buf;
}

/* Run the workload here and now; its exit status, its PID in @pid. */
static int run_burst(pid_t *pid)
{
	pid_t child = fork();
	int st;

	if (child < 0)
		return -1;
	if (child == 0)
		_exit(udp_burst(BURST_COUNT));
	if (pid)
		*pid = child;
	if (waitpid(child, &st, 0) != child)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct event_counts {
	long allocs, frees;
};

/*
 * Count the workload's events in text output (tracefs, trace-cmd report,
 * perf script): lines of the event that match @task, an awk regular
 * expression for the task column.  The first lines go to the log when
 * they do not add up.
 */
static int count_events(struct __test_metadata *_metadata, const char *file,
			const char *task, struct event_counts *c)
{
	char out[512];

	if (run_cmd(out, sizeof(out),
		    "awk '$0 ~ /%s/ && /[ :]skb_alloc:/ { a++ } "
		    "$0 ~ /%s/ && /[ :]skb_free:/ { f++ } "
		    "END { print a + 0, f + 0 }' %s", task, task, file) ||
	    sscanf(out, "%ld %ld", &c->allocs, &c->frees) != 2)
		return -1;
	if (c->allocs != BURST_COUNT || c->frees != BURST_COUNT) {
		run_cmd(out, sizeof(out), "wc -l < %s", file);
		TH_LOG("%s: %s lines, of the task /%s/; the first events:", file, out, task);
		run_cmd(out, sizeof(out), "grep -v '^#' %s | head -n 3", file);
		TH_LOG("%s", out);
	}
	return 0;
}

static int skb_armed(int fd)
{
	struct netlens_skb_stats st;

	if (netlens_dev_skb_stats(fd, &st))
		return -1;
	return st.armed;
}

FIXTURE(enable) {
	int fd;			/* /dev/netlens, for the arming state */
	char burst[600];	/* the workload's command line */
};

FIXTURE_SETUP(enable)
{
	self->fd = -1;
	if (!netlens_loaded())
		SETUP_SKIP("netlens.ko not loaded on %s (the guests test it)",
			   getenv("NETLENS_KVER") ?: "this kernel");
	if (!path_exists(TRACEFS "/events/netlens"))
		SETUP_SKIP("no tracefs at " TRACEFS);
	self->fd = open(NETLENS_DEV_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_NE(NULL, burst_cmd(self->burst, sizeof(self->burst)));
	/* Nothing consumes the events before a test enables them. */
	ASSERT_EQ(0, skb_armed(self->fd));
	rmdir(INSTANCE);
}

FIXTURE_TEARDOWN(enable)
{
	if (self->fd < 0)
		return;
	write_text_file(INSTANCE "/events/netlens/enable", "0");
	rmdir(INSTANCE);
	/* The last consumer gone, the hooks are off again, at once. */
	EXPECT_EQ(0, skb_armed(self->fd));
	close(self->fd);
}

static struct enable_count_bpf *attach_counter(struct __test_metadata *_metadata)
{
	struct enable_count_bpf *skel = enable_count_bpf__open();

	if (!skel)
		return NULL;
	strcpy((char *)skel->rodata->target_comm, BURST_COMM);
	if (enable_count_bpf__load(skel) || enable_count_bpf__attach(skel)) {
		enable_count_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

TEST_F_TIMEOUT(enable, bpf_tp_btf, 120)
{
	struct enable_count_bpf *skel = attach_counter(_metadata);

	ASSERT_NE(NULL, skel);
	EXPECT_EQ(1, skb_armed(self->fd));
	EXPECT_EQ(0, run_burst(NULL));
	EXPECT_EQ(BURST_COUNT, skel->bss->allocs);
	EXPECT_EQ(BURST_COUNT, skel->bss->frees);
	enable_count_bpf__destroy(skel);
	EXPECT_EQ(0, skb_armed(self->fd));
}

/* A trace instance of our own, both events enabled in it. */
static int enable_in_instance(void)
{
	if (mkdir(INSTANCE, 0700) && errno != EEXIST)
		return -errno;
	if (write_text_file(INSTANCE "/buffer_size_kb", "4096") ||
	    write_text_file(INSTANCE "/events/netlens/skb_alloc/enable", "1") ||
	    write_text_file(INSTANCE "/events/netlens/skb_free/enable", "1"))
		return -EIO;
	return 0;
}

/*
 * The workload @pid's events in the instance, by PID: the task column is
 * COMM-PID, and ftrace's comm cache may not have the name of a task this
 * short-lived ("<...>").
 */
static void check_instance(struct __test_metadata *_metadata, pid_t pid)
{
	struct event_counts c;
	char out[64], task[32];

	ASSERT_EQ(0, write_text_file(INSTANCE "/events/netlens/enable", "0"));
	ASSERT_EQ(0, run_cmd(NULL, 0, "cat " INSTANCE "/trace > /tmp/netlens_enable_trace"));
	snprintf(task, sizeof(task), "^ *[^ ]*-%d +\\[", pid);
	ASSERT_EQ(0, count_events(_metadata, "/tmp/netlens_enable_trace", task, &c));
	EXPECT_EQ(BURST_COUNT, c.allocs);
	EXPECT_EQ(BURST_COUNT, c.frees);
	/* Nothing the buffer could not hold was lost. */
	run_cmd(out, sizeof(out), "grep -h overrun: " INSTANCE "/per_cpu/*/stats | awk '{ s += $2 } END { print s + 0 }'");
	EXPECT_EQ(0, atoi(out));
}

TEST_F_TIMEOUT(enable, tracefs_instance, 120)
{
	pid_t pid;

	ASSERT_EQ(0, enable_in_instance());
	EXPECT_EQ(1, skb_armed(self->fd));
	EXPECT_EQ(0, run_burst(&pid));
	check_instance(_metadata, pid);
}

/*
 * Consumers share the hooks: a BPF program that comes and goes while a
 * trace instance has the events enabled leaves them armed for it.
 */
TEST_F_TIMEOUT(enable, consumers_share_the_hooks, 120)
{
	struct enable_count_bpf *skel;
	pid_t pid;

	ASSERT_EQ(0, enable_in_instance());
	skel = attach_counter(_metadata);
	ASSERT_NE(NULL, skel);
	enable_count_bpf__destroy(skel);
	EXPECT_EQ(1, skb_armed(self->fd));
	EXPECT_EQ(0, run_burst(&pid));
	check_instance(_metadata, pid);
}

/* Disabled and enabled again, and again: each enable fires from the start. */
TEST_F_TIMEOUT(enable, reenable_fires_at_once, 180)
{
	int i;

	for (i = 0; i < 3; i++) {
		struct enable_count_bpf *skel = attach_counter(_metadata);

		ASSERT_NE(NULL, skel);
		EXPECT_EQ(0, run_burst(NULL));
		EXPECT_EQ(BURST_COUNT, skel->bss->allocs) TH_LOG("round %d", i);
		EXPECT_EQ(BURST_COUNT, skel->bss->frees) TH_LOG("round %d", i);
		enable_count_bpf__destroy(skel);
		EXPECT_EQ(0, skb_armed(self->fd));
	}
}

/*
 * A recorder's @record command around the burst, then its @report into
 * @file: the workload's events there (@task as in count_events()).
 */
static void record_then_count(struct __test_metadata *_metadata, const char *record,
			      const char *report, const char *file, const char *task,
			      struct event_counts *c)
{
	char out[1024];

	ASSERT_EQ(0, run_cmd(out, sizeof(out), "%s 2>&1", record)) TH_LOG("%s: %s", record, out);
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "%s > %s 2>&1", report, file))
		TH_LOG("%s: %s", report, out);
	ASSERT_EQ(0, count_events(_metadata, file, task, c));
}

TEST_F_TIMEOUT(enable, perf_record, 300)
{
	char perf[256], unshare[256], record[2048], report[512];
	struct event_counts c;

	if (smp_guest())
		SKIP(return, SMP_LEAVES_OUT);
	if (!find_perf(perf, sizeof(perf)))
		SKIP(return, "perf is not installed (Debian: linux-perf)");
	if (!find_tool("unshare", unshare, sizeof(unshare)))
		SKIP(return, "unshare (util-linux) is not installed");
	/* Per task, as a user profiles one command: no -a. */
	snprintf(record, sizeof(record),
		 "%s -m --propagation private /bin/sh -c '" PERF_EMPTY_MODULES_SH "' %s record -e netlens:skb_alloc -e netlens:skb_free "
		 "-o /tmp/netlens_enable.perf -- %s", unshare, perf, self->burst);
	snprintf(report, sizeof(report), "%s script -i /tmp/netlens_enable.perf -F comm,event", perf);
	record_then_count(_metadata, record, report, "/tmp/netlens_enable.script",
			  "^ *" BURST_COMM " ", &c);
	EXPECT_EQ(BURST_COUNT, c.allocs);
	EXPECT_EQ(BURST_COUNT, c.frees);
}

TEST_F_TIMEOUT(enable, trace_cmd_record, 300)
{
	char tc[256], record[2048], report[512];
	struct event_counts c;

	if (smp_guest())
		SKIP(return, SMP_LEAVES_OUT);
	if (!find_tool("trace-cmd", tc, sizeof(tc)))
		SKIP(return, "trace-cmd is not installed (Debian: trace-cmd)");
	/*
	 * -F: only the command's own events, started once they are enabled;
	 * -b: room for all of them, however late trace-cmd's reader runs.
	 */
	snprintf(record, sizeof(record), "%s record -b 4096 -e netlens:skb_alloc -e netlens:skb_free "
		 "-o /tmp/netlens_enable.dat -F %s", tc, self->burst);
	snprintf(report, sizeof(report), "%s report -i /tmp/netlens_enable.dat", tc);
	/* Only the command's own events were recorded (its comm may show as "<...>"). */
	record_then_count(_metadata, record, report, "/tmp/netlens_enable.report", ".", &c);
	/* The ring buffer's own losses would miscount: say so if any. */
	EXPECT_NE(0, run_cmd(NULL, 0, "grep -q 'EVENTS DROPPED' /tmp/netlens_enable.report"))
		TH_LOG("trace-cmd's buffer overflowed");
	EXPECT_EQ(BURST_COUNT, c.allocs);
	EXPECT_EQ(BURST_COUNT, c.frees);
}

TEST_F_TIMEOUT(enable, bpftrace, 300)
{
	char bt[256], out[2048];
	long allocs = -1, frees = -1;
	char *p;
	int ret;

	if (smp_guest())
		SKIP(return, SMP_LEAVES_OUT);
	if (!find_tool("bpftrace", bt, sizeof(bt)))
		SKIP(return, "bpftrace is not installed (Debian: bpftrace)");
	/* args-> and no ; before } : as bpftrace 0.17 (Debian 12) takes them. */
	ret = run_cmd(out, sizeof(out),
		      "%s -e 'tracepoint:netlens:skb_alloc /comm == \"" BURST_COMM "\"/ { @allocs = count() } "
		      "tracepoint:netlens:skb_free /comm == \"" BURST_COMM "\"/ { @frees = count() }' "
		      "-c '%s' 2>&1", bt, self->burst);
	ASSERT_EQ(0, ret) TH_LOG("bpftrace: %s", out);
	p = strstr(out, "@allocs: ");
	if (p)
		allocs = strtol(p + 9, NULL, 10);
	p = strstr(out, "@frees: ");
	if (p)
		frees = strtol(p + 8, NULL, 10);
	EXPECT_EQ(BURST_COUNT, allocs) TH_LOG("%s", out);
	EXPECT_EQ(BURST_COUNT, frees) TH_LOG("%s", out);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--udp-burst"))
		return udp_burst(atoi(argv[2]));
	return test_harness_run(argc, argv);
}
