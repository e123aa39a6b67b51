/* The name cache: a bounded memo of directory lookups, (directory inode,
 * name) -> (inode, file type), for the ext2 engine's path walk
 * (docs/files.md, "The name and inode memos").
 *
 * An entry is only as good as the directory block the name was found in:
 * it records that block's buffer and the buffer's version (bcache's ver),
 * and the cache's epoch of directory blocks changed as something else
 * (bcache's dir_epoch). Any change to the block (an entry added, removed
 * or pointed elsewhere: unlink, rmdir, rename, create), its eviction, or
 * a directory block rewritten as a file's changes one of them, and the
 * entry is dead. So nothing has to remember to invalidate it, and a hit
 * is exactly what scanning the directory would find. Names of "." and
 * ".." are never kept (a directory's ".." changes when it moves, and an
 * inode number is reused for another directory after rmdir), nor names
 * longer than NC_NAME_MAX.
 *
 * Fixed size (NC_SETS sets of two entries), no allocation: the memory is
 * the same however many names are looked up. All zeroes is empty (the
 * engine clears it at mount with the rest of struct ext2_fs). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "bcache.h"

#define NC_SETS 128
#define NC_NAME_MAX 38

struct nc_ent {
	uint32_t dir; /* 0: empty */
	uint32_t ino;
	uint64_t ver, epoch;	  /* the block's bcache ver, bcache's dir_epoch */
	const struct bc_buf *buf; /* the block's buffer */
	uint8_t type, len;
	char name[NC_NAME_MAX];
};

struct ncache {
	struct nc_ent set[NC_SETS][2]; /* [0] the more recently added */
	uint64_t hits, misses;	       /* for tests */
};

/* The hash of a name in directory dir, a byte at a time: FNV-1a over the
 * name, seeded with the directory, so that a path walk hashes each
 * component in the loop that finds where it ends (nothing reads the name
 * twice to look it up). ncache_hash_end gives what ncache_find and
 * ncache_add take. */
static inline uint32_t ncache_hash_start(uint32_t dir) { return 2166136261u ^ dir; }

static inline uint32_t ncache_hash_byte(uint32_t h, char c)
{
	/* In 64 bits, kept to 32: FNV's product, without a wrap (the fuzz
	 * target reports wrapping arithmetic). */
	return (uint32_t)((uint64_t)(h ^ (uint8_t)c) * 16777619u);
}

static inline uint32_t ncache_hash_end(uint32_t h) { return h ^ (h >> 15); }

/* The hash of name[0..len) in directory dir, in one call. */
static inline uint32_t ncache_hash(uint32_t dir, const char *name, size_t len)
{
	uint32_t h = ncache_hash_start(dir);

	for (size_t i = 0; i < len; i++)
		h = ncache_hash_byte(h, name[i]);
	return ncache_hash_end(h);
}

/* e's block still as it was when e was made. */
static inline int ncache_live(const struct nc_ent *e, const struct bcache *bc)
{
	return e->dir && e->buf->ver == e->ver && bc->dir_epoch == e->epoch;
}

static inline int ncache_same(const struct nc_ent *e, uint32_t dir, const char *name, size_t len)
{
	if (e->dir != dir || e->len != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (e->name[i] != name[i])
			return 0;
	return 1;
}

/* name[0..len) in dir, if a live entry has it: 1 with *ino and *type, or 0. */
static inline int ncache_find(struct ncache *nc, const struct bcache *bc, uint32_t hash,
			      uint32_t dir, const char *name, size_t len, uint32_t *ino,
			      uint8_t *type)
{
	struct nc_ent *s = nc->set[hash % NC_SETS];

	for (int i = 0; i < 2; i++) {
		if (ncache_same(&s[i], dir, name, len) && ncache_live(&s[i], bc)) {
			*ino = s[i].ino;
			*type = s[i].type;
			nc->hits++;
			return 1;
		}
	}
	nc->misses++;
	return 0;
}

/* Remember that dir's block in buffer buf names name as ino of type type
 * (as dir_find just found it there). Names it does not keep are ignored. */
void ncache_add(struct ncache *nc, const struct bcache *bc, uint32_t hash, uint32_t dir,
		const char *name, size_t len, uint32_t ino, uint8_t type, const struct bc_buf *buf);
