#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Inside the benchmark guest (booted without netlens.ko).  Each row runs
# the same skbload workload with one way of measuring skb lifetimes.
set -euo pipefail
B=$NETLENS_BUILD
COUNT=${BENCH_COUNT:-20000}
OUT=$NETLENS_RESULTS
declare -A udp tcp events

# The book's skblife (10.3.28), adapted to 6.1: the skb caches are
# still variables there, kmem_cache_alloc_node allocates skb heads, and
# kmem_cache_free(s, x) frees arg1 (the book keys its free on arg0, the cache).
cat >"$OUT/book-skblife.bt" <<'BT'
BEGIN { printf("Tracing\n"); }
kprobe:kmem_cache_alloc,kprobe:kmem_cache_alloc_node
{
	$cache = arg0;
	if ($cache == *kaddr("skbuff_fclone_cache") || $cache == *kaddr("skbuff_head_cache")) {
		@is_skb_alloc[tid] = 1;
	}
}
kretprobe:kmem_cache_alloc,kretprobe:kmem_cache_alloc_node
/@is_skb_alloc[tid]/
{
	@skb_birth[retval] = nsecs;
	delete(@is_skb_alloc[tid]);
}
kprobe:kmem_cache_free
/@skb_birth[arg1]/
{
	@skb_residency_nsecs = hist(nsecs - @skb_birth[arg1]);
	@lifetimes = count();
	delete(@skb_birth[arg1]);
}
END
{
	clear(@is_skb_alloc);
	clear(@skb_birth);
}
BT

# run ROW: the workload, its rates into udp[ROW] tcp[ROW].
run() {
	local line
	line=$("$B/bench/skbload" "$COUNT")
	udp[$1]=$(sed -n 's/.*udp_pps=\([0-9]*\).*/\1/p' <<<"$line")
	tcp[$1]=$(sed -n 's/.*tcp_pps=\([0-9]*\).*/\1/p' <<<"$line")
	echo "bench: $1: $line" >&2
}

. "$(dirname "$0")/bench-lib.sh"

# lifetimes ROW: what ROW's tracer counted (its "total" or "@lifetimes").
lifetimes() {
	events[$1]=$(grep -o '"total":[0-9]*\|@lifetimes: [0-9]*' "$OUT/$1.log" | grep -o '[0-9]*$' | tail -n 1 || true)
}

run a
insmod "$B/$NETLENS_KVER/netlens.ko"
run b
before=$("$B/bin/netlensctl" -j skb | grep -o '"frees":[0-9]*' | cut -d: -f2)
with_tool c "Tracing sk_buff" "$B/bin/skblife" -j
after=$("$B/bin/netlensctl" -j skb | grep -o '"frees":[0-9]*' | cut -d: -f2)
events[c]=$((after - before))
with_tool d "Tracing sk_buff" "$B/bin/skblife" -F -j
lifetimes d
with_tool e "Tracing" bpftrace "$OUT/book-skblife.bt"
lifetimes e
# (f), the best pure-BPF alternative: raw tracepoints on the kmem events
# filtered by the skbuff caches is exactly skblife -F (tp_btf cannot read
# kmem_cache_alloc's ptr argument on 6.1): measured again.
with_tool f "Tracing sk_buff" "$B/bin/skblife" -F -j
lifetimes f

desc() {
	case $1 in
	a) echo "nothing attached (no module)" ;;
	b) echo "netlens.ko loaded, idle" ;;
	c) echo "skblife on netlens:skb_free" ;;
	d) echo "skblife -F (pure-BPF fallback)" ;;
	e) echo "book's skblife under bpftrace" ;;
	f) echo "pure BPF raw_tp on kmem (= -F)" ;;
	esac
}
{
	echo
	printf '%-3s %-34s %10s %7s %10s %7s %12s\n' row method "udp pkt/s" ratio "tcp msg/s" ratio "lifetimes/s"
	for r in a b c d e f; do
		ev=${events[$r]:-}
		if [ -n "$ev" ]; then
			# lifetimes per second of the whole run's virtual time
			evs=$(awk -v e="$ev" -v c="$COUNT" -v u="${udp[$r]}" -v t="${tcp[$r]}" \
				'BEGIN { printf "%.0f", e / (c / u + c / t) }')
		else
			evs=-
		fi
		printf '%-3s %-34s %10s %7s %10s %7s %12s\n' "$r" "$(desc $r)" \
			"${udp[$r]}" "$(ratio "${udp[$r]}" "${udp[a]}")" \
			"${tcp[$r]}" "$(ratio "${tcp[$r]}" "${tcp[a]}")" \
			"$evs"
	done
} | tee "$OUT/table.txt"
