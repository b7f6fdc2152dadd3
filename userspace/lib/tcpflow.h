/* SPDX-License-Identifier: GPL-2.0 */
/* Printing a TCP session's endpoints (bpf/tcp_flow.h) the one way every TCP tool does. */
#ifndef NETLENS_TCPFLOW_H
#define NETLENS_TCPFLOW_H

#include <netinet/in.h>	/* INET6_ADDRSTRLEN */
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/tcp_flow.h"

/* @addr (4 or 16 bytes by @family) as text into @buf; "?" when it cannot be. */
const char *flow_addr(char *buf, size_t len, __u16 family, const __u8 *addr);

/* "127.0.0.1:5000", "[::1]:5000". */
const char *flow_endpoint(char *buf, size_t len, __u16 family, const __u8 *addr,
			  __u16 port);

/* ,"family":..,"family_name":..,"laddr":..,"lport":..,"raddr":..,"rport":.. */
void json_flow(FILE *out, const struct tcp_flow *f);

#endif
