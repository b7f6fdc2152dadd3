// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probe.h"

#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"

const char *attach_kind_name(enum attach_kind kind)
{
	static const char *const names[] = {
		[ATTACH_TRACEPOINT] = "tracepoint",
		[ATTACH_TP_BTF] = "tp_btf",
		[ATTACH_FENTRY] = "fentry",
		[ATTACH_KPROBE] = "kprobe",
		[ATTACH_NONE] = "none",
	};

	return kind <= ATTACH_NONE ? names[kind] : "?";
}

const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		return "this kernel";
	return u.release;
}

static const char *tracefs_dir(void)
{
	if (access(TRACEFS "/events", F_OK) == 0)
		return TRACEFS;
	if (access(DEBUGFS_TRACING "/events", F_OK) == 0)
		return DEBUGFS_TRACING;
	return NULL;
}

const char *tracefs_root(void)
{
	return tracefs_dir();
}

bool probe_tracefs(char *why, size_t len)
{
	if (tracefs_dir())
		return true;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0 && tracefs_dir())
		return true;
	snprintf(why, len, "tracefs is not mounted at " TRACEFS
		 " and mounting it failed (%s): run 'mount -t tracefs nodev "
		 TRACEFS "'", strerror(errno));
	return false;
}

bool probe_tracepoint(const char *category, const char *name, char *why,
		      size_t len)
{
	const char *dir;
	char path[512];

	if (!probe_tracefs(why, len))
		return false;
	dir = tracefs_dir();
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, category, name);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(why, len, "tracepoint %s:%s does not exist on %s", category,
		 name, kernel_release());
	return false;
}

static struct btf *vmlinux_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		/* Its absence is reported in our words, not libbpf's. */
		libbpf_print_fn_t print = libbpf_set_print(NULL);

		tried = true;
		btf = btf__load_vmlinux_btf();
		libbpf_set_print(print);
		if (libbpf_get_error(btf))
			btf = NULL;
	}
	return btf;
}

static bool need_btf(const char *what, char *why, size_t len)
{
	if (vmlinux_btf())
		return true;
	snprintf(why, len, "%s needs kernel BTF (/sys/kernel/btf/vmlinux, "
		 "CONFIG_DEBUG_INFO_BTF), which %s lacks", what, kernel_release());
	return false;
}

/* The member of the running kernel's enum @type whose name (@want) or value (@value) matches. */
static const struct btf_enum *kernel_enum_member(const char *type, const char *want,
						 long long value, const char **name)
{
	const struct btf *btf = vmlinux_btf();
	const struct btf_type *t;
	int id, i;

	id = btf ? btf__find_by_name_kind(btf, type, BTF_KIND_ENUM) : -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0; t && i < btf_vlen(t); i++) {
		const struct btf_enum *e = btf_enum(t) + i;

		*name = btf__name_by_offset(btf, e->name_off);
		if (*name && (want ? !strcmp(*name, want) : e->val == value))
			return e;
	}
	return NULL;
}

const char *kernel_enum_name(const char *type, long long value, const char *prefix,
			     char *buf, size_t len)
{
	const char *name;
	size_t plen = strlen(prefix);

	if (kernel_enum_member(type, NULL, value, &name))
		snprintf(buf, len, "%s", strncmp(name, prefix, plen) ? name : name + plen);
	else
		snprintf(buf, len, "%lld", value);
	return buf;
}

long long kernel_enum_value(const char *type, const char *name)
{
	const struct btf_enum *e = kernel_enum_member(type, name, 0, &name);

	return e ? e->val : 0;
}

int tp_btf_args(const char *name)
{
	const struct btf *btf = vmlinux_btf();
	const struct btf_type *t;
	char tname[128];
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf ? btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF) : -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (t)
		t = btf__type_by_id(btf, t->type);
	if (t && btf_is_ptr(t))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? btf_vlen(t) - 1 : -1;
}

bool probe_kernel_btf(char *why, size_t len)
{
	return need_btf("CO-RE relocation of the BPF programs", why, len);
}

/* netlens.ko's BTF (split from vmlinux's): its own tracepoints are there. */
static struct btf *netlens_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried && vmlinux_btf()) {
		libbpf_print_fn_t print = libbpf_set_print(NULL);

		tried = true;
		btf = btf__parse_split("/sys/kernel/btf/netlens", vmlinux_btf());
		libbpf_set_print(print);
		if (libbpf_get_error(btf))
			btf = NULL;
	}
	return btf;
}

bool probe_tp_btf(const char *name, char *why, size_t len)
{
	char tname[256];

	if (!need_btf("tp_btf", why, len))
		return false;
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	if (btf__find_by_name_kind(vmlinux_btf(), tname, BTF_KIND_TYPEDEF) > 0)
		return true;
	if (netlens_btf() && btf__find_by_name_kind(netlens_btf(), tname, BTF_KIND_TYPEDEF) > 0)
		return true;
	if (access("/sys/module/netlens", F_OK))
		snprintf(why, len, "tp_btf/%s: no such raw tracepoint in the BTF of %s, and netlens.ko, whose events are there, is not loaded",
			 name, kernel_release());
	else
		snprintf(why, len, "tp_btf/%s: no such raw tracepoint in the BTF of %s or of netlens.ko",
			 name, kernel_release());
	return false;
}

bool probe_fentry(const char *func, char *why, size_t len)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id, prog_fd, link_fd;

	if (!need_btf("fentry", why, len))
		return false;
	id = btf__find_by_name_kind(vmlinux_btf(), func, BTF_KIND_FUNC);
	if (id <= 0) {
		snprintf(why, len, "fentry/%s: function not in the BTF of %s",
			 func, kernel_release());
		return false;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = id);
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL",
				insns, 2, &opts);
	if (prog_fd < 0) {
		snprintf(why, len, "fentry/%s: the kernel refuses fentry programs (load: %s)",
			 func, strerror(errno));
		return false;
	}
	link_fd = bpf_raw_tracepoint_open(NULL, prog_fd);
	if (link_fd < 0) {
		snprintf(why, len, "fentry/%s: the kernel refuses fentry programs (attach: %s)",
			 func, strerror(errno));
		close(prog_fd);
		return false;
	}
	close(link_fd);
	close(prog_fd);
	return true;
}

static bool kallsyms_has(const char *func)
{
	char line[512], sym[256], type;
	bool found = false;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &type, sym) == 2 &&
		    (type == 'T' || type == 't') && strcmp(sym, func) == 0)
			found = true;
	}
	fclose(f);
	return found;
}

bool probe_kprobe(const char *func, char *why, size_t len)
{
	const char *dir = tracefs_dir();
	char path[512] = "";

	if (dir)
		snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK) != 0 &&
	    (!dir || access(path, F_OK) != 0)) {
		snprintf(why, len, "kprobes are not supported by %s (CONFIG_KPROBES off)",
			 kernel_release());
		return false;
	}
	if (!kallsyms_has(func)) {
		snprintf(why, len, "kprobe/%s: no such kernel function on %s",
			 func, kernel_release());
		return false;
	}
	return true;
}

static bool has_cap(uint64_t caps, int cap)
{
	return caps & (1ULL << cap);
}

bool probe_privileges(char *why, size_t len)
{
	enum { CAP_SYS_ADMIN_ = 21, CAP_PERFMON_ = 38, CAP_BPF_ = 39 };
	uint64_t caps = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "CapEff: %" SCNx64, &caps) == 1)
				break;
		fclose(f);
	}
	if (has_cap(caps, CAP_SYS_ADMIN_) ||
	    (has_cap(caps, CAP_BPF_) && has_cap(caps, CAP_PERFMON_)))
		return true;
	snprintf(why, len, "needs root privileges to load BPF programs "
		 "(CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON): run it as root");
	return false;
}

void report_bpf_failure(const char *tool, const char *what, int err)
{
	const char *hint;

	if (err < 0)
		err = -err;
	switch (err) {
	case EPERM:
		hint = "the kernel refused the BPF program: it needs root "
		       "(CAP_BPF and CAP_PERFMON) and may be locked down";
		break;
	case ENOENT:
		hint = "a kernel function, tracepoint or BTF type it needs is "
		       "missing on this kernel";
		break;
	case EACCES:
	case EINVAL:
		hint = "the BPF verifier or the kernel rejected the program "
		       "(run with -v for libbpf's log)";
		break;
	case 524: /* ENOTSUPP */
	case EOPNOTSUPP:
		hint = "this program type or helper is not supported by the kernel";
		break;
	case E2BIG:
	case ENOMEM:
		hint = "could not allocate BPF maps (memory limits)";
		break;
	default:
		hint = "see -v for libbpf's log";
		break;
	}
	fprintf(stderr, "%s: failed to %s on %s: %s: %s\n", tool, what,
		kernel_release(), strerror(err), hint);
}

static void append_reason(char *why, size_t len, const char *reason)
{
	size_t used = strlen(why);

	if (used + 1 >= len)
		return;
	snprintf(why + used, len - used, "%s%s", used ? "; " : "", reason);
}

bool attach_forced_out(const char *name, const char *alias)
{
	const char *force = getenv("NETLENS_FORCE_ATTACH");

	return force && *force && strcmp(force, name) && (!alias || strcmp(force, alias));
}

static bool forced_out(enum attach_kind kind, char *why, size_t len)
{
	char reason[128];

	if (!attach_forced_out(attach_kind_name(kind), NULL))
		return false;
	snprintf(reason, sizeof(reason), "%s: skipped (NETLENS_FORCE_ATTACH=%s)",
		 attach_kind_name(kind), getenv("NETLENS_FORCE_ATTACH"));
	append_reason(why, len, reason);
	return true;
}

enum attach_kind probe_best(const struct attach_alts *alts, char *why,
			    size_t len)
{
	char reason[256];

	why[0] = '\0';
	if (alts->tp_category && alts->tp_name &&
	    !forced_out(ATTACH_TRACEPOINT, why, len)) {
		if (probe_tracepoint(alts->tp_category, alts->tp_name, reason,
				     sizeof(reason)))
			return ATTACH_TRACEPOINT;
		append_reason(why, len, reason);
	}
	if (alts->btf_tp && !forced_out(ATTACH_TP_BTF, why, len)) {
		if (probe_tp_btf(alts->btf_tp, reason, sizeof(reason)))
			return ATTACH_TP_BTF;
		append_reason(why, len, reason);
	}
	if (alts->func && !forced_out(ATTACH_FENTRY, why, len)) {
		if (probe_fentry(alts->func, reason, sizeof(reason)))
			return ATTACH_FENTRY;
		append_reason(why, len, reason);
	}
	if (alts->func && !forced_out(ATTACH_KPROBE, why, len)) {
		if (probe_kprobe(alts->func, reason, sizeof(reason)))
			return ATTACH_KPROBE;
		append_reason(why, len, reason);
	}
	return ATTACH_NONE;
}

const char *attach_label(const struct attach_alts *alts, enum attach_kind kind,
			 char *buf, size_t len)
{
	switch (kind) {
	case ATTACH_TRACEPOINT:
		snprintf(buf, len, "tracepoint:%s:%s", alts->tp_category, alts->tp_name);
		break;
	case ATTACH_TP_BTF:
		snprintf(buf, len, "tp_btf:%s", alts->btf_tp);
		break;
	case ATTACH_FENTRY:
	case ATTACH_KPROBE:
		snprintf(buf, len, "%s:%s", attach_kind_name(kind), alts->func);
		break;
	default:
		snprintf(buf, len, "none");
		break;
	}
	return buf;
}

void attach_autoload(enum attach_kind kind,
		     struct bpf_program *const progs[ATTACH_NONE])
{
	int k;

	for (k = 0; k < ATTACH_NONE; k++)
		if (progs[k])
			bpf_program__set_autoload(progs[k], k == (int)kind);
}
