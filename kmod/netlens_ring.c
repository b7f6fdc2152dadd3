// SPDX-License-Identifier: GPL-2.0
/*
 * Record rings: how BPF programs stream records to /dev/netlens.
 *
 * One ring per CPU, written only by that CPU through the
 * netlens_record_emit() kfunc and read by read() on any CPU.  The writer
 * never waits: it disables interrupts so that a softirq or hardirq nesting
 * on its CPU cannot interleave with it, and drops (and counts) a record
 * that does not fit.  NMIs, which could nest anyway, are refused.  Reading
 * consumes, so one open file at a time may read (others get -EBUSY until
 * it is closed) rather than two tools silently splitting the records.
 * Reads are serialised by a mutex and only ever move the tail.
 *
 * A writer whose record lands in a ring the reader had emptied wakes the
 * reader through irq_work, because a tracing program may run where taking
 * the wait queue's lock could deadlock.  Waking only on empty-to-non-empty
 * keeps it to one wakeup per read() however fast records arrive.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "netlens.h"
#include "netlens_compat.h"
#include "netlens_kfuncs.h"

static unsigned int ring_kb = 128;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb,
		 "size of each CPU's record ring in KiB, a power of two from 4 to 65536 (default 128)");

struct netlens_ring {
	u8 *buf;
	u64 head;		/* next byte the writer fills; writer only */
	u64 tail;		/* next byte the reader takes; reader only */
	u32 lost_since;		/* drops since the last record written */
	u64 records;
	u64 bytes;
	u64 lost;
	u64 rejected;
	struct irq_work wakeup;
};

static DEFINE_PER_CPU(struct netlens_ring, netlens_rings);
static u64 netlens_ring_size;	/* bytes, power of two */
static DEFINE_MUTEX(netlens_ring_read_lock);
static DECLARE_WAIT_QUEUE_HEAD(netlens_ring_wait);
static unsigned int netlens_ring_read_cpu;	/* where the next read starts */
static struct file *netlens_ring_reader;	/* the file that reads, if any */

/*
 * Where @len bytes at ring position @pos lie: from *@off to the end of the
 * buffer (the returned length), and the rest from its start.
 */
static notrace u32 netlens_ring_span(u64 pos, u32 len, u64 *off)
{
	*off = pos & (netlens_ring_size - 1);
	return min_t(u64, len, netlens_ring_size - *off);
}

static notrace void netlens_ring_put(struct netlens_ring *ring, u64 pos,
				     const void *src, u32 len)
{
	u64 off;
	u32 first = netlens_ring_span(pos, len, &off);

	memcpy(ring->buf + off, src, first);
	memcpy(ring->buf, src + first, len - first);
}

static void netlens_ring_get(const struct netlens_ring *ring, u64 pos,
			     void *dst, u32 len)
{
	u64 off;
	u32 first = netlens_ring_span(pos, len, &off);

	memcpy(dst, ring->buf + off, first);
	memcpy(dst + first, ring->buf, len - first);
}

static int netlens_ring_copy_out(const struct netlens_ring *ring, u64 pos,
				 char __user *dst, u32 len)
{
	u64 off;
	u32 first = netlens_ring_span(pos, len, &off);

	if (copy_to_user(dst, ring->buf + off, first) ||
	    copy_to_user(dst + first, ring->buf, len - first))
		return -EFAULT;
	return 0;
}

static void netlens_ring_wakeup(struct irq_work *work)
{
	wake_up_interruptible(&netlens_ring_wait);
}

static notrace int netlens_ring_write(u16 type, const void *data, u32 len)
{
	struct netlens_record hdr = {
		.type = type,
		.data_len = len,
	};
	struct netlens_ring *ring;
	unsigned long flags;
	u32 size = ALIGN(sizeof(hdr) + len, 8);
	u64 start;

	local_irq_save(flags);
	ring = this_cpu_ptr(&netlens_rings);
	start = ring->head;
	/* Pairs with the reader's release of tail: its bytes are free. */
	if (start + size - smp_load_acquire(&ring->tail) > netlens_ring_size) {
		ring->lost_since++;
		ring->lost++;
		local_irq_restore(flags);
		return -ENOSPC;
	}
	hdr.size = size;
	hdr.cpu = smp_processor_id();
	hdr.ts_ns = ktime_get_mono_fast_ns();
	hdr.lost = ring->lost_since;
	netlens_ring_put(ring, start, &hdr, sizeof(hdr));
	netlens_ring_put(ring, start + sizeof(hdr), data, len);
	/* Publish the record before the reader can see the new head. */
	smp_store_release(&ring->head, start + size);
	ring->lost_since = 0;
	ring->records++;
	ring->bytes += size;
	/*
	 * Order the head store before the tail load: either the reader, about
	 * to sleep, sees this record, or this sees that it had caught up.
	 */
	smp_mb();
	if (READ_ONCE(ring->tail) == start)
		irq_work_queue(&ring->wakeup);
	local_irq_restore(flags);
	return 0;
}

netlens_kfunc_start_defs();

__bpf_kfunc int netlens_record_emit(u32 type, const void *data, u32 data__sz)
{
	int err = 0;

	if (!type || type > U16_MAX)
		err = -EINVAL;
	else if (data__sz > NETLENS_RECORD_DATA_MAX)
		err = -E2BIG;
	else if (in_nmi())
		err = -EBUSY;	/* it could interleave with this CPU's writer */
	if (err) {
		this_cpu_inc(netlens_rings.rejected);
		return err;
	}
	return netlens_ring_write(type, data, data__sz);
}

netlens_kfunc_end_defs();

static bool netlens_ring_readable(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct netlens_ring *ring = per_cpu_ptr(&netlens_rings, cpu);

		/* Pairs with the writer's release of head. */
		if (smp_load_acquire(&ring->head) != READ_ONCE(ring->tail))
			return true;
	}
	return false;
}

/*
 * Copy whole records of @ring into @buf.  Returns bytes copied, or -EINVAL
 * when the first pending record is larger than @count, or -EFAULT; either
 * way the record stays in the ring.  -EIO: the ring was corrupt (a bug).
 */
static ssize_t netlens_ring_read_one(struct netlens_ring *ring,
				     char __user *buf, size_t count)
{
	/* Pairs with the writer's release: records up to head are whole. */
	u64 head = smp_load_acquire(&ring->head);
	u64 tail = ring->tail;
	size_t copied = 0;
	struct netlens_record hdr;

	while (tail != head) {
		netlens_ring_get(ring, tail, &hdr, sizeof(hdr));
		if (WARN_ON_ONCE(hdr.size < sizeof(hdr) || hdr.size > head - tail)) {
			/*
			 * No way to the next record: drop the ring's unread
			 * bytes rather than leave a blocking reader spinning.
			 */
			smp_store_release(&ring->tail, head);
			return copied ? copied : -EIO;
		}
		if (hdr.size > count - copied)
			return copied ? copied : -EINVAL;
		if (netlens_ring_copy_out(ring, tail, buf + copied, hdr.size))
			return copied ? copied : -EFAULT;
		copied += hdr.size;
		tail += hdr.size;
		/* The writer may reuse these bytes now. */
		smp_store_release(&ring->tail, tail);
	}
	return copied;
}

/* Called with netlens_ring_read_lock held: may @file read? */
static bool netlens_ring_claim(struct file *file)
{
	if (!netlens_ring_reader)
		netlens_ring_reader = file;
	return netlens_ring_reader == file;
}

void netlens_ring_release(struct file *file)
{
	mutex_lock(&netlens_ring_read_lock);
	if (netlens_ring_reader == file)
		netlens_ring_reader = NULL;
	mutex_unlock(&netlens_ring_read_lock);
}

ssize_t netlens_ring_read(struct file *file, char __user *buf, size_t count)
{
	unsigned int i, cpu = 0, ncpus = nr_cpu_ids;
	ssize_t copied = 0, ret;

	if (count < sizeof(struct netlens_record))
		return -EINVAL;
	for (;;) {
		if (mutex_lock_interruptible(&netlens_ring_read_lock))
			return -ERESTARTSYS;
		if (!netlens_ring_claim(file)) {
			mutex_unlock(&netlens_ring_read_lock);
			return -EBUSY;
		}
		/* Start where the last read stopped: no CPU is starved. */
		for (i = 0; i < ncpus && copied < count; i++) {
			cpu = (netlens_ring_read_cpu + i) % ncpus;
			if (!cpu_possible(cpu))
				continue;
			ret = netlens_ring_read_one(per_cpu_ptr(&netlens_rings, cpu),
						    buf + copied, count - copied);
			if (ret < 0) {
				/* A full buffer is not an error after a record. */
				if (!copied)
					copied = ret;
				break;
			}
			copied += ret;
		}
		netlens_ring_read_cpu = (cpu + 1) % ncpus;
		mutex_unlock(&netlens_ring_read_lock);
		if (copied)
			return copied;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(netlens_ring_wait,
					     netlens_ring_readable()))
			return -ERESTARTSYS;
	}
}

__poll_t netlens_ring_poll(struct file *file, poll_table *wait)
{
	bool mine;

	mutex_lock(&netlens_ring_read_lock);
	mine = netlens_ring_claim(file);
	mutex_unlock(&netlens_ring_read_lock);
	if (!mine)
		return EPOLLERR;
	poll_wait(file, &netlens_ring_wait, wait);
	return netlens_ring_readable() ? EPOLLIN | EPOLLRDNORM : 0;
}

void netlens_ring_stats(struct netlens_ring_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	st->ring_bytes = netlens_ring_size;
	for_each_possible_cpu(cpu) {
		struct netlens_ring *ring = per_cpu_ptr(&netlens_rings, cpu);

		st->cpus++;
		st->records += READ_ONCE(ring->records);
		st->bytes += READ_ONCE(ring->bytes);
		st->lost += READ_ONCE(ring->lost);
		st->rejected += READ_ONCE(ring->rejected);
		st->unread_bytes += READ_ONCE(ring->head) - READ_ONCE(ring->tail);
	}
}

int netlens_ring_reset(struct file *file)
{
	int cpu;

	if (mutex_lock_interruptible(&netlens_ring_read_lock))
		return -ERESTARTSYS;
	/* Discarding is reading: not under another reader's feet. */
	if (!netlens_ring_claim(file)) {
		mutex_unlock(&netlens_ring_read_lock);
		return -EBUSY;
	}
	/*
	 * Counters are the writers': one bumped concurrently on another CPU
	 * may survive, as with the histograms.
	 */
	for_each_possible_cpu(cpu) {
		struct netlens_ring *ring = per_cpu_ptr(&netlens_rings, cpu);

		/* As a read: the writer may reuse the bytes after this. */
		smp_store_release(&ring->tail, READ_ONCE(ring->head));
		WRITE_ONCE(ring->records, 0);
		WRITE_ONCE(ring->bytes, 0);
		WRITE_ONCE(ring->lost, 0);
		WRITE_ONCE(ring->rejected, 0);
		/* Drops before the reset are not the next record's to announce. */
		WRITE_ONCE(ring->lost_since, 0);
	}
	mutex_unlock(&netlens_ring_read_lock);
	return 0;
}

int netlens_ring_init(void)
{
	int cpu;

	if (ring_kb < 4 || ring_kb > 65536 || !is_power_of_2(ring_kb)) {
		pr_warn("ring_kb=%u: must be a power of two from 4 to 65536\n",
			ring_kb);
		return -EINVAL;
	}
	netlens_ring_size = (u64)ring_kb * 1024;
	for_each_possible_cpu(cpu) {
		struct netlens_ring *ring = per_cpu_ptr(&netlens_rings, cpu);

		init_irq_work(&ring->wakeup, netlens_ring_wakeup);
		ring->buf = kvzalloc_node(netlens_ring_size, GFP_KERNEL,
					  cpu_to_node(cpu));
		if (!ring->buf)
			goto err_free_rings;
	}
	return 0;

err_free_rings:
	netlens_ring_exit();
	return -ENOMEM;
}

void netlens_ring_exit(void)
{
	int cpu;

	/* No writer is left: the kfunc's callers pin the module. */
	for_each_possible_cpu(cpu) {
		struct netlens_ring *ring = per_cpu_ptr(&netlens_rings, cpu);

		irq_work_sync(&ring->wakeup);
		kvfree(ring->buf);
		ring->buf = NULL;
	}
}
