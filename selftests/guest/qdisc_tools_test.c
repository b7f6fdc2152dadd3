// SPDX-License-Identifier: GPL-2.0
/*
 * qdisclat and the book's qdisc-* names on the running kernel: a veth pair
 * between two network namespaces of the test's own, tbf on one end (a
 * known rate makes the Nth datagram wait a known least time), fq_codel (htb
 * where the kernel has no fq_codel) on the other; known numbers of UDP
 * datagrams of known sizes sent each way.  The histograms must count
 * exactly the packets tc says each qdisc sent, every packet in the log2
 * slots the rate puts it in, and -q, -i and the aliases must keep exactly
 * what they select.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000
#define READY		"Tracing qdisc"

#define ADDR_A		"10.231.0.1"	/* inside the test's own namespaces only */
#define ADDR_B		"10.231.0.2"
#define UDP_PORT	9		/* discard: nobody listens, the packets still go */
#define TBF_BURST	1600		/* bytes: room for one datagram at the start */
#define WIRE_EXTRA	42		/* Ethernet 14 + IPv4 20 + UDP 8: tbf's qdisc_pkt_len() */

/* Log2 slot as the tools make it: 0 for 0, else i where 2^(i-1) <= v < 2^i. */
static unsigned int slot_of(unsigned long long v)
{
	unsigned int s = 0;

	while (v) {
		v >>= 1;
		s++;
	}
	return s;
}

/* One histogram of a JSON "hist" line: its total and its slots. */
struct lat {
	bool found;
	unsigned long long total;
	unsigned long long slots[64];
};

/*
 * The histogram of @dev and @kind in JSON output @out; every other
 * histogram line's (dev, qdisc) into @others (up to @n, counted).
 */
static void parse_hist(const char *out, const char *dev, const char *kind, struct lat *l,
		       int *others)
{
	char want[96];
	const char *p, *eol;

	memset(l, 0, sizeof(*l));
	*others = 0;
	snprintf(want, sizeof(want), "\"dev\":\"%s\",\"qdisc\":\"%s\",", dev, kind);
	for (p = out; *p; p = eol + !!*eol) {
		const char *b, *t;

		eol = p + strcspn(p, "\n");
		if (strncmp(p, "{\"type\":\"hist\"", 14))
			continue;
		t = strstr(p, want);
		if (!t || t > eol) {
			(*others)++;
			continue;
		}
		l->found = true;
		t = strstr(p, "\"total\":");
		if (t && t < eol)
			l->total += strtoull(t + 8, NULL, 10);
		for (b = strstr(p, "{\"low\":"); b && b < eol; b = strstr(b + 1, "{\"low\":")) {
			unsigned long long low, count;
			const char *c = strstr(b, "\"count\":");

			low = strtoull(b + 7, NULL, 10);
			if (!c || c > eol)
				break;
			count = strtoull(c + 8, NULL, 10);
			l->slots[slot_of(low) < 64 ? slot_of(low) : 63] += count;
		}
	}
}

/* Every histogram line of @out is of @kind (dev ignored)?  How many are not. */
static int hists_not_of_kind(const char *out, const char *kind)
{
	char want[48];

	snprintf(want, sizeof(want), "\"qdisc\":\"%s\",", kind);
	return count_lines_with(out, "{\"type\":\"hist\"") - count_lines_with(out, want);
}

static int hists_not_of_dev(const char *out, const char *dev)
{
	char want[48];

	snprintf(want, sizeof(want), "\"dev\":\"%s\",", dev);
	return count_lines_with(out, "{\"type\":\"hist\"") - count_lines_with(out, want);
}

FIXTURE(qdisc) {
	char ns_a[32], ns_b[32];	/* network namespaces */
	char dev_a[16], dev_b[16];	/* veth ends: dev_a in ns_a (tbf), dev_b in ns_b */
	char kind_b[16];		/* fq_codel, or htb */
	char tool[512], nsenter[256], tmpdir[64];
	bool made_a, made_b;
	pid_t sink_a, sink_b;		/* UDP receivers: no ICMP port unreachables */
	struct bg_tool t1, t2;
};

FIXTURE_VARIANT(qdisc) {
	unsigned int rate_bps;		/* tbf rate, bits per second */
	const char *rate;		/* the same for tc */
	unsigned int count;		/* datagrams sent through tbf */
	unsigned int size;		/* UDP payload bytes */
};

FIXTURE_VARIANT_ADD(qdisc, tbf_1mbit) {
	.rate_bps = 1000000, .rate = "1mbit", .count = 20, .size = 1000,
};

FIXTURE_VARIANT_ADD(qdisc, tbf_4mbit) {
	.rate_bps = 4000000, .rate = "4mbit", .count = 20, .size = 1000,
};

/*
 * A process in namespace @ns that takes UDP_PORT's datagrams: without it
 * each datagram would send an ICMP port unreachable back through the other
 * qdisc.  Its pid, or -1.
 */
static pid_t udp_sink(const char *ns)
{
	char path[128], ok = 0;
	int p[2];
	pid_t pid;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };
		int nsfd = open(path, O_RDONLY), fd, big = 4 << 20;
		static char buf[65536];

		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(1);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		if (fd < 0 || bind(fd, (void *)&sin, sizeof(sin)))
			_exit(1);
		close(p[0]);
		if (write(p[1], "1", 1) != 1)
			_exit(1);
		close(p[1]);
		for (;;)
			if (recv(fd, buf, sizeof(buf), 0) < 0 && errno != EINTR)
				_exit(1);
	}
	close(p[1]);
	/* Bound before anything is sent. */
	if (pid > 0 && read(p[0], &ok, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static void qdisc_cleanup(FIXTURE_DATA(qdisc) *self)
{
	if (self->sink_a > 0) {
		kill(self->sink_a, SIGKILL);
		waitpid(self->sink_a, NULL, 0);
	}
	if (self->sink_b > 0) {
		kill(self->sink_b, SIGKILL);
		waitpid(self->sink_b, NULL, 0);
	}
	self->sink_a = self->sink_b = 0;
	if (self->made_a)
		run_cmd(NULL, 0, "ip netns del %s 2>&1", self->ns_a);
	if (self->made_b)
		run_cmd(NULL, 0, "ip netns del %s 2>&1", self->ns_b);
	self->made_a = self->made_b = false;
	if (self->tmpdir[0]) {
		run_cmd(NULL, 0, "rm -rf %s", self->tmpdir);
		self->tmpdir[0] = '\0';
	}
}

FIXTURE_SETUP(qdisc)
{
	char out[1024], mac_a[32] = "", mac_b[32] = "";
	char ip_path[256], tc_path[256];
	int id = getpid() % 100000, i;

	memset(self, 0, sizeof(*self));
	if (geteuid())
		SETUP_SKIP("needs root (network namespaces, tc, BPF)");
	if (!find_tool("ip", ip_path, sizeof(ip_path)) ||
	    !find_tool("tc", tc_path, sizeof(tc_path)))
		SETUP_SKIP("no ip or tc (iproute2) on PATH");
	if (!find_tool("nsenter", self->nsenter, sizeof(self->nsenter)))
		SETUP_SKIP("no nsenter (util-linux) on PATH");
	tool_path("qdisclat", self->tool, sizeof(self->tool));
	snprintf(self->ns_a, sizeof(self->ns_a), "nlqa%d", id);
	snprintf(self->ns_b, sizeof(self->ns_b), "nlqb%d", id);
	snprintf(self->dev_a, sizeof(self->dev_a), "nlqa%d", id);
	snprintf(self->dev_b, sizeof(self->dev_b), "nlqb%d", id);
	if (run_cmd(out, sizeof(out), "ip netns add %s 2>&1", self->ns_a))
		SETUP_SKIP("cannot create a network namespace: %.300s", out);
	self->made_a = true;
	if (run_cmd(out, sizeof(out), "ip netns add %s 2>&1", self->ns_b)) {
		qdisc_cleanup(self);
		SETUP_SKIP("cannot create a network namespace: %.300s", out);
	}
	self->made_b = true;
	/* No IPv6 (router and MLD solicitations would go through the qdiscs too). */
	run_cmd(NULL, 0, "for n in %s %s; do ip netns exec $n sysctl -qw "
		"net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; "
		"done 2>&1", self->ns_a, self->ns_b);
	if (run_cmd(out, sizeof(out), "ip link add %s netns %s type veth peer name %s netns %s 2>&1",
		    self->dev_a, self->ns_a, self->dev_b, self->ns_b)) {
		qdisc_cleanup(self);
		SETUP_SKIP("cannot create a veth pair: %.300s", out);
	}
	if (run_cmd(out, sizeof(out),
		    "ip -n %s addr add " ADDR_A "/24 dev %s && ip -n %s link set %s up && "
		    "ip -n %s addr add " ADDR_B "/24 dev %s && ip -n %s link set %s up 2>&1",
		    self->ns_a, self->dev_a, self->ns_a, self->dev_a,
		    self->ns_b, self->dev_b, self->ns_b, self->dev_b)) {
		qdisc_cleanup(self);
		SETUP_SKIP("cannot configure the veth pair: %.300s", out);
	}
	/* Permanent neighbours: no ARP through the qdiscs. */
	run_cmd(mac_a, sizeof(mac_a), "ip netns exec %s cat /sys/class/net/%s/address",
		self->ns_a, self->dev_a);
	run_cmd(mac_b, sizeof(mac_b), "ip netns exec %s cat /sys/class/net/%s/address",
		self->ns_b, self->dev_b);
	mac_a[strcspn(mac_a, "\n")] = '\0';
	mac_b[strcspn(mac_b, "\n")] = '\0';
	if (run_cmd(out, sizeof(out),
		    "ip -n %s neigh replace " ADDR_B " lladdr %s dev %s nud permanent && "
		    "ip -n %s neigh replace " ADDR_A " lladdr %s dev %s nud permanent 2>&1",
		    self->ns_a, mac_b, self->dev_a, self->ns_b, mac_a, self->dev_b)) {
		qdisc_cleanup(self);
		SETUP_SKIP("cannot add neighbours: %.300s", out);
	}
	if (run_cmd(out, sizeof(out), "tc -n %s qdisc add dev %s root tbf rate %s burst %d "
		    "latency 5s 2>&1", self->ns_a, self->dev_a, variant->rate, TBF_BURST)) {
		qdisc_cleanup(self);
		SETUP_SKIP("cannot add a tbf qdisc: %.300s", out);
	}
	/*
	 * fq_codel sends a packet that finds it empty straight to the driver
	 * (TCQ_F_CAN_BYPASS: no enqueue, no dequeue, yet in tc's count) unless
	 * a filter is attached: a matchall into flow 1 makes every packet queue.
	 * The host's kernel may have no fq_codel: htb, which never bypasses.
	 */
	strcpy(self->kind_b, "fq_codel");
	if (run_cmd(out, sizeof(out), "tc -n %s qdisc add dev %s root handle 1: fq_codel && "
		    "tc -n %s filter add dev %s parent 1: matchall classid 1:1 2>&1",
		    self->ns_b, self->dev_b, self->ns_b, self->dev_b)) {
		TH_LOG("no fq_codel with a matchall filter (%.300s): htb instead", out);
		run_cmd(NULL, 0, "tc -n %s qdisc del dev %s root 2>&1", self->ns_b, self->dev_b);
		strcpy(self->kind_b, "htb");
		if (run_cmd(out, sizeof(out), "tc -n %s qdisc add dev %s root handle 1: htb "
			    "default 1 && tc -n %s class add dev %s parent 1: classid 1:1 htb "
			    "rate 1gbit quantum 60000 2>&1", self->ns_b, self->dev_b,
			    self->ns_b, self->dev_b)) {
			qdisc_cleanup(self);
			SETUP_SKIP("cannot add fq_codel nor htb: %.300s", out);
		}
	}
	self->sink_a = udp_sink(self->ns_a);
	self->sink_b = udp_sink(self->ns_b);
	if (self->sink_a < 0 || self->sink_b < 0) {
		qdisc_cleanup(self);
		SETUP_SKIP("cannot fork the UDP receivers");
	}
	strcpy(self->tmpdir, "/tmp/qdisc_tools.XXXXXX");
	if (!mkdtemp(self->tmpdir)) {
		self->tmpdir[0] = '\0';
		qdisc_cleanup(self);
		SETUP_SKIP("no temporary directory");
	}
	for (i = 0; i < 2; i++) {
		static const char *const names[] = { "qdisc-tbf", "qdisc-cbq" };
		char link[128];

		snprintf(link, sizeof(link), "%s/%s", self->tmpdir, names[i]);
		if (symlink(self->tool, link)) {
			qdisc_cleanup(self);
			SETUP_SKIP("cannot make the alias symlinks");
		}
	}
}

FIXTURE_TEARDOWN(qdisc)
{
	if (!_metadata->passed && self->t1.len)
		TH_LOG("tool output:\n%s", self->t1.out);
	if (!_metadata->passed && self->t2.len)
		TH_LOG("second tool's output:\n%s", self->t2.out);
	if (self->t1.pid > 0)
		bg_tool_stop(&self->t1, SIGKILL, STOP_MS);
	if (self->t2.pid > 0)
		bg_tool_stop(&self->t2, SIGKILL, STOP_MS);
	qdisc_cleanup(self);
}

/* Packets qdisc @dev in @ns has sent ("Sent N bytes P pkt"); -1 on failure. */
static long long qdisc_sent(const char *ns, const char *dev)
{
	char out[2048], *p;

	if (run_cmd(out, sizeof(out), "tc -n %s -s qdisc show dev %s root", ns, dev))
		return -1;
	p = strstr(out, " bytes ");
	return p ? strtoll(p + 7, NULL, 10) : -1;
}

/*
 * Send @n datagrams of @size bytes from namespace @ns to @dst, back to
 * back; how long the sends took in microseconds (-1 on failure).
 */
static long long send_udp(const char *ns, const char *dst, unsigned int n, unsigned int size)
{
	char path[128];
	int p[2], st;
	long long us = -1;
	pid_t pid;

	if (pipe(p))
		return -1;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };
		static char buf[65536];
		struct timespec a, b;
		unsigned int i;
		int nsfd, fd;

		close(p[0]);
		nsfd = open(path, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(1);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		inet_pton(AF_INET, dst, &sin.sin_addr);
		memset(buf, 'q', sizeof(buf));
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < n; i++)
			if (sendto(fd, buf, size, 0, (void *)&sin, sizeof(sin)) != (ssize_t)size)
				_exit(2);
		clock_gettime(CLOCK_MONOTONIC, &b);
		us = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_nsec - a.tv_nsec) / 1000 + 1;
		if (write(p[1], &us, sizeof(us)) != sizeof(us))
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &us, sizeof(us)) != sizeof(us))
		us = -1;
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && !WEXITSTATUS(st) ? us : -1;
}

/* Wait until qdisc @dev in @ns has sent @want more than @before (at most 10 s). */
static long long wait_sent(const char *ns, const char *dev, long long before, long long want)
{
	long long end = now_ms() + 10000, sent;

	do {
		sent = qdisc_sent(ns, dev);
		if (sent - before >= want)
			break;
		usleep(20000);
	} while (now_ms() < end);
	usleep(100000);		/* and nothing more comes */
	return qdisc_sent(ns, dev) - before;
}

/*
 * The tbf latency: every datagram counted once (the histogram's total is
 * what tbf sent, and that is what was sent), each in a slot at or above
 * the least its place in the queue allows, none far above the time the
 * whole burst takes at the rate.
 *
 * tbf starts with a full bucket of TBF_BURST bytes and earns rate/8 bytes
 * a second: datagram k (from 0) of L wire bytes cannot leave before
 * ((k + 1) * L - TBF_BURST) / rate after the first was queued, and was
 * queued at most D (the time all the sends took) after the first.  So its
 * latency is at least lb(k) = ((k + 1) * L - TBF_BURST) * 8 / rate - D:
 * at least #{k : slot(lb(k)) >= s} packets are in slots s and above.
 */
TEST_F(qdisc, tbf_latency)
{
	char *argv[] = { self->tool, "-j", NULL };
	unsigned int wire = variant->size + WIRE_EXTRA, n = variant->count, k, s;
	long long before, sent, d_us, burst_us, ub_us;
	unsigned long long above;
	char why[2048];
	struct lat l;
	int others;

	ASSERT_EQ(0, bg_tool_start(&self->t1, argv, READY, READY_MS)) {
		TH_LOG("qdisclat did not start:\n%s", self->t1.out);
	}
	before = qdisc_sent(self->ns_a, self->dev_a);
	ASSERT_LE(0, before);
	d_us = send_udp(self->ns_a, ADDR_B, n, variant->size);
	ASSERT_LT(0, d_us);
	sent = wait_sent(self->ns_a, self->dev_a, before, n);
	ASSERT_EQ(0, bg_tool_stop(&self->t1, SIGINT, STOP_MS));
	/* Nothing but the datagrams went through tbf (no ARP, no IPv6). */
	ASSERT_EQ(n, sent);
	parse_hist(self->t1.out, self->dev_a, "tbf", &l, &others);
	ASSERT_TRUE(l.found);
	EXPECT_EQ(sent, l.total);
	EXPECT_EQ(0, json_schema_violations(self->t1.out, why, sizeof(why))) {
		TH_LOG("%s", why);
	}

	/* Lower bounds, slot by slot (1% and 200 us off for tbf's rounding). */
	for (s = 1; s < 64; s++) {
		unsigned int need = 0;

		for (k = 0; k < n; k++) {
			long long lb = ((long long)(k + 1) * wire - TBF_BURST) * 8 * 1000000LL /
				       variant->rate_bps;

			lb = lb * 99 / 100 - 200 - d_us;
			if (lb > 0 && slot_of(lb) >= s)
				need++;
		}
		above = 0;
		for (k = s; k < 64; k++)
			above += l.slots[k];
		EXPECT_LE(need, above) {
			TH_LOG("slot %u ([%llu, ...) us): %llu packets at or above, %u must be "
			       "(rate %s, %u x %u bytes, sends took %lld us)", s,
			       s ? 1ULL << (s - 1) : 0, above, need, variant->rate, n, wire,
			       d_us);
		}
	}
	/* Upper bound: the whole burst at the rate, twice, plus 100 ms of slack. */
	burst_us = (long long)n * wire * 8 * 1000000LL / variant->rate_bps;
	ub_us = 2 * (burst_us + d_us) + 100000;
	for (s = slot_of(ub_us) + 1; s < 64; s++) {
		unsigned long long c = l.slots[s];

		EXPECT_EQ(0, c) {
			TH_LOG("%llu packets in slot %u: above %lld us", c, s, ub_us);
		}
	}
	/* The first datagram left at once: the bucket was full. */
	above = 0;
	for (s = 0; s <= slot_of(wire * 8 * 1000000LL / variant->rate_bps / 2); s++)
		above += l.slots[s];
	EXPECT_LE(1, above);
}

/* Send the known traffic both ways; what each qdisc sent into *@sent_a, *@sent_b. */
static void both_ways(struct __test_metadata *_metadata, FIXTURE_DATA(qdisc) *self,
		      unsigned int n_a, unsigned int n_b, long long *sent_a, long long *sent_b)
{
	long long a0 = qdisc_sent(self->ns_a, self->dev_a);
	long long b0 = qdisc_sent(self->ns_b, self->dev_b);

	ASSERT_LE(0, a0);
	ASSERT_LE(0, b0);
	ASSERT_LT(0, send_udp(self->ns_a, ADDR_B, n_a, 200));
	ASSERT_LT(0, send_udp(self->ns_b, ADDR_A, n_b, 300));
	*sent_a = wait_sent(self->ns_a, self->dev_a, a0, n_a);
	*sent_b = wait_sent(self->ns_b, self->dev_b, b0, n_b);
	ASSERT_EQ(n_a, *sent_a);
	ASSERT_EQ(n_b, *sent_b);
}

/* -q tbf and -q fq_codel (htb) at once: each keeps its own kind, all of it. */
TEST_F(qdisc, kind_filter)
{
	char *argv1[] = { self->tool, "-j", "-q", "tbf", NULL };
	char *argv2[] = { self->tool, "-j", "-q", self->kind_b, NULL };
	long long sent_a, sent_b;
	struct lat l;
	int others;

	ASSERT_EQ(0, bg_tool_start(&self->t1, argv1, READY, READY_MS)) {
		TH_LOG("qdisclat -q tbf did not start:\n%s", self->t1.out);
	}
	ASSERT_EQ(0, bg_tool_start(&self->t2, argv2, READY, READY_MS)) {
		TH_LOG("qdisclat -q %s did not start:\n%s", self->kind_b, self->t2.out);
	}
	both_ways(_metadata, self, 7, 11, &sent_a, &sent_b);
	ASSERT_EQ(0, bg_tool_stop(&self->t1, SIGINT, STOP_MS));
	ASSERT_EQ(0, bg_tool_stop(&self->t2, SIGINT, STOP_MS));
	EXPECT_EQ(0, hists_not_of_kind(self->t1.out, "tbf"));
	parse_hist(self->t1.out, self->dev_a, "tbf", &l, &others);
	EXPECT_EQ(sent_a, l.total);
	EXPECT_EQ(0, hists_not_of_kind(self->t2.out, self->kind_b));
	parse_hist(self->t2.out, self->dev_b, self->kind_b, &l, &others);
	EXPECT_EQ(sent_b, l.total);
	/* The 7 sent through tbf are not in the other tool's histograms. */
	parse_hist(self->t2.out, self->dev_a, "tbf", &l, &others);
	EXPECT_FALSE(l.found);
}

/*
 * -i: only that device.  -i takes a device of the tool's own network
 * namespace, so the tool runs in ns_a (nsenter --net: BPF sees every
 * namespace's packets; the filter is by name).
 */
TEST_F(qdisc, iface_filter)
{
	char netns[64];
	char *argv[] = { self->nsenter, netns, self->tool, "-j", "-i", self->dev_a, NULL };
	long long sent_a, sent_b;
	struct lat l;
	int others;

	snprintf(netns, sizeof(netns), "--net=/run/netns/%s", self->ns_a);
	ASSERT_EQ(0, bg_tool_start(&self->t1, argv, READY, READY_MS)) {
		TH_LOG("qdisclat -i did not start:\n%s", self->t1.out);
	}
	both_ways(_metadata, self, 5, 9, &sent_a, &sent_b);
	ASSERT_EQ(0, bg_tool_stop(&self->t1, SIGINT, STOP_MS));
	EXPECT_EQ(0, hists_not_of_dev(self->t1.out, self->dev_a));
	parse_hist(self->t1.out, self->dev_a, "tbf", &l, &others);
	EXPECT_EQ(sent_a, l.total);
	EXPECT_EQ(0, others);
}

/* The book's qdisc-tbf (a symlink named so): tbf only, all of it. */
TEST_F(qdisc, alias_tbf)
{
	char alias[128];
	char *argv[] = { alias, "-j", NULL };
	long long sent_a, sent_b;
	struct lat l;
	int others;

	snprintf(alias, sizeof(alias), "%s/qdisc-tbf", self->tmpdir);
	ASSERT_EQ(0, bg_tool_start(&self->t1, argv, READY " tbf", READY_MS)) {
		TH_LOG("qdisc-tbf did not start:\n%s", self->t1.out);
	}
	both_ways(_metadata, self, 6, 4, &sent_a, &sent_b);
	ASSERT_EQ(0, bg_tool_stop(&self->t1, SIGINT, STOP_MS));
	EXPECT_EQ(0, hists_not_of_kind(self->t1.out, "tbf"));
	parse_hist(self->t1.out, self->dev_a, "tbf", &l, &others);
	EXPECT_EQ(sent_a, l.total);
	/* An alias takes no other kind. */
	EXPECT_EQ(2, run_cmd(NULL, 0, "%s -q fq 2>/dev/null", alias));
	EXPECT_EQ(0, run_cmd(NULL, 0, "%s -q tbf --help >/dev/null 2>&1", alias));
}

/*
 * qdisc-cbq: where the kernel can make a cbq qdisc (tc says so on the test's
 * device), it runs; where it cannot ("Specified qdisc kind is unknown":
 * sch_cbq removed in 6.3 and from later 6.1.y), it says CBQ is gone and
 * exits 1.
 */
TEST_F(qdisc, alias_cbq)
{
	char alias[128], out[2048], tcout[1024];
	char *argv[] = { alias, "-j", NULL };
	int rc;

	snprintf(alias, sizeof(alias), "%s/qdisc-cbq", self->tmpdir);
	rc = run_cmd(tcout, sizeof(tcout), "tc -n %s qdisc replace dev %s root cbq "
		     "bandwidth 100mbit avpkt 1000 2>&1", self->ns_b, self->dev_b);
	if (rc && !strstr(tcout, "Specified qdisc kind is unknown"))
		SKIP(return, "tc cannot tell whether this kernel has CBQ: %.300s", tcout);
	if (rc) {
		EXPECT_EQ(1, run_cmd(out, sizeof(out), "%s 2>&1", alias));
		EXPECT_NE(NULL, strstr(out, "CBQ is gone from this kernel")) {
			TH_LOG("output: %s", out);
		}
		EXPECT_NE(NULL, strstr(out, "removed in Linux 6.3"));
		return;
	}
	ASSERT_EQ(0, bg_tool_start(&self->t1, argv, READY " cbq", READY_MS)) {
		TH_LOG("qdisc-cbq did not start:\n%s", self->t1.out);
	}
	EXPECT_EQ(0, bg_tool_stop(&self->t1, SIGINT, STOP_MS));
}

/* Bad arguments: exit 2, whatever the kernel. */
TEST(bad_arguments)
{
	static const char *const bad[] = {
		"-q ''", "-q TBF", "-q 'tbf;'", "-q 0123456789abcdefg", "-i no_such_dev0",
		"-x", "0", "1 0", "1 2 3", "-m -m -q", "abc",
	};
	char tool[512];
	size_t i;

	tool_path("qdisclat", tool, sizeof(tool));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args = bad[i];

		EXPECT_EQ(2, run_cmd(NULL, 0, "%s %s >/dev/null 2>&1", tool, args)) {
			TH_LOG("qdisclat %s", args ? args : "");
		}
	}
	EXPECT_EQ(0, run_cmd(NULL, 0, "%s --help >/dev/null 2>&1", tool));
}

TEST_HARNESS_MAIN
