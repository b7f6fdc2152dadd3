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
#include "netlens_dev.h"
#include "netlens_genl.h"
#include "netlens_selftest.skel.h"

static struct env {
	bool verbose;
	bool json;
	unsigned int count;
	const char *unit;
	const char *command;
	const char *arg;
} env = {
	.count = 64,
};

const char *argp_program_version = "netlensctl " NETLENS_VERSION;
static const char doc[] =
"Inspect the netlens kernel module.\n"
"\n"
"COMMAND is one of:\n"
"  info         module version and ABI, through /dev/netlens and netlink\n"
"  hist NAME    print module histogram NAME\n"
"  reset NAME   zero module histogram NAME\n"
"  skb          counters of the sk_buff tracker behind netlens:skb_alloc/free\n"
"  ring         counters of the record rings that read() on /dev/netlens drains\n"
"  selftest     end-to-end check: a BPF tp_btf program on netlens:selftest\n"
"               feeds the netlens_hist_add and netlens_record_emit kfuncs;\n"
"               the histogram and the records read back through /dev/netlens\n"
"               must match what was fired\n"
"\n"
"Histograms: selftest, skb_lifetime_ns, scan_duration_ms, scan_dwell_ms\n"
"\n"
"EXAMPLES:\n"
"    netlensctl info            # what is loaded\n"
"    netlensctl -j info         # the same as one JSON line\n"
"    netlensctl hist skb_lifetime_ns\n"
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
		else if (!env.arg)
			env.arg = arg;
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
		printf("{\"version\":");
		json_print_string(stdout, info.version);
		printf(",\"abi\":%u,\"histograms\":%u,\"genl_family\":%d,\"genl_scan_group\":%d,\"genl_version\":",
		       info.abi, info.hist_count, g.family, g.scan_group);
		json_print_string(stdout, ginfo.version);
		printf(",\"scan_listeners\":%u}\n", ginfo.listeners);
	} else {
		printf("netlens %s (ABI %u, %u histograms)\n", info.version,
		       info.abi, info.hist_count);
		printf("generic netlink: family %s id %d version %s, group %s id %d (%s)\n",
		       NETLENS_GENL_NAME, g.family, ginfo.version,
		       NETLENS_GENL_MCGRP_SCAN, g.scan_group,
		       ginfo.listeners ? "has listeners" : "no listeners");
	}
	netlens_genl_close(&g);
	return 0;
}

static int hist_id_arg(void)
{
	int id;

	if (!env.arg) {
		fprintf(stderr, "netlensctl: %s needs a histogram NAME\n", env.command);
		return -1;
	}
	id = netlens_hist_lookup(env.arg);
	if (id < 0)
		fprintf(stderr, "netlensctl: unknown histogram '%s' (see --help)\n", env.arg);
	return id;
}

static void print_hist(const struct netlens_hist *h, const char *name)
{
	if (env.json) {
		printf("{\"histogram\":");
		json_print_string(stdout, name);
		printf(",\"total\":%llu,\"sum\":%llu,\"buckets\":",
		       (unsigned long long)h->total, (unsigned long long)h->sum);
		hist_print_log2_json(stdout, h->slots, NETLENS_HIST_SLOTS);
		printf("}\n");
		return;
	}
	printf("%s: %llu values, sum %llu\n", name, (unsigned long long)h->total,
	       (unsigned long long)h->sum);
	hist_print_log2(stdout, h->slots, NETLENS_HIST_SLOTS, "value");
}

static int cmd_hist(bool reset)
{
	struct netlens_hist h;
	int fd, id, ret;

	id = hist_id_arg();
	if (id < 0)
		return EXIT_USAGE;
	fd = open_dev();
	if (fd < 0)
		return 1;
	ret = reset ? netlens_dev_hist_reset(fd, id) : netlens_dev_hist_read(fd, id, &h);
	close(fd);
	if (ret) {
		fprintf(stderr, "netlensctl: %s %s: %s\n", env.command, env.arg,
			strerror(-ret));
		return 1;
	}
	if (!reset)
		print_hist(&h, env.arg);
	return 0;
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
	printf(env.json ?
	       "{\"armed\":%u,\"hooks_missing\":%u,\"allocs\":%llu,\"frees\":%llu,\"live\":%llu,\"table_full\":%llu,\"unpaired_reuse\":%llu,\"arm_count\":%llu}\n" :
	       "armed %u\nhooks_missing 0x%x\nallocs %llu\nfrees %llu\nlive %llu\ntable_full %llu\nunpaired_reuse %llu\narm_count %llu\n",
	       st.armed, st.hooks_missing, (unsigned long long)st.allocs,
	       (unsigned long long)st.frees, (unsigned long long)st.live,
	       (unsigned long long)st.table_full,
	       (unsigned long long)st.unpaired_reuse,
	       (unsigned long long)st.arm_count);
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
	printf(env.json ?
	       "{\"cpus\":%u,\"ring_bytes\":%u,\"records\":%llu,\"bytes\":%llu,\"lost\":%llu,\"rejected\":%llu,\"unread_bytes\":%llu}\n" :
	       "cpus %u\nring_bytes %u\nrecords %llu\nbytes %llu\nlost %llu\nrejected %llu\nunread_bytes %llu\n",
	       st.cpus, st.ring_bytes, (unsigned long long)st.records,
	       (unsigned long long)st.bytes, (unsigned long long)st.lost,
	       (unsigned long long)st.rejected,
	       (unsigned long long)st.unread_bytes);
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
	bool records;
	struct netlens_hist h;
	unsigned int i, bad = 0;
	int fd, ret = 1;

	fd = open_dev();
	if (fd < 0)
		return 1;
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
	if (netlens_selftest_bpf__load(skel)) {
		fprintf(stderr, "netlensctl: cannot load the selftest BPF program (tp_btf on netlens:selftest calling kfunc netlens_hist_add): %s; -v shows the verifier log\n",
			strerror(errno));
		goto out;
	}
	if (netlens_selftest_bpf__attach(skel)) {
		fprintf(stderr, "netlensctl: cannot attach tp_btf/selftest: %s\n", strerror(errno));
		goto out;
	}
	if (netlens_dev_hist_reset(fd, NETLENS_HIST_SELFTEST)) {
		fprintf(stderr, "netlensctl: cannot reset the selftest histogram: %s\n", strerror(errno));
		goto out;
	}
	/* Records too, unless another program reads them (EBUSY). */
	records = !netlens_dev_ring_reset(fd) && !fcntl(fd, F_SETFL, O_NONBLOCK);
	if (!records)
		fprintf(stderr, "netlensctl: not checking records: another program reads %s\n",
			NETLENS_DEV_PATH);
	skel->bss->emit_records = records;
	/* Values 0, 1, 2, 3, ... spread over the low log2 slots. */
	for (i = 0; i < env.count; i++) {
		v = i;
		if (netlens_dev_selftest(fd, v)) {
			fprintf(stderr, "netlensctl: NETLENS_IOC_SELFTEST: %s\n", strerror(errno));
			goto out;
		}
		want_slots[log2_slot(v)]++;
		want_sum += v;
		/* Drain well before a ring fills. */
		if (records && (i % 1000 == 999 || i + 1 == env.count) &&
		    netlens_dev_records_drain(fd, count_selftest_record, &got) < 0) {
			fprintf(stderr, "netlensctl: read %s: %s\n", NETLENS_DEV_PATH, strerror(errno));
			goto out;
		}
	}
	if (netlens_dev_hist_read(fd, NETLENS_HIST_SELFTEST, &h)) {
		fprintf(stderr, "netlensctl: cannot read the selftest histogram: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < NETLENS_HIST_SLOTS; i++)
		bad += h.slots[i] != want_slots[i];
	print_hist(&h, "selftest");
	if (records && (got.n != env.count || got.sum != want_sum || got.lost ||
			got.foreign)) {
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
		printf("selftest: OK: %u events: tracepoint -> BPF -> kfuncs -> /dev/netlens (histogram%s)\n",
		       env.count, records ? " and records" : "");
	ret = 0;
out:
	netlens_selftest_bpf__destroy(skel);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.args_doc = "COMMAND [NAME]",
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
	if (!strcmp(env.command, "hist"))
		return cmd_hist(false);
	if (!strcmp(env.command, "reset"))
		return cmd_hist(true);
	if (!strcmp(env.command, "selftest"))
		return cmd_selftest();
	if (!strcmp(env.command, "skb"))
		return cmd_skb();
	if (!strcmp(env.command, "ring"))
		return cmd_ring();
	fprintf(stderr, "netlensctl: unknown command '%s' (see --help)\n", env.command);
	return EXIT_USAGE;
}
