// SPDX-License-Identifier: GPL-2.0
/*
 * tcptop: the busiest TCP sessions by process, bytes received and sent
 * per interval (BPF Performance Tools chapter 10: BCC tcptop), from what TCP
 * send and receive calls return: the kernel's sock:sock_{send,recv}_length
 * (6.3+), netlens.ko's tcp_{send,recv}_length where the kernel has none,
 * then fexit, then kprobe and kretprobe pairs.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "msgsrc.h"
#include "tcpflow.h"
#include "tool.h"
#include "../bpf/tcptop.h"
#include "tcptop.skel.h"

#define TCPTOP_DEFAULT_ROWS	20

enum tcptop_sort { SORT_ALL, SORT_SENT, SORT_RECEIVED };

static struct tool_env env;
static struct {
	bool no_clear;		/* -C */
	bool no_summary;	/* -S */
	enum tcptop_sort sort;	/* -s */
	unsigned int rows;	/* -r */
} opt = { .rows = TCPTOP_DEFAULT_ROWS };

const char *argp_program_version = "tcptop " NETLENS_VERSION;
static const char doc[] =
"Show the busiest TCP sessions: bytes received and sent per process and\n"
"session, every interval (1 second unless given), as BCC's tcptop.\n"
"\n"
"RX_KB and TX_KB are what receive and send calls returned (peeks left\n"
"out), in KiB, rounded down; -j has the bytes.  Source: the kernel's\n"
"sock:sock_send_length and sock_recv_length tracepoints (6.3+); where the\n"
"kernel has none, netlens.ko's netlens:tcp_send_length and\n"
"tcp_recv_length (return hooks on tcp_sendmsg, tcp_sendpage and\n"
"tcp_recvmsg, armed only while traced); without the module, fexit, then\n"
"kprobe and kretprobe pairs on tcp_sendmsg and tcp_recvmsg (said on\n"
"stderr; these miss sendfile on kernels before 6.5).  BCC counts\n"
"tcp_sendmsg's size argument and tcp_cleanup_rbuf's copied, which a\n"
"receive that sleeps after a partial copy reports twice.\n"
"\n"
"EXAMPLES:\n"
"    tcptop               # every second, the top 20 sessions\n"
"    tcptop -C 5 3        # don't clear the screen; 3 reports, 5 s apart\n"
"    tcptop -p 181 -s sent   # PID 181 only, largest senders first\n"
"    tcptop -S -r 5 -j    # the top 5 as JSON lines, no load average\n";

#define OPT_KEY_NOCLEAR 'C'

static const struct argp_option opts[] = {
	{ "noclear", OPT_KEY_NOCLEAR, NULL, 0, "Don't clear the screen between reports", 0 },
	{ "nosummary", 'S', NULL, 0, "Skip the load average summary line", 0 },
	{ "sort", 's', "SORT", 0, "Sort by all (received + sent, the default), sent or received", 0 },
	{ "rows", 'r', "ROWS", 0, "Print the top ROWS sessions (1-100000, default 20)", 0 },
	TOOL_OPT_PID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];
	uint64_t v;

	switch (key) {
	case OPT_KEY_NOCLEAR:
		opt.no_clear = true;
		return 0;
	case 'S':
		opt.no_summary = true;
		return 0;
	case 's':
		if (!strcmp(arg, "all"))
			opt.sort = SORT_ALL;
		else if (!strcmp(arg, "sent"))
			opt.sort = SORT_SENT;
		else if (!strcmp(arg, "received"))
			opt.sort = SORT_RECEIVED;
		else
			argp_error(state, "invalid sort '%s': all, sent or received", arg);
		return 0;
	case 'r':
		if (parse_u64_range(arg, "ROWS", 1, 100000, &v, err, sizeof(err)))
			argp_error(state, "%s", err);
		opt.rows = v;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* Best first (userspace/lib/msgsrc.h). */
static const struct msg_source sources[] = {
	{ ATTACH_TP_BTF, "sock_send_length", "sock_recv_length",
	  "tracepoint:sock:sock_send_length and sock_recv_length", NULL,
	  { "sock_send_length", "sock_recv_length" } },
	{ ATTACH_TP_BTF, "tcp_send_length", "tcp_recv_length",
	  "tracepoint:netlens:tcp_send_length and tcp_recv_length", "netlens",
	  { "tcp_send_length", "tcp_recv_length" } },
	{ ATTACH_FENTRY, "tcp_sendmsg", "tcp_recvmsg", "fexit:tcp_sendmsg and tcp_recvmsg", NULL,
	  { "fexit_tcp_sendmsg", "fexit_tcp_recvmsg" } },
	{ ATTACH_KPROBE, "tcp_sendmsg", "tcp_recvmsg",
	  "kprobe and kretprobe:tcp_sendmsg and tcp_recvmsg", NULL,
	  { "kprobe_tcp_sendmsg", "kretprobe_tcp_sendmsg", "kprobe_tcp_recvmsg",
	    "kretprobe_tcp_recvmsg" } },
};

#define NSOURCES	(sizeof(sources) / sizeof(sources[0]))

struct row {
	struct tcptop_key key;
	struct tcptop_bytes bytes;
};

static unsigned long long sort_value(const struct row *r)
{
	switch (opt.sort) {
	case SORT_SENT:
		return r->bytes.sent;
	case SORT_RECEIVED:
		return r->bytes.received;
	default:
		return r->bytes.sent + r->bytes.received;
	}
}

/* Largest first; ties by PID, so that a report does not jitter. */
static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	unsigned long long vx = sort_value(x), vy = sort_value(y);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	return x->key.pid < y->key.pid ? -1 : x->key.pid > y->key.pid;
}

/* Every row of the traffic map, removed from it (a report per interval). */
static int take_rows(int fd, struct row **rows, size_t *n)
{
	struct tcptop_key key, next, *prev = NULL;
	size_t cap = 0;
	int err;

	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (*n == cap) {
			struct row *more;

			cap = cap ? 2 * cap : 256;
			more = realloc(*rows, cap * sizeof(**rows));
			if (!more)
				return -ENOMEM;
			*rows = more;
		}
		if (!bpf_map_lookup_elem(fd, &next, &(*rows)[*n].bytes)) {
			(*rows)[*n].key = next;
			(*n)++;
		}
		key = next;
		prev = &key;
	}
	/* Deleted afterwards: deleting while walking restarts the walk. */
	for (size_t i = 0; i < *n; i++) {
		err = bpf_map_delete_elem(fd, &(*rows)[i].key);
		if (err && errno != ENOENT)
			return -errno;
	}
	return 0;
}

struct report_ctx {
	struct tcptop_bpf *skel;
	struct row *rows;
	unsigned long long missed_reported;
	__u64 dropped_reported;
};

static void print_summary(void)
{
	char load[128] = "";
	FILE *f;

	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (!fgets(load, sizeof(load), f))
			load[0] = '\0';
		fclose(f);
	}
	load[strcspn(load, "\n")] = '\0';
	printf("%-8s loadavg: %s\n", tool_time(), load);
}

static void print_text(const struct row *rows, size_t n)
{
	char laddr[64], raddr[64];
	int width = 21;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct tcp_flow *f = &rows[i].key.flow;
		int l = strlen(flow_endpoint(laddr, sizeof(laddr), f->family, f->laddr, f->lport));
		int r = strlen(flow_endpoint(raddr, sizeof(raddr), f->family, f->raddr, f->rport));

		width = l > width ? l : width;
		width = r > width ? r : width;
	}
	printf("\n%-7s %-16s %-2s %-*s %-*s %8s %8s\n", "PID", "COMM", "IP", width, "LADDR",
	       width, "RADDR", "RX_KB", "TX_KB");
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		const struct tcp_flow *f = &r->key.flow;
		char comm[17];

		tool_comm(comm, r->key.comm);
		printf("%-7u %-16s %-2d %-*s %-*s %8llu %8llu\n", r->key.pid, comm,
		       f->family == AF_INET6 ? 6 : 4,
		       width, flow_endpoint(laddr, sizeof(laddr), f->family, f->laddr, f->lport),
		       width, flow_endpoint(raddr, sizeof(raddr), f->family, f->raddr, f->rport),
		       (unsigned long long)r->bytes.received / 1024,
		       (unsigned long long)r->bytes.sent / 1024);
	}
}

static void print_json(const struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char comm[17];

		tool_comm(comm, rows[i].key.comm);
		json_begin(stdout, "row");
		json_str(stdout, "table", "traffic");
		json_u64(stdout, "pid", rows[i].key.pid);
		json_str(stdout, "comm", comm);
		json_flow(stdout, &rows[i].key.flow);
		json_u64(stdout, "rx_bytes", rows[i].bytes.received);
		json_u64(stdout, "tx_bytes", rows[i].bytes.sent);
		json_end(stdout);
	}
}

/* What the counts lack: returns the module's hooks missed, rows that did not fit. */
static void warn_losses(struct report_ctx *r)
{
	const struct tcptop_bpf__bss *bss = r->skel->bss;
	__u64 dropped = bss->dropped;

	msg_source_warn_missed("tcptop", bss->tcp_send_missed + bss->tcp_recv_missed,
			       &r->missed_reported);
	if (dropped > r->dropped_reported) {
		fprintf(stderr, "tcptop: %llu calls not counted: more than %d sessions in one interval\n",
			(unsigned long long)(dropped - r->dropped_reported), TCPTOP_MAX_ENTRIES);
		r->dropped_reported = dropped;
	}
}

static int report(void *ctx)
{
	struct report_ctx *r = ctx;
	size_t n;
	int err;

	err = take_rows(bpf_map__fd(r->skel->maps.traffic), &r->rows, &n);
	if (err) {
		fprintf(stderr, "tcptop: cannot read the counts: %s\n", strerror(-err));
		return err;
	}
	qsort(r->rows, n, sizeof(*r->rows), row_cmp);
	if (n > opt.rows)
		n = opt.rows;
	if (env.json) {
		print_json(r->rows, n);
	} else {
		/* Clearing a file or a pipe would only leave escapes in it. */
		if (!opt.no_clear && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		else
			printf("\n");
		if (!opt.no_summary)
			print_summary();
		else if (env.timestamp)
			printf("%s\n", tool_time());
		print_text(r->rows, n);
	}
	fflush(stdout);
	warn_losses(r);
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
	if (!env.npos)
		env.interval = 1;
	if (!tool_prepare("tcptop", &env))
		return 1;
	r.skel = tcptop_bpf__open();
	if (!r.skel) {
		report_bpf_failure("tcptop", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	source = msg_source_use("tcptop", "TCP sends and receives", sources, NSOURCES,
				r.skel->obj);
	if (source == NSOURCES) {
		err = -ENOENT;
		goto cleanup;
	}
	err = tool_load_attach(&env, "tcptop", r.skel->skeleton, sources[source].label);
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing... Output every %u secs. Hit Ctrl-C to end",
		   env.interval);
	err = tool_run(&env, report, &r);
cleanup:
	free(r.rows);
	tcptop_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
