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
#include "palloc.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

#define NDEV 8		/* QEMU virt has 8 virtio-mmio slots */
#define DEV_DMA_PAGES 8 /* per device; kept for the device's life */

struct device {
	uint64_t base, size; /* registers, page-aligned */
	uint32_t irq;
	struct file *open;	  /* the one open file, NULL if closed */
	struct ntfn *ntfn;	  /* bound to the interrupt, or NULL */
	uint64_t bits;		  /* what the interrupt signals */
	void *dma[DEV_DMA_PAGES]; /* allocated on first request, never freed */
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

void dev_release(struct device *d)
{
	if (d->open == NULL)
		return;
	if (d->ntfn) {
		arch_irq_mask(d->irq);
		ntfn_put(d->ntfn);
		d->ntfn = NULL;
	}
	d->open = NULL;
}

long sys_dev_map(long fd)
{
	struct device *d = device_of(fd);
	if (!d)
		return -EBADF;
	if (!proc_is_root(current))
		return -EPERM;
	return vm_map_device(&current->mm, d->base, d->size);
}

/* dev_dma(fd, i, pa): DMA page i of the device (zeroed when first
 * allocated; afterwards as the last driver left it), mapped into the
 * caller; its physical address is stored at pa. Returns the address. */
long sys_dev_dma(long fd, uint64_t i, uintptr_t upa)
{
	struct device *d = device_of(fd);
	if (!d)
		return -EBADF;
	if (!proc_is_root(current))
		return -EPERM;
	if (i >= DEV_DMA_PAGES)
		return -EINVAL;
	uint64_t pa = 0;
	int err = copyout(&current->mm, upa, &pa, sizeof pa); /* before any change */
	if (err)
		return err;
	if (!d->dma[i] && !(d->dma[i] = palloc_zeroed()))
		return -ENOMEM;
	long va = vm_map_dma(&current->mm, d->dma[i]);
	if (va < 0)
		return va;
	pa = kva_to_pa(d->dma[i]);
	err = copyout(&current->mm, upa, &pa, sizeof pa);
	return err ? err : va;
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
			ntfn_signal_from_kernel(devices[i].ntfn, devices[i].bits);
			return;
		}
	}
}
