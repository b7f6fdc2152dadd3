/* SPDX-License-Identifier: GPL-2.0 */
/* Names of address families, IP protocols and TCP states, as the kernel spells them. */
#ifndef NETLENS_SOCKNAMES_H
#define NETLENS_SOCKNAMES_H

/* "AF_INET" for 2 (include/linux/socket.h); NULL when unknown. */
const char *family_name(unsigned int family);

/* "IPPROTO_TCP" for 6 (include/uapi/linux/in.h, in6.h); NULL when unknown. */
const char *ipproto_name(unsigned int protocol);

/* "ESTABLISHED" for 1 (include/net/tcp_states.h, as the book prints them); NULL when unknown. */
const char *tcp_state_name(unsigned int state);

#endif
