// SPDX-License-Identifier: GPL-2.0
/*
 * sofamily: count socket accept(2)s and connect(2)s by process and address
 * family (BPF Performance Tools 10.3.2, sofamily.bt), as a libbpf CO-RE
 * tool.
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
#include "sofamily.skel.h"

static const char *const columns[] = { "pid", "comm", "family", "family_name", NULL };
static struct socount_env env = { .env.columns = columns };

const char *argp_program_version = "sofamily " NETLENS_VERSION;
static const char doc[] =
"Count socket accept(2)s and connect(2)s by process and address family.\n"
"\n"
"Prints @accept[PROCESS, FAMILY, NAME]: COUNT and @connect[...] lines at\n"
"Ctrl-C (or every interval).  connect: the family of the address passed\n"
"to connect(2), counted on entry (all attempts unless -s); accept: the\n"
"family of the new socket of each successful accept(2)/accept4(2).\n"
"Source: syscalls:sys_{enter,exit}_connect, sys_exit_accept{,4}.\n"
"\n"
"-P replaces the 10.4 one-liner (accepts by PID and process name)\n"
"    bpftrace -e 'kprobe:sys_accept { @[pid, comm] = count(); }'\n"
"\n"
"EXAMPLES:\n"
"    sofamily             # count until Ctrl-C\n"
"    sofamily --success   # successful connects only\n"
"    sofamily -t -r 10    # a table of the 10 busiest of each map\n"
"    sofamily -P          # key by PID too: @accept[PID, PROCESS, ...]\n"
"    sofamily -p 181 5    # PID 181 only, print every 5 seconds\n"
"    sofamily -4          # AF_INET accepts and connects only\n"
"    sofamily -j          # JSON lines\n"
"    sofamily --netns /run/netns/blue   # one network namespace's tasks\n";

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
	const struct sofamily_key *key = k;
	struct kv_key row;
	char comm[17];

	tool_comm(comm, key->comm);
	socount_key(&env, &row, key->pid, comm);
	kv_key_num(&row, "family", key->family);
	kv_key_str(&row, "family_name", family_name(key->family));
	kv_add(t, key->op == SO_OP_ACCEPT ? "accept" : "connect", &row, value);
}

struct sofamily_ctx {
	struct sofamily_bpf *skel;
	struct kv_table table;
};

static int report(void *ctx)
{
	struct sofamily_ctx *c = ctx;

	return socount_report(&env, &c->table, bpf_map__fd(c->skel->maps.counts),
			      sizeof(struct sofamily_key), add_row);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct sofamily_ctx c = {};
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("sofamily", &env.env) || !socount_tracepoints("sofamily"))
		return 1;
	c.skel = sofamily_bpf__open();
	if (!c.skel) {
		report_bpf_failure("sofamily", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(c.skel->rodata, &env.env);
	c.skel->rodata->targ_success = env.success_only;
	err = tool_load_attach(&env.env, "sofamily", c.skel->skeleton, "to the syscall tracepoints");
	if (!err) {
		tool_ready(&env.env, "Tracing socket connect/accepts. Ctrl-C to end.");
		err = tool_run(&env.env, report, &c);
	}
	kv_free(&c.table);
	sofamily_bpf__destroy(c.skel);
	return err ? 1 : 0;
}
