// SPDX-License-Identifier: GPL-2.0
/*
 * gethostlatency: the latency of host name lookups through libc's
 * getaddrinfo(), gethostbyname() and gethostbyname2() (BPF Performance
 * Tools 10.3, gethostlatency.bt and BCC's gethostlatency), a line per
 * lookup, from uprobes and uretprobes on the libc the system uses.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "tool.h"
#include "../bpf/gethostlatency.h"
#include "gethostlatency.skel.h"

#define TOOL "gethostlatency"

static struct tool_env env = { .no_interval = true };
static const char *libc_arg;	/* -l */

const char *argp_program_version = TOOL " " NETLENS_VERSION;
static const char doc[] =
"Trace host name lookups: the process, the latency and the name of each\n"
"getaddrinfo(), gethostbyname() and gethostbyname2() call of libc, as the\n"
"book's gethostlatency.bt and BCC's gethostlatency.\n"
"\n"
"A line per lookup as it returns, from a uprobe on the function's entry\n"
"and a uretprobe on its return, timed per thread: TIME (HH:MM:SS), PID,\n"
"COMM, LATms (milliseconds) and HOST, the name asked for (at most 255\n"
"characters).  Lookups of no name (getaddrinfo(NULL, service, ...)) are\n"
"left out.  The libc is the one this tool runs with (/proc/self/maps, else\n"
"ldconfig -p); -l names another, e.g. a container's:\n"
"/proc/PID/root/lib/x86_64-linux-gnu/libc.so.6.  With -j each lookup is an\n"
"\"event\" line with latency_ns, the function and whether it found the name.\n"
"\n"
"NOT SEEN: lookups that do not call these functions of this libc file:\n"
"statically linked programs, other libcs (musl, a container's own libc\n"
"unless given with -l), Go programs using Go's own resolver, programs\n"
"that ask systemd-resolved over D-Bus or varlink, or send DNS queries\n"
"themselves (dig, host, nslookup, c-ares, browsers), reverse lookups\n"
"(getnameinfo(), gethostbyaddr()) and the reentrant gethostbyname_r()\n"
"family.  Only the calls, not where the answer came from (/etc/hosts,\n"
"nscd, DNS).\n"
"\n"
"EXAMPLES:\n"
"    gethostlatency          # trace host name lookups\n"
"    gethostlatency -p 181   # only PID 181\n"
"    gethostlatency -l /proc/4242/root/usr/lib/libc.so.6  # another libc\n"
"    gethostlatency -j       # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	{ "libc", 'l', "LIBC", 0, "Trace this libc file (default: the system's libc.so.6)", 0 },
	{ "json", 'j', NULL, 0, "Print JSON lines instead of text", 0 },
	{ "verbose", 'v', NULL, 0, "Verbose debug output (libbpf)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'l':
		if (!*arg)
			argp_error(state, "-l: an empty file name");
		if (access(arg, R_OK))
			argp_error(state, "-l: cannot read '%s': %s", arg, strerror(errno));
		libc_arg = arg;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

static const char *const func_names[GETHOST_NFUNCS] = {
	[GETHOST_GETADDRINFO] = "getaddrinfo",
	[GETHOST_GETHOSTBYNAME] = "gethostbyname",
	[GETHOST_GETHOSTBYNAME2] = "gethostbyname2",
};

/* "libc.so.6" or glibc < 2.34's "libc-2.31.so": the C library's file name. */
static bool is_libc_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strncmp(base, "libc.so", 7) ||
	       (!strncmp(base, "libc-", 5) && strstr(base, ".so"));
}

/* The libc mapped into this process: the one dynamically linked programs use. */
static bool libc_from_maps(char *buf, size_t len)
{
	char line[PATH_MAX + 128];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (is_libc_name(path) && !access(path, R_OK)) {
			snprintf(buf, len, "%s", path);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* ldconfig -p's libc.so.6 of this architecture (a statically linked build). */
static bool libc_from_ldconfig(char *buf, size_t len)
{
#if defined(__x86_64__)
	static const char arch[] = "x86-64";
#elif defined(__aarch64__)
	static const char arch[] = "AArch64";
#else
	static const char arch[] = "";
#endif
	char line[PATH_MAX + 128];
	bool found = false;
	FILE *p;

	p = popen("PATH=/sbin:/usr/sbin:/bin:/usr/bin ldconfig -p 2>/dev/null", "re");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		char *arrow = strstr(line, "=> ");

		if (found || !arrow || !strstr(line, "libc.so.6 (") || !strstr(line, arch))
			continue;
		arrow += 3;
		arrow[strcspn(arrow, "\n")] = '\0';
		if (!access(arrow, R_OK)) {
			snprintf(buf, len, "%s", arrow);
			found = true;
		}
	}
	pclose(p);
	return found;
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct gethost_event *e = data;
	char comm[17], host[GETHOST_NAME_LEN];
	const char *func;

	if (len < sizeof(*e))
		return 0;
	tool_comm(comm, e->comm);
	memcpy(host, e->host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	func = e->func < GETHOST_NFUNCS ? func_names[e->func] : NULL;
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "lookup");
		json_u64(stdout, "pid", e->pid);
		json_u64(stdout, "tid", e->tid);
		json_str(stdout, "comm", comm);
		json_enum(stdout, "func", e->func, func);
		json_str(stdout, "host", host);
		json_bool(stdout, "found", e->found);
		json_u64(stdout, "latency_ns", e->lat_ns);
		json_end(stdout);
	} else {
		printf("%-9s %-6u %-16s %10.2f %s\n", tool_time(), e->pid, comm,
		       e->lat_ns / 1e6, host);
	}
	fflush(stdout);
	return 0;
}

static void sig_handler(int sig)
{
	tool_exiting = 1;
}

/*
 * tool_prepare() without its tracefs check: uprobes are perf events of the
 * uprobe PMU, which libbpf opens without tracefs.
 */
static bool prepare(void)
{
	struct sigaction sa = { .sa_handler = sig_handler };
	char why[256];

	libbpf_set_verbose(env.verbose);
	if (!probe_privileges(why, sizeof(why)) || !probe_kernel_btf(why, sizeof(why))) {
		fprintf(stderr, TOOL ": %s\n", why);
		return false;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return true;
}

/*
 * Every process (pid -1): a uprobe opened for a PID follows that one
 * thread only, so -p filters by TGID on the BPF side instead.
 */
static int attach(struct gethostlatency_bpf *skel, const char *libc,
		  struct bpf_link **links)
{
	struct bpf_program *entries[GETHOST_NFUNCS] = {
		[GETHOST_GETADDRINFO] = skel->progs.getaddrinfo_entry,
		[GETHOST_GETHOSTBYNAME] = skel->progs.gethostbyname_entry,
		[GETHOST_GETHOSTBYNAME2] = skel->progs.gethostbyname2_entry,
	};
	char what[PATH_MAX + 64];
	int i, err;

	for (i = 0; i < 2 * GETHOST_NFUNCS; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = func_names[i / 2],
			    .retprobe = i % 2);

		links[i] = bpf_program__attach_uprobe_opts(i % 2 ? skel->progs.lookup_exit :
							   entries[i / 2], -1, libc, 0, &o);
		if (!links[i]) {
			err = -errno;
			if (err == -ENOENT) {
				/* libbpf found no such symbol in the file. */
				fprintf(stderr, TOOL ": %s has no %s(): not a C library?"
					" (name one with -l LIBC)\n", libc, func_names[i / 2]);
				return err;
			}
			snprintf(what, sizeof(what), "attach a %s to %s() of %s",
				 i % 2 ? "uretprobe" : "uprobe", func_names[i / 2], libc);
			report_bpf_failure(TOOL, what, err);
			return err;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct bpf_link *links[2 * GETHOST_NFUNCS] = {};
	struct gethostlatency_bpf *skel;
	struct ring_buffer *rb = NULL;
	char libc[PATH_MAX];
	int err, i;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (libc_arg)
		snprintf(libc, sizeof(libc), "%s", libc_arg);
	else if (!libc_from_maps(libc, sizeof(libc)) && !libc_from_ldconfig(libc, sizeof(libc))) {
		fprintf(stderr, TOOL ": cannot find the system's libc.so.6 (neither in "
			"/proc/self/maps nor in ldconfig -p): name it with -l LIBC\n");
		return 1;
	}
	if (!prepare())
		return 1;

	skel = gethostlatency_bpf__open();
	if (!skel) {
		report_bpf_failure(TOOL, "open the BPF object", -errno);
		return 1;
	}
	skel->rodata->targ_tgid = env.pid;
	err = tool_load_attach(&env, TOOL, skel->skeleton, NULL);
	if (!err)
		err = attach(skel, libc, links);
	if (!err) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
		if (!rb) {
			err = -errno;
			report_bpf_failure(TOOL, "create the ring buffer", err);
		}
	}
	if (!err) {
		if (env.json)
			tool_ready(&env, "Tracing host name lookups in %s. Ctrl-C to end.", libc);
		else
			tool_ready(&env, "%-9s %-6s %-16s %10s %s", "TIME", "PID", "COMM",
				   "LATms", "HOST");
		err = tool_poll_events(TOOL, rb);
	}
	ring_buffer__free(rb);
	for (i = 0; i < 2 * GETHOST_NFUNCS; i++)
		bpf_link__destroy(links[i]);
	gethostlatency_bpf__destroy(skel);
	return err ? 1 : 0;
}
