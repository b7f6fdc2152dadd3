#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Inside the benchmark guest (booted without netlens.ko): what each TCP tool
# costs on a fixed workload (skbload -S: TCP sessions over loopback, then
# 64-byte messages on one, all in one process), next to the book's bpftrace version of the same
# tool and, where netlens.ko's tracepoint replaces a kprobe, the tool's own
# kprobe fallback: the difference is what the module saves.
set -euo pipefail
B=$NETLENS_BUILD
COUNT=${BENCH_TCP_COUNT:-2000}
OUT=$NETLENS_RESULTS
declare -A sessions msgs

. "$(dirname "$0")/bench-lib.sh"

# The book's tools as bpftrace runs them on 6.1, reduced to their probes
# and the work they do per event (their output formats aside).  BEGIN
# says when they trace: bpftrace prints "Attaching" before it attaches.
cat >"$OUT/book-tcpnagle.bt" <<'BT'
BEGIN { printf("Tracing\n"); }
kprobe:tcp_write_xmit
{
	@nagle[arg2] = count();
	@sk[tid] = arg0;
}
kretprobe:tcp_write_xmit
/@sk[tid]/
{
	$held = retval & 0xff;
	$sk = @sk[tid];
	if ($held && !@start[$sk]) {
		@start[$sk] = nsecs;
	}
	if (!$held && @start[$sk]) {
		@blocked_us = hist((nsecs - @start[$sk]) / 1000);
		delete(@start[$sk]);
	}
	delete(@sk[tid]);
}
END { clear(@start); clear(@sk); }
BT
cat >"$OUT/book-tcpsynbl.bt" <<'BT'
#include <net/sock.h>
BEGIN { printf("Tracing\n"); }
kprobe:tcp_v4_syn_recv_sock,kprobe:tcp_v6_syn_recv_sock
{
	$sock = (struct sock *)arg0;
	@backlog[$sock->sk_max_ack_backlog & 0xffffffff] = hist($sock->sk_ack_backlog);
	if ($sock->sk_ack_backlog > $sock->sk_max_ack_backlog) {
		time("%H:%M:%S dropping a SYN.\n");
	}
}
BT
cat >"$OUT/book-tcplife.bt" <<'BT'
#include <net/tcp_states.h>
#include <net/sock.h>
#include <linux/tcp.h>
BEGIN { printf("Tracing\n"); }
kprobe:tcp_set_state
{
	$sk = (struct sock *)arg0;
	$newstate = arg1;
	if ($newstate < TCP_FIN_WAIT1 && @birth[$sk] == 0) {
		@birth[$sk] = nsecs;
	}
	if ($newstate == TCP_SYN_SENT || $newstate == TCP_LAST_ACK) {
		@skpid[$sk] = pid;
		@skcomm[$sk] = comm;
	}
	if ($newstate == TCP_CLOSE && @birth[$sk]) {
		$tp = (struct tcp_sock *)$sk;
		printf("%d %s %d %d %d %d %d\n", @skpid[$sk], @skcomm[$sk],
		    $sk->__sk_common.skc_num, $sk->__sk_common.skc_dport,
		    $tp->bytes_acked / 1024, $tp->bytes_received / 1024,
		    (nsecs - @birth[$sk]) / 1000000);
		delete(@birth[$sk]);
		delete(@skpid[$sk]);
		delete(@skcomm[$sk]);
	}
}
END { clear(@birth); clear(@skpid); clear(@skcomm); }
BT
cat >"$OUT/book-tcpaccept.bt" <<'BT'
#include <net/sock.h>
BEGIN { printf("Tracing\n"); }
kretprobe:inet_csk_accept
{
	$sk = (struct sock *)retval;
	$family = $sk->__sk_common.skc_family;
	if ($family == 2 || $family == 10) {
		printf("%d %s %s %d %d %d/%d\n", pid, comm,
		    ntop($sk->__sk_common.skc_daddr), $sk->__sk_common.skc_dport,
		    $sk->__sk_common.skc_num, $sk->sk_ack_backlog, $sk->sk_max_ack_backlog);
	}
}
BT
# BCC's tcptop (the book has no bpftrace tcptop): tcp_sendmsg's size
# and tcp_cleanup_rbuf's copied, summed per process and IPv4 session, and
# printed every second.
cat >"$OUT/book-tcptop.bt" <<'BT'
#include <net/sock.h>
BEGIN { printf("Tracing\n"); }
kprobe:tcp_sendmsg
{
	$sk = (struct sock *)arg0;
	@tx[pid, comm, $sk->__sk_common.skc_rcv_saddr, $sk->__sk_common.skc_num,
	    $sk->__sk_common.skc_daddr, $sk->__sk_common.skc_dport] = sum(arg2);
}
kprobe:tcp_cleanup_rbuf
/(int32)arg1 > 0/
{
	$sk = (struct sock *)arg0;
	@rx[pid, comm, $sk->__sk_common.skc_rcv_saddr, $sk->__sk_common.skc_num,
	    $sk->__sk_common.skc_daddr, $sk->__sk_common.skc_dport] = sum((int32)arg1);
}
interval:s:1 { print(@rx); print(@tx); clear(@rx); clear(@tx); }
BT
# tcpwin.bt as the book has it: a CSV line per segment received.
cat >"$OUT/book-tcpwin.bt" <<'BT'
#include <net/sock.h>
#include <linux/tcp.h>
BEGIN { printf("Tracing\nevent,sock,time_us,snd_cwnd,snd_ssthresh,sk_sndbuf,sk_wmem_queued\n"); }
kprobe:tcp_rcv_established
{
	$sock = (struct sock *)arg0;
	$tcps = (struct tcp_sock *)arg0;
	printf("rcv,0x%llx,%lld,%d,%d,%d,%d\n", arg0, elapsed / 1000,
	    $tcps->snd_cwnd, $tcps->snd_ssthresh, $sock->sk_sndbuf,
	    $sock->sk_wmem_queued);
}
BT
# tcpretrans.bt: a kprobe on tcp_retransmit_skb (none fire on a clean
# loopback: the row is what an idle probe costs).
cat >"$OUT/book-tcpretrans.bt" <<'BT'
#include <net/sock.h>
BEGIN { printf("Tracing\n"); }
kprobe:tcp_retransmit_skb
{
	$sk = (struct sock *)arg0;
	time("%H:%M:%S ");
	printf("%d %d %d %d\n", pid, $sk->__sk_common.skc_num,
	    $sk->__sk_common.skc_dport, $sk->__sk_common.skc_state);
}
BT

# run ROW: the workload, its rates into sessions[ROW] msgs[ROW].
run() {
	local line
	line=$("$B/bench/skbload" -S "$COUNT")
	sessions[$1]=$(sed -n 's/.*sessions_ps=\([0-9]*\).*/\1/p' <<<"$line")
	msgs[$1]=$(sed -n 's/.*tcp_pps=\([0-9]*\).*/\1/p' <<<"$line")
	echo "bench: $1: $line" >&2
}

run a
insmod "$B/$NETLENS_KVER/netlens.ko"
run b
with_tool c "Tracing TCP nagle" "$B/bin/tcpnagle" -j
NETLENS_FORCE_ATTACH=kprobe with_tool d "Tracing TCP nagle" "$B/bin/tcpnagle" -j
with_tool e "Tracing" bpftrace "$OUT/book-tcpnagle.bt"
with_tool f "Tracing SYN backlog" "$B/bin/tcpsynbl" -j
NETLENS_FORCE_ATTACH=kprobe with_tool g "Tracing SYN backlog" "$B/bin/tcpsynbl" -j
with_tool h "Tracing" bpftrace "$OUT/book-tcpsynbl.bt"
with_tool i "Tracing TCP sessions" "$B/bin/tcplife" -j
with_tool j "Tracing" bpftrace "$OUT/book-tcplife.bt"
with_tool k "Tracing TCP accepts" "$B/bin/tcpaccept" -j
with_tool l "Tracing" bpftrace "$OUT/book-tcpaccept.bt"
with_tool m "Tracing TCP connects" "$B/bin/tcpconnect" -j
with_tool n "Tracing TCP binds" "$B/bin/tcpbind" -j
with_tool o "Tracing... Output every" "$B/bin/tcptop" -j -S
NETLENS_FORCE_ATTACH=fentry with_tool p "Tracing... Output every" "$B/bin/tcptop" -j -S
NETLENS_FORCE_ATTACH=kprobe with_tool q "Tracing... Output every" "$B/bin/tcptop" -j -S
with_tool r "Tracing" bpftrace "$OUT/book-tcptop.bt"
with_tool s "Tracing TCP windows" "$B/bin/tcpwin"
with_tool t "Tracing" bpftrace "$OUT/book-tcpwin.bt"
with_tool u "LADDR:LPORT" "$B/bin/tcpretrans" -l
with_tool v "Tracing" bpftrace "$OUT/book-tcpretrans.bt"
# Nothing again: how far the rates drifted over the run.
run z

desc() {
	case $1 in
	a) echo "nothing attached (no module)" ;;
	b) echo "netlens.ko loaded, idle" ;;
	c) echo "tcpnagle on netlens:tcp_write_xmit" ;;
	d) echo "tcpnagle, kprobe+kretprobe fallback" ;;
	e) echo "book's tcpnagle.bt (bpftrace)" ;;
	f) echo "tcpsynbl on netlens:tcp_syn_recv" ;;
	g) echo "tcpsynbl, kprobe fallback" ;;
	h) echo "book's tcpsynbl.bt (bpftrace)" ;;
	i) echo "tcplife on sock:inet_sock_set_state" ;;
	j) echo "book's tcplife.bt (kprobe, bpftrace)" ;;
	k) echo "tcpaccept on syscalls:*accept*" ;;
	l) echo "book's tcpaccept.bt (kretprobe)" ;;
	m) echo "tcpconnect on sock:inet_sock_set_state" ;;
	n) echo "tcpbind on syscalls:*bind" ;;
	o) echo "tcptop on netlens:tcp_{send,recv}_length" ;;
	p) echo "tcptop, fexit fallback" ;;
	q) echo "tcptop, kprobe+kretprobe fallback" ;;
	r) echo "BCC tcptop's kprobes (bpftrace)" ;;
	s) echo "tcpwin on tcp:tcp_probe" ;;
	t) echo "book's tcpwin.bt (kprobe)" ;;
	u) echo "tcpretrans -l (tp_btf, netlens)" ;;
	v) echo "book's tcpretrans.bt (kprobe)" ;;
	z) echo "nothing attached, again (drift)" ;;
	esac
}
{
	echo
	printf '%-3s %-40s %11s %7s %10s %7s\n' row method "sessions/s" ratio "tcp msg/s" ratio
	for r in a b c d e f g h i j k l m n o p q r s t u v z; do
		printf '%-3s %-40s %11s %7s %10s %7s\n' "$r" "$(desc $r)" \
			"${sessions[$r]}" "$(ratio "${sessions[$r]}" "${sessions[a]}")" \
			"${msgs[$r]}" "$(ratio "${msgs[$r]}" "${msgs[a]}")"
	done
} | tee "$OUT/tcp-table.txt"
