// SPDX-License-Identifier: GPL-2.0
/*
 * The socket tools' command lines, without loading BPF: usage errors
 * exit 2 with a message, --help documents the examples and the one-liners
 * replaced, and running without privileges says so clearly.
 */
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

static const char *const tools[] = {
	"soconnect", "sofamily", "soprotocol", "sockstat", "sendsize",
};
/* The tools that take [interval [count]]. */
static const char *const interval_tools[] = {
	"sofamily", "soprotocol", "sockstat", "sendsize",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int run_tool(char *out, size_t len, const char *tool, const char *args)
{
	char bin[512];

	tool_path(tool, bin, sizeof(bin));
	return run_cmd(out, len, "%s %s 2>&1", bin, args);
}

TEST(unknown_option)
{
	char out[4096];
	size_t i;

	for (i = 0; i < N(tools); i++) {
		EXPECT_EQ(2, run_tool(out, sizeof(out), tools[i], "--bogus"));
		EXPECT_NE(NULL, strstr(out, "unrecognized option '--bogus'"));
		EXPECT_NE(NULL, strstr(out, "Try `"));
		EXPECT_EQ(2, run_tool(out, sizeof(out), tools[i], "-Z"));
		EXPECT_NE(NULL, strstr(out, "invalid option -- 'Z'"));
	}
}

TEST(bad_pids)
{
	static const struct {
		const char *arg, *msg;
	} cases[] = {
		{ "-p abc", "invalid PID 'abc': not a number" },
		{ "-p 12x", "invalid PID '12x': not a number" },
		{ "-p -5", "invalid PID '-5': not a number" },
		{ "-p 0", "invalid PID '0': must be 1 to 4194304" },
		{ "-p 4194305", "invalid PID '4194305': must be 1 to 4194304" },
		{ "-p 99999999999999999999", "invalid PID '99999999999999999999': must be 1 to 4194304" },
		{ "-p", "option requires an argument -- 'p'" },
	};
	char out[4096];
	size_t i, j;

	for (i = 0; i < N(tools); i++)
		for (j = 0; j < N(cases); j++) {
			EXPECT_EQ(2, run_tool(out, sizeof(out), tools[i], cases[j].arg));
			EXPECT_NE(NULL, strstr(out, cases[j].msg)) {
				TH_LOG("%s %s: %s", tools[i], cases[j].arg, out);
			}
		}
}

TEST(bad_intervals)
{
	static const struct {
		const char *arg, *msg;
	} cases[] = {
		{ "abc", "invalid interval 'abc': not a number" },
		{ "1.5", "invalid interval '1.5': not a number" },
		{ "0", "invalid interval '0': must be 1 to 86400" },
		{ "86401", "invalid interval '86401': must be 1 to 86400" },
		{ "1 x", "invalid count 'x': not a number" },
		{ "1 0", "invalid count '0': must be 1 to 4294967295" },
		{ "1 2 3", "unexpected argument '3'" },
	};
	char out[4096];
	size_t i, j;

	for (i = 0; i < N(interval_tools); i++)
		for (j = 0; j < N(cases); j++) {
			EXPECT_EQ(2, run_tool(out, sizeof(out), interval_tools[i], cases[j].arg));
			EXPECT_NE(NULL, strstr(out, cases[j].msg)) {
				TH_LOG("%s %s: %s", interval_tools[i], cases[j].arg, out);
			}
		}
	/* soconnect traces events: no interval. */
	EXPECT_EQ(2, run_tool(out, sizeof(out), "soconnect", "5"));
	EXPECT_NE(NULL, strstr(out, "unexpected argument '5'"));
}

TEST(help)
{
	static const struct {
		const char *tool, *text;
	} docs[] = {
		{ "soconnect", "soconnect -w         # wide ADDRESS column for IPv6" },
		{ "soconnect", "bpftrace -e 'kprobe:sys_connect {\n"
		  "        @[\"%s\", comm, (int32) retval] = count(); }'" },
		{ "soconnect", "stackcount -U t:syscalls:sys_enter_connect" },
		{ "sofamily", "bpftrace -e 'kprobe:sys_accept { @[pid, comm] = count(); }'" },
		{ "sofamily", "-s, --success" },
		{ "soprotocol", "IPPROTO_NAME, MODULE" },
		{ "sockstat", "-S, --socket-rw" },
		{ "sendsize", "funccount -H \"x::tcp_sendmsg\"" },
		{ "sendsize", "funccount -H \"p::udp_sendmsg\"" },
	};
	char out[8192];
	size_t i;

	for (i = 0; i < N(tools); i++) {
		EXPECT_EQ(0, run_tool(out, sizeof(out), tools[i], "--help"));
		EXPECT_NE(NULL, strstr(out, "EXAMPLES:"));
		EXPECT_NE(NULL, strstr(out, "-p, --pid=PID"));
		EXPECT_NE(NULL, strstr(out, "-j, --json"));
		EXPECT_NE(NULL, strstr(out, "-T, --timestamp"));
		EXPECT_NE(NULL, strstr(out, "-v, --verbose"));
		EXPECT_EQ(0, run_tool(out, sizeof(out), tools[i], "-h"));
		EXPECT_NE(NULL, strstr(out, "EXAMPLES:"));
	}
	for (i = 0; i < N(docs); i++) {
		EXPECT_EQ(0, run_tool(out, sizeof(out), docs[i].tool, "--help"));
		EXPECT_NE(NULL, strstr(out, docs[i].text)) {
			TH_LOG("%s --help lacks: %s", docs[i].tool, docs[i].text);
		}
	}
}

TEST(unprivileged)
{
	char out[4096], bin[512];
	size_t i;

	if (geteuid() != 0)
		SKIP(return, "not root: cannot drop to an unprivileged user");
	if (run_cmd(NULL, 0, "command -v setpriv >/dev/null") != 0)
		SKIP(return, "setpriv (util-linux) not installed");
	for (i = 0; i < N(tools); i++) {
		tool_path(tools[i], bin, sizeof(bin));
		EXPECT_EQ(1, run_cmd(out, sizeof(out),
				     "setpriv --reuid=65534 --regid=65534 --clear-groups %s 2>&1",
				     bin));
		EXPECT_NE(NULL, strstr(out, ": needs root privileges to load BPF programs "
				       "(CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON): run it as root\n")) {
			TH_LOG("%s: %s", tools[i], out);
		}
		/* Usage errors still come first. */
		EXPECT_EQ(2, run_cmd(out, sizeof(out),
				     "setpriv --reuid=65534 --regid=65534 --clear-groups %s -p 0 2>&1",
				     bin));
	}
}

TEST_HARNESS_MAIN
