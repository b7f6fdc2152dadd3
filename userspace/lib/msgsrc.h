/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the tools that count what send and receive calls return
 * (bpf/msg_length.bpf.h) get it from: a table of sources, best first,
 * the first usable one chosen, and only its programs loaded.
 */
#ifndef NETLENS_MSGSRC_H
#define NETLENS_MSGSRC_H

#include <stddef.h>

#include "probe.h"

struct bpf_object;

#define MSG_SOURCE_PROGS	8

struct msg_source {
	enum attach_kind kind;	/* ATTACH_TP_BTF, ATTACH_FENTRY or ATTACH_KPROBE */
	const char *send, *recv;	/* the events or functions it needs */
	const char *label;	/* how messages name it */
	const char *alias;	/* NETLENS_FORCE_ATTACH's name of it besides the kind's */
	const char *progs[MSG_SOURCE_PROGS];	/* its programs, by name */
};

/*
 * Every IPv4 and IPv6 socket's sends and receives (bpf/msg_length.bpf.h,
 * MSG_LENGTH_*_PROGS(inet, ...) and the inet{,6}_{send,recv}msg stubs).
 */
extern const struct msg_source msg_sources_inet[];
extern const size_t msg_sources_inet_n;

/*
 * The first usable of the @n sources, or @n when none is; @why gets why
 * the better ones were passed over, "; "-separated ("" for the first).
 */
size_t msg_source_pick(const struct msg_source *src, size_t n, char *why, size_t len);

/* Load only the programs of @src[@keep] from @obj, before it is loaded. */
void msg_source_keep(struct bpf_object *obj, const struct msg_source *src, size_t n,
		     size_t keep);

/*
 * Both for @tool, whose opened @obj traces @what: the best usable source
 * (named on stderr, with why, when it is not the first), only its
 * programs kept.  Its index, or @n after "TOOL: cannot trace WHAT: why".
 */
size_t msg_source_use(const char *tool, const char *what, const struct msg_source *src,
		      size_t n, struct bpf_object *obj);

/*
 * When @missed (the most a netlens.ko event said its hooks missed) is more
 * than *@reported: says so on stderr for @tool, and sets *@reported.
 */
void msg_source_warn_missed(const char *tool, unsigned long long missed,
			    unsigned long long *reported);

#endif
