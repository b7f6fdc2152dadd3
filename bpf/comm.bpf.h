/* SPDX-License-Identifier: GPL-2.0 */
/* The current task's name against a filter set before load (-c COMM). */
#ifndef NETLENS_COMM_BPF_H
#define NETLENS_COMM_BPF_H

/* @want: a const volatile char[16], NUL-terminated. */
static __always_inline bool current_comm_is(const volatile char *want)
{
	char comm[16];
	int i;

	if (bpf_get_current_comm(comm, sizeof(comm)))
		return false;
	for (i = 0; i < sizeof(comm); i++) {
		if (comm[i] != want[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

#endif
