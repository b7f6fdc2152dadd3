#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The build's contract: a module with BTF for every installed test kernel,
# clear errors for missing headers or a bogus KDIR.  TAP.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
n=0 pass=0 fail=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n $2"
	else fail=$((fail + 1)); echo "not ok $n $2"; sed 's/^/# /' <<<"${3:-}"; fi
}

echo "TAP version 13"
for k in 6.1 6.12; do
	kver=$(cd /boot && ls vmlinuz-"$k".[0-9]* 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	ko=$BUILD/$kver/netlens.ko
	[ -n "$kver" ] && [ -f "$ko" ]; result $? "module built for $k ($kver)"
	readelf -S "$ko" 2>/dev/null | grep ' \.BTF ' >/dev/null; result $? "module for $k carries BTF"
	[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$kver" ]; result $? "module for $k has vermagic $kver"
done

out=$(make -C "$REPO" module KVER=9.9.9-nope 2>&1)
[ $? != 0 ] && grep -q "install linux-headers-9.9.9-nope" <<<"$out"
result $? "missing headers: error names the package" "$out"

out=$(make -C "$REPO" module KDIR=/nonexistent 2>&1)
[ $? != 0 ] && grep -q "KDIR=/nonexistent is not a configured kernel tree" <<<"$out"
result $? "bogus KDIR: clear error" "$out"

out=$("$REPO/scripts/module-btf.sh" /nonexistent.ko 6.1 2>&1)
[ $? != 0 ] && grep -q "no such module" <<<"$out"
result $? "module-btf.sh: missing module is a clear error" "$out"

# make install-tools: the socket tools by their book names (and the 10.4
# one-liner tools by theirs) on PATH, working without the build tree.
tmp=$(mktemp -d)
out=$(make -C "$REPO" install-tools DESTDIR="$tmp" PREFIX=/usr/local 2>&1)
result $? "install-tools into DESTDIR" "$out"
for t in sockstat sofamily soprotocol soconnect sendsize xmitstack tcpcount rxcpu tpcount skblife ieee80211scan; do
	out=$(cd / && PATH="$tmp/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" "$t" --help 2>&1)
	[ $? = 0 ] && grep -q "^Usage: $t \[OPTION" <<<"$out"
	result $? "installed $t runs as '$t'" "$out"
	# netlens-<tool>: the same program, whatever else is called $t.
	out=$(cd / && PATH="$tmp/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" "netlens-$t" --help 2>&1)
	[ $? = 0 ] && grep -q "^Usage: netlens-$t \[OPTION" <<<"$out" &&
		[ "$(readlink -f "$tmp/usr/local/sbin/netlens-$t")" = "$(readlink -f "$tmp/usr/local/sbin/$t")" ]
	result $? "installed netlens-$t is $t" "$out"
done
# The book's tools that are another tool under their name.
for a in qdisclat:qdisc-fq qdisclat:qdisc-fq_codel qdisclat:qdisc-codel qdisclat:qdisc-red \
	qdisclat:qdisc-tbf qdisclat:qdisc-cbs qdisclat:qdisc-cbq nettxlat:nettxlat-dev; do
	t=${a%%:*} name=${a#*:}
	out=$(cd / && PATH="$tmp/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" "$name" --help 2>&1)
	[ $? = 0 ] && grep -q "^Usage: $name \[OPTION" <<<"$out" &&
		[ "$(readlink -f "$tmp/usr/local/sbin/$name")" = "$(readlink -f "$tmp/usr/local/sbin/$t")" ]
	result $? "installed $name is $t" "$out"
done
# Root's PATH on Debian puts /usr/local/sbin before /usr/bin, where the
# sockstat package's sockstat lives: ours wins there (README: Names).
out=$(su -s /bin/sh -c 'echo $PATH' root 2>/dev/null || echo "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
[ "${out%%/usr/local/sbin*}" != "$out" ] &&
	case ":$out:" in *:/usr/local/sbin:*:/usr/bin:*) true ;; *) false ;; esac
result $? "root's PATH ($out) finds /usr/local/sbin/sockstat before /usr/bin/sockstat" "$out"
if [ "$(id -u)" = 0 ]; then
	out=$(cd / && PATH="$tmp/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" timeout 60 sockstat 1 1 2>&1)
	[ $? = 0 ] && grep -q "^Tracing sock statistics" <<<"$out"
	result $? "installed sockstat loads and reports" "$out"
fi
rm -rf "$tmp"

# Headers without their image (linux-headers-rt-amd64 alone, scripts/deps.sh):
# `make` builds that kernel's module too, without BTF, with a warning saying
# what is lost and how to get it, and fails no kernel's build.
skip=0
skipped() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }
# The warning's first and last lines for kernel $1 with headers at $2.
novmlinux_first() {
	echo "module-btf: warning: netlens.ko for $1 is built without BTF: no vmlinux with BTF for that kernel (/boot/vmlinuz-$1 missing, no vmlinux in $2)."
}
version=$(sed -n 's/^#define NETLENS_VERSION[[:space:]]*"\(.*\)"/\1/p' "$REPO/include/uapi/linux/netlens.h")
novmlinux_last() {
	echo "module-btf:   To get it: apt-get install linux-image-$1, then run make again (with DKMS: dkms install --force netlens/$version -k $1)"
}
headers_only=0
for b in /lib/modules/*/build; do
	[ -e "$b" ] || continue
	kver=${b#/lib/modules/} kver=${kver%/build}
	[ -e "/boot/vmlinuz-$kver" ] && continue
	headers_only=$((headers_only + 1))
	ko=$BUILD/$kver/netlens.ko
	[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$kver" ]
	result $? "headers only ($kver): module built, vermagic $kver"
	if [ -e "$b/vmlinux" ]; then
		# Kbuild makes module BTF from the headers' own vmlinux.
		readelf -S "$ko" 2>/dev/null | grep ' \.BTF ' >/dev/null
		result $? "headers only ($kver): BTF from $b/vmlinux"
		continue
	fi
	! readelf -S "$ko" 2>/dev/null | grep ' \.BTF ' >/dev/null &&
		grep -Fx "$(novmlinux_first "$kver" "$b")" "$ko.no-vmlinux" >/dev/null &&
		grep -Fx "$(novmlinux_last "$kver")" "$ko.no-vmlinux" >/dev/null
	result $? "headers only ($kver): no BTF, the build warned ($ko.no-vmlinux)" \
		"$(cat "$ko.no-vmlinux" 2>&1)"
	# The script itself, again on a copy: exit 0 and the same warning.
	t=$(mktemp -d)
	cp "$ko" "$t/"
	out=$("$REPO/scripts/module-btf.sh" "$t/netlens.ko" "$kver" "$t" 2>&1)
	[ $? = 0 ] && grep -Fx "$(novmlinux_first "$kver" "$b")" <<<"$out" >/dev/null &&
		grep -Fx "$(novmlinux_last "$kver")" <<<"$out" >/dev/null &&
		cmp -s "$ko.no-vmlinux" "$t/netlens.ko.no-vmlinux"
	result $? "headers only ($kver): module-btf.sh warns and exits 0" "$out"
	rm -rf "$t"
done
[ "$headers_only" -gt 0 ] || echo "# no kernel here has headers without its image (scripts/deps.sh installs linux-headers-rt-amd64)"

# The same, made deterministic: the kernel whose module BTF comes from its
# image (6.1: no vmlinux in its headers), with /boot (and debug vmlinux)
# hidden in a private mount namespace. A fresh `make module` succeeds.
kver=
for b in /lib/modules/*/build; do
	k=${b#/lib/modules/} k=${k%/build}
	if [ -e "/boot/vmlinuz-$k" ] && ! [ -e "$b/vmlinux" ]; then kver=$k; break; fi
done
if [ -z "$kver" ]; then
	skipped "image hidden: make module warns, exits 0" "no kernel with headers lacking vmlinux and an image"
elif [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	skipped "image hidden ($kver): make module warns, exits 0" "needs root and unshare -m"
else
	t=$(mktemp -d)
	out=$(unshare -m bash -c 'mount -t tmpfs none /boot &&
		{ ! [ -d /usr/lib/debug ] || mount -t tmpfs none /usr/lib/debug; } &&
		make -C "$1" module KVER="$2" BUILD="$3"' _ "$REPO" "$kver" "$t" 2>&1)
	rc=$?
	b=/lib/modules/$kver/build
	[ $rc = 0 ] && grep -Fx "$(novmlinux_first "$kver" "$b")" <<<"$out" >/dev/null &&
		grep -Fx "$(novmlinux_last "$kver")" <<<"$out" >/dev/null
	result $? "image hidden ($kver): make module warns and exits 0" "$out"
	[ "$(modinfo -F vermagic "$t/$kver/netlens.ko" 2>/dev/null | cut -d' ' -f1)" = "$kver" ] &&
		! readelf -S "$t/$kver/netlens.ko" 2>/dev/null | grep ' \.BTF ' >/dev/null &&
		[ -s "$t/$kver/netlens.ko.no-vmlinux" ]
	result $? "image hidden ($kver): module built without BTF, vermagic $kver"

	# A kernel without CONFIG_DEBUG_INFO_BTF_MODULES (its real .config,
	# the option off): a warning and exit 0, not a failure.
	mkdir -p "$t/kdir/include/config"
	sed 's/^CONFIG_DEBUG_INFO_BTF_MODULES=y$/# CONFIG_DEBUG_INFO_BTF_MODULES is not set/' \
		"$b/.config" >"$t/kdir/.config"
	mkdir "$t/w"
	cp "$t/$kver/netlens.ko" "$t/w/"
	out=$("$REPO/scripts/module-btf.sh" "$t/w/netlens.ko" "$kver" "$t/w" "$t/kdir" 2>&1)
	[ $? = 0 ] && grep -Fx "module-btf: warning: netlens.ko for $kver is built without BTF: the kernel is built without CONFIG_DEBUG_INFO_BTF_MODULES ($t/kdir/.config), so it loads no module BTF." <<<"$out" >/dev/null &&
		! [ -e "$t/w/netlens.ko.no-vmlinux" ]
	result $? "no CONFIG_DEBUG_INFO_BTF_MODULES: module-btf.sh warns and exits 0" "$out"
	rm -rf "$t"
fi

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:${skip:-0} error:0"
[ "$fail" = 0 ]
