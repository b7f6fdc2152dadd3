// SPDX-License-Identifier: GPL-2.0
/*
 * The tools' one output face, without a kernel: JSON lines of every type
 * (jsonout.h: "type" and "epoch_us" first, histogram objects, enum pairs,
 * the interval marker) and the counting tools' rows in bpftrace style, as
 * a headed table and as JSON, sorted and cut to the top rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlens.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "hist.h"
#include "jsonout.h"
#include "kvtable.h"
#include "tcpflow.h"

/*
 * What @fn printed, every "epoch_us":DIGITS as "epoch_us":T after checking
 * that it is now (within a minute).
 */
static char *capture(void (*fn)(FILE *, void *), void *arg, int *bad_time)
{
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fn(f, arg);
	fclose(f);
	*bad_time = 0;
	for (p = buf; (p = strstr(p, "\"epoch_us\":")); ) {
		char *end;
		unsigned long long us;

		p += 11;
		us = strtoull(p, &end, 10);
		if (end == p || llabs((long long)(us / 1000000) - time(NULL)) > 60)
			(*bad_time)++;
		*p = 'T';
		memmove(p + 1, end, strlen(end) + 1);
	}
	return buf;
}

static void print_log2(FILE *f, void *arg)
{
	__u64 slots[NETLENS_HIST_SLOTS] = {};

	slots[0] = 1;
	slots[2] = 4;
	slots[11] = 2;
	json_hist_begin(f, "send_size", "bytes", "log2");
	json_enum(f, "protocol", 6, "IPPROTO_TCP");
	json_hist_end_log2(f, slots, NETLENS_HIST_SLOTS);
}

TEST(json_log2_histogram)
{
	int bad;
	char *out = capture(print_log2, NULL, &bad);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, bad);
	/* Empty buckets left out, inclusive bounds, the total of the counts. */
	EXPECT_STREQ("{\"type\":\"hist\",\"epoch_us\":T,\"name\":\"send_size\",\"unit\":\"bytes\","
		     "\"kind\":\"log2\",\"protocol\":6,\"protocol_name\":\"IPPROTO_TCP\",\"total\":7,"
		     "\"buckets\":[{\"low\":0,\"high\":0,\"count\":1},{\"low\":2,\"high\":3,\"count\":4},"
		     "{\"low\":1024,\"high\":2047,\"count\":2}]}\n", out);
	free(out);
}

static void print_lhist(FILE *f, void *arg)
{
	static const struct lhist_spec spec = { 0, 4, 1 };
	__u64 slots[6] = { 0, 3, 0, 5, 0, 2 };	/* below 0; 0..3; 4 and up */

	json_hist_begin(f, "rx_cpu", "cpu", "linear");
	json_str(f, "dev", "eth0");
	json_hist_end_lhist(f, slots, &spec);
}

TEST(json_linear_histogram_open_last_bucket)
{
	int bad;
	char *out = capture(print_lhist, NULL, &bad);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, bad);
	EXPECT_STREQ("{\"type\":\"hist\",\"epoch_us\":T,\"name\":\"rx_cpu\",\"unit\":\"cpu\","
		     "\"kind\":\"linear\",\"dev\":\"eth0\",\"total\":10,"
		     "\"buckets\":[{\"low\":0,\"high\":0,\"count\":3},{\"low\":2,\"high\":2,\"count\":5},"
		     "{\"low\":4,\"high\":null,\"count\":2}]}\n", out);
	free(out);
}

static void print_event(FILE *f, void *arg)
{
	json_begin(f, "event");
	json_str(f, "event", "connect");
	json_str(f, "comm", "a\"b\\c\n");
	json_enum(f, "ret", -111, "Connection refused");
	json_enum(f, "band", 9, NULL);
	json_bool(f, "offloaded", false);
	json_end(f);
	json_interval(f, 3, 5, true);
}

TEST(json_event_enum_and_interval)
{
	int bad;
	char *out = capture(print_event, NULL, &bad);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, bad);
	EXPECT_STREQ("{\"type\":\"event\",\"epoch_us\":T,\"event\":\"connect\",\"comm\":\"a\\\"b\\\\c\\u000a\","
		     "\"ret\":-111,\"ret_name\":\"Connection refused\",\"band\":9,\"band_name\":null,"
		     "\"offloaded\":false}\n"
		     "{\"type\":\"interval\",\"epoch_us\":T,\"index\":3,\"interval_s\":5,\"last\":true}\n",
		     out);
	free(out);
}

/* accept: sshd 2, curl 5; connect: curl 1, zsh 7, sshd 7. */
static void fill(struct kv_table *t)
{
	static const struct {
		const char *map, *comm;
		unsigned int pid;
		long long ret;
		unsigned long long count;
	} rows[] = {
		{ "accept", "sshd", 10, 0, 2 }, { "accept", "curl", 300, -111, 5 },
		{ "connect", "curl", 300, 0, 1 }, { "connect", "zsh", 7, -9, 7 },
		{ "connect", "sshd", 10, 0, 7 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kv_key k = {};

		kv_key_num(&k, "pid", rows[i].pid);
		kv_key_str(&k, "comm", rows[i].comm);
		kv_key_int(&k, "ret", rows[i].ret);
		kv_add(t, rows[i].map, &k, rows[i].count);
	}
}

struct print_args {
	struct kv_print_opts o;
};

static void print_rows(FILE *f, void *arg)
{
	struct print_args *a = arg;
	struct kv_table t = {};

	fill(&t);
	fill(&t);	/* the same rows again: counts add up */
	kv_print(f, &t, &a->o);
	kv_free(&t);
}

static char *rows(struct kv_print_opts o)
{
	struct print_args a = { o };
	int bad;
	char *out = capture(print_rows, &a, &bad);

	return bad ? NULL : out;
}

static const char *const order[] = { "connect", "accept", NULL };

TEST(counts_bpftrace_style)
{
	char *out = rows((struct kv_print_opts){ KV_BPFTRACE, order });

	ASSERT_NE(NULL, out);
	/* Maps in the tool's order, ascending counts, ties by key. */
	EXPECT_STREQ("@connect[300, curl, 0]: 2\n@connect[10, sshd, 0]: 14\n@connect[7, zsh, -9]: 14\n\n"
		     "@accept[10, sshd, 0]: 4\n@accept[300, curl, -111]: 10\n\n", out);
	free(out);
	/* -r 1: each map's last line above, the largest. */
	out = rows((struct kv_print_opts){ KV_BPFTRACE, order, NULL, 1 });
	EXPECT_STREQ("@connect[7, zsh, -9]: 14\n\n@accept[300, curl, -111]: 10\n\n", out);
	free(out);
}

TEST(counts_table)
{
	char *out = rows((struct kv_print_opts){ KV_TABLE, order });

	ASSERT_NE(NULL, out);
	/* Largest first; numbers right-aligned, text left; one header. */
	EXPECT_STREQ("MAP     PID COMM  RET COUNT\n"
		     "connect  10 sshd    0    14\n"
		     "connect   7 zsh    -9    14\n"
		     "connect 300 curl    0     2\n"
		     "accept  300 curl -111    10\n"
		     "accept   10 sshd    0     4\n\n", out);
	free(out);
	/* -s comm -r 2: alphabetical, two rows a map. */
	out = rows((struct kv_print_opts){ KV_TABLE, order, "comm", 2 });
	EXPECT_STREQ("MAP     PID COMM  RET COUNT\n"
		     "connect 300 curl    0     2\n"
		     "connect  10 sshd    0    14\n"
		     "accept  300 curl -111    10\n"
		     "accept   10 sshd    0     4\n\n", out);
	free(out);
	/* -s ret: signed, largest first; ties by key. */
	out = rows((struct kv_print_opts){ KV_TABLE, order, "ret", 1 });
	EXPECT_STREQ("MAP     PID COMM RET COUNT\n"
		     "connect  10 sshd   0    14\n"
		     "accept   10 sshd   0     4\n\n", out);
	free(out);
}

TEST(counts_json)
{
	char *out = rows((struct kv_print_opts){ KV_JSON, order, NULL, 1 });

	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"type\":\"count\",\"epoch_us\":T,\"map\":\"connect\",\"pid\":10,\"comm\":\"sshd\","
		     "\"ret\":0,\"count\":14}\n"
		     "{\"type\":\"count\",\"epoch_us\":T,\"map\":\"accept\",\"pid\":300,\"comm\":\"curl\","
		     "\"ret\":-111,\"count\":10}\n", out);
	free(out);
}

/* One map named "": no MAP column, no "map" member. */
static void print_unnamed(FILE *f, void *arg)
{
	struct kv_print_opts o = { *(enum kv_style *)arg };
	struct kv_table t = {};
	struct kv_key k = {};

	kv_key_str(&k, "probe", "tracepoint:sock:inet_sock_set_state");
	kv_add(&t, "", &k, 3);
	kv_print(f, &t, &o);
	kv_free(&t);
}

TEST(counts_of_one_unnamed_map)
{
	enum kv_style style = KV_TABLE;
	int bad;
	char *out = capture(print_unnamed, &style, &bad);

	EXPECT_STREQ("PROBE                               COUNT\n"
		     "tracepoint:sock:inet_sock_set_state     3\n\n", out);
	free(out);
	style = KV_JSON;
	out = capture(print_unnamed, &style, &bad);
	EXPECT_STREQ("{\"type\":\"count\",\"epoch_us\":T,\"probe\":\"tracepoint:sock:inet_sock_set_state\","
		     "\"count\":3}\n", out);
	free(out);
	style = KV_BPFTRACE;
	out = capture(print_unnamed, &style, &bad);
	EXPECT_STREQ("@[tracepoint:sock:inet_sock_set_state]: 3\n\n", out);
	free(out);
}

/* The schema program itself: what the printers print passes, the old shapes do not. */
TEST(schema_checks_lines)
{
	static const char *const bad[] = {
		/* sockstat and tpcount before: "map":"", "time", no type */
		"{\"time\":\"15:08:51\",\"map\":\"\",\"probe\":\"x\",\"count\":1}",
		/* sendsize before: a bare bucket array, the protocol by name only */
		"{\"protocol\":\"TCP\",\"buckets\":[{\"low\":512,\"high\":1023,\"count\":1}]}",
		/* ieee80211scan before: both units of one duration */
		"{\"type\":\"event\",\"epoch_us\":1796310752132430,\"event\":\"done\","
		"\"duration_us\":1500,\"duration_ms\":1}",
		/* a unit in a value, a total that is not the sum */
		"{\"type\":\"hist\",\"epoch_us\":1796310752132430,\"name\":\"x\",\"unit\":\"msecs\","
		"\"kind\":\"log2\",\"total\":2,\"buckets\":[{\"low\":1,\"high\":1,\"count\":1}]}",
		"{\"type\":\"count\",\"epoch_us\":1796310752132430,\"band_name\":\"5GHz\",\"count\":1}",
		"{\"type\":\"interval\",\"epoch_us\":1796310752132430,\"index\":0,\"interval_s\":1,\"last\":true}",
		"{\"type\":\"count\",\"epoch_us\":1796310752132430,\"count\":1,\"pid\":3}",
		"{\"type\":\"count\",\"epoch_us\":1796310752132430,\"map\":\"\",\"count\":1}",
		/* a row (tcptop) without its table, or not ending in a quantity */
		"{\"type\":\"row\",\"epoch_us\":1796310752132430,\"pid\":3,\"rx_bytes\":1}",
		"{\"type\":\"row\",\"epoch_us\":1796310752132430,\"table\":\"traffic\",\"rx_bytes\":1,\"pid\":3}",
	};
	char why[8192];
	int bad_time, n;
	size_t i;

	if (run_cmd(NULL, 0, "command -v jq >/dev/null"))
		SKIP(return, "jq is not installed (scripts/deps.sh installs it)");
	{
		char *a = capture(print_log2, NULL, &bad_time);
		char *b = capture(print_lhist, NULL, &bad_time);
		char *c = capture(print_event, NULL, &bad_time);
		struct print_args pa = { { KV_JSON, order } };
		char *d = capture(print_rows, &pa, &bad_time);
		char *all = NULL;

		ASSERT_NE(NULL, a);
		ASSERT_NE(NULL, d);
		ASSERT_LT(0, asprintf(&all, "%s%s%s%s", a, b, c, d));
		/* capture() masked the times: put real ones back. */
		while (strstr(all, "\"epoch_us\":T")) {
			char *p = strstr(all, "\"epoch_us\":T"), *tmp = NULL;

			*p = '\0';
			ASSERT_LT(0, asprintf(&tmp, "%s\"epoch_us\":1796310752132430%s", all, p + 12));
			free(all);
			all = tmp;
		}
		n = json_schema_violations(all, why, sizeof(why));
		EXPECT_EQ(0, n) TH_LOG("%s\n%s", all, why);
		free(a);
		free(b);
		free(c);
		free(d);
		free(all);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[512];

		snprintf(line, sizeof(line), "%s\n", bad[i]);
		n = json_schema_violations(line, why, sizeof(why));
		EXPECT_LT(0, n) TH_LOG("passed: %s", bad[i]);
	}
}

/* A TCP tool's event: the task, then the session (tcpflow.h). */
static void print_tcp_event(FILE *f, void *arg)
{
	struct tcp_flow flow = { .family = AF_INET6, .lport = 22, .rport = 50000 };

	flow.laddr[15] = 1;		/* ::1 */
	memcpy(flow.raddr, "\x20\x01\x0d\xb8", 4);	/* 2001:db8:: */
	json_begin(f, "event");
	json_str(f, "event", "accept");
	json_task(f, 181, 182, 0, "sshd");
	json_flow(f, &flow);
	json_end(f);
}

TEST(json_tcp_task_and_flow)
{
	char buf[64], addr[4] = { 127, 0, 0, 2 };
	int bad;
	char *out = capture(print_tcp_event, NULL, &bad);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, bad);
	EXPECT_STREQ("{\"type\":\"event\",\"epoch_us\":T,\"event\":\"accept\",\"pid\":181,"
		     "\"tid\":182,\"uid\":0,\"comm\":\"sshd\",\"family\":10,\"family_name\":\"AF_INET6\","
		     "\"laddr\":\"::1\",\"lport\":22,\"raddr\":\"2001:db8::\",\"rport\":50000}\n", out);
	free(out);
	/* Text endpoints: IPv6 in brackets; a short buffer is cut, terminated. */
	EXPECT_STREQ("127.0.0.2:5000", flow_endpoint(buf, sizeof(buf), AF_INET, (__u8 *)addr, 5000));
	EXPECT_STREQ("127.0.0.2", flow_addr(buf, sizeof(buf), AF_INET, (__u8 *)addr));
	EXPECT_STREQ("127.0.0", flow_endpoint(buf, 8, AF_INET, (__u8 *)addr, 5000));
	EXPECT_STREQ("?", flow_addr(buf, 4, AF_INET, (__u8 *)addr));
}

TEST_HARNESS_MAIN
