// SPDX-License-Identifier: GPL-2.0
/*
 * udpconnect: connect(2)s of UDP sockets, with the address and port
 * (BPF Performance Tools chapter 10, udpconnect.bt), from the
 * syscalls:sys_{enter,exit}_connect tracepoints (soconnect's programs,
 * kept to the descriptors of UDP sockets).
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/soconnect.h"
#include "soconnect.skel.h"

#define UDPCONNECT_PROTOCOL	17	/* IPPROTO_UDP */

static struct tool_ports ports;
static struct tool_env env = { .no_interval = true, .ports = &ports };
_Static_assert(SOCONNECT_MAX_PORTS == TOOL_MAX_PORTS, "-P fills the BPF port set");

const char *argp_program_version = "udpconnect " NETLENS_VERSION;
static const char doc[] =
"Trace UDP connects: the process, the address and port a UDP socket is\n"
"connected to, and the result, as the book's udpconnect.bt.\n"
"\n"
"Each connect(2) on a UDP socket (IPv4 or IPv6) is one line as it\n"
"returns, the socket known by its descriptor (syscalls:sys_{enter,exit}_\n"
"connect).  The book kprobes ip4_datagram_connect and\n"
"ip6_datagram_connect, which ping and raw sockets also reach, and prints\n"
"a TIME column always (here with -T); RESULT is a column more.\n"
"\n"
"EXAMPLES:\n"
"    udpconnect           # trace UDP connects\n"
"    udpconnect -T -P 53  # connects to port 53, with the time\n"
"    udpconnect -6 -w     # IPv6 only, full addresses\n"
"    udpconnect -j        # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Connects to these ports only"),
	TOOL_OPT_WIDE("Wide RADDR column"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static const char *result(int ret, char *buf, size_t len)
{
	const char *name = ret ? strerrorname_np(-ret) : "OK";

	snprintf(buf, len, "%s", name ?: strerror(-ret));
	return buf;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct soconnect_event *e = data;
	char addr[INET6_ADDRSTRLEN] = "?", comm[17], res[64];

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	inet_ntop(e->family == AF_INET ? AF_INET : AF_INET6, e->addr, addr, sizeof(addr));
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "connect");
		json_u64(stdout, "pid", e->pid);
		json_u64(stdout, "tid", e->tid);
		json_str(stdout, "comm", comm);
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_str(stdout, "raddr", addr);
		json_u64(stdout, "rport", e->port);
		json_enum(stdout, "ret", e->ret, e->ret ? strerror(-e->ret) : "Success");
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-6u %-16s %-2d %-*s %-5u %s\n", e->pid, comm, e->family == AF_INET ? 4 : 6,
		       env.wide ? 39 : 16, addr, e->port, result(e->ret, res, sizeof(res)));
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect" };
	struct soconnect_bpf *skel;
	struct tool_events te = {};
	char ready[256];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("udpconnect", &env))
		return 1;
	if (!tool_need_tracepoints("udpconnect", "connect(2)", "syscalls", tps, 2,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;

	skel = soconnect_bpf__open();
	if (!skel) {
		report_bpf_failure("udpconnect", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_ports = ports.n > 0;
	skel->rodata->targ_protocol = UDPCONNECT_PROTOCOL;
	te.attach_what = "to syscalls:sys_{enter,exit}_connect";
	te.ports = skel->maps.ports;
	te.port_list = ports.list;
	te.nports = ports.n;
	te.events = skel->maps.events;
	te.handle = handle_event;
	if (env.json)
		snprintf(ready, sizeof(ready), "Tracing UDP connects. Ctrl-C to end.");
	else
		snprintf(ready, sizeof(ready), "%-6s %-16s %-2s %-*s %-5s %s",
			 "PID", "COMM", "IP",
			 env.wide ? 39 : 16, "RADDR", "RPORT", "RESULT");
	err = tool_events_run("udpconnect", &env, skel->skeleton, &te, ready);
	soconnect_bpf__destroy(skel);
	return err ? 1 : 0;
}
