/* Block cache: see bcache.h. */
#include "bcache.h"

#include <errno.h>
#include <string.h>

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static size_t align_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

size_t bcache_mem_size(uint32_t bsize, uint32_t nbufs)
{
	size_t n = align_up((size_t)nbufs * sizeof(struct bc_buf), 16);

	n += align_up((size_t)pow2_at_least(nbufs) * sizeof(struct bc_buf *), 16);
	/* The data aligned to the block size (below), with room for that. */
	return n + (size_t)nbufs * bsize + 16 + pow2_at_least(bsize);
}

int bcache_init(struct bcache *bc, const struct blockdev *dev, uint32_t bsize, void *mem,
		size_t memsize)
{
	uint32_t n = 0;
	uint8_t *p;

	if (!bsize || bsize % BLOCKDEV_SECTOR || !mem)
		return -EINVAL;
	/* The largest n that fits (the hash table grows in steps). */
	while (n < 65536 && bcache_mem_size(bsize, n + 1) <= memsize)
		n++;
	if (n < BCACHE_MIN_BUFS)
		return -EINVAL;
	memset(bc, 0, sizeof(*bc));
	bc->dev = dev;
	bc->bsize = bsize;
	bc->spb = bsize / BLOCKDEV_SECTOR;
	bc->nbufs = n;
	p = (uint8_t *)align_up((uintptr_t)mem, 16);
	bc->bufs = (struct bc_buf *)p;
	p += align_up((size_t)n * sizeof(struct bc_buf), 16);
	bc->heads = (struct bc_buf **)p;
	bc->hmask = pow2_at_least(n) - 1;
	p += align_up((size_t)(bc->hmask + 1) * sizeof(struct bc_buf *), 16);
	/* Each block within one page (blocks of 1 to 4 KiB, a power of two):
	 * the kernel copies a block into a caller's lease in one piece. */
	p = (uint8_t *)align_up((uintptr_t)p, pow2_at_least(bsize));
	for (uint32_t i = 0; i <= bc->hmask; i++)
		bc->heads[i] = NULL;
	for (uint32_t i = 0; i < n; i++) {
		struct bc_buf *b = &bc->bufs[i];

		memset(b, 0, sizeof(*b));
		b->data = p + (size_t)i * bsize;
		b->next = NULL;
	}
	return 0;
}

static uint32_t hash(const struct bcache *bc, uint32_t blk) { return bcache_hash(bc, blk); }

static struct bc_buf *find(struct bcache *bc, uint32_t blk)
{
	for (struct bc_buf *b = bc->heads[hash(bc, blk)]; b; b = b->next)
		if (b->valid && b->blk == blk)
			return b;
	return NULL;
}

static void unhash(struct bcache *bc, struct bc_buf *b)
{
	struct bc_buf **link = &bc->heads[hash(bc, b->blk)];

	while (*link) {
		if (*link == b) {
			*link = b->next;
			break;
		}
		link = &(*link)->next;
	}
	b->next = NULL;
	b->valid = 0;
	b->ver = ++bc->vers;
}

static int write_buf(struct bcache *bc, struct bc_buf *b)
{
	int r = bc->dev->write(bc->dev->ctx, (uint64_t)b->blk * bc->spb, bc->spb, b->data);

	if (r < 0)
		return -EIO;
	bc->writes++;
	b->dirty = 0;
	bc->ndirty--;
	return 0;
}

int bcache_flush(struct bcache *bc)
{
	int err = 0;

	for (int c = 0; c < BC_NCLASS && bc->ndirty; c++) {
		int wrote = 0;

		/* In block order: cheaper for a disk, and deterministic. */
		for (uint32_t i = 0; i < bc->nbufs; i++) {
			struct bc_buf *b = &bc->bufs[i];

			if (b->valid && b->dirty && b->cls == c) {
				int r = write_buf(bc, b);

				if (r < 0 && !err)
					err = r;
				wrote = 1;
			}
		}
		/* The barrier: nothing of the next class may reach the disk
		 * before this class has. A failed class stops the flush. */
		if (wrote) {
			bc->flushes++;
			if (bc->dev->flush(bc->dev->ctx) < 0 && !err)
				err = -EIO;
		}
		if (err)
			return err;
	}
	return err;
}

/* The least recently used unpinned buffer, flushing everything first if
 * it is dirty (see bcache.h: a dirty buffer is never written alone). */
static int victim(struct bcache *bc, struct bc_buf **out)
{
	struct bc_buf *best = NULL;

	for (uint32_t i = 0; i < bc->nbufs; i++) {
		struct bc_buf *b = &bc->bufs[i];

		if (b->refs)
			continue;
		if (!b->valid) {
			best = b;
			break;
		}
		if (!best || b->stamp < best->stamp)
			best = b;
	}
	if (!best)
		return -ENOMEM;
	if (best->valid && best->dirty) {
		int r = bcache_flush(bc);

		if (r < 0)
			return r;
	}
	if (best->valid)
		unhash(bc, best);
	*out = best;
	return 0;
}

/* How get() fills a buffer. */
enum fill { FILL_READ, FILL_ZERO, FILL_NONE };

static int get(struct bcache *bc, uint32_t blk, enum fill fill, struct bc_buf **out)
{
	struct bc_buf *b = find(bc, blk);
	int r;

	if (b) {
		if (fill != FILL_READ) {
			/* Its bytes are about to change wholesale. */
			bc->dir_epoch += b->dir_ok;
			b->dir_ok = 0;
			b->ver = ++bc->vers;
		}
		if (fill == FILL_ZERO)
			memset(b->data, 0, bc->bsize);
	} else {
		r = victim(bc, &b);
		if (r < 0)
			return r;
		if (fill == FILL_ZERO) {
			memset(b->data, 0, bc->bsize);
		} else if (fill == FILL_READ) {
			r = bc->dev->read(bc->dev->ctx, (uint64_t)blk * bc->spb, bc->spb, b->data);
			if (r < 0)
				return -EIO;
			bc->reads++;
		}
		b->blk = blk;
		b->valid = 1;
		b->dirty = 0;
		b->dir_ok = 0;
		b->ver = ++bc->vers;
		b->next = bc->heads[hash(bc, blk)];
		bc->heads[hash(bc, blk)] = b;
	}
	b->refs++;
	b->stamp = ++bc->tick;
	*out = b;
	return 0;
}

int bcache_get(struct bcache *bc, uint32_t blk, struct bc_buf **out)
{
	/* A cached block (the usual case) without get's frame. */
	struct bc_buf *b = bcache_lookup(bc, blk);

	if (b) {
		*out = b;
		return 0;
	}
	return get(bc, blk, FILL_READ, out);
}

int bcache_get_zero(struct bcache *bc, uint32_t blk, struct bc_buf **out)
{
	return get(bc, blk, FILL_ZERO, out);
}

int bcache_get_new(struct bcache *bc, uint32_t blk, struct bc_buf **out)
{
	return get(bc, blk, FILL_NONE, out);
}

void bcache_dirty(struct bcache *bc, struct bc_buf *b, enum bc_class cls)
{
	if (!b->dirty) {
		b->dirty = 1;
		bc->ndirty++;
	}
	b->cls = (uint8_t)cls;
	b->ver = ++bc->vers;
	if (cls != BC_DIR) {
		bc->dir_epoch += b->dir_ok;
		b->dir_ok = 0;
	}
}

int bcache_write_now(struct bcache *bc, struct bc_buf *b)
{
	bc->dir_epoch += b->dir_ok;
	b->dir_ok = 0;
	b->ver = ++bc->vers;
	if (!b->dirty) {
		b->dirty = 1;
		bc->ndirty++;
	}
	return write_buf(bc, b);
}

void bcache_invalidate(struct bcache *bc)
{
	for (uint32_t i = 0; i < bc->nbufs; i++) {
		struct bc_buf *b = &bc->bufs[i];

		if (b->valid && !b->dirty && !b->refs)
			unhash(bc, b);
	}
}
