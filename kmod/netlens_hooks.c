// SPDX-License-Identifier: GPL-2.0
/*
 * On-demand function hooks shared by every part of netlens that needs a
 * hook the kernel lacks (see netlens_hooks.h).
 *
 * Entry handlers of a set share one ftrace_ops.  Unlike kprobes, which drop
 * a hit while another kprobe handler runs on the CPU (a softirq doing NAPI
 * work inside a process-context handler), ftrace lets task, softirq, irq
 * and NMI contexts nest: no hit is lost.  The callback learns which hook an
 * address is by its symbol name at first sight, then compares addresses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "netlens_compat.h"
#include "netlens_hooks.h"

struct netlens_hook_kretprobe {
	struct kretprobe rp;
	const struct netlens_hook *hook;
};

/* Cold: the first hit of each hooked function, by name. */
static noinline unsigned int netlens_hooks_learn(struct netlens_hook_set *set,
						 unsigned long ip)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned int i;

	sprint_symbol_no_offset(name, ip);
	strreplace(name, ' ', '\0');	/* "name [module]" */
	for (i = 0; i < set->nr_hooks; i++) {
		if (set->hooks[i].entry && !strcmp(name, set->hooks[i].func)) {
			WRITE_ONCE(set->ips[i], ip);
			return i;
		}
	}
	return set->nr_hooks;
}

static void notrace netlens_hooks_ftrace(unsigned long ip, unsigned long parent_ip,
					 struct ftrace_ops *op,
					 struct ftrace_regs *fregs)
{
	struct netlens_hook_set *set = op->private;
	unsigned int i;

	for (i = 0; i < set->nr_hooks; i++)
		if (READ_ONCE(set->ips[i]) == ip)
			goto found;
	i = netlens_hooks_learn(set, ip);
	if (i >= set->nr_hooks)
		return;
found:
	set->hooks[i].entry(parent_ip, fregs);
}

static struct netlens_hook_kretprobe *netlens_hooks_instance_of(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct netlens_hook_kretprobe, rp);
}

static int netlens_hooks_kretprobe_entry(struct kretprobe_instance *ri,
					 struct pt_regs *regs)
{
	return netlens_hooks_instance_of(ri)->hook->save(regs, ri->data);
}

static int netlens_hooks_kretprobe(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	const struct netlens_hook *hook = netlens_hooks_instance_of(ri)->hook;

	hook->exit(regs_return_value(regs), get_kretprobe_retaddr(ri),
		   hook->save ? ri->data : NULL);
	return 0;
}

static int netlens_hooks_place(struct netlens_hook_set *set, unsigned int i)
{
	const struct netlens_hook *hook = &set->hooks[i];
	struct netlens_hook_kretprobe *k = &set->rps[i];
	char name[KSYM_NAME_LEN];
	int err;

	if (hook->entry) {
		strscpy(name, hook->func, sizeof(name));
		return ftrace_set_filter(set->ops, name, strlen(name), 0);
	}
	k->hook = hook;
	k->rp.kp.symbol_name = hook->func;
	k->rp.handler = netlens_hooks_kretprobe;
	if (hook->maxactive)
		k->rp.maxactive = clamp(READ_ONCE(*hook->maxactive), 1U, NETLENS_HOOK_MAXACTIVE);
	if (hook->save) {
		k->rp.entry_handler = netlens_hooks_kretprobe_entry;
		k->rp.data_size = NETLENS_HOOK_DATA;
	}
	err = register_kretprobe(&k->rp);
	if (!err)
		set->rps_registered |= BIT(i);
	return err;
}

/*
 * The entry (@entries) or return hooks of @set; stand-ins only where what
 * they stand in for is not hooked.  Returns @hooked with a bit more per
 * hook placed.
 */
static unsigned long netlens_hooks_place_all(struct netlens_hook_set *set,
					     bool entries, unsigned long hooked)
{
	unsigned int i;
	int err;

	for (i = 0; i < set->nr_hooks; i++) {
		const struct netlens_hook *hook = &set->hooks[i];

		if (!hook->entry == entries)
			continue;
		if (hook->instead_of >= 0 && (hooked & BIT(hook->instead_of)))
			continue;
		err = netlens_hooks_place(set, i);
		if (!err) {
			hooked |= BIT(i);
			continue;
		}
		if (hook->flags & NETLENS_HOOK_OPTIONAL)
			continue;
		set->missing |= BIT(i);
		pr_warn("%s: cannot hook %s (%d): what passes through it is not seen\n",
			set->name, hook->func, err);
	}
	return hooked;
}

static void netlens_hooks_disarm(struct netlens_hook_set *set)
{
	unsigned int i;

	for (i = 0; i < set->nr_hooks; i++)
		if (set->rps_registered & BIT(i))
			unregister_kretprobe(&set->rps[i].rp);
	set->rps_registered = 0;
	if (set->ops) {
		/* Returns once no callback runs any more (the ops is dynamic). */
		if (set->ops->flags & FTRACE_OPS_FL_ENABLED)
			unregister_ftrace_function(set->ops);
		ftrace_free_filter(set->ops);
		kfree(set->ops);
		set->ops = NULL;
	}
	kfree(set->rps);
	set->rps = NULL;
	if (set->release)
		set->release();
	set->armed = false;
}

static int netlens_hooks_arm(struct netlens_hook_set *set)
{
	unsigned long hooked;
	int err;

	if (WARN_ON_ONCE(set->nr_hooks > NETLENS_HOOKS_MAX))
		return -EINVAL;
	err = set->prepare ? set->prepare() : 0;
	if (err)
		return err;
	set->ops = kzalloc(sizeof(*set->ops), GFP_KERNEL);
	set->rps = kcalloc(set->nr_hooks, sizeof(*set->rps), GFP_KERNEL);
	if (!set->ops || !set->rps) {
		err = -ENOMEM;
		goto err_disarm;
	}
	set->ops->func = netlens_hooks_ftrace;
	set->ops->private = set;
	memset(set->ips, 0, sizeof(set->ips));
	set->missing = 0;

	/* Entry hooks first, all in one ftrace_ops, then return hooks. */
	hooked = netlens_hooks_place_all(set, true, 0);
	/* An ftrace_ops with an empty filter would trace every function. */
	if (hooked) {
		err = register_ftrace_function(set->ops);
		if (err)
			goto err_disarm;
	}
	hooked = netlens_hooks_place_all(set, false, hooked);
	if (!hooked) {
		err = -ENOENT;
		goto err_disarm;
	}
	set->armed = true;
	set->arm_count++;
	return 0;

err_disarm:
	pr_warn("%s: cannot arm the hooks: %d\n", set->name, err);
	netlens_hooks_disarm(set);
	return err;
}

void netlens_hooks_init(struct netlens_hook_set *set)
{
	mutex_init(&set->lock);
}

int netlens_hooks_get(struct netlens_hook_set *set)
{
	int err = 0;

	mutex_lock(&set->lock);
	if (set->stopped)
		err = -ENODEV;
	else if (!set->users)
		err = netlens_hooks_arm(set);
	if (!err)
		set->users++;
	mutex_unlock(&set->lock);
	return err;
}

void netlens_hooks_put(struct netlens_hook_set *set)
{
	mutex_lock(&set->lock);
	if (!set->stopped && !WARN_ON_ONCE(!set->users) && !--set->users)
		netlens_hooks_disarm(set);
	mutex_unlock(&set->lock);
}

void netlens_hooks_stop(struct netlens_hook_set *set)
{
	mutex_lock(&set->lock);
	if (set->armed)
		netlens_hooks_disarm(set);
	set->stopped = true;
	mutex_unlock(&set->lock);
}

void netlens_hooks_state(struct netlens_hook_set *set,
			 struct netlens_hooks_state *st)
{
	mutex_lock(&set->lock);
	st->armed = set->armed;
	st->arm_count = set->arm_count;
	st->missing = set->missing;
	mutex_unlock(&set->lock);
}

unsigned long netlens_hooks_missed(const struct netlens_hook_set *set)
{
	struct netlens_hook_kretprobe *rps = READ_ONCE(set->rps);
	unsigned long missed = 0;
	unsigned int i;

	/*
	 * No instance free, or the entry kprobe hit inside another kprobe's
	 * handler.  Zeroed until registered: every hook's counts can be read.
	 */
	for (i = 0; rps && i < set->nr_hooks; i++)
		missed += READ_ONCE(rps[i].rp.nmissed) + READ_ONCE(rps[i].rp.kp.nmissed);
	return missed;
}
