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

#include "tool.h"
#include "../bpf/soconnect.h"
#include "soconnect.skel.h"

static struct tool_env env = { .no_interval = true };
static bool wide;
static bool count_errors;

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
"    soconnect -c         # count failed connects by process and error\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	{ "wide", 'w', NULL, 0, "Wide ADDRESS column (full IPv6 addresses)", 0 },
	{ "count-errors", 'c', NULL, 0,
	  "Count failed connects by process and error code (10.4 one-liner)", 0 },
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
		printf("{");
		if (env.timestamp)
			printf("\"time\":\"%s\",", tool_time());
		printf("\"pid\":%u,\"tid\":%u,\"comm\":", e->pid, e->tid);
		json_print_string(stdout, comm);
		printf(",\"family\":%u,\"address\":\"%s\",\"port\":%u,"
		       "\"lat_us\":%llu,\"ret\":%d,\"result\":",
		       e->family, addr, e->port, lat_us, e->ret);
		json_print_string(stdout, result_str(e->ret));
		printf("}\n");
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

struct err_row {
	struct soconnect_err_key key;
	__u64 count;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct err_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	if (x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	return x->key.ret < y->key.ret ? 1 : x->key.ret > y->key.ret ? -1 : 0;
}

/* bpftrace's map order: ascending counts. */
static int print_errors(struct soconnect_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.errors);
	struct soconnect_err_key cur, next;
	struct err_row *rows = NULL, *tmp;
	size_t n = 0, cap = 0, i;
	bool first = true;
	char comm[17];

	while (bpf_map_get_next_key(fd, first ? NULL : &cur, &next) == 0) {
		first = false;
		cur = next;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			tmp = realloc(rows, cap * sizeof(*rows));
			if (!tmp) {
				free(rows);
				return -ENOMEM;
			}
			rows = tmp;
		}
		rows[n].key = next;
		if (bpf_map_lookup_elem(fd, &next, &rows[n].count) == 0)
			n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	if (!env.json)
		printf("\n");
	for (i = 0; i < n; i++) {
		tool_comm(comm, rows[i].key.comm);
		if (env.json) {
			printf("{");
			if (env.timestamp)
				printf("\"time\":\"%s\",", tool_time());
			printf("\"pid\":%u,\"comm\":", rows[i].key.pid);
			json_print_string(stdout, comm);
			printf(",\"ret\":%d,\"result\":", rows[i].key.ret);
			json_print_string(stdout, result_str(rows[i].key.ret));
			printf(",\"count\":%llu}\n", (unsigned long long)rows[i].count);
		} else {
			printf("@[%u, %s, %d, %s]: %llu\n", rows[i].key.pid, comm,
			       rows[i].key.ret, result_str(rows[i].key.ret),
			       (unsigned long long)rows[i].count);
		}
	}
	fflush(stdout);
	free(rows);
	return 0;
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
	skel->rodata->targ_tgid = env.pid;
	skel->rodata->count_errors = count_errors;
	err = tool_load_attach("soconnect", skel->skeleton,
			       "to syscalls:sys_{enter,exit}_connect");
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
	while (!tool_exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "soconnect: polling the ring buffer: %s\n",
				strerror(-err));
			break;
		}
		err = 0;
	}
	/* Whatever arrived before Ctrl-C. */
	if (!err)
		ring_buffer__consume(rb);

cleanup:
	ring_buffer__free(rb);
	soconnect_bpf__destroy(skel);
	return err ? 1 : 0;
}
