// SPDX-License-Identifier: GPL-2.0
/*
 * solife: socket sessions, connect(2) or accept(2) to the release of the
 * socket, one line each as they end (BPF Performance Tools 10.5, the
 * solife exercise; the columns of tcplife).
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
#include "../bpf/solife.h"
#include "solife.skel.h"

static struct tool_env env = { .no_interval = true };

const char *argp_program_version = "solife " NETLENS_VERSION;
static const char doc[] =
"Trace socket sessions: one line per TCP or UDP session, from connect(2)\n"
"or accept(2)/accept4(2) to the close of its socket, with its addresses,\n"
"ports and duration (the chapter's solife exercise).\n"
"\n"
"A session belongs to the socket, not to a descriptor number: it ends when\n"
"the last descriptor referring to the socket is closed, whatever dup(),\n"
"dup2(), dup3(), fcntl(F_DUPFD) or fork() made, and a descriptor number\n"
"reused for a new socket starts a new session.  PID and COMM are the task\n"
"that connected or accepted (T: C or A); MS runs from the return of\n"
"connect (a non-blocking one from EINPROGRESS) or accept to the release;\n"
"the addresses are the socket's at its release.  Sockets connected or\n"
"accepted before solife started are left out; a UDP socket connected\n"
"again stays one session.\n"
"\n"
"Sources: syscalls:sys_exit_connect, sys_exit_accept{,4} for the start.\n"
"No tracepoint fires when a socket is released (6.1 to 6.18 have none:\n"
"sock:inet_sock_set_state and tcp:tcp_destroy_sock are TCP-only and follow\n"
"the FIN exchange, not close(2)), so the end is fentry on sock_close() (the\n"
"socket file's release, at its last fput), else a kprobe on it.  Where the\n"
"kernel allows neither, solife says so and falls back to\n"
"syscalls:sys_enter_close of the file's last reference: then a socket\n"
"released by process exit, dup2() over it or close_range() is not seen to\n"
"end.\n"
"\n"
"EXAMPLES:\n"
"    solife               # trace socket sessions\n"
"    solife -T            # with a HH:MM:SS column\n"
"    solife -p 181        # sessions PID 181 connected or accepted\n"
"    solife -4 -w         # IPv4 only; -w: wide columns\n"
"    solife -j            # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_WIDE("Wide columns"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct solife_event *e = data;
	char laddr[INET6_ADDRSTRLEN] = "?", raddr[INET6_ADDRSTRLEN] = "?", comm[17];
	int af = e->family == AF_INET ? AF_INET : AF_INET6;
	const char *proto = e->protocol == IPPROTO_TCP ? "TCP" : "UDP";
	int aw = env.wide ? 39 : 15;

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	inet_ntop(af, e->laddr, laddr, sizeof(laddr));
	inet_ntop(af, e->raddr, raddr, sizeof(raddr));
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "session");
		json_u64(stdout, "pid", e->pid);
		json_str(stdout, "comm", comm);
		json_u64(stdout, "close_pid", e->end_pid);
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_enum(stdout, "protocol", e->protocol, ipproto_name(e->protocol));
		json_str(stdout, "laddr", laddr);
		json_u64(stdout, "lport", e->lport);
		json_str(stdout, "raddr", raddr);
		json_u64(stdout, "rport", e->rport);
		json_u64(stdout, "span_us", e->span_ns / 1000);
		json_bool(stdout, "active", e->active);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-7u %-*.*s %-5s %s %-*s %-5u %-*s %-5u %llu.%02llu\n", e->pid,
		       env.wide ? 16 : 10, env.wide ? 16 : 10, comm, proto, e->active ? "C" : "A",
		       aw, laddr, e->lport, aw, raddr, e->rport,
		       e->span_ns / 1000000, e->span_ns / 10000 % 100);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect",
					   "sys_exit_accept", "sys_exit_accept4" };
	static const char *const close_tp[] = { "sys_enter_close" };
	char why[512] = "", more[256] = "", ready[256];
	enum attach_kind kind = ATTACH_NONE;
	struct tool_events te = {};
	struct solife_bpf *skel;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("solife", &env))
		return 1;
	if (!tool_need_tracepoints("solife", "connect(2) and accept(2)", "syscalls", tps, 4,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;
	/* The end: the socket file's release, best; close(2) as a last resort. */
	if (attach_forced_out("fentry", NULL))
		snprintf(why, sizeof(why), "fentry/sock_close: not forced");
	else if (probe_fentry("sock_close", why, sizeof(why)))
		kind = ATTACH_FENTRY;
	if (kind == ATTACH_NONE) {
		if (attach_forced_out("kprobe", NULL))
			snprintf(more, sizeof(more), "kprobe/sock_close: not forced");
		else if (probe_kprobe("sock_close", more, sizeof(more)))
			kind = ATTACH_KPROBE;
	}
	if (kind == ATTACH_NONE) {
		if (attach_forced_out("tracepoint", "close")) {
			fprintf(stderr, "solife: cannot trace socket releases: %s; %s\n", why, more);
			return 1;
		}
		if (!tool_need_tracepoints("solife", "close(2)", "syscalls", close_tp, 1,
					   "needs CONFIG_FTRACE_SYSCALLS"))
			return 1;
		fprintf(stderr, "solife: no socket release hook (%s; %s): sessions end at close(2) "
			"of their last descriptor; exits, dup2() over them and close_range() are "
			"not seen\n", why, more);
	}

	skel = solife_bpf__open();
	if (!skel) {
		report_bpf_failure("solife", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	bpf_program__set_autoload(skel->progs.fentry_sock_close, kind == ATTACH_FENTRY);
	bpf_program__set_autoload(skel->progs.kprobe_sock_close, kind == ATTACH_KPROBE);
	bpf_program__set_autoload(skel->progs.sys_enter_close, kind == ATTACH_NONE);
	te.attach_what = kind == ATTACH_FENTRY ? "to syscalls and fentry/sock_close" :
			 kind == ATTACH_KPROBE ? "to syscalls and kprobe/sock_close" :
			 "to syscalls:sys_{enter,exit}_{connect,accept,accept4,close}";
	te.events = skel->maps.events;
	te.handle = handle_event;
	if (env.json)
		snprintf(ready, sizeof(ready), "Tracing socket sessions. Ctrl-C to end.");
	else
		snprintf(ready, sizeof(ready), "%-7s %-*s %-5s T %-*s %-5s %-*s %-5s %s", "PID",
			 env.wide ? 16 : 10, "COMM", "PROTO", env.wide ? 39 : 15, "LADDR",
			 "LPORT", env.wide ? 39 : 15, "RADDR", "RPORT", "MS");
	err = tool_events_run("solife", &env, skel->skeleton, &te, ready);
	if (skel->bss->lost_events)
		fprintf(stderr, "solife: %llu sessions lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
	if (skel->bss->lost_sessions)
		fprintf(stderr, "solife: %llu sessions not tracked (map full)\n",
			(unsigned long long)skel->bss->lost_sessions);
	solife_bpf__destroy(skel);
	return err ? 1 : 0;
}
