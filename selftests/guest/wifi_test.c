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
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nl80211.h>
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
	__u32 band, freq;
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

/* Receive for up to @ms, or until @dones done events are in. */
static void listen_for(struct listener *l, int dones, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end && count_cmd(l, NETLENS_CMD_SCAN_DONE_NTF) < dones) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(l->g.sk), .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			nl_recvmsgs_default(l->g.sk);
	}
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
static pid_t spawn(const char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
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

static const char *env_script(char *buf, size_t len)
{
	const char *repo = getenv("NETLENS_BUILD");

	/* $BUILD/.. is the repository; else run from it. */
	if (repo)
		snprintf(buf, len, "%s/../selftests/wifi_env.sh", repo);
	else
		snprintf(buf, len, "selftests/wifi_env.sh");
	return buf;
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
	EXPECT_EQ(1, start->n_ssids);
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
		EXPECT_EQ(e->freq < 3000 ? NL80211_BAND_2GHZ : NL80211_BAND_5GHZ, e->band);
		if (e->freq == 2437 || e->freq == 5180) {
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
			       "2437", "5180", "5200", NULL };
	char tool[512], evout[8192];
	struct bg_tool iwev, scan_tool;
	long long wall;
	pid_t pid;
	char line[128];

	/* The tool and iw event, both in "sta" (inherited). */
	char *const tool_argv[] = { (char *)tool_path("ieee80211scan", tool, sizeof(tool)), NULL };
	/* iw's stdout is a pipe here: line-buffer it or see nothing. */
	char *const iwev_argv[] = { "/usr/bin/stdbuf", "-oL", "/usr/sbin/iw", "event", NULL };

	ASSERT_EQ(0, bg_tool_start(&scan_tool, tool_argv, "Tracing IEEE80211", 5000))
		TH_LOG("%s", scan_tool.out);
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
	const char *a0[] = { "iw", "dev", "sta0", "scan", "trigger", "freq", "2412", "2437", NULL };
	const char *a1[] = { "iw", "dev", "sta1", "scan", "trigger", "freq", "2437", "5180", "5200", NULL };
	long long wall0, wall1;
	pid_t p0, p1;

	p0 = spawn(a0);
	p1 = spawn(a1);
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
	const char *scan[] = { "iw", "dev", "sta0", "scan", "trigger", NULL };
	const char *abort_argv[] = { "iw", "dev", "sta0", "scan", "abort", NULL };
	struct scan_ev *start, *done;
	long long end;
	pid_t pid;

	pid = spawn(scan);
	ASSERT_LT(0, pid);
	/* Once it is under way. */
	end = now_ms() + 10000;
	while (now_ms() < end && !find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, NULL)) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(self->l.g.sk), .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			nl_recvmsgs_default(self->l.g.sk);
	}
	ASSERT_NE(NULL, find_ev(&self->l, NETLENS_CMD_SCAN_START_NTF, NULL));
	usleep(300000);
	EXPECT_EQ(0, reap(spawn(abort_argv)));
	listen_for(&self->l, 1, 20000);
	reap(pid);
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
	const char *sta_scan[] = { "iw", "dev", "sta0", "scan", "trigger", "freq", "2437", NULL };
	const char *oth_scan[] = { "iw", "dev", "oth0", "scan", "trigger", "freq", "2437", NULL };
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

/* Last: nothing went wrong in the kernel while radios came and went. */
TEST(no_kernel_warnings)
{
	char out[8192];

	if (!netlens_loaded())
		SKIP(return, "netlens.ko not loaded (the guests test it)");
	run_cmd(out, sizeof(out), "dmesg | grep -E 'WARNING|BUG|Call Trace|netlens:' | grep -v 'taints kernel\\|signature and/or required key missing'");
	EXPECT_STREQ("", out);
}

TEST_HARNESS_MAIN
