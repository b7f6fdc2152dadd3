// SPDX-License-Identifier: GPL-2.0
/*
 * tcpcount: count TCP sends and receives by PID and process name (BPF
 * Performance Tools 10.4 one-liner), as a libbpf CO-RE tool.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include "kvtable.h"
#include "tool.h"
#include "../bpf/tcpcount.h"
#include "tcpcount.skel.h"

static const char *const columns[] = { "pid", "comm", NULL };
static struct tool_env env = { .columns = columns };

const char *argp_program_version = "tcpcount " NETLENS_VERSION;
static const char doc[] =
"Count TCP sends and receives by on-CPU PID and process name.\n"
"\n"
"Replaces the 10.4 one-liner (count TCP sends/receives by on-CPU PID and\n"
"process name)\n"
"    bpftrace -e 'kprobe:tcp_sendmsg { @[\"%d %s\", pid, comm] = count(); }'\n"
"and the same on tcp_recvmsg.  Prints @send[PID, PROCESS]: COUNT and\n"
"@recv[PID, PROCESS]: COUNT lines at Ctrl-C (or every interval): one per\n"
"sendmsg/recvmsg call on a TCP socket (send, write, sendmsg, recv, read,\n"
"...), failed ones included.  Source, best first: the\n"
"sock:sock_send_length/sock_recv_length tracepoints (Linux 6.3+, filtered\n"
"to IPPROTO_TCP), tp_btf on them, else fentry or kprobes on tcp_sendmsg\n"
"and tcp_recvmsg; the readiness line names it.\n"
"\n"
"EXAMPLES:\n"
"    tcpcount             # count until Ctrl-C\n"
"    tcpcount -p 181      # PID 181 only\n"
"    tcpcount -T 5        # every 5 seconds, with the time\n"
"    tcpcount -j          # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static void add_row(const void *k, unsigned long long value, void *t)
{
	const struct tcpcount_key *key = k;
	struct kv_key row = {};
	char comm[17];

	tool_comm(comm, key->comm);
	kv_key_num(&row, "pid", key->pid);
	kv_key_str(&row, "comm", comm);
	kv_add(t, key->op == TC_SEND ? "send" : "recv", &row, value);
}

struct tc_ctx {
	struct tcpcount_bpf *skel;
	struct kv_table table;
};

static int report(void *ctx)
{
	static const char *const order[] = { "send", "recv", NULL };
	struct tc_ctx *c = ctx;

	return tool_print_counts(&env, &c->table, bpf_map__fd(c->skel->maps.counts),
				 sizeof(struct tcpcount_key), 1, add_row, order);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct attach_alts send = { "sock", "sock_send_length", "sock_send_length",
				    "tcp_sendmsg" };
	struct attach_alts recv = { "sock", "sock_recv_length", "sock_recv_length",
				    "tcp_recvmsg" };
	char why[1024], why2[1024], label[64], label2[64];
	enum attach_kind kind, kind2;
	struct tc_ctx c = {};
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tcpcount", &env))
		return 1;
	kind = probe_best(&send, why, sizeof(why));
	kind2 = probe_best(&recv, why2, sizeof(why2));
	if (kind == ATTACH_NONE || kind2 != kind) {
		fprintf(stderr, "tcpcount: cannot trace TCP sends and receives: %s\n",
			kind == ATTACH_NONE ? why : why2);
		return 1;
	}
	attach_label(&send, kind, label, sizeof(label));
	attach_label(&recv, kind, label2, sizeof(label2));
	if (*why)
		fprintf(stderr, "tcpcount: using %s (%s)\n", label, why);

	c.skel = tcpcount_bpf__open();
	if (!c.skel) {
		report_bpf_failure("tcpcount", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(c.skel->rodata, &env);
	attach_autoload(kind, SOCK_MSG_PROGS(c.skel->progs, sock_send_length, tcp_sendmsg));
	attach_autoload(kind, SOCK_MSG_PROGS(c.skel->progs, sock_recv_length, tcp_recvmsg));
	err = tool_load_attach(&env, "tcpcount", c.skel->skeleton, label);
	if (!err) {
		tool_ready(&env, "Tracing TCP sends/receives (%s, %s). Ctrl-C to end.",
			   label, label2);
		err = tool_run(&env, report, &c);
	}
	kv_free(&c.table);
	tcpcount_bpf__destroy(c.skel);
	return err ? 1 : 0;
}
