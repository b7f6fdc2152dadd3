// SPDX-License-Identifier: GPL-2.0
/*
 * superping: ICMP and ICMPv6 echo round trips measured in the network
 * stack, a line per reply (BPF Performance Tools 10.3.x, superping.bt).
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
#include "../bpf/superping.h"
#include "superping.skel.h"

static struct tool_env env = { .no_interval = true };

const char *argp_program_version = "superping " NETLENS_VERSION;
static const char doc[] =
"Measure ICMP and ICMPv6 echo (ping) round trips inside the network\n"
"stack: from the echo request queued to its device (net:net_dev_queue,\n"
"before the qdisc) to its reply handed over by the device's driver (the\n"
"net: driver entry tracepoints: netif_rx_entry, netif_receive_skb_entry,\n"
"netif_receive_skb_list_entry, napi_gro_receive_entry), matched by\n"
"address, identifier and sequence number; one line per reply, in the\n"
"book's words.  The time leaves out the pinging process's scheduling and\n"
"system calls, which ping's own times include.\n"
"\n"
"The book's superping.bt kprobes ip_send_skb, ip6_send_skb, icmp_rcv and\n"
"icmpv6_rcv; this uses only stable tracepoints (tp_btf), and works for\n"
"ping's ICMP datagram sockets as for raw ones.  Requests answered by no\n"
"reply are forgotten (a bounded table).\n"
"\n"
"EXAMPLES:\n"
"    superping            # every ping's round trip\n"
"    superping -6 -j      # IPv6 only, JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_FAMILY,
	TOOL_OPT_WIDE("Wide address column"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct superping_event *e = data;
	char addr[INET6_ADDRSTRLEN] = "?", dev[17];
	int af;

	if (len < sizeof(*e))
		return 0;
	af = e->family == AF_INET ? AF_INET : AF_INET6;
	inet_ntop(af, e->addr, addr, sizeof(addr));
	snprintf(dev, sizeof(dev), "%.16s", e->dev);
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "echo");
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_str(stdout, "addr", addr);
		json_u64(stdout, "id", ntohs(e->id));
		json_u64(stdout, "seq", ntohs(e->seq));
		json_str(stdout, "dev", dev);
		json_u64(stdout, "rtt_ns", e->rtt_ns);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		/* The book's line, the address added. */
		printf("IPv%d ping %s, ID %u seq %u: %llu us\n", af == AF_INET ? 4 : 6, addr,
		       ntohs(e->id), ntohs(e->seq), (unsigned long long)e->rtt_ns / 1000);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct tool_events te = {};
	struct superping_bpf *skel;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("superping", &env))
		return 1;
	skel = superping_bpf__open();
	if (!skel) {
		report_bpf_failure("superping", "open the BPF object", -errno);
		return 1;
	}
	skel->rodata->targ_family = env.family;
	te.attach_what = "to net:net_dev_queue and the driver entry tracepoints (tp_btf)";
	te.events = skel->maps.events;
	te.handle = handle_event;
	err = tool_events_run("superping", &env, skel->skeleton, &te,
			      "Tracing ICMP ping latency. Ctrl-C to end.");
	superping_bpf__destroy(skel);
	return err ? 1 : 0;
}
