#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM runner's own contract: exit status passthrough, clear errors for
# bad input, and a hung or crashed guest ending in bounded time.  TAP.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
VMTEST=$REPO/selftests/vmtest.sh
OUT=$BUILD/vmtest/runner-test

n=0 pass=0 fail=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n $2"; else fail=$((fail + 1)); echo "not ok $n $2"; sed 's/^/# /' "$OUT.log" | tail -n 15; fi
}
# expect NAME STATUS PATTERN VMTEST-ARGS...: exit status and an output line.
expect() {
	local name=$1 want=$2 pattern=$3 start rc
	shift 3
	start=$SECONDS
	"$VMTEST" "$@" >"$OUT.log" 2>&1 </dev/null
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$pattern" "$OUT.log"; then
		result 0 "$name (exit $rc, $((SECONDS - start))s)"
	else
		echo "# want exit $want and /$pattern/, got exit $rc" >>"$OUT.log"
		result 1 "$name"
	fi
}

echo "TAP version 13"
mkdir -p "$BUILD/vmtest"
expect "no kernel given is a usage error" 2 "-k KERNEL is required" -- true
expect "unknown option is a usage error" 2 "unknown option -z" -z -k 6.1
expect "bad timeout is a usage error" 2 "-t takes whole seconds" -k 6.1 -t soon
expect "bad CPU count is a usage error" 2 "-c takes 1 to 64 CPUs" -k 6.1 -c 0
expect "unknown kernel names the choices" 125 "unknown kernel 'banana'.*6.1, 6.12" -k banana
expect "uninstalled release names the package" 125 "install linux-image-5.10.0-99-amd64" -k 5.10.0-99-amd64
expect "exit status passes through (6.1)" 7 "vmtest: booting" -k 6.1 -n -o "$OUT" -- sh -c 'exit 7'
expect "exit status passes through (6.12)" 0 "vmtest: booting" -k 6.12 -n -o "$OUT" -- true
expect "-i with -c is a usage error" 2 "-i runs one vCPU" -k 6.1 -i -c 4
expect "-c sets the guest's CPUs" 0 "CPUS=<2>" -k 6.12 -n -c 2 -o "$OUT" -- sh -c 'echo "CPUS=<$(nproc)>"'
# Live text patching under every vCPU (what crashed multi-threaded TCG):
# a tracepoint's static key and the function tracer, on and off.
patch_text='T=/sys/kernel/tracing; for i in 1 2 3; do
	echo 1 >$T/events/sched/sched_switch/enable; echo function >$T/current_tracer; sleep 0.2
	echo nop >$T/current_tracer; echo 0 >$T/events/sched/sched_switch/enable; done
	echo "CPUS=<$(nproc)> oopses=$(dmesg | grep -c -e Oops -e "BUG:")"'
for k in 6.1 6.12; do
	expect "-c 4 survives text patching on $k" 0 "CPUS=<4> oopses=0" \
		-k "$k" -n -c 4 -o "$OUT" -- bash -c "$patch_text"
	grep -q -- "-accel tcg,thread=single -smp 4" "$OUT.log"
	result $? "-c 4 on $k runs single-threaded TCG"
done
expect "arguments keep their quoting" 0 "ARG=<a b>" -k 6.12 -n -o "$OUT" -- sh -c 'echo "ARG=<$1>"' sh "a b"
expect "a hung guest is killed at the timeout" 124 "did not finish within 15s" -k 6.1 -n -t 15 -o "$OUT" -- sleep 600
expect "a panicking guest ends with a clear error" 125 "ended without a result" -k 6.1 -n -o "$OUT" -- sh -c 'echo c >/proc/sysrq-trigger; sleep 60'
# Two runs in one results directory would run each other's guest.sh.
"$VMTEST" -k 6.1 -n -o "$OUT.busy" -- sleep 30 >/dev/null 2>&1 </dev/null &
busy=$!
for _ in $(seq 1 50); do [ -e "$OUT.busy/.lock" ] && break; sleep 0.1; done
expect "a results directory in use is refused" 125 "in use by another vmtest.sh run" -k 6.1 -n -o "$OUT.busy" -- true
kill "$busy" 2>/dev/null
wait "$busy" 2>/dev/null
expect "runs without -o get directories of their own" 0 "RESULTS=<.*/vmtest/6.12\\.[A-Za-z0-9]{6}>" -k 6.12 -n -- sh -c 'echo "RESULTS=<$NETLENS_RESULTS>"'
# A release without a built module: the 6.1 one, moved aside for a moment.
kver=$(cd /boot && ls vmlinuz-6.1.[0-9]* | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
mv "$BUILD/$kver/netlens.ko" "$BUILD/$kver/netlens.ko.away"
expect "a missing module says how to build it" 125 "make module KVER=$kver" -k "$kver" -o "$OUT" -- true
mv "$BUILD/$kver/netlens.ko.away" "$BUILD/$kver/netlens.ko"

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
