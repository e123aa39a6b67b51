/* bench_irq: the irq_to_driver row of make bench (docs/performance.md),
 * in a program of its own so that its code does not make bench, and every
 * fork it measures, a page bigger. bench execs it at its end when it runs
 * as init (it keeps pid 1, which the device manager needs); run it as init
 * directly with a count ("init=/bench_irq 100"; 0: set up only, for
 * scripts/profile.py's baseline). The output is bench's:
 *   BENCH irq_to_driver <instructions> <interrupts measured> 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "lde.h"

static inline unsigned long instret(void)
{
	unsigned long v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline long raw_syscall2(long nr, long a0v, long a1v)
{
	register long a0 __asm__("a0") = a0v;
	register long a1 __asm__("a1") = a1v;
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

/* A device interrupt until the driver it wakes runs: a minimal virtio-blk
 * driver (as user/t_dev.c's) on the disk make bench attaches (DISK=, a
 * scratch image) reads sector 0 n times, each read ending with the
 * disk's interrupt. The request completes while the driver waits in
 * ntfn_wait and the CPU idles, so the interrupt is taken in the idle loop,
 * whose trap entry stamps the instruction count (dev_info's irq_instret):
 * the figure is from that trap's first instruction to the driver's first
 * after ntfn_wait returns. Needs the device manager: only as init. */
#define VIO_MAGIC 0x000
#define VIO_DEVICE_ID 0x008
#define VIO_DEV_FEATURES 0x010
#define VIO_DEV_FEATURES_SEL 0x014
#define VIO_DRV_FEATURES 0x020
#define VIO_DRV_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM_MAX 0x034
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_READY 0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_INT_STATUS 0x060
#define VIO_INT_ACK 0x064
#define VIO_STATUS 0x070
#define VIO_QUEUE_DESC 0x080
#define VIO_QUEUE_AVAIL 0x090
#define VIO_QUEUE_USED 0x0a0

/* The queue and one request in the DMA page: 4 descriptors, the avail and
 * used rings, the request header, 512 data bytes and the status byte. */
enum { Q_DESC = 0, Q_AVAIL = 64, Q_USED = 128, Q_REQ = 256, Q_DATA = 512, Q_STATUS = 1024 };

static volatile uint32_t *vio;

static void vio_wr(int off, uint32_t v) { vio[off / 4] = v; }
static uint32_t vio_rd(int off) { return vio[off / 4]; }
static void vio_wr64(int off, uint64_t v)
{
	vio_wr(off, (uint32_t)v);
	vio_wr(off + 4, (uint32_t)(v >> 32));
}

/* The virtio handshake with one queue of 4 in the page at pa: 0, or -1
 * if the device is not a modern virtio-blk that takes it. */
static int vio_up(uint64_t pa)
{
	if (vio_rd(VIO_MAGIC) != 0x74726976 || vio_rd(VIO_DEVICE_ID) != 2)
		return -1;
	vio_wr(VIO_STATUS, 0);
	vio_wr(VIO_STATUS, 1 | 2); /* ACKNOWLEDGE, DRIVER */
	vio_wr(VIO_DEV_FEATURES_SEL, 1);
	if (!(vio_rd(VIO_DEV_FEATURES) & 1)) /* VIRTIO_F_VERSION_1 */
		return -1;
	vio_wr(VIO_DRV_FEATURES_SEL, 0);
	vio_wr(VIO_DRV_FEATURES, 0);
	vio_wr(VIO_DRV_FEATURES_SEL, 1);
	vio_wr(VIO_DRV_FEATURES, 1);
	vio_wr(VIO_STATUS, 1 | 2 | 8); /* FEATURES_OK */
	vio_wr(VIO_QUEUE_SEL, 0);
	if (!(vio_rd(VIO_STATUS) & 8) || vio_rd(VIO_QUEUE_NUM_MAX) < 4)
		return -1;
	vio_wr(VIO_QUEUE_NUM, 4);
	vio_wr64(VIO_QUEUE_DESC, pa + Q_DESC);
	vio_wr64(VIO_QUEUE_AVAIL, pa + Q_AVAIL);
	vio_wr64(VIO_QUEUE_USED, pa + Q_USED);
	vio_wr(VIO_QUEUE_READY, 1);
	vio_wr(VIO_STATUS, 1 | 2 | 8 | 4); /* DRIVER_OK */
	return 0;
}

/* Queue request number seq (a read of sector 0) and notify the device. */
static void vio_read0(volatile uint8_t *q, uint64_t pa, uint16_t seq)
{
	volatile uint64_t *d = (volatile uint64_t *)(q + Q_DESC); /* addr, len|flags|next */
	volatile uint32_t *req = (volatile uint32_t *)(q + Q_REQ);
	req[0] = 0; /* VIRTIO_BLK_T_IN */
	req[1] = 0;
	*(volatile uint64_t *)(q + Q_REQ + 8) = 0;
	d[0] = pa + Q_REQ;
	d[1] = 16 | (uint64_t)1 << 32 | (uint64_t)1 << 48; /* NEXT, next 1 */
	d[2] = pa + Q_DATA;
	d[3] = 512 | (uint64_t)3 << 32 | (uint64_t)2 << 48; /* NEXT|WRITE, next 2 */
	d[4] = pa + Q_STATUS;
	d[5] = 1 | (uint64_t)2 << 32; /* WRITE */
	volatile uint16_t *avail = (volatile uint16_t *)(q + Q_AVAIL);
	avail[2 + seq % 4] = 0;
	__sync_synchronize();
	avail[1] = (uint16_t)(seq + 1);
	__sync_synchronize();
	vio_wr(VIO_QUEUE_NOTIFY, 0);
}

static void bench_irq(unsigned long n)
{
	int mgr = (int)lde_sys_dev_manager();
	int dev = mgr < 0 ? -1 : (int)lde_sys_dev_open(mgr, 0);
	int nt = ntfn_create();
	uint64_t pa = 0;
	long q = dev < 0 ? -1 : lde_sys_dev_dma(dev, 0, &pa);
	vio = dev < 0 ? NULL : (volatile uint32_t *)lde_sys_dev_map(dev);
	if (q < 0 || (long)vio < 0 || lde_sys_dev_irq_bind(dev, nt, 1) || vio_up(pa)) {
		printf("BENCH-NOTE irq_to_driver needs to run as init, with a disk (DISK=)\n");
		goto out;
	}
	/* Where the request completes is up to QEMU's I/O thread: often
	 * before the driver is asleep (the interrupt is then taken from
	 * U-mode, unstamped, and not counted). So reads go on until n
	 * interrupts came in the idle loop, up to 20 n reads. Each such one
	 * takes the same path: the median is its exact cost. */
	static unsigned long cost[200];
	unsigned long stamped = 0, reads = 0;
	if (n > sizeof cost / sizeof cost[0])
		n = sizeof cost / sizeof cost[0];
	for (; stamped < n && reads <= 20 * n; reads++) {
		vio_read0((volatile uint8_t *)q, pa, (uint16_t)reads);
		raw_syscall2(SYS_ntfn_wait, nt, 0);
		unsigned long t = instret();
		struct lde_devinfo info;
		lde_sys_dev_info(dev, &info);
		if (reads && info.irq_instret) { /* the first read warms up */
			unsigned long c = t - info.irq_instret, j = stamped++;
			for (; j && cost[j - 1] > c; j--)
				cost[j] = cost[j - 1];
			cost[j] = c;
		}
		vio_wr(VIO_INT_ACK, vio_rd(VIO_INT_STATUS));
		lde_sys_dev_irq_ack(dev);
	}
	if (stamped)
		printf("BENCH irq_to_driver %lu %lu %lu\n", cost[stamped / 2], stamped, 0UL);
	else if (n)
		printf("BENCH-NOTE irq_to_driver no interrupt in %lu reads came in the idle loop\n",
		       reads);
out:
	close(nt);
	if (dev >= 0)
		close(dev);
	if (mgr >= 0)
		close(mgr);
}

int main(int argc, char **argv)
{
	bench_irq(argc > 1 ? strtoul(argv[1], NULL, 10) : 100);
	return 0;
}
