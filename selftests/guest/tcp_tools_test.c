// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP tools on the running kernel: each test runs known TCP sessions
 * (tcplife: "nl-client" connects from one loopback address to a listener
 * of "nl-server" on another, with exact byte counts and hold times;
 * tcpsynbl: handshakes into a listener of a known backlog; tcpretrans: a
 * transfer over a lossy loopback of a namespace of its own) and checks
 * what the tool says of them against the kernel's own counters.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000

/* Sequence space, as tcp_sock counts it: the SYN and FIN take a byte each. */
#define UP_BYTES	100000	/* client to server */
#define DOWN_BYTES	5000	/* server to client */
#define HOLD_MS		300	/* the client keeps the session this long */

struct session {
	int family;
	char client_addr[INET6_ADDRSTRLEN], server_addr[INET6_ADDRSTRLEN];
	pid_t client, server;
	int cport, sport;
	int gate[2];		/* both children wait until it closes */
	int report[2];		/* the client's port, once connected */
	int client_ns;		/* the client's network namespace; -1: the test's */
};

static socklen_t sockaddr_of(int family, const char *addr, int port,
			     struct sockaddr_storage *ss)
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

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (void *)&ss, &len))
		return -1;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
					       ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void wait_gate(const int gate[2])
{
	char c;

	close(gate[1]);
	while (read(gate[0], &c, 1) < 0 && errno == EINTR)
		;
}

static int xfer(int fd, int bytes, bool send_it)
{
	char buf[16384];
	int done = 0, n;

	memset(buf, 'n', sizeof(buf));
	while (done < bytes) {
		n = bytes - done < (int)sizeof(buf) ? bytes - done : (int)sizeof(buf);
		n = send_it ? write(fd, buf, n) : read(fd, buf, n);
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

/* Reads DOWN after UP, waits for the client's FIN, closes: LAST_ACK. */
static void server_child(struct session *s, int lfd)
{
	char c;
	int fd;

	prctl(PR_SET_NAME, "nl-server");
	close(s->report[0]);
	close(s->report[1]);
	wait_gate(s->gate);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || xfer(fd, UP_BYTES, false) || xfer(fd, DOWN_BYTES, true))
		_exit(1);
	if (read(fd, &c, 1) != 0)
		_exit(2);
	close(fd);
	_exit(0);
}

/* Connects (SYN_SENT), sends UP, reads DOWN, holds, closes first. */
static void client_child(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, port;

	prctl(PR_SET_NAME, "nl-client");
	close(s->report[0]);
	wait_gate(s->gate);
	if (s->client_ns >= 0 && setns(s->client_ns, CLONE_NEWNET))
		_exit(5);
	fd = socket(s->family, SOCK_STREAM, 0);
	len = sockaddr_of(s->family, s->client_addr, 0, &ss);
	if (fd < 0 || bind(fd, (void *)&ss, len))
		_exit(1);
	len = sockaddr_of(s->family, s->server_addr, s->sport, &ss);
	if (connect(fd, (void *)&ss, len))
		_exit(2);
	port = port_of(fd);
	if (write(s->report[1], &port, sizeof(port)) != sizeof(port))
		_exit(3);
	if (xfer(fd, UP_BYTES, true) || xfer(fd, DOWN_BYTES, false))
		_exit(4);
	usleep(HOLD_MS * 1000);
	close(fd);
	_exit(0);
}

/*
 * The listener and both children, held at the gate: the server's port and
 * both PIDs are known before the tool starts.  0 or -1.
 */
static int session_prepare_at(struct session *s, int family, const char *client_addr,
			      const char *server_addr, int client_ns)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int lfd;

	memset(s, 0, sizeof(*s));
	s->family = family;
	s->client_ns = client_ns;
	snprintf(s->client_addr, sizeof(s->client_addr), "%s", client_addr);
	snprintf(s->server_addr, sizeof(s->server_addr), "%s", server_addr);
	/* Close-on-exec: the tool started next must not hold the gate open. */
	if (pipe2(s->gate, O_CLOEXEC) || pipe2(s->report, O_CLOEXEC))
		return -1;
	lfd = socket(family, SOCK_STREAM, 0);
	len = sockaddr_of(family, s->server_addr, 0, &ss);
	if (lfd < 0 || bind(lfd, (void *)&ss, len) || listen(lfd, 4))
		return -1;
	s->sport = port_of(lfd);
	s->server = fork();
	if (s->server == 0)
		server_child(s, lfd);
	close(lfd);
	s->client = fork();
	if (s->client == 0)
		client_child(s);
	close(s->gate[0]);
	close(s->report[1]);
	return s->server > 0 && s->client > 0 ? 0 : -1;
}

/* Over loopback: 127.0.0.1 to 127.0.0.2, or ::1 to ::1. */
static int session_prepare(struct session *s, int family)
{
	return session_prepare_at(s, family, family == AF_INET ? "127.0.0.1" : "::1",
				  family == AF_INET ? "127.0.0.2" : "::1", -1);
}

/* Open the gate; 0 once both children ended well (their status logged). */
static int session_run(struct session *s)
{
	int st_c = -1, st_s = -1;

	close(s->gate[1]);
	if (read(s->report[0], &s->cport, sizeof(s->cport)) != sizeof(s->cport))
		s->cport = -1;
	close(s->report[0]);
	waitpid(s->client, &st_c, 0);
	waitpid(s->server, &st_s, 0);
	if (st_c || st_s)
		fprintf(stderr, "# client status %d, server status %d\n", st_c, st_s);
	return st_c || st_s ? -1 : 0;
}

static bool have_ipv6_loopback(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(AF_INET6, "::1", 0, &ss);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	bool ok = fd >= 0 && !bind(fd, (void *)&ss, len);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* $BUILD/bin/@tool @args... in the background, once @ready is printed. */
static int tool_start(struct bg_tool *t, const char *tool, const char *const args[],
		      const char *ready)
{
	char bin[512], *argv[16];
	int n = 0;

	argv[n++] = (char *)tool_path(tool, bin, sizeof(bin));
	while (*args && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	if (!bg_tool_start(t, argv, ready, READY_MS))
		return 0;
	fprintf(stderr, "# %s did not print '%s':\n%s\n", tool, ready, t->out);
	if (t->pid > 0)
		bg_tool_stop(t, SIGKILL, STOP_MS);
	return -1;
}

/* One session traced by @tool @args: the tool's whole output in @t. */
static void traced_session(struct __test_metadata *_metadata, struct bg_tool *t,
			   struct session *s, int family, const char *tool,
			   const char *const args[], const char *ready, int lines)
{
	ASSERT_EQ(0, session_prepare(s, family));
	ASSERT_EQ(0, tool_start(t, tool, args, ready));
	ASSERT_EQ(0, session_run(s));
	/* Both ends reach TCP_CLOSE before the children are reaped. */
	for (int i = 0; i < 50 && count_lines_affix(t->out, "", "") < lines; i++)
		bg_tool_read(t, 100, NULL);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS)) TH_LOG("%s", t->out);
}

/* The JSON line of @t's output that has @needle; NULL if none. */
static const char *json_line_with(const char *out, const char *needle, char *buf, size_t len)
{
	const char *p = strstr(out, needle), *bol, *eol;

	if (!p)
		return NULL;
	for (bol = p; bol > out && bol[-1] != '\n'; bol--)
		;
	eol = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int)(eol ? eol - bol : (long)strlen(bol)), bol);
	return buf;
}

static long long json_num(const char *line, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(line, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

/* Sum of "@key":N over the JSON lines of @out that have @with. */
static long long json_sum(const char *out, const char *with, const char *key)
{
	char k[64];
	const char *p, *eol, *v;
	long long sum = 0;

	snprintf(k, sizeof(k), "\"%s\":", key);
	for (p = out; *p; p = eol + !!*eol) {
		eol = p + strcspn(p, "\n");
		v = strstr(p, k);
		if (*p == '{' && v && v < eol && strstr(p, with) && strstr(p, with) < eol)
			sum += strtoll(v + strlen(k), NULL, 10);
	}
	return sum;
}

FIXTURE(tcplife) {
	struct session s;
	struct bg_tool t;
};

FIXTURE_SETUP(tcplife)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
}

FIXTURE_TEARDOWN(tcplife)
{
}

/*
 * Each end of the session is one event: the client's opened by connect
 * (active), bytes as tcp_sock counts them (data, plus the SYN and FIN it
 * sent and had acked; data plus the peer's FIN received), its lifespan at
 * least the hold.
 */
TEST_F_TIMEOUT(tcplife, json_session_fields, 180)
{
	const char *args[] = { "-j", NULL };
	char want[256], buf[1024];
	const char *c, *sv;
	long long span;

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcplife", args, "Tracing", 2);
	snprintf(want, sizeof(want), "\"lport\":%d,", self->s.cport);
	c = json_line_with(self->t.out, want, buf, sizeof(buf));
	ASSERT_NE(NULL, c) TH_LOG("no session of client port %d:\n%s", self->s.cport, self->t.out);
	snprintf(want, sizeof(want), "\"event\":\"session\",\"pid\":%d,\"comm\":\"nl-client\","
		 "\"family\":2,\"family_name\":\"AF_INET\",\"laddr\":\"127.0.0.1\",\"lport\":%d,"
		 "\"raddr\":\"127.0.0.2\",\"rport\":%d,\"tx_bytes\":%d,\"rx_bytes\":%d,",
		 self->s.client, self->s.cport, self->s.sport, UP_BYTES + 2, DOWN_BYTES + 1);
	EXPECT_NE(NULL, strstr(c, want)) TH_LOG("%s\nnot in\n%s", want, c);
	EXPECT_NE(NULL, strstr(c, "\"active\":true}")) TH_LOG("%s", c);
	span = json_num(c, "span_us");
	EXPECT_LE(HOLD_MS * 1000LL, span) TH_LOG("%s", c);
	EXPECT_GT(30 * 1000000LL, span) TH_LOG("%s", c);

	snprintf(want, sizeof(want), "\"lport\":%d,", self->s.sport);
	sv = json_line_with(self->t.out, want, buf, sizeof(buf));
	ASSERT_NE(NULL, sv) TH_LOG("no session of server port %d:\n%s", self->s.sport, self->t.out);
	/* The server closed after the peer (LAST_ACK): it is the task named. */
	snprintf(want, sizeof(want), "\"pid\":%d,\"comm\":\"nl-server\","
		 "\"family\":2,\"family_name\":\"AF_INET\",\"laddr\":\"127.0.0.2\",\"lport\":%d,"
		 "\"raddr\":\"127.0.0.1\",\"rport\":%d,\"tx_bytes\":%d,\"rx_bytes\":%d,",
		 self->s.server, self->s.sport, self->s.cport, DOWN_BYTES + 1, UP_BYTES + 1);
	EXPECT_NE(NULL, strstr(sv, want)) TH_LOG("%s\nnot in\n%s", want, sv);
	EXPECT_NE(NULL, strstr(sv, "\"active\":false}")) TH_LOG("%s", sv);
	{
		char why[4096];

		EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
	}
	DUMP_ON_FAILURE(self->t);
}

/* The book's columns: PID COMM LADDR LPORT RADDR RPORT TX_KB RX_KB MS. */
TEST_F_TIMEOUT(tcplife, text_columns, 180)
{
	const char *args[] = { NULL };
	char want[256];

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcplife", args, "RX_KB", 3);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "PID     COMM       LADDR           LPORT "
				       "RADDR           RPORT TX_KB RX_KB MS", ""));
	snprintf(want, sizeof(want), "%-7d %-10s %-15s %-5d %-15s %-5d %5d %5d ", self->s.client,
		 "nl-client", "127.0.0.1", self->s.cport, "127.0.0.2", self->s.sport,
		 (UP_BYTES + 2) / 1024, (DOWN_BYTES + 1) / 1024);
	EXPECT_EQ(1, count_lines_affix(self->t.out, want, "")) TH_LOG("no line starting\n%s", want);
	snprintf(want, sizeof(want), "%-7d %-10s %-15s %-5d %-15s %-5d %5d %5d ", self->s.server,
		 "nl-server", "127.0.0.2", self->s.sport, "127.0.0.1", self->s.cport,
		 (DOWN_BYTES + 1) / 1024, (UP_BYTES + 1) / 1024);
	EXPECT_EQ(1, count_lines_affix(self->t.out, want, "")) TH_LOG("no line starting\n%s", want);
	DUMP_ON_FAILURE(self->t);
}

/* -L: the server's end only; -D: the client's; -p: one process's. */
TEST_F_TIMEOUT(tcplife, port_and_pid_filters, 300)
{
	char port[16], pid[16], want[64];
	const char *args[] = { "-j", NULL, NULL, NULL };

	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, session_prepare(&self->s, AF_INET));
		snprintf(port, sizeof(port), "%d", self->s.sport);
		snprintf(pid, sizeof(pid), "%d", self->s.client);
		args[1] = i == 0 ? "-L" : i == 1 ? "-D" : "-p";
		args[2] = i == 2 ? pid : port;
		ASSERT_EQ(0, tool_start(&self->t, "tcplife", args, "Tracing"));
		ASSERT_EQ(0, session_run(&self->s));
		bg_tool_read(&self->t, 2000, "}\n");
		ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS));
		EXPECT_EQ(1, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s %s:\n%s",
									args[1], args[2], self->t.out);
		snprintf(want, sizeof(want), "\"comm\":\"%s\"", i == 0 ? "nl-server" : "nl-client");
		EXPECT_NE(NULL, strstr(self->t.out, want)) TH_LOG("%s %s:\n%s", args[1], args[2],
								  self->t.out);
	}
}

/* -6 leaves IPv4 sessions out and shows IPv6 ones; -4 the reverse. */
TEST_F_TIMEOUT(tcplife, family_filters, 300)
{
	const char *v6[] = { "-6", "-j", NULL }, *v4[] = { "-4", "-j", NULL };
	char want[64];

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcplife", v6, "Tracing", 0);
	EXPECT_EQ(0, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	if (!have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback address");
	traced_session(_metadata, &self->t, &self->s, AF_INET6, "tcplife", v4, "Tracing", 0);
	EXPECT_EQ(0, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	traced_session(_metadata, &self->t, &self->s, AF_INET6, "tcplife", v6, "Tracing", 2);
	EXPECT_EQ(2, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "\"family_name\":\"AF_INET6\",\"laddr\":\"::1\",\"lport\":%d,",
		 self->s.cport);
	EXPECT_NE(NULL, strstr(self->t.out, want)) TH_LOG("%s", self->t.out);
}

/*
 * The exercise: the session as a DOT graph that graphviz reads, the
 * endpoints as nodes and one edge from the client's address to the
 * server's, labelled with ports, bytes and duration.
 */
TEST_F_TIMEOUT(tcplife, dot_graph_for_graphviz, 180)
{
	const char *args[] = { "-g", NULL };
	char dot[256], plain[4096], want[256];
	FILE *f;

	if (!find_tool("dot", dot, sizeof(dot)))
		SKIP(return, "graphviz is not installed (Debian: graphviz)");
	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcplife", args, "Tracing", 1);
	/* The banner went to stderr, into the same pipe: the graph starts after it. */
	ASSERT_NE(NULL, strstr(self->t.out, "digraph tcplife {")) TH_LOG("%s", self->t.out);
	f = fopen("/tmp/netlens_tcplife.dot", "w");
	ASSERT_NE(NULL, f);
	fputs(strstr(self->t.out, "digraph"), f);
	fclose(f);
	ASSERT_EQ(0, run_cmd(plain, sizeof(plain), "%s -Tplain /tmp/netlens_tcplife.dot 2>&1", dot))
		TH_LOG("dot -Tplain: %s", plain);
	EXPECT_EQ(2, count_lines_affix(plain, "node ", "")) TH_LOG("%s", plain);
	EXPECT_EQ(1, count_lines_affix(plain, "node \"127.0.0.1\" ", "")) TH_LOG("%s", plain);
	EXPECT_EQ(1, count_lines_affix(plain, "node \"127.0.0.2\" ", "")) TH_LOG("%s", plain);
	/* Both ends closed here: one edge for the session, told by the client. */
	EXPECT_EQ(1, count_lines_affix(plain, "edge ", "")) TH_LOG("%s", plain);
	EXPECT_EQ(1, count_lines_affix(plain, "edge \"127.0.0.1\" \"127.0.0.2\" ", "")) TH_LOG("%s", plain);
	snprintf(want, sizeof(want), "nl-client %d: %d -> %d\\n%d B sent, %d B received\\n",
		 self->s.client, self->s.cport, self->s.sport, UP_BYTES + 2, DOWN_BYTES + 1);
	EXPECT_NE(NULL, strstr(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(0, run_cmd(plain, sizeof(plain), "%s -Tsvg /tmp/netlens_tcplife.dot -o /tmp/netlens_tcplife.svg 2>&1",
			     dot)) TH_LOG("dot -Tsvg: %s", plain);
	DUMP_ON_FAILURE(self->t);
}

/* ---- tcpsynbl ------------------------------------------------------------- */

/* A TcpExt (or Tcp) counter of /proc/net/netstat (or snmp) of this namespace. */
static long long net_counter(const char *file, const char *prefix, const char *name)
{
	char head[4096], vals[4096], *h, *v, *hs, *vs;
	long long ret = -1;
	FILE *f = fopen(file, "re");

	if (!f)
		return -1;
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(head, prefix, strlen(prefix)))
			continue;
		h = strtok_r(head, " \n", &hs);
		v = strtok_r(vals, " \n", &vs);
		while ((h = strtok_r(NULL, " \n", &hs)) && (v = strtok_r(NULL, " \n", &vs)))
			if (!strcmp(h, name))
				ret = strtoll(v, NULL, 10);
		break;
	}
	fclose(f);
	return ret;
}

/* A listener on 127.0.0.1 with @backlog; its port in *@port. */
static int listen_backlog(int backlog, int *port, bool defer_accept)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(AF_INET, "127.0.0.1", 0, &ss);
	int fd = socket(AF_INET, SOCK_STREAM, 0), secs = 30;

	if (fd < 0 || bind(fd, (void *)&ss, len) ||
	    (defer_accept && setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof(secs))) ||
	    listen(fd, backlog))
		return -1;
	*port = port_of(fd);
	return fd;
}

static int connect_to(int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(AF_INET, "127.0.0.1", port, &ss);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (void *)&ss, len))
		return -1;
	return fd;
}

/*
 * @tool @args started, tracing once it printed @ready; 1 (with a SKIP
 * reason in @why) when it says it @cannot trace here (no module, fentry
 * nor kprobes), 0 when tracing, -1 otherwise.
 */
static int fallback_tool_start(struct bg_tool *t, const char *tool, const char *const args[],
			       const char *ready, const char *cannot, char *why, size_t len)
{
	char bin[512], *argv[12];
	int n = 0;

	argv[n++] = (char *)tool_path(tool, bin, sizeof(bin));
	while (*args && n < 11)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	if (!bg_tool_start(t, argv, ready, READY_MS))
		return 0;
	if (bg_tool_stop(t, SIGKILL, STOP_MS) == 1 && strstr(t->out, cannot)) {
		snprintf(why, len, "%.*s", (int)len - 1, t->out);
		return 1;
	}
	fprintf(stderr, "# %s did not start:\n%s\n", tool, t->out);
	return -1;
}

static int synbl_start(struct bg_tool *t, const char *const args[], char *why, size_t len)
{
	return fallback_tool_start(t, "tcpsynbl", args, "Tracing SYN backlog size",
				   "cannot trace handshakes: ", why, len);
}

FIXTURE(tcpsynbl) {
	struct bg_tool t;
	int fds[8];
	int lfd;
};

FIXTURE_SETUP(tcpsynbl)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	self->lfd = -1;
	for (int i = 0; i < 8; i++)
		self->fds[i] = -1;
}

FIXTURE_TEARDOWN(tcpsynbl)
{
	for (int i = 0; i < 8; i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	if (self->lfd >= 0)
		close(self->lfd);
}

/*
 * Three handshakes into a listener of backlog 4 that accepts none: they
 * find 0, 1 and 2 connections waiting, one in each log2 slot of limit 4.
 */
static void synbl_histogram(struct __test_metadata *_metadata, FIXTURE_DATA(tcpsynbl) *self,
			    const char *force)
{
	const char *args[] = { "-j", NULL };
	char why[2048];
	int port, i, ret;

	if (force)
		setenv("NETLENS_FORCE_ATTACH", force, 1);
	ret = synbl_start(&self->t, args, why, sizeof(why));
	unsetenv("NETLENS_FORCE_ATTACH");
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret);
	/*
	 * One CPU: loopback packets are then handled there, in order (on
	 * several, two handshakes can complete at once and read the same
	 * backlog, as the book's kprobe would too).
	 */
	ASSERT_EQ(0, pin_to_cpu(0));
	self->lfd = listen_backlog(4, &port, false);
	ASSERT_LE(0, self->lfd);
	for (i = 0; i < 3; i++) {
		self->fds[i] = connect_to(port);
		ASSERT_LE(0, self->fds[i]);
	}
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	json_strip_epoch(self->t.out);
	EXPECT_EQ(1, count_lines(self->t.out, "{\"type\":\"hist\",\"name\":\"backlog\",\"unit\":\"value\","
				 "\"kind\":\"log2\",\"backlog_max\":4,\"total\":3,\"buckets\":["
				 "{\"low\":0,\"high\":0,\"count\":1},{\"low\":1,\"high\":1,\"count\":1},"
				 "{\"low\":2,\"high\":3,\"count\":1}]}")) TH_LOG("%s", self->t.out);
	/* The listener of backlog 4 drops nothing. */
	EXPECT_EQ(NULL, strstr(self->t.out, "\"event\":\"drop\"")) TH_LOG("%s", self->t.out);
}

TEST_F_TIMEOUT(tcpsynbl, histogram_per_limit, 180)
{
	synbl_histogram(_metadata, self, NULL);
}

/* Without the module's tracepoint: the book's way, on the functions. */
TEST_F_TIMEOUT(tcpsynbl, histogram_per_limit_fentry, 180)
{
	synbl_histogram(_metadata, self, "fentry");
}

TEST_F_TIMEOUT(tcpsynbl, histogram_per_limit_kprobe, 180)
{
	synbl_histogram(_metadata, self, "kprobe");
}

/*
 * A listener of backlog 1 with TCP_DEFER_ACCEPT makes a child only when
 * data comes: three clients' first bytes find 0, 1 and then 2 > 1
 * waiting, and the third is dropped.  Its client resends (a tail loss
 * probe comes after a few ms) until it resets: each drop a line, each one
 * an overflow the kernel counted.  ListenOverflows may count more: it
 * also counts SYNs refused while the queue is full, which make no child
 * (tcp_conn_request()), seen on 4-vCPU guests.
 */
TEST_F_TIMEOUT(tcpsynbl, overflow_dropped_as_listen_overflows, 180)
{
	const char *args[] = { NULL };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	long long before, after, drops;
	char why[2048];
	int port, i, ret;

	ret = synbl_start(&self->t, args, why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret);
	/* One CPU, in order: see synbl_histogram(). */
	ASSERT_EQ(0, pin_to_cpu(0));
	self->lfd = listen_backlog(1, &port, true);
	ASSERT_LE(0, self->lfd);
	for (i = 0; i < 3; i++) {
		self->fds[i] = connect_to(port);
		ASSERT_LE(0, self->fds[i]);
	}
	before = net_counter("/proc/net/netstat", "TcpExt:", "ListenOverflows");
	ASSERT_LE(0, before);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, write(self->fds[i], "x", 1));
	ASSERT_EQ(0, setsockopt(self->fds[2], SOL_SOCKET, SO_LINGER, &rst, sizeof(rst)));
	close(self->fds[2]);
	self->fds[2] = -1;
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	after = net_counter("/proc/net/netstat", "TcpExt:", "ListenOverflows");
	drops = count_lines_affix(self->t.out, "", " dropping a SYN.");
	EXPECT_LE(1, drops) TH_LOG("%s", self->t.out);
	EXPECT_LE(drops, after - before) TH_LOG("ListenOverflows %lld:\n%s", after - before,
						  self->t.out);
	/* The first two found 0 and 1 waiting, within the limit. */
	EXPECT_EQ(1, count_lines_affix(self->t.out, "         0 -> 0          : 1 ", ""))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "         1 -> 1          : 1 ", ""))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines(self->t.out, "backlog_max = 1")) TH_LOG("%s", self->t.out);
}

/* ---- tcpconnect, tcpaccept ---------------------------------------------- */

FIXTURE(tcpconn) {
	struct session s;
	struct bg_tool t;
	int fds[4];
	int lfd;
};

FIXTURE_SETUP(tcpconn)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	self->lfd = -1;
	for (int i = 0; i < 4; i++)
		self->fds[i] = -1;
}

FIXTURE_TEARDOWN(tcpconn)
{
	for (int i = 0; i < 4; i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	if (self->lfd >= 0)
		close(self->lfd);
}

/*
 * The session's one connect, by the client: its process, addresses and
 * the port it bound before connecting; the server connects nothing.
 */
TEST_F_TIMEOUT(tcpconn, connect_json_fields, 180)
{
	const char *args[] = { "-j", NULL };
	char want[384], why[4096];

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpconnect", args, "Tracing", 1);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "\"event\":\"connect\",\"pid\":%d,\"tid\":%d,\"uid\":0,"
		 "\"comm\":\"nl-client\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"laddr\":\"127.0.0.1\",\"lport\":%d,\"raddr\":\"127.0.0.2\",\"rport\":%d}",
		 self->s.client, self->s.client, self->s.cport, self->s.sport);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
}

/* The book's columns (tcpconnect-tp.bt), -U's UID first, -T's time first of all. */
TEST_F_TIMEOUT(tcpconn, connect_text_columns, 180)
{
	const char *args[] = { "-T", "-U", NULL };
	char want[256];

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpconnect", args, "DPORT", 2);
	EXPECT_EQ(1, count_lines(self->t.out, "TIME     UID    PID     COMM             IP SADDR"
				 "           DADDR           DPORT")) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), " 0      %-7d %-16s 4  %-15s %-15s %d", self->s.client,
		 "nl-client", "127.0.0.1", "127.0.0.2", self->s.sport);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "", want)) TH_LOG("no line ending\n%s\n%s",
								     want, self->t.out);
}

/*
 * Filters drop the session's connect: -P another port, -p the server,
 * -u another user, -6 for IPv4; -P its port keeps it.
 */
TEST_F_TIMEOUT(tcpconn, connect_filters, 600)
{
	char arg[16];
	const char *args[] = { "-j", NULL, NULL, NULL };
	const struct {
		const char *opt;
		int lines;
	} cases[] = { { "-P", 0 }, { "-p", 0 }, { "-u", 0 }, { "-6", 0 }, { "-P", 1 } };

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, session_prepare(&self->s, AF_INET));
		args[1] = cases[i].opt;
		args[2] = arg;
		if (i == 0)
			snprintf(arg, sizeof(arg), "%d", self->s.sport == 65535 ? 1 : self->s.sport + 1);
		else if (i == 1)
			snprintf(arg, sizeof(arg), "%d", self->s.server);
		else if (i == 2)
			snprintf(arg, sizeof(arg), "4242");
		else if (i == 3)
			args[2] = NULL;
		else
			snprintf(arg, sizeof(arg), "%d", self->s.sport);
		ASSERT_EQ(0, tool_start(&self->t, "tcpconnect", args, "Tracing"));
		ASSERT_EQ(0, session_run(&self->s));
		bg_tool_read(&self->t, cases[i].lines ? 5000 : 1000, "}\n");
		ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS));
		EXPECT_EQ(cases[i].lines, count_lines_affix(self->t.out, "{", "}"))
			TH_LOG("%s %s:\n%s", cases[i].opt, args[2] ?: "", self->t.out);
	}
}

/* -c: three connects to one listener are one row of count 3. */
TEST_F_TIMEOUT(tcpconn, connect_counts, 180)
{
	const char *args[] = { "-c", "-j", NULL };
	char want[256];
	int port;

	ASSERT_EQ(0, tool_start(&self->t, "tcpconnect", args, "Tracing"));
	self->lfd = listen_backlog(4, &port, false);
	ASSERT_LE(0, self->lfd);
	for (int i = 0; i < 3; i++) {
		self->fds[i] = connect_to(port);
		ASSERT_LE(0, self->fds[i]);
	}
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), ",\"laddr\":\"127.0.0.1\",\"raddr\":\"127.0.0.1\","
		 "\"rport\":%d,\"count\":3}", port);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "{\"type\":\"count\",", want))
		TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "{\"type\":\"interval\",", "}"))
		TH_LOG("%s", self->t.out);
}

/* The server's accept: its process, the session, the listener's queue. */
TEST_F_TIMEOUT(tcpconn, accept_json_fields, 180)
{
	const char *args[] = { "-j", NULL };
	char want[384], why[4096];

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpaccept", args, "Tracing", 1);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	/* listen(4) in session_prepare(); the one connection has left the queue. */
	snprintf(want, sizeof(want), "\"event\":\"accept\",\"pid\":%d,\"tid\":%d,\"uid\":0,"
		 "\"comm\":\"nl-server\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"laddr\":\"127.0.0.2\",\"lport\":%d,\"raddr\":\"127.0.0.1\",\"rport\":%d,"
		 "\"backlog\":0,\"backlog_max\":4}",
		 self->s.server, self->s.server, self->s.sport, self->s.cport);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
}

/* IPv6: the connect and the accept of a session over ::1, with -6. */
TEST_F_TIMEOUT(tcpconn, ipv6_connect_and_accept, 300)
{
	const char *args[] = { "-6", "-j", NULL };
	char want[384];

	if (!have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback address");
	traced_session(_metadata, &self->t, &self->s, AF_INET6, "tcpconnect", args, "Tracing", 1);
	snprintf(want, sizeof(want), "\"comm\":\"nl-client\",\"family\":10,\"family_name\":\"AF_INET6\","
		 "\"laddr\":\"::1\",\"lport\":%d,\"raddr\":\"::1\",\"rport\":%d}",
		 self->s.cport, self->s.sport);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	traced_session(_metadata, &self->t, &self->s, AF_INET6, "tcpaccept", args, "Tracing", 1);
	snprintf(want, sizeof(want), "\"comm\":\"nl-server\",\"family\":10,\"family_name\":\"AF_INET6\","
		 "\"laddr\":\"::1\",\"lport\":%d,\"raddr\":\"::1\",\"rport\":%d,"
		 "\"backlog\":0,\"backlog_max\":4}", self->s.sport, self->s.cport);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
}

/* The listener's accept queue (tcp_info reports it for a listener). */
static int queued(int lfd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	return getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len) ? -1 : (int)ti.tcpi_unacked;
}

/*
 * Three connections queued on a listener of backlog 4, then accepted: BL
 * counts down 2/4, 1/4, 0/4 in the book's columns; an accept4() that
 * finds the queue empty (EAGAIN) is no line.
 */
TEST_F_TIMEOUT(tcpconn, accept_backlog_columns, 180)
{
	const char *args[] = { NULL };
	char want[256];
	int port, i, fd;

	ASSERT_EQ(0, tool_start(&self->t, "tcpaccept", args, "BL"));
	self->lfd = listen_backlog(4, &port, false);
	ASSERT_LE(0, self->lfd);
	for (i = 0; i < 3; i++) {
		self->fds[i] = connect_to(port);
		ASSERT_LE(0, self->fds[i]);
	}
	/* The last ACK may still be on its way to the listener. */
	for (i = 0; i < 100 && queued(self->lfd) < 3; i++)
		usleep(20000);
	ASSERT_EQ(3, queued(self->lfd));
	for (i = 2; i >= 0; i--) {
		fd = accept(self->lfd, NULL, NULL);
		ASSERT_LE(0, fd);
		close(fd);
	}
	ASSERT_EQ(0, fcntl(self->lfd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, accept4(self->lfd, NULL, NULL, SOCK_CLOEXEC));
	EXPECT_EQ(EAGAIN, errno);
	bg_tool_read(&self->t, 3000, "0/4\n");
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines(self->t.out, "PID     COMM             IP RADDR           RPORT "
				 "LADDR           LPORT BL")) TH_LOG("%s", self->t.out);
	EXPECT_EQ(3, count_lines_affix(self->t.out, "", "/4")) TH_LOG("%s", self->t.out);
	for (i = 2; i >= 0; i--) {
		snprintf(want, sizeof(want), " %-15s %-5d %d/4", "127.0.0.1", port, i);
		EXPECT_EQ(1, count_lines_affix(self->t.out, "", want)) TH_LOG("%s\n%s", want,
									     self->t.out);
	}
}

/* -P and -4/-6 leave the session's accept out or keep it. */
TEST_F_TIMEOUT(tcpconn, accept_filters, 600)
{
	char port[16];
	const char *args[] = { "-j", NULL, NULL, NULL };
	const struct {
		const char *opt;
		int lines;
	} cases[] = { { "-P", 0 }, { "-6", 0 }, { "-4", 1 }, { "-P", 1 } };

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, session_prepare(&self->s, AF_INET));
		args[1] = cases[i].opt;
		args[2] = cases[i].opt[1] == 'P' ? port : NULL;
		snprintf(port, sizeof(port), "%d",
			 cases[i].lines ? self->s.sport : self->s.sport == 65535 ? 1 : self->s.sport + 1);
		ASSERT_EQ(0, tool_start(&self->t, "tcpaccept", args, "Tracing"));
		ASSERT_EQ(0, session_run(&self->s));
		bg_tool_read(&self->t, cases[i].lines ? 5000 : 1000, "}\n");
		ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS));
		EXPECT_EQ(cases[i].lines, count_lines_affix(self->t.out, "{", "}"))
			TH_LOG("%s %s:\n%s", cases[i].opt, args[2] ?: "", self->t.out);
	}
}

/* ---- tcpbind -------------------------------------------------------------- */

FIXTURE(tcpbind) {
	struct bg_tool t;
	int fds[6];
	int udp;
};

FIXTURE_SETUP(tcpbind)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	for (int i = 0; i < 6; i++)
		self->fds[i] = -1;
	self->udp = -1;
}

FIXTURE_TEARDOWN(tcpbind)
{
	for (int i = 0; i < 6; i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	if (self->udp >= 0)
		close(self->udp);
}

/* A TCP socket with @opt (SO_REUSEADDR, SO_REUSEPORT or 0) bound to @addr:@port. */
static int bind_tcp(const char *addr, int port, int opt, int *fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(AF_INET, addr, port, &ss);
	int one = 1;

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	if (*fd < 0 || (opt && setsockopt(*fd, SOL_SOCKET, opt, &one, sizeof(one))))
		return -2;
	return bind(*fd, (void *)&ss, len) ? -errno : 0;
}

/*
 * This process's binds: one the kernel gives a port, one refused with
 * EADDRINUSE for that port, two sharing a port with SO_REUSEADDR, one
 * with SO_REUSEPORT; a UDP bind is no line.  *@p and *@q: the ports.
 */
static void bind_workload(struct __test_metadata *_metadata, FIXTURE_DATA(tcpbind) *self,
			  int *p, int *q)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(AF_INET, "127.0.0.1", 0, &ss);

	ASSERT_EQ(0, bind_tcp("127.0.0.1", 0, 0, &self->fds[0]));
	*p = port_of(self->fds[0]);
	ASSERT_EQ(-EADDRINUSE, bind_tcp("127.0.0.1", *p, 0, &self->fds[1]));
	ASSERT_EQ(0, bind_tcp("127.0.0.3", 0, SO_REUSEADDR, &self->fds[2]));
	*q = port_of(self->fds[2]);
	ASSERT_EQ(0, bind_tcp("127.0.0.3", *q, SO_REUSEADDR, &self->fds[3]));
	ASSERT_EQ(0, bind_tcp("127.0.0.4", 0, SO_REUSEPORT, &self->fds[4]));
	self->udp = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, bind(self->udp, (void *)&ss, len));
}

static int bind_start(struct bg_tool *t, const char *more, const char *ready)
{
	char pid[16];
	const char *args[] = { "-p", pid, more, NULL };

	snprintf(pid, sizeof(pid), "%d", getpid());
	return tool_start(t, "tcpbind", args, ready);
}

TEST_F_TIMEOUT(tcpbind, results_ports_and_options, 180)
{
	char want[384], head[160], why[4096];
	int p, q;

	ASSERT_EQ(0, bind_start(&self->t, "-j", "Tracing"));
	bind_workload(_metadata, self, &p, &q);
	bg_tool_read(&self->t, 5000, "SO_REUSEPORT\",\"ret\":0,\"ret_name\":\"Success\"}\n");
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(5, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	snprintf(head, sizeof(head), "\"event\":\"bind\",\"pid\":%d,\"tid\":%d,\"uid\":0,"
		 "\"comm\":\"%s\",\"family\":2,\"family_name\":\"AF_INET\",", getpid(), getpid(),
		 "tcp_tools_test");
	snprintf(want, sizeof(want), "%s\"addr\":\"127.0.0.1\",\"port\":0,\"bound_port\":%d,"
		 "\"opts\":0,\"opts_name\":\"\",\"ret\":0,\"ret_name\":\"Success\"}", head, p);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	snprintf(want, sizeof(want), "%s\"addr\":\"127.0.0.1\",\"port\":%d,\"bound_port\":0,"
		 "\"opts\":0,\"opts_name\":\"\",\"ret\":-98,\"ret_name\":\"Address already in use\"}",
		 head, p);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	snprintf(want, sizeof(want), "%s\"addr\":\"127.0.0.3\",\"port\":0,\"bound_port\":%d,"
		 "\"opts\":1,\"opts_name\":\"SO_REUSEADDR\",\"ret\":0,", head, q);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	snprintf(want, sizeof(want), "%s\"addr\":\"127.0.0.3\",\"port\":%d,\"bound_port\":%d,"
		 "\"opts\":1,\"opts_name\":\"SO_REUSEADDR\",\"ret\":0,", head, q, q);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	snprintf(want, sizeof(want), "%s\"addr\":\"127.0.0.4\",\"port\":0,\"bound_port\":%d,"
		 "\"opts\":2,\"opts_name\":\"SO_REUSEPORT\",\"ret\":0,", head, port_of(self->fds[4]));
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
}

/* -x: the refused bind alone, in the columns, its error by name. */
TEST_F_TIMEOUT(tcpbind, failed_only_text, 180)
{
	char want[256];
	int p, q;

	ASSERT_EQ(0, bind_start(&self->t, "-x", "RESULT"));
	bind_workload(_metadata, self, &p, &q);
	bg_tool_read(&self->t, 5000, "EADDRINUSE\n");
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines(self->t.out, "PID     COMM             IP ADDR            PORT  "
				 "BOUND OPTS RESULT")) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "%-7d %-16s 4  %-15s %-5d %-5d %-4s EADDRINUSE", getpid(),
		 "tcp_tools_test", "127.0.0.1", p, 0, "...");
	EXPECT_EQ(1, count_lines(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(2, count_lines_affix(self->t.out, "", "")) TH_LOG("%s", self->t.out);
}

/* -P: the binds asking for the port or bound to it. */
TEST_F_TIMEOUT(tcpbind, port_filter, 180)
{
	char port[16], pid[16];
	const char *args[] = { "-j", "-p", pid, "-P", port, NULL };
	int p, q, probe;

	/* The port the kernel gives next is not known before: take one, free it. */
	ASSERT_EQ(0, bind_tcp("127.0.0.1", 0, 0, &probe));
	snprintf(port, sizeof(port), "%d", port_of(probe));
	close(probe);
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, tool_start(&self->t, "tcpbind", args, "Tracing"));
	ASSERT_EQ(0, bind_tcp("127.0.0.1", atoi(port), 0, &self->fds[5]));
	bind_workload(_metadata, self, &p, &q);
	bg_tool_read(&self->t, 3000, NULL);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	/* The first bind asked for it; the workload's binds are to other ports. */
	EXPECT_EQ(1, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines_with(self->t.out, "\"ret\":0,")) TH_LOG("%s", self->t.out);
}

/* ---- sessions between network namespaces, over veth ---------------------- */

#define VETH_NS_CLIENT	"nl-tcpa"
#define VETH_NS_SERVER	"nl-tcpb"
#define VETH_CLIENT	"10.199.1.1"
#define VETH_SERVER	"10.199.1.2"

FIXTURE(veth) {
	struct session s;
	struct bg_tool t, t2;
	int ns_client, ns_server, ns_test;
};

FIXTURE_SETUP(veth)
{
	char out[1024];

	self->ns_client = self->ns_server = self->ns_test = -1;
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	/* Test hosts of their own: in the guests, not on the machine running them. */
	if (!getenv("NETLENS_VMTEST"))
		SETUP_SKIP("sessions between namespaces over veth run in the test guests (vmtest.sh)");
	run_cmd(NULL, 0, "ip netns del " VETH_NS_CLIENT " 2>/dev/null; ip netns del " VETH_NS_SERVER
		" 2>/dev/null");
	ASSERT_EQ(0, run_cmd(out, sizeof(out),
		"ip netns add " VETH_NS_CLIENT " && ip netns add " VETH_NS_SERVER " && "
		"ip link add nltc0 netns " VETH_NS_CLIENT " type veth peer name nltc1 netns "
		VETH_NS_SERVER " && "
		"ip -n " VETH_NS_CLIENT " addr add " VETH_CLIENT "/24 dev nltc0 && "
		"ip -n " VETH_NS_SERVER " addr add " VETH_SERVER "/24 dev nltc1 && "
		"ip -n " VETH_NS_CLIENT " link set nltc0 up && ip -n " VETH_NS_SERVER " link set nltc1 up && "
		"ip -n " VETH_NS_CLIENT " link set lo up && ip -n " VETH_NS_SERVER " link set lo up 2>&1"))
		TH_LOG("%s", out);
	self->ns_client = open("/run/netns/" VETH_NS_CLIENT, O_RDONLY | O_CLOEXEC);
	self->ns_server = open("/run/netns/" VETH_NS_SERVER, O_RDONLY | O_CLOEXEC);
	self->ns_test = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_client);
	ASSERT_LE(0, self->ns_server);
	ASSERT_LE(0, self->ns_test);
}

FIXTURE_TEARDOWN(veth)
{
	if (self->ns_test >= 0)
		setns(self->ns_test, CLONE_NEWNET);
	run_cmd(NULL, 0, "ip netns del " VETH_NS_CLIENT " 2>/dev/null; ip netns del " VETH_NS_SERVER
		" 2>/dev/null");
}

/*
 * The session's listener and server in the server's namespace, its client
 * in the client's: set up from the server's, the test back in its own.
 */
static int veth_prepare(FIXTURE_DATA(veth) *self)
{
	int ret;

	if (setns(self->ns_server, CLONE_NEWNET))
		return -1;
	ret = session_prepare_at(&self->s, AF_INET, VETH_CLIENT, VETH_SERVER, self->ns_client);
	if (setns(self->ns_test, CLONE_NEWNET))
		return -1;
	return ret;
}

/* The JSON session line tcplife prints for one end, as far as bytes go. */
static void veth_session_end(char *buf, size_t len, const struct session *s, bool client)
{
	snprintf(buf, len, "\"pid\":%d,\"comm\":\"%s\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"laddr\":\"%s\",\"lport\":%d,\"raddr\":\"%s\",\"rport\":%d,"
		 "\"tx_bytes\":%d,\"rx_bytes\":%d,",
		 client ? s->client : s->server, client ? "nl-client" : "nl-server",
		 client ? VETH_CLIENT : VETH_SERVER, client ? s->cport : s->sport,
		 client ? VETH_SERVER : VETH_CLIENT, client ? s->sport : s->cport,
		 client ? UP_BYTES + 2 : DOWN_BYTES + 1, client ? DOWN_BYTES + 1 : UP_BYTES + 1);
}

/* Both ends of a session over veth, each in its namespace, bytes exact. */
TEST_F_TIMEOUT(veth, tcplife_both_ends, 180)
{
	const char *args[] = { "-j", NULL };
	char want[384];

	ASSERT_EQ(0, veth_prepare(self));
	ASSERT_EQ(0, tool_start(&self->t, "tcplife", args, "Tracing"));
	ASSERT_EQ(0, session_run(&self->s));
	for (int i = 0; i < 50 && count_lines_affix(self->t.out, "{", "}") < 2; i++)
		bg_tool_read(&self->t, 100, NULL);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	veth_session_end(want, sizeof(want), &self->s, true);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	veth_session_end(want, sizeof(want), &self->s, false);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
}

/* --netns: the end whose socket is in that namespace, only. */
TEST_F_TIMEOUT(veth, tcplife_netns_picks_one_end, 300)
{
	const char *args[] = { "-j", "--netns", NULL, NULL };
	char want[384];

	for (int client = 1; client >= 0; client--) {
		args[2] = client ? "/run/netns/" VETH_NS_CLIENT : "/run/netns/" VETH_NS_SERVER;
		ASSERT_EQ(0, veth_prepare(self));
		ASSERT_EQ(0, tool_start(&self->t, "tcplife", args, "Tracing"));
		ASSERT_EQ(0, session_run(&self->s));
		bg_tool_read(&self->t, 5000, "}\n");
		ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
		EXPECT_EQ(1, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
		veth_session_end(want, sizeof(want), &self->s, client);
		EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want,
									  self->t.out);
	}
}

/* The connect in the client's namespace, the accept in the server's. */
TEST_F_TIMEOUT(veth, connect_and_accept_by_namespace, 180)
{
	const char *cargs[] = { "-j", "--netns", "/run/netns/" VETH_NS_CLIENT, NULL };
	const char *aargs[] = { "-j", "--netns", "/run/netns/" VETH_NS_SERVER, NULL };
	char want[384];

	ASSERT_EQ(0, veth_prepare(self));
	ASSERT_EQ(0, tool_start(&self->t, "tcpconnect", cargs, "Tracing"));
	ASSERT_EQ(0, tool_start(&self->t2, "tcpaccept", aargs, "Tracing"));
	ASSERT_EQ(0, session_run(&self->s));
	bg_tool_read(&self->t, 5000, "}\n");
	bg_tool_read(&self->t2, 5000, "}\n");
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	ASSERT_EQ(0, bg_tool_stop(&self->t2, SIGINT, STOP_MS)) TH_LOG("%s", self->t2.out);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "{", "}")) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "\"comm\":\"nl-client\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"laddr\":\"" VETH_CLIENT "\",\"lport\":%d,\"raddr\":\"" VETH_SERVER "\",\"rport\":%d}",
		 self->s.cport, self->s.sport);
	EXPECT_EQ(1, count_lines_with(self->t.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t.out);
	EXPECT_EQ(1, count_lines_affix(self->t2.out, "{", "}")) TH_LOG("%s", self->t2.out);
	snprintf(want, sizeof(want), "\"comm\":\"nl-server\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"laddr\":\"" VETH_SERVER "\",\"lport\":%d,\"raddr\":\"" VETH_CLIENT "\",\"rport\":%d,"
		 "\"backlog\":0,\"backlog_max\":4}", self->s.sport, self->s.cport);
	EXPECT_EQ(1, count_lines_with(self->t2.out, want)) TH_LOG("%s\nnot in\n%s", want, self->t2.out);
}

/* ---- tcpnagle ------------------------------------------------------------- */

FIXTURE(tcpnagle) {
	struct bg_tool t;
	int lfd, client, server;
};

FIXTURE_SETUP(tcpnagle)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	self->lfd = self->client = self->server = -1;
}

FIXTURE_TEARDOWN(tcpnagle)
{
	if (self->client >= 0)
		close(self->client);
	if (self->server >= 0)
		close(self->server);
	if (self->lfd >= 0)
		close(self->lfd);
}

#define NAGLE_WRITES	10
#define CORK_HOLD_MS	50

/*
 * tcpnagle -j -D (the listener's port) through @force (NULL: the best
 * source), then a connection to the listener: the client's transmits are
 * traced, the server's are not.  1 when it cannot trace here (SKIP).
 */
static int nagle_prepare(struct __test_metadata *_metadata, FIXTURE_DATA(tcpnagle) *self,
			 const char *force, char *why, size_t len)
{
	char port_arg[16];
	const char *args[] = { "-j", "-D", port_arg, NULL };
	int port, ret;

	self->lfd = listen_backlog(4, &port, false);
	if (self->lfd < 0)
		return -1;
	snprintf(port_arg, sizeof(port_arg), "%d", port);
	if (force)
		setenv("NETLENS_FORCE_ATTACH", force, 1);
	ret = fallback_tool_start(&self->t, "tcpnagle", args, "Tracing TCP nagle",
				  "cannot trace TCP transmits: ", why, len);
	unsetenv("NETLENS_FORCE_ATTACH");
	if (ret)
		return ret;
	self->client = connect_to(port);
	self->server = accept(self->lfd, NULL, NULL);
	return self->client >= 0 && self->server >= 0 ? 0 : -1;
}

/* Calls counted with Nagle argument @nonagle in @out; 0 when none. */
static long long nagle_calls(const char *out, int nonagle)
{
	char key[32];

	snprintf(key, sizeof(key), "\"nonagle\":%d,", nonagle);
	return json_sum(out, key, "count");
}

/* With TCP_NODELAY, every transmit the client's writes cause is OFF. */
static void nagle_nodelay(struct __test_metadata *_metadata, FIXTURE_DATA(tcpnagle) *self,
			  const char *force)
{
	char why[2048], buf[NAGLE_WRITES * 100];
	long long off = 0;
	int one = 1, ret, i;

	ret = nagle_prepare(_metadata, self, force, why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, setsockopt(self->client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	memset(buf, 'n', sizeof(buf));
	for (i = 0; i < NAGLE_WRITES; i++) {
		ASSERT_EQ(100, write(self->client, buf, 100));
		usleep(10000);
	}
	ASSERT_EQ(0, xfer(self->server, sizeof(buf), false));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	for (i = 0; i < 8; i++) {
		if (i & 1)
			off += nagle_calls(self->t.out, i);
		else
			EXPECT_EQ(0, nagle_calls(self->t.out, i)) TH_LOG("nonagle %d:\n%s", i, self->t.out);
	}
	/* Each write pushed its segment at once (nothing held back). */
	EXPECT_LE(NAGLE_WRITES, off) TH_LOG("%s", self->t.out);
}

/*
 * TCP_CORK holds a 100-byte write (a CORK call that returns "held");
 * uncorking CORK_HOLD_MS later sends it (a Nagle-on call): one held_us
 * entry of at least that long.
 */
static void nagle_cork(struct __test_metadata *_metadata, FIXTURE_DATA(tcpnagle) *self,
		       const char *force)
{
	char why[2048], buf[100], line[1024];
	const char *held;
	int on = 1, off = 0, ret;

	ret = nagle_prepare(_metadata, self, force, why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, setsockopt(self->client, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)));
	memset(buf, 'c', sizeof(buf));
	ASSERT_EQ(100, write(self->client, buf, sizeof(buf)));
	usleep(CORK_HOLD_MS * 1000);
	ASSERT_EQ(0, setsockopt(self->client, IPPROTO_TCP, TCP_CORK, &off, sizeof(off)));
	ASSERT_EQ(0, xfer(self->server, sizeof(buf), false));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_LE(1, nagle_calls(self->t.out, 2)) TH_LOG("%s", self->t.out);
	EXPECT_LE(1, nagle_calls(self->t.out, 0)) TH_LOG("%s", self->t.out);
	held = json_line_with(self->t.out, "\"name\":\"held\"", line, sizeof(line));
	ASSERT_NE(NULL, held) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, json_num(held, "total")) TH_LOG("%s", held);
	/* The one bucket's lower bound: a power of two within the hold. */
	EXPECT_LE(CORK_HOLD_MS * 1000 / 2, json_num(held, "low")) TH_LOG("%s", held);
}

TEST_F_TIMEOUT(tcpnagle, nodelay_transmits_are_off, 180)
{
	nagle_nodelay(_metadata, self, NULL);
}

TEST_F_TIMEOUT(tcpnagle, nodelay_transmits_are_off_fexit, 180)
{
	nagle_nodelay(_metadata, self, "fentry");
}

TEST_F_TIMEOUT(tcpnagle, nodelay_transmits_are_off_kprobe, 180)
{
	nagle_nodelay(_metadata, self, "kprobe");
}

TEST_F_TIMEOUT(tcpnagle, cork_held_then_sent, 180)
{
	nagle_cork(_metadata, self, NULL);
}

TEST_F_TIMEOUT(tcpnagle, cork_held_then_sent_fexit, 180)
{
	nagle_cork(_metadata, self, "fentry");
}

TEST_F_TIMEOUT(tcpnagle, cork_held_then_sent_kprobe, 180)
{
	nagle_cork(_metadata, self, "kprobe");
}

/* ---- tcptop --------------------------------------------------------------- */

FIXTURE(tcptop) {
	struct session s;
	struct bg_tool t;
};

FIXTURE_SETUP(tcptop)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
}

FIXTURE_TEARDOWN(tcptop)
{
}

/*
 * tcptop -j -S @more... 1 through @force (NULL: the best source); 1 with
 * the reason in @why when it cannot trace here, 0 when tracing, -1 else.
 * @more may end in an interval of its own: the ready line has any.
 */
static int top_start(struct bg_tool *t, const char *force, const char *const more[],
		     char *why, size_t len)
{
	const char *args[10] = { "-j", "-S" };
	int n = 2, ret;

	while (more && *more && n < 8)
		args[n++] = *more++;
	if (n == 2 || !isdigit((unsigned char)args[n - 1][0]))
		args[n++] = "1";
	args[n] = NULL;
	if (force)
		setenv("NETLENS_FORCE_ATTACH", force, 1);
	ret = fallback_tool_start(t, "tcptop", args, "Tracing... Output every",
				  "cannot trace TCP sends and receives: ", why, len);
	unsetenv("NETLENS_FORCE_ATTACH");
	return ret;
}

/* Bytes @key ("rx_bytes", "tx_bytes") of process @pid named @comm, over every report. */
static long long top_bytes(const char *out, pid_t pid, const char *comm, const char *key)
{
	char with[64];

	snprintf(with, sizeof(with), "\"pid\":%d,\"comm\":\"%s\",", pid, comm);
	return json_sum(out, with, key);
}

/*
 * One session of @family traced by tcptop @more... through @force, the
 * tool stopped after it: 0; 1 with the reason in @why when tcptop cannot
 * trace here; -1 when something failed (the output says what).
 */
static int top_traced_session(FIXTURE_DATA(tcptop) *self, int family, const char *force,
			      const char *const more[], char *why, size_t len)
{
	int ret;

	if (session_prepare(&self->s, family))
		return -1;
	ret = top_start(&self->t, force, more, why, len);
	if (ret) {
		session_run(&self->s);
		return ret;
	}
	if (session_run(&self->s))
		return -1;
	return bg_tool_stop(&self->t, SIGINT, STOP_MS) ? -1 : 0;
}

/*
 * One session (UP_BYTES up, DOWN_BYTES down) under tcptop through @force:
 * each end's process shows exactly what it wrote and read, on its own
 * session, with its ports.
 */
static void top_session(struct __test_metadata *_metadata, FIXTURE_DATA(tcptop) *self,
			int family, const char *force)
{
	char why[2048], line[1024], want[96];
	const char *row;
	int ret;

	if (family == AF_INET6 && !have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback");
	ret = top_traced_session(self, family, force, NULL, why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", self->t.out);
	EXPECT_EQ(UP_BYTES, top_bytes(self->t.out, self->s.client, "nl-client", "tx_bytes"))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(DOWN_BYTES, top_bytes(self->t.out, self->s.client, "nl-client", "rx_bytes"))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(UP_BYTES, top_bytes(self->t.out, self->s.server, "nl-server", "rx_bytes"))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(DOWN_BYTES, top_bytes(self->t.out, self->s.server, "nl-server", "tx_bytes"))
		TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "\"pid\":%d,\"comm\":\"nl-client\",", self->s.client);
	row = json_line_with(self->t.out, want, line, sizeof(line));
	ASSERT_NE(NULL, row) TH_LOG("%s", self->t.out);
	EXPECT_EQ(family, json_num(row, "family")) TH_LOG("%s", row);
	EXPECT_EQ(self->s.cport, json_num(row, "lport")) TH_LOG("%s", row);
	EXPECT_EQ(self->s.sport, json_num(row, "rport")) TH_LOG("%s", row);
	snprintf(want, sizeof(want), "\"laddr\":\"%s\"", self->s.client_addr);
	EXPECT_NE(NULL, strstr(row, want)) TH_LOG("%s", row);
	snprintf(want, sizeof(want), "\"raddr\":\"%s\"", self->s.server_addr);
	EXPECT_NE(NULL, strstr(row, want)) TH_LOG("%s", row);
}

TEST_F_TIMEOUT(tcptop, bytes_per_process_and_session, 180)
{
	top_session(_metadata, self, AF_INET, NULL);
}

TEST_F_TIMEOUT(tcptop, bytes_per_process_and_session_ipv6, 180)
{
	top_session(_metadata, self, AF_INET6, NULL);
}

/* On 6.1 the module is the best source; on 6.12 this is its only test. */
TEST_F_TIMEOUT(tcptop, bytes_per_process_and_session_netlens, 180)
{
	top_session(_metadata, self, AF_INET, "netlens");
}

TEST_F_TIMEOUT(tcptop, bytes_per_process_and_session_fexit, 180)
{
	top_session(_metadata, self, AF_INET, "fentry");
}

TEST_F_TIMEOUT(tcptop, bytes_per_process_and_session_kprobe, 180)
{
	top_session(_metadata, self, AF_INET, "kprobe");
}

/*
 * What moved, not what was asked or looked at: a peek is not received
 * bytes, and a MSG_WAITALL receive that sleeps after a partial copy counts
 * once (BCC's tcp_cleanup_rbuf counts its first part twice).  The sender
 * is a child: its bytes are its own row.
 */
static void top_peek_and_waitall(struct __test_metadata *_metadata,
				 FIXTURE_DATA(tcptop) *self, const char *force)
{
	char why[2048], buf[1000], with[64];
	int lfd, port, client, server, gate[2], ret;
	pid_t sender;

	lfd = listen_backlog(4, &port, false);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, pipe2(gate, O_CLOEXEC));
	ret = top_start(&self->t, force, NULL, why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret);
	client = connect_to(port);
	server = accept(lfd, NULL, NULL);
	ASSERT_LE(0, client);
	ASSERT_LE(0, server);
	memset(buf, 'w', sizeof(buf));
	sender = fork();
	if (sender == 0) {
		prctl(PR_SET_NAME, "nl-sender");
		/* Half, then (once the receiver sleeps on the rest) the other half. */
		if (write(client, buf, 500) != 500)
			_exit(1);
		wait_gate(gate);
		usleep(300000);
		_exit(write(client, buf, 500) != 500);
	}
	close(gate[0]);
	ASSERT_EQ(500, recv(server, buf, sizeof(buf), MSG_PEEK));
	close(gate[1]);
	ASSERT_EQ(1000, recv(server, buf, sizeof(buf), MSG_WAITALL));
	ASSERT_EQ(0, waitpid(sender, &ret, 0) == sender ? ret : -1);
	close(client);
	close(server);
	close(lfd);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1000, top_bytes(self->t.out, sender, "nl-sender", "tx_bytes")) TH_LOG("%s", self->t.out);
	snprintf(with, sizeof(with), "\"pid\":%d,", getpid());
	EXPECT_EQ(1000, json_sum(self->t.out, with, "rx_bytes")) TH_LOG("%s", self->t.out);
}

TEST_F_TIMEOUT(tcptop, peek_and_waitall_count_once, 180)
{
	top_peek_and_waitall(_metadata, self, NULL);
}

TEST_F_TIMEOUT(tcptop, peek_and_waitall_count_once_netlens, 180)
{
	top_peek_and_waitall(_metadata, self, "netlens");
}

#define SENDFILE_BYTES	200000

/* sendfile(2) bytes are sent bytes (tcp_sendpage on 6.1, tcp_sendmsg since 6.5). */
static void top_sendfile(struct __test_metadata *_metadata, FIXTURE_DATA(tcptop) *self,
			 const char *force)
{
	char why[2048], path[] = "/tmp/netlens_tcptop.XXXXXX", buf[16384];
	int lfd, port, client, server, file, ret, got = 0, n;
	pid_t sender;

	file = mkstemp(path);
	ASSERT_LE(0, file);
	unlink(path);
	memset(buf, 'f', sizeof(buf));
	for (n = 0; n < SENDFILE_BYTES; n += ret) {
		ret = write(file, buf, SENDFILE_BYTES - n < (int)sizeof(buf) ? SENDFILE_BYTES - n :
			    (int)sizeof(buf));
		ASSERT_LT(0, ret);
	}
	lfd = listen_backlog(4, &port, false);
	ASSERT_LE(0, lfd);
	ret = top_start(&self->t, force, NULL, why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%.900s", why);
	ASSERT_EQ(0, ret);
	client = connect_to(port);
	server = accept(lfd, NULL, NULL);
	ASSERT_LE(0, client);
	ASSERT_LE(0, server);
	sender = fork();
	if (sender == 0) {
		off_t off = 0;

		prctl(PR_SET_NAME, "nl-sendfile");
		while (off < SENDFILE_BYTES)
			if (sendfile(client, file, &off, SENDFILE_BYTES - off) <= 0)
				_exit(1);
		_exit(0);
	}
	while (got < SENDFILE_BYTES && (n = read(server, buf, sizeof(buf))) > 0)
		got += n;
	ASSERT_EQ(SENDFILE_BYTES, got);
	ASSERT_EQ(0, waitpid(sender, &ret, 0) == sender ? ret : -1);
	close(client);
	close(server);
	close(lfd);
	close(file);
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(SENDFILE_BYTES, top_bytes(self->t.out, sender, "nl-sendfile", "tx_bytes"))
		TH_LOG("%s", self->t.out);
}

TEST_F_TIMEOUT(tcptop, sendfile_bytes_are_sent, 180)
{
	top_sendfile(_metadata, self, NULL);
}

TEST_F_TIMEOUT(tcptop, sendfile_bytes_are_sent_netlens, 180)
{
	top_sendfile(_metadata, self, "netlens");
}

/*
 * -s and -r: one report (its interval outlasts the session), one row, the
 * top one by the sort asked for; -p keeps one process.
 */
TEST_F_TIMEOUT(tcptop, pid_sort_and_rows, 300)
{
	static const struct {
		const char *sort;
		bool client;	/* the one row is the client's */
	} cases[] = { { "sent", true }, { "received", false } };
	char why[2048], pid_arg[16];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *more[] = { "-s", cases[i].sort, "-r", "1", "600", NULL };

		ret = top_traced_session(self, AF_INET, NULL, more, why, sizeof(why));
		if (ret == 1)
			SKIP(return, "%.900s", why);
		ASSERT_EQ(0, ret) TH_LOG("%s", self->t.out);
		EXPECT_EQ(1, count_lines_with(self->t.out, "\"type\":\"interval\"")) TH_LOG("%s", self->t.out);
		EXPECT_EQ(1, count_lines_with(self->t.out, "\"type\":\"row\"")) TH_LOG("%s", self->t.out);
		EXPECT_EQ(UP_BYTES, top_bytes(self->t.out, cases[i].client ? self->s.client : self->s.server,
					      cases[i].client ? "nl-client" : "nl-server",
					      cases[i].client ? "tx_bytes" : "rx_bytes"))
			TH_LOG("-s %s:\n%s", cases[i].sort, self->t.out);
	}

	ASSERT_EQ(0, session_prepare(&self->s, AF_INET));
	snprintf(pid_arg, sizeof(pid_arg), "%d", self->s.server);
	{
		const char *more[] = { "-p", pid_arg, NULL };

		ASSERT_EQ(0, top_start(&self->t, NULL, more, why, sizeof(why)));
	}
	ASSERT_EQ(0, session_run(&self->s));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(UP_BYTES, top_bytes(self->t.out, self->s.server, "nl-server", "rx_bytes"))
		TH_LOG("%s", self->t.out);
	snprintf(why, sizeof(why), "\"pid\":%d,", self->s.server);
	EXPECT_LE(1, count_lines_with(self->t.out, why)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(count_lines_with(self->t.out, "\"type\":\"row\""), count_lines_with(self->t.out, why))
		TH_LOG("%s", self->t.out);
}

/* The book's columns, KiB rounded down, and -4 leaving an IPv6 session out. */
TEST_F_TIMEOUT(tcptop, text_columns_and_family, 300)
{
	char bin[512], row[256], head[256], laddr[64], raddr[64];
	/* One report at Ctrl-C: the KiB are the session's whole. */
	char *argv[] = { (char *)tool_path("tcptop", bin, sizeof(bin)), "-C", "-4", "600", NULL };

	if (!have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback");
	ASSERT_EQ(0, session_prepare(&self->s, AF_INET));
	ASSERT_EQ(0, bg_tool_start(&self->t, argv, "Tracing... Output every 600 secs", READY_MS))
		TH_LOG("%s", self->t.out);
	ASSERT_EQ(0, session_run(&self->s));
	/* The client's row: 5000 bytes down are 4 KiB, 100000 up 97. */
	snprintf(laddr, sizeof(laddr), "127.0.0.1:%d", self->s.cport);
	snprintf(raddr, sizeof(raddr), "127.0.0.2:%d", self->s.sport);
	snprintf(row, sizeof(row), "%-7d %-16s %-2d %-21s %-21s %8d %8d", self->s.client,
		 "nl-client", 4, laddr, raddr, 4, 97);
	ASSERT_EQ(0, session_prepare(&self->s, AF_INET6));
	ASSERT_EQ(0, session_run(&self->s));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_NE(NULL, strstr(self->t.out, " loadavg: ")) TH_LOG("%s", self->t.out);
	snprintf(head, sizeof(head), "%-7s %-16s %-2s %-21s %-21s %8s %8s", "PID", "COMM", "IP",
		 "LADDR", "RADDR", "RX_KB", "TX_KB");
	EXPECT_EQ(1, count_lines_affix(self->t.out, head, "")) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines_affix(self->t.out, row, "")) TH_LOG("want '%s':\n%s", row, self->t.out);
	EXPECT_EQ(0, count_lines_with(self->t.out, "::1")) TH_LOG("%s", self->t.out);
}

#define MAX_SLEEPERS_PARAM	"/sys/module/netlens/parameters/max_sleepers"
#define SLEEPERS		3

/*
 * More receivers asleep in tcp_recvmsg than the module's hooks follow
 * (max_sleepers 1): the returns beyond are missed, their bytes are not
 * counted, and tcptop says how many on stderr.
 */
TEST_F_TIMEOUT(tcptop, sleepers_beyond_max_are_reported_netlens, 180)
{
	int lfd, port, client[SLEEPERS], server[SLEEPERS], st, i;
	char why[2048], old[32], buf[100], want[128];
	pid_t sleeper[SLEEPERS];

	if (!netlens_loaded() || read_text_file(MAX_SLEEPERS_PARAM, old, sizeof(old)))
		SKIP(return, "netlens.ko (with max_sleepers) is not loaded");
	/* Out of range: refused, the value kept. */
	EXPECT_NE(0, write_text_file(MAX_SLEEPERS_PARAM, "0"));
	EXPECT_NE(0, write_text_file(MAX_SLEEPERS_PARAM, "65537"));
	ASSERT_EQ(0, read_text_file(MAX_SLEEPERS_PARAM, buf, sizeof(buf)));
	EXPECT_STREQ(old, buf);
	ASSERT_EQ(0, write_text_file(MAX_SLEEPERS_PARAM, "1"));
	i = top_start(&self->t, "netlens", NULL, why, sizeof(why));
	/* Armed with it: the next arming takes the old value again. */
	ASSERT_EQ(0, write_text_file(MAX_SLEEPERS_PARAM, old));
	ASSERT_EQ(0, i) TH_LOG("%s", why);
	lfd = listen_backlog(SLEEPERS, &port, false);
	ASSERT_LE(0, lfd);
	for (i = 0; i < SLEEPERS; i++) {
		client[i] = connect_to(port);
		server[i] = accept(lfd, NULL, NULL);
		ASSERT_LE(0, client[i]);
		ASSERT_LE(0, server[i]);
		sleeper[i] = fork();
		if (sleeper[i] == 0) {
			prctl(PR_SET_NAME, "nl-sleeper");
			_exit(recv(server[i], buf, sizeof(buf), MSG_WAITALL) != sizeof(buf));
		}
	}
	/* All three asleep in tcp_recvmsg: one holds the hook's one instance. */
	sleep(2);
	memset(buf, 's', sizeof(buf));
	for (i = 0; i < SLEEPERS; i++)
		ASSERT_EQ((ssize_t)sizeof(buf), send(client[i], buf, sizeof(buf), MSG_NOSIGNAL));
	for (i = 0; i < SLEEPERS; i++) {
		ASSERT_EQ(sleeper[i], waitpid(sleeper[i], &st, 0));
		EXPECT_EQ(0, st);
	}
	/* A receive after them: its event carries the count too. */
	ASSERT_EQ(1, send(client[0], buf, 1, MSG_NOSIGNAL));
	ASSERT_EQ(1, recv(server[0], buf, 1, 0));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	for (i = 0; i < SLEEPERS; i++) {
		close(client[i]);
		close(server[i]);
	}
	close(lfd);
	snprintf(want, sizeof(want), "tcptop: %d send or receive returns missed", SLEEPERS - 1);
	EXPECT_NE(NULL, strstr(self->t.out, want)) TH_LOG("want '%s':\n%s", want, self->t.out);
	EXPECT_EQ((long long)sizeof(buf), json_sum(self->t.out, "\"comm\":\"nl-sleeper\"", "rx_bytes"))
		TH_LOG("%s", self->t.out);
}

#define TOP_INSTANCE	"/sys/kernel/tracing/instances/netlens_tcptop_test"

/*
 * The module's tcp_send_length and tcp_recv_length are tracepoints like
 * the others: enabled through tracefs (as trace-cmd does) they fire for a
 * send and a receive of known size, with the socket's ports and no
 * missed returns.
 */
TEST_F_TIMEOUT(tcptop, module_events_in_tracefs, 180)
{
	static const char *const events[] = { "tcp_send_length", "tcp_recv_length" };
	char path[256], trace[65536], want[128], buf[777];
	int lfd, port, client, server, cport;
	size_t i;

	if (!netlens_loaded())
		SKIP(return, "netlens.ko is not loaded");
	rmdir(TOP_INSTANCE);
	ASSERT_EQ(0, mkdir(TOP_INSTANCE, 0755));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), TOP_INSTANCE "/events/netlens/%s/enable", events[i]);
		ASSERT_EQ(0, write_text_file(path, "1")) TH_LOG("%s", path);
	}
	lfd = listen_backlog(4, &port, false);
	ASSERT_LE(0, lfd);
	client = connect_to(port);
	server = accept(lfd, NULL, NULL);
	ASSERT_LE(0, client);
	ASSERT_LE(0, server);
	cport = port_of(client);
	memset(buf, 'e', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(client, buf, sizeof(buf), MSG_NOSIGNAL));
	ASSERT_EQ((ssize_t)sizeof(buf), recv(server, buf, sizeof(buf), MSG_WAITALL));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), TOP_INSTANCE "/events/netlens/%s/enable", events[i]);
		ASSERT_EQ(0, write_text_file(path, "0"));
	}
	ASSERT_EQ(0, read_text_file(TOP_INSTANCE "/trace", trace, sizeof(trace)));
	close(client);
	close(server);
	close(lfd);
	rmdir(TOP_INSTANCE);
	/* MSG_NOSIGNAL 0x4000, MSG_WAITALL 0x100 */
	snprintf(want, sizeof(want), "lport=%d rport=%d ret=777 flags=0x4000 missed=0", cport, port);
	EXPECT_LE(1, count_lines_with(trace, want)) TH_LOG("want '%s':\n%s", want, trace);
	snprintf(want, sizeof(want), "lport=%d rport=%d ret=777 flags=0x100 missed=0", port, cport);
	EXPECT_LE(1, count_lines_with(trace, want)) TH_LOG("want '%s':\n%s", want, trace);
}

/* ---- tcpretrans ----------------------------------------------------------- */

#define LOSSY_NS	"nl-lossy"
#define LOSSY_BYTES	(256 * 1024)

/*
 * The namespace LOSSY_NS, whose loopback loses 8% of packets (netem); *@ns
 * set once it exists (the caller's teardown deletes it).  Skips without
 * netem.
 */
static void lossy_ns_setup(struct __test_metadata *_metadata, bool *ns)
{
	char out[1024];

	run_cmd(NULL, 0, "ip netns del " LOSSY_NS " 2>/dev/null");
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "ip netns add " LOSSY_NS " 2>&1")) TH_LOG("%s", out);
	*ns = true;
	/* One segment a packet, so that segments retransmitted equal events. */
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "ip -n " LOSSY_NS " link set lo mtu 1500 up 2>&1 && "
			     "ip netns exec " LOSSY_NS " ethtool -K lo tso off gso off 2>&1"))
		TH_LOG("%s", out);
	if (run_cmd(out, sizeof(out), "tc -n " LOSSY_NS " qdisc add dev lo root netem loss 8%% 2>&1")) {
		/* A skip in setup runs no teardown: the namespace goes now. */
		run_cmd(NULL, 0, "ip netns del " LOSSY_NS " 2>/dev/null");
		*ns = false;
		SETUP_SKIP("no netem qdisc (sch_netem) here: %.900s", out);
	}
}

FIXTURE(tcpretrans) {
	struct bg_tool t;
	bool ns;
};

FIXTURE_SETUP(tcpretrans)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
	lossy_ns_setup(_metadata, &self->ns);
}

FIXTURE_TEARDOWN(tcpretrans)
{
	if (self->ns)
		run_cmd(NULL, 0, "ip netns del " LOSSY_NS " 2>/dev/null");
}

/* close() that resets: the socket is gone at once, nothing of it is resent. */
static void abort_close(int fd)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(fd);
}

/*
 * LOSSY_BYTES over the lossy loopback from a child in the namespace; the
 * namespace's TcpRetransSegs and TCPLossProbes moved by *@retrans and
 * *@probes.  The receiver acknowledges the end with a byte of its own
 * (which acks all the data), and both ends then reset: once both are
 * gone, nothing can be resent any more, and the counters are read.
 * 0 or -1.
 */
static int lossy_transfer(long long *retrans, long long *probes)
{
	long long r[2] = { -1, -1 };
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		long long rs0, lp0, out[2];
		int lfd, c, s, port, fd = open("/run/netns/" LOSSY_NS, O_RDONLY | O_CLOEXEC);
		int rcvbuf = 8192;
		char done;

		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(1);
		rs0 = net_counter("/proc/net/snmp", "Tcp:", "RetransSegs");
		lp0 = net_counter("/proc/net/netstat", "TcpExt:", "TCPLossProbes");
		lfd = listen_backlog(4, &port, false);
		/*
		 * A small receive window: the sender's skbs stay a few
		 * segments each, so that losses are many and certain.
		 */
		if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
			_exit(2);
		c = connect_to(port);
		s = accept(lfd, NULL, NULL);
		if (c < 0 || s < 0)
			_exit(2);
		if (fork() == 0) {
			struct pollfd pfd = { .fd = s, .events = POLLIN };

			close(c);
			if (xfer(s, LOSSY_BYTES, false) || write(s, "k", 1) != 1)
				_exit(1);
			/* The sender's reset, or 10 s. */
			poll(&pfd, 1, 10000);
			abort_close(s);
			_exit(0);
		}
		close(s);
		if (xfer(c, LOSSY_BYTES, true) || read(c, &done, 1) != 1)
			_exit(3);
		abort_close(c);
		wait(NULL);
		close(lfd);
		out[0] = net_counter("/proc/net/snmp", "Tcp:", "RetransSegs") - rs0;
		out[1] = net_counter("/proc/net/netstat", "TcpExt:", "TCPLossProbes") - lp0;
		if (write(p[1], out, sizeof(out)) != sizeof(out))
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], r, sizeof(r)) != sizeof(r))
		r[0] = -1;
	close(p[0]);
	waitpid(pid, &st, 0);
	*retrans = r[0];
	*probes = r[1];
	return st == 0 && r[0] >= 0 ? 0 : -1;
}

static int retrans_start(struct bg_tool *t, const char *const more[])
{
	const char *args[8] = { "--netns", "/run/netns/" LOSSY_NS };
	int n = 2;

	while (*more && n < 7)
		args[n++] = *more++;
	args[n] = NULL;
	return tool_start(t, "tcpretrans", args, "Tracing");
}

/*
 * Every retransmit is one line, with the segments it resent: together as
 * many as the namespace's TcpRetransSegs says.
 */
TEST_F_TIMEOUT(tcpretrans, lines_match_retrans_segs, 300)
{
	const char *args[] = { "-j", NULL };
	long long retrans, probes;
	int lines;

	ASSERT_EQ(0, retrans_start(&self->t, args));
	ASSERT_EQ(0, lossy_transfer(&retrans, &probes));
	ASSERT_LT(0, retrans) TH_LOG("8%% loss and no retransmit?");
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	lines = count_lines_affix(self->t.out, "{\"type\":\"event\"", "}");
	EXPECT_LT(0, lines);
	EXPECT_EQ(retrans, json_sum(self->t.out, "\"event\":\"retransmit\"", "segs"))
		TH_LOG("%s", self->t.out);
	/* Both ends are on 127.0.0.1 of the namespace's own loopback. */
	EXPECT_EQ(lines, count_lines_with(self->t.out, "\"laddr\":\"127.0.0.1\","))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(lines, count_lines_with(self->t.out, "\"raddr\":\"127.0.0.1\","))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(0, count_lines_affix(self->t.out, "", "\"event\":\"loss_probe\"")) TH_LOG("%s", self->t.out);
}

/* -c: the same, counted per session; -l adds the probes. */
TEST_F_TIMEOUT(tcpretrans, counts_and_loss_probes, 300)
{
	const char *args[] = { "-c", "-l", "-j", NULL };
	long long retrans, probes;

	ASSERT_EQ(0, retrans_start(&self->t, args)) TH_LOG("%s", self->t.out);
	ASSERT_EQ(0, lossy_transfer(&retrans, &probes));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(retrans, json_sum(self->t.out, "\"event\":\"retransmit\"", "segs"))
		TH_LOG("%s", self->t.out);
	/* Each probe sent was a call; a call may find nothing to probe. */
	EXPECT_LE(probes, json_sum(self->t.out, "\"event\":\"loss_probe\"", "count"))
		TH_LOG("TCPLossProbes %lld:\n%s", probes, self->t.out);
}

/* ---- tcpwin --------------------------------------------------------------- */

/* The book's tcpwin.bt header, kept as it is. */
#define WIN_HEADER	"event,sock,time_us,snd_cwnd,snd_ssthresh,sk_sndbuf,sk_wmem_queued"
/* On stderr, so that the CSV on stdout is the book's whatever it goes to. */
#define WIN_BANNER	"Tracing TCP windows. Ctrl-C to end."
#define WIN_NS		"nl-win"	/* a namespace of its own, without loss */

FIXTURE(tcpwin) {
	struct session s;
	struct bg_tool t;
	bool ns;		/* LOSSY_NS made */
	bool win_ns;		/* WIN_NS made */
};

FIXTURE_SETUP(tcpwin)
{
	if (geteuid())
		SETUP_SKIP("needs root (BPF)");
}

FIXTURE_TEARDOWN(tcpwin)
{
	if (self->ns)
		run_cmd(NULL, 0, "ip netns del " LOSSY_NS " 2>/dev/null");
	if (self->win_ns)
		run_cmd(NULL, 0, "ip netns del " WIN_NS " 2>/dev/null");
}

/* The next line of *@p into @buf (cut to @len), *@p past it; false at the end. */
static bool next_line(const char **p, char *buf, size_t len)
{
	size_t n = strcspn(*p, "\n");

	if (!**p)
		return false;
	snprintf(buf, len, "%.*s", (int)n, *p);
	*p += n + !!(*p)[n];
	return true;
}

/* String member @key of JSON @line into @buf; NULL when it has none. */
static const char *json_strval(const char *line, const char *key, char *buf, size_t len)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":\"", key);
	p = strstr(line, k);
	if (!p)
		return NULL;
	p += strlen(k);
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\""), p);
	return buf;
}

/*
 * tcpwin's new lines (-j when @json, epoch_us stripped) of the socket
 * @laddr:@lport -> @raddr:@rport, each checked whole: how many.  The
 * socket address of the last into @sock, its time_us into *@us.
 */
static int win_new(const char *out, bool json, const char *laddr, int lport,
		   const char *raddr, int rport, char *sock, size_t len, long long *us)
{
	bool v6 = strchr(laddr, ':');
	char line[1024], tail[256], s[64];
	const char *p = out;
	long long t;
	int n = 0, end;

	if (json)
		snprintf(tail, sizeof(tail), ",\"family\":%d,\"family_name\":\"%s\",\"laddr\":\"%s\","
			 "\"lport\":%d,\"raddr\":\"%s\",\"rport\":%d}", v6 ? AF_INET6 : AF_INET,
			 v6 ? "AF_INET6" : "AF_INET", laddr, lport, raddr, rport);
	else
		snprintf(tail, sizeof(tail), ",%s,%d,%s,%d", laddr, lport, raddr, rport);
	while (next_line(&p, line, sizeof(line))) {
		end = -1;
		if (json)
			sscanf(line, "{\"type\":\"event\",\"event\":\"new\",\"sock\":\"%63[0-9a-fx]\","
			       "\"time_us\":%lld%n", s, &t, &end);
		else
			sscanf(line, "new,%63[0-9a-fx],%lld%n", s, &t, &end);
		if (end < 0 || strcmp(line + end, tail) || strncmp(s, "0x", 2))
			continue;
		snprintf(sock, len, "%s", s);
		*us = t;
		n++;
	}
	return n;
}

/*
 * tcpwin's rcv lines of socket @sock, each checked whole: how many.  Each
 * has a congestion window, a slow start threshold and a send buffer, and
 * none comes before @since_us (when the socket became ESTABLISHED).
 */
static int win_rcv(struct __test_metadata *_metadata, const char *out, bool json,
		   const char *sock, long long since_us)
{
	long long t, cwnd, ssthresh, sndbuf, queued;
	char line[1024], head[128];
	const char *p = out;
	int n = 0, end;

	if (json)
		snprintf(head, sizeof(head), "{\"type\":\"event\",\"event\":\"rcv\",\"sock\":\"%s\",", sock);
	else
		snprintf(head, sizeof(head), "rcv,%s,", sock);
	while (next_line(&p, line, sizeof(line))) {
		if (strncmp(line, head, strlen(head)))
			continue;
		end = -1;
		if (json)
			sscanf(line + strlen(head), "\"time_us\":%lld,\"snd_cwnd_segs\":%lld,"
			       "\"snd_ssthresh_segs\":%lld,\"sk_sndbuf_bytes\":%lld,"
			       "\"sk_wmem_queued_bytes\":%lld}%n", &t, &cwnd, &ssthresh, &sndbuf,
			       &queued, &end);
		else
			sscanf(line + strlen(head), "%lld,%lld,%lld,%lld,%lld%n", &t, &cwnd, &ssthresh,
			       &sndbuf, &queued, &end);
		EXPECT_EQ(strlen(line + strlen(head)), end) TH_LOG("%s", line);
		if (end < 0)
			continue;
		EXPECT_LE(since_us, t) TH_LOG("%s", line);
		EXPECT_LT(0, cwnd) TH_LOG("%s", line);
		EXPECT_LT(0, ssthresh) TH_LOG("%s", line);
		EXPECT_LT(0, sndbuf) TH_LOG("%s", line);
		EXPECT_LE(0, queued) TH_LOG("%s", line);
		n++;
	}
	return n;
}

/*
 * Both ends of session @s in tcpwin's output: one new line each, with the
 * session's addresses and ports, two sockets, and rcv lines of each.
 */
static void win_session_ends(struct __test_metadata *_metadata, const char *out, bool json,
			     const struct session *s)
{
	char csock[64], ssock[64];
	long long cus, sus;

	ASSERT_EQ(1, win_new(out, json, s->client_addr, s->cport, s->server_addr, s->sport,
			     csock, sizeof(csock), &cus)) TH_LOG("client %d:\n%s", s->cport, out);
	ASSERT_EQ(1, win_new(out, json, s->server_addr, s->sport, s->client_addr, s->cport,
			     ssock, sizeof(ssock), &sus)) TH_LOG("server %d:\n%s", s->sport, out);
	EXPECT_STRNE(csock, ssock);
	/* The client sends UP and receives acks and DOWN; the server the reverse. */
	EXPECT_LT(0, win_rcv(_metadata, out, json, csock, cus)) TH_LOG("client %s", csock);
	EXPECT_LT(0, win_rcv(_metadata, out, json, ssock, sus)) TH_LOG("server %s", ssock);
}

/* -j: a new event for each end of the session, rcv events of both sockets. */
TEST_F_TIMEOUT(tcpwin, json_new_and_rcv, 180)
{
	const char *args[] = { "-j", NULL };
	char why[4096];

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpwin", args, "Tracing", 0);
	EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
	json_strip_epoch(self->t.out);
	win_session_ends(_metadata, self->t.out, true, &self->s);
	DUMP_ON_FAILURE(self->t);
}

/* The book's CSV: its header first, then the same events as lines. */
TEST_F_TIMEOUT(tcpwin, csv_book_header_new_and_rcv, 180)
{
	const char *args[] = { NULL };

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpwin", args, WIN_HEADER, 0);
	/* The banner on stderr, then the CSV's header first on stdout. */
	EXPECT_EQ(0, strncmp(WIN_BANNER "\n" WIN_HEADER "\n", self->t.out,
			     strlen(WIN_BANNER WIN_HEADER) + 2)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(1, count_lines(self->t.out, WIN_HEADER));
	win_session_ends(_metadata, self->t.out, false, &self->s);
	DUMP_ON_FAILURE(self->t);
}

/* -T: a time column first; -e new: nothing else. */
TEST_F_TIMEOUT(tcpwin, csv_timestamps_and_event_choice, 180)
{
	const char *args[] = { "-T", "-e", "new", NULL };
	char line[1024], want[256];
	const char *p;
	int h, m, s, end, news = 0;

	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpwin", args, WIN_HEADER, 0);
	p = self->t.out;
	ASSERT_TRUE(next_line(&p, line, sizeof(line)));
	EXPECT_STREQ(WIN_BANNER, line);
	ASSERT_TRUE(next_line(&p, line, sizeof(line)));
	EXPECT_STREQ("time," WIN_HEADER, line);
	while (next_line(&p, line, sizeof(line))) {
		end = -1;
		sscanf(line, "%2d:%2d:%2d,new,0x%*[0-9a-f],%*d,%n", &h, &m, &s, &end);
		EXPECT_EQ(8, strspn(line, "0123456789:")) TH_LOG("%s", line);
		EXPECT_LT(0, end) TH_LOG("not a -T new line: %s", line);
		news += end > 0;
	}
	/* Both ends of the session, and whatever else the machine connected. */
	EXPECT_LE(2, news) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), ",127.0.0.1,%d,127.0.0.2,%d", self->s.cport, self->s.sport);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "", want)) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), ",127.0.0.2,%d,127.0.0.1,%d", self->s.sport, self->s.cport);
	EXPECT_EQ(1, count_lines_affix(self->t.out, "", want)) TH_LOG("%s", self->t.out);
	DUMP_ON_FAILURE(self->t);
}

/*
 * The exercise's retrans events over the lossy loopback: the segments they
 * resent are what the namespace's TcpRetransSegs counted, and each is of a
 * socket whose new event came (a SYN-ACK's, of its request socket, is told
 * by its state NEW_SYN_RECV).  -e leaves rcv out.
 */
TEST_F_TIMEOUT(tcpwin, retrans_match_retrans_segs, 300)
{
	const char *args[] = { "--netns", "/run/netns/" LOSSY_NS, "-e", "retrans,new", "-j", NULL };
	char why[4096], line[1024], socks[2][64], sock[64];
	long long retrans, probes, us;
	int ports[2] = { -1, -1 }, i, lines = 0, synacks = 0;
	const char *p;

	lossy_ns_setup(_metadata, &self->ns);
	ASSERT_EQ(0, tool_start(&self->t, "tcpwin", args, "Tracing"));
	ASSERT_EQ(0, lossy_transfer(&retrans, &probes));
	ASSERT_LT(0, retrans) TH_LOG("8%% loss and no retransmit?");
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	EXPECT_EQ(0, json_schema_violations(self->t.out, why, sizeof(why))) TH_LOG("%s", why);
	json_strip_epoch(self->t.out);
	EXPECT_EQ(retrans, json_sum(self->t.out, "\"event\":\"retrans\"", "segs"))
		TH_LOG("%s", self->t.out);
	EXPECT_EQ(0, count_lines_with(self->t.out, "\"event\":\"rcv\"")) TH_LOG("%s", self->t.out);

	/* The namespace's one session: its two ends, on 127.0.0.1, ports crossed. */
	ASSERT_EQ(2, count_lines_with(self->t.out, "\"event\":\"new\"")) TH_LOG("%s", self->t.out);
	p = self->t.out;
	for (i = 0; i < 2 && next_line(&p, line, sizeof(line)); )
		if (strstr(line, "\"event\":\"new\""))
			ports[i++] = json_num(line, "lport");
	for (i = 0; i < 2; i++)
		ASSERT_EQ(1, win_new(self->t.out, true, "127.0.0.1", ports[i], "127.0.0.1",
				     ports[!i], socks[i], sizeof(socks[i]), &us)) TH_LOG("%s", self->t.out);

	p = self->t.out;
	while (next_line(&p, line, sizeof(line))) {
		if (!strstr(line, "\"event\":\"retrans\""))
			continue;
		lines++;
		ASSERT_NE(NULL, json_strval(line, "sock", sock, sizeof(sock))) TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, ",\"laddr\":\"127.0.0.1\",")) TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, ",\"raddr\":\"127.0.0.1\",")) TH_LOG("%s", line);
		if (strstr(line, ",\"state_name\":\"NEW_SYN_RECV\"}")) {
			/* The listener's SYN-ACK, to the client's port. */
			EXPECT_EQ(1, json_num(line, "segs")) TH_LOG("%s", line);
			EXPECT_TRUE(json_num(line, "rport") == ports[0] ||
				    json_num(line, "rport") == ports[1]) TH_LOG("%s", line);
			synacks++;
			continue;
		}
		EXPECT_TRUE(!strcmp(sock, socks[0]) || !strcmp(sock, socks[1]))
			TH_LOG("retransmit of a socket no new event introduced: %s", line);
	}
	EXPECT_LT(0, lines);
	TH_LOG("%d retrans events (%d SYN-ACKs), %lld segments", lines, synacks, retrans);
	DUMP_ON_FAILURE(self->t);
}

/*
 * In WIN_NS, a client connects to a listener that defers accepting until
 * data comes (TCP_DEFER_ACCEPT, 1 s) and sends none: when the deferral
 * ends, the listener resends its SYN-ACK, from the request socket.  Then
 * both go.  *@retrans: the namespace's TcpRetransSegs delta; the
 * listener's port in *@sport, the client's in *@cport.  0 or -1.
 */
static int synack_resent(long long *retrans, int *sport, int *cport)
{
	long long r[3] = { -1, -1, -1 };
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = open("/run/netns/" WIN_NS, O_RDONLY | O_CLOEXEC), lfd, c, port, i, one = 1;
		long long rs0, out[3];

		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(1);
		rs0 = net_counter("/proc/net/snmp", "Tcp:", "RetransSegs");
		lfd = listen_backlog(4, &port, false);
		if (lfd < 0 || setsockopt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof(one)))
			_exit(2);
		c = connect_to(port);
		if (c < 0)
			_exit(3);
		for (i = 0; i < 100 && net_counter("/proc/net/snmp", "Tcp:", "RetransSegs") == rs0; i++)
			usleep(50000);
		/* The client's ack of it: the listener makes the child now. */
		usleep(300000);
		out[1] = port;
		out[2] = port_of(c);
		abort_close(c);
		close(lfd);
		out[0] = net_counter("/proc/net/snmp", "Tcp:", "RetransSegs") - rs0;
		if (write(p[1], out, sizeof(out)) != sizeof(out))
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], r, sizeof(r)) != sizeof(r))
		r[0] = -1;
	close(p[0]);
	waitpid(pid, &st, 0);
	*retrans = r[0];
	*sport = r[1];
	*cport = r[2];
	return st == 0 && r[0] >= 0 ? 0 : -1;
}

/*
 * A listener's SYN-ACK resent is a retrans event of one segment, of its
 * request socket (state NEW_SYN_RECV, the session's ports), counted as
 * TcpRetransSegs counts it; not of a socket a new event introduced.
 */
TEST_F_TIMEOUT(tcpwin, synack_retrans_of_request_socket, 180)
{
	const char *args[] = { "--netns", "/run/netns/" WIN_NS, "-e", "retrans,new", "-j", NULL };
	char out[1024], want[256], csock[64], sock[64], line[1024];
	long long retrans, us;
	int sport, cport, lines = 0;
	const char *p;

	run_cmd(NULL, 0, "ip netns del " WIN_NS " 2>/dev/null");
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "ip netns add " WIN_NS " 2>&1")) TH_LOG("%s", out);
	self->win_ns = true;
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "ip -n " WIN_NS " link set lo up 2>&1")) TH_LOG("%s", out);
	ASSERT_EQ(0, tool_start(&self->t, "tcpwin", args, "Tracing"));
	ASSERT_EQ(0, synack_resent(&retrans, &sport, &cport));
	ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
	json_strip_epoch(self->t.out);
	ASSERT_LT(0, retrans) TH_LOG("no SYN-ACK resent in 5 s:\n%s", self->t.out);
	EXPECT_EQ(retrans, json_sum(self->t.out, "\"event\":\"retrans\"", "segs"))
		TH_LOG("%s", self->t.out);
	ASSERT_EQ(1, win_new(self->t.out, true, "127.0.0.1", cport, "127.0.0.1", sport, csock,
			     sizeof(csock), &us)) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), ",\"family\":2,\"family_name\":\"AF_INET\",\"laddr\":\"127.0.0.1\","
		 "\"lport\":%d,\"raddr\":\"127.0.0.1\",\"rport\":%d,\"segs\":1,\"state\":12,"
		 "\"state_name\":\"NEW_SYN_RECV\"}", sport, cport);
	p = self->t.out;
	while (next_line(&p, line, sizeof(line))) {
		if (!strstr(line, "\"event\":\"retrans\""))
			continue;
		lines++;
		EXPECT_EQ(1, count_lines_affix(line, "{\"type\":\"event\",\"event\":\"retrans\",\"sock\":\"0x",
					       want)) TH_LOG("%s\nnot ending in\n%s", line, want);
		ASSERT_NE(NULL, json_strval(line, "sock", sock, sizeof(sock)));
		EXPECT_STRNE(csock, sock);
	}
	EXPECT_EQ(retrans, lines) TH_LOG("%s", self->t.out);
	DUMP_ON_FAILURE(self->t);
}

/*
 * -L keeps the server's end of the session only, -D the client's: every
 * event is of that socket; -4/-6 keep one family's sessions.
 */
TEST_F_TIMEOUT(tcpwin, port_and_family_filters, 600)
{
	const char *args[] = { "-j", NULL, NULL, NULL };
	char port[16], sock[64], want[64];
	long long us;
	int i, rcvs;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, session_prepare(&self->s, AF_INET));
		snprintf(port, sizeof(port), "%d", self->s.sport);
		args[1] = i == 0 ? "-L" : "-D";
		args[2] = port;
		ASSERT_EQ(0, tool_start(&self->t, "tcpwin", args, "Tracing"));
		ASSERT_EQ(0, session_run(&self->s));
		ASSERT_EQ(0, bg_tool_stop(&self->t, SIGINT, STOP_MS)) TH_LOG("%s", self->t.out);
		json_strip_epoch(self->t.out);
		EXPECT_EQ(1, count_lines_with(self->t.out, "\"event\":\"new\"")) TH_LOG("%s %s:\n%s",
									args[1], port, self->t.out);
		/* -L: the server's socket (local port sport); -D: the client's. */
		ASSERT_EQ(1, win_new(self->t.out, true, i ? "127.0.0.1" : "127.0.0.2",
				     i ? self->s.cport : self->s.sport, i ? "127.0.0.2" : "127.0.0.1",
				     i ? self->s.sport : self->s.cport, sock, sizeof(sock), &us))
			TH_LOG("%s", self->t.out);
		rcvs = win_rcv(_metadata, self->t.out, true, sock, us);
		EXPECT_LT(0, rcvs);
		EXPECT_EQ(rcvs, count_lines_with(self->t.out, "\"event\":\"rcv\"")) TH_LOG("%s %s:\n%s",
									args[1], port, self->t.out);
	}

	/* -6 on an IPv4 session, -4 on an IPv6 one: nothing of it; -6 on IPv6: all. */
	args[1] = "-6";
	args[2] = NULL;
	traced_session(_metadata, &self->t, &self->s, AF_INET, "tcpwin", args, "Tracing", 0);
	snprintf(want, sizeof(want), "\"lport\":%d,", self->s.sport);
	EXPECT_EQ(0, count_lines_with(self->t.out, want)) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "\"rport\":%d}", self->s.sport);
	EXPECT_EQ(0, count_lines_with(self->t.out, want)) TH_LOG("%s", self->t.out);
	if (!have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback address");
	args[1] = "-4";
	traced_session(_metadata, &self->t, &self->s, AF_INET6, "tcpwin", args, "Tracing", 0);
	snprintf(want, sizeof(want), "\"lport\":%d,", self->s.sport);
	EXPECT_EQ(0, count_lines_with(self->t.out, want)) TH_LOG("%s", self->t.out);
	snprintf(want, sizeof(want), "\"rport\":%d}", self->s.sport);
	EXPECT_EQ(0, count_lines_with(self->t.out, want)) TH_LOG("%s", self->t.out);
	args[1] = "-6";
	traced_session(_metadata, &self->t, &self->s, AF_INET6, "tcpwin", args, "Tracing", 0);
	json_strip_epoch(self->t.out);
	win_session_ends(_metadata, self->t.out, true, &self->s);
	DUMP_ON_FAILURE(self->t);
}

TEST_HARNESS_MAIN
