#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS for real: add, build and install netlens against every installed
# test kernel's headers, check the module files (and their BTF), load the
# DKMS-installed module in a guest with modprobe, then remove it all.
# TAP output; "# Totals:" line as the kselftest harness prints it.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")

n=0 pass=0 fail=0 skip=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }
check() { local name=$1; shift; if "$@" >"$BUILD/dkms-step.log" 2>&1; then ok "$name"; else not_ok "$name"; sed 's/^/# /' "$BUILD/dkms-step.log"; fi; }

echo "TAP version 13"
if ! command -v dkms >/dev/null; then
	echo "1..1"; skip dkms "dkms not installed (scripts/deps.sh)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"; exit 0
fi
mapfile -t kvers < <(ls -d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||')

cleanup() {
	dkms remove "netlens/$VERSION" --all >/dev/null 2>&1
	rm -rf "/usr/src/netlens-$VERSION"
}
cleanup
trap cleanup EXIT

make -s -C "$REPO" dkms-dist >/dev/null || { echo "Bail out! make dkms-dist failed"; exit 1; }
cp -r "$BUILD/dkms/netlens-$VERSION" "/usr/src/netlens-$VERSION"
check "dkms add netlens/$VERSION" dkms add "netlens/$VERSION"

for kver in "${kvers[@]}"; do
	check "dkms build -k $kver" dkms build "netlens/$VERSION" -k "$kver"
	built=$(ls /var/lib/dkms/netlens/"$VERSION"/"$kver"/*/module/netlens.ko* 2>/dev/null | head -n 1)
	if [ -n "$built" ]; then ok "built module exists for $kver ($built)"; else not_ok "built module exists for $kver"; fi
	check "dkms install -k $kver" dkms install "netlens/$VERSION" -k "$kver"
	installed=$(ls /lib/modules/"$kver"/updates/dkms/netlens.ko* 2>/dev/null | head -n 1)
	if [ -n "$installed" ]; then ok "installed module exists for $kver"; else not_ok "installed module exists for $kver"; fi
	# kfuncs need module BTF: DKMS must produce it too.
	tmp=$(mktemp)
	case $installed in
	*.xz) xz -dc "$installed" >"$tmp" ;;
	*.zst) zstd -qdc "$installed" >"$tmp" ;;
	*) cp "$installed" "$tmp" 2>/dev/null ;;
	esac
	# Headers without the kernel's image (linux-headers-rt-amd64 alone): no
	# vmlinux to take BTF from, so the module is built without (README:
	# Troubleshooting) and there is no kernel to boot it on.
	headers_only=0
	[ -e "/boot/vmlinuz-$kver" ] || headers_only=1
	if [ $headers_only = 1 ]; then
		if readelf -S "$tmp" 2>/dev/null | grep ' \.BTF ' >/dev/null; then
			not_ok "installed module for headers-only $kver has no BTF"
		else
			ok "installed module for headers-only $kver has no BTF"
		fi
	elif readelf -S "$tmp" 2>/dev/null | grep ' \.BTF ' >/dev/null; then
		ok "installed module for $kver has BTF"
	else
		not_ok "installed module for $kver has BTF"
	fi
	rm -f "$tmp"
	if modinfo -k "$kver" -F version netlens 2>/dev/null | grep -x "$VERSION" >/dev/null; then
		ok "modinfo -k $kver netlens finds version $VERSION"
	else
		not_ok "modinfo -k $kver netlens finds version $VERSION"
	fi
	# The installed module as a server would load it: modprobe, by name.
	if [ $headers_only = 1 ]; then
		skip "modprobe netlens in a $kver guest" "headers only: no /boot/vmlinuz-$kver to boot"
		continue
	fi
	line=${kver%%.*}.$(cut -d. -f2 <<<"$kver")
	results=$BUILD/vmtest/dkms-$line
	rm -f "$results/version"
	out=$("$REPO/selftests/vmtest.sh" -n -t 300 -k "$kver" -o "$results" -- \
		sh -c 'modprobe netlens && test -e /sys/kernel/btf/netlens &&
			cat /sys/module/netlens/version >"$NETLENS_RESULTS/version"' 2>&1)
	if [ $? = 0 ] && [ "$(cat "$results/version" 2>/dev/null)" = "$VERSION" ]; then
		ok "modprobe netlens in a $kver guest loads the DKMS module"
	else
		not_ok "modprobe netlens in a $kver guest loads the DKMS module"
		tail -n 20 <<<"$out" | sed 's/^/# /'
	fi
done

check "dkms remove netlens/$VERSION --all" dkms remove "netlens/$VERSION" --all
for kver in "${kvers[@]}"; do
	if ls /lib/modules/"$kver"/updates/dkms/netlens.ko* >/dev/null 2>&1; then
		not_ok "module removed from $kver"
	else
		ok "module removed from $kver"
	fi
done

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" = 0 ]
