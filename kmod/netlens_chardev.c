// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/netlens: how results reach userspace.  read() and poll() drain the
 * record rings BPF programs fill (netlens_ring.c); ioctls read and reset
 * the histograms and counters and report what the module is.
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
	if (capable(CAP_SYS_ADMIN))
		return 0;
	if (monitor_gid >= 0 && in_group_p(KGIDT_INIT(monitor_gid)))
		return 0;
	return -EACCES;
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

static long netlens_ioctl_hist_read(void __user *arg)
{
	struct netlens_hist *hist;
	long ret;

	/* Too large for the stack: 64 slots of 8 bytes. */
	hist = kmalloc(sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(hist, arg, sizeof(*hist)))
		goto out_free;
	ret = netlens_hist_read(hist);
	if (ret)
		goto out_free;
	if (copy_to_user(arg, hist, sizeof(*hist)))
		ret = -EFAULT;
out_free:
	kfree(hist);
	return ret;
}

static long netlens_ioctl_hist_reset(void __user *arg)
{
	struct netlens_hist hdr;

	/* Only the header (id, reserved) is read. */
	if (copy_from_user(&hdr, arg, offsetof(struct netlens_hist, total)))
		return -EFAULT;
	if (hdr.reserved)
		return -EINVAL;
	return netlens_hist_reset(hdr.id);
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
	netlens_ring_release(file);
	return 0;
}

static long netlens_ioctl_ring_stats(void __user *arg)
{
	struct netlens_ring_stats st;

	netlens_ring_stats(&st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static ssize_t netlens_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	return netlens_ring_read(file, buf, count);
}

static long netlens_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NETLENS_IOC_INFO:
		return netlens_ioctl_info(uarg);
	case NETLENS_IOC_HIST_READ:
		return netlens_ioctl_hist_read(uarg);
	case NETLENS_IOC_HIST_RESET:
		return netlens_ioctl_hist_reset(uarg);
	case NETLENS_IOC_SELFTEST:
		return netlens_ioctl_selftest(uarg);
	case NETLENS_IOC_SKB_STATS:
		return netlens_ioctl_skb_stats(uarg);
	case NETLENS_IOC_RING_STATS:
		return netlens_ioctl_ring_stats(uarg);
	case NETLENS_IOC_RING_RESET:
		return netlens_ring_reset(file);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations netlens_fops = {
	.owner = THIS_MODULE,
	.open = netlens_open,
	.release = netlens_release,
	.read = netlens_read,
	.poll = netlens_ring_poll,
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
