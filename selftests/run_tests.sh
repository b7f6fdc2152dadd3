#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run kselftest-harness test binaries, stream their TAP output and add up
# their "# Totals:" lines.  A binary that dies before its totals counts as
# one failure.  Writes "PASS FAIL SKIP" to $COUNTS_FILE when set, prints
# "N passed, N failed, N skipped" and exits non-zero on any failure.
#
# usage: run_tests.sh [-l LABEL] BINARY...
set -uo pipefail

label=
if [ "${1:-}" = -l ]; then
	label="$2 "
	shift 2
fi

if [ $# -eq 0 ]; then
	echo "run_tests: no test binaries given" >&2
	exit 1
fi

pass=0 fail=0 skip=0
for bin in "$@"; do
	name=$(basename "$bin")
	echo "# ${label}running $name"
	out=$(mktemp)
	t0=$SECONDS
	"$bin" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	echo "# ${label}$name took $((SECONDS - t0)) s"
	totals=$(grep -E '^# Totals: pass:[0-9]+ fail:[0-9]+' "$out" | tail -n 1)
	if [ -z "$totals" ]; then
		echo "not ok - $name exited with $rc before reporting totals"
		fail=$((fail + 1))
	else
		p=$(sed -E 's/^# Totals: pass:([0-9]+).*/\1/' <<<"$totals")
		f=$(sed -E 's/.* fail:([0-9]+).*/\1/' <<<"$totals")
		s=$(sed -E 's/.* skip:([0-9]+).*/\1/' <<<"$totals")
		e=$(sed -E 's/.* error:([0-9]+).*/\1/' <<<"$totals")
		pass=$((pass + p)) fail=$((fail + f + e)) skip=$((skip + s))
		if [ "$rc" != 0 ] && [ "$f" = 0 ] && [ "$e" = 0 ]; then
			echo "not ok - $name exited with $rc"
			fail=$((fail + 1))
		fi
	fi
	rm -f "$out"
done

[ -n "${COUNTS_FILE:-}" ] && echo "$pass $fail $skip" >"$COUNTS_FILE"
echo "# ${label}$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
