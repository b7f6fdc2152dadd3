// SPDX-License-Identifier: GPL-2.0
/*
 * udplife: UDP flows, the datagrams one socket exchanged with one peer,
 * printed with their bytes and lifespan once idle (BPF Performance Tools
 * 10.5, the udplife exercise; tcplife's columns).
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
#include "msgsrc.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/udplife.h"
#include "udplife.skel.h"

#define UDPLIFE_MAX_FLOWS	16384	/* the BPF map's size */
#define UDPLIFE_SCAN_MS		200

static struct tool_env env = { .no_interval = true };
static unsigned int idle_s = 5;

const char *argp_program_version = "udplife " NETLENS_VERSION;
static const char doc[] =
"Trace UDP flows: one line per flow once it has been idle, with its\n"
"addresses, ports, bytes sent and received, and its lifespan (the\n"
"chapter's udplife exercise, with tcplife's columns).\n"
"\n"
"UDP has no sessions: a flow is what one socket exchanged with one peer\n"
"(socket, local and remote address and port), from the first datagram's\n"
"send or receive to the last; it ends when idle for -I seconds (default\n"
"5), or when udplife ends (Ctrl-C prints every flow).  The peer of a\n"
"connected socket is the socket's; of an unconnected one, the address\n"
"given to sendto/sendmsg or returned by recvfrom/recvmsg; '*' when the\n"
"caller asked for none (recv(2), read(2), sendmmsg/recvmmsg).  PID and\n"
"COMM are the task of the first datagram; TX_KB and RX_KB count the\n"
"payload the calls returned; MS spans the first to the last datagram.\n"
"For a connected socket's life from connect(2) to close(2), see solife.\n"
"\n"
"Sources: the bytes from sock:sock_send_length and sock_recv_length\n"
"(6.3+), else netlens.ko's inet_send_length and inet_recv_length, else\n"
"fexit or kprobes on inet{,6}_{send,recv}msg; the peers from\n"
"syscalls:sys_{enter,exit}_{sendto,recvfrom,sendmsg,recvmsg}.\n"
"\n"
"EXAMPLES:\n"
"    udplife              # trace UDP flows, 5 s idle ends one\n"
"    udplife -I 1         # a flow ends after 1 s without datagrams\n"
"    udplife -p 181 -T    # PID 181's flows, with a HH:MM:SS column\n"
"    udplife -6 -w        # IPv6 only, wide columns\n"
"    udplife -j           # JSON lines\n";

static const struct argp_option opts[] = {
	{ "idle", 'I', "SECONDS", 0, "A flow ends after this long without datagrams (1-3600, default 5)", 0 },
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_WIDE("Wide columns"),
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];
	uint64_t v;

	if (key != 'I')
		return tool_parse_common(key, arg, state, &env);
	if (parse_u64_range(arg, "SECONDS", 1, 3600, &v, err, sizeof(err)))
		argp_error(state, "%s", err);
	idle_s = v;
	return 0;
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void print_flow(const struct udplife_key *k, const struct udplife_flow *f)
{
	char laddr[INET6_ADDRSTRLEN] = "?", raddr[INET6_ADDRSTRLEN] = "*", rport[8] = "*";
	char comm[17];
	int af = k->family == AF_INET ? AF_INET : AF_INET6;
	unsigned long long span = f->last_ns - f->first_ns;
	int aw = env.wide ? 39 : 15;

	tool_comm(comm, f->comm);
	inet_ntop(af, k->laddr, laddr, sizeof(laddr));
	if (k->rport) {
		inet_ntop(af, k->raddr, raddr, sizeof(raddr));
		snprintf(rport, sizeof(rport), "%u", k->rport);
	}
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "flow");
		json_u64(stdout, "pid", f->pid);
		json_str(stdout, "comm", comm);
		json_enum(stdout, "family", k->family, family_name(k->family));
		json_str(stdout, "laddr", laddr);
		json_u64(stdout, "lport", k->lport);
		json_str(stdout, "raddr", raddr);
		json_u64(stdout, "rport", k->rport);
		json_u64(stdout, "tx_bytes", f->tx_bytes);
		json_u64(stdout, "rx_bytes", f->rx_bytes);
		json_u64(stdout, "tx_packets", f->tx_packets);
		json_u64(stdout, "rx_packets", f->rx_packets);
		json_u64(stdout, "span_us", span / 1000);
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-7u %-*.*s %-*s %-5u %-*s %-5s %5llu %5llu %llu.%02llu\n", f->pid,
		       env.wide ? 16 : 10, env.wide ? 16 : 10, comm, aw, laddr, k->lport, aw, raddr,
		       rport, (unsigned long long)f->tx_bytes / 1024,
		       (unsigned long long)f->rx_bytes / 1024, span / 1000000, span / 10000 % 100);
	}
}

/* Print and drop the flows idle for idle_s (@all: every flow). */
static int scan(int fd, bool all)
{
	static struct udplife_key keys[UDPLIFE_MAX_FLOWS];
	unsigned long long now = mono_ns(), idle = idle_s * 1000000000ULL;
	struct udplife_key *prev = NULL;
	struct udplife_flow f;
	size_t n = 0, i;

	while (n < UDPLIFE_MAX_FLOWS && !bpf_map_get_next_key(fd, prev, &keys[n])) {
		prev = &keys[n];
		n++;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &f))
			continue;
		if (!all && now - f.last_ns < idle)
			continue;
		/* Gone first: a datagram in between makes a new flow, not a lost count. */
		bpf_map_delete_elem(fd, &keys[i]);
		print_flow(&keys[i], &f);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = {
		"sys_enter_sendto", "sys_exit_sendto", "sys_enter_recvfrom", "sys_exit_recvfrom",
		"sys_enter_sendmsg", "sys_exit_sendmsg", "sys_enter_recvmsg", "sys_exit_recvmsg",
	};
	struct timespec tick = { 0, UDPLIFE_SCAN_MS * 1000000L };
	unsigned long long missed = 0;
	struct udplife_bpf *skel;
	size_t source;
	int err, fd;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("udplife", &env))
		return 1;
	if (!tool_need_tracepoints("udplife", "the peers of UDP datagrams", "syscalls", tps, 8,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;
	skel = udplife_bpf__open();
	if (!skel) {
		report_bpf_failure("udplife", "open the BPF object", -errno);
		return 1;
	}
	source = msg_source_use("udplife", "UDP sends and receives", msg_sources_inet,
				msg_sources_inet_n, skel->obj);
	if (source == msg_sources_inet_n) {
		udplife_bpf__destroy(skel);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	err = tool_load_attach(&env, "udplife", skel->skeleton, msg_sources_inet[source].label);
	if (err)
		goto cleanup;
	fd = bpf_map__fd(skel->maps.flows);
	if (env.json) {
		tool_ready(&env, "Tracing UDP flows (%u s idle ends one). Ctrl-C to end.", idle_s);
	} else {
		if (env.timestamp)
			printf("%-8s ", "TIME");
		tool_ready(&env, "%-7s %-*s %-*s %-5s %-*s %-5s %5s %5s %s", "PID",
			   env.wide ? 16 : 10, "COMM", env.wide ? 39 : 15, "LADDR", "LPORT",
			   env.wide ? 39 : 15, "RADDR", "RPORT", "TX_KB", "RX_KB", "MS");
	}
	while (!tool_exiting) {
		nanosleep(&tick, NULL);
		scan(fd, false);
		msg_source_warn_missed("udplife", skel->bss->inet_send_missed +
				       skel->bss->inet_recv_missed, &missed);
	}
	scan(fd, true);
	if (skel->bss->lost_flows)
		fprintf(stderr, "udplife: %llu flows not tracked (map full)\n",
			(unsigned long long)skel->bss->lost_flows);
cleanup:
	udplife_bpf__destroy(skel);
	return err ? 1 : 0;
}
