// SPDX-License-Identifier: GPL-2.0
/*
 * tcpnagle: TCP transmit calls by Nagle argument, and how long sockets
 * were held back with data queued (BPF Performance Tools 10.3.x,
 * tcpnagle.bt), from netlens.ko's tcp_write_xmit tracepoint or, without
 * the module, fexit or a kprobe/kretprobe pair on tcp_write_xmit.
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
#include "kvtable.h"
#include "tool.h"
#include "../bpf/tcpnagle.h"
#include "tcpnagle.skel.h"

static const char *const columns[] = { "nonagle", "nonagle_name", NULL };
static struct tool_env env = { .columns = columns };
static struct {
	uint16_t lports[TCPNAGLE_MAX_PORTS], rports[TCPNAGLE_MAX_PORTS];
	size_t nlports, nrports;
} opt;

const char *argp_program_version = "tcpnagle " NETLENS_VERSION;
static const char doc[] =
"Count TCP transmit attempts by Nagle state, and show how long sockets\n"
"were held back with data queued.\n"
"\n"
"As the book's tcpnagle.bt: @nagle counts the calls of tcp_write_xmit()\n"
"by their nonagle argument (TCP_NAGLE_* of include/net/tcp.h: ON, none\n"
"set; OFF, TCP_NODELAY; CORK, TCP_CORK or MSG_MORE; PUSH, a forced push).\n"
"A call that returns true found nothing in flight and data queued that it\n"
"could not send (Nagle, cork, SWS avoidance or the send window held it):\n"
"the time from that first return to the next call that sends is a\n"
"'held_us' (the book's @blocked_us) histogram entry.  Source: netlens.ko's\n"
"netlens:tcp_write_xmit tracepoint, armed only while traced; without the\n"
"module, fexit or a kprobe and kretprobe on tcp_write_xmit (said on\n"
"stderr), as the book does.\n"
"\n"
"EXAMPLES:\n"
"    tcpnagle             # counts and histogram at Ctrl-C\n"
"    tcpnagle 5           # every 5 seconds\n"
"    tcpnagle -D 6379     # sockets to port 6379 only\n"
"    tcpnagle -L 80 -j    # sockets on local port 80, JSON lines\n";

static const struct argp_option opts[] = {
	{ "localport", 'L', "PORTS", 0, "Sockets with these local ports only (comma-separated, at most 64)", 0 },
	{ "remoteport", 'D', "PORTS", 0, "Sockets with these remote ports only (comma-separated, at most 64)", 0 },
	TOOL_OPT_FAMILY,
	{ "netns", TOOL_OPT_KEY_NETNS, "NETNS", 0,
	  "Sockets in this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 },
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];

	switch (key) {
	case 'L':
		if (parse_ports(arg, opt.lports, TCPNAGLE_MAX_PORTS, &opt.nlports, err, sizeof(err)))
			argp_error(state, "-L: %s", err);
		return 0;
	case 'D':
		if (parse_ports(arg, opt.rports, TCPNAGLE_MAX_PORTS, &opt.nrports, err, sizeof(err)))
			argp_error(state, "-D: %s", err);
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* The book's names of the TCP_NAGLE_* combinations. */
static const char *const nagle_names[TCPNAGLE_STATES] = {
	"ON", "OFF", "CORK", "OFF|CORK", "PUSH", "OFF|PUSH", "CORK|PUSH", "OFF|CORK|PUSH",
};

struct report_ctx {
	struct tcpnagle_bpf *skel;
	struct kv_table table;
	int ncpus;
};

static int report(void *ctx)
{
	static const char *const order[] = { "nagle", NULL };
	struct report_ctx *r = ctx;
	__u64 calls[TCPNAGLE_STATES], held[TCPNAGLE_SLOTS];
	bool clear = env.interval != 0;
	int err;
	__u32 i;

	err = bpf_percpu_array_sum(bpf_map__fd(r->skel->maps.calls), TCPNAGLE_STATES,
				   r->ncpus, calls, clear);
	if (!err)
		err = bpf_percpu_array_sum(bpf_map__fd(r->skel->maps.held_us), TCPNAGLE_SLOTS,
					   r->ncpus, held, clear);
	if (err) {
		fprintf(stderr, "tcpnagle: cannot read the counts: %s\n", strerror(-err));
		return err;
	}
	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	if (env.json) {
		json_hist_begin(stdout, "held", "us", "log2");
		json_hist_end_log2(stdout, held, TCPNAGLE_SLOTS);
	} else {
		printf("\n@held_us:\n");
		hist_print_log2(stdout, held, TCPNAGLE_SLOTS, "usecs");
		printf("\n");
	}
	kv_reset(&r->table);
	for (i = 0; i < TCPNAGLE_STATES; i++) {
		struct kv_key row = {};

		if (!calls[i])
			continue;
		kv_key_num(&row, "nonagle", i);
		kv_key_str(&row, "nonagle_name", nagle_names[i]);
		kv_add(&r->table, "nagle", &row, calls[i]);
	}
	tool_print_rows(&env, &r->table, order);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const struct attach_alts alts = {
		.btf_tp = "tcp_write_xmit", .func = "tcp_write_xmit",
	};
	struct report_ctx r = {};
	char why[1024], source[128];
	enum attach_kind kind;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tcpnagle", &env))
		return 1;
	kind = probe_best(&alts, why, sizeof(why));
	if (kind == ATTACH_NONE) {
		fprintf(stderr, "tcpnagle: cannot trace TCP transmits: %s\n", why);
		return 1;
	}
	attach_label(&alts, kind, source, sizeof(source));
	if (*why)
		fprintf(stderr, "tcpnagle: using %s%s (%s)\n", source,
			kind == ATTACH_FENTRY ? " (fexit)" : kind == ATTACH_KPROBE ? " and its kretprobe" : "",
			why);

	r.ncpus = libbpf_num_possible_cpus();
	r.skel = tcpnagle_bpf__open();
	if (!r.skel) {
		report_bpf_failure("tcpnagle", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	r.skel->rodata->filter_lports = opt.nlports > 0;
	r.skel->rodata->filter_rports = opt.nrports > 0;
	attach_autoload(kind, (struct bpf_program *[]){ NULL, r.skel->progs.tcp_write_xmit,
							 r.skel->progs.fexit_write_xmit,
							 r.skel->progs.kprobe_write_xmit });
	attach_autoload(kind, (struct bpf_program *[]){ NULL, NULL, NULL,
							 r.skel->progs.kretprobe_write_xmit });
	err = tool_load_attach(&env, "tcpnagle", r.skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("tcpnagle", bpf_map__fd(r.skel->maps.lports), opt.lports,
				      opt.nlports, "-L");
	if (!err)
		err = tool_fill_ports("tcpnagle", bpf_map__fd(r.skel->maps.rports), opt.rports,
				      opt.nrports, "-D");
	if (!err)
		err = tool_attach("tcpnagle", r.skel->skeleton, source);
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing TCP nagle and xmit delays. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	kv_free(&r.table);
	tcpnagle_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
