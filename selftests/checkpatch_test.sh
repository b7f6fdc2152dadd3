#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel coding style: checkpatch.pl (from linux-source-6.1) on every kernel
# source and the UAPI header, one TAP line each.  Only LINUX_VERSION_CODE
# (the compat header's reason to exist) is ignored.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
CHECKPATCH=$BUILD/linux-source/scripts/checkpatch.pl

echo "TAP version 13"
[ -f "$CHECKPATCH" ] || { echo "Bail out! $CHECKPATCH missing: make $CHECKPATCH"; exit 1; }
cd "$REPO" || exit 1
n=0 pass=0 fail=0
for f in kmod/*.c kmod/*.h include/uapi/linux/netlens.h; do
	n=$((n + 1))
	if out=$(perl "$CHECKPATCH" --no-tree --quiet --ignore LINUX_VERSION_CODE -f "$f" 2>&1); then
		pass=$((pass + 1)); echo "ok $n checkpatch $f"
	else
		fail=$((fail + 1)); echo "not ok $n checkpatch $f"; sed 's/^/# /' <<<"$out"
	fi
done
echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
