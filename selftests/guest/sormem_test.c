// SPDX-License-Identifier: GPL-2.0
/*
 * sormem on the running kernel: a UDP socket with a small SO_RCVBUF, in a
 * network namespace of its own, gets a known number of datagrams and is
 * not read, so that it overflows.  sormem's drops must equal the
 * namespace's RcvbufErrors delta (/proc/net/snmp, snmp6), its histograms
 * must hold one sample per datagram queued, sk_rcvbuf (SO_RCVBUF's
 * value) in all of them, and the last sk_rmem_alloc what /proc/net/udp
 * shows queued at the end.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000
#define DATAGRAMS	40
#define PAYLOAD		200
#define PORT		7777
#define RAW_PROTO	253	/* RFC 3692's experimental protocol */

/*
 * The receive queue (sk_rmem_alloc) of the socket on @port (a raw
 * socket's: its protocol) in /proc/net/@file, and its drops column
 * (sk_drops) into @drops.
 */
static long proc_rx_queue(const char *file, int port, long *drops)
{
	char path[64], buf[16384], want[16], *p, *end;
	unsigned int tx, rx;

	snprintf(path, sizeof(path), "/proc/self/net/%s", file);
	if (read_text_file(path, buf, sizeof(buf)))
		return -1;
	snprintf(want, sizeof(want), ":%04X ", port);
	p = strstr(buf, want);
	if (!p)
		return -1;
	p += strlen(want);
	/* remote address, state, then tx_queue:rx_queue */
	if (sscanf(p, "%*s %*x %x:%x", &tx, &rx) != 2)
		return -1;
	end = strchr(p, '\n');
	if (end)
		*end = '\0';
	p = strrchr(p, ' ');
	*drops = p ? strtol(p + 1, NULL, 10) : -1;
	return rx;
}

struct overflow_result {
	long rcvbuf;		/* SO_RCVBUF as read back: sk_rcvbuf */
	long delta;		/* RcvbufErrors (or Udp6RcvbufErrors) delta */
	long rx_queue;		/* queued at the end */
};

/*
 * A child in a network namespace of its own with a UDP socket of @family
 * on PORT (@raw: an IPv4 raw socket of RAW_PROTO), SO_RCVBUF @rcvbuf;
 * told to go, it sends DATAGRAMS datagrams of PAYLOAD bytes to it without
 * reading and reports what the kernel counted; it holds the socket open
 * until told to end.
 */
struct flood_child {
	pid_t pid;
	int go[2], result[2];
};

static int flood_child_start(struct flood_child *c, int family, bool raw, int rcvbuf)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	char ready;

	if (pipe2(c->go, O_CLOEXEC) || pipe2(c->result, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid == 0) {
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT),
					   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(PORT) };
		struct sockaddr *a = family == AF_INET ? (void *)&a4 : (void *)&a6;
		socklen_t alen = family == AF_INET ? sizeof(a4) : sizeof(a6);
		struct overflow_result res = {};
		char payload[PAYLOAD] = {};
		socklen_t olen = sizeof(int);
		int rx, tx, i, val = 0;
		long before, drops = -1;

		close(c->go[1]);
		close(c->result[0]);
		a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (raw) {
			/* IPPROTO_RAW sends whole packets and receives none. */
			struct iphdr *ip = (void *)payload;

			ip->version = 4;
			ip->ihl = 5;
			ip->tot_len = htons(PAYLOAD);
			ip->ttl = 64;
			ip->protocol = RAW_PROTO;
			ip->saddr = ip->daddr = htonl(INADDR_LOOPBACK);
			rx = unshare(CLONE_NEWNET) ? -1 : socket(AF_INET, SOCK_RAW, RAW_PROTO);
			tx = rx < 0 ? -1 : socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
			a4.sin_port = 0;
		} else {
			rx = unshare(CLONE_NEWNET) ? -1 : socket(family, SOCK_DGRAM, 0);
			tx = rx < 0 ? -1 : socket(family, SOCK_DGRAM, 0);
		}
		ifr.ifr_flags = IFF_UP;
		if (tx < 0 || ioctl(tx, SIOCSIFFLAGS, &ifr) ||
		    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
		    getsockopt(rx, SOL_SOCKET, SO_RCVBUF, &val, &olen) ||
		    (!raw && bind(rx, a, alen)) ||
		    write(c->result[1], "r", 1) != 1 || read(c->go[0], &ready, 1) != 1)
			_exit(1);
		res.rcvbuf = val;
		if (raw)
			before = proc_rx_queue("raw", RAW_PROTO, &drops) < 0 ? -1 : drops;
		else
			before = family == AF_INET ? snmp_value("Udp", "RcvbufErrors") :
						     snmp6_value("Udp6RcvbufErrors");
		for (i = 0; i < DATAGRAMS; i++)
			if (sendto(tx, payload, sizeof(payload), 0, a, alen) != sizeof(payload))
				_exit(2);
		usleep(100000);
		if (raw) {
			/* sk_drops: a raw socket's full queue has no MIB counter. */
			res.rx_queue = proc_rx_queue("raw", RAW_PROTO, &drops);
			res.delta = drops - before;
		} else {
			res.delta = (family == AF_INET ? snmp_value("Udp", "RcvbufErrors") :
							 snmp6_value("Udp6RcvbufErrors")) - before;
			res.rx_queue = proc_rx_queue(family == AF_INET ? "udp" : "udp6", PORT,
						     &drops);
		}
		if (write(c->result[1], &res, sizeof(res)) != sizeof(res))
			_exit(3);
		/* Open until the tool has printed: its owner is this process. */
		_exit(read(c->go[0], &ready, 1) != 1);
	}
	close(c->go[0]);
	close(c->result[1]);
	return c->pid > 0 && read(c->result[0], &ready, 1) == 1 ? 0 : -1;
}

static int flood_child_run(struct flood_child *c, struct overflow_result *res)
{
	return write(c->go[1], "g", 1) == 1 &&
	       read(c->result[0], res, sizeof(*res)) == sizeof(*res) ? 0 : -1;
}

static int flood_child_end(struct flood_child *c)
{
	int st = -1;

	if (write(c->go[1], "e", 1) != 1)
		kill(c->pid, SIGKILL);
	close(c->go[1]);
	close(c->result[0]);
	return waitpid(c->pid, &st, 0) == c->pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One histogram line of -j output: its total, the lowest and highest buckets. */
struct hist_seen {
	long total;
	unsigned long long low_first, high_first, low_last, high_last;
	int buckets;
};

static int parse_hist(const char *out, const char *name, struct hist_seen *h)
{
	char want[64];
	const char *line, *end, *p;

	memset(h, 0, sizeof(*h));
	snprintf(want, sizeof(want), "\"name\":\"%s\"", name);
	line = strstr(out, want);
	if (!line)
		return -1;
	end = strchr(line, '\n');
	p = strstr(line, "\"total\":");
	if (!p || (end && p > end))
		return -1;
	h->total = strtol(p + 8, NULL, 10);
	for (p = line; (p = strstr(p, "{\"low\":")) && (!end || p < end); p++) {
		unsigned long long low, high = ~0ULL;

		low = strtoull(p + 7, NULL, 10);
		p = strstr(p, "\"high\":");
		if (!p)
			return -1;
		if (strncmp(p + 7, "null", 4))
			high = strtoull(p + 7, NULL, 10);
		if (!h->buckets++) {
			h->low_first = low;
			h->high_first = high;
		}
		h->low_last = low;
		h->high_last = high;
	}
	return 0;
}

/*
 * sormem -j @opt (NULL: -p, the child) around a flood of the child's
 * socket; its output in @t, the kernel's counts in @res.  0, or -1 when
 * something other than sormem failed.
 */
static int traced_flood(struct bg_tool *t, int family, bool raw, const char *opt,
			struct overflow_result *res, int *child_pid)
{
	char bin[512], arg[64], *argv[8];
	struct flood_child c;
	int n = 0, err;

	if (flood_child_start(&c, family, raw, 2048))
		return -1;
	*child_pid = c.pid;
	argv[n++] = (char *)tool_path("sormem", bin, sizeof(bin));
	argv[n++] = "-j";
	if (opt) {
		snprintf(arg, sizeof(arg), "/proc/%d/ns/net", c.pid);
		argv[n++] = (char *)opt;
		argv[n++] = arg;
	} else {
		snprintf(arg, sizeof(arg), "%d", c.pid);
		argv[n++] = "-p";
		argv[n++] = arg;
	}
	argv[n] = NULL;
	if (bg_tool_start(t, argv, "Tracing socket receive buffers", READY_MS)) {
		flood_child_end(&c);
		return -1;
	}
	err = flood_child_run(&c, res);
	if (bg_tool_stop(t, SIGINT, STOP_MS))
		err = -1;
	if (flood_child_end(&c))
		err = -1;
	return err;
}

/*
 * The flood's checks: one row in @map, with the owner (pid; 0: not
 * known), @protocol and @lport, of the kernel's count.
 */
static void check_flood(struct __test_metadata *_metadata, const struct bg_tool *t,
			const char *map, int family, int protocol, int lport,
			const struct overflow_result *res, int pid)
{
	char want[256], row[64];
	long queued = DATAGRAMS - res->delta;
	struct hist_seen alloc, limit;

	ASSERT_LT(0, res->delta) TH_LOG("no overflow: the kernel's drop count did not move");
	ASSERT_LT(0, res->rx_queue);
	snprintf(want, sizeof(want), "\"map\":\"%s\",\"comm\":\"%s\",\"pid\":%d,\"family\":%d,",
		 map, pid ? "sormem_test" : "-", pid, family);
	EXPECT_NE(NULL, strstr(t->out, want)) TH_LOG("want %s", want);
	snprintf(want, sizeof(want), "\"protocol\":%d,", protocol);
	EXPECT_NE(NULL, strstr(t->out, want)) TH_LOG("want %s", want);
	snprintf(want, sizeof(want), "\"lport\":%d,\"count\":%ld}", lport, res->delta);
	EXPECT_NE(NULL, strstr(t->out, want)) TH_LOG("want %s", want);
	/* That socket's drops only: one row. */
	snprintf(row, sizeof(row), "\"map\":\"%s\"", map);
	EXPECT_EQ(1, count_lines_with(t->out, row));
	EXPECT_EQ(0, count_lines_with(t->out, "\"map\":\"mem_drops\""));

	/* A sample per datagram queued, sk_rcvbuf in each. */
	ASSERT_EQ(0, parse_hist(t->out, "rmem_limit", &limit));
	EXPECT_EQ(queued, limit.total);
	EXPECT_EQ(1, limit.buckets);
	EXPECT_GE(res->rcvbuf, (long)limit.low_first);
	EXPECT_LE(res->rcvbuf, (long)limit.high_first);
	/* Growing to what is queued at the end: the last sample. */
	ASSERT_EQ(0, parse_hist(t->out, "rmem_alloc", &alloc));
	EXPECT_EQ(queued, alloc.total);
	EXPECT_GE(res->rx_queue, (long)alloc.low_last);
	EXPECT_LE(res->rx_queue, (long)alloc.high_last);
	/* The first: one datagram, less than a queue full. */
	EXPECT_LT(0, (long)alloc.low_first);
	EXPECT_GT(res->rx_queue, (long)alloc.low_first);
	EXPECT_EQ(0, json_schema_violations(t->out, want, sizeof(want))) TH_LOG("%s", want);
}

/* IPv4 with -p: the owner's socket, found in its /proc/PID/fd; RcvbufErrors. */
TEST(udp4_overflow_matches_rcvbuferrors)
{
	struct overflow_result res;
	struct bg_tool t;
	int pid;

	ASSERT_EQ(0, traced_flood(&t, AF_INET, false, NULL, &res, &pid)) TH_LOG("%s", t.out);
	check_flood(_metadata, &t, "rcvbuf_drops", AF_INET, 17, PORT, &res, pid);
	/* UDP drops at its own check, not sock_queue_rcv_skb()'s. */
	EXPECT_EQ(0, count_lines_with(t.out, "\"map\":\"sock_rcvqueue_full\""));
	DUMP_ON_FAILURE(t);
}

/*
 * The IPv4 flood with the histograms' source forced to @force (netlens.ko's
 * sock_data_ready, fentry or kprobe on sock_def_readable): the same
 * samples; skipped where that source does not exist.
 */
static void udp4_forced(struct __test_metadata *_metadata, const char *force)
{
	struct overflow_result res;
	struct bg_tool t;
	char want[128];
	int pid, rc;

	setenv("NETLENS_FORCE_ATTACH", force, 1);
	rc = traced_flood(&t, AF_INET, false, NULL, &res, &pid);
	unsetenv("NETLENS_FORCE_ATTACH");
	if (rc && strstr(t.out, "cannot trace enqueues"))
		SKIP(return, "%s not usable here: %.300s", force, t.out);
	ASSERT_EQ(0, rc) TH_LOG("%s", t.out);
	snprintf(want, sizeof(want), "sormem: using %s:", strcmp(force, "netlens") ? force : "tracepoint:netlens");
	EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("want '%s' in:\n%s", want, t.out);
	check_flood(_metadata, &t, "rcvbuf_drops", AF_INET, 17, PORT, &res, pid);
	DUMP_ON_FAILURE(t);
}

TEST(udp4_histograms_netlens)
{
	if (!netlens_loaded())
		SKIP(return, "netlens.ko is not loaded: its sock_data_ready is the source under test");
	udp4_forced(_metadata, "netlens");
}

TEST(udp4_histograms_fentry)
{
	udp4_forced(_metadata, "fentry");
}

TEST(udp4_histograms_kprobe)
{
	udp4_forced(_metadata, "kprobe");
}

/*
 * IPv6 with --netns: Udp6RcvbufErrors.  Before 6.11 the drop of an IPv6
 * datagram names no socket: the owner is not known, the port is.
 */
TEST(udp6_overflow_matches_rcvbuferrors)
{
	struct overflow_result res;
	struct bg_tool t;
	int pid;

	ASSERT_EQ(0, traced_flood(&t, AF_INET6, false, "--netns", &res, &pid)) TH_LOG("%s", t.out);
	check_flood(_metadata, &t, "rcvbuf_drops", AF_INET6, 17, PORT, &res,
		    strstr(t.out, "\"comm\":\"-\"") ? 0 : pid);
	DUMP_ON_FAILURE(t);
}

/*
 * A raw socket overflows in sock_queue_rcv_skb(): sock:sock_rcvqueue_full
 * and a SOCKET_RCVBUFF drop each time, as its sk_drops (/proc/net/raw).
 */
TEST(raw_overflow_matches_sk_drops)
{
	struct overflow_result res;
	struct utsname u;
	int pid, major = 0, minor = 0;
	struct bg_tool t;

	/*
	 * 6.12's raw_v4_input() (and 6.18's) drops a full raw socket's copy
	 * before cloning it: sk_drops only, no tracepoint, no skb dropped.
	 */
	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	if (major != 6 || minor >= 12)
		SKIP(return, "%s counts a raw socket's overflow in sk_drops only", u.release);
	ASSERT_EQ(0, traced_flood(&t, AF_INET, true, "--netns", &res, &pid)) TH_LOG("%s", t.out);
	/* The book's tracepoint has the socket on every kernel. */
	check_flood(_metadata, &t, "sock_rcvqueue_full", AF_INET, RAW_PROTO, 0, &res, pid);
	check_flood(_metadata, &t, "rcvbuf_drops", AF_INET, RAW_PROTO, 0, &res,
		    strstr(t.out, "\"comm\":\"-\"") ? 0 : pid);
	DUMP_ON_FAILURE(t);
}

/* Bad arguments are usage errors. */
TEST(bad_arguments)
{
	static const char *const bad[][3] = {
		{ "-x" }, { "-p", "abc" }, { "1", "2", "3" }, { "0" }, { "--netns", "/nonexistent" },
	};
	char bin[512], out[4096], cmd[1024];
	size_t i;

	tool_path("sormem", bin, sizeof(bin));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s %s %s %s >/dev/null 2>&1; echo $?", bin,
			 bad[i][0], bad[i][1] ?: "", bad[i][2] ?: "");
		ASSERT_EQ(0, run_cmd(out, sizeof(out), "%s", cmd));
		EXPECT_EQ(2, atoi(out)) TH_LOG("%s", cmd);
	}
}

TEST_HARNESS_MAIN
