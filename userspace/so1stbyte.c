// SPDX-License-Identifier: GPL-2.0
/*
 * so1stbyte: IP socket first-byte latency, from connect(2) to the first
 * receive that returned data on that socket, as log2 histograms of
 * microseconds per process (BPF Performance Tools 10.3.x, so1stbyte.bt).
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
#include "msgsrc.h"
#include "tool.h"
#include "../bpf/so1stbyte.h"
#include "so1stbyte.skel.h"

static struct tool_ports ports;
static struct tool_env env = { .ports = &ports };

const char *argp_program_version = "so1stbyte " NETLENS_VERSION;
static const char doc[] =
"Summarize IP socket first-byte latency as log2 histograms of microseconds\n"
"per process (@us[comm, pid]), as the book's so1stbyte.bt: from connect(2)\n"
"to the first receive on that socket that returned data.\n"
"\n"
"The clock starts at connect(2) of an IPv4 or IPv6 socket that returned 0\n"
"or EINPROGRESS (a repeated connect on a connecting or connected TCP socket\n"
"does not restart it) and stops at the first receive call on that socket\n"
"(read, recv*, io_uring; any thread or process) that returned more than 0\n"
"bytes; a peek counts, as the data was there.  The histogram is the\n"
"connecting process's.  Sockets are known by their inode number, which no\n"
"later socket reuses.  Receives: the kernel's sock:sock_recv_length\n"
"tracepoint (6.3+); where the kernel has none, netlens.ko's\n"
"netlens:inet_recv_length (return hooks on inet_recvmsg and inet6_recvmsg,\n"
"armed only while traced); without the module, fexit, then kprobe and\n"
"kretprobe pairs on those functions (said on stderr).  The book stops at\n"
"the first read-like syscall's return whatever it returned: a non-blocking\n"
"socket's EAGAIN ends it at once.\n"
"\n"
"EXAMPLES:\n"
"    so1stbyte            # histograms at Ctrl-C\n"
"    so1stbyte -p 181 5   # PID 181's, every 5 seconds\n"
"    so1stbyte -P 443 -j  # connects to port 443, JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_PORTS("Connects to these ports only"),
	TOOL_OPT_CONTAINER,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

/* Where receives come from, best first: only the chosen one's programs load. */
static const struct msg_source sources[] = {
	{ ATTACH_TP_BTF, "sock_recv_length", "sock_recv_length",
	  "tracepoint:sock:sock_recv_length", NULL, { "sock_recv_length" } },
	{ ATTACH_TP_BTF, "inet_recv_length", "inet_recv_length",
	  "tracepoint:netlens:inet_recv_length", "netlens", { "inet_recv_length" } },
	{ ATTACH_FENTRY, "inet_recvmsg", "inet6_recvmsg",
	  "fexit:inet_recvmsg and inet6_recvmsg", NULL,
	  { "fexit_inet_recvmsg", "fexit_inet6_recvmsg" } },
	{ ATTACH_KPROBE, "inet_recvmsg", "inet6_recvmsg",
	  "kprobe and kretprobe:inet_recvmsg and inet6_recvmsg", NULL,
	  { "kprobe_inet_recvmsg", "kretprobe_inet_recvmsg", "kprobe_inet6_recvmsg",
	    "kretprobe_inet6_recvmsg" } },
};

#define NSOURCES	(sizeof(sources) / sizeof(sources[0]))

/* By process name, then PID. */
static int key_cmp(const void *a, const void *b)
{
	const struct so1stbyte_key *x = a, *y = b;
	int c = strncmp(x->comm, y->comm, sizeof(x->comm));

	if (c)
		return c;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void labels(const void *k, FILE *json, char *buf, size_t len)
{
	const struct so1stbyte_key *key = k;
	char comm[17];

	tool_comm(comm, key->comm);
	if (json) {
		json_str(json, "comm", comm);
		json_u64(json, "pid", key->pid);
	} else {
		snprintf(buf, len, "%s, %u", comm, key->pid);
	}
}

static const struct key_hists_format format = {
	.tool = "so1stbyte", .unit = "us", .table_unit = "usecs", .name = "us",
	.labels = labels, .cmp = key_cmp,
};

struct report_ctx {
	struct so1stbyte_bpf *skel;
	struct key_hists hists;
	unsigned long long missed_reported;
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;
	int err;

	err = key_hists_report(&r->hists, bpf_map__fd(r->skel->maps.hists), &env, &format);
	msg_source_warn_missed("so1stbyte", r->skel->bss->inet_recv_missed, &r->missed_reported);
	return err;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect" };
	struct report_ctx r = {
		.hists = { .key_size = sizeof(struct so1stbyte_key),
			   .slot_off = offsetof(struct so1stbyte_key, slot),
			   .nslots = SO1STBYTE_SLOTS },
	};
	size_t source;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("so1stbyte", &env))
		return 1;
	if (!tool_need_tracepoints("so1stbyte", "connect(2)", "syscalls", tps, 2,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;
	r.skel = so1stbyte_bpf__open();
	if (!r.skel) {
		report_bpf_failure("so1stbyte", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	r.skel->rodata->filter_ports = ports.n > 0;
	source = msg_source_use("so1stbyte", "socket receives", sources, NSOURCES, r.skel->obj);
	if (source == NSOURCES) {
		err = -ENOENT;
		goto cleanup;
	}
	err = tool_load_attach(&env, "so1stbyte", r.skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("so1stbyte", bpf_map__fd(r.skel->maps.ports), ports.list,
				      ports.n, "-P");
	if (!err)
		err = tool_attach("so1stbyte", r.skel->skeleton, sources[source].label);
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing IP socket first-read-byte latency. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	key_hists_free(&r.hists);
	so1stbyte_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
