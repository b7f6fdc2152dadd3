// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the shared userspace library: number parsing and its
 * errors, log2 histogram slots and their BCC-format rendering, JSON
 * escaping, /dev/netlens error messages.  No kernel features needed.
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

static char *render(const __u64 *slots, unsigned int n, const char *unit, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (json)
		hist_print_log2_json(f, slots, n);
	else
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
	out = render(slots, NETLENS_HIST_SLOTS, "usecs", 0);
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
	char *out = render(slots, NETLENS_HIST_SLOTS, "nsecs", 0);

	ASSERT_NE(NULL, out);
	EXPECT_STREQ("", out);
	free(out);
	out = render(slots, NETLENS_HIST_SLOTS, NULL, 1);
	EXPECT_STREQ("[]", out);
	free(out);
}

TEST(hist_wide_values_use_wide_columns)
{
	__u64 slots[NETLENS_HIST_SLOTS] = {};
	char *out;

	slots[40] = 3;
	out = render(slots, NETLENS_HIST_SLOTS, "nsecs", 0);
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "        549755813888 -> 1099511627775        : 3"));
	free(out);
}

TEST(hist_json)
{
	__u64 slots[NETLENS_HIST_SLOTS] = {};
	char *out;

	slots[0] = 1;
	slots[2] = 4;
	out = render(slots, NETLENS_HIST_SLOTS, NULL, 1);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("[{\"low\":0,\"high\":0,\"count\":1},{\"low\":1,\"high\":1,\"count\":0},"
		     "{\"low\":2,\"high\":3,\"count\":4}]", out);
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

TEST_HARNESS_MAIN
