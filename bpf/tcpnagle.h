/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tcpnagle.bpf.c and tcpnagle.c. */
#ifndef NETLENS_TCPNAGLE_H
#define NETLENS_TCPNAGLE_H

#define TCPNAGLE_MAX_PORTS	64	/* -L and -D take at most this many */
#define TCPNAGLE_STATES		8	/* TCP_NAGLE_OFF 1 | CORK 2 | PUSH 4 */
#define TCPNAGLE_SLOTS		64	/* log2 slots of the held time (us) */

#endif
