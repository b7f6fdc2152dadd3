/* SPDX-License-Identifier: GPL-2.0 */
/*
 * On-demand hooks on kernel functions that have no tracepoint: a hook set
 * is a table of functions with an entry handler (ftrace, all of the set on
 * one ftrace_ops) or a return handler (kretprobe), which may keep the
 * call's arguments from its entry.  The set is armed
 * while it has users and disarmed with the last one.
 *
 * netlens_hooks_get() arms synchronously, so a tracepoint's regfunc can
 * call it (it runs under tracepoints_mutex, which neither ftrace nor
 * kprobes take): once the consumer's enable returns, every hook fires.
 */
#ifndef _NETLENS_HOOKS_H
#define _NETLENS_HOOKS_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/types.h>

#define NETLENS_HOOKS_MAX	16

/* The function may be missing (inlined, renamed) on some kernels. */
#define NETLENS_HOOK_OPTIONAL	BIT(0)

/* The most calls in flight a return hook follows (struct netlens_hook). */
#define NETLENS_HOOK_MAXACTIVE	65536

/* What a return hook's @save may keep from the entry of a call. */
#define NETLENS_HOOK_DATA	32

struct netlens_hook {
	const char *func;
	/* At entry: @parent_ip is the caller; arguments through @fregs. */
	void (*entry)(unsigned long parent_ip, struct ftrace_regs *fregs);
	/*
	 * At return: @ret is the return value, @ret_ip where it returns to,
	 * @data what @save kept at the call's entry (NULL without @save).
	 */
	void (*exit)(unsigned long ret, unsigned long ret_ip, void *data);
	/*
	 * With @exit, optional: at entry, keep what the return handler needs
	 * (arguments, from @regs) in @data, NETLENS_HOOK_DATA bytes; nonzero
	 * leaves this call's return unreported.  The call must not sleep
	 * long: each call in flight holds a kretprobe instance.
	 */
	int (*save)(struct pt_regs *regs, void *data);
	/*
	 * With @exit, optional: how many calls in flight at once can be
	 * followed, read at each arming (clamped to 1..NETLENS_HOOK_MAXACTIVE;
	 * NULL: the kprobes default, 2 per CPU, at least 10).  Each holds a
	 * kretprobe instance (NETLENS_HOOK_DATA bytes and more) while armed;
	 * a function that sleeps (waiting for data or memory) needs one per
	 * sleeper.  A return beyond it is missed (netlens_hooks_missed()).
	 */
	const unsigned int *maxactive;
	unsigned int flags;
	/*
	 * An earlier hook of the table that makes this one unneeded when it
	 * could be placed (this one stands in for it), or -1.
	 */
	int instead_of;
};

struct netlens_hook_set {
	const char *name;
	const struct netlens_hook *hooks;
	unsigned int nr_hooks;
	/* Before the hooks go in, and after the last handler has returned. */
	int (*prepare)(void);
	void (*release)(void);

	/* Private to netlens_hooks.c. */
	struct mutex lock;
	unsigned int users;
	bool armed;
	bool stopped;
	u64 arm_count;
	unsigned long missing;		/* bit per required hook not hooked */
	unsigned long ips[NETLENS_HOOKS_MAX];	/* learnt at first hit */
	struct ftrace_ops *ops;		/* one per arming: not reusable */
	struct netlens_hook_kretprobe *rps;
	unsigned long rps_registered;	/* bit per hook */
};

void netlens_hooks_init(struct netlens_hook_set *set);
/* A user more: arms the set if it is the first.  0 or -errno. */
int netlens_hooks_get(struct netlens_hook_set *set);
void netlens_hooks_put(struct netlens_hook_set *set);
/* Module exit: disarm for good; later get()s fail, put()s do nothing. */
void netlens_hooks_stop(struct netlens_hook_set *set);

struct netlens_hooks_state {
	bool armed;
	u64 arm_count;
	unsigned long missing;
};

void netlens_hooks_state(struct netlens_hook_set *set,
			 struct netlens_hooks_state *st);

/*
 * Returns of @set's hooks missed since it was armed (more calls in flight
 * than their @maxactive).  Only from a handler of @set, which runs while
 * the set is armed.
 */
unsigned long netlens_hooks_missed(const struct netlens_hook_set *set);

#endif /* _NETLENS_HOOKS_H */
