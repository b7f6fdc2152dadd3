// SPDX-License-Identifier: GPL-2.0
/*
 * socksize: socket read and write sizes as log2 histograms per process
 * name (BPF Performance Tools 10.3.x, socksize.bt), from what each send
 * and receive call on an IPv4 or IPv6 socket returned.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "hist.h"
#include "jsonout.h"
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

/* One process name's histogram of one direction. */
struct size_hist {
	char comm[17];
	__u32 dir;
	__u64 slots[SOCKSIZE_SLOTS];
};

struct report_ctx {
	struct socksize_bpf *skel;
	struct size_hist *hists;
	size_t n, cap;
	unsigned long long missed_reported;
};

static struct size_hist *hist_of(struct report_ctx *r, const struct socksize_key *key)
{
	char comm[17];
	size_t i;

	tool_comm(comm, key->comm);
	for (i = 0; i < r->n; i++)
		if (r->hists[i].dir == key->dir && !strcmp(r->hists[i].comm, comm))
			return &r->hists[i];
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct size_hist *more = realloc(r->hists, cap * sizeof(*more));

		if (!more)
			return NULL;
		r->hists = more;
		r->cap = cap;
	}
	memset(&r->hists[r->n], 0, sizeof(r->hists[0]));
	memcpy(r->hists[r->n].comm, comm, sizeof(comm));
	r->hists[r->n].dir = key->dir;
	return &r->hists[r->n++];
}

/* Reads first, then writes (bpftrace prints @read_bytes, then @write_bytes); by name. */
static int hist_cmp(const void *a, const void *b)
{
	const struct size_hist *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return strcmp(x->comm, y->comm);
}

static const char *const map_names[] = {
	[SOCKSIZE_READ] = "read_bytes",
	[SOCKSIZE_WRITE] = "write_bytes",
};

static int report(void *ctx)
{
	struct report_ctx *r = ctx;
	int fd = bpf_map__fd(r->skel->maps.sizes);
	struct socksize_key key, next, *prev = NULL;
	struct size_hist *h;
	__u64 count;
	size_t i;

	r->n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count) || key.slot >= SOCKSIZE_SLOTS ||
		    key.dir > SOCKSIZE_WRITE)
			continue;
		h = hist_of(r, &key);
		if (!h) {
			fprintf(stderr, "socksize: out of memory\n");
			return -ENOMEM;
		}
		h->slots[key.slot] += count;
	}
	if (env.interval) {
		while (!bpf_map_get_next_key(fd, NULL, &next))
			bpf_map_delete_elem(fd, &next);
	}
	qsort(r->hists, r->n, sizeof(r->hists[0]), hist_cmp);
	if (!env.json && env.timestamp)
		printf("%s\n", tool_time());
	for (i = 0; i < r->n; i++) {
		h = &r->hists[i];
		if (env.json) {
			json_hist_begin(stdout, map_names[h->dir], "bytes", "log2");
			json_str(stdout, "comm", h->comm);
			json_hist_end_log2(stdout, h->slots, SOCKSIZE_SLOTS);
		} else {
			printf("\n@%s[%s]:\n", map_names[h->dir], h->comm);
			hist_print_log2(stdout, h->slots, SOCKSIZE_SLOTS, "bytes");
		}
	}
	fflush(stdout);
	msg_source_warn_missed("socksize", r->skel->bss->inet_send_missed +
			       r->skel->bss->inet_recv_missed, &r->missed_reported);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct report_ctx r = {};
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
	free(r.hists);
	socksize_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
