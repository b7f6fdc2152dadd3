/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel addresses to function names, from /proc/kallsyms. */
#ifndef NETLENS_KSYMS_H
#define NETLENS_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksyms;

/*
 * Load the text symbols of /proc/kallsyms.  NULL with @why set when the
 * file cannot be read or shows no addresses (kptr_restrict, not root).
 */
struct ksyms *ksyms_load(char *why, size_t len);

/* The function containing @addr ("dev_hard_start_xmit"); NULL if none. */
const char *ksyms_name(const struct ksyms *ks, uint64_t addr);

void ksyms_free(struct ksyms *ks);

#endif
