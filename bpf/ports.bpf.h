/* SPDX-License-Identifier: GPL-2.0 */
/* Port filters (-P, -L, -D): sets of ports userspace fills before attach. */
#ifndef NETLENS_PORTS_BPF_H
#define NETLENS_PORTS_BPF_H

/* A set of at most @max ports, host byte order (tool_fill_ports()). */
#define PORT_SET(name, max)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_HASH);		\
		__uint(max_entries, max);			\
		__type(key, __u16);				\
		__type(value, __u8);				\
	} name SEC(".maps")

/* @port is not in @set, when the filter is on. */
#define PORT_FILTERED(on, set, port)				\
	((on) && !bpf_map_lookup_elem(&(set), &(port)))

#endif
