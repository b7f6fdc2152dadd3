// SPDX-License-Identifier: GPL-2.0
/*
 * qdisclat: qdisc queueing latency (enqueue to dequeue) as log2
 * histograms per device and qdisc kind (BPF Performance Tools 10.3.x,
 * qdisc-fq.bt and its siblings), from qdisc:qdisc_enqueue and
 * qdisc:qdisc_dequeue.  Installed also as the book's qdisc-fq,
 * qdisc-fq_codel, qdisc-codel, qdisc-red, qdisc-tbf, qdisc-cbs and
 * qdisc-cbq: run under one of those names it is "qdisclat -q KIND".
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "keyhist.h"
#include "tool.h"
#include "../bpf/qdisclat.h"
#include "qdisclat.skel.h"

static struct tool_env env;

static struct {
	const char *kind;	/* -q, or the alias's kind; NULL: every kind */
	const char *alias;	/* the book's name this runs as; NULL: qdisclat */
	bool ms;		/* -m */
} opt;

/* The book's tools: each traced one kind. */
static const struct {
	const char *name, *kind;
} aliases[] = {
	{ "qdisc-fq", "fq" },
	{ "qdisc-fq_codel", "fq_codel" },
	{ "qdisc-codel", "codel" },
	{ "qdisc-red", "red" },
	{ "qdisc-tbf", "tbf" },
	{ "qdisc-cbs", "cbs" },
	{ "qdisc-cbq", "cbq" },
};

const char *argp_program_version = "qdisclat " NETLENS_VERSION;
static const char doc[] =
"Show qdisc queueing latency, enqueue to dequeue, as log2 histograms in\n"
"microseconds per device and qdisc kind: @us[DEVICE, KIND], as the book's\n"
"qdisc-fq.bt, qdisc-fq_codel.bt, qdisc-codel.bt, qdisc-red.bt,\n"
"qdisc-tbf.bt, qdisc-cbs.bt and qdisc-cbq.bt (installed under those names\n"
"too: qdisc-tbf is qdisclat -q tbf).\n"
"\n"
"The book kprobes KIND_enqueue and kretprobes KIND_dequeue, one kind per\n"
"tool; this uses the stable tracepoints qdisc:qdisc_enqueue and\n"
"qdisc:qdisc_dequeue (tp_btf), every kind at once.  They fire for the\n"
"qdisc attached to the device's transmit queue: the root qdisc, or each\n"
"queue's child of mq; a qdisc below the root (tbf's child, htb's leaves)\n"
"is inside its root's time and not seen on its own, where the book's\n"
"kprobes would time it alone.  Each packet counts once, at its first\n"
"dequeue (a bulk dequeue's packets each; one the driver requeues not\n"
"again).  Not counted: packets that bypass an empty qdisc (they never\n"
"wait: pfifo_fast, pfifo, bfifo, fq_codel, codel and sfq send a packet\n"
"that finds them empty straight to the driver unless a tc filter is\n"
"attached), those the qdisc drops, and those it queued while dropping\n"
"others (NET_XMIT_CN: the kernel traces no enqueue).  No -p: packets\n"
"leave the qdisc in whichever context runs it, not their sender's.\n"
"CBQ was removed in Linux 6.3 (and from later 6.1.y kernels): qdisc-cbq\n"
"says so and exits 1 where the kernel has none.\n"
"\n"
"EXAMPLES:\n"
"    qdisclat             # histograms at Ctrl-C\n"
"    qdisclat -q tbf 1 5  # tbf qdiscs only, every second, 5 times\n"
"    qdisclat -i eth0 -m  # eth0's, in milliseconds\n"
"    qdisc-fq_codel -j    # the book's name: fq_codel only, JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_IFACE,
	{ "qdisc", 'q', "KIND", 0, "Only qdiscs of this kind (tc's name: fq, fq_codel, tbf, ...)", 0 },
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds", 0 },
	TOOL_OPT_COMMON,
	{},
};

/* A kind as tc names it: Qdisc_ops.id, at most 15 of [a-z0-9_-]. */
static bool valid_kind(const char *s)
{
	size_t n = strlen(s);

	return n && n < 16 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'q':
		if (!valid_kind(arg))
			argp_error(state, "invalid qdisc kind '%s': a name as tc shows it "
				   "(fq, fq_codel, tbf; at most 15 of a-z, 0-9, _, -)", arg);
		if (opt.alias && strcmp(arg, opt.kind))
			argp_error(state, "%s traces %s qdiscs only: use qdisclat -q %s",
				   opt.alias, opt.kind, arg);
		opt.kind = arg;
		break;
	case 'm':
		opt.ms = true;
		break;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
	return 0;
}

/* By device, then kind. */
static int key_cmp(const void *a, const void *b)
{
	const struct qdisclat_key *x = a, *y = b;
	int c = strncmp(x->dev, y->dev, sizeof(x->dev));

	return c ? c : strncmp(x->kind, y->kind, sizeof(x->kind));
}

static void labels(const void *k, FILE *json, char *buf, size_t len)
{
	const struct qdisclat_key *key = k;
	char dev[17], kind[17];

	snprintf(dev, sizeof(dev), "%.16s", key->dev);
	snprintf(kind, sizeof(kind), "%.16s", key->kind);
	if (json) {
		/* "kind" is the histogram's (log2): the qdisc's is "qdisc". */
		json_str(json, "dev", dev);
		json_str(json, "qdisc", kind);
	} else {
		snprintf(buf, len, "%s, %s", dev, kind);
	}
}

struct report_ctx {
	struct qdisclat_bpf *skel;
	struct key_hists hists;
	struct key_hists_format format;
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;

	return key_hists_report(&r->hists, bpf_map__fd(r->skel->maps.hists), &env, &r->format);
}

/*
 * Can this kernel have a cbq qdisc?  Loaded (/sys/module/sch_cbq), built
 * in (cbq_enqueue in /proc/kallsyms), or a module modprobe would load for
 * "tc qdisc add ... cbq" (modules.dep, modules.builtin).  Not BTF: a
 * module's BTF and symbols are there only while it is loaded, and an
 * unloaded but loadable sch_cbq is as good as a loaded one.
 */
static bool kernel_has_cbq(void)
{
	static const char *const lists[] = { "modules.dep", "modules.builtin" };
	char path[512], line[512];
	struct utsname u;
	struct stat st;
	bool found = false;
	FILE *f;
	size_t i;

	if (!stat("/sys/module/sch_cbq", &st))
		return true;
	f = fopen("/proc/kallsyms", "r");
	if (f) {
		while (!found && fgets(line, sizeof(line), f)) {
			char *name = strrchr(line, ' ');

			found = name && !strncmp(name + 1, "cbq_enqueue", 11) &&
				(name[12] == '\n' || name[12] == '\t' || !name[12]);
		}
		fclose(f);
		if (found)
			return true;
	}
	if (uname(&u))
		return false;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]) && !found; i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", u.release, lists[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f))
			found = strstr(line, "/sch_cbq.ko") != NULL;
		fclose(f);
	}
	return found;
}

/* The book's name this runs as (argv[0]'s basename), or NULL. */
static void pick_alias(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	size_t i;

	base = base ? base + 1 : argv0;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (!strcmp(base, aliases[i].name)) {
			opt.alias = aliases[i].name;
			opt.kind = aliases[i].kind;
		}
	}
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const char *const tps[] = { "qdisc_enqueue", "qdisc_dequeue" };
	const char *tool = program_invocation_short_name;
	struct report_ctx r = {
		.hists = { .key_size = sizeof(struct qdisclat_key),
			   .slot_off = offsetof(struct qdisclat_key, slot),
			   .nslots = QDISCLAT_SLOTS },
		.format = { .unit = "us", .table_unit = "usecs", .name = "us",
			    .labels = labels, .cmp = key_cmp },
	};
	char why[256];
	int err;

	pick_alias(argv[0]);
	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (opt.kind && !strcmp(opt.kind, "cbq") && !kernel_has_cbq()) {
		fprintf(stderr, "%s: CBQ is gone from this kernel (%s): sch_cbq was removed "
			"in Linux 6.3 (and from later 6.1.y stable kernels), so no cbq qdisc "
			"can exist; htb or hfsc replace it (qdisclat traces every kind)\n",
			tool, kernel_release());
		return 1;
	}
	if (!tool_prepare(tool, &env))
		return 1;
	if (!tool_need_tracepoints(tool, "qdisc latency", "qdisc", tps, 2, NULL))
		return 1;
	if (!probe_tp_btf("qdisc_enqueue", why, sizeof(why)) ||
	    !probe_tp_btf("qdisc_dequeue", why, sizeof(why))) {
		fprintf(stderr, "%s: cannot trace qdisc latency: %s\n", tool, why);
		return 1;
	}
	r.skel = qdisclat_bpf__open();
	if (!r.skel) {
		report_bpf_failure(tool, "open the BPF object", -errno);
		return 1;
	}
	if (env.iface)
		strncpy((char *)r.skel->rodata->targ_dev, env.iface,
			sizeof(r.skel->rodata->targ_dev) - 1);
	if (opt.kind)
		strncpy((char *)r.skel->rodata->targ_kind, opt.kind,
			sizeof(r.skel->rodata->targ_kind) - 1);
	r.skel->rodata->targ_ms = opt.ms;
	r.format.tool = tool;
	if (opt.ms) {
		r.format.unit = r.format.name = "ms";
		r.format.table_unit = "msecs";
	}
	err = tool_load_attach(&env, tool, r.skel->skeleton,
			       "to tp_btf/qdisc_enqueue, qdisc_dequeue and kfree_skb");
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing qdisc %s latency. Ctrl-C to end.", opt.kind ? opt.kind : "queueing");
	err = tool_run(&env, report, &r);
cleanup:
	key_hists_free(&r.hists);
	qdisclat_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
