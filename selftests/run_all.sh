#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite (make check): build, coding style, host unit tests,
# the kernel-facing suite on this machine's kernel and in a guest of every
# supported kernel with one and with four vCPUs (real servers are SMP), the
# VM runner's own tests, DKMS.  Ends with one line
# "N passed, N failed, N skipped"; non-zero exit if anything failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
KERNELS=${NETLENS_KERNELS:-6.1 6.12}
GUEST_CPUS=${NETLENS_GUEST_CPUS:-1 4}
cd "$REPO" || exit 1

total_pass=0 total_fail=0 total_skip=0
declare -a summary

# add LABEL COUNTS_FILE: fold one suite's "PASS FAIL SKIP" into the totals.
add() {
	local p=0 f=1 s=0
	[ -s "$2" ] && read -r p f s <"$2"
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	summary+=("$(printf '%-28s %4d passed, %d failed, %d skipped' "$1" "$p" "$f" "$s")")
}

# suite LABEL CMD...: run a TAP producer through run_tests.sh.
suite() {
	local label=$1 counts
	shift
	counts=$(mktemp)
	echo "=== $label"
	COUNTS_FILE=$counts "$REPO/selftests/run_tests.sh" -l "$label" "$@"
	add "$label" "$counts"
	rm -f "$counts"
}

start=$SECONDS
echo "=== build"
if ! make -j"$(nproc)" all "$BUILD/linux-source/scripts/checkpatch.pl"; then
	echo "run_all: build failed" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

suite build selftests/build_test.sh
suite checkpatch selftests/checkpatch_test.sh
mapfile -t host_tests < <(ls selftests/host/*.c | sed "s|selftests/host/\(.*\)\.c|$BUILD/tests/\1|")
suite host-unit "${host_tests[@]}"
# Already a suite of binaries: its own counts, not its last binary's.
echo "=== host-kernel $(uname -r)"
counts=$(mktemp)
COUNTS_FILE=$counts selftests/run_guest.sh
add "host-kernel $(uname -r)" "$counts"
rm -f "$counts"
suite vmtest-runner selftests/vmtest_test.sh

# The guests, as many at a time as there are host cores: each is one host
# thread (TCG; SMP guests run their vCPUs round-robin on it), so two on a
# 2-core machine take the time of one.  Longest first: the 1-vCPU guests.
# Each one's console goes to its results directory and is printed whole
# when it ends, so the log reads guest by guest.
GUEST_JOBS=${NETLENS_GUEST_JOBS:-$(nproc)}
declare -A guest_label=() guest_dir=() guest_t0=()
guest_done() {	# PID STATUS
	local pid=$1 st=$2 label=${guest_label[$1]} dir=${guest_dir[$1]}

	echo "=== $label"
	cat "$dir/console.log"
	echo "vmtest: $label exited with $st after $((SECONDS - ${guest_t0[$pid]})) s"
	add "$label" "$dir/counts"
	unset "guest_label[$pid]"
}
guest_wait_one() {
	local pid st=0

	wait -n -p pid "${!guest_label[@]}" || st=$?
	guest_done "$pid" "$st"
}
for cpus in $GUEST_CPUS; do
	for k in $KERNELS; do
		while [ "${#guest_label[@]}" -ge "$GUEST_JOBS" ]; do
			guest_wait_one
		done
		label="guest $k, $cpus vCPU$([ "$cpus" = 1 ] || echo s)"
		dir=$BUILD/vmtest/$k-smp$cpus
		mkdir -p "$dir"
		rm -f "$dir/counts"
		selftests/vmtest.sh -k "$k" -c "$cpus" -t 2400 -o "$dir" >"$dir/console.log" 2>&1 &
		guest_label[$!]=$label guest_dir[$!]=$dir guest_t0[$!]=$SECONDS
		echo "=== $label: started (console in $dir/console.log)"
	done
done
while [ "${#guest_label[@]}" -gt 0 ]; do
	guest_wait_one
done

suite dkms selftests/dkms_test.sh

echo
echo "=== summary ($((SECONDS - start)) s)"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" = 0 ]
