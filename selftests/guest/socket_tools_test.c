// SPDX-License-Identifier: GPL-2.0
/*
 * The socket tools (soconnect, sofamily, soprotocol, sockstat, sendsize)
 * on the running kernel: each test starts a tool filtered to its own PID,
 * makes known socket calls and checks the exact lines the tool prints.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000

static void my_comm(char comm[17])
{
	memset(comm, 0, 17);
	prctl(PR_GET_NAME, comm);
}

/* A local TCP port with nothing listening (bound, then closed). */
static int closed_port(int family)
{
	struct sockaddr_storage ss = {};
	socklen_t len = sizeof(ss);
	int fd, port = -1;

	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	if (bind(fd, (void *)&ss, len) == 0 &&
	    getsockname(fd, (void *)&ss, &len) == 0)
		port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			     ((struct sockaddr_in6 *)&ss)->sin6_port);
	close(fd);
	return port;
}

static int connect_ip(int family, const char *addr, int port, bool nonblock)
{
	struct sockaddr_storage ss = {};
	socklen_t len;
	int fd, ret;

	fd = socket(family, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	ret = connect(fd, (void *)&ss, len) ? -errno : 0;
	close(fd);
	return ret;
}

/* A TCP listener on 127.0.0.1 (backlog 64); its port in *port. */
static int listener(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (void *)&sin, len) || listen(fd, 64) ||
	    getsockname(fd, (void *)&sin, &len))
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

/*
 * @n connect+accept pairs on @lfd (accept4 when @use_accept4); returns how
 * many of both succeeded.
 */
static int connect_accept(int lfd, int port, int n, bool use_accept4)
{
	int i, ok = 0;

	for (i = 0; i < n; i++) {
		int c, a;

		c = connect_ip(AF_INET, "127.0.0.1", port, false);
		a = use_accept4 ? accept4(lfd, NULL, NULL, SOCK_CLOEXEC) :
				  accept(lfd, NULL, NULL);
		if (a >= 0) {
			close(a);
			if (c == 0)
				ok++;
		}
	}
	return ok;
}

static bool have_ipv6_loopback(void)
{
	int port = closed_port(AF_INET6);

	return port > 0;
}

/* Sum of the "count" of the JSON lines of @out that contain @key. */
static long json_count_sum(const char *out, const char *key)
{
	const char *p = out, *eol, *c;
	long sum = 0;

	while ((p = strstr(p, key))) {
		eol = strchr(p, '\n');
		c = strstr(p, "\"count\":");
		if (c && (!eol || c < eol))
			sum += strtol(c + 8, NULL, 10);
		p += strlen(key);
	}
	return sum;
}

/*
 * Lines of a -j run's output (stdout and stderr) that are neither JSON
 * objects nor the tool's stderr lines (readiness "Tracing ...", notes
 * "@tool: ..."): 0 when stdout held JSON lines only.
 */
static int non_json_lines(const char *out, const char *tool)
{
	char note[64];

	snprintf(note, sizeof(note), "%s: ", tool);
	return count_lines_affix(out, "", "") - count_lines_affix(out, "{", "}") -
	       count_lines_affix(out, "Tracing ", "") - count_lines_affix(out, note, "");
}

#define DUMP_ON_FAILURE_ALWAYS(t) TH_LOG("tool output:\n%s", (t).out)

/* Start a tool and wait for its readiness line; 0 or -1 (output logged). */
static int start(struct bg_tool *t, char *const argv[], const char *ready)
{
	if (bg_tool_start(t, argv, ready, READY_MS) == 0)
		return 0;
	fprintf(stderr, "# %s did not print '%s'; its output:\n%s\n", argv[0],
		ready, t->out);
	if (t->pid > 0)
		bg_tool_stop(t, SIGKILL, STOP_MS);
	return -1;
}

/*
 * Start a tool with NETLENS_FORCE_ATTACH=@force (NULL: the tool's own
 * choice).  0 when ready; 1 when the tool said it cannot use that source
 * on this kernel ("cannot "), the reason in t->out; -1 otherwise.
 */
static int start_forced(struct bg_tool *t, char *const argv[], const char *ready,
			const char *force)
{
	int ret;

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
	fprintf(stderr, "# %s did not print '%s'; its output:\n%s\n", argv[0],
		ready, t->out);
	return -1;
}

/*
 * Start @tool traced to this process only, "@tool @opts... -p <our PID>"
 * (@opts NULL-terminated), as start_forced() does.
 */
static int start_self_forced(struct bg_tool *t, const char *tool, const char *const opts[],
			     const char *ready, const char *force)
{
	char bin[512], pid[16], *argv[16];
	int n = 0;

	tool_path(tool, bin, sizeof(bin));
	snprintf(pid, sizeof(pid), "%d", getpid());
	argv[n++] = bin;
	while (*opts && n < 12)
		argv[n++] = (char *)*opts++;
	argv[n++] = "-p";
	argv[n++] = pid;
	argv[n] = NULL;
	return start_forced(t, argv, ready, force);
}

/* The same with the tool's own choice of sources: 0 or -1, as start(). */
static int start_self(struct bg_tool *t, const char *tool, const char *const opts[],
		      const char *ready)
{
	return start_self_forced(t, tool, opts, ready, NULL);
}

/* The tests of one tool with each forced source: tool_forced(force). */
#define FORCED_TESTS(name, fn)					\
	TEST(name##_forced_tracepoint) { fn(_metadata, "tracepoint"); }	\
	TEST(name##_forced_tp_btf) { fn(_metadata, "tp_btf"); }		\
	TEST(name##_forced_fentry) { fn(_metadata, "fentry"); }		\
	TEST(name##_forced_kprobe) { fn(_metadata, "kprobe"); }

/* ---- soconnect ---------------------------------------------------------- */

TEST(soconnect_refused_ipv4)
{
	char comm[17], prefix[128];
	const int N = 3;
	struct bg_tool t;
	int port, i;

	my_comm(comm);
	port = closed_port(AF_INET);
	ASSERT_LT(0, port);
	ASSERT_EQ(0, start_self(&t, "soconnect", (const char *[]){ NULL }, "RESULT"));
	EXPECT_EQ(1, count_lines(t.out, "PID    PROCESS          FAM ADDRESS          "
				 "PORT   LAT(us) RESULT"));
	for (i = 0; i < N; i++)
		EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET, "127.0.0.1", port, false));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(prefix, sizeof(prefix), "%-6d %-16s %-3d %-16s %-5d ", getpid(),
		 comm, AF_INET, "127.0.0.1", port);
	EXPECT_EQ(N, count_lines_affix(t.out, prefix, " Connection refused"));
	/* Nothing but the header and those lines. */
	EXPECT_EQ(N, count_lines_affix(t.out, "", " Connection refused"));
	EXPECT_EQ(N + 1, count_lines_affix(t.out, "", ""));
	DUMP_ON_FAILURE(t);
}

TEST(soconnect_ipv6_wide)
{
	char comm[17], prefix[160];
	const int M = 2;
	struct bg_tool t;
	int port, i;

	if (!have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback (::1) on this kernel");
	my_comm(comm);
	port = closed_port(AF_INET6);
	ASSERT_LT(0, port);
	ASSERT_EQ(0, start_self(&t, "soconnect", (const char *[]){ "-w", NULL }, "RESULT"));
	EXPECT_EQ(1, count_lines(t.out, "PID    PROCESS          FAM ADDRESS"
				 "                                 PORT   LAT(us) RESULT"));
	for (i = 0; i < M; i++) {
		EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET6, "::1", port, false));
		/* IPv4-mapped, on an IPv6 socket. */
		EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET6, "::ffff:127.0.0.1", port, false));
	}
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(prefix, sizeof(prefix), "%-6d %-16s %-3d %-39s %-5d ", getpid(),
		 comm, AF_INET6, "::1", port);
	EXPECT_EQ(M, count_lines_affix(t.out, prefix, " Connection refused"));
	snprintf(prefix, sizeof(prefix), "%-6d %-16s %-3d %-39s %-5d ", getpid(),
		 comm, AF_INET6, "::ffff:127.0.0.1", port);
	EXPECT_EQ(M, count_lines_affix(t.out, prefix, " Connection refused"));
	EXPECT_EQ(2 * M + 1, count_lines_affix(t.out, "", ""));
	DUMP_ON_FAILURE(t);
}

TEST(soconnect_nonblocking_in_progress)
{
	char comm[17], prefix[128];
	struct bg_tool t;
	int lfd, port;

	my_comm(comm);
	lfd = listener(&port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, start_self(&t, "soconnect", (const char *[]){ NULL }, "RESULT"));
	EXPECT_EQ(-EINPROGRESS, connect_ip(AF_INET, "127.0.0.1", port, true));
	EXPECT_EQ(0, connect_ip(AF_INET, "127.0.0.1", port, false));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(lfd);
	snprintf(prefix, sizeof(prefix), "%-6d %-16s %-3d %-16s %-5d ", getpid(),
		 comm, AF_INET, "127.0.0.1", port);
	EXPECT_EQ(1, count_lines_affix(t.out, prefix, " In progress"));
	EXPECT_EQ(1, count_lines_affix(t.out, prefix, " Success"));
	EXPECT_EQ(3, count_lines_affix(t.out, "", ""));
	DUMP_ON_FAILURE(t);
}

TEST(soconnect_json_and_timestamps)
{
	char comm[17], prefix[256], suffix[64];
	struct bg_tool t;
	int port;

	my_comm(comm);
	port = closed_port(AF_INET);
	ASSERT_LT(0, port);
	ASSERT_EQ(0, start_self(&t, "soconnect", (const char *[]){ "-j", "-T", NULL }, "Tracing"));
	EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET, "127.0.0.1", port, false));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	/* The epoch timestamp on every line, -T or not; the event, then the rest. */
	EXPECT_EQ(1, json_strip_epoch(t.out));
	snprintf(prefix, sizeof(prefix), "{\"type\":\"event\",\"event\":\"connect\","
		 "\"pid\":%d,\"tid\":%d,\"comm\":\"%s\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"address\":\"127.0.0.1\",\"port\":%d,\"lat_us\":", getpid(), getpid(), comm, port);
	snprintf(suffix, sizeof(suffix), "\"ret\":-111,\"ret_name\":\"Connection refused\"}");
	EXPECT_EQ(1, count_lines_affix(t.out, prefix, suffix));
	DUMP_ON_FAILURE(t);
}

TEST(soconnect_count_errors)
{
	char comm[17];
	struct bg_tool t;
	int port, i;

	my_comm(comm);
	port = closed_port(AF_INET);
	ASSERT_LT(0, port);
	ASSERT_EQ(0, start_self(&t, "soconnect", (const char *[]){ "-c", NULL }, "Tracing"));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET, "127.0.0.1", port, false));
	/* A bad fd: EBADF, any family. */
	EXPECT_EQ(-1, connect(-1, NULL, 0));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(1, count_linef(t.out, "@[%d, %s, -111, Connection refused]: 4", getpid(), comm));
	EXPECT_EQ(1, count_linef(t.out, "@[%d, %s, -9, Invalid sockfd]: 1", getpid(), comm));
	EXPECT_EQ(2, count_lines_affix(t.out, "@[", ""));
	DUMP_ON_FAILURE(t);
}

/* ---- sofamily / soprotocol ------------------------------------------------ */

/* An AF_UNIX datagram socket bound to an abstract name; its address. */
static int unix_dgram_server(struct sockaddr_un *sun, socklen_t *len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "netlens-%d", getpid());
	*len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun->sun_path + 1);
	if (fd < 0 || bind(fd, (void *)sun, *len))
		return -1;
	return fd;
}

/* K accepts, K+1 IPv4 connects (one UDP), 2 refused IPv6, 1 UNIX. */
static void family_workload(struct __test_metadata *_metadata, int K)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_un sun;
	socklen_t sunlen;
	int lfd, port, fd, ufd, i;

	lfd = listener(&port);
	ASSERT_LE(0, lfd);
	EXPECT_EQ(K - 1, connect_accept(lfd, port, K - 1, false));
	EXPECT_EQ(1, connect_accept(lfd, port, 1, true));	/* accept4 */
	close(lfd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	EXPECT_EQ(0, connect(fd, (void *)&sin, sizeof(sin)));
	close(fd);
	if (have_ipv6_loopback()) {
		port = closed_port(AF_INET6);
		for (i = 0; i < 2; i++)
			EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET6, "::1", port, false));
	}
	ufd = unix_dgram_server(&sun, &sunlen);
	ASSERT_LE(0, ufd);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(0, connect(fd, (void *)&sun, sunlen));
	close(fd);
	close(ufd);
}

/*
 * Run @tool @opt -p <this process> (readiness line @ready) around
 * family_workload(@K), stopped with SIGINT: its output in @t, our comm
 * (what it prints) in @comm.
 */
static void trace_family_workload(struct __test_metadata *_metadata, struct bg_tool *t,
				  char comm[17], const char *tool, const char *opt,
				  const char *ready, int K)
{
	my_comm(comm);
	ASSERT_EQ(0, start_self(t, tool, (const char *[]){ opt, NULL }, ready));
	family_workload(_metadata, K);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS));
}

TEST(sofamily_counts)
{
	char comm[17];
	const int K = 5;
	struct bg_tool t;

	trace_family_workload(_metadata, &t, comm, "sofamily", "-P",
			      "Tracing socket connect/accepts. Ctrl-C to end.", K);
	EXPECT_EQ(1, count_linef(t.out, "@accept[%d, %s, 2, AF_INET]: %d", getpid(), comm, K));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 2, AF_INET]: %d", getpid(), comm, K + 1));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 1, AF_UNIX]: 1", getpid(), comm));
	if (have_ipv6_loopback()) {
		EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 10, AF_INET6]: 2",
						 getpid(), comm));
	}
	EXPECT_EQ(have_ipv6_loopback() ? 4 : 3, count_lines_affix(t.out, "@", ""));
	DUMP_ON_FAILURE(t);
}

/* A hung-up terminal or ssh session ends a tool as Ctrl-C does: summary, 0. */
TEST(sofamily_sighup_prints_summary)
{
	char comm[17];
	const int K = 2;
	struct bg_tool t;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "sofamily", (const char *[]){ "--success", NULL }, "Tracing"));
	family_workload(_metadata, K);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGHUP, STOP_MS)) TH_LOG("%s", t.out);
	EXPECT_EQ(1, count_linef(t.out, "@accept[%s, 2, AF_INET]: %d", comm, K));
	DUMP_ON_FAILURE(t);
}

TEST(sofamily_success_only_by_comm)
{
	char comm[17];
	const int K = 3;
	struct bg_tool t;

	trace_family_workload(_metadata, &t, comm, "sofamily", "--success", "Tracing", K);
	EXPECT_EQ(1, count_linef(t.out, "@accept[%s, 2, AF_INET]: %d", comm, K));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%s, 2, AF_INET]: %d", comm, K + 1));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%s, 1, AF_UNIX]: 1", comm));
	/* The refused IPv6 connects are not successful. */
	EXPECT_EQ(NULL, strstr(t.out, "AF_INET6"));
	EXPECT_EQ(3, count_lines_affix(t.out, "@", ""));
	DUMP_ON_FAILURE(t);
}

TEST(sofamily_json)
{
	char comm[17];
	const int K = 2;
	struct bg_tool t;

	trace_family_workload(_metadata, &t, comm, "sofamily", "-j", "Tracing", K);
	EXPECT_LE(3, json_strip_epoch(t.out));
	EXPECT_EQ(1, count_linef(t.out, "{\"type\":\"count\",\"map\":\"accept\",\"comm\":\"%s\","
				 "\"family\":2,\"family_name\":\"AF_INET\",\"count\":%d}", comm, K));
	EXPECT_EQ(1, count_linef(t.out, "{\"type\":\"count\",\"map\":\"connect\",\"comm\":\"%s\","
				 "\"family\":1,\"family_name\":\"AF_UNIX\",\"count\":1}", comm));
	/* The report ends with its marker: the last, at Ctrl-C. */
	EXPECT_EQ(1, count_lines(t.out, "{\"type\":\"interval\",\"index\":1,\"interval_s\":0,"
				 "\"last\":true}"));
	EXPECT_EQ(0, non_json_lines(t.out, "sofamily"));
	DUMP_ON_FAILURE(t);
}

TEST(soprotocol_counts)
{
	char comm[17];
	const int K = 4;
	struct bg_tool t;

	trace_family_workload(_metadata, &t, comm, "soprotocol", "-P",
			      "Tracing socket connect/accepts. Ctrl-C to end.", K);
	EXPECT_EQ(1, count_linef(t.out, "@accept[%d, %s, 6, IPPROTO_TCP, TCP]: %d",
					 getpid(), comm, K));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 6, IPPROTO_TCP, TCP]: %d",
					 getpid(), comm, K));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 17, IPPROTO_UDP, UDP]: 1",
					 getpid(), comm));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 0, IPPROTO_IP, UNIX]: 1",
					 getpid(), comm));
	if (have_ipv6_loopback()) {
		EXPECT_EQ(1, count_linef(t.out, "@connect[%d, %s, 6, IPPROTO_TCP, TCPv6]: 2",
						 getpid(), comm));
	}
	EXPECT_EQ(have_ipv6_loopback() ? 5 : 4, count_lines_affix(t.out, "@", ""));
	DUMP_ON_FAILURE(t);
}

/* -6: the IPv6 connects alone; the IPv4 and UNIX ones are not counted. */
TEST(sofamily_ipv6_only)
{
	char comm[17];
	const int K = 2;
	struct bg_tool t;

	trace_family_workload(_metadata, &t, comm, "sofamily", "-6", "Tracing", K);
	if (have_ipv6_loopback())
		EXPECT_EQ(1, count_linef(t.out, "@connect[%s, 10, AF_INET6]: 2", comm));
	EXPECT_EQ(have_ipv6_loopback() ? 1 : 0, count_lines_affix(t.out, "@", ""));
	DUMP_ON_FAILURE(t);
}

/* -4: the family of the socket behind each connect and accept. */
TEST(soprotocol_ipv4_only)
{
	char comm[17];
	const int K = 3;
	struct bg_tool t;

	trace_family_workload(_metadata, &t, comm, "soprotocol", "-4", "Tracing", K);
	EXPECT_EQ(1, count_linef(t.out, "@accept[%s, 6, IPPROTO_TCP, TCP]: %d", comm, K));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%s, 6, IPPROTO_TCP, TCP]: %d", comm, K));
	EXPECT_EQ(1, count_linef(t.out, "@connect[%s, 17, IPPROTO_UDP, UDP]: 1", comm));
	EXPECT_EQ(3, count_lines_affix(t.out, "@", ""));
	DUMP_ON_FAILURE(t);
}

TEST(soprotocol_json)
{
	char comm[17];
	struct bg_tool t;
	int lfd, port;

	my_comm(comm);
	lfd = listener(&port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, start_self(&t, "soprotocol", (const char *[]){ "-j", NULL }, "Tracing"));
	EXPECT_EQ(2, connect_accept(lfd, port, 2, false));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(lfd);
	json_strip_epoch(t.out);
	EXPECT_EQ(1, count_linef(t.out, "{\"type\":\"count\",\"map\":\"accept\",\"comm\":\"%s\",\"protocol\":6,"
				 "\"protocol_name\":\"IPPROTO_TCP\",\"module\":\"TCP\","
				 "\"count\":2}", comm));
	EXPECT_EQ(1, count_linef(t.out, "{\"type\":\"count\",\"map\":\"connect\",\"comm\":\"%s\",\"protocol\":6,"
				 "\"protocol_name\":\"IPPROTO_TCP\",\"module\":\"TCP\","
				 "\"count\":2}", comm));
	DUMP_ON_FAILURE(t);
}

/* ---- sockstat ------------------------------------------------------------- */

/* Sum of the counts of "@[@probe]: N" lines over all intervals. */
static long sum_probe(const char *out, const char *probe)
{
	char key[128];
	const char *p = out;
	long sum = 0;

	snprintf(key, sizeof(key), "@[%s]: ", probe);
	while ((p = strstr(p, key))) {
		if (p == out || p[-1] == '\n')
			sum += strtol(p + strlen(key), NULL, 10);
		p += strlen(key);
	}
	return sum;
}

/* The probe label sockstat printed for @func ("kprobe:sock_recvmsg", ...). */
static const char *sock_label(const char *out, const char *tp, const char *func,
			      char *buf, size_t len)
{
	static const char *const kinds[] = { "tracepoint:sock:", "tp_btf:",
					     "fentry:", "kprobe:" };
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(buf, len, "%s%s", kinds[i], i < 2 ? tp : func);
		if (sum_probe(out, buf))
			return buf;
	}
	return NULL;
}

static void check_sockstat_counts(struct __test_metadata *_metadata, const char *force)
{
	char label[64], buf[256];
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct mmsghdr mm[2];
	struct iovec iov[2];
	struct msghdr mh;
	int s1, s2, s3, pfd[2], i;
	struct bg_tool t;
	const char *l;
	long recvs;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, start_self_forced(&t, "sockstat", (const char *[]){ "-S", "1", NULL },
				       "Tracing sock statistics. Output every 1 second.", force));
	if (force && strstr(t.out, "cannot count sock_")) {
		bg_tool_stop(&t, SIGKILL, STOP_MS);
		SKIP(return, "%s not usable here: %.300s", force, t.out);
	}
	s1 = socket(AF_INET, SOCK_DGRAM, 0);
	s2 = socket(AF_INET, SOCK_DGRAM, 0);
	s3 = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(s1, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, getsockname(s1, (void *)&a, &alen));
	ASSERT_EQ(0, connect(s2, (void *)&a, sizeof(a)));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(10, sendto(s3, "0123456789", 10, 0, (void *)&a, sizeof(a)));
		EXPECT_EQ(10, recvfrom(s1, buf, sizeof(buf), 0, NULL, NULL));
	}
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(5, write(s2, "hello", 5));
		EXPECT_EQ(5, read(s1, buf, sizeof(buf)));
	}
	iov[0] = (struct iovec){ "ab", 2 };
	iov[1] = (struct iovec){ "cd", 2 };
	EXPECT_EQ(4, writev(s2, iov, 2));
	iov[0] = (struct iovec){ buf, 100 };
	EXPECT_EQ(4, readv(s1, iov, 1));
	memset(&mh, 0, sizeof(mh));
	iov[0] = (struct iovec){ "xyz", 3 };
	mh.msg_iov = iov;
	mh.msg_iovlen = 1;
	EXPECT_EQ(3, sendmsg(s2, &mh, 0));
	iov[0] = (struct iovec){ buf, 100 };
	EXPECT_EQ(3, recvmsg(s1, &mh, 0));
	memset(mm, 0, sizeof(mm));
	iov[0] = (struct iovec){ "m1", 2 };
	iov[1] = (struct iovec){ "m2", 2 };
	for (i = 0; i < 2; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	EXPECT_EQ(2, sendmmsg(s2, mm, 2, 0));
	iov[0] = (struct iovec){ buf, 100 };
	iov[1] = (struct iovec){ buf + 100, 100 };
	EXPECT_EQ(2, recvmmsg(s1, mm, 2, MSG_WAITFORONE, NULL));
	/* Not sockets: never counted. */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, write(pfd[1], "p", 1));
	EXPECT_EQ(3, read(pfd[0], buf, sizeof(buf)));
	close(s1);
	close(s2);
	close(s3);
	/* Let an interval report pass before stopping. */
	usleep(1200 * 1000);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));

	EXPECT_EQ(3, sum_probe(t.out, "tracepoint:syscalls:sys_enter_socket"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_bind"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_connect"));
	EXPECT_EQ(4, sum_probe(t.out, "tracepoint:syscalls:sys_enter_sendto"));
	EXPECT_EQ(4, sum_probe(t.out, "tracepoint:syscalls:sys_enter_recvfrom"));
	EXPECT_EQ(2, sum_probe(t.out, "tracepoint:syscalls:sys_enter_write"));
	EXPECT_EQ(2, sum_probe(t.out, "tracepoint:syscalls:sys_enter_read"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_writev"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_readv"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_sendmsg"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_recvmsg"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_sendmmsg"));
	EXPECT_EQ(1, sum_probe(t.out, "tracepoint:syscalls:sys_enter_recvmmsg"));
	EXPECT_EQ(0, sum_probe(t.out, "tracepoint:syscalls:sys_enter_accept"));
	/* sendto 4 + write 2 + writev 1 + sendmsg 1 + sendmmsg 2 messages. */
	l = sock_label(t.out, "sock_send_length", "security_socket_sendmsg", label,
		       sizeof(label));
	if (!l)
		DUMP_ON_FAILURE_ALWAYS(t);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(10, sum_probe(t.out, l));
	/*
	 * The same for receives, except that recvmmsg's second message goes
	 * through sock_recvmsg_nosec: the tracepoint sees it, sock_recvmsg
	 * (and so security_socket_recvmsg) does not.
	 */
	l = sock_label(t.out, "sock_recv_length", "security_socket_recvmsg", label,
		       sizeof(label));
	if (!l)
		DUMP_ON_FAILURE_ALWAYS(t);
	ASSERT_NE(NULL, l);
	recvs = sum_probe(t.out, l);
	EXPECT_EQ(strncmp(l, "tracepoint:", 11) && strncmp(l, "tp_btf:", 7) ? 9 : 10, recvs);
	if (force)
		EXPECT_EQ(0, strncmp(l, force, strlen(force)));
	/* Every interval starts with HH:MM:SS. */
	EXPECT_LT(0, count_lines_affix(t.out, "", ""));
	DUMP_ON_FAILURE(t);
}

TEST(sockstat_counts)
{
	check_sockstat_counts(_metadata, NULL);
}

FORCED_TESTS(sockstat_counts, check_sockstat_counts)

TEST(sockstat_json)
{
	struct bg_tool t;
	int i, fd;

	ASSERT_EQ(0, start_self(&t, "sockstat", (const char *[]){ "-j", "1", NULL }, "Tracing"));
	for (i = 0; i < 3; i++) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		EXPECT_LE(0, fd);
		close(fd);
	}
	usleep(1200 * 1000);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(3, json_count_sum(t.out, "\"probe\":\"tracepoint:syscalls:sys_enter_socket\","));
	EXPECT_EQ(0, non_json_lines(t.out, "sockstat"));
	DUMP_ON_FAILURE(t);
}

/* ---- sendsize ------------------------------------------------------------- */

static void check_sendsize_udp_histogram(struct __test_metadata *_metadata, const char *force)
{
	static const int sizes[] = { 100, 100, 100, 1000, 1000, 5 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	char line[128], payload[1000] = "";
	struct bg_tool t;
	size_t i;
	int fd, ret;

	ret = start_self_forced(&t, "sendsize", (const char *[]){ NULL },
				"Tracing TCP and UDP send sizes", force);
	if (ret == 1)
		SKIP(return, "%s not usable here: %.300s", force, t.out);
	ASSERT_EQ(0, ret);
	if (force) {
		snprintf(line, sizeof(line), "Tracing TCP and UDP send sizes (%s", force);
		EXPECT_NE(NULL, strstr(t.out, line));
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		EXPECT_EQ(sizes[i], sendto(fd, payload, sizes[i], 0, (void *)&a, sizeof(a)));
	close(fd);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(1, count_lines_affix(t.out, "UDP send bytes (", "):"));
	EXPECT_EQ(NULL, strstr(t.out, "TCP send bytes"));
	EXPECT_EQ(1, count_linef(t.out, "%10d -> %-10d : %-8d |%s|",
					 4, 7, 1, "*************                           "));
	EXPECT_EQ(1, count_linef(t.out, "%10d -> %-10d : %-8d |%s|",
					 64, 127, 3, "****************************************"));
	EXPECT_EQ(1, count_linef(t.out, "%10d -> %-10d : %-8d |%s|",
					 512, 1023, 2, "**************************              "));
	/* 4..1023: 8 slots, 5 of them empty. */
	EXPECT_EQ(8, count_lines_affix(t.out, "", "|"));
	DUMP_ON_FAILURE(t);
}

TEST(sendsize_udp_histogram)
{
	check_sendsize_udp_histogram(_metadata, NULL);
}

FORCED_TESTS(sendsize_udp_histogram, check_sendsize_udp_histogram)

/* ---- socksize, socketio ------------------------------------------------ */

/* A UDP socket bound to 127.0.0.1 (so that sends to it need no ICMP). */
static int udp_sink(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (void *)a, len) || getsockname(fd, (void *)a, &len))
		return -1;
	return fd;
}

/* @n datagrams of @size bytes from a socket to itself; its port, or -1. */
static int udp_self_exchange(int n, int size)
{
	struct sockaddr_in a;
	char buf[2048] = "";
	int fd = udp_sink(&a), i;

	if (fd < 0 || size > (int)sizeof(buf))
		return -1;
	for (i = 0; i < n; i++)
		if (sendto(fd, buf, size, 0, (void *)&a, sizeof(a)) != size ||
		    recv(fd, buf, sizeof(buf), 0) != size)
			break;
	close(fd);
	return i == n ? ntohs(a.sin_port) : -1;
}


/* A TCP connection over loopback: both ends and their ports; 0 or -1. */
static int tcp_pair(int *client, int *server, int *cport, int *sport)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int lfd;

	lfd = listener(sport);
	if (lfd < 0)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*sport);
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (void *)&sin, sizeof(sin))) {
		close(lfd);
		return -1;
	}
	*server = accept(lfd, NULL, NULL);
	close(lfd);
	if (*server < 0 || getsockname(*client, (void *)&sin, &len))
		return -1;
	*cport = ntohs(sin.sin_port);
	return 0;
}

#define SOCKSIZE_TCP	10	/* 1000-byte sends and receives on TCP */
#define SOCKSIZE_UDP	3	/* 100-byte datagrams */

/*
 * In this process: SOCKSIZE_TCP sends and receives of 1000 bytes over
 * TCP, SOCKSIZE_UDP of 100 over UDP; and what socksize leaves out: a peek,
 * a failed receive, UNIX socket I/O.
 */
static void socksize_workload(struct __test_metadata *_metadata)
{
	char buf[1000];
	int c, s, cport, sport, pair[2], i;

	memset(buf, 'z', sizeof(buf));
	ASSERT_EQ(0, tcp_pair(&c, &s, &cport, &sport));
	for (i = 0; i < SOCKSIZE_TCP; i++) {
		ASSERT_EQ(1000, send(c, buf, 1000, MSG_NOSIGNAL));
		if (i == 0)
			ASSERT_EQ(1000, recv(s, buf, 1000, MSG_PEEK | MSG_WAITALL));
		ASSERT_EQ(1000, recv(s, buf, 1000, MSG_WAITALL));
	}
	ASSERT_EQ(-1, recv(s, buf, 1000, MSG_DONTWAIT));
	close(c);
	close(s);
	ASSERT_LT(0, udp_self_exchange(SOCKSIZE_UDP, 100));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
	ASSERT_EQ(50, write(pair[0], buf, 50));
	ASSERT_EQ(50, read(pair[1], buf, sizeof(buf)));
	close(pair[0]);
	close(pair[1]);
}

/* Occurrences of @needle in [@p, @end). */
static int count_between(const char *p, const char *end, const char *needle)
{
	size_t len = strlen(needle);
	int n = 0;

	while ((p = memmem(p, end - p, needle, len))) {
		n++;
		p += len;
	}
	return n;
}

/* The JSON histogram @name of this process: its total, and @want in its buckets. */
static void socksize_hist(struct __test_metadata *_metadata, const char *out, const char *name)
{
	char comm[17], head[96], want[96];
	const char *line, *eol;

	my_comm(comm);
	snprintf(head, sizeof(head), "\"name\":\"%s\",\"unit\":\"bytes\",\"kind\":\"log2\",\"comm\":\"%s\"",
		 name, comm);
	line = strstr(out, head);
	ASSERT_NE(NULL, line) TH_LOG("no %s:\n%s", head, out);
	eol = strchr(line, '\n');
	ASSERT_NE(NULL, eol);
	snprintf(want, sizeof(want), "\"total\":%d,", SOCKSIZE_TCP + SOCKSIZE_UDP);
	EXPECT_NE(NULL, memmem(line, eol - line, want, strlen(want))) TH_LOG("%.*s", (int)(eol - line), line);
	snprintf(want, sizeof(want), "{\"low\":512,\"high\":1023,\"count\":%d}", SOCKSIZE_TCP);
	EXPECT_NE(NULL, memmem(line, eol - line, want, strlen(want))) TH_LOG("%.*s", (int)(eol - line), line);
	snprintf(want, sizeof(want), "{\"low\":64,\"high\":127,\"count\":%d}", SOCKSIZE_UDP);
	EXPECT_NE(NULL, memmem(line, eol - line, want, strlen(want))) TH_LOG("%.*s", (int)(eol - line), line);
	/* Only the two sizes: neither the UNIX socket's 50 bytes nor the failure. */
	EXPECT_EQ(2, count_between(line, eol, "{\"low\"")) TH_LOG("%.*s", (int)(eol - line), line);
}

static void check_socksize(struct __test_metadata *_metadata, const char *force)
{
	struct bg_tool t;
	int ret;

	ret = start_self_forced(&t, "socksize", (const char *[]){ "-j", NULL },
				"Tracing socket I/O sizes", force);
	if (ret == 1)
		SKIP(return, "%s not usable here: %.500s", force, t.out);
	ASSERT_EQ(0, ret);
	socksize_workload(_metadata);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	socksize_hist(_metadata, t.out, "read_bytes");
	socksize_hist(_metadata, t.out, "write_bytes");
	EXPECT_EQ(0, non_json_lines(t.out, "socksize"));
	DUMP_ON_FAILURE(t);
}

TEST(socksize_exact_sizes)
{
	check_socksize(_metadata, NULL);
}

TEST(socksize_exact_sizes_netlens)
{
	check_socksize(_metadata, "netlens");
}

TEST(socksize_exact_sizes_fentry)
{
	check_socksize(_metadata, "fentry");
}

TEST(socksize_exact_sizes_kprobe)
{
	check_socksize(_metadata, "kprobe");
}

/* The book's text: @read_bytes[comm] then @write_bytes[comm], BCC-style rows. */
TEST(socksize_text)
{
	char comm[17], head[64];
	struct bg_tool t;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "socksize", (const char *[]){ NULL }, "Tracing socket I/O sizes"));
	socksize_workload(_metadata);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(head, sizeof(head), "@read_bytes[%s]:", comm);
	EXPECT_EQ(1, count_lines(t.out, head));
	snprintf(head, sizeof(head), "@write_bytes[%s]:", comm);
	EXPECT_EQ(1, count_lines(t.out, head));
	EXPECT_LT(strstr(t.out, "@read_bytes["), strstr(t.out, "@write_bytes["));
	EXPECT_EQ(2, count_linef(t.out, "%10d -> %-10d : %-8d |%s|", 512, 1023, SOCKSIZE_TCP,
				 "****************************************"));
	EXPECT_EQ(2, count_linef(t.out, "%10d -> %-10d : %-8d |%s|", 64, 127, SOCKSIZE_UDP,
				 "************                            "));
	DUMP_ON_FAILURE(t);
}

/*
 * socketio -j: four 1000-byte sends and one receive of them on TCP, a
 * receive that fails, two 100-byte datagrams sent and received on UDP;
 * each row exact, with its ports.
 */
static void check_socketio(struct __test_metadata *_metadata, const char *force)
{
	char buf[4000], comm[17], want[256];
	int c, s, cport, sport, uport, ret, i;
	struct bg_tool t;
	const struct {
		const char *map, *dir;
		int protocol, *lport, *rport, value;
	} rows[] = {
		{ "io", "write", IPPROTO_TCP, &cport, &sport, 4 },
		{ "bytes", "write", IPPROTO_TCP, &cport, &sport, 4000 },
		{ "io", "read", IPPROTO_TCP, &sport, &cport, 2 },
		{ "bytes", "read", IPPROTO_TCP, &sport, &cport, 4000 },
		{ "io", "write", IPPROTO_UDP, &uport, NULL, 2 },
		{ "bytes", "write", IPPROTO_UDP, &uport, NULL, 200 },
		{ "io", "read", IPPROTO_UDP, &uport, NULL, 2 },
		{ "bytes", "read", IPPROTO_UDP, &uport, NULL, 200 },
	};

	ret = start_self_forced(&t, "socketio", (const char *[]){ "-j", NULL },
				"Tracing socket I/O", force);
	if (ret == 1)
		SKIP(return, "%s not usable here: %.500s", force, t.out);
	ASSERT_EQ(0, ret);
	memset(buf, 'i', sizeof(buf));
	ASSERT_EQ(0, tcp_pair(&c, &s, &cport, &sport));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(1000, send(c, buf, 1000, MSG_NOSIGNAL));
	ASSERT_EQ(4000, recv(s, buf, sizeof(buf), MSG_WAITALL));
	ASSERT_EQ(-1, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	close(c);
	close(s);
	uport = udp_self_exchange(2, 100);
	ASSERT_LT(0, uport);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	my_comm(comm);
	for (i = 0; i < (int)(sizeof(rows) / sizeof(rows[0])); i++) {
		snprintf(want, sizeof(want),
			 "\"map\":\"%s\",\"comm\":\"%s\",\"pid\":%d,\"dir\":\"%s\",\"protocol\":%d,"
			 "\"protocol_name\":\"%s\",\"lport\":%d,\"rport\":%d,\"count\":%d}",
			 rows[i].map, comm, getpid(), rows[i].dir, rows[i].protocol,
			 rows[i].protocol == IPPROTO_TCP ? "IPPROTO_TCP" : "IPPROTO_UDP",
			 *rows[i].lport, rows[i].rport ? *rows[i].rport : 0, rows[i].value);
		EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("want %s", want);
	}
	/* Those rows and nothing else of this process. */
	EXPECT_EQ(8, count_lines_affix(t.out, "{\"type\":\"count\"", "}"));
	EXPECT_EQ(0, non_json_lines(t.out, "socketio"));
	DUMP_ON_FAILURE(t);
}

TEST(socketio_exact_rows)
{
	check_socketio(_metadata, NULL);
}

TEST(socketio_exact_rows_netlens)
{
	check_socketio(_metadata, "netlens");
}

TEST(socketio_exact_rows_fentry)
{
	check_socketio(_metadata, "fentry");
}

TEST(socketio_exact_rows_kprobe)
{
	check_socketio(_metadata, "kprobe");
}

/* The book's lines: @io[COMM, PID, write, ...]: N, @io before @bytes. */
TEST(socketio_text)
{
	char comm[17], want[160], buf[500] = "";
	int c, s, cport, sport;
	struct bg_tool t;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "socketio", (const char *[]){ NULL }, "Tracing socket I/O"));
	ASSERT_EQ(0, tcp_pair(&c, &s, &cport, &sport));
	ASSERT_EQ(500, write(c, buf, sizeof(buf)));
	ASSERT_EQ(500, recv(s, buf, sizeof(buf), MSG_WAITALL));
	close(c);
	close(s);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	snprintf(want, sizeof(want), "@io[%s, %d, write, 6, IPPROTO_TCP, %d, %d]: 1", comm,
		 getpid(), cport, sport);
	EXPECT_EQ(1, count_lines(t.out, want));
	snprintf(want, sizeof(want), "@bytes[%s, %d, read, 6, IPPROTO_TCP, %d, %d]: 500", comm,
		 getpid(), sport, cport);
	EXPECT_EQ(1, count_lines(t.out, want));
	EXPECT_LT(strstr(t.out, "@io["), strstr(t.out, "@bytes["));
	DUMP_ON_FAILURE(t);
}

/* ---- soaccept ------------------------------------------------------------ */

/*
 * An accept that succeeds, one with nothing queued (EAGAIN) and one on a
 * UDP socket (EOPNOTSUPP), in this process; the listener's and the
 * client's ports in *@lport, *@cport.
 */
static void accept_workload(struct __test_metadata *_metadata, int *lport, int *cport)
{
	int c, s, u;

	ASSERT_EQ(0, tcp_pair(&c, &s, cport, lport));
	close(c);
	close(s);
	c = listener(lport);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, fcntl(c, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-1, accept4(c, NULL, NULL, SOCK_CLOEXEC));
	ASSERT_EQ(EAGAIN, errno);
	close(c);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, u);
	ASSERT_EQ(-1, accept(u, NULL, NULL));
	close(u);
}

TEST(soaccept_results)
{
	char comm[17], want[512];
	int lport, cport;
	struct bg_tool t;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "soaccept", (const char *[]){ "-j", NULL }, "Tracing IP accepts"));
	accept_workload(_metadata, &lport, &cport);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(3, count_lines_affix(t.out, "{", "}"));
	snprintf(want, sizeof(want), "\"comm\":\"%s\",\"protocol\":6,\"protocol_name\":\"IPPROTO_TCP\","
		 "\"family\":2,\"family_name\":\"AF_INET\",\"laddr\":\"127.0.0.1\",\"lport\":",
		 comm);
	EXPECT_EQ(2, count_lines_with(t.out, want));
	snprintf(want, sizeof(want), "\"raddr\":\"127.0.0.1\",\"rport\":%d,\"ret\":0,\"ret_name\":\"Success\"}",
		 cport);
	EXPECT_EQ(1, count_lines_with(t.out, want));
	EXPECT_EQ(1, count_lines_with(t.out, "\"rport\":0,\"ret\":-11,\"ret_name\":\"None to accept\"}"));
	EXPECT_EQ(1, count_lines_with(t.out, "\"protocol_name\":\"IPPROTO_UDP\""));
	EXPECT_EQ(1, count_lines_with(t.out, "\"ret\":-95,\"ret_name\":\"Not SOCK_STREAM\"}"));
	DUMP_ON_FAILURE(t);
}

/* The book's columns; -P keeps one listener's port, -6 no IPv4 accept. */
TEST(soaccept_text_and_filters)
{
	char want[256], port[16];
	struct bg_tool t;
	int lport, cport, lport2;

	ASSERT_EQ(0, start_self(&t, "soaccept", (const char *[]){ NULL }, "PID    PROCESS"));
	accept_workload(_metadata, &lport, &cport);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(1, count_linef(t.out, "%-6s %-16s FAM %-16s %-5s %-5s %s", "PID", "PROCESS",
				 "ADDRESS", "PORT", "LPORT", "RESULT"));
	snprintf(want, sizeof(want), "%-3d %-16s %-5d ", 2, "127.0.0.1", cport);
	EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("want '%s'", want);
	EXPECT_EQ(1, count_lines_affix(t.out, "", " Success"));
	EXPECT_EQ(1, count_lines_affix(t.out, "", " None to accept"));
	EXPECT_EQ(1, count_lines_affix(t.out, "", " Not SOCK_STREAM"));
	DUMP_ON_FAILURE(t);

	/* -P 1: none of the workload's listeners (the UDP socket has none). */
	snprintf(port, sizeof(port), "%d", 1);
	ASSERT_EQ(0, start_self(&t, "soaccept", (const char *[]){ "-j", "-P", port, NULL },
				"Tracing IP accepts"));
	accept_workload(_metadata, &lport2, &cport);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(0, count_lines_affix(t.out, "{", "}"));
	DUMP_ON_FAILURE(t);
	ASSERT_EQ(0, start_self(&t, "soaccept", (const char *[]){ "-j", "-6", NULL },
				"Tracing IP accepts"));
	accept_workload(_metadata, &lport2, &cport);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(0, count_lines_affix(t.out, "{", "}"));
	DUMP_ON_FAILURE(t);
}

/* ---- skbdrop ------------------------------------------------------------- */

#define DROPS	5	/* datagrams to a closed port */

/* Udp NoPorts of this task's network namespace; -1 when unreadable. */
static long udp_noports(void)
{
	char buf[8192], *hdr, *val;
	int col = 0;

	if (read_text_file("/proc/self/net/snmp", buf, sizeof(buf)))
		return -1;
	hdr = strstr(buf, "\nUdp: ");
	val = hdr ? strstr(hdr + 1, "\nUdp: ") : NULL;
	if (!val)
		return -1;
	/* The column of NoPorts in the header, then that value. */
	for (char *p = hdr + 6; p < val && strncmp(p, "NoPorts", 7); p++)
		col += *p == ' ';
	val += 6;
	while (col-- > 0 && (val = strchr(val, ' ')))
		val++;
	return val ? strtol(val, NULL, 10) : -1;
}

/*
 * A child in a network namespace of its own, loopback up, held until told
 * to send DROPS datagrams to a closed port; it reports the namespace's
 * NoPorts delta.
 */
struct drop_child {
	pid_t pid;
	int go[2], result[2];
};

static int drop_child_start(struct drop_child *c)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	char ready;

	if (pipe2(c->go, O_CLOEXEC) || pipe2(c->result, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
		long before, delta;
		int fd, i;

		close(c->go[1]);
		close(c->result[0]);
		fd = unshare(CLONE_NEWNET) ? -1 : socket(AF_INET, SOCK_DGRAM, 0);
		ifr.ifr_flags = IFF_UP;
		if (fd < 0 || ioctl(fd, SIOCSIFFLAGS, &ifr) || write(c->result[1], "r", 1) != 1 ||
		    read(c->go[0], &ready, 1) != 1)
			_exit(1);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		before = udp_noports();
		for (i = 0; i < DROPS; i++)
			if (sendto(fd, "drop", 4, 0, (void *)&a, sizeof(a)) != 4)
				_exit(2);
		usleep(100000);
		delta = udp_noports() - before;
		_exit(write(c->result[1], &delta, sizeof(delta)) != sizeof(delta));
	}
	close(c->go[0]);
	close(c->result[1]);
	return c->pid > 0 && read(c->result[0], &ready, 1) == 1 ? 0 : -1;
}

/* Let it send; its NoPorts delta, or -1. */
static long drop_child_run(struct drop_child *c)
{
	long delta = -1;
	int st;

	if (write(c->go[1], "g", 1) != 1 ||
	    read(c->result[0], &delta, sizeof(delta)) != sizeof(delta))
		delta = -1;
	close(c->go[1]);
	close(c->result[0]);
	if (waitpid(c->pid, &st, 0) != c->pid || st)
		delta = -1;
	return delta;
}

/* skbdrop --netns (the child's) @more...: its output in @t; the NoPorts delta. */
static long traced_drops(struct __test_metadata *_metadata, struct bg_tool *t,
			 const char *more)
{
	char bin[512], ns[64], *argv[8];
	struct drop_child c;
	long delta;
	int n = 0;

	if (drop_child_start(&c))
		return -1;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", c.pid);
	argv[n++] = (char *)tool_path("skbdrop", bin, sizeof(bin));
	argv[n++] = "-j";
	argv[n++] = "--netns";
	argv[n++] = ns;
	if (more)
		argv[n++] = (char *)more;
	argv[n] = NULL;
	if (start(t, argv, "Tracing sk_buff drops")) {
		drop_child_run(&c);
		return -1;
	}
	delta = drop_child_run(&c);
	if (bg_tool_stop(t, SIGINT, STOP_MS))
		return -1;
	return delta;
}

/* A datagram to a closed port is a NO_SOCKET drop, named from BTF; one each, as NoPorts. */
TEST(skbdrop_reasons_match_noports)
{
	char want[160];
	struct bg_tool t;

	ASSERT_EQ(DROPS, traced_drops(_metadata, &t, "-R")) TH_LOG("%s", t.out);
	/* Nothing else dropped in the namespace. */
	EXPECT_EQ(1, count_lines_affix(t.out, "{\"type\":\"count\"", "")) TH_LOG("%s", t.out);
	snprintf(want, sizeof(want), "\"map\":\"drops\",\"reason\":");
	EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("%s", t.out);
	snprintf(want, sizeof(want), ",\"reason_name\":\"NO_SOCKET\",\"count\":%d}", DROPS);
	EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("%s", t.out);
	EXPECT_EQ(NULL, strstr(t.out, "\"map\":\"stacks\"")) TH_LOG("%s", t.out);
	DUMP_ON_FAILURE(t);
}

/* With stacks: the receive path that dropped it, not the tracing. */
TEST(skbdrop_stacks)
{
	const char *line;
	struct bg_tool t;

	ASSERT_EQ(DROPS, traced_drops(_metadata, &t, NULL)) TH_LOG("%s", t.out);
	line = strstr(t.out, "{\"type\":\"count\",");
	ASSERT_NE(NULL, line) TH_LOG("%s", t.out);
	EXPECT_NE(NULL, strstr(line, "\"map\":\"stacks\",\"reason\":")) TH_LOG("%s", t.out);
	EXPECT_NE(NULL, strstr(t.out, "\"reason_name\":\"NO_SOCKET\",\"stack\":[")) TH_LOG("%s", t.out);
	EXPECT_NE(NULL, strstr(t.out, "\"__udp4_lib_rcv\"")) TH_LOG("%s", t.out);
	EXPECT_EQ(NULL, strstr(t.out, "bpf_trace_run")) TH_LOG("%s", t.out);
	EXPECT_NE(NULL, strstr(t.out, "\"map\":\"drops\",\"reason\":")) TH_LOG("%s", t.out);
	DUMP_ON_FAILURE(t);
}

/* ---- udpconnect ---------------------------------------------------------- */

/* connect(2) a UDP socket of @family to @addr:@port; 0 or -errno. */
static int udp_connect(int family, const char *addr, int port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(family, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -errno;
	if (family == AF_INET)
		inet_pton(AF_INET, addr, &sin.sin_addr);
	else
		inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	ret = family == AF_INET ? connect(fd, (void *)&sin, sizeof(sin)) :
				  connect(fd, (void *)&sin6, sizeof(sin6));
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * UDP connects of both families are lines, with address and port; a TCP
 * connect is not; -P keeps one port.
 */
TEST(udpconnect_udp_sockets_only)
{
	bool v6 = have_ipv6_loopback();
	char comm[17], want[256];
	struct bg_tool t;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "udpconnect", (const char *[]){ "-j", NULL },
				"Tracing UDP connects"));
	ASSERT_EQ(0, udp_connect(AF_INET, "127.0.0.1", 5353));
	if (v6)
		ASSERT_EQ(0, udp_connect(AF_INET6, "::1", 5354));
	EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET, "127.0.0.1", closed_port(AF_INET), false));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(v6 ? 2 : 1, count_lines_affix(t.out, "{", "}")) TH_LOG("%s", t.out);
	snprintf(want, sizeof(want), "\"comm\":\"%s\",\"family\":2,\"family_name\":\"AF_INET\","
		 "\"raddr\":\"127.0.0.1\",\"rport\":5353,\"ret\":0,\"ret_name\":\"Success\"}", comm);
	EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("want %s\n%s", want, t.out);
	if (v6) {
		snprintf(want, sizeof(want), "\"family\":10,\"family_name\":\"AF_INET6\","
			 "\"raddr\":\"::1\",\"rport\":5354,\"ret\":0");
		EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("want %s\n%s", want, t.out);
	}
	DUMP_ON_FAILURE(t);

	ASSERT_EQ(0, start_self(&t, "udpconnect", (const char *[]){ "-P", "5354", NULL }, "RPORT"));
	ASSERT_EQ(0, udp_connect(AF_INET, "127.0.0.1", 5353));
	ASSERT_EQ(0, udp_connect(AF_INET, "127.0.0.1", 5354));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(1, count_linef(t.out, "%-6s %-16s %-2s %-16s %-5s %s", "PID", "COMM", "IP",
				 "RADDR", "RPORT", "RESULT"));
	EXPECT_EQ(1, count_linef(t.out, "%-6d %-16s %-2d %-16s %-5d %s", getpid(), comm, 4,
				 "127.0.0.1", 5354, "OK"));
	EXPECT_EQ(2, count_lines_affix(t.out, "", "")) TH_LOG("%s", t.out);
	DUMP_ON_FAILURE(t);
}

TEST(sendsize_json)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	char payload[100] = "";
	struct bg_tool t;
	int fd, i;

	ASSERT_EQ(0, start_self(&t, "sendsize", (const char *[]){ "-j", NULL }, "Tracing"));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(100, sendto(fd, payload, 100, 0, (void *)&a, sizeof(a)));
	EXPECT_EQ(5, sendto(fd, payload, 5, 0, (void *)&a, sizeof(a)));
	close(fd);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_LE(2, json_strip_epoch(t.out));
	/* One histogram object; empty buckets left out. */
	EXPECT_EQ(1, count_lines_affix(t.out, "{\"type\":\"hist\",\"name\":\"send_size\","
				       "\"unit\":\"bytes\",\"kind\":\"log2\",\"protocol\":17,"
				       "\"protocol_name\":\"IPPROTO_UDP\",\"source\":\"",
				       "\"total\":4,\"buckets\":[{\"low\":4,\"high\":7,\"count\":1},"
				       "{\"low\":64,\"high\":127,\"count\":3}]}"));
	EXPECT_EQ(NULL, strstr(t.out, "\"protocol_name\":\"IPPROTO_TCP\""));
	DUMP_ON_FAILURE(t);
}

/* ---- 10.4 one-liners: xmitstack, tcpcount, rxcpu, tpcount ------------------ */

/* @n datagrams of 32 bytes from a new socket to @a, received on @sink. */
static int udp_exchange(int sink, const struct sockaddr_in *a, int n)
{
	char buf[64] = "";
	int fd, i, ok = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (sendto(fd, buf, 32, 0, (const void *)a, sizeof(*a)) == 32 &&
		    recv(sink, buf, sizeof(buf), 0) == 32)
			ok++;
	close(fd);
	return ok;
}

/*
 * xmitstack's text output: blocks of "  function" lines ending in a
 * "    COUNT" line and a blank line.  Sums the counts of all blocks and of
 * those with a "  @func" frame.
 */
static void stack_sums(const char *out, const char *func, long *all, long *with)
{
	char frame[128];
	const char *p = out;
	bool has = false;

	snprintf(frame, sizeof(frame), "  %s", func);
	*all = *with = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > 4 && !strncmp(p, "    ", 4)) {
			long n = strtol(p + 4, NULL, 10);

			*all += n;
			if (has)
				*with += n;
			has = false;
		} else if (len == strlen(frame) && !strncmp(p, frame, len)) {
			has = true;
		}
		p += len;
		if (*p)
			p++;
	}
}

TEST(xmitstack_udp_loopback)
{
	struct sockaddr_in a;
	const int N = 5;
	struct bg_tool t;
	long all, with;
	int sink;

	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	ASSERT_EQ(0, start_self(&t, "xmitstack", (const char *[]){ NULL },
				"Tracing net_dev_xmit stacks. Ctrl-C to end."));
	EXPECT_EQ(N, udp_exchange(sink, &a, N));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(sink);
	/* Each datagram is one transmit on lo, from udp_sendmsg down. */
	stack_sums(t.out, "udp_sendmsg", &all, &with);
	EXPECT_EQ(N, all);
	EXPECT_EQ(N, with);
	stack_sums(t.out, "dev_hard_start_xmit", &all, &with);
	EXPECT_EQ(N, with);
	EXPECT_EQ(0, count_lines(t.out, "  [lost stack]"));
	DUMP_ON_FAILURE(t);
}

TEST(xmitstack_json)
{
	struct sockaddr_in a;
	const int N = 3;
	struct bg_tool t;
	const char *p;
	long sum = 0;
	int sink;

	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	ASSERT_EQ(0, start_self(&t, "xmitstack", (const char *[]){ "-j", NULL }, "Tracing"));
	EXPECT_EQ(N, udp_exchange(sink, &a, N));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(sink);
	json_strip_epoch(t.out);
	for (p = t.out; (p = strstr(p, "{\"type\":\"count\",\"stack\":[\"")); p++) {
		const char *end = strchr(p, '\n');
		const char *c = strstr(p, "],\"count\":");

		ASSERT_NE(NULL, c);
		EXPECT_TRUE(end && c < end && end[-1] == '}');
		EXPECT_NE(NULL, memmem(p, c - p, "\"udp_sendmsg\"", 13));
		sum += strtol(c + 10, NULL, 10);
	}
	EXPECT_EQ(N, sum);
	DUMP_ON_FAILURE(t);
}

/* @sends TCP messages of 10 bytes client -> server, read in @recvs calls. */
static void tcp_workload(struct __test_metadata *_metadata, int sends, int recvs)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[256] = "";
	int lfd, port, c, a, i;

	ASSERT_EQ(0, sends % recvs);
	lfd = listener(&port);
	ASSERT_LE(0, lfd);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, connect(c, (void *)&sin, sizeof(sin)));
	a = accept(lfd, NULL, NULL);
	ASSERT_LE(0, a);
	for (i = 0; i < sends; i++)
		EXPECT_EQ(10, send(c, buf, 10, 0));
	for (i = 0; i < recvs; i++)
		EXPECT_EQ(10 * sends / recvs, recv(a, buf, 10 * sends / recvs, MSG_WAITALL));
	close(a);
	close(c);
	close(lfd);
}

static void check_tcpcount_counts(struct __test_metadata *_metadata, const char *force)
{
	char comm[17], line[128];
	struct bg_tool t;
	int ret;

	my_comm(comm);
	ret = start_self_forced(&t, "tcpcount", (const char *[]){ NULL },
				"Tracing TCP sends/receives", force);
	if (ret == 1)
		SKIP(return, "%s not usable here: %.300s", force, t.out);
	ASSERT_EQ(0, ret);
	if (force) {
		snprintf(line, sizeof(line), "Tracing TCP sends/receives (%s", force);
		EXPECT_NE(NULL, strstr(t.out, line));
	}
	tcp_workload(_metadata, 6, 3);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_EQ(1, count_linef(t.out, "@send[%d, %s]: 6", getpid(), comm));
	EXPECT_EQ(1, count_linef(t.out, "@recv[%d, %s]: 3", getpid(), comm));
	EXPECT_EQ(2, count_lines_affix(t.out, "@", ""));
	DUMP_ON_FAILURE(t);
}

TEST(tcpcount_counts)
{
	check_tcpcount_counts(_metadata, NULL);
}

FORCED_TESTS(tcpcount_counts, check_tcpcount_counts)

TEST(tcpcount_json)
{
	char comm[17];
	struct bg_tool t;

	my_comm(comm);
	ASSERT_EQ(0, start_self(&t, "tcpcount", (const char *[]){ "-j", NULL }, "Tracing"));
	tcp_workload(_metadata, 4, 4);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));

	json_strip_epoch(t.out);
	EXPECT_EQ(1, count_linef(t.out, "{\"type\":\"count\",\"map\":\"send\",\"pid\":%d,\"comm\":\"%s\",\"count\":4}",
					 getpid(), comm));
	EXPECT_EQ(1, count_linef(t.out, "{\"type\":\"count\",\"map\":\"recv\",\"pid\":%d,\"comm\":\"%s\",\"count\":4}",
					 getpid(), comm));
	DUMP_ON_FAILURE(t);
}

/*
 * The count of bucket @label in the histogram of @dev; -1 if none.  The
 * header is bpftrace's "@[dev]: " (with its trailing space) on a line of
 * its own, the histogram ends at an empty line.
 */
/* The rows of @dev's "@[dev]: " block in @out, up to *@end; NULL if none. */
static const char *lhist_block(const char *out, const char *dev, const char **end)
{
	char head[64];
	const char *p;

	snprintf(head, sizeof(head), "\n@[%s]: \n", dev);
	p = strstr(out, head);
	if (!p)
		return NULL;
	p += strlen(head);
	*end = strstr(p, "\n\n");
	return *end ? p : NULL;
}

static long lhist_bucket(const char *out, const char *dev, const char *label, char *row,
			 size_t rowlen)
{
	const char *end, *p = lhist_block(out, dev, &end);

	if (!p)
		return -1;
	while (p && (!end || p < end)) {
		const char *eol = strchr(p, '\n');

		if (!strncmp(p, label, strlen(label))) {
			snprintf(row, rowlen, "%.*s", eol ? (int)(eol - p) : (int)strlen(p), p);
			return strtol(p + 16, NULL, 10);
		}
		p = eol ? eol + 1 : NULL;
	}
	return -1;
}

/*
 * Every row of @dev's histogram in bpftrace's lhist(cpu, 0, 128, 1)
 * layout: consecutive buckets "[N, N+1)" (or "[128, ...)") left in 16
 * columns, the count right in 8, " |", count / largest * 52 '@' padded
 * to 52, "|"; the first and last rows used.  The number of rows, or -1
 * with the offending row in @bad.
 */
static int lhist_rows_check(const char *out, const char *dev, char *bad, size_t badlen)
{
	char label[32], want[128], got[128];
	long counts[130], max = 0, first = -1, b;
	const char *p, *end, *eol;
	int n = 0, i, bar;

	snprintf(bad, badlen, "no \"@[%s]: \" block ending in an empty line", dev);
	p = lhist_block(out, dev, &end);
	if (!p)
		return -1;
	for (; p <= end && n < 130; p = eol + 1, n++) {
		eol = strchr(p, '\n');
		snprintf(got, sizeof(got), "%.*s", (int)(eol - p), p);
		snprintf(bad, badlen, "%s", got);
		if (sscanf(got, "[%ld, ", &b) != 1 || b < 0 || b > 128 ||
		    (first >= 0 && b != first + n))
			return -1;
		if (first < 0)
			first = b;
		counts[n] = strtol(got + 16, NULL, 10);
		if (counts[n] > max)
			max = counts[n];
	}
	if (!n || !counts[0] || !counts[n - 1])
		return -1;
	for (i = 0, p = lhist_block(out, dev, &end); i < n; i++, p = eol + 1) {
		eol = strchr(p, '\n');
		snprintf(got, sizeof(got), "%.*s", (int)(eol - p), p);
		if (first + i == 128)
			snprintf(label, sizeof(label), "[128, ...)");
		else
			snprintf(label, sizeof(label), "[%ld, %ld)", first + i, first + i + 1);
		bar = (int)((float)counts[i] / (float)max * 52);
		snprintf(want, sizeof(want), "%-16s%8ld |%.*s%*s|", label, counts[i], bar,
			 "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", 52 - bar, "");
		snprintf(bad, badlen, "%s\n  wanted %s", got, want);
		if (strcmp(want, got))
			return -1;
	}
	return n;
}

TEST(rxcpu_loopback_on_cpu0)
{
	char bin[512], row[128], want[128], bad[512];
	struct sockaddr_in a;
	const int N = 6;
	struct bg_tool t;
	cpu_set_t set;
	long n;
	int sink;

	/* Loopback receives on the sending CPU (no RPS): pin to CPU 0. */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	tool_path("rxcpu", bin, sizeof(bin));
	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	ASSERT_EQ(0, start(&t, (char *[]){ bin, NULL },
			   "Tracing receive CPUs per device. Ctrl-C to end."));
	EXPECT_EQ(N, udp_exchange(sink, &a, N));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(sink);
	/* Other loopback traffic may add to it. */
	n = lhist_bucket(t.out, "lo", "[0, 1)", row, sizeof(row));
	EXPECT_LE(N, n);
	/* bpftrace's lhist row: label in 16 columns, count in 8, 52-wide bar. */
	snprintf(want, sizeof(want), "%-16s%8ld |", "[0, 1)", n);
	EXPECT_EQ(0, strncmp(row, want, strlen(want)));
	EXPECT_EQ(16 + 8 + 2 + 52 + 1, strlen(row));
	EXPECT_EQ('|', row[strlen(row) - 1]);
	/* Nothing but bpftrace's layout in the whole block. */
	EXPECT_LT(0, lhist_rows_check(t.out, "lo", bad, sizeof(bad))) {
		TH_LOG("bad lhist row: %s", bad);
	}
	DUMP_ON_FAILURE(t);
}

TEST(rxcpu_json)
{
	char bin[512];
	struct sockaddr_in a;
	struct bg_tool t;
	cpu_set_t set;
	const char *p;
	int sink;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	tool_path("rxcpu", bin, sizeof(bin));
	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	ASSERT_EQ(0, start(&t, (char *[]){ bin, "-j", NULL }, "Tracing"));
	EXPECT_EQ(4, udp_exchange(sink, &a, 4));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(sink);
	json_strip_epoch(t.out);
	p = strstr(t.out, "{\"type\":\"hist\",\"name\":\"rx_cpu\",\"unit\":\"cpu\","
		   "\"kind\":\"linear\",\"dev\":\"lo\",\"total\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", t.out);
	p = strstr(p, "\"buckets\":[{\"low\":0,\"high\":0,\"count\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", t.out);
	EXPECT_LE(4, strtol(p + strlen("\"buckets\":[{\"low\":0,\"high\":0,\"count\":"),
			    NULL, 10));
	DUMP_ON_FAILURE(t);
}

/* Tracepoints (directories with an id) of tracefs events/@cat. */
static int tracepoints_in(const char *cat)
{
	char out[64];

	if (run_cmd(out, sizeof(out), "ls -d /sys/kernel/tracing/events/%s/*/id | wc -l", cat))
		return -1;
	return atoi(out);
}

TEST(tpcount_net_exact)
{
	struct sockaddr_in a;
	const int N = 4;
	struct bg_tool t;
	int sink;

	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	ASSERT_EQ(0, start_self(&t, "tpcount", (const char *[]){ "net", NULL }, "Tracing"));
	EXPECT_EQ(1, count_linef(t.out, "Tracing %d tracepoints of net. Ctrl-C to end.",
					 tracepoints_in("net")));
	EXPECT_EQ(N, udp_exchange(sink, &a, N));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(sink);
	/* The transmit side runs in the sender's context: exact. */
	EXPECT_EQ(1, count_lines(t.out, "@[tracepoint:net:net_dev_queue]: 4"));
	EXPECT_EQ(1, count_lines(t.out, "@[tracepoint:net:net_dev_start_xmit]: 4"));
	EXPECT_EQ(1, count_lines(t.out, "@[tracepoint:net:net_dev_xmit]: 4"));
	EXPECT_EQ(0, count_lines_affix(t.out, "@[tracepoint:net:id-", ""));
	EXPECT_EQ(count_lines_affix(t.out, "@[", ""),
		  count_lines_affix(t.out, "@[tracepoint:net:", ""));
	DUMP_ON_FAILURE(t);
}

TEST(tpcount_json)
{
	struct sockaddr_in a;
	struct bg_tool t;
	int sink;

	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	ASSERT_EQ(0, start_self(&t, "tpcount", (const char *[]){ "-j", "net", NULL }, "Tracing"));
	EXPECT_EQ(3, udp_exchange(sink, &a, 3));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	close(sink);
	json_strip_epoch(t.out);
	/* One map: no "map" member. */
	EXPECT_EQ(1, count_lines(t.out, "{\"type\":\"count\",\"probe\":\"tracepoint:net:net_dev_xmit\","
				 "\"count\":3}"));
	EXPECT_EQ(0, non_json_lines(t.out, "tpcount"));
	DUMP_ON_FAILURE(t);
}

/* The count of "@[tracepoint:CAT:NAME]: N" in @out; -1 when absent. */
static long tp_count(const char *out, const char *probe)
{
	char key[128];
	const char *p;

	snprintf(key, sizeof(key), "\n@[%s]: ", probe);
	p = strstr(out, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

TEST(tpcount_skb)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char bin[512];
	struct bg_tool t;
	int fd, port;

	tool_path("tpcount", bin, sizeof(bin));
	port = closed_port(AF_INET);
	ASSERT_LT(0, port);
	ASSERT_EQ(0, start(&t, (char *[]){ bin, "skb", NULL }, "Tracing"));
	/* TCP receives copy each skb to user; a datagram to a closed port is dropped. */
	tcp_workload(_metadata, 6, 3);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	EXPECT_EQ(1, sendto(fd, "x", 1, 0, (void *)&a, sizeof(a)));
	close(fd);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_LE(3, tp_count(t.out, "tracepoint:skb:skb_copy_datagram_iovec"));
	EXPECT_LE(1, tp_count(t.out, "tracepoint:skb:kfree_skb"));
	EXPECT_EQ(count_lines_affix(t.out, "@[", ""),
		  count_lines_affix(t.out, "@[tracepoint:skb:", ""));
	DUMP_ON_FAILURE(t);
}

TEST(tpcount_no_such_category)
{
	char out[1024], bin[512];

	tool_path("tpcount", bin, sizeof(bin));
	EXPECT_EQ(1, run_cmd(out, sizeof(out), "%s nosuchcategory 2>&1", bin));
	EXPECT_NE(NULL, strstr(out, "tpcount: no tracepoint category 'nosuchcategory' on "));
	EXPECT_NE(NULL, strstr(out, "/available_events)\n"));
}

/* ---- common options ---------------------------------------------------------- */

/* Lines of @out that are a -T time, "HH:MM:SS". */
static int time_lines(const char *out)
{
	int n = 0, h, m, sec, len;
	const char *p;

	for (p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (sscanf(p, "%2d:%2d:%2d%n", &h, &m, &sec, &len) == 3 && len == 8 &&
		    (p[8] == '\n' || !p[8]))
			n++;
	return n;
}

/*
 * A tool that takes [interval [count]]: "-v -T 1 2" prints two reports,
 * each after its time, and ends by itself with status 0; -v turns on
 * libbpf's log (on stderr, counted here and left out).  @lead: arguments
 * it needs first.
 */
static void check_interval_count(struct __test_metadata *_metadata, const char *tool,
				 const char *lead)
{
	static char out[16384];
	char bin[512];

	tool_path(tool, bin, sizeof(bin));
	ASSERT_EQ(0, run_cmd(out, sizeof(out),
			     "{ timeout 25 %s %s-v -T 1 2 2>&1; echo \"exit=$?\"; } | "
			     "awk '/^libbpf: /{n++; next} {print} END {print \"libbpf=\" n+0}'",
			     bin, lead));
	EXPECT_EQ(1, count_lines(out, "exit=0"));
	EXPECT_EQ(2, time_lines(out));
	EXPECT_EQ(0, count_lines(out, "libbpf=0"));
	if (!_metadata->passed)
		TH_LOG("%s output:\n%s", tool, out);
}

#define INTERVAL_TEST(tool, lead)						\
	TEST(tool##_interval_count_timestamps_verbose)				\
	{									\
		check_interval_count(_metadata, #tool, lead);			\
	}

INTERVAL_TEST(sofamily, "")
INTERVAL_TEST(soprotocol, "")
INTERVAL_TEST(sockstat, "")
INTERVAL_TEST(sendsize, "")
INTERVAL_TEST(xmitstack, "")
INTERVAL_TEST(tcpcount, "")
INTERVAL_TEST(rxcpu, "")
INTERVAL_TEST(tpcount, "net ")

/* soconnect (no interval): -v and -T, Ctrl-C ends it with status 0. */
TEST(soconnect_verbose)
{
	struct bg_tool t;
	int port;

	port = closed_port(AF_INET);
	ASSERT_LT(0, port);
	ASSERT_EQ(0, start_self(&t, "soconnect", (const char *[]){ "-v", "-T", NULL },
				"RESULT"));
	EXPECT_EQ(1, count_lines_affix(t.out, "TIME     PID    PROCESS", " RESULT"));
	EXPECT_EQ(-ECONNREFUSED, connect_ip(AF_INET, "127.0.0.1", port, false));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, STOP_MS));
	EXPECT_LT(0, count_lines_affix(t.out, "libbpf: ", ""));
	EXPECT_EQ(1, count_lines_affix(t.out, "", " Connection refused"));
	DUMP_ON_FAILURE(t);
}

/* ---- container and connection filters -------------------------------------- */

#define FILTER_NETNS	"netlens_filter"
#define FILTER_CGROUP2	"/tmp/netlens_cgroup2"
#define FILTER_CGROUP	FILTER_CGROUP2 "/netlens_filter"
#define NOBODY		65534

/* How a filter workload's connect is made: where, as whom, to which port. */
enum connect_from { FROM_HERE, FROM_NETNS, FROM_CGROUP, FROM_NOBODY, FROM_IPV6 };

/* A refused connect to @port from a child set up as @from; 0 when made. */
static int connect_from(enum connect_from from, int port)
{
	pid_t pid = fork();
	int st, fd;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char self[16];

		switch (from) {
		case FROM_NETNS:
			fd = open("/run/netns/" FILTER_NETNS, O_RDONLY);
			if (fd < 0 || setns(fd, CLONE_NEWNET))
				_exit(2);
			break;
		case FROM_CGROUP:
			snprintf(self, sizeof(self), "%d", getpid());
			if (write_text_file(FILTER_CGROUP "/cgroup.procs", self))
				_exit(2);
			break;
		case FROM_NOBODY:
			if (setgid(NOBODY) || setuid(NOBODY))
				_exit(2);
			break;
		default:
			break;
		}
		/* Refused (nothing listens there) or unreachable: made either way. */
		connect_ip(from == FROM_IPV6 ? AF_INET6 : AF_INET,
			   from == FROM_IPV6 ? "::1" : "127.0.0.1", port, false);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A network namespace with loopback up, and a cgroup v2 directory. */
static int setup_filters(void)
{
	run_cmd(NULL, 0, "ip netns del " FILTER_NETNS " 2>/dev/null");
	if (run_cmd(NULL, 0, "ip netns add " FILTER_NETNS " && ip -n " FILTER_NETNS " link set lo up"))
		return -1;
	mkdir(FILTER_CGROUP2, 0755);
	if (!path_exists(FILTER_CGROUP2 "/cgroup.procs") &&
	    run_cmd(NULL, 0, "mount -t cgroup2 none " FILTER_CGROUP2))
		return -1;
	mkdir(FILTER_CGROUP, 0755);
	return path_exists(FILTER_CGROUP "/cgroup.procs") ? 0 : -1;
}

static void teardown_filters(void)
{
	run_cmd(NULL, 0, "ip netns del " FILTER_NETNS " 2>/dev/null");
	rmdir(FILTER_CGROUP);
	run_cmd(NULL, 0, "umount " FILTER_CGROUP2 " 2>/dev/null");
	rmdir(FILTER_CGROUP2);
}

/*
 * soconnect with each filter, all at once, around one connect of each
 * kind to a port of its own: each instance shows exactly the ones its
 * filter selects.
 */
TEST(soconnect_container_and_connection_filters)
{
	static const struct {
		const char *args[3];
		unsigned int shows;	/* bit per enum connect_from */
	} cases[] = {
		{ { "--netns", "/run/netns/" FILTER_NETNS }, 1 << FROM_NETNS },
		{ { "--cgroup", FILTER_CGROUP }, 1 << FROM_CGROUP },
		{ { "-u", "65534" }, 1 << FROM_NOBODY },
		{ { "-u", "nobody" }, 1 << FROM_NOBODY },
		{ { "-6" }, 1 << FROM_IPV6 },
		{ { "-4" }, ~(1u << FROM_IPV6) },
		{ { "-P", NULL }, 1 << FROM_HERE },	/* -P: FROM_HERE's port */
	};
	const int n = sizeof(cases) / sizeof(cases[0]);
	struct bg_tool *t = calloc(n, sizeof(*t));
	char bin[512], ports_arg[16], want[64];
	int port[FROM_IPV6 + 1], i, f;
	bool v6 = have_ipv6_loopback();

	ASSERT_NE(NULL, t);
	if (setup_filters()) {
		teardown_filters();
		free(t);
		SKIP(return, "needs ip netns and a cgroup2 mount");
	}
	for (f = 0; f <= FROM_IPV6; f++)
		port[f] = 41000 + f;	/* nothing listens: refused, in any namespace */
	snprintf(ports_arg, sizeof(ports_arg), "%d", port[FROM_HERE]);
	tool_path("soconnect", bin, sizeof(bin));
	for (i = 0; i < n; i++) {
		char *argv[6] = { bin, "-j" };
		int a = 2, k;

		for (k = 0; k < 3 && cases[i].args[k]; k++)
			argv[a++] = (char *)cases[i].args[k];
		if (!strcmp(cases[i].args[0], "-P"))
			argv[a++] = ports_arg;
		ASSERT_EQ(0, start(&t[i], argv, "Tracing"));
	}
	for (f = 0; f <= FROM_IPV6; f++)
		if (f != FROM_IPV6 || v6)
			EXPECT_EQ(0, connect_from(f, port[f])) TH_LOG("connect %d", f);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, bg_tool_stop(&t[i], SIGINT, STOP_MS));
		for (f = 0; f <= FROM_IPV6; f++) {
			int expect = (cases[i].shows >> f) & 1 && (f != FROM_IPV6 || v6);

			snprintf(want, sizeof(want), "\"port\":%d,", port[f]);
			EXPECT_EQ(expect, !!strstr(t[i].out, want))
				TH_LOG("soconnect %s %s: connect %d (port %d) %s:\n%s",
				       cases[i].args[0], cases[i].args[1] ?: "", f, port[f],
				       expect ? "missing" : "shown", t[i].out);
		}
	}
	teardown_filters();
	free(t);
}

/* The counting tools take the same task filters: sofamily as the example. */
TEST(sofamily_netns_and_cgroup)
{
	char bin[512], comm[17];
	struct bg_tool t[2];
	char *by_netns[] = { bin, "--netns", "/run/netns/" FILTER_NETNS, NULL };
	char *by_cgroup[] = { bin, "--cgroup", FILTER_CGROUP, NULL };

	if (setup_filters()) {
		teardown_filters();
		SKIP(return, "needs ip netns and a cgroup2 mount");
	}
	my_comm(comm);
	tool_path("sofamily", bin, sizeof(bin));
	ASSERT_EQ(0, start(&t[0], by_netns, "Tracing"));
	ASSERT_EQ(0, start(&t[1], by_cgroup, "Tracing"));
	/* Two connects in the namespace, three in the cgroup, one here. */
	EXPECT_EQ(0, connect_from(FROM_NETNS, 41010));
	EXPECT_EQ(0, connect_from(FROM_NETNS, 41010));
	EXPECT_EQ(0, connect_from(FROM_CGROUP, 41011));
	EXPECT_EQ(0, connect_from(FROM_CGROUP, 41011));
	EXPECT_EQ(0, connect_from(FROM_CGROUP, 41011));
	EXPECT_EQ(0, connect_from(FROM_HERE, 41012));
	EXPECT_EQ(0, bg_tool_stop(&t[0], SIGINT, STOP_MS));
	EXPECT_EQ(0, bg_tool_stop(&t[1], SIGINT, STOP_MS));
	EXPECT_EQ(1, count_linef(t[0].out, "@connect[%s, 2, AF_INET]: 2", comm)) TH_LOG("%s", t[0].out);
	EXPECT_EQ(1, count_linef(t[1].out, "@connect[%s, 2, AF_INET]: 3", comm)) TH_LOG("%s", t[1].out);
	EXPECT_EQ(1, count_lines_affix(t[0].out, "@", "")) TH_LOG("%s", t[0].out);
	EXPECT_EQ(1, count_lines_affix(t[1].out, "@", "")) TH_LOG("%s", t[1].out);
	teardown_filters();
}

/*
 * -i: receives and transmits of that interface only.  The workload is UDP
 * over lo; a dummy interface next to it sees none of it (a dummy receives
 * nothing, and what it sends of its own, without IPv6 nothing, is not the
 * workload's).
 */
TEST(rxcpu_xmitstack_interface)
{
	char rx[512], xs[512];
	char *rx_lo[] = { rx, "-j", "-i", "lo", NULL };
	char *rx_dummy[] = { rx, "-j", "-i", "nl_dummy0", NULL };
	char *xs_lo[] = { xs, "-j", "-i", "lo", NULL };
	char *xs_dummy[] = { xs, "-j", "-i", "nl_dummy0", NULL };
	struct bg_tool *t = calloc(4, sizeof(*t));
	struct sockaddr_in a;
	int sink, i;

	ASSERT_NE(NULL, t);
	run_cmd(NULL, 0, "ip link del nl_dummy0 2>/dev/null");
	if (run_cmd(NULL, 0, "ip link add nl_dummy0 type dummy && "
		    "{ sysctl -qw net.ipv6.conf.nl_dummy0.disable_ipv6=1 2>/dev/null; true; } && "
		    "ip link set nl_dummy0 up")) {
		free(t);
		SKIP(return, "cannot create a dummy interface");
	}
	tool_path("rxcpu", rx, sizeof(rx));
	tool_path("xmitstack", xs, sizeof(xs));
	ASSERT_EQ(0, start(&t[0], rx_lo, "Tracing"));
	ASSERT_EQ(0, start(&t[1], rx_dummy, "Tracing"));
	ASSERT_EQ(0, start(&t[2], xs_lo, "Tracing"));
	ASSERT_EQ(0, start(&t[3], xs_dummy, "Tracing"));
	sink = udp_sink(&a);
	ASSERT_LE(0, sink);
	EXPECT_EQ(5, udp_exchange(sink, &a, 5));
	close(sink);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, bg_tool_stop(&t[i], SIGINT, STOP_MS));
	EXPECT_NE(NULL, strstr(t[0].out, "\"dev\":\"lo\"")) TH_LOG("%s", t[0].out);
	EXPECT_EQ(NULL, strstr(t[1].out, "\"type\":\"hist\"")) TH_LOG("%s", t[1].out);
	EXPECT_NE(NULL, strstr(t[2].out, "\"udp_sendmsg\"")) TH_LOG("%s", t[2].out);
	EXPECT_EQ(NULL, strstr(t[3].out, "\"udp_sendmsg\"")) TH_LOG("%s", t[3].out);
	run_cmd(NULL, 0, "ip link del nl_dummy0 2>/dev/null");
	free(t);
}

TEST_HARNESS_MAIN
