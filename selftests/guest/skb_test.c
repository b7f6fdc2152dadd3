// SPDX-License-Identifier: GPL-2.0
/*
 * netlens:skb_alloc / netlens:skb_free are exact: drive UDP and TCP over
 * loopback and over a veth pair into another network namespace (GRO on,
 * so the NAPI paths run), then check with a BPF program that keeps its own
 * pointer-keyed state that every free matched one alloc, that no pointer
 * was handed out twice, that the module's ages agree, that everything the
 * workload allocated was released, and that skblife's histogram total
 * equals the lifetimes completed.
 *
 * The kernel's own kmem:kmem_cache_alloc/free tracepoints on the skbuff
 * caches are the ground truth for the slab: the checker also attaches to
 * them and requires that every sk_buff object the slab hands out one by
 * one is announced by skb_alloc, that every slab-path skb_alloc names an
 * object the slab just handed out, and that the slab never takes back an
 * skb netlens still counts as live.  What those tracepoints cannot see is
 * checked by path counts instead: fast-clone twins (skb_clone of an
 * fclone allocates nothing), and skbs of the per-CPU NAPI cache, which is
 * filled and flushed with kmem_cache_alloc_bulk/free_bulk (no per-object
 * events); virtio-net in the guest drives that cache.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <net/if.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "netlens_dev.h"
#include "ksyms.h"
#include "skb_exact.skel.h"

#define NS "netlens_skbtest"
#define NS_NIC "netlens_skbnic"
#define UDP_PORT 17001	/* udp_loopback(); a flow sends UDP to its port + 1 */
#define TCP_PORT 17002
#define SMP_PORT 17010	/* and up, two per flow */
#define UDP_COUNT 2000
#define TCP_COUNT 2000

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * One flow of test traffic: TCP then UDP from a sender here to a receiver
 * in namespace @ns (NULL: here), each pinned to a CPU when told.
 */
struct flow {
	const char *ns;
	const char *dst;
	int port;		/* TCP on it, UDP on the next */
	int tx_cpu, rx_cpu;	/* -1: anywhere */
	int tcp_writes;		/* of 1000 bytes */
	int udp_count;		/* datagrams of 64 bytes */
};

/* Receiver of @f: drains the TCP bytes, then the datagrams. */
static pid_t start_receiver(const struct flow *f, int ready_fd)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	pin_to_cpu(f->rx_cpu);
	if (f->ns) {
		char path[128];
		int nsfd;

		snprintf(path, sizeof(path), "/var/run/netns/%s", f->ns);
		nsfd = open(path, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(10);
	}
	{
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
		int u = socket(AF_INET, SOCK_DGRAM, 0), l = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1, rcv = 8 << 20, c, n = 0, got;
		long total = 0;
		char buf[65536];

		setsockopt(u, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		a.sin_port = htons(f->port + 1);
		if (bind(u, (void *)&a, sizeof(a)))
			_exit(11);
		a.sin_port = htons(f->port);
		if (bind(l, (void *)&a, sizeof(a)) || listen(l, 1))
			_exit(12);
		if (write(ready_fd, "r", 1) != 1)
			_exit(13);
		c = accept(l, NULL, NULL);
		if (c < 0)
			_exit(14);
		while ((got = read(c, buf, sizeof(buf))) > 0)
			total += got;
		/* The sender sends UDP only after TCP is done. */
		for (n = 0; n < f->udp_count; n++)
			if (recv(u, buf, sizeof(buf), 0) < 0)
				_exit(15);
		_exit(total == (long)f->tcp_writes * 1000 ? 0 : 16);
	}
}

/*
 * Run @f to the end: 0, or the first step that failed (receiver's exit
 * codes 10-16, the sender's 20-26).  No harness macros: flows also run in
 * children of the test.
 */
static int run_flow(const struct flow *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char buf[1000] = { 0 }, r;
	int p[2], t, u, i, st, err = 0;
	pid_t rx;

	if (pipe(p))
		return 20;
	rx = start_receiver(f, p[1]);
	close(p[1]);
	if (rx < 0 || read(p[0], &r, 1) != 1) {
		close(p[0]);
		err = 21;	/* the receiver did not start */
		goto out_wait;
	}
	close(p[0]);
	pin_to_cpu(f->tx_cpu);

	inet_pton(AF_INET, f->dst, &a.sin_addr);
	a.sin_port = htons(f->port);
	t = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(t, (void *)&a, sizeof(a))) {
		err = 22;
		goto out_kill;
	}
	for (i = 0; i < f->tcp_writes; i++)
		if (write(t, buf, sizeof(buf)) != sizeof(buf)) {
			err = 23;
			goto out_kill;
		}
	close(t);

	a.sin_port = htons(f->port + 1);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	for (i = 0; i < f->udp_count; i++) {
		if (sendto(u, buf, 64, 0, (void *)&a, sizeof(a)) != 64) {
			err = 24;
			goto out_kill;
		}
		if (i % 64 == 63)
			usleep(1000);	/* stay within the receive buffer */
	}
	close(u);
	goto out_wait;
out_kill:
	kill(rx, SIGKILL);
out_wait:
	if (rx > 0 && waitpid(rx, &st, 0) == rx && !err)
		err = WIFEXITED(st) ? WEXITSTATUS(st) : 25;
	return err;
}

/* Run @n flows at once, each from a child of its own; 0 if all ended well. */
static int run_flows(struct __test_metadata *_metadata, const struct flow *flows, int n)
{
	pid_t pids[64];
	int i, st, failed = 0;

	for (i = 0; i < n && i < 64; i++) {
		pids[i] = fork();
		if (!pids[i])
			_exit(run_flow(&flows[i]));
	}
	for (i = 0; i < n && i < 64; i++) {
		if (pids[i] < 0 || waitpid(pids[i], &st, 0) != pids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st)) {
			TH_LOG("flow %d (port %d, CPU %d -> %d) failed: status 0x%x",
			       i, flows[i].port, flows[i].tx_cpu, flows[i].rx_cpu, st);
			failed++;
		}
	}
	return failed;
}

/* The single-flow workload: UDP_COUNT datagrams, TCP_COUNT writes. */
static int run_traffic(struct __test_metadata *_metadata, const char *ns,
		       const char *dst)
{
	struct flow f = {
		.ns = ns, .dst = dst, .port = TCP_PORT, .tx_cpu = -1, .rx_cpu = -1,
		.tcp_writes = TCP_COUNT, .udp_count = UDP_COUNT,
	};

	return run_flow(&f);
}

FIXTURE(skb) {
	struct skb_exact_bpf *skel;
	int fd;
	bool veth;
};

FIXTURE_SETUP(skb)
{
	struct bpf_link *link;

	self->skel = NULL;
	self->fd = -1;
	if (!netlens_loaded())
		SETUP_SKIP("netlens.ko not loaded on %s (the guests test it)",
			   getenv("NETLENS_KVER") ?: "this kernel");
	self->fd = open(NETLENS_DEV_PATH, O_RDONLY);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, wait_skb_armed(self->fd, 0)) TH_LOG("skb hooks armed with no consumer");

	self->skel = skb_exact_bpf__open_and_load();
	ASSERT_NE(NULL, self->skel);
	self->skel->bss->test_tgid = getpid();
	/* The slab's events before netlens's own probes on them. */
	link = bpf_program__attach(self->skel->progs.on_kmem_alloc);
	ASSERT_NE(NULL, link);
	self->skel->links.on_kmem_alloc = link;
	/* skb_free first: after this no release can pass unseen. */
	link = bpf_program__attach(self->skel->progs.on_free);
	ASSERT_NE(NULL, link);
	self->skel->links.on_free = link;
	link = bpf_program__attach(self->skel->progs.on_alloc);
	ASSERT_NE(NULL, link);
	self->skel->links.on_alloc = link;
	self->skel->bss->alloc_attached_ns = mono_ns();
	ASSERT_EQ(0, wait_skb_armed(self->fd, 1)) TH_LOG("skb hooks not armed");
	self->skel->bss->armed_ns = mono_ns();
	/* After netlens's probe: a direct slab free is released there first. */
	link = bpf_program__attach(self->skel->progs.on_kmem_free);
	ASSERT_NE(NULL, link);
	self->skel->links.on_kmem_free = link;

	/* veth into a namespace, GRO on the receiving side: NAPI paths. */
	run_cmd(NULL, 0, "ip netns del " NS " 2>/dev/null");
	self->veth = !run_cmd(NULL, 0,
		"ip netns add " NS " && ip link add nlv0 type veth peer name nlv1 netns " NS " && "
		"ip addr add 10.199.0.1/24 dev nlv0 && ip link set nlv0 up && "
		"ip -n " NS " addr add 10.199.0.2/24 dev nlv1 && ip -n " NS " link set nlv1 up && "
		"ip -n " NS " link set lo up && "
		"ip netns exec " NS " ethtool -K nlv1 gro on >/dev/null && ethtool -K nlv0 gro on >/dev/null");
}

FIXTURE_TEARDOWN(skb)
{
	run_cmd(NULL, 0, "ip link del nlv0 2>/dev/null; ip netns del " NS " 2>/dev/null");
	skb_exact_bpf__destroy(self->skel);
	if (self->fd >= 0) {
		/* Last consumer gone: the hooks must go too (zero cost idle). */
		EXPECT_EQ(0, wait_skb_armed(self->fd, 0));
		close(self->fd);
	}
}

/*
 * Runs of a BPF program skipped because it was already running on that CPU
 * (a softirq nested in it): each can explain one unmatched event.
 */
static __u64 prog_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.recursion_misses;
}

/* Everything in the live map born after @since is still allocated. */
static unsigned int live_since(struct skb_exact_bpf *skel, __u64 since)
{
	int fd = bpf_map__fd(skel->maps.live);
	__u64 key, next, *prev = NULL;
	struct { __u64 ts; __u32 path; } v;
	unsigned int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (!bpf_map_lookup_elem(fd, &next, &v) && v.ts > since)
			n++;
		key = next;
		prev = &key;
	}
	return n;
}

static void check_exact(struct __test_metadata *_metadata, FIXTURE_DATA(skb) *self,
			__u64 start)
{
	struct skb_exact_bpf *skel = self->skel;
	struct netlens_skb_stats st;
	unsigned int left;
	__u64 misses;
	int i;

	/* Let deferred frees (TCP, RCU, NAPI) drain. */
	for (i = 0; i < 50 && (left = live_since(skel, start)); i++)
		usleep(100000);
	ASSERT_EQ(0, netlens_dev_skb_stats(self->fd, &st));
	TH_LOG("allocs %llu frees %llu (module %llu/%llu) paths: skb %llu build %llu clone %llu fclone %llu twin %llu napi %llu napi_build %llu other %llu; frees: slab %llu fclone %llu napi_cache %llu bulk %llu direct %llu",
	       skel->bss->allocs, skel->bss->frees, st.allocs, st.frees,
	       skel->bss->alloc_paths[0], skel->bss->alloc_paths[1],
	       skel->bss->alloc_paths[2], skel->bss->alloc_paths[3],
	       skel->bss->alloc_paths[4], skel->bss->alloc_paths[5],
	       skel->bss->alloc_paths[6], skel->bss->alloc_paths[7],
	       skel->bss->free_paths[0], skel->bss->free_paths[1],
	       skel->bss->free_paths[2], skel->bss->free_paths[3],
	       skel->bss->free_paths[4]);
	misses = prog_misses(skel->progs.on_alloc) + prog_misses(skel->progs.on_free) +
		 prog_misses(skel->progs.on_kmem_alloc) +
		 prog_misses(skel->progs.on_kmem_free);
	TH_LOG("BPF checker runs skipped by recursion: %llu", misses);
	/*
	 * The module fired every event; only this checker's misses excuse a
	 * gap.  Each miss leaves one wrong entry in the checker's map (a stale
	 * birth or a missing one), which shows up once: as a workload skb left
	 * live, a duplicate alloc, an orphan free, or, when a free and the next
	 * alloc of the same pointer are both missed, an age mismatch.
	 */
	TH_LOG("left %u dup %llu orphan %llu age mismatch %llu",
	       left, skel->bss->dup_allocs, skel->bss->orphan_frees,
	       skel->bss->age_mismatch);
	EXPECT_GE(misses, left + skel->bss->dup_allocs +
			  skel->bss->orphan_frees + skel->bss->age_mismatch);
	/*
	 * Against the slab's own events (each checker miss can again explain
	 * one gap): every object the slab handed out was announced, every
	 * slab-path birth was such an object, none went back while live.
	 */
	TH_LOG("kmem: %llu allocs %llu frees; slab births confirmed %llu unseen %llu; unannounced %llu; freed while live %llu",
	       skel->bss->kmem_allocs, skel->bss->kmem_frees,
	       skel->bss->slab_births_confirmed, skel->bss->slab_births_unseen,
	       skel->bss->kmem_unannounced, skel->bss->kmem_free_while_live);
	EXPECT_GE(misses, skel->bss->slab_births_unseen +
			  skel->bss->kmem_unannounced +
			  skel->bss->kmem_free_while_live);
	EXPECT_LE(UDP_COUNT, skel->bss->slab_births_confirmed);
	/*
	 * Each of them went back to the slab one by one (kmem saw it) or
	 * into the per-CPU NAPI cache, which on SMP takes more of them.
	 */
	EXPECT_LT(0, skel->bss->kmem_frees);
	EXPECT_LE(UDP_COUNT, skel->bss->kmem_frees +
			     skel->bss->free_paths[NETLENS_SKB_FREE_NAPI_CACHE]);
	EXPECT_EQ(0, st.table_full);
	EXPECT_EQ(0, st.unpaired_reuse) TH_LOG("a release went by unseen");
	EXPECT_EQ(0, st.hooks_missing);
	/* Every UDP datagram, and TCP segments (GSO: 64 KiB or less each). */
	EXPECT_LE(UDP_COUNT + 30, skel->bss->allocs);
	/* TCP transmits fast-clone pairs and clones the twin for each send. */
	EXPECT_LT(0, skel->bss->alloc_paths[NETLENS_SKB_ALLOC_FCLONE]);
	EXPECT_LT(0, skel->bss->alloc_paths[NETLENS_SKB_ALLOC_FCLONE_CLONE]);
	EXPECT_LT(0, skel->bss->free_paths[NETLENS_SKB_FREE_FCLONE]);
}

TEST_F_TIMEOUT(skb, loopback_udp_tcp_exact, 180)
{
	__u64 start = mono_ns();

	ASSERT_EQ(0, run_traffic(_metadata, NULL, "127.0.0.1"));
	check_exact(_metadata, self, start);
}

TEST_F_TIMEOUT(skb, veth_gro_exact, 180)
{
	__u64 start = mono_ns();

	if (!self->veth)
		SKIP(return, "cannot set up a veth pair with GRO (iproute2/ethtool)");
	ASSERT_EQ(0, run_traffic(_metadata, NS, "10.199.0.2"));
	check_exact(_metadata, self, start);
}

/* Name of the interface with MAC @mac, in the current namespace. */
static int ifname_by_mac(const char *mac, char *name, size_t len)
{
	char cmd[256], out[IFNAMSIZ + 2];

	snprintf(cmd, sizeof(cmd),
		 "ip -br link | awk '$3 == \"%s\" { print $1 }'", mac);
	if (run_cmd(out, sizeof(out), "%s", cmd) || !*out)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	strncpy(name, out, len - 1);
	name[len - 1] = '\0';
	return 0;
}

/*
 * A real NAPI driver: the two virtio-net NICs vmtest.sh puts on a qemu hub
 * of their own, one moved into a namespace.  Its receive path builds skbs
 * in NAPI context and its transmit completions release them into the
 * per-CPU NAPI cache.
 */
/*
 * Put the second NIC into namespace NS_NIC (10.198.0.2) and give the first
 * 10.198.0.1; @rx_name gets the namespace side's name.  1 if the NICs are
 * not there (older vmtest.sh, or not in a guest).
 */
static int setup_virtio_pair(struct __test_metadata *_metadata, char *nic,
			     char *rx_name)
{
	if (!getenv("NETLENS_VMTEST"))
		return 1;
	run_cmd(NULL, 0, "modprobe virtio_net");
	if (ifname_by_mac("52:54:00:6e:6c:01", nic, IFNAMSIZ) ||
	    ifname_by_mac("52:54:00:6e:6c:02", rx_name, IFNAMSIZ))
		return 1;
	run_cmd(NULL, 0, "ip netns del " NS_NIC " 2>/dev/null");
	return run_cmd(NULL, 0,
		"ip netns add " NS_NIC " && ip link set %s netns " NS_NIC " && "
		"ip addr add 10.198.0.1/24 dev %s && ip link set %s up && "
		"ip -n " NS_NIC " addr add 10.198.0.2/24 dev %s && "
		"ip -n " NS_NIC " link set %s up && ip -n " NS_NIC " link set lo up",
		rx_name, nic, nic, rx_name, rx_name) ? -1 : 0;
}

static void teardown_virtio_pair(const char *nic)
{
	run_cmd(NULL, 0, "ip addr flush dev %s; ip netns del " NS_NIC, nic);
}

/*
 * A real NAPI driver: the two virtio-net NICs vmtest.sh puts on a qemu hub
 * of their own, one moved into a namespace.  Its receive path builds skbs
 * in NAPI context and its transmit completions release them into the
 * per-CPU NAPI cache.
 */
TEST_F_TIMEOUT(skb, virtio_net_napi_exact, 180)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	__u64 start;
	int err = setup_virtio_pair(_metadata, a, b);

	if (err > 0)
		SKIP(return, "needs the virtio-net NIC pair of vmtest.sh");
	ASSERT_EQ(0, err);
	start = mono_ns();
	EXPECT_EQ(0, run_traffic(_metadata, NS_NIC, "10.198.0.2"));
	check_exact(_metadata, self, start);
	/* NAPI context: receive builds, transmit completions release. */
	EXPECT_LT(0, self->skel->bss->alloc_paths[NETLENS_SKB_ALLOC_NAPI] +
		     self->skel->bss->alloc_paths[NETLENS_SKB_ALLOC_NAPI_BUILD] +
		     self->skel->bss->alloc_paths[NETLENS_SKB_ALLOC_BUILD]);
	EXPECT_LT(0, self->skel->bss->free_paths[NETLENS_SKB_FREE_NAPI_CACHE]);
	teardown_virtio_pair(a);
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

/*
 * One flow from every CPU to a receiver on the next CPU, the workload's
 * datagrams and TCP writes split among them: skbs allocated on one CPU
 * and freed on another, fast-clone twins cloned on one CPU while their
 * previous use completes on another.
 */
static int smp_flows(struct flow *flows, const char *ns, const char *dst)
{
	int n = online_cpus(), i;

	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		flows[i] = (struct flow){
			.ns = ns, .dst = dst, .port = SMP_PORT + 2 * i,
			.tx_cpu = i, .rx_cpu = (i + 1) % n,
			.tcp_writes = (TCP_COUNT + n - 1) / n,
			.udp_count = (UDP_COUNT + n - 1) / n,
		};
	return n;
}

static void check_cross_cpu(struct __test_metadata *_metadata,
			    FIXTURE_DATA(skb) *self)
{
	TH_LOG("%d CPUs: %llu of %llu lifetimes ended on another CPU than they began",
	       online_cpus(), self->skel->bss->cross_cpu_frees, self->skel->bss->frees);
	/* At least every datagram: received on the next CPU. */
	EXPECT_LE(UDP_COUNT, self->skel->bss->cross_cpu_frees);
}

TEST_F_TIMEOUT(skb, smp_veth_flows_exact, 300)
{
	struct flow flows[16];
	__u64 start;
	int n;

	if (online_cpus() < 2)
		SKIP(return, "one CPU: cross-CPU lifetimes need more (vmtest.sh -c 4, as make check runs)");
	if (!self->veth)
		SKIP(return, "cannot set up a veth pair with GRO (iproute2/ethtool)");
	n = smp_flows(flows, NS, "10.199.0.2");
	start = mono_ns();
	ASSERT_EQ(0, run_flows(_metadata, flows, n));
	check_exact(_metadata, self, start);
	check_cross_cpu(_metadata, self);
}

/* The NIC's receive work spread over every CPU by RPS, flows from each. */
TEST_F_TIMEOUT(skb, smp_virtio_rps_exact, 300)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	struct flow flows[16];
	__u64 start;
	int n, err;

	if (online_cpus() < 2)
		SKIP(return, "one CPU: cross-CPU lifetimes need more (vmtest.sh -c 4, as make check runs)");
	err = setup_virtio_pair(_metadata, a, b);
	if (err > 0)
		SKIP(return, "needs the virtio-net NIC pair of vmtest.sh");
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, run_cmd(NULL, 0,
		"m=$(printf %%x $(( (1 << $(nproc)) - 1 ))) && "
		"echo $m > /sys/class/net/%s/queues/rx-0/rps_cpus && "
		"ip netns exec " NS_NIC " sh -c \"echo $m > /sys/class/net/%s/queues/rx-0/rps_cpus\"",
		a, b));
	n = smp_flows(flows, NS_NIC, "10.198.0.2");
	start = mono_ns();
	EXPECT_EQ(0, run_flows(_metadata, flows, n));
	check_exact(_metadata, self, start);
	check_cross_cpu(_metadata, self);
	EXPECT_LT(0, self->skel->bss->free_paths[NETLENS_SKB_FREE_NAPI_CACHE]);
	run_cmd(NULL, 0, "echo 0 > /sys/class/net/%s/queues/rx-0/rps_cpus", a);
	teardown_virtio_pair(a);
}

/*
 * skbuff_fclone_cache is merged with other caches of its size on Debian's
 * kernels (sgpool-16; pool_workqueue on 6.12): make those users allocate
 * while skb tracing is on, and require that no object they allocated was
 * announced as an sk_buff.  The checker counts, per call site, the
 * merged cache's allocations (kmem tracepoint) and netlens's births.
 */
static const char *scsi_debug_disk(char *dev, size_t len)
{
	char out[64];
	int i;

	/* The disk shows once the host's asynchronous scan has found it. */
	for (i = 0; i < 200; i++) {
		if (!run_cmd(out, sizeof(out),
			     "ls /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/ 2>/dev/null | head -n 1") &&
		    *out) {
			out[strcspn(out, "\n")] = '\0';
			snprintf(dev, len, "/dev/%s", out);
			if (path_exists(dev))
				return dev;
		}
		usleep(100000);
	}
	return NULL;
}

TEST_F_TIMEOUT(skb, merged_cache_objects_are_not_skbs, 240)
{
	struct flow learn = {
		.dst = "127.0.0.1", .port = TCP_PORT, .tx_cpu = -1, .rx_cpu = -1,
		.tcp_writes = 50, .udp_count = 10,
	};
	__u64 key, next, *prev = NULL, foreign_kmem = 0, skb_kmem = 0;
	struct { __u64 kmem, births; } c;
	char why[256], dev[96];
	struct ksyms *ks;
	int fd, i, ncpu = online_cpus();

	/* A TCP exchange: fast-clone births show the checker their cache. */
	ASSERT_EQ(0, run_flow(&learn));
	ASSERT_NE(0, self->skel->bss->fclone_cache) TH_LOG("no fast-clone birth seen");

	/* sgpool-16: scatter lists of 16 pages, from O_DIRECT reads of 64 KiB. */
	/* No udev here: sd_mod is not loaded for the new disk by itself. */
	if (!run_cmd(NULL, 0, "modprobe sd_mod && modprobe scsi_debug dev_size_mb=8")) {
		char out[1024];

		run_cmd(out, sizeof(out), "ls /sys/block; dmesg | tail -n 4");
		EXPECT_NE(NULL, scsi_debug_disk(dev, sizeof(dev))) TH_LOG("%s", out);
		EXPECT_EQ(0, run_cmd(NULL, 0,
			"dd if=%s of=/dev/null bs=64k count=100 iflag=direct 2>/dev/null", dev));
		run_cmd(NULL, 0, "rmmod scsi_debug");
	}
	/* pool_workqueue: unbound workqueues get new pools per CPU mask. */
	for (i = 0; ncpu > 1 && i < 10; i++)
		run_cmd(NULL, 0, "echo %x > /sys/devices/virtual/workqueue/cpumask",
			i % 2 ? (1 << ncpu) - 1 : 1);
	if (ncpu > 1)
		run_cmd(NULL, 0, "echo %x > /sys/devices/virtual/workqueue/cpumask",
			(1 << ncpu) - 1);

	ks = ksyms_load(why, sizeof(why));
	ASSERT_NE(NULL, ks) TH_LOG("%s", why);
	fd = bpf_map__fd(self->skel->maps.fclone_cache_sites);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		const char *name = ksyms_name(ks, next);

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &c))
			continue;
		if (name && !strcmp(name, "__alloc_skb")) {
			skb_kmem += c.kmem;
			continue;
		}
		foreign_kmem += c.kmem;
		TH_LOG("merged cache: %llu objects from %s, %llu announced as skbs",
		       c.kmem, name ?: "?", c.births);
		EXPECT_EQ(0, c.births) TH_LOG("objects of %s are no sk_buffs", name ?: "?");
	}
	ksyms_free(ks);
	TH_LOG("fast-clone pairs from __alloc_skb: %llu; other users' objects: %llu",
	       skb_kmem, foreign_kmem);
	if (!foreign_kmem)
		SKIP(return, "skbuff_fclone_cache has no other users here (not merged)");
}

TEST_F_TIMEOUT(skb, skblife_total_matches_lifetimes, 180)
{
	char tool[512], pidstr[16], *p;
	char *argv[] = { tool, "-j", "-p", pidstr, NULL };
	struct bg_tool *t = calloc(1, sizeof(*t));
	unsigned long long total = 0, before;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	snprintf(pidstr, sizeof(pidstr), "%d", getpid());
	ASSERT_EQ(0, bg_tool_start(t, argv, "Tracing sk_buff lifespans", 10000))
		TH_LOG("skblife did not start: %s", t->out);
	before = self->skel->bss->own_frees;
	ASSERT_EQ(0, run_traffic(_metadata, NULL, "127.0.0.1"));
	check_exact(_metadata, self, 0);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, 10000)) TH_LOG("%s", t->out);
	p = strstr(t->out, "\"total\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", t->out);
	total = strtoull(p + 8, NULL, 10);
	/* Lifetimes of skbs this process allocated, as the BPF check saw them. */
	EXPECT_EQ(self->skel->bss->own_frees - before, total);
	EXPECT_LT(UDP_COUNT, total);
	free(t);
}

/* Only UDP over loopback: every datagram is an skb this process allocates. */
static void udp_loopback(struct __test_metadata *_metadata, int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };
	int rcv = 8 << 20, u, r, i;
	char buf[64] = { 0 };

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	r = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(r, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	ASSERT_EQ(0, bind(r, (void *)&a, sizeof(a)));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	for (i = 0; i < count; i++) {
		ASSERT_EQ(64, sendto(u, buf, 64, 0, (void *)&a, sizeof(a)));
		ASSERT_EQ(64, recv(r, buf, sizeof(buf), 0));
	}
	close(u);
	close(r);
}

/*
 * -F: pure BPF on the kmem tracepoints.  In the guests (6.1, 6.12) UDP
 * skbs of a process come from and go back to the slab, so every datagram
 * is a lifetime; kernels that recycle them through the per-CPU NAPI cache
 * (the host's) show what the fallback cannot see, which it says.
 */
TEST(skblife_fallback)
{
	char tool[512], pidstr[16], *p;
	char *argv[] = { tool, "-F", "-j", "-p", pidstr, NULL };
	struct bg_tool *t = calloc(1, sizeof(*t));
	unsigned long long total;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	snprintf(pidstr, sizeof(pidstr), "%d", getpid());
	ASSERT_EQ(0, bg_tool_start(t, argv, "(fallback: kmem tracepoints)", 10000))
		TH_LOG("skblife -F did not start: %s", t->out);
	udp_loopback(_metadata, UDP_COUNT);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, 10000)) TH_LOG("%s", t->out);
	p = strstr(t->out, "\"total\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", t->out);
	total = strtoull(p + 8, NULL, 10);
	TH_LOG("fallback counted %llu lifetimes of %d datagrams", total, UDP_COUNT);
	if (getenv("NETLENS_VMTEST"))
		EXPECT_LE(UDP_COUNT, total);
	free(t);
}

/* -c: only skbs allocated by tasks of that name. */
TEST(skblife_comm_filter)
{
	char tool[512], comm[17] = {}, *p;
	char *argv[] = { tool, "-j", "-c", comm, NULL };
	char *other[] = { tool, "-j", "-c", "no-such-task", NULL };
	struct bg_tool *t = calloc(1, sizeof(*t)), *u = calloc(1, sizeof(*u));

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, u);
	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded on %s (the guests test it)",
		     getenv("NETLENS_KVER") ?: "this kernel");
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	ASSERT_EQ(0, read_text_file("/proc/self/comm", comm, sizeof(comm)));
	ASSERT_EQ(0, bg_tool_start(t, argv, "Tracing sk_buff lifespans", 10000)) TH_LOG("%s", t->out);
	ASSERT_EQ(0, bg_tool_start(u, other, "Tracing sk_buff lifespans", 10000)) TH_LOG("%s", u->out);
	udp_loopback(_metadata, UDP_COUNT);
	ASSERT_EQ(0, bg_tool_stop(t, SIGINT, 10000)) TH_LOG("%s", t->out);
	ASSERT_EQ(0, bg_tool_stop(u, SIGINT, 10000)) TH_LOG("%s", u->out);
	p = strstr(t->out, "\"total\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", t->out);
	EXPECT_LE(UDP_COUNT, strtoull(p + 8, NULL, 10));
	p = strstr(u->out, "\"total\":");
	ASSERT_NE(NULL, p) TH_LOG("%s", u->out);
	EXPECT_EQ(0, strtoull(p + 8, NULL, 10));
	free(t);
	free(u);
}

/*
 * UDP_COUNT datagrams over loopback from a child in network namespace
 * @netns (a fresh one with lo up; NULL: ours) and cgroup @cgroup (NULL:
 * ours), once @gate closes.  Its pid.
 */
static pid_t udp_child(const char *netns, const char *cgroup, const int gate[2])
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };
		char path[256], buf[64] = { 0 }, c;
		int fd, u, r, i;

		close(gate[1]);
		if (cgroup) {
			snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
			if (write_text_file(path, "0"))
				_exit(1);
		}
		if (netns) {
			snprintf(path, sizeof(path), "/run/netns/%s", netns);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, CLONE_NEWNET) || run_cmd(NULL, 0, "ip link set lo up"))
				_exit(2);
		}
		while (read(gate[0], &c, 1) < 0 && errno == EINTR)
			;
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		r = socket(AF_INET, SOCK_DGRAM, 0);
		u = socket(AF_INET, SOCK_DGRAM, 0);
		if (r < 0 || u < 0 || bind(r, (void *)&a, sizeof(a)))
			_exit(3);
		for (i = 0; i < UDP_COUNT; i++)
			if (sendto(u, buf, 64, 0, (void *)&a, sizeof(a)) != 64 ||
			    recv(r, buf, sizeof(buf), 0) != 64)
				_exit(4);
		_exit(0);
	}
	return pid;
}

static unsigned long long hist_total(const char *out)
{
	const char *p = strstr(out, "\"total\":");

	return p ? strtoull(p + 8, NULL, 10) : ~0ULL;
}

/*
 * --netns and --cgroup select the skbs by their allocating task's
 * namespace and cgroup: a child's datagrams in a namespace (and cgroup)
 * of their own are all seen there, and none in another, empty one.
 */
FIXTURE(skbfilter) {};
FIXTURE_SETUP(skbfilter) {}
FIXTURE_TEARDOWN(skbfilter) {}

/* Four tools load one after another: seconds each under TCG. */
TEST_F_TIMEOUT(skbfilter, skblife_netns_and_cgroup_filters, 240)
{
	static const char *const cg = "/sys/fs/cgroup/nl-skb", *const cg_empty = "/sys/fs/cgroup/nl-skb-empty";
	char tool[512];
	char *argv[4][5] = {
		{ tool, "-j", "--netns", "/run/netns/nl-skb", NULL },
		{ tool, "-j", "--netns", "/run/netns/nl-skb-empty", NULL },
		{ tool, "-j", "--cgroup", (char *)cg, NULL },
		{ tool, "-j", "--cgroup", (char *)cg_empty, NULL },
	};
	struct bg_tool *t = calloc(4, sizeof(*t));
	int gate[2], i, st;
	pid_t child;

	ASSERT_NE(NULL, t);
	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded on %s (the guests test it)",
		     getenv("NETLENS_KVER") ?: "this kernel");
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	run_cmd(NULL, 0, "ip netns del nl-skb; ip netns del nl-skb-empty; rmdir %s %s", cg, cg_empty);
	ASSERT_EQ(0, run_cmd(NULL, 0, "ip netns add nl-skb && ip netns add nl-skb-empty"));
	ASSERT_EQ(0, mkdir(cg, 0755)) TH_LOG("mkdir %s: %s", cg, strerror(errno));
	ASSERT_EQ(0, mkdir(cg_empty, 0755));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, bg_tool_start(&t[i], argv[i], "Tracing sk_buff lifespans", 10000))
			TH_LOG("%s", t[i].out);
	ASSERT_EQ(0, pipe2(gate, O_CLOEXEC));
	child = udp_child("nl-skb", cg, gate);
	ASSERT_LT(0, child);
	close(gate[0]);
	close(gate[1]);
	ASSERT_EQ(child, waitpid(child, &st, 0));
	EXPECT_EQ(0, st);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, bg_tool_stop(&t[i], SIGINT, 10000)) TH_LOG("%s", t[i].out);
	/* Each datagram is an skb the child allocated (its replies none). */
	EXPECT_LE(UDP_COUNT, hist_total(t[0].out)) TH_LOG("%s", t[0].out);
	EXPECT_EQ(0, hist_total(t[1].out)) TH_LOG("%s", t[1].out);
	EXPECT_LE(UDP_COUNT, hist_total(t[2].out)) TH_LOG("%s", t[2].out);
	EXPECT_EQ(0, hist_total(t[3].out)) TH_LOG("%s", t[3].out);
	run_cmd(NULL, 0, "ip netns del nl-skb; ip netns del nl-skb-empty");
	rmdir(cg);
	rmdir(cg_empty);
	free(t);
}

TEST(skblife_no_module_falls_back)
{
	char tool[512], out[4096];

	if (netlens_loaded())
		SKIP(return, "netlens.ko is loaded: the missing-module path cannot run");
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	EXPECT_EQ(0, run_cmd(out, sizeof(out), "timeout --preserve-status -s INT 3 %s 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "netlens.ko is not loaded")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "falling back to pure BPF")) TH_LOG("%s", out);
	/* -L has no fallback: one message that says why, no promise of one. */
	EXPECT_EQ(1, run_cmd(out, sizeof(out), "%s -L 10ms 2>&1", tool));
	EXPECT_STREQ("skblife: -L needs netlens.ko, its records reach userspace through "
		     "/dev/netlens: netlens.ko is not loaded (modprobe netlens)\n", out);
}

/* skblife's BPF program pins the module: rmmod is refused, nothing breaks. */
TEST(rmmod_while_skblife_runs)
{
	char tool[512], out[1024];
	char *argv[] = { tool, NULL };
	struct bg_tool *t = calloc(1, sizeof(*t));

	ASSERT_NE(NULL, t);
	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded on %s (the guests test it)",
		     getenv("NETLENS_KVER") ?: "this kernel");
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	ASSERT_EQ(0, bg_tool_start(t, argv, "Tracing sk_buff lifespans", 10000))
		TH_LOG("skblife did not start: %s", t->out);
	EXPECT_NE(0, run_cmd(out, sizeof(out), "rmmod netlens 2>&1"));
	EXPECT_NE(NULL, strstr(out, "in use")) TH_LOG("rmmod said: %s", out);
	EXPECT_TRUE(netlens_loaded());
	EXPECT_EQ(0, kill(t->pid, 0)) TH_LOG("skblife died");
	EXPECT_EQ(0, bg_tool_stop(t, SIGINT, 10000)) TH_LOG("%s", t->out);
	run_cmd(out, sizeof(out), "dmesg | grep -E 'WARNING|BUG|Call Trace' || true");
	EXPECT_STREQ("", out);
	free(t);
}

/*
 * -L: datagrams left unread in a socket for a known time are skbs that
 * live at least that long; each comes back as one record through the
 * tool's channel of /dev/netlens, allocated by this process and released
 * by it.  Two -L at once (one with small rings) each get every record.
 */
TEST(skblife_long_lived_records)
{
	enum { HELD = 20, HOLD_MS = 400, TOOLS = 2 };
	char tool[512], pidstr[16], *p, buf[64] = {};
	char *argv[TOOLS][10] = {
		{ tool, "-j", "-L", "200ms", "-p", pidstr, NULL },
		{ tool, "-j", "-L", "200ms", "-p", pidstr, "--ring-kb", "8", NULL },
	};
	struct bg_tool *t = calloc(TOOLS, sizeof(*t));
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	unsigned int lines, i, k;
	int r, u;

	ASSERT_NE(NULL, t);
	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded on %s (the guests test it)",
		     getenv("NETLENS_KVER") ?: "this kernel");
	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	snprintf(pidstr, sizeof(pidstr), "%d", getpid());
	for (k = 0; k < TOOLS; k++)
		ASSERT_EQ(0, bg_tool_start(&t[k], argv[k], "or longer", 10000))
			TH_LOG("%s", t[k].out);

	r = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, bind(r, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, getsockname(r, (void *)&a, &alen));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	/* Short-lived ones first: these must not show. */
	udp_loopback(_metadata, 200);
	for (i = 0; i < HELD; i++)
		ASSERT_EQ(64, sendto(u, buf, 64, 0, (void *)&a, sizeof(a)));
	usleep(HOLD_MS * 1000);
	for (i = 0; i < HELD; i++)
		ASSERT_EQ(64, recv(r, buf, sizeof(buf), 0));
	close(u);
	close(r);
	usleep(1000000);	/* the tool drains every 250 ms at least */
	for (k = 0; k < TOOLS; k++)
		ASSERT_EQ(0, bg_tool_stop(&t[k], SIGINT, 10000)) TH_LOG("%s", t[k].out);

	for (k = 0; k < TOOLS; k++) {
		json_strip_epoch(t[k].out);
		lines = 0;
		for (p = strstr(t[k].out, "\"event\":\"skb_lifetime\",\"age_ns\":"); p;
		     p = strstr(p + 1, "\"event\":\"skb_lifetime\",\"age_ns\":")) {
			unsigned long long age = strtoull(p + 32, NULL, 10);
			char *end = strchr(p, '\n');

			if (end)
				*end = '\0';
			lines++;
			EXPECT_LE(HOLD_MS * 1000000ULL, age) TH_LOG("%s", p);
			EXPECT_GT(5000000000ULL, age) TH_LOG("%s", p);
			EXPECT_NE(NULL, strstr(p, "\"alloc_pid\":")) TH_LOG("%s", p);
			EXPECT_NE(NULL, strstr(p, pidstr)) TH_LOG("%s", p);
			/* recv() in this process consumed it: the release was ours. */
			EXPECT_NE(NULL, strstr(p, "\"free_comm\":\"skb_test\"")) TH_LOG("%s", p);
			EXPECT_NE(NULL, strstr(p, "\"truesize_bytes\":")) TH_LOG("%s", p);
			EXPECT_EQ(NULL, strstr(p, "\"free_caller\":\"0x")) TH_LOG("no symbol: %s", p);
			if (end)
				*end = '\n';
		}
		EXPECT_EQ(HELD, lines) TH_LOG("skblife -L number %u: %s", k + 1, t[k].out);
		EXPECT_EQ(NULL, strstr(t[k].out, "lost")) TH_LOG("%s", t[k].out);
	}
	free(t);
}

TEST(skblife_bad_arguments)
{
	char tool[512], out[4096];

	ASSERT_NE(NULL, tool_path("skblife", tool, sizeof(tool)));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s --bogus 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -p notapid 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "invalid PID 'notapid'")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s 0 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s 1 2 3 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -c waytoolongcommandname 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -L 10parsecs 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "invalid AGE '10parsecs'")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -L 0 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -L 1ms 5 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "takes no interval")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -L 1ms --ring-kb 3 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "--ring-kb")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -L 1ms --ring-kb 100 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "not a power of two")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s --ring-kb 64 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "it needs -L")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
