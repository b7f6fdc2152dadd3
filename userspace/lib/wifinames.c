// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <linux/nl80211.h>

#include "wifinames.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *wifi_band_name(unsigned int band)
{
	static const char *const names[] = {
		[NL80211_BAND_2GHZ] = "2GHz",
		[NL80211_BAND_5GHZ] = "5GHz",
		[NL80211_BAND_60GHZ] = "60GHz",
		[NL80211_BAND_6GHZ] = "6GHz",
		[NL80211_BAND_S1GHZ] = "S1GHz",
		[NL80211_BAND_LC] = "LC",
	};

	return band < ARRAY_LEN(names) && names[band] ? names[band] : "?";
}

char *wifi_scan_flags_str(char *buf, size_t len, __u32 flags)
{
	static const struct {
		__u32 flag;
		const char *name;
	} names[] = {
		{ NL80211_SCAN_FLAG_LOW_PRIORITY, "LOW_PRIORITY" },
		{ NL80211_SCAN_FLAG_FLUSH, "FLUSH" },
		{ NL80211_SCAN_FLAG_AP, "AP" },
		{ NL80211_SCAN_FLAG_RANDOM_ADDR, "RANDOM_ADDR" },
		{ NL80211_SCAN_FLAG_FILS_MAX_CHANNEL_TIME, "FILS_MAX_CHANNEL_TIME" },
		{ NL80211_SCAN_FLAG_ACCEPT_BCAST_PROBE_RESP, "ACCEPT_BCAST_PROBE_RESP" },
		{ NL80211_SCAN_FLAG_OCE_PROBE_REQ_HIGH_TX_RATE, "OCE_PROBE_REQ_HIGH_TX_RATE" },
		{ NL80211_SCAN_FLAG_OCE_PROBE_REQ_DEFERRAL_SUPPRESSION,
		  "OCE_PROBE_REQ_DEFERRAL_SUPPRESSION" },
		{ NL80211_SCAN_FLAG_LOW_SPAN, "LOW_SPAN" },
		{ NL80211_SCAN_FLAG_LOW_POWER, "LOW_POWER" },
		{ NL80211_SCAN_FLAG_HIGH_ACCURACY, "HIGH_ACCURACY" },
		{ NL80211_SCAN_FLAG_RANDOM_SN, "RANDOM_SN" },
		{ NL80211_SCAN_FLAG_MIN_PREQ_CONTENT, "MIN_PREQ_CONTENT" },
		{ NL80211_SCAN_FLAG_FREQ_KHZ, "FREQ_KHZ" },
		{ NL80211_SCAN_FLAG_COLOCATED_6GHZ, "COLOCATED_6GHZ" },
	};
	size_t used = 0, i;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_LEN(names) && used < len; i++) {
		if (!(flags & names[i].flag))
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? "|" : "", names[i].name);
		flags &= ~names[i].flag;
	}
	if (flags && used < len)
		snprintf(buf + used, len - used, "%s0x%x", used ? "|" : "", flags);
	return buf;
}

char *wifi_freq_str(char *buf, size_t len, __u32 mhz, __u32 offset_khz)
{
	char frac[8];
	size_t n;

	if (!offset_khz || offset_khz >= 1000) {
		snprintf(buf, len, "%u", mhz);
		return buf;
	}
	/* 500 kHz: "902.5", not "902.500". */
	snprintf(frac, sizeof(frac), "%03u", offset_khz);
	for (n = strlen(frac); n > 1 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(buf, len, "%u.%s", mhz, frac);
	return buf;
}
