#!/usr/bin/env bash
# Install everything netlens needs from Debian's packages. Idempotent: when all
# packages are already present it only checks and returns.
set -euo pipefail

packages=(
	# toolchain for module, BPF and userspace
	make gcc clang llvm pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev
	libnl-3-dev libnl-genl-3-dev dwarves dkms kmod xz-utils zstd cpio
	# test kernels: 6.1 (linux-*-amd64) and 6.12 (linux-*-6.12-amd64)
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.1
	# headers without their image (6.1 PREEMPT_RT): the case a user hits
	# with linux-headers-* alone; make must still build every module, this
	# one without BTF and with a warning (selftests/build_test.sh)
	linux-headers-rt-amd64
	# VM runner and in-guest workloads
	qemu-system-x86 busybox-static iproute2 ethtool iw hostapd wireless-regdb
	procps
	# perf record on netlens events (unload_test: perf pins the module)
	linux-perf
	# benchmarks: the book's method under bpftrace; enable_test: every
	# way of consuming netlens events (perf, trace-cmd, bpftrace)
	bpftrace trace-cmd
	# schema_test: every tool's -j output against selftests/json_schema.jq
	jq
	# net_tools_test: superping against ping's own times
	iputils-ping
	# tcp_tools_test: tcplife -g's DOT graph, read back by graphviz
	graphviz
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep '^install ok installed$' >/dev/null ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root (or: sudo $0)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
