/* The disk (docs/drivers.md): the protocol between clients and the
 * user-space virtio-blk driver (servers/blk), and libblk, the client
 * library every client uses (user/lib/blk.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define BLK_SECTOR 512
#define BLK_MAX_BYTES 16384 /* per request; libblk splits longer transfers */
#define BLK_RETRIES 8	    /* resends of one request after its driver died */

/* A request is an IPC call on the driver's endpoint; the label says what:
 *   READ   w0 byte offset, w1 bytes, w2 flags; lease 0 writable, >= w1 bytes
 *   WRITE  the same, lease 0 readable
 *   FLUSH  w2 flags: the device's write cache reaches the disk
 *   INFO   reply w0 = capacity in sectors, w1 = BLK_MAX_BYTES
 *   STATS  lease 0 writable, >= sizeof(struct blk_stats)
 * Offsets and lengths are multiples of BLK_SECTOR, lengths 1 sector to
 * BLK_MAX_BYTES, within the disk. The reply's label is 0 (w0 = bytes
 * moved) or a positive errno: EINVAL for a bad request (range, alignment,
 * length, lease too small), EACCES for a lease lent the wrong way, EFAULT
 * for a lease over memory that cannot take the data, EIO when the device
 * failed, ENOSYS for an unknown label. */
enum blk_op {
	BLK_OP_READ = 1,
	BLK_OP_WRITE = 2,
	BLK_OP_FLUSH = 3,
	BLK_OP_INFO = 4,
	BLK_OP_STATS = 5,
	/* The test switches, which only a driver started with "test" (svc's
	 * flag) takes. CRASH: w0 = n, the driver crashes (a wild store,
	 * SIGSEGV) just after handing its n-th next read or write to the
	 * device. HOLD: w0 = n (2..16), the driver leaves completions alone
	 * until n requests are at the device at once, then goes on as usual:
	 * a queue depth a test can count on. */
	BLK_OP_TEST_CRASH = 0x7e57,
	BLK_OP_TEST_HOLD = 0x7e58,
};
#define BLK_F_RESEND 1 /* w2: sent again, its first driver died holding it */

struct blk_stats {
	uint64_t requests; /* received, of every kind */
	uint64_t reads, writes, flushes;
	uint64_t bytes_read, bytes_written;
	uint64_t errors;   /* answered with an error */
	uint64_t resends;  /* requests that came with BLK_F_RESEND */
	uint64_t restarts; /* drivers started after the first one */
	uint64_t inflight; /* at the device now */
	uint64_t max_inflight;
	uint64_t max_held;   /* the most requests held at once (device + waiting) */
	uint64_t capacity;   /* sectors */
	uint64_t driver_pid; /* the current driver */
};

/* A client's handle on the disk. */
struct blk {
	int fd;		   /* the driver's endpoint (a badged descriptor) */
	uint64_t capacity; /* sectors */
	uint64_t resends;  /* this client's requests sent again after ECONNRESET */
};

/* Each returns 0 (blk_read, blk_write: bytes) or -errno. A request its
 * driver died holding (ECONNRESET) is sent again, up to BLK_RETRIES times,
 * and then fails with EIO; so does every request once the supervisor has
 * given up on the driver. No disk service at all (the endpoint has no
 * server left): ENODEV. */
int blk_open(struct blk *b, int fd);
long blk_read(struct blk *b, uint64_t off, void *buf, size_t n);
long blk_write(struct blk *b, uint64_t off, const void *buf, size_t n);
long blk_flush(struct blk *b);
long blk_stats(struct blk *b, struct blk_stats *st);

/* One request exactly as given: no split, no retry. lease: the buffer
 * lent (NULL: none), with LDE_LEASE_* flags. Returns the reply's w0, or
 * -errno (the reply's errno, or the call's). For tests and tools. */
long blk_request(int fd, int op, uint64_t w0, uint64_t w1, uint64_t w2, void *lease, size_t len,
		 int lflags);

/* Start the disk service (servers/svc supervising servers/blk) on
 * virtio-mmio device 0: mgr is the device-manager descriptor, kept by the
 * caller (the supervisor gets a copy); ep the endpoint it will serve,
 * which the caller gives up (closed here: it should keep only badged
 * copies, made with ep_mint before); flags: svc's flag ("test") or
 * NULL. Waits until the service knows whether there is a disk: 0 and the
 * supervisor's pid in *svc_pid, -ENODEV without a disk (the service has
 * ended, calls on the endpoint fail), or -errno. */
int blk_service_start(int mgr, int ep, const char *flags, int *svc_pid);

/* The descriptor at which init gives every program it starts a client
 * endpoint of the disk, when there is one (user/init.c). */
#define BLK_FD 15
