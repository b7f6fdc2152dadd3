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

#include "hist.h"
#include "jsonout.h"
#include "tool.h"
#include "../bpf/rxcpu.h"
#include "rxcpu.skel.h"

/* lhist(cpu, 0, 128, 1): CPUs 128 and above share the last bucket. */
static const struct lhist_spec rx_spec = { .min = 0, .max = 128, .step = 1 };
#define RX_SLOTS	130	/* lhist_nslots(&rx_spec) */

static struct tool_env env;

const char *argp_program_version = "rxcpu " NETLENS_VERSION;
static const char doc[] =
"Show the receive CPU histogram of each network device.\n"
"\n"
"Replaces the 10.4 one-liner (show receive CPU histogram for each device)\n"
"    bpftrace -e 't:net:netif_receive_skb { @[str(args->name)] =\n"
"        lhist(cpu, 0, 128, 1); }'\n"
"(the book prints @[args->name] = hist(cpu, 0, 128, 1): current bpftrace\n"
"needs lhist for a linear histogram and str() for the __data_loc name).\n"
"At Ctrl-C (or every interval) prints, for each device, @[DEVICE]: and\n"
"a linear histogram of the CPUs that ran net:netif_receive_skb for it,\n"
"one bucket per CPU ([N, N+1)), exactly as bpftrace (v0.17) prints it;\n"
"devices with the fewest packets first.  No -p: receive processing runs\n"
"in softirq context, on behalf of no particular process.\n"
"\n"
"EXAMPLES:\n"
"    rxcpu                # histograms at Ctrl-C\n"
"    rxcpu -T 1 5         # every second, 5 times, with the time\n"
"    rxcpu -j             # JSON lines\n"
"    rxcpu -i eth0        # eth0's receives only\n";

static const struct argp_option opts[] = {
	TOOL_OPT_IFACE,
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
	__u64 slots[RX_SLOTS];	/* lhist slots: CPU N in N + 1 */
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
	h->slots[lhist_slot(&rx_spec, key->cpu)] += value;
	h->total += value;
}

static int cmp_devs(const void *a, const void *b)
{
	const struct dev_hist *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? -1 : 1;
	return strcmp(x->dev, y->dev);
}

/* JSON: one bucket per CPU seen (and 128 and up). */
static void print_json(const struct dev_hist *h)
{
	json_hist_begin(stdout, "rx_cpu", "cpu", "linear");
	json_str(stdout, "dev", h->dev);
	json_hist_end_lhist(stdout, h->slots, &rx_spec);
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
		for (i = 0; i < devs.n; i++) {
			if (env.json)
				print_json(&devs.d[i]);
			else
				hist_print_lhist_entry(stdout, "@", devs.d[i].dev,
						       devs.d[i].slots, &rx_spec);
		}
		fflush(stdout);
	}
	free(devs.d);
	return err;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
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
	if (env.iface)
		strncpy((char *)skel->rodata->targ_dev, env.iface, sizeof(skel->rodata->targ_dev) - 1);
	err = tool_load_attach(&env, "rxcpu", skel->skeleton, "to net:netif_receive_skb");
	if (!err) {
		tool_ready(&env, "Tracing receive CPUs per device. Ctrl-C to end.");
		err = tool_run(&env, report, skel);
	}
	rxcpu_bpf__destroy(skel);
	return err ? 1 : 0;
}
