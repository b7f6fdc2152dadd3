// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ksyms.h"

struct ksym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void ksyms_free(struct ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->n; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	free(ks);
}

struct ksyms *ksyms_load(char *why, size_t len)
{
	char line[512], name[256], type;
	struct ksyms *ks;
	struct ksym *tmp;
	uint64_t addr;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		snprintf(why, len, "cannot read /proc/kallsyms: %s", strerror(errno));
		return NULL;
	}
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		goto nomem;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3 ||
		    !addr || (type != 't' && type != 'T' && type != 'w' && type != 'W'))
			continue;
		if (ks->n == ks->cap) {
			ks->cap = ks->cap ? 2 * ks->cap : 65536;
			tmp = realloc(ks->syms, ks->cap * sizeof(*tmp));
			if (!tmp)
				goto nomem;
			ks->syms = tmp;
		}
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n].name = strdup(name);
		if (!ks->syms[ks->n].name)
			goto nomem;
		ks->n++;
	}
	fclose(f);
	if (!ks->n) {
		snprintf(why, len, "/proc/kallsyms shows no addresses "
			 "(kernel.kptr_restrict, or not root)");
		ksyms_free(ks);
		return NULL;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_ksym);
	return ks;
nomem:
	snprintf(why, len, "out of memory reading /proc/kallsyms");
	fclose(f);
	ksyms_free(ks);
	return NULL;
}

const char *ksyms_name(const struct ksyms *ks, __u64 addr)
{
	size_t lo = 0, hi = ks->n;

	/* The last symbol at or below @addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? ks->syms[lo - 1].name : NULL;
}

const char *ksyms_frame(const struct ksyms *ks, __u64 addr, char *buf, size_t len)
{
	const char *name = ksyms_name(ks, addr);

	if (name)
		return name;
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

void ksyms_json_stack(FILE *out, const struct ksyms *ks, const __u64 *ips, int n)
{
	char buf[24];
	int i;

	fputs(",\"stack\":[", out);
	for (i = 0; i < n; i++) {
		json_print_string(out, ksyms_frame(ks, ips[i], buf, sizeof(buf)));
		fputs(i + 1 < n ? "," : "", out);
	}
	fputc(']', out);
}
