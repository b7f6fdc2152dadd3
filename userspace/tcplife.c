// SPDX-License-Identifier: GPL-2.0
/*
 * tcplife: TCP sessions as they close, with their addresses, bytes and
 * lifespan (BPF Performance Tools 10.3.13, tcplife.bt and BCC's tcplife),
 * from the sock:inet_sock_set_state tracepoint; -g writes them as a DOT
 * graph (the chapter's exercise).
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/tcplife.h"
#include "tcplife.skel.h"

/*
 * -g keeps at most this many sessions: a graph of more is not read, and
 * matching the two ends of a session is a linear search.
 */
#define TCPLIFE_DOT_MAX	10000

static struct tool_env env = { .no_interval = true };
static struct {
	bool wide;		/* -w */
	bool since_start;	/* -t */
	bool dot;		/* -g */
	uint16_t lports[TCPLIFE_MAX_PORTS], rports[TCPLIFE_MAX_PORTS];
	size_t nlports, nrports;
	struct timespec start;
} opt;

const char *argp_program_version = "tcplife " NETLENS_VERSION;
static const char doc[] =
"Trace TCP sessions: one line per session as it closes, with its\n"
"addresses, ports, bytes sent (acked) and received, and its lifespan.\n"
"\n"
"As the book's tcplife.bt: PID and COMM are the task that opened the\n"
"session (connect) or closed it after the peer did, else the task on CPU\n"
"when it closed; TX_KB and RX_KB are tcp_sock's bytes_acked and\n"
"bytes_received; MS spans the first state change seen to TCP_CLOSE.\n"
"Source: the sock:inet_sock_set_state tracepoint (the book kprobes\n"
"tcp_set_state); sessions already open when tcplife starts are left out.\n"
"\n"
"-g is the chapter's DOT exercise: at Ctrl-C, the sessions as a graph,\n"
"endpoints (addresses) as nodes and sessions as edges from the side that\n"
"connected, labelled with process, ports, bytes and duration.\n"
"\n"
"EXAMPLES:\n"
"    tcplife              # trace TCP sessions\n"
"    tcplife -T           # with a HH:MM:SS column\n"
"    tcplife -t           # with seconds since tcplife started\n"
"    tcplife -w           # wide columns (IPv6 addresses)\n"
"    tcplife -p 181       # only PID 181's sessions\n"
"    tcplife -L 80,443    # local port 80 or 443 (a server's sessions)\n"
"    tcplife -D 5432      # remote port 5432\n"
"    tcplife -6 -j        # IPv6 sessions as JSON lines\n"
"    tcplife -g > s.dot; dot -Tsvg s.dot > s.svg   # the sessions as a graph\n";

enum { OPT_NETNS_SOCKET = TOOL_OPT_KEY_NETNS };

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_FAMILY,
	{ "localport", 'L', "PORTS", 0, "Sessions with these local ports only (comma-separated, at most 64)", 0 },
	{ "remoteport", 'D', "PORTS", 0, "Sessions with these remote ports only (comma-separated, at most 64)", 0 },
	{ "netns", OPT_NETNS_SOCKET, "NETNS", 0,
	  "Sessions of sockets in this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 },
	{ "wide", 'w', NULL, 0, "Wide columns (full IPv6 addresses)", 0 },
	{ "since-start", 't', NULL, 0, "Include a TIME(s) column: seconds since tcplife started", 0 },
	{ "dot", 'g', NULL, 0, "At Ctrl-C, print the sessions as a DOT graph instead of lines", 0 },
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];

	switch (key) {
	case 'w':
		opt.wide = true;
		return 0;
	case 't':
		opt.since_start = true;
		return 0;
	case 'g':
		opt.dot = true;
		return 0;
	case 'L':
		if (parse_ports(arg, opt.lports, TCPLIFE_MAX_PORTS, &opt.nlports, err, sizeof(err)))
			argp_error(state, "-L: %s", err);
		return 0;
	case 'D':
		if (parse_ports(arg, opt.rports, TCPLIFE_MAX_PORTS, &opt.nrports, err, sizeof(err)))
			argp_error(state, "-D: %s", err);
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* ---- the DOT graph (-g) ------------------------------------------------------ */

/* One session from the side that connected (client) to the one that accepted. */
struct dot_session {
	char client[INET6_ADDRSTRLEN], server[INET6_ADDRSTRLEN];
	__u16 cport, sport;
	unsigned long long sent, received;	/* by the client */
	unsigned long long span_ns;
	__u32 pid;
	char comm[17];
	bool client_seen;	/* else only the accepting side closed here */
};

static struct {
	struct dot_session *s;
	size_t n, cap;
	bool full;
} dot;

static struct dot_session *dot_find(const char *client, __u16 cport, const char *server,
				    __u16 sport)
{
	size_t i;

	for (i = 0; i < dot.n; i++)
		if (dot.s[i].cport == cport && dot.s[i].sport == sport &&
		    !strcmp(dot.s[i].client, client) && !strcmp(dot.s[i].server, server))
			return &dot.s[i];
	return NULL;
}

/*
 * Both ends of a local session close here: one edge for the two, told
 * from the client's side once it is seen.
 */
static void dot_add(const struct tcplife_event *e, const char *laddr, const char *raddr,
		    const char *comm)
{
	const char *client = e->active ? laddr : raddr, *server = e->active ? raddr : laddr;
	__u16 cport = e->active ? e->lport : e->rport, sport = e->active ? e->rport : e->lport;
	struct dot_session *s = dot_find(client, cport, server, sport);

	if (s && s->client_seen)
		return;
	if (!s) {
		if (dot.n == dot.cap) {
			size_t cap = dot.cap ? dot.cap * 2 : 64;
			struct dot_session *more;

			if (dot.n >= TCPLIFE_DOT_MAX ||
			    !(more = realloc(dot.s, cap * sizeof(*more)))) {
				if (!dot.full)
					fprintf(stderr, "tcplife: the graph keeps the first %zu sessions\n",
						dot.n);
				dot.full = true;
				return;
			}
			dot.s = more;
			dot.cap = cap;
		}
		s = &dot.s[dot.n++];
		memset(s, 0, sizeof(*s));
		snprintf(s->client, sizeof(s->client), "%s", client);
		snprintf(s->server, sizeof(s->server), "%s", server);
		s->cport = cport;
		s->sport = sport;
	}
	s->client_seen = e->active;
	s->sent = e->active ? e->tx_bytes : e->rx_bytes;
	s->received = e->active ? e->rx_bytes : e->tx_bytes;
	s->span_ns = e->span_ns;
	s->pid = e->pid;
	snprintf(s->comm, sizeof(s->comm), "%s", comm);
}

/* A DOT ID: a double-quoted string, quotes and backslashes escaped. */
static void dot_id(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void dot_print(void)
{
	size_t i, j;

	printf("digraph tcplife {\n\trankdir=LR;\n\tnode [shape=box];\n");
	for (i = 0; i < dot.n; i++) {
		const char *ends[2] = { dot.s[i].client, dot.s[i].server };

		/* Each address once, where it first appears. */
		for (int k = 0; k < 2; k++) {
			bool seen = k == 1 && !strcmp(ends[0], ends[1]);

			for (j = 0; j < i && !seen; j++)
				seen = !strcmp(dot.s[j].client, ends[k]) ||
				       !strcmp(dot.s[j].server, ends[k]);
			if (!seen) {
				putchar('\t');
				dot_id(ends[k]);
				printf(";\n");
			}
		}
	}
	for (i = 0; i < dot.n; i++) {
		const struct dot_session *s = &dot.s[i];
		char label[256];

		snprintf(label, sizeof(label), "%s %u: %u -> %u\\n%llu B sent, %llu B received\\n%llu.%03llu ms",
			 s->comm, s->pid, s->cport, s->sport, s->sent, s->received,
			 s->span_ns / 1000000, s->span_ns / 1000 % 1000);
		putchar('\t');
		dot_id(s->client);
		printf(" -> ");
		dot_id(s->server);
		/* The label's \n are DOT's line breaks: written as is. */
		printf(" [label=\"%s\"];\n", label);
	}
	printf("}\n");
	fflush(stdout);
}

/* ---- events ------------------------------------------------------------------ */

static double seconds_since_start(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - opt.start.tv_sec) + (now.tv_nsec - opt.start.tv_nsec) / 1e9;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct tcplife_event *e = data;
	char laddr[INET6_ADDRSTRLEN] = "?", raddr[INET6_ADDRSTRLEN] = "?", comm[17];
	int af = e->family == AF_INET ? AF_INET : AF_INET6;
	int aw = opt.wide ? 39 : 15;

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	inet_ntop(af, e->laddr, laddr, sizeof(laddr));
	inet_ntop(af, e->raddr, raddr, sizeof(raddr));
	if (opt.dot) {
		dot_add(e, laddr, raddr, comm);
		return 0;
	}
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "session");
		json_u64(stdout, "pid", e->pid);
		json_str(stdout, "comm", comm);
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_str(stdout, "laddr", laddr);
		json_u64(stdout, "lport", e->lport);
		json_str(stdout, "raddr", raddr);
		json_u64(stdout, "rport", e->rport);
		json_u64(stdout, "tx_bytes", e->tx_bytes);
		json_u64(stdout, "rx_bytes", e->rx_bytes);
		json_u64(stdout, "span_us", e->span_ns / 1000);
		json_bool(stdout, "active", e->active);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		if (opt.since_start)
			printf("%-9.3f ", seconds_since_start());
		printf("%-7u %-*.*s %-*s %-5u %-*s %-5u %5llu %5llu %llu.%02llu\n", e->pid,
		       opt.wide ? 16 : 10, opt.wide ? 16 : 10, comm, aw, laddr, e->lport,
		       aw, raddr, e->rport, e->tx_bytes / 1024, e->rx_bytes / 1024,
		       e->span_ns / 1000000, e->span_ns / 10000 % 100);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "inet_sock_set_state" };
	struct ring_buffer *rb = NULL;
	struct tcplife_bpf *skel;
	int aw, err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (opt.dot && (env.json || env.timestamp || opt.since_start)) {
		fprintf(stderr, "tcplife: -g prints one graph at the end: no -j, -T or -t with it\n"
			"Try 'tcplife --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (!tool_prepare("tcplife", &env))
		return 1;
	if (!tool_need_tracepoints("tcplife", "TCP state changes", "sock", tps, 1,
				   "Linux 4.16 or later"))
		return 1;

	skel = tcplife_bpf__open();
	if (!skel) {
		report_bpf_failure("tcplife", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_lports = opt.nlports > 0;
	skel->rodata->filter_rports = opt.nrports > 0;
	err = tool_load_attach(&env, "tcplife", skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("tcplife", bpf_map__fd(skel->maps.lports), opt.lports,
				      opt.nlports, "-L");
	if (!err)
		err = tool_fill_ports("tcplife", bpf_map__fd(skel->maps.rports), opt.rports,
				      opt.nrports, "-D");
	if (!err)
		err = tool_attach("tcplife", skel->skeleton, "to sock:inet_sock_set_state");
	if (err)
		goto cleanup;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure("tcplife", "create the ring buffer", err);
		goto cleanup;
	}

	clock_gettime(CLOCK_MONOTONIC, &opt.start);
	aw = opt.wide ? 39 : 15;
	if (env.json || opt.dot) {
		fprintf(stderr, "Tracing TCP sessions. Ctrl-C to end.\n");
	} else {
		if (env.timestamp)
			printf("%-8s ", "TIME");
		if (opt.since_start)
			printf("%-9s ", "TIME(s)");
		tool_ready(&env, "%-7s %-*s %-*s %-5s %-*s %-5s %5s %5s %s", "PID",
			   opt.wide ? 16 : 10, "COMM", aw, "LADDR", "LPORT", aw, "RADDR",
			   "RPORT", "TX_KB", "RX_KB", "MS");
	}
	err = tool_poll_events("tcplife", rb);
	if (!err && opt.dot)
		dot_print();
	if (skel->bss->lost_events)
		fprintf(stderr, "tcplife: %llu sessions lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
cleanup:
	ring_buffer__free(rb);
	tcplife_bpf__destroy(skel);
	free(dot.s);
	return err ? 1 : 0;
}
