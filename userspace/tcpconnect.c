// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnect: TCP active opens with process and addresses (BPF Performance
 * Tools 10.3.11, tcpconnect-tp.bt and BCC's tcpconnect), from the
 * sock:inet_sock_set_state tracepoint; -c counts them per source,
 * destination and port instead.
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
#include "kvtable.h"
#include "tcpflow.h"
#include "tool.h"
#include "../bpf/tcpconn.h"
#include "tcpconnect.skel.h"

static const char *const columns[] = { "laddr", "raddr", "rport", NULL };
static struct tool_ports ports;
static struct tool_env env = { .no_interval = true, .columns = columns, .ports = &ports };
_Static_assert(TCPCONN_MAX_PORTS == TOOL_MAX_PORTS, "-P fills the BPF port set");
static struct {
	bool print_uid;		/* -U */
	bool count;		/* -c */
} opt;

const char *argp_program_version = "tcpconnect " NETLENS_VERSION;
static const char doc[] =
"Trace TCP active connections (connect()): process, addresses, port.\n"
"\n"
"Each TCP socket that connect(2) moves from CLOSE to SYN_SENT is one line,\n"
"in the connecting task's context (the sock:inet_sock_set_state\n"
"tracepoint, as the book's tcpconnect-tp.bt; BCC's tcpconnect kprobes\n"
"tcp_v4_connect and tcp_v6_connect).  The SYN has not gone out yet: the\n"
"connection may still fail (tcplife and soconnect show how it ended), and\n"
"its source port is chosen just after, so it is not shown.  -c counts\n"
"connects per source address, destination address and port instead, and\n"
"prints them at Ctrl-C.\n"
"\n"
"EXAMPLES:\n"
"    tcpconnect           # trace TCP connects\n"
"    tcpconnect -T        # with timestamps\n"
"    tcpconnect -U        # with a UID column\n"
"    tcpconnect -p 181    # only PID 181\n"
"    tcpconnect -u www-data   # only this user's connects\n"
"    tcpconnect -P 80,443 # only connects to ports 80 and 443\n"
"    tcpconnect -6 -w     # IPv6 only, full addresses\n"
"    tcpconnect -c        # count per source, destination and port\n"
"    tcpconnect -c -t -r 10   # the ten busiest as a table\n"
"    tcpconnect --cgroup /sys/fs/cgroup/system.slice/nginx.service\n"
"    tcpconnect -j        # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Connects to these ports only"),
	{ "print-uid", 'U', NULL, 0, "Include a UID column", 0 },
	TOOL_OPT_WIDE("Wide address columns"),
	{ "count", 'c', NULL, 0, "Count connects per source, destination and port; print at Ctrl-C", 0 },
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'U':
		opt.print_uid = true;
		return 0;
	case 'c':
		opt.count = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
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
		json_str(stdout, "event", "connect");
		json_task(stdout, e->pid, e->tid, e->uid, comm);
		json_flow(stdout, f);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		if (opt.print_uid)
			printf("%-6u ", e->uid);
		printf("%-7u %-16s %-2u %-*s %-*s %u\n", e->pid, comm,
		       f->family == AF_INET ? 4 : 6,
		       aw, flow_addr(l, sizeof(l), f->family, f->laddr),
		       aw, flow_addr(r, sizeof(r), f->family, f->raddr), f->rport);
	}
	fflush(stdout);
	return 0;
}

static void add_count(const void *k, unsigned long long value, void *t)
{
	const struct tcp_flow *f = k;
	char a[INET6_ADDRSTRLEN];
	struct kv_key row = {};

	kv_key_str(&row, "laddr", flow_addr(a, sizeof(a), f->family, f->laddr));
	kv_key_str(&row, "raddr", flow_addr(a, sizeof(a), f->family, f->raddr));
	kv_key_num(&row, "rport", f->rport);
	kv_add(t, "", &row, value);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "inet_sock_set_state" };
	struct ring_buffer *rb = NULL;
	struct tcpconnect_bpf *skel;
	struct kv_table t = {};
	int aw = 15, err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!opt.count && (env.table || env.sort || env.top)) {
		fprintf(stderr, "tcpconnect: -t, -s and -r arrange the counts of -c\n"
			"Try 'tcpconnect --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (opt.count && (opt.print_uid || env.wide)) {
		fprintf(stderr, "tcpconnect: -U and -w shape the lines: -c prints counts\n"
			"Try 'tcpconnect --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (!tool_prepare("tcpconnect", &env))
		return 1;
	if (!tool_need_tracepoints("tcpconnect", "TCP connects", "sock", tps, 1,
				   "Linux 4.16 or later"))
		return 1;

	skel = tcpconnect_bpf__open();
	if (!skel) {
		report_bpf_failure("tcpconnect", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->count_mode = opt.count;
	skel->rodata->filter_ports = ports.n > 0;
	err = tool_load_attach(&env, "tcpconnect", skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("tcpconnect", bpf_map__fd(skel->maps.ports), ports.list,
				      ports.n, "-P");
	if (!err)
		err = tool_attach("tcpconnect", skel->skeleton, "to sock:inet_sock_set_state");
	if (err)
		goto cleanup;

	if (opt.count) {
		tool_ready(&env, "Tracing TCP connects, counted per source, destination and port. Ctrl-C to end.");
		tool_wait(&env, 0);
		if (!env.json)
			printf("\n");
		err = tool_print_counts(&env, &t, bpf_map__fd(skel->maps.counts),
					sizeof(struct tcp_flow), 1, add_count, NULL);
		if (env.json && !err)
			json_interval(stdout, 1, 0, true);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure("tcpconnect", "create the ring buffer", err);
		goto cleanup;
	}
	if (env.json) {
		tool_ready(&env, "Tracing TCP connects. Ctrl-C to end.");
	} else {
		aw = env.wide ? 39 : 15;
		if (env.timestamp)
			printf("%-8s ", "TIME");
		if (opt.print_uid)
			printf("%-6s ", "UID");
		tool_ready(&env, "%-7s %-16s %-2s %-*s %-*s %s", "PID", "COMM", "IP",
			   aw, "SADDR", aw, "DADDR", "DPORT");
	}
	err = tool_poll_events("tcpconnect", rb);
	if (skel->bss->lost_events)
		fprintf(stderr, "tcpconnect: %llu connects lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
cleanup:
	kv_free(&t);
	ring_buffer__free(rb);
	tcpconnect_bpf__destroy(skel);
	return err ? 1 : 0;
}
