// SPDX-License-Identifier: GPL-2.0
/*
 * rxcpu: histogram of the CPUs that receive packets, per device (BPF
 * Performance Tools 10.4 one-liner), as a libbpf CO-RE tool.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include "tool.h"
#include "../bpf/rxcpu.h"
#include "rxcpu.skel.h"

/* lhist(cpu, 0, 128, 1): CPUs 128 and above share the last bucket. */
#define RX_BUCKETS	129

static struct tool_env env;

const char *argp_program_version = "rxcpu " NETLENS_VERSION;
static const char doc[] =
"Show the receive CPU histogram of each network device.\n"
"\n"
"Replaces the 10.4 one-liner (show receive CPU histogram for each device)\n"
"    bpftrace -e 't:net:netif_receive_skb { @[args->name] =\n"
"        lhist(cpu, 0, 128, 1); }'\n"
"At Ctrl-C (or every interval) prints, for each device, @[DEVICE]: and\n"
"a linear histogram of the CPUs that ran net:netif_receive_skb for it,\n"
"one bucket per CPU ([N, N+1)), in bpftrace's layout; devices with the\n"
"fewest packets first.\n"
"\n"
"EXAMPLES:\n"
"    rxcpu                # histograms at Ctrl-C\n"
"    rxcpu -T 1 5         # every second, 5 times, with the time\n"
"    rxcpu -j             # JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

struct dev_hist {
	char dev[17];
	unsigned long long total;
	unsigned long long cpus[RX_BUCKETS];
};

struct devs {
	struct dev_hist *d;
	size_t n, cap;
	int err;
};

static void add_row(const void *k, unsigned long long value, void *ctx)
{
	const struct rxcpu_key *key = k;
	struct devs *devs = ctx;
	struct dev_hist *h = NULL, *tmp;
	char dev[17];
	size_t i;

	memcpy(dev, key->dev, 16);
	dev[16] = '\0';
	for (i = 0; i < devs->n && !h; i++)
		if (!strcmp(devs->d[i].dev, dev))
			h = &devs->d[i];
	if (!h) {
		if (devs->n == devs->cap) {
			devs->cap = devs->cap ? 2 * devs->cap : 16;
			tmp = realloc(devs->d, devs->cap * sizeof(*tmp));
			if (!tmp) {
				devs->err = -ENOMEM;
				return;
			}
			devs->d = tmp;
		}
		h = &devs->d[devs->n++];
		memset(h, 0, sizeof(*h));
		memcpy(h->dev, dev, sizeof(dev));
	}
	h->cpus[key->cpu < RX_BUCKETS - 1 ? key->cpu : RX_BUCKETS - 1] += value;
	h->total += value;
}

static int cmp_devs(const void *a, const void *b)
{
	const struct dev_hist *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? -1 : 1;
	return strcmp(x->dev, y->dev);
}

static void bucket_label(unsigned int i, char *buf, size_t len)
{
	if (i == RX_BUCKETS - 1)
		snprintf(buf, len, "[%u, ...)", i);
	else
		snprintf(buf, len, "[%u, %u)", i, i + 1);
}

/* bpftrace's lhist: "[lo, hi)" in 16 columns, count in 8, a bar of 52 @. */
static void print_hist(const struct dev_hist *h)
{
	unsigned long long max = 0;
	unsigned int i, first = RX_BUCKETS, last = 0, j, bar;
	char label[32];

	for (i = 0; i < RX_BUCKETS; i++) {
		if (!h->cpus[i])
			continue;
		if (first == RX_BUCKETS)
			first = i;
		last = i;
		if (h->cpus[i] > max)
			max = h->cpus[i];
	}
	if (env.json) {
		bool any = false;

		printf("{");
		if (env.timestamp)
			printf("\"time\":\"%s\",", tool_time());
		printf("\"dev\":");
		json_print_string(stdout, h->dev);
		printf(",\"buckets\":[");
		for (i = first; i <= last && i < RX_BUCKETS; i++) {
			if (!h->cpus[i])
				continue;
			printf("%s{\"cpu\":%u,\"count\":%llu}", any ? "," : "", i, h->cpus[i]);
			any = true;
		}
		printf("],\"count\":%llu}\n", h->total);
		return;
	}
	printf("@[%s]:\n", h->dev);
	for (i = first; i <= last && i < RX_BUCKETS; i++) {
		bucket_label(i, label, sizeof(label));
		bar = max ? (unsigned int)(h->cpus[i] * 52 / max) : 0;
		printf("%-16s%8llu |", label, h->cpus[i]);
		for (j = 0; j < 52; j++)
			putchar(j < bar ? '@' : ' ');
		printf("|\n");
	}
	printf("\n");
}

static int report(void *ctx)
{
	struct rxcpu_bpf *skel = ctx;
	struct devs devs = {};
	size_t i;
	int err;

	err = bpf_map_drain(bpf_map__fd(skel->maps.counts), sizeof(struct rxcpu_key),
			    sizeof(__u64), 1, env.interval != 0, add_row, &devs);
	if (!err)
		err = devs.err;
	if (!err) {
		qsort(devs.d, devs.n, sizeof(*devs.d), cmp_devs);
		if (env.timestamp && !env.json)
			printf("%s\n", tool_time());
		for (i = 0; i < devs.n; i++)
			print_hist(&devs.d[i]);
		fflush(stdout);
	}
	free(devs.d);
	return err;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	static const char *const tps[] = { "netif_receive_skb" };
	struct rxcpu_bpf *skel;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("rxcpu", &env))
		return 1;
	if (!tool_need_tracepoints("rxcpu", "receives", "net", tps, 1, NULL))
		return 1;
	skel = rxcpu_bpf__open();
	if (!skel) {
		report_bpf_failure("rxcpu", "open the BPF object", -errno);
		return 1;
	}
	err = tool_load_attach("rxcpu", skel->skeleton, "to net:netif_receive_skb");
	if (!err) {
		tool_ready(&env, "Tracing receive CPUs per device. Ctrl-C to end.");
		err = tool_run(&env, report, skel);
	}
	rxcpu_bpf__destroy(skel);
	return err ? 1 : 0;
}
