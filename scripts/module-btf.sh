#!/usr/bin/env bash
# Give an out-of-tree module BTF when the kernel's headers cannot (Debian's
# 6.1 headers ship neither vmlinux nor resolve_btfids, so Kbuild skips it).
# kfuncs and tp_btf on module tracepoints need module BTF.
#
# Module BTF is an extra, not a condition of the module: where it cannot be
# had (a kernel without CONFIG_DEBUG_INFO_BTF_MODULES, or headers installed
# without the kernel's image, so no vmlinux to build it against) the module
# is left without it, a warning says what that loses and how to get it, and
# the exit status is 0, so that `make` still builds every kernel's module.
# Without a vmlinux the warning is also left in WORKDIR/MODULE.ko.no-vmlinux:
# the Makefile rebuilds the module once the kernel's image is installed.
#
# usage: module-btf.sh MODULE.ko KVER [WORKDIR [KDIR]]
#   KDIR: the headers the module was built with (default /lib/modules/KVER/build)
set -euo pipefail

ko=$1
kver=$2
workdir=${3:-$(dirname "$ko")}
kdir=${4:-/lib/modules/$kver/build}

die() { echo "module-btf: $*" >&2; exit 1; }

# No grep -q: with pipefail, readelf killed by SIGPIPE would fail the check.
has_btf() { readelf -S "$1" 2>/dev/null | grep ' \.BTF ' >/dev/null; }

[ -f "$ko" ] || die "no such module: $ko"
novmlinux=$workdir/$(basename "$ko").no-vmlinux
rm -f "$novmlinux"
has_btf "$ko" && exit 0

# Warn and leave the module as built, without BTF; $3: a file to keep the
# warning in.
warn_nobtf() {
	{
		echo "module-btf: warning: $(basename "$ko") for $kver is built without BTF: $1."
		echo "module-btf:   Lost: the netlens kfuncs and tp_btf on netlens tracepoints (no /sys/kernel/btf/netlens): BPF tools fall back (skblife to the kmem tracepoints) or say why they cannot run (skblife -L, ieee80211scan -H, netlensctl selftest)."
		echo "module-btf:   Still works: loading the module and its classic tracepoints (perf, trace-cmd, bpftrace tracepoint:netlens:*)."
		echo "module-btf:   To get it: $2"
	} | tee ${3:+"$3"} >&2
	exit 0
}

# The configuration the module was built against: the headers' own (a
# headers-only install has no /boot/config-KVER), else /boot's.
config=
for f in "$kdir/.config" "$kdir/include/config/auto.conf" "/boot/config-$kver"; do
	if [ -r "$f" ]; then config=$f; break; fi
done
[ -n "$config" ] ||
	die "no configuration for kernel $kver ($kdir/.config, $kdir/include/config/auto.conf, /boot/config-$kver): install linux-headers-$kver"

grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$config" ||
	warn_nobtf "the kernel is built without CONFIG_DEBUG_INFO_BTF_MODULES ($config), so it loads no module BTF" \
		"use a kernel built with CONFIG_DEBUG_INFO_BTF_MODULES=y (Debian's are); no package adds it to this one"

# A vmlinux with .BTF to be the base: one extracted before, the headers' own
# (Debian's 6.12 ships one), the debug package's, else from the image.
vmlinux=
for f in "$workdir/vmlinux-$kver" "$kdir/vmlinux" "/usr/lib/debug/boot/vmlinux-$kver" \
	"/usr/lib/debug/lib/modules/$kver/vmlinux"; do
	if [ -s "$f" ] && has_btf "$f"; then vmlinux=$f; break; fi
done
vmlinuz=/boot/vmlinuz-$kver
if [ -z "$vmlinux" ] && ! [ -r "$vmlinuz" ]; then
	version=$(sed -n 's/^#define NETLENS_VERSION[[:space:]]*"\(.*\)"/\1/p' \
		"$(dirname "$0")/../include/uapi/linux/netlens.h" 2>/dev/null || true)
	mkdir -p "$workdir"
	warn_nobtf "no vmlinux with BTF for that kernel ($vmlinuz missing, no vmlinux in $kdir)" \
		"apt-get install linux-image-$kver, then run make again (with DKMS: dkms install --force netlens/${version:-VERSION} -k $kver)" \
		"$novmlinux"
fi

command -v pahole >/dev/null || die "pahole missing: install dwarves"

# resolve_btfids from any installed kernel's headers handles 6.1's format.
resolve_btfids=$(ls /usr/src/linux-headers-*/tools/bpf/resolve_btfids/resolve_btfids 2>/dev/null | tail -n 1)
[ -x "$resolve_btfids" ] ||
	die "resolve_btfids missing: install linux-headers-6.12-amd64 (it ships the tool)"

# The ELF vmlinux inside the bzImage keeps .BTF: find the compressed payload
# by its magic and decompress it.
if [ -z "$vmlinux" ]; then
	vmlinux=$workdir/vmlinux-$kver
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
