// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "socount.h"

error_t socount_parse(int key, char *arg, struct argp_state *state,
		      struct socount_env *e)
{
	switch (key) {
	case SOCOUNT_OPT_SUCCESS:
		e->success_only = true;
		return 0;
	case 'P':
		e->by_pid = true;
		return 0;
	default:
		return tool_parse_common(key, arg, state, &e->env);
	}
}

bool socount_tracepoints(const char *tool)
{
	static const char *const tps[] = { "sys_enter_connect", "sys_exit_connect",
					   "sys_exit_accept", "sys_exit_accept4" };

	return tool_need_tracepoints(tool, "accept/connect", "syscalls", tps,
				     sizeof(tps) / sizeof(tps[0]),
				     "needs CONFIG_FTRACE_SYSCALLS");
}

void socount_key(const struct socount_env *e, struct kv_key *key,
		 unsigned int pid, const char *comm)
{
	key->n = 0;
	if (e->by_pid)
		kv_key_num(key, "pid", pid);
	kv_key_str(key, "comm", comm);
}

int socount_report(const struct socount_env *e, struct kv_table *t, int map_fd,
		   size_t key_size,
		   void (*add_row)(const void *key, unsigned long long value, void *t))
{
	static const char *const order[] = { "accept", "connect", NULL };

	return tool_print_counts(&e->env, t, map_fd, key_size, 1, add_row, order);
}
