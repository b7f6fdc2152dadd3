// SPDX-License-Identifier: GPL-2.0
/*
 * nettxlat (and nettxlat-dev): network device transmit latency, from
 * transmit start to the skb's release, as a log2 histogram of
 * microseconds, overall or per device (BPF Performance Tools 10.3.x,
 * nettxlat.bt and nettxlat-dev.bt).
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "keyhist.h"
#include "msgsrc.h"
#include "tool.h"
#include "../bpf/nettxlat.h"
#include "nettxlat.skel.h"

static struct tool_env env;
static bool per_device;

const char *argp_program_version = "nettxlat " NETLENS_VERSION;
static const char doc[] =
"Show network device transmit latency: from the start of each transmit\n"
"(net:net_dev_start_xmit) to the release of its skb, as a log2 histogram\n"
"of microseconds (@us, as the book's nettxlat.bt), or one per device with\n"
"-D (@us[DEVICE], as nettxlat-dev.bt; also run as nettxlat-dev).\n"
"\n"
"The release is when the driver is done with the skb: on a NIC, transmit\n"
"completion; on veth and loopback the same skb goes on to be received, so\n"
"the time runs until the receiver frees it.  Source of releases, best\n"
"first: netlens.ko's netlens:skb_free, which sees every way an skb is\n"
"freed (armed only while traced); without the module, skb:consume_skb and\n"
"skb:kfree_skb, as the book (its consume_skb only missed drops), which\n"
"skbs freed by __kfree_skb or kfree_skb_partial (TCP's coalesced\n"
"receives) bypass: those are forgotten, not counted (said on stderr).\n"
"A forwarded skb counts from its last transmit start.\n"
"\n"
"EXAMPLES:\n"
"    nettxlat             # the histogram at Ctrl-C\n"
"    nettxlat -D 5        # per device, every 5 seconds (nettxlat-dev 5)\n"
"    nettxlat -i eth0 -j  # eth0's transmits, JSON lines\n";

enum { OPT_PER_DEVICE = 'D' };

static const struct argp_option opts[] = {
	{ "per-device", OPT_PER_DEVICE, NULL, 0, "A histogram per device (nettxlat-dev)", 0 },
	TOOL_OPT_IFACE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key == OPT_PER_DEVICE) {
		per_device = true;
		return 0;
	}
	return tool_parse_common(key, arg, state, &env);
}

/* Where releases come from, best first (bpf/nettxlat.bpf.c). */
static const struct msg_source release_sources[] = {
	{ ATTACH_TP_BTF, "skb_free", "skb_free", "tracepoint:netlens:skb_free", "netlens",
	  { "skb_free" } },
	{ ATTACH_TP_BTF, "consume_skb", "kfree_skb",
	  "tracepoint:skb:consume_skb and kfree_skb (skbs freed by __kfree_skb or kfree_skb_partial are not seen)",
	  "skb", { "consume_skb", "kfree_skb" } },
};

static int key_cmp(const void *a, const void *b)
{
	const struct nettxlat_key *x = a, *y = b;

	return strncmp(x->dev, y->dev, sizeof(x->dev));
}

/* -D: the device; else none (@us). */
static void labels(const void *k, FILE *json, char *buf, size_t len)
{
	const struct nettxlat_key *key = k;
	char dev[17];

	if (!per_device)
		return;
	snprintf(dev, sizeof(dev), "%.16s", key->dev);
	if (json)
		json_str(json, "dev", dev);
	else
		snprintf(buf, len, "%s", dev);
}

static const struct key_hists_format format = {
	.tool = "nettxlat", .unit = "us", .table_unit = "usecs", .name = "us",
	.labels = labels, .cmp = key_cmp,
};

struct report_ctx {
	struct nettxlat_bpf *skel;
	struct key_hists hists;
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;

	return key_hists_report(&r->hists, bpf_map__fd(r->skel->maps.latency), &env, &format);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct report_ctx r = {
		.hists = { .key_size = sizeof(struct nettxlat_key),
			   .slot_off = offsetof(struct nettxlat_key, slot),
			   .nslots = NETTXLAT_SLOTS },
	};
	size_t n = sizeof(release_sources) / sizeof(release_sources[0]), source;
	int err;

	/* The book's nettxlat-dev.bt is this tool per device. */
	per_device = !strcmp(basename(argv[0]), "nettxlat-dev");
	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("nettxlat", &env))
		return 1;
	r.skel = nettxlat_bpf__open();
	if (!r.skel) {
		report_bpf_failure("nettxlat", "open the BPF object", -errno);
		return 1;
	}
	r.skel->rodata->per_device = per_device;
	if (env.iface)
		strncpy((char *)r.skel->rodata->targ_dev, env.iface,
			sizeof(r.skel->rodata->targ_dev) - 1);
	source = msg_source_use("nettxlat", "sk_buff releases", release_sources, n, r.skel->obj);
	if (source == n) {
		err = -ENOENT;
		goto cleanup;
	}
	err = tool_load_attach(&env, "nettxlat", r.skel->skeleton, release_sources[source].label);
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing net device xmit queue latency. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	key_hists_free(&r.hists);
	nettxlat_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
