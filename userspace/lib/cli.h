/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line helpers shared by the tools: numbers, intervals, logging. */
#ifndef NETLENS_CLI_H
#define NETLENS_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>

/* Exit status for bad usage, as argp_usage() uses. */
#define EXIT_USAGE 2

/*
 * Parse @str as a whole decimal number in [@min, @max].  On failure store a
 * message naming @what in @err and return -1.
 */
int parse_u64_range(const char *str, const char *what, uint64_t min,
		    uint64_t max, uint64_t *out, char *err, size_t errlen);

/*
 * A duration: a whole number with a unit suffix (ns, us, ms, s), or without
 * one in units of @bare_unit_ns; the result, 1 ns to one hour, in *@ns.
 * On failure store a message naming @what in @err and return -1.
 */
int parse_duration_ns(const char *str, const char *what, uint64_t bare_unit_ns,
		      uint64_t *ns, char *err, size_t errlen);

/* A PID: 1 .. 4194304 (PID_MAX_LIMIT). */
int parse_pid(const char *str, int *pid, char *err, size_t errlen);

/*
 * "[interval [count]]" positional arguments: interval seconds 1..86400,
 * count 1..UINT32_MAX.  @pos is the positional index (0 or 1).
 */
int parse_interval_arg(unsigned int pos, const char *str, unsigned int *interval,
		       unsigned int *count, char *err, size_t errlen);

/*
 * --cgroup PATH: an open cgroup v2 directory (O_RDONLY | O_DIRECTORY), or
 * -1 with @err saying why not (missing, not on cgroup2).
 */
int open_cgroup(const char *path, char *err, size_t errlen);

/*
 * --netns NETNS: the inode of a network namespace, from a path to one
 * (/run/netns/NAME, /proc/PID/ns/net) or the number itself.
 */
int parse_netns(const char *str, unsigned int *ino, char *err, size_t errlen);

/* -u UID: a number (0 .. 4294967294) or a user name. */
int parse_uid(const char *str, unsigned int *uid, char *err, size_t errlen);

/* -i IFACE: an interface of this network namespace. */
int parse_iface(const char *str, char *err, size_t errlen);

/*
 * -P PORTS: comma-separated ports 1..65535, at most @max, duplicates
 * once; their number in *@n.
 */
int parse_ports(const char *str, uint16_t *ports, size_t max, size_t *n,
		char *err, size_t errlen);

/* libbpf's log goes to stderr only when @verbose (the tools' -v). */
void libbpf_set_verbose(bool verbose);

/* "HH:MM:SS " of the local time, for -T; @buf holds at least 16 bytes. */
const char *strftime_now(char *buf, size_t len);

/* Write @s as a JSON string literal, quotes included. */
void json_print_string(FILE *out, const char *s);

/* The same into @buf (truncated to @len, always terminated); @buf. */
const char *json_quote(char *buf, size_t len, const char *s);

#endif
