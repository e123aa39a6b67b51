/* Device objects. The kernel drives the console, the PLIC and the power
 * device itself; every other device it finds in the device tree (today the
 * virtio-mmio transports) becomes an object that a user-space driver opens,
 * with the device-manager descriptor, to map its registers, take its
 * interrupt as notification bits and get DMA memory. The rules are in
 * docs/ipc.md ("Devices"); how to write a driver in docs/drivers.md. */
#include "dev.h"
#include "arch.h"
#include "errno.h"
#include "fdt.h"
#include "file.h"
#include "hooks.h"
#include "ipc.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

#define NDEV 8	   /* QEMU virt has 8 virtio-mmio slots */
#define NMAPPERS 4 /* processes that may map one open device */

struct dma_block {
	void *pages;	 /* npages contiguous pages, or NULL */
	uint64_t npages; /* allocated on first request, never freed */
};

struct device {
	uint64_t base, size; /* registers, page-aligned */
	uint32_t irq;
	struct file *open; /* the one open file, NULL if closed */
	struct ntfn *ntfn; /* bound to the interrupt, or NULL */
	uint64_t bits;	   /* what the interrupt signals */
	uint64_t irqs;	   /* interrupts taken */
	uint64_t stamp;	   /* arch_irq_stamp of the last one */
	struct dma_block dma[LDE_DEV_DMA_BLOCKS];
	/* The processes that mapped registers or DMA pages through the open
	 * file: dev_release takes the mappings back. A slot is stale once
	 * its process is gone (pid no longer matches). */
	struct {
		struct proc *p;
		int pid;
	} mappers[NMAPPERS];
};

static struct device devices[NDEV];
static int ndevices;
static bool manager_claimed;

void dev_init(const struct fdt *fdt)
{
	struct fdt_iter it;
	struct fdt_node n;
	struct fdt_range r;
	uint32_t irq;

	fdt_iter_init(fdt, &it);
	while (ndevices < NDEV && fdt_next_compatible(fdt, &it, "virtio,mmio", &n)) {
		if (fdt_reg(fdt, n, 0, &r) || fdt_prop_cell(fdt, n, "interrupts", 0, &irq))
			continue;
		uint64_t base = PAGE_DOWN(r.base), end = PAGE_UP(r.base + r.size);
		/* A tree whose device overlaps the kernel's half, wraps or names
		 * an interrupt the kernel handles itself is not to be trusted
		 * with: the device is skipped. */
		if (!r.size || end <= base || end > USER_TOP || arch_irq_route(irq))
			continue;
		devices[ndevices++] =
			(struct device){ .base = base, .size = end - base, .irq = irq };
	}
}

int dev_count(void)
{
	int n = 0;
	for (int i = 0; i < ndevices; i++)
		n += devices[i].open != NULL;
	return n;
}

static struct file *file_of(long fd) { return (uint64_t)fd < NOFILE ? current->files[fd] : NULL; }

/* The open device behind fd: -EBADF if fd is not one. */
static struct device *device_of(long fd)
{
	struct file *f = file_of(fd);
	return f && f->type == FILE_DEVICE ? f->dev : NULL;
}

/* The device-manager right belongs to pid 1, which may claim it once (while
 * root) and pass it down (fork, dup, an IPC message); nobody else can
 * create it. */
long sys_dev_manager(void)
{
	if (current->pid != 1 || !proc_is_root(current) || manager_claimed)
		return -EPERM;
	struct file *f = file_alloc(FILE_DEVMGR);
	if (!f)
		return -ENFILE;
	int fd = ipc_fd_install(current, f);
	if (fd < 0) {
		file_put(f);
		return fd;
	}
	manager_claimed = true;
	return fd;
}

/* A device can reach all memory (no IOMMU): whatever a descriptor may have
 * reached, claiming or using one is root's (docs/users.md). Descriptors
 * are checked first, so that a bad one is EBADF for everybody. */
long sys_dev_open(long mgr, int index)
{
	struct file *m = file_of(mgr);
	if (!m)
		return -EBADF;
	if (m->type != FILE_DEVMGR || !proc_is_root(current))
		return -EPERM;
	if (index < 0 || index >= ndevices)
		return -ENODEV;
	struct device *d = &devices[index];
	if (d->open)
		return -EBUSY; /* one driver per device */
	struct file *f = file_alloc(FILE_DEVICE);
	if (!f)
		return -ENFILE;
	f->dev = d;
	int fd = ipc_fd_install(current, f);
	if (fd < 0) {
		file_put(f); /* dev_release on a device never opened: harmless */
		return fd;
	}
	d->open = f;
	return fd;
}

static bool mapper_alive(struct device *d, int i)
{
	struct proc *p = d->mappers[i].p;
	return p && p->state != P_UNUSED && p->pid == d->mappers[i].pid;
}

/* Note current as a process that maps the device: 0, or -EBUSY if
 * NMAPPERS others do. Before the mapping, so that a failure changes
 * nothing. */
static int note_mapper(struct device *d)
{
	int free = -1;
	for (int i = 0; i < NMAPPERS; i++) {
		if (mapper_alive(d, i)) {
			if (d->mappers[i].p == current)
				return 0;
		} else if (free < 0) {
			free = i;
		}
	}
	if (free < 0)
		return -EBUSY;
	d->mappers[free].p = current;
	d->mappers[free].pid = current->pid;
	return 0;
}

/* Take the device back from mapper i: its registers and DMA pages vanish
 * from its window (the pages stay the device's). */
static void revoke(struct device *d, int i)
{
	if (mapper_alive(d, i)) {
		struct mm *mm = &d->mappers[i].p->mm;
		vm_unmap_phys(mm, d->base, d->size);
		for (int b = 0; b < LDE_DEV_DMA_BLOCKS; b++)
			if (d->dma[b].pages)
				vm_unmap_phys(mm, kva_to_pa(d->dma[b].pages),
					      d->dma[b].npages * PGSIZE);
	}
	d->mappers[i].p = NULL;
	/* current may have been the mapper; the others' tables are flushed
	 * when they are switched to. */
	arch_tlb_flush_all();
}

void dev_closed(struct file *f)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if (current->files[fd] == f)
			return; /* still held, through another descriptor */
	for (int i = 0; i < NMAPPERS; i++)
		if (f->dev->mappers[i].p == current && mapper_alive(f->dev, i))
			revoke(f->dev, i);
}

void dev_release(struct device *d)
{
	if (d->open == NULL)
		return;
	if (d->ntfn) {
		arch_irq_mask(d->irq);
		ntfn_put(d->ntfn);
		d->ntfn = NULL;
	}
	for (int i = 0; i < NMAPPERS; i++)
		revoke(d, i);
	d->open = NULL;
}

long sys_dev_map(long fd)
{
	struct device *d = device_of(fd);
	if (!d)
		return -EBADF;
	if (!proc_is_root(current))
		return -EPERM;
	int err = note_mapper(d);
	return err ? err : vm_map_device(&current->mm, d->base, d->size);
}

/* dev_dma(fd, LDE_DEV_DMA(i, n), pa): DMA block i of the device, n
 * physically contiguous pages (zeroed when first allocated; afterwards as
 * the last driver left them), mapped into the caller; the first page's
 * physical address is stored at pa. Returns the address. A block keeps
 * the size it was first allocated with. */
long sys_dev_dma(long fd, uint64_t arg, uintptr_t upa)
{
	struct device *d = device_of(fd);
	if (!d)
		return -EBADF;
	if (!proc_is_root(current))
		return -EPERM;
	uint64_t i = arg & 0xff, n = arg >> 8;
	if (n == 0)
		n = 1;
	if (i >= LDE_DEV_DMA_BLOCKS || n > LDE_DEV_DMA_MAX_PAGES)
		return -EINVAL;
	struct dma_block *b = &d->dma[i];
	if (b->pages && b->npages != n)
		return -EINVAL;
	uint64_t pa = 0;
	int err = copyout(&current->mm, upa, &pa, sizeof pa); /* before any change */
	if (err)
		return err;
	if ((err = note_mapper(d)))
		return err;
	if (!b->pages) {
		if (!(b->pages = palloc_contig(n)))
			return -ENOMEM;
		memset(b->pages, 0, n * PGSIZE);
		b->npages = n;
	}
	long va = vm_map_dma(&current->mm, b->pages, n);
	if (va < 0)
		return va;
	pa = kva_to_pa(b->pages);
	err = copyout(&current->mm, upa, &pa, sizeof pa);
	return err ? err : va;
}

long sys_dev_info(long fd, uintptr_t uinfo)
{
	struct device *d = device_of(fd);
	if (!d)
		return -EBADF;
	struct lde_devinfo info = { .regs_pa = d->base,
				    .regs_size = d->size,
				    .irq = d->irq,
				    .irqs = d->irqs,
				    .irq_instret = d->stamp };
	for (int b = 0; b < LDE_DEV_DMA_BLOCKS; b++)
		info.dma_pages += d->dma[b].pages ? d->dma[b].npages : 0;
	return copyout(&current->mm, uinfo, &info, sizeof info);
}

/* dev_irq_bind(fd, ntfn, bits): the device's interrupt signals bits on the
 * notification; the source is enabled from now on (never before). */
long sys_dev_irq_bind(long fd, long nfd, uint64_t bits)
{
	struct device *d = device_of(fd);
	struct file *nf = file_of(nfd);
	if (!d || !nf || nf->type != FILE_NTFN)
		return -EBADF;
	if (!proc_is_root(current))
		return -EPERM;
	if (!bits || (bits & ~LDE_NTFN_BITS))
		return -EINVAL;
	if (d->ntfn)
		return -EBUSY;
	ntfn_get(nf->ntfn);
	d->ntfn = nf->ntfn;
	d->bits = bits;
	arch_irq_unmask(d->irq);
	return 0;
}

/* The driver has handled the interrupt: the source may fire again. */
long sys_dev_irq_ack(long fd)
{
	struct device *d = device_of(fd);
	if (!d)
		return -EBADF;
	if (!d->ntfn)
		return -EINVAL;
	arch_irq_unmask(d->irq);
	return 0;
}

void dev_interrupt(uint32_t irq)
{
	for (int i = 0; i < ndevices; i++) {
		/* Unbound, it stays masked: only a bound source is unmasked. */
		if (devices[i].irq == irq && devices[i].ntfn) {
			devices[i].irqs++;
			devices[i].stamp = arch_irq_stamp();
			ntfn_signal_from_kernel(devices[i].ntfn, devices[i].bits);
			return;
		}
	}
}
