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

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
