/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by nettxlat.bpf.c and nettxlat.c. */
#ifndef NETLENS_NETTXLAT_H
#define NETLENS_NETTXLAT_H

#define NETTXLAT_SLOTS	40	/* log2 slots of microseconds */

/* One histogram slot, of one device with -D (nettxlat-dev), else of all. */
struct nettxlat_key {
	char dev[16];		/* IFNAMSIZ; "" without -D */
	__u32 slot;		/* log2 slot of the microseconds */
};

#endif
