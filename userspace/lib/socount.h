/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sofamily and soprotocol share in userspace: the --success and -P
 * options,
 * the syscall tracepoints they need, the optional PID part of their keys
 * and their report.
 */
#ifndef NETLENS_SOCOUNT_LIB_H
#define NETLENS_SOCOUNT_LIB_H

#include "tool.h"

struct socount_env {
	struct tool_env env;
	bool success_only;	/* --success */
	bool by_pid;		/* -P */
};

/* --success has no short option: -s sorts, as in every counting tool. */
#define SOCOUNT_OPT_SUCCESS	0x100

#define SOCOUNT_OPTS \
	TOOL_OPT_PID, \
	TOOL_OPT_CONTAINER, \
	TOOL_OPT_UID, \
	TOOL_OPT_FAMILY, \
	{ "success", SOCOUNT_OPT_SUCCESS, NULL, 0, "Count only successful connects (returned 0)", 0 }, \
	{ "per-pid", 'P', NULL, 0, "Key by PID as well as process name", 0 }, \
	TOOL_OPT_TABLE, \
	TOOL_OPT_COMMON

error_t socount_parse(int key, char *arg, struct argp_state *state,
		      struct socount_env *e);

/* syscalls:sys_{enter,exit}_connect, sys_exit_accept{,4}; false: printed why. */
bool socount_tracepoints(const char *tool);

/* A row's key: with -P its PID first, then @comm. */
void socount_key(const struct socount_env *e, struct kv_key *key,
		 unsigned int pid, const char *comm);

/* The @accept and @connect maps, drained from @map_fd. */
int socount_report(const struct socount_env *e, struct kv_table *t, int map_fd,
		   size_t key_size,
		   void (*add_row)(const void *key, unsigned long long value, void *t));

#endif
