/* SPDX-License-Identifier: GPL-2.0 */
/* Names of 16 bytes (task comm, device) against filters set before load. */
#ifndef NETLENS_COMM_BPF_H
#define NETLENS_COMM_BPF_H

/* @name equals @want, a const volatile char[16], both NUL-terminated. */
static __always_inline bool name16_is(const char name[16], const volatile char *want)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (name[i] != want[i])
			return false;
		if (!name[i])
			break;
	}
	return true;
}

/* The current task's name is @want (-c COMM). */
static __always_inline bool current_comm_is(const volatile char *want)
{
	char comm[16];

	if (bpf_get_current_comm(comm, sizeof(comm)))
		return false;
	return name16_is(comm, want);
}

#endif
