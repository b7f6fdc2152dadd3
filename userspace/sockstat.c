// SPDX-License-Identifier: GPL-2.0
/*
 * sockstat: per-interval counts of socket syscalls and of sock_recvmsg /
 * sock_sendmsg (BPF Performance Tools 10.3.1, sockstat.bt), as a libbpf
 * CO-RE tool.
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

#include "kvtable.h"
#include "tool.h"
#include "../bpf/sockstat.h"
#include "sockstat.skel.h"

static const char *const columns[] = { "probe", NULL };
static struct tool_env env = { .interval = 1, .columns = columns };
static bool socket_rw;

const char *argp_program_version = "sockstat " NETLENS_VERSION;
static const char doc[] =
"Count socket syscalls and sock_recvmsg/sock_sendmsg calls per interval.\n"
"\n"
"Every interval (default 1 second) prints the time and one\n"
"@[PROBE]: COUNT line per probe that fired, in ascending order, as\n"
"sockstat.bt does.  Syscalls: accept, accept4, connect, bind, socket,\n"
"socketpair, recvfrom, recvmsg, recvmmsg, sendto, sendmsg, sendmmsg\n"
"(syscalls:sys_enter_* tracepoints); with -S also read, write, readv and\n"
"writev, counted only when the file descriptor is a socket.\n"
"sock_recvmsg/sock_sendmsg are counted with the best source the kernel\n"
"has: the sock:sock_recv_length/sock_send_length tracepoints (Linux 6.3+;\n"
"they fire once per message in sock_{recv,send}msg_nosec), tp_btf on them,\n"
"else fentry or kprobes on security_socket_{recv,send}msg, which\n"
"sock_{recv,send}msg call once each (the book's kprobes on\n"
"sock_{recv,send}msg miss calls where the compiler inlined them, as 6.1\n"
"does for sock_sendmsg).  The probe name shows which source was used, and\n"
"a note on stderr says why a better one was not usable.\n"
"-T is accepted for uniformity: the time is always printed.\n"
"\n"
"EXAMPLES:\n"
"    sockstat             # every second until Ctrl-C\n"
"    sockstat -S          # also socket read/write/readv/writev\n"
"    sockstat -p 181 5 3  # PID 181, every 5 seconds, 3 times\n"
"    sockstat -j          # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	{ "socket-rw", 'S', NULL, 0,
	  "Also count read/write/readv/writev on socket file descriptors", 0 },
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key == 'S') {
		socket_rw = true;
		return 0;
	}
	return tool_parse_common(key, arg, state, &env);
}

static char labels[SS_NR][64];

static void set_syscall_labels(void)
{
	static const char *const names[] = {
		[SS_ACCEPT] = "accept", [SS_ACCEPT4] = "accept4",
		[SS_CONNECT] = "connect", [SS_BIND] = "bind",
		[SS_SOCKET] = "socket", [SS_SOCKETPAIR] = "socketpair",
		[SS_RECVFROM] = "recvfrom", [SS_RECVMSG] = "recvmsg",
		[SS_RECVMMSG] = "recvmmsg", [SS_SENDTO] = "sendto",
		[SS_SENDMSG] = "sendmsg", [SS_SENDMMSG] = "sendmmsg",
		[SS_READ] = "read", [SS_WRITE] = "write", [SS_READV] = "readv",
		[SS_WRITEV] = "writev",
	};
	int i;

	for (i = 0; i <= SS_WRITEV; i++)
		snprintf(labels[i], sizeof(labels[i]),
			 "tracepoint:syscalls:sys_enter_%s", names[i]);
}

/*
 * Pick the source of sock_recvmsg or sock_sendmsg counts and turn off the
 * other programs.  false when none is usable.
 */
static bool choose_sock_probe(int idx, const char *what, const char *func,
			      const char *tp, struct bpf_program *const progs[ATTACH_NONE])
{
	struct attach_alts alts = { "sock", tp, tp, func };
	enum attach_kind kind;
	char why[1024];

	kind = probe_best(&alts, why, sizeof(why));
	attach_autoload(kind, progs);
	if (kind == ATTACH_NONE) {
		fprintf(stderr, "sockstat: cannot count %s: %s; counting the "
			"syscalls only\n", what, why);
		return false;
	}
	attach_label(&alts, kind, labels[idx], sizeof(labels[idx]));
	if (*why)
		fprintf(stderr, "sockstat: %s: using %s (%s)\n", what,
			labels[idx], why);
	return true;
}

static bool syscall_tp_ok(struct bpf_program *prog, const char *name, bool want)
{
	char why[256];

	if (!want) {
		bpf_program__set_autoload(prog, false);
		return true;
	}
	if (probe_tracepoint("syscalls", name, why, sizeof(why)))
		return true;
	fprintf(stderr, "sockstat: %s (needs CONFIG_FTRACE_SYSCALLS): not counted\n", why);
	bpf_program__set_autoload(prog, false);
	return false;
}

static __u64 prev[SS_NR];

struct sockstat_ctx {
	struct sockstat_bpf *skel;
	struct kv_table table;
};

static int report(void *ctx)
{
	struct sockstat_ctx *sc = ctx;
	struct kv_table *t = &sc->table;
	int fd = bpf_map__fd(sc->skel->maps.counts), ncpu = libbpf_num_possible_cpus();
	__u64 *vals, sum;
	__u32 i;
	int c;

	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	kv_reset(t);
	for (i = 0; i < SS_NR; i++) {
		if (!labels[i][0] || bpf_map_lookup_elem(fd, &i, vals))
			continue;
		for (sum = 0, c = 0; c < ncpu; c++)
			sum += vals[c];
		if (sum > prev[i]) {
			struct kv_key row = {};

			kv_key_str(&row, "probe", labels[i]);
			kv_add(t, "", &row, sum - prev[i]);
		}
		prev[i] = sum;
	}
	free(vals);
	if (!env.json)
		printf("%s\n", tool_time());
	tool_print_rows(&env, t, NULL);
	if (!env.json && !t->n)
		printf("\n");
	fflush(stdout);
	return 0;
}

#define SYSCALL_PROG(name, want) \
	syscall_tp_ok(c.skel->progs.sys_enter_##name, "sys_enter_" #name, want)

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct sockstat_ctx c = {};
	bool ok = true;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("sockstat", &env))
		return 1;

	c.skel = sockstat_bpf__open();
	if (!c.skel) {
		report_bpf_failure("sockstat", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(c.skel->rodata, &env);
	set_syscall_labels();
	ok &= SYSCALL_PROG(accept, true);
	ok &= SYSCALL_PROG(accept4, true);
	ok &= SYSCALL_PROG(connect, true);
	ok &= SYSCALL_PROG(bind, true);
	ok &= SYSCALL_PROG(socket, true);
	ok &= SYSCALL_PROG(socketpair, true);
	ok &= SYSCALL_PROG(recvfrom, true);
	ok &= SYSCALL_PROG(recvmsg, true);
	ok &= SYSCALL_PROG(recvmmsg, true);
	ok &= SYSCALL_PROG(sendto, true);
	ok &= SYSCALL_PROG(sendmsg, true);
	ok &= SYSCALL_PROG(sendmmsg, true);
	ok &= SYSCALL_PROG(read, socket_rw);
	ok &= SYSCALL_PROG(write, socket_rw);
	ok &= SYSCALL_PROG(readv, socket_rw);
	ok &= SYSCALL_PROG(writev, socket_rw);
	(void)ok;
	if (!choose_sock_probe(SS_SOCK_RECVMSG, "sock_recvmsg", "security_socket_recvmsg",
			       "sock_recv_length",
			       SOCK_MSG_PROGS(c.skel->progs, sock_recv_length, sock_recvmsg)))
		labels[SS_SOCK_RECVMSG][0] = '\0';
	if (!choose_sock_probe(SS_SOCK_SENDMSG, "sock_sendmsg", "security_socket_sendmsg",
			       "sock_send_length",
			       SOCK_MSG_PROGS(c.skel->progs, sock_send_length, sock_sendmsg)))
		labels[SS_SOCK_SENDMSG][0] = '\0';
	if (!socket_rw)
		labels[SS_READ][0] = labels[SS_WRITE][0] = labels[SS_READV][0] =
			labels[SS_WRITEV][0] = '\0';

	err = tool_load_attach(&env, "sockstat", c.skel->skeleton, "the BPF programs");
	if (!err) {
		tool_ready(&env, "Tracing sock statistics. Output every %u second%s.",
			   env.interval, env.interval == 1 ? "" : "s");
		err = tool_run(&env, report, &c);
	}
	kv_free(&c.table);
	sockstat_bpf__destroy(c.skel);
	return err ? 1 : 0;
}
