#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian test kernel in qemu, load netlens.ko built for it and run a
# command inside, with the host's root shared read-only (the repository is
# at the same path) and a writable results directory.  Shaped like the
# kernel's tools/testing/selftests/bpf/vmtest.sh.
set -euo pipefail

usage() {
	cat <<USAGE
usage: $0 -k KERNEL [-n] [-s] [-i] [-c CPUS] [-t SECONDS] [-o DIR] [-- CMD [ARGS...]]

Boot a Debian kernel under qemu (TCG), load netlens.ko and run CMD inside.
CMD runs in the repository ($REPO) with the host's root as /;
default CMD: the kselftest suite (selftests/run_guest.sh).

  -k KERNEL   6.1, 6.12 or an installed release (e.g. 6.1.0-56-amd64)
  -n          do not load netlens.ko
  -s          interactive shell instead of CMD
  -i          instruction-counted time (-smp 1 -icount): for benchmarks
  -c CPUS     virtual CPUs (default 1).  With more than one, all vCPUs
              run on one host thread (-accel tcg,thread=single): TCG's
              multi-threaded mode has crashed SMP guests with "Oops:
              int3" when the kernel live-patches text another vCPU runs,
              as enabling a tracepoint or ftrace does
  -t SECONDS  give up on the guest after SECONDS (default: 900)
  -o DIR      results directory, writable in the guest at the same path
              (default: a new build/vmtest/KERNEL.XXXXXX; one run at a time
              per directory); exported as NETLENS_RESULTS
  -h          this help

The exit status is CMD's; 124 when the guest timed out, 125 when it ended
without a result (kernel panic, insmod failure) or could not be started.
USAGE
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}

die() { echo "vmtest: $*" >&2; exit 125; }

kernel= load_module=1 shell=0 icount=0 cpus=1 timeout_s=900 outdir=
while getopts ":k:nsic:t:o:h" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	n) load_module=0 ;;
	s) shell=1 ;;
	i) icount=1 ;;
	c) cpus=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	o) outdir=$OPTARG ;;
	h) usage; exit 0 ;;
	:) echo "vmtest: -$OPTARG needs an argument" >&2; usage >&2; exit 2 ;;
	*) echo "vmtest: unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$kernel" ] || { echo "vmtest: -k KERNEL is required" >&2; usage >&2; exit 2; }
[[ $cpus =~ ^[0-9]+$ ]] && [ "$cpus" -ge 1 ] && [ "$cpus" -le 64 ] ||
	{ echo "vmtest: -c takes 1 to 64 CPUs, not '$cpus'" >&2; exit 2; }
[[ $timeout_s =~ ^[0-9]+$ ]] && [ "$timeout_s" -ge 10 ] && [ "$timeout_s" -le 86400 ] ||
	{ echo "vmtest: -t takes whole seconds from 10 to 86400, not '$timeout_s'" >&2; exit 2; }
[ "$icount" = 0 ] || [ "$cpus" = 1 ] ||
	{ echo "vmtest: -i runs one vCPU (instruction counting is deterministic there only); drop -c $cpus" >&2; exit 2; }

# ---- which kernel ------------------------------------------------------------
# Debian's meta-packages for the two supported lines.
image_package() {
	case $1 in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	*) echo "linux-image-$1" ;;
	esac
}

case $kernel in
6.1 | 6.12)
	# The newest installed release of that line (6.1.* must not match 6.12).
	kver=$(cd /boot && ls -1 vmlinuz-"$kernel".[0-9]* 2>/dev/null |
		sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	[ -n "$kver" ] || die "no $kernel kernel installed: install $(image_package "$kernel") and linux-headers for it (scripts/deps.sh)"
	;;
[0-9]*.*-*)
	kver=$kernel
	[ -r "/boot/vmlinuz-$kver" ] || die "kernel $kver is not installed: install $(image_package "$kver")"
	;;
*)
	die "unknown kernel '$kernel': use 6.1, 6.12 or an installed release ($(cd /boot && ls vmlinuz-* 2>/dev/null | sed 's/vmlinuz-//' | tr '\n' ' '))"
	;;
esac
[ -d "/lib/modules/$kver/kernel" ] || die "modules of $kver missing: install $(image_package "$kernel")"

module=$BUILD/$kver/netlens.ko
if [ "$load_module" = 1 ] && [ ! -f "$module" ]; then
	die "$module not built: run 'make module KVER=$kver' (or -n to boot without it)"
fi

for tool in qemu-system-x86_64 busybox modprobe cpio; do
	command -v "$tool" >/dev/null || die "$tool missing: run scripts/deps.sh"
done

# A directory of its own unless told: the guest runs the guest.sh found
# there, so two runs sharing one would run each other's commands.
if [ -z "$outdir" ]; then
	mkdir -p "$BUILD/vmtest"
	outdir=$(mktemp -d "$BUILD/vmtest/$kernel.XXXXXX")
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
exec 9>"$outdir/.lock"
flock -n 9 || die "results directory $outdir is in use by another vmtest.sh run (pick another with -o)"
rm -f "$outdir/rc" "$outdir/guest.sh"

# ---- initramfs: busybox, the modules that mount the 9p shares, firmware -------
initdir=$(mktemp -d)
trap 'rm -rf "$initdir"' EXIT
mkdir -p "$initdir"/{bin,dev,proc,sys,mnt,modules,lib/firmware}
cp "$(command -v busybox)" "$initdir/bin/busybox"

: >"$initdir/modules.list"
while read -r verb path _; do
	[ "$verb" = insmod ] || continue
	name=$(basename "$path")
	case $name in
	*.ko.xz) xz -dc "$path" >"$initdir/modules/${name%.xz}"; name=${name%.xz} ;;
	*.ko.zst) zstd -qdc "$path" >"$initdir/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$path" "$initdir/modules/$name" ;;
	esac
	grep -qx "$name" "$initdir/modules.list" || echo "$name" >>"$initdir/modules.list"
done < <(for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m" 2>/dev/null
done)

# cfg80211 loads regulatory.db from the initramfs's root, not the chroot's.
for f in regulatory.db regulatory.db.p7s; do
	[ -e "/lib/firmware/$f" ] && cp -L "/lib/firmware/$f" "$initdir/lib/firmware/$f"
done

cat >"$initdir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /config

fail() { echo "vmtest-init: $*"; poweroff -f; }

for m in $(cat /modules.list); do
	insmod "/modules/$m" || fail "insmod $m failed"
done
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$opts,ro" hostroot /mnt || fail "cannot mount the host root"
for d in tmp run var root; do mount -t tmpfs tmpfs "/mnt/$d"; done
# The repository and results get shares of their own: they may live under
# a directory the guest has just covered with tmpfs (a clone in /tmp).
mkdir -p "/mnt$REPO" "/mnt$RESULTS" 2>/dev/null
mount -t 9p -o "$opts,ro" repo "/mnt$REPO" || fail "cannot mount $REPO"
mount -t 9p -o "$opts" results "/mnt$RESULTS" || fail "cannot mount $RESULTS"
mkdir -p /mnt/var/tmp /mnt/var/lib /mnt/var/log /mnt/var/cache
ln -s ../run /mnt/var/run
mount -t proc proc /mnt/proc
mount -t sysfs sysfs /mnt/sys
mount -t devtmpfs devtmpfs /mnt/dev
mkdir -p /mnt/dev/pts /mnt/dev/shm
# What udev would add: bash's <(...) needs /dev/fd.
ln -sf /proc/self/fd /mnt/dev/fd
ln -sf /proc/self/fd/0 /mnt/dev/stdin
ln -sf /proc/self/fd/1 /mnt/dev/stdout
ln -sf /proc/self/fd/2 /mnt/dev/stderr
mount -t devpts devpts /mnt/dev/pts
mount -t tmpfs tmpfs /mnt/dev/shm
mount -t tracefs tracefs /mnt/sys/kernel/tracing
# Enabling any trace event would also hook sched_switch to record comms,
# live-patching a static branch in __schedule under every vCPU: TCG has
# crashed on that int3 patching ("Oops: int3" in __schedule).  Tests read
# comms from their own events, not from that cache.
echo 0 >/mnt/sys/kernel/tracing/options/record-cmd
mount -t debugfs debugfs /mnt/sys/kernel/debug
mount -t bpf bpf /mnt/sys/fs/bpf
mount -t cgroup2 cgroup2 /mnt/sys/fs/cgroup
hostname vmtest
# Module autoloading (ip link add ... type veth) runs the modprobe helper in
# this initramfs: hand it to the host's modprobe and modules.
printf '#!/bin/sh\nexec chroot /mnt /sbin/modprobe "$@"\n' >/bin/modprobe-chroot
chmod +x /bin/modprobe-chroot
echo /bin/modprobe-chroot >/proc/sys/kernel/modprobe
ip link set lo up 2>/dev/null

if [ "$SHELL_MODE" = 1 ]; then
	setsid cttyhack chroot /mnt /bin/bash "$RESULTS/guest.sh"
else
	chroot /mnt /bin/bash "$RESULTS/guest.sh"
fi
sync
poweroff -f
INIT
chmod +x "$initdir/init"
printf 'REPO=%q\nRESULTS=%q\nSHELL_MODE=%q\n' "$REPO" "$outdir" "$shell" >"$initdir/config"

# ---- what runs in the guest --------------------------------------------------
if [ $# -eq 0 ]; then
	set -- "$REPO/selftests/run_guest.sh"
fi
{
	echo '#!/bin/bash'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=linux LANG=C.UTF-8'
	printf 'export NETLENS_VMTEST=1 NETLENS_KVER=%q NETLENS_KERNEL=%q NETLENS_RESULTS=%q NETLENS_BUILD=%q\n' \
		"$kver" "$kernel" "$outdir" "$BUILD"
	printf 'cd %q || exit\n' "$REPO"
	if [ "$load_module" = 1 ]; then
		printf 'if ! insmod %q; then echo "vmtest: insmod netlens.ko failed"; echo 125 >"$NETLENS_RESULTS/rc"; exit; fi\n' "$module"
	fi
	if [ "$shell" = 1 ]; then
		echo 'echo "vmtest: shell on $NETLENS_KVER; exit to power off"'
		echo '/bin/bash -i'
	else
		printf '%q ' "$@"
		echo
	fi
	echo 'echo $? >"$NETLENS_RESULTS/rc"'
} >"$outdir/guest.sh"

(cd "$initdir" && find . | cpio -o -H newc --quiet) | gzip -1 >"$outdir/initramfs.cpio.gz"

# ---- boot --------------------------------------------------------------------
if [ "$icount" = 1 ]; then
	cpu_args=(-accel tcg -smp 1 -icount shift=2,sleep=off)
elif [ "$cpus" -gt 1 ]; then
	# Round-robin on one host thread: the vCPUs still interleave at
	# arbitrary instructions (real SMP races), but text patching is safe.
	cpu_args=(-accel tcg,thread=single -smp "$cpus")
else
	cpu_args=(-accel tcg -smp 1)
fi
qemu=(qemu-system-x86_64 -cpu max "${cpu_args[@]}" -m 2G
	-nographic -no-reboot -nic none
	# Two virtio-net NICs on a qemu hub of their own: a real NAPI driver for
	# tests (move one into a namespace); frames never leave qemu.
	-netdev hubport,id=hub0,hubid=0 -device virtio-net-pci,netdev=hub0,mac=52:54:00:6e:6c:01,romfile=
	-netdev hubport,id=hub1,hubid=0 -device virtio-net-pci,netdev=hub1,mac=52:54:00:6e:6c:02,romfile=
	-kernel "/boot/vmlinuz-$kver" -initrd "$outdir/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 oops=panic loglevel=4 rdinit=/init"
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=repo,path=$REPO,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=repo,mount_tag=repo
	-fsdev "local,id=results,path=$outdir,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=results,mount_tag=results)

echo "vmtest: booting $kver on $cpus vCPU$([ "$cpus" = 1 ] || echo s) [${cpu_args[*]}] ($( [ "$load_module" = 1 ] && echo "with netlens.ko" || echo "without netlens.ko")), timeout ${timeout_s}s" >&2
status=0
if [ "$shell" = 1 ]; then
	"${qemu[@]}" || status=$?
else
	timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null || status=$?
fi

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "vmtest: guest $kver did not finish within ${timeout_s}s (hung?): killed" >&2
	exit 124
fi
if [ ! -s "$outdir/rc" ]; then
	echo "vmtest: guest $kver ended without a result (kernel panic or crash? see the console above; qemu status $status)" >&2
	exit 125
fi
exit "$(cat "$outdir/rc")"
