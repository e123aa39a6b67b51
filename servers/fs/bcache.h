/* A bounded write-back cache of file-system blocks over a struct blockdev.
 *
 * The caller gives the cache its memory once (bcache_init); it never
 * allocates, so its size is fixed for the life of the mount. Buffers are
 * found by block number through a hash table; when a block is needed and
 * none is free, the least recently used unpinned buffer is reused.
 *
 * Write ordering: every dirty buffer carries a class, and bcache_flush()
 * writes the classes in the order of enum bc_class with a device flush
 * after each class, so that a crash never leaves a later class on disk
 * without the earlier ones (docs/files.md, "ext2 on disk: write ordering").
 * A dirty buffer is never written alone: evicting one flushes the whole
 * cache, so the order holds there too. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "blockdev.h"

/* In write order. */
enum bc_class {
	BC_META,  /* bitmaps, group descriptors, superblock */
	BC_DATA,  /* file contents */
	BC_IND,	  /* indirect blocks */
	BC_DIR,	  /* directory blocks */
	BC_INODE, /* inode table */
	BC_NCLASS
};

struct bc_buf {
	uint8_t *data;
	struct bc_buf *next; /* hash chain, NULL ends */
	uint32_t blk;
	uint32_t stamp; /* last use, for LRU */
	uint16_t refs;	/* pins: a pinned buffer is not reused */
	uint8_t valid;	/* holds blk's contents */
	uint8_t dirty;	/* differs from the disk */
	uint8_t cls;	/* enum bc_class, when dirty */
	/* The contents passed ext2's directory-block check: cleared whenever
	 * they are read or zeroed, or changed in any class but BC_DIR (the
	 * directory code keeps its blocks well-formed), so that a block that
	 * is also something else on a corrupt disk is checked again. */
	uint8_t dir_ok;
	/* Changes whenever the contents may have (read, zeroed, dirtied) or
	 * the buffer stops holding blk: what the engine's memos of decoded
	 * inodes and directory entries compare, so that they hold exactly as
	 * long as the block they came from stays cached and unchanged. */
	uint64_t ver;
};

struct bcache {
	const struct blockdev *dev;
	uint32_t bsize;
	uint32_t spb; /* sectors per block */
	uint32_t nbufs;
	uint32_t hmask;
	uint64_t tick;
	uint64_t vers; /* the last ver given out: never repeats */
	/* Goes up when a block checked as a directory's (dir_ok) is changed
	 * as anything else: on a corrupt disk where a file and a directory
	 * share a block, a file write changes the directory. */
	uint64_t dir_epoch;
	uint32_t ndirty;
	struct bc_buf *bufs;
	/* The hash chains: pointers rather than indices, so that a lookup
	 * (a read's every block) follows them without scaling an index. */
	struct bc_buf **heads;
	/* Counters for tests and statfs-like reports. */
	uint64_t reads, writes, flushes;
};

#define BCACHE_MIN_BUFS 16

/* Bytes of memory bcache_init needs for nbufs buffers of bsize bytes. */
size_t bcache_mem_size(uint32_t bsize, uint32_t nbufs);

/* Set up a cache of as many bsize-byte buffers as fit in mem (at least
 * BCACHE_MIN_BUFS, else -EINVAL). bsize is a multiple of the sector size. */
int bcache_init(struct bcache *bc, const struct blockdev *dev, uint32_t bsize, void *mem,
		size_t memsize);

/* Pin block blk, reading it if it is not cached. 0 or -EIO (device error),
 * -ENOMEM (every buffer pinned: a bug in the caller). */
int bcache_get(struct bcache *bc, uint32_t blk, struct bc_buf **out);

/* The hash chain that holds blk, if anything does. */
static inline uint32_t bcache_hash(const struct bcache *bc, uint32_t blk)
{
	/* Fibonacci hashing, in 64 bits so that nothing wraps. */
	return (uint32_t)(((uint64_t)blk * 2654435761u) >> 16) & bc->hmask;
}

/* Block blk's buffer if it is cached, marked used but not pinned: it
 * holds blk until the next call that may reuse a buffer (bcache_get and
 * its kin), or NULL. Inline, for loops over a file's blocks (a read). */
static inline struct bc_buf *bcache_find(struct bcache *bc, uint32_t blk)
{
	for (struct bc_buf *b = bc->heads[bcache_hash(bc, blk)]; b; b = b->next) {
		if (b->blk == blk && b->valid) {
			b->stamp = (uint32_t)++bc->tick;
			return b;
		}
	}
	return NULL;
}

/* Pin b, which bcache_find gave. */
static inline void bcache_pin(struct bc_buf *b) { b->refs++; }

/* bcache_get's cached case: block blk pinned, or NULL when it is not
 * cached (then bcache_get). */
static inline struct bc_buf *bcache_lookup(struct bcache *bc, uint32_t blk)
{
	struct bc_buf *b = bcache_find(bc, blk);

	if (b)
		bcache_pin(b);
	return b;
}

/* Pin block blk without reading it: its contents are zeroed (the caller is
 * about to overwrite a block that was free). */
int bcache_get_zero(struct bcache *bc, uint32_t blk, struct bc_buf **out);

/* Pin block blk without reading or clearing it: its contents are
 * undefined until the caller, which must, overwrites all of it (a whole
 * block of file data written at once). */
int bcache_get_new(struct bcache *bc, uint32_t blk, struct bc_buf **out);

/* Unpin b (NULL: nothing). Inline: every call pins and unpins. */
static inline void bcache_put(struct bcache *bc, struct bc_buf *b)
{
	(void)bc;
	if (b && b->refs)
		b->refs--;
}

/* Mark b dirty in class cls (the class of its latest change). */
void bcache_dirty(struct bcache *bc, struct bc_buf *b, enum bc_class cls);

/* Write b now, out of the class order. Only for a block nothing on the
 * disk points to yet (a freshly allocated one): its early arrival cannot
 * be seen after a crash. */
int bcache_write_now(struct bcache *bc, struct bc_buf *b);

/* Write every dirty buffer, class by class, each class followed by a
 * device flush. 0 or the first error (buffers that failed stay dirty). */
int bcache_flush(struct bcache *bc);

/* Forget every clean, unpinned buffer (after an error, or for tests). */
void bcache_invalidate(struct bcache *bc);
