// SPDX-License-Identifier: GPL-2.0
/*
 * skbdrop: sk_buff drops by reason, with their kernel stacks (BPF
 * Performance Tools chapter 10, skbdrop.bt), from skb:kfree_skb; the
 * reasons named from the running kernel's BTF.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "jsonout.h"
#include "kvtable.h"
#include "ksyms.h"
#include "tool.h"
#include "../bpf/skbdrop.h"
#include "skbdrop.skel.h"

#define SKBDROP_DEFAULT_DEPTH	8	/* the book's kstack(8) */

static const char *const columns[] = { "reason", "reason_name", NULL };
static struct tool_env env = { .columns = columns };
static struct {
	bool reasons_only;	/* -R */
	unsigned int depth;	/* -d */
} opt = { .depth = SKBDROP_DEFAULT_DEPTH };

const char *argp_program_version = "skbdrop " NETLENS_VERSION;
static const char doc[] =
"Count sk_buff drops by drop reason, with their kernel stacks, as the\n"
"book's skbdrop.bt (@[kstack(8)] = count() on skb:kfree_skb).\n"
"\n"
"Each drop (kfree_skb, not consume_skb) counts under its reason, named\n"
"from the running kernel's enum skb_drop_reason (its BTF: the values and\n"
"names differ between kernels, NOT_SPECIFIED for callers that give none)\n"
"and its stack: @stacks[REASON, stack]: COUNT, least frequent first, then\n"
"@drops[REASON]: COUNT.  --netns keeps the drops of one network\n"
"namespace (the skb's device's, else its socket's).  The book runs nstat\n"
"around its trace: netstat -s and nstat show the same counters.\n"
"\n"
"EXAMPLES:\n"
"    skbdrop              # stacks and reasons at Ctrl-C\n"
"    skbdrop -R -t 5      # a table of reasons every 5 seconds\n"
"    skbdrop -d 16        # 16 frames a stack\n"
"    skbdrop --netns /run/netns/blue -j   # one namespace, JSON lines\n";

static const struct argp_option opts[] = {
	{ "reasons", 'R', NULL, 0, "Count by reason only, no stacks", 0 },
	{ "depth", 'd', "FRAMES", 0, "Frames shown per stack (1-127, default 8)", 0 },
	{ "netns", TOOL_OPT_KEY_NETNS, "NETNS", 0,
	  "Drops in this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 },
	TOOL_OPT_TABLE,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[128];
	uint64_t v;

	switch (key) {
	case 'R':
		opt.reasons_only = true;
		return 0;
	case 'd':
		if (parse_u64_range(arg, "FRAMES", 1, SKBDROP_DEPTH, &v, err, sizeof(err)))
			argp_error(state, "%s", err);
		opt.depth = v;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

static const char *reason_name(__u32 reason, char *buf, size_t len)
{
	return kernel_enum_name("skb_drop_reason", reason, "SKB_DROP_REASON_", buf, len);
}

struct drop_row {
	struct skbdrop_key key;
	unsigned long long count;
};

struct report_ctx {
	struct skbdrop_bpf *skel;
	struct ksyms *ks;
	struct kv_table table;
	struct drop_row *rows;
	size_t n, cap;
	int err;
};

static void add_drop(const void *k, unsigned long long value, void *ctx)
{
	const struct skbdrop_key *key = k;
	struct report_ctx *r = ctx;
	struct kv_key row = {};
	char name[64];

	kv_key_num(&row, "reason", key->reason);
	kv_key_str(&row, "reason_name", reason_name(key->reason, name, sizeof(name)));
	if (kv_add(&r->table, "drops", &row, value))
		r->err = -ENOMEM;
	if (opt.reasons_only)
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct drop_row *more = realloc(r->rows, cap * sizeof(*more));

		if (!more) {
			r->err = -ENOMEM;
			return;
		}
		r->rows = more;
		r->cap = cap;
	}
	r->rows[r->n].key = *key;
	r->rows[r->n++].count = value;
}

/* Least frequent first, as bpftrace prints a map. */
static int row_cmp(const void *a, const void *b)
{
	const struct drop_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	if (x->key.reason != y->key.reason)
		return x->key.reason < y->key.reason ? -1 : 1;
	return x->key.stack_id < y->key.stack_id ? -1 : x->key.stack_id > y->key.stack_id;
}

/*
 * The frames of the tracing itself on top of a tp_btf stack (the BPF
 * program, bpf_trace_run*()): how many to skip, so that the first shown
 * is the tracepoint's caller, as the book's kstack shows it.
 */
static int tracing_frames(const struct ksyms *ks, const __u64 *ips)
{
	int i;

	for (i = 0; i < 4 && ips[i]; i++) {
		const char *name = ksyms_name(ks, ips[i]);

		if (name && (!strncmp(name, "bpf_trace_run", 13) || !strncmp(name, "__bpf_trace_", 12)))
			return i + 1;
	}
	return 0;
}

static void print_stack(const struct report_ctx *r, const struct drop_row *row)
{
	static __u64 ips[SKBDROP_DEPTH];
	char name[64], buf[24];
	int i, n = 0, first = 0;

	memset(ips, 0, sizeof(ips));
	if (row->key.stack_id != SKBDROP_NO_STACK &&
	    !bpf_map_lookup_elem(bpf_map__fd(r->skel->maps.stacks), &row->key.stack_id, ips))
		first = tracing_frames(r->ks, ips);
	while (n < (int)opt.depth && first + n < SKBDROP_DEPTH && ips[first + n])
		n++;
	reason_name(row->key.reason, name, sizeof(name));
	if (env.json) {
		json_begin(stdout, "count");
		json_str(stdout, "map", "stacks");
		json_enum(stdout, "reason", row->key.reason, name);
		ksyms_json_stack(stdout, r->ks, ips + first, n);
		json_u64(stdout, "count", row->count);
		json_end(stdout);
		return;
	}
	printf("@stacks[%s,\n", name);
	if (!n)
		printf("        [lost stack]\n");
	for (i = 0; i < n; i++)
		printf("        %s\n", ksyms_frame(r->ks, ips[first + i], buf, sizeof(buf)));
	printf("]: %llu\n", row->count);
}

static int report(void *ctx)
{
	static const char *const order[] = { "drops", NULL };
	struct report_ctx *r = ctx;
	int stacks_fd = bpf_map__fd(r->skel->maps.stacks), err;
	size_t i;

	kv_reset(&r->table);
	r->n = 0;
	r->err = 0;
	err = bpf_map_drain(bpf_map__fd(r->skel->maps.drops), sizeof(struct skbdrop_key),
			    sizeof(__u64), 1, env.interval != 0, add_drop, r);
	if (!err)
		err = r->err;
	if (err) {
		fprintf(stderr, "skbdrop: cannot read the counts: %s\n", strerror(-err));
		return err;
	}
	qsort(r->rows, r->n, sizeof(*r->rows), row_cmp);
	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	for (i = 0; i < r->n; i++)
		print_stack(r, &r->rows[i]);
	if (r->n && !env.json)
		printf("\n");
	tool_print_rows(&env, &r->table, order);
	for (i = 0; env.interval && i < r->n; i++)
		if (r->rows[i].key.stack_id != SKBDROP_NO_STACK)
			bpf_map_delete_elem(stacks_fd, &r->rows[i].key.stack_id);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct report_ctx r = {};
	char why[256];
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("skbdrop", &env))
		return 1;
	if (!probe_tp_btf("kfree_skb", why, sizeof(why))) {
		fprintf(stderr, "skbdrop: cannot trace drops: %s\n", why);
		return 1;
	}
	if (!opt.reasons_only) {
		r.ks = ksyms_load(why, sizeof(why));
		if (!r.ks) {
			fprintf(stderr, "skbdrop: cannot name kernel functions: %s (-R needs none)\n",
				why);
			return 1;
		}
	}
	r.skel = skbdrop_bpf__open();
	if (!r.skel) {
		report_bpf_failure("skbdrop", "open the BPF object", -errno);
		err = -errno;
		goto cleanup;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	r.skel->rodata->with_stacks = !opt.reasons_only;
	if (opt.reasons_only)
		bpf_map__set_max_entries(r.skel->maps.stacks, 1);
	err = tool_load_attach(&env, "skbdrop", r.skel->skeleton, "to tp_btf/kfree_skb");
	if (err)
		goto cleanup;
	tool_ready(&env, "Tracing sk_buff drops. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	kv_free(&r.table);
	free(r.rows);
	skbdrop_bpf__destroy(r.skel);
	if (r.ks)
		ksyms_free(r.ks);
	return err ? 1 : 0;
}
