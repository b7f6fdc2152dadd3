// SPDX-License-Identifier: GPL-2.0
/*
 * netlensctl: inspect netlens.ko: what is loaded, its histograms, and an
 * end-to-end self-check of tracepoint -> BPF -> kfunc -> /dev/netlens.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "hist.h"
#include "jsonout.h"
#include "netlens_dev.h"
#include "netlens_genl.h"
#include "netlens_selftest.skel.h"

static struct env {
	bool verbose;
	bool json;
	unsigned int count;
	const char *unit;
	const char *command;
} env = {
	.count = 64,
};

const char *argp_program_version = "netlensctl " NETLENS_VERSION;
static const char doc[] =
"Inspect the netlens kernel module.\n"
"\n"
"COMMAND is one of:\n"
"  info         module version and ABI, through /dev/netlens and netlink\n"
"  skb          counters of the sk_buff tracker behind netlens:skb_alloc/free\n"
"  ring         the channels of /dev/netlens and their record rings, all\n"
"               summed (closed channels included)\n"
"  selftest     end-to-end check: a BPF tp_btf program on netlens:selftest\n"
"               feeds the netlens_hist_add and netlens_record_emit kfuncs\n"
"               into this run's channel; its histogram and its records,\n"
"               read through mmap, must match what was fired\n"
"\n"
"Histograms belong to the channel (open file of /dev/netlens) of the tool\n"
"that fills them: each tool prints its own.\n"
"\n"
"EXAMPLES:\n"
"    netlensctl info            # what is loaded\n"
"    netlensctl -j info         # the same as one JSON line\n"
"    netlensctl ring            # channels open, records, lost, rejected\n"
"    netlensctl -n 1000 selftest  # fire 1000 events through BPF\n";

static const struct argp_option opts[] = {
	{ "json", 'j', NULL, 0, "Print JSON lines", 0 },
	{ "count", 'n', "N", 0, "selftest: events to fire (1-1000000, default 64)", 0 },
	{ "verbose", 'v', NULL, 0, "Verbose debug output (libbpf)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];
	uint64_t v;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'j':
		env.json = true;
		break;
	case 'v':
		env.verbose = true;
		break;
	case 'n':
		if (parse_u64_range(arg, "count", 1, 1000000, &v, err, sizeof(err)))
			argp_error(state, "%s", err);
		env.count = v;
		break;
	case ARGP_KEY_ARG:
		if (!env.command)
			env.command = arg;
		else
			argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (!env.command)
			argp_error(state, "missing COMMAND");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int open_dev(void)
{
	char err[256];
	int fd = netlens_dev_open(O_RDONLY, err, sizeof(err));

	if (fd < 0)
		fprintf(stderr, "netlensctl: %s\n", err);
	return fd;
}

static int cmd_info(void)
{
	struct netlens_genl_info ginfo;
	struct netlens_info info;
	struct netlens_genl g;
	char err[256], ack[256];
	int fd, ret;

	fd = open_dev();
	if (fd < 0)
		return 1;
	ret = netlens_dev_info(fd, &info);
	close(fd);
	if (ret) {
		fprintf(stderr, "netlensctl: NETLENS_IOC_INFO: %s\n", strerror(-ret));
		return 1;
	}
	if (netlens_genl_open(&g, err, sizeof(err))) {
		fprintf(stderr, "netlensctl: %s\n", err);
		return 1;
	}
	ret = netlens_genl_get_info(&g, &ginfo, ack, sizeof(ack));
	if (ret) {
		fprintf(stderr, "netlensctl: NETLENS_CMD_GET_INFO: %s%s%s\n",
			strerror(-ret), *ack ? ": " : "", ack);
		netlens_genl_close(&g);
		return 1;
	}
	if (env.json) {
		json_begin(stdout, "info");
		json_str(stdout, "report", "info");
		json_str(stdout, "version", info.version);
		json_u64(stdout, "abi", info.abi);
		json_u64(stdout, "histograms", info.hist_count);
		json_str(stdout, "genl_family", NETLENS_GENL_NAME);
		json_s64(stdout, "genl_family_id", g.family);
		json_u64(stdout, "genl_family_version", ginfo.family_version);
		json_str(stdout, "genl_scan_group", NETLENS_GENL_MCGRP_SCAN);
		json_s64(stdout, "genl_scan_group_id", g.scan_group);
		json_bool(stdout, "scan_listeners", ginfo.listeners);
		json_end(stdout);
	} else {
		/* The module's version once; the family has its own. */
		printf("netlens %s (ABI %u, %u histograms)\n", info.version,
		       info.abi, info.hist_count);
		printf("generic netlink: family %s id %d version %u, group %s id %d (%s)\n",
		       NETLENS_GENL_NAME, g.family, ginfo.family_version,
		       NETLENS_GENL_MCGRP_SCAN, g.scan_group,
		       ginfo.listeners ? "has listeners" : "no listeners");
	}
	netlens_genl_close(&g);
	return 0;
}

/* The unit a module histogram's name ends in (skb_lifetime_ns); "value". */
static const char *netlens_hist_unit(const char *name)
{
	const char *u = strrchr(name, '_');

	return u && (!strcmp(u, "_ns") || !strcmp(u, "_ms")) ? u + 1 : "value";
}

static void print_hist(const struct netlens_hist *h, const char *name)
{
	if (env.json) {
		/* The module's histograms are named for their unit: scan_duration_ms. */
		json_hist_begin(stdout, name, netlens_hist_unit(name), "log2");
		json_u64(stdout, "sum", h->sum);
		json_hist_end_log2(stdout, h->slots, NETLENS_HIST_SLOTS);
		return;
	}
	printf("%s: %llu values, sum %llu\n", name, (unsigned long long)h->total,
	       (unsigned long long)h->sum);
	hist_print_log2(stdout, h->slots, NETLENS_HIST_SLOTS, "value");
}

/* One line of a counters report: "name value" as text, a member in JSON. */
struct report_field {
	const char *name;
	const char *json_name;	/* NULL: @name */
	unsigned long long value;
	enum { FIELD_NUM, FIELD_HEX, FIELD_BOOL } kind;
};

static void print_report(const char *report, const struct report_field *f, size_t n)
{
	size_t i;

	if (env.json) {
		json_begin(stdout, "info");
		json_str(stdout, "report", report);
	}
	for (i = 0; i < n; i++) {
		const char *name = env.json && f[i].json_name ? f[i].json_name : f[i].name;

		if (!env.json)
			printf(f[i].kind == FIELD_HEX ? "%s 0x%llx\n" : "%s %llu\n", name,
			       f[i].value);
		else if (f[i].kind == FIELD_BOOL)
			json_bool(stdout, name, f[i].value);
		else
			json_u64(stdout, name, f[i].value);
	}
	if (env.json)
		json_end(stdout);
}

static int cmd_skb(void)
{
	struct netlens_skb_stats st;
	int fd, ret;

	fd = open_dev();
	if (fd < 0)
		return 1;
	ret = netlens_dev_skb_stats(fd, &st);
	close(fd);
	if (ret) {
		fprintf(stderr, "netlensctl: NETLENS_IOC_SKB_STATS: %s\n", strerror(-ret));
		return 1;
	}
	print_report("skb", (const struct report_field[]){
		{ "armed", NULL, st.armed, FIELD_BOOL },
		{ "hooks_missing", NULL, st.hooks_missing, FIELD_HEX },
		{ "allocs", NULL, st.allocs }, { "frees", NULL, st.frees },
		{ "live", NULL, st.live }, { "table_full", NULL, st.table_full },
		{ "unpaired_reuse", NULL, st.unpaired_reuse },
		{ "arm_count", NULL, st.arm_count },
	}, 8);
	return 0;
}

static int cmd_ring(void)
{
	struct netlens_ring_stats st;
	int fd, ret;

	fd = open_dev();
	if (fd < 0)
		return 1;
	ret = netlens_dev_ring_stats(fd, &st);
	close(fd);
	if (ret) {
		fprintf(stderr, "netlensctl: NETLENS_IOC_RING_STATS: %s\n", strerror(-ret));
		return 1;
	}
	print_report("ring", (const struct report_field[]){
		{ "channels", NULL, st.channels },
		{ "ring_bytes", "default_ring_bytes", st.ring_bytes },
		{ "records", NULL, st.records },
		{ "bytes", "record_bytes", st.bytes },
		{ "lost", NULL, st.lost }, { "rejected", NULL, st.rejected },
		{ "no_channel", NULL, st.no_channel },
		{ "unread_bytes", NULL, st.unread_bytes },
	}, 8);
	return 0;
}

/* The selftest's records, read back: how many, their sum, any lost. */
struct selftest_records {
	unsigned long long n, sum, lost;
	unsigned int foreign;
};

static int count_selftest_record(const struct netlens_record *rec,
				 const void *data, void *ctx)
{
	struct selftest_records *r = ctx;
	struct netlens_record_selftest st;

	r->lost += rec->lost;
	if (rec->type != NETLENS_RECORD_SELFTEST || rec->data_len < sizeof(st)) {
		r->foreign++;
		return 0;
	}
	memcpy(&st, data, sizeof(st));
	r->n++;
	r->sum += st.value;
	return 0;
}

static int cmd_selftest(void)
{
	struct netlens_selftest_bpf *skel = NULL;
	struct selftest_records got = { 0 };
	__u64 want_slots[NETLENS_HIST_SLOTS] = {}, want_sum = 0, v;
	struct netlens_channel ch;
	struct netlens_hist h;
	unsigned int i, bad = 0;
	char err[256];
	int n, ret = 1;

	if (netlens_channel_open(&ch, 0, 0, err, sizeof(err))) {
		fprintf(stderr, "netlensctl: %s\n", err);
		return 1;
	}
	if (access("/sys/kernel/btf/netlens", R_OK)) {
		fprintf(stderr, "netlensctl: /sys/kernel/btf/netlens missing: netlens.ko was built without BTF, so its kfuncs cannot be called (see README, 'No BTF')\n");
		goto out;
	}
	skel = netlens_selftest_bpf__open();
	if (!skel) {
		fprintf(stderr, "netlensctl: cannot open the BPF object: %s\n", strerror(errno));
		goto out;
	}
	skel->rodata->target_tgid = getpid();
	skel->rodata->netlens_channel = ch.info.handle;
	if (netlens_selftest_bpf__load(skel)) {
		fprintf(stderr, "netlensctl: cannot load the selftest BPF program (tp_btf on netlens:selftest calling kfunc netlens_hist_add): %s; -v shows the verifier log\n",
			strerror(errno));
		goto out;
	}
	if (netlens_selftest_bpf__attach(skel)) {
		fprintf(stderr, "netlensctl: cannot attach tp_btf/selftest: %s\n", strerror(errno));
		goto out;
	}
	skel->bss->emit_records = true;
	/* Values 0, 1, 2, 3, ... spread over the low log2 slots. */
	for (i = 0; i < env.count; i++) {
		v = i;
		if (netlens_dev_selftest(ch.fd, v)) {
			fprintf(stderr, "netlensctl: NETLENS_IOC_SELFTEST: %s\n", strerror(errno));
			goto out;
		}
		want_slots[log2_slot(v)]++;
		want_sum += v;
		/* Drain well before a ring fills. */
		if (i % 1000 == 999 || i + 1 == env.count) {
			n = netlens_channel_consume(&ch, count_selftest_record, &got);
			if (n < 0) {
				fprintf(stderr, "netlensctl: reading the records of %s: %s\n",
					NETLENS_DEV_PATH, strerror(-n));
				goto out;
			}
		}
	}
	if (netlens_dev_hist_read(ch.fd, NETLENS_HIST_SELFTEST, &h)) {
		fprintf(stderr, "netlensctl: cannot read the selftest histogram: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < NETLENS_HIST_SLOTS; i++)
		bad += h.slots[i] != want_slots[i];
	print_hist(&h, "selftest");
	if (got.n != env.count || got.sum != want_sum || got.lost || got.foreign) {
		fprintf(stderr, "netlensctl: selftest FAILED: fired %u, read back %llu records summing to %llu (want %llu), %llu lost, %u of other types\n",
			env.count, got.n, got.sum, (unsigned long long)want_sum,
			got.lost, got.foreign);
		goto out;
	}
	if (skel->bss->events_seen != env.count || skel->bss->kfunc_errors ||
	    h.total != env.count || h.sum != want_sum || bad) {
		fprintf(stderr, "netlensctl: selftest FAILED: fired %u, BPF saw %llu (kfunc errors %d), histogram has %llu values summing to %llu (want %llu), %u slots differ\n",
			env.count, (unsigned long long)skel->bss->events_seen,
			skel->bss->kfunc_errors, (unsigned long long)h.total,
			(unsigned long long)h.sum, (unsigned long long)want_sum, bad);
		goto out;
	}
	if (!env.json)
		printf("selftest: OK: %u events: tracepoint -> BPF -> kfuncs -> /dev/netlens channel %u (histogram and records)\n",
		       env.count, ch.info.handle);
	ret = 0;
out:
	netlens_selftest_bpf__destroy(skel);
	netlens_channel_close(&ch);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.args_doc = "COMMAND",
		.doc = doc,
	};
	int err;

	argp_err_exit_status = EXIT_USAGE;
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return EXIT_USAGE;
	libbpf_set_verbose(env.verbose);

	if (!strcmp(env.command, "info"))
		return cmd_info();
	if (!strcmp(env.command, "selftest"))
		return cmd_selftest();
	if (!strcmp(env.command, "skb"))
		return cmd_skb();
	if (!strcmp(env.command, "ring"))
		return cmd_ring();
	fprintf(stderr, "netlensctl: unknown command '%s' (see --help)\n", env.command);
	return EXIT_USAGE;
}
