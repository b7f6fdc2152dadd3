// SPDX-License-Identifier: GPL-2.0
/*
 * The IP and device tools (netsize, nettxlat, ipecn, superping) on the
 * running kernel, over a veth pair between two network namespaces of the
 * test's own: no ARP (permanent neighbours), IPv6 only where a test asks
 * for it, so that every packet on the pair is the test's and the tools'
 * counts can be matched exactly against the namespaces' own counters.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000
#define PORT		7000

/* Two namespaces joined by a veth pair: @a/@dev_a (.1) and @b/@dev_b (.2). */
struct veth_pair {
	char a[32], b[32];
	char dev_a[16], dev_b[16];
	char ip_a[32], ip_b[32];	/* IPv4 */
	char ip6_a[64], ip6_b[64];	/* IPv6, when asked for */
	bool ipv6;
};

static void veth_pair_down(struct veth_pair *p)
{
	run_cmd(NULL, 0, "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", p->a, p->b);
}

/* 0, or why not into @why. */
static int veth_pair_up(struct veth_pair *p, bool ipv6, char *why, size_t len)
{
	int id = getpid() % 100000, net = getpid() % 250 + 1;
	char out[512];
	int rc;

	memset(p, 0, sizeof(*p));
	p->ipv6 = ipv6;
	snprintf(p->a, sizeof(p->a), "nlnt%da", id);
	snprintf(p->b, sizeof(p->b), "nlnt%db", id);
	snprintf(p->dev_a, sizeof(p->dev_a), "nlnt%da", id);
	snprintf(p->dev_b, sizeof(p->dev_b), "nlnt%db", id);
	snprintf(p->ip_a, sizeof(p->ip_a), "10.213.%d.1", net);
	snprintf(p->ip_b, sizeof(p->ip_b), "10.213.%d.2", net);
	snprintf(p->ip6_a, sizeof(p->ip6_a), "fd00:213:%x::1", net);
	snprintf(p->ip6_b, sizeof(p->ip6_b), "fd00:213:%x::2", net);
	/* Fixed MACs, so that permanent neighbours need no ARP or ND. */
	rc = run_cmd(out, sizeof(out),
		     "set -e; exec 2>&1; ip netns add %1$s; ip netns add %2$s;"
		     " for n in %1$s %2$s; do ip netns exec $n sysctl -qw"
		     " net.ipv6.conf.all.disable_ipv6=%3$d net.ipv6.conf.default.disable_ipv6=%3$d;"
		     " ip -n $n link set lo up; done",
		     p->a, p->b, !ipv6);
	rc = rc ?: run_cmd(out, sizeof(out),
			   "set -e; exec 2>&1; ip link add %3$s netns %1$s address 02:00:00:00:00:01 type veth"
			   " peer name %4$s netns %2$s address 02:00:00:00:00:02;"
			   " ip -n %1$s addr add %5$s/24 dev %3$s; ip -n %2$s addr add %6$s/24 dev %4$s;"
			   " ip -n %1$s neigh replace %6$s lladdr 02:00:00:00:00:02 dev %3$s nud permanent;"
			   " ip -n %2$s neigh replace %5$s lladdr 02:00:00:00:00:01 dev %4$s nud permanent",
			   p->a, p->b, p->dev_a, p->dev_b, p->ip_a, p->ip_b);
	if (ipv6)
		rc = rc ?: run_cmd(out, sizeof(out),
				   "set -e; exec 2>&1;"
				   " ip -n %1$s addr add %5$s/64 dev %3$s nodad; ip -n %2$s addr add %6$s/64 dev %4$s nodad;"
				   " ip -n %1$s neigh replace %6$s lladdr 02:00:00:00:00:02 dev %3$s nud permanent;"
				   " ip -n %2$s neigh replace %5$s lladdr 02:00:00:00:00:01 dev %4$s nud permanent",
				   p->a, p->b, p->dev_a, p->dev_b, p->ip6_a, p->ip6_b);
	rc = rc ?: run_cmd(out, sizeof(out), "exec 2>&1; ip -n %s link set %s up && ip -n %s link set %s up",
			   p->a, p->dev_a, p->b, p->dev_b);
	if (rc) {
		snprintf(why, len, "cannot set up a veth pair between two namespaces: %s", out);
		veth_pair_down(p);
		return -1;
	}
	return 0;
}

/* @family's address of @ns (a or b) of @p into @ss: its length. */
static socklen_t pair_addr(const struct veth_pair *p, bool b, int family, int port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, b ? p->ip_b : p->ip_a, &sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (void *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, b ? p->ip6_b : p->ip6_a, &sin6->sin6_addr);
	return sizeof(*sin6);
}

/* A UDP socket of @p's b bound to @port: the receiver, so that nothing answers with ICMP. */
static int udp_receiver(const struct veth_pair *p, int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = pair_addr(p, true, family, port, &ss);
	int fd = netns_socket(p->b, family, SOCK_DGRAM);

	if (fd < 0 || bind(fd, (void *)&ss, len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* @n datagrams of @size bytes from a to b's @port, IP ToS/traffic class @tos; 0 or -1. */
static int udp_send(const struct veth_pair *p, int family, int port, int n, int size, int tos)
{
	struct sockaddr_storage ss;
	socklen_t len = pair_addr(p, true, family, port, &ss);
	int fd = netns_socket(p->a, family, SOCK_DGRAM), i, ok = 0;
	char buf[2000] = {};

	if (fd < 0 || size > (int)sizeof(buf))
		return -1;
	if (tos >= 0 &&
	    (family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) :
				 setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos))))
		ok = -1;
	for (i = 0; i < n && !ok; i++)
		if (sendto(fd, buf, size, 0, (void *)&ss, len) != size)
			ok = -1;
	close(fd);
	return ok;
}

/* Read @n datagrams from @fd (1 s each at most); how many came. */
static int udp_drain(int fd, int n)
{
	struct timeval tv = { .tv_sec = 1 };
	char buf[2000];
	int i;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < n; i++)
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			break;
	return i;
}

static int start(struct bg_tool *t, char *const argv[], const char *ready)
{
	return bg_tool_start(t, argv, ready, READY_MS);
}

/* The JSON line of @out with "name":"@name" and "dev":"@dev" (NULL: any); NULL if none. */
static const char *hist_line(const char *out, const char *name, const char *dev,
			     char *line, size_t len)
{
	char want_name[96], want_dev[64];
	const char *p, *eol;

	snprintf(want_name, sizeof(want_name), "\"type\":\"hist\"");
	snprintf(want_dev, sizeof(want_dev), "\"dev\":\"%s\"", dev ? dev : "");
	for (p = out; *p; p = eol + !!*eol) {
		char n[96];

		eol = p + strcspn(p, "\n");
		if ((size_t)(eol - p) >= len)
			continue;
		memcpy(line, p, eol - p);
		line[eol - p] = '\0';
		snprintf(n, sizeof(n), "\"name\":\"%s\"", name);
		if (strstr(line, want_name) && strstr(line, n) && (!dev || strstr(line, want_dev)))
			return line;
	}
	return NULL;
}

/* "total" of that histogram; 0 when it is not there. */
static long hist_total(const char *out, const char *name, const char *dev)
{
	static char line[8192];
	const char *l = hist_line(out, name, dev, line, sizeof(line)), *t;

	t = l ? strstr(l, "\"total\":") : NULL;
	return t ? strtol(t + 8, NULL, 10) : 0;
}

/* The counts of that histogram's buckets whose "low" is at least @low (@above) or whose "high" is below @low. */
static long hist_count_from(const char *out, const char *name, const char *dev,
			    unsigned long long low, bool above)
{
	static char line[8192];
	const char *l = hist_line(out, name, dev, line, sizeof(line)), *b;
	long n = 0;

	for (b = l; b && (b = strstr(b, "{\"low\":")); b++) {
		unsigned long long lo = strtoull(b + 7, NULL, 10), hi;
		const char *h = strstr(b, "\"high\":"), *c = strstr(b, "\"count\":");

		if (!h || !c)
			break;
		hi = strtoull(h + 7, NULL, 10);
		if (above ? lo >= low : hi < low)
			n += strtol(c + 8, NULL, 10);
	}
	return n;
}

/* ---- netsize ------------------------------------------------------------- */

FIXTURE(pair) {
	struct veth_pair p;
	struct bg_tool t;
};

FIXTURE_SETUP(pair)
{
	char why[600];

	if (geteuid())
		SETUP_SKIP("needs root");
	if (veth_pair_up(&self->p, false, why, sizeof(why)))
		SETUP_SKIP("%s", why);
}

FIXTURE_TEARDOWN(pair)
{
	if (self->t.pid > 0)
		bg_tool_stop(&self->t, SIGKILL, STOP_MS);
	veth_pair_down(&self->p);
}

static int start_tool(struct __test_metadata *_metadata, struct bg_tool *t, const char *tool,
		      const char *const opts[], const char *ready)
{
	char bin[512];
	char *argv[16];
	int n = 0;

	argv[n++] = (char *)tool_path(tool, bin, sizeof(bin));
	while (opts && *opts && n < 15)
		argv[n++] = (char *)*opts++;
	argv[n] = NULL;
	if (start(t, argv, ready)) {
		TH_LOG("%s did not start:\n%s", tool, t->out);
		return -1;
	}
	return 0;
}

#define DGRAMS	7

/* Datagrams of 1000 bytes: one skb, one driver packet and one segment each, in 1024-2047 bytes. */
TEST_F_TIMEOUT(pair, netsize_udp_exact, 180)
{
	static const char *const opts[] = { "-j", NULL };
	static const char *const kinds[] = { "send_bytes", "nic_send_bytes", "send_segment_bytes" };
	static const char *const rkinds[] = { "recv_bytes", "nic_recv_bytes", "recv_segment_bytes" };
	char want[128];
	int rfd, i;

	rfd = udp_receiver(&self->p, AF_INET, PORT);
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, start_tool(_metadata, &self->t, "netsize", opts, "Tracing net device"));
	ASSERT_EQ(0, udp_send(&self->p, AF_INET, PORT, DGRAMS, 1000, -1));
	EXPECT_EQ(DGRAMS, udp_drain(rfd, DGRAMS));
	close(rfd);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	/* 1000 + 8 + 20 + 14 bytes sent (the Ethernet header in), 1028 received. */
	snprintf(want, sizeof(want), "\"total\":%d,\"buckets\":[{\"low\":1024,\"high\":2047,\"count\":%d}]}",
		 DGRAMS, DGRAMS);
	for (i = 0; i < 3; i++) {
		static char line[8192];

		EXPECT_NE(NULL, hist_line(self->t.out, kinds[i], self->p.dev_a, line, sizeof(line)))
			TH_LOG("no %s[%s]", kinds[i], self->p.dev_a);
		EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%s", line);
		EXPECT_NE(NULL, hist_line(self->t.out, rkinds[i], self->p.dev_b, line, sizeof(line)))
			TH_LOG("no %s[%s]", rkinds[i], self->p.dev_b);
		EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%s", line);
		/* Nothing came back. */
		EXPECT_EQ(0, hist_total(self->t.out, rkinds[i], self->p.dev_a));
		EXPECT_EQ(0, hist_total(self->t.out, kinds[i], self->p.dev_b));
	}
	EXPECT_EQ(0, json_schema_violations(self->t.out, want, sizeof(want))) TH_LOG("%s", want);
	DUMP_ON_FAILURE(self->t);
}

/*
 * TCP with an MSS of 1000 (less the timestamp option) over veth, whose
 * TSO hands the peer whole GSO skbs: the segments netsize cuts them into
 * are exactly the segments TCP counted (OutSegs and RetransSegs), the
 * skbs b received exactly its InSegs.
 */
TEST_F_TIMEOUT(pair, netsize_tcp_segments_match_mib, 180)
{
	static const char *const opts[] = { "-j", NULL };
	long a_out0, b_in0, b_out0, a_out, b_in, b_out;
	struct sockaddr_storage ss;
	int lfd, cfd, mss = 1000, st;
	socklen_t len;
	pid_t reader;
	char buf[65536] = {};
	long sent = 0;

	len = pair_addr(&self->p, true, AF_INET, PORT, &ss);
	lfd = netns_socket(self->p.b, AF_INET, SOCK_STREAM);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (void *)&ss, len));
	ASSERT_EQ(0, listen(lfd, 1));
	cfd = netns_socket(self->p.a, AF_INET, SOCK_STREAM);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, setsockopt(cfd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss)));
	ASSERT_EQ(0, start_tool(_metadata, &self->t, "netsize", opts, "Tracing net device"));
	/* OutSegs leaves out retransmissions (RetransSegs), which are on the wire too. */
	a_out0 = netns_snmp(self->p.a, "Tcp", "OutSegs") + netns_snmp(self->p.a, "Tcp", "RetransSegs");
	b_in0 = netns_snmp(self->p.b, "Tcp", "InSegs");
	b_out0 = netns_snmp(self->p.b, "Tcp", "OutSegs") + netns_snmp(self->p.b, "Tcp", "RetransSegs");
	ASSERT_EQ(0, connect(cfd, (void *)&ss, len));
	reader = fork();
	if (reader == 0) {
		int afd;

		close(cfd);	/* the writer's close must be the end of the stream */
		afd = accept(lfd, NULL, NULL);

		while (afd >= 0 && read(afd, buf, sizeof(buf)) > 0)
			;
		_exit(afd < 0);
	}
	while (sent < 200000) {
		ssize_t n = write(cfd, buf, sizeof(buf) < 200000 - sent ? sizeof(buf) : 200000 - sent);

		if (n <= 0)
			break;
		sent += n;
	}
	close(cfd);
	ASSERT_EQ(reader, waitpid(reader, &st, 0));
	EXPECT_EQ(0, st);
	close(lfd);
	usleep(300000);		/* the last ACKs */
	a_out = netns_snmp(self->p.a, "Tcp", "OutSegs") + netns_snmp(self->p.a, "Tcp", "RetransSegs") -
		a_out0;
	b_in = netns_snmp(self->p.b, "Tcp", "InSegs") - b_in0;
	b_out = netns_snmp(self->p.b, "Tcp", "OutSegs") + netns_snmp(self->p.b, "Tcp", "RetransSegs") -
		b_out0;
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(200000, sent);
	EXPECT_LT(200000 / 1000, a_out);
	EXPECT_EQ(a_out, hist_total(self->t.out, "send_segment_bytes", self->p.dev_a));
	EXPECT_EQ(a_out, hist_total(self->t.out, "recv_segment_bytes", self->p.dev_b));
	EXPECT_EQ(b_in, hist_total(self->t.out, "recv_bytes", self->p.dev_b));
	EXPECT_EQ(b_out, hist_total(self->t.out, "send_bytes", self->p.dev_b));
	EXPECT_EQ(b_out, hist_total(self->t.out, "send_segment_bytes", self->p.dev_b));
	/* GSO skbs went whole to the driver: fewer skbs than segments, some over 2 KiB... */
	EXPECT_GT(a_out, hist_total(self->t.out, "nic_send_bytes", self->p.dev_a));
	EXPECT_LT(0, hist_count_from(self->t.out, "nic_send_bytes", self->p.dev_a, 2048, true));
	/* ...while no segment is larger than the MTU and its Ethernet header. */
	EXPECT_EQ(0, hist_count_from(self->t.out, "send_segment_bytes", self->p.dev_a, 2048, true));
	DUMP_ON_FAILURE(self->t);
}

/* -i: one device's histograms only (a device of the tool's own namespace). */
TEST_F_TIMEOUT(pair, netsize_iface_filter, 180)
{
	static const char *const opts[] = { "-j", "-i", "lo", NULL };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct bg_tool *tp = &self->t;
	int fd, i;

	ASSERT_EQ(0, start_tool(_metadata, tp, "netsize", opts, "Tracing net device"));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	for (i = 0; i < 3; i++)
		sendto(fd, "x", 1, 0, (void *)&a, sizeof(a));
	close(fd);
	ASSERT_EQ(0, bg_tool_stop(tp, SIGINT, STOP_MS)) TH_LOG("%s", tp->out);
	EXPECT_LE(3, hist_total(tp->out, "send_bytes", "lo"));
	EXPECT_EQ(count_lines_with(tp->out, "\"type\":\"hist\""),
		  count_lines_with(tp->out, "\"dev\":\"lo\"")) TH_LOG("%s", tp->out);
	DUMP_ON_FAILURE(*tp);
}

/* ---- nettxlat ------------------------------------------------------------ */

#define HOLD_MS	300

/*
 * Datagrams a receiver holds for HOLD_MS: on veth the transmitted skb is
 * the one received, so from transmit start to release is at least that
 * long; with netlens.ko's skb_free (every release seen) or the kernel's
 * consume_skb (UDP's receive frees through it on 6.1 and 6.12).
 */
static void check_nettxlat_held(struct __test_metadata *_metadata, struct veth_pair *p,
				struct bg_tool *t, const char *force)
{
	static const char *const opts[] = { "-D", "-j", NULL };
	char why[1024];
	int rfd;

	if (force)
		setenv("NETLENS_FORCE_ATTACH", force, 1);
	rfd = udp_receiver(p, AF_INET, PORT);
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, start_tool(_metadata, t, "nettxlat", opts, "Tracing net device xmit"));
	unsetenv("NETLENS_FORCE_ATTACH");
	ASSERT_EQ(0, udp_send(p, AF_INET, PORT, DGRAMS, 1000, -1));
	usleep(HOLD_MS * 1000);
	EXPECT_EQ(DGRAMS, udp_drain(rfd, DGRAMS));
	close(rfd);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS)) TH_LOG("%s", t->out);
	EXPECT_EQ(DGRAMS, hist_total(t->out, "us", p->dev_a)) TH_LOG("%s", t->out);
	EXPECT_EQ(DGRAMS, hist_count_from(t->out, "us", p->dev_a, 1 << 18, true))
		TH_LOG("%s", t->out);	/* 262144 us and up: HOLD_MS is in */
	EXPECT_EQ(0, hist_total(t->out, "us", p->dev_b));
	EXPECT_EQ(0, json_schema_violations(t->out, why, sizeof(why))) TH_LOG("%s", why);
	DUMP_ON_FAILURE(*t);
}

TEST_F_TIMEOUT(pair, nettxlat_held_datagrams_netlens, 180)
{
	if (!netlens_loaded())
		SKIP(return, "netlens.ko is not loaded: its skb_free is the source under test");
	check_nettxlat_held(_metadata, &self->p, &self->t, "netlens");
	EXPECT_EQ(NULL, strstr(self->t.out, "using tracepoint:skb:"));
}

TEST_F_TIMEOUT(pair, nettxlat_held_datagrams_consume_skb, 180)
{
	struct utsname u;

	/* 6.18 frees UDP receives to the NAPI cache, past consume_skb. */
	if (uname(&u) || strverscmp(u.release, "6.13") >= 0)
		SKIP(return, "this kernel frees UDP receives without skb:consume_skb");
	check_nettxlat_held(_metadata, &self->p, &self->t, "skb");
	EXPECT_NE(NULL, strstr(self->t.out, "using tracepoint:skb:consume_skb"));
}

/* Datagrams to a port nobody has: dropped (kfree_skb) on arrival, at once; per device with the alias. */
TEST_F_TIMEOUT(pair, nettxlat_dev_alias_drops, 180)
{
	static const char *const opts[] = { "-j", NULL };
	char bin[512], want[64];
	char *argv[3];

	/* The name the book's nettxlat-dev.bt has: the build's link to nettxlat. */
	argv[0] = (char *)tool_path("nettxlat-dev", bin, sizeof(bin));
	argv[1] = (char *)opts[0];
	argv[2] = NULL;
	ASSERT_EQ(0, start(&self->t, argv, "Tracing net device xmit")) TH_LOG("%s", self->t.out);
	ASSERT_EQ(0, udp_send(&self->p, AF_INET, PORT, DGRAMS, 100, -1));
	usleep(200000);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(DGRAMS, hist_total(self->t.out, "us", self->p.dev_a));
	EXPECT_EQ(DGRAMS, hist_count_from(self->t.out, "us", self->p.dev_a, 1 << 18, false));
	snprintf(want, sizeof(want), "\"dev\":\"%s\"", self->p.dev_a);
	EXPECT_NE(NULL, strstr(self->t.out, want));
	DUMP_ON_FAILURE(self->t);
}

/* ---- ipecn --------------------------------------------------------------- */

/* ipecn -j lines of @dir on @dev of @family. */
static int ce_lines(const char *out, const char *dir, const char *dev, int family)
{
	char want[160];

	snprintf(want, sizeof(want), "\"event\":\"ce\",\"dir\":\"%s\",\"dev\":\"%s\",\"family\":%d,",
		 dir, dev, family);
	return count_lines_with(out, want);
}

FIXTURE(pair6) {
	struct veth_pair p;
	struct bg_tool t;
};

FIXTURE_SETUP(pair6)
{
	char why[600];

	if (geteuid())
		SETUP_SKIP("needs root");
	if (!path_exists("/proc/net/if_inet6"))
		SETUP_SKIP("no IPv6 in this kernel");
	if (veth_pair_up(&self->p, true, why, sizeof(why)))
		SETUP_SKIP("%s", why);
}

FIXTURE_TEARDOWN(pair6)
{
	if (self->t.pid > 0)
		bg_tool_stop(&self->t, SIGKILL, STOP_MS);
	veth_pair_down(&self->p);
}

/* Datagrams the sender marks CE itself (UDP may set the ECN bits): out on a's device, in on b's. */
TEST_F_TIMEOUT(pair6, ipecn_sender_marked_both_families, 180)
{
	static const char *const opts[] = { "-j", NULL };
	char why[1024];
	int r4, r6;

	r4 = udp_receiver(&self->p, AF_INET, PORT);
	r6 = udp_receiver(&self->p, AF_INET6, PORT);
	ASSERT_LE(0, r4);
	ASSERT_LE(0, r6);
	ASSERT_EQ(0, start_tool(_metadata, &self->t, "ipecn", opts, "Tracing ECN"));
	ASSERT_EQ(0, udp_send(&self->p, AF_INET, PORT, 4, 100, 3));
	ASSERT_EQ(0, udp_send(&self->p, AF_INET6, PORT, 5, 100, 3));
	/* ECT(0), not CE: not traced. */
	ASSERT_EQ(0, udp_send(&self->p, AF_INET, PORT, 3, 100, 2));
	EXPECT_EQ(7, udp_drain(r4, 7));
	EXPECT_EQ(5, udp_drain(r6, 5));
	close(r4);
	close(r6);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(4, ce_lines(self->t.out, "out", self->p.dev_a, AF_INET));
	EXPECT_EQ(4, ce_lines(self->t.out, "in", self->p.dev_b, AF_INET));
	EXPECT_EQ(5, ce_lines(self->t.out, "out", self->p.dev_a, AF_INET6));
	EXPECT_EQ(5, ce_lines(self->t.out, "in", self->p.dev_b, AF_INET6));
	EXPECT_EQ(18, count_lines_with(self->t.out, "\"event\":\"ce\"")) TH_LOG("%s", self->t.out);
	EXPECT_NE(NULL, strstr(self->t.out, "\"saddr\":\"fd00:213:"));
	EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
	DUMP_ON_FAILURE(self->t);
}

/* fq_codel's "ce_mark N" of @dev in namespace @ns (tc leaves out a 0); -1 without fq_codel. */
static long fq_codel_ce_marks(const char *ns, const char *dev)
{
	char out[4096], *p;

	if (run_cmd(out, sizeof(out), "tc -n %s -s qdisc show dev %s", ns, dev) ||
	    !strstr(out, "qdisc fq_codel"))
		return -1;
	p = strstr(out, "ce_mark ");
	return p ? strtol(p + 8, NULL, 10) : 0;
}

/*
 * ECT(0) datagrams through a rate-limited fq_codel with ce_threshold on a's
 * device: the packets that queued longer than 1 ms leave marked CE; ipecn
 * sees exactly as many out on a's device and in on b's as fq_codel
 * counted, for each family.
 */
TEST_F_TIMEOUT(pair6, ipecn_fq_codel_marks, 180)
{
	static const char *const opts[] = { "-j", NULL };
	char out[512];
	long marks4, marks6;
	int r4, r6;

	if (run_cmd(out, sizeof(out),
		    "exec 2>&1; tc -n %1$s qdisc add dev %2$s root handle 1: tbf rate 2mbit burst 1600 limit 200000 &&"
		    " tc -n %1$s qdisc add dev %2$s parent 1:1 handle 10: fq_codel ce_threshold 1ms",
		    self->p.a, self->p.dev_a))
		SKIP(return, "cannot add tbf and fq_codel: %s", out);
	r4 = udp_receiver(&self->p, AF_INET, PORT);
	r6 = udp_receiver(&self->p, AF_INET6, PORT);
	ASSERT_LE(0, r4);
	ASSERT_LE(0, r6);
	ASSERT_EQ(0, start_tool(_metadata, &self->t, "ipecn", opts, "Tracing ECN"));
	ASSERT_EQ(0, fq_codel_ce_marks(self->p.a, self->p.dev_a));
	ASSERT_EQ(0, udp_send(&self->p, AF_INET, PORT, 20, 1000, 2));
	EXPECT_EQ(20, udp_drain(r4, 20));
	marks4 = fq_codel_ce_marks(self->p.a, self->p.dev_a);
	ASSERT_EQ(0, udp_send(&self->p, AF_INET6, PORT, 20, 1000, 2));
	EXPECT_EQ(20, udp_drain(r6, 20));
	marks6 = fq_codel_ce_marks(self->p.a, self->p.dev_a) - marks4;
	close(r4);
	close(r6);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	/* At 2 Mbit/s a 1 KB datagram takes 4 ms: most of the burst waits past 1 ms. */
	EXPECT_LT(5, marks4);
	EXPECT_LT(5, marks6);
	EXPECT_EQ(marks4, ce_lines(self->t.out, "out", self->p.dev_a, AF_INET));
	EXPECT_EQ(marks4, ce_lines(self->t.out, "in", self->p.dev_b, AF_INET));
	EXPECT_EQ(marks6, ce_lines(self->t.out, "out", self->p.dev_a, AF_INET6));
	EXPECT_EQ(marks6, ce_lines(self->t.out, "in", self->p.dev_b, AF_INET6));
	DUMP_ON_FAILURE(self->t);
}

/* -d in -4: inbound IPv4 only, as the book's; text, the time on every line as the book's. */
TEST_F_TIMEOUT(pair6, ipecn_direction_and_family_filters, 180)
{
	static const char *const opts[] = { "-d", "in", "-4", NULL };
	char want[160];
	int r4, r6;

	r4 = udp_receiver(&self->p, AF_INET, PORT);
	r6 = udp_receiver(&self->p, AF_INET6, PORT);
	ASSERT_LE(0, r4);
	ASSERT_LE(0, r6);
	ASSERT_EQ(0, start_tool(_metadata, &self->t, "ipecn", opts, "PROTO\n"));
	EXPECT_NE(NULL, strstr(self->t.out, "TIME     DIR DEVICE           IP SADDR")) TH_LOG("%s", self->t.out);
	ASSERT_EQ(0, udp_send(&self->p, AF_INET, PORT, 3, 100, 3));
	ASSERT_EQ(0, udp_send(&self->p, AF_INET6, PORT, 3, 100, 3));
	EXPECT_EQ(3, udp_drain(r4, 3));
	EXPECT_EQ(3, udp_drain(r6, 3));
	close(r4);
	close(r6);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), " in  %-16s 4  %-16s %-16s UDP", self->p.dev_b, self->p.ip_a,
		 self->p.ip_b);
	/* Three lines, the inbound IPv4 ones, each after HH:MM:SS. */
	EXPECT_EQ(3, count_lines_with(self->t.out, " UDP")) TH_LOG("%s", self->t.out);
	EXPECT_EQ(3, count_lines_with(self->t.out, want)) TH_LOG("want '%s' in:\n%s", want, self->t.out);
	for (const char *l = strstr(self->t.out, want); l; l = strstr(l + 1, want)) {
		const char *bol = l;

		while (bol > self->t.out && bol[-1] != '\n')
			bol--;
		EXPECT_EQ(8, l - bol);
		EXPECT_TRUE(bol[2] == ':' && bol[5] == ':') TH_LOG("%.40s", bol);
	}
	DUMP_ON_FAILURE(self->t);
}

/* ---- superping ----------------------------------------------------------- */

#define PINGS	4
#define DELAY_MS 40

/*
 * ping from a to b (netem delay on a's device where the kernel has it):
 * one line per reply, every sequence number, each round trip at least the
 * delay and no longer than ping's own time for it.
 */
static void check_superping(struct __test_metadata *_metadata, struct veth_pair *p,
			    struct bg_tool *t, int family)
{
	static const char *const opts[] = { "-j", NULL };
	const char *addr = family == AF_INET ? p->ip_b : p->ip6_b;
	char out[4096], line[256], want[160];
	bool delayed;
	int seq;

	delayed = !run_cmd(NULL, 0, "tc -n %s qdisc add dev %s root netem delay %dms 2>/dev/null",
			   p->a, p->dev_a, DELAY_MS);
	ASSERT_EQ(0, start_tool(_metadata, t, "superping", opts, "Tracing ICMP ping latency"));
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "ip netns exec %s ping -%d -n -c %d -i 0.2 %s 2>&1",
			     p->a, family == AF_INET ? 4 : 6, PINGS, addr)) TH_LOG("%s", out);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS)) TH_LOG("%s", t->out);
	for (seq = 1; seq <= PINGS; seq++) {
		const char *l, *rtt, *pt;
		double ping_ms;
		long long ns;

		snprintf(want, sizeof(want), "\"addr\":\"%s\",", addr);
		snprintf(line, sizeof(line), "\"seq\":%d,", seq);
		l = NULL;
		for (const char *s = t->out; (s = strstr(s, want)); s++) {
			const char *eol = strchr(s, '\n');
			const char *q = strstr(s, line);

			if (q && (!eol || q < eol)) {
				l = s;
				break;
			}
		}
		ASSERT_NE(NULL, l) TH_LOG("no reply %d in:\n%s", seq, t->out);
		rtt = strstr(l, "\"rtt_ns\":");
		ASSERT_NE(NULL, rtt);
		ns = strtoll(rtt + 9, NULL, 10);
		snprintf(want, sizeof(want), "icmp_seq=%d ", seq);
		pt = strstr(out, want);
		ASSERT_NE(NULL, pt) TH_LOG("%s", out);
		pt = strstr(pt, "time=");
		ASSERT_NE(NULL, pt);
		ping_ms = strtod(pt + 5, NULL);
		if (delayed)
			EXPECT_LE(DELAY_MS * 1000000LL, ns);
		/* ping's time spans more than the stack's (its resolution: 1 us). */
		EXPECT_GE((long long)(ping_ms * 1e6) + 1000, ns) TH_LOG("seq %d: ping %.3f ms, stack %lld ns",
								       seq, ping_ms, ns);
	}
	EXPECT_EQ(PINGS, count_lines_with(t->out, "\"event\":\"echo\"")) TH_LOG("%s", t->out);
	EXPECT_EQ(0, json_schema_violations(t->out, out, sizeof(out))) TH_LOG("%s", out);
	DUMP_ON_FAILURE(*t);
}

TEST_F_TIMEOUT(pair6, superping_ipv4, 180)
{
	check_superping(_metadata, &self->p, &self->t, AF_INET);
}

TEST_F_TIMEOUT(pair6, superping_ipv6, 180)
{
	check_superping(_metadata, &self->p, &self->t, AF_INET6);
}

/* ---- bad arguments ------------------------------------------------------- */

TEST(bad_arguments_exit_2)
{
	static const struct {
		const char *tool, *args, *says;
	} cases[] = {
		{ "netsize", "-p 1", "invalid option" },
		{ "netsize", "-i nosuchdev0", "invalid interface 'nosuchdev0'" },
		{ "netsize", "0", "invalid interval '0'" },
		{ "nettxlat", "-i nosuchdev0", "invalid interface 'nosuchdev0'" },
		{ "nettxlat", "1 0", "invalid count '0'" },
		{ "ipecn", "-d sideways", "invalid direction 'sideways': in or out" },
		{ "ipecn", "-4 -6", "-4 and -6 exclude each other" },
		{ "ipecn", "5", "unexpected argument '5'" },
		{ "superping", "-i lo", "invalid option" },
		{ "superping", "1", "unexpected argument '1'" },
	};
	char bin[512], out[2048];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = run_cmd(out, sizeof(out), "%s %s 2>&1",
				 tool_path(cases[i].tool, bin, sizeof(bin)), cases[i].args);

		EXPECT_EQ(2, rc) TH_LOG("%s %s: %s", cases[i].tool, cases[i].args, out);
		EXPECT_NE(NULL, strstr(out, cases[i].says))
			TH_LOG("%s %s: %s", cases[i].tool, cases[i].args, out);
	}
}

TEST_HARNESS_MAIN
