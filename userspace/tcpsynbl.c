// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsynbl: the TCP listen backlog each completed handshake finds, as a
 * histogram per backlog limit, and the handshakes dropped past it (BPF
 * Performance Tools 10.3.18, tcpsynbl.bt), from netlens.ko's tcp_syn_recv
 * tracepoint or, without the module, fentry or kprobes on
 * tcp_v4/v6_syn_recv_sock.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "hist.h"
#include "jsonout.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/tcpsynbl.h"
#include "tcpsynbl.skel.h"

#define MAX_LIMITS	256	/* backlog limits told apart in one report */

static struct tool_env env;

const char *argp_program_version = "tcpsynbl " NETLENS_VERSION;
static const char doc[] =
"Show the TCP listen backlog as a histogram per backlog limit.\n"
"\n"
"Each time a listener makes the socket of a completed handshake, the\n"
"connections already waiting in its accept queue (sk_ack_backlog) are\n"
"counted in the histogram of its limit (sk_max_ack_backlog, from\n"
"listen(2)'s backlog); above the limit the handshake is dropped and\n"
"\"dropping a SYN.\" is printed, as the book's tcpsynbl.bt does (the\n"
"kernel counts it in ListenOverflows).  Source: netlens.ko's\n"
"netlens:tcp_syn_recv tracepoint, armed only while traced; without the\n"
"module, fentry or kprobes on tcp_v4_syn_recv_sock and tcp_v6_syn_recv_sock\n"
"(said on stderr).\n"
"\n"
"EXAMPLES:\n"
"    tcpsynbl             # histograms at Ctrl-C\n"
"    tcpsynbl 1 10        # every second, ten times\n"
"    tcpsynbl -T 5        # every 5 seconds, with the time\n"
"    tcpsynbl -j          # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static int handle_drop(void *ctx, void *data, size_t len)
{
	const struct tcpsynbl_drop *d = data;

	if (len < sizeof(*d))
		return 0;
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "drop");
		json_enum(stdout, "family", d->family, family_name(d->family));
		json_u64(stdout, "lport", d->lport);
		json_u64(stdout, "backlog", d->backlog);
		json_u64(stdout, "backlog_max", d->max_backlog);
		json_end(stdout);
	} else {
		printf("%s dropping a SYN.\n", tool_time());
	}
	fflush(stdout);
	return 0;
}

struct limit {
	__u32 max_backlog;
	__u64 slots[TCPSYNBL_SLOTS];
};

static int cmp_limit(const void *a, const void *b)
{
	const struct limit *x = a, *y = b;

	return x->max_backlog < y->max_backlog ? -1 : x->max_backlog > y->max_backlog;
}

/* The map's cells by limit, smallest first; cleared when per interval. */
static int report(void *ctx)
{
	struct tcpsynbl_bpf *skel = ctx;
	int fd = bpf_map__fd(skel->maps.backlogs);
	static struct limit limits[MAX_LIMITS];
	struct tcpsynbl_key key, next, *prev = NULL;
	unsigned int n = 0, i;
	__u64 count;

	memset(limits, 0, sizeof(limits));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count) || key.slot >= TCPSYNBL_SLOTS)
			continue;
		for (i = 0; i < n && limits[i].max_backlog != key.max_backlog; i++)
			;
		if (i == n) {
			if (n == MAX_LIMITS)
				continue;
			limits[n++].max_backlog = key.max_backlog;
		}
		limits[i].slots[key.slot] += count;
	}
	if (env.interval) {
		while (!bpf_map_get_next_key(fd, NULL, &next))
			bpf_map_delete_elem(fd, &next);
	}
	qsort(limits, n, sizeof(limits[0]), cmp_limit);
	if (!env.json && env.timestamp)
		printf("%s\n", tool_time());
	for (i = 0; i < n; i++) {
		if (env.json) {
			json_hist_begin(stdout, "backlog", "value", "log2");
			json_u64(stdout, "backlog_max", limits[i].max_backlog);
			json_hist_end_log2(stdout, limits[i].slots, TCPSYNBL_SLOTS);
		} else {
			printf("\nbacklog_max = %u\n", limits[i].max_backlog);
			hist_print_log2(stdout, limits[i].slots, TCPSYNBL_SLOTS, "backlog");
		}
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const struct attach_alts alts = {
		.btf_tp = "tcp_syn_recv", .func = "tcp_v4_syn_recv_sock",
	};
	struct ring_buffer *rb = NULL;
	struct tcpsynbl_bpf *skel;
	char why[1024], source[128];
	enum attach_kind kind;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tcpsynbl", &env))
		return 1;
	kind = probe_best(&alts, why, sizeof(why));
	if (kind == ATTACH_NONE) {
		fprintf(stderr, "tcpsynbl: cannot trace handshakes: %s\n", why);
		return 1;
	}
	attach_label(&alts, kind, source, sizeof(source));
	if (*why)
		fprintf(stderr, "tcpsynbl: using %s and its IPv6 twin (%s)\n", source, why);

	skel = tcpsynbl_bpf__open();
	if (!skel) {
		report_bpf_failure("tcpsynbl", "open the BPF object", -errno);
		return 1;
	}
	attach_autoload(kind, (struct bpf_program *[]){ NULL, skel->progs.tcp_syn_recv,
							 skel->progs.fentry_v4,
							 skel->progs.kprobe_v4 });
	attach_autoload(kind, (struct bpf_program *[]){ NULL, NULL, skel->progs.fentry_v6,
							 skel->progs.kprobe_v6 });
	err = tool_load_attach(&env, "tcpsynbl", skel->skeleton, source);
	if (err)
		goto cleanup;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.drops), handle_drop, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure("tcpsynbl", "create the ring buffer", err);
		goto cleanup;
	}
	tool_poll_while_waiting(rb);
	tool_ready(&env, "Tracing SYN backlog size. Ctrl-C to end.");
	err = tool_run(&env, report, skel);
	if (skel->bss->lost_drops)
		fprintf(stderr, "tcpsynbl: %llu drop lines lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_drops);
cleanup:
	tool_poll_while_waiting(NULL);
	ring_buffer__free(rb);
	tcpsynbl_bpf__destroy(skel);
	return err ? 1 : 0;
}
