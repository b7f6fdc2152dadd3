#!/usr/bin/env bash
# Give an out-of-tree module BTF when the kernel's headers cannot (Debian's
# 6.1 headers ship neither vmlinux nor resolve_btfids, so Kbuild skips it).
# kfuncs and tp_btf on module tracepoints need module BTF.
#
# usage: module-btf.sh MODULE.ko KVER [WORKDIR]
set -euo pipefail

ko=$1
kver=$2
workdir=${3:-$(dirname "$ko")}

die() { echo "module-btf: $*" >&2; exit 1; }

# No grep -q: with pipefail, readelf killed by SIGPIPE would fail the check.
has_btf() { readelf -S "$1" 2>/dev/null | grep ' \.BTF ' >/dev/null; }

[ -f "$ko" ] || die "no such module: $ko"
has_btf "$ko" && exit 0

grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "/boot/config-$kver" 2>/dev/null ||
	die "kernel $kver is not built with CONFIG_DEBUG_INFO_BTF_MODULES: no module BTF possible"

vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || die "$vmlinuz missing: install linux-image-$kver"
command -v pahole >/dev/null || die "pahole missing: install dwarves"

# resolve_btfids from any installed kernel's headers handles 6.1's format.
resolve_btfids=$(ls /usr/src/linux-headers-*/tools/bpf/resolve_btfids/resolve_btfids 2>/dev/null | tail -n 1)
[ -x "$resolve_btfids" ] ||
	die "resolve_btfids missing: install linux-headers-6.12-amd64 (it ships the tool)"

# The ELF vmlinux inside the bzImage keeps .BTF: find the compressed payload
# by its magic and decompress it.
vmlinux=$workdir/vmlinux-$kver
if ! [ -s "$vmlinux" ]; then
	tmp=$vmlinux.tmp
	for fmt in xz zstd gzip; do
		case $fmt in
		xz) magic='\3757zXZ\000'; cmd='xz -dc' ;;
		zstd) magic='(\265/\375'; cmd='zstd -dc' ;;
		gzip) magic='\037\213\010'; cmd='gzip -dc' ;;
		esac
		for off in $(LC_ALL=C grep -obUaP "$(printf "$magic" | od -An -tx1 | sed 's/ /\\x/g')" "$vmlinuz" | cut -d: -f1); do
			tail -c +"$((off + 1))" "$vmlinuz" | $cmd >"$tmp" 2>/dev/null || true
			if readelf -S "$tmp" 2>/dev/null | grep ' \.BTF ' >/dev/null; then
				mv "$tmp" "$vmlinux"
				break 2
			fi
		done
	done
	rm -f "$tmp"
	[ -s "$vmlinux" ] || die "could not extract an ELF vmlinux with .BTF from $vmlinuz"
fi

LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats -j --lang_exclude=rust \
	--btf_base "$vmlinux" "$ko"
"$resolve_btfids" -b "$vmlinux" "$ko"
has_btf "$ko" || die "pahole added no .BTF section to $ko"
echo "  BTF [M] $ko (base: $vmlinux)"
