// SPDX-License-Identifier: GPL-2.0
/*
 * Every command README.md shows a user of a netlens host runs as shown:
 * each line of its ```sh blocks that starts with one of the tools, perf,
 * trace-cmd or bpftrace runs with $BUILD/bin first on PATH and must end
 * with status 0 and say nothing of an error.  Those that run until Ctrl-C
 * get SIGINT after a few seconds, as a user ends them.  The build, install
 * and VM runner lines are what make check itself runs; a line for an
 * interface this machine lacks (-i wlan0) is left out, and said so.
 */
#include <ctype.h>
#include <net/if.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"

#define RUN_SECONDS	6	/* before Ctrl-C */

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

/* The interface a line names with -i, if this machine lacks it. */
static const char *missing_iface(const char *line, char *buf, size_t len)
{
	const char *p = strstr(line, " -i ");

	if (!p)
		return NULL;
	p += 4;
	snprintf(buf, len, "%.*s", (int)strcspn(p, " \t"), p);
	if (if_nametoindex(buf) || !strncmp(buf, "phy", 3))
		return NULL;
	return buf;
}

FIXTURE(readme) {};
FIXTURE_SETUP(readme) {}
FIXTURE_TEARDOWN(readme) {}

TEST_F_TIMEOUT(readme, commands, 900)
{
	char line[1024], word[64], iface[IFNAMSIZ + 8], perf[256], unshare[256];
	char bindir[512], readme[600], *out = malloc(65536);
	int ran = 0, left_out = 0, perf_lines = 0;
	bool in_sh = false;
	FILE *f;

	ASSERT_NE(NULL, out);
	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded on %s (the README's commands use it)",
		     getenv("NETLENS_KVER") ?: "this kernel");
	f = fopen(repo_file("README.md", readme, sizeof(readme)), "r");
	ASSERT_NE(NULL, f) TH_LOG("README.md not found");
	tool_path("x", bindir, sizeof(bindir));
	*strrchr(bindir, '/') = '\0';
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
		if (missing_iface(line, iface, sizeof(iface))) {
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
		ret = run_cmd(out, 65536,
			      "cd /tmp && PATH='%s':$PATH timeout --preserve-status -s INT -k 60 %d %s%s%s%s 2>&1",
			      bindir, !strcmp(word, "perf") ? 120 : RUN_SECONDS,
			      !strcmp(word, "perf") ? unshare : "",
			      !strcmp(word, "perf") ?
				" -m --propagation private /bin/sh -c '" PERF_EMPTY_MODULES_SH "' " : "",
			      !strcmp(word, "perf") ? perf : "",
			      !strcmp(word, "perf") ? line + 4 : line);
		ran++;
		EXPECT_EQ(0, ret) TH_LOG("%s: exit %d:\n%s", line, ret, out);
		EXPECT_EQ(NULL, strcasestr(out, "error")) TH_LOG("%s:\n%s", line, out);
		EXPECT_EQ(NULL, strstr(out, "invalid")) TH_LOG("%s:\n%s", line, out);
	}
	fclose(f);
	free(out);
	TH_LOG("%d README commands ran, %d left out", ran, left_out);
	/* skblife (4), netlensctl (3), bpftrace, perf and ieee80211scan at least. */
	EXPECT_LE(10, ran + left_out);
	EXPECT_LE(8, ran);
}

TEST_HARNESS_MAIN
