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
	"xmitstack", "tcpcount", "rxcpu", "tpcount", "tcpconnect", "tcpaccept",
	"tcpbind", "socksize", "tcptop", "socketio", "soaccept", "udpconnect",
	"sormem", "soconnlat", "so1stbyte", "netsize", "nettxlat", "ipecn", "superping",
	"qdisclat", "solife", "udplife",
};
/* The tools that take [interval [count]]. */
static const char *const interval_tools[] = {
	"sofamily", "soprotocol", "sockstat", "sendsize",
	"xmitstack", "tcpcount", "rxcpu", "tpcount", "socksize", "tcptop", "socketio",
	"sormem", "soconnlat", "so1stbyte", "netsize", "nettxlat", "qdisclat",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The counting tools: -t, -s COLUMN, -r ROWS. */
static const char *const counting_tools[] = {
	"soconnect", "sofamily", "soprotocol", "sockstat", "xmitstack", "tcpcount", "tpcount",
	"tcpconnect", "socketio",
};

/* rxcpu counts softirq work: no -p. */
/* The device-level tools run in softirq context, for no process. */
static bool has_pid(const char *tool)
{
	static const char *const none[] = {
		"rxcpu", "netsize", "nettxlat", "ipecn", "superping", "qdisclat",
	};
	size_t i;

	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (!strcmp(tool, none[i]))
			return false;
	return true;
}

/* The arguments a tool needs before any other: tpcount's CATEGORY. */
static const char *lead_args(const char *tool)
{
	return strcmp(tool, "tpcount") ? "" : "net ";
}

static int run_tool(char *out, size_t len, const char *tool, const char *args)
{
	char bin[512];

	tool_path(tool, bin, sizeof(bin));
	return run_cmd(out, len, "%s %s%s 2>&1", bin, lead_args(tool), args);
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

	for (i = 0; i < N(tools); i++) {
		if (!has_pid(tools[i])) {
			/* No PID to filter on: -p is refused, not ignored. */
			EXPECT_EQ(2, run_tool(out, sizeof(out), tools[i], "-p 1"));
			EXPECT_NE(NULL, strstr(out, "invalid option -- 'p'"));
		}
		for (j = 0; j < N(cases) && has_pid(tools[i]); j++) {
			EXPECT_EQ(2, run_tool(out, sizeof(out), tools[i], cases[j].arg));
			EXPECT_NE(NULL, strstr(out, cases[j].msg)) {
				TH_LOG("%s %s: %s", tools[i], cases[j].arg, out);
			}
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
		{ "sofamily", "      --success" },
		{ "soprotocol", "IPPROTO_NAME, MODULE" },
		{ "sockstat", "-S, --socket-rw" },
		{ "sendsize", "funccount -H \"x::tcp_sendmsg\"" },
		{ "sendsize", "funccount -H \"p::udp_sendmsg\"" },
		{ "socksize", "as the book's socksize.bt" },
		{ "socksize", "sock_read_iter" },
		{ "socketio", "as the book's socketio.bt" },
		{ "soaccept", "(soaccept.bt)" },
		{ "skbdrop", "book's skbdrop.bt" },
		{ "udpconnect", "book's udpconnect.bt" },
		{ "soconnlat", "as the book's soconnlat.bt" },
		{ "soconnlat", "non-blocking connects alike" },
		{ "so1stbyte", "as the book's so1stbyte.bt" },
		{ "so1stbyte", "returned more than 0" },
		{ "sormem", "sormem.bt" },
		{ "netsize", "book's netsize.bt" },
		{ "nettxlat", "nettxlat-dev.bt" },
		{ "ipecn", "book's ipecn.bt" },
		{ "superping", "book's superping.bt" },
		{ "qdisclat", "qdisc-fq" },
		{ "gethostlatency", "book's gethostlatency.bt" },
		{ "gethostlatency", "statically linked" },
		{ "solife", "chapter's solife exercise" },
		{ "udplife", "chapter's udplife exercise" },
		{ "xmitstack", "stackcount t:net:net_dev_xmit" },
		{ "tcpcount", "bpftrace -e 'kprobe:tcp_sendmsg { @[\"%d %s\", pid, comm] = count(); }'" },
		{ "rxcpu", "bpftrace -e 't:net:netif_receive_skb { @[str(args->name)] =\n"
		  "        lhist(cpu, 0, 128, 1); }'" },
		{ "tpcount", "bpftrace -e 't:iwlwifi:* { @[probe] = count(); }'" },
		{ "tpcount", "Usage: tpcount [OPTION...] CATEGORY [interval [count]]" },
	};
	char out[8192];
	size_t i;

	for (i = 0; i < N(tools); i++) {
		EXPECT_EQ(0, run_tool(out, sizeof(out), tools[i], "--help"));
		EXPECT_NE(NULL, strstr(out, "EXAMPLES:"));
		if (has_pid(tools[i]))
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

/* Every tool's usage line shows what it takes, as argp prints it. */
TEST(usage_lines)
{
	char out[8192], want[128];
	size_t i;

	for (i = 0; i < N(interval_tools); i++) {
		snprintf(want, sizeof(want), "Usage: %s [OPTION...] %s[interval [count]]\n",
			 interval_tools[i],
			 strcmp(interval_tools[i], "tpcount") ? "" : "CATEGORY ");
		EXPECT_EQ(0, run_tool(out, sizeof(out), interval_tools[i], "--help"));
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
		EXPECT_EQ(0, run_tool(out, sizeof(out), interval_tools[i], "--usage"));
		EXPECT_NE(NULL, strstr(out, "[interval [count]]")) TH_LOG("%s", out);
	}
}

/* Help asked for is output, not an error: stdout, exit 0, as every tool. */
TEST(help_on_stdout)
{
	static const char *const all[] = {
		"soconnect", "sofamily", "soprotocol", "sockstat", "sendsize",
		"xmitstack", "tcpcount", "rxcpu", "tpcount", "skblife",
		"ieee80211scan", "netlensctl", "socksize", "tcptop", "socketio", "soaccept", "skbdrop",
		"udpconnect", "sormem", "soconnlat", "so1stbyte", "netsize", "nettxlat", "ipecn",
		"superping", "qdisclat", "gethostlatency", "solife", "udplife",
	};
	char out[8192], bin[512];
	size_t i;

	for (i = 0; i < N(all); i++) {
		tool_path(all[i], bin, sizeof(bin));
		EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s -h 2>/dev/null", bin));
		EXPECT_EQ(0, strncmp(out, "Usage: ", 7)) TH_LOG("%s -h: %s", all[i], out);
		EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s --help 2>&1 >/dev/null", bin));
		EXPECT_STREQ("", out) TH_LOG("%s --help wrote to stderr", all[i]);
	}
}

/* A command line a tool must refuse: exit 2, saying @msg. */
struct usage_error {
	const char *tool, *args, *msg;
};

static void expect_usage_errors(struct __test_metadata *_metadata,
				const struct usage_error *bad, size_t n)
{
	char out[4096];
	size_t i;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(2, run_tool(out, sizeof(out), bad[i].tool, bad[i].args));
		EXPECT_NE(NULL, strstr(out, bad[i].msg)) TH_LOG("%s %s: %s", bad[i].tool, bad[i].args, out);
	}
}

TEST(table_options)
{
	static const struct usage_error bad[] = {
		{ "sofamily", "-s bogus", "invalid sort column 'bogus': one of count, pid, comm, family, family_name" },
		{ "soprotocol", "-s family", "invalid sort column 'family': one of count, pid, comm, protocol, protocol_name, module" },
		{ "tcpcount", "-s probe", "invalid sort column 'probe': one of count, pid, comm" },
		{ "tpcount", "-s pid", "invalid sort column 'pid': one of count, probe" },
		{ "xmitstack", "-s comm", "invalid sort column 'comm': one of count" },
		{ "sockstat", "-r 0", "invalid ROWS '0': must be 1 to 100000" },
		{ "sockstat", "-r 100001", "invalid ROWS '100001': must be 1 to 100000" },
		{ "tcpcount", "-r x", "invalid ROWS 'x': not a number" },
		{ "soconnect", "-t", "soconnect: -t, -s and -r arrange the counts of -c" },
		{ "soconnect", "-r 3", "soconnect: -t, -s and -r arrange the counts of -c" },
	};
	char out[8192];
	size_t i;

	for (i = 0; i < N(counting_tools); i++) {
		EXPECT_EQ(0, run_tool(out, sizeof(out), counting_tools[i], "--help"));
		EXPECT_NE(NULL, strstr(out, "-t, --table")) TH_LOG("%s", counting_tools[i]);
		EXPECT_NE(NULL, strstr(out, "-s, --sort=COLUMN")) TH_LOG("%s", counting_tools[i]);
		EXPECT_NE(NULL, strstr(out, "-r, --rows=ROWS")) TH_LOG("%s", counting_tools[i]);
	}
	expect_usage_errors(_metadata, bad, N(bad));
}

/* The TCP tools' own options: exit 2, saying what is wrong. */
TEST(tcp_tools_usage_errors)
{
	static const struct usage_error bad[] = {
		{ "tcplife", "-L 0", "-L: invalid port '0': must be 1 to 65535" },
		{ "tcplife", "-D 22,x", "-D: invalid port 'x': not a number" },
		{ "tcplife", "-g -j", "tcplife: -g prints one graph at the end: no -j, -T or -t with it" },
		{ "tcplife", "-4 -6", "-4 and -6 exclude each other" },
		{ "tcplife", "--netns 0", "invalid network namespace inode '0'" },
		{ "tcplife", "5", "tcplife: unexpected argument '5'" },
		{ "tcpsynbl", "0", "tcpsynbl: invalid interval '0': must be 1 to 86400" },
		{ "tcpsynbl", "1 x", "tcpsynbl: invalid count 'x': not a number" },
		{ "tcpretrans", "-6 -4", "-4 and -6 exclude each other" },
		{ "tcpretrans", "-c 3", "tcpretrans: unexpected argument '3'" },
		{ "tcpconnect", "-P 0", "-P: invalid port '0': must be 1 to 65535" },
		{ "tcpconnect", "-t", "tcpconnect: -t, -s and -r arrange the counts of -c" },
		{ "tcpconnect", "-c -U", "tcpconnect: -U and -w shape the lines: -c prints counts" },
		{ "tcpconnect", "-c -s bogus", "invalid sort column 'bogus': one of count, laddr, raddr, rport" },
		{ "tcpconnect", "-u no_such_user_x", "invalid UID 'no_such_user_x': no such user" },
		{ "tcpconnect", "1", "tcpconnect: unexpected argument '1'" },
		{ "tcpaccept", "-P 65536", "-P: invalid port '65536': must be 1 to 65535" },
		{ "tcpaccept", "-4 -6", "-4 and -6 exclude each other" },
		{ "tcpaccept", "-c", "invalid option" },
		{ "tcpaccept", "--cgroup /proc", "invalid cgroup '/proc': not a cgroup v2 directory" },
		{ "tcpbind", "-P 80,x", "-P: invalid port 'x': not a number" },
		{ "tcpbind", "-x 3", "tcpbind: unexpected argument '3'" },
		{ "tcpbind", "-6 -4", "-4 and -6 exclude each other" },
		{ "tcpnagle", "-p 1", "invalid option -- 'p'" },
		{ "tcpnagle", "-D 0", "-D: invalid port '0': must be 1 to 65535" },
		{ "tcpnagle", "0", "tcpnagle: invalid interval '0': must be 1 to 86400" },
		{ "tcpnagle", "-s bogus", "invalid sort column 'bogus': one of count, nonagle, nonagle_name" },
		{ "tcptop", "-s count", "invalid sort 'count': all, sent or received" },
		{ "tcptop", "-r 0", "invalid ROWS '0': must be 1 to 100000" },
		{ "tcptop", "0", "tcptop: invalid interval '0': must be 1 to 86400" },
		{ "tcptop", "1 2 3", "tcptop: unexpected argument '3'" },
		{ "tcptop", "-6 -4", "-4 and -6 exclude each other" },
		{ "tcptop", "-t", "invalid option -- 't'" },
	};
	static const char *const book[][2] = {
		{ "tcplife", "tcplife.bt" }, { "tcpsynbl", "tcpsynbl.bt" },
		{ "tcpretrans", "kprobes tcp_retransmit_skb" },
		{ "tcpconnect", "tcpconnect-tp.bt" }, { "tcpaccept", "tcpaccept.bt" },
		{ "tcpbind", "bindsnoop kprobes" }, { "tcpnagle", "tcpnagle.bt" },
		{ "tcptop", "as BCC's tcptop" },
	};
	char out[8192];
	size_t i;

	expect_usage_errors(_metadata, bad, N(bad));
	/* Each --help says what it replaces and where its events come from. */
	for (i = 0; i < N(book); i++) {
		EXPECT_EQ(0, run_tool(out, sizeof(out), book[i][0], "--help"));
		EXPECT_NE(NULL, strstr(out, book[i][1])) TH_LOG("%s --help:\n%s", book[i][0], out);
		EXPECT_NE(NULL, strstr(out, "EXAMPLES:")) TH_LOG("%s --help:\n%s", book[i][0], out);
	}
}

/* --cgroup, --netns, -u, -4/-6, -P, -i: clear usage errors (exit 2). */
TEST(filter_options)
{
	static const struct usage_error bad[] = {
		{ "sofamily", "--cgroup /nonexistent", "invalid cgroup '/nonexistent': No such file or directory" },
		{ "sockstat", "--cgroup /proc", "invalid cgroup '/proc': not a cgroup v2 directory" },
		{ "tcpcount", "--netns /nonexistent", "invalid network namespace '/nonexistent': No such file or directory" },
		{ "sendsize", "--netns /etc/passwd", "invalid network namespace '/etc/passwd': not a network namespace" },
		{ "socksize", "-4 -6", "-4 and -6 exclude each other" },
		{ "socksize", "--cgroup /proc", "invalid cgroup '/proc': not a cgroup v2 directory" },
		{ "socksize", "1 0", "socksize: invalid count '0': must be 1 to 4294967295" },
		{ "socketio", "-s bogus", "invalid sort column 'bogus': one of count, comm, pid, dir, protocol, protocol_name, lport, rport" },
		{ "socketio", "-6 -4", "-4 and -6 exclude each other" },
		{ "soaccept", "-P 0", "-P: invalid port '0': must be 1 to 65535" },
		{ "soaccept", "5", "soaccept: unexpected argument '5'" },
		{ "skbdrop", "-d 0", "invalid FRAMES '0': must be 1 to 127" },
		{ "udpconnect", "-P 70000", "-P: invalid port '70000': must be 1 to 65535" },
		{ "udpconnect", "1", "udpconnect: unexpected argument '1'" },
		{ "soconnlat", "-e 5", "soconnlat: -e prints each connect: no -O, interval or count" },
		{ "netsize", "-i nosuchdev0", "invalid interface 'nosuchdev0'" },
		{ "ipecn", "-d up", "invalid direction 'up': in or out" },
		{ "superping", "3", "superping: unexpected argument '3'" },
		{ "gethostlatency", "5", "gethostlatency: unexpected argument '5'" },
		{ "solife", "5", "solife: unexpected argument '5'" },
		{ "udplife", "-I 0", "invalid SECONDS '0': must be 1 to 3600" },
		{ "gethostlatency", "-l /nonexistent", "-l: cannot read '/nonexistent': No such file or directory" },
		{ "skbdrop", "-d 128", "invalid FRAMES '128': must be 1 to 127" },
		{ "skbdrop", "-p 1", "invalid option -- 'p'" },
		{ "skbdrop", "-s bogus", "invalid sort column 'bogus': one of count, reason, reason_name" },
		{ "xmitstack", "--netns 0", "invalid network namespace inode '0': must be 1 to 4294967295" },
		{ "tpcount", "--netns 12x", "invalid network namespace inode '12x': not a number" },
		{ "soconnect", "-u no_such_user_x", "invalid UID 'no_such_user_x': no such user" },
		{ "soprotocol", "-u 4294967295", "invalid UID '4294967295': must be 0 to 4294967294" },
		{ "soconnect", "-P 0", "invalid port '0': must be 1 to 65535" },
		{ "soconnect", "-P 80,x", "invalid port 'x': not a number" },
		{ "soconnect", "-P ,", "invalid PORTS ',': a list like 80,443" },
		{ "soconnect", "-4 -6", "-4 and -6 exclude each other" },
		{ "sofamily", "-6 -4", "-4 and -6 exclude each other" },
		{ "soprotocol", "-4 -6", "-4 and -6 exclude each other" },
		{ "soconnect", "-c -4", "soconnect: -4, -6 and -P select IP connects to show" },
		{ "rxcpu", "-i no_such_if0", "invalid interface 'no_such_if0': no such interface" },
		{ "xmitstack", "-i 12345678901234567", "invalid interface '12345678901234567'" },
	};
	char out[4096], ports[512];
	size_t i;
	int n;

	expect_usage_errors(_metadata, bad, N(bad));
	/* 64 ports fit, 65 do not; a port given twice counts once. */
	for (n = 0, i = 0; i < 64; i++)
		n += snprintf(ports + n, sizeof(ports) - n, "%s%zu", i ? "," : "", 1000 + i);
	snprintf(ports + n, sizeof(ports) - n, ",1000 --bogus");
	EXPECT_EQ(2, run_tool(out, sizeof(out), "soconnect", (snprintf(out, sizeof(out), "-P %s", ports), out)));
	EXPECT_NE(NULL, strstr(out, "unrecognized option '--bogus'")) TH_LOG("%s", out);
	snprintf(ports + n, sizeof(ports) - n, ",2000");
	EXPECT_EQ(2, run_tool(out, sizeof(out), "soconnect", (snprintf(out, sizeof(out), "-P %s", ports), out)));
	EXPECT_NE(NULL, strstr(out, "at most 64 ports")) TH_LOG("%s", out);
	for (i = 0; i < N(tools); i++) {
		if (!has_pid(tools[i]))
			continue;	/* softirq work: no task to filter */
		EXPECT_EQ(0, run_tool(out, sizeof(out), tools[i], "--help"));
		/* sormem's overflows happen in softirq: sockets, not tasks, are filtered. */
		if (strcmp(tools[i], "sormem"))
			EXPECT_NE(NULL, strstr(out, "--cgroup=PATH")) TH_LOG("%s", tools[i]);
		EXPECT_NE(NULL, strstr(out, "--netns=NETNS")) TH_LOG("%s", tools[i]);
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
				     "setpriv --reuid=65534 --regid=65534 --clear-groups %s %s2>&1",
				     bin, lead_args(tools[i])));
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

/*
 * A kernel without BTF: one line that says what is missing, not libbpf's
 * "No such process".  /sys/kernel/btf hidden in a mount namespace.
 */
TEST(no_kernel_btf)
{
	char out[4096], bin[512], want[256], rel[128];
	size_t i;

	if (geteuid() != 0)
		SKIP(return, "not root: cannot hide /sys/kernel/btf");
	if (run_cmd(NULL, 0, "unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf' 2>&1"))
		SKIP(return, "cannot mount over /sys/kernel/btf in a mount namespace");
	ASSERT_EQ(0, run_cmd(rel, sizeof(rel), "uname -r"));
	rel[strcspn(rel, "\n")] = '\0';
	for (i = 0; i < N(tools); i++) {
		tool_path(tools[i], bin, sizeof(bin));
		snprintf(want, sizeof(want), "%s: CO-RE relocation of the BPF programs needs kernel "
			 "BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF), which %s lacks\n",
			 tools[i], rel);
		EXPECT_EQ(1, run_cmd(out, sizeof(out),
				     "unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && "
				     "exec \"$0\" \"$@\"' %s %s2>&1", bin, lead_args(tools[i])));
		EXPECT_STREQ(want, out);
	}
}

TEST(tpcount_category)
{
	static const struct {
		const char *arg, *msg;
	} cases[] = {
		{ "", "tpcount: missing CATEGORY (e.g. net, skb, sock)" },
		{ "-j", "tpcount: missing CATEGORY (e.g. net, skb, sock)" },
		{ "../net", "tpcount: invalid category '../net': a tracefs events/ directory name" },
		{ "'net:*'", "tpcount: invalid category 'net:*'" },
		{ "''", "tpcount: invalid category ''" },
		{ "net 0", "invalid interval '0': must be 1 to 86400" },
		/* A number where the category goes: it was forgotten. */
		{ "0", "tpcount: missing CATEGORY before '0' (e.g. tpcount net 0)" },
		{ "5 3", "tpcount: missing CATEGORY before '5' (e.g. tpcount net 5)" },
		{ "net 1 2 3", "unexpected argument '3'" },
	};
	char out[4096], bin[512];
	size_t i;

	tool_path("tpcount", bin, sizeof(bin));
	for (i = 0; i < N(cases); i++) {
		EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s %s 2>&1", bin, cases[i].arg));
		EXPECT_NE(NULL, strstr(out, cases[i].msg)) {
			TH_LOG("tpcount %s: %s", cases[i].arg, out);
		}
	}
}

/* tcpwin: its options' usage errors (exit 2), and --help documents its lines. */
TEST(tcpwin_usage_errors)
{
	static const struct usage_error bad[] = {
		{ "tcpwin", "-e foo", "tcpwin: -e: invalid event 'foo': one of rcv, retrans, new" },
		{ "tcpwin", "-e rcv,", "tcpwin: -e: invalid event '': one of rcv, retrans, new" },
		{ "tcpwin", "-e", "option requires an argument -- 'e'" },
		{ "tcpwin", "-L 0", "tcpwin: -L: invalid port '0': must be 1 to 65535" },
		{ "tcpwin", "-D 22,x", "tcpwin: -D: invalid port 'x': not a number" },
		{ "tcpwin", "-4 -6", "-4 and -6 exclude each other" },
		{ "tcpwin", "--netns 0", "invalid network namespace inode '0'" },
		{ "tcpwin", "-p 1", "invalid option -- 'p'" },
		{ "tcpwin", "1", "tcpwin: unexpected argument '1'" },
	};
	static const char *const help[] = {
		"tcpwin.bt", "EXAMPLES:",
		"rcv,sock,time_us,snd_cwnd,snd_ssthresh,sk_sndbuf,sk_wmem_queued",
		"retrans,sock,time_us,segs,state", "new,sock,time_us,saddr,sport,daddr,dport",
		"tcp:tcp_probe", "tcp:tcp_retransmit_skb", "tcp:tcp_retransmit_synack",
		"sock:inet_sock_set_state",
	};
	char out[8192];
	size_t i;

	expect_usage_errors(_metadata, bad, N(bad));
	EXPECT_EQ(0, run_tool(out, sizeof(out), "tcpwin", "--help"));
	for (i = 0; i < N(help); i++) {
		const char *want = help[i];

		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("no '%s' in tcpwin --help:\n%s", want, out);
	}
}

TEST_HARNESS_MAIN
