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

struct file;
struct poll_table_struct;

int netlens_ring_init(void);
void netlens_ring_exit(void);
ssize_t netlens_ring_read(struct file *file, char __user *buf, size_t count);
__poll_t netlens_ring_poll(struct file *file, struct poll_table_struct *wait);
void netlens_ring_release(struct file *file);
void netlens_ring_stats(struct netlens_ring_stats *st);
int netlens_ring_reset(struct file *file);

int netlens_skb_init(void);
void netlens_skb_exit(void);
void netlens_skb_stats(struct netlens_skb_stats *st);

/* TCP events' hooks (netlens_tcp.c): nothing armed until consumed. */
void netlens_tcp_init(void);
void netlens_tcp_exit(void);

int netlens_chardev_init(void);
void netlens_chardev_exit(void);

int netlens_genl_init(void);
void netlens_genl_exit(void);

/* 802.11 scans (netlens_wifi.c) and their netlink notifications. */
#define NETLENS_WIFI_NAME_LEN	32	/* wiphy names kept, NUL included */

struct net;
struct sk_buff;

int netlens_wifi_init(void);
void netlens_wifi_exit(void);
void netlens_wifi_set_channel_events(bool on);

bool netlens_genl_scan_has_listeners(struct net *net);
/* A scan notification @cmd to fill; NULL without memory (atomic). */
struct sk_buff *netlens_genl_scan_msg_new(u8 cmd, void **hdr);
/* End @msg and multicast it to the scan group of @net; consumes @msg. */
void netlens_genl_scan_multicast(struct net *net, struct sk_buff *msg, void *hdr);

#endif /* _NETLENS_H */
