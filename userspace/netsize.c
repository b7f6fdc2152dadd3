// SPDX-License-Identifier: GPL-2.0
/*
 * netsize: network device I/O sizes as log2 histograms per device (BPF
 * Performance Tools 10.3.x, netsize.bt): the stack's skbs, the driver's
 * packets and the wire's segments, received and sent.
 */
#include <argp.h>
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
#include "tool.h"
#include "../bpf/netsize.h"
#include "netsize.skel.h"

static struct tool_env env;

const char *argp_program_version = "netsize " NETLENS_VERSION;
static const char doc[] =
"Show network device I/O sizes as log2 histograms per device, as the\n"
"book's netsize.bt, with GRO and GSO sizes apart from the wire's.\n"
"\n"
"  @recv_bytes          net:netif_receive_skb: skbs as the stack receives\n"
"                       them, GRO-merged ones whole\n"
"  @send_bytes          net:net_dev_queue: skbs as the stack sends them,\n"
"                       GSO ones whole\n"
"  @nic_recv_bytes      packets as the driver handed them over, before GRO\n"
"                       (napi_gro_receive_entry, napi_gro_frags_entry,\n"
"                       netif_receive_skb{,_list}_entry, netif_rx_entry: the\n"
"                       book took the first only, missing devices without\n"
"                       NAPI GRO such as loopback and veth)\n"
"  @nic_send_bytes      net:net_dev_start_xmit: skbs as the driver gets them\n"
"                       (after software GSO; a TSO skb whole).  The book\n"
"                       read net:net_dev_xmit, the same skb after the fact\n"
"  @recv_segment_bytes  the received skbs cut into their wire segments: a\n"
"  @send_segment_bytes  GRO/TSO skb of N segments counts N times, headers\n"
"                       plus gso_size each, the rest in the last\n"
"\n"
"Transmit sizes include the link-layer header, receive sizes do not (the\n"
"driver has pulled it), as in the book.  Segments of GSO types other than\n"
"TCP and UDP count at their average size.  All through tp_btf on the\n"
"stock net: tracepoints; no -p: receive runs in softirq context, for no\n"
"particular process.\n"
"\n"
"EXAMPLES:\n"
"    netsize              # histograms at Ctrl-C\n"
"    netsize -i eth0 5    # eth0's, every 5 seconds\n"
"    netsize -j           # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_IFACE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static const char *const map_names[NETSIZE_KINDS] = {
	[NETSIZE_RECV] = "recv_bytes",
	[NETSIZE_SEND] = "send_bytes",
	[NETSIZE_NIC_RECV] = "nic_recv_bytes",
	[NETSIZE_NIC_SEND] = "nic_send_bytes",
	[NETSIZE_RECV_SEGMENT] = "recv_segment_bytes",
	[NETSIZE_SEND_SEGMENT] = "send_segment_bytes",
};

/* By kind (the book's maps first), then device. */
static int key_cmp(const void *a, const void *b)
{
	const struct netsize_key *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strncmp(x->dev, y->dev, sizeof(x->dev));
}

static const char *name_of(const void *k)
{
	const struct netsize_key *key = k;

	return key->kind < NETSIZE_KINDS ? map_names[key->kind] : NULL;
}

static void labels(const void *k, FILE *json, char *buf, size_t len)
{
	const struct netsize_key *key = k;
	char dev[17];

	snprintf(dev, sizeof(dev), "%.16s", key->dev);
	if (json)
		json_str(json, "dev", dev);
	else
		snprintf(buf, len, "%s", dev);
}

static const struct key_hists_format format = {
	.tool = "netsize", .unit = "bytes", .table_unit = "bytes",
	.name_of = name_of, .labels = labels, .cmp = key_cmp,
};

struct report_ctx {
	struct netsize_bpf *skel;
	struct key_hists hists;
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;

	return key_hists_report(&r->hists, bpf_map__fd(r->skel->maps.sizes), &env, &format);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct report_ctx r = {
		.hists = { .key_size = sizeof(struct netsize_key),
			   .slot_off = offsetof(struct netsize_key, slot),
			   .nslots = NETSIZE_SLOTS },
	};
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("netsize", &env))
		return 1;
	r.skel = netsize_bpf__open();
	if (!r.skel) {
		report_bpf_failure("netsize", "open the BPF object", -errno);
		return 1;
	}
	if (env.iface)
		strncpy((char *)r.skel->rodata->targ_dev, env.iface,
			sizeof(r.skel->rodata->targ_dev) - 1);
	err = tool_load_attach(&env, "netsize", r.skel->skeleton,
			       "to the net: tracepoints (tp_btf)");
	if (!err) {
		tool_ready(&env, "Tracing net device send/receive sizes. Ctrl-C to end.");
		err = tool_run(&env, report, &r);
	}
	key_hists_free(&r.hists);
	netsize_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
