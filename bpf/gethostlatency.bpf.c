// SPDX-License-Identifier: GPL-2.0
/*
 * gethostlatency: host name lookups through libc's getaddrinfo(),
 * gethostbyname() and gethostbyname2(), timed from a uprobe on the entry
 * to a uretprobe on the return (book 10.3, gethostlatency.bt).  Userspace
 * attaches the programs to the libc it resolves (-l).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "gethostlatency.h"

/* -p: this process (TGID) only; 0: every process. */
const volatile __u32 targ_tgid = 0;

struct start {
	__u64 ts;
	const char *host;
	__u32 func;
};

/*
 * Keyed by the thread (pid_tgid): lookups of different threads overlap.
 * LRU: a thread that never returns (killed, cancelled in the lookup)
 * leaves no entry for good.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline int lookup_entry(const char *host, enum gethost_func func)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct start st = {};

	/* getaddrinfo(NULL, service, ...) resolves no host name. */
	if (!host)
		return 0;
	if (targ_tgid && (__u32)(pid_tgid >> 32) != targ_tgid)
		return 0;
	st.ts = bpf_ktime_get_ns();
	st.host = host;
	st.func = func;
	bpf_map_update_elem(&starts, &pid_tgid, &st, BPF_ANY);
	return 0;
}

static __always_inline int lookup_return(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct gethost_event *e;
	struct start *st;

	st = bpf_map_lookup_elem(&starts, &pid_tgid);
	if (!st)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		goto out;
	e->lat_ns = bpf_ktime_get_ns() - st->ts;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->func = st->func;
	e->found = st->func == GETHOST_GETADDRINFO ? (int)ret == 0 : ret != 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/*
	 * Read on return, not on entry: libc has read the name by now, so it
	 * is paged in (a uprobe cannot fault a page in).
	 */
	if (bpf_probe_read_user_str(e->host, sizeof(e->host), st->host) < 0)
		e->host[0] = '\0';
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&starts, &pid_tgid);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(getaddrinfo_entry, const char *node)
{
	return lookup_entry(node, GETHOST_GETADDRINFO);
}

SEC("uprobe")
int BPF_KPROBE(gethostbyname_entry, const char *name)
{
	return lookup_entry(name, GETHOST_GETHOSTBYNAME);
}

SEC("uprobe")
int BPF_KPROBE(gethostbyname2_entry, const char *name)
{
	return lookup_entry(name, GETHOST_GETHOSTBYNAME2);
}

/*
 * One program for the three returns: the entry recorded which function.
 * (BPF_KPROBE and BPF_KRETPROBE: libbpf 1.1 has no BPF_UPROBE; the same
 * pt_regs.)
 */
SEC("uretprobe")
int BPF_KRETPROBE(lookup_exit, long ret)
{
	return lookup_return(ret);
}

char LICENSE[] SEC("license") = "GPL";
