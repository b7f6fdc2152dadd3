/* SPDX-License-Identifier: GPL-2.0 */
/* The "netlens" generic netlink family from userspace (libnl-genl-3). */
#ifndef NETLENS_GENL_H
#define NETLENS_GENL_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/netlink.h>
#include <linux/netlens.h>

struct netlens_genl {
	struct nl_sock *sk;
	int family;		/* resolved family id */
	int scan_group;		/* resolved id of the "scan" multicast group */
};

/* Reply of NETLENS_CMD_GET_INFO. */
struct netlens_genl_info {
	char version[32];		/* the module's (package) version */
	uint32_t abi;
	uint32_t listeners;
	uint32_t family_version;	/* the genl family's, from the reply header */
};

/*
 * Another generic netlink family (nl80211, say): a connected socket in
 * *@sk and @name's family id, or a negative libnl error (-NLE_OBJ_NOTFOUND:
 * no such family here) with *@sk NULL.
 */
int genl_family_connect(const char *name, struct nl_sock **sk);

/*
 * Connect, enable extended acks and resolve the family and its scan group,
 * as iw does.  Returns 0 or a negative errno with @err saying what is
 * missing (module not loaded, family absent, ...).
 */
int netlens_genl_open(struct netlens_genl *g, char *err, size_t errlen);
void netlens_genl_close(struct netlens_genl *g);

/*
 * Send @cmd with the attributes already in @msg (NULL: none) and wait for
 * the answer.  Replies go to @parse (may be NULL).  Returns 0 or the
 * kernel's negative errno; the kernel's extended-ack message, if any, is
 * copied to @ack.
 */
int netlens_genl_request(struct netlens_genl *g, uint8_t cmd, struct nl_msg *msg,
			 int (*parse)(struct nl_msg *reply, void *arg), void *arg,
			 char *ack, size_t acklen);

int netlens_genl_get_info(struct netlens_genl *g, struct netlens_genl_info *info,
			  char *ack, size_t acklen);

#endif
