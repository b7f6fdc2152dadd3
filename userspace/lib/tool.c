// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "jsonout.h"
#include "tool.h"

volatile sig_atomic_t tool_exiting;

static void sig_handler(int sig)
{
	tool_exiting = 1;
}

bool tool_valid_column(const struct tool_env *env, const char *name)
{
	size_t i;

	if (!strcmp(name, "count"))
		return true;
	for (i = 0; env->columns && env->columns[i]; i++)
		if (!strcmp(name, env->columns[i]))
			return true;
	return false;
}

/* "one of count, pid, comm" for the usage error. */
const char *tool_columns(const struct tool_env *env, char *buf, size_t len)
{
	size_t used, i;

	used = snprintf(buf, len, "one of count");
	for (i = 0; env->columns && env->columns[i] && used < len; i++)
		used += snprintf(buf + used, len - used, ", %s", env->columns[i]);
	return buf;
}

error_t tool_parse_common(int key, char *arg, struct argp_state *state,
			  struct tool_env *env)
{
	char err[160];

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'v':
		env->verbose = true;
		break;
	case 'j':
		env->json = true;
		break;
	case 'T':
		env->timestamp = true;
		break;
	case 'p':
		if (parse_pid(arg, &env->pid, err, sizeof(err)))
			argp_error(state, "%s", err);
		break;
	case 't':
		env->table = true;
		break;
	case 'w':
		env->wide = true;
		break;
	case 'P':
		if (!env->ports)
			return ARGP_ERR_UNKNOWN;
		if (parse_ports(arg, env->ports->list, TOOL_MAX_PORTS, &env->ports->n, err,
				sizeof(err)))
			argp_error(state, "-P: %s", err);
		break;
	case TOOL_OPT_KEY_CGROUP:
		env->cgroup_fd = open_cgroup(arg, err, sizeof(err));
		if (env->cgroup_fd < 0)
			argp_error(state, "%s", err);
		break;
	case TOOL_OPT_KEY_NETNS:
		if (parse_netns(arg, &env->netns, err, sizeof(err)))
			argp_error(state, "%s", err);
		break;
	case '4':
	case '6':
		if (env->family && env->family != (key == '4' ? AF_INET : AF_INET6))
			argp_error(state, "-4 and -6 exclude each other");
		env->family = key == '4' ? AF_INET : AF_INET6;
		break;
	case 'u':
		if (parse_uid(arg, &env->uid, err, sizeof(err)))
			argp_error(state, "%s", err);
		env->filter_uid = true;
		break;
	case 'i':
		if (parse_iface(arg, err, sizeof(err)))
			argp_error(state, "%s", err);
		env->iface = arg;
		break;
	case 's':
		if (!tool_valid_column(env, arg))
			argp_error(state, "invalid sort column '%s': %s", arg,
				   tool_columns(env, err, sizeof(err)));
		env->sort = arg;
		break;
	case 'r': {
		uint64_t v;

		if (parse_u64_range(arg, "ROWS", 1, 100000, &v, err, sizeof(err)))
			argp_error(state, "%s", err);
		env->top = v;
		break;
	}
	case ARGP_KEY_ARG:
		if (env->no_interval)
			argp_error(state, "unexpected argument '%s'", arg);
		if (parse_interval_arg(env->npos, arg, &env->interval,
				       &env->count, err, sizeof(err)))
			argp_error(state, "%s", err);
		env->npos++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

bool tool_prepare(const char *tool, const struct tool_env *env)
{
	struct sigaction sa = { .sa_handler = sig_handler };
	char why[256];

	libbpf_set_verbose(env->verbose);
	if (!probe_privileges(why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", tool, why);
		return false;
	}
	if (!probe_tracefs(why, sizeof(why)) || !probe_kernel_btf(why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", tool, why);
		return false;
	}
	/* No SA_RESTART: sleep() and ring_buffer__poll() return on Ctrl-C. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed terminal or ssh session still gets the summary. */
	sigaction(SIGHUP, &sa, NULL);
	return true;
}

static struct ring_buffer *tool_events;

void tool_poll_while_waiting(struct ring_buffer *rb)
{
	tool_events = rb;
}

static long long tool_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * @s seconds, or until the signal (sleep() returns at once on it: no
 * pause() race); handing tool_events' records to their callback meanwhile.
 */
static int tool_sleep(unsigned int s)
{
	long long end = tool_mono_ms() + s * 1000LL, left;
	int err;

	if (!tool_events) {
		sleep(s);
		return 0;
	}
	while (!tool_exiting && (left = end - tool_mono_ms()) > 0) {
		err = ring_buffer__poll(tool_events, left < 100 ? (int)left : 100);
		if (err < 0 && err != -EINTR)
			return err;
	}
	/* What came before the report, or before Ctrl-C. */
	err = ring_buffer__consume(tool_events);
	return err < 0 ? err : 0;
}

bool tool_wait(const struct tool_env *env, unsigned int reports)
{
	if (!env->interval) {
		while (!tool_exiting)
			tool_sleep(1);
		return false;
	}
	if (env->count && reports + 1 >= env->count) {
		/* The last one: still wait its interval, or Ctrl-C. */
		tool_sleep(env->interval);
		return false;
	}
	tool_sleep(env->interval);
	return !tool_exiting;
}

const char *tool_time(void)
{
	static char buf[16];

	return strftime_now(buf, sizeof(buf));
}

void tool_ready(const struct tool_env *env, const char *fmt, ...)
{
	FILE *out = env->json ? stderr : stdout;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

void tool_comm(char dst[17], const char *src)
{
	memcpy(dst, src, 16);
	dst[16] = '\0';
}

bool tool_need_tracepoints(const char *tool, const char *what,
			   const char *category, const char *const *names,
			   size_t n, const char *hint)
{
	char why[256];
	size_t i;

	for (i = 0; i < n; i++) {
		if (probe_tracepoint(category, names[i], why, sizeof(why)))
			continue;
		fprintf(stderr, "%s: cannot trace %s: %s%s%s%s\n", tool, what, why,
			hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
		return false;
	}
	return true;
}

int tool_load_attach(const struct tool_env *env, const char *tool,
		     const struct bpf_object_skeleton *s, const char *attach_what)
{
	struct bpf_map *cgroups;
	__u32 zero = 0;
	int err;

	err = bpf_object__load_skeleton((struct bpf_object_skeleton *)s);
	if (err) {
		report_bpf_failure(tool, "load the BPF programs", err);
		return err;
	}
	cgroups = bpf_object__find_map_by_name(*s->obj, "cgroup_map");
	if (env->cgroup_fd > 0 &&
	    (!cgroups || bpf_map_update_elem(bpf_map__fd(cgroups), &zero,
					     &env->cgroup_fd, BPF_ANY))) {
		err = cgroups ? -errno : -ENOENT;
		report_bpf_failure(tool, "set the --cgroup filter", err);
		return err;
	}
	return attach_what ? tool_attach(tool, s, attach_what) : 0;
}

int tool_attach(const char *tool, const struct bpf_object_skeleton *s,
		const char *attach_what)
{
	char what[160];
	int err;

	err = bpf_object__attach_skeleton((struct bpf_object_skeleton *)s);
	if (err) {
		snprintf(what, sizeof(what), "attach %s", attach_what);
		report_bpf_failure(tool, what, err);
	}
	return err;
}

int tool_fill_ports(const char *tool, int map_fd, const uint16_t *ports, size_t n,
		    const char *what)
{
	char failed[64];
	__u8 one = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(map_fd, &ports[i], &one, BPF_ANY)) {
			int err = -errno;

			snprintf(failed, sizeof(failed), "set the %s ports", what);
			report_bpf_failure(tool, failed, err);
			return err;
		}
	}
	return 0;
}

int tool_poll_events(const char *tool, struct ring_buffer *rb)
{
	int err = 0;

	tool_events = rb;
	while (!tool_exiting && !err)
		err = tool_sleep(1);
	tool_events = NULL;
	if (err)
		fprintf(stderr, "%s: polling the ring buffer: %s\n", tool, strerror(-err));
	return err;
}

int tool_events_run(const char *tool, const struct tool_env *env,
		    const struct bpf_object_skeleton *s, const struct tool_events *te,
		    const char *ready)
{
	struct ring_buffer *rb;
	int err;

	err = tool_load_attach(env, tool, s, NULL);
	if (!err && te->ports)
		err = tool_fill_ports(tool, bpf_map__fd(te->ports), te->port_list, te->nports,
				      "-P");
	if (!err)
		err = tool_attach(tool, s, te->attach_what);
	if (err)
		return err;
	rb = ring_buffer__new(bpf_map__fd(te->events), te->handle, NULL, NULL);
	if (!rb) {
		err = -errno;
		report_bpf_failure(tool, "create the ring buffer", err);
		return err;
	}
	if (!env->json && env->timestamp)
		printf("%-8s ", "TIME");
	tool_ready(env, "%s", ready);
	err = tool_poll_events(tool, rb);
	ring_buffer__free(rb);
	return err;
}

int tool_run(const struct tool_env *env, int (*report)(void *ctx), void *ctx)
{
	unsigned int reports = 0;
	int err;

	for (;;) {
		bool more = tool_wait(env, reports);

		err = report(ctx);
		reports++;
		if (env->json && !err)
			json_interval(stdout, reports, env->interval, !more);
		if (err || !more)
			return err;
	}
}

void tool_print_rows(const struct tool_env *env, struct kv_table *t,
		     const char *const *map_order)
{
	struct kv_print_opts o = {
		.style = env->json ? KV_JSON : env->table ? KV_TABLE : KV_BPFTRACE,
		.map_order = map_order, .sort = env->sort, .top = env->top,
	};

	kv_print(stdout, t, &o);
}

int tool_print_counts(const struct tool_env *env, struct kv_table *t,
		      int map_fd, size_t key_size, int ncpus,
		      void (*add_row)(const void *key, unsigned long long value,
				      void *t),
		      const char *const *map_order)
{
	int err;

	kv_reset(t);
	err = bpf_map_drain(map_fd, key_size, sizeof(__u64), ncpus,
			    env->interval != 0, add_row, t);
	if (err)
		return err;
	if (env->timestamp && !env->json)
		printf("%s\n", tool_time());
	tool_print_rows(env, t, map_order);
	return 0;
}
