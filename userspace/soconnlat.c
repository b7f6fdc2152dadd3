// SPDX-License-Identifier: GPL-2.0
/*
 * soconnlat: IP socket connect latency as log2 histograms of microseconds
 * per process name (BPF Performance Tools 10.3.x, soconnlat.bt), from
 * connect(2) to the end of the attempt, non-blocking connects included;
 * or a line per connect (-e).
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "keyhist.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/soconnlat.h"
#include "soconnlat.skel.h"

static struct tool_ports ports;
static struct tool_env env = { .ports = &ports };
static bool events_mode, overall;

const char *argp_program_version = "soconnlat " NETLENS_VERSION;
static const char doc[] =
"Summarize IP socket connect latency as log2 histograms of microseconds per\n"
"process name (@us[comm]), as the book's soconnlat.bt, or print a line per\n"
"connect (-e).\n"
"\n"
"The latency runs from connect(2) to the end of the attempt, for blocking\n"
"and non-blocking connects alike.  TCP: from sys_enter_connect to the\n"
"socket's ESTABLISHED (success) or CLOSE (failure: the socket's error,\n"
"e.g. Connection refused) in sock:inet_sock_set_state, which for a\n"
"non-blocking connect happens after connect(2) returned EINPROGRESS; the\n"
"socket is the one the call moved to SYN_SENT.  UDP and other protocols\n"
"connect within the call: its duration and result (a non-TCP EINPROGRESS\n"
"is left out).  Failed connects count too, as in the book.  A repeated\n"
"connect(2) on a connecting or connected TCP socket (the non-blocking\n"
"idiom to learn the outcome) starts nothing.  The book ends a non-blocking\n"
"connect at the thread's next poll/epoll/select return, whatever that\n"
"waited for, and keys by user stack: no user stacks here.\n"
"\n"
"EXAMPLES:\n"
"    soconnlat            # histograms per process name at Ctrl-C\n"
"    soconnlat -O 5       # one histogram of every connect, every 5 seconds\n"
"    soconnlat -e         # a line per connect: address, port, latency, result\n"
"    soconnlat -e -4 -P 80,443   # IPv4 connects to ports 80 and 443\n"
"    soconnlat -p 181 -j  # PID 181's, JSON lines\n";

static const struct argp_option opts[] = {
	{ "events", 'e', NULL, 0, "A line per connect (PID, process, address, port, latency, result)", 0 },
	{ "overall", 'O', NULL, 0, "One histogram of every process's connects", 0 },
	TOOL_OPT_PID,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Connects to these ports only"),
	TOOL_OPT_WIDE("With -e, a wide ADDRESS column"),
	TOOL_OPT_CONTAINER,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'e':
		events_mode = true;
		return 0;
	case 'O':
		overall = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* soconnect's strings (soconnect.bt's @err2str) for the usual outcomes. */
static const char *result_str(int ret)
{
	static char buf[64];

	switch (-ret) {
	case 0: return "Success";
	case EACCES: return "Perm. denied (EACCES)";
	case EPERM: return "Permission denied";
	case EINTR: return "Interrupted";
	case EADDRINUSE: return "Local addr in use";
	case EADDRNOTAVAIL: return "No port available";
	case ENETUNREACH: return "Network unreachable";
	case EHOSTUNREACH: return "Host unreachable";
	case ECONNREFUSED: return "Connection refused";
	case ECONNABORTED: return "Aborted";
	case ETIMEDOUT: return "Timeout";
	case EISCONN: return "Already connected";
	}
	snprintf(buf, sizeof(buf), "%s", strerror(-ret));
	return buf;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct soconnlat_event *e = data;
	char addr[INET6_ADDRSTRLEN] = "?", comm[17];
	unsigned long long lat_us = e->lat_ns / 1000;

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
		json_enum(stdout, "protocol", e->protocol, ipproto_name(e->protocol));
		json_str(stdout, "address", addr);
		json_u64(stdout, "port", e->port);
		json_u64(stdout, "lat_us", lat_us);
		json_bool(stdout, "nonblocking", e->async);
		json_enum(stdout, "ret", e->ret, result_str(e->ret));
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-6u %-16s %-3u %-*s %-5u %8llu %s%s\n", e->pid, comm, e->family,
		       env.wide ? 39 : 16, addr, e->port, lat_us, result_str(e->ret),
		       e->async ? " (non-blocking)" : "");
	}
	fflush(stdout);
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct soconnlat_key *x = a, *y = b;

	return strncmp(x->comm, y->comm, sizeof(x->comm));
}

/* The process name; none with -O. */
static void labels(const void *k, FILE *json, char *buf, size_t len)
{
	const struct soconnlat_key *key = k;
	char comm[17];

	if (overall)
		return;
	tool_comm(comm, key->comm);
	if (json)
		json_str(json, "comm", comm);
	else
		snprintf(buf, len, "%s", comm);
}

static const struct key_hists_format format = {
	.tool = "soconnlat", .unit = "us", .table_unit = "usecs", .name = "us",
	.labels = labels, .cmp = key_cmp,
};

struct report_ctx {
	struct soconnlat_bpf *skel;
	struct key_hists hists;
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;

	return key_hists_report(&r->hists, bpf_map__fd(r->skel->maps.hists), &env, &format);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const char *const sys_tps[] = { "sys_enter_connect", "sys_exit_connect" };
	static const char *const sock_tps[] = { "inet_sock_set_state" };
	struct report_ctx r = {
		.hists = { .key_size = sizeof(struct soconnlat_key),
			   .slot_off = offsetof(struct soconnlat_key, slot),
			   .nslots = SOCONNLAT_SLOTS },
	};
	struct ring_buffer *rb = NULL;
	int aw, err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (events_mode && (overall || env.npos)) {
		fprintf(stderr, "soconnlat: -e prints each connect: no -O, interval or count\n"
			"Try 'soconnlat --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (!events_mode && env.wide) {
		fprintf(stderr, "soconnlat: -w widens -e's ADDRESS column\n"
			"Try 'soconnlat --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (!tool_prepare("soconnlat", &env))
		return 1;
	if (!tool_need_tracepoints("soconnlat", "connect(2)", "syscalls", sys_tps, 2,
				   "needs CONFIG_FTRACE_SYSCALLS") ||
	    !tool_need_tracepoints("soconnlat", "TCP connects", "sock", sock_tps, 1,
				   "Linux 4.16 or later"))
		return 1;
	r.skel = soconnlat_bpf__open();
	if (!r.skel) {
		report_bpf_failure("soconnlat", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	r.skel->rodata->emit_events = events_mode;
	r.skel->rodata->per_comm = !overall;
	r.skel->rodata->filter_ports = ports.n > 0;
	err = tool_load_attach(&env, "soconnlat", r.skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("soconnlat", bpf_map__fd(r.skel->maps.ports), ports.list,
				      ports.n, "-P");
	if (!err)
		err = tool_attach("soconnlat", r.skel->skeleton,
				  "to syscalls:sys_{enter,exit}_connect and sock:inet_sock_set_state");
	if (err)
		goto cleanup;
	if (!events_mode) {
		tool_ready(&env, "Tracing IP connect() latency. Ctrl-C to end.");
		err = tool_run(&env, report, &r);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(r.skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure("soconnlat", "create the ring buffer", err);
		goto cleanup;
	}
	if (env.json) {
		tool_ready(&env, "Tracing IP connect() latency. Ctrl-C to end.");
	} else {
		aw = env.wide ? 39 : 16;
		if (env.timestamp)
			printf("%-8s ", "TIME");
		tool_ready(&env, "%-6s %-16s FAM %-*s %-5s %8s %s", "PID", "PROCESS", aw,
			   "ADDRESS", "PORT", "LAT(us)", "RESULT");
	}
	err = tool_poll_events("soconnlat", rb);
	if (r.skel->bss->lost_events)
		fprintf(stderr, "soconnlat: %llu connects lost (ring buffer full)\n",
			(unsigned long long)r.skel->bss->lost_events);
cleanup:
	key_hists_free(&r.hists);
	ring_buffer__free(rb);
	soconnlat_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
