// SPDX-License-Identifier: GPL-2.0
/*
 * Every command README.md shows a user of a netlens host runs as shown:
 * each line of its ```sh blocks that starts with one of the tools, perf,
 * trace-cmd or bpftrace runs with $BUILD/bin first on PATH and must end
 * with status 0 and say nothing of an error.  Those that run until Ctrl-C
 * get SIGINT after a few seconds, as a user ends them.  The build, install
 * and VM runner lines are what make check itself runs; a line for an
 * interface, cgroup or namespace this machine lacks (-i wlan0, a service's
 * cgroup) is left out, and said so.
 */
#include <ctype.h>
#include <net/if.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define START_MS	180000	/* bpftrace compiles for a minute under TCG */
#define RUN_MS		3000	/* from its banner to Ctrl-C */
/*
 * bpftrace says "Attaching" before it attaches, and a Ctrl-C while it
 * still attaches (slow under TCG on a loaded host) can keep it from ever
 * ending: give it time to finish first.
 */
#define BPFTRACE_RUN_MS	15000

/*
 * A command that runs until Ctrl-C is tracing once it printed its banner
 * ("Tracing ...", bpftrace's "Attaching ...") or, as the book's tools with
 * columns do, its header line (capitals, "PID" or "TIME" among them).
 */
static bool tracing(const char *out)
{
	const char *line;

	if (strstr(out, "Tracing") || strstr(out, "Attaching"))
		return true;
	for (line = out; *line; line += strcspn(line, "\n") + 1) {
		size_t len = strcspn(line, "\n");

		if (!line[len])
			return false;	/* not a whole line yet */
		if (!strncmp(line, "PID ", 4) || !strncmp(line, "TIME ", 5))
			return true;
	}
	return false;
}

/*
 * Run @script as a user would: wait until a command that runs until
 * Ctrl-C is tracing, let it trace a little, then Ctrl-C; a command that
 * ends by itself just ends.  Its exit status; its output in @t.
 */
static int run_documented(struct bg_tool *t, const char *script, int run_ms)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	long long end = now_ms() + START_MS;
	int eof = 0;

	bg_tool_start(t, argv, "\001", 0);
	while (now_ms() < end && !tracing(t->out) && !(eof = !bg_tool_read(t, 500, NULL)))
		;
	if (!eof)
		bg_tool_read(t, run_ms, NULL);
	return bg_tool_stop(t, SIGINT, 60000);
}

/* What the README's user commands start with, besides $BUILD/bin/. */
static const char *const extra_commands[] = { "perf", "trace-cmd", "bpftrace", NULL };

static bool is_user_command(const char *word)
{
	char bin[512];
	int i;

	for (i = 0; extra_commands[i]; i++)
		if (!strcmp(word, extra_commands[i]))
			return true;
	tool_path(word, bin, sizeof(bin));
	return access(bin, X_OK) == 0;
}

/* The value of option @opt (" -i ") on @line into @buf; NULL if none. */
static const char *option_value(const char *line, const char *opt, char *buf, size_t len)
{
	const char *p = strstr(line, opt);

	if (!p)
		return NULL;
	p += strlen(opt);
	snprintf(buf, len, "%.*s", (int)strcspn(p, " \t"), p);
	return buf;
}

/*
 * What a line needs that this machine lacks: the interface of -i, the
 * cgroup of --cgroup (a cgroup v2 directory), the namespace of --netns.
 */
static const char *missing_resource(const char *line, char *buf, size_t len)
{
	char path[300];

	if (option_value(line, " -i ", buf, len) && !if_nametoindex(buf) &&
	    strncmp(buf, "phy", 3))
		return buf;
	if (option_value(line, " --cgroup ", buf, len)) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", buf);
		if (!path_exists(path))
			return buf;
	}
	if (option_value(line, " --netns ", buf, len) && !path_exists(buf))
		return buf;
	return NULL;
}

FIXTURE(readme) {};
FIXTURE_SETUP(readme) {}
FIXTURE_TEARDOWN(readme) {}

TEST_F_TIMEOUT(readme, commands, 900)
{
	char line[1024], word[64], iface[256], perf[256], unshare[256];
	char bindir[512], readme[600], script[2600], path[2048];
	struct bg_tool *t = calloc(1, sizeof(*t));
	int ran = 0, left_out = 0, perf_lines = 0;
	bool in_sh = false;
	FILE *f;

	ASSERT_NE(NULL, t);
	/* The demo's kernel, make demo's guest: what a README reader runs. */
	if (smp_guest() || (getenv("NETLENS_VMTEST") &&
			    strncmp(getenv("NETLENS_KVER") ?: "", "6.12", 4)))
		SKIP(return, "the README's commands run in the 1-vCPU 6.12 guest, make demo's");
	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded on %s (the README's commands use it)",
		     getenv("NETLENS_KVER") ?: "this kernel");
	f = fopen(repo_file("README.md", readme, sizeof(readme)), "r");
	ASSERT_NE(NULL, f) TH_LOG("README.md not found");
	tool_path("x", bindir, sizeof(bindir));
	*strrchr(bindir, '/') = '\0';
	/* The tools by their names, as installed. */
	snprintf(path, sizeof(path), "%s:%s", bindir, getenv("PATH") ?: "/usr/bin:/bin");
	setenv("PATH", path, 1);
	while (fgets(line, sizeof(line), f)) {
		char *hash, *end;
		int ret;

		if (!strncmp(line, "```", 3)) {
			in_sh = !in_sh && !strncmp(line, "```sh", 5);
			continue;
		}
		if (!in_sh)
			continue;
		/* The comment after a command: "cmd   # what it does". */
		hash = strstr(line, " #");
		if (hash)
			*hash = '\0';
		for (end = line + strlen(line); end > line && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		if (sscanf(line, "%63s", word) != 1 || !is_user_command(word))
			continue;
		if (missing_resource(line, iface, sizeof(iface))) {
			TH_LOG("left out (no %s here): %s", iface, line);
			left_out++;
			continue;
		}
		if (!strcmp(word, "perf")) {
			/* perf's slow start in TCG: an empty /lib/modules, as unload_test. */
			if (!find_perf(perf, sizeof(perf)) ||
			    !find_tool("unshare", unshare, sizeof(unshare))) {
				TH_LOG("left out (no perf for this kernel): %s", line);
				left_out++;
				continue;
			}
			perf_lines++;
		}
		TH_LOG("running: %s", line);
		snprintf(script, sizeof(script), "cd /tmp && exec %s%s%s%s",
			 !strcmp(word, "perf") ? unshare : "",
			 !strcmp(word, "perf") ?
				" -m --propagation private /bin/sh -c '" PERF_EMPTY_MODULES_SH "' " : "",
			 !strcmp(word, "perf") ? perf : "",
			 !strcmp(word, "perf") ? line + 4 : line);
		ret = run_documented(t, script, strcmp(word, "bpftrace") ? RUN_MS : BPFTRACE_RUN_MS);
		ran++;
		EXPECT_EQ(0, ret) TH_LOG("%s: exit %d:\n%s", line, ret, t->out);
		EXPECT_EQ(NULL, strcasestr(t->out, "error")) TH_LOG("%s:\n%s", line, t->out);
		EXPECT_EQ(NULL, strstr(t->out, "invalid")) TH_LOG("%s:\n%s", line, t->out);
	}
	fclose(f);
	free(t);
	TH_LOG("%d README commands ran, %d left out", ran, left_out);
	/* skblife (4), netlensctl (3), bpftrace, perf and ieee80211scan at least. */
	EXPECT_LE(10, ran + left_out);
	EXPECT_LE(8, ran);
}

TEST_HARNESS_MAIN
