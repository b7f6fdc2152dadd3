// SPDX-License-Identifier: GPL-2.0
/*
 * ipecn: IPv4 and IPv6 packets marked ECN Congestion Experienced, inbound
 * and outbound, one line each (BPF Performance Tools 10.3.x, ipecn.bt,
 * and the chapter's exercise: outbound too, and IPv6).
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/ipecn.h"
#include "ipecn.skel.h"

/* The time on every line, as the book's. */
static struct tool_env env = { .no_interval = true, .timestamp = true };
static int only_dir = -1;	/* -d: IPECN_IN or IPECN_OUT; -1: both */

const char *argp_program_version = "ipecn " NETLENS_VERSION;
static const char doc[] =
"Trace IPv4 and IPv6 packets marked ECN Congestion Experienced (CE), as\n"
"they are received and as they are sent: a line each with the direction,\n"
"device, addresses and protocol, after the time (as the book's).\n"
"\n"
"The book's ipecn.bt traced inbound IPv4 only (kprobe ip_rcv); its\n"
"exercise asks for outbound and IPv6.  Inbound is net:netif_receive_skb,\n"
"outbound net:net_dev_start_xmit (tp_btf both): after the qdisc, so marks\n"
"an AQM such as fq_codel (ce_threshold) or red (ecn) sets on this host's\n"
"egress are seen.  One line per skb: a GRO or TSO skb of several\n"
"segments is one line, as the qdiscs count their ce_mark.\n"
"\n"
"EXAMPLES:\n"
"    ipecn                # every CE-marked packet, both directions\n"
"    ipecn -d in -4       # inbound IPv4 only, as the book's ipecn.bt\n"
"    ipecn -i eth0 -j     # eth0's, JSON lines\n";

static const struct argp_option opts[] = {
	{ "direction", 'd', "DIR", 0, "in or out only", 0 },
	TOOL_OPT_IFACE,
	TOOL_OPT_FAMILY,
	TOOL_OPT_WIDE("Wide address columns"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'd')
		return tool_parse_common(key, arg, state, &env);
	if (!strcmp(arg, "in"))
		only_dir = IPECN_IN;
	else if (!strcmp(arg, "out"))
		only_dir = IPECN_OUT;
	else
		argp_error(state, "invalid direction '%s': in or out", arg);
	return 0;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct ipecn_event *e = data;
	char saddr[INET6_ADDRSTRLEN] = "?", daddr[INET6_ADDRSTRLEN] = "?", dev[17];
	const char *dir, *proto;
	int af;

	if (len < sizeof(*e))
		return 0;
	af = e->family == AF_INET ? AF_INET : AF_INET6;
	inet_ntop(af, e->saddr, saddr, sizeof(saddr));
	inet_ntop(af, e->daddr, daddr, sizeof(daddr));
	snprintf(dev, sizeof(dev), "%.16s", e->dev);
	dir = e->dir == IPECN_IN ? "in" : "out";
	proto = ipproto_name(e->protocol);
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "ce");
		json_str(stdout, "dir", dir);
		json_str(stdout, "dev", dev);
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_str(stdout, "saddr", saddr);
		json_str(stdout, "daddr", daddr);
		json_enum(stdout, "protocol", e->protocol, proto);
		json_u64(stdout, "len_bytes", e->len);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-3s %-16s %-2d %-*s %-*s %s\n", dir, dev, af == AF_INET ? 4 : 6,
		       env.wide ? 39 : 16, saddr, env.wide ? 39 : 16, daddr,
		       proto ? proto + strlen("IPPROTO_") : "?");
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct tool_events te = {};
	struct ipecn_bpf *skel;
	char ready[256];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("ipecn", &env))
		return 1;
	skel = ipecn_bpf__open();
	if (!skel) {
		report_bpf_failure("ipecn", "open the BPF object", -errno);
		return 1;
	}
	skel->rodata->targ_family = env.family;
	skel->rodata->trace_in = only_dir != IPECN_OUT;
	skel->rodata->trace_out = only_dir != IPECN_IN;
	if (env.iface)
		strncpy((char *)skel->rodata->targ_dev, env.iface, sizeof(skel->rodata->targ_dev) - 1);
	te.attach_what = "to net:netif_receive_skb and net_dev_start_xmit (tp_btf)";
	te.events = skel->maps.events;
	te.handle = handle_event;
	if (env.json)
		snprintf(ready, sizeof(ready), "Tracing ECN Congestion Experienced. Ctrl-C to end.");
	else
		snprintf(ready, sizeof(ready), "%-3s %-16s %-2s %-*s %-*s %s", "DIR", "DEVICE", "IP",
			 env.wide ? 39 : 16, "SADDR", env.wide ? 39 : 16, "DADDR", "PROTO");
	err = tool_events_run("ipecn", &env, skel->skeleton, &te, ready);
	ipecn_bpf__destroy(skel);
	return err ? 1 : 0;
}
