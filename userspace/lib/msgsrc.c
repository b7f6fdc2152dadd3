// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>

#include "msgsrc.h"

const struct msg_source msg_sources_inet[] = {
	{ ATTACH_TP_BTF, "sock_send_length", "sock_recv_length",
	  "tracepoint:sock:sock_send_length and sock_recv_length", NULL,
	  { "sock_send_length", "sock_recv_length" } },
	{ ATTACH_TP_BTF, "inet_send_length", "inet_recv_length",
	  "tracepoint:netlens:inet_send_length and inet_recv_length", "netlens",
	  { "inet_send_length", "inet_recv_length" } },
	{ ATTACH_FENTRY, "inet_sendmsg", "inet_recvmsg",
	  "fexit:inet_sendmsg, inet6_sendmsg, inet_recvmsg and inet6_recvmsg", NULL,
	  { "fexit_inet_sendmsg", "fexit_inet6_sendmsg", "fexit_inet_recvmsg",
	    "fexit_inet6_recvmsg" } },
	{ ATTACH_KPROBE, "inet_sendmsg", "inet_recvmsg",
	  "kprobe and kretprobe:inet_sendmsg, inet6_sendmsg, inet_recvmsg and inet6_recvmsg", NULL,
	  { "kprobe_inet_sendmsg", "kretprobe_inet_sendmsg", "kprobe_inet6_sendmsg",
	    "kretprobe_inet6_sendmsg", "kprobe_inet_recvmsg", "kretprobe_inet_recvmsg",
	    "kprobe_inet6_recvmsg", "kretprobe_inet6_recvmsg" } },
};

const size_t msg_sources_inet_n = sizeof(msg_sources_inet) / sizeof(msg_sources_inet[0]);

void msg_source_warn_missed(const char *tool, unsigned long long missed,
			    unsigned long long *reported)
{
	if (missed <= *reported)
		return;
	fprintf(stderr, "%s: %llu send or receive returns missed since netlens.ko's hooks were armed (more callers asleep in them at once than its max_sleepers): the counts are low\n",
		tool, missed - *reported);
	*reported = missed;
}

static bool msg_source_usable(const struct msg_source *s, char *why, size_t len)
{
	if (attach_forced_out(attach_kind_name(s->kind), s->alias)) {
		snprintf(why, len, "%s: skipped (NETLENS_FORCE_ATTACH=%s)", s->label,
			 getenv("NETLENS_FORCE_ATTACH"));
		return false;
	}
	switch (s->kind) {
	case ATTACH_TP_BTF:
		return probe_tp_btf(s->send, why, len) && probe_tp_btf(s->recv, why, len);
	case ATTACH_FENTRY:
		return probe_fentry(s->send, why, len) && probe_fentry(s->recv, why, len);
	default:
		return probe_kprobe(s->send, why, len) && probe_kprobe(s->recv, why, len);
	}
}

size_t msg_source_pick(const struct msg_source *src, size_t n, char *why, size_t len)
{
	char reason[512];
	size_t used = 0, i;

	*why = '\0';
	for (i = 0; i < n; i++) {
		if (msg_source_usable(&src[i], reason, sizeof(reason)))
			return i;
		used += snprintf(why + used, used < len ? len - used : 0, "%s%s",
				 used ? "; " : "", reason);
	}
	return n;
}

void msg_source_keep(struct bpf_object *obj, const struct msg_source *src, size_t n,
		     size_t keep)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < MSG_SOURCE_PROGS && src[i].progs[j]; j++) {
			struct bpf_program *p = bpf_object__find_program_by_name(obj, src[i].progs[j]);

			if (p)
				bpf_program__set_autoload(p, i == keep);
		}
	}
}

size_t msg_source_use(const char *tool, const char *what, const struct msg_source *src,
		      size_t n, struct bpf_object *obj)
{
	char why[2048];
	size_t s;

	s = msg_source_pick(src, n, why, sizeof(why));
	if (s == n) {
		fprintf(stderr, "%s: cannot trace %s: %s\n", tool, what, why);
		return n;
	}
	if (*why)
		fprintf(stderr, "%s: using %s (%s)\n", tool, src[s].label, why);
	msg_source_keep(obj, src, n, s);
	return s;
}
