// SPDX-License-Identifier: GPL-2.0
/*
 * tcpbind: TCP bind(2)s with the address and port asked for, the port
 * bound, the result and the socket's reuse options (BPF Performance Tools
 * chapter 10 exercise; BCC's bindsnoop), from the
 * syscalls:sys_{enter,exit}_bind tracepoints.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "socknames.h"
#include "tcpflow.h"
#include "tool.h"
#include "../bpf/tcpbind.h"
#include "tcpbind.skel.h"

static struct tool_ports ports;
static struct tool_env env = { .no_interval = true, .ports = &ports };
_Static_assert(TCPBIND_MAX_PORTS == TOOL_MAX_PORTS, "-P fills the BPF port set");
static struct {
	bool failed_only;	/* -x */
} opt;

const char *argp_program_version = "tcpbind " NETLENS_VERSION;
static const char doc[] =
"Trace TCP binds: process, address and port asked for, port bound, result\n"
"and reuse options.\n"
"\n"
"The tcpbind exercise of the book's chapter 10 (BCC's bindsnoop kprobes\n"
"inet_bind and inet6_bind): each bind(2) of a TCP socket is one line as\n"
"it returns, from the syscalls:sys_enter_bind and sys_exit_bind\n"
"tracepoints.  PORT is the port asked for (0: the kernel chooses), BOUND\n"
"the socket's local port after the call.  OPTS: R SO_REUSEADDR, r\n"
"SO_REUSEPORT, 6 IPV6_V6ONLY, '.' where not set.  RESULT is 0 or the\n"
"error's name (EADDRINUSE: the address and port are taken).\n"
"\n"
"EXAMPLES:\n"
"    tcpbind              # trace TCP binds\n"
"    tcpbind -x           # failed binds only\n"
"    tcpbind -P 80,443    # binds asking for or bound to ports 80 and 443\n"
"    tcpbind -p 181 -T    # PID 181's, with timestamps\n"
"    tcpbind -6 -w        # IPv6 addresses, full width\n"
"    tcpbind -j           # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Binds asking for or bound to these ports only"),
	{ "failed", 'x', NULL, 0, "Failed binds only", 0 },
	TOOL_OPT_WIDE("Wide address column"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'x':
		opt.failed_only = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* "R.." as the OPTS column shows @opts; into @buf (4 bytes). */
static const char *opts_column(char buf[4], unsigned int opts)
{
	buf[0] = opts & TCPBIND_REUSEADDR ? 'R' : '.';
	buf[1] = opts & TCPBIND_REUSEPORT ? 'r' : '.';
	buf[2] = opts & TCPBIND_IPV6ONLY ? '6' : '.';
	buf[3] = '\0';
	return buf;
}

/* "SO_REUSEADDR|SO_REUSEPORT" for -j, in enum tcpbind_opt's order; "" for none. */
static const char *opts_names(char *buf, size_t len, unsigned int opts)
{
	static const char *const names[] = { "SO_REUSEADDR", "SO_REUSEPORT", "IPV6_V6ONLY" };
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && used < len; i++)
		if (opts & (1u << i))
			used += snprintf(buf + used, len - used, "%s%s", used ? "|" : "", names[i]);
	return buf;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct tcpbind_event *e = data;
	char comm[17], addr[INET6_ADDRSTRLEN], o[64];
	const char *errname;

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	flow_addr(addr, sizeof(addr), e->family, e->addr);
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "bind");
		json_task(stdout, e->pid, e->tid, e->uid, comm);
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_str(stdout, "addr", addr);
		json_u64(stdout, "port", e->port);
		json_u64(stdout, "bound_port", e->bound_port);
		json_enum(stdout, "opts", e->opts, opts_names(o, sizeof(o), e->opts));
		json_enum(stdout, "ret", e->ret, strerror(-e->ret));
		json_end(stdout);
	} else {
		errname = e->ret ? strerrorname_np(-e->ret) : "0";
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-7u %-16s %-2u %-*s %-5u %-5u %-4s %s\n", e->pid, comm,
		       e->family == AF_INET ? 4 : 6, env.wide ? 39 : 15, addr, e->port,
		       e->bound_port, opts_column(o, e->opts), errname ?: strerror(-e->ret));
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "sys_enter_bind", "sys_exit_bind" };
	struct tcpbind_bpf *skel;
	struct tool_events te = {};
	char ready[256];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tcpbind", &env))
		return 1;
	if (!tool_need_tracepoints("tcpbind", "bind(2)", "syscalls", tps, 2,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;

	skel = tcpbind_bpf__open();
	if (!skel) {
		report_bpf_failure("tcpbind", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_ports = ports.n > 0;
	skel->rodata->failed_only = opt.failed_only;
	te.attach_what = "to syscalls:sys_{enter,exit}_bind";
	te.ports = skel->maps.ports;
	te.port_list = ports.list;
	te.nports = ports.n;
	te.events = skel->maps.events;
	te.handle = handle_event;
	if (env.json)
		snprintf(ready, sizeof(ready), "Tracing TCP binds. Ctrl-C to end.");
	else
		snprintf(ready, sizeof(ready), "%-7s %-16s %-2s %-*s %-5s %-5s %-4s %s",
			 "PID", "COMM", "IP",
			 env.wide ? 39 : 15, "ADDR", "PORT", "BOUND", "OPTS", "RESULT");
	err = tool_events_run("tcpbind", &env, skel->skeleton, &te, ready);
	if (skel->bss->lost_events)
		fprintf(stderr, "tcpbind: %llu binds lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
	tcpbind_bpf__destroy(skel);
	return err ? 1 : 0;
}
