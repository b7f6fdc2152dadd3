/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the socket tools share: the common options (-p PID, -T, -j, -v,
 * [interval [count]]), privilege and tracefs checks before loading, signal
 * handling and the interval loop.
 */
#ifndef NETLENS_TOOL_H
#define NETLENS_TOOL_H

#include <argp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "kvtable.h"
#include "probe.h"

/* -P takes at most this many ports: the size of the BPF side's port sets. */
#define TOOL_MAX_PORTS	64

struct tool_ports {
	uint16_t list[TOOL_MAX_PORTS];
	size_t n;
};

struct tool_env {
	bool verbose;
	bool json;
	bool timestamp;
	int pid;		/* 0: all processes */
	unsigned int interval;	/* 0: print once, at Ctrl-C */
	unsigned int count;	/* intervals to print, 0: unlimited */
	unsigned int npos;	/* positional arguments seen */
	bool no_interval;	/* the tool takes no [interval [count]] */
	/* Counting tools (TOOL_OPT_TABLE): -t, -s COLUMN, -r ROWS. */
	bool table;
	const char *sort;	/* NULL: count */
	unsigned int top;	/* 0: every row */
	const char *const *columns;	/* what -s takes besides "count" */
	/* Task filters (TOOL_OPT_CONTAINER, TOOL_OPT_UID), TOOL_SET_FILTERS(). */
	int cgroup_fd;		/* --cgroup: an open cgroup v2 directory; 0: none */
	unsigned int netns;	/* --netns: network namespace inode; 0: any */
	bool filter_uid;	/* -u */
	unsigned int uid;
	unsigned short family;	/* -4, -6 (TOOL_OPT_FAMILY): AF_INET, AF_INET6; 0: any */
	/* -i IFACE of the per-device tools (TOOL_OPT_IFACE). */
	const char *iface;
	/* -P PORTS (TOOL_OPT_PORTS), into a tool's own set; NULL: no -P. */
	struct tool_ports *ports;
	bool wide;		/* -w (TOOL_OPT_WIDE): full IPv6 addresses */
};

/* Long-only option keys. */
enum {
	TOOL_OPT_KEY_CGROUP = 0x200,
	TOOL_OPT_KEY_NETNS,
};

/* The task filters of the tools whose events run in a task's context. */
#define TOOL_OPT_CONTAINER \
	{ "cgroup", TOOL_OPT_KEY_CGROUP, "PATH", 0, \
	  "Trace tasks in this cgroup (v2) and its descendants only", 0 }, \
	{ "netns", TOOL_OPT_KEY_NETNS, "NETNS", 0, \
	  "Trace tasks in this network namespace only: a path (/run/netns/NAME, /proc/PID/ns/net) or its inode number", 0 }
#define TOOL_OPT_UID \
	{ "uid", 'u', "UID", 0, "Trace this user's tasks only (a number or a name)", 0 }
#define TOOL_OPT_FAMILY \
	{ "ipv4", '4', NULL, 0, "IPv4 only", 0 }, \
	{ "ipv6", '6', NULL, 0, "IPv6 only", 0 }
/* -P's help says what the ports are: "Connects to these ports only". */
#define TOOL_OPT_PORTS(what) \
	{ "port", 'P', "PORTS", 0, what " (comma-separated, at most 64)", 0 }
#define TOOL_OPT_WIDE(what) \
	{ "wide", 'w', NULL, 0, what " (full IPv6 addresses)", 0 }
#define TOOL_OPT_IFACE \
	{ "interface", 'i', "IFACE", 0, "Only packets of this network interface", 0 }

/*
 * The BPF side's filters (bpf/sock_common.h) from @env, before load; the
 * cgroup itself goes into its map in tool_load_attach().
 */
#define TOOL_SET_FILTERS(rodata, env) do {			\
	(rodata)->targ_tgid = (env)->pid;			\
	(rodata)->filter_cgroup = (env)->cgroup_fd > 0;		\
	(rodata)->targ_netns = (env)->netns;			\
	(rodata)->filter_uid = (env)->filter_uid;		\
	(rodata)->targ_uid = (env)->uid;			\
	(rodata)->targ_family = (env)->family;			\
} while (0)

/* argp's args_doc of a tool that takes the interval positionals. */
#define TOOL_ARGS_DOC "[interval [count]]"

#define TOOL_OPT_PID \
	{ "pid", 'p', "PID", 0, "Trace this process (TGID) only", 0 }
/* The counting tools' table mode, sort and top-N (as tcptop's -s, -r). */
#define TOOL_OPT_TABLE \
	{ "table", 't', NULL, 0, "Print a headed, aligned table, largest first", 0 }, \
	{ "sort", 's', "COLUMN", 0, "Sort by COLUMN (count, or a key column: see -t's header)", 0 }, \
	{ "rows", 'r', "ROWS", 0, "Print the top ROWS rows of each map (1-100000)", 0 }
#define TOOL_OPT_COMMON \
	{ "timestamp", 'T', NULL, 0, "Include timestamps (HH:MM:SS)", 0 }, \
	{ "json", 'j', NULL, 0, "Print JSON lines instead of text", 0 }, \
	{ "verbose", 'v', NULL, 0, "Verbose debug output (libbpf)", 0 }, \
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 }

/*
 * Handle -p, -T, -j, -v, -h, the filters (-u, -4/-6, -i, -P, --cgroup,
 * --netns), -w, -t/-s/-r and the [interval [count]] positionals for
 * @env; ARGP_ERR_UNKNOWN for anything else.  Bad values are usage errors
 * (exit 2, argp_err_exit_status).
 */
error_t tool_parse_common(int key, char *arg, struct argp_state *state,
			  struct tool_env *env);

/* -s COLUMN: "count" or one of @env->columns. */
bool tool_valid_column(const struct tool_env *env, const char *name);
const char *tool_columns(const struct tool_env *env, char *buf, size_t len);

/* Set by SIGINT, SIGTERM and SIGHUP: print the summary and end. */
extern volatile sig_atomic_t tool_exiting;

/*
 * Before opening the skeleton: libbpf logging (-v), privileges, tracefs,
 * signal handlers.  Prints why and returns false when the tool cannot run.
 */
bool tool_prepare(const char *tool, const struct tool_env *env);

/*
 * Wait for the next report: @env->interval seconds, or until Ctrl-C when
 * there is no interval.  Returns false when this is the last report
 * (Ctrl-C or count reached); @reports counts the reports printed so far.
 */
bool tool_wait(const struct tool_env *env, unsigned int reports);

/* "HH:MM:SS" now. */
const char *tool_time(void);

/* The readiness line ("Tracing ..."): stdout in text mode, stderr with -j. */
void tool_ready(const struct tool_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Copy a BPF-side comm (not necessarily terminated) into 16+1 bytes. */
void tool_comm(char dst[17], const char *src);

/*
 * Every tracepoint @category:@names[0..n-1] exists?  Otherwise prints
 * "TOOL: cannot trace WHAT: <why> (HINT)" and returns false.
 */
bool tool_need_tracepoints(const char *tool, const char *what,
			   const char *category, const char *const *names,
			   size_t n, const char *hint);

/*
 * Load the opened skeleton @s (rodata set), put @env's cgroup into its
 * cgroup_map and, when @attach_what is not NULL, attach its programs;
 * failures are reported (report_bpf_failure()).
 * 0 or a negative errno.
 */
int tool_load_attach(const struct tool_env *env, const char *tool,
		     const struct bpf_object_skeleton *s, const char *attach_what);

/* Attach the loaded skeleton @s's programs, reporting a failure. */
int tool_attach(const char *tool, const struct bpf_object_skeleton *s,
		const char *attach_what);

/*
 * Set the @n ports of a filter map (u16 keys, u8 values) before attach;
 * @what names the option in a failure.  0 or a negative errno.
 */
int tool_fill_ports(const char *tool, int map_fd, const uint16_t *ports, size_t n,
		    const char *what);

struct ring_buffer;
struct bpf_map;

/* What an event tool (a line per event, from a ring buffer) hands tool_events_run(). */
struct tool_events {
	const char *attach_what;	/* "to syscalls:sys_{enter,exit}_bind", for messages */
	struct bpf_map *ports;		/* -P's port set (tool_fill_ports()); NULL: none */
	const uint16_t *port_list;
	size_t nports;
	struct bpf_map *events;		/* the ring buffer */
	int (*handle)(void *ctx, void *data, size_t len);
};

/*
 * An event tool, its skeleton @s opened and its rodata set: load it (the
 * --cgroup map too), fill -P's ports, attach, print @ready (the column
 * header, after "TIME" with -T; a banner on stderr with -j), then the
 * events until Ctrl-C.  0 or a negative errno (reported).
 */
int tool_events_run(const char *tool, const struct tool_env *env,
		    const struct bpf_object_skeleton *s, const struct tool_events *te,
		    const char *ready);

/*
 * The event loop of the tools that print events as they come: poll @rb
 * until Ctrl-C, then take what is still in it.  0 or a negative errno
 * (reported).
 */
int tool_poll_events(const char *tool, struct ring_buffer *rb);

/*
 * A tool that both reports and prints events as they come: tool_wait()
 * (and so tool_run()) polls @rb while it waits.
 */
void tool_poll_while_waiting(struct ring_buffer *rb);

/*
 * The report loop: wait (tool_wait()), call @report, until the last report
 * or an error.  Returns @report's last result.
 */
int tool_run(const struct tool_env *env, int (*report)(void *ctx), void *ctx);

/* Print @t as -t, -s, -r and -j ask (tool_print_counts() without the drain). */
void tool_print_rows(const struct tool_env *env, struct kv_table *t,
		     const char *const *map_order);

/*
 * Drain count map @map_fd (keys of @key_size bytes, u64 values, per-CPU
 * when @ncpus > 1) into @t through @add_row, cleared when printing per
 * interval, and print it as bpftrace does (with -T: the time first), as
 * a table (-t) or JSON lines (-j), sorted (-s) and cut (-r).
 */
int tool_print_counts(const struct tool_env *env, struct kv_table *t,
		      int map_fd, size_t key_size, int ncpus,
		      void (*add_row)(const void *key, unsigned long long value,
				      void *t),
		      const char *const *map_order);

#endif
