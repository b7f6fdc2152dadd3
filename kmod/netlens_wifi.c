// SPDX-License-Identifier: GPL-2.0
/*
 * 802.11 scans behind netlens:wifi_scan_start, wifi_scan_channel and
 * wifi_scan_done, and the same events multicast on the generic netlink
 * group "scan".
 *
 * cfg80211 and mac80211 are modules that may load after netlens or unload
 * while it is loaded.  Their own tracepoints are the hooks: a tracepoint
 * module notifier hands us each module's tracepoints as it comes (and, at
 * registration, those already loaded) and takes them back before it goes,
 * so a probe is never left on a module that is gone.  Built-in ones are
 * found with for_each_kernel_tracepoint().
 *
 *   cfg80211:rdev_scan		nl80211 asks the driver to scan: who and what
 *   mac80211:drv_sw_scan_start	the scan really started (software scan)
 *   mac80211:drv_hw_scan		the scan really started (offloaded to hw)
 *   mac80211:drv_config		a channel change: one step of a sw scan
 *   cfg80211:cfg80211_inform_bss_frame	a beacon/probe response heard
 *   cfg80211:cfg80211_scan_done	completed or aborted
 *
 * Always on while those modules are loaded: every hook but the BSS one
 * fires a few times per scan, and the BSS one (per received beacon) returns
 * after one READ_ONCE while no scan is tracked.  A scan is tracked only if,
 * when it starts, one of our tracepoints is enabled or its network
 * namespace has a subscriber to the scan group, so no state is kept and no
 * message is built when nobody listens.  (6.1's generic netlink tells a
 * family nothing when its groups are joined, so arming on subscription is
 * not possible there.)
 *
 * Offloaded (hw_scan) scans step through channels inside the device, which
 * tells mac80211 nothing until it is done: their channel events come at the
 * end, one per requested channel (dwell 0, flagged offloaded), or, when
 * aborted, one per channel something was heard on.
 *
 * Stored wiphy and channel pointers are compared, never dereferenced: a
 * radio can vanish without a scan_done (netdev down, unregister).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <net/cfg80211.h>
#include <net/genetlink.h>
#include <net/mac80211.h>

#include "netlens.h"
#include "netlens-events.h"

#define NL_WIFI_MAX_SCANS	64	/* radios scanning at once */
#define NL_WIFI_MAX_BSS		64	/* distinct BSSes kept per scan */
#define NL_WIFI_STALE_NS	(600ULL * NSEC_PER_SEC)

struct nl_wifi_chan {
	const struct ieee80211_channel *chan;	/* compared only */
	u32 freq;
	u16 freq_offset;	/* kHz above freq (S1G) */
	u8 band;
	u8 beacon_found;	/* chan->beacon_found when last seen live */
	u16 bss;		/* distinct BSSes heard on it */
};

struct nl_wifi_scan {
	struct list_head list;
	const struct wiphy *wiphy;	/* key, compared only */
	const void *request;		/* key, compared only */
	u64 id;
	char wiphy_name[NETLENS_WIFI_NAME_LEN];
	int ifindex;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	u32 n_ssids;
	u32 flags;
	u64 start_ns;
	bool running;
	bool offloaded;
	int cur;			/* channel being visited, -1: none */
	u64 cur_start_ns;
	u32 next;			/* next channel a sw scan should visit */
	u32 visited;
	u32 n_bss;
	u8 bss[NL_WIFI_MAX_BSS][ETH_ALEN];
	u16 bss_chan[NL_WIFI_MAX_BSS];
	u32 n_channels;
	struct nl_wifi_chan chans[];
};

/* A start event, copied out so it is emitted outside the lock. */
struct nl_wifi_start_ev {
	u64 id;
	char wiphy_name[NETLENS_WIFI_NAME_LEN];
	int ifindex;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	u32 n_channels;
	u32 n_ssids;
	u32 flags;
	bool offloaded;
};

/* A channel event, copied out so it is emitted outside the lock. */
struct nl_wifi_chan_ev {
	u64 id;
	char wiphy_name[NETLENS_WIFI_NAME_LEN];
	int ifindex;
	u8 band;
	u32 freq;
	u16 freq_offset;
	u8 beacon_found;
	u64 dwell_us;
	u32 bss;
	bool offloaded;
};

enum nl_wifi_hook_id {
	HOOK_RDEV_SCAN,
	HOOK_SCAN_DONE,
	HOOK_INFORM_BSS,
	HOOK_SW_SCAN_START,
	HOOK_HW_SCAN,
	HOOK_CONFIG,
	HOOK_COUNT
};

struct nl_wifi_hook {
	const char *owner;		/* module */
	const char *name;		/* tracepoint */
	void *probe;
	struct tracepoint *tp;		/* registered on, NULL: not */
};

static struct {
	spinlock_t lock;		/* scans */
	struct list_head scans;
	unsigned int n_scans;
	int tracking;			/* READ_ONCE'd by the BSS hook */
	atomic64_t next_id;
	bool channel_events;
	struct mutex hooks_lock;	/* hooks[].tp */
	bool notifier_registered;
} nl_wifi;

/* ---- helpers ------------------------------------------------------------------ */

/* mac80211 keeps struct ieee80211_hw first in its private ieee80211_local. */
static struct ieee80211_hw *nl_wifi_local_hw(void *local)
{
	return local;
}

static bool nl_wifi_wanted(struct net *net)
{
	return trace_wifi_scan_start_enabled() ||
	       trace_wifi_scan_channel_enabled() ||
	       trace_wifi_scan_done_enabled() ||
	       netlens_genl_scan_has_listeners(net);
}

static struct nl_wifi_scan *nl_wifi_find(const struct wiphy *wiphy)
{
	struct nl_wifi_scan *s;

	list_for_each_entry(s, &nl_wifi.scans, list)
		if (s->wiphy == wiphy)
			return s;
	return NULL;
}

static void nl_wifi_unlink(struct nl_wifi_scan *s)
{
	list_del(&s->list);
	nl_wifi.n_scans--;
	WRITE_ONCE(nl_wifi.tracking, nl_wifi.n_scans > 0);
}

static void nl_wifi_chan_ev_fill(struct nl_wifi_chan_ev *ev,
				 const struct nl_wifi_scan *s, unsigned int i,
				 u64 dwell_ns)
{
	const struct nl_wifi_chan *c = &s->chans[i];

	ev->id = s->id;
	memcpy(ev->wiphy_name, s->wiphy_name, sizeof(ev->wiphy_name));
	ev->ifindex = s->ifindex;
	ev->band = c->band;
	ev->freq = c->freq;
	ev->freq_offset = c->freq_offset;
	ev->beacon_found = c->beacon_found || c->bss;
	ev->dwell_us = div_u64(dwell_ns, NSEC_PER_USEC);
	ev->bss = c->bss;
	ev->offloaded = s->offloaded;
}

/* ---- netlink messages ----------------------------------------------------------- */

static int nl_wifi_put_common(struct sk_buff *msg, const char *wiphy_name,
			      int ifindex, u64 id, bool offloaded)
{
	if (nla_put_string(msg, NETLENS_A_SCAN_WIPHY, wiphy_name) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_IFINDEX, ifindex) ||
	    nla_put_u64_64bit(msg, NETLENS_A_SCAN_ID, id, NETLENS_A_SCAN_PAD))
		return -EMSGSIZE;
	if (offloaded && nla_put_flag(msg, NETLENS_A_SCAN_OFFLOADED))
		return -EMSGSIZE;
	return 0;
}

static void nl_wifi_ntf_start(struct net *net, const struct nl_wifi_start_ev *s)
{
	struct sk_buff *msg;
	void *hdr;

	msg = netlens_genl_scan_msg_new(NETLENS_CMD_SCAN_START_NTF, &hdr);
	if (!msg)
		return;
	if (nl_wifi_put_common(msg, s->wiphy_name, s->ifindex, s->id,
			       s->offloaded) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_PID, s->pid) ||
	    nla_put_string(msg, NETLENS_A_SCAN_COMM, s->comm) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_N_CHANNELS, s->n_channels) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_N_SSIDS, s->n_ssids) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_FLAGS, s->flags)) {
		nlmsg_free(msg);
		return;
	}
	netlens_genl_scan_multicast(net, msg, hdr);
}

static void nl_wifi_ntf_channel(struct net *net, const struct nl_wifi_chan_ev *ev)
{
	struct sk_buff *msg;
	void *hdr;

	msg = netlens_genl_scan_msg_new(NETLENS_CMD_SCAN_CHANNEL_NTF, &hdr);
	if (!msg)
		return;
	if (nl_wifi_put_common(msg, ev->wiphy_name, ev->ifindex, ev->id,
			       ev->offloaded) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_BAND, ev->band) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_FREQ, ev->freq) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_FREQ_OFFSET, ev->freq_offset) ||
	    nla_put_u8(msg, NETLENS_A_SCAN_BEACON_FOUND, ev->beacon_found) ||
	    nla_put_u64_64bit(msg, NETLENS_A_SCAN_DWELL_US, ev->dwell_us,
			      NETLENS_A_SCAN_PAD) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_BSS_COUNT, ev->bss)) {
		nlmsg_free(msg);
		return;
	}
	netlens_genl_scan_multicast(net, msg, hdr);
}

static void nl_wifi_ntf_done(struct net *net, const struct nl_wifi_scan *s,
			     u64 duration_us, bool aborted)
{
	struct sk_buff *msg;
	void *hdr;

	msg = netlens_genl_scan_msg_new(NETLENS_CMD_SCAN_DONE_NTF, &hdr);
	if (!msg)
		return;
	if (nl_wifi_put_common(msg, s->wiphy_name, s->ifindex, s->id,
			       s->offloaded) ||
	    nla_put_u64_64bit(msg, NETLENS_A_SCAN_DURATION_US, duration_us,
			      NETLENS_A_SCAN_PAD) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_CHANNELS_VISITED, s->visited) ||
	    nla_put_u32(msg, NETLENS_A_SCAN_BSS_COUNT, s->n_bss) ||
	    nla_put_u8(msg, NETLENS_A_SCAN_ABORTED, aborted)) {
		nlmsg_free(msg);
		return;
	}
	netlens_genl_scan_multicast(net, msg, hdr);
}

static void nl_wifi_emit_channel(struct net *net, const struct nl_wifi_chan_ev *ev)
{
	trace_wifi_scan_channel(ev->wiphy_name, ev->ifindex, ev->id, ev->band,
				ev->freq, ev->freq_offset, ev->beacon_found,
				ev->dwell_us, ev->bss, ev->offloaded);
	if (READ_ONCE(nl_wifi.channel_events) &&
	    netlens_genl_scan_has_listeners(net))
		nl_wifi_ntf_channel(net, ev);
}

/* ---- hooks ------------------------------------------------------------------------ */

/* cfg80211:rdev_scan, in the requesting task (nl80211_trigger_scan). */
static void nl_wifi_rdev_scan(void *data, struct wiphy *wiphy,
			      struct cfg80211_scan_request *req)
{
	struct nl_wifi_scan *s, *old, *tmp, *next;
	unsigned long flags;
	u32 i, n;

	if (!req || !nl_wifi_wanted(wiphy_net(wiphy)))
		return;
	n = req->n_channels;
	s = kzalloc(struct_size(s, chans, n), GFP_ATOMIC);
	if (!s)
		return;
	s->wiphy = wiphy;
	s->request = req;
	s->id = atomic64_inc_return(&nl_wifi.next_id);
	strscpy(s->wiphy_name, wiphy_name(wiphy), sizeof(s->wiphy_name));
	s->ifindex = req->wdev && req->wdev->netdev ? req->wdev->netdev->ifindex : 0;
	s->pid = task_tgid_nr(current);
	get_task_comm(s->comm, current);
	s->n_ssids = req->n_ssids;
	s->flags = req->flags;
	s->start_ns = ktime_get_ns();
	s->cur = -1;
	s->n_channels = n;
	for (i = 0; i < n; i++) {
		struct ieee80211_channel *c = req->channels[i];

		s->chans[i].chan = c;
		s->chans[i].freq = c->center_freq;
		s->chans[i].freq_offset = c->freq_offset;
		s->chans[i].band = c->band;
		s->chans[i].beacon_found = c->beacon_found;
	}

	spin_lock_irqsave(&nl_wifi.lock, flags);
	/* A scan on this radio that never reported done is gone. */
	old = nl_wifi_find(wiphy);
	if (old)
		nl_wifi_unlink(old);
	list_for_each_entry_safe(tmp, next, &nl_wifi.scans, list) {
		if (s->start_ns - tmp->start_ns > NL_WIFI_STALE_NS) {
			nl_wifi_unlink(tmp);
			kfree(tmp);
		}
	}
	if (nl_wifi.n_scans < NL_WIFI_MAX_SCANS) {
		list_add(&s->list, &nl_wifi.scans);
		nl_wifi.n_scans++;
		WRITE_ONCE(nl_wifi.tracking, 1);
		s = NULL;
	}
	spin_unlock_irqrestore(&nl_wifi.lock, flags);
	kfree(old);
	kfree(s);
}

/*
 * mac80211 accepted the request and started it, still in the requesting
 * task; a hw scan split per band calls drv_hw_scan again later, elsewhere.
 */
static void nl_wifi_started(void *local, bool offloaded)
{
	struct wiphy *wiphy = nl_wifi_local_hw(local)->wiphy;
	struct nl_wifi_start_ev copy;
	struct nl_wifi_scan *s;
	unsigned long flags;
	bool fire = false;

	if (!READ_ONCE(nl_wifi.tracking))
		return;
	spin_lock_irqsave(&nl_wifi.lock, flags);
	s = nl_wifi_find(wiphy);
	if (s && !s->running && s->pid == task_tgid_nr(current)) {
		s->running = true;
		s->offloaded = offloaded;
		copy.id = s->id;
		memcpy(copy.wiphy_name, s->wiphy_name, sizeof(copy.wiphy_name));
		copy.ifindex = s->ifindex;
		copy.pid = s->pid;
		memcpy(copy.comm, s->comm, sizeof(copy.comm));
		copy.n_channels = s->n_channels;
		copy.n_ssids = s->n_ssids;
		copy.flags = s->flags;
		copy.offloaded = offloaded;
		fire = true;
	}
	spin_unlock_irqrestore(&nl_wifi.lock, flags);
	if (!fire)
		return;

	trace_wifi_scan_start(copy.wiphy_name, copy.ifindex, copy.id, copy.pid,
			      copy.comm, copy.n_channels, copy.n_ssids,
			      copy.flags, copy.offloaded);
	if (netlens_genl_scan_has_listeners(wiphy_net(wiphy)))
		nl_wifi_ntf_start(wiphy_net(wiphy), &copy);
}

static void nl_wifi_sw_scan_start(void *data, void *local, void *sdata,
				  const u8 *mac_addr)
{
	nl_wifi_started(local, false);
}

static void nl_wifi_hw_scan(void *data, void *local, void *sdata)
{
	nl_wifi_started(local, true);
}

/* mac80211:drv_config: a software scan moves to its next channel. */
static void nl_wifi_config(void *data, void *local, u32 changed)
{
	struct ieee80211_hw *hw = nl_wifi_local_hw(local);
	struct ieee80211_channel *chan = hw->conf.chandef.chan;
	struct nl_wifi_chan_ev ev;
	struct nl_wifi_scan *s;
	unsigned long flags;
	bool fire = false;
	u64 now;

	if (!READ_ONCE(nl_wifi.tracking) ||
	    !(changed & IEEE80211_CONF_CHANGE_CHANNEL) || !chan)
		return;
	now = ktime_get_ns();
	spin_lock_irqsave(&nl_wifi.lock, flags);
	s = nl_wifi_find(hw->wiphy);
	/*
	 * Only the channel the scan goes to next counts: returns to the
	 * operating channel between channels (scan suspend) do not.
	 */
	if (s && s->running && !s->offloaded && s->next < s->n_channels &&
	    s->chans[s->next].chan == chan) {
		if (s->cur >= 0) {
			nl_wifi_chan_ev_fill(&ev, s, s->cur, now - s->cur_start_ns);
			s->visited++;
			fire = true;
		}
		s->cur = s->next++;
		s->cur_start_ns = now;
		s->chans[s->cur].beacon_found |= chan->beacon_found;
	}
	spin_unlock_irqrestore(&nl_wifi.lock, flags);
	if (fire)
		nl_wifi_emit_channel(wiphy_net(hw->wiphy), &ev);
}

/* cfg80211:cfg80211_inform_bss_frame: a beacon or probe response. */
static void nl_wifi_inform_bss(void *data, struct wiphy *wiphy,
			       struct cfg80211_inform_bss *info,
			       struct ieee80211_mgmt *mgmt, size_t len)
{
	struct nl_wifi_scan *s;
	unsigned long flags;
	u32 i, c;

	if (!READ_ONCE(nl_wifi.tracking))
		return;
	if (!info || !info->chan || !mgmt || len < offsetofend(struct ieee80211_mgmt, bssid))
		return;
	spin_lock_irqsave(&nl_wifi.lock, flags);
	s = nl_wifi_find(wiphy);
	if (!s || !s->running)
		goto out;
	for (c = 0; c < s->n_channels; c++)
		if (s->chans[c].chan == info->chan)
			break;
	if (c == s->n_channels)
		goto out;
	for (i = 0; i < s->n_bss; i++)
		if (s->bss_chan[i] == c && ether_addr_equal(s->bss[i], mgmt->bssid))
			goto out;
	if (s->n_bss == NL_WIFI_MAX_BSS)
		goto out;
	ether_addr_copy(s->bss[s->n_bss], mgmt->bssid);
	s->bss_chan[s->n_bss++] = c;
	s->chans[c].bss++;
out:
	spin_unlock_irqrestore(&nl_wifi.lock, flags);
}

/* cfg80211:cfg80211_scan_done: completed or aborted. */
static void nl_wifi_scan_done(void *data, struct cfg80211_scan_request *req,
			      struct cfg80211_scan_info *info)
{
	struct nl_wifi_chan_ev ev;
	struct nl_wifi_scan *s;
	unsigned long flags;
	bool aborted = info && info->aborted;
	u64 now, duration_us;
	struct net *net;
	u32 i;

	if (!READ_ONCE(nl_wifi.tracking) || !req)
		return;
	now = ktime_get_ns();
	spin_lock_irqsave(&nl_wifi.lock, flags);
	s = nl_wifi_find(req->wiphy);
	if (s && s->request == req)
		nl_wifi_unlink(s);
	else
		s = NULL;
	spin_unlock_irqrestore(&nl_wifi.lock, flags);
	if (!s)
		return;
	if (!s->running)
		goto out;

	/* Ours now: emit without the lock. */
	net = wiphy_net(req->wiphy);
	if (!s->offloaded && s->cur >= 0) {
		nl_wifi_chan_ev_fill(&ev, s, s->cur, now - s->cur_start_ns);
		s->visited++;
		nl_wifi_emit_channel(net, &ev);
	}
	if (s->offloaded) {
		for (i = 0; i < s->n_channels; i++) {
			if (aborted && !s->chans[i].bss)
				continue;
			nl_wifi_chan_ev_fill(&ev, s, i, 0);
			s->visited++;
			nl_wifi_emit_channel(net, &ev);
		}
	}
	duration_us = div_u64(now - s->start_ns, NSEC_PER_USEC);
	trace_wifi_scan_done(s->wiphy_name, s->ifindex, s->id, duration_us,
			     s->visited, s->n_bss, aborted, s->offloaded);
	if (netlens_genl_scan_has_listeners(net))
		nl_wifi_ntf_done(net, s, duration_us, aborted);
out:
	kfree(s);
}

static struct nl_wifi_hook nl_wifi_hooks[HOOK_COUNT] = {
	[HOOK_RDEV_SCAN] = { "cfg80211", "rdev_scan", nl_wifi_rdev_scan },
	[HOOK_SCAN_DONE] = { "cfg80211", "cfg80211_scan_done", nl_wifi_scan_done },
	[HOOK_INFORM_BSS] = { "cfg80211", "cfg80211_inform_bss_frame", nl_wifi_inform_bss },
	[HOOK_SW_SCAN_START] = { "mac80211", "drv_sw_scan_start", nl_wifi_sw_scan_start },
	[HOOK_HW_SCAN] = { "mac80211", "drv_hw_scan", nl_wifi_hw_scan },
	[HOOK_CONFIG] = { "mac80211", "drv_config", nl_wifi_config },
};

/* ---- placing the hooks as cfg80211/mac80211 come and go ---------------------------- */

static void nl_wifi_flush(void)
{
	struct nl_wifi_scan *s, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&nl_wifi.lock, flags);
	list_splice_init(&nl_wifi.scans, &gone);
	nl_wifi.n_scans = 0;
	WRITE_ONCE(nl_wifi.tracking, 0);
	spin_unlock_irqrestore(&nl_wifi.lock, flags);
	list_for_each_entry_safe(s, tmp, &gone, list)
		kfree(s);
}

/* With hooks_lock held: hook @tp if it is one of ours. */
static void nl_wifi_hook_tp(struct tracepoint *tp, const char *owner)
{
	int i, err;

	for (i = 0; i < HOOK_COUNT; i++) {
		struct nl_wifi_hook *h = &nl_wifi_hooks[i];

		if (h->tp || strcmp(tp->name, h->name) ||
		    (owner && strcmp(owner, h->owner)))
			continue;
		err = tracepoint_probe_register(tp, h->probe, NULL);
		if (err)
			pr_warn("cannot hook %s:%s (%d): 802.11 scans are not fully seen\n",
				h->owner, h->name, err);
		else
			h->tp = tp;
	}
}

static void nl_wifi_builtin_tp(struct tracepoint *tp, void *priv)
{
	nl_wifi_hook_tp(tp, NULL);
}

/* With hooks_lock held: unhook everything placed on @mod (NULL: all). */
static void nl_wifi_unhook(struct module *mod)
{
	bool any = false;
	int i, j;

	for (i = 0; i < HOOK_COUNT; i++) {
		struct nl_wifi_hook *h = &nl_wifi_hooks[i];

		if (!h->tp)
			continue;
		if (mod) {
			bool owned = false;

			for (j = 0; j < mod->num_tracepoints; j++)
				if (tracepoint_ptr_deref(&mod->tracepoints_ptrs[j]) == h->tp)
					owned = true;
			if (!owned)
				continue;
		}
		WARN_ON_ONCE(tracepoint_probe_unregister(h->tp, h->probe, NULL));
		h->tp = NULL;
		any = true;
	}
	if (!any)
		return;
	/* No probe of ours runs on the module's tracepoints past this. */
	tracepoint_synchronize_unregister();
	/* Its radios are gone with it: drop what they left unfinished. */
	nl_wifi_flush();
}

static int nl_wifi_tp_module_notify(struct notifier_block *nb,
				    unsigned long val, void *data)
{
	struct tp_module *tp_mod = data;
	struct module *mod = tp_mod->mod;
	int i;

	if (strcmp(mod->name, "cfg80211") && strcmp(mod->name, "mac80211"))
		return NOTIFY_DONE;
	mutex_lock(&nl_wifi.hooks_lock);
	if (val == MODULE_STATE_COMING) {
		for (i = 0; i < mod->num_tracepoints; i++)
			nl_wifi_hook_tp(tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]),
					mod->name);
	} else if (val == MODULE_STATE_GOING) {
		nl_wifi_unhook(mod);
	}
	mutex_unlock(&nl_wifi.hooks_lock);
	return NOTIFY_OK;
}

static struct notifier_block nl_wifi_tp_nb = {
	.notifier_call = nl_wifi_tp_module_notify,
};

void netlens_wifi_set_channel_events(bool on)
{
	WRITE_ONCE(nl_wifi.channel_events, on);
}

int netlens_wifi_init(void)
{
	int err;

	spin_lock_init(&nl_wifi.lock);
	INIT_LIST_HEAD(&nl_wifi.scans);
	mutex_init(&nl_wifi.hooks_lock);
	atomic64_set(&nl_wifi.next_id, 0);
	nl_wifi.channel_events = true;

	/* cfg80211/mac80211 built in. */
	mutex_lock(&nl_wifi.hooks_lock);
	for_each_kernel_tracepoint(nl_wifi_builtin_tp, NULL);
	mutex_unlock(&nl_wifi.hooks_lock);

	/* As modules: those loaded now are handed over at once. */
	err = register_tracepoint_module_notifier(&nl_wifi_tp_nb);
	if (err) {
		pr_warn("cannot watch for cfg80211/mac80211: %d\n", err);
		mutex_lock(&nl_wifi.hooks_lock);
		nl_wifi_unhook(NULL);
		mutex_unlock(&nl_wifi.hooks_lock);
		return err;
	}
	nl_wifi.notifier_registered = true;
	return 0;
}

void netlens_wifi_exit(void)
{
	/* Hands back the tracepoints of loaded modules (GOING for each). */
	if (nl_wifi.notifier_registered)
		unregister_tracepoint_module_notifier(&nl_wifi_tp_nb);
	mutex_lock(&nl_wifi.hooks_lock);
	nl_wifi_unhook(NULL);
	mutex_unlock(&nl_wifi.hooks_lock);
	nl_wifi_flush();
}
