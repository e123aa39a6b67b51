/* The block device the file-system code runs over: three callbacks on
 * 512-byte sectors. In lde they call libblk (the virtio-blk driver's client
 * library); on the host, a file or a memory buffer (tests/host/ext2tool.c,
 * tests/fuzz/fuzz_ext2.c). The file system never talks to a device any
 * other way, so the same code runs in both places. */
#pragma once
#include <stdint.h>

#define BLOCKDEV_SECTOR 512u

struct blockdev {
	void *ctx;
	uint64_t nsectors; /* device size in sectors */
	/* Each returns 0 or a negative errno (-EIO). A write may be reordered
	 * with other writes by the device until flush() returns: flush is the
	 * only barrier (virtio-blk's FLUSH, fsync on the host). */
	int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
};
