// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int parse_u64_range(const char *str, const char *what, uint64_t min,
		    uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	if (!str || !*str || *str == '-' || *str == '+' || *str == ' ') {
		snprintf(err, errlen, "invalid %s '%s': not a number", what,
			 str ? str : "");
		return -1;
	}
	errno = 0;
	v = strtoull(str, &end, 10);
	if (*end) {
		snprintf(err, errlen, "invalid %s '%s': not a number", what, str);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen, "invalid %s '%s': must be %" PRIu64
			 " to %" PRIu64, what, str, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_duration_ns(const char *str, const char *what, uint64_t bare_unit_ns,
		      uint64_t *ns, char *err, size_t errlen)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		      { "s", 1000000000 } };
	const uint64_t max_ns = 3600ULL * 1000000000;
	uint64_t unit = bare_unit_ns, v;
	char num[24];
	size_t len, digits;
	unsigned int i;

	len = str ? strlen(str) : 0;
	digits = str ? strspn(str, "0123456789") : 0;
	if (digits < len) {
		unit = 0;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(str + digits, units[i].suffix))
				unit = units[i].ns;
	}
	if (!digits || !unit || digits >= sizeof(num)) {
		snprintf(err, errlen, "invalid %s '%s': want a number with ns, us, ms or s",
			 what, str ? str : "");
		return -1;
	}
	memcpy(num, str, digits);
	num[digits] = '\0';
	if (parse_u64_range(num, what, 1, max_ns / unit, &v, err, errlen)) {
		snprintf(err, errlen, "invalid %s '%s': must be 1 ns to 1 hour",
			 what, str);
		return -1;
	}
	*ns = v * unit;
	return 0;
}

int parse_pid(const char *str, int *pid, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64_range(str, "PID", 1, 4194304, &v, err, errlen))
		return -1;
	*pid = (int)v;
	return 0;
}

int parse_interval_arg(unsigned int pos, const char *str, unsigned int *interval,
		       unsigned int *count, char *err, size_t errlen)
{
	uint64_t v;

	switch (pos) {
	case 0:
		if (parse_u64_range(str, "interval", 1, 86400, &v, err, errlen))
			return -1;
		*interval = v;
		return 0;
	case 1:
		if (parse_u64_range(str, "count", 1, UINT32_MAX, &v, err, errlen))
			return -1;
		*count = v;
		return 0;
	default:
		snprintf(err, errlen, "unexpected argument '%s'", str);
		return -1;
	}
}

static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	/* Warnings always; libbpf's info and debug chatter only with -v. */
	if (level != LIBBPF_WARN && !libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void libbpf_set_verbose(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(libbpf_print);
}

const char *strftime_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

void json_print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

const char *json_quote(char *buf, size_t len, const char *s)
{
	FILE *m;

	if (!len)
		return buf;
	buf[0] = '\0';
	m = fmemopen(buf, len, "w");
	if (!m)
		return buf;
	json_print_string(m, s);
	fclose(m);
	buf[len - 1] = '\0';
	return buf;
}
