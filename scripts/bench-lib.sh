#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the benchmark guest scripts (sourced): start a tracer, wait until
# it traces, run the script's workload (its run ROW), stop the tracer.

# with_tool ROW READY CMD...: run ROW's workload while CMD traces (READY: what
# CMD prints once it does; its output in $OUT/ROW.log).  CMD writes into the
# guest's tmpfs: a write to the results directory is a 9p round trip, which
# would count against the tracer.
with_tool() {
	local row=$1 ready=$2 pid i log
	shift 2
	mkdir -p /tmp/bench
	log=/tmp/bench/$row.log
	"$@" >"$log" 2>&1 &
	pid=$!
	for i in $(seq 1 600); do
		grep -q -- "$ready" "$log" && break
		sleep 0.2
	done
	grep -q -- "$ready" "$log" || { echo "bench: $row did not start:"; cat "$log"; exit 1; }
	run "$row"
	kill -INT "$pid"
	wait "$pid" || true
	cp "$log" "$OUT/$row.log"
}

# ratio X Y: X / Y to three decimals.
ratio() {
	awk -v x="$1" -v y="$2" 'BEGIN { printf "%.3f", x / y }'
}
