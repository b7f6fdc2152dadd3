/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON schema of every tool's -j (README: JSON output).  Each line
 * is one object that starts with "type" and "epoch_us":
 *
 *   "count"	one row of a counting tool: "map" when the tool has more
 *		than one, the key's members, then "count";
 *   "hist"	one histogram: "name", "unit", "kind" (log2 or linear),
 *		labels, "total" and "buckets" [{"low","high","count"}],
 *		inclusive bounds in "unit" ("high" null: no upper bound),
 *		empty buckets left out;
 *   "event"	one traced event: "event" names it;
 *   "info"	a one-off report (netlensctl): "report" names it;
 *   "interval"	ends each report of counts or histograms: "index" (from
 *		1), "interval_s" (0: at Ctrl-C) and "last".
 *
 * A quantity carries its unit in its name (age_ns, duration_ms, size_bytes),
 * a histogram in "unit"; an enum is a number under its name plus its name
 * under NAME_name ("protocol":6,"protocol_name":"IPPROTO_TCP").
 */
#ifndef NETLENS_JSONOUT_H
#define NETLENS_JSONOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

/* Microseconds since the epoch, now. */
unsigned long long json_epoch_us(void);

/* {"type":"@type","epoch_us":N: members follow, json_end() closes. */
void json_begin(FILE *out, const char *type);
void json_end(FILE *out);

/* ,"@name":VALUE */
void json_str(FILE *out, const char *name, const char *value);
void json_u64(FILE *out, const char *name, unsigned long long value);
void json_s64(FILE *out, const char *name, long long value);
void json_bool(FILE *out, const char *name, bool value);
/* ,"@name":@value,"@name_name":"@value_name" (null when unknown) */
void json_enum(FILE *out, const char *name, long long value,
	       const char *value_name);

/* ,"pid":..,"tid":..,"uid":..,"comm":.. of the task an event ran in. */
void json_task(FILE *out, __u32 pid, __u32 tid, __u32 uid, const char *comm);

/* A histogram line: json_hist_begin(), label members, json_hist_end(). */
struct hist_bucket {
	unsigned long long low, high, count;
	bool open;		/* no upper bound: "high" is null */
};

void json_hist_begin(FILE *out, const char *name, const char *unit,
		     const char *kind);
/* Buckets with a zero count are left out; "total" is their sum. */
void json_hist_end(FILE *out, const struct hist_bucket *b, size_t n);
/* The same from log2 slots (struct netlens_hist layout). */
void json_hist_end_log2(FILE *out, const __u64 *slots, unsigned int nslots);
/* The same from linear slots (hist.h lhist layout, lhist_nslots() of them). */
struct lhist_spec;
void json_hist_end_lhist(FILE *out, const __u64 *slots,
			 const struct lhist_spec *spec);

/* The marker after report @index (from 1) of @interval_s seconds. */
void json_interval(FILE *out, unsigned int index, unsigned int interval_s,
		   bool last);

#endif
