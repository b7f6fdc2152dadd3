// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int open_cgroup(const char *path, char *err, size_t errlen)
{
	struct statfs fs;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "invalid cgroup '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &fs) || fs.f_type != CGROUP2_SUPER_MAGIC) {
		snprintf(err, errlen, "invalid cgroup '%s': not a cgroup v2 directory "
			 "(e.g. /sys/fs/cgroup/system.slice/ssh.service)", path);
		close(fd);
		return -1;
	}
	return fd;
}

int parse_netns(const char *str, unsigned int *ino, char *err, size_t errlen)
{
	struct stat st;
	uint64_t v;
	int fd, type;

	if (*str >= '0' && *str <= '9') {
		if (parse_u64_range(str, "network namespace inode", 1, UINT32_MAX, &v,
				    err, errlen))
			return -1;
		*ino = v;
		return 0;
	}
	fd = open(str, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "invalid network namespace '%s': %s", str,
			 strerror(errno));
		return -1;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET || fstat(fd, &st)) {
		snprintf(err, errlen, "invalid network namespace '%s': not a network "
			 "namespace (e.g. /run/netns/NAME or /proc/PID/ns/net)", str);
		close(fd);
		return -1;
	}
	close(fd);
	*ino = st.st_ino;
	return 0;
}

int parse_uid(const char *str, unsigned int *uid, char *err, size_t errlen)
{
	struct passwd *pw;
	uint64_t v;

	if (*str >= '0' && *str <= '9')
		return parse_u64_range(str, "UID", 0, UINT32_MAX - 1, &v, err, errlen) ?
		       -1 : (*uid = v, 0);
	pw = *str ? getpwnam(str) : NULL;
	if (!pw) {
		snprintf(err, errlen, "invalid UID '%s': no such user", str);
		return -1;
	}
	*uid = pw->pw_uid;
	return 0;
}

int parse_iface(const char *str, char *err, size_t errlen)
{
	if (!*str || strlen(str) >= IF_NAMESIZE || !if_nametoindex(str)) {
		snprintf(err, errlen, "invalid interface '%s': no such interface in this "
			 "network namespace (ip link)", str);
		return -1;
	}
	return 0;
}

int parse_ports(const char *str, uint16_t *ports, size_t max, size_t *n,
		char *err, size_t errlen)
{
	char buf[512], *tok, *rest = buf;
	uint64_t v;
	size_t i;

	if (strlen(str) >= sizeof(buf) || !*str) {
		snprintf(err, errlen, "invalid PORTS '%s': a list like 80,443", str);
		return -1;
	}
	strcpy(buf, str);
	*n = 0;
	while ((tok = strsep(&rest, ","))) {
		/* "80,,443", "80,": a port left out is a mistake, not nothing. */
		if (!*tok) {
			snprintf(err, errlen, "invalid PORTS '%s': a list like 80,443", str);
			return -1;
		}
		if (parse_u64_range(tok, "port", 1, 65535, &v, err, errlen))
			return -1;
		for (i = 0; i < *n && ports[i] != v; i++)
			;
		if (i < *n)
			continue;
		if (*n == max) {
			snprintf(err, errlen, "invalid PORTS: at most %zu ports", max);
			return -1;
		}
		ports[(*n)++] = v;
	}
	if (!*n) {
		snprintf(err, errlen, "invalid PORTS '%s': a list like 80,443", str);
		return -1;
	}
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
