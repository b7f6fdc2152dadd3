// SPDX-License-Identifier: GPL-2.0
/*
 * Channels: every open file of /dev/netlens owns a set of histograms and,
 * once set up, a record ring per CPU (netlens_ring.c).  BPF programs reach
 * a channel by its handle through the kfuncs, from any context: a handle
 * is a slot of an RCU-protected table plus a generation, so finding the
 * channel is one load and one compare, and a program that outlives its
 * channel finds nothing (counted) rather than a newer channel in the slot.
 * A closed channel is freed after an RCU grace period, when no kfunc can
 * still be using it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "netlens.h"
#include "netlens_compat.h"
#include "netlens_kfuncs.h"

/* Slot bits of a handle; the rest is the generation. */
#define NETLENS_CHANNEL_SLOT_BITS	10
#define NETLENS_CHANNEL_SLOT_MASK	((1U << NETLENS_CHANNEL_SLOT_BITS) - 1)

static unsigned int channels_max = 64;
module_param(channels_max, uint, 0444);
MODULE_PARM_DESC(channels_max,
		 "channels (open files of /dev/netlens) at once, 1 to 1024 (default 64)");

static unsigned int user_channels_max = 16;
module_param(user_channels_max, uint, 0444);
MODULE_PARM_DESC(user_channels_max,
		 "channels one user may hold at once without CAP_SYS_ADMIN (default 16)");

struct netlens_channel {
	u32 handle;
	kuid_t owner;
	struct netlens_hist_cpu __percpu *hists;
	struct netlens_rings *rings;	/* set once, by setup (release) */
	atomic64_t rejected;		/* emits refused */
	struct mutex lock;		/* setup, read(), discard */
	wait_queue_head_t wait;
	struct rcu_work free_work;
};

/* Writers hold netlens_channels_lock; kfuncs read under RCU. */
static struct netlens_channel __rcu **netlens_channel_slots;
static DEFINE_MUTEX(netlens_channels_lock);
static unsigned int netlens_channels_open;
static u32 netlens_channel_generation;
/* What closed channels wrote, so that module-wide totals include them. */
static struct netlens_ring_stats netlens_channels_closed;
static DEFINE_PER_CPU(u64, netlens_no_channel);
static struct workqueue_struct *netlens_channel_wq;

/* Under RCU (a tracing program's context holds it): NULL if closed. */
static notrace struct netlens_channel *netlens_channel_find(u32 handle)
{
	u32 slot = handle & NETLENS_CHANNEL_SLOT_MASK;
	struct netlens_channel *ch;

	if (slot < channels_max) {
		ch = rcu_dereference(netlens_channel_slots[slot]);
		if (ch && ch->handle == handle)
			return ch;
	}
	this_cpu_inc(netlens_no_channel);
	return NULL;
}

/* NULL until setup; then the rings, whole. */
static notrace struct netlens_rings *netlens_channel_rings(struct netlens_channel *ch)
{
	/* Pairs with setup's release. */
	return smp_load_acquire(&ch->rings);
}

netlens_kfunc_start_defs();

__bpf_kfunc int netlens_hist_add(u32 channel, u32 id, u64 value)
{
	struct netlens_channel *ch;
	int err = -ENOENT;

	rcu_read_lock();
	ch = netlens_channel_find(channel);
	if (ch)
		err = netlens_hists_add(ch->hists, id, value);
	rcu_read_unlock();
	return err;
}

__bpf_kfunc int netlens_record_emit(u32 channel, u32 type, const void *data,
				    u32 data__sz)
{
	struct netlens_channel *ch;
	struct netlens_rings *rings;
	int err;

	rcu_read_lock();
	ch = netlens_channel_find(channel);
	if (!ch) {
		rcu_read_unlock();
		return -ENOENT;
	}
	rings = netlens_channel_rings(ch);
	if (!type || type > U16_MAX)
		err = -EINVAL;
	else if (data__sz > NETLENS_RECORD_DATA_MAX)
		err = -E2BIG;
	else if (in_nmi())
		err = -EBUSY;	/* it could interleave with this CPU's writer */
	else if (!rings)
		err = -ENODATA;
	else
		err = netlens_rings_write(rings, type, data, data__sz);
	if (err && err != -ENOSPC)
		atomic64_inc(&ch->rejected);
	rcu_read_unlock();
	return err;
}

netlens_kfunc_end_defs();

static unsigned int netlens_channels_of(kuid_t uid)
{
	struct netlens_channel *ch;
	unsigned int slot, n = 0;

	for (slot = 0; slot < channels_max; slot++) {
		ch = rcu_dereference_protected(netlens_channel_slots[slot],
					       lockdep_is_held(&netlens_channels_lock));
		if (ch && uid_eq(ch->owner, uid))
			n++;
	}
	return n;
}

/* Give @ch a free slot and a handle nobody had: 0 or -ENFILE, -EDQUOT. */
static int netlens_channel_publish(struct netlens_channel *ch)
{
	unsigned int slot;
	int err = 0;

	mutex_lock(&netlens_channels_lock);
	if (netlens_channels_open >= channels_max) {
		err = -ENFILE;
		goto out_unlock;
	}
	if (!capable(CAP_SYS_ADMIN) &&
	    netlens_channels_of(ch->owner) >= user_channels_max) {
		err = -EDQUOT;
		goto out_unlock;
	}
	for (slot = 0; slot < channels_max; slot++)
		if (!rcu_access_pointer(netlens_channel_slots[slot]))
			break;
	if (WARN_ON_ONCE(slot == channels_max)) {
		err = -ENFILE;
		goto out_unlock;
	}
	/* Generation 0 never occurs: no handle is NETLENS_CHANNEL_NONE. */
	netlens_channel_generation++;
	if (!(netlens_channel_generation << NETLENS_CHANNEL_SLOT_BITS))
		netlens_channel_generation = 1;
	ch->handle = netlens_channel_generation << NETLENS_CHANNEL_SLOT_BITS | slot;
	rcu_assign_pointer(netlens_channel_slots[slot], ch);
	netlens_channels_open++;
out_unlock:
	mutex_unlock(&netlens_channels_lock);
	return err;
}

static void netlens_channel_free(struct netlens_channel *ch)
{
	netlens_rings_free(ch->rings);
	netlens_hists_free(ch->hists);
	kfree(ch);
}

static void netlens_channel_free_work(struct work_struct *work)
{
	netlens_channel_free(container_of(to_rcu_work(work),
					  struct netlens_channel, free_work));
}

int netlens_channel_open(struct file *file)
{
	struct netlens_channel *ch;
	int err;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch)
		return -ENOMEM;
	ch->owner = current_euid();
	mutex_init(&ch->lock);
	init_waitqueue_head(&ch->wait);
	INIT_RCU_WORK(&ch->free_work, netlens_channel_free_work);
	ch->hists = netlens_hists_alloc();
	if (!ch->hists) {
		err = -ENOMEM;
		goto err_free;
	}
	err = netlens_channel_publish(ch);
	if (err)
		goto err_free;
	file->private_data = ch;
	return 0;

err_free:
	netlens_channel_free(ch);
	return err;
}

/* Add @ch's counters to @st: its rings' (if any) and its refusals. */
static void netlens_channel_add_stats(struct netlens_channel *ch,
				      struct netlens_ring_stats *st)
{
	struct netlens_rings *rings = netlens_channel_rings(ch);

	if (rings)
		netlens_rings_add_stats(rings, st);
	st->rejected += atomic64_read(&ch->rejected);
}

void netlens_channel_release(struct file *file)
{
	struct netlens_channel *ch = file->private_data;
	u32 slot = ch->handle & NETLENS_CHANNEL_SLOT_MASK;
	struct netlens_ring_stats st = {};

	mutex_lock(&netlens_channels_lock);
	RCU_INIT_POINTER(netlens_channel_slots[slot], NULL);
	netlens_channels_open--;
	/*
	 * Writes still in flight are lost with the channel, as unread ones;
	 * its unread records are gone, not unread: unread_bytes stays 0.
	 */
	netlens_channel_add_stats(ch, &st);
	netlens_channels_closed.records += st.records;
	netlens_channels_closed.bytes += st.bytes;
	netlens_channels_closed.lost += st.lost;
	netlens_channels_closed.rejected += st.rejected;
	mutex_unlock(&netlens_channels_lock);
	/* kfuncs find it until the grace period ends: free it after that. */
	queue_rcu_work(netlens_channel_wq, &ch->free_work);
}

static int netlens_channel_setup(struct netlens_channel *ch,
				 void __user *arg)
{
	struct netlens_channel_setup setup;
	struct netlens_rings *rings;
	int err;

	if (copy_from_user(&setup, arg, sizeof(setup)))
		return -EFAULT;
	if (setup.flags || setup.reserved)
		return -EINVAL;
	if (mutex_lock_interruptible(&ch->lock))
		return -ERESTARTSYS;
	err = -EBUSY;
	if (ch->rings)
		goto out_unlock;
	rings = netlens_rings_alloc(&setup, &ch->wait, &err);
	if (!rings)
		goto out_unlock;
	/* Pairs with the kfunc's acquire: writers see whole rings. */
	smp_store_release(&ch->rings, rings);
	err = 0;
out_unlock:
	mutex_unlock(&ch->lock);
	return err;
}

static int netlens_channel_info(struct netlens_channel *ch, void __user *arg)
{
	struct netlens_channel_info info = { .handle = ch->handle };
	struct netlens_rings *rings = netlens_channel_rings(ch);
	struct netlens_ring_stats st = {};

	if (rings)
		netlens_rings_describe(rings, &info);
	netlens_channel_add_stats(ch, &st);
	info.records = st.records;
	info.lost = st.lost;
	info.unread_bytes = st.unread_bytes;
	info.rejected = st.rejected;
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int netlens_channel_hist_read(struct netlens_channel *ch,
				     void __user *arg)
{
	struct netlens_hist *hist;
	int ret;

	/* Too large for the stack: 64 slots of 8 bytes. */
	hist = kmalloc(sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(hist, arg, sizeof(*hist)))
		goto out_free;
	ret = netlens_hists_read(ch->hists, hist);
	if (!ret && copy_to_user(arg, hist, sizeof(*hist)))
		ret = -EFAULT;
out_free:
	kfree(hist);
	return ret;
}

static int netlens_channel_hist_reset(struct netlens_channel *ch,
				      void __user *arg)
{
	struct netlens_hist hdr;

	/* Only the header (id, reserved) is read. */
	if (copy_from_user(&hdr, arg, offsetof(struct netlens_hist, total)))
		return -EFAULT;
	if (hdr.reserved)
		return -EINVAL;
	return netlens_hists_reset(ch->hists, hdr.id);
}

static int netlens_channel_discard(struct netlens_channel *ch)
{
	if (mutex_lock_interruptible(&ch->lock))
		return -ERESTARTSYS;
	if (ch->rings)
		netlens_rings_discard(ch->rings);
	mutex_unlock(&ch->lock);
	return 0;
}

/* The channel's own ioctls; -ENOTTY for the rest. */
long netlens_channel_ioctl(struct file *file, unsigned int cmd,
			   void __user *arg)
{
	struct netlens_channel *ch = file->private_data;

	switch (cmd) {
	case NETLENS_IOC_HIST_READ:
		return netlens_channel_hist_read(ch, arg);
	case NETLENS_IOC_HIST_RESET:
		return netlens_channel_hist_reset(ch, arg);
	case NETLENS_IOC_RING_RESET:
		return netlens_channel_discard(ch);
	case NETLENS_IOC_CHANNEL_SETUP:
		return netlens_channel_setup(ch, arg);
	case NETLENS_IOC_CHANNEL_INFO:
		return netlens_channel_info(ch, arg);
	default:
		return -ENOTTY;
	}
}

ssize_t netlens_channel_read(struct file *file, char __user *buf,
			     size_t count)
{
	struct netlens_channel *ch = file->private_data;
	struct netlens_rings *rings = netlens_channel_rings(ch);
	ssize_t ret;

	if (!rings)
		return -ENODATA;
	if (count < sizeof(struct netlens_record))
		return -EINVAL;
	for (;;) {
		if (mutex_lock_interruptible(&ch->lock))
			return -ERESTARTSYS;
		ret = netlens_rings_read(rings, buf, count);
		mutex_unlock(&ch->lock);
		if (ret)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ch->wait,
					     netlens_rings_readable(rings)))
			return -ERESTARTSYS;
	}
}

__poll_t netlens_channel_poll(struct file *file, poll_table *wait)
{
	struct netlens_channel *ch = file->private_data;
	struct netlens_rings *rings = netlens_channel_rings(ch);

	if (!rings)
		return EPOLLERR;
	poll_wait(file, &ch->wait, wait);
	return netlens_rings_readable(rings) ? EPOLLIN | EPOLLRDNORM : 0;
}

int netlens_channel_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct netlens_channel *ch = file->private_data;
	struct netlens_rings *rings = netlens_channel_rings(ch);

	if (!rings)
		return -ENODATA;
	return netlens_rings_mmap(rings, vma);
}

void netlens_channels_stats(struct netlens_ring_stats *st)
{
	struct netlens_channel *ch;
	unsigned int slot;
	int cpu;

	mutex_lock(&netlens_channels_lock);
	*st = netlens_channels_closed;
	st->channels = netlens_channels_open;
	st->ring_bytes = netlens_rings_default_bytes();
	for (slot = 0; slot < channels_max; slot++) {
		ch = rcu_dereference_protected(netlens_channel_slots[slot],
					       lockdep_is_held(&netlens_channels_lock));
		if (ch)
			netlens_channel_add_stats(ch, st);
	}
	mutex_unlock(&netlens_channels_lock);
	for_each_possible_cpu(cpu)
		st->no_channel += per_cpu(netlens_no_channel, cpu);
}

int netlens_channels_init(void)
{
	int err;

	if (channels_max < 1 || channels_max > NETLENS_CHANNEL_SLOT_MASK + 1) {
		pr_warn("channels_max=%u: must be from 1 to %u\n",
			channels_max, NETLENS_CHANNEL_SLOT_MASK + 1);
		return -EINVAL;
	}
	err = netlens_rings_check_params();
	if (err)
		return err;
	netlens_channel_slots = kcalloc(channels_max,
					sizeof(*netlens_channel_slots),
					GFP_KERNEL);
	if (!netlens_channel_slots)
		return -ENOMEM;
	netlens_channel_wq = alloc_workqueue("netlens_channel", 0, 0);
	if (!netlens_channel_wq) {
		kfree(netlens_channel_slots);
		return -ENOMEM;
	}
	return 0;
}

void netlens_channels_exit(void)
{
	/*
	 * Every file is closed (each pins the module); wait for the frees
	 * they queued: the grace periods, then the work.
	 */
	rcu_barrier();
	destroy_workqueue(netlens_channel_wq);
	kfree(netlens_channel_slots);
}
