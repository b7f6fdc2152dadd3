// SPDX-License-Identifier: GPL-2.0
/*
 * tcpwin: TCP send congestion window, slow start threshold and send buffer
 * per received segment, as CSV for plotting (BPF Performance Tools 10.3.x,
 * tcpwin.bt), from the tcp:tcp_probe tracepoint; with the chapter's
 * exercise: retrans events (tcp:tcp_retransmit_skb and
 * tcp:tcp_retransmit_synack) and new events for sessions reaching
 * ESTABLISHED (sock:inet_sock_set_state), with their addresses and ports.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "socknames.h"
#include "tcpflow.h"
#include "tool.h"
#include "../bpf/tcpwin.h"
#include "tcpwin.skel.h"

#define EV(kind)	(1u << (kind))
#define EV_ALL		(EV(TCPWIN_RCV) | EV(TCPWIN_RETRANS) | EV(TCPWIN_NEW))

static struct tool_env env = { .no_interval = true };
static struct {
	unsigned int events;	/* -e: EV() bits; 0 until given (all) */
	uint16_t lports[TCPWIN_MAX_PORTS], rports[TCPWIN_MAX_PORTS];
	size_t nlports, nrports;
	unsigned long long start_ns;	/* CLOCK_MONOTONIC when tracing began */
} opt;

/* enum tcpwin_kind, as -e and the lines name them. */
static const char *const kind_names[] = {
	[TCPWIN_RCV] = "rcv", [TCPWIN_RETRANS] = "retrans", [TCPWIN_NEW] = "new",
};

const char *argp_program_version = "tcpwin " NETLENS_VERSION;
static const char doc[] =
"Trace TCP send congestion windows: one CSV line per received segment of\n"
"an established session, for plotting (the book's tcpwin.bt), with the\n"
"chapter's exercise: a line per retransmit and per session established.\n"
"\n"
"The book's header comes first; then, by event (time_us: microseconds\n"
"since tcpwin started; sock: the kernel's struct sock address, which joins\n"
"a session's lines):\n"
"  rcv,sock,time_us,snd_cwnd,snd_ssthresh,sk_sndbuf,sk_wmem_queued\n"
"      a segment arrives (tcp:tcp_probe, at the top of tcp_rcv_established,\n"
"      which the book kprobes): send congestion window and slow start\n"
"      threshold in segments, send buffer size and bytes queued in it\n"
"  retrans,sock,time_us,segs,state\n"
"      a retransmit (tcp:tcp_retransmit_skb): the segments resent, as the\n"
"      kernel's RetransSegs counts them, and the socket's TCP state; a\n"
"      listener's SYN-ACK resent (tcp:tcp_retransmit_synack) is 1 segment\n"
"      in NEW_SYN_RECV, its sock the request socket, not the session's\n"
"  new,sock,time_us,saddr,sport,daddr,dport\n"
"      a session reaches ESTABLISHED (sock:inet_sock_set_state): a line\n"
"      for each end of it that is local\n"
"-T adds a first column, time (HH:MM:SS).  -j prints JSON lines, units in\n"
"names (snd_cwnd_segs, snd_ssthresh_segs, sk_sndbuf_bytes,\n"
"sk_wmem_queued_bytes); retrans and new with the endpoints (laddr, lport,\n"
"raddr, rport).  Sessions established before tcpwin started have no new\n"
"line.  -L, -D, -4, -6 and --netns select sockets for every event.\n"
"\n"
"EXAMPLES:\n"
"    tcpwin > win.csv     # trace every session's window, as CSV\n"
"    tcpwin -e rcv        # the book's tcpwin.bt: rcv lines only\n"
"    tcpwin -L 443        # sessions of local port 443 (a server's)\n"
"    tcpwin -D 5201 -e rcv,retrans   # to an iperf3 server, no new lines\n"
"    tcpwin -6 -j         # IPv6 sessions, JSON lines\n"
"    tcpwin --netns /run/netns/blue  # one namespace's sockets\n";

enum { OPT_NETNS_SOCKET = TOOL_OPT_KEY_NETNS };

static const struct argp_option opts[] = {
	{ "events", 'e', "EVENTS", 0, "Print these events only: rcv, retrans, new (comma-separated; default: all)", 0 },
	TOOL_OPT_FAMILY,
	{ "localport", 'L', "PORTS", 0, "Sockets with these local ports only (comma-separated, at most 64)", 0 },
	{ "remoteport", 'D', "PORTS", 0, "Sockets with these remote ports only (comma-separated, at most 64)", 0 },
	{ "netns", OPT_NETNS_SOCKET, "NETNS", 0,
	  "Sockets in this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 },
	TOOL_OPT_COMMON,
	{},
};

/* -e: "rcv,new" into EV() bits; 0, or -1 with @err saying why. */
static int parse_events(const char *str, unsigned int *events, char *err, size_t errlen)
{
	char buf[128], *p = buf, *tok;
	unsigned int k;

	if (snprintf(buf, sizeof(buf), "%s", str) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "invalid events '%.64s...': too long", str);
		return -1;
	}
	*events = 0;
	while ((tok = strsep(&p, ","))) {
		for (k = TCPWIN_RCV; k <= TCPWIN_NEW; k++)
			if (!strcmp(tok, kind_names[k]))
				break;
		if (k > TCPWIN_NEW) {
			snprintf(err, errlen, "invalid event '%s': one of rcv, retrans, new", tok);
			return -1;
		}
		*events |= EV(k);
	}
	return 0;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];

	switch (key) {
	case 'e':
		if (parse_events(arg, &opt.events, err, sizeof(err)))
			argp_error(state, "-e: %s", err);
		return 0;
	case 'L':
		if (parse_ports(arg, opt.lports, TCPWIN_MAX_PORTS, &opt.nlports, err, sizeof(err)))
			argp_error(state, "-L: %s", err);
		return 0;
	case 'D':
		if (parse_ports(arg, opt.rports, TCPWIN_MAX_PORTS, &opt.nrports, err, sizeof(err)))
			argp_error(state, "-D: %s", err);
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One CSV line; @sock and @us formatted already. */
static void print_csv(const struct tcpwin_event *e, const char *sock, unsigned long long us)
{
	const struct tcp_flow *f = &e->flow;
	const char *state = tcp_state_name(e->state);
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	if (env.timestamp)
		printf("%s,", tool_time());
	printf("%s,%s,%llu", kind_names[e->kind], sock, us);
	switch (e->kind) {
	case TCPWIN_RCV:
		/* As the book's: printf("rcv,0x%llx,%lld,%d,%d,%d,%d\n", ...). */
		printf(",%u,%u,%d,%d\n", e->snd_cwnd, e->snd_ssthresh, e->sk_sndbuf,
		       e->sk_wmem_queued);
		break;
	case TCPWIN_RETRANS:
		printf(",%u,%s\n", e->segs, state ?: "?");
		break;
	default:
		printf(",%s,%u,%s,%u\n", flow_addr(l, sizeof(l), f->family, f->laddr), f->lport,
		       flow_addr(r, sizeof(r), f->family, f->raddr), f->rport);
	}
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct tcpwin_event *e = data;
	unsigned long long us;
	char sock[24];

	if (len < sizeof(*e) || e->kind < TCPWIN_RCV || e->kind > TCPWIN_NEW)
		return 0;
	us = e->ts_ns > opt.start_ns ? (e->ts_ns - opt.start_ns) / 1000 : 0;
	snprintf(sock, sizeof(sock), "0x%llx", (unsigned long long)e->sock);
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", kind_names[e->kind]);
		json_str(stdout, "sock", sock);
		json_u64(stdout, "time_us", us);
		if (e->kind == TCPWIN_RCV) {
			json_u64(stdout, "snd_cwnd_segs", e->snd_cwnd);
			json_u64(stdout, "snd_ssthresh_segs", e->snd_ssthresh);
			json_s64(stdout, "sk_sndbuf_bytes", e->sk_sndbuf);
			json_s64(stdout, "sk_wmem_queued_bytes", e->sk_wmem_queued);
		} else {
			json_flow(stdout, &e->flow);
		}
		if (e->kind == TCPWIN_RETRANS) {
			json_u64(stdout, "segs", e->segs);
			json_enum(stdout, "state", e->state, tcp_state_name(e->state));
		}
		json_end(stdout);
	} else {
		print_csv(e, sock, us);
	}
	/* Line by line, as the other tools: a reader sees each as it happens. */
	fflush(stdout);
	return 0;
}

/* The tracepoints the events in @events need exist here?  Else says which not. */
static bool probe_events(unsigned int events)
{
	static const char *const set_state[] = { "inet_sock_set_state" };
	static const char *const retrans_tps[] = { "tcp_retransmit_skb", "tcp_retransmit_synack" };
	char why[1024];
	size_t i;

	if ((events & EV(TCPWIN_RCV)) && !probe_tp_btf("tcp_probe", why, sizeof(why))) {
		fprintf(stderr, "tcpwin: cannot trace rcv events (received segments): %s\n", why);
		return false;
	}
	for (i = 0; (events & EV(TCPWIN_RETRANS)) && i < 2; i++) {
		if (!probe_tp_btf(retrans_tps[i], why, sizeof(why))) {
			fprintf(stderr, "tcpwin: cannot trace retrans events: %s\n", why);
			return false;
		}
	}
	return !(events & EV(TCPWIN_NEW)) ||
	       tool_need_tracepoints("tcpwin", "new events (sessions established)", "sock",
				     set_state, 1, "Linux 4.16 or later");
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct ring_buffer *rb = NULL;
	struct tcpwin_bpf *skel;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!opt.events)
		opt.events = EV_ALL;
	if (!tool_prepare("tcpwin", &env) || !probe_events(opt.events))
		return 1;

	skel = tcpwin_bpf__open();
	if (!skel) {
		report_bpf_failure("tcpwin", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_lports = opt.nlports > 0;
	skel->rodata->filter_rports = opt.nrports > 0;
	/* Events not asked for cost nothing: their programs are not loaded. */
	bpf_program__set_autoload(skel->progs.tcp_probe, opt.events & EV(TCPWIN_RCV));
	bpf_program__set_autoload(skel->progs.tcp_retransmit_skb, opt.events & EV(TCPWIN_RETRANS));
	bpf_program__set_autoload(skel->progs.tcp_retransmit_synack,
				  opt.events & EV(TCPWIN_RETRANS));
	bpf_program__set_autoload(skel->progs.inet_sock_set_state, opt.events & EV(TCPWIN_NEW));
	err = tool_load_attach(&env, "tcpwin", skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("tcpwin", bpf_map__fd(skel->maps.lports), opt.lports,
				      opt.nlports, "-L");
	if (!err)
		err = tool_fill_ports("tcpwin", bpf_map__fd(skel->maps.rports), opt.rports,
				      opt.nrports, "-D");
	if (err)
		goto cleanup;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure("tcpwin", "create the ring buffer", err);
		goto cleanup;
	}
	/* Before the first event can fire: time_us is never negative. */
	opt.start_ns = monotonic_ns();
	err = tool_attach("tcpwin", skel->skeleton, "to the TCP tracepoints");
	if (err)
		goto cleanup;

	/* The CSV on stdout stays the book's, whatever it is redirected to. */
	fprintf(stderr, "Tracing TCP windows. Ctrl-C to end.\n");
	if (!env.json)
		tool_ready(&env, "%sevent,sock,time_us,snd_cwnd,snd_ssthresh,sk_sndbuf,sk_wmem_queued",
			   env.timestamp ? "time," : "");
	err = tool_poll_events("tcpwin", rb);
	if (skel->bss->lost_events)
		fprintf(stderr, "tcpwin: %llu events lost (ring buffer full)\n",
			(unsigned long long)skel->bss->lost_events);
cleanup:
	ring_buffer__free(rb);
	tcpwin_bpf__destroy(skel);
	return err ? 1 : 0;
}
