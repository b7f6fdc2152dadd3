/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-time feature probing shared by the tools: tracefs, classic
 * tracepoints, tp_btf, fentry and kprobes, and turning load/attach
 * failures into messages that name the missing facility.
 *
 * Every probe_*() returns true when the facility is usable and otherwise
 * writes the reason (e.g. "tracepoint sock:sock_send_length does not exist
 * on 6.1.0-56-amd64") into @why.
 */
#ifndef NETLENS_PROBE_H
#define NETLENS_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* The attach methods, in the order the tools prefer them. */
enum attach_kind {
	ATTACH_TRACEPOINT,
	ATTACH_TP_BTF,
	ATTACH_FENTRY,
	ATTACH_KPROBE,
	ATTACH_NONE,
};

/* "tracepoint", "tp_btf", "fentry", "kprobe", "none". */
const char *attach_kind_name(enum attach_kind kind);

/*
 * tracefs mounted at /sys/kernel/tracing (or the debugfs copy)?  Mounts it
 * when it is not (root only).  Classic tracepoints and tp_btf need it.
 */
bool probe_tracefs(char *why, size_t len);

/* Where tracefs is (after probe_tracefs()); NULL when it is not mounted. */
const char *tracefs_root(void);

/*
 * Kernel BTF, which CO-RE relocations need whatever the attach type: says
 * what is missing instead of libbpf's "No such process" at load.
 */
bool probe_kernel_btf(char *why, size_t len);

/* Classic tracepoint @category:@name (tracefs events/.../id). */
bool probe_tracepoint(const char *category, const char *name, char *why,
		      size_t len);

/* tp_btf/@name: the kernel's BTF has btf_trace_@name (and tracefs is up). */
bool probe_tp_btf(const char *name, char *why, size_t len);

/*
 * fentry on kernel function @func: it must be in vmlinux BTF, and the
 * kernel must accept and attach a trivial fentry program (some kernels
 * refuse fentry with EPERM).
 */
bool probe_fentry(const char *func, char *why, size_t len);

/* kprobe on @func: kprobe support (CONFIG_KPROBES) and the symbol. */
bool probe_kprobe(const char *func, char *why, size_t len);

/*
 * The name of @value in the running kernel's enum @type (its BTF), less
 * @prefix ("SKB_DROP_REASON_"): enums change between kernels.  Into @buf,
 * returned; the number as text when the kernel has no such name.
 */
const char *kernel_enum_name(const char *type, long long value, const char *prefix,
			     char *buf, size_t len);

/* The value of @name in the running kernel's enum @type; 0 when it has none. */
long long kernel_enum_value(const char *type, const char *name);

/*
 * The arguments of raw tracepoint @name in the running kernel (its
 * btf_trace_NAME's, less the context); -1 when unknown.  Tracepoints
 * gain arguments between kernels (kfree_skb's rx_sk in 6.11).
 */
int tp_btf_args(const char *name);

/* The running kernel's release, for messages. */
const char *kernel_release(void);

/*
 * Privileges to load tracing programs: root, CAP_SYS_ADMIN, or CAP_BPF
 * with CAP_PERFMON.  On false, @why says what is missing.
 */
bool probe_privileges(char *why, size_t len);

/*
 * A message for a failed libbpf step (@what: "load", "attach ...") with
 * error @err (negative errno) that names the likely missing facility.
 */
void report_bpf_failure(const char *tool, const char *what, int err);

/*
 * Alternatives for one event, best first: a classic tracepoint, tp_btf on
 * a raw tracepoint, then fentry and kprobe on a kernel function (any of
 * them NULL when not applicable).
 */
struct attach_alts {
	const char *tp_category;
	const char *tp_name;
	const char *btf_tp;
	const char *func;
};

/*
 * The first usable alternative, or ATTACH_NONE.  @why gets the reasons
 * the better ones were passed over, "; "-separated ("" when the first
 * one was taken).
 */
enum attach_kind probe_best(const struct attach_alts *alts, char *why,
			    size_t len);

/*
 * How @kind of @alts is named in output: "tracepoint:CAT:NAME",
 * "tp_btf:NAME", "fentry:FUNC", "kprobe:FUNC"; into @buf, returned.
 */
const char *attach_label(const struct attach_alts *alts, enum attach_kind kind,
			 char *buf, size_t len);

/*
 * Tests set NETLENS_FORCE_ATTACH=tracepoint|tp_btf|fentry|kprobe to make
 * the tools take that alternative only, so that every fallback runs on
 * some kernel (a tool may name more, as tcptop's "netlens").  Not for
 * users: it is not in any --help.  True when it is set to something
 * other than @name or @alias (NULL: none).
 */
bool attach_forced_out(const char *name, const char *alias);

struct bpf_program;

/*
 * Load only the program for @kind: @progs holds one program (or NULL) per
 * attach kind, indexed by enum attach_kind.
 */
void attach_autoload(enum attach_kind kind,
		     struct bpf_program *const progs[ATTACH_NONE]);

/*
 * The programs one socket message event has in skeleton @progs (e.g.
 * skel->progs), as bpf/sock_msg.bpf.h's SOCK_LENGTH_PROGS(@event) and
 * SOCK_FUNC_PROGS(@func_name) name them, for attach_autoload().  The
 * _FUNC variant: an event with only the fentry and kprobe programs.
 */
#define SOCK_MSG_PROGS(progs, event, func_name)				\
	((struct bpf_program *[]){ (progs).tp_##event, (progs).btf_##event,	\
				   (progs).fentry_##func_name,		\
				   (progs).kprobe_##func_name })
#define SOCK_MSG_FUNC_PROGS(progs, func_name)					\
	((struct bpf_program *[]){ NULL, NULL, (progs).fentry_##func_name,	\
				   (progs).kprobe_##func_name })

#endif
