/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the parts of netlens.ko. */
#ifndef _NETLENS_H
#define _NETLENS_H

#include <linux/types.h>
#include <uapi/linux/netlens.h>

int netlens_hist_init(void);
void netlens_hist_exit(void);
int netlens_hist_read(struct netlens_hist *out);
int netlens_hist_reset(u32 id);

int netlens_kfuncs_register(void);

int netlens_skb_init(void);
void netlens_skb_exit(void);
void netlens_skb_stats(struct netlens_skb_stats *st);

int netlens_chardev_init(void);
void netlens_chardev_exit(void);

int netlens_genl_init(void);
void netlens_genl_exit(void);

#endif /* _NETLENS_H */
