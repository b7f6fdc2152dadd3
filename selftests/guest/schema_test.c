// SPDX-License-Identifier: GPL-2.0
/*
 * Every tool's -j output follows the one schema (README: JSON output;
 * selftests/json_schema.jq checks it line by line): each tool runs with -j
 * around a workload of UDP and TCP over loopback and a refused connect,
 * ends at Ctrl-C (or its count), and every line it printed on stdout must
 * conform, with the record types the tool is expected to print (counts or
 * histograms then the interval marker, events, reports).  The module's
 * tools (skblife, netlensctl) run where netlens.ko is loaded; the 802.11
 * events are checked by wifi_test, which has radios to scan with.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000

/* UDP to ourselves and a UDP connect, TCP connect/accept/send, a connect refused. */
static void workload(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char buf[512] = "netlens";
	int u, l, c, s, i;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u >= 0 && !bind(u, (void *)&a, sizeof(a)) && !getsockname(u, (void *)&a, &alen))
		for (i = 0; i < 10; i++)
			if (sendto(u, buf, 100, 0, (void *)&a, sizeof(a)) == 100)
				recv(u, buf, sizeof(buf), 0);
	close(u);
	/* A connected UDP socket (udpconnect's event). */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u >= 0)
		connect(u, (void *)&a, sizeof(a));
	close(u);
	a.sin_port = 0;
	l = socket(AF_INET, SOCK_STREAM, 0);
	alen = sizeof(a);
	if (l >= 0 && !bind(l, (void *)&a, sizeof(a)) && !listen(l, 4) &&
	    !getsockname(l, (void *)&a, &alen)) {
		for (i = 0; i < 3; i++) {
			c = socket(AF_INET, SOCK_STREAM, 0);
			if (c >= 0 && !connect(c, (void *)&a, sizeof(a))) {
				s = accept(l, NULL, NULL);
				if (send(c, buf, sizeof(buf), 0) > 0 && s >= 0)
					recv(s, buf, sizeof(buf), 0);
				close(s);
			}
			close(c);
		}
	}
	close(l);	/* its port is closed now: refused */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	close(c);
}

struct tool_case {
	const char *tool;
	const char *args[6];
	const char *const types[4];	/* record types it must print */
	bool module;			/* needs netlens.ko */
	bool ends_itself;		/* [interval [count]] ends it */
};

static const struct tool_case cases[] = {
	{ "sofamily", { "-j" }, { "count", "interval" } },
	{ "soprotocol", { "-j", "-P" }, { "count", "interval" } },
	{ "sockstat", { "-j", "1", "2" }, { "count", "interval" }, false, true },
	{ "sendsize", { "-j" }, { "hist", "interval" } },
	{ "xmitstack", { "-j" }, { "count", "interval" } },
	{ "tcpcount", { "-j" }, { "count", "interval" } },
	{ "rxcpu", { "-j" }, { "hist", "interval" } },
	{ "tpcount", { "-j", "net" }, { "count", "interval" } },
	{ "tpcount", { "-j", "sock", "1", "2" }, { "count", "interval" }, false, true },
	{ "soconnect", { "-j" }, { "event" } },
	{ "soconnect", { "-j", "-c" }, { "count", "interval" } },
	{ "skblife", { "-j" }, { "hist", "interval" }, true },
	{ "skblife", { "-j", "-O", "-m" }, { "hist", "interval" }, true },
	{ "skblife", { "-j", "-L", "1us" }, { "event" }, true },
	{ "tcplife", { "-j" }, { "event" } },
	{ "tcpconnect", { "-j" }, { "event" } },
	{ "tcpconnect", { "-j", "-c" }, { "count", "interval" } },
	{ "tcpaccept", { "-j" }, { "event" } },
	{ "tcpbind", { "-j" }, { "event" } },
	{ "tcpwin", { "-j" }, { "event" } },
	{ "tcpnagle", { "-j" }, { "hist", "count", "interval" }, true },
	{ "tcptop", { "-j", "-S" }, { "row", "interval" } },
	{ "socksize", { "-j" }, { "hist", "interval" } },
	{ "socketio", { "-j" }, { "count", "interval" } },
	{ "soaccept", { "-j" }, { "event" } },
	{ "udpconnect", { "-j" }, { "event" } },
	{ "soconnlat", { "-j" }, { "hist", "interval" } },
	{ "soconnlat", { "-j", "-e" }, { "event" } },
	{ "so1stbyte", { "-j" }, { "interval" } },
	{ "sormem", { "-j" }, { "interval" } },
	/* The workload's loopback traffic (lo has no qdisc: qdisclat's end marker only). */
	{ "netsize", { "-j" }, { "hist", "interval" } },
	{ "nettxlat", { "-j", "-D" }, { "hist", "interval" } },
	{ "qdisclat", { "-j" }, { "interval" } },
	/* The workload's refused connect: a reset, not a drop; counts may be none. */
	{ "skbdrop", { "-j" }, { "interval" } },
	{ "tcpsynbl", { "-j" }, { "hist", "interval" }, true },
	/* No loss here: the counts' end marker alone. */
	{ "tcpretrans", { "-j", "-c", "-l" }, { "interval" }, true },
};

/* Report types netlensctl prints once. */
static const struct {
	const char *args, *type;
} reports[] = {
	{ "-j info", "info" }, { "-j skb", "info" }, { "-j ring", "info" },
	{ "-j -n 20 selftest", "hist" },
};

static void check_output(struct __test_metadata *_metadata, const char *what,
			 const char *out, const char *const *types)
{
	char why[4096], want[64];
	int n = json_schema_violations(out, why, sizeof(why)), i;
	const char *p;

	ASSERT_LE(0, n) TH_LOG("jq did not run: %s", why);
	EXPECT_EQ(0, n) TH_LOG("%s:\n%s", what, why);
	for (i = 0; i < 4 && types[i]; i++) {
		snprintf(want, sizeof(want), "{\"type\":\"%s\",", types[i]);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s printed no %s line:\n%s",
							   what, types[i], out);
	}
	/*
	 * Besides JSON only what goes to stderr: the banner and the tool's
	 * notices ("sendsize: using fentry ..."); stdout is pure JSON.
	 */
	snprintf(want, sizeof(want), "%.*s: ", (int)strcspn(what, " "), what);
	for (p = out; *p; p += strcspn(p, "\n") + !!p[strcspn(p, "\n")])
		if (*p != '{' && strncmp(p, "Tracing", 7) && strncmp(p, want, strlen(want)))
			EXPECT_TRUE(false) TH_LOG("%s: not JSON: '%.*s'", what,
						  (int)strcspn(p, "\n"), p);
}

FIXTURE(schema) {};
FIXTURE_SETUP(schema) {}
FIXTURE_TEARDOWN(schema) {}

TEST_F_TIMEOUT(schema, every_tool, 900)
{
	struct bg_tool *t = calloc(1, sizeof(*t));
	char bin[512], what[128];
	size_t i, j;

	ASSERT_NE(NULL, t);
	if (smp_guest())
		SKIP(return, "the 1-vCPU guests check the output schema (SMP changes nothing in it)");
	if (run_cmd(NULL, 0, "command -v jq >/dev/null"))
		SKIP(return, "jq is not installed (scripts/deps.sh installs it)");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tool_case *c = &cases[i];
		char *argv[8] = { bin };
		int ret;

		if (c->module && !netlens_loaded()) {
			TH_LOG("%s: netlens.ko not loaded, left out", c->tool);
			continue;
		}
		tool_path(c->tool, bin, sizeof(bin));
		snprintf(what, sizeof(what), "%s", c->tool);
		for (j = 0; j < 6 && c->args[j]; j++) {
			argv[j + 1] = (char *)c->args[j];
			snprintf(what + strlen(what), sizeof(what) - strlen(what), " %s", c->args[j]);
		}
		ASSERT_EQ(0, bg_tool_start(t, argv, "Tracing", READY_MS)) TH_LOG("%s: %s", what, t->out);
		workload();
		if (c->ends_itself) {
			bg_tool_read(t, 10000, NULL);
			ret = bg_tool_stop(t, SIGKILL, STOP_MS);
		} else {
			ret = bg_tool_stop(t, SIGINT, STOP_MS);
		}
		EXPECT_EQ(0, ret) TH_LOG("%s: %s", what, t->out);
		check_output(_metadata, what, t->out, c->types);
		if (c->ends_itself) {
			/* Its count of reports, each closed by its marker. */
			EXPECT_NE(NULL, strstr(t->out, "\"index\":2,\"interval_s\":1,\"last\":true}"))
				TH_LOG("%s: %s", what, t->out);
		}
	}
	if (!netlens_loaded()) {
		free(t);
		return;
	}
	tool_path("netlensctl", bin, sizeof(bin));
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		const char *types[] = { reports[i].type, NULL };

		EXPECT_EQ(0, run_cmd(t->out, sizeof(t->out), "%s %s", bin, reports[i].args));
		snprintf(what, sizeof(what), "netlensctl %s", reports[i].args);
		check_output(_metadata, what, t->out, types);
	}
	free(t);
}

TEST_HARNESS_MAIN
