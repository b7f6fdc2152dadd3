// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "netlens_genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int genl_family_connect(const char *name, struct nl_sock **skp)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	*skp = NULL;
	if (!sk)
		return -NLE_NOMEM;
	ret = genl_connect(sk);
	if (!ret) {
		ret = genl_ctrl_resolve(sk, name);
		if (ret < 0)
			ret = -NLE_OBJ_NOTFOUND;
	}
	if (ret < 0) {
		nl_socket_free(sk);
		return ret;
	}
	*skp = sk;
	return ret;
}

int netlens_genl_open(struct netlens_genl *g, char *err, size_t errlen)
{
	int one = 1, ret;

	memset(g, 0, sizeof(*g));
	g->sk = nl_socket_alloc();
	if (!g->sk) {
		snprintf(err, errlen, "cannot allocate a netlink socket");
		return -ENOMEM;
	}
	ret = genl_connect(g->sk);
	if (ret) {
		snprintf(err, errlen, "cannot connect to generic netlink: %s",
			 nl_geterror(ret));
		ret = -ENOLINK;
		goto err_free;
	}
	/* Ask for the kernel's error strings; older kernels ignore it. */
	setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));

	g->family = genl_ctrl_resolve(g->sk, NETLENS_GENL_NAME);
	if (g->family < 0) {
		snprintf(err, errlen, "generic netlink family '%s' not found: is netlens.ko loaded? (modprobe netlens)",
			 NETLENS_GENL_NAME);
		ret = -ENOENT;
		goto err_free;
	}
	g->scan_group = genl_ctrl_resolve_grp(g->sk, NETLENS_GENL_NAME,
					      NETLENS_GENL_MCGRP_SCAN);
	if (g->scan_group < 0) {
		snprintf(err, errlen, "family '%s' has no multicast group '%s': netlens.ko too old?",
			 NETLENS_GENL_NAME, NETLENS_GENL_MCGRP_SCAN);
		ret = -ENOENT;
		goto err_free;
	}
	return 0;

err_free:
	nl_socket_free(g->sk);
	g->sk = NULL;
	return ret;
}

void netlens_genl_close(struct netlens_genl *g)
{
	nl_socket_free(g->sk);
	g->sk = NULL;
}

struct request_state {
	int done;
	int error;
	char *ack;
	size_t acklen;
	int (*parse)(struct nl_msg *reply, void *arg);
	void *arg;
};

/* The kernel's extended-ack string, as iw's error_handler reads it. */
static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *nlerr, void *arg)
{
	struct request_state *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)nlerr - 1;
	int len = nlh->nlmsg_len;
	struct nlattr *attrs, *tb[NLMSGERR_ATTR_MAX + 1];
	int ack_len = sizeof(*nlh) + sizeof(int) + sizeof(*nlh);

	st->error = nlerr->error;
	st->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += nlerr->msg.nlmsg_len - sizeof(*nlh);
	if (len <= ack_len)
		return NL_STOP;
	attrs = (void *)((unsigned char *)nlh + ack_len);
	len -= ack_len;
	nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL);
	if (tb[NLMSGERR_ATTR_MSG] && st->ack)
		snprintf(st->ack, st->acklen, "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct request_state *st = arg;

	st->done = 1;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct request_state *st = arg;

	return st->parse ? st->parse(msg, st->arg) : NL_OK;
}

int netlens_genl_request(struct netlens_genl *g, uint8_t cmd, struct nl_msg *msg,
			 int (*parse)(struct nl_msg *reply, void *arg), void *arg,
			 char *ack, size_t acklen)
{
	struct request_state st = {
		.ack = ack, .acklen = acklen, .parse = parse, .arg = arg,
	};
	struct nl_msg *own = NULL;
	struct nl_cb *cb;
	int ret;

	if (ack && acklen)
		ack[0] = '\0';
	if (!msg) {
		own = msg = nlmsg_alloc();
		if (!msg)
			return -ENOMEM;
		if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
				 NLM_F_REQUEST, cmd, NETLENS_GENL_VERSION)) {
			nlmsg_free(own);
			return -EMSGSIZE;
		}
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(own);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &st);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &st);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(g->sk, msg);
	if (ret < 0) {
		ret = -EIO;
		goto out;
	}
	ret = 0;
	while (!st.done && ret >= 0)
		ret = nl_recvmsgs(g->sk, cb);
	/* libnl turns a kernel error into its own code: report the kernel's. */
	ret = st.done ? st.error : -EIO;
out:
	nl_cb_put(cb);
	nlmsg_free(own);
	return ret;
}

static int parse_info(struct nl_msg *reply, void *arg)
{
	struct netlens_genl_info *info = arg;
	struct nlattr *tb[NETLENS_A_INFO_MAX + 1];
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(reply));

	if (nla_parse(tb, NETLENS_A_INFO_MAX, genlmsg_attrdata(gnlh, 0),
		      genlmsg_attrlen(gnlh, 0), NULL))
		return NL_SKIP;
	info->family_version = gnlh->version;
	if (tb[NETLENS_A_INFO_VERSION])
		snprintf(info->version, sizeof(info->version), "%s",
			 nla_get_string(tb[NETLENS_A_INFO_VERSION]));
	if (tb[NETLENS_A_INFO_ABI])
		info->abi = nla_get_u32(tb[NETLENS_A_INFO_ABI]);
	if (tb[NETLENS_A_INFO_LISTENERS])
		info->listeners = nla_get_u32(tb[NETLENS_A_INFO_LISTENERS]);
	return NL_OK;
}

int netlens_genl_get_info(struct netlens_genl *g, struct netlens_genl_info *info,
			  char *ack, size_t acklen)
{
	memset(info, 0, sizeof(*info));
	return netlens_genl_request(g, NETLENS_CMD_GET_INFO, NULL, parse_info,
				    info, ack, acklen);
}
