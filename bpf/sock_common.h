/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the socket tools' BPF programs: the task filters (PID,
 * cgroup, network namespace, user), syscall tracepoint arguments and the
 * socket behind a file descriptor.
 */
#ifndef NETLENS_SOCK_COMMON_H
#define NETLENS_SOCK_COMMON_H

#ifndef S_IFMT
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#endif
#ifndef AF_UNIX
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#endif

#define TASK_COMM_LEN	16

/* Set before load (userspace TOOL_SET_FILTERS()); 0 or false: no filter. */
const volatile __u32 targ_tgid = 0;		/* -p: this process (TGID) */
const volatile bool filter_cgroup = false;	/* --cgroup: cgroup_map[0] */
const volatile __u32 targ_netns = 0;		/* --netns: net namespace inode */
const volatile bool filter_uid = false;		/* -u */
const volatile __u32 targ_uid = 0;
const volatile __u16 targ_family = 0;		/* -4, -6: AF_INET, AF_INET6 */

/* --cgroup: the cgroup (v2) whose tasks, descendants' included, count. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_map SEC(".maps");

/* -4/-6: @family is not the one asked for. */
static __always_inline bool family_filtered(__u16 family)
{
	return targ_family && family != targ_family;
}

/* The current task is not one the filters select. */
static __always_inline bool task_filtered(__u64 pid_tgid)
{
	struct task_struct *task;

	if (targ_tgid && (__u32)(pid_tgid >> 32) != targ_tgid)
		return true;
	if (filter_uid && (__u32)bpf_get_current_uid_gid() != targ_uid)
		return true;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_map, 0) != 1)
		return true;
	if (targ_netns) {
		task = (struct task_struct *)bpf_get_current_task();
		if (BPF_CORE_READ(task, nsproxy, net_ns, ns.inum) != targ_netns)
			return true;
	}
	return false;
}

/*
 * The records of syscalls:sys_enter_* and sys_exit_* (tracefs format
 * files: 8 bytes of common fields, the syscall number, then the arguments
 * or the return value).  Tracepoint formats are ABI; declared here without
 * CO-RE because the verifier refuses relocated variable ctx offsets.
 */
struct syscall_enter_ctx {
	__u64 common;
	long nr;
	unsigned long args[6];
};

struct syscall_exit_ctx {
	__u64 common;
	long nr;
	long ret;
};

/* The sock:sock_{send,recv}_length record (Linux 6.3+). */
struct sock_msg_length_ctx {
	__u64 common;
	void *sk;
	__u16 family;
	__u16 protocol;
	int ret;
	int flags;
};

/* The struct file behind @fd of the current task (bounded reads), or NULL. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *file = NULL;
	struct fdtable *fdt;
	struct file **fds;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

/* The struct socket of @file, or NULL when it is none (its inode is not S_IFSOCK). */
static __always_inline struct socket *file_socket(struct file *file)
{
	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	return (struct socket *)BPF_CORE_READ(file, private_data);
}

/* The struct socket behind @fd of the current task, or NULL (not open, not a socket). */
static __always_inline struct socket *fd_socket(long fd)
{
	return file_socket(fd_file(fd));
}

/*
 * The socket of a connect(2) on @fd that starts an attempt worth timing:
 * an IPv4 or IPv6 socket of a family -4/-6 keeps, not a stream socket
 * already connecting or connected (connect(2) again is how a
 * non-blocking client learns the outcome: no new attempt).  NULL else;
 * its sock into *@skp.
 */
static __always_inline struct socket *connect_attempt_socket(long fd, struct sock **skp)
{
	struct socket *sock = fd_socket(fd);
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	__u16 family;

	if (!sk)
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if ((family != AF_INET && family != AF_INET6) || family_filtered(family))
		return NULL;
	if (BPF_CORE_READ(sock, type) == SOCK_STREAM &&
	    BPF_CORE_READ(sock, state) != SS_UNCONNECTED)
		return NULL;
	*skp = sk;
	return sock;
}

#endif
