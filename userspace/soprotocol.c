// SPDX-License-Identifier: GPL-2.0
/*
 * soprotocol: count socket accept(2)s and connect(2)s by process and
 * transport protocol (BPF Performance Tools 10.3.3, soprotocol.bt), as a
 * libbpf CO-RE tool.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include "kvtable.h"
#include "socknames.h"
#include "socount.h"
#include "../bpf/socount.h"
#include "soprotocol.skel.h"

static const char *const columns[] = {
	"pid", "comm", "protocol", "protocol_name", "module", NULL
};
static struct socount_env env = { .env.columns = columns };

const char *argp_program_version = "soprotocol " NETLENS_VERSION;
static const char doc[] =
"Count socket accept(2)s and connect(2)s by process and transport protocol.\n"
"\n"
"Prints @accept[PROCESS, PROTOCOL, IPPROTO_NAME, MODULE]: COUNT and\n"
"@connect[...] lines at Ctrl-C (or every interval); MODULE is the kernel's\n"
"struct proto name (TCP, TCPv6, UDP, UNIX-STREAM, ...).  connect: the\n"
"socket of the fd passed to connect(2), counted on entry (all attempts\n"
"unless -s); accept: the new socket of each successful accept(2)/accept4(2).\n"
"The book traces kprobes on security_socket_*; this tool needs only the\n"
"syscalls:sys_{enter,exit}_connect and sys_exit_accept{,4} tracepoints.\n"
"\n"
"EXAMPLES:\n"
"    soprotocol           # count until Ctrl-C\n"
"    soprotocol --success # successful connects only\n"
"    soprotocol -t -s module  # a table, by protocol module\n"
"    soprotocol -P        # key by PID too: @accept[PID, PROCESS, ...]\n"
"    soprotocol -p 181 5  # PID 181 only, print every 5 seconds\n"
"    soprotocol -6 -u www-data   # IPv6 sockets of one user's tasks\n"
"    soprotocol -j        # JSON lines\n";

static const struct argp_option opts[] = {
	SOCOUNT_OPTS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return socount_parse(key, arg, state, &env);
}

static void add_row(const void *k, unsigned long long value, void *t)
{
	const struct soprotocol_key *key = k;
	struct kv_key row;
	char comm[17], module[33];

	tool_comm(comm, key->comm);
	memcpy(module, key->name, 32);
	module[32] = '\0';
	socount_key(&env, &row, key->pid, comm);
	kv_key_num(&row, "protocol", key->protocol);
	kv_key_str(&row, "protocol_name", ipproto_name(key->protocol));
	kv_key_str(&row, "module", module);
	kv_add(t, key->op == SO_OP_ACCEPT ? "accept" : "connect", &row, value);
}

struct soprotocol_ctx {
	struct soprotocol_bpf *skel;
	struct kv_table table;
};

static int report(void *ctx)
{
	struct soprotocol_ctx *c = ctx;

	return socount_report(&env, &c->table, bpf_map__fd(c->skel->maps.counts),
			      sizeof(struct soprotocol_key), add_row);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct soprotocol_ctx c = {};
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("soprotocol", &env.env) || !socount_tracepoints("soprotocol"))
		return 1;
	c.skel = soprotocol_bpf__open();
	if (!c.skel) {
		report_bpf_failure("soprotocol", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(c.skel->rodata, &env.env);
	c.skel->rodata->targ_success = env.success_only;
	err = tool_load_attach(&env.env, "soprotocol", c.skel->skeleton, "to the syscall tracepoints");
	if (!err) {
		tool_ready(&env.env, "Tracing socket connect/accepts. Ctrl-C to end.");
		err = tool_run(&env.env, report, &c);
	}
	kv_free(&c.table);
	soprotocol_bpf__destroy(c.skel);
	return err ? 1 : 0;
}
