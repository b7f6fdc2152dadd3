/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by superping.bpf.c and superping.c. */
#ifndef NETLENS_SUPERPING_H
#define NETLENS_SUPERPING_H

/* An echo reply matched to its request. */
struct superping_event {
	__u64 rtt_ns;		/* request queued to its device to reply received */
	__u16 family;		/* AF_INET, AF_INET6 */
	__u16 id;		/* echo identifier, network byte order */
	__u16 seq;		/* echo sequence number, network byte order */
	__u16 pad;
	__u8 addr[16];		/* the pinged address (the reply's source) */
	char dev[16];		/* the device the reply came in on */
};

#endif
