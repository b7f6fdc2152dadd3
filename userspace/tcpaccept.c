// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept: TCP passive connections as processes accept them, with the
 * listener's backlog (BPF Performance Tools 10.3.12, tcpaccept.bt and
 * BCC's tcpaccept), from the syscalls:sys_{enter,exit}_accept{,4}
 * tracepoints.
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
#include "tcpflow.h"
#include "tool.h"
#include "../bpf/tcpconn.h"
#include "tcpaccept.skel.h"

static struct tool_ports ports;
static struct tool_env env = { .no_interval = true, .ports = &ports };
_Static_assert(TCPCONN_MAX_PORTS == TOOL_MAX_PORTS, "-P fills the BPF port set");

const char *argp_program_version = "tcpaccept " NETLENS_VERSION;
static const char doc[] =
"Trace TCP passive connections (accept()): process, addresses, ports and\n"
"the listener's backlog.\n"
"\n"
"Each accept(2) or accept4(2) that returns a TCP socket is one line, in\n"
"the accepting task's context (the syscalls:sys_enter_accept{,4} and\n"
"sys_exit_accept{,4} tracepoints; the book's tcpaccept.bt kretprobes\n"
"inet_csk_accept, and its tcpaccept-tp.bt, on sock:inet_sock_set_state,\n"
"cannot name the process).  BL is the listener's accept queue once this\n"
"connection left it, over its limit (listen(2)'s backlog), as the book\n"
"prints it; tcpsynbl shows it as each handshake completes.\n"
"\n"
"EXAMPLES:\n"
"    tcpaccept            # trace TCP accepts\n"
"    tcpaccept -T         # with timestamps\n"
"    tcpaccept -p 181     # only PID 181\n"
"    tcpaccept -P 80,443  # only on local ports 80 and 443\n"
"    tcpaccept -4         # IPv4 only\n"
"    tcpaccept -w         # full IPv6 addresses\n"
"    tcpaccept --netns /run/netns/blue   # one namespace's tasks\n"
"    tcpaccept -j         # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Accepts on these local ports only"),
	TOOL_OPT_WIDE("Wide address columns"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct tcpconn_event *e = data;
	const struct tcp_flow *f = &e->flow;
	char comm[17], l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	int aw = env.wide ? 39 : 15;

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "accept");
		json_task(stdout, e->pid, e->tid, e->uid, comm);
		json_flow(stdout, f);
		json_u64(stdout, "backlog", e->backlog);
		json_u64(stdout, "backlog_max", e->max_backlog);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-7u %-16s %-2u %-*s %-5u %-*s %-5u %u/%u\n", e->pid, comm,
		       f->family == AF_INET ? 4 : 6,
		       aw, flow_addr(r, sizeof(r), f->family, f->raddr), f->rport,
		       aw, flow_addr(l, sizeof(l), f->family, f->laddr), f->lport,
		       e->backlog, e->max_backlog);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "sys_enter_accept", "sys_exit_accept",
					   "sys_enter_accept4", "sys_exit_accept4" };
	struct tcpaccept_bpf *skel;
	struct tool_events te = {};
	char ready[256];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tcpaccept", &env))
		return 1;
	if (!tool_need_tracepoints("tcpaccept", "accept(2)", "syscalls", tps, 4,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;

	skel = tcpaccept_bpf__open();
	if (!skel) {
		report_bpf_failure("tcpaccept", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_ports = ports.n > 0;
	te.attach_what = "to syscalls:sys_{enter,exit}_accept{,4}";
	te.ports = skel->maps.ports;
	te.port_list = ports.list;
	te.nports = ports.n;
	te.events = skel->maps.events;
	te.handle = handle_event;
	if (env.json)
		snprintf(ready, sizeof(ready), "Tracing TCP accepts. Ctrl-C to end.");
	else
		snprintf(ready, sizeof(ready), "%-7s %-16s %-2s %-*s %-5s %-*s %-5s %s",
			 "PID", "COMM", "IP",
			 env.wide ? 39 : 15, "RADDR", "RPORT", env.wide ? 39 : 15, "LADDR",
			 "LPORT", "BL");
	err = tool_events_run("tcpaccept", &env, skel->skeleton, &te, ready);
	if (skel->bss->lost_events)
		fprintf(stderr, "tcpaccept: %llu accepts lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
	tcpaccept_bpf__destroy(skel);
	return err ? 1 : 0;
}
