/* blk: the virtio-blk driver, an ordinary user process (docs/drivers.md).
 *
 *   /blk DEV NTFN EP READY RESTARTS [test]
 *
 * servers/svc starts it with descriptors: DEV the open device (virtio-mmio
 * slot 0), NTFN the notification its interrupt signals, EP the endpoint it
 * serves, READY a pipe on which it writes 'R' once it serves; RESTARTS is
 * how many drivers came before it. It resets the device, negotiates
 * virtio 1.x, sets up one split virtqueue in its DMA pages and serves the
 * requests of user/lib/blk.h. Data moves through the clients' leases:
 * copied into the DMA pages for a write, out of them for a read.
 *
 * Requests are held, not answered, while the device works: the driver
 * receives with its notification bound, so one ipc_recv returns either the
 * next request or the interrupt's bits, and each request is answered when
 * its own transfer completes. Up to NSLOT requests are held at once; those
 * that find no free DMA buffer wait in arrival order.
 *
 * Exit status 3: the slot holds no block device ("no disk"); 4: the device
 * refused the handshake. Anything a client sends is checked: the driver
 * answers with an error, it never fails on one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "blk.h"
#include "lde.h"
#include "virtio.h"

#define EXIT_NODISK 3
#define EXIT_BADDEV 4

#define PAGE 4096
/* Data pages: as many as dev_dma gives, up to 8 (a 64-bit bitmap of
 * sectors). The kernel gives a device 8 pages today (docs/ipc.md), page 0
 * being the queue's: 7 for data. */
#define DATA_PAGES 8
#define SECT_PER_PAGE (PAGE / BLK_SECTOR)
#define NSLOT 16  /* requests held at once */
#define QN 128	  /* virtqueue entries; each request takes 2 to 6 */
#define IRQ_BIT 1 /* what svc bound the interrupt to signal */

/* DMA page 0: the virtqueue, the requests' headers and status bytes, and
 * the statistics (never handed to the device; they outlive a driver, as
 * the pages do). Pages 1..: the data buffers, in sectors. */
#define OFF_DESC 0
#define OFF_AVAIL 2048 /* 4 + 2 * QN + 2 bytes */
#define OFF_USED 2312  /* 4 + 8 * QN + 2 bytes */
#define OFF_HDR 3344   /* NSLOT headers of 16 bytes */
#define OFF_STATUS 3600
#define OFF_STATS 3840
#define STATS_MAGIC 0x626c6b7374617473ULL

_Static_assert(OFF_AVAIL >= OFF_DESC + QN * 16, "descriptor table overlaps the avail ring");
_Static_assert(OFF_USED >= OFF_AVAIL + 4 + 2 * QN + 2 && OFF_USED % 4 == 0, "used ring");
_Static_assert(OFF_HDR >= OFF_USED + 4 + 8 * QN + 2, "headers overlap the used ring");
_Static_assert(OFF_STATUS >= OFF_HDR + 16 * NSLOT, "status bytes");
_Static_assert(OFF_STATS >= OFF_STATUS + NSLOT, "statistics");
_Static_assert(OFF_STATS + 8 + sizeof(struct blk_stats) <= PAGE, "page 0 is full");

enum { S_FREE, S_WAITING, S_DEVICE };

struct slot {
	int state;
	int op;
	long token;
	uint64_t off, len; /* bytes */
	uint64_t sectors;  /* the buffer: a bitmap of data sectors */
	int ndesc, head;
	int next_wait; /* the waiting list, in arrival order */
};

static volatile uint32_t *regs;
static volatile uint8_t *page0;
static uint64_t pa0;
static volatile uint8_t *data_va[DATA_PAGES]; /* data page i at data_va[i] */
static uint64_t data_pa[DATA_PAGES];
static int ndata; /* data pages */
static uint64_t free_sectors;

static struct slot slots[NSLOT];
static int wait_head = -1, wait_tail = -1;
static int nheld;

static volatile struct vring_desc *desc;
static volatile uint16_t *avail; /* flags, idx, ring[QN] */
static volatile uint16_t *used;	 /* flags, idx, then the elements */
static uint16_t avail_idx, used_seen;
static uint16_t free_desc[QN];
static int nfree_desc;
static int dev_fd, crash_after; /* crash_after: the test switch, 0 = off */
static uint64_t hold;		/* the other: completions wait for this many */
static int held_irq;		/* an interrupt came while holding */
static int testing;		/* "test": the test switches work */
static uint64_t capacity;	/* sectors */
static int has_flush;

static struct stats {
	uint64_t magic;
	struct blk_stats s;
} * stats;

static uint32_t rd(int off) { return regs[off / 4]; }
static void wr(int off, uint32_t v) { regs[off / 4] = v; }
static void wr64(int off, uint64_t v)
{
	wr(off, (uint32_t)v);
	wr(off + 4, (uint32_t)(v >> 32));
}

/* Reset the device and bring it up with one queue (virtio 1.2, 3.1.1).
 * Nothing of a previous driver's queue survives the reset: the device
 * forgets it before the pages are written again. 0 or EXIT_*. */
static int virtio_up(void)
{
	if (rd(VIO_MAGIC) != VIO_MAGIC_VALUE)
		return EXIT_BADDEV;
	if (rd(VIO_DEVICE_ID) != VIO_DEV_BLOCK)
		return EXIT_NODISK; /* 0: an empty slot (any version) */
	if (rd(VIO_VERSION) != 2)
		return EXIT_BADDEV; /* legacy only: qemu.sh asks for version 2 */
	wr(VIO_STATUS, 0);
	while (rd(VIO_STATUS) != 0)
		;
	__sync_synchronize();
	memset((void *)page0, 0, OFF_STATS);
	wr(VIO_STATUS, VIO_ST_ACK);
	wr(VIO_STATUS, VIO_ST_ACK | VIO_ST_DRIVER);
	wr(VIO_DEV_FEATURES_SEL, 1);
	if (!(rd(VIO_DEV_FEATURES) & VIO_F_VERSION_1_HI))
		return EXIT_BADDEV;
	wr(VIO_DEV_FEATURES_SEL, 0);
	has_flush = (rd(VIO_DEV_FEATURES) >> 9) & 1; /* VIRTIO_BLK_F_FLUSH */
	wr(VIO_DRV_FEATURES_SEL, 0);
	wr(VIO_DRV_FEATURES, has_flush ? 1u << 9 : 0);
	wr(VIO_DRV_FEATURES_SEL, 1);
	wr(VIO_DRV_FEATURES, VIO_F_VERSION_1_HI);
	wr(VIO_STATUS, VIO_ST_ACK | VIO_ST_DRIVER | VIO_ST_FEATURES_OK);
	if (!(rd(VIO_STATUS) & VIO_ST_FEATURES_OK))
		return EXIT_BADDEV;
	wr(VIO_QUEUE_SEL, 0);
	if (rd(VIO_QUEUE_READY) != 0 || rd(VIO_QUEUE_NUM_MAX) < QN)
		return EXIT_BADDEV;
	wr(VIO_QUEUE_NUM, QN);
	wr64(VIO_QUEUE_DESC, pa0 + OFF_DESC);
	wr64(VIO_QUEUE_AVAIL, pa0 + OFF_AVAIL);
	wr64(VIO_QUEUE_USED, pa0 + OFF_USED);
	wr(VIO_QUEUE_READY, 1);
	capacity = rd(VIO_CONFIG) | (uint64_t)rd(VIO_CONFIG + 4) << 32;
	wr(VIO_STATUS, VIO_ST_ACK | VIO_ST_DRIVER | VIO_ST_FEATURES_OK | VIO_ST_DRIVER_OK);
	desc = (volatile struct vring_desc *)(page0 + OFF_DESC);
	avail = (volatile uint16_t *)(page0 + OFF_AVAIL);
	used = (volatile uint16_t *)(page0 + OFF_USED);
	avail_idx = used_seen = 0;
	for (int i = 0; i < QN; i++)
		free_desc[i] = (uint16_t)(QN - 1 - i);
	nfree_desc = QN;
	return 0;
}

/* ---- data buffers: sectors of the data pages, a bitmap ---------------- */

/* A buffer of n sectors: up to a page's worth within one page, more as
 * whole pages. The bitmap of its sectors, or 0 if none is free now. */
static uint64_t buf_alloc(int n)
{
	if (n <= SECT_PER_PAGE) {
		uint64_t run = (1ULL << n) - 1;
		for (int p = 0; p < ndata; p++)
			for (int s = 0; s + n <= SECT_PER_PAGE; s++) {
				uint64_t m = run << (p * SECT_PER_PAGE + s);
				if ((free_sectors & m) == m)
					return free_sectors &= ~m, m;
			}
		return 0;
	}
	int pages = (n + SECT_PER_PAGE - 1) / SECT_PER_PAGE;
	uint64_t m = 0, full = (1ULL << SECT_PER_PAGE) - 1;
	for (int p = 0; p < ndata && pages; p++)
		if (((free_sectors >> (p * SECT_PER_PAGE)) & full) == full) {
			m |= full << (p * SECT_PER_PAGE);
			pages--;
		}
	if (pages)
		return 0;
	free_sectors &= ~m;
	return m;
}

/* The buffer m's pieces, one per page, in page order (the order of the
 * transfer's bytes): for each, its address in the driver and for the
 * device, and its length; len bytes in all. Returns how many. */
struct piece {
	volatile uint8_t *va;
	uint64_t pa;
	uint32_t len;
};
static int buf_pieces(uint64_t m, uint64_t len, struct piece *out)
{
	int n = 0;
	for (int p = 0; p < ndata && len; p++) {
		uint64_t pm = (m >> (p * SECT_PER_PAGE)) & ((1ULL << SECT_PER_PAGE) - 1);
		if (!pm)
			continue;
		int first = __builtin_ctzll(pm);
		uint64_t bytes = (uint64_t)__builtin_popcountll(pm) * BLK_SECTOR;
		if (bytes > len)
			bytes = len;
		out[n++] = (struct piece){ data_va[p] + first * BLK_SECTOR,
					   data_pa[p] + first * BLK_SECTOR, (uint32_t)bytes };
		len -= bytes;
	}
	return n;
}

/* ---- requests ----------------------------------------------------------- */

static void answer(long token, uint32_t err, uint64_t w0)
{
	struct lde_msg m = { .info = LDE_MSG_INFO(err, 0, -1), .w = { w0 }, .token = token };
	if (err)
		stats->s.errors++;
	ipc_reply(&m);
}

static void slot_free(struct slot *s)
{
	free_sectors |= s->sectors;
	s->sectors = 0;
	s->state = S_FREE;
	nheld--;
}

/* Copy between the client's lease and the buffer, piece by piece. 0 or
 * an errno. */
static uint32_t copy_lease(struct slot *s, int to_client)
{
	struct piece pc[DATA_PAGES];
	int n = buf_pieces(s->sectors, s->len, pc);
	uint64_t off = 0;
	for (int i = 0; i < n; i++) {
		long r = to_client
				 ? lease_write(s->token, 0, off, (const void *)pc[i].va, pc[i].len)
				 : lease_read(s->token, 0, off, (void *)pc[i].va, pc[i].len);
		if (r < 0)
			return (uint32_t)errno;
		off += pc[i].len;
	}
	return 0;
}

/* Give slot s to the device, if a buffer and descriptors are free: 1 if
 * it went (or was answered: a write whose lease failed), 0 if it waits. */
static int submit(struct slot *s)
{
	int nsect = (int)(s->len / BLK_SECTOR);
	struct piece pc[DATA_PAGES];
	int npc = 0;
	if (s->op != BLK_OP_FLUSH) {
		if (!(s->sectors = buf_alloc(nsect)))
			return 0;
		npc = buf_pieces(s->sectors, s->len, pc);
	}
	if (nfree_desc < npc + 2) {
		free_sectors |= s->sectors;
		s->sectors = 0;
		return 0;
	}
	if (s->op == BLK_OP_WRITE) {
		uint32_t err = copy_lease(s, 0);
		if (err) {
			answer(s->token, err, 0);
			slot_free(s);
			return 1;
		}
	}
	int i = (int)(s - slots);
	volatile struct virtio_blk_req *h =
		(volatile struct virtio_blk_req *)(page0 + OFF_HDR + 16 * i);
	h->type = s->op == BLK_OP_READ	  ? VIRTIO_BLK_T_IN
		  : s->op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT
					  : VIRTIO_BLK_T_FLUSH;
	h->reserved = 0;
	h->sector = s->off / BLK_SECTOR;
	page0[OFF_STATUS + i] = 0xff;
	int d = free_desc[--nfree_desc];
	s->head = d;
	s->ndesc = npc + 2;
	desc[d] = (struct vring_desc){ pa0 + OFF_HDR + 16 * i, 16, VRING_DESC_F_NEXT, 0 };
	for (int k = 0; k < npc; k++) {
		int nd = free_desc[--nfree_desc];
		desc[d].next = (uint16_t)nd;
		d = nd;
		desc[d] = (struct vring_desc){
			pc[k].pa, pc[k].len,
			VRING_DESC_F_NEXT | (s->op == BLK_OP_READ ? VRING_DESC_F_WRITE : 0), 0
		};
	}
	int nd = free_desc[--nfree_desc];
	desc[d].next = (uint16_t)nd;
	desc[nd] = (struct vring_desc){ pa0 + OFF_STATUS + i, 1, VRING_DESC_F_WRITE, 0 };
	avail[2 + avail_idx % QN] = (uint16_t)s->head;
	__sync_synchronize();
	avail[1] = ++avail_idx;
	__sync_synchronize();
	s->state = S_DEVICE;
	if (++stats->s.inflight > stats->s.max_inflight)
		stats->s.max_inflight = stats->s.inflight;
	wr(VIO_QUEUE_NOTIFY, 0);
	if (crash_after && s->op != BLK_OP_FLUSH && --crash_after == 0) {
		/* The test switch: die with this request at the device. */
		printf("blk: test switch: crashing with a request in flight\n");
		volatile uintptr_t wild = 8;
		*(volatile int *)wild = 1;
	}
	return 1;
}

/* Start waiting requests, in arrival order, while they fit. */
static void submit_waiting(void)
{
	while (wait_head >= 0) {
		struct slot *s = &slots[wait_head];
		if (!submit(s))
			return;
		wait_head = s->next_wait;
		if (wait_head < 0)
			wait_tail = -1;
	}
}

/* The device finished the request in slot s: answer its client. */
static void complete(struct slot *s)
{
	int i = (int)(s - slots);
	uint32_t err = page0[OFF_STATUS + i] == VIRTIO_BLK_S_OK ? 0 : EIO;
	if (!err && s->op == BLK_OP_READ)
		err = copy_lease(s, 1);
	if (!err) {
		if (s->op == BLK_OP_READ)
			stats->s.bytes_read += s->len;
		else if (s->op == BLK_OP_WRITE)
			stats->s.bytes_written += s->len;
	}
	answer(s->token, err, s->len);
	stats->s.inflight--;
	slot_free(s);
}

/* The interrupt: acknowledge it at the device, then let the source fire
 * again, then answer everything the used ring returned. */
static void interrupt(void)
{
	if (hold && stats->s.inflight < hold) {
		held_irq = 1; /* the source stays masked until we take it */
		return;
	}
	hold = 0;
	held_irq = 0;
	uint32_t st = rd(VIO_INT_STATUS);
	wr(VIO_INT_ACK, st);
	lde_sys_dev_irq_ack(dev_fd);
	__sync_synchronize();
	while (used_seen != used[1]) {
		volatile struct vring_used_elem *e =
			(volatile struct vring_used_elem *)(page0 + OFF_USED + 4) + used_seen % QN;
		uint32_t id = e->id;
		used_seen++;
		int slot = -1;
		for (int i = 0; i < NSLOT; i++)
			if (slots[i].state == S_DEVICE && (uint32_t)slots[i].head == id)
				slot = i;
		if (slot < 0)
			continue; /* never ours: a device bug, nothing to answer */
		/* The chain goes back on the free list. */
		int d = (int)id;
		for (int k = 0; k < slots[slot].ndesc; k++) {
			free_desc[nfree_desc++] = (uint16_t)d;
			d = desc[d].next;
		}
		complete(&slots[slot]);
	}
	submit_waiting();
}

/* A read or write: checked, then held in a slot. */
static void request_rw(struct lde_msg *m, int op)
{
	uint64_t off = m->w[0], len = m->w[1];
	uint64_t end = capacity * BLK_SECTOR;
	if (LDE_MSG_NLEASES(m->info) != 1 || len == 0 || len > BLK_MAX_BYTES ||
	    (off | len) % BLK_SECTOR || off >= end || len > end - off) {
		answer(m->token, EINVAL, 0);
		return;
	}
	/* The lease must take the whole transfer, the right way: a zero-byte
	 * copy at its end checks both before the device does any work. */
	long r = op == BLK_OP_READ ? lease_write(m->token, 0, len, "", 0)
				   : lease_read(m->token, 0, len, (void *)page0, 0);
	if (r < 0) {
		answer(m->token, (uint32_t)errno, 0);
		return;
	}
	if (op == BLK_OP_READ)
		stats->s.reads++;
	else
		stats->s.writes++;
	int i = 0;
	while (slots[i].state != S_FREE)
		i++;
	struct slot *s = &slots[i];
	*s = (struct slot){ .state = S_WAITING,
			    .op = op,
			    .token = m->token,
			    .off = off,
			    .len = len,
			    .next_wait = -1 };
	if (++nheld > (int)stats->s.max_held)
		stats->s.max_held = (uint64_t)nheld;
	if (wait_head < 0 && submit(s))
		return;
	if (wait_tail >= 0)
		slots[wait_tail].next_wait = i;
	else
		wait_head = i;
	wait_tail = i;
}

static void request(struct lde_msg *m)
{
	int op = (int)LDE_MSG_LABEL(m->info);
	stats->s.requests++;
	if (m->w[2] & BLK_F_RESEND)
		stats->s.resends++;
	/* A descriptor sent along is not wanted: closed, so that no client
	 * can fill the driver's table. */
	if (LDE_MSG_CAP(m->info) >= 0)
		close(LDE_MSG_CAP(m->info));
	switch (op) {
	case BLK_OP_READ:
	case BLK_OP_WRITE: request_rw(m, op); return;
	case BLK_OP_FLUSH: {
		stats->s.flushes++;
		if (!has_flush) {
			answer(m->token, 0, 0); /* no write cache to empty */
			return;
		}
		int i = 0;
		while (slots[i].state != S_FREE)
			i++;
		slots[i] = (struct slot){
			.state = S_WAITING, .op = op, .token = m->token, .next_wait = -1
		};
		if (++nheld > (int)stats->s.max_held)
			stats->s.max_held = (uint64_t)nheld;
		if (wait_head < 0 && submit(&slots[i]))
			return;
		if (wait_tail >= 0)
			slots[wait_tail].next_wait = i;
		else
			wait_head = i;
		wait_tail = i;
		return;
	}
	case BLK_OP_INFO: {
		struct lde_msg r = { .info = 0,
				     .w = { capacity, BLK_MAX_BYTES },
				     .token = m->token };
		ipc_reply(&r);
		return;
	}
	case BLK_OP_STATS: {
		stats->s.capacity = capacity;
		long n = LDE_MSG_NLEASES(m->info) == 1
				 ? lease_write(m->token, 0, 0, &stats->s, sizeof stats->s)
				 : (errno = EINVAL, -1);
		answer(m->token, n < 0 ? (uint32_t)errno : 0, n < 0 ? 0 : (uint64_t)n);
		return;
	}
	case BLK_OP_TEST_HOLD:
		if (testing && m->w[0] >= 2 && m->w[0] <= NSLOT) {
			hold = m->w[0];
			answer(m->token, 0, 0);
			return;
		}
		break;
	case BLK_OP_TEST_CRASH:
		if (testing && m->w[0] > 0 && m->w[0] < 1000) {
			crash_after = (int)m->w[0];
			answer(m->token, 0, 0);
			return;
		}
		break;
	}
	answer(m->token, ENOSYS, 0);
}

static int arg(char **argv, int i) { return (int)strtol(argv[i], NULL, 10); }

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: blk DEV NTFN EP READY RESTARTS [test] (started by svc)\n");
		return 2;
	}
	dev_fd = arg(argv, 1);
	int ntfn = arg(argv, 2), ep = arg(argv, 3), ready = arg(argv, 4);
	testing = argc > 6 && strcmp(argv[6], "test") == 0;
	long va = lde_sys_dev_map(dev_fd);
	if (va < 0) {
		fprintf(stderr, "blk: dev_map: %s\n", strerror((int)-va));
		return EXIT_BADDEV;
	}
	regs = (volatile uint32_t *)va;
	va = lde_sys_dev_dma(dev_fd, 0, &pa0);
	if (va < 0) {
		fprintf(stderr, "blk: dev_dma: %s\n", strerror((int)-va));
		return EXIT_BADDEV;
	}
	page0 = (volatile uint8_t *)va;
	for (ndata = 0; ndata < DATA_PAGES; ndata++) {
		va = lde_sys_dev_dma(dev_fd, (uint64_t)ndata + 1, &data_pa[ndata]);
		if (va < 0)
			break;
		data_va[ndata] = (volatile uint8_t *)va;
	}
	if (ndata * PAGE < BLK_MAX_BYTES) {
		/* A largest request could never find its buffer. */
		printf("blk: only %d DMA pages for data\n", ndata);
		return EXIT_BADDEV;
	}
	free_sectors = ndata * SECT_PER_PAGE == 64 ? ~0ULL : (1ULL << (ndata * SECT_PER_PAGE)) - 1;
	int e = virtio_up();
	if (e == EXIT_NODISK) {
		printf("blk: no disk (virtio-mmio slot 0 is empty)\n");
		return e;
	}
	if (e) {
		printf("blk: the device at virtio-mmio slot 0 refused the handshake\n");
		return e;
	}
	stats = (struct stats *)(page0 + OFF_STATS);
	if (stats->magic != STATS_MAGIC)
		*stats = (struct stats){ .magic = STATS_MAGIC };
	stats->s.restarts = (uint64_t)arg(argv, 5);
	stats->s.inflight = 0;
	stats->s.driver_pid = (uint64_t)getpid();
	if (ntfn_bind(ntfn) < 0 || lde_sys_dev_irq_ack(dev_fd) < 0) {
		perror("blk: interrupt");
		return EXIT_BADDEV;
	}
	if (stats->s.restarts == 0)
		printf("blk: virtio-blk disk, %llu sectors (%llu KiB)\n",
		       (unsigned long long)capacity, (unsigned long long)capacity / 2);
	fflush(stdout);
	if (write(ready, "R", 1) != 1)
		return EXIT_BADDEV;
	close(ready);

	for (;;) {
		struct lde_msg m;
		long r;
		if (nheld < NSLOT) {
			r = ipc_recv(ep, &m);
		} else {
			/* Every slot held: requests wait in the endpoint's queue
			 * until a completion frees one. */
			r = ntfn_wait(ntfn);
			m.info = LDE_MSG_NTFN;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("blk: recv");
			return 1;
		}
		if (m.info & LDE_MSG_NTFN)
			interrupt();
		else
			request(&m);
		if (held_irq && stats->s.inflight >= hold)
			interrupt(); /* the test switch held completions long enough */
	}
}
