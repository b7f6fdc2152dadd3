// SPDX-License-Identifier: GPL-2.0
/*
 * 802.11 scan events end to end on mac80211_hwsim (selftests/wifi_env.sh):
 * access points on 2437 MHz and 5180 MHz in namespace "ap", scanners in
 * "sta", a bystander radio in "other".  Scans are started by iw ("scan
 * trigger": it returns once nl80211 took the request, so the test does
 * not depend on iw catching the results), forked by the test, so the pid
 * in the events is known.  Every fixture loads
 * cfg80211/mac80211 after netlens and unloads them under it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/nl80211.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "netlens_genl.h"

#define MAX_EVENTS 256

struct scan_ev {
	int cmd;
	char wiphy[32];
	int ifindex;
	__u64 id;
	__u32 pid;
	char comm[32];
	__u32 n_channels, n_ssids;
	bool offloaded;
	__u32 band, freq, freq_offset, flags;
	__u8 beacon_found;
	__u64 dwell_us;
	__u32 bss;
	__u64 duration_us;
	__u32 visited;
	__u8 aborted;
	long long t_ms;		/* when the test received it */
};

struct listener {
	struct netlens_genl g;
	int n;
	struct scan_ev ev[MAX_EVENTS];
};

static int collect_cb(struct nl_msg *msg, void *arg)
{
	struct listener *l = arg;
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[NETLENS_A_SCAN_MAX + 1];
	struct scan_ev *e;

	if (l->n >= MAX_EVENTS ||
	    nla_parse(tb, NETLENS_A_SCAN_MAX, genlmsg_attrdata(gnlh, 0),
		      genlmsg_attrlen(gnlh, 0), NULL))
		return NL_SKIP;
	e = &l->ev[l->n++];
	memset(e, 0, sizeof(*e));
	e->cmd = gnlh->cmd;
	e->t_ms = now_ms();
	if (tb[NETLENS_A_SCAN_WIPHY])
		snprintf(e->wiphy, sizeof(e->wiphy), "%s", nla_get_string(tb[NETLENS_A_SCAN_WIPHY]));
	if (tb[NETLENS_A_SCAN_COMM])
		snprintf(e->comm, sizeof(e->comm), "%s", nla_get_string(tb[NETLENS_A_SCAN_COMM]));
#define GET(field, attr, fn) if (tb[attr]) e->field = fn(tb[attr])
	GET(ifindex, NETLENS_A_SCAN_IFINDEX, nla_get_u32);
	GET(id, NETLENS_A_SCAN_ID, nla_get_u64);
	GET(pid, NETLENS_A_SCAN_PID, nla_get_u32);
	GET(n_channels, NETLENS_A_SCAN_N_CHANNELS, nla_get_u32);
	GET(n_ssids, NETLENS_A_SCAN_N_SSIDS, nla_get_u32);
	GET(band, NETLENS_A_SCAN_BAND, nla_get_u32);
	GET(freq, NETLENS_A_SCAN_FREQ, nla_get_u32);
	GET(freq_offset, NETLENS_A_SCAN_FREQ_OFFSET, nla_get_u32);
	GET(flags, NETLENS_A_SCAN_FLAGS, nla_get_u32);
	GET(beacon_found, NETLENS_A_SCAN_BEACON_FOUND, nla_get_u8);
	GET(dwell_us, NETLENS_A_SCAN_DWELL_US, nla_get_u64);
	GET(bss, NETLENS_A_SCAN_BSS_COUNT, nla_get_u32);
	GET(duration_us, NETLENS_A_SCAN_DURATION_US, nla_get_u64);
	GET(visited, NETLENS_A_SCAN_CHANNELS_VISITED, nla_get_u32);
	GET(aborted, NETLENS_A_SCAN_ABORTED, nla_get_u8);
#undef GET
	e->offloaded = !!tb[NETLENS_A_SCAN_OFFLOADED];
	return NL_OK;
}

/* setns() into /run/netns/@ns; 0 or -errno. */
static int enter_ns(const char *ns)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return ret;
}

/* A scan-group subscriber whose socket lives in namespace @ns. */
static int listener_open(struct listener *l, const char *ns)
{
	char err[256];
	int ret;

	memset(l, 0, sizeof(*l));
	ret = enter_ns(ns);
	if (ret)
		return ret;
	ret = netlens_genl_open(&l->g, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return ret;
	}
	nl_socket_disable_seq_check(l->g.sk);
	nl_socket_modify_cb(l->g.sk, NL_CB_VALID, NL_CB_CUSTOM, collect_cb, l);
	nl_socket_set_buffer_size(l->g.sk, 1 << 20, 0);
	return nl_socket_add_membership(l->g.sk, l->g.scan_group);
}

static void listener_close(struct listener *l)
{
	if (l->g.sk)
		netlens_genl_close(&l->g);
}

static int count_cmd(struct listener *l, int cmd)
{
	int i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->ev[i].cmd == cmd;
	return n;
}

/* Receive for up to @ms, or until @n events of @cmd are in; their number. */
static int wait_for_count(struct listener *l, int cmd, int n, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end && count_cmd(l, cmd) < n) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(l->g.sk), .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			nl_recvmsgs_default(l->g.sk);
	}
	return count_cmd(l, cmd);
}

/* Receive for up to @ms, or until @dones done events are in. */
static void listen_for(struct listener *l, int dones, int ms)
{
	wait_for_count(l, NETLENS_CMD_SCAN_DONE_NTF, dones, ms);
}

static struct scan_ev *find_ev(struct listener *l, int cmd, const char *wiphy)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->ev[i].cmd == cmd && (!wiphy || !strcmp(l->ev[i].wiphy, wiphy)))
			return &l->ev[i];
	return NULL;
}

/* fork + exec iw in the current namespace; its pid. */
/*
 * Run @argv; with a @gate pipe, once its write end is closed everywhere
 * (the child closes its own copy first).
 */
static pid_t spawn_gated(const char *const argv[], const int *gate)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		char c;

		dup2(null, 1);
		dup2(null, 2);
		if (gate) {
			close(gate[1]);
			while (read(gate[0], &c, 1) < 0 && errno == EINTR)
				;
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static pid_t spawn(const char *const argv[])
{
	return spawn_gated(argv, NULL);
}

/* Exit status of @pid; killed (-1) if it runs past 30 s: a hung scan. */
static int reap(pid_t pid)
{
	long long end = now_ms() + 30000;
	int st;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ms() > end) {
			fprintf(stderr, "# pid %d (iw) still running after 30 s: killed\n", pid);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(20000);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * iw dev @iface scan trigger freq @freqs... passive: its pid.  Passive, as
 * every scan whose beacons a test counts: hwsim's hw_scan dwells 120 ms on
 * a channel then (30 ms when probing), mac80211's software scan 111 ms,
 * several beacon intervals even on a loaded SMP guest.
 */
static pid_t spawn_scan(const char *iface, const unsigned int *freqs, int nfreq)
{
	const char *argv[17] = { "iw", "dev", iface, "scan", "trigger", "freq" };
	char f[10][8];
	int i;

	for (i = 0; i < nfreq && i < 10; i++) {
		snprintf(f[i], sizeof(f[i]), "%u", freqs[i]);
		argv[6 + i] = f[i];
	}
	argv[6 + i] = "passive";
	argv[7 + i] = NULL;
	return spawn(argv);
}

/*
 * NL80211_CMD_TRIGGER_SCAN on @iface of this namespace for the @n channels
 * at @khz (NL80211_ATTR_SCAN_FREQ_KHZ: iw takes whole MHz only) with
 * @flags, as this process; 0 or a negative libnl error.
 */
static int trigger_scan_khz(const char *iface, const __u32 *khz, int n, __u32 flags)
{
	struct nl_sock *sk;
	struct nl_msg *msg;
	struct nlattr *freqs;
	int family, i, ret = -NLE_NOMEM;

	family = genl_family_connect("nl80211", &sk);
	if (family < 0)
		return family;
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 NL80211_CMD_TRIGGER_SCAN, 0) ||
	    nla_put_u32(msg, NL80211_ATTR_IFINDEX, if_nametoindex(iface)) ||
	    nla_put_u32(msg, NL80211_ATTR_SCAN_FLAGS, flags))
		goto out;
	freqs = nla_nest_start(msg, NL80211_ATTR_SCAN_FREQ_KHZ);
	if (!freqs)
		goto out;
	for (i = 0; i < n; i++)
		if (nla_put_u32(msg, i + 1, khz[i]))
			goto out;
	nla_nest_end(msg, freqs);
	ret = nl_send_sync(sk, msg);	/* frees msg */
	msg = NULL;
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

/*
 * A full scan on @iface, aborted (iw scan abort) once @l heard it start.
 * The abort's exit status; -1 if the scan did not start.
 */
static int scan_and_abort(struct listener *l, const char *iface)
{
	const char *scan[] = { "iw", "dev", iface, "scan", "trigger", NULL };
	const char *abort_argv[] = { "iw", "dev", iface, "scan", "abort", NULL };
	int starts = count_cmd(l, NETLENS_CMD_SCAN_START_NTF);
	int dones = count_cmd(l, NETLENS_CMD_SCAN_DONE_NTF);
	pid_t pid;
	int ret;

	pid = spawn(scan);
	if (pid < 0)
		return -1;
	if (wait_for_count(l, NETLENS_CMD_SCAN_START_NTF, starts + 1, 10000) <= starts) {
		reap(pid);
		return -1;
	}
	usleep(300000);
	ret = reap(spawn(abort_argv));
	listen_for(l, dones + 1, 20000);
	reap(pid);
	return ret;
}

static const char *env_script(char *buf, size_t len)
{
	return repo_file("selftests/wifi_env.sh", buf, len);
}

static int wiphy_of(const char *ns, const char *iface, char *out, size_t len)
{
	char buf[32];
	int ret;

	ret = run_cmd(buf, sizeof(buf),
		      "ip netns exec %s cat /sys/class/net/%s/phy80211/name", ns, iface);
	if (ret)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out, len, "%s", buf);
	return 0;
}

/* SET_CONFIG with @type carrying @len bytes of @val (-1: no attribute). */
static int set_config(struct netlens_genl *g, int type, const void *val,
		      int len, char *ack, size_t acklen)
{
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return -ENOMEM;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0, NLM_F_REQUEST,
		    NETLENS_CMD_SCAN_SET_CONFIG, NETLENS_GENL_VERSION);
	if (type >= 0)
		nla_put(msg, type, len, val);
	ret = netlens_genl_request(g, NETLENS_CMD_SCAN_SET_CONFIG, msg, NULL,
				   NULL, ack, acklen);
	nlmsg_free(msg);
	return ret;
}

/* Channel notifications on or off, from a socket of its own; 0 or -errno. */
static int set_channel_events(__u8 on)
{
	struct netlens_genl g;
	char err[256];
	int ret;

	ret = netlens_genl_open(&g, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "# %s\n", err);
		return ret;
	}
	ret = set_config(&g, NETLENS_A_CONFIG_CHANNEL_EVENTS, &on, 1, err, sizeof(err));
	if (ret)
		fprintf(stderr, "# SET_CONFIG channel-events %u: %d %s\n", on, ret, err);
	netlens_genl_close(&g);
	return ret;
}

/* ieee80211scan @args (NULL-terminated) in the background, once tracing. */
static int scan_tool_start(struct bg_tool *t, const char *const args[])
{
	char tool[512];
	char *argv[8];
	int i;

	argv[0] = (char *)tool_path("ieee80211scan", tool, sizeof(tool));
	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	/* -H loads a BPF program first: seconds under TCG. */
	return bg_tool_start(t, argv, "Tracing IEEE80211", 30000);
}

/* ---- fixture: the test bed, software (channels=1) or hw_scan (2) ------------ */

FIXTURE(wifi) {
	int root_ns;
	bool up;
	char sta0[32], sta1[32], oth0[32];	/* their wiphys */
	struct listener l;
};

FIXTURE_VARIANT(wifi) {
	int channels;
	bool offloaded;
};

FIXTURE_VARIANT_ADD(wifi, sw_scan) { .channels = 1, .offloaded = false };
FIXTURE_VARIANT_ADD(wifi, hw_scan) { .channels = 2, .offloaded = true };

FIXTURE_SETUP(wifi)
{
	char script[512], out[8192];

	self->root_ns = -1;
	self->up = false;
	self->l.g.sk = NULL;
	if (!netlens_loaded())
		SETUP_SKIP("netlens.ko not loaded (the guests test it)");
	if (run_cmd(NULL, 0, "modinfo mac80211_hwsim >/dev/null 2>&1 && command -v hostapd >/dev/null && command -v iw >/dev/null"))
		SETUP_SKIP("needs mac80211_hwsim, hostapd and iw");
	self->root_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->root_ns);
	self->up = true;
	ASSERT_EQ(0, run_cmd(out, sizeof(out), "%s up %d 2>&1",
			     env_script(script, sizeof(script)), variant->channels))
		TH_LOG("%s", out);
	ASSERT_EQ(0, wiphy_of("sta", "sta0", self->sta0, sizeof(self->sta0)));
	ASSERT_EQ(0, wiphy_of("sta", "sta1", self->sta1, sizeof(self->sta1)));
	ASSERT_EQ(0, wiphy_of("other", "oth0", self->oth0, sizeof(self->oth0)));
	ASSERT_EQ(0, listener_open(&self->l, "sta"));
}

FIXTURE_TEARDOWN(wifi)
{
	char script[512];

	listener_close(&self->l);
	/* Whatever a test turned off. */
	if (self->up)
		set_channel_events(1);
	if (self->root_ns >= 0) {
		setns(self->root_ns, CLONE_NEWNET);
		close(self->root_ns);
	}
	if (self->up)
		run_cmd(NULL, 0, "%s down", env_script(script, sizeof(script)));
}

static const unsigned int scan_freqs[] = { 2412, 2437, 5180, 5200 };
#define N_FREQS 4

/* The events of one scan of @wiphy with @freqs, as asked. */
static void check_scan(struct __test_metadata *_metadata, struct listener *l,
		       const char *wiphy, pid_t pid, const unsigned int *freqs,
		       int nfreq, unsigned int min_bss, bool offloaded,
		       long long *wall_ms)
{
	struct scan_ev *start = find_ev(l, NETLENS_CMD_SCAN_START_NTF, wiphy);
	struct scan_ev *done = find_ev(l, NETLENS_CMD_SCAN_DONE_NTF, wiphy);
	int i, j, seen, nchan = 0;

	ASSERT_NE(NULL, start) TH_LOG("no start event for %s", wiphy);
	ASSERT_NE(NULL, done) TH_LOG("no done event for %s", wiphy);
	EXPECT_EQ(pid, start->pid);
	EXPECT_STREQ("iw", start->comm);
	EXPECT_EQ(nfreq, start->n_channels);
	EXPECT_EQ(0, start->n_ssids);	/* passive: spawn_scan() */
	EXPECT_EQ(offloaded, start->offloaded);
	EXPECT_EQ(start->id, done->id);

	for (i = 0; i < l->n; i++) {
		struct scan_ev *e = &l->ev[i];

		if (e->cmd != NETLENS_CMD_SCAN_CHANNEL_NTF || strcmp(e->wiphy, wiphy))
			continue;
		EXPECT_EQ(start->id, e->id);
		EXPECT_EQ(start->ifindex, e->ifindex);
		EXPECT_EQ(offloaded, e->offloaded);
		/* Software scans go through the request in order. */
		if (!offloaded && nchan < nfreq) {
			EXPECT_EQ(freqs[nchan], e->freq) TH_LOG("channel event %d", nchan);
		}
		EXPECT_EQ(e->freq < 3000 ? NL80211_BAND_2GHZ :
			  e->freq < 5950 ? NL80211_BAND_5GHZ : NL80211_BAND_6GHZ, e->band);
		/* The access points' channels (5955: wifi_env.sh ap6). */
		if (e->freq == 2437 || e->freq == 5180 || e->freq == 5955) {
			EXPECT_EQ(1, e->beacon_found) TH_LOG("freq %u", e->freq);
			EXPECT_LE(1, e->bss) TH_LOG("freq %u", e->freq);
		} else {
			EXPECT_EQ(0, e->beacon_found) TH_LOG("freq %u", e->freq);
			EXPECT_EQ(0, e->bss) TH_LOG("freq %u", e->freq);
		}
		if (offloaded) {
			EXPECT_EQ(0, e->dwell_us);
		} else {
			EXPECT_LT(1000, e->dwell_us) TH_LOG("freq %u dwell %llu us",
							    e->freq, e->dwell_us);
		}
		nchan++;
	}
	/* Exactly one event per requested channel. */
	EXPECT_EQ(nfreq, nchan);
	for (j = 0; j < nfreq; j++) {
		seen = 0;
		for (i = 0; i < l->n; i++)
			seen += l->ev[i].cmd == NETLENS_CMD_SCAN_CHANNEL_NTF &&
				!strcmp(l->ev[i].wiphy, wiphy) && l->ev[i].freq == freqs[j];
		EXPECT_EQ(1, seen) TH_LOG("freq %u seen %d times", freqs[j], seen);
	}

	EXPECT_EQ(0, done->aborted);
	EXPECT_EQ(nfreq, done->visited);
	EXPECT_LE(min_bss, done->bss);
	*wall_ms = done->t_ms - start->t_ms;
	TH_LOG("%s: duration %llu us, wall %lld ms", wiphy, done->duration_us, *wall_ms);
}

/* Within 10% (and a few ms of receive latency) of what the test saw. */
static void check_duration(struct __test_metadata *_metadata,
			   struct listener *l, const char *wiphy, long long wall_ms)
{
	struct scan_ev *done = find_ev(l, NETLENS_CMD_SCAN_DONE_NTF, wiphy);
	long long ms = done->duration_us / 1000;

	EXPECT_LE(llabs(ms - wall_ms), wall_ms / 10 + 5)
		TH_LOG("duration %lld ms vs wall %lld ms", ms, wall_ms);
}

TEST_F_TIMEOUT(wifi, scan_reported_with_iw_event_alongside, 180)
{
	const char *argv[] = { "iw", "dev", "sta0", "scan", "trigger", "freq", "2412",
			       "2437", "5180", "5200", "passive", NULL };
	const char *no_args[] = { NULL };
	char evout[8192];
	struct bg_tool iwev, scan_tool;
	long long wall;
	pid_t pid;
	char line[128];

	/* iw's stdout is a pipe here: line-buffer it or see nothing. */
	char *const iwev_argv[] = { "/usr/bin/stdbuf", "-oL", "/usr/sbin/iw", "event", NULL };

	/* The tool and iw event, both in "sta" (inherited). */
	ASSERT_EQ(0, scan_tool_start(&scan_tool, no_args)) TH_LOG("%s", scan_tool.out);
	ASSERT_EQ(0, bg_tool_start(&iwev, iwev_argv, "", 300));
	/* iw event prints nothing once it listens: give it time to. */
	sleep(2);

	pid = spawn(argv);
	ASSERT_LT(0, pid);
	listen_for(&self->l, 1, 30000);
	EXPECT_EQ(0, reap(pid));

	check_scan(_metadata, &self->l, self->sta0, pid, scan_freqs, N_FREQS, 2,
		   variant->offloaded, &wall);
	check_duration(_metadata, &self->l, self->sta0, wall);

	/* nl80211's own events are untouched. */
	bg_tool_read(&iwev, 2000, "scan finished");
	EXPECT_LE(0, bg_tool_stop(&iwev, SIGINT, 3000));
	snprintf(evout, sizeof(evout), "%.8000s", iwev.out);
	EXPECT_NE(NULL, strstr(evout, "sta0 (phy")) TH_LOG("iw event: %s", evout);
	EXPECT_NE(NULL, strstr(evout, "scan started")) TH_LOG("iw event: %s", evout);
	EXPECT_NE(NULL, strstr(evout, "scan finished")) TH_LOG("iw event: %s", evout);

	/* The tool's lines, in the book's format. */
	bg_tool_read(&scan_tool, 2000, "scan completed");
	EXPECT_EQ(0, bg_tool_stop(&scan_tool, SIGINT, 3000));
	snprintf(line, sizeof(line), "scan started (on-CPU PID %d, iw)", pid);
	EXPECT_NE(NULL, strstr(scan_tool.out, line)) TH_LOG("%s", scan_tool.out);
	EXPECT_EQ(1, count_lines_affix(scan_tool.out, "", "scanning channel 2GHz freq 2412: beacon_found 0"))
		TH_LOG("%s", scan_tool.out);
	EXPECT_EQ(1, count_lines_affix(scan_tool.out, "", "scanning channel 2GHz freq 2437: beacon_found 1"));
	EXPECT_EQ(1, count_lines_affix(scan_tool.out, "", "scanning channel 5GHz freq 5180: beacon_found 1"));
	EXPECT_EQ(1, count_lines_affix(scan_tool.out, "", "scanning channel 5GHz freq 5200: beacon_found 0"));
	EXPECT_EQ(1, count_lines_affix(scan_tool.out, "", " ms"));
	EXPECT_NE(NULL, strstr(scan_tool.out, "scan completed: "));
}

TEST_F_TIMEOUT(wifi, concurrent_scans_on_two_radios, 180)
{
	static const unsigned int f0[] = { 2412, 2437 };
	static const unsigned int f1[] = { 2437, 5180, 5200 };
	const char *a0[] = { "iw", "dev", "sta0", "scan", "trigger", "freq", "2412", "2437",
			     "passive", NULL };
	const char *a1[] = { "iw", "dev", "sta1", "scan", "trigger", "freq", "2437", "5180", "5200",
			     "passive", NULL };
	long long wall0, wall1;
	int gate[2];
	pid_t p0, p1;

	/* Both iw released at once: a loaded host must not serialize them. */
	ASSERT_EQ(0, pipe(gate));
	p0 = spawn_gated(a0, gate);
	p1 = spawn_gated(a1, gate);
	close(gate[0]);
	close(gate[1]);
	ASSERT_LT(0, p0);
	ASSERT_LT(0, p1);
	listen_for(&self->l, 2, 30000);
	EXPECT_EQ(0, reap(p0));
	EXPECT_EQ(0, reap(p1));
	check_scan(_metadata, &self->l, self->sta0, p0, f0, 2, 1, variant->offloaded, &wall0);
	check_scan(_metadata, &self->l, self->sta1, p1, f1, 3, 2, variant->offloaded, &wall1);
	/* Not one after the other: they overlapped. */
	EXPECT_LT(find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, self->sta1)->t_ms,
		  find_ev(&self->l, NETLENS_CMD_SCAN_DONE_NTF, self->sta0)->t_ms);
}

TEST_F_TIMEOUT(wifi, abort_reported_as_aborted, 180)
{
	struct scan_ev *start, *done;

	ASSERT_EQ(0, scan_and_abort(&self->l, "sta0"));
	start = find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, self->sta0);
	done = find_ev(&self->l, NETLENS_CMD_SCAN_DONE_NTF, self->sta0);
	ASSERT_NE(NULL, start);
	ASSERT_NE(NULL, done);
	EXPECT_EQ(start->id, done->id);
	EXPECT_EQ(1, done->aborted);
	EXPECT_LT(done->visited, start->n_channels);
	EXPECT_EQ(done->visited, count_cmd(&self->l, NETLENS_CMD_SCAN_CHANNEL_NTF));
	TH_LOG("aborted after %u of %u channels", done->visited, start->n_channels);
}

TEST_F_TIMEOUT(wifi, other_namespace_hears_nothing, 180)
{
	const char *sta_scan[] = { "iw", "dev", "sta0", "scan", "trigger", "freq", "2437", "passive", NULL };
	const char *oth_scan[] = { "iw", "dev", "oth0", "scan", "trigger", "freq", "2437", "passive", NULL };
	struct listener *other = calloc(1, sizeof(*other));

	ASSERT_NE(NULL, other);
	ASSERT_EQ(0, listener_open(other, "other"));

	/* A scan in "other": only the subscriber there hears it. */
	EXPECT_EQ(0, reap(spawn(oth_scan)));
	listen_for(other, 1, 20000);
	ASSERT_EQ(0, enter_ns("sta"));
	EXPECT_EQ(0, reap(spawn(sta_scan)));
	listen_for(&self->l, 1, 20000);
	listen_for(other, 2, 1000);

	EXPECT_EQ(1, count_cmd(other, NETLENS_CMD_SCAN_START_NTF));
	EXPECT_EQ(1, count_cmd(other, NETLENS_CMD_SCAN_DONE_NTF));
	EXPECT_EQ(NULL, find_ev(other, NETLENS_CMD_SCAN_START_NTF, self->sta0));
	EXPECT_NE(NULL, find_ev(other, NETLENS_CMD_SCAN_DONE_NTF, self->oth0));
	EXPECT_EQ(1, count_cmd(&self->l, NETLENS_CMD_SCAN_START_NTF));
	EXPECT_EQ(1, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));
	EXPECT_EQ(NULL, find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, self->oth0));
	EXPECT_NE(NULL, find_ev(&self->l, NETLENS_CMD_SCAN_DONE_NTF, self->sta0));
	listener_close(other);
	free(other);
}

/* ---- the tool's -H, -j and -i, and channel events turned off ------------------ */

/* Scan on sta0 (@f0) and sta1 (@f1) at once; iw's pids, 0 when both exited 0. */
static int scan_both(pid_t *p0, const unsigned int *f0, int n0,
		     pid_t *p1, const unsigned int *f1, int n1)
{
	int r0, r1;

	*p0 = spawn_scan("sta0", f0, n0);
	*p1 = spawn_scan("sta1", f1, n1);
	if (*p0 < 0 || *p1 < 0)
		return -1;
	r0 = reap(*p0);
	r1 = reap(*p1);
	return r0 || r1 ? -1 : 0;
}

static const unsigned int f0[] = { 2412, 2437 };
static const unsigned int f1[] = { 2437, 5180, 5200 };

/* Lowest value of the log2 slot @v falls in, as BCC prints it. */
static unsigned long long slot_low(unsigned long long v)
{
	return v ? 1ULL << (63 - __builtin_clzll(v)) : 0;
}

/*
 * Histogram "@title, @iface:" of ieee80211scan -H in BCC's format (header,
 * then "low -> high : count |bar|" rows), into @counts by slot low value
 * (@lows[i] has @counts[i], @n entries at most 64).  The number of values
 * in it; -1 if missing, -2 if a line is not in the format.
 */
static long parse_hist(const char *out, const char *title, const char *iface,
		       unsigned long long *lows, unsigned long long *counts, int *n)
{
	static const char header[] = "     msecs               : count    distribution\n";
	char head[128];
	const char *p;
	long total = 0;

	*n = 0;
	snprintf(head, sizeof(head), "\n%s, %s:\n", title, iface);
	p = strstr(out, head);
	if (!p)
		return -1;
	p += strlen(head);
	if (!strncmp(p, "     (none)\n", 12))
		return 0;
	if (strncmp(p, header, strlen(header)))
		return -2;
	for (p += strlen(header); *p == ' ' && *n < 64; p = strchr(p, '\n') + 1) {
		unsigned long long lo, hi, c;
		const char *bar;
		int used = 0;

		if (sscanf(p, "%llu -> %llu : %llu |%n", &lo, &hi, &c, &used) != 3 || !used)
			return -2;
		if (lo != slot_low(lo) || hi != (lo ? 2 * lo - 1 : 0))
			return -2;
		/* 40 columns of stars or blanks between the bars. */
		bar = p + used;
		if (strspn(bar, "* ") != 40 || strncmp(bar + 40, "|\n", 2))
			return -2;
		lows[*n] = lo;
		counts[(*n)++] = c;
		total += c;
	}
	return total;
}

/* Slots expected from the events @l heard of @wiphy: durations or dwells. */
static int expected_hist(struct listener *l, const char *wiphy, bool dwell,
			 unsigned long long *lows, unsigned long long *counts)
{
	int i, j, n = 0;

	for (i = 0; i < l->n; i++) {
		struct scan_ev *e = &l->ev[i];
		unsigned long long lo;

		if (wiphy && strcmp(e->wiphy, wiphy))
			continue;
		if (dwell && e->cmd == NETLENS_CMD_SCAN_CHANNEL_NTF && !e->offloaded)
			lo = slot_low(e->dwell_us / 1000);
		else if (!dwell && e->cmd == NETLENS_CMD_SCAN_DONE_NTF && !e->aborted)
			lo = slot_low(e->duration_us / 1000);
		else
			continue;
		for (j = 0; j < n && lows[j] != lo; j++)
			;
		if (j == n) {
			lows[n] = lo;
			counts[n++] = 0;
		}
		counts[j]++;
	}
	return n;
}

/* The -H histogram @title of @iface holds exactly what @l heard of @wiphy. */
static void check_hist(struct __test_metadata *_metadata, const char *out,
		       struct listener *l, const char *title, const char *iface,
		       const char *wiphy, bool dwell, long total)
{
	unsigned long long lows[64], counts[64], elows[64], ecounts[64];
	int i, j, n, en;

	EXPECT_EQ(total, parse_hist(out, title, iface, lows, counts, &n))
		TH_LOG("%s, %s:\n%s", title, iface, out);
	en = expected_hist(l, wiphy, dwell, elows, ecounts);
	EXPECT_EQ(en, n) TH_LOG("%s, %s: slots", title, iface);
	for (i = 0; i < en; i++) {
		for (j = 0; j < n && lows[j] != elows[i]; j++)
			;
		EXPECT_GT(n, j) TH_LOG("%s, %s: no row from %llu", title, iface, elows[i]);
		if (j < n) {
			EXPECT_EQ(ecounts[i], counts[j])
				TH_LOG("%s, %s: row from %llu", title, iface, elows[i]);
		}
	}
}

/*
 * Two -H at once, each with its own channel of /dev/netlens: both hold
 * exactly what netlink heard, neither counts the other's scans.
 */
TEST_F_TIMEOUT(wifi, hist_per_radio_and_total, 240)
{
	const char *args[] = { "-H", NULL };
	struct bg_tool t[2];
	pid_t p0, p1;
	int dw = variant->offloaded ? 0 : 1;	/* hw scans report no dwell */
	int i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, scan_tool_start(&t[i], args)) TH_LOG("%s", t[i].out);
	EXPECT_EQ(0, scan_both(&p0, f0, 2, &p1, f1, 3));
	listen_for(&self->l, 2, 30000);
	ASSERT_EQ(2, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, bg_tool_stop(&t[i], SIGINT, 10000)) TH_LOG("%s", t[i].out);

	for (i = 0; i < 2; i++) {
		const char *out = t[i].out;

		TH_LOG("ieee80211scan -H number %d", i + 1);
		/* One duration per scan, one dwell per channel visited, in its slot. */
		check_hist(_metadata, out, &self->l, "scan duration", "sta0", self->sta0, false, 1);
		check_hist(_metadata, out, &self->l, "channel dwell", "sta0", self->sta0, true, 2 * dw);
		check_hist(_metadata, out, &self->l, "scan duration", "sta1", self->sta1, false, 1);
		check_hist(_metadata, out, &self->l, "channel dwell", "sta1", self->sta1, true, 3 * dw);
		/* The channel's histograms (kfunc, /dev/netlens): both radios. */
		check_hist(_metadata, out, &self->l, "scan duration", "all interfaces", NULL, false, 2);
		check_hist(_metadata, out, &self->l, "channel dwell", "all interfaces", NULL, true, 5 * dw);
		EXPECT_EQ(6, count_lines_affix(out, "", ":")) TH_LOG("%s", out);
		EXPECT_EQ(NULL, strstr(out, "failed")) TH_LOG("%s", out);
	}
}

/* -H alone (no netlink subscriber) and -H -i: that interface's only. */
TEST_F_TIMEOUT(wifi, hist_one_interface_without_subscribers, 240)
{
	const char *args[] = { "-H", "-i", "sta1", NULL };
	unsigned long long lows[64], counts[64];
	struct bg_tool t;
	pid_t p0, p1;
	int n;

	listener_close(&self->l);
	ASSERT_EQ(0, scan_tool_start(&t, args)) TH_LOG("%s", t.out);
	EXPECT_EQ(0, scan_both(&p0, f0, 2, &p1, f1, 3));
	/* iw only triggered them: a scan takes well under a second here. */
	sleep(3);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, 10000)) TH_LOG("%s", t.out);
	EXPECT_EQ(1, parse_hist(t.out, "scan duration", "sta1", lows, counts, &n))
		TH_LOG("%s", t.out);
	EXPECT_EQ(variant->offloaded ? 0 : 3,
		  parse_hist(t.out, "channel dwell", "sta1", lows, counts, &n))
		TH_LOG("%s", t.out);
	EXPECT_EQ(2, count_lines_affix(t.out, "", ":")) TH_LOG("%s", t.out);
	EXPECT_EQ(NULL, strstr(t.out, "sta0")) TH_LOG("%s", t.out);
	EXPECT_EQ(NULL, strstr(t.out, "all interfaces")) TH_LOG("%s", t.out);
}

/* ---- a strict little JSON checker, enough for the tool's lines ---------------- */

static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	int i;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)	/* control, newline, end */
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p) || (*p == '0' && isdigit((unsigned char)p[1])))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

/* An object or array at @p; past its end or NULL. */
static const char *json_seq(const char *p, char close, bool object)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_string(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(json_ws(p));
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = json_ws(p);
	}
}

static const char *json_value(const char *p)
{
	if (*p == '{')
		return json_seq(p, '}', true);
	if (*p == '[')
		return json_seq(p, ']', false);
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	return json_number(p);
}

/* @line, up to its newline, is one JSON object and nothing else. */
static bool json_line_ok(const char *line)
{
	const char *end = *line == '{' ? json_value(line) : NULL;

	return end && (*end == '\n' || !*end);
}

/* Member @key of the object @line, as JSON text ("\"iw\"", 12, true); or "". */
static const char *json_get(const char *line, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	const char *p = json_ws(line + 1), *k, *v;

	val[0] = '\0';
	while (*p == '"') {
		k = p;
		p = json_string(p);
		if (!p)
			break;
		p = json_ws(p);
		if (*p++ != ':')
			break;
		v = json_ws(p);
		p = json_value(v);
		if (!p)
			break;
		if ((size_t)(p - v) < len && !strncmp(k + 1, key, klen) && k[klen + 1] == '"') {
			snprintf(val, len, "%.*s", (int)(p - v), v);
			break;
		}
		p = json_ws(p);
		if (*p != ',')
			break;
		p = json_ws(p + 1);
	}
	return val;
}

/* Expect member @key of @line to be @fmt... (JSON text). */
#define EXPECT_JSON(line, key, fmt, ...) do {					\
	char _want[128], _got[128];						\
	snprintf(_want, sizeof(_want), fmt, ##__VA_ARGS__);			\
	EXPECT_STREQ(_want, json_get(line, key, _got, sizeof(_got)))		\
		TH_LOG("%s in %.*s", key, (int)strcspn(line, "\n"), line);	\
} while (0)

/* The tool's JSON line for event @e, a scan of @wiphy on @iface. */
static void check_json_line(struct __test_metadata *_metadata, const char *line,
			    const struct scan_ev *e, const char *iface)
{
	static const char *const names[] = {
		[NETLENS_CMD_SCAN_START_NTF] = "start",
		[NETLENS_CMD_SCAN_CHANNEL_NTF] = "channel",
		[NETLENS_CMD_SCAN_DONE_NTF] = "done",
	};
	char val[32];

	EXPECT_JSON(line, "type", "\"event\"");
	EXPECT_JSON(line, "event", "\"%s\"", names[e->cmd]);
	EXPECT_JSON(line, "iface", "\"%s\"", iface);
	EXPECT_JSON(line, "wiphy", "\"%s\"", e->wiphy);
	EXPECT_JSON(line, "ifindex", "%d", e->ifindex);
	EXPECT_JSON(line, "scan_id", "%llu", (unsigned long long)e->id);
	EXPECT_JSON(line, "offloaded", "%s", e->offloaded ? "true" : "false");
	/* Microseconds since the epoch: within a minute of now. */
	json_get(line, "epoch_us", val, sizeof(val));
	EXPECT_GT(60, llabs((long long)(strtoull(val, NULL, 10) / 1000000) - time(NULL)))
		TH_LOG("epoch_us %s", val);
	switch (e->cmd) {
	case NETLENS_CMD_SCAN_START_NTF:
		EXPECT_JSON(line, "pid", "%u", e->pid);
		EXPECT_JSON(line, "comm", "\"%s\"", e->comm);
		EXPECT_JSON(line, "n_channels", "%u", e->n_channels);
		EXPECT_JSON(line, "n_ssids", "%u", e->n_ssids);
		break;
	case NETLENS_CMD_SCAN_CHANNEL_NTF:
		EXPECT_JSON(line, "band", "%u", e->band);
		EXPECT_JSON(line, "band_name", "\"%s\"", e->band == NL80211_BAND_2GHZ ? "2GHz" :
			    e->band == NL80211_BAND_5GHZ ? "5GHz" : "6GHz");
		EXPECT_JSON(line, "freq_mhz", "%u", e->freq);
		EXPECT_JSON(line, "beacon_found", "%s", e->beacon_found ? "true" : "false");
		EXPECT_JSON(line, "dwell_us", "%llu", (unsigned long long)e->dwell_us);
		EXPECT_JSON(line, "bss", "%u", e->bss);
		break;
	default:
		EXPECT_JSON(line, "duration_us", "%llu", (unsigned long long)e->duration_us);
		/* One unit per quantity. */
		EXPECT_EQ(NULL, strstr(line, "duration_ms"));
		EXPECT_JSON(line, "channels", "%u", e->visited);
		EXPECT_JSON(line, "bss", "%u", e->bss);
		EXPECT_JSON(line, "aborted", "%s", e->aborted ? "true" : "false");
	}
}

TEST_F_TIMEOUT(wifi, json_lines_match_scans, 240)
{
	const char *args[] = { "-j", NULL };
	struct scan_ev *start, *done;
	const char *line;
	struct bg_tool t;
	int i, k;
	pid_t pid;

	ASSERT_EQ(0, scan_tool_start(&t, args)) TH_LOG("%s", t.out);
	/* A scan that completes, then one aborted. */
	pid = spawn_scan("sta0", scan_freqs, N_FREQS);
	ASSERT_LT(0, pid);
	listen_for(&self->l, 1, 30000);
	EXPECT_EQ(0, reap(pid));
	ASSERT_EQ(0, scan_and_abort(&self->l, "sta0"));
	ASSERT_EQ(2, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, 10000)) TH_LOG("%s", t.out);

	start = find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, self->sta0);
	done = find_ev(&self->l, NETLENS_CMD_SCAN_DONE_NTF, self->sta0);
	ASSERT_NE(NULL, start);
	ASSERT_NE(NULL, done);
	EXPECT_EQ(pid, start->pid);
	EXPECT_STREQ("iw", start->comm);
	EXPECT_EQ(N_FREQS, start->n_channels);
	EXPECT_EQ(0, done->aborted);
	EXPECT_EQ(1, self->l.ev[self->l.n - 1].aborted);

	/* Every line JSON (bar the banner on stderr), one per event, in order. */
	EXPECT_EQ(1, count_lines(t.out, "Tracing IEEE80211 SSID scans. Hit Ctrl-C to end."));
	for (line = t.out, k = 0; *line; line += strcspn(line, "\n") + !!line[strcspn(line, "\n")]) {
		if (!strncmp(line, "Tracing IEEE80211", 17))
			continue;
		EXPECT_TRUE(json_line_ok(line)) TH_LOG("not JSON: %.*s",
						       (int)strcspn(line, "\n"), line);
		if (k < self->l.n)
			check_json_line(_metadata, line, &self->l.ev[k], "sta0");
		k++;
	}
	EXPECT_EQ(self->l.n, k) TH_LOG("%s", t.out);
	for (i = 0; i < N_FREQS; i++) {
		char want[64];

		snprintf(want, sizeof(want), "\"freq_mhz\":%u,", scan_freqs[i]);
		EXPECT_NE(NULL, strstr(t.out, want)) TH_LOG("%s", t.out);
	}
	EXPECT_NE(NULL, strstr(t.out, "\"event\":\"done\"")) TH_LOG("%s", t.out);
	{
		char why[4096];

		/* The one schema of every tool's -j (selftests/json_schema.jq). */
		EXPECT_EQ(0, json_schema_violations(t.out, why, sizeof(why))) TH_LOG("%s", why);
	}
	EXPECT_NE(NULL, strstr(t.out, "\"aborted\":true}")) TH_LOG("%s", t.out);
	EXPECT_NE(NULL, strstr(t.out, "\"aborted\":false}")) TH_LOG("%s", t.out);
}

/* Events of sta1 only, by interface or by radio; nothing of sta0 scanning too. */
TEST_F_TIMEOUT(wifi, interface_filter, 240)
{
	const char *by_if[] = { "-i", "sta1", NULL };
	const char *by_phy[] = { "-i", self->sta1, NULL };
	struct bg_tool *t = calloc(2, sizeof(*t));
	char line[128];
	pid_t p0, p1;
	int i;

	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, scan_tool_start(&t[0], by_if)) TH_LOG("%s", t[0].out);
	ASSERT_EQ(0, scan_tool_start(&t[1], by_phy)) TH_LOG("%s", t[1].out);
	EXPECT_EQ(0, scan_both(&p0, f0, 2, &p1, f1, 3));
	listen_for(&self->l, 2, 30000);
	ASSERT_EQ(2, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));
	for (i = 0; i < 2; i++) {
		const char *out = t[i].out;

		EXPECT_EQ(0, bg_tool_stop(&t[i], SIGINT, 10000));
		snprintf(line, sizeof(line), "scan started (on-CPU PID %d, iw)", p1);
		EXPECT_EQ(1, count_lines_affix(out, "", line)) TH_LOG("%s", out);
		EXPECT_EQ(1, count_lines_affix(out, "", "channel 2GHz freq 2437: beacon_found 1"));
		EXPECT_EQ(1, count_lines_affix(out, "", "channel 5GHz freq 5180: beacon_found 1"));
		EXPECT_EQ(1, count_lines_affix(out, "", "channel 5GHz freq 5200: beacon_found 0"));
		EXPECT_EQ(1, count_lines_affix(out, "", " ms"));
		/* The banner and those five: nothing of sta0's scan. */
		EXPECT_EQ(6, count_lines_affix(out, "", "")) TH_LOG("%s", out);
		snprintf(line, sizeof(line), "PID %d,", p0);
		EXPECT_EQ(NULL, strstr(out, line)) TH_LOG("%s", out);
		EXPECT_EQ(NULL, strstr(out, "freq 2412")) TH_LOG("%s", out);
	}
	free(t);
}

/* As every case here, it sets up radios and access points first. */
TEST_F_TIMEOUT(wifi, interface_filter_unknown_interface, 120)
{
	char tool[512], out[4096];

	tool_path("ieee80211scan", tool, sizeof(tool));
	/* In another namespace: not here. */
	/* timeout: a tool that accepts them would trace on and on. */
	EXPECT_EQ(1, run_cmd(out, sizeof(out), "timeout 10 %s -i oth0 2>&1", tool));
	EXPECT_STREQ("ieee80211scan: no interface 'oth0' in this network namespace\n", out);
	EXPECT_EQ(1, run_cmd(out, sizeof(out), "timeout 10 %s -i lo 2>&1", tool));
	EXPECT_STREQ("ieee80211scan: 'lo' is not an 802.11 interface\n", out);
	EXPECT_EQ(1, run_cmd(out, sizeof(out), "timeout 10 %s -i phy999 2>&1", tool));
	EXPECT_STREQ("ieee80211scan: no interface 'phy999' in this network namespace\n", out);
	/* The BPF path knows interfaces, not radios. */
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "timeout 10 %s -H -i %s 2>&1", tool, self->sta0));
	EXPECT_NE(NULL, strstr(out, "-H -i takes an interface")) TH_LOG("%s", out);
}

/* SET_CONFIG channel-events 0: start and done only, back with 1. */
TEST_F_TIMEOUT(wifi, channel_events_off, 240)
{
	const char *no_args[] = { NULL };
	const char *first_chan, *second_start;
	struct scan_ev *done;
	struct bg_tool t;
	pid_t pid;

	ASSERT_EQ(0, set_channel_events(0));
	ASSERT_EQ(0, scan_tool_start(&t, no_args)) TH_LOG("%s", t.out);
	pid = spawn_scan("sta0", scan_freqs, N_FREQS);
	ASSERT_LT(0, pid);
	listen_for(&self->l, 1, 30000);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, count_cmd(&self->l, NETLENS_CMD_SCAN_START_NTF));
	EXPECT_EQ(0, count_cmd(&self->l, NETLENS_CMD_SCAN_CHANNEL_NTF));
	ASSERT_EQ(1, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));
	/* The scan itself is still followed. */
	done = find_ev(&self->l, NETLENS_CMD_SCAN_DONE_NTF, self->sta0);
	ASSERT_NE(NULL, done);
	EXPECT_EQ(N_FREQS, done->visited);
	EXPECT_LE(2, done->bss);

	/* On again: the same scan gets its channels. */
	ASSERT_EQ(0, set_channel_events(1));
	pid = spawn_scan("sta0", scan_freqs, N_FREQS);
	ASSERT_LT(0, pid);
	listen_for(&self->l, 2, 30000);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(N_FREQS, count_cmd(&self->l, NETLENS_CMD_SCAN_CHANNEL_NTF));
	ASSERT_EQ(2, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));

	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, 10000)) TH_LOG("%s", t.out);
	EXPECT_EQ(2, count_lines_affix(t.out, "", "iw)")) TH_LOG("%s", t.out);
	EXPECT_EQ(2, count_lines_affix(t.out, "", " ms")) TH_LOG("%s", t.out);
	EXPECT_EQ(N_FREQS + 5, count_lines_affix(t.out, "", "")) TH_LOG("%s", t.out);
	/* The channel lines all come after the second start. */
	first_chan = strstr(t.out, "scanning channel");
	second_start = strstr(t.out, "scan started");
	second_start = second_start ? strstr(second_start + 1, "scan started") : NULL;
	ASSERT_NE(NULL, first_chan) TH_LOG("%s", t.out);
	ASSERT_NE(NULL, second_start) TH_LOG("%s", t.out);
	EXPECT_LT(second_start, first_chan) TH_LOG("%s", t.out);
}

/* A 6 GHz access point: its channel reported as such, with its beacon. */
TEST_F_TIMEOUT(wifi, six_ghz_channel, 180)
{
	static const unsigned int f6[] = { 2437, 5955 };
	const char *no_args[] = { NULL };
	char script[512], out[8192];
	struct bg_tool t;
	long long wall;
	pid_t pid;

	ASSERT_EQ(0, run_cmd(out, sizeof(out), "%s ap6 2>&1",
			     env_script(script, sizeof(script)))) TH_LOG("%s", out);
	ASSERT_EQ(0, scan_tool_start(&t, no_args)) TH_LOG("%s", t.out);
	pid = spawn_scan("sta0", f6, 2);
	ASSERT_LT(0, pid);
	listen_for(&self->l, 1, 30000);
	EXPECT_EQ(0, reap(pid));
	check_scan(_metadata, &self->l, self->sta0, pid, f6, 2, 2, variant->offloaded, &wall);
	ASSERT_EQ(0, bg_tool_stop(&t, SIGINT, 10000)) TH_LOG("%s", t.out);
	EXPECT_EQ(1, count_lines_affix(t.out, "", "scanning channel 6GHz freq 5955: beacon_found 1"))
		TH_LOG("%s", t.out);
	EXPECT_EQ(1, count_lines_affix(t.out, "", "scanning channel 2GHz freq 2437: beacon_found 1"));
}

/*
 * S1G channels sit every 500 kHz (hwsim's from 902.5 MHz): each is its
 * own channel event, with its kHz offset, and the request's flags come
 * by name.  The scan asks in kHz, as only NL80211_ATTR_SCAN_FREQ_KHZ can.
 */
TEST_F_TIMEOUT(wifi, s1g_channels_and_scan_flags, 180)
{
	static const __u32 khz[] = { 902500, 903000, 903500 };
	const __u32 flags = NL80211_SCAN_FLAG_FLUSH | NL80211_SCAN_FLAG_FREQ_KHZ;
	const char *no_args[] = { NULL }, *json[] = { "-j", NULL };
	struct bg_tool t[2];
	struct scan_ev *start;
	char line[128];
	int i, j, n = 0, ret;

	ASSERT_EQ(0, scan_tool_start(&t[0], no_args)) TH_LOG("%s", t[0].out);
	ASSERT_EQ(0, scan_tool_start(&t[1], json)) TH_LOG("%s", t[1].out);
	ret = trigger_scan_khz("sta0", khz, 3, flags);
	ASSERT_EQ(0, ret) TH_LOG("NL80211_CMD_TRIGGER_SCAN of S1G channels: %s", nl_geterror(ret));
	listen_for(&self->l, 1, 30000);
	ASSERT_EQ(1, count_cmd(&self->l, NETLENS_CMD_SCAN_DONE_NTF));
	start = find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, self->sta0);
	ASSERT_NE(NULL, start);
	EXPECT_EQ(flags, start->flags);
	for (i = 0; i < self->l.n; i++) {
		struct scan_ev *e = &self->l.ev[i];

		if (e->cmd != NETLENS_CMD_SCAN_CHANNEL_NTF)
			continue;
		ASSERT_GT(3, n) TH_LOG("more channel events than channels");
		EXPECT_EQ(NL80211_BAND_S1GHZ, e->band);
		EXPECT_EQ(khz[n] / 1000, e->freq);
		EXPECT_EQ(khz[n] % 1000, e->freq_offset);
		n++;
	}
	EXPECT_EQ(3, n);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, bg_tool_stop(&t[i], SIGINT, 10000)) TH_LOG("%s", t[i].out);
	snprintf(line, sizeof(line), "scan started (on-CPU PID %d, wifi_test) flags FLUSH|FREQ_KHZ",
		 getpid());
	EXPECT_EQ(1, count_lines_affix(t[0].out, "", line)) TH_LOG("%s", t[0].out);
	for (j = 0; j < 3; j++) {
		static const char *const freq[] = { "902.5", "903", "903.5" };

		snprintf(line, sizeof(line), "scanning channel S1GHz freq %s: beacon_found 0", freq[j]);
		EXPECT_EQ(1, count_lines_affix(t[0].out, "", line)) TH_LOG("%s", t[0].out);
	}
	EXPECT_NE(NULL, strstr(t[1].out, "\"flags\":8194,\"flags_name\":\"FLUSH|FREQ_KHZ\""))
		TH_LOG("%s", t[1].out);
	EXPECT_NE(NULL, strstr(t[1].out, "\"freq_mhz\":902,\"freq_offset_khz\":500,"))
		TH_LOG("%s", t[1].out);
	EXPECT_NE(NULL, strstr(t[1].out, "\"freq_mhz\":903,\"freq_offset_khz\":0,"))
		TH_LOG("%s", t[1].out);
	EXPECT_NE(NULL, strstr(t[1].out, "\"freq_mhz\":903,\"freq_offset_khz\":500,"))
		TH_LOG("%s", t[1].out);
}

/* ---- configuration and bad input (no radios needed) -------------------------- */

FIXTURE(cfg) {
	struct netlens_genl g;
};

FIXTURE_SETUP(cfg)
{
	char err[256];

	self->g.sk = NULL;
	if (!netlens_loaded())
		SETUP_SKIP("netlens.ko not loaded (the guests test it)");
	ASSERT_EQ(0, netlens_genl_open(&self->g, err, sizeof(err))) TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(cfg)
{
	if (self->g.sk)
		netlens_genl_close(&self->g);
}

TEST_F(cfg, valid_config_accepted)
{
	__u8 on = 1;
	char ack[256];

	EXPECT_EQ(0, set_config(&self->g, NETLENS_A_CONFIG_CHANNEL_EVENTS, &on, 1,
				ack, sizeof(ack))) TH_LOG("%s", ack);
}

TEST_F(cfg, missing_attribute_rejected_with_ack)
{
	char ack[256];

	EXPECT_EQ(-EINVAL, set_config(&self->g, -1, NULL, 0, ack, sizeof(ack)));
	EXPECT_NE(0, strlen(ack)) TH_LOG("no extended ack");
	TH_LOG("kernel said: %s", ack);
}

TEST_F(cfg, oversized_attribute_rejected_with_ack)
{
	__u64 big = 1;
	char ack[256];

	EXPECT_EQ(-EINVAL, set_config(&self->g, NETLENS_A_CONFIG_CHANNEL_EVENTS,
				      &big, sizeof(big), ack, sizeof(ack)));
	EXPECT_NE(0, strlen(ack)) TH_LOG("no extended ack");
	TH_LOG("kernel said: %s", ack);
}

TEST_F(cfg, out_of_range_value_rejected_with_ack)
{
	__u8 two = 2;
	char ack[256];

	EXPECT_GT(0, set_config(&self->g, NETLENS_A_CONFIG_CHANNEL_EVENTS, &two, 1,
				ack, sizeof(ack)));
	EXPECT_NE(0, strlen(ack)) TH_LOG("no extended ack");
	TH_LOG("kernel said: %s", ack);
}

TEST_F(cfg, unknown_attribute_rejected_with_ack)
{
	__u8 on = 1;
	char ack[256];

	EXPECT_EQ(-EINVAL, set_config(&self->g, NETLENS_A_CONFIG_MAX + 7, &on, 1,
				      ack, sizeof(ack)));
	EXPECT_NE(0, strlen(ack)) TH_LOG("no extended ack");
	TH_LOG("kernel said: %s", ack);
}

TEST(unprivileged_may_listen_not_configure)
{
	int status;
	pid_t pid;

	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded (the guests test it)");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct netlens_genl g;
		char err[256], ack[256];
		__u8 on = 1;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (netlens_genl_open(&g, err, sizeof(err)))
			_exit(11);
		if (nl_socket_add_membership(g.sk, g.scan_group))
			_exit(12);
		if (set_config(&g, NETLENS_A_CONFIG_CHANNEL_EVENTS, &on, 1, ack,
			       sizeof(ack)) != -EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(tool_bad_arguments_usage)
{
	char tool[512], out[4096];

	tool_path("ieee80211scan", tool, sizeof(tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -x 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "--help")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s extra 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -i 2>&1", tool));
	EXPECT_EQ(2, run_cmd(out, sizeof(out), "%s -i 0123456789abcdefXYZ 2>&1", tool));
	EXPECT_EQ(1, run_cmd(out, sizeof(out), "%s -i nosuchif0 2>&1", tool));
	EXPECT_NE(NULL, strstr(out, "no interface 'nosuchif0'")) TH_LOG("%s", out);
}

/*
 * Last: nothing went wrong in the kernel while radios came and went.  The
 * harness runs every TEST() before the first fixture and fixtures in the
 * order declared, so this needs a fixture of its own, declared last.
 */
FIXTURE(after_all) {};

FIXTURE_SETUP(after_all)
{
	if (!netlens_loaded())
		SETUP_SKIP("netlens.ko not loaded (the guests test it)");
}

FIXTURE_TEARDOWN(after_all)
{
}

/* The kernel log when this binary started: other tests' messages are theirs. */
static unsigned long long kmsg_at_start;

static void __attribute__((constructor)) wifi_test_kmsg(void)
{
	kmsg_at_start = kmsg_scan(0, NULL, NULL, 0);
}

TEST_F(after_all, no_kernel_warnings)
{
	static const char *const netlens_msgs[] = { "netlens:", NULL };
	char out[8192];

	kmsg_scan(kmsg_at_start, NULL, out, sizeof(out));
	EXPECT_STREQ("", out);
	/* The module stays loaded here: it has nothing to say either. */
	kmsg_scan(kmsg_at_start, netlens_msgs, out, sizeof(out));
	EXPECT_STREQ("", out);
}

TEST_HARNESS_MAIN
