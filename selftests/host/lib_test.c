// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the shared userspace library: number parsing and its
 * errors, log2 histogram slots and their BCC-format rendering, JSON
 * escaping, /dev/netlens error messages, 802.11 names.  No kernel
 * features needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "cli.h"
#include "hist.h"
#include "netlens_dev.h"
#include "wifinames.h"
#include <linux/nl80211.h>

TEST(parse_u64_range_accepts_bounds)
{
	char err[128];
	uint64_t v;

	ASSERT_EQ(0, parse_u64_range("1", "n", 1, 10, &v, err, sizeof(err)));
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, parse_u64_range("10", "n", 1, 10, &v, err, sizeof(err)));
	EXPECT_EQ(10, v);
	ASSERT_EQ(0, parse_u64_range("18446744073709551615", "n", 0, UINT64_MAX,
				     &v, err, sizeof(err)));
	EXPECT_EQ(UINT64_MAX, v);
}

TEST(parse_u64_range_rejects_garbage)
{
	static const char *const bad[] = { "", "abc", "1x", "-1", "+1", " 1", "0x10", "1.5" };
	char err[128];
	uint64_t v = 77;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, parse_u64_range(bad[i], "interval", 1, 10, &v, err, sizeof(err)))
			TH_LOG("accepted '%s'", bad[i]);
		EXPECT_NE(NULL, strstr(err, "not a number"));
		EXPECT_NE(NULL, strstr(err, "interval"));
	}
	EXPECT_EQ(77, v);
	EXPECT_EQ(-1, parse_u64_range(NULL, "x", 0, 1, &v, err, sizeof(err)));
}

TEST(parse_u64_range_rejects_out_of_range)
{
	char err[128];
	uint64_t v;

	EXPECT_EQ(-1, parse_u64_range("0", "count", 1, 10, &v, err, sizeof(err)));
	EXPECT_STREQ("invalid count '0': must be 1 to 10", err);
	EXPECT_EQ(-1, parse_u64_range("11", "count", 1, 10, &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64_range("18446744073709551616", "count", 0, UINT64_MAX,
				      &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "must be"));
}

TEST(parse_pid_limits)
{
	char err[128];
	int pid = 0;

	ASSERT_EQ(0, parse_pid("1", &pid, err, sizeof(err)));
	EXPECT_EQ(1, pid);
	ASSERT_EQ(0, parse_pid("4194304", &pid, err, sizeof(err)));
	EXPECT_EQ(4194304, pid);
	EXPECT_EQ(-1, parse_pid("0", &pid, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pid("4194305", &pid, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pid("-5", &pid, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "PID"));
}

TEST(parse_interval_and_count)
{
	unsigned int interval = 99, count = 99;
	char err[128];

	ASSERT_EQ(0, parse_interval_arg(0, "5", &interval, &count, err, sizeof(err)));
	ASSERT_EQ(0, parse_interval_arg(1, "3", &interval, &count, err, sizeof(err)));
	EXPECT_EQ(5, interval);
	EXPECT_EQ(3, count);
	EXPECT_EQ(-1, parse_interval_arg(0, "0", &interval, &count, err, sizeof(err)));
	EXPECT_EQ(-1, parse_interval_arg(0, "1s", &interval, &count, err, sizeof(err)));
	EXPECT_EQ(-1, parse_interval_arg(1, "0", &interval, &count, err, sizeof(err)));
	EXPECT_EQ(-1, parse_interval_arg(2, "1", &interval, &count, err, sizeof(err)));
	EXPECT_STREQ("unexpected argument '1'", err);
}

/* -P, -L, -D: ports once each, 1 to 65535, no empty item. */
TEST(parse_ports_lists)
{
	static const char *const bad[][2] = {
		{ "", "invalid PORTS '': a list like 80,443" },
		{ ",", "invalid PORTS ',': a list like 80,443" },
		{ "80,,443", "invalid PORTS '80,,443': a list like 80,443" },
		{ "80,", "invalid PORTS '80,': a list like 80,443" },
		{ "0", "invalid port '0': must be 1 to 65535" },
		{ "80,x", "invalid port 'x': not a number" },
		{ "1,2,3", "invalid PORTS: at most 2 ports" },
	};
	uint16_t ports[2];
	char err[128];
	size_t n, i;

	ASSERT_EQ(0, parse_ports("443,80,443", ports, 2, &n, err, sizeof(err)));
	EXPECT_EQ(2, n);
	EXPECT_EQ(443, ports[0]);
	EXPECT_EQ(80, ports[1]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, parse_ports(bad[i][0], ports, 2, &n, err, sizeof(err)));
		EXPECT_STREQ(bad[i][1], err) TH_LOG("%s", bad[i][0]);
	}
}

TEST(log2_slots_match_uapi_layout)
{
	unsigned int i;

	EXPECT_EQ(0, log2_slot(0));
	EXPECT_EQ(1, log2_slot(1));
	EXPECT_EQ(2, log2_slot(2));
	EXPECT_EQ(2, log2_slot(3));
	EXPECT_EQ(3, log2_slot(4));
	EXPECT_EQ(11, log2_slot(1024));
	EXPECT_EQ(64, log2_slot(UINT64_MAX));
	/* Every slot's bounds map back to that slot and touch the next. */
	for (i = 1; i < 64; i++) {
		EXPECT_EQ(i, log2_slot(log2_slot_low(i)));
		EXPECT_EQ(i, log2_slot(log2_slot_high(i)));
		EXPECT_EQ(log2_slot_high(i) + 1, log2_slot_low(i + 1));
	}
}

static char *render(const __u64 *slots, unsigned int n, const char *unit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	hist_print_log2(f, slots, n, unit);
	fclose(f);
	return buf;
}

TEST(hist_prints_bcc_format)
{
	__u64 slots[NETLENS_HIST_SLOTS] = {};
	char *out;

	slots[5] = 10;	/* 16 -> 31 */
	slots[6] = 12;	/* 32 -> 63 */
	slots[8] = 1;	/* 128 -> 255 */
	out = render(slots, NETLENS_HIST_SLOTS, "usecs");
	ASSERT_NE(NULL, out);
	EXPECT_STREQ(
"     usecs               : count    distribution\n"
"        16 -> 31         : 10       |*********************************       |\n"
"        32 -> 63         : 12       |****************************************|\n"
"        64 -> 127        : 0        |                                        |\n"
"       128 -> 255        : 1        |***                                     |\n", out);
	free(out);
}

TEST(hist_empty_prints_nothing)
{
	__u64 slots[NETLENS_HIST_SLOTS] = {};
	char *out = render(slots, NETLENS_HIST_SLOTS, "nsecs");

	ASSERT_NE(NULL, out);
	EXPECT_STREQ("", out);
	free(out);
}

TEST(hist_wide_values_use_wide_columns)
{
	__u64 slots[NETLENS_HIST_SLOTS] = {};
	char *out;

	slots[40] = 3;
	out = render(slots, NETLENS_HIST_SLOTS, "nsecs");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "        549755813888 -> 1099511627775        : 3"));
	free(out);
}

static char *render_lhist(const char *name, const char *key, const __u64 *slots,
			  const struct lhist_spec *spec)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	hist_print_lhist_entry(f, name, key, slots, spec);
	fclose(f);
	return buf;
}

/* Each expected text below is what bpftrace v0.17 printed for the same data. */
TEST(lhist_slots)
{
	const struct lhist_spec cpu = { 0, 128, 1 }, k = { 0, 4096, 1024 };

	EXPECT_EQ(130, lhist_nslots(&cpu));
	EXPECT_EQ(1, lhist_slot(&cpu, 0));
	EXPECT_EQ(128, lhist_slot(&cpu, 127));
	EXPECT_EQ(129, lhist_slot(&cpu, 128));
	EXPECT_EQ(129, lhist_slot(&cpu, 4000));
	EXPECT_EQ(0, lhist_slot(&cpu, -1));
	EXPECT_EQ(6, lhist_nslots(&k));
	EXPECT_EQ(1, lhist_slot(&k, 1023));
	EXPECT_EQ(2, lhist_slot(&k, 1024));
	EXPECT_EQ(5, lhist_slot(&k, 4096));
}

TEST(lhist_prints_bpftrace_format)
{
	/* @[lo] = lhist(cpu, 0, 128, 1): 20 receives on CPU 0, 7 on CPU 1. */
	const struct lhist_spec cpu = { 0, 128, 1 };
	__u64 slots[130] = {};
	char *out;

	slots[1] = 20;
	slots[2] = 7;
	out = render_lhist("@", "lo", slots, &cpu);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ(
"@[lo]: \n"
"[0, 1)                20 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
"[1, 2)                 7 |@@@@@@@@@@@@@@@@@@                                  |\n"
"\n", out);
	free(out);
}

TEST(lhist_outer_slots_gaps_and_k_labels)
{
	/* @a = lhist(v, 0, 4096, 1024) of -5 x3, 100, 5000 x2. */
	const struct lhist_spec k = { 0, 4096, 1024 }, m = { 0, 4194304, 1048576 };
	__u64 a[6] = { 3, 1, 0, 0, 0, 2 }, c[6] = { 0, 1, 0, 1, 0, 0 };
	char *out;

	out = render_lhist("@a", NULL, a, &k);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ(
"@a: \n"
"(..., 0)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
"[0, 1K)                1 |@@@@@@@@@@@@@@@@@                                   |\n"
"[1K, 2K)               0 |                                                    |\n"
"[2K, 3K)               0 |                                                    |\n"
"[3K, 4K)               0 |                                                    |\n"
"[4K, ...)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |\n"
"\n", out);
	free(out);
	/* @c = lhist(v, 0, 4194304, 1048576) of 1 and 2097152. */
	out = render_lhist("@c", NULL, c, &m);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ(
"@c: \n"
"[0, 1M)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
"[1M, 2M)               0 |                                                    |\n"
"[2M, 3M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
"\n", out);
	free(out);
}

TEST(lhist_trims_to_used_range)
{
	/* @b[7] = lhist(v, 0, 128, 1) of 3, 5, 130 x2: rows [3, 4) to [128, ...). */
	const struct lhist_spec cpu = { 0, 128, 1 };
	__u64 slots[130] = {};
	char *out;

	slots[4] = 1;
	slots[6] = 1;
	slots[129] = 2;
	out = render_lhist("@b", "7", slots, &cpu);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, strncmp(out,
"@b[7]: \n"
"[3, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
"[4, 5)                 0 |                                                    |\n"
"[5, 6)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n",
			     strlen("@b[7]: \n") + 3 * 80));
	EXPECT_NE(NULL, strstr(out,
"\n[99, 100)              0 |                                                    |\n"
"[100, 101)             0 |                                                    |\n"));
	EXPECT_NE(NULL, strstr(out,
"\n[127, 128)             0 |                                                    |\n"
"[128, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
"\n"));
	/* Header, 126 rows from [3, 4) to [128, ...), the empty line. */
	EXPECT_EQ(strlen("@b[7]: \n") + 126 * 80 + 1, strlen(out));
	free(out);
	memset(slots, 0, sizeof(slots));
	out = render_lhist("@b", "7", slots, &cpu);
	EXPECT_STREQ("@b[7]: \n\n", out);
	free(out);
}

TEST(json_string_escapes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	json_print_string(f, "a\"b\\c\n\x01" "d");
	fclose(f);
	EXPECT_STREQ("\"a\\\"b\\\\c\\u000a\\u0001d\"", buf);
	free(buf);
}

TEST(hist_names_round_trip)
{
	unsigned int i;

	for (i = 0; i < NETLENS_HIST_COUNT; i++) {
		ASSERT_NE(NULL, netlens_hist_name(i));
		EXPECT_EQ((int)i, netlens_hist_lookup(netlens_hist_name(i)));
	}
	EXPECT_EQ(NULL, netlens_hist_name(NETLENS_HIST_COUNT));
	EXPECT_EQ(-1, netlens_hist_lookup("no_such_histogram"));
}

TEST(dev_open_explains_missing_module)
{
	char err[256];

	if (access("/sys/module/netlens", F_OK) == 0)
		SKIP(return, "netlens.ko is loaded here: the missing-module message cannot be provoked");
	EXPECT_EQ(-ENOENT, netlens_dev_open(O_RDONLY, err, sizeof(err)));
	EXPECT_STREQ("/dev/netlens: netlens.ko is not loaded (modprobe netlens)", err);
}


TEST(parse_duration_units)
{
	char err[128];
	uint64_t ns;

	ASSERT_EQ(0, parse_duration_ns("10ms", "AGE", 1, &ns, err, sizeof(err)));
	EXPECT_EQ(10000000, ns);
	ASSERT_EQ(0, parse_duration_ns("250us", "AGE", 1, &ns, err, sizeof(err)));
	EXPECT_EQ(250000, ns);
	ASSERT_EQ(0, parse_duration_ns("7ns", "AGE", 1000, &ns, err, sizeof(err)));
	EXPECT_EQ(7, ns);
	ASSERT_EQ(0, parse_duration_ns("2s", "AGE", 1, &ns, err, sizeof(err)));
	EXPECT_EQ(2000000000, ns);
	/* No suffix: the caller's unit (skblife -u makes it microseconds). */
	ASSERT_EQ(0, parse_duration_ns("5", "AGE", 1000, &ns, err, sizeof(err)));
	EXPECT_EQ(5000, ns);
	ASSERT_EQ(0, parse_duration_ns("3600s", "AGE", 1, &ns, err, sizeof(err)));
	EXPECT_EQ(3600000000000ULL, ns);
}

TEST(parse_duration_rejects_bad_input)
{
	static const char *const bad[] = { "", "ms", "10 ms", "10m", "1.5ms",
		"-1ms", "0", "0ms", "3601s", "99999999999999999999999ns", "10msx" };
	char err[128];
	uint64_t ns = 77;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, parse_duration_ns(bad[i], "AGE", 1, &ns, err, sizeof(err)))
			TH_LOG("accepted '%s'", bad[i]);
		EXPECT_NE(NULL, strstr(err, "AGE")) TH_LOG("%s", err);
	}
	EXPECT_EQ(77, ns);
	EXPECT_EQ(-1, parse_duration_ns(NULL, "AGE", 1, &ns, err, sizeof(err)));
}

/* Records as /dev/netlens's read() lays them out. */
struct record_log {
	int n;
	__u16 types[8];
	__u64 values[8];
	int stop_at;
};

static int log_record(const struct netlens_record *rec, const void *data, void *ctx)
{
	struct record_log *log = ctx;
	struct netlens_record_selftest st;

	if (log->n == log->stop_at)
		return 42;
	log->types[log->n] = rec->type;
	memcpy(&st, data, sizeof(st));
	log->values[log->n++] = st.value;
	return 0;
}

/* Append one selftest record carrying @value at @off of @buf. */
static size_t put_record(unsigned char *buf, size_t off, __u64 value, __u32 pad)
{
	struct netlens_record rec = {
		.size = sizeof(rec) + sizeof(struct netlens_record_selftest) + pad,
		.type = NETLENS_RECORD_SELFTEST,
		.data_len = sizeof(struct netlens_record_selftest),
	};
	struct netlens_record_selftest st = { .value = value };

	memcpy(buf + off, &rec, sizeof(rec));
	memcpy(buf + off + sizeof(rec), &st, sizeof(st));
	return off + rec.size;
}

TEST(records_foreach_walks_whole_records)
{
	unsigned char buf[256] = {};
	struct record_log log = { .stop_at = -1 };
	size_t len;

	len = put_record(buf, 0, 7, 0);
	len = put_record(buf, len, 8, 8);	/* padded: next starts after it */
	len = put_record(buf, len, 9, 0);
	ASSERT_EQ(0, netlens_records_foreach(buf, len, log_record, &log));
	ASSERT_EQ(3, log.n);
	EXPECT_EQ(7, log.values[0]);
	EXPECT_EQ(8, log.values[1]);
	EXPECT_EQ(9, log.values[2]);
	EXPECT_EQ(NETLENS_RECORD_SELFTEST, log.types[2]);
	/* The callback's verdict ends the walk and is returned. */
	log = (struct record_log){ .stop_at = 1 };
	EXPECT_EQ(42, netlens_records_foreach(buf, len, log_record, &log));
	EXPECT_EQ(1, log.n);
	/* Nothing read, nothing called. */
	log = (struct record_log){ .stop_at = -1 };
	EXPECT_EQ(0, netlens_records_foreach(buf, 0, log_record, &log));
	EXPECT_EQ(0, log.n);
}

TEST(records_foreach_rejects_malformed_headers)
{
	unsigned char buf[256] = {};
	struct record_log log = { .stop_at = -1 };
	struct netlens_record *rec = (struct netlens_record *)(buf + 40);
	size_t len;

	len = put_record(buf, 0, 1, 0);
	len = put_record(buf, len, 2, 0);
	/* Truncated: half a header after a whole record. */
	EXPECT_EQ(-EPROTO, netlens_records_foreach(buf, len - 30, log_record, &log));
	EXPECT_EQ(1, log.n);
	log.n = 0;
	/* A size that runs past the buffer. */
	rec->size = 4096;
	EXPECT_EQ(-EPROTO, netlens_records_foreach(buf, len, log_record, &log));
	/* A size below the header's (would loop forever if trusted). */
	rec->size = 0;
	EXPECT_EQ(-EPROTO, netlens_records_foreach(buf, len, log_record, &log));
	/* Unaligned size. */
	rec->size = 44;
	EXPECT_EQ(-EPROTO, netlens_records_foreach(buf, len, log_record, &log));
	/* A payload longer than the record. */
	rec->size = 40;
	rec->data_len = 17;
	EXPECT_EQ(-EPROTO, netlens_records_foreach(buf, len, log_record, &log));
	EXPECT_EQ(4, log.n);	/* only the good first record, each time */
}

/*
 * A channel as netlens_channel_open() maps it, built in memory: ring @nr
 * of @size data bytes, the data followed by its mirror (the kernel maps
 * the same pages twice in a row).
 */
struct fake_channel {
	struct netlens_channel ch;
	struct netlens_mapped_ring rings[2];
	struct netlens_ring_consumer cons[2];
	struct netlens_ring_producer prod[2];
	unsigned char data[2][2 * 256];
};

static void fake_channel_init(struct fake_channel *f)
{
	memset(f, 0, sizeof(*f));
	f->ch.fd = -1;
	f->ch.info.nr_rings = 2;
	f->ch.info.ring_bytes = 256;
	f->ch.rings = f->rings;
	for (int i = 0; i < 2; i++) {
		f->rings[i].cons = &f->cons[i];
		f->rings[i].prod = &f->prod[i];
		f->rings[i].data = f->data[i];
	}
}

/* Write a record at position @pos of ring @i as the kernel does. */
static __u64 fake_put(struct fake_channel *f, int i, __u64 pos, __u64 value)
{
	unsigned char rec[64];
	size_t len = put_record(rec, 0, value, 0), k;

	for (k = 0; k < len; k++) {
		size_t off = (pos + k) % 256;

		f->data[i][off] = rec[k];
		f->data[i][off + 256] = rec[k];
	}
	f->prod[i].head = pos + len;
	return pos + len;
}

TEST(channel_consume_takes_records_in_place)
{
	struct fake_channel *f = calloc(1, sizeof(*f));
	struct record_log log = { .stop_at = -1 };
	__u64 pos = 0;
	int i;

	ASSERT_NE(NULL, f);
	fake_channel_init(f);
	/* Ring 0 goes round past its end: the mirror keeps records whole. */
	for (i = 0; i < 6; i++)
		pos = fake_put(f, 0, pos, 100 + i);	/* 40 bytes each */
	f->cons[0].tail = 200;	/* records 5 and 6 remain, the last one wraps */
	pos = fake_put(f, 0, pos, 106);
	fake_put(f, 1, 0, 7);
	EXPECT_EQ(3, netlens_channel_consume(&f->ch, log_record, &log));
	ASSERT_EQ(3, log.n);
	EXPECT_EQ(105, log.values[0]);
	EXPECT_EQ(106, log.values[1]);	/* 240..280: wraps at 256 */
	EXPECT_EQ(7, log.values[2]);
	/* Consumed: tails at heads, nothing more to take. */
	EXPECT_EQ(f->prod[0].head, f->cons[0].tail);
	EXPECT_EQ(f->prod[1].head, f->cons[1].tail);
	log.n = 0;
	EXPECT_EQ(0, netlens_channel_consume(&f->ch, log_record, &log));
	EXPECT_EQ(0, log.n);
	/* The callback's verdict stops it; that record counts as taken. */
	fake_put(f, 1, f->prod[1].head, 8);
	fake_put(f, 1, f->prod[1].head, 9);
	log = (struct record_log){ .stop_at = 0 };
	EXPECT_EQ(42, netlens_channel_consume(&f->ch, log_record, &log));
	EXPECT_EQ(f->prod[1].head - 40, f->cons[1].tail);
	free(f);
}

TEST(channel_consume_drops_a_corrupt_ring)
{
	struct fake_channel *f = calloc(1, sizeof(*f));
	struct record_log log = { .stop_at = -1 };
	__u64 pos;

	ASSERT_NE(NULL, f);
	fake_channel_init(f);
	pos = fake_put(f, 0, 0, 1);
	fake_put(f, 0, pos, 2);
	f->data[0][pos] = 12;	/* the second header's size: below a header */
	f->data[0][pos + 256] = 12;
	EXPECT_EQ(-EPROTO, netlens_channel_consume(&f->ch, log_record, &log));
	EXPECT_EQ(1, log.n);
	EXPECT_EQ(f->prod[0].head, f->cons[0].tail) TH_LOG("the bad bytes stay unread");
	/* A tail userspace moved past head: the ring's bytes are dropped. */
	pos = fake_put(f, 0, f->prod[0].head, 3);
	f->cons[0].tail = pos + 8;
	log.n = 0;
	EXPECT_EQ(-EPROTO, netlens_channel_consume(&f->ch, log_record, &log));
	EXPECT_EQ(0, log.n);
	EXPECT_EQ(pos, f->cons[0].tail);
	free(f);
}

TEST(wifi_scan_flags_by_name)
{
	char buf[256], tiny[8];

	EXPECT_STREQ("", wifi_scan_flags_str(buf, sizeof(buf), 0));
	EXPECT_STREQ("LOW_PRIORITY|FLUSH",
		     wifi_scan_flags_str(buf, sizeof(buf),
					 NL80211_SCAN_FLAG_FLUSH | NL80211_SCAN_FLAG_LOW_PRIORITY));
	EXPECT_STREQ("FREQ_KHZ", wifi_scan_flags_str(buf, sizeof(buf), NL80211_SCAN_FLAG_FREQ_KHZ));
	/* A bit this build has no name for: kept, in hex. */
	EXPECT_STREQ("FLUSH|0x100000",
		     wifi_scan_flags_str(buf, sizeof(buf), NL80211_SCAN_FLAG_FLUSH | (1U << 20)));
	EXPECT_STREQ("0x100000", wifi_scan_flags_str(buf, sizeof(buf), 1U << 20));
	/* Cut short, never past the buffer. */
	EXPECT_STREQ("LOW_PR", wifi_scan_flags_str(tiny, 7, NL80211_SCAN_FLAG_LOW_PRIORITY |
						   NL80211_SCAN_FLAG_FLUSH));
}

TEST(wifi_freq_and_band_names)
{
	char buf[24];

	EXPECT_STREQ("2437", wifi_freq_str(buf, sizeof(buf), 2437, 0));
	EXPECT_STREQ("902.5", wifi_freq_str(buf, sizeof(buf), 902, 500));
	EXPECT_STREQ("902.25", wifi_freq_str(buf, sizeof(buf), 902, 250));
	EXPECT_STREQ("903", wifi_freq_str(buf, sizeof(buf), 903, 0));
	EXPECT_STREQ("2GHz", wifi_band_name(NL80211_BAND_2GHZ));
	EXPECT_STREQ("S1GHz", wifi_band_name(NL80211_BAND_S1GHZ));
	EXPECT_STREQ("?", wifi_band_name(99));
}

TEST_HARNESS_MAIN
