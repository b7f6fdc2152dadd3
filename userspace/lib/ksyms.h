/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel addresses to function names, from /proc/kallsyms. */
#ifndef NETLENS_KSYMS_H
#define NETLENS_KSYMS_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

struct ksyms;

/*
 * Load the text symbols of /proc/kallsyms.  NULL with @why set when the
 * file cannot be read or shows no addresses (kptr_restrict, not root).
 */
struct ksyms *ksyms_load(char *why, size_t len);

/* The function containing @addr ("dev_hard_start_xmit"); NULL if none. */
const char *ksyms_name(const struct ksyms *ks, __u64 addr);

/* @addr's function name, or "0x..." in @buf when none. */
const char *ksyms_frame(const struct ksyms *ks, __u64 addr, char *buf, size_t len);

/* A stack's frames as a JSON member ,"stack":["f", ...] (innermost first). */
void ksyms_json_stack(FILE *out, const struct ksyms *ks, const __u64 *ips, int n);

void ksyms_free(struct ksyms *ks);

#endif
