#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what tracing costs, every way side by side in one 6.1 guest per
# suite with instruction-counted time (vmtest.sh -i: runs repeat within
# ~0.1%; it models instructions, not cache misses).  Suites: skb (skb
# lifetimes), tcp (the TCP tools against the book's); BENCH_SUITES picks.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for suite in ${BENCH_SUITES:-skb tcp}; do
	case $suite in
	skb) script=bench-guest.sh ;;
	tcp) script=bench-tcp-guest.sh ;;
	*) echo "bench: unknown suite '$suite' (skb, tcp)" >&2; exit 2 ;;
	esac
	"$REPO/selftests/vmtest.sh" -k "${BENCH_KERNEL:-6.1}" -n -i -t 3000 \
		-o "$REPO/build/vmtest/bench-$suite" -- "$REPO/scripts/$script"
done
