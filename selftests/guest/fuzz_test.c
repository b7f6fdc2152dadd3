// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input for netlens.ko: more than ten thousand generated bad (and
 * some good) inputs through every door the module has (ioctl, read(),
 * generic netlink, and all of them unprivileged), each checked against the
 * errno README.md documents ("Records: /dev/netlens", "Errors"), then no
 * kernel warning in the log and a module that still works.
 *
 * The inputs come from a fixed-seed PRNG: the seed is printed, and
 * NETLENS_FUZZ_SEED=N reruns the same inputs (or others).  The expected
 * result of each input is worked out from the module's code and the
 * kernel's (VFS access_ok(), genetlink header checks, strict attribute
 * policy validation) by a model below; a mismatch prints the input.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "../test_helpers.h"
#include "netlens_dev.h"
#include "netlens_genl.h"
#include "netlens_selftest.skel.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NO_MODULE_REASON "netlens.ko not loaded on %s (the host kernel has no module support; the guests test it)"
#define NO_MODULE_KERNEL (getenv("NETLENS_KVER") ?: "this kernel")

#define FUZZ_SEED_DEFAULT	0x6e65746c656e73ULL	/* "netlens" */
#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

/* ---- deterministic PRNG (splitmix64) ------------------------------------- */

static __u64 rng_state;

static __u64 fuzz_seed(void)
{
	const char *s = getenv("NETLENS_FUZZ_SEED");

	return s && *s ? strtoull(s, NULL, 0) : FUZZ_SEED_DEFAULT;
}

/* Each category has a stream of its own: one does not shift another's. */
static void rng_seed(__u64 category)
{
	rng_state = fuzz_seed() ^ (category * 0x9e3779b97f4a7c15ULL);
}

static __u64 rnd(void)
{
	__u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u64 rnd_below(__u64 n)
{
	return n ? rnd() % n : 0;
}

/* True with probability @pct percent. */
static int chance(unsigned int pct)
{
	return rnd_below(100) < pct;
}

#define PICK(arr) ((arr)[rnd_below(ARRAY_LEN(arr))])

/* ---- shared between the tests (each runs in a child of the harness) ------ */

enum { CAT_IOCTL, CAT_READ, CAT_GENL, CAT_UNPRIV, CATS };
static const char *const cat_names[CATS] = { "ioctl", "read", "genl", "unprivileged" };

struct fuzz_shared {
	unsigned int inputs[CATS];	/* inputs thrown, per category */
	unsigned int bad[CATS];		/* of which answered unexpectedly */
	/* The unprivileged child's report. */
	unsigned int child_inputs, child_bad;
	char child_msg[1024];
};

static struct fuzz_shared *shared;
static unsigned long long kmsg_seq;	/* the kernel log when the run began */

static void __attribute__((constructor)) fuzz_shared_init(void)
{
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		shared = NULL;
	kmsg_seq = kmsg_scan(0, NULL, NULL, 0);
}

/* ---- checking and reporting ------------------------------------------------ */

/*
 * ksft_print_msg() to stdout, flushed: the harness ends each test with
 * _exit(), which would drop what a pipe (run_tests.sh) still buffers.
 */
#define fuzz_msg(fmt, ...) do {						\
	ksft_print_msg(fmt, ##__VA_ARGS__);				\
	fflush(stdout);							\
} while (0)

struct fuzz_ctx {
	struct __test_metadata *md;
	int cat;
	unsigned int n;		/* inputs so far */
	unsigned int bad;	/* mismatches so far */
};

/* "EINVAL" for -EINVAL, the number for a result. */
static const char *res_name(long r, char *buf, size_t len)
{
	const char *name = r < 0 ? strerrorname_np((int)-r) : NULL;

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%ld", r);
	return buf;
}

/*
 * One comparison: the first mismatches are reported with the input that
 * caused them (and fail the test), the rest only counted.
 */
#define FUZZ_EXPECT(ctx, want, got, fmt, ...) do {				\
	long __w = (want), __g = (got);						\
	if (__w != __g) {							\
		struct __test_metadata *_metadata = (ctx)->md;			\
		char __wb[32], __gb[32];					\
		(ctx)->bad++;							\
		if ((ctx)->bad <= 12) {						\
			EXPECT_EQ(__w, __g)					\
				TH_LOG("%s input %u: want %s, got %s: " fmt,	\
				       cat_names[(ctx)->cat], (ctx)->n,		\
				       res_name(__w, __wb, sizeof(__wb)),	\
				       res_name(__g, __gb, sizeof(__gb)),	\
				       ##__VA_ARGS__);				\
		} else {							\
			_metadata->passed = 0;					\
		}								\
	}									\
} while (0)

static void fuzz_report(struct fuzz_ctx *ctx)
{
	struct __test_metadata *_metadata = ctx->md;

	if (shared) {
		shared->inputs[ctx->cat] = ctx->n;
		shared->bad[ctx->cat] = ctx->bad;
	}
	fuzz_msg("fuzz: %s: %u inputs, %u answered other than documented (seed 0x%llx)\n",
		       cat_names[ctx->cat], ctx->n, ctx->bad,
		       (unsigned long long)fuzz_seed());
	EXPECT_EQ(0, ctx->bad);
}

/* ---- a page arena with every kind of memory a pointer can land in -------- */

enum page_kind { PG_RW, PG_NONE, PG_RO, PG_HOLE };

/*
 * Pages 1-2 hold valid buffers and end at a PROT_NONE page, page 4 ends at
 * a hole (unmapped), page 6 ends at a read-only page.
 */
static const enum page_kind arena_layout[] = {
	PG_NONE, PG_RW, PG_RW, PG_NONE, PG_RW, PG_HOLE, PG_RW, PG_RO, PG_NONE,
};
#define ARENA_PAGES	ARRAY_LEN(arena_layout)
#define PG		4096UL

/* Low, so that no count generated below runs past the end of user space. */
#define ARENA_HINT	0x200000000000UL
/* An address range nothing maps: checked in /proc/self/maps. */
#define FAR_UNMAPPED	0x300000000000UL

/* Highest user address the kernel's access_ok() allows + 1 (4-level paging). */
#define USER_LIMIT	0x7ffffffff000UL
/* Counts up to here plus a buffer pass access_ok() on 4- and 5-level paging. */
#define USER_SAFE_END	0x7ffffff00000UL

static unsigned char *arena;

static unsigned char *arena_page(unsigned int i)
{
	return arena + i * PG;
}

/* Does anything map [lo, hi)? */
static int range_mapped(uintptr_t lo, uintptr_t hi)
{
	unsigned long a, b;
	char line[512];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a < hi && b > lo)
			found = 1;
	fclose(f);
	return found;
}

static int arena_setup(void)
{
	unsigned int i;
	void *p;

	p = mmap((void *)ARENA_HINT, ARENA_PAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		p = mmap(NULL, ARENA_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	arena = p;
	memset(arena, 0x5a, ARENA_PAGES * PG);
	for (i = 0; i < ARENA_PAGES; i++) {
		int ret = 0;

		if (arena_layout[i] == PG_NONE)
			ret = mprotect(arena_page(i), PG, PROT_NONE);
		else if (arena_layout[i] == PG_RO)
			ret = mprotect(arena_page(i), PG, PROT_READ);
		else if (arena_layout[i] == PG_HOLE)
			ret = munmap(arena_page(i), PG);
		if (ret)
			return -errno;
	}
	return 0;
}

static void arena_teardown(void)
{
	if (arena)
		munmap(arena, ARENA_PAGES * PG);
	arena = NULL;
}

/* The hole and the far range must still be unmapped for the model to hold. */
static int arena_holes_intact(void)
{
	uintptr_t hole = (uintptr_t)arena_page(5);

	return !range_mapped(hole, hole + PG) &&
	       !range_mapped(FAR_UNMAPPED, FAR_UNMAPPED + (1UL << 30));
}

/* Let the test write into the read-only page, or not. */
static void arena_ro_writable(int writable)
{
	mprotect(arena_page(7), PG, writable ? PROT_READ | PROT_WRITE : PROT_READ);
}

/* Bytes from @addr on that the kernel may read (or write): 0 outside the arena. */
static size_t acc_bytes(uintptr_t addr, int write)
{
	uintptr_t base = (uintptr_t)arena;
	size_t n = 0;
	unsigned int i;

	if (!arena || addr < base || addr >= base + ARENA_PAGES * PG)
		return 0;
	for (i = (addr - base) / PG; i < ARENA_PAGES; i++) {
		enum page_kind k = arena_layout[i];

		if (k != PG_RW && !(k == PG_RO && !write))
			break;
		n += PG - (i == (addr - base) / PG ? (addr - base) % PG : 0);
	}
	return n;
}

enum ptr_kind {
	P_VALID,	/* inside pages 1-2, wholly */
	P_NULL,
	P_SMALL,	/* 1..65535: below mmap_min_addr */
	P_KERNEL,	/* kernel and non-canonical addresses */
	P_FAR,		/* unmapped user address */
	P_HOLE,		/* the arena's unmapped page */
	P_PROTNONE,	/* a PROT_NONE page */
	P_RDONLY,	/* the read-only page */
	P_STRADDLE_NONE,	/* runs off the end of page 2 into PROT_NONE */
	P_STRADDLE_HOLE,	/* off the end of page 4 into the hole */
	P_STRADDLE_RO,		/* off the end of page 6 into the read-only page */
	P_KINDS
};

static const char *const ptr_names[P_KINDS] = {
	"valid", "NULL", "small", "kernel", "unmapped", "hole", "PROT_NONE",
	"read-only", "straddling PROT_NONE", "straddling a hole",
	"straddling read-only",
};

static const uintptr_t kernel_addrs[] = {
	0xffff888000000000UL,	/* direct map */
	0xffffffff81000000UL,	/* kernel text */
	0xffffc90000000000UL,	/* vmalloc */
	0xffffea0000000000UL,	/* vmemmap */
	0xff11000000000000UL,	/* direct map, 5-level paging */
	0x8000000000000000UL,	/* non-canonical */
	0xfffffffffffff000UL,
	0xffffffffffffffffUL,
};

/*
 * An address of kind @kind for an object of @size bytes; straddling
 * buffers keep between 1 and @size - 1 bytes before the end of their page.
 */
static uintptr_t gen_ptr(enum ptr_kind kind, size_t size)
{
	size_t k = size > 1 ? 1 + rnd_below(size - 1) : 1;
	size_t room = 2 * PG > size ? 2 * PG - size : 0;
	uintptr_t a;

	switch (kind) {
	case P_VALID:
		return (uintptr_t)arena_page(1) + rnd_below(room + 1);
	case P_NULL:
		return 0;
	case P_SMALL:
		return 1 + rnd_below(65535);
	case P_KERNEL:
		a = PICK(kernel_addrs);
		return a < 0xfffffffffffff000UL ? a + rnd_below(PG) : a;
	case P_FAR:
		return FAR_UNMAPPED + rnd_below(1UL << 30);
	case P_HOLE:
		return (uintptr_t)arena_page(5) + rnd_below(PG);
	case P_PROTNONE:
		return (uintptr_t)arena_page(PICK(((const unsigned int[]){ 0, 3, 8 }))) +
		       rnd_below(PG);
	case P_RDONLY:
		return (uintptr_t)arena_page(7) + rnd_below(size < PG ? PG - size + 1 : PG);
	case P_STRADDLE_NONE:
		return (uintptr_t)arena_page(3) - k;
	case P_STRADDLE_HOLE:
		return (uintptr_t)arena_page(5) - k;
	case P_STRADDLE_RO:
	default:
		return (uintptr_t)arena_page(7) - k;
	}
}

/*
 * Put @len bytes of @src at @addr, as far as the test can write there
 * (the read-only page included): what the kernel will find.
 */
static void plant(uintptr_t addr, const void *src, size_t len)
{
	size_t n;

	arena_ro_writable(1);
	n = acc_bytes(addr, 1);
	if (n > len)
		n = len;
	if (n)
		memcpy((void *)addr, src, n);
	arena_ro_writable(0);
}

/* ---- the fixture ----------------------------------------------------------- */

FIXTURE(fuzz) {
	int fd;		/* /dev/netlens: the channel the program writes to */
	int fd2;	/* a second opener: another channel, without rings */
	__u32 handle, handle2;	/* their channels' handles */
	struct netlens_selftest_bpf *skel;
	struct netlens_genl g;	/* libnl: family id, and the final check */
};

FIXTURE_SETUP(fuzz)
{
	self->fd = self->fd2 = -1;
	self->skel = NULL;
	self->g.sk = NULL;
	if (!netlens_loaded())
		SETUP_SKIP(NO_MODULE_REASON, NO_MODULE_KERNEL);
	fuzz_msg("fuzz: seed 0x%llx (NETLENS_FUZZ_SEED=N for others)\n",
		       (unsigned long long)fuzz_seed());
	self->fd = open(NETLENS_DEV_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", NETLENS_DEV_PATH, strerror(errno));
	self->fd2 = open(NETLENS_DEV_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->fd2);
	ASSERT_EQ(0, netlens_dev_channel_setup(self->fd, 0, 0));
	{
		struct netlens_channel_info ci;

		ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &ci));
		self->handle = ci.handle;
		ASSERT_EQ(0, netlens_dev_channel_info(self->fd2, &ci));
		self->handle2 = ci.handle;
		ASSERT_NE(self->handle, self->handle2);
	}
	self->skel = netlens_selftest_bpf__open();
	ASSERT_NE(NULL, self->skel);
	self->skel->rodata->target_tgid = getpid();
	self->skel->rodata->netlens_channel = self->handle;
	ASSERT_EQ(0, netlens_selftest_bpf__load(self->skel));
	ASSERT_EQ(0, netlens_selftest_bpf__attach(self->skel));
	ASSERT_EQ(0, arena_setup());
	ASSERT_TRUE(arena_holes_intact()) TH_LOG("the unmapped ranges are mapped");
	{
		char err[256];

		ASSERT_EQ(0, netlens_genl_open(&self->g, err, sizeof(err))) TH_LOG("%s", err);
	}
}

FIXTURE_TEARDOWN(fuzz)
{
	arena_teardown();
	if (self->g.sk)
		netlens_genl_close(&self->g);
	netlens_selftest_bpf__destroy(self->skel);
	if (self->fd2 >= 0)
		close(self->fd2);
	if (self->fd >= 0)
		close(self->fd);
}

/* ---- 1. ioctl -------------------------------------------------------------- */

static const unsigned int real_cmds[] = {
	NETLENS_IOC_INFO, NETLENS_IOC_HIST_READ, NETLENS_IOC_HIST_RESET,
	NETLENS_IOC_SELFTEST, NETLENS_IOC_SKB_STATS, NETLENS_IOC_RING_STATS,
	NETLENS_IOC_RING_RESET, NETLENS_IOC_CHANNEL_SETUP, NETLENS_IOC_CHANNEL_INFO,
};

static int is_real_cmd(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(real_cmds); i++)
		if (real_cmds[i] == cmd)
			return 1;
	return 0;
}

/*
 * Magics the VFS answers itself before any driver (do_vfs_ioctl(): FIOCLEX,
 * FIONBIO, FIFREEZE, FS_IOC_GETFLAGS, FICLONE, FS_IOC_GETFSUUID, FIGETBSZ...)
 * are not the module's to refuse.
 */
static int vfs_magic(unsigned int magic)
{
	return magic == 0x00 || magic == 0x15 || magic == 'T' || magic == 'X' ||
	       magic == 'f' || magic == 0x94;
}

static long sys_ioctl(int fd, unsigned long cmd, uintptr_t arg)
{
	long r = syscall(SYS_ioctl, fd, cmd, arg);

	return r < 0 ? -errno : r;
}

struct hist_model {
	__u64 total, sum;	/* NETLENS_HIST_SELFTEST as it must read now */
	__u64 fired;		/* successful NETLENS_IOC_SELFTEST */
	int fd2_rings;		/* a CHANNEL_SETUP of the second opener worked */
};

/* The module's ring_kb_max. */
static unsigned int ring_kb_max(void)
{
	static unsigned int max;
	FILE *f;

	if (!max) {
		f = fopen("/sys/module/netlens/parameters/ring_kb_max", "re");
		if (!f || fscanf(f, "%u", &max) != 1)
			max = 16384;
		if (f)
			fclose(f);
	}
	return max;
}

/* Ring sizes: small valid ones (no memory pressure), and invalid ones. */
static __u32 gen_ring_kb(void)
{
	static const __u32 kb[] = {
		0, 4, 8, 16, 64, 1, 2, 3, 5, 6, 100, 0x80000000, 0xffffffff,
		2097152,
	};

	return chance(90) ? PICK(kb) : chance(50) ? ring_kb_max() * 2 : (__u32)rnd();
}

static int ring_kb_valid(__u32 kb)
{
	return !kb || (kb >= 4 && kb <= ring_kb_max() && !(kb & (kb - 1)));
}

static __u32 gen_hist_id(void)
{
	static const __u32 ids[] = {
		0, 1, 2, 3, NETLENS_HIST_COUNT, NETLENS_HIST_COUNT + 1, 63, 64,
		255, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	return chance(50) ? (__u32)rnd_below(NETLENS_HIST_COUNT) :
	       chance(80) ? PICK(ids) : (__u32)rnd();
}

static __u32 gen_must_be_zero(void)
{
	static const __u32 bad[] = { 1, 2, 0x80000000, 0xffffffff };

	return chance(70) ? 0 : chance(50) ? PICK(bad) : (__u32)rnd() | 1;
}

/* What the module must answer to @cmd on @arg (its contents planted). */
static long ioctl_expect(unsigned int cmd, uintptr_t arg, int reader,
			 const struct hist_model *hm)
{
	size_t r = acc_bytes(arg, 0), w = acc_bytes(arg, 1);
	struct netlens_channel_setup cs;
	struct netlens_hist h;
	struct netlens_selftest st;

	switch (cmd) {
	case NETLENS_IOC_INFO:
		return w >= sizeof(struct netlens_info) ? 0 : -EFAULT;
	case NETLENS_IOC_HIST_READ:
		if (r < sizeof(h))
			return -EFAULT;
		memcpy(&h, (void *)arg, sizeof(h));
		if (h.id >= NETLENS_HIST_COUNT || h.reserved)
			return -EINVAL;
		return w >= sizeof(h) ? 0 : -EFAULT;
	case NETLENS_IOC_HIST_RESET:
		/* Only id and reserved are read. */
		if (r < offsetof(struct netlens_hist, total))
			return -EFAULT;
		memcpy(&h, (void *)arg, offsetof(struct netlens_hist, total));
		return h.reserved || h.id >= NETLENS_HIST_COUNT ? -EINVAL : 0;
	case NETLENS_IOC_SELFTEST:
		if (r < sizeof(st))
			return -EFAULT;
		memcpy(&st, (void *)arg, sizeof(st));
		return st.flags || st.reserved ? -EINVAL : 0;
	case NETLENS_IOC_SKB_STATS:
		return w >= sizeof(struct netlens_skb_stats) ? 0 : -EFAULT;
	case NETLENS_IOC_RING_STATS:
		return w >= sizeof(struct netlens_ring_stats) ? 0 : -EFAULT;
	case NETLENS_IOC_RING_RESET:
		return 0;
	case NETLENS_IOC_CHANNEL_SETUP:
		if (r < sizeof(cs))
			return -EFAULT;
		memcpy(&cs, (void *)arg, sizeof(cs));
		if (cs.flags || cs.reserved)
			return -EINVAL;
		if (reader || hm->fd2_rings)
			return -EBUSY;
		return ring_kb_valid(cs.ring_kb) ? 0 : -EINVAL;
	case NETLENS_IOC_CHANNEL_INFO:
		return w >= sizeof(struct netlens_channel_info) ? 0 : -EFAULT;
	default:
		return -ENOTTY;
	}
}

static const char *cmd_name(unsigned int cmd)
{
	switch (cmd) {
	case NETLENS_IOC_INFO: return "INFO";
	case NETLENS_IOC_HIST_READ: return "HIST_READ";
	case NETLENS_IOC_HIST_RESET: return "HIST_RESET";
	case NETLENS_IOC_SELFTEST: return "SELFTEST";
	case NETLENS_IOC_SKB_STATS: return "SKB_STATS";
	case NETLENS_IOC_RING_STATS: return "RING_STATS";
	case NETLENS_IOC_RING_RESET: return "RING_RESET";
	case NETLENS_IOC_CHANNEL_SETUP: return "CHANNEL_SETUP";
	case NETLENS_IOC_CHANNEL_INFO: return "CHANNEL_INFO";
	default: return "unknown";
	}
}

/* One of the module's commands, with a generated pointer and contents. */
static void fuzz_real_ioctl(struct fuzz_ctx *ctx, FIXTURE_DATA(fuzz) *self,
			    unsigned int cmd, struct hist_model *hm)
{
	enum ptr_kind kind = rnd_below(100) < 35 ? P_VALID : (enum ptr_kind)rnd_below(P_KINDS);
	size_t size = _IOC_SIZE(cmd) ? _IOC_SIZE(cmd) : 8;
	int reader = !chance(10);
	int fd = reader ? self->fd : self->fd2;
	union {
		struct netlens_hist h;
		struct netlens_selftest st;
		struct netlens_channel_setup cs;
		unsigned char raw[sizeof(struct netlens_hist)];
	} in;
	uintptr_t arg = gen_ptr(kind, size);
	unsigned int i;
	long want, got;

	for (i = 0; i < sizeof(in.raw); i++)
		in.raw[i] = (unsigned char)rnd();
	if (cmd == NETLENS_IOC_HIST_READ || cmd == NETLENS_IOC_HIST_RESET) {
		in.h.id = gen_hist_id();
		in.h.reserved = gen_must_be_zero();
	} else if (cmd == NETLENS_IOC_SELFTEST) {
		in.st.value = chance(50) ? rnd_below(1 << 20) : rnd();
		in.st.flags = gen_must_be_zero();
		in.st.reserved = gen_must_be_zero();
	} else if (cmd == NETLENS_IOC_CHANNEL_SETUP) {
		in.cs.ring_kb = gen_ring_kb();
		in.cs.wakeup_bytes = chance(50) ? 0 : rnd();
		in.cs.flags = gen_must_be_zero();
		in.cs.reserved = gen_must_be_zero();
	}
	plant(arg, &in, size);
	want = ioctl_expect(cmd, arg, reader, hm);
	ctx->n++;
	got = sys_ioctl(fd, cmd, arg);
	FUZZ_EXPECT(ctx, want, got, "ioctl %s (0x%x) on the %s, %s pointer %#lx, first bytes %08x %08x %08x %08x",
		    cmd_name(cmd), cmd, reader ? "reader" : "second opener",
		    ptr_names[kind], (unsigned long)arg, ((__u32 *)in.raw)[0],
		    ((__u32 *)in.raw)[1], ((__u32 *)in.raw)[2], ((__u32 *)in.raw)[3]);
	if (got != 0 || want != 0)
		return;

	/* It worked: it must also have done its job. */
	switch (cmd) {
	case NETLENS_IOC_INFO: {
		struct netlens_info info;
		size_t n;

		memcpy(&info, (void *)arg, sizeof(info));
		n = strnlen(info.version, sizeof(info.version));
		FUZZ_EXPECT(ctx, 0, strcmp(info.version, NETLENS_VERSION), "INFO version '%.16s'", info.version);
		for (i = n; i < sizeof(info.version); i++)
			FUZZ_EXPECT(ctx, 0, info.version[i], "INFO version byte %u not zeroed", i);
		FUZZ_EXPECT(ctx, NETLENS_ABI_VERSION, info.abi, "INFO abi");
		FUZZ_EXPECT(ctx, NETLENS_HIST_COUNT, info.hist_count, "INFO hist_count");
		break;
	}
	case NETLENS_IOC_HIST_READ: {
		struct netlens_hist h;

		memcpy(&h, (void *)arg, sizeof(h));
		FUZZ_EXPECT(ctx, in.h.id, h.id, "HIST_READ changed the id");
		/* The second opener's channel gets nothing. */
		if (h.id == NETLENS_HIST_SELFTEST || !reader) {
			FUZZ_EXPECT(ctx, reader ? hm->total : 0, h.total,
				    "HIST_READ selftest total (%s)", reader ? "reader" : "second opener");
			FUZZ_EXPECT(ctx, reader ? hm->sum : 0, h.sum, "HIST_READ selftest sum");
		}
		break;
	}
	case NETLENS_IOC_HIST_RESET:
		if (in.h.id == NETLENS_HIST_SELFTEST && reader)
			hm->total = hm->sum = 0;
		break;
	case NETLENS_IOC_CHANNEL_SETUP:
		hm->fd2_rings = 1;
		break;
	case NETLENS_IOC_CHANNEL_INFO: {
		struct netlens_channel_info ci;

		memcpy(&ci, (void *)arg, sizeof(ci));
		FUZZ_EXPECT(ctx, reader ? self->handle : self->handle2, ci.handle,
			    "CHANNEL_INFO handle");
		FUZZ_EXPECT(ctx, 1, !!ci.nr_rings == (reader || hm->fd2_rings),
			    "CHANNEL_INFO nr_rings %u", ci.nr_rings);
		FUZZ_EXPECT(ctx, 0, ci.unread_bytes, "CHANNEL_INFO: records appeared");
		break;
	}
	case NETLENS_IOC_SELFTEST:
		hm->total++;
		hm->sum += in.st.value;
		hm->fired++;
		break;
	case NETLENS_IOC_RING_STATS: {
		struct netlens_ring_stats st;

		memcpy(&st, (void *)arg, sizeof(st));
		FUZZ_EXPECT(ctx, 1, st.channels >= 2 && st.ring_bytes > 0,
			    "RING_STATS channels %u ring_bytes %u", st.channels, st.ring_bytes);
		FUZZ_EXPECT(ctx, 0, st.unread_bytes, "RING_STATS: records appeared");
		break;
	}
	}
}

static void fuzz_unknown_ioctl(struct fuzz_ctx *ctx, FIXTURE_DATA(fuzz) *self,
			       unsigned int cmd, struct hist_model *hm)
{
	uintptr_t arg;
	long got;

	if (is_real_cmd(cmd)) {
		fuzz_real_ioctl(ctx, self, cmd, hm);
		return;
	}
	arg = gen_ptr((enum ptr_kind)rnd_below(P_KINDS), 64);
	ctx->n++;
	got = sys_ioctl(chance(80) ? self->fd : self->fd2, cmd, arg);
	FUZZ_EXPECT(ctx, -ENOTTY, got, "ioctl 0x%08x (dir %u type 0x%02x nr %u size %u) arg %#lx",
		    cmd, _IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), _IOC_SIZE(cmd),
		    (unsigned long)arg);
}

TEST_F_TIMEOUT(fuzz, ioctl, 240)
{
	static const unsigned int sizes[] = {
		0, 1, 8, 16, 24, 48, 56, sizeof(struct netlens_hist),
		sizeof(struct netlens_hist) + 8, 4096, 16383,
	};
	struct fuzz_ctx ctx = { .md = _metadata, .cat = CAT_IOCTL };
	struct hist_model hm = {};
	struct netlens_hist h;
	unsigned int nr, dir, i;

	rng_seed(1);
	self->skel->bss->emit_records = false;

	/* Every number of the module's magic, every direction, random sizes. */
	for (nr = 0; nr < 256; nr++)
		for (dir = 0; dir < 4; dir++) {
			fuzz_unknown_ioctl(&ctx, self, _IOC(dir, NETLENS_IOC_MAGIC, nr, PICK(sizes)), &hm);
			fuzz_unknown_ioctl(&ctx, self, _IOC(dir, NETLENS_IOC_MAGIC, nr, rnd_below(16384)), &hm);
			fuzz_unknown_ioctl(&ctx, self, _IOC(dir, NETLENS_IOC_MAGIC, nr, rnd_below(16384)), &hm);
		}
	/* The module's commands with another magic, and random commands. */
	for (i = 0; i < 1000; i++) {
		unsigned int cmd, magic;

		do {
			magic = rnd_below(256);
		} while (magic == NETLENS_IOC_MAGIC || vfs_magic(magic));
		if (chance(30)) {
			cmd = PICK(real_cmds);
			cmd = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) | magic << _IOC_TYPESHIFT;
		} else {
			cmd = (__u32)rnd();
			cmd = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) | magic << _IOC_TYPESHIFT;
		}
		fuzz_unknown_ioctl(&ctx, self, cmd, &hm);
	}
	/* The real commands: bad pointers, bad values, and good ones. */
	for (i = 0; i < 2100; i++)
		fuzz_real_ioctl(&ctx, self, PICK(real_cmds), &hm);

	/* The valid ones did their work. */
	FUZZ_EXPECT(&ctx, hm.fired, self->skel->bss->events_seen, "netlens:selftest events");
	FUZZ_EXPECT(&ctx, 0, self->skel->bss->kfunc_errors, "kfunc errors");
	ASSERT_EQ(0, netlens_dev_hist_read(self->fd, NETLENS_HIST_SELFTEST, &h));
	FUZZ_EXPECT(&ctx, hm.total, h.total, "selftest histogram total at the end");
	FUZZ_EXPECT(&ctx, hm.sum, h.sum, "selftest histogram sum at the end");
	EXPECT_TRUE(arena_holes_intact());
	TH_LOG("%llu selftest ioctls fired", (unsigned long long)hm.fired);
	fuzz_report(&ctx);
}

/* ---- 2. read() ------------------------------------------------------------- */

#define REC_SIZE	(sizeof(struct netlens_record) + sizeof(struct netlens_record_selftest))
#define MAX_EMITS	16384
#define MAX_PENDING	150	/* 6000 bytes: fit pages 1-2 */

struct read_state {
	unsigned int pending;		/* records in the rings now */
	unsigned int emitted;		/* records emitted */
	unsigned int delivered;		/* records read back */
	unsigned int bad_records;	/* malformed, duplicate or unknown */
	unsigned int eintr_left;	/* blocking reads of empty rings left */
	cpu_set_t cpus;			/* where the test may run */
	__u64 rings_used;		/* CPUs whose rings records came through */
	unsigned char seen[MAX_EMITS];
	__u64 base;
};

static void on_alarm(int sig)
{
}

static long sys_read(int fd, uintptr_t buf, size_t count)
{
	long r = syscall(SYS_read, fd, buf, count);

	return r < 0 ? -errno : r;
}

static void set_timer(long us)
{
	struct itimerval it = { .it_value = { .tv_sec = us / 1000000, .tv_usec = us % 1000000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* The VFS's access_ok() (all the counts generated are clear of its edges). */
static int vfs_access_ok(uintptr_t buf, size_t count)
{
	return count <= USER_LIMIT && buf <= USER_LIMIT - count;
}

/* Check and count the records read() put at @buf. */
static void take_records(struct fuzz_ctx *ctx, struct read_state *rs,
			 uintptr_t buf, size_t len)
{
	size_t off;

	for (off = 0; off + REC_SIZE <= len; off += REC_SIZE) {
		struct netlens_record rec;
		struct netlens_record_selftest st;
		__u64 idx;

		memcpy(&rec, (void *)(buf + off), sizeof(rec));
		memcpy(&st, (void *)(buf + off + sizeof(rec)), sizeof(st));
		idx = st.value - rs->base;
		if (rec.size != REC_SIZE || rec.type != NETLENS_RECORD_SELFTEST ||
		    rec.data_len != sizeof(st) || rec.lost || st.pid != (__u32)getpid() ||
		    st.reserved || idx >= rs->emitted || rs->seen[idx]) {
			rs->bad_records++;
			FUZZ_EXPECT(ctx, 0, 1, "bad record: size %u type %u len %u lost %u value %llu pid %u",
				    rec.size, rec.type, rec.data_len, rec.lost,
				    (unsigned long long)st.value, st.pid);
			continue;
		}
		rs->seen[idx] = 1;
		rs->delivered++;
		if (rec.cpu < 64)
			rs->rings_used |= 1ULL << rec.cpu;
	}
	FUZZ_EXPECT(ctx, 0, len % REC_SIZE, "read() returned a partial record");
}

static void emit_records(struct __test_metadata *_metadata, FIXTURE_DATA(fuzz) *self,
			 struct read_state *rs, unsigned int n)
{
	while (n-- && rs->pending < MAX_PENDING && rs->emitted < MAX_EMITS) {
		/* Spread the records over the CPUs' rings. */
		if (CPU_COUNT(&rs->cpus) > 1 && chance(30)) {
			int k = rnd_below(CPU_COUNT(&rs->cpus)), cpu;
			cpu_set_t one;

			for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
				if (CPU_ISSET(cpu, &rs->cpus) && !k--)
					break;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
		}
		ASSERT_EQ(0, netlens_dev_selftest(self->fd, rs->base + rs->emitted));
		rs->emitted++;
		rs->pending++;
	}
}

static size_t gen_read_count(uintptr_t buf)
{
	static const size_t fixed[] = {
		0, 1, sizeof(struct netlens_record) - 1, sizeof(struct netlens_record),
		REC_SIZE - 1, REC_SIZE, REC_SIZE + 1, 2 * REC_SIZE - 1, 2 * REC_SIZE,
		3 * REC_SIZE + 7, 4096, 8192, NETLENS_RECORD_SIZE_MAX,
	};
	static const size_t huge[] = {
		SIZE_MAX, SIZE_MAX - 1, (size_t)SSIZE_MAX, (size_t)SSIZE_MAX + 1,
		1UL << 60, 1UL << 62,
	};
	size_t room = buf < USER_SAFE_END ? USER_SAFE_END - buf : 0;
	size_t c;

	switch (rnd_below(10)) {
	case 0: case 1: case 2: case 3:
		return PICK(fixed);
	case 4: case 5:
		return rnd_below(1024);
	case 6:
		return PICK(huge);
	case 7:
		/* Large but in user space: MAX_RW_COUNT + 1, up to 1 TiB. */
		c = chance(50) ? 0x7ffff001UL : 4096 + rnd_below(1UL << 40);
		return c < room ? c : REC_SIZE * 3;
	default:
		return 24 + rnd_below(16 * REC_SIZE);
	}
}

/* One read(): what the module (and the VFS before it) must answer. */
static void fuzz_one_read(struct __test_metadata *_metadata, struct fuzz_ctx *ctx,
			  FIXTURE_DATA(fuzz) *self, struct read_state *rs)
{
	enum ptr_kind kind = chance(40) ? P_VALID : (enum ptr_kind)rnd_below(P_KINDS);
	int other = chance(8);
	int blocking = !other && chance(25);
	int fd = other ? self->fd2 : self->fd;
	uintptr_t buf;
	size_t count, w, n;
	long want, got;

	/* Records present or not. */
	if (chance(20) && rs->pending) {
		/* Drain first: an empty ring. */
		while (rs->pending) {
			got = sys_read(self->fd, (uintptr_t)arena_page(1), 2 * PG);
			ctx->n++;
			FUZZ_EXPECT(ctx, (long)(rs->pending * REC_SIZE), got, "draining read");
			if (got <= 0)
				break;
			take_records(ctx, rs, (uintptr_t)arena_page(1), got);
			rs->pending -= got / REC_SIZE;
		}
	} else if (chance(60)) {
		emit_records(_metadata, self, rs, 1 + rnd_below(4));
	}

	buf = gen_ptr(kind, REC_SIZE * (1 + rnd_below(4)));
	count = gen_read_count(buf);
	w = acc_bytes(buf, 1);

	if (!vfs_access_ok(buf, count))
		want = -EFAULT;
	else if (other)
		want = -ENODATA;	/* its channel has no rings */
	else if (count < sizeof(struct netlens_record))
		want = -EINVAL;
	else if (!rs->pending)
		want = blocking ? -EINTR : -EAGAIN;
	else {
		size_t c = count > 0x7ffff000UL ? 0x7ffff000UL : count;	/* MAX_RW_COUNT */

		n = rs->pending;
		if (n > c / REC_SIZE)
			n = c / REC_SIZE;
		if (n > w / REC_SIZE)
			n = w / REC_SIZE;
		want = n ? (long)(n * REC_SIZE) : c < REC_SIZE ? -EINVAL : -EFAULT;
	}
	if (blocking && want == -EINTR) {
		if (!rs->eintr_left) {
			blocking = 0;
			want = -EAGAIN;
		} else {
			rs->eintr_left--;
		}
	}

	if (!other) {
		int fl = blocking ? 0 : O_NONBLOCK;

		ASSERT_EQ(0, fcntl(fd, F_SETFL, fl));
	}
	if (blocking)
		/* Ends the wait when empty; elsewhere a hang becomes EINTR. */
		set_timer(want == -EINTR ? 20000 : 2000000);
	ctx->n++;
	got = sys_read(fd, buf, count);
	if (blocking)
		set_timer(0);
	FUZZ_EXPECT(ctx, want, got, "read(%s%s, %s buffer %#lx (%zu writable), count %zu) with %u records pending",
		    other ? "second opener" : "reader", blocking ? "" : ", O_NONBLOCK",
		    ptr_names[kind], (unsigned long)buf, w, count, rs->pending);
	if (got > 0) {
		take_records(ctx, rs, buf, got);
		n = got / REC_SIZE;
		rs->pending -= n < rs->pending ? n : rs->pending;
	}
}

TEST_F_TIMEOUT(fuzz, read, 240)
{
	static struct read_state rs;
	struct fuzz_ctx ctx = { .md = _metadata, .cat = CAT_READ };
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct netlens_channel_info st;
	unsigned int i;
	long got;

	rng_seed(2);
	memset(&rs, 0, sizeof(rs));
	rs.base = 1ULL << 40;
	rs.eintr_left = 10;
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(rs.cpus), &rs.cpus));
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	self->skel->bss->emit_records = true;

	for (i = 0; i < 2000; i++) {
		fuzz_one_read(_metadata, &ctx, self, &rs);
		if (i % 50 == 49) {
			/* Failed reads leave every record in place. */
			ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
			FUZZ_EXPECT(&ctx, (long)(rs.pending * REC_SIZE), (long)st.unread_bytes,
				    "unread bytes after input %u", ctx.n);
			FUZZ_EXPECT(&ctx, 0, (long)st.lost, "records lost");
		}
	}

	/* Everything emitted comes out once, nothing more. */
	sched_setaffinity(0, sizeof(rs.cpus), &rs.cpus);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	while ((got = sys_read(self->fd, (uintptr_t)arena_page(1), 2 * PG)) > 0)
		take_records(&ctx, &rs, (uintptr_t)arena_page(1), got);
	FUZZ_EXPECT(&ctx, -EAGAIN, got, "the last read of the drain");
	FUZZ_EXPECT(&ctx, rs.emitted, rs.delivered, "records delivered of those emitted");
	FUZZ_EXPECT(&ctx, rs.emitted, self->skel->bss->records_emitted, "records the kfunc took");
	FUZZ_EXPECT(&ctx, 0, rs.bad_records, "bad records");
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	FUZZ_EXPECT(&ctx, rs.emitted, (long)st.records, "ring stats records");
	FUZZ_EXPECT(&ctx, 0, (long)st.lost, "ring stats lost");
	FUZZ_EXPECT(&ctx, 0, (long)st.unread_bytes, "ring stats unread bytes");
	EXPECT_TRUE(arena_holes_intact());
	TH_LOG("%u records emitted and read back through %d CPUs' rings, %u blocking reads interrupted",
	       rs.emitted, __builtin_popcountll(rs.rings_used), 10 - rs.eintr_left);
	fuzz_report(&ctx);
}

/* ---- 3. generic netlink ------------------------------------------------------ */

#define NL_BUF		(70 * 1024)
#define GENL_OFF	NLMSG_HDRLEN			/* 16 */
#define ATTR_OFF	(NLMSG_HDRLEN + GENL_HDRLEN)	/* 20 */

struct nl {
	int fd;
	__u16 family;
	__u32 seq;
};

static int nl_open(struct nl *nl, __u16 family)
{
	int one = 1;

	nl->family = family;
	nl->seq = 1000;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		return -errno;
	return 0;
}

/* A request as it goes out: @len bytes (nlmsg_len may say otherwise). */
struct nl_req {
	unsigned char buf[NL_BUF];
	size_t len;
};

static void req_init(struct nl_req *r, struct nl *nl, __u16 flags, __u8 cmd)
{
	struct nlmsghdr nlh = {
		.nlmsg_type = nl->family, .nlmsg_flags = flags, .nlmsg_seq = ++nl->seq,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = NETLENS_GENL_VERSION };

	memcpy(r->buf, &nlh, sizeof(nlh));
	memcpy(r->buf + GENL_OFF, &g, sizeof(g));
	r->len = ATTR_OFF;
}

static struct nlmsghdr *req_nlh(struct nl_req *r)
{
	return (struct nlmsghdr *)r->buf;
}

static struct genlmsghdr *req_genl(struct nl_req *r)
{
	return (struct genlmsghdr *)(r->buf + GENL_OFF);
}

/* Set nlmsg_len to what was built. */
static void req_finish(struct nl_req *r)
{
	req_nlh(r)->nlmsg_len = r->len;
}

/* Append an attribute whose header says @nla_len, payload @dlen, padded. */
static void put_attr(struct nl_req *r, __u16 type, __u16 nla_len, const void *data, size_t dlen)
{
	struct nlattr a = { .nla_len = nla_len, .nla_type = type };

	if (r->len + NLA_ALIGN(NLA_HDRLEN + dlen) > sizeof(r->buf))
		return;
	memcpy(r->buf + r->len, &a, sizeof(a));
	memcpy(r->buf + r->len + NLA_HDRLEN, data, dlen);
	memset(r->buf + r->len + NLA_HDRLEN + dlen, 0, NLA_ALIGN(NLA_HDRLEN + dlen) - NLA_HDRLEN - dlen);
	r->len += NLA_ALIGN(NLA_HDRLEN + dlen);
}

static void put_attr_ok(struct nl_req *r, __u16 type, const void *data, size_t dlen)
{
	put_attr(r, type, NLA_HDRLEN + dlen, data, dlen);
}

static void put_bytes(struct nl_req *r, size_t n)
{
	while (n-- && r->len < sizeof(r->buf))
		r->buf[r->len++] = (unsigned char)rnd();
}

/* What came back for one request. */
struct nl_answer {
	int acks, replies, others, bad_seq, replies_ok;
	int err;			/* of the (last) ack */
	int has_msg, bad_offs;
	char msg[160];
};

/* Everything queued for us; the kernel answers within sendmsg(). */
static void nl_collect(struct nl *nl, __u32 seq, struct nl_answer *a, size_t req_len)
{
	static unsigned char buf[NL_BUF + 4096];
	long n;

	memset(a, 0, sizeof(*a));
	while ((n = recv(nl->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h;
		int len = n;

		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				a->bad_seq++;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				int off = NLMSG_HDRLEN + sizeof(*e);

				a->acks++;
				a->err = e->error;
				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
					continue;
				while (off + NLA_HDRLEN <= (int)h->nlmsg_len) {
					struct nlattr *t = (struct nlattr *)((char *)h + off);

					if (t->nla_len < NLA_HDRLEN || off + t->nla_len > (int)h->nlmsg_len)
						break;
					if (t->nla_type == NLMSGERR_ATTR_MSG) {
						a->has_msg = 1;
						snprintf(a->msg, sizeof(a->msg), "%.*s",
							 (int)(t->nla_len - NLA_HDRLEN),
							 (char *)t + NLA_HDRLEN);
					} else if (t->nla_type == NLMSGERR_ATTR_OFFS &&
						   t->nla_len >= NLA_HDRLEN + 4) {
						__u32 o;

						memcpy(&o, (char *)t + NLA_HDRLEN, 4);
						if (o < ATTR_OFF || o >= req_len)
							a->bad_offs++;
					}
					off += NLA_ALIGN(t->nla_len);
				}
			} else if (h->nlmsg_type == nl->family) {
				struct genlmsghdr *g = NLMSG_DATA(h);
				struct nlattr *t = (struct nlattr *)((char *)g + GENL_HDRLEN);
				int rem = h->nlmsg_len - ATTR_OFF, ver = 0, abi = 0;

				a->replies++;
				for (; rem >= NLA_HDRLEN && t->nla_len >= NLA_HDRLEN && t->nla_len <= rem;
				     rem -= NLA_ALIGN(t->nla_len),
				     t = (struct nlattr *)((char *)t + NLA_ALIGN(t->nla_len))) {
					if (t->nla_type == NETLENS_A_INFO_VERSION)
						ver = !strncmp((char *)t + NLA_HDRLEN, NETLENS_VERSION,
							       t->nla_len - NLA_HDRLEN);
					if (t->nla_type == NETLENS_A_INFO_ABI && t->nla_len == NLA_HDRLEN + 4)
						abi = *(__u32 *)((char *)t + NLA_HDRLEN) == NETLENS_ABI_VERSION;
				}
				a->replies_ok += g->cmd == NETLENS_CMD_GET_INFO && ver && abi;
			} else {
				a->others++;
			}
		}
	}
}

/* What a request must get back. */
struct nl_expect {
	int ack;	/* an ack comes (with err) */
	int err;	/* 0 or -errno */
	int reply;	/* a GET_INFO reply comes */
	int msg;	/* the ack must carry an extended-ack message */
	int cfg;	/* SET_CONFIG took this channel-events value, or -1 */
};

/* Short codes to compare in one go: replies, acks, errno. */
static long nl_code(int replies, int acks, int err)
{
	return replies * 100000L + acks * 1000L + (acks ? -err : 0);
}

/*
 * The kernel's strict validation (lib/nlattr.c, NL_VALIDATE_STRICT) of the
 * attributes at @a against the policy of @cmd: 0 or -errno; *@cfg the last
 * NETLENS_A_CONFIG_CHANNEL_EVENTS value, -1 if none.
 */
static int sim_attrs(const unsigned char *a, int len, __u8 cmd, int *cfg)
{
	int maxtype = cmd == NETLENS_CMD_GET_INFO ? NETLENS_A_INFO_MAX : NETLENS_A_CONFIG_MAX;
	int rem = len;

	*cfg = -1;
	while (rem >= NLA_HDRLEN) {
		struct nlattr h;
		int type;

		memcpy(&h, a, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > rem)
			break;
		type = h.nla_type & NLA_TYPE_MASK;
		if (type == 0 || type > maxtype)
			return -EINVAL;		/* unknown attribute type */
		if (cmd == NETLENS_CMD_GET_INFO)
			return -EINVAL;		/* NLA_REJECT: reply-only */
		/* CHANNEL_EVENTS: NLA_POLICY_MAX(NLA_U8, 1) */
		if (h.nla_len != NLA_HDRLEN + 1)
			return -EINVAL;		/* invalid attribute length */
		if (h.nla_type & NLA_F_NESTED)
			return -EINVAL;		/* NLA_F_NESTED not expected */
		if (a[NLA_HDRLEN] > 1)
			return -ERANGE;		/* integer out of range */
		*cfg = a[NLA_HDRLEN];
		a += NLA_ALIGN(h.nla_len);
		rem -= NLA_ALIGN(h.nla_len);
	}
	return rem > 0 ? -EINVAL : 0;		/* bytes leftover */
}

/* The netlink core, genetlink and the module on the request in @r. */
static struct nl_expect nl_model(struct nl_req *r, int privileged)
{
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	struct nl_expect x = { .cfg = -1 };
	__u16 flags;
	int err, cfg;

	memcpy(&nlh, r->buf, sizeof(nlh));
	memcpy(&g, r->buf + GENL_OFF, sizeof(g));
	/* netlink_rcv_skb(): a bad length is dropped without an answer. */
	if (r->len < NLMSG_HDRLEN || nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > r->len)
		return x;
	if (!(nlh.nlmsg_flags & NLM_F_REQUEST)) {
		x.ack = !!(nlh.nlmsg_flags & NLM_F_ACK);	/* ignored */
		return x;
	}
	x.ack = 1;
	/* genl_family_rcv_msg() */
	if (nlh.nlmsg_len < ATTR_OFF) {
		x.err = -EINVAL;
		return x;
	}
	/* genl_header_check(): the family validates every command. */
	flags = nlh.nlmsg_flags;
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (g.reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))) {
		x.err = -EINVAL;
		x.msg = 1;
		return x;
	}
	if ((nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP ||
	    (g.cmd != NETLENS_CMD_GET_INFO && g.cmd != NETLENS_CMD_SCAN_SET_CONFIG)) {
		x.err = -EOPNOTSUPP;	/* no such command, or no dump of it */
		return x;
	}
	if (g.cmd == NETLENS_CMD_SCAN_SET_CONFIG && !privileged) {
		x.err = -EPERM;		/* GENL_ADMIN_PERM */
		return x;
	}
	err = sim_attrs(r->buf + ATTR_OFF, nlh.nlmsg_len - ATTR_OFF, g.cmd, &cfg);
	if (!err && g.cmd == NETLENS_CMD_SCAN_SET_CONFIG && cfg < 0)
		err = -EINVAL;		/* channel-events attribute required */
	if (err) {
		x.err = err;
		x.msg = 1;
		return x;
	}
	x.ack = !!(nlh.nlmsg_flags & NLM_F_ACK);
	x.reply = g.cmd == NETLENS_CMD_GET_INFO;
	x.cfg = g.cmd == NETLENS_CMD_SCAN_SET_CONFIG ? cfg : -1;
	return x;
}

/* Send @r, compare what comes back with the model; returns the model. */
static struct nl_expect nl_check(struct fuzz_ctx *ctx, struct nl *nl, struct nl_req *r,
				 int privileged, const char *what)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nl_expect x = nl_model(r, privileged);
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	struct nl_answer a;
	long sent;

	memcpy(&nlh, r->buf, sizeof(nlh));
	memcpy(&g, r->buf + GENL_OFF, sizeof(g));
	ctx->n++;
	sent = sendto(nl->fd, r->buf, r->len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	FUZZ_EXPECT(ctx, (long)r->len, sent < 0 ? -errno : sent, "sendto (%s)", what);
	nl_collect(nl, nlh.nlmsg_seq, &a, r->len);
	FUZZ_EXPECT(ctx, nl_code(x.reply, x.ack, x.err), nl_code(a.replies, a.acks, a.err),
		    "%s: cmd %u flags 0x%x reserved %u nlmsg_len %u of %zu bytes: want %d reply %d ack(s) %s, got %d %d %s, ack says '%s'",
		    what, g.cmd, nlh.nlmsg_flags, g.reserved, nlh.nlmsg_len, r->len,
		    x.reply, x.ack, strerrorname_np(-x.err) ?: "0",
		    a.replies, a.acks, strerrorname_np(-a.err) ?: "0", a.msg);
	/* Whatever the model says: an errno of README's set, or none. */
	FUZZ_EXPECT(ctx, 1, !a.err || a.err == -EINVAL || a.err == -ERANGE ||
		    a.err == -EOPNOTSUPP || a.err == -EPERM,
		    "%s: undocumented errno in the ack", what);
	FUZZ_EXPECT(ctx, x.reply, a.replies_ok, "%s: GET_INFO reply without version/ABI", what);
	FUZZ_EXPECT(ctx, 0, a.others + a.bad_seq + a.bad_offs,
		    "%s: %d foreign messages, %d with another seq, %d bad attribute offsets",
		    what, a.others, a.bad_seq, a.bad_offs);
	if (x.msg && a.acks)
		FUZZ_EXPECT(ctx, 1, a.has_msg, "%s: %s without an extended-ack message (cmd %u)",
			    what, strerrorname_np(-a.err) ?: "0", g.cmd);
	return x;
}

static __u8 gen_u8_value(void)
{
	return chance(50) ? rnd_below(2) : 2 + rnd_below(254);
}

static __u16 gen_attr_type(void)
{
	static const __u16 types[] = {
		0, 1, 1, 1, 2, 3, 4, 5, 6, 0x7f, 0x3fff,
		NLA_F_NET_BYTEORDER | 1, NLA_F_NESTED | 1, NLA_F_NESTED | NLA_F_NET_BYTEORDER | 1,
		NLA_F_NESTED, 0x8000 | 0x3fff, 0xffff,
	};

	return chance(85) ? PICK(types) : (__u16)rnd();
}

/* One attribute of random type, size and contents (well-formed header). */
static void put_random_attr(struct nl_req *r)
{
	static const size_t lens[] = { 0, 1, 1, 1, 2, 3, 4, 5, 8, 16 };
	unsigned char data[80];
	size_t len = chance(80) ? PICK(lens) : rnd_below(sizeof(data));
	unsigned int i;

	for (i = 0; i < len; i++)
		data[i] = (unsigned char)rnd();
	if (len)
		data[0] = gen_u8_value();
	switch (rnd_below(8)) {
	case 0:	/* a string */
		put_attr_ok(r, gen_attr_type(), "netlens\0", 8);
		break;
	case 1: {	/* nested attributes inside */
		struct nl_req inner;

		inner.len = 0;
		put_attr_ok(&inner, 1, data, 1);
		put_attr_ok(&inner, 2, data, 4);
		put_attr_ok(r, NLA_F_NESTED | (rnd_below(4)), inner.buf, inner.len);
		break;
	}
	default:
		put_attr_ok(r, gen_attr_type(), data, len);
	}
}

/* A region of attributes, good and bad, after the genl header. */
static void put_random_attrs(struct nl_req *r)
{
	unsigned int i, n;
	__u8 v;

	switch (rnd_below(12)) {
	case 0:	/* nothing */
		break;
	case 1:	/* a truncated attribute header */
		put_bytes(r, 1 + rnd_below(NLA_HDRLEN - 1));
		break;
	case 2:	/* nla_len below the header */
		put_attr(r, 1, rnd_below(NLA_HDRLEN), "\1\0\0\0", 4);
		break;
	case 3:	/* nla_len beyond the message */
		v = gen_u8_value();
		put_attr(r, 1, NLA_HDRLEN + 1 + 4 + rnd_below(1000), &v, 1);
		break;
	case 4:	/* a good one, then trailing garbage */
		v = rnd_below(2);
		put_attr_ok(r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
		put_bytes(r, 1 + rnd_below(NLA_HDRLEN - 1));
		break;
	case 5:	/* random bytes */
		put_bytes(r, NLA_HDRLEN + rnd_below(64));
		break;
	case 6:	/* the last attribute's padding left off */
		v = gen_u8_value();
		put_attr_ok(r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
		r->len -= 3;
		break;
	default:	/* several attributes */
		n = 1 + rnd_below(chance(20) ? 8 : 2);
		for (i = 0; i < n; i++) {
			if (chance(40)) {
				v = gen_u8_value();
				put_attr_ok(r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
			} else {
				put_random_attr(r);
			}
		}
	}
}

struct genl_run {
	struct fuzz_ctx *ctx;
	struct nl *nl;
	int cfg;		/* channel events as the module has it now */
	int privileged;
};

static void genl_send(struct genl_run *gr, struct nl_req *r, const char *what)
{
	struct nl_expect x = nl_check(gr->ctx, gr->nl, r, gr->privileged, what);

	if (x.cfg >= 0)
		gr->cfg = x.cfg;
}

TEST_F_TIMEOUT(fuzz, genl, 240)
{
	static struct nl_req r;
	static const __u16 odd_flags[] = {
		NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_REPLACE, NLM_F_EXCL,
		NLM_F_CREATE, NLM_F_APPEND, NLM_F_ECHO, NLM_F_MULTI, NLM_F_DUMP_INTR,
		NLM_F_NONREC, 0x8000,
	};
	struct fuzz_ctx ctx = { .md = _metadata, .cat = CAT_GENL };
	struct nl nl;
	struct genl_run gr = { .ctx = &ctx, .nl = &nl, .cfg = 1, .privileged = 1 };
	struct netlens_genl_info info;
	char ack[256];
	unsigned int cmd, i;
	__u8 v;

	rng_seed(3);
	ASSERT_EQ(0, nl_open(&nl, self->g.family));

	/* Every command number: plain, as a dump, with attributes. */
	for (cmd = 0; cmd < 256; cmd++) {
		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK, cmd);
		req_finish(&r);
		genl_send(&gr, &r, "command sweep");
		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, cmd);
		req_finish(&r);
		genl_send(&gr, &r, "command sweep, NLM_F_DUMP");
		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK, cmd);
		put_random_attrs(&r);
		req_finish(&r);
		genl_send(&gr, &r, "command sweep with attributes");
	}

	/* Header fields: reserved, version, flags. */
	for (i = 0; i < 400; i++) {
		__u16 flags = NLM_F_REQUEST | NLM_F_ACK;

		if (chance(40))
			flags |= PICK(odd_flags);
		else if (chance(30))
			flags = (__u16)rnd();
		req_init(&r, &nl, flags, chance(70) ? (chance(50) ? NETLENS_CMD_GET_INFO :
				NETLENS_CMD_SCAN_SET_CONFIG) : (__u8)rnd());
		req_genl(&r)->version = (__u8)rnd();
		if (chance(40))
			req_genl(&r)->reserved = (__u16)rnd();
		if (chance(50))
			put_random_attrs(&r);
		req_finish(&r);
		genl_send(&gr, &r, "header fields");
	}

	/* nlmsg_len: shorter than the headers, longer than what was sent. */
	for (i = 0; i < 120; i++) {
		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK,
			 chance(50) ? NETLENS_CMD_GET_INFO : NETLENS_CMD_SCAN_SET_CONFIG);
		put_random_attrs(&r);
		req_finish(&r);
		switch (rnd_below(4)) {
		case 0:
			req_nlh(&r)->nlmsg_len = rnd_below(NLMSG_HDRLEN);
			break;
		case 1:
			req_nlh(&r)->nlmsg_len = NLMSG_HDRLEN + rnd_below(GENL_HDRLEN);
			break;
		case 2:
			req_nlh(&r)->nlmsg_len = r.len + 1 + rnd_below(1 << 16);
			break;
		default:
			r.len = rnd_below(NLMSG_HDRLEN);	/* a short datagram */
			if (!r.len)
				r.len = 1;
		}
		genl_send(&gr, &r, "nlmsg_len");
	}

	/* GET_INFO with any attribute at all. */
	for (i = 0; i < 600; i++) {
		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK | (chance(10) ? NLM_F_ECHO : 0),
			 NETLENS_CMD_GET_INFO);
		put_random_attrs(&r);
		req_finish(&r);
		genl_send(&gr, &r, "GET_INFO attributes");
	}

	/* SET_CONFIG: missing, unknown, mistyped, truncated, out-of-range. */
	for (i = 0; i < 800; i++) {
		req_init(&r, &nl, NLM_F_REQUEST | (chance(90) ? NLM_F_ACK : 0),
			 NETLENS_CMD_SCAN_SET_CONFIG);
		put_random_attrs(&r);
		req_finish(&r);
		genl_send(&gr, &r, "SET_CONFIG attributes");
	}
	/* Every u8 value, and the attribute as u16, u32, u64, string, flag. */
	for (i = 0; i < 256; i++) {
		v = i;
		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK, NETLENS_CMD_SCAN_SET_CONFIG);
		put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
		req_finish(&r);
		genl_send(&gr, &r, "SET_CONFIG value");
	}
	for (i = 0; i < 64; i++) {
		static const size_t widths[] = { 0, 2, 4, 8, 16 };
		__u64 val = rnd_below(2);

		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK, NETLENS_CMD_SCAN_SET_CONFIG);
		if (i % 8 == 7)
			put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, "1", 2);
		else
			put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &val, PICK(widths));
		req_finish(&r);
		genl_send(&gr, &r, "SET_CONFIG mistyped value");
	}

	/* Oversized: 60 KiB of attributes. */
	for (i = 0; i < 8; i++) {
		unsigned int n = (60 * 1024) / 8;

		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK,
			 i < 2 ? NETLENS_CMD_GET_INFO : NETLENS_CMD_SCAN_SET_CONFIG);
		while (n--) {
			v = rnd_below(2);
			put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
		}
		if (i == 3)	/* one bad value at the very end */
			r.buf[r.len - 4] = 2;
		if (i == 4)	/* trailing garbage */
			put_bytes(&r, 3);
		if (i == 5)	/* one attribute of another type */
			put_attr_ok(&r, 2, "\0", 1);
		req_finish(&r);
		genl_send(&gr, &r, "oversized");
	}

	/* Back to the default, explicitly: and nothing else changed. */
	v = 1;
	req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK, NETLENS_CMD_SCAN_SET_CONFIG);
	put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
	req_finish(&r);
	genl_send(&gr, &r, "SET_CONFIG back to 1");
	EXPECT_EQ(1, gr.cfg);
	ASSERT_EQ(0, netlens_genl_get_info(&self->g, &info, ack, sizeof(ack))) TH_LOG("%s", ack);
	EXPECT_STREQ(NETLENS_VERSION, info.version);
	EXPECT_EQ(NETLENS_ABI_VERSION, info.abi);
	EXPECT_EQ(0, info.listeners);
	close(nl.fd);
	fuzz_report(&ctx);
}

/* ---- 4. unprivileged ---------------------------------------------------------- */

/* CapEff of this process is empty. */
static int no_capabilities(void)
{
	char line[256];
	int none = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			none = strtoull(line + 7, NULL, 16) == 0;
	fclose(f);
	return none;
}

/* The child's checks: as FUZZ_EXPECT, into the shared report. */
struct child_ctx {
	unsigned int n, bad;
	size_t used;
};

static void child_expect(struct child_ctx *c, long want, long got, const char *what)
{
	char wb[32], gb[32];

	if (want == got)
		return;
	c->bad++;
	if (c->bad <= 8 && c->used < sizeof(shared->child_msg))
		c->used += snprintf(shared->child_msg + c->used,
				    sizeof(shared->child_msg) - c->used,
				    "%s input %u: want %s, got %s; ", what, c->n,
				    res_name(want, wb, sizeof(wb)), res_name(got, gb, sizeof(gb)));
}

static void unprivileged_child(__u16 family)
{
	static const int open_flags[] = {
		O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_NONBLOCK, O_RDWR | O_NONBLOCK,
		O_RDONLY | O_CLOEXEC, O_WRONLY | O_APPEND, O_RDONLY | O_NOCTTY,
	};
	static struct nl_req r;
	struct child_ctx c = {};
	struct nl nl;
	unsigned int i;

	/* nobody, no supplementary groups: setuid() drops every capability. */
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534) || !no_capabilities()) {
		snprintf(shared->child_msg, sizeof(shared->child_msg),
			 "could not become nobody without capabilities");
		_exit(10);
	}
	/* The device: monitor_gid is -1 (root only). */
	for (i = 0; i < 120; i++) {
		int fd;

		c.n++;
		fd = open(NETLENS_DEV_PATH, PICK(open_flags));
		child_expect(&c, -EACCES, fd < 0 ? -errno : 0, "open /dev/netlens");
		if (fd >= 0)
			close(fd);
	}
	/* SET_CONFIG needs CAP_NET_ADMIN whatever it carries; GET_INFO does not. */
	if (nl_open(&nl, family)) {
		snprintf(shared->child_msg, sizeof(shared->child_msg), "netlink socket: %s",
			 strerror(errno));
		_exit(11);
	}
	for (i = 0; i < 380; i++) {
		struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
		int get = i % 4 == 3;
		struct nl_answer a;
		struct nl_expect x;
		__u8 v = gen_u8_value();

		req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK,
			 get ? NETLENS_CMD_GET_INFO : NETLENS_CMD_SCAN_SET_CONFIG);
		if (!get) {
			if (chance(50))
				put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
			else
				put_random_attrs(&r);
		}
		req_finish(&r);
		x = nl_model(&r, 0);
		c.n++;
		if (sendto(nl.fd, r.buf, r.len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
			child_expect(&c, 0, -errno, "sendto");
			continue;
		}
		nl_collect(&nl, req_nlh(&r)->nlmsg_seq, &a, r.len);
		child_expect(&c, nl_code(x.reply, x.ack, x.err), nl_code(a.replies, a.acks, a.err),
			     get ? "GET_INFO as nobody (code replies*100000+acks*1000+errno)" :
				   "SET_CONFIG as nobody (code replies*100000+acks*1000+errno)");
		if (get)
			child_expect(&c, 1, a.replies_ok, "GET_INFO reply as nobody");
	}
	close(nl.fd);
	shared->child_inputs = c.n;
	shared->child_bad = c.bad;
	_exit(0);
}

TEST_F_TIMEOUT(fuzz, unprivileged, 120)
{
	struct fuzz_ctx ctx = { .md = _metadata, .cat = CAT_UNPRIV };
	int status;
	pid_t pid;

	ASSERT_NE(NULL, shared);
	rng_seed(4);
	shared->child_inputs = shared->child_bad = 0;
	shared->child_msg[0] = '\0';
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		unprivileged_child(self->g.family);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("the unprivileged child died of signal %d",
					      WTERMSIG(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s", shared->child_msg);
	ctx.n = shared->child_inputs;
	ctx.bad = shared->child_bad;
	if (ctx.bad)
		TH_LOG("%s", shared->child_msg);
	EXPECT_LE(500, ctx.n);
	fuzz_report(&ctx);
}

/* ---- afterwards: a clean log and a working module ----------------------------- */

TEST_F_TIMEOUT(fuzz, afterwards_module_works_and_log_is_clean, 120)
{
	static struct nl_req r;
	struct fuzz_ctx ctx = { .md = _metadata, .cat = CAT_GENL };
	struct netlens_genl_info ginfo;
	struct netlens_channel_info st;
	struct netlens_info info;
	struct netlens_hist h;
	unsigned int i, total = 0, ran = 0;
	char ack[256], log[4096];
	struct nl nl;
	__u8 v = 1;

	/* Channel events at the default, set explicitly. */
	ASSERT_EQ(0, nl_open(&nl, self->g.family));
	req_init(&r, &nl, NLM_F_REQUEST | NLM_F_ACK, NETLENS_CMD_SCAN_SET_CONFIG);
	put_attr_ok(&r, NETLENS_A_CONFIG_CHANNEL_EVENTS, &v, 1);
	req_finish(&r);
	nl_check(&ctx, &nl, &r, 1, "SET_CONFIG channel events 1");
	EXPECT_EQ(0, ctx.bad);
	close(nl.fd);

	/* The device: INFO, and a selftest value reaching its histogram. */
	ASSERT_EQ(0, netlens_dev_info(self->fd, &info));
	EXPECT_STREQ(NETLENS_VERSION, info.version);
	EXPECT_EQ(NETLENS_ABI_VERSION, info.abi);
	EXPECT_EQ(NETLENS_HIST_COUNT, info.hist_count);
	ASSERT_EQ(0, netlens_dev_selftest(self->fd, 777777));
	ASSERT_EQ(0, netlens_dev_hist_read(self->fd, NETLENS_HIST_SELFTEST, &h));
	EXPECT_EQ(1, h.total);
	EXPECT_EQ(777777, h.sum);
	EXPECT_EQ(1, self->skel->bss->events_seen);
	ASSERT_EQ(0, netlens_dev_channel_info(self->fd, &st));
	EXPECT_EQ(0, st.lost);
	EXPECT_EQ(0, st.rejected);

	/* Generic netlink answers. */
	ASSERT_EQ(0, netlens_genl_get_info(&self->g, &ginfo, ack, sizeof(ack))) TH_LOG("%s", ack);
	EXPECT_STREQ(NETLENS_VERSION, ginfo.version);
	EXPECT_EQ(NETLENS_ABI_VERSION, ginfo.abi);

	/* Nothing in the kernel log. */
	ASSERT_TRUE(path_exists("/dev/kmsg"));
	kmsg_scan(kmsg_seq, NULL, log, sizeof(log));
	EXPECT_STREQ("", log);

	ASSERT_NE(NULL, shared);
	for (i = 0; i < CATS; i++) {
		total += shared->inputs[i];
		ran += shared->inputs[i] > 0;
	}
	fuzz_msg("fuzz: ioctl %u inputs, read %u, genl %u, unprivileged %u: %s (seed 0x%llx)\n",
		       shared->inputs[CAT_IOCTL], shared->inputs[CAT_READ],
		       shared->inputs[CAT_GENL], shared->inputs[CAT_UNPRIV],
		       shared->bad[0] + shared->bad[1] + shared->bad[2] + shared->bad[3] ?
		       "SOME ANSWERED OTHER THAN DOCUMENTED" :
		       "all answered with the documented errno",
		       (unsigned long long)fuzz_seed());
	if (ran == CATS)
		EXPECT_LE(10000, total);
}

TEST_HARNESS_MAIN
