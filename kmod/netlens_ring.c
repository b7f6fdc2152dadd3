// SPDX-License-Identifier: GPL-2.0
/*
 * Record rings: how BPF programs stream records to a channel's reader.
 *
 * A channel that asks for them has one ring per CPU, written only by that
 * CPU through the netlens_record_emit() kfunc and read on any CPU, by
 * read() or, zero-copy, through mmap() as perf and BPF ring buffers are:
 * each ring is a consumer page (the reader's tail, the one page userspace
 * may write), a producer page (head and counters) and the data, mapped
 * twice in a row so that a record never wraps for the writer or a mapping
 * reader.  The writer never waits: it disables interrupts so that a softirq
 * or hardirq nesting on its CPU cannot interleave with it, and drops (and
 * counts) a record that does not fit.  NMIs, which could nest anyway, are
 * refused.  The tail comes from userspace: the writer only ever trusts it
 * to decide whether a record fits, and read() checks every header it
 * follows.
 *
 * A writer whose record lifts a ring's unread bytes to the channel's
 * watermark wakes the reader through irq_work, because a tracing program
 * may run where taking the wait queue's lock could deadlock.  Waking only
 * on crossing the watermark keeps it to one wakeup per read however fast
 * records arrive.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/irq_work.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "netlens.h"
#include "netlens_compat.h"

static unsigned int ring_kb = 128;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb,
		 "default size of a channel's ring per CPU in KiB, a power of two from 4 to ring_kb_max (default 128)");

static unsigned int ring_kb_max = 16384;
module_param(ring_kb_max, uint, 0444);
MODULE_PARM_DESC(ring_kb_max,
		 "largest ring per CPU a channel may ask for in KiB, a power of two up to 1048576 (default 16384)");

/* Pages of a ring before its data: consumer, producer. */
#define NETLENS_RING_META_PAGES	2

struct netlens_ring {
	void *area;		/* consumer page, producer page, data twice */
	struct page **pages;	/* the distinct pages, for freeing */
	unsigned int nr_pages;
	struct netlens_ring_consumer *cons;	/* userspace writes tail */
	struct netlens_ring_producer *prod;	/* userspace reads */
	u8 *data;
	u64 head;		/* writer's own copy of prod->head */
	u32 lost_since;		/* drops since the last record written */
	wait_queue_head_t *wait;	/* the channel's readers */
	struct irq_work wakeup;
};

struct netlens_rings {
	u64 size;		/* data bytes of each ring, a power of two */
	u32 wakeup_bytes;	/* unread bytes of one ring that wake readers */
	u32 nr;			/* rings: nr_cpu_ids, impossible CPUs NULL */
	unsigned int read_cpu;	/* where the next read() starts */
	struct netlens_ring *ring[];
};

static unsigned int netlens_ring_data_pages(const struct netlens_rings *rings)
{
	return rings->size >> PAGE_SHIFT;
}

static void netlens_ring_wakeup(struct irq_work *work)
{
	struct netlens_ring *ring = container_of(work, struct netlens_ring, wakeup);

	wake_up_interruptible(ring->wait);
}

static void netlens_ring_free(struct netlens_ring *ring)
{
	unsigned int i;

	if (!ring)
		return;
	irq_work_sync(&ring->wakeup);
	if (ring->area)
		vunmap(ring->area);
	for (i = 0; i < ring->nr_pages; i++)
		if (ring->pages[i])
			__free_page(ring->pages[i]);
	kfree(ring->pages);
	kfree(ring);
}

static struct netlens_ring *netlens_ring_alloc(int cpu, u64 size,
					       wait_queue_head_t *wait)
{
	unsigned int data_pages = size >> PAGE_SHIFT;
	unsigned int nr_pages = NETLENS_RING_META_PAGES + data_pages;
	unsigned int i, nr_map = NETLENS_RING_META_PAGES + 2 * data_pages;
	int node = cpu_to_node(cpu);
	struct netlens_ring *ring;
	struct page **map;

	ring = kzalloc_node(sizeof(*ring), GFP_KERNEL_ACCOUNT, node);
	if (!ring)
		return NULL;
	init_irq_work(&ring->wakeup, netlens_ring_wakeup);
	ring->wait = wait;
	ring->pages = kcalloc_node(nr_pages, sizeof(*ring->pages),
				   GFP_KERNEL_ACCOUNT, node);
	map = kvmalloc_array(nr_map, sizeof(*map), GFP_KERNEL);
	if (!ring->pages || !map)
		goto err_free;
	ring->nr_pages = nr_pages;
	for (i = 0; i < nr_pages; i++) {
		ring->pages[i] = alloc_pages_node(node, GFP_KERNEL_ACCOUNT |
						  __GFP_ZERO | __GFP_NOWARN, 0);
		if (!ring->pages[i])
			goto err_free;
	}
	for (i = 0; i < nr_map; i++)
		map[i] = i < nr_pages ? ring->pages[i] :
			 ring->pages[i - data_pages];
	/* VM_USERMAP: remap_vmalloc_range() may hand it to userspace. */
	ring->area = vmap(map, nr_map, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	if (!ring->area)
		goto err_free;
	kvfree(map);
	ring->cons = ring->area;
	ring->prod = ring->area + PAGE_SIZE;
	ring->data = ring->area + NETLENS_RING_META_PAGES * PAGE_SIZE;
	return ring;

err_free:
	kvfree(map);
	netlens_ring_free(ring);
	return NULL;
}

void netlens_rings_free(struct netlens_rings *rings)
{
	unsigned int i;

	if (!rings)
		return;
	for (i = 0; i < rings->nr; i++)
		netlens_ring_free(rings->ring[i]);
	kfree(rings);
}

/* A ring size the module allows: a power of two from 4 KiB to ring_kb_max. */
static bool netlens_ring_kb_valid(u32 kb)
{
	return kb >= 4 && kb <= ring_kb_max && is_power_of_2(kb);
}

struct netlens_rings *netlens_rings_alloc(const struct netlens_channel_setup *setup,
					  wait_queue_head_t *wait, int *err)
{
	u32 kb = setup->ring_kb ? setup->ring_kb : ring_kb;
	struct netlens_rings *rings;
	int cpu;

	*err = -EINVAL;
	/* At least a page: the data is mapped by whole pages. */
	if (!netlens_ring_kb_valid(kb) || (u64)kb * 1024 < PAGE_SIZE)
		return NULL;
	*err = -ENOMEM;
	rings = kzalloc(struct_size(rings, ring, nr_cpu_ids), GFP_KERNEL_ACCOUNT);
	if (!rings)
		return NULL;
	rings->nr = nr_cpu_ids;
	rings->size = (u64)kb * 1024;
	rings->wakeup_bytes = clamp_t(u32, setup->wakeup_bytes, 1, rings->size);
	for_each_possible_cpu(cpu) {
		rings->ring[cpu] = netlens_ring_alloc(cpu, rings->size, wait);
		if (!rings->ring[cpu]) {
			netlens_rings_free(rings);
			return NULL;
		}
	}
	*err = 0;
	return rings;
}

int netlens_rings_check_params(void)
{
	if (ring_kb_max < 4 || ring_kb_max > 1048576 ||
	    !is_power_of_2(ring_kb_max)) {
		pr_warn("ring_kb_max=%u: must be a power of two from 4 to 1048576\n",
			ring_kb_max);
		return -EINVAL;
	}
	if (!netlens_ring_kb_valid(ring_kb)) {
		pr_warn("ring_kb=%u: must be a power of two from 4 to ring_kb_max (%u)\n",
			ring_kb, ring_kb_max);
		return -EINVAL;
	}
	return 0;
}

u32 netlens_rings_default_bytes(void)
{
	return ring_kb * 1024;
}

notrace int netlens_rings_write(struct netlens_rings *rings, u16 type,
				const void *data, u32 len)
{
	struct netlens_record hdr = {
		.type = type,
		.data_len = len,
	};
	struct netlens_ring *ring;
	unsigned long flags;
	u32 size = ALIGN(sizeof(hdr) + len, 8);
	u64 head, tail, off;
	u32 wm = rings->wakeup_bytes;

	local_irq_save(flags);
	ring = rings->ring[smp_processor_id()];
	head = ring->head;
	/*
	 * Pairs with the reader's release of tail: its bytes are free.  A
	 * tail userspace scribbled past head makes the ring look full.
	 */
	tail = smp_load_acquire(&ring->cons->tail);
	if (head - tail + size > rings->size) {
		ring->lost_since++;
		WRITE_ONCE(ring->prod->lost, ring->prod->lost + 1);
		local_irq_restore(flags);
		return -ENOSPC;
	}
	hdr.size = size;
	hdr.cpu = smp_processor_id();
	hdr.ts_ns = ktime_get_mono_fast_ns();
	hdr.lost = ring->lost_since;
	/* The data is mapped twice in a row: one copy never wraps. */
	off = head & (rings->size - 1);
	memcpy(ring->data + off, &hdr, sizeof(hdr));
	memcpy(ring->data + off + sizeof(hdr), data, len);
	ring->head = head + size;
	ring->lost_since = 0;
	WRITE_ONCE(ring->prod->records, ring->prod->records + 1);
	WRITE_ONCE(ring->prod->bytes, ring->prod->bytes + size);
	/* Publish the record before the reader can see the new head. */
	smp_store_release(&ring->prod->head, head + size);
	/*
	 * Order the head store before the tail load: either the reader, about
	 * to sleep, sees this record, or this sees where it had read to.
	 */
	smp_mb();
	tail = READ_ONCE(ring->cons->tail);
	if (head - tail < wm && head + size - tail >= wm)
		irq_work_queue(&ring->wakeup);
	local_irq_restore(flags);
	return 0;
}

/* Where the last whole record ends. */
static u64 netlens_ring_head(const struct netlens_ring *ring)
{
	/* Pairs with the writer's release of head. */
	return smp_load_acquire(&ring->prod->head);
}

static u64 netlens_ring_unread(const struct netlens_ring *ring)
{
	return netlens_ring_head(ring) - READ_ONCE(ring->cons->tail);
}

bool netlens_rings_readable(struct netlens_rings *rings)
{
	unsigned int i;

	for (i = 0; i < rings->nr; i++)
		if (rings->ring[i] &&
		    netlens_ring_unread(rings->ring[i]) >= rings->wakeup_bytes)
			return true;
	return false;
}

/*
 * Copy whole records of @ring into @buf.  Returns bytes copied, or -EINVAL
 * when the first pending record is larger than @count, or -EFAULT; either
 * way the record stays in the ring.  -EIO: the tail was not at a record
 * (userspace moved it there); the unread bytes are dropped so that a
 * blocking reader does not spin.
 */
static ssize_t netlens_ring_read_one(const struct netlens_rings *rings,
				     struct netlens_ring *ring,
				     char __user *buf, size_t count)
{
	u64 head = netlens_ring_head(ring);
	u64 tail = READ_ONCE(ring->cons->tail);
	size_t copied = 0;
	struct netlens_record hdr;
	u8 *rec;

	while (tail != head) {
		rec = ring->data + (tail & (rings->size - 1));
		memcpy(&hdr, rec, sizeof(hdr));
		if (head - tail > rings->size || hdr.size < sizeof(hdr) ||
		    hdr.size % 8 || hdr.size > head - tail) {
			/* As a read: the writer may reuse the bytes. */
			smp_store_release(&ring->cons->tail, head);
			return copied ? copied : -EIO;
		}
		if (hdr.size > count - copied)
			return copied ? copied : -EINVAL;
		if (copy_to_user(buf + copied, rec, hdr.size))
			return copied ? copied : -EFAULT;
		copied += hdr.size;
		tail += hdr.size;
		/* The writer may reuse these bytes now. */
		smp_store_release(&ring->cons->tail, tail);
	}
	return copied;
}

/* Called with the channel's lock held. */
ssize_t netlens_rings_read(struct netlens_rings *rings, char __user *buf,
			   size_t count)
{
	unsigned int i, cpu = 0;
	ssize_t copied = 0, ret;

	/* Start where the last read stopped: no CPU is starved. */
	for (i = 0; i < rings->nr && copied < count; i++) {
		cpu = (rings->read_cpu + i) % rings->nr;
		if (!rings->ring[cpu])
			continue;
		ret = netlens_ring_read_one(rings, rings->ring[cpu],
					    buf + copied, count - copied);
		if (ret < 0) {
			/* A full buffer is not an error after a record. */
			if (!copied)
				copied = ret;
			break;
		}
		copied += ret;
	}
	rings->read_cpu = (cpu + 1) % rings->nr;
	return copied;
}

/* Called with the channel's lock held: the reader's view of a discard. */
void netlens_rings_discard(struct netlens_rings *rings)
{
	unsigned int i;

	for (i = 0; i < rings->nr; i++)
		if (rings->ring[i])
			/* As a read of everything up to head. */
			smp_store_release(&rings->ring[i]->cons->tail,
					  netlens_ring_head(rings->ring[i]));
}

void netlens_rings_describe(const struct netlens_rings *rings,
			    struct netlens_channel_info *info)
{
	info->nr_rings = rings->nr;
	info->ring_bytes = rings->size;
	info->wakeup_bytes = rings->wakeup_bytes;
	info->meta_bytes = NETLENS_RING_META_PAGES * PAGE_SIZE;
	info->mmap_stride = (u64)(NETLENS_RING_META_PAGES +
				  2 * netlens_ring_data_pages(rings)) * PAGE_SIZE;
}

void netlens_rings_add_stats(const struct netlens_rings *rings,
			     struct netlens_ring_stats *st)
{
	unsigned int i;

	for (i = 0; i < rings->nr; i++) {
		const struct netlens_ring *ring = rings->ring[i];

		if (!ring)
			continue;
		st->records += READ_ONCE(ring->prod->records);
		st->bytes += READ_ONCE(ring->prod->bytes);
		st->lost += READ_ONCE(ring->prod->lost);
		st->unread_bytes += min_t(u64, netlens_ring_unread(ring),
					  rings->size);
	}
}

/*
 * Map part of ring i: its consumer page alone, writable; or anything from
 * its producer page on, read-only.  vm_pgoff selects the ring and the part.
 */
int netlens_rings_mmap(struct netlens_rings *rings, struct vm_area_struct *vma)
{
	unsigned long stride = NETLENS_RING_META_PAGES +
			       2 * netlens_ring_data_pages(rings);
	unsigned long cpu = vma->vm_pgoff / stride;
	unsigned long pgoff = vma->vm_pgoff % stride;

	if (cpu >= rings->nr || !rings->ring[cpu])
		return -ENXIO;
	if (pgoff != 0 || vma_pages(vma) != 1) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		netlens_vm_flags_clear(vma, VM_MAYWRITE);
	}
	/* It checks that the mapping stays within the ring. */
	return remap_vmalloc_range(vma, rings->ring[cpu]->area, pgoff);
}
