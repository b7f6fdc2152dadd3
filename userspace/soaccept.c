// SPDX-License-Identifier: GPL-2.0
/*
 * soaccept: IP socket accepts with the peer's address and port and the
 * result, failures included (BPF Performance Tools 10.3.5, soaccept.bt),
 * from the syscalls:sys_{enter,exit}_accept{,4} tracepoints (tcpaccept's
 * programs, for any IPv4 or IPv6 listener).
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
#include "../bpf/tcpconn.h"
#include "tcpaccept.skel.h"

static struct tool_ports ports;
static struct tool_env env = { .no_interval = true, .ports = &ports };
_Static_assert(TCPCONN_MAX_PORTS == TOOL_MAX_PORTS, "-P fills the BPF port set");

const char *argp_program_version = "soaccept " NETLENS_VERSION;
static const char doc[] =
"Trace IP socket accepts: process, family, the peer's address and port,\n"
"the local port and the result, failed accepts included (soaccept.bt).\n"
"\n"
"Each accept(2) or accept4(2) on an IPv4 or IPv6 socket is one line, in\n"
"the accepting task (syscalls:sys_{enter,exit}_accept{,4}).  The peer is\n"
"read from the accepted socket, so accepts that pass no address buffer\n"
"show it too (the book reads the caller's buffer); a failed accept shows\n"
"'-' for the peer, and its RESULT in the book's words (\"None to accept\"\n"
"for EAGAIN).\n"
"\n"
"EXAMPLES:\n"
"    soaccept             # trace IP accepts\n"
"    soaccept -P 80,443   # only on local ports 80 and 443\n"
"    soaccept -6 -w       # IPv6 only, full addresses\n"
"    soaccept -j          # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Accepts on these local ports only"),
	TOOL_OPT_WIDE("Wide ADDRESS column"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

/* The book's error strings (soaccept.bt's @err2str), else the C library's. */
static const char *result_str(int ret)
{
	switch (-ret) {
	case 0: return "Success";
	case EPERM: return "Permission denied";
	case EINTR: return "Interrupted";
	case EBADF: return "Invalid sockfd";
	case EAGAIN: return "None to accept";
	case ENOMEM: return "Out of memory";
	case EFAULT: return "Sock struct addr invalid";
	case EINVAL: return "Args invalid";
	case ENFILE: return "System FD limit";
	case EMFILE: return "Process FD limit";
	case EPROTO: return "Protocol error";
	case ENOTSOCK: return "FD not a socket";
	case EOPNOTSUPP: return "Not SOCK_STREAM";
	case ECONNABORTED: return "Aborted";
	case ENOBUFS: return "Memory (ENOBUFS)";
	}
	return strerror(-ret);
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct tcpconn_event *e = data;
	const struct tcp_flow *f = &e->flow;
	char comm[17], addr[INET6_ADDRSTRLEN] = "-", port[8] = "-";

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	if (!e->ret) {
		flow_addr(addr, sizeof(addr), f->family, f->raddr);
		snprintf(port, sizeof(port), "%u", f->rport);
	}
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "accept");
		json_task(stdout, e->pid, e->tid, e->uid, comm);
		json_enum(stdout, "protocol", e->protocol, ipproto_name(e->protocol));
		json_flow(stdout, f);
		json_enum(stdout, "ret", e->ret, result_str(e->ret));
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-6u %-16s %-3u %-*s %-5s %-5u %s\n", e->pid, comm, f->family,
		       env.wide ? 39 : 16, addr, port, f->lport, result_str(e->ret));
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
	if (!tool_prepare("soaccept", &env))
		return 1;
	if (!tool_need_tracepoints("soaccept", "accept(2)", "syscalls", tps, 4,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;

	skel = tcpaccept_bpf__open();
	if (!skel) {
		report_bpf_failure("soaccept", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_ports = ports.n > 0;
	skel->rodata->ip_any = true;
	te.attach_what = "to syscalls:sys_{enter,exit}_accept{,4}";
	te.ports = skel->maps.ports;
	te.port_list = ports.list;
	te.nports = ports.n;
	te.events = skel->maps.events;
	te.handle = handle_event;
	if (env.json)
		snprintf(ready, sizeof(ready), "Tracing IP accepts. Ctrl-C to end.");
	else
		snprintf(ready, sizeof(ready), "%-6s %-16s FAM %-*s %-5s %-5s %s", "PID", "PROCESS",
			 env.wide ? 39 : 16, "ADDRESS", "PORT", "LPORT", "RESULT");
	err = tool_events_run("soaccept", &env, skel->skeleton, &te, ready);
	if (skel->bss->lost_events)
		fprintf(stderr, "soaccept: %llu accepts lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
	tcpaccept_bpf__destroy(skel);
	return err ? 1 : 0;
}
