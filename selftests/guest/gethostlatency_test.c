// SPDX-License-Identifier: GPL-2.0
/*
 * gethostlatency on the running kernel: getent (getaddrinfo() for
 * "ahosts", gethostbyname2() for "hosts") and a child calling
 * gethostbyname() resolve names of a private /etc/hosts (bind-mounted in a
 * mount namespace of their own, with "hosts: files" only, so that nothing
 * goes to DNS); the tool must print exactly those lookups, by that PID,
 * with the names, in order, and latencies within the child's run time.
 */
#include <netdb.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define READY_MS	60000	/* loading under TCG can take a while */
#define STOP_MS		30000
#define READY_TEXT	"LATms HOST"
#define READY_JSON	"Tracing host name lookups"

#define NAME_A		"netlens-ghl-a.test"
#define NAME_B		"netlens-ghl-b.test"
#define NAME_V4		"netlens-ghl-v4only.test"	/* no IPv6 address */
#define NAME_NONE	"netlens-ghl-none.test"		/* in no hosts file */

/*
 * Both families for localhost, A and B: getent hosts asks gethostbyname2()
 * for AF_INET6 first and for AF_INET only when that fails.
 */
static const char hosts_text[] =
	"127.0.0.1 localhost\n"
	"::1 localhost\n"
	"127.0.0.2 " NAME_A "\n"
	"fd00::2 " NAME_A "\n"
	"127.0.0.3 " NAME_B "\n"
	"fd00::3 " NAME_B "\n"
	"127.0.0.4 " NAME_V4 "\n";

struct lookup_env {
	char dir[64];
	char hosts[96];
	char nss[96];
};

struct ghl_event {
	int pid;
	char comm[17];
	char func[32];		/* JSON only */
	char host[256];
	int found;		/* JSON only: 1 or 0 */
	double lat_ms;
};

static bool uprobes_supported(void)
{
	return path_exists("/sys/bus/event_source/devices/uprobe");
}

static int write_new_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int lookup_env_init(struct lookup_env *le)
{
	snprintf(le->dir, sizeof(le->dir), "/tmp/netlens_ghl.XXXXXX");
	if (!mkdtemp(le->dir))
		return -1;
	snprintf(le->hosts, sizeof(le->hosts), "%s/hosts", le->dir);
	snprintf(le->nss, sizeof(le->nss), "%s/nsswitch.conf", le->dir);
	if (write_new_file(le->hosts, hosts_text) ||
	    write_new_file(le->nss, "hosts: files\n"))
		return -1;
	return 0;
}

static void lookup_env_fini(struct lookup_env *le)
{
	unlink(le->hosts);
	unlink(le->nss);
	rmdir(le->dir);
}

/* In the child: the private hosts and nsswitch.conf, for it only. */
static void private_hosts(const struct lookup_env *le)
{
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount(le->hosts, "/etc/hosts", NULL, MS_BIND, NULL) ||
	    mount(le->nss, "/etc/nsswitch.conf", NULL, MS_BIND, NULL)) {
		perror("private /etc/hosts");
		_exit(126);
	}
}

struct child {
	pid_t pid;
	int gate;		/* write end: the child runs when it closes */
	long long start_ms;
};

/*
 * Fork a child that waits for child_run(), then, with the private hosts,
 * execs @argv (getent), or calls gethostbyname(@byname) as "ghl-byname"
 * when @argv is NULL.
 */
static int child_start(struct child *c, const struct lookup_env *le, char *const argv[],
		       const char *byname)
{
	int p[2];
	char b;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		close(p[1]);
		if (read(p[0], &b, 1) < 0)
			_exit(125);
		private_hosts(le);
		dup2(null, 1);
		if (argv) {
			execvp(argv[0], argv);
			_exit(127);
		}
		prctl(PR_SET_NAME, "ghl-byname");
		_exit(gethostbyname(byname) ? 0 : 1);
	}
	close(p[0]);
	c->gate = p[1];
	return 0;
}

/* Let the child run and wait for it: its exit status; its run time in @ms. */
static int child_run(struct child *c, double *ms)
{
	int st;

	c->start_ms = now_ms();
	close(c->gate);
	if (waitpid(c->pid, &st, 0) != c->pid)
		return -1;
	*ms = now_ms() - c->start_ms + 1;	/* now_ms() has millisecond steps */
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run_child(const struct lookup_env *le, char *const argv[], const char *byname,
		     pid_t *pid, double *ms)
{
	struct child c;

	if (child_start(&c, le, argv, byname))
		return -1;
	*pid = c.pid;
	return child_run(&c, ms);
}

/* "key":"value" of a JSON line into @buf. */
static bool json_get_str(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	n = strcspn(p, "\"");
	if (n >= len)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

/* "key":NUMBER, "key":true or "key":false of a JSON line. */
static bool json_get_num(const char *line, const char *key, double *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
		*v = *p == 't';
		return true;
	}
	*v = strtod(p, NULL);
	return true;
}

/* The events of @pid that @out (text or -j) has, in order; how many. */
static int collect(const char *out, int pid, bool json, struct ghl_event *ev, int max)
{
	const char *p, *eol;
	char line[1024];
	int n = 0;

	for (p = out; *p; p = eol + !!*eol) {
		struct ghl_event e = { .found = -1 };
		char time[16];
		double v;

		eol = p + strcspn(p, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)(eol - p), p);
		if (json) {
			if (strncmp(line, "{\"type\":\"event\"", 15) ||
			    !json_get_num(line, "pid", &v))
				continue;
			e.pid = (int)v;
			json_get_str(line, "comm", e.comm, sizeof(e.comm));
			json_get_str(line, "func_name", e.func, sizeof(e.func));
			json_get_str(line, "host", e.host, sizeof(e.host));
			if (json_get_num(line, "found", &v))
				e.found = (int)v;
			if (!json_get_num(line, "latency_ns", &v))
				v = -1e6;
			e.lat_ms = v / 1e6;
		} else if (sscanf(line, "%15s %d %16s %lf %255s", time, &e.pid, e.comm,
				  &e.lat_ms, e.host) != 5 || strlen(time) != 8 || time[2] != ':') {
			continue;
		}
		if (e.pid != pid)
			continue;
		if (n < max)
			ev[n] = e;
		n++;
	}
	return n;
}

static int start_tool(struct bg_tool *t, const char *const *args, bool json)
{
	char path[512];
	char *argv[8] = { (char *)tool_path("gethostlatency", path, sizeof(path)) };
	int i;

	for (i = 0; args && args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	return bg_tool_start(t, argv, json ? READY_JSON : READY_TEXT, READY_MS);
}

#define NEED_UPROBES() do {							\
	if (!uprobes_supported())						\
		SKIP(return, "no uprobe PMU (CONFIG_UPROBE_EVENTS)");		\
	if (run_cmd(NULL, 0, "command -v getent >/dev/null"))			\
		SKIP(return, "no getent");					\
} while (0)

/* getent ahosts: one getaddrinfo() per name, a text line each. */
TEST(ahosts_text)
{
	char *argv[] = { "getent", "ahosts", "localhost", NAME_A, NAME_B, NULL };
	static const char *const names[] = { "localhost", NAME_A, NAME_B };
	struct lookup_env le;
	struct ghl_event ev[8];
	struct bg_tool *t = malloc(sizeof(*t));
	double ms = 0;
	pid_t pid = 0;
	int i, n;

	NEED_UPROBES();
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, lookup_env_init(&le));
	ASSERT_EQ(0, start_tool(t, NULL, false)) TH_LOG("%s", t->out);
	EXPECT_EQ(0, run_child(&le, argv, NULL, &pid, &ms));
	EXPECT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS));
	n = collect(t->out, pid, false, ev, 8);
	ASSERT_EQ(3, n) TH_LOG("getent pid %d:\n%s", pid, t->out);
	for (i = 0; i < 3; i++) {
		EXPECT_STREQ(names[i], ev[i].host);
		EXPECT_STREQ("getent", ev[i].comm);
		EXPECT_LE(0, ev[i].lat_ms);
		EXPECT_GE(ms, ev[i].lat_ms) TH_LOG("getent ran %.0f ms", ms);
	}
	DUMP_ON_FAILURE(*t);
	lookup_env_fini(&le);
	free(t);
}

/*
 * -j: getent hosts (gethostbyname2(): AF_INET6, then AF_INET when that
 * finds nothing), getent ahosts of an unknown name and gethostbyname();
 * the function, the name and whether it was found, and the schema.
 */
TEST(json_functions)
{
	char *hosts[] = { "getent", "hosts", "localhost", NAME_A, NAME_V4, NULL };
	char *none[] = { "getent", "ahosts", NAME_NONE, NULL };
	static const struct { const char *func, *host; int found; } want[] = {
		{ "gethostbyname2", "localhost", 1 },
		{ "gethostbyname2", NAME_A, 1 },
		{ "gethostbyname2", NAME_V4, 0 },	/* AF_INET6 */
		{ "gethostbyname2", NAME_V4, 1 },	/* AF_INET */
	};
	static const char *const args[] = { "-j", NULL };
	struct bg_tool *t = malloc(sizeof(*t));
	struct ghl_event ev[8];
	struct lookup_env le;
	double ms[3] = {};
	pid_t pid[3] = {};
	char why[4096] = "";
	int i, n;

	NEED_UPROBES();
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, lookup_env_init(&le));
	ASSERT_EQ(0, start_tool(t, args, true)) TH_LOG("%s", t->out);
	EXPECT_EQ(0, run_child(&le, hosts, NULL, &pid[0], &ms[0]));
	EXPECT_EQ(2, run_child(&le, none, NULL, &pid[1], &ms[1]));	/* 2: not found */
	EXPECT_EQ(0, run_child(&le, NULL, NAME_B, &pid[2], &ms[2]));
	EXPECT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS));

	n = collect(t->out, pid[0], true, ev, 8);
	ASSERT_EQ(4, n) TH_LOG("getent hosts pid %d:\n%s", pid[0], t->out);
	for (i = 0; i < 4; i++) {
		EXPECT_STREQ(want[i].func, ev[i].func);
		EXPECT_STREQ(want[i].host, ev[i].host);
		EXPECT_EQ(want[i].found, ev[i].found);
		EXPECT_STREQ("getent", ev[i].comm);
		EXPECT_LE(0, ev[i].lat_ms);
		EXPECT_GE(ms[0], ev[i].lat_ms);
	}
	n = collect(t->out, pid[1], true, ev, 8);
	ASSERT_EQ(1, n) TH_LOG("getent ahosts pid %d:\n%s", pid[1], t->out);
	EXPECT_STREQ("getaddrinfo", ev[0].func);
	EXPECT_STREQ(NAME_NONE, ev[0].host);
	EXPECT_EQ(0, ev[0].found);
	EXPECT_GE(ms[1], ev[0].lat_ms);
	n = collect(t->out, pid[2], true, ev, 8);
	ASSERT_EQ(1, n) TH_LOG("gethostbyname pid %d:\n%s", pid[2], t->out);
	EXPECT_STREQ("gethostbyname", ev[0].func);
	EXPECT_STREQ(NAME_B, ev[0].host);
	EXPECT_STREQ("ghl-byname", ev[0].comm);
	EXPECT_EQ(1, ev[0].found);
	EXPECT_LE(0, ev[0].lat_ms);
	EXPECT_GE(ms[2], ev[0].lat_ms);

	n = json_schema_violations(t->out, why, sizeof(why));
	if (n < 0)
		TH_LOG("jq not available: schema not checked");
	else
		EXPECT_EQ(0, n) TH_LOG("%s", why);
	DUMP_ON_FAILURE(*t);
	lookup_env_fini(&le);
	free(t);
}

/* -p: a lookup of another process first, then the one asked for. */
TEST(pid_filter)
{
	char *other[] = { "getent", "ahosts", NAME_B, NULL };
	char *mine[] = { "getent", "ahosts", NAME_A, "localhost", NULL };
	struct bg_tool *t = malloc(sizeof(*t));
	struct ghl_event ev[8];
	struct lookup_env le;
	const char *args[3];
	char pidstr[16];
	struct child c;
	pid_t opid = 0;
	double ms = 0, oms = 0;
	int n;

	NEED_UPROBES();
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, lookup_env_init(&le));
	ASSERT_EQ(0, child_start(&c, &le, mine, NULL));
	snprintf(pidstr, sizeof(pidstr), "%d", c.pid);
	args[0] = "-p";
	args[1] = pidstr;
	args[2] = NULL;
	if (start_tool(t, args, false)) {
		close(c.gate);
		waitpid(c.pid, NULL, 0);
		ASSERT_TRUE(false) TH_LOG("not ready: %s", t->out);
	}
	EXPECT_EQ(0, run_child(&le, other, NULL, &opid, &oms));
	EXPECT_EQ(0, child_run(&c, &ms));
	EXPECT_EQ(0, bg_tool_stop(t, SIGINT, STOP_MS));
	EXPECT_EQ(0, collect(t->out, opid, false, ev, 8));
	EXPECT_EQ(0, count_lines_with(t->out, NAME_B));
	n = collect(t->out, c.pid, false, ev, 8);
	ASSERT_EQ(2, n) TH_LOG("pid %d:\n%s", c.pid, t->out);
	EXPECT_STREQ(NAME_A, ev[0].host);
	EXPECT_STREQ("localhost", ev[1].host);
	EXPECT_STREQ("getent", ev[1].comm);
	EXPECT_GE(ms, ev[0].lat_ms);
	EXPECT_GE(ms, ev[1].lat_ms);
	/* The header and the two lines only. */
	EXPECT_EQ(3, count_lines_with(t->out, ""))
		TH_LOG("%s", t->out);
	DUMP_ON_FAILURE(*t);
	lookup_env_fini(&le);
	free(t);
}

/* Bad arguments: usage errors, exit 2, before anything is loaded. */
TEST(bad_arguments)
{
	static const char *const bad[] = {
		"-p 0", "-p abc", "-p", "-l /nonexistent/libc.so.6", "-l ''", "5", "-x",
	};
	char path[512], out[8192];
	size_t i;

	tool_path("gethostlatency", path, sizeof(path));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = run_cmd(out, sizeof(out), "%s %s 2>&1", path, bad[i]);

		if (rc != 2)
			TH_LOG("'%s' exits %d: %s", bad[i], rc, out);
		EXPECT_EQ(2, rc);
	}
	EXPECT_EQ(0, run_cmd(out, sizeof(out), "%s --help", path));
	EXPECT_TRUE(strstr(out, "statically linked") != NULL) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
