// SPDX-License-Identifier: GPL-2.0
/*
 * xmitstack: count the kernel stacks that transmit packets (BPF
 * Performance Tools 10.4 one-liner "stackcount t:net:net_dev_xmit"), as a
 * libbpf CO-RE tool.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include "ksyms.h"
#include "jsonout.h"
#include "tool.h"
#include "../bpf/xmitstack.h"
#include "xmitstack.skel.h"

static struct tool_env env;

const char *argp_program_version = "xmitstack " NETLENS_VERSION;
static const char doc[] =
"Count the kernel stack traces of packet transmits.\n"
"\n"
"Replaces the 10.4 one-liner (count transmit stack traces)\n"
"    stackcount t:net:net_dev_xmit\n"
"At Ctrl-C (or every interval) prints each distinct kernel stack seen at\n"
"the net:net_dev_xmit tracepoint, innermost function first, one per line,\n"
"then its count, least frequent stacks first, as stackcount does.\n"
"Symbols come from /proc/kallsyms; \"[lost stack]\" counts transmits whose\n"
"stack could not be recorded (stack map full).  With -p, only transmits\n"
"made in that process's context (on loopback and most virtual devices,\n"
"its own sends).\n"
"\n"
"EXAMPLES:\n"
"    xmitstack            # count until Ctrl-C\n"
"    xmitstack -p 181     # transmits from PID 181's context\n"
"    xmitstack -T 10      # every 10 seconds, with the time\n"
"    xmitstack -j         # JSON lines\n"
"    xmitstack -i eth0    # transmits on eth0 only\n"
"    xmitstack -t -r 5    # the five most frequent stacks, folded\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_IFACE,
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

struct stack_row {
	__u32 id;
	unsigned long long count;
};

struct rows {
	struct stack_row *r;
	size_t n, cap;
	int err;
};

struct xmit_ctx {
	struct xmitstack_bpf *skel;
	struct ksyms *ks;
};

static void add_row(const void *key, unsigned long long value, void *ctx)
{
	struct rows *rows = ctx;
	struct stack_row *tmp;

	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? 2 * rows->cap : 64;
		tmp = realloc(rows->r, rows->cap * sizeof(*tmp));
		if (!tmp) {
			rows->err = -ENOMEM;
			return;
		}
		rows->r = tmp;
	}
	memcpy(&rows->r[rows->n].id, key, sizeof(__u32));
	rows->r[rows->n++].count = value;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct stack_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The frames of @row's stack into @ips (innermost first); their number. */
static int stack_frames(const struct xmit_ctx *c, const struct stack_row *row,
			__u64 *ips)
{
	int fd = bpf_map__fd(c->skel->maps.stacks), n = 0;

	if (row->id != XMITSTACK_LOST && bpf_map_lookup_elem(fd, &row->id, ips) == 0)
		for (n = 0; n < XMITSTACK_DEPTH && ips[n]; n++)
			;
	return n;
}

static void print_stack(const struct xmit_ctx *c, const struct stack_row *row)
{
	static __u64 ips[XMITSTACK_DEPTH];
	int i, n = stack_frames(c, row, ips);
	char buf[24];

	if (env.json) {
		json_begin(stdout, "count");
		ksyms_json_stack(stdout, c->ks, ips, n);
		json_u64(stdout, "count", row->count);
		json_end(stdout);
	} else if (env.table) {
		/* Folded, outermost first, as flame graph tools take it. */
		printf("%*llu ", 10, row->count);
		if (!n)
			printf("[lost stack]");
		for (i = n - 1; i >= 0; i--)
			printf("%s%s", ksyms_frame(c->ks, ips[i], buf, sizeof(buf)), i ? ";" : "");
		printf("\n");
	} else {
		if (!n)
			printf("  [lost stack]\n");
		for (i = 0; i < n; i++)
			printf("  %s\n", ksyms_frame(c->ks, ips[i], buf, sizeof(buf)));
		printf("    %llu\n\n", row->count);
	}
}

static int report(void *ctx)
{
	const struct xmit_ctx *c = ctx;
	int fd = bpf_map__fd(c->skel->maps.stacks);
	struct rows rows = {};
	size_t i, first = 0;
	int err;

	err = bpf_map_drain(bpf_map__fd(c->skel->maps.counts), sizeof(__u32),
			    sizeof(__u64), 1, env.interval != 0, add_row, &rows);
	if (!err)
		err = rows.err;
	if (err) {
		free(rows.r);
		return err;
	}
	/* Least frequent first, as stackcount; -r keeps the most frequent. */
	qsort(rows.r, rows.n, sizeof(*rows.r), cmp_rows);
	if (env.top && rows.n > env.top)
		first = rows.n - env.top;
	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	if (env.table)
		printf("%10s STACK\n", "COUNT");
	for (i = first; i < rows.n; i++)
		/* The table and JSON: most frequent first. */
		print_stack(c, &rows.r[env.table || env.json ? rows.n - 1 - (i - first) : i]);
	if (env.table)
		printf("\n");
	for (i = 0; env.interval && i < rows.n; i++)
		if (rows.r[i].id != XMITSTACK_LOST)
			bpf_map_delete_elem(fd, &rows.r[i].id);
	fflush(stdout);
	free(rows.r);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const char *const tps[] = { "net_dev_xmit" };
	struct xmit_ctx c = {};
	char why[256];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("xmitstack", &env))
		return 1;
	if (!tool_need_tracepoints("xmitstack", "transmits", "net", tps, 1, NULL))
		return 1;
	c.ks = ksyms_load(why, sizeof(why));
	if (!c.ks) {
		fprintf(stderr, "xmitstack: cannot name kernel functions: %s\n", why);
		return 1;
	}
	c.skel = xmitstack_bpf__open();
	if (!c.skel) {
		report_bpf_failure("xmitstack", "open the BPF object", -errno);
		ksyms_free(c.ks);
		return 1;
	}
	TOOL_SET_FILTERS(c.skel->rodata, &env);
	if (env.iface)
		strncpy((char *)c.skel->rodata->targ_dev, env.iface, sizeof(c.skel->rodata->targ_dev) - 1);
	err = tool_load_attach(&env, "xmitstack", c.skel->skeleton, "to net:net_dev_xmit");
	if (!err) {
		tool_ready(&env, "Tracing net_dev_xmit stacks. Ctrl-C to end.");
		err = tool_run(&env, report, &c);
	}
	xmitstack_bpf__destroy(c.skel);
	ksyms_free(c.ks);
	return err ? 1 : 0;
}
