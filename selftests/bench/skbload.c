// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's fixed workload: COUNT 64-byte UDP datagrams over
 * loopback, sent and received in batches of 32, then COUNT 64-byte TCP
 * messages.  Prints packets per second of each, in the guest's clock
 * (instruction-counted under vmtest.sh -i, so runs repeat).
 *
 * usage: skbload [COUNT]
 *        skbload -S COUNT      COUNT TCP sessions (connect, accept, one
 *                              64-byte message, the server closes first),
 *                              then COUNT 64-byte TCP messages on one, each
 *                              read before the next is written: the TCP
 *                              tools' workload, in one process (no
 *                              scheduling between two to vary the rates)
 *        skbload -H MS COUNT   send COUNT datagrams, leave them unread for
 *                              MS milliseconds, then read them: skbs with a
 *                              known lifetime (the demo's skblife -L)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double udp_pps(int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(17101) };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	char buf[BATCH][64];
	int s, r, i, done = 0, rcv = 4 << 20;
	double t0;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	r = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(r, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	if (bind(r, (void *)&a, sizeof(a)))
		die("bind udp");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(s, (void *)&a, sizeof(a)))
		die("connect udp");
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	while (done < count) {
		int n = count - done < BATCH ? count - done : BATCH, got = 0;

		if (sendmmsg(s, msgs, n, 0) != n)
			die("sendmmsg");
		while (got < n) {
			int k = recvmmsg(r, msgs, n - got, 0, NULL);

			if (k <= 0)
				die("recvmmsg");
			got += k;
		}
		done += n;
	}
	t0 = now() - t0;
	close(s);
	close(r);
	return count / t0;
}

/* A TCP listener on 127.0.0.1 and @a's port (@a gets the address). */
static int tcp_listen(struct sockaddr_in *a, int backlog)
{
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (void *)a, sizeof(*a)) || listen(l, backlog))
		die("listen");
	return l;
}

static double tcp_pps(int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(17102) };
	int l, c, s, one = 1, i;
	char buf[64] = { 0 };
	double t0;
	pid_t pid;

	l = tcp_listen(&a, 1);
	pid = fork();
	if (pid == 0) {
		long want = (long)count * sizeof(buf), got = 0, n;
		char rbuf[65536];

		c = accept(l, NULL, NULL);
		while (got < want && (n = read(c, rbuf, sizeof(rbuf))) > 0)
			got += n;
		_exit(got == want ? 0 : 1);
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (void *)&a, sizeof(a)))
		die("connect tcp");
	t0 = now();
	for (i = 0; i < count; i++)
		if (write(s, buf, sizeof(buf)) != sizeof(buf))
			die("write");
	close(s);
	waitpid(pid, NULL, 0);
	t0 = now() - t0;
	close(l);
	return count / t0;
}

/* @count sessions: connect, accept, 64 bytes one way, close; sessions/s. */
static double tcp_sessions_ps(int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(17103) };
	int l, c, s, i;
	char buf[64] = { 0 };
	double t0;

	l = tcp_listen(&a, 16);
	t0 = now();
	for (i = 0; i < count; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (void *)&a, sizeof(a)))
			die("connect session");
		s = accept(l, NULL, NULL);
		if (s < 0 || write(c, buf, sizeof(buf)) != sizeof(buf) ||
		    read(s, buf, sizeof(buf)) != sizeof(buf))
			die("session");
		/* The server's end waits in TIME_WAIT, not the client's port. */
		close(s);
		close(c);
	}
	t0 = now() - t0;
	close(l);
	return count / t0;
}

/* @count 64-byte messages on one session, each read before the next. */
static double tcp_pingpong_pps(int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(17104) };
	int l, c, s, one = 1, i;
	char buf[64] = { 0 };
	double t0;

	l = tcp_listen(&a, 1);
	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c, (void *)&a, sizeof(a)))
		die("connect tcp");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	t0 = now();
	for (i = 0; i < count; i++)
		if (write(c, buf, sizeof(buf)) != sizeof(buf) ||
		    recv(s, buf, sizeof(buf), MSG_WAITALL) != sizeof(buf))
			die("message");
	t0 = now() - t0;
	close(s);
	close(c);
	close(l);
	return count / t0;
}

static void hold_datagrams(int ms, int count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(17102) };
	char buf[64] = {};
	int s, r, i;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	r = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(r, (void *)&a, sizeof(a)))
		die("bind udp");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	for (i = 0; i < count; i++)
		if (sendto(s, buf, sizeof(buf), 0, (void *)&a, sizeof(a)) < 0)
			die("sendto");
	usleep(ms * 1000);
	for (i = 0; i < count; i++)
		if (recv(r, buf, sizeof(buf), 0) < 0)
			die("recv");
	close(s);
	close(r);
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 20000;

	if (argc == 4 && !strcmp(argv[1], "-H")) {
		int ms = atoi(argv[2]);

		count = atoi(argv[3]);
		if (ms <= 0 || ms > 60000 || count <= 0 || count > 100) {
			fprintf(stderr, "usage: skbload -H MS(1-60000) COUNT(1-100)\n");
			return 2;
		}
		hold_datagrams(ms, count);
		return 0;
	}

	if (argc == 3 && !strcmp(argv[1], "-S")) {
		count = atoi(argv[2]);
		if (count <= 0 || count > 1000000) {
			fprintf(stderr, "usage: skbload -S COUNT(1-1000000)\n");
			return 2;
		}
		printf("sessions_ps=%.0f tcp_pps=%.0f\n", tcp_sessions_ps(count),
		       tcp_pingpong_pps(count));
		return 0;
	}
	if (count <= 0 || count > 10000000) {
		fprintf(stderr, "usage: skbload [COUNT 1-10000000]\n");
		return 2;
	}
	printf("udp_pps=%.0f tcp_pps=%.0f\n", udp_pps(count), tcp_pps(count));
	return 0;
}
