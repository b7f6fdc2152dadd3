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
#include "tool.h"
#include "../bpf/socount.h"
#include "sofamily.skel.h"

static struct tool_env env;
static bool success_only, by_pid;

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
"    sofamily -s          # successful connects only\n"
"    sofamily -P          # key by PID too: @accept[PID, PROCESS, ...]\n"
"    sofamily -p 181 5    # PID 181 only, print every 5 seconds\n"
"    sofamily -j          # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	{ "success", 's', NULL, 0, "Count only successful connects (returned 0)", 0 },
	{ "per-pid", 'P', NULL, 0, "Key by PID as well as process name", 0 },
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 's':
		success_only = true;
		return 0;
	case 'P':
		by_pid = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

static void add_row(const void *k, unsigned long long value, void *ctx)
{
	const struct sofamily_key *key = k;
	struct kv_table *t = ctx;
	const char *name = family_name(key->family);
	char comm[17], ckey[192], json[320], jcomm[64];
	char pidk[16] = "", pidj[24] = "";
	FILE *m;

	tool_comm(comm, key->comm);
	if (by_pid) {
		snprintf(pidk, sizeof(pidk), "%u, ", key->pid);
		snprintf(pidj, sizeof(pidj), "\"pid\":%u,", key->pid);
	}
	snprintf(ckey, sizeof(ckey), "%s%s, %u, %s", pidk, comm, key->family,
		 name ? name : "");
	m = fmemopen(jcomm, sizeof(jcomm), "w");
	if (!m)
		return;
	json_print_string(m, comm);
	fclose(m);
	snprintf(json, sizeof(json), "%s\"comm\":%s,\"family\":%u,\"family_name\":\"%s\"",
		 pidj, jcomm, key->family, name ? name : "");
	kv_add(t, key->op == SO_OP_ACCEPT ? "accept" : "connect", ckey, json, value);
}

static int report(struct sofamily_bpf *skel, struct kv_table *t)
{
	static const char *const order[] = { "accept", "connect", NULL };
	int err;

	kv_reset(t);
	err = bpf_map_drain(bpf_map__fd(skel->maps.counts), sizeof(struct sofamily_key),
			    sizeof(__u64), 1, env.interval != 0, add_row, t);
	if (err)
		return err;
	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	kv_print(stdout, t, order, env.json, env.timestamp ? tool_time() : NULL);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct kv_table table = {};
	struct sofamily_bpf *skel;
	unsigned int reports = 0;
	const char *tp;
	char why[256];
	int err;
	size_t i;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("sofamily", &env))
		return 1;
	{
		static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect",
			"sys_exit_accept", "sys_exit_accept4" };

		for (i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
			tp = tps[i];
			if (!probe_tracepoint("syscalls", tp, why, sizeof(why))) {
				fprintf(stderr, "sofamily: cannot trace accept/connect: %s "
					"(needs CONFIG_FTRACE_SYSCALLS)\n", why);
				return 1;
			}
		}
	}

	skel = sofamily_bpf__open();
	if (!skel) {
		report_bpf_failure("sofamily", "open the BPF object", -errno);
		return 1;
	}
	skel->rodata->targ_tgid = env.pid;
	skel->rodata->targ_success = success_only;
	err = sofamily_bpf__load(skel);
	if (err) {
		report_bpf_failure("sofamily", "load the BPF programs", err);
		goto cleanup;
	}
	err = sofamily_bpf__attach(skel);
	if (err) {
		report_bpf_failure("sofamily", "attach to the syscall tracepoints", err);
		goto cleanup;
	}

	tool_ready(&env, "Tracing socket connect/accepts. Ctrl-C to end.");
	for (;;) {
		bool more = tool_wait(&env, reports);

		err = report(skel, &table);
		reports++;
		if (err || !more)
			break;
	}

cleanup:
	kv_free(&table);
	sofamily_bpf__destroy(skel);
	return err ? 1 : 0;
}
