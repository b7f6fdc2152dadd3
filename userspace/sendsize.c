// SPDX-License-Identifier: GPL-2.0
/*
 * sendsize: TCP and UDP send sizes as log2 histograms (BPF Performance
 * Tools 10.4 one-liners), as a libbpf CO-RE tool.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include <netinet/in.h>

#include "hist.h"
#include "jsonout.h"
#include "socknames.h"
#include "tool.h"
#include "sendsize.skel.h"

#define HIST_SLOTS 64

static struct tool_env env;

const char *argp_program_version = "sendsize " NETLENS_VERSION;
static const char doc[] =
"TCP and UDP send sizes as log2 histograms.\n"
"\n"
"Replaces the 10.4 one-liners\n"
"    funccount -H \"x::tcp_sendmsg\"   (TCP send bytes as a histogram)\n"
"    funccount -H \"p::udp_sendmsg\"   (UDP send bytes as a histogram)\n"
"(in BCC: argdist -H 'p::tcp_sendmsg(void *sk, void *msg, int size):int:size').\n"
"Source, best first: the sock:sock_send_length tracepoint (Linux 6.3+;\n"
"bytes sent per message), tp_btf on it, else fentry or kprobes on\n"
"tcp_sendmsg, udp_sendmsg and udpv6_sendmsg (bytes asked for).  The\n"
"histograms print at Ctrl-C, or every interval.\n"
"\n"
"EXAMPLES:\n"
"    sendsize             # histograms at Ctrl-C\n"
"    sendsize -p 181      # PID 181 only\n"
"    sendsize -T 10       # every 10 seconds, with the time\n"
"    sendsize -j          # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static char source[64];

static void print_one(unsigned int protocol, const char *name, const __u64 *slots)
{
	bool any = false;
	int i;

	for (i = 0; i < HIST_SLOTS; i++)
		any |= slots[i] != 0;
	if (!any)
		return;
	if (env.json) {
		json_hist_begin(stdout, "send_size", "bytes", "log2");
		json_enum(stdout, "protocol", protocol, ipproto_name(protocol));
		json_str(stdout, "source", source);
		json_hist_end_log2(stdout, slots, HIST_SLOTS);
	} else {
		printf("%s send bytes (%s):\n", name, source);
		hist_print_log2(stdout, slots, HIST_SLOTS, "bytes");
		printf("\n");
	}
}

static int report(void *ctx)
{
	struct sendsize_bpf *skel = ctx;
	int fd = bpf_map__fd(skel->maps.hists);
	static const char *const names[] = { "TCP", "UDP" };
	static const unsigned int protocols[] = { IPPROTO_TCP, IPPROTO_UDP };
	__u64 slots[HIST_SLOTS];
	__u32 i;

	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	for (i = 0; i < 2; i++) {
		if (bpf_map_lookup_elem(fd, &i, slots))
			return -errno;
		print_one(protocols[i], names[i], slots);
		if (env.interval) {
			memset(slots, 0, sizeof(slots));
			bpf_map_update_elem(fd, &i, slots, BPF_ANY);
		}
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct attach_alts alts = { "sock", "sock_send_length", "sock_send_length",
				    "tcp_sendmsg" };
	struct sendsize_bpf *skel;
	enum attach_kind kind;
	char why[1024];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("sendsize", &env))
		return 1;
	kind = probe_best(&alts, why, sizeof(why));
	if (kind == ATTACH_NONE) {
		fprintf(stderr, "sendsize: cannot trace sends: %s\n", why);
		return 1;
	}
	if (kind == ATTACH_TRACEPOINT || kind == ATTACH_TP_BTF)
		attach_label(&alts, kind, source, sizeof(source));
	else
		snprintf(source, sizeof(source), "%s:*_sendmsg", attach_kind_name(kind));
	if (*why)
		fprintf(stderr, "sendsize: using %s (%s)\n", source, why);

	skel = sendsize_bpf__open();
	if (!skel) {
		report_bpf_failure("sendsize", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	attach_autoload(kind, SOCK_MSG_PROGS(skel->progs, sock_send_length, tcp_sendmsg));
	attach_autoload(kind, SOCK_MSG_FUNC_PROGS(skel->progs, udp_sendmsg));
	attach_autoload(kind, SOCK_MSG_FUNC_PROGS(skel->progs, udpv6_sendmsg));
	err = tool_load_attach(&env, "sendsize", skel->skeleton, "the BPF programs");
	if (!err) {
		tool_ready(&env, "Tracing TCP and UDP send sizes (%s). Ctrl-C to end.", source);
		err = tool_run(&env, report, skel);
	}
	sendsize_bpf__destroy(skel);
	return err ? 1 : 0;
}
