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
#include "tool.h"
#include "../bpf/socount.h"
#include "soprotocol.skel.h"

static struct tool_env env;
static bool success_only, by_pid;

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
"    soprotocol -s        # successful connects only\n"
"    soprotocol -P        # key by PID too: @accept[PID, PROCESS, ...]\n"
"    soprotocol -p 181 5  # PID 181 only, print every 5 seconds\n"
"    soprotocol -j        # JSON lines\n";

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
	const struct soprotocol_key *key = k;
	struct kv_table *t = ctx;
	const char *name = ipproto_name(key->protocol);
	char comm[17], module[33], ckey[192], json[320], jcomm[64], jmod[80];
	char pidk[16] = "", pidj[24] = "";
	FILE *m;

	tool_comm(comm, key->comm);
	memcpy(module, key->name, 32);
	module[32] = '\0';
	if (by_pid) {
		snprintf(pidk, sizeof(pidk), "%u, ", key->pid);
		snprintf(pidj, sizeof(pidj), "\"pid\":%u,", key->pid);
	}
	snprintf(ckey, sizeof(ckey), "%s%s, %u, %s, %s", pidk, comm,
		 key->protocol, name ? name : "", module);
	m = fmemopen(jcomm, sizeof(jcomm), "w");
	if (!m)
		return;
	json_print_string(m, comm);
	fclose(m);
	m = fmemopen(jmod, sizeof(jmod), "w");
	if (!m)
		return;
	json_print_string(m, module);
	fclose(m);
	snprintf(json, sizeof(json), "%s\"comm\":%s,\"protocol\":%u,"
		 "\"protocol_name\":\"%s\",\"module\":%s",
		 pidj, jcomm, key->protocol, name ? name : "", jmod);
	kv_add(t, key->op == SO_OP_ACCEPT ? "accept" : "connect", ckey, json, value);
}

static int report(struct soprotocol_bpf *skel, struct kv_table *t)
{
	static const char *const order[] = { "accept", "connect", NULL };
	int err;

	kv_reset(t);
	err = bpf_map_drain(bpf_map__fd(skel->maps.counts), sizeof(struct soprotocol_key),
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
	struct soprotocol_bpf *skel;
	unsigned int reports = 0;
	const char *tp;
	char why[256];
	int err;
	size_t i;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("soprotocol", &env))
		return 1;
	{
		static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect",
			"sys_exit_accept", "sys_exit_accept4" };

		for (i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
			tp = tps[i];
			if (!probe_tracepoint("syscalls", tp, why, sizeof(why))) {
				fprintf(stderr, "soprotocol: cannot trace accept/connect: %s "
					"(needs CONFIG_FTRACE_SYSCALLS)\n", why);
				return 1;
			}
		}
	}

	skel = soprotocol_bpf__open();
	if (!skel) {
		report_bpf_failure("soprotocol", "open the BPF object", -errno);
		return 1;
	}
	skel->rodata->targ_tgid = env.pid;
	skel->rodata->targ_success = success_only;
	err = soprotocol_bpf__load(skel);
	if (err) {
		report_bpf_failure("soprotocol", "load the BPF programs", err);
		goto cleanup;
	}
	err = soprotocol_bpf__attach(skel);
	if (err) {
		report_bpf_failure("soprotocol", "attach to the syscall tracepoints", err);
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
	soprotocol_bpf__destroy(skel);
	return err ? 1 : 0;
}
