// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include "socknames.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *family_name(unsigned int family)
{
	static const char *const names[] = {
		"AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX",
		"AF_APPLETALK", "AF_NETROM", "AF_BRIDGE", "AF_ATMPVC", "AF_X25",
		"AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY",
		"AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET",
		"AF_ATMSVC", "AF_RDS", "AF_SNA", "AF_IRDA", "AF_PPPOX",
		"AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC",
		"AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET",
		"AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK",
		"AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP",
	};

	return family < ARRAY_SIZE(names) ? names[family] : NULL;
}

const char *ipproto_name(unsigned int protocol)
{
	static const struct {
		unsigned int num;
		const char *name;
	} names[] = {
		{ 0, "IPPROTO_IP" }, { 1, "IPPROTO_ICMP" }, { 2, "IPPROTO_IGMP" },
		{ 4, "IPPROTO_IPIP" }, { 6, "IPPROTO_TCP" }, { 8, "IPPROTO_EGP" },
		{ 12, "IPPROTO_PUP" }, { 17, "IPPROTO_UDP" }, { 22, "IPPROTO_IDP" },
		{ 29, "IPPROTO_TP" }, { 33, "IPPROTO_DCCP" }, { 41, "IPPROTO_IPV6" },
		{ 46, "IPPROTO_RSVP" }, { 47, "IPPROTO_GRE" }, { 50, "IPPROTO_ESP" },
		{ 51, "IPPROTO_AH" }, { 58, "IPPROTO_ICMPV6" }, { 92, "IPPROTO_MTP" },
		{ 94, "IPPROTO_BEETPH" }, { 98, "IPPROTO_ENCAP" },
		{ 103, "IPPROTO_PIM" }, { 108, "IPPROTO_COMP" },
		{ 115, "IPPROTO_L2TP" }, { 132, "IPPROTO_SCTP" },
		{ 136, "IPPROTO_UDPLITE" }, { 137, "IPPROTO_MPLS" },
		{ 143, "IPPROTO_ETHERNET" }, { 255, "IPPROTO_RAW" },
		{ 262, "IPPROTO_MPTCP" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].num == protocol)
			return names[i].name;
	return NULL;
}

const char *tcp_state_name(unsigned int state)
{
	static const char *const names[] = {
		NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
		"LISTEN", "CLOSING", "NEW_SYN_RECV",
	};

	return state < ARRAY_SIZE(names) ? names[state] : NULL;
}
