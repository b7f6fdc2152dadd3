// SPDX-License-Identifier: GPL-2.0
/*
 * soconnect: trace IP socket connect(2)s: PID, process, address family,
 * address, port, latency of the syscall and its result (BPF Performance
 * Tools 10.3.4, soconnect.bt), as a libbpf CO-RE tool.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "kvtable.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/soconnect.h"
#include "soconnect.skel.h"

static const char *const columns[] = { "pid", "comm", "ret", "ret_name", NULL };
static struct tool_env env = { .no_interval = true, .columns = columns };
static bool wide;
static bool count_errors;
static uint16_t ports[SOCONNECT_MAX_PORTS];	/* -P */
static size_t nports;

const char *argp_program_version = "soconnect " NETLENS_VERSION;
static const char doc[] =
"Trace IP socket connect(2)s with address, port, latency and result.\n"
"\n"
"LAT(us) is the duration of the connect(2) syscall only: non-blocking\n"
"connects return at once with \"In progress\".  Source: the\n"
"syscalls:sys_enter_connect and sys_exit_connect tracepoints.\n"
"\n"
"-c replaces the 10.4 one-liners\n"
"    bpftrace -e 'kprobe:sys_connect {\n"
"        @[\"%s\", comm, (int32) retval] = count(); }'\n"
"    stackcount -U t:syscalls:sys_enter_connect   (failed connects)\n"
"and counts failed connect(2)s of every address family by PID, process and\n"
"error code (printed at Ctrl-C).\n"
"\n"
"EXAMPLES:\n"
"    soconnect            # trace IP connects\n"
"    soconnect -T         # with timestamps\n"
"    soconnect -w         # wide ADDRESS column for IPv6\n"
"    soconnect -p 181     # only PID 181\n"
"    soconnect -j         # JSON lines\n"
"    soconnect -c         # count failed connects by process and error\n"
"    soconnect -4 -P 80,443   # IPv4 connects to ports 80 and 443\n"
"    soconnect -u www-data    # that user's connects\n"
"    soconnect --cgroup /sys/fs/cgroup/system.slice/nginx.service\n"
"    soconnect --netns /run/netns/blue   # one network namespace's tasks\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_UID,
	TOOL_OPT_FAMILY,
	{ "port", 'P', "PORTS", 0, "Connects to these ports only (comma-separated, at most 64)", 0 },
	{ "wide", 'w', NULL, 0, "Wide ADDRESS column (full IPv6 addresses)", 0 },
	{ "count-errors", 'c', NULL, 0,
	  "Count failed connects by process and error code (10.4 one-liner)", 0 },
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'w':
		wide = true;
		return 0;
	case 'c':
		count_errors = true;
		return 0;
	case 'P': {
		char err[128];

		if (parse_ports(arg, ports, SOCONNECT_MAX_PORTS, &nports, err, sizeof(err)))
			argp_error(state, "%s", err);
		return 0;
	}
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* The book's error strings (soconnect.bt's @err2str). */
static const char *result_str(int ret)
{
	static char buf[64];
	int err = -ret;

	switch (err) {
	case 0: return "Success";
	case EPERM: return "Permission denied";
	case EINTR: return "Interrupted";
	case EBADF: return "Invalid sockfd";
	case EAGAIN: return "Routing cache insuff.";
	case EACCES: return "Perm. denied (EACCES)";
	case EFAULT: return "Sock struct addr invalid";
	case ENOTSOCK: return "FD not a socket";
	case EPROTOTYPE: return "Socket protocol error";
	case EAFNOSUPPORT: return "Address family invalid";
	case EADDRINUSE: return "Local addr in use";
	case EADDRNOTAVAIL: return "No port available";
	case ENETUNREACH: return "Network unreachable";
	case EISCONN: return "Already connected";
	case ECONNREFUSED: return "Connection refused";
	case ETIMEDOUT: return "Timeout";
	case EINPROGRESS: return "In progress";
	case EALREADY: return "Not yet completed";
	}
	if (ret > 0)
		snprintf(buf, sizeof(buf), "Returned %d", ret);
	else
		snprintf(buf, sizeof(buf), "%s", strerror(err));
	return buf;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct soconnect_event *e = data;
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned long long lat_us = e->lat_ns / 1000;
	char comm[17];

	tool_comm(comm, e->comm);
	inet_ntop(e->family == AF_INET ? AF_INET : AF_INET6, e->addr, addr,
		  sizeof(addr));
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "connect");
		json_u64(stdout, "pid", e->pid);
		json_u64(stdout, "tid", e->tid);
		json_str(stdout, "comm", comm);
		json_enum(stdout, "family", e->family, family_name(e->family));
		json_str(stdout, "address", addr);
		json_u64(stdout, "port", e->port);
		json_u64(stdout, "lat_us", lat_us);
		json_enum(stdout, "ret", e->ret, result_str(e->ret));
		json_end(stdout);
	} else {
		if (env.timestamp)
			printf("%-8s ", tool_time());
		printf("%-6u %-16s %-3u %-*s %-5u %8llu %s\n", e->pid, comm,
		       e->family, wide ? 39 : 16, addr, e->port, lat_us,
		       result_str(e->ret));
	}
	fflush(stdout);
	return 0;
}

static void add_error(const void *k, unsigned long long value, void *t)
{
	const struct soconnect_err_key *key = k;
	struct kv_key row = {};
	char comm[17];

	tool_comm(comm, key->comm);
	kv_key_num(&row, "pid", key->pid);
	kv_key_str(&row, "comm", comm);
	kv_key_int(&row, "ret", key->ret);
	kv_key_str(&row, "ret_name", result_str(key->ret));
	kv_add(t, "", &row, value);
}

/* bpftrace's map order, ascending counts; -t, -s, -r and -j as counted. */
static int print_errors(struct soconnect_bpf *skel)
{
	struct kv_table t = {};
	int err;

	if (!env.json)
		printf("\n");
	err = tool_print_counts(&env, &t, bpf_map__fd(skel->maps.errors),
				sizeof(struct soconnect_err_key), 1, add_error, NULL);
	kv_free(&t);
	return err;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct ring_buffer *rb = NULL;
	static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect" };
	struct soconnect_bpf *skel;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return EXIT_USAGE;
	if (!count_errors && (env.table || env.sort || env.top)) {
		fprintf(stderr, "soconnect: -t, -s and -r arrange the counts of -c\n");
		return EXIT_USAGE;
	}
	if (count_errors && (env.family || nports)) {
		fprintf(stderr, "soconnect: -4, -6 and -P select IP connects to show: -c counts every family's failures\n");
		return EXIT_USAGE;
	}
	if (!tool_prepare("soconnect", &env))
		return 1;
	if (!tool_need_tracepoints("soconnect", "connect(2)", "syscalls", tps, 2,
				   "needs CONFIG_FTRACE_SYSCALLS"))
		return 1;

	skel = soconnect_bpf__open();
	if (!skel) {
		report_bpf_failure("soconnect", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->filter_ports = nports > 0;
	skel->rodata->count_errors = count_errors;
	err = tool_load_attach(&env, "soconnect", skel->skeleton, NULL);
	if (!err)
		err = tool_fill_ports("soconnect", bpf_map__fd(skel->maps.ports), ports, nports, "-P");
	if (!err)
		err = tool_attach("soconnect", skel->skeleton, "to syscalls:sys_{enter,exit}_connect");
	if (err)
		goto cleanup;
	if (!count_errors) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event,
				      NULL, NULL);
		if (!rb) {
			err = -errno;
			report_bpf_failure("soconnect", "create the ring buffer", err);
			goto cleanup;
		}
	}

	if (count_errors) {
		tool_ready(&env, "Tracing failed connect(2)s by process and error code. Ctrl-C to end.");
		tool_wait(&env, 0);
		err = print_errors(skel);
		if (env.json && !err)
			json_interval(stdout, 1, 0, true);
		goto cleanup;
	}
	if (env.json)
		tool_ready(&env, "Tracing IP connect(2)s. Ctrl-C to end.");
	else if (env.timestamp)
		tool_ready(&env, "%-8s %-6s %-16s FAM %-*s %-5s %8s %s", "TIME",
			   "PID", "PROCESS", wide ? 39 : 16, "ADDRESS", "PORT",
			   "LAT(us)", "RESULT");
	else
		tool_ready(&env, "%-6s %-16s FAM %-*s %-5s %8s %s", "PID",
			   "PROCESS", wide ? 39 : 16, "ADDRESS", "PORT",
			   "LAT(us)", "RESULT");
	err = tool_poll_events("soconnect", rb);
cleanup:
	ring_buffer__free(rb);
	soconnect_bpf__destroy(skel);
	return err ? 1 : 0;
}
