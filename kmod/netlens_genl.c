// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "netlens", laid out as the kernel's YNL-generated
 * families: one policy per command, split ops, a multicast group that
 * carries 802.11 scan events to subscribers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "netlens.h"
#include "netlens_compat.h"

enum netlens_mcgrp {
	NETLENS_MCGRP_SCAN,
};

static const struct genl_multicast_group netlens_mcgrps[] = {
	[NETLENS_MCGRP_SCAN] = { .name = NETLENS_GENL_MCGRP_SCAN, },
};

static struct genl_family netlens_genl_family;

/*
 * GET_INFO requests carry no attributes: those of the info set are
 * reply-only, anything else is unknown.  The core's implicit reject-all
 * policy is not applied to split ops on every kernel, hence explicit.
 */
static const struct nla_policy netlens_get_info_nl_policy[NETLENS_A_INFO_MAX + 1] = {
	[NETLENS_A_INFO_VERSION] = { .type = NLA_REJECT },
	[NETLENS_A_INFO_ABI] = { .type = NLA_REJECT },
	[NETLENS_A_INFO_LISTENERS] = { .type = NLA_REJECT },
};

static int netlens_nl_get_info_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &netlens_genl_family, 0,
				NETLENS_CMD_GET_INFO);
	if (!hdr)
		goto err_free;

	if (nla_put_string(msg, NETLENS_A_INFO_VERSION, NETLENS_VERSION) ||
	    nla_put_u32(msg, NETLENS_A_INFO_ABI, NETLENS_ABI_VERSION) ||
	    nla_put_u32(msg, NETLENS_A_INFO_LISTENERS,
			genl_has_listeners(&netlens_genl_family,
					   genl_info_net(info),
					   NETLENS_MCGRP_SCAN)))
		goto err_cancel;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_cancel:
	genlmsg_cancel(msg, hdr);
err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- 802.11 scan ----------------------------------------------------------- */

static const struct nla_policy netlens_scan_set_config_nl_policy[NETLENS_A_CONFIG_MAX + 1] = {
	[NETLENS_A_CONFIG_CHANNEL_EVENTS] = NLA_POLICY_MAX(NLA_U8, 1),
};

static int netlens_nl_scan_set_config_doit(struct sk_buff *skb,
					   struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, NETLENS_A_CONFIG_CHANNEL_EVENTS)) {
		NL_SET_ERR_MSG(info->extack, "channel-events attribute required");
		return -EINVAL;
	}
	netlens_wifi_set_channel_events(nla_get_u8(info->attrs[NETLENS_A_CONFIG_CHANNEL_EVENTS]));
	return 0;
}

bool netlens_genl_scan_has_listeners(struct net *net)
{
	return genl_has_listeners(&netlens_genl_family, net, NETLENS_MCGRP_SCAN);
}

struct sk_buff *netlens_genl_scan_msg_new(u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &netlens_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void netlens_genl_scan_multicast(struct net *net, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	/* -ESRCH: the last listener left meanwhile. */
	genlmsg_multicast_netns(&netlens_genl_family, net, msg, 0,
				NETLENS_MCGRP_SCAN, GFP_ATOMIC);
}

static const struct netlens_genl_op netlens_nl_ops[] = {
	{
		.cmd = NETLENS_CMD_GET_INFO,
		.doit = netlens_nl_get_info_doit,
		.policy = netlens_get_info_nl_policy,
		.maxattr = NETLENS_A_INFO_MAX,
		.flags = NETLENS_GENL_CAP_DO,
	},
	{
		.cmd = NETLENS_CMD_SCAN_SET_CONFIG,
		.doit = netlens_nl_scan_set_config_doit,
		.policy = netlens_scan_set_config_nl_policy,
		.maxattr = NETLENS_A_CONFIG_MAX,
		.flags = GENL_ADMIN_PERM | NETLENS_GENL_CAP_DO,
	},
};

static struct genl_family netlens_genl_family __ro_after_init = {
	.name = NETLENS_GENL_NAME,
	.version = NETLENS_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	NETLENS_GENL_FAMILY_OPS(netlens_nl_ops),
	.mcgrps = netlens_mcgrps,
	.n_mcgrps = ARRAY_SIZE(netlens_mcgrps),
};

int netlens_genl_init(void)
{
	return genl_register_family(&netlens_genl_family);
}

void netlens_genl_exit(void)
{
	genl_unregister_family(&netlens_genl_family);
}
