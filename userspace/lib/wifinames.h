/* SPDX-License-Identifier: GPL-2.0 */
/* 802.11 names as nl80211 spells them: bands, scan flags, frequencies. */
#ifndef NETLENS_WIFINAMES_H
#define NETLENS_WIFINAMES_H

#include <stddef.h>
#include <linux/types.h>

/* "2GHz" for NL80211_BAND_2GHZ, as the wifi_scan_channel event prints it; "?" when unknown. */
const char *wifi_band_name(unsigned int band);

/*
 * NL80211_SCAN_FLAG_* bits as "LOW_PRIORITY|FLUSH" (the names without the
 * prefix, as the wifi_scan_start event prints them), bits without a name
 * as one hex remainder ("FLUSH|0x100000"); "" for none.  Returns @buf.
 */
char *wifi_scan_flags_str(char *buf, size_t len, __u32 flags);

/* @mhz and @offset_khz above it as "2437" or, on S1G channels, "902.5". */
char *wifi_freq_str(char *buf, size_t len, __u32 mhz, __u32 offset_khz);

#endif
