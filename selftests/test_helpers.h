/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the netlens selftests (header-only). */
#ifndef NETLENS_TEST_HELPERS_H
#define NETLENS_TEST_HELPERS_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * SKIP() from a FIXTURE_SETUP: the 6.1 harness would still run the test
 * body after a plain SKIP(return, ...), so jump out past it (and past the
 * teardown: skip before the setup acquires anything).
 */
#define SETUP_SKIP(fmt, ...) SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/* Read a whole small file into @buf, trailing newline stripped; -errno. */
static inline int read_text_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static inline int write_text_file(const char *path, const char *text)
{
	ssize_t n, len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	close(fd);
	return n == len ? 0 : -EIO;
}

static inline int path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline int netlens_loaded(void)
{
	return path_exists("/sys/module/netlens");
}

/* Run a shell command, its output into @out (may be NULL); exit status. */
static inline int run_cmd(char *out, size_t outlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int run_cmd(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[1024];
	size_t used = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && outlen) {
		out[0] = '\0';
		while (used + 1 < outlen && fgets(out + used, outlen - used, p))
			used += strlen(out + used);
	} else {
		char sink[256];

		while (fgets(sink, sizeof(sink), p))
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
