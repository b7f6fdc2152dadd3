// SPDX-License-Identifier: GPL-2.0
/*
 * socksize: socket read and write sizes as log2 histograms per process
 * name (BPF Performance Tools 10.3.x, socksize.bt), from what each send
 * and receive call on an IPv4 or IPv6 socket returned.
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
#include "../bpf/socksize.h"
#include "socksize.skel.h"

static struct tool_env env;

const char *argp_program_version = "socksize " NETLENS_VERSION;
static const char doc[] =
"Show socket I/O sizes as log2 histograms per process name: @read_bytes\n"
"and @write_bytes, as the book's socksize.bt.\n"
"\n"
"Each send or receive call on an IPv4 or IPv6 socket counts once, with\n"
"the bytes it returned (0: end of stream; errors and peeks left out).\n"
"Source: the kernel's sock:sock_send_length and sock_recv_length\n"
"tracepoints (6.3+); where the kernel has none, netlens.ko's\n"
"netlens:inet_send_length and inet_recv_length (return hooks on\n"
"inet_sendmsg, inet6_sendmsg, inet_recvmsg and inet6_recvmsg, armed only\n"
"while traced); without the module, fexit, then kprobe and kretprobe\n"
"pairs on those functions (said on stderr).  The book kretprobes\n"
"sock_read_iter and sock_write_iter, which see read(2) and write(2) only,\n"
"not send*(2), recv*(2) or io_uring, and UNIX sockets too.\n"
"\n"
"EXAMPLES:\n"
"    socksize             # histograms at Ctrl-C\n"
"    socksize -p 181 5    # PID 181's, every 5 seconds\n"
"    socksize -6 -j       # IPv6 sockets only, JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

/* Reads first, then writes (bpftrace prints @read_bytes, then @write_bytes); by name. */
static int key_cmp(const void *a, const void *b)
{
	const struct socksize_key *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return strncmp(x->comm, y->comm, sizeof(x->comm));
}

static const char *name_of(const void *k)
{
	const struct socksize_key *key = k;

	if (key->dir == SOCKSIZE_READ)
		return "read_bytes";
	return key->dir == SOCKSIZE_WRITE ? "write_bytes" : NULL;
}

static void labels(const void *k, FILE *json, char *buf, size_t len)
{
	const struct socksize_key *key = k;
	char comm[17];

	tool_comm(comm, key->comm);
	if (json)
		json_str(json, "comm", comm);
	else
		snprintf(buf, len, "%s", comm);
}

static const struct key_hists_format format = {
	.tool = "socksize", .unit = "bytes", .table_unit = "bytes",
	.name_of = name_of, .labels = labels, .cmp = key_cmp,
};

struct report_ctx {
	struct socksize_bpf *skel;
	struct key_hists hists;
	unsigned long long missed_reported;
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;
	int err;

	err = key_hists_report(&r->hists, bpf_map__fd(r->skel->maps.sizes), &env, &format);
	msg_source_warn_missed("socksize", r->skel->bss->inet_send_missed +
			       r->skel->bss->inet_recv_missed, &r->missed_reported);
	return err;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct report_ctx r = {
		.hists = { .key_size = sizeof(struct socksize_key),
			   .slot_off = offsetof(struct socksize_key, slot),
			   .nslots = SOCKSIZE_SLOTS },
	};
	size_t source;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("socksize", &env))
		return 1;
	r.skel = socksize_bpf__open();
	if (!r.skel) {
		report_bpf_failure("socksize", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	source = msg_source_use("socksize", "socket sends and receives", msg_sources_inet,
				msg_sources_inet_n, r.skel->obj);
	if (source == msg_sources_inet_n) {
		err = -ENOENT;
		goto cleanup;
	}
	err = tool_load_attach(&env, "socksize", r.skel->skeleton, msg_sources_inet[source].label);
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing socket I/O sizes. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	key_hists_free(&r.hists);
	socksize_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
