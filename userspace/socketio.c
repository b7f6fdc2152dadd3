// SPDX-License-Identifier: GPL-2.0
/*
 * socketio: socket I/O calls and bytes by process, direction, protocol and
 * ports (BPF Performance Tools 10.3.x, socketio.bt), from what each send
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

#include "kvtable.h"
#include "msgsrc.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/socketio.h"
#include "socketio.skel.h"

static const char *const columns[] = {
	"comm", "pid", "dir", "protocol", "protocol_name", "lport", "rport", NULL
};
static struct tool_env env = { .columns = columns };

const char *argp_program_version = "socketio " NETLENS_VERSION;
static const char doc[] =
"Summarize socket I/O: calls (@io) and bytes (@bytes) by process,\n"
"direction, protocol and ports, as the book's socketio.bt.\n"
"\n"
"Each send or receive call on an IPv4 or IPv6 socket counts once in @io\n"
"(failed ones included) and adds the bytes it returned to @bytes; peeks\n"
"are left out.  Keys: COMM, PID, read or write, the protocol (number and\n"
"name), the local and remote ports (0: none).  Source: the kernel's\n"
"sock:sock_send_length and sock_recv_length tracepoints (6.3+); where the\n"
"kernel has none, netlens.ko's netlens:inet_send_length and\n"
"inet_recv_length (return hooks on inet_sendmsg, inet6_sendmsg,\n"
"inet_recvmsg and inet6_recvmsg, armed only while traced); without the\n"
"module, fexit, then kprobe and kretprobe pairs on those functions (said\n"
"on stderr).  The book kretprobes sock_read_iter and sock_write_iter\n"
"(read(2) and write(2) only, UNIX sockets too) and keys by the socket's\n"
"protocol name.\n"
"\n"
"EXAMPLES:\n"
"    socketio             # @io and @bytes at Ctrl-C\n"
"    socketio -t -s comm 5   # a table by process name every 5 seconds\n"
"    socketio -p 181 -j   # PID 181's, JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_FAMILY,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

struct drain_ctx {
	struct kv_table *table;
	const char *map;
};

static void add_row(const void *k, unsigned long long value, void *ctx)
{
	const struct socketio_key *key = k;
	struct drain_ctx *d = ctx;
	struct kv_key row = {};
	char comm[17];

	tool_comm(comm, key->comm);
	kv_key_str(&row, "comm", comm);
	kv_key_num(&row, "pid", key->pid);
	kv_key_str(&row, "dir", key->write ? "write" : "read");
	kv_key_num(&row, "protocol", key->protocol);
	kv_key_str(&row, "protocol_name", ipproto_name(key->protocol));
	kv_key_num(&row, "lport", key->lport);
	kv_key_num(&row, "rport", key->rport);
	kv_add(d->table, d->map, &row, value);
}

struct report_ctx {
	struct socketio_bpf *skel;
	struct kv_table table;
	unsigned long long missed_reported;
	__u64 dropped_reported;
};

static int report(void *ctx)
{
	static const char *const order[] = { "io", "bytes", NULL };
	struct report_ctx *r = ctx;
	struct drain_ctx io = { &r->table, "io" }, bytes = { &r->table, "bytes" };
	__u64 dropped = r->skel->bss->dropped;
	int err;

	kv_reset(&r->table);
	err = bpf_map_drain(bpf_map__fd(r->skel->maps.io), sizeof(struct socketio_key),
			    sizeof(__u64), 1, env.interval != 0, add_row, &io);
	if (!err)
		err = bpf_map_drain(bpf_map__fd(r->skel->maps.bytes), sizeof(struct socketio_key),
				    sizeof(__u64), 1, env.interval != 0, add_row, &bytes);
	if (err) {
		fprintf(stderr, "socketio: cannot read the counts: %s\n", strerror(-err));
		return err;
	}
	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	tool_print_rows(&env, &r->table, order);
	fflush(stdout);
	msg_source_warn_missed("socketio", r->skel->bss->inet_send_missed +
			       r->skel->bss->inet_recv_missed, &r->missed_reported);
	if (dropped > r->dropped_reported) {
		fprintf(stderr, "socketio: %llu calls not counted: more than %d rows\n",
			(unsigned long long)(dropped - r->dropped_reported), SOCKETIO_MAX_ENTRIES);
		r->dropped_reported = dropped;
	}
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
	if (!tool_prepare("socketio", &env))
		return 1;
	r.skel = socketio_bpf__open();
	if (!r.skel) {
		report_bpf_failure("socketio", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	source = msg_source_use("socketio", "socket sends and receives", msg_sources_inet,
				msg_sources_inet_n, r.skel->obj);
	if (source == msg_sources_inet_n) {
		err = -ENOENT;
		goto cleanup;
	}
	err = tool_load_attach(&env, "socketio", r.skel->skeleton, msg_sources_inet[source].label);
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing socket I/O. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	kv_free(&r.table);
	socketio_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
