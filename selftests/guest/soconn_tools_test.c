// SPDX-License-Identifier: GPL-2.0
/*
 * soconnlat and so1stbyte on the running kernel, against connects and
 * first bytes whose latency is known: connects between two network
 * namespaces over a veth pair whose client side delays every packet by
 * NETEM_MS (netem), so that no connect ends before NETEM_MS; a server
 * that writes its first byte SERVER_WAIT_MS after accepting.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000

/*
 * 80 ms: every connect between the namespaces takes 80 ms and a little,
 * in the log2 slot [65536, 131071] us with 50 ms to spare for a slow guest.
 */
#define NETEM_MS	80
#define NS_C		"nl-sclc"
#define NS_S		"nl-scls"
#define ADDR_C		"10.201.0.1"
#define ADDR_S		"10.201.0.2"
#define ADDR6_C		"fd00:201::1"
#define ADDR6_S		"fd00:201::2"
#define MAC_C		"02:00:0a:c9:00:01"
#define MAC_S		"02:00:0a:c9:00:02"
#define PORT_OPEN	5201	/* the server's */
#define PORT_CLOSED	5202	/* nothing listens: refused */

/* 150 ms: in the log2 slot [131072, 262143] us with 110 ms to spare. */
#define SERVER_WAIT_MS	150

static void my_comm(char comm[17])
{
	memset(comm, 0, 17);
	prctl(PR_GET_NAME, comm);
}

/* Start @tool @opts... -p <our PID>; 0 when it printed @ready, 1 when it "cannot " (forced). */
static int start_self(struct bg_tool *t, const char *tool, const char *const opts[],
		      const char *ready, const char *force)
{
	char bin[512], pid[16], *argv[16];
	int n = 0, ret;

	tool_path(tool, bin, sizeof(bin));
	snprintf(pid, sizeof(pid), "%d", getpid());
	argv[n++] = bin;
	while (*opts && n < 12)
		argv[n++] = (char *)*opts++;
	argv[n++] = "-p";
	argv[n++] = pid;
	argv[n] = NULL;
	if (force)
		setenv("NETLENS_FORCE_ATTACH", force, 1);
	ret = bg_tool_start(t, argv, ready, READY_MS);
	unsetenv("NETLENS_FORCE_ATTACH");
	if (ret == 0)
		return 0;
	if (t->pid > 0)
		bg_tool_stop(t, SIGKILL, STOP_MS);
	if (force && strstr(t->out, "cannot "))
		return 1;
	fprintf(stderr, "# %s did not print '%s'; its output:\n%s\n", argv[0], ready, t->out);
	return -1;
}

/* The number after "@key": in the line at @line; -1 when absent. */
static long long json_num(const char *line, const char *key)
{
	const char *eol = strchr(line, '\n'), *p;
	char pat[64];

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || (eol && p > eol))
		return -1;
	p += strlen(pat);
	if (!strncmp(p, "true", 4))
		return 1;
	if (!strncmp(p, "false", 5))
		return 0;
	return strtoll(p, NULL, 10);
}

/* @s in the line at @line. */
static bool line_has(const char *line, const char *s)
{
	const char *eol = strchr(line, '\n'), *p = strstr(line, s);

	return p && (!eol || p < eol);
}

/* The JSON histogram line of @out holding @labels; NULL when none. */
static const char *hist_line(const char *out, const char *labels)
{
	const char *p = out;

	while ((p = strstr(p, "{\"type\":\"hist\""))) {
		if (line_has(p, labels))
			return p;
		p++;
	}
	return NULL;
}

/* Buckets of a JSON histogram line. */
static int buckets(const char *line)
{
	const char *eol = strchr(line, '\n'), *p = line;
	int n = 0;

	while ((p = strstr(p, "{\"low\"")) && (!eol || p < eol)) {
		n++;
		p++;
	}
	return n;
}

/* ---- namespaces with a delay ------------------------------------------- */

FIXTURE(netem) {
	int ns_c, ns_test;
	pid_t server;
};

/* A listener on [::]:PORT_OPEN (IPv4 too) in the server's namespace, accepting until killed. */
static pid_t start_server(int ns_s)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(PORT_OPEN) };
	int gate[2], fd, one = 1;
	pid_t pid;
	char c;

	if (pipe(gate))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(gate[0]);
		if (setns(ns_s, CLONE_NEWNET) < 0)
			_exit(1);
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 64))
			_exit(1);
		if (write(gate[1], "r", 1) != 1)
			_exit(1);
		for (;;) {
			int s = accept(fd, NULL, NULL);

			if (s >= 0)
				close(s);
		}
	}
	close(gate[1]);
	if (read(gate[0], &c, 1) != 1) {
		close(gate[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(gate[0]);
	return pid;
}

FIXTURE_SETUP(netem)
{
	char out[2048];
	int ns_s;

	self->ns_c = self->ns_test = -1;
	self->server = 0;
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	run_cmd(NULL, 0, "ip netns del " NS_C " 2>/dev/null; ip netns del " NS_S " 2>/dev/null");
	/* Fixed MACs, permanent neighbours: no ARP or ND behind netem's delay. */
	if (run_cmd(out, sizeof(out),
		"ip netns add " NS_C " && ip netns add " NS_S " && "
		"ip link add nlscl0 address " MAC_C " netns " NS_C " type veth "
		"peer name nlscl1 address " MAC_S " netns " NS_S " && "
		"ip -n " NS_C " addr add " ADDR_C "/24 dev nlscl0 && "
		"ip -n " NS_S " addr add " ADDR_S "/24 dev nlscl1 && "
		"ip -n " NS_C " -6 addr add " ADDR6_C "/64 dev nlscl0 nodad && "
		"ip -n " NS_S " -6 addr add " ADDR6_S "/64 dev nlscl1 nodad && "
		"ip -n " NS_C " link set nlscl0 up && ip -n " NS_S " link set nlscl1 up && "
		"ip -n " NS_C " link set lo up && ip -n " NS_S " link set lo up && "
		"ip -n " NS_C " neigh replace " ADDR_S " lladdr " MAC_S " dev nlscl0 nud permanent && "
		"ip -n " NS_C " neigh replace " ADDR6_S " lladdr " MAC_S " dev nlscl0 nud permanent && "
		"ip -n " NS_S " neigh replace " ADDR_C " lladdr " MAC_C " dev nlscl1 nud permanent && "
		"ip -n " NS_S " neigh replace " ADDR6_C " lladdr " MAC_C " dev nlscl1 nud permanent && "
		"tc -n " NS_C " qdisc add dev nlscl0 root netem delay %dms 2>&1", NETEM_MS)) {
		run_cmd(NULL, 0, "ip netns del " NS_C " 2>/dev/null; ip netns del " NS_S " 2>/dev/null");
		SETUP_SKIP("cannot set up namespaces, veth and netem here: %.300s", out);
	}
	self->ns_c = open("/run/netns/" NS_C, O_RDONLY | O_CLOEXEC);
	self->ns_test = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_s = open("/run/netns/" NS_S, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_c);
	ASSERT_LE(0, self->ns_test);
	ASSERT_LE(0, ns_s);
	self->server = start_server(ns_s);
	close(ns_s);
	ASSERT_LT(0, self->server);
}

FIXTURE_TEARDOWN(netem)
{
	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	if (self->ns_test >= 0)
		setns(self->ns_test, CLONE_NEWNET);
	run_cmd(NULL, 0, "ip netns del " NS_C " 2>/dev/null; ip netns del " NS_S " 2>/dev/null");
}

/* A socket of the client's namespace (the test stays in its own). */
static int client_socket(FIXTURE_DATA(netem) *self, int family, int type)
{
	int fd;

	if (setns(self->ns_c, CLONE_NEWNET))
		return -1;
	fd = socket(family, type, 0);
	if (setns(self->ns_test, CLONE_NEWNET)) {
		close(fd);
		return -1;
	}
	return fd;
}

static socklen_t sockaddr_of(struct sockaddr_storage *ss, int family, const char *addr, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (void *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin6->sin6_addr);
	return sizeof(*sin6);
}

/* A blocking TCP connect from the client's namespace: 0 or -errno. */
static int connect_blocking(FIXTURE_DATA(netem) *self, int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(&ss, family, addr, port);
	int fd = client_socket(self, family, SOCK_STREAM), ret;

	if (fd < 0)
		return -EBADF;
	ret = connect(fd, (void *)&ss, len) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * A non-blocking one: EINPROGRESS, poll until it ends, its outcome from
 * SO_ERROR; on success connect(2) again as non-blocking clients do (which
 * must not count).  0 or -errno; -EPROTO when connect(2) did not return
 * EINPROGRESS.
 */
static int connect_nonblocking(FIXTURE_DATA(netem) *self, int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(&ss, family, addr, port), elen = sizeof(int);
	int fd = client_socket(self, family, SOCK_STREAM | SOCK_NONBLOCK), err = 0;
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (fd < 0)
		return -EBADF;
	if (!connect(fd, (void *)&ss, len) || errno != EINPROGRESS) {
		close(fd);
		return -EPROTO;
	}
	if (poll(&p, 1, 10000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen)) {
		close(fd);
		return -ETIMEDOUT;
	}
	if (!err && connect(fd, (void *)&ss, len) && errno != EISCONN)
		err = errno;
	close(fd);
	return -err;
}

/* A UDP connect from the client's namespace (no packet): 0 or -errno. */
static int connect_udp(FIXTURE_DATA(netem) *self, int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(&ss, family, addr, port);
	int fd = client_socket(self, family, SOCK_DGRAM), ret;

	if (fd < 0)
		return -EBADF;
	ret = connect(fd, (void *)&ss, len) ? -errno : 0;
	close(fd);
	return ret;
}

/* The JSON connect event lines of @out, into @lines (at most @max); how many. */
static int connect_events(const char *out, const char **lines, int max)
{
	const char *p = out;
	int n = 0;

	while ((p = strstr(p, "{\"type\":\"event\""))) {
		if (line_has(p, "\"event\":\"connect\"") && n < max)
			lines[n++] = p;
		p++;
	}
	return n;
}

/*
 * A line per connect: every one between the namespaces takes NETEM_MS or
 * more, blocking or not, refused or not; UDP's ends in the call.
 */
TEST_F_TIMEOUT(netem, soconnlat_events, 300)
{
	const char *ev[16];
	char why[1024];
	struct bg_tool t;
	int n, i;

	ASSERT_EQ(0, start_self(&t, "soconnlat", (const char *[]){ "-e", "-j", NULL },
				"Tracing IP connect", NULL));
	EXPECT_EQ(0, connect_blocking(self, AF_INET, ADDR_S, PORT_OPEN));
	EXPECT_EQ(0, connect_nonblocking(self, AF_INET, ADDR_S, PORT_OPEN));
	EXPECT_EQ(-ECONNREFUSED, connect_blocking(self, AF_INET, ADDR_S, PORT_CLOSED));
	EXPECT_EQ(-ECONNREFUSED, connect_nonblocking(self, AF_INET, ADDR_S, PORT_CLOSED));
	EXPECT_EQ(0, connect_blocking(self, AF_INET6, ADDR6_S, PORT_OPEN));
	EXPECT_EQ(0, connect_udp(self, AF_INET, ADDR_S, PORT_OPEN));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	n = connect_events(t.out, ev, 16);
	ASSERT_EQ(6, n);
	/* In order: each connect's event goes out before the next starts. */
	for (i = 0; i < 5; i++) {
		EXPECT_LE(NETEM_MS * 1000, json_num(ev[i], "lat_us")) TH_LOG("event %d", i);
		EXPECT_GT(NETEM_MS * 1000 * 10, json_num(ev[i], "lat_us")) TH_LOG("event %d", i);
		EXPECT_EQ(6, json_num(ev[i], "protocol")) TH_LOG("event %d", i);
		EXPECT_EQ(i == 1 || i == 3, json_num(ev[i], "nonblocking")) TH_LOG("event %d", i);
		EXPECT_EQ(i < 2 || i == 4 ? PORT_OPEN : PORT_CLOSED, json_num(ev[i], "port"));
		EXPECT_EQ(i == 2 || i == 3 ? -ECONNREFUSED : 0, json_num(ev[i], "ret")) TH_LOG("event %d", i);
		EXPECT_EQ(getpid(), json_num(ev[i], "pid"));
	}
	EXPECT_TRUE(line_has(ev[0], "\"address\":\"" ADDR_S "\""));
	EXPECT_TRUE(line_has(ev[2], "\"ret_name\":\"Connection refused\""));
	EXPECT_EQ(10, json_num(ev[4], "family"));
	EXPECT_TRUE(line_has(ev[4], "\"address\":\"" ADDR6_S "\""));
	/* UDP: no packet, the call's own duration. */
	EXPECT_EQ(17, json_num(ev[5], "protocol"));
	EXPECT_EQ(0, json_num(ev[5], "ret"));
	EXPECT_EQ(0, json_num(ev[5], "nonblocking"));
	EXPECT_GT(NETEM_MS * 1000, json_num(ev[5], "lat_us"));
	EXPECT_EQ(0, json_schema_violations(t.out, why, sizeof(why))) TH_LOG("%s", why);
	DUMP_ON_FAILURE(t);
}

/* The histogram per process name: blocking and non-blocking in one slot. */
TEST_F_TIMEOUT(netem, soconnlat_hist, 300)
{
	char comm[17], labels[96], want[96], why[1024];
	const int N = 3;
	const char *line;
	struct bg_tool t;
	int i;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "soconnlat", (const char *[]){ "-j", NULL },
				"Tracing IP connect", NULL));
	for (i = 0; i < N; i++) {
		EXPECT_EQ(0, connect_blocking(self, AF_INET, ADDR_S, PORT_OPEN));
		EXPECT_EQ(0, connect_nonblocking(self, AF_INET, ADDR_S, PORT_OPEN));
	}
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(labels, sizeof(labels), "\"name\":\"us\",\"unit\":\"us\",\"kind\":\"log2\",\"comm\":\"%s\"",
		 comm);
	line = hist_line(t.out, labels);
	ASSERT_NE(NULL, line) TH_LOG("no %s", labels);
	snprintf(want, sizeof(want), "\"total\":%d,", 2 * N);
	EXPECT_TRUE(line_has(line, want));
	snprintf(want, sizeof(want), "{\"low\":65536,\"high\":131071,\"count\":%d}", 2 * N);
	EXPECT_TRUE(line_has(line, want));
	EXPECT_EQ(1, buckets(line));
	EXPECT_EQ(0, json_schema_violations(t.out, why, sizeof(why))) TH_LOG("%s", why);
	DUMP_ON_FAILURE(t);
}

/* -O, text: one @us histogram, bpftrace's name line, BCC's rows. */
TEST_F_TIMEOUT(netem, soconnlat_overall_text, 300)
{
	struct bg_tool t;

	ASSERT_EQ(0, start_self(&t, "soconnlat", (const char *[]){ "-O", NULL },
				"Tracing IP connect", NULL));
	EXPECT_EQ(-ECONNREFUSED, connect_nonblocking(self, AF_INET, ADDR_S, PORT_CLOSED));
	EXPECT_EQ(0, connect_nonblocking(self, AF_INET6, ADDR6_S, PORT_OPEN));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(1, count_lines(t.out, "@us:"));
	EXPECT_EQ(1, count_lines_affix(t.out, "     usecs", "distribution"));
	EXPECT_EQ(1, count_lines_with(t.out, "65536 -> 131071     : 2 "));
	DUMP_ON_FAILURE(t);
}

/* ---- so1stbyte --------------------------------------------------------- */

/*
 * A server on 127.0.0.1 (a child process): for each of @n connections it
 * accepts, writes one byte SERVER_WAIT_MS later (the last one: closes at
 * once, writing nothing), then waits for the client to close.
 */
static pid_t first_byte_server(int *port, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int lfd, i;
	pid_t pid;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (void *)&a, len) || listen(lfd, 16) ||
	    getsockname(lfd, (void *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			int s = accept(lfd, NULL, NULL);
			char c;

			if (s < 0)
				_exit(1);
			if (i < n - 1) {
				usleep(SERVER_WAIT_MS * 1000);
				if (write(s, "x", 1) != 1)
					_exit(1);
				while (read(s, &c, 1) > 0)
					;
			}
			close(s);
		}
		_exit(0);
	}
	close(lfd);
	return pid;
}

static int connect_local(int port, bool nonblock)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct pollfd p;
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (void *)&a, sizeof(a)) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLOUT;
	if (nonblock && poll(&p, 1, 10000) != 1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Three connections whose first byte comes SERVER_WAIT_MS after the
 * connect: blocking; non-blocking, whose first receive fails with EAGAIN
 * (the book would stop there); one with a peek first.  A fourth ends
 * without data (a receive of 0 bytes: no first byte).
 */
static void check_so1stbyte(struct __test_metadata *_metadata, const char *force)
{
	char comm[17], labels[128], want[96], why[1024], c[4];
	const int N = 3;
	struct pollfd p;
	struct bg_tool t;
	const char *line;
	int port, fd, st, ret;
	pid_t server;

	my_comm(comm);
	ret = start_self(&t, "so1stbyte", (const char *[]){ "-j", NULL }, "Tracing IP socket", force);
	if (ret == 1)
		SKIP(return, "%s not usable here: %.500s", force, t.out);
	ASSERT_EQ(0, ret);
	server = first_byte_server(&port, N + 1);
	ASSERT_LT(0, server);

	fd = connect_local(port, false);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, recv(fd, c, sizeof(c), 0));
	close(fd);

	fd = connect_local(port, true);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, recv(fd, c, sizeof(c), 0));
	EXPECT_EQ(EAGAIN, errno);
	p.fd = fd;
	p.events = POLLIN;
	EXPECT_EQ(1, poll(&p, 1, 10000));
	EXPECT_EQ(1, recv(fd, c, sizeof(c), 0));
	close(fd);

	fd = connect_local(port, false);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, recv(fd, c, sizeof(c), MSG_PEEK));
	EXPECT_EQ(1, recv(fd, c, sizeof(c), 0));
	close(fd);

	fd = connect_local(port, false);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, recv(fd, c, sizeof(c), 0));
	close(fd);

	ASSERT_EQ(server, waitpid(server, &st, 0));
	EXPECT_EQ(0, st);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(labels, sizeof(labels), "\"name\":\"us\",\"unit\":\"us\",\"kind\":\"log2\",\"comm\":\"%s\",\"pid\":%d,",
		 comm, getpid());
	line = hist_line(t.out, labels);
	ASSERT_NE(NULL, line) TH_LOG("no %s:\n%s", labels, t.out);
	snprintf(want, sizeof(want), "\"total\":%d,", N);
	EXPECT_TRUE(line_has(line, want));
	snprintf(want, sizeof(want), "{\"low\":131072,\"high\":262143,\"count\":%d}", N);
	EXPECT_TRUE(line_has(line, want));
	EXPECT_EQ(1, buckets(line));
	EXPECT_EQ(0, json_schema_violations(t.out, why, sizeof(why))) TH_LOG("%s", why);
	DUMP_ON_FAILURE(t);
}

/* The harness's TEST() has 30 s: loading under TCG can take longer. */
FIXTURE(local) {
	int unused;
};

FIXTURE_SETUP(local)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
}

FIXTURE_TEARDOWN(local)
{
}

TEST_F_TIMEOUT(local, so1stbyte_first_byte, 300)
{
	check_so1stbyte(_metadata, NULL);
}

TEST_F_TIMEOUT(local, so1stbyte_first_byte_netlens, 300)
{
	check_so1stbyte(_metadata, "netlens");
}

TEST_F_TIMEOUT(local, so1stbyte_first_byte_fentry, 300)
{
	check_so1stbyte(_metadata, "fentry");
}

TEST_F_TIMEOUT(local, so1stbyte_first_byte_kprobe, 300)
{
	check_so1stbyte(_metadata, "kprobe");
}

/* so1stbyte's text: @us[comm, pid] as the book prints it, BCC's rows. */
TEST_F_TIMEOUT(local, so1stbyte_text, 300)
{
	char comm[17], head[64], c;
	struct bg_tool t;
	int port, fd;
	pid_t server;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "so1stbyte", (const char *[]){ NULL }, "Tracing IP socket", NULL));
	server = first_byte_server(&port, 2);
	ASSERT_LT(0, server);
	fd = connect_local(port, false);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, recv(fd, &c, 1, 0));
	close(fd);
	fd = connect_local(port, false);
	close(fd);
	waitpid(server, NULL, 0);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(head, sizeof(head), "@us[%s, %d]:", comm, getpid());
	EXPECT_EQ(1, count_lines(t.out, head));
	EXPECT_EQ(1, count_lines_with(t.out, "131072 -> 262143     : 1 "));
	DUMP_ON_FAILURE(t);
}

/* ---- arguments --------------------------------------------------------- */

/* Bad arguments: exit 2, before anything is loaded. */
TEST(bad_arguments)
{
	static const char *const cases[][2] = {
		{ "soconnlat", "-e 5" },	/* events: no interval */
		{ "soconnlat", "-e -O" },
		{ "soconnlat", "-w" },		/* -w is -e's */
		{ "soconnlat", "-4 -6" },
		{ "soconnlat", "-P 0" },
		{ "soconnlat", "1 2 3" },
		{ "so1stbyte", "-e" },
		{ "so1stbyte", "-P 70000" },
		{ "so1stbyte", "x" },
		{ "so1stbyte", "-p -3" },
	};
	char bin[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tool_path(cases[i][0], bin, sizeof(bin));
		EXPECT_EQ(2, run_cmd(NULL, 0, "%s %s >/dev/null 2>&1", bin, cases[i][1]))
			TH_LOG("%s %s", cases[i][0], cases[i][1]);
	}
}

TEST_HARNESS_MAIN
