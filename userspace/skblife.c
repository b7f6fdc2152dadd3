// SPDX-License-Identifier: GPL-2.0
/*
 * skblife: sk_buff lifespans as log2 histograms (BPF Performance Tools
 * 10.3.28), from netlens.ko's skb_free tracepoint: the module measures
 * each skb's age, so the BPF side adds one histogram slot per skb instead
 * of kprobing every slab allocation and keeping a hash of live skbs.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>

#include "hist.h"
#include "ksyms.h"
#include "netlens_dev.h"
#include "jsonout.h"
#include "tool.h"
#include "skblife.skel.h"

static struct tool_env env;
static struct {
	const char *unit;	/* nsecs, usecs, msecs */
	__u64 div;
	bool per_path;
	bool fallback;		/* pure BPF on the kmem tracepoints */
	const char *comm;	/* -c: allocating task's name */
	const char *longer;	/* -L: as given, parsed once the unit is known */
	uint64_t min_age_ns;
	unsigned int ring_kb;	/* -L: the channel's ring per CPU */
	bool ring_kb_set;
} opt = { "nsecs", 1, false, false, NULL, NULL, 0, 128, false };

/* -L: records reach the reader in at most this, however few they are. */
#define STREAM_MS 250

static const char *const alloc_path_names[NETLENS_SKB_ALLOC_PATHS] = {
	[NETLENS_SKB_ALLOC_SKB] = "alloc_skb",
	[NETLENS_SKB_ALLOC_BUILD] = "build_skb",
	[NETLENS_SKB_ALLOC_CLONE] = "clone",
	[NETLENS_SKB_ALLOC_FCLONE] = "fclone",
	[NETLENS_SKB_ALLOC_FCLONE_CLONE] = "fclone_clone",
	[NETLENS_SKB_ALLOC_NAPI] = "napi_alloc",
	[NETLENS_SKB_ALLOC_NAPI_BUILD] = "napi_build",
	[NETLENS_SKB_ALLOC_OTHER] = "other",
};

static const char *const free_path_names[NETLENS_SKB_FREE_PATHS] = {
	[NETLENS_SKB_FREE_SLAB] = "kfree_skbmem",
	[NETLENS_SKB_FREE_FCLONE] = "fclone",
	[NETLENS_SKB_FREE_NAPI_CACHE] = "napi_cache",
	[NETLENS_SKB_FREE_BULK] = "bulk",
	[NETLENS_SKB_FREE_DIRECT] = "direct",
};

const char *argp_program_version = "skblife " NETLENS_VERSION;
static const char doc[] =
"Histogram of sk_buff lifespans, from allocation to release.\n"
"\n"
"Uses the netlens:skb_free tracepoint of netlens.ko, which carries each\n"
"skb's age: every allocation path is seen (slab, per-CPU NAPI cache,\n"
"fast-clone twins) at a fraction of the cost of the book's kprobes on\n"
"kmem_cache_alloc/kmem_cache_free.  -p filters on the process that\n"
"allocated the skb, -c on its name, --cgroup and --netns on its cgroup\n"
"and network namespace (skbs allocated in softirq context have none of\n"
"them); -c, --cgroup and --netns also hook skb_alloc and keep a hash of\n"
"the skbs they select, so they cost more than -p.\n"
"\n"
"Without netlens.ko (or with -F) it falls back to pure BPF on the\n"
"kmem:kmem_cache_alloc/free raw tracepoints, filtered to the skbuff caches\n"
"and keeping a hash of live skbs: it then misses skbs recycled through\n"
"the per-CPU NAPI cache and fast-clone twins, sees no allocation path,\n"
"and costs more.\n"
"\n"
"-L AGE prints each skb that lived at least AGE instead of histograms:\n"
"its age, truesize, allocation and release paths, the allocating PID, the\n"
"task current at release and the releasing function.  The records come\n"
"through /dev/netlens (netlens_record_emit kfunc), so -L needs netlens.ko;\n"
"records the ring had no room for are counted and reported.\n"
"\n"
"EXAMPLES:\n"
"    skblife              # histogram in nanoseconds at Ctrl-C\n"
"    skblife -u 1 10      # microseconds, every second, 10 times\n"
"    skblife -O           # one histogram per allocation path\n"
"    skblife -p 181       # skbs allocated by PID 181\n"
"    skblife -c nginx     # skbs allocated by tasks named nginx\n"
"    skblife --netns /run/netns/blue   # by tasks of one network namespace\n"
"    skblife -L 10ms      # each skb that lived 10 ms or longer\n"
"    skblife -F           # pure-BPF fallback, for comparison\n"
"    skblife -j           # JSON lines\n";

enum { OPT_RING_KB = 0x100 };

static const struct argp_option opts[] = {
	{ "microseconds", 'u', NULL, 0, "Histogram in microseconds", 0 },
	{ "milliseconds", 'm', NULL, 0, "Histogram in milliseconds", 0 },
	{ "paths", 'O', NULL, 0, "One histogram per allocation path", 0 },
	{ "fallback", 'F', NULL, 0, "Pure BPF on the kmem tracepoints even with netlens.ko", 0 },
	{ "comm", 'c', "COMM", 0, "Only skbs allocated by tasks named COMM", 0 },
	{ "longer", 'L', "AGE", 0, "Print each skb that lived AGE or longer (10ms, 500us; bare: the histogram unit)", 0 },
	{ "ring-kb", OPT_RING_KB, "KIB", 0, "-L: record ring per CPU in KiB, a power of two (default 128)", 0 },
	TOOL_OPT_PID,
	TOOL_OPT_CONTAINER,
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'u':
		opt.unit = "usecs";
		opt.div = 1000;
		return 0;
	case 'm':
		opt.unit = "msecs";
		opt.div = 1000000;
		return 0;
	case 'O':
		opt.per_path = true;
		return 0;
	case 'F':
		opt.fallback = true;
		return 0;
	case 'c':
		if (!*arg || strlen(arg) > 15)
			argp_error(state, "invalid COMM '%s': 1 to 15 characters", arg);
		opt.comm = arg;
		return 0;
	case 'L':
		opt.longer = arg;
		return 0;
	case OPT_RING_KB: {
		char err[128];
		uint64_t kb;

		if (parse_u64_range(arg, "--ring-kb", 4, 1048576, &kb, err, sizeof(err)))
			argp_error(state, "%s", err);
		if (kb & (kb - 1))
			argp_error(state, "--ring-kb %s: not a power of two", arg);
		opt.ring_kb = kb;
		opt.ring_kb_set = true;
		return 0;
	}
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* @path: the allocation path of a -O histogram; -1: all of them. */
static void print_hist(int path, const __u64 *slots)
{
	if (env.json) {
		/* "nsecs" in the BCC-style text, "ns" in JSON. */
		json_hist_begin(stdout, "skb_age", opt.div == 1 ? "ns" :
				opt.div == 1000 ? "us" : "ms", "log2");
		if (path >= 0)
			json_enum(stdout, "alloc_path", path, alloc_path_names[path]);
		json_hist_end_log2(stdout, slots, NETLENS_HIST_SLOTS);
		return;
	}
	if (path >= 0)
		printf("\nalloc path = %s\n", alloc_path_names[path]);
	hist_print_log2(stdout, slots, NETLENS_HIST_SLOTS, opt.unit);
}

/* Sum the per-CPU slots; print per path or merged; clear for intervals. */
static int report(struct skblife_bpf *skel, int ncpus)
{
	int fd = bpf_map__fd(skel->maps.hists);
	__u64 all[NETLENS_HIST_SLOTS] = {}, all_total = 0;
	__u64 *percpu, *zero;
	__u32 path, slot, key;
	int cpu, err = 0;

	percpu = calloc(ncpus, sizeof(__u64));
	zero = calloc(ncpus, sizeof(__u64));
	if (!percpu || !zero) {
		err = -ENOMEM;
		goto out;
	}
	if (env.timestamp && !env.json)
		printf("%s\n", tool_time());
	for (path = 0; path < NETLENS_SKB_ALLOC_PATHS; path++) {
		__u64 slots[NETLENS_HIST_SLOTS] = {}, total = 0;

		for (slot = 0; slot < NETLENS_HIST_SLOTS; slot++) {
			key = path * NETLENS_HIST_SLOTS + slot;
			if (bpf_map_lookup_elem(fd, &key, percpu)) {
				err = -errno;
				goto out;
			}
			for (cpu = 0; cpu < ncpus; cpu++)
				slots[slot] += percpu[cpu];
			total += slots[slot];
			all[slot] += slots[slot];
			if (env.interval && slots[slot])
				bpf_map_update_elem(fd, &key, zero, BPF_ANY);
		}
		all_total += total;
		if (opt.per_path && total)
			print_hist(path, slots);
	}
	if (!opt.per_path && (all_total || env.json))
		print_hist(-1, all);
	if (!env.json && env.interval)
		printf("\n");
	fflush(stdout);
out:
	free(percpu);
	free(zero);
	return err;
}

/* ---- -L: one line per long-lived skb, from /dev/netlens records ---- */

struct lifetime_printer {
	struct ksyms *ks;	/* NULL: print addresses */
	unsigned long long lost;
};

static const char *path_name(const char *const *names, unsigned int n,
			     unsigned int path)
{
	return path < n && names[path] ? names[path] : "?";
}

static int print_lifetime(const struct netlens_record *rec, const void *data,
			  void *ctx)
{
	struct lifetime_printer *p = ctx;
	struct netlens_record_skb_lifetime l;
	const char *fn = NULL;
	char comm[17], caller[64];

	p->lost += rec->lost;
	if (rec->type != NETLENS_RECORD_SKB_LIFETIME || rec->data_len < sizeof(l))
		return 0;	/* a newer skblife's record type */
	memcpy(&l, data, sizeof(l));
	tool_comm(comm, l.free_comm);
	if (p->ks)
		fn = ksyms_name(p->ks, l.free_caller);
	if (fn)
		snprintf(caller, sizeof(caller), "%s", fn);
	else
		snprintf(caller, sizeof(caller), "0x%" PRIx64, (uint64_t)l.free_caller);
	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", "skb_lifetime");
		json_u64(stdout, "age_ns", l.age_ns);
		json_u64(stdout, "truesize_bytes", l.truesize);
		json_enum(stdout, "alloc_path", l.alloc_path,
			  path_name(alloc_path_names, NETLENS_SKB_ALLOC_PATHS, l.alloc_path));
		json_enum(stdout, "free_path", l.free_path,
			  path_name(free_path_names, NETLENS_SKB_FREE_PATHS, l.free_path));
		json_u64(stdout, "alloc_pid", l.alloc_pid);
		json_u64(stdout, "free_pid", l.free_pid);
		json_str(stdout, "free_comm", comm);
		json_str(stdout, "free_caller", caller);
		json_u64(stdout, "cpu", rec->cpu);
		json_end(stdout);
		return 0;
	}
	if (env.timestamp)
		printf("%-9s", tool_time());
	printf("%12llu %8u %-12s %-12s %7u %7u %-16s %s\n",
	       (unsigned long long)(l.age_ns / opt.div), l.truesize,
	       path_name(alloc_path_names, NETLENS_SKB_ALLOC_PATHS, l.alloc_path),
	       path_name(free_path_names, NETLENS_SKB_FREE_PATHS, l.free_path),
	       l.alloc_pid, l.free_pid, comm, caller);
	return 0;
}

static void report_lost(unsigned long long n)
{
	fprintf(stderr, "skblife: %llu lifetimes lost: the record ring was full (a larger --ring-kb, or a longer -L)\n",
		n);
}

/*
 * Records until Ctrl-C.  Lost ones are reported as the next record of
 * their CPU announces them; those no later record announced, from the BPF
 * side's own count (@not_emitted) at the end.
 */
static int stream_lifetimes(struct netlens_channel *ch, const __u64 *not_emitted)
{
	struct lifetime_printer p = {};
	unsigned long long reported = 0, missed;
	struct pollfd pfd = { .fd = ch->fd, .events = POLLIN };
	char why[256], unit[16];
	int n, err = 0;

	/* Symbols first (seconds on a slow machine): "Tracing" means reading. */
	p.ks = ksyms_load(why, sizeof(why));
	if (!p.ks)
		fprintf(stderr, "skblife: printing release addresses, not names: %s\n", why);
	tool_ready(&env, "Tracing sk_buffs that live %s or longer. Hit Ctrl-C to end.",
		   opt.longer);
	snprintf(unit, sizeof(unit), "AGE(%s)", opt.div == 1 ? "ns" :
		 opt.div == 1000 ? "us" : "ms");
	if (!env.json) {
		if (env.timestamp)
			printf("%-9s", "TIME");
		printf("%12s %8s %-12s %-12s %7s %7s %-16s %s\n", unit, "TRUESIZE",
		       "ALLOC_PATH", "FREE_PATH", "A_PID", "F_PID", "F_COMM",
		       "FREE_CALLER");
	}
	for (;;) {
		/* After Ctrl-C, one more drain: what was emitted until then. */
		bool last = tool_exiting;

		/* Woken at a quarter ring; what is below, within STREAM_MS. */
		n = last ? 0 : poll(&pfd, 1, STREAM_MS);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			fprintf(stderr, "skblife: poll %s: %s\n", NETLENS_DEV_PATH, strerror(errno));
			break;
		}
		n = netlens_channel_consume(ch, print_lifetime, &p);
		if (n < 0) {
			err = n;
			fprintf(stderr, "skblife: reading the records of %s: %s\n",
				NETLENS_DEV_PATH, strerror(-n));
			break;
		}
		fflush(stdout);
		if (p.lost) {
			report_lost(p.lost);
			reported += p.lost;
			p.lost = 0;
		}
		if (last)
			break;
	}
	missed = *(volatile const __u64 *)not_emitted;
	if (missed > reported)
		report_lost(missed - reported);
	ksyms_free(p.ks);
	return err;
}

/* Drops are never silent: runs BPF skipped because it was busy on the CPU. */
static void report_misses(struct skblife_bpf *skel)
{
	struct bpf_program *progs[] = { skel->progs.skb_free,
		skel->progs.kmem_cache_alloc, skel->progs.kmem_cache_free };
	unsigned long long missed = 0;
	unsigned int i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_program__fd(progs[i]) >= 0 &&
		    !bpf_obj_get_info_by_fd(bpf_program__fd(progs[i]), &info, &len))
			missed += info.recursion_misses;
	}
	if (missed)
		fprintf(stderr, "skblife: %llu events not counted: the BPF program was already running on that CPU (nested softirq)\n",
			missed);
}

/*
 * The module arms its skb hooks while the first consumer attaches: once
 * attached, they are armed.  Say so when some could not be placed.
 */
static int check_armed(void)
{
	struct netlens_skb_stats st;
	char err[256];
	int fd, ret = 0;

	fd = netlens_dev_open(O_RDONLY, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "skblife: %s\n", err);
		return fd;
	}
	if (netlens_dev_skb_stats(fd, &st)) {
		ret = -errno;
		fprintf(stderr, "skblife: NETLENS_IOC_SKB_STATS: %s\n", strerror(-ret));
	} else if (!st.armed) {
		ret = -ENOENT;
		fprintf(stderr, "skblife: netlens did not arm its skb hooks (see dmesg)\n");
	} else if (st.hooks_missing) {
		fprintf(stderr, "skblife: warning: netlens could not place some skb hooks (mask 0x%x, see dmesg): lifetimes through them are missed\n",
			st.hooks_missing);
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	struct skblife_bpf *skel = NULL;
	unsigned int reports = 0;
	struct netlens_channel ch = { .fd = -1 };
	int err, ncpus;
	bool at_alloc;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (opt.longer) {
		char err[128];

		if (parse_duration_ns(opt.longer, "AGE", opt.div, &opt.min_age_ns,
				      err, sizeof(err))) {
			fprintf(stderr, "skblife: %s\n", err);
			return EXIT_USAGE;
		}
		if (env.interval || opt.per_path || opt.fallback) {
			fprintf(stderr, "skblife: -L prints each skb: it takes no interval, -O or -F\n");
			return EXIT_USAGE;
		}
	}
	if (opt.ring_kb_set && !opt.longer) {
		fprintf(stderr, "skblife: --ring-kb sizes the -L record ring: it needs -L\n");
		return EXIT_USAGE;
	}
	if (!tool_prepare("skblife", &env))
		return 1;
	if (!opt.fallback) {
		const char *no_module = NULL;

		if (access("/sys/module/netlens", F_OK))
			no_module = "netlens.ko is not loaded (modprobe netlens)";
		else if (access("/sys/kernel/btf/netlens", F_OK))
			no_module = "/sys/kernel/btf/netlens missing: netlens.ko was built without BTF, so tp_btf/skb_free cannot attach (README: No BTF)";
		/* -L has no fallback: say so once, without promising one. */
		if (no_module && opt.longer) {
			fprintf(stderr, "skblife: -L needs netlens.ko, its records reach userspace through /dev/netlens: %s\n",
				no_module);
			return 1;
		}
		if (no_module) {
			fprintf(stderr, "skblife: %s: falling back to pure BPF on the kmem:kmem_cache_alloc/free tracepoints, which miss skbs recycled through the per-CPU NAPI cache and fast-clone twins, and cost more\n",
				no_module);
			opt.fallback = true;
		}
	}
	if (opt.fallback && access("/sys/kernel/btf/vmlinux", F_OK)) {
		fprintf(stderr, "skblife: the fallback needs kernel BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF) and this kernel has none; load netlens.ko instead\n");
		return 1;
	}
	if (opt.longer) {
		char why[256];

		/* The channel first: the program is told its handle. */
		/* Woken at a quarter ring: few wakeups, room to spare. */
		err = netlens_channel_open(&ch, opt.ring_kb, opt.ring_kb * 256,
					   why, sizeof(why));
		if (err) {
			fprintf(stderr, "skblife: %s\n", why);
			return 1;
		}
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "skblife: cannot count the possible CPUs: %s\n", strerror(-ncpus));
		return 1;
	}

	skel = skblife_bpf__open();
	if (!skel) {
		report_bpf_failure("skblife", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(skel->rodata, &env);
	skel->rodata->unit_div = opt.div;
	skel->rodata->min_age_ns = opt.min_age_ns;
	if (opt.comm) {
		skel->rodata->filter_comm = true;
		strncpy((char *)skel->rodata->targ_comm, opt.comm,
			sizeof(skel->rodata->targ_comm) - 1);
	}
	at_alloc = opt.comm || env.cgroup_fd > 0 || env.netns;
	skel->rodata->filter_at_alloc = at_alloc;
	skel->rodata->netlens_channel = ch.info.handle;
	bpf_program__set_autoload(skel->progs.skb_free, !opt.fallback);
	bpf_program__set_autoload(skel->progs.skb_alloc, !opt.fallback && at_alloc);
	bpf_program__set_autoload(skel->progs.kmem_cache_alloc, opt.fallback);
	bpf_program__set_autoload(skel->progs.kmem_cache_free, opt.fallback);
	/* Loaded, and the --cgroup set; attached below, once timed. */
	err = tool_load_attach(&env, "skblife", skel->skeleton, NULL);
	if (err)
		goto cleanup;
	err = skblife_bpf__attach(skel);
	if (err) {
		report_bpf_failure("skblife", opt.fallback ?
				   "attach to the kmem_cache_alloc/free raw tracepoints" :
				   "attach to tp_btf/skb_free", err);
		goto cleanup;
	}
	if (!opt.fallback) {
		err = check_armed();
		if (err)
			goto cleanup;
	}

	if (opt.longer) {
		err = stream_lifetimes(&ch, &skel->bss->records_not_emitted);
		goto cleanup;
	}

	tool_ready(&env, "Tracing sk_buff lifespans%s. Hit Ctrl-C to end.",
		   opt.fallback ? " (fallback: kmem tracepoints)" : "");
	for (;;) {
		bool more = tool_wait(&env, reports);

		err = report(skel, ncpus);
		reports++;
		if (env.json && !err)
			json_interval(stdout, reports, env.interval, !more);
		if (err || !more)
			break;
	}

cleanup:
	if (skel)
		report_misses(skel);
	skblife_bpf__destroy(skel);
	netlens_channel_close(&ch);
	return err ? 1 : 0;
}
