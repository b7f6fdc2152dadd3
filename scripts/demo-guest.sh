#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo guest, netlens.ko already loaded by vmtest.sh.
set -euo pipefail
BIN=${NETLENS_BUILD:-build}/bin

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo
echo "netlens demo on $(uname -r)"
step modinfo -F version "$NETLENS_BUILD/$NETLENS_KVER/netlens.ko"
step cat /sys/module/netlens/version
step ls -l /dev/netlens /sys/kernel/btf/netlens
step ls /sys/kernel/tracing/events/netlens
step "$BIN/netlensctl" info
# A tracefs consumer: the same event perf or trace-cmd would record.
echo 1 >/sys/kernel/tracing/events/netlens/selftest/enable
"$BIN/netlensctl" -n 3 selftest >/dev/null
echo 0 >/sys/kernel/tracing/events/netlens/selftest/enable
step grep -m 3 'selftest:' /sys/kernel/tracing/trace
# BPF: tp_btf on netlens:selftest -> kfunc netlens_hist_add -> /dev/netlens
step "$BIN/netlensctl" -n 200 selftest
step "$BIN/netlensctl" -j -n 20 selftest
# sk_buff lifespans on netlens:skb_free while a loopback workload runs
echo
printf '\033[1m$ %s\033[0m\n' "skblife -O -u 3 1   (with 5000 UDP datagrams and TCP messages on loopback)"
"$BIN/skblife" -O -u 3 1 &
sleep 1
"${NETLENS_BUILD:-build}/bench/skbload" 5000 >/dev/null
wait
step "$BIN/netlensctl" skb
# Records: skbs that lived 200 ms or more, one line each, through /dev/netlens
echo
printf '\033[1m$ %s\033[0m\n' "skblife -L 200ms   (5 datagrams left unread for 500 ms)"
"$BIN/skblife" -L 200ms -u &
pid=$!
sleep 1
"${NETLENS_BUILD:-build}/bench/skbload" -H 500 5
sleep 1.5
kill -INT "$pid"
wait "$pid"
step "$BIN/netlensctl" ring
