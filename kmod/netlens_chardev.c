// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/netlens: how results reach userspace.  Each open file is a channel
 * (netlens_channel.c) whose histograms and record rings BPF programs fill;
 * read(), poll() and mmap() drain the rings, ioctls read and reset the
 * histograms, read the module's counters and report what it is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "netlens.h"
#include "netlens-events.h"

static int monitor_gid = -1;
module_param(monitor_gid, int, 0444);
MODULE_PARM_DESC(monitor_gid,
		 "group whose members may use /dev/netlens without CAP_SYS_ADMIN (default -1: root only)");

/*
 * devtmpfs creates the node root:root, so with a monitoring group the node
 * is 0666 and this check is the access control.
 */
static int netlens_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN) &&
	    !(monitor_gid >= 0 && in_group_p(KGIDT_INIT(monitor_gid))))
		return -EACCES;
	/* Each open file is a channel of its own. */
	return netlens_channel_open(file);
}

static long netlens_ioctl_info(void __user *arg)
{
	struct netlens_info info = {
		.abi = NETLENS_ABI_VERSION,
		.hist_count = NETLENS_HIST_COUNT,
	};

	strscpy(info.version, NETLENS_VERSION, sizeof(info.version));
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long netlens_ioctl_selftest(void __user *arg)
{
	struct netlens_selftest st;

	if (copy_from_user(&st, arg, sizeof(st)))
		return -EFAULT;
	if (st.flags || st.reserved)
		return -EINVAL;
	trace_selftest(st.value, task_tgid_nr(current));
	return 0;
}

static long netlens_ioctl_skb_stats(void __user *arg)
{
	struct netlens_skb_stats st;

	netlens_skb_stats(&st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static int netlens_release(struct inode *inode, struct file *file)
{
	netlens_channel_release(file);
	return 0;
}

static long netlens_ioctl_ring_stats(void __user *arg)
{
	struct netlens_ring_stats st;

	netlens_channels_stats(&st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static ssize_t netlens_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	return netlens_channel_read(file, buf, count);
}

static __poll_t netlens_poll(struct file *file, poll_table *wait)
{
	return netlens_channel_poll(file, wait);
}

static int netlens_mmap(struct file *file, struct vm_area_struct *vma)
{
	return netlens_channel_mmap(file, vma);
}

static long netlens_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NETLENS_IOC_INFO:
		return netlens_ioctl_info(uarg);
	case NETLENS_IOC_SELFTEST:
		return netlens_ioctl_selftest(uarg);
	case NETLENS_IOC_SKB_STATS:
		return netlens_ioctl_skb_stats(uarg);
	case NETLENS_IOC_RING_STATS:
		return netlens_ioctl_ring_stats(uarg);
	default:
		/* The rest are about this file's channel. */
		return netlens_channel_ioctl(file, cmd, uarg);
	}
}

static const struct file_operations netlens_fops = {
	.owner = THIS_MODULE,
	.open = netlens_open,
	.release = netlens_release,
	.read = netlens_read,
	.poll = netlens_poll,
	.mmap = netlens_mmap,
	.unlocked_ioctl = netlens_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice netlens_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = NETLENS_DEVICE_NAME,
	.fops = &netlens_fops,
	.mode = 0600,
};

int netlens_chardev_init(void)
{
	if (monitor_gid >= 0)
		netlens_miscdev.mode = 0666;
	return misc_register(&netlens_miscdev);
}

void netlens_chardev_exit(void)
{
	misc_deregister(&netlens_miscdev);
}
