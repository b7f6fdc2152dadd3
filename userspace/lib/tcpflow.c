// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "jsonout.h"
#include "socknames.h"
#include "tcpflow.h"

const char *flow_addr(char *buf, size_t len, __u16 family, const __u8 *addr)
{
	if (!inet_ntop(family == AF_INET ? AF_INET : AF_INET6, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *flow_endpoint(char *buf, size_t len, __u16 family, const __u8 *addr,
			  __u16 port)
{
	char a[INET6_ADDRSTRLEN];

	flow_addr(a, sizeof(a), family, addr);
	snprintf(buf, len, family == AF_INET ? "%s:%u" : "[%s]:%u", a, port);
	return buf;
}

void json_flow(FILE *out, const struct tcp_flow *f)
{
	char a[INET6_ADDRSTRLEN];

	json_enum(out, "family", f->family, family_name(f->family));
	json_str(out, "laddr", flow_addr(a, sizeof(a), f->family, f->laddr));
	json_u64(out, "lport", f->lport);
	json_str(out, "raddr", flow_addr(a, sizeof(a), f->family, f->raddr));
	json_u64(out, "rport", f->rport);
}
