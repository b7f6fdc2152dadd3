/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the netlens selftests (header-only). */
#ifndef NETLENS_TEST_HELPERS_H
#define NETLENS_TEST_HELPERS_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netlens_dev.h"

/*
 * SKIP() from a FIXTURE_SETUP: the 6.1 harness would still run the test
 * body after a plain SKIP(return, ...), so jump out past it (and past the
 * teardown: skip before the setup acquires anything).
 */
#define SETUP_SKIP(fmt, ...) SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/* Read a whole small file into @buf, trailing newline stripped; -errno. */
static inline int read_text_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static inline int write_text_file(const char *path, const char *text)
{
	ssize_t n, len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

static inline int path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline int netlens_loaded(void)
{
	return path_exists("/sys/module/netlens");
}

/* Run a shell command, its output into @out (may be NULL); exit status. */
static inline int run_cmd(char *out, size_t outlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int run_cmd(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[1024];
	size_t used = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && outlen) {
		out[0] = '\0';
		while (used + 1 < outlen && fgets(out + used, outlen - used, p))
			used += strlen(out + used);
	} else {
		char sink[256];

		while (fgets(sink, sizeof(sink), p))
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The full path of command @name on PATH into @buf; NULL when missing. */
static inline const char *find_tool(const char *name, char *buf, size_t len)
{
	if (run_cmd(buf, len, "command -v %s", name) || !*buf)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* A perf that runs on this kernel (Debian's wrapper may have none). */
static inline const char *find_perf(char *buf, size_t len)
{
	static const char *const names[] = { "perf", "perf_6.12", "perf_6.1", NULL };
	int i;

	for (i = 0; names[i]; i++) {
		if (!find_tool(names[i], buf, len))
			continue;
		if (run_cmd(NULL, 0, "%s --version >/dev/null 2>&1", buf))
			continue;
		return buf;
	}
	return NULL;
}

/*
 * perf walks /lib/modules/KVER at startup to name module maps: over the
 * guest's 9p root in TCG that takes half a minute.  Run it as
 * "unshare -m --propagation private /bin/sh -c PERF_EMPTY_MODULES_SH perf
 * ARGS": it gets an empty one in a mount namespace of its own.
 */
#define PERF_EMPTY_MODULES_SH \
	"mount -t tmpfs tmpfs \"/lib/modules/$(uname -r)\" 2>/dev/null; exec \"$0\" \"$@\""

/* ---- network namespaces and their counters -------------------------------- */

/* @field of the "@proto: " lines of /proc/self/net/snmp; -1 when unreadable. */
static inline long snmp_value(const char *proto, const char *field)
{
	char buf[8192], tag[32], *hdr, *val, *p;
	size_t flen = strlen(field);
	int col = 0;

	if (read_text_file("/proc/self/net/snmp", buf, sizeof(buf)))
		return -1;
	snprintf(tag, sizeof(tag), "\n%s: ", proto);
	hdr = strstr(buf, tag);
	val = hdr ? strstr(hdr + 1, tag) : NULL;
	if (!val)
		return -1;
	for (p = hdr + strlen(tag); p < val; p++) {
		if (!strncmp(p, field, flen) && (p[flen] == ' ' || p[flen] == '\n'))
			break;
		col += *p == ' ';
	}
	if (p >= val)
		return -1;
	val += strlen(tag);
	while (col-- > 0 && (val = strchr(val, ' ')))
		val++;
	return val ? strtol(val, NULL, 10) : -1;
}

/* "NAME value" of /proc/self/net/snmp6 or netstat's "TcpExt:" table; -1 when missing. */
static inline long snmp6_value(const char *name)
{
	char buf[16384], *p;
	size_t n = strlen(name);

	if (read_text_file("/proc/self/net/snmp6", buf, sizeof(buf)))
		return -1;
	for (p = buf; (p = strstr(p, name)); p += n)
		if ((p == buf || p[-1] == '\n') && p[n] == ' ')
			return strtol(p + n, NULL, 10);
	return -1;
}

/*
 * Enter the network namespace /run/netns/@name (ip netns add): the
 * namespace to return to (netns_leave()), or -1.
 */
static inline int netns_enter(const char *name)
{
	char path[128];
	int self, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET)) {
		if (self >= 0)
			close(self);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return self;
}

static inline void netns_leave(int self)
{
	if (self < 0)
		return;
	setns(self, CLONE_NEWNET);
	close(self);
}

/*
 * A socket of namespace @name (it stays there), close-on-exec (tools the
 * test starts must not hold it); the calling thread returns to its own.
 */
static inline int netns_socket(const char *name, int domain, int type)
{
	int self = netns_enter(name), fd;

	if (self < 0)
		return -1;
	fd = socket(domain, type | SOCK_CLOEXEC, 0);
	netns_leave(self);
	return fd;
}

/* snmp_value() of namespace @name. */
static inline long netns_snmp(const char *name, const char *proto, const char *field)
{
	int self = netns_enter(name);
	long v;

	if (self < 0)
		return -1;
	v = snmp_value(proto, field);
	netns_leave(self);
	return v;
}

/* ---- running a tool in the background ------------------------------------ */
#include <poll.h>
#include <signal.h>
#include <time.h>

/* $BUILD/bin/@name, found from this test binary's path ($BUILD/tests/x). */
static inline const char *tool_path(const char *name, char *buf, size_t len)
{
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(buf, len, "build/bin/%s", name);
		return buf;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');		/* .../tests/x */
	if (slash)
		*slash = '\0';
	slash = strrchr(exe, '/');		/* .../tests */
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%.400s/bin/%s", exe, name);
	return buf;
}

/*
 * @rel in the repository: $BUILD/../@rel (this binary is $BUILD/tests/x),
 * else @rel from the working directory (vmtest.sh runs in the repository).
 */
static inline const char *repo_file(const char *rel, char *buf, size_t len)
{
	char bin[512], *slash;

	tool_path("x", bin, sizeof(bin));
	slash = strrchr(bin, '/');		/* $BUILD/bin */
	if (slash)
		*slash = '\0';
	slash = strrchr(bin, '/');		/* $BUILD */
	if (slash)
		*slash = '\0';
	if (snprintf(buf, len, "%.500s/../%s", bin, rel) >= (int)len ||
	    access(buf, R_OK))
		snprintf(buf, len, "%s", rel);
	return buf;
}

/*
 * Check the JSON lines of @out (those starting with '{') against the one
 * schema, selftests/json_schema.jq: its complaints into @why; how many
 * (0: all conform), -1 when jq cannot run.
 */
static inline int json_schema_violations(const char *out, char *why, size_t len)
{
	char tmpl[] = "/tmp/netlens_schema.XXXXXX", schema[600], count[32];
	const char *p;
	FILE *f;
	int fd;

	fd = mkstemp(tmpl);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmpl);
		return -1;
	}
	for (p = out; *p; p += strcspn(p, "\n") + !!p[strcspn(p, "\n")])
		if (*p == '{')
			fprintf(f, "%.*s\n", (int)strcspn(p, "\n"), p);
	fclose(f);
	repo_file("selftests/json_schema.jq", schema, sizeof(schema));
	if (run_cmd(why, len, "jq -R -r -f %s < %s 2>&1", schema, tmpl)) {
		unlink(tmpl);
		return -1;
	}
	run_cmd(count, sizeof(count), "jq -R -r -f %s < %s | wc -l", schema, tmpl);
	unlink(tmpl);
	return atoi(count);
}

struct bg_tool {
	pid_t pid;
	int fd;			/* the tool's stdout and stderr */
	size_t len;
	char out[128 * 1024];
};

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read what the tool printed for up to @ms; 0 at EOF, 1 when time ran out. */
static inline int bg_tool_read(struct bg_tool *t, int ms, const char *until)
{
	long long end = now_ms() + ms;

	for (;;) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		if (until && strstr(t->out, until))
			return 1;
		if (left <= 0)
			return 1;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(t->fd, t->out + t->len, sizeof(t->out) - 1 - t->len);
		if (n <= 0)
			return 0;
		t->len += n;
		t->out[t->len] = '\0';
	}
}

/*
 * Start @argv with stdout and stderr into a pipe and wait up to @ms for
 * @ready in its output.  0 when ready; -1 otherwise (the output so far is
 * in t->out).
 */
static inline int bg_tool_start(struct bg_tool *t, char *const argv[],
				const char *ready, int ms)
{
	int p[2];

	memset(t, 0, sizeof(*t));
	if (pipe2(p, O_CLOEXEC))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	t->fd = p[0];
	bg_tool_read(t, ms, ready);
	return strstr(t->out, ready) ? 0 : -1;
}

/*
 * Let events drain, send @sig, read the rest and reap it.  Returns the
 * exit status (128+N when killed by signal N), -1 on timeout (killed).
 */
static inline int bg_tool_stop(struct bg_tool *t, int sig, int ms)
{
	int st;

	if (t->pid <= 0)
		return -1;
	bg_tool_read(t, 300, NULL);
	kill(t->pid, sig);
	if (bg_tool_read(t, ms, NULL) != 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &st, 0);
		close(t->fd);
		t->pid = 0;
		return -1;
	}
	waitpid(t->pid, &st, 0);
	close(t->fd);
	t->pid = 0;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* A bg_tool's output into the log when the test has failed. */
#define DUMP_ON_FAILURE(t)						\
	do {								\
		if (!_metadata->passed)					\
			TH_LOG("tool output:\n%s", (t).out);		\
	} while (0)

/*
 * Drop every ,"epoch_us":DIGITS of the JSON lines in @s (in place), so that
 * tests can match the rest exactly; how many there were.
 */
static inline int json_strip_epoch(char *s)
{
	static const char key[] = ",\"epoch_us\":";
	char *p = s;
	int n = 0;

	while ((p = strstr(p, key))) {
		char *end = p + sizeof(key) - 1;

		while (*end >= '0' && *end <= '9')
			end++;
		memmove(p, end, strlen(end) + 1);
		n++;
	}
	return n;
}

/* Lines of @out equal to @line. */
static inline int count_lines(const char *out, const char *line)
{
	size_t len = strlen(line);
	const char *p = out;
	int n = 0;

	while ((p = strstr(p, line))) {
		if ((p == out || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
			n++;
		p += len;
	}
	return n;
}

/* Lines of @out that have @needle. */
static inline int count_lines_with(const char *out, const char *needle)
{
	const char *p, *eol, *hit;
	int n = 0;

	for (p = out; *p; p = eol + !!*eol) {
		eol = p + strcspn(p, "\n");
		hit = strstr(p, needle);
		n += hit && hit < eol;
	}
	return n;
}

/* Lines of @out starting with @prefix and ending with @suffix. */
static inline int count_lines_affix(const char *out, const char *prefix,
				    const char *suffix)
{
	size_t plen = strlen(prefix), slen = strlen(suffix);
	const char *p = out;
	int n = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len >= plen + slen && !strncmp(p, prefix, plen) &&
		    !strncmp(p + len - slen, suffix, slen))
			n++;
		p += len;
		if (*p)
			p++;
	}
	return n;
}

/* count_lines() of the line printf(@fmt, ...) makes. */
static inline int count_linef(const char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int count_linef(const char *out, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return count_lines(out, line);
}

/*
 * In an SMP guest of vmtest.sh: tests of the tools' faces (output, the
 * README's commands) run on the 1-vCPU guests only, where they take a
 * quarter of the time; what SMP changes is tested by the kernel-facing
 * tests.
 */
static inline bool smp_guest(void)
{
	return getenv("NETLENS_VMTEST") && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Run the calling thread on @cpu only (-1: leave it where it may run). */
static inline int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Wait up to 5 s until the skb hooks are armed (@want 1) or not (0). */
static inline int wait_skb_armed(int fd, int want)
{
	struct netlens_skb_stats st;
	int i;

	for (i = 0; i < 500; i++) {
		if (netlens_dev_skb_stats(fd, &st))
			return -1;
		if ((int)st.armed == want)
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * Kernel log records after sequence number @since (0: all of it) that
 * contain one of @patterns (NULL-terminated; NULL: what a healthy kernel
 * never prints) go to @out, a line each.  Returns the last sequence number
 * seen: the @since of a later call ("since this binary started").
 */
static inline unsigned long long kmsg_scan(unsigned long long since,
					   const char *const *patterns,
					   char *out, size_t len)
{
	static const char *const problems[] = {
		"WARNING", "BUG", "Oops", "Call Trace", "KASAN", "UBSAN",
		"general protection", "refcount_t", "list_add corruption",
		"list_del corruption", "inconsistent lock state",
		"suspicious RCU usage", "possible recursive locking",
		"possible circular locking", "lock inversion", NULL
	};
	unsigned long long seq, last = since;
	char rec[8192];
	size_t used = 0;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (!patterns)
		patterns = problems;
	if (out && len)
		out[0] = '\0';
	if (fd < 0)
		return since;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *text, *nl;
		int i;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten while we read */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (sscanf(rec, "%*u,%llu,", &seq) != 1)
			continue;
		if (seq > last)
			last = seq;
		text = strchr(rec, ';');
		if (seq <= since || !text || !out)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		for (i = 0; patterns[i]; i++)
			if (strstr(text, patterns[i]))
				break;
		if (patterns[i] && used + strlen(text) + 2 < len)
			used += snprintf(out + used, len - used, "%s\n", text);
	}
	close(fd);
	return last;
}

#endif
