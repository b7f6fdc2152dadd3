#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 802.11 test bed for selftests/guest/wifi_test.c, on mac80211_hwsim:
#
#   wifi_env.sh up CHANNELS   5 radios (CHANNELS=1: software scans,
#                             2: hw_scan), regulatory domain US, namespaces:
#                               ap:    ap24 (hostapd, 2.4 GHz channel 6, 2437 MHz)
#                                      ap5  (hostapd, 5 GHz channel 36, 5180 MHz)
#                               sta:   sta0, sta1 (up, for scanning)
#                               other: oth0 (up)
#   wifi_env.sh ap6           after up: ap5's radio becomes a 6 GHz access
#                             point instead (op_class 131 channel 1, 5955 MHz,
#                             802.11ax and WPA3-SAE as 6 GHz requires), the
#                             regulatory domain DE (US allows 6 GHz only
#                             passive: no access point there)
#   wifi_env.sh down          stop hostapd, delete the namespaces, unload
#                             mac80211_hwsim, mac80211 and cfg80211
set -euo pipefail

RUN=/run/netlens-wifi

down() {
	local f
	for f in "$RUN"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
	sleep 0.2
	for ns in ap sta other; do
		ip netns del "$ns" 2>/dev/null || true
	done
	# Deleting a namespace hands its radios back asynchronously.
	local deadline=$((SECONDS + WAIT_S))
	until rmmod mac80211_hwsim 2>/dev/null; do
		grep -q '^mac80211_hwsim ' /proc/modules || break
		[ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.1
	done
	rmmod mac80211 2>/dev/null || true
	rmmod cfg80211 2>/dev/null || true
	rm -rf "$RUN"
}

hostapd_start() {	# NAME IFACE HOSTAPD-LINES...
	local name=$1 iface=$2
	shift 2
	{
		echo "interface=$iface"
		echo "driver=nl80211"
		echo "ssid=netlens-$name"
		# hwsim's active scan dwells 30 ms on a channel: a beacon every
		# 15 TU (15.4 ms, hostapd's least) lands in every dwell even when
		# hostapd, in userspace, answers the probe too late.
		echo "beacon_int=15"
		printf '%s\n' "$@"
	} >"$RUN/$name.conf"
	ip netns exec ap hostapd "$RUN/$name.conf" >"$RUN/$name.log" 2>&1 &
	echo $! >"$RUN/$name.pid"
}

# Waits below end on the event or on failure; the deadline only stops a
# hang (a loaded SMP guest under TCG takes many seconds for what one vCPU
# does in one).
WAIT_S=120

hostapd_wait() {	# NAME: until AP-ENABLED, or hostapd gives up
	local pid deadline=$((SECONDS + WAIT_S))

	pid=$(cat "$RUN/$1.pid")
	until grep -q AP-ENABLED "$RUN/$1.log"; do
		if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
			echo "wifi_env: hostapd $1 did not come up:" >&2
			cat "$RUN/$1.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

reg_set() {	# COUNTRY: set the regulatory domain, wait until in force
	local deadline=$((SECONDS + WAIT_S))

	iw reg set "$1"
	until [[ $(iw reg get) == *"country $1:"* ]]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "wifi_env: regulatory domain $1 not in force after ${WAIT_S}s" >&2
			return 1
		fi
		sleep 0.1
	done
}

up() {
	local channels=$1 i phy iface
	local names=(ap24 ap5 sta0 sta1 oth0) nss=(ap ap sta sta other)

	down
	mkdir -p "$RUN"
	modprobe mac80211_hwsim radios=5 channels="$channels"
	iw reg set US
	for ns in ap sta other; do
		ip netns add "$ns"
	done
	# Radios in creation order: phy names depend on what loaded before.
	i=0
	for phy in $(ls /sys/class/ieee80211 | sort -V); do
		iface=$(ls "/sys/class/ieee80211/$phy/device/net" | head -n 1)
		ip link set "$iface" down
		ip link set "$iface" name "${names[$i]}"
		iw phy "$phy" set netns name "${nss[$i]}"
		i=$((i + 1))
	done
	[ "$i" = 5 ] || { echo "wifi_env: expected 5 radios, found $i" >&2; return 1; }
	# The US domain must be in force before a 5 GHz AP may start.
	reg_set US
	ip netns exec ap ip link set ap24 up
	ip netns exec ap ip link set ap5 up
	hostapd_start ap24 ap24 hw_mode=g channel=6
	hostapd_start ap5 ap5 hw_mode=a channel=36 country_code=US ieee80211d=1
	ip netns exec sta ip link set sta0 up
	ip netns exec sta ip link set sta1 up
	ip netns exec other ip link set oth0 up
	hostapd_wait ap24
	hostapd_wait ap5
}

ap6() {
	local pid
	pid=$(cat "$RUN/ap5.pid")
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
	done
	rm -f "$RUN/ap5.pid"
	reg_set DE
	hostapd_start ap6 ap5 hw_mode=a op_class=131 channel=1 country_code=DE \
		ieee80211ax=1 wpa=2 wpa_key_mgmt=SAE rsn_pairwise=CCMP ieee80211w=2 \
		sae_password=netlens-test sae_pwe=1
	hostapd_wait ap6
}

case ${1:-} in
up) up "${2:-1}" ;;
ap6) ap6 ;;
down) down ;;
*) echo "usage: $0 up CHANNELS | ap6 | down" >&2; exit 2 ;;
esac
