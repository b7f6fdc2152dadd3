#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot a test kernel (default 6.12; DEMO_KERNEL=6.1 for the
# other), load netlens.ko and show what it provides, for real.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exec "$REPO/selftests/vmtest.sh" -k "${DEMO_KERNEL:-6.12}" -t 600 -o "$REPO/build/vmtest/demo" \
	-- "$REPO/scripts/demo-guest.sh"
