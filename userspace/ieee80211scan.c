// SPDX-License-Identifier: GPL-2.0
/*
 * ieee80211scan: 802.11 scans as they happen (BPF Performance Tools
 * 10.3.30), from netlens.ko's generic netlink group "scan": who started
 * each scan, every channel it visited (once, with its dwell and the BSSes
 * heard there) and how it ended, for any number of radios scanning at once.
 * -H instead keeps scan-duration and dwell histograms with a BPF program on
 * the module's wifi_scan_* tracepoints.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlens.h>
#include <linux/nl80211.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "hist.h"
#include "netlens_dev.h"
#include "netlens_genl.h"
#include "jsonout.h"
#include "tool.h"
#include "wifinames.h"
#include "ieee80211scan.skel.h"

static struct tool_env env = { .no_interval = true };
static struct {
	const char *iface;	/* -i */
	int ifindex;
	bool hist;		/* -H */
	unsigned int radios;	/* radios seen in events */
	int seen[8];
	unsigned int radios_here;	/* in this namespace, at the last start */
} opt;

const char *argp_program_version = "ieee80211scan " NETLENS_VERSION;
static const char doc[] =
"Trace IEEE 802.11 scans: who started them, each channel visited, how long.\n"
"\n"
"Listens to netlens.ko's generic netlink group \"scan\" (no privileges\n"
"needed; radios of this network namespace only).  Unlike the book's tool\n"
"it follows scans on several radios at once, prints one line per channel\n"
"visited rather than per channel lookup, and takes the band from the\n"
"kernel.  -H (root) keeps histograms of scan durations and per-channel\n"
"dwell times instead, per interface (-i: that one only), until Ctrl-C;\n"
"it also adds each scan to netlens's module-wide histograms, so one -H\n"
"runs at a time, and as a tracer it sees every network namespace.\n"
"\n"
"EXAMPLES:\n"
"    ieee80211scan             # every scan in this network namespace\n"
"    ieee80211scan -i wlan0    # scans on wlan0 only\n"
"    ieee80211scan -j          # JSON lines\n"
"    ieee80211scan -H          # duration and dwell histograms at Ctrl-C\n";

static const struct argp_option opts[] = {
	{ "interface", 'i', "IFACE", 0, "Scans on this interface only", 0 },
	{ "histogram", 'H', NULL, 0, "Duration and dwell histograms (BPF, root)", 0 },
	{ "json", 'j', NULL, 0, "Print JSON lines instead of text", 0 },
	{ "verbose", 'v', NULL, 0, "Verbose debug output (libbpf)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'i':
		if (!*arg || strlen(arg) >= IFNAMSIZ)
			argp_error(state, "invalid interface name '%s'", arg);
		opt.iface = arg;
		return 0;
	case 'H':
		opt.hist = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &env);
	}
}

/* ---- nl80211: this namespace's 802.11 interfaces and radios ------------------ */

/*
 * Send nl80211 @cmd (for @ifindex unless 0; a split dump if @dump) and
 * hand the replies to @cb.  0 or a negative libnl error; -NLE_OBJ_NOTFOUND
 * without nl80211 (cfg80211 not loaded).  Netlink, not sysfs: /sys may
 * show another namespace (setns() without remounting it).
 */
static int nl80211_query(__u8 cmd, int ifindex, bool dump,
			 nl_recvmsg_msg_cb_t cb, void *arg)
{
	struct nl_sock *sk;
	struct nl_msg *msg;
	int family, ret = -NLE_NOMEM;

	family = genl_family_connect("nl80211", &sk);
	if (family < 0)
		return family;
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 dump ? NLM_F_DUMP : 0, cmd, 0))
		goto out;
	if ((ifindex && nla_put_u32(msg, NL80211_ATTR_IFINDEX, ifindex)) ||
	    (dump && nla_put_flag(msg, NL80211_ATTR_SPLIT_WIPHY_DUMP)))
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	ret = nl_send_auto(sk, msg);
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret < 0 ? ret : 0;
}

static int nl80211_seen_cb(struct nl_msg *msg, void *arg)
{
	*(bool *)arg = true;
	return NL_OK;
}

/* @ifindex (of this namespace) is a cfg80211 interface. */
static bool is_80211(int ifindex)
{
	bool seen = false;

	return !nl80211_query(NL80211_CMD_GET_INTERFACE, ifindex, false,
			      nl80211_seen_cb, &seen) && seen;
}

struct wiphy_walk {
	const char *name;	/* in: the radio looked for */
	bool found;
	unsigned int n;		/* radios */
	__u32 last;		/* a split dump repeats a radio's index */
};

static int wiphy_walk_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[NL80211_ATTR_MAX + 1];
	struct wiphy_walk *w = arg;
	__u32 idx;

	if (nla_parse(tb, NL80211_ATTR_MAX, genlmsg_attrdata(gnlh, 0),
		      genlmsg_attrlen(gnlh, 0), NULL) || !tb[NL80211_ATTR_WIPHY])
		return NL_SKIP;
	idx = nla_get_u32(tb[NL80211_ATTR_WIPHY]);
	if (!w->n || idx != w->last)
		w->n++;
	w->last = idx;
	if (w->name && tb[NL80211_ATTR_WIPHY_NAME] &&
	    !strcmp(w->name, nla_get_string(tb[NL80211_ATTR_WIPHY_NAME])))
		w->found = true;
	return NL_OK;
}

/* Radios in this namespace; @name among them (if not NULL) into @found. */
static unsigned int count_radios(const char *name, bool *found)
{
	struct wiphy_walk w = { .name = name };

	if (nl80211_query(NL80211_CMD_GET_WIPHY, 0, true, wiphy_walk_cb, &w))
		w.n = 0;
	if (found)
		*found = w.found;
	return w.n;
}

/* Remember @ifindex; more than one radio means lines name their interface. */
static void note_radio(int ifindex)
{
	unsigned int i, n = opt.radios < 8 ? opt.radios : 8;

	for (i = 0; i < n; i++)
		if (opt.seen[i] == ifindex)
			return;
	if (opt.radios < 8)
		opt.seen[opt.radios] = ifindex;
	opt.radios++;
}

/*
 * -i: an 802.11 interface of this namespace, or a radio by name ("phy0").
 * 0, or the exit status after saying what is wrong.
 */
static int check_iface(void)
{
	bool radio = false;

	opt.ifindex = if_nametoindex(opt.iface);
	if (opt.ifindex) {
		if (is_80211(opt.ifindex))
			return 0;
		fprintf(stderr, "ieee80211scan: '%s' is not an 802.11 interface\n",
			opt.iface);
		return 1;
	}
	count_radios(opt.iface, &radio);
	if (!radio) {
		fprintf(stderr, "ieee80211scan: no interface '%s' in this network namespace\n",
			opt.iface);
		return 1;
	}
	if (opt.hist) {
		/* 6.1's tp_btf cannot read the radio's name (a string). */
		fprintf(stderr, "ieee80211scan: -H -i takes an interface, not a radio ('%s')\n"
			"Try 'ieee80211scan --help' for more information.\n", opt.iface);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- events ----------------------------------------------------------------- */

static int on_event(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[NETLENS_A_SCAN_MAX + 1];
	char ifname[IF_NAMESIZE], wiphy[64] = "?", comm[32] = "?", prefix[80] = "";
	char flags[256], freq[24];
	const char *event;
	int ifindex = 0;

	if (nla_parse(tb, NETLENS_A_SCAN_MAX, genlmsg_attrdata(gnlh, 0),
		      genlmsg_attrlen(gnlh, 0), NULL))
		return NL_SKIP;
	switch (gnlh->cmd) {
	case NETLENS_CMD_SCAN_START_NTF:
		event = "start";
		break;
	case NETLENS_CMD_SCAN_CHANNEL_NTF:
		event = "channel";
		break;
	case NETLENS_CMD_SCAN_DONE_NTF:
		event = "done";
		break;
	default:
		return NL_SKIP;
	}
	if (tb[NETLENS_A_SCAN_IFINDEX])
		ifindex = nla_get_u32(tb[NETLENS_A_SCAN_IFINDEX]);
	if (tb[NETLENS_A_SCAN_WIPHY])
		snprintf(wiphy, sizeof(wiphy), "%s", nla_get_string(tb[NETLENS_A_SCAN_WIPHY]));
	/* -i: that interface, or every interface of that radio. */
	if (opt.iface && (opt.ifindex ? ifindex != opt.ifindex : strcmp(wiphy, opt.iface)))
		return NL_OK;
	if (!ifindex || !if_indextoname(ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "%s", wiphy);
	note_radio(ifindex);

#define U32(a) (tb[a] ? nla_get_u32(tb[a]) : 0)
#define U64(a) (tb[a] ? (unsigned long long)nla_get_u64(tb[a]) : 0ULL)
#define U8(a) (tb[a] ? nla_get_u8(tb[a]) : 0)
	if (tb[NETLENS_A_SCAN_COMM])
		snprintf(comm, sizeof(comm), "%s", nla_get_string(tb[NETLENS_A_SCAN_COMM]));
	wifi_scan_flags_str(flags, sizeof(flags), U32(NETLENS_A_SCAN_FLAGS));
	wifi_freq_str(freq, sizeof(freq), U32(NETLENS_A_SCAN_FREQ), U32(NETLENS_A_SCAN_FREQ_OFFSET));

	if (env.json) {
		json_begin(stdout, "event");
		json_str(stdout, "event", event);
		json_str(stdout, "iface", ifname);
		json_str(stdout, "wiphy", wiphy);
		json_s64(stdout, "ifindex", ifindex);
		json_u64(stdout, "scan_id", U64(NETLENS_A_SCAN_ID));
		json_bool(stdout, "offloaded", tb[NETLENS_A_SCAN_OFFLOADED]);
		if (gnlh->cmd == NETLENS_CMD_SCAN_START_NTF) {
			json_u64(stdout, "pid", U32(NETLENS_A_SCAN_PID));
			json_str(stdout, "comm", comm);
			json_u64(stdout, "n_channels", U32(NETLENS_A_SCAN_N_CHANNELS));
			json_u64(stdout, "n_ssids", U32(NETLENS_A_SCAN_N_SSIDS));
			json_enum(stdout, "flags", U32(NETLENS_A_SCAN_FLAGS), flags);
		} else if (gnlh->cmd == NETLENS_CMD_SCAN_CHANNEL_NTF) {
			json_enum(stdout, "band", U32(NETLENS_A_SCAN_BAND),
				  wifi_band_name(U32(NETLENS_A_SCAN_BAND)));
			json_u64(stdout, "freq_mhz", U32(NETLENS_A_SCAN_FREQ));
			json_u64(stdout, "freq_offset_khz", U32(NETLENS_A_SCAN_FREQ_OFFSET));
			json_bool(stdout, "beacon_found", U8(NETLENS_A_SCAN_BEACON_FOUND));
			json_u64(stdout, "dwell_us", U64(NETLENS_A_SCAN_DWELL_US));
			json_u64(stdout, "bss", U32(NETLENS_A_SCAN_BSS_COUNT));
		} else {
			json_u64(stdout, "duration_us", U64(NETLENS_A_SCAN_DURATION_US));
			json_u64(stdout, "channels", U32(NETLENS_A_SCAN_CHANNELS_VISITED));
			json_u64(stdout, "bss", U32(NETLENS_A_SCAN_BSS_COUNT));
			json_bool(stdout, "aborted", U8(NETLENS_A_SCAN_ABORTED));
		}
		json_end(stdout);
		fflush(stdout);
		return NL_OK;
	}

	if (gnlh->cmd == NETLENS_CMD_SCAN_START_NTF)
		opt.radios_here = count_radios(NULL, NULL);
	if (opt.radios > 1 || opt.radios_here > 1)
		snprintf(prefix, sizeof(prefix), "%s: ", ifname);
	if (gnlh->cmd == NETLENS_CMD_SCAN_START_NTF)
		/* The book's line, then the request's flags if it had any. */
		printf("%s %sscan started (on-CPU PID %u, %s)%s%s\n", tool_time(),
		       prefix, U32(NETLENS_A_SCAN_PID), comm,
		       *flags ? " flags " : "", flags);
	else if (gnlh->cmd == NETLENS_CMD_SCAN_CHANNEL_NTF)
		printf("%s %sscanning channel %s freq %s: beacon_found %u\n",
		       tool_time(), prefix, wifi_band_name(U32(NETLENS_A_SCAN_BAND)),
		       freq, U8(NETLENS_A_SCAN_BEACON_FOUND));
	else
		printf("%s %sscan %s: %llu ms\n", tool_time(), prefix,
		       U8(NETLENS_A_SCAN_ABORTED) ? "aborted" : "completed",
		       U64(NETLENS_A_SCAN_DURATION_US) / 1000);
	fflush(stdout);
	return NL_OK;
#undef U32
#undef U64
#undef U8
}

static int run_events(void)
{
	struct netlens_genl g;
	char err[256];
	int ret;

	if (access("/sys/module/netlens", F_OK)) {
		fprintf(stderr, "ieee80211scan: netlens.ko is not loaded (modprobe netlens): its generic netlink family '%s' carries the scan events\n",
			NETLENS_GENL_NAME);
		return 1;
	}
	ret = netlens_genl_open(&g, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ieee80211scan: %s\n", err);
		return 1;
	}
	nl_socket_disable_seq_check(g.sk);
	nl_socket_modify_cb(g.sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, NULL);
	ret = nl_socket_add_membership(g.sk, g.scan_group);
	if (ret) {
		fprintf(stderr, "ieee80211scan: cannot join multicast group '%s': %s\n",
			NETLENS_GENL_MCGRP_SCAN, nl_geterror(ret));
		netlens_genl_close(&g);
		return 1;
	}
	opt.radios_here = count_radios(NULL, NULL);
	tool_ready(&env, "Tracing IEEE80211 SSID scans. Hit Ctrl-C to end.");
	while (!tool_exiting) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(g.sk), .events = POLLIN };

		ret = poll(&pfd, 1, 1000);
		if (ret < 0 && errno != EINTR) {
			perror("ieee80211scan: poll");
			break;
		}
		if (ret > 0) {
			ret = nl_recvmsgs_default(g.sk);
			/* Overrun: events were lost, say so and carry on. */
			if (ret == -NLE_NOMEM)
				fprintf(stderr, "ieee80211scan: receive buffer overrun: events lost\n");
			else if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN) {
				fprintf(stderr, "ieee80211scan: receive: %s\n", nl_geterror(ret));
				break;
			}
		}
	}
	netlens_genl_close(&g);
	return 0;
}

/* ---- -H: histograms ------------------------------------------------------------ */

struct radio_key {
	__s32 ifindex;
	__u32 kind;
	__u32 slot;
};

static void print_hist(const char *title, const char *iface, const char *kind,
		       const __u64 *slots)
{
	__u64 total = 0;
	unsigned int i;

	for (i = 0; i < NETLENS_HIST_SLOTS; i++)
		total += slots[i];
	if (env.json) {
		json_hist_begin(stdout, kind, "ms", "log2");
		/* The module's histogram: every interface, no "iface". */
		if (iface)
			json_str(stdout, "iface", iface);
		json_hist_end_log2(stdout, slots, NETLENS_HIST_SLOTS);
		return;
	}
	printf("\n%s, %s:\n", title, iface ? iface : "all interfaces");
	if (!total)
		printf("     (none)\n");
	hist_print_log2(stdout, slots, NETLENS_HIST_SLOTS, "msecs");
}

static int run_hist(void)
{
	static const unsigned int ids[2] = {
		NETLENS_HIST_SCAN_DURATION_MS, NETLENS_HIST_SCAN_DWELL_MS,
	};
	static const char *const titles[2] = { "scan duration", "channel dwell" };
	static const char *const kinds[2] = { "scan_duration", "channel_dwell" };
	struct netlens_channel_info chan;
	struct netlens_hist total;
	struct ieee80211scan_bpf *skel;
	struct radio_key key, next;
	int fd, err, k, i, n, map;
	int ifs[64], nifs = 0;
	char msg[256];

	if (!tool_prepare("ieee80211scan", &env))
		return 1;
	if (access("/sys/module/netlens", F_OK)) {
		fprintf(stderr, "ieee80211scan: netlens.ko is not loaded (modprobe netlens): -H attaches to its wifi_scan_* tracepoints\n");
		return 1;
	}
	if (access("/sys/kernel/btf/netlens", F_OK)) {
		fprintf(stderr, "ieee80211scan: /sys/kernel/btf/netlens missing: netlens.ko was built without BTF, so -H cannot attach (README: No BTF)\n");
		return 1;
	}
	/* This run's channel: its histograms are this run's alone. */
	fd = netlens_dev_open(O_RDONLY, msg, sizeof(msg));
	if (fd < 0) {
		fprintf(stderr, "ieee80211scan: %s\n", msg);
		return 1;
	}
	err = netlens_dev_channel_info(fd, &chan);
	if (err) {
		fprintf(stderr, "ieee80211scan: NETLENS_IOC_CHANNEL_INFO: %s\n", strerror(-err));
		close(fd);
		return 1;
	}
	skel = ieee80211scan_bpf__open();
	if (!skel) {
		report_bpf_failure("ieee80211scan", "open the BPF object", -errno);
		close(fd);
		return 1;
	}
	skel->rodata->netlens_channel = chan.handle;
	err = ieee80211scan_bpf__load(skel);
	if (err) {
		report_bpf_failure("ieee80211scan", "load the BPF program", err);
		goto out;
	}
	err = ieee80211scan_bpf__attach(skel);
	if (err) {
		report_bpf_failure("ieee80211scan", "attach to tp_btf/wifi_scan_*", err);
		goto out;
	}
	tool_ready(&env, "Tracing IEEE80211 scan durations and channel dwell times. Hit Ctrl-C to end.");
	while (!tool_exiting)
		sleep(1);

	map = bpf_map__fd(skel->maps.radio_hists);
	/* -i: that interface only, scanned or not; else every one that did. */
	if (opt.iface)
		ifs[nifs++] = opt.ifindex;
	for (err = bpf_map_get_next_key(map, NULL, &key); !opt.iface && !err;
	     err = bpf_map_get_next_key(map, &key, &next), key = next) {
		for (i = 0; i < nifs && ifs[i] != key.ifindex; i++)
			;
		if (i == nifs && nifs < 64)
			ifs[nifs++] = key.ifindex;
	}
	for (n = 0; n < nifs; n++) {
		char ifname[IF_NAMESIZE];

		if (!ifs[n] || !if_indextoname(ifs[n], ifname))
			snprintf(ifname, sizeof(ifname), "ifindex %d", ifs[n]);
		for (k = 0; k < 2; k++) {
			__u64 slots[NETLENS_HIST_SLOTS] = {}, v;

			for (i = 0; i < NETLENS_HIST_SLOTS; i++) {
				key = (struct radio_key){ ifs[n], k, i };
				if (!bpf_map_lookup_elem(map, &key, &v))
					slots[i] = v;
			}
			print_hist(titles[k], ifname, kinds[k], slots);
		}
	}
	for (k = 0; k < 2 && !opt.iface; k++) {
		err = netlens_dev_hist_read(fd, ids[k], &total);
		if (err)
			goto out_dev;
		print_hist(titles[k], NULL, kinds[k], total.slots);
	}
	if (env.json)
		json_interval(stdout, 1, 0, true);
	if (skel->bss->kfunc_errors)
		fprintf(stderr, "ieee80211scan: netlens_hist_add failed %llu times\n",
			(unsigned long long)skel->bss->kfunc_errors);
	err = 0;
	goto out;
out_dev:
	fprintf(stderr, "ieee80211scan: reading /dev/netlens: %s\n", strerror(-err));
out:
	ieee80211scan_bpf__destroy(skel);
	close(fd);
	return err ? 1 : 0;
}

static void on_signal(int sig)
{
	tool_exiting = 1;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { opts, parse_arg, NULL, doc };
	struct sigaction sa = { .sa_handler = SIG_IGN };

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (opt.iface) {
		int ret = check_iface();

		if (ret)
			return ret;
	}
	if (opt.hist)
		return run_hist();

	/* tool_prepare() insists on root; listening does not need it. */
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return run_events();
}
