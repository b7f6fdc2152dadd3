// SPDX-License-Identifier: GPL-2.0
/*
 * tcpretrans: TCP retransmits as they happen, with the session and its
 * state (BPF Performance Tools 10.3.14, tcpretrans.bt and BCC's tcpretrans),
 * from the tcp:tcp_retransmit_skb tracepoint; -l adds tail loss probes,
 * from netlens.ko's tcp_loss_probe tracepoint; -c counts per session.
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
#include "tcpflow.h"
#include "tool.h"
#include "../bpf/tcpretrans.h"
#include "tcpretrans.skel.h"

static struct tool_env env = { .no_interval = true };
static struct {
	bool loss_probes;	/* -l */
	bool count;		/* -c */
} opt;

const char *argp_program_version = "tcpretrans " NETLENS_VERSION;
static const char doc[] =
"Trace TCP retransmits: time, PID on CPU, session and TCP state.\n"
"\n"
"T> marks a retransmit (the tcp:tcp_retransmit_skb tracepoint, where the\n"
"book kprobes tcp_retransmit_skb, and tcp:tcp_retransmit_synack for a\n"
"listener's SYN-ACKs; -j and -c also give the segments it resent, which\n"
"the kernel's RetransSegs counts), L> with -l a tail loss probe\n"
"(netlens.ko's netlens:tcp_loss_probe, armed only while traced; without\n"
"the module fentry or a kprobe on tcp_send_loss_probe, said on stderr).\n"
"A probe that resends data is also a T> line.  PID is the task on CPU: 0\n"
"when the retransmit timer fired.  -c counts per session until Ctrl-C.\n"
"The TIME column is always there, as in the book's tool.\n"
"\n"
"EXAMPLES:\n"
"    tcpretrans           # trace retransmits\n"
"    tcpretrans -l        # and tail loss probes\n"
"    tcpretrans -c        # count per session, print at Ctrl-C\n"
"    tcpretrans -6 -j     # IPv6 sessions, JSON lines\n"
"    tcpretrans --netns /run/netns/blue   # one namespace's sockets\n";

static const struct argp_option opts[] = {
	{ "lossprobe", 'l', NULL, 0, "Include tail loss probe attempts (L>)", 0 },
	{ "count", 'c', NULL, 0, "Count retransmits per session; print at Ctrl-C", 0 },
	TOOL_OPT_FAMILY,
	{ "netns", TOOL_OPT_KEY_NETNS, "NETNS", 0,
	  "Sockets in this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 },
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'l':
		opt.loss_probes = true;
		return 0;
	case 'c':
		opt.count = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

static const char *kind_name(unsigned int kind)
{
	return kind == TCPRETRANS_LOSS_PROBE ? "loss_probe" : "retransmit";
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct tcpretrans_event *e = data;
	const struct tcp_flow *f = &e->flow;
	char l[64], r[64];
	const char *state = tcp_state_name(e->state);

	if (len < sizeof(*e))
		return 0;
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", kind_name(e->kind));
		json_u64(stdout, "pid", e->pid);
		json_flow(stdout, f);
		json_enum(stdout, "state", e->state, state);
		if (e->kind == TCPRETRANS_RETRANSMIT)
			json_u64(stdout, "segs", e->segs);
		json_end(stdout);
	} else {
		printf("%-8s %-7u %-2u %-26s %s> %-26s %s\n", tool_time(), e->pid,
		       f->family == AF_INET ? 4 : 6,
		       flow_endpoint(l, sizeof(l), f->family, f->laddr, f->lport),
		       e->kind == TCPRETRANS_LOSS_PROBE ? "L" : "T",
		       flow_endpoint(r, sizeof(r), f->family, f->raddr, f->rport), state ?: "?");
	}
	fflush(stdout);
	return 0;
}

/* -c at Ctrl-C: one line per session and kind, as BCC's tcpretrans -c. */
static int print_counts(struct tcpretrans_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.counts);
	struct tcpretrans_count_key key, next, *prev = NULL;
	struct tcpretrans_count count;
	char l[64], r[64];

	if (!env.json)
		printf("\n%-26s     %-26s %-10s %8s %s\n", "LADDR:LPORT", "RADDR:RPORT", "TYPE",
		       "SEGS", "COUNT");
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count))
			continue;
		if (env.json) {
			json_begin(stdout, "count");
			json_str(stdout, "event", kind_name(key.kind));
			json_flow(stdout, &key.flow);
			if (key.kind == TCPRETRANS_RETRANSMIT)
				json_u64(stdout, "segs", count.segs);
			json_u64(stdout, "count", count.events);
			json_end(stdout);
		} else {
			printf("%-26s <-> %-26s %-10s %8llu %llu\n",
			       flow_endpoint(l, sizeof(l), key.flow.family, key.flow.laddr, key.flow.lport),
			       flow_endpoint(r, sizeof(r), key.flow.family, key.flow.raddr, key.flow.rport),
			       kind_name(key.kind), (unsigned long long)count.segs,
			       (unsigned long long)count.events);
		}
	}
	if (env.json)
		json_interval(stdout, 1, 0, true);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const struct attach_alts tlp = {
		.btf_tp = "tcp_loss_probe", .func = "tcp_send_loss_probe",
	};
	enum attach_kind kind = ATTACH_NONE;
	struct ring_buffer *rb = NULL;
	struct tcpretrans_bpf *skel;
	char why[1024], source[128] = "tp_btf:tcp_retransmit_skb";
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tcpretrans", &env))
		return 1;
	if (!probe_tp_btf("tcp_retransmit_skb", why, sizeof(why))) {
		fprintf(stderr, "tcpretrans: cannot trace retransmits: %s\n", why);
		return 1;
	}
	if (opt.loss_probes) {
		kind = probe_best(&tlp, why, sizeof(why));
		if (kind == ATTACH_NONE) {
			fprintf(stderr, "tcpretrans: -l cannot trace tail loss probes: %s\n", why);
			return 1;
		}
		if (*why)
			fprintf(stderr, "tcpretrans: -l uses %s (%s)\n",
				attach_label(&tlp, kind, source, sizeof(source)), why);
		snprintf(source, sizeof(source), "the BPF programs");
	}

	skel = tcpretrans_bpf__open();
	if (!skel) {
		report_bpf_failure("tcpretrans", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->count_mode = opt.count;
	attach_autoload(kind, (struct bpf_program *[]){ NULL, skel->progs.tcp_loss_probe,
							 skel->progs.fentry_tcp_send_loss_probe,
							 skel->progs.kprobe_tcp_send_loss_probe });
	err = tool_load_attach(&env, "tcpretrans", skel->skeleton, source);
	if (err)
		goto cleanup;
	if (opt.count) {
		tool_ready(&env, "Tracing retransmits%s... Hit Ctrl-C to end.",
			   opt.loss_probes ? " and tail loss probes" : "");
		tool_wait(&env, 0);
		err = print_counts(skel);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure("tcpretrans", "create the ring buffer", err);
		goto cleanup;
	}
	if (env.json)
		tool_ready(&env, "Tracing retransmits. Ctrl-C to end.");
	else
		tool_ready(&env, "%-8s %-7s %-2s %-26s %-2s %-26s %s", "TIME", "PID", "IP",
			   "LADDR:LPORT", "T>", "RADDR:RPORT", "STATE");
	err = tool_poll_events("tcpretrans", rb);
	if (skel->bss->lost_events)
		fprintf(stderr, "tcpretrans: %llu events lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
cleanup:
	ring_buffer__free(rb);
	tcpretrans_bpf__destroy(skel);
	return err ? 1 : 0;
}
