// SPDX-License-Identifier: GPL-2.0
/*
 * sormem: socket receive buffer usage and overflows (BPF Performance
 * Tools 10.3.x, sormem.bt): sk_rmem_alloc and sk_rcvbuf as log2
 * histograms at each enqueue, and receive queue overflows per socket
 * owner, protocol and local port.
 */
#include <argp.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <linux/netlens.h>

#include "hist.h"
#include "jsonout.h"
#include "msgsrc.h"
#include "kvtable.h"
#include "socknames.h"
#include "tool.h"
#include "../bpf/sormem.h"
#include "sormem.skel.h"

static struct tool_env env;

const char *argp_program_version = "sormem " NETLENS_VERSION;
static const char doc[] =
"Show socket receive buffer usage and overflows, as the book's sormem.bt:\n"
"@rmem_alloc and @rmem_limit, log2 histograms of sk_rmem_alloc and\n"
"sk_rcvbuf, then the overflows of IPv4 and IPv6 sockets by owner.\n"
"\n"
"The histograms take each enqueue, when a socket is woken for new data:\n"
"sock:sk_data_ready (6.6+); where the kernel has none, netlens.ko's\n"
"netlens:sock_data_ready (an entry hook on sock_def_readable, armed only\n"
"while traced); without the module, fentry, then kprobe, on\n"
"sock_def_readable (said on stderr).  The book samples at sock_recvmsg,\n"
"which never sees the socket nobody reads: the one that overflows.\n"
"\n"
"Overflows are drops from skb:kfree_skb by reason (named from the running\n"
"kernel's BTF): @rcvbuf_drops, SOCKET_RCVBUFF (UDP's RcvbufErrors, raw\n"
"sockets' full queue), and @mem_drops, PROTO_MEM (UDP's MemErrors, TCP's\n"
"TCPRcvQDrop and TCPOFODrop); the socket is the tracepoint's rx_sk\n"
"(6.11+), before that IPv4 UDP's from udp:udp_fail_queue_rcv_skb, and\n"
"others by the packet's protocol and local port only (owner \"-\", 0).\n"
"The book's tracepoints are counted too, in @sock_rcvqueue_full and\n"
"@sock_exceed_buf_limit (receive side).  The owner is the process that\n"
"holds the socket open when the counts are printed (\"-\", 0: none).\n"
"-p selects the process's sockets: those open at start and at each\n"
"report, and those it creates or accepts meanwhile.\n"
"\n"
"EXAMPLES:\n"
"    sormem               # histograms and overflows at Ctrl-C\n"
"    sormem -p 181 5      # PID 181's sockets, every 5 seconds\n"
"    sormem -6 -j         # IPv6 sockets only, JSON lines\n";

static const struct argp_option opts[] = {
	TOOL_OPT_PID,
	TOOL_OPT_FAMILY,
	{ "netns", TOOL_OPT_KEY_NETNS, "NETNS", 0,
	  "Sockets of this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 },
	TOOL_OPT_COMMON,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return tool_parse_common(key, arg, state, &env);
}

static const char *const map_names[SORMEM_KINDS] = {
	[SORMEM_RCVBUF_DROP] = "rcvbuf_drops",
	[SORMEM_MEM_DROP] = "mem_drops",
	[SORMEM_RCVQUEUE_FULL] = "sock_rcvqueue_full",
	[SORMEM_EXCEED_LIMIT] = "sock_exceed_buf_limit",
};

static const char *const hist_names[SORMEM_HISTS] = {
	[SORMEM_RMEM_ALLOC] = "rmem_alloc",
	[SORMEM_RMEM_LIMIT] = "rmem_limit",
};

/* The socket inode of /proc/PID/fd/NAME, or 0. */
static unsigned long long fd_socket_ino(int dirfd, const char *name)
{
	char link[64];
	ssize_t n = readlinkat(dirfd, name, link, sizeof(link) - 1);

	if (n <= 8)
		return 0;
	link[n] = '\0';
	return strncmp(link, "socket:[", 8) ? 0 : strtoull(link + 8, NULL, 10);
}

/* -p: the inodes of PID's open sockets into the BPF set. */
static void add_pid_sockets(int map_fd, int pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	__u8 one = 1;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		__u64 ino = fd_socket_ino(dirfd(dir), d->d_name);

		if (ino)
			bpf_map_update_elem(map_fd, &ino, &one, BPF_ANY);
	}
	closedir(dir);
}

struct owner {
	unsigned long long ino;
	int pid;
	char comm[17];
};

struct report_ctx {
	struct sormem_bpf *skel;
	struct kv_table table;
	struct {
		struct sormem_okey key;
		unsigned long long count;
	} *rows;
	size_t n, cap;
	struct owner *owners;
	size_t nowners;
	int err;
};

static void add_overflow(const void *k, unsigned long long value, void *ctx)
{
	struct report_ctx *r = ctx;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		void *more = realloc(r->rows, cap * sizeof(*r->rows));

		if (!more) {
			r->err = -ENOMEM;
			return;
		}
		r->rows = more;
		r->cap = cap;
	}
	memcpy(&r->rows[r->n].key, k, sizeof(struct sormem_okey));
	r->rows[r->n++].count = value;
}

/* The processes holding the counted sockets open, from /proc/PID/fd (as ss -p). */
static void find_owners(struct report_ctx *r)
{
	struct dirent *p, *d;
	DIR *proc, *fds;
	size_t i, j;

	r->nowners = 0;
	for (i = 0; i < r->n; i++)
		if (r->rows[i].key.ino)
			r->nowners++;
	free(r->owners);
	r->owners = r->nowners ? calloc(r->nowners, sizeof(*r->owners)) : NULL;
	if (!r->owners) {
		r->nowners = 0;
		return;
	}
	for (i = j = 0; i < r->n; i++)
		if (r->rows[i].key.ino)
			r->owners[j++].ino = r->rows[i].key.ino;
	proc = opendir("/proc");
	while (proc && (p = readdir(proc))) {
		char path[300];

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((d = readdir(fds))) {
			unsigned long long ino = fd_socket_ino(dirfd(fds), d->d_name);

			for (i = 0; ino && i < r->nowners; i++) {
				struct owner *o = &r->owners[i];
				char comm[32] = "";
				FILE *f;

				if (o->ino != ino || o->pid)
					continue;
				o->pid = atoi(p->d_name);
				snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
				f = fopen(path, "r");
				if (f) {
					if (fgets(comm, sizeof(comm), f))
						comm[strcspn(comm, "\n")] = '\0';
					fclose(f);
				}
				snprintf(o->comm, sizeof(o->comm), "%s", comm);
			}
		}
		closedir(fds);
	}
	if (proc)
		closedir(proc);
}

static const struct owner *owner_of(const struct report_ctx *r, unsigned long long ino)
{
	size_t i;

	for (i = 0; ino && i < r->nowners; i++)
		if (r->owners[i].ino == ino && r->owners[i].pid)
			return &r->owners[i];
	return NULL;
}

static void print_hists(int fd)
{
	__u64 slots[SORMEM_HISTS][SORMEM_SLOTS] = {};
	struct sormem_hkey key, next, *prev = NULL;
	__u64 count;
	int h;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &count) && key.hist < SORMEM_HISTS &&
		    key.slot < SORMEM_SLOTS)
			slots[key.hist][key.slot] += count;
	}
	if (env.interval) {
		while (!bpf_map_get_next_key(fd, NULL, &next))
			bpf_map_delete_elem(fd, &next);
	}
	for (h = 0; h < SORMEM_HISTS; h++) {
		if (env.json) {
			json_hist_begin(stdout, hist_names[h], "bytes", "log2");
			json_hist_end_log2(stdout, slots[h], SORMEM_SLOTS);
		} else {
			printf("\n@%s:\n", hist_names[h]);
			hist_print_log2(stdout, slots[h], SORMEM_SLOTS, "bytes");
		}
	}
}

static int report(void *ctx)
{
	static const char *const order[] = { "rcvbuf_drops", "mem_drops", "sock_rcvqueue_full",
					     "sock_exceed_buf_limit", NULL };
	struct report_ctx *r = ctx;
	size_t i;
	int err;

	if (env.pid)
		add_pid_sockets(bpf_map__fd(r->skel->maps.pid_socks), env.pid);
	if (!env.json && env.timestamp)
		printf("%s\n", tool_time());
	print_hists(bpf_map__fd(r->skel->maps.hists));
	if (!env.json)
		printf("\n");
	r->n = 0;
	r->err = 0;
	kv_reset(&r->table);
	err = bpf_map_drain(bpf_map__fd(r->skel->maps.overflows), sizeof(struct sormem_okey),
			    sizeof(__u64), 1, env.interval != 0, add_overflow, r);
	if (!err)
		err = r->err;
	if (err) {
		fprintf(stderr, "sormem: cannot read the counts: %s\n", strerror(-err));
		return err;
	}
	find_owners(r);
	for (i = 0; i < r->n; i++) {
		const struct sormem_okey *k = &r->rows[i].key;
		const struct owner *o = owner_of(r, k->ino);
		struct kv_key row = {};

		if (k->kind >= SORMEM_KINDS)
			continue;
		kv_key_str(&row, "comm", o ? o->comm : "-");
		kv_key_num(&row, "pid", o ? o->pid : 0);
		kv_key_num(&row, "family", k->family);
		kv_key_str(&row, "family_name", family_name(k->family));
		kv_key_num(&row, "protocol", k->protocol);
		kv_key_str(&row, "protocol_name", ipproto_name(k->protocol));
		kv_key_num(&row, "lport", k->lport);
		if (kv_add(&r->table, map_names[k->kind], &row, r->rows[i].count)) {
			fprintf(stderr, "sormem: out of memory\n");
			return -ENOMEM;
		}
	}
	tool_print_rows(&env, &r->table, order);
	fflush(stdout);
	return 0;
}

/* Where "a socket is woken for data" comes from, best first. */
static const struct msg_source enqueue_sources[] = {
	{ ATTACH_TP_BTF, "sk_data_ready", "sk_data_ready", "tracepoint:sock:sk_data_ready", NULL,
	  { "sk_data_ready" } },
	{ ATTACH_TP_BTF, "sock_data_ready", "sock_data_ready", "tracepoint:netlens:sock_data_ready",
	  "netlens", { "netlens_sock_data_ready" } },
	{ ATTACH_FENTRY, "sock_def_readable", "sock_def_readable", "fentry:sock_def_readable", NULL,
	  { "fentry_sock_def_readable" } },
	{ ATTACH_KPROBE, "sock_def_readable", "sock_def_readable", "kprobe:sock_def_readable", NULL,
	  { "kprobe_sock_def_readable" } },
};

#define ENQUEUE_SOURCES	(sizeof(enqueue_sources) / sizeof(enqueue_sources[0]))

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, TOOL_ARGS_DOC, doc };
	static const char *const tps[] = {
		"kfree_skb", "sock_rcvqueue_full", "sock_exceed_buf_limit",
	};
	struct report_ctx r = {};
	size_t source;
	char why[512];
	bool rx_sk;
	size_t i;
	int err;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (!tool_prepare("sormem", &env))
		return 1;
	for (i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
		if (!probe_tp_btf(tps[i], why, sizeof(why))) {
			fprintf(stderr, "sormem: cannot trace receive queue overflows: %s\n", why);
			return 1;
		}
	}
	rx_sk = tp_btf_args("kfree_skb") >= 4;
	if (!rx_sk && !probe_tp_btf("udp_fail_queue_rcv_skb", why, sizeof(why))) {
		fprintf(stderr, "sormem: cannot trace UDP receive queue overflows: %s\n", why);
		return 1;
	}
	r.skel = sormem_bpf__open();
	if (!r.skel) {
		report_bpf_failure("sormem", "open the BPF object", -errno);
		return 1;
	}
	TOOL_SET_FILTERS(r.skel->rodata, &env);
	r.skel->rodata->reason_rcvbuff = kernel_enum_value("skb_drop_reason",
							   "SKB_DROP_REASON_SOCKET_RCVBUFF");
	r.skel->rodata->reason_proto_mem = kernel_enum_value("skb_drop_reason",
							     "SKB_DROP_REASON_PROTO_MEM");
	if (!r.skel->rodata->reason_rcvbuff || !r.skel->rodata->reason_proto_mem)
		fprintf(stderr, "sormem: the kernel's skb_drop_reason lacks %s: not counted\n",
			!r.skel->rodata->reason_rcvbuff ? "SOCKET_RCVBUFF" : "PROTO_MEM");
	r.skel->rodata->udp4_by_fail_tp = !rx_sk;
	source = msg_source_use("sormem", "enqueues", enqueue_sources, ENQUEUE_SOURCES,
				r.skel->obj);
	if (source == ENQUEUE_SOURCES) {
		err = -ENOENT;
		goto cleanup;
	}
	bpf_program__set_autoload(r.skel->progs.kfree_skb_sk, rx_sk);
	bpf_program__set_autoload(r.skel->progs.kfree_skb, !rx_sk);
	bpf_program__set_autoload(r.skel->progs.udp_fail_queue_rcv_skb, !rx_sk);
	bpf_program__set_autoload(r.skel->progs.sys_exit_socket, env.pid != 0);
	bpf_program__set_autoload(r.skel->progs.sys_exit_accept, env.pid != 0);
	bpf_program__set_autoload(r.skel->progs.sys_exit_accept4, env.pid != 0);
	if (!env.pid)
		bpf_map__set_max_entries(r.skel->maps.pid_socks, 1);
	err = tool_load_attach(&env, "sormem", r.skel->skeleton, "the BPF programs");
	if (err)
		goto cleanup;
	if (env.pid)
		add_pid_sockets(bpf_map__fd(r.skel->maps.pid_socks), env.pid);
	tool_ready(&env, "Tracing socket receive buffers. Ctrl-C to end.");
	err = tool_run(&env, report, &r);
cleanup:
	kv_free(&r.table);
	free(r.rows);
	free(r.owners);
	sormem_bpf__destroy(r.skel);
	return err ? 1 : 0;
}
