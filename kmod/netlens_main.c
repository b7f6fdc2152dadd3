// SPDX-License-Identifier: GPL-2.0
/*
 * netlens: low-overhead networking observability hooks for BPF tools.
 *
 * Registers, in order: the channels' table, the skb tracker
 * and the TCP events (their hooks are armed later, only while their
 * tracepoints have consumers), the kfuncs, the
 * /dev/netlens character device, the "netlens" generic netlink family and
 * the 802.11 scan hooks that multicast on it.
 * Exit and failed init unwind in reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "netlens.h"

static int __init netlens_init(void)
{
	int err;

	err = netlens_channels_init();
	if (err)
		return err;

	err = netlens_skb_init();
	if (err)
		goto err_free_channels;
	netlens_tcp_init();

	/* kfuncs cannot be unregistered: they go with the module's BTF. */
	err = netlens_kfuncs_register();
	if (err) {
		pr_warn("cannot register kfuncs: %d\n", err);
		goto err_stop_hooks;
	}

	err = netlens_chardev_init();
	if (err) {
		pr_warn("cannot register /dev/%s: %d\n", NETLENS_DEVICE_NAME, err);
		goto err_stop_hooks;
	}

	err = netlens_genl_init();
	if (err) {
		pr_warn("cannot register generic netlink family %s: %d\n",
			NETLENS_GENL_NAME, err);
		goto err_unregister_chardev;
	}

	/* Multicasts on the family: after it. */
	err = netlens_wifi_init();
	if (err)
		goto err_unregister_genl;

	return 0;

err_unregister_genl:
	netlens_genl_exit();
err_unregister_chardev:
	netlens_chardev_exit();
err_stop_hooks:
	netlens_tcp_exit();
	netlens_skb_exit();
err_free_channels:
	netlens_channels_exit();
	return err;
}

static void __exit netlens_exit(void)
{
	netlens_wifi_exit();
	netlens_genl_exit();
	netlens_chardev_exit();
	netlens_tcp_exit();
	netlens_skb_exit();
	netlens_channels_exit();
}

module_init(netlens_init);
module_exit(netlens_exit);

MODULE_DESCRIPTION("netlens: low-overhead networking tracepoints, kfuncs and events for BPF tools");
MODULE_AUTHOR("netlens developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(NETLENS_VERSION);
