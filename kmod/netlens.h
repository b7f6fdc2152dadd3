/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the parts of netlens.ko. */
#ifndef _NETLENS_H
#define _NETLENS_H

#include <linux/types.h>
#include <uapi/linux/netlens.h>

struct file;
struct poll_table_struct;
struct vm_area_struct;
struct wait_queue_head;

/* A channel's histograms (netlens_hist.c). */
struct netlens_hist_cpu;
struct netlens_hist_cpu __percpu *netlens_hists_alloc(void);
void netlens_hists_free(struct netlens_hist_cpu __percpu *hists);
int netlens_hists_add(struct netlens_hist_cpu __percpu *hists, u32 id,
		      u64 value);
int netlens_hists_read(struct netlens_hist_cpu __percpu *hists,
		       struct netlens_hist *out);
int netlens_hists_reset(struct netlens_hist_cpu __percpu *hists, u32 id);

/* A channel's record rings (netlens_ring.c). */
struct netlens_rings;
int netlens_rings_check_params(void);
u32 netlens_rings_default_bytes(void);
struct netlens_rings *netlens_rings_alloc(const struct netlens_channel_setup *setup,
					  struct wait_queue_head *wait, int *err);
void netlens_rings_free(struct netlens_rings *rings);
int netlens_rings_write(struct netlens_rings *rings, u16 type,
			const void *data, u32 len);
bool netlens_rings_readable(struct netlens_rings *rings);
ssize_t netlens_rings_read(struct netlens_rings *rings, char __user *buf,
			   size_t count);
void netlens_rings_discard(struct netlens_rings *rings);
void netlens_rings_describe(const struct netlens_rings *rings,
			    struct netlens_channel_info *info);
void netlens_rings_add_stats(const struct netlens_rings *rings,
			     struct netlens_ring_stats *st);
int netlens_rings_mmap(struct netlens_rings *rings, struct vm_area_struct *vma);

/* Channels: one per open file of /dev/netlens (netlens_channel.c). */
int netlens_channels_init(void);
void netlens_channels_exit(void);
int netlens_channel_open(struct file *file);
void netlens_channel_release(struct file *file);
long netlens_channel_ioctl(struct file *file, unsigned int cmd,
			   void __user *arg);
ssize_t netlens_channel_read(struct file *file, char __user *buf,
			     size_t count);
__poll_t netlens_channel_poll(struct file *file, struct poll_table_struct *wait);
int netlens_channel_mmap(struct file *file, struct vm_area_struct *vma);
void netlens_channels_stats(struct netlens_ring_stats *st);

int netlens_kfuncs_register(void);

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
