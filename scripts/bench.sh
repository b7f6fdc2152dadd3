#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what skb-lifetime tracing costs, every way side by side in one
# 6.1 guest with instruction-counted time (vmtest.sh -i: runs repeat within
# ~0.1%; it models instructions, not cache misses).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exec "$REPO/selftests/vmtest.sh" -k "${BENCH_KERNEL:-6.1}" -n -i -t 3000 \
	-o "$REPO/build/vmtest/bench" -- "$REPO/scripts/bench-guest.sh"
