/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /dev/netlens channel a program's kfunc calls write to: the handle of
 * its loader's open file (NETLENS_IOC_CHANNEL_INFO), set before load.
 */
#ifndef NETLENS_CHANNEL_BPF_H
#define NETLENS_CHANNEL_BPF_H

const volatile __u32 netlens_channel = NETLENS_CHANNEL_NONE;

#endif
