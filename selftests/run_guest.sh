#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-facing test suite: every selftests/guest test binary, run as
# root on the kernel it finds itself on.  vmtest.sh runs it in each guest
# (with netlens.ko loaded); run_all.sh also runs it on the host's own kernel,
# where tests that need the module skip.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${NETLENS_BUILD:-$REPO/build}

# Classic tracepoints and tp_btf need tracefs.
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		echo "# warning: cannot mount tracefs at /sys/kernel/tracing"
fi

mapfile -t tests < <(cd "$REPO/selftests/guest" && ls -1 *.c 2>/dev/null | sed "s|\.c\$||;s|^|$BUILD/tests/|")
if [ ${#tests[@]} -eq 0 ]; then
	echo "run_guest: no tests found under selftests/guest" >&2
	exit 1
fi
for t in "${tests[@]}"; do
	[ -x "$t" ] || { echo "run_guest: $t not built: run make tests" >&2; exit 1; }
done

COUNTS_FILE=${COUNTS_FILE:-${NETLENS_RESULTS:+$NETLENS_RESULTS/counts}} \
	exec "$REPO/selftests/run_tests.sh" -l "[$(uname -r)]" "${tests[@]}"
