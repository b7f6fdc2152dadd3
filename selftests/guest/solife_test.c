// SPDX-License-Identifier: GPL-2.0
/*
 * solife against sessions whose lifespans are known: each workload runs
 * in a child in a private network namespace (loopback only, no other
 * traffic) and solife traces that child's PID (-p), so every session it
 * prints is one the workload made, held for a known time with usleep().
 * Spans must be at least the hold and at most what the workload itself
 * measured from before connect/accept to after the last close (wall_us),
 * however slow the machine.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000
#define READY		"Tracing socket sessions"
#define MAX_SESSIONS	16
/* The tool's note when the kernel lets it see close(2) only. */
#define CLOSE_ONLY	"no socket release hook"

struct session {
	long long span_us;
	bool active, udp;
	unsigned int lport, rport;
};

struct run {
	struct bg_tool t;
	int status;		/* the workload's wait status */
	int n;
	struct session s[MAX_SESSIONS];
};

/*
 * What the workload measured, shared with it: [k] the span from before
 * connect/accept to after the last close of session k, in us; [T0] the
 * start of a session that process exit ends (the parent measures [EXIT]).
 */
enum { WALL_T0 = 6, WALL_EXIT = 7, WALL_N = 8 };
static long long *wall_us;

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long long json_num(const char *line, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(line, k);
	return p ? atoll(p + strlen(k)) : -1;
}

static void parse(struct run *r)
{
	const char *p;

	for (p = r->t.out; (p = strstr(p, "{\"type\":\"event\"")) && r->n < MAX_SESSIONS; p++) {
		char line[1024];
		struct session *s;

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		if (!strstr(line, "\"event\":\"session\""))
			continue;
		s = &r->s[r->n++];
		s->span_us = json_num(line, "span_us");
		s->active = strstr(line, "\"active\":true") != NULL;
		s->udp = strstr(line, "IPPROTO_UDP") != NULL;
		s->lport = json_num(line, "lport");
		s->rport = json_num(line, "rport");
	}
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo", .ifr_flags = IFF_UP };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int ret = fd < 0 ? -1 : ioctl(fd, SIOCSIFFLAGS, &ifr);

	if (fd >= 0)
		close(fd);
	return ret;
}

/* A listener on 127.0.0.1:@port. */
static int listener(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 8))
		_exit(10);
	return fd;
}

static int connect_to(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || connect(fd, (void *)&a, sizeof(a)))
		_exit(11);
	return fd;
}

static int accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		_exit(12);
	return fd;
}

/*
 * Run @work in a child in a new network namespace, with solife -j -p
 * CHILD tracing it; the output parsed into @r.  0, or -1 when solife did
 * not start (its output in r->t.out).
 */
static int run_tool(struct run *r, const char *tool, const char *ready_line, const char *opt,
		    const char *optarg, void (*work)(void))
{
	int ready[2], go[2], ret = -1;
	char bin[512], pid[16], c;
	pid_t child;

	memset(r, 0, sizeof(*r));
	if (!wall_us) {
		wall_us = mmap(NULL, WALL_N * sizeof(*wall_us), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (wall_us == MAP_FAILED)
			return -1;
	}
	memset(wall_us, 0, WALL_N * sizeof(*wall_us));
	if (pipe(ready) || pipe(go))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWNET) || lo_up() || write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(9);
		close(ready[1]);
		close(go[0]);
		work();
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1)
		goto out;
	tool_path(tool, bin, sizeof(bin));
	snprintf(pid, sizeof(pid), "%d", child);
	if (bg_tool_start(&r->t, (char *[]){ bin, "-j", "-p", pid, (char *)opt, (char *)optarg,
					     NULL }, ready_line, READY_MS))
		goto out;
	if (write(go[1], "g", 1) != 1)
		goto out;
	waitpid(child, &r->status, 0);
	if (wall_us[WALL_T0])
		wall_us[WALL_EXIT] = mono_us() - wall_us[WALL_T0];
	child = 0;
	bg_tool_stop(&r->t, SIGINT, STOP_MS);
	parse(r);
	ret = 0;
out:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (r->t.pid > 0)
		bg_tool_stop(&r->t, SIGKILL, STOP_MS);
	close(ready[0]);
	close(go[1]);
	return ret;
}

static int run_traced(struct run *r, void (*work)(void))
{
	return run_tool(r, "solife", READY, NULL, NULL, work);
}

#define HOLD_MS		300

/* Session @s was held @ms at least, and within what the workload measured, [@k]. */
#define SPAN_WITHIN(s, ms, k) do {						\
	EXPECT_LE((ms) * 1000LL, (s)->span_us);					\
	EXPECT_GE(wall_us[k], (s)->span_us);					\
	EXPECT_LT(0, wall_us[k]);						\
} while (0)

#define RUN(r, work) do {							\
	if (run_traced(&(r), work)) {						\
		TH_LOG("solife did not start:\n%s", (r).t.out);			\
		ASSERT_TRUE(0);							\
	}									\
	ASSERT_TRUE(WIFEXITED((r).status));					\
	ASSERT_EQ(0, WEXITSTATUS((r).status));					\
} while (0)

/* The session of @active side; NULL when there is not exactly one. */
static struct session *only(struct run *r, bool active, bool udp)
{
	struct session *found = NULL;
	int i, n = 0;

	for (i = 0; i < r->n; i++)
		if (r->s[i].active == active && r->s[i].udp == udp) {
			found = &r->s[i];
			n++;
		}
	return n == 1 ? found : NULL;
}

/* A TCP session held HOLD_MS: both ends. */
static void work_held(void)
{
	long long t0 = mono_us();
	int l = listener(5301), c = connect_to(SOCK_STREAM, 5301), a = accept_one(l);

	usleep(HOLD_MS * 1000);
	close(c);
	close(a);
	wall_us[0] = mono_us() - t0;
	close(l);
}

TEST(tcp_held)
{
	struct session *c, *a;
	char why[4096];
	struct run r;

	RUN(r, work_held);
	DUMP_ON_FAILURE(r.t);
	ASSERT_EQ(2, r.n);
	c = only(&r, true, false);
	a = only(&r, false, false);
	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, a);
	SPAN_WITHIN(c, HOLD_MS, 0);
	SPAN_WITHIN(a, HOLD_MS, 0);
	EXPECT_EQ(5301, c->rport);
	EXPECT_EQ(5301, a->lport);
	EXPECT_EQ(c->lport, a->rport);
	EXPECT_EQ(0, json_schema_violations(r.t.out, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ(2, count_lines_with(r.t.out, "\"laddr\":\"127.0.0.1\",\"lport\""));
	EXPECT_EQ(2, count_lines_with(r.t.out, "\"raddr\":\"127.0.0.1\",\"rport\""));
}

/*
 * dup(), fcntl(F_DUPFD) and dup3() of the connected socket, the original
 * closed first: the session ends at the last close, 3 x 100 ms later.
 */
static void work_dup(void)
{
	long long t0 = mono_us();
	int l = listener(5302), c = connect_to(SOCK_STREAM, 5302), a = accept_one(l);
	int d1 = dup(c), d2 = fcntl(d1, F_DUPFD, 100), d3 = dup3(d2, 200, O_CLOEXEC);

	if (d1 < 0 || d2 < 100 || d3 != 200)
		_exit(13);
	close(a);
	wall_us[1] = mono_us() - t0;
	close(l);
	close(c);
	usleep(100000);
	close(d1);
	usleep(100000);
	close(d2);
	usleep(100000);
	close(d3);
	wall_us[0] = mono_us() - t0;
}

TEST(dup_last_close)
{
	struct session *c, *a;
	struct run r;

	RUN(r, work_dup);
	DUMP_ON_FAILURE(r.t);
	ASSERT_EQ(2, r.n);
	c = only(&r, true, false);
	a = only(&r, false, false);
	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, a);
	SPAN_WITHIN(c, 300, 0);
	/* The accepted end was closed at once. */
	SPAN_WITHIN(a, 0, 1);
}

/* A forked child holds the descriptor HOLD_MS after the parent closed it. */
static void work_fork(void)
{
	long long t0 = mono_us();
	int l = listener(5303), c = connect_to(SOCK_STREAM, 5303), a = accept_one(l);
	int st;
	pid_t p;

	close(a);
	close(l);
	p = fork();
	if (p < 0)
		_exit(14);
	if (p == 0) {
		usleep(HOLD_MS * 1000);
		close(c);
		_exit(0);
	}
	close(c);
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		_exit(15);
	wall_us[0] = mono_us() - t0;
}

TEST(fork_keeps_alive)
{
	struct session *c;
	struct run r;

	RUN(r, work_fork);
	DUMP_ON_FAILURE(r.t);
	ASSERT_EQ(2, r.n);
	c = only(&r, true, false);
	ASSERT_NE(NULL, c);
	SPAN_WITHIN(c, HOLD_MS, 0);
}

/* The same descriptor number for a second socket: two sessions, 100 and 200 ms. */
static void work_reuse(void)
{
	long long t0 = mono_us(), t1;
	int l = listener(5304), c = connect_to(SOCK_STREAM, 5304), a = accept_one(l), c2;

	close(a);
	usleep(100000);
	close(c);
	t1 = mono_us();
	wall_us[0] = t1 - t0;
	c2 = connect_to(SOCK_STREAM, 5304);
	if (c2 != c)
		_exit(16);
	a = accept_one(l);
	close(a);
	close(l);
	usleep(200000);
	close(c2);
	wall_us[1] = mono_us() - t1;
}

TEST(fd_reuse_new_session)
{
	struct session *c[2];
	int i, n = 0;
	struct run r;

	RUN(r, work_reuse);
	DUMP_ON_FAILURE(r.t);
	ASSERT_EQ(4, r.n);
	for (i = 0; i < r.n; i++)
		if (r.s[i].active && n < 2)
			c[n++] = &r.s[i];
	ASSERT_EQ(2, n);
	/* In the order they ended. */
	SPAN_WITHIN(c[0], 100, 0);
	SPAN_WITHIN(c[1], 200, 1);
	EXPECT_NE(c[0]->lport, c[1]->lport);
}

/* A connected UDP socket, connected again halfway: one session. */
static void work_udp(void)
{
	long long t0 = mono_us();
	int u = connect_to(SOCK_DGRAM, 5305);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5306),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	usleep(100000);
	if (connect(u, (void *)&a, sizeof(a)))
		_exit(17);
	usleep(100000);
	close(u);
	wall_us[0] = mono_us() - t0;
}

TEST(udp_connect_close)
{
	struct session *u;
	struct run r;

	RUN(r, work_udp);
	DUMP_ON_FAILURE(r.t);
	ASSERT_EQ(1, r.n);
	u = only(&r, true, true);
	ASSERT_NE(NULL, u);
	SPAN_WITHIN(u, 200, 0);
	EXPECT_EQ(5306, u->rport);
}

/* The process exits holding the socket: the kernel releases it then. */
static void work_exit(void)
{
	int l = listener(5307);

	wall_us[WALL_T0] = mono_us();
	connect_to(SOCK_STREAM, 5307);
	close(l);
	usleep(HOLD_MS * 1000);
}

TEST(exit_releases)
{
	struct session *c;
	struct run r;

	RUN(r, work_exit);
	DUMP_ON_FAILURE(r.t);
	if (strstr(r.t.out, CLOSE_ONLY))
		SKIP(return, "no fentry/kprobe on sock_close: solife sees close(2) only");
	ASSERT_EQ(1, r.n);
	c = only(&r, true, false);
	ASSERT_NE(NULL, c);
	SPAN_WITHIN(c, HOLD_MS, WALL_EXIT);
}

/* ---- udplife ---------------------------------------------------------------- */

struct flow {
	unsigned int lport, rport;
	long long tx, rx, txp, rxp;
};

/* udplife's flows in @r->t.out into @f; how many (at most @max). */
static int parse_flows(struct run *r, struct flow *f, int max)
{
	const char *p;
	int n = 0;

	for (p = r->t.out; (p = strstr(p, "{\"type\":\"event\"")) && n < max; p++) {
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		if (!strstr(line, "\"event\":\"flow\""))
			continue;
		f[n].lport = json_num(line, "lport");
		f[n].rport = json_num(line, "rport");
		f[n].tx = json_num(line, "tx_bytes");
		f[n].rx = json_num(line, "rx_bytes");
		f[n].txp = json_num(line, "tx_packets");
		f[n].rxp = json_num(line, "rx_packets");
		n++;
	}
	return n;
}

#define UDP_N		7
#define UDP_REQ		300
#define UDP_RESP	500
#define UDP_PORT	5501

static int udp_bound(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)))
		_exit(20);
	return fd;
}

/*
 * UDP_N requests of UDP_REQ bytes, each answered with UDP_RESP bytes, on
 * unconnected sockets: the client by sendmsg/recvmsg, the server by
 * recvfrom/sendto.
 */
static void work_udp_unconnected(void)
{
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, peer, from;
	int s = udp_bound(UDP_PORT), c = socket(AF_INET, SOCK_DGRAM, 0), i;
	char req[UDP_REQ] = { 'q' }, resp[UDP_RESP] = { 'a' }, buf[2048];
	socklen_t plen;

	for (i = 0; i < UDP_N; i++) {
		struct iovec iov = { req, sizeof(req) };
		struct msghdr m = { .msg_name = &srv, .msg_namelen = sizeof(srv),
				    .msg_iov = &iov, .msg_iovlen = 1 };

		if (sendmsg(c, &m, 0) != UDP_REQ)
			_exit(21);
		plen = sizeof(peer);
		if (recvfrom(s, buf, sizeof(buf), 0, (void *)&peer, &plen) != UDP_REQ)
			_exit(22);
		if (sendto(s, resp, sizeof(resp), 0, (void *)&peer, plen) != UDP_RESP)
			_exit(23);
		iov = (struct iovec){ buf, sizeof(buf) };
		m = (struct msghdr){ .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		if (recvmsg(c, &m, 0) != UDP_RESP)
			_exit(24);
	}
	close(c);
	close(s);
}

/* The same over connected sockets with write(2) and read(2). */
static void work_udp_connected(void)
{
	int s = udp_bound(UDP_PORT), c = connect_to(SOCK_DGRAM, UDP_PORT), i;
	char req[UDP_REQ] = { 'q' }, resp[UDP_RESP] = { 'a' }, buf[2048];
	struct sockaddr_in ca;
	socklen_t len = sizeof(ca);

	if (getsockname(c, (void *)&ca, &len) || connect(s, (void *)&ca, len))
		_exit(25);
	for (i = 0; i < UDP_N; i++) {
		if (write(c, req, sizeof(req)) != UDP_REQ || read(s, buf, sizeof(buf)) != UDP_REQ ||
		    write(s, resp, sizeof(resp)) != UDP_RESP ||
		    read(c, buf, sizeof(buf)) != UDP_RESP)
			_exit(26);
	}
	close(c);
	close(s);
}

/* Exactly two flows: the server's and the client's views of one 5-tuple. */
static void check_udp_flows(struct __test_metadata *_metadata, struct run *r)
{
	struct flow f[8], *srv = NULL, *cli = NULL;
	int n = parse_flows(r, f, 8), i;

	ASSERT_EQ(2, n);
	for (i = 0; i < n; i++) {
		if (f[i].lport == UDP_PORT)
			srv = &f[i];
		else if (f[i].rport == UDP_PORT)
			cli = &f[i];
	}
	ASSERT_NE(NULL, srv);
	ASSERT_NE(NULL, cli);
	EXPECT_EQ(cli->lport, srv->rport);
	EXPECT_EQ(UDP_N * UDP_REQ, srv->rx);
	EXPECT_EQ(UDP_N * UDP_RESP, srv->tx);
	EXPECT_EQ(UDP_N, srv->rxp);
	EXPECT_EQ(UDP_N, srv->txp);
	EXPECT_EQ(UDP_N * UDP_REQ, cli->tx);
	EXPECT_EQ(UDP_N * UDP_RESP, cli->rx);
	EXPECT_EQ(UDP_N, cli->txp);
	EXPECT_EQ(UDP_N, cli->rxp);
}

#define UDPLIFE_READY	"Tracing UDP flows"

/* A test run forcing an attach kind udplife has not (the close(2) fallback): skipped. */
#define RUN_UDPLIFE(r, opt, optarg, work) do {					\
	if (run_tool(&(r), "udplife", UDPLIFE_READY, opt, optarg, work)) {	\
		if (getenv("NETLENS_FORCE_ATTACH") && strstr((r).t.out, "cannot trace")) \
			SKIP(return, "udplife has no source NETLENS_FORCE_ATTACH allows"); \
		TH_LOG("udplife did not start:\n%s", (r).t.out);		\
		ASSERT_TRUE(0);							\
	}									\
} while (0)

TEST(udplife_unconnected)
{
	char why[4096];
	struct run r;

	RUN_UDPLIFE(r, NULL, NULL, work_udp_unconnected);
	DUMP_ON_FAILURE(r.t);
	ASSERT_TRUE(WIFEXITED(r.status));
	ASSERT_EQ(0, WEXITSTATUS(r.status));
	check_udp_flows(_metadata, &r);
	EXPECT_EQ(0, json_schema_violations(r.t.out, why, sizeof(why))) TH_LOG("%s", why);
}

TEST(udplife_connected)
{
	struct run r;

	RUN_UDPLIFE(r, NULL, NULL, work_udp_connected);
	DUMP_ON_FAILURE(r.t);
	ASSERT_TRUE(WIFEXITED(r.status));
	ASSERT_EQ(0, WEXITSTATUS(r.status));
	check_udp_flows(_metadata, &r);
}

/* One datagram, 2.5 s of silence, another: with -I 1, two flows each side. */
static void work_udp_idle(void)
{
	int s = udp_bound(UDP_PORT), c = connect_to(SOCK_DGRAM, UDP_PORT), i;
	char buf[64];

	for (i = 0; i < 2; i++) {
		if (i)
			usleep(2500000);
		if (write(c, "ping", 4) != 4 || read(s, buf, sizeof(buf)) != 4)
			_exit(27);
	}
	close(c);
	close(s);
}

TEST(udplife_idle_ends_flow)
{
	struct flow f[8];
	int n, i, cli = 0;
	struct run r;

	RUN_UDPLIFE(r, "-I", "1", work_udp_idle);
	DUMP_ON_FAILURE(r.t);
	ASSERT_EQ(0, WEXITSTATUS(r.status));
	n = parse_flows(&r, f, 8);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++) {
		if (f[i].rport != UDP_PORT)
			continue;
		cli++;
		EXPECT_EQ(4, f[i].tx);
		EXPECT_EQ(1, f[i].txp);
	}
	EXPECT_EQ(2, cli);
}

TEST(bad_arguments)
{
	static const char *const bad[][3] = {
		{ "-x" }, { "5" }, { "-p", "abc" }, { "-p", "-1" }, { "-4", "-6" },
	};
	char bin[512], cmd[1024], out[4096];
	size_t i;

	static const char *const bad_udp[][2] = {
		{ "-I", "0" }, { "-I", "3601" }, { "-I", "x" }, { "5" }, { "-p", "abc" },
	};

	tool_path("solife", bin, sizeof(bin));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s %s %s 2>&1", bin, bad[i][0], bad[i][1] ? bad[i][1] : "");
		EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s", cmd)) TH_LOG("%s: %s", cmd, out);
	}
	tool_path("udplife", bin, sizeof(bin));
	for (i = 0; i < sizeof(bad_udp) / sizeof(bad_udp[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s %s %s 2>&1", bin, bad_udp[i][0],
			 bad_udp[i][1] ? bad_udp[i][1] : "");
		EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s", cmd)) TH_LOG("%s: %s", cmd, out);
	}
}

TEST_HARNESS_MAIN
