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
 * the same however many names are looked up. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "bcache.h"

#define NC_SETS 128
#define NC_NAME_MAX 38

struct nc_ent {
	uint32_t dir; /* 0: empty */
	uint32_t ino;
	uint64_t ver, epoch; /* the block's bcache ver, bcache's dir_epoch */
	uint32_t buf;	     /* the buffer's index in the cache */
	uint8_t type, len;
	char name[NC_NAME_MAX];
};

struct ncache {
	struct nc_ent set[NC_SETS][2]; /* [0] the more recently added */
	uint64_t hits, misses;	       /* for tests */
};

/* Empty the cache (at mount). */
void ncache_init(struct ncache *nc);

/* The hash of name[0..len) in directory dir: where ncache_find and
 * ncache_add look. */
uint32_t ncache_hash(uint32_t dir, const char *name, size_t len);

/* name[0..len) in dir, if a live entry has it: 1 with *ino and *type, or 0. */
int ncache_find(struct ncache *nc, const struct bcache *bc, uint32_t hash, uint32_t dir,
		const char *name, size_t len, uint32_t *ino, uint8_t *type);

/* Remember that dir's block in buffer buf names name as ino of type type
 * (as dir_find just found it there). Names it does not keep are ignored. */
void ncache_add(struct ncache *nc, const struct bcache *bc, uint32_t hash, uint32_t dir,
		const char *name, size_t len, uint32_t ino, uint8_t type, uint32_t buf);
