// SPDX-License-Identifier: GPL-2.0
/*
 * tpcount: count the hits of every tracepoint of one category, by name
 * (BPF Performance Tools 10.4 one-liner "t:iwlwifi:* { @[probe] =
 * count(); }"), as a libbpf CO-RE tool.
 */
#include <argp.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include "kvtable.h"
#include "tool.h"
#include "tpcount.skel.h"

static const char *const columns[] = { "probe", NULL };
static struct tool_env env = { .columns = columns };
static const char *category;

const char *argp_program_version = "tpcount " NETLENS_VERSION;
static const char args_doc[] = "CATEGORY " TOOL_ARGS_DOC;
static const char doc[] =
"Count the hits of every tracepoint of a category, by name.\n"
"\n"
"Replaces the 10.4 one-liner (count all iwl device driver tracepoints)\n"
"    bpftrace -e 't:iwlwifi:* { @[probe] = count(); }'\n"
"for any CATEGORY, a directory of tracefs events/ (net, skb, sock,\n"
"iwlwifi, mac80211, ...).  One BPF program is attached to each tracepoint\n"
"of the category; at Ctrl-C (or every interval) prints\n"
"@[tracepoint:CATEGORY:NAME]: COUNT for each one that fired, in ascending\n"
"order.  Counting every event of a busy category has overhead.\n"
"\n"
"EXAMPLES:\n"
"    tpcount net          # the net:* tracepoints until Ctrl-C\n"
"    tpcount skb 1 5      # skb:* every second, 5 times\n"
"    tpcount -p 181 sock  # sock:* in PID 181's context\n"
"    tpcount -j net       # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static bool valid_category(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return n > 0 && n < 64;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (category)
			return tool_parse_common(key, arg, state, &env);
		/* No category is a number: "tpcount 5" forgot the category. */
		if (*arg && arg[strspn(arg, "0123456789")] == '\0')
			argp_error(state, "missing CATEGORY before '%s' (e.g. tpcount net %s)",
				   arg, arg);
		if (!valid_category(arg))
			argp_error(state, "invalid category '%s': a tracefs events/ "
				   "directory name (letters, digits, '_', '-')", arg);
		category = arg;
		return 0;
	case ARGP_KEY_END:
		if (!category)
			argp_error(state, "missing CATEGORY (e.g. net, skb, sock)");
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

struct tp {
	char name[128];
	__u32 id;
};

static struct tp *tps;
static size_t ntps;

static int cmp_tp(const void *a, const void *b)
{
	return strcmp(((const struct tp *)a)->name, ((const struct tp *)b)->name);
}

/* The tracepoints of events/@category/ with their ids; -ENOENT if none. */
static int list_tracepoints(const char *root)
{
	char path[512], idbuf[32];
	struct dirent *de;
	struct tp *tmp;
	size_t cap = 0;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "%s/events/%s", root, category);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(tps->name))
			continue;
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, category,
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;	/* "enable", "filter" */
		if (!fgets(idbuf, sizeof(idbuf), f)) {
			fclose(f);
			continue;
		}
		fclose(f);
		if (ntps == cap) {
			cap = cap ? 2 * cap : 64;
			tmp = realloc(tps, cap * sizeof(*tps));
			if (!tmp) {
				closedir(d);
				return -ENOMEM;
			}
			tps = tmp;
		}
		snprintf(tps[ntps].name, sizeof(tps[ntps].name), "%s", de->d_name);
		tps[ntps++].id = strtoul(idbuf, NULL, 10);
	}
	closedir(d);
	if (!ntps)
		return -ENOENT;
	qsort(tps, ntps, sizeof(*tps), cmp_tp);
	return 0;
}

static void add_row(const void *k, unsigned long long value, void *t)
{
	struct kv_key row = {};
	char label[256];
	__u32 id;
	size_t i;

	memcpy(&id, k, sizeof(id));
	for (i = 0; i < ntps && tps[i].id != id; i++)
		;
	if (i == ntps)
		snprintf(label, sizeof(label), "tracepoint:%s:id-%u", category, id);
	else
		snprintf(label, sizeof(label), "tracepoint:%s:%s", category, tps[i].name);
	kv_key_str(&row, "probe", label);
	kv_add(t, "", &row, value);
}

struct tpc_ctx {
	struct tpcount_bpf *skel;
	struct kv_table table;
	int ncpus;
};

static int report(void *ctx)
{
	struct tpc_ctx *c = ctx;

	return tool_print_counts(&env, &c->table, bpf_map__fd(c->skel->maps.counts),
				 sizeof(__u32), c->ncpus, add_row, NULL);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, args_doc, doc };
	struct bpf_link **links = NULL;
	struct tpc_ctx c = {};
	size_t i, nlinks = 0, failed = 0;
	const char *first_fail = NULL;
	struct rlimit rl;
	char why[256];
	int err = 0, first_err = 0;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("tpcount", &env))
		return 1;
	if (!tracefs_root() && !probe_tracefs(why, sizeof(why))) {
		fprintf(stderr, "tpcount: %s\n", why);
		return 1;
	}
	err = list_tracepoints(tracefs_root());
	if (err) {
		if (err == -ENOENT)
			fprintf(stderr, "tpcount: no tracepoint category '%s' on %s "
				"(see %s/available_events)\n", category,
				kernel_release(), tracefs_root());
		else
			fprintf(stderr, "tpcount: listing events/%s: %s\n", category,
				strerror(-err));
		return 1;
	}
	/* One perf event (a file descriptor) per tracepoint. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	c.ncpus = libbpf_num_possible_cpus();
	c.skel = tpcount_bpf__open();
	if (!c.skel) {
		report_bpf_failure("tpcount", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(c.skel->rodata, &env);
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
				    BPF_FUNC_get_attach_cookie, NULL) != 1) {
		fprintf(stderr, "tpcount: %s has no BPF attach cookies for "
			"tracepoints (Linux 5.15+): cannot tell tracepoints apart\n",
			kernel_release());
		err = -EOPNOTSUPP;
		goto cleanup;
	}
	err = tool_load_attach(&env, "tpcount", c.skel->skeleton, NULL);
	if (err)
		goto cleanup;
	links = calloc(ntps, sizeof(*links));
	if (!links) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < ntps; i++) {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = tps[i].id);

		links[nlinks] = bpf_program__attach_tracepoint_opts(
			c.skel->progs.count_by_cookie, category, tps[i].name, &o);
		if (links[nlinks]) {
			nlinks++;
			continue;
		}
		if (!failed++) {
			first_fail = tps[i].name;
			first_err = -errno;
		}
	}
	if (failed)
		fprintf(stderr, "tpcount: could not attach %zu of %zu tracepoints "
			"(first: %s:%s: %s)\n", failed, ntps, category, first_fail,
			strerror(-first_err));
	if (!nlinks) {
		report_bpf_failure("tpcount", "attach to any tracepoint", first_err);
		err = first_err ? first_err : -ENOENT;
		goto cleanup;
	}
	tool_ready(&env, "Tracing %zu tracepoints of %s. Ctrl-C to end.",
		   nlinks, category);
	err = tool_run(&env, report, &c);

cleanup:
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	free(links);
	free(tps);
	kv_free(&c.table);
	tpcount_bpf__destroy(c.skel);
	return err ? 1 : 0;
}
