/* ext2 on a struct blockdev: see ext2.h, and docs/files.md for the format
 * subset, the write ordering and the error rules. */
#include "ext2.h"

#include <errno.h>
#include <string.h>

/* ---- on-disk layout ------------------------------------------------------ */

#define SB_OFFSET 1024
#define SB_MAGIC 0xEF53

/* Superblock fields (byte offsets). */
#define SB_INODES_COUNT 0
#define SB_BLOCKS_COUNT 4
#define SB_R_BLOCKS 8
#define SB_FREE_BLOCKS 12
#define SB_FREE_INODES 16
#define SB_FIRST_DATA_BLOCK 20
#define SB_LOG_BLOCK_SIZE 24
#define SB_BLOCKS_PER_GROUP 32
#define SB_INODES_PER_GROUP 40
#define SB_MAGIC_OFF 56
#define SB_STATE 58
#define SB_REV 76
#define SB_DEF_RESUID 80
#define SB_DEF_RESGID 82
#define SB_FIRST_INO 84
#define SB_INODE_SIZE 88
#define SB_FEAT_COMPAT 92
#define SB_FEAT_INCOMPAT 96
#define SB_FEAT_RO_COMPAT 100
#define SB_RESERVED_GDT 206
#define SB_MIN_EXTRA_ISIZE 0x15C
#define SB_WANT_EXTRA_ISIZE 0x15E

#define STATE_VALID 1

#define COMPAT_RESIZE_INODE 0x10
#define INCOMPAT_FILETYPE 0x2
#define RO_COMPAT_SPARSE_SUPER 0x1
#define RO_COMPAT_LARGE_FILE 0x2
#define INCOMPAT_KNOWN INCOMPAT_FILETYPE
#define RO_COMPAT_KNOWN (RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE)

/* Group descriptor: 32 bytes. */
#define GD_SIZE 32
#define GD_BLOCK_BITMAP 0
#define GD_INODE_BITMAP 4
#define GD_INODE_TABLE 8
#define GD_FREE_BLOCKS 12
#define GD_FREE_INODES 14
#define GD_USED_DIRS 16

/* Inode fields. */
#define I_MODE 0
#define I_UID 2
#define I_SIZE 4
#define I_ATIME 8
#define I_CTIME 12
#define I_MTIME 16
#define I_DTIME 20
#define I_GID 24
#define I_LINKS 26
#define I_BLOCKS 28
#define I_FLAGS 32
#define I_BLOCK 40
#define I_GENERATION 100
#define I_FILE_ACL 104
#define I_SIZE_HIGH 108
#define I_UID_HIGH 120
#define I_GID_HIGH 122
#define I_EXTRA_ISIZE 128

#define NDIR 12
#define IND 12
#define DIND 13
#define TIND 14
#define NBLOCKS 15
#define FAST_LINK_MAX 59 /* bytes of target that fit in i_block */

#define DIRENT_HDR 8
#define DIRENT_LEN(n) (((n) + DIRENT_HDR + 3) & ~3u)

/* Bound of a directory's size: what 2,000-entry directories need, many
 * times over; a corrupt i_size above it is refused, not scanned. */
#define DIR_MAX_BYTES (64u << 20)

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
/* The same, for fields of an inode: the record is aligned (cache
 * buffers are 16-byte aligned, inode_size a power of two of at least 128,
 * the fields at their natural offsets), so one load, not four. */
static uint16_t get16a(const uint8_t *p)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint16_t v;
	memcpy(&v, __builtin_assume_aligned(p, 2), sizeof v);
	return v;
#else
	return get16(p);
#endif
}
static uint32_t get32a(const uint8_t *p)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;
	memcpy(&v, __builtin_assume_aligned(p, 4), sizeof v);
	return v;
#else
	return get32(p);
#endif
}
/* Stores into aligned fields of an inode (as get16a, get32a). */
static void put16a(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint16_t x = (uint16_t)v;
	memcpy(__builtin_assume_aligned(p, 2), &x, sizeof x);
#else
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
#endif
}
static void put32a(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(__builtin_assume_aligned(p, 4), &v, sizeof v);
#else
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
#endif
}
static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* An inode, decoded. */
_Static_assert(sizeof(((struct inode *)0)->block) == NBLOCKS * 4, "struct inode in ext2.h");

static uint32_t now(struct ext2_fs *fs) { return fs->now ? fs->now(fs->hook_ctx) : 0; }

static int is_type(uint32_t mode, uint32_t t) { return (mode & EXT2_S_IFMT) == t; }

/* The directory entry's file type for a mode (EXT2_FT_UNKNOWN: not a
 * type ext2 has). A table by the type bits: every path step checks one. */
static uint8_t ftype_of(uint32_t mode)
{
	static const uint8_t ft[16] = {
		[EXT2_S_IFREG >> 12] = EXT2_FT_REG,	[EXT2_S_IFDIR >> 12] = EXT2_FT_DIR,
		[EXT2_S_IFCHR >> 12] = EXT2_FT_CHRDEV,	[EXT2_S_IFBLK >> 12] = EXT2_FT_BLKDEV,
		[EXT2_S_IFIFO >> 12] = EXT2_FT_FIFO,	[EXT2_S_IFSOCK >> 12] = EXT2_FT_SOCK,
		[EXT2_S_IFLNK >> 12] = EXT2_FT_SYMLINK,
	};

	return ft[(mode & EXT2_S_IFMT) >> 12];
}

/* ---- superblock and group descriptors ------------------------------------ */

static uint32_t sb_blk(const struct ext2_fs *fs) { return SB_OFFSET / fs->bsize; }
static uint32_t sb_off(const struct ext2_fs *fs) { return SB_OFFSET % fs->bsize; }

/* The superblock's free counts follow every allocation. */
static int sb_update(struct ext2_fs *fs)
{
	struct bc_buf *b;
	int r = bcache_get(&fs->bc, sb_blk(fs), &b);

	if (r < 0)
		return r;
	put32a(b->data + sb_off(fs) + SB_FREE_BLOCKS, fs->free_blocks);
	put32a(b->data + sb_off(fs) + SB_FREE_INODES, fs->free_inodes);
	put32a(b->data + sb_off(fs) + SB_FEAT_RO_COMPAT, fs->feat_ro_compat);
	bcache_dirty(&fs->bc, b, BC_META);
	bcache_put(&fs->bc, b);
	return 0;
}

static int sb_set_state(struct ext2_fs *fs, int valid)
{
	struct bc_buf *b;
	int r = bcache_get(&fs->bc, sb_blk(fs), &b);
	uint8_t *s;

	if (r < 0)
		return r;
	s = b->data + sb_off(fs);
	put16(s + SB_STATE,
	      valid ? (get16(s + SB_STATE) | STATE_VALID) : (get16(s + SB_STATE) & ~STATE_VALID));
	bcache_dirty(&fs->bc, b, BC_META);
	bcache_put(&fs->bc, b);
	return bcache_flush(&fs->bc);
}

/* Pin group g's descriptor: *p points at its 32 bytes. */
static int gd_get(struct ext2_fs *fs, uint32_t g, struct bc_buf **b, uint8_t **p)
{
	uint32_t per = fs->bsize / GD_SIZE;
	int r;

	if (g >= fs->ngroups)
		return -EIO;
	r = bcache_get(&fs->bc, fs->first_data_block + 1 + g / per, b);
	if (r < 0)
		return r;
	*p = (*b)->data + (g % per) * GD_SIZE;
	return 0;
}

static int has_super(const struct ext2_fs *fs, uint32_t g)
{
	if (g <= 1 || !(fs->feat_ro_compat & RO_COMPAT_SPARSE_SUPER))
		return 1;
	for (uint32_t base = 3; base <= 7; base += 2) {
		uint64_t p = base;

		while (p < g)
			p *= base;
		if (p == g)
			return 1;
	}
	return 0;
}

static uint32_t group_start(const struct ext2_fs *fs, uint32_t g)
{
	return fs->first_data_block + g * fs->blocks_per_group;
}

static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t g)
{
	uint32_t s = group_start(fs, g);

	return fs->blocks_count - s < fs->blocks_per_group ? fs->blocks_count - s
							   : fs->blocks_per_group;
}

static uint32_t reserved_gdt(const struct ext2_fs *fs)
{
	return (fs->feat_compat & COMPAT_RESIZE_INODE) ? fs->rsv_gdt : 0;
}

/* The superblock copy, descriptors and reserved descriptor blocks at the
 * start of group g: how many blocks (0 if the group has no copy). */
static uint32_t super_area(const struct ext2_fs *fs, uint32_t g)
{
	return has_super(fs, g) ? 1 + fs->gdt_blocks + reserved_gdt(fs) : 0;
}

/* May a block pointer read from the disk name blk? It must be inside the
 * file system and not one of its metadata blocks, or a corrupt file would
 * read (or, worse, write) the bitmaps and inode tables. 0 or -EIO. */
/* Group g's block bitmap, inode bitmap and inode table, from the one-entry
 * memo in fs (most requests stay in one group). 0 or -EIO. */
static int gd_locs(struct ext2_fs *fs, uint32_t g, uint32_t *bb, uint32_t *ib, uint32_t *it)
{
	if (!fs->gd_have || fs->gd_g != g) {
		struct bc_buf *b;
		uint8_t *gd;
		int r = gd_get(fs, g, &b, &gd);

		if (r < 0)
			return r;
		fs->gd_bb = get32(gd + GD_BLOCK_BITMAP);
		fs->gd_ib = get32(gd + GD_INODE_BITMAP);
		fs->gd_it = get32(gd + GD_INODE_TABLE);
		fs->gd_g = g;
		fs->gd_have = 1;
		bcache_put(&fs->bc, b);
	}
	*bb = fs->gd_bb;
	*ib = fs->gd_ib;
	*it = fs->gd_it;
	return 0;
}

static __attribute__((noinline)) int check_blk_slow(struct ext2_fs *fs, uint32_t blk)
{
	uint32_t g, bb, ib, it, lo;
	int r;

	if (blk < fs->first_data_block || blk >= fs->blocks_count)
		return -EIO;
	g = (blk - fs->first_data_block) / fs->blocks_per_group;
	if (blk - group_start(fs, g) < super_area(fs, g))
		return -EIO;
	r = gd_locs(fs, g, &bb, &ib, &it);
	if (r < 0)
		return r;
	if (blk == bb || blk == ib || (blk >= it && blk - it < fs->inode_table_blocks))
		return -EIO;
	/* The group's blocks past its last metadata block need none of the
	 * above (mount checked that the metadata lies inside the group). */
	lo = group_start(fs, g) + super_area(fs, g);
	lo = bb + 1 > lo ? bb + 1 : lo;
	lo = ib + 1 > lo ? ib + 1 : lo;
	lo = it + fs->inode_table_blocks > lo ? it + fs->inode_table_blocks : lo;
	fs->ok_lo = lo;
	fs->ok_hi = group_start(fs, g) + group_blocks(fs, g);
	return 0;
}

/* Inline for the usual case, a block after all of its group's metadata
 * (the slow part would save ten registers first). */
static inline int check_blk(struct ext2_fs *fs, uint32_t blk)
{
	if (blk >= fs->ok_lo && blk < fs->ok_hi)
		return 0;
	return check_blk_slow(fs, blk);
}

/* ---- inodes -------------------------------------------------------------- */

static int inode_loc(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
	uint32_t g, idx, it, bb, ib;
	uint64_t byte;
	int r;

	if (ino < 1 || ino > fs->inodes_count)
		return -EIO;
	g = (ino - 1) / fs->inodes_per_group;
	idx = (ino - 1) % fs->inodes_per_group;
	r = gd_locs(fs, g, &bb, &ib, &it);
	if (r < 0)
		return r;
	byte = (uint64_t)idx * fs->inode_size;
	/* The table was checked at mount, but a descriptor block can be
	 * rewritten by nothing else, so this holds; check anyway, cheaply. */
	if (it < fs->first_data_block || (uint64_t)it + byte / fs->bsize >= fs->blocks_count)
		return -EIO;
	*blk = it + (uint32_t)(byte / fs->bsize);
	*off = (uint32_t)(byte % fs->bsize);
	return 0;
}

/* iget's decoding, into the memo's entry for ino (nothing is written
 * there until the table block is pinned, so a failure leaves the entry
 * as it was). */
static __attribute__((noinline)) int iget_fill(struct ext2_fs *fs, uint32_t ino,
					       const struct inode **out)
{
	struct ext2_imemo *m = &fs->imemo[ino % EXT2_IMEMO];
	struct inode *ip = &m->ip;
	struct bc_buf *b;
	uint32_t blk, off;
	const uint8_t *p;
	int r;

	r = inode_loc(fs, ino, &blk, &off);
	if (r < 0)
		return r;
	r = bcache_get(&fs->bc, blk, &b);
	if (r < 0)
		return r;
	p = b->data + off;
	/* Every field is set below: no memset (the server's is a byte at a
	 * time). */
	ip->ino = ino;
	ip->mode = get16a(p + I_MODE);
	ip->uid = get16a(p + I_UID) | (uint32_t)get16a(p + I_UID_HIGH) << 16;
	ip->gid = get16a(p + I_GID) | (uint32_t)get16a(p + I_GID_HIGH) << 16;
	ip->size_high = get32a(p + I_SIZE_HIGH);
	ip->size = get32a(p + I_SIZE);
	if (is_type(ip->mode, EXT2_S_IFREG))
		ip->size |= (uint64_t)ip->size_high << 32;
	ip->atime = get32a(p + I_ATIME);
	ip->ctime = get32a(p + I_CTIME);
	ip->mtime = get32a(p + I_MTIME);
	ip->dtime = get32a(p + I_DTIME);
	ip->links = get16a(p + I_LINKS);
	ip->blocks = get32a(p + I_BLOCKS);
	ip->flags = get32a(p + I_FLAGS);
	ip->generation = get32a(p + I_GENERATION);
	ip->file_acl = get32a(p + I_FILE_ACL);
	for (int i = 0; i < NBLOCKS; i++)
		ip->block[i] = get32a(p + I_BLOCK + 4 * i);
	m->ino = ino;
	m->buf = b;
	m->ver = b->ver;
	bcache_put(&fs->bc, b);
	*out = ip;
	return 0;
}

/* Inode ino as the memo has it (decoded now if it had not): *out points
 * into the memo, so it stays ino's only until the next inode decoded into
 * the same entry (any iget of a number equal to ino modulo EXT2_IMEMO).
 * For callers that only read the inode and look at no other meanwhile,
 * or none that could share its entry (a path walk's step: the directory
 * is not used after its entry's inode is fetched); the inode may change
 * on the disk meanwhile, as it could after a copy. Inline: the memo's hit
 * is a path walk's every step and a read's first. */
static inline int iget_ref(struct ext2_fs *fs, uint32_t ino, const struct inode **out)
{
	const struct ext2_imemo *m = &fs->imemo[ino % EXT2_IMEMO];

	if (m->ino == ino && ino && m->buf->ver == m->ver) {
		*out = &m->ip; /* its table block unchanged since it was decoded */
		return 0;
	}
	return iget_fill(fs, ino, out);
}

/* ino's inode copied into *ip, for a caller that changes it (then iput)
 * or keeps it across other inodes' igets. */
static int iget(struct ext2_fs *fs, uint32_t ino, struct inode *ip)
{
	const struct inode *p;
	int r = iget_ref(fs, ino, &p);

	if (r == 0)
		*ip = *p;
	return r;
}

static int iput(struct ext2_fs *fs, struct inode *ip)
{
	struct bc_buf *b;
	uint32_t blk, off;
	uint8_t *p;
	int r = inode_loc(fs, ip->ino, &blk, &off);

	if (r < 0)
		return r;
	r = bcache_get(&fs->bc, blk, &b);
	if (r < 0)
		return r;
	p = b->data + off;
	if (is_type(ip->mode, EXT2_S_IFREG)) {
		ip->size_high = (uint32_t)(ip->size >> 32);
		/* Files of 2 GiB and more need large_file (set once, kept). */
		if (ip->size > 0x7fffffffu && !(fs->feat_ro_compat & RO_COMPAT_LARGE_FILE)) {
			fs->feat_ro_compat |= RO_COMPAT_LARGE_FILE;
			sb_update(fs);
		}
	}
	put16a(p + I_MODE, ip->mode);
	put16a(p + I_UID, ip->uid & 0xffff);
	put16a(p + I_UID_HIGH, ip->uid >> 16);
	put16a(p + I_GID, ip->gid & 0xffff);
	put16a(p + I_GID_HIGH, ip->gid >> 16);
	put32a(p + I_SIZE, (uint32_t)ip->size);
	put32a(p + I_SIZE_HIGH, ip->size_high);
	put32a(p + I_ATIME, ip->atime);
	put32a(p + I_CTIME, ip->ctime);
	put32a(p + I_MTIME, ip->mtime);
	put32a(p + I_DTIME, ip->dtime);
	put16a(p + I_LINKS, ip->links);
	put32a(p + I_BLOCKS, ip->blocks);
	put32a(p + I_FLAGS, ip->flags);
	put32a(p + I_GENERATION, ip->generation);
	put32a(p + I_FILE_ACL, ip->file_acl);
	for (int i = 0; i < NBLOCKS; i++)
		put32a(p + I_BLOCK + 4 * i, ip->block[i]);
	bcache_dirty(&fs->bc, b, BC_INODE);
	bcache_put(&fs->bc, b);
	return 0;
}

static int valid_type(uint32_t mode) { return ftype_of(mode) != EXT2_FT_UNKNOWN; }

/* An inode a caller names by number (an open file may have no links). */
static int used_ok(const struct inode *ip)
{
	return valid_type(ip->mode) && !(ip->dtime && !ip->links) ? 0 : -EIO;
}

static int iget_used(struct ext2_fs *fs, uint32_t ino, struct inode *ip)
{
	int r = iget(fs, ino, ip);

	return r < 0 ? r : used_ok(ip);
}

/* iget_used without the copy: see iget_ref for how long *out holds. */
static inline int iget_used_ref(struct ext2_fs *fs, uint32_t ino, const struct inode **out)
{
	int r = iget_ref(fs, ino, out);

	return r < 0 ? r : used_ok(*out);
}

/* An inode a directory entry names: it must be in use. */
static int linked_ok(const struct inode *ip)
{
	return valid_type(ip->mode) && ip->links ? 0 : -EIO;
}

static int iget_linked(struct ext2_fs *fs, uint32_t ino, struct inode *ip)
{
	int r = iget(fs, ino, ip);

	return r < 0 ? r : linked_ok(ip);
}

/* ---- allocation ---------------------------------------------------------- */

/* The 64 bits of a bitmap from bit 64 * k (the map is a cache buffer,
 * so aligned): bit i of the map is bit i % 64 of its word, as ext2 numbers
 * them (LSB first in each byte). */
static uint64_t map_word(const uint8_t *map, uint32_t k)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, __builtin_assume_aligned(map + 8 * k, 8), sizeof v);
	return v;
#else
	return get32(map + 8 * k) | (uint64_t)get32(map + 8 * k + 4) << 32;
#endif
}

/* First clear bit of bitmap in [from, n), or n; a word at a time (a group's
 * used blocks are a long run of set bits from its start). n is at most
 * the bits of one block (checked at mount). */
static uint32_t find_zero(const uint8_t *map, uint32_t from, uint32_t n)
{
	for (uint32_t k = from / 64; k * 64 < n; k++) {
		uint64_t clear = ~map_word(map, k);
		uint32_t bit = 0;

		if (k == from / 64)
			clear &= ~0ull << (from % 64);
		if (!clear)
			continue;
		while (!(clear & 0xff)) { /* no count-trailing-zeros in rv64gc */
			clear >>= 8;
			bit += 8;
		}
		while (!(clear & 1)) {
			clear >>= 1;
			bit++;
		}
		bit += k * 64;
		return bit < n ? bit : n;
	}
	return n;
}

/* May the caller take the reserved blocks? Asked only when nothing else
 * is left. */
static int may_use_reserved(const struct ext2_fs *fs)
{
	const struct ext2_cred *c = &fs->caller;

	return c->uid == 0 || c->uid == fs->resuid || (fs->resgid != 0 && c->gid == fs->resgid);
}

/* The allocation hint of group g in hints (bhint or ihint), or NULL for a
 * group beyond those kept. */
static uint32_t *hint_of(uint32_t *hints, uint32_t g)
{
	return g < EXT2_HINT_GROUPS ? &hints[g] : NULL;
}

/* Give back bit of group g's block bitmap (inodes: its inode bitmap),
 * which must be set: a clear one means the pointer or number that led
 * here was corrupt, -EIO and nothing changes. With it go the counts that
 * follow it: the group's free count, its count of directories for a
 * directory inode (dir), the file system's free count, and the group's
 * allocation hint, lowered to the bit. (Taking a bit stays written out in
 * balloc and ialloc: shared the same way, it cost file_create_write_close
 * instructions.) */
static int group_release(struct ext2_fs *fs, uint32_t g, uint32_t bit, int inodes, int dir)
{
	struct bc_buf *gb, *mb;
	uint8_t *gd;
	int r = gd_get(fs, g, &gb, &gd);

	if (r < 0)
		return r;
	r = bcache_get(&fs->bc, get32(gd + (inodes ? GD_INODE_BITMAP : GD_BLOCK_BITMAP)), &mb);
	if (r < 0) {
		bcache_put(&fs->bc, gb);
		return r;
	}
	if (!(mb->data[bit / 8] & (1u << (bit % 8)))) {
		r = -EIO;
	} else {
		uint32_t *hint = hint_of(inodes ? fs->ihint : fs->bhint, g);
		uint32_t free_off = inodes ? GD_FREE_INODES : GD_FREE_BLOCKS;

		mb->data[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
		if (hint && bit < *hint)
			*hint = bit;
		bcache_dirty(&fs->bc, mb, BC_META);
		put16(gd + free_off, get16(gd + free_off) + 1u);
		if (dir && get16(gd + GD_USED_DIRS))
			put16(gd + GD_USED_DIRS, get16(gd + GD_USED_DIRS) - 1u);
		bcache_dirty(&fs->bc, gb, BC_META);
		if (inodes)
			fs->free_inodes++;
		else
			fs->free_blocks++;
	}
	bcache_put(&fs->bc, mb);
	bcache_put(&fs->bc, gb);
	return r < 0 ? r : sb_update(fs);
}

/* Allocate a block, looking in group goal first. The bitmap is marked
 * before anything points at the block (bitmaps are written first). */
static int balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	/* The last r_blocks are the privileged callers' (ext2_set_caller). */
	if (!fs->free_blocks || (fs->free_blocks <= fs->r_blocks && !may_use_reserved(fs)))
		return -ENOSPC;
	for (uint32_t i = 0; i < fs->ngroups; i++) {
		uint32_t g = (goal + i) % fs->ngroups, n = group_blocks(fs, g), bit, blk;
		struct bc_buf *gb, *mb;
		uint8_t *gd;
		int r = gd_get(fs, g, &gb, &gd);

		if (r < 0)
			return r;
		if (!get16(gd + GD_FREE_BLOCKS)) {
			bcache_put(&fs->bc, gb);
			continue;
		}
		r = bcache_get(&fs->bc, get32(gd + GD_BLOCK_BITMAP), &mb);
		if (r < 0) {
			bcache_put(&fs->bc, gb);
			return r;
		}
		uint32_t *hint = hint_of(fs->bhint, g);

		bit = find_zero(mb->data, hint && *hint < n ? *hint : 0, n);
		if (bit == n) { /* the count was wrong: try elsewhere */
			bcache_put(&fs->bc, mb);
			bcache_put(&fs->bc, gb);
			continue;
		}
		blk = group_start(fs, g) + bit;
		r = check_blk(fs, blk);
		if (r < 0) { /* a bitmap that calls metadata free */
			bcache_put(&fs->bc, mb);
			bcache_put(&fs->bc, gb);
			return r;
		}
		mb->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
		if (hint)
			*hint = bit + 1;
		bcache_dirty(&fs->bc, mb, BC_META);
		put16(gd + GD_FREE_BLOCKS, get16(gd + GD_FREE_BLOCKS) - 1u);
		bcache_dirty(&fs->bc, gb, BC_META);
		bcache_put(&fs->bc, mb);
		bcache_put(&fs->bc, gb);
		fs->free_blocks--;
		*out = blk;
		return sb_update(fs);
	}
	return -ENOSPC;
}

/* Free a block whose last pointer is already on the disk cleared (see
 * truncate_blocks). A block that is metadata or already free means the
 * pointer was corrupt: -EIO, and nothing changes. */
static int bfree(struct ext2_fs *fs, uint32_t blk)
{
	int r = check_blk(fs, blk);
	uint32_t g = (blk - fs->first_data_block) / fs->blocks_per_group;

	return r < 0 ? r : group_release(fs, g, blk - group_start(fs, g), 0, 0);
}

static int ialloc(struct ext2_fs *fs, uint32_t goal, int dir, uint32_t *out)
{
	if (!fs->free_inodes)
		return -ENOSPC;
	for (uint32_t i = 0; i < fs->ngroups; i++) {
		uint32_t g = (goal + i) % fs->ngroups, n = fs->inodes_per_group, bit, from = 0;
		struct bc_buf *gb, *mb;
		uint8_t *gd;
		int r = gd_get(fs, g, &gb, &gd);

		if (r < 0)
			return r;
		if (!get16(gd + GD_FREE_INODES)) {
			bcache_put(&fs->bc, gb);
			continue;
		}
		r = bcache_get(&fs->bc, get32(gd + GD_INODE_BITMAP), &mb);
		if (r < 0) {
			bcache_put(&fs->bc, gb);
			return r;
		}
		uint32_t *hint = hint_of(fs->ihint, g);

		/* Never hand out the reserved inodes, whatever the bitmap says. */
		if ((uint64_t)g * n < fs->first_ino - 1)
			from = fs->first_ino - 1 - g * n < n ? fs->first_ino - 1 - g * n : n;
		if (hint && *hint > from && *hint < n)
			from = *hint;
		bit = find_zero(mb->data, from, n);
		if (bit >= n || (uint64_t)g * n + bit + 1 > fs->inodes_count) {
			bcache_put(&fs->bc, mb);
			bcache_put(&fs->bc, gb);
			continue;
		}
		mb->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
		if (hint)
			*hint = bit + 1;
		bcache_dirty(&fs->bc, mb, BC_META);
		put16(gd + GD_FREE_INODES, get16(gd + GD_FREE_INODES) - 1u);
		if (dir)
			put16(gd + GD_USED_DIRS, get16(gd + GD_USED_DIRS) + 1u);
		bcache_dirty(&fs->bc, gb, BC_META);
		bcache_put(&fs->bc, mb);
		bcache_put(&fs->bc, gb);
		fs->free_inodes--;
		*out = g * n + bit + 1;
		return sb_update(fs);
	}
	return -ENOSPC;
}

static int ifree(struct ext2_fs *fs, uint32_t ino, int dir)
{
	if (ino < fs->first_ino || ino > fs->inodes_count)
		return -EIO;
	return group_release(fs, (ino - 1) / fs->inodes_per_group, (ino - 1) % fs->inodes_per_group,
			     1, dir);
}

static uint32_t group_of(const struct ext2_fs *fs, uint32_t ino)
{
	return (ino - 1) / fs->inodes_per_group;
}

/* ---- block map ----------------------------------------------------------- */

/* Map logical block lblk of ip to *pblk (0: a hole). With alloc, fill the
 * hole: new indirect blocks are zeroed on the disk at once (nothing points
 * to them yet, and a pointer to them must never find garbage there); a new
 * data block is left to the caller to fill (*fresh = 1). ip is changed
 * (i_block, i_blocks) but not written: the caller does. */
static int bmap_walk(struct ext2_fs *fs, struct inode *ip, uint64_t lblk, int alloc, uint32_t *pblk,
		     int *fresh)
{
	uint64_t p = fs->ptrs;
	uint32_t idx[3], path[4], goal = group_of(fs, ip->ino), cur;
	int depth, slot, r;

	*pblk = 0;
	if (fresh)
		*fresh = 0;
	if (lblk < NDIR) {
		depth = 0;
		slot = (int)lblk;
	} else if ((lblk -= NDIR) < p) {
		depth = 1;
		slot = IND;
		idx[0] = (uint32_t)lblk;
	} else if ((lblk -= p) < p * p) {
		depth = 2;
		slot = DIND;
		idx[0] = (uint32_t)(lblk / p);
		idx[1] = (uint32_t)(lblk % p);
	} else if ((lblk -= p * p) < p * p * p) {
		depth = 3;
		slot = TIND;
		idx[0] = (uint32_t)(lblk / (p * p));
		idx[1] = (uint32_t)(lblk / p % p);
		idx[2] = (uint32_t)(lblk % p);
	} else {
		return -EFBIG;
	}
	cur = ip->block[slot];
	if (!cur) {
		if (!alloc)
			return 0;
		r = balloc(fs, goal, &cur);
		if (r < 0)
			return r;
		ip->blocks += fs->bsize / 512;
		if (depth) {
			struct bc_buf *nb;

			r = bcache_get_zero(&fs->bc, cur, &nb);
			if (r == 0) {
				r = bcache_write_now(&fs->bc, nb);
				bcache_put(&fs->bc, nb);
			}
			if (r < 0) {
				ip->blocks -= fs->bsize / 512;
				bfree(fs, cur);
				return r;
			}
		} else if (fresh) {
			*fresh = 1;
		}
		ip->block[slot] = cur;
	} else if ((r = check_blk(fs, cur)) < 0) {
		return r;
	}
	for (int level = 0; level < depth; level++) {
		struct bc_buf *b;
		uint32_t next;
		int last = level == depth - 1;

		path[level] = cur;
		r = bcache_get(&fs->bc, cur, &b);
		if (r < 0)
			return r;
		next = get32(b->data + 4 * idx[level]);
		if (next) {
			/* An indirect block that points back up its own path
			 * is a loop. */
			for (int k = 0; k <= level; k++)
				if (path[k] == next)
					next = 0, r = -EIO;
			if (r == 0)
				r = check_blk(fs, next);
			bcache_put(&fs->bc, b);
			if (r < 0)
				return r;
			cur = next;
			continue;
		}
		if (!alloc) {
			bcache_put(&fs->bc, b);
			return 0;
		}
		r = balloc(fs, goal, &next);
		if (r < 0) {
			bcache_put(&fs->bc, b);
			return r;
		}
		if (!last) {
			struct bc_buf *nb;

			r = bcache_get_zero(&fs->bc, next, &nb);
			if (r == 0) {
				r = bcache_write_now(&fs->bc, nb);
				bcache_put(&fs->bc, nb);
			}
			if (r < 0) {
				bcache_put(&fs->bc, b);
				bfree(fs, next);
				return r;
			}
		} else if (fresh) {
			*fresh = 1;
		}
		ip->blocks += fs->bsize / 512;
		put32(b->data + 4 * idx[level], next);
		bcache_dirty(&fs->bc, b, BC_IND);
		bcache_put(&fs->bc, b);
		cur = next;
	}
	*pblk = cur;
	return 0;
}

/* bmap_walk, with a direct block that is only looked up (reads, path
 * walks) done inline. */
static inline int bmap(struct ext2_fs *fs, struct inode *ip, uint64_t lblk, int alloc,
		       uint32_t *pblk, int *fresh)
{
	if (lblk < NDIR && !alloc) {
		uint32_t cur = ip->block[lblk];
		int r = cur ? check_blk(fs, cur) : 0;

		if (fresh)
			*fresh = 0;
		*pblk = r < 0 ? 0 : cur;
		return r;
	}
	return bmap_walk(fs, ip, lblk, alloc, pblk, fresh);
}

/* bmap for a lookup only: ip is not written (bmap_walk writes it only to
 * allocate). */
static inline int bmap_read(struct ext2_fs *fs, const struct inode *ip, uint64_t lblk,
			    uint32_t *pblk)
{
	return bmap(fs, (struct inode *)ip, lblk, 0, pblk, NULL);
}

/* ---- freeing blocks ------------------------------------------------------ */

/* Subtrees cut off a file, waiting to be freed. They are freed only after
 * the pointers to them are cleared on the disk (a flush), so a crash never
 * leaves a block both free in the bitmap and pointed to, which a later
 * allocation would turn into a block shared by two files. */
#define CUT_MAX 64

struct cut {
	struct inode *ip;
	uint32_t n;
	uint32_t blk[CUT_MAX];
	uint8_t depth[CUT_MAX];
	uint64_t budget; /* blocks a walk may still visit: bounds corrupt trees */
	int err;
};

/* Visit the subtree at blk (depth 0: a data block); count its blocks, or
 * free them. Corrupt pointers are skipped and remembered (-EIO). */
static uint64_t subtree(struct ext2_fs *fs, struct cut *c, uint32_t blk, int depth, int do_free,
			uint32_t *anc, int nanc)
{
	uint64_t n = 0;

	if (!c->budget) {
		c->err = -EIO;
		return 0;
	}
	c->budget--;
	if (check_blk(fs, blk) < 0) {
		c->err = -EIO;
		return 0;
	}
	for (int k = 0; k < nanc; k++)
		if (anc[k] == blk) {
			c->err = -EIO;
			return 0;
		}
	if (depth > 0) {
		struct bc_buf *b;

		if (bcache_get(&fs->bc, blk, &b) < 0) {
			c->err = -EIO;
			return 0;
		}
		anc[nanc] = blk;
		for (uint32_t i = 0; i < fs->ptrs && c->budget; i++) {
			uint32_t e = get32(b->data + 4 * i);

			if (e)
				n += subtree(fs, c, e, depth - 1, do_free, anc, nanc + 1);
		}
		bcache_put(&fs->bc, b);
	}
	if (do_free) {
		int r = bfree(fs, blk);

		if (r < 0)
			c->err = r;
	}
	return n + 1;
}

/* Write the inode without the cut pointers (and with i_blocks less what
 * they held), flush, then free the cut subtrees. */
static int cut_drain(struct ext2_fs *fs, struct cut *c)
{
	uint32_t anc[4];
	uint64_t n = 0, keep = c->budget;
	int r;

	if (!c->n)
		return 0;
	for (uint32_t i = 0; i < c->n; i++)
		n += subtree(fs, c, c->blk[i], c->depth[i], 0, anc, 0);
	c->budget = keep;
	n *= fs->bsize / 512;
	c->ip->blocks = n > c->ip->blocks ? 0 : c->ip->blocks - (uint32_t)n;
	r = iput(fs, c->ip);
	if (r == 0)
		r = bcache_flush(&fs->bc);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < c->n; i++)
		subtree(fs, c, c->blk[i], c->depth[i], 1, anc, 0);
	c->n = 0;
	return 0;
}

static int cut_add(struct ext2_fs *fs, struct cut *c, uint32_t blk, int depth)
{
	if (c->n == CUT_MAX) {
		int r = cut_drain(fs, c);

		if (r < 0)
			return r;
	}
	c->blk[c->n] = blk;
	c->depth[c->n] = (uint8_t)depth;
	c->n++;
	return 0;
}

/* Cut what lies at or past relative block from in the subtree of indirect
 * block blk (depth >= 1), keeping blk itself. */
static int cut_partial(struct ext2_fs *fs, struct cut *c, uint32_t blk, int depth, uint64_t from)
{
	uint64_t span = 1;
	struct bc_buf *b;
	uint32_t first, rem, j;
	int r = check_blk(fs, blk);

	if (r < 0)
		return r;
	for (int i = 1; i < depth; i++)
		span *= fs->ptrs;
	first = (uint32_t)(from / span);
	rem = (uint32_t)(from % span);
	r = bcache_get(&fs->bc, blk, &b);
	if (r < 0)
		return r;
	for (j = rem ? first + 1 : first; j < fs->ptrs; j++) {
		uint32_t e = get32(b->data + 4 * j);

		if (!e)
			continue;
		put32(b->data + 4 * j, 0);
		bcache_dirty(&fs->bc, b, BC_IND);
		r = cut_add(fs, c, e, depth - 1);
		if (r < 0)
			break;
	}
	if (r == 0 && rem) {
		uint32_t e = get32(b->data + 4 * first);

		if (e == blk)
			r = -EIO;
		else if (e)
			r = cut_partial(fs, c, e, depth - 1, rem);
	}
	bcache_put(&fs->bc, b);
	return r;
}

/* Free every block of ip at or past logical block from; ip is written. */
static int truncate_blocks(struct ext2_fs *fs, struct inode *ip, uint64_t from)
{
	struct cut c;
	uint64_t base = NDIR, span = fs->ptrs;
	int r = 0;

	memset(&c, 0, sizeof(c));
	c.ip = ip;
	/* A file holds at most i_blocks blocks, and no more than the disk. */
	c.budget = (uint64_t)ip->blocks / (fs->bsize / 512) + 1;
	if (c.budget > fs->blocks_count)
		c.budget = fs->blocks_count;
	for (uint32_t i = 0; i < NDIR && r == 0; i++)
		if (i >= from && ip->block[i]) {
			r = cut_add(fs, &c, ip->block[i], 0);
			ip->block[i] = 0;
		}
	for (int d = 1; d <= 3 && r == 0; d++) {
		uint32_t *slot = &ip->block[IND + d - 1];

		if (*slot && from <= base) {
			r = cut_add(fs, &c, *slot, d);
			*slot = 0;
		} else if (*slot && from < base + span) {
			r = cut_partial(fs, &c, *slot, d, from - base);
		}
		base += span;
		span *= fs->ptrs;
	}
	if (r == 0)
		r = cut_drain(fs, &c);
	if (r == 0)
		r = iput(fs, ip);
	return r < 0 ? r : c.err;
}

/* ip has no links left and no opener: free its blocks, then itself. */
static int free_inode(struct ext2_fs *fs, struct inode *ip)
{
	int dir = is_type(ip->mode, EXT2_S_IFDIR), r;
	/* Only these hold block pointers (a fast symlink's i_block is its
	 * target, a device's its number). */
	int has_blocks = is_type(ip->mode, EXT2_S_IFREG) || dir ||
			 (is_type(ip->mode, EXT2_S_IFLNK) && ip->blocks != 0);

	/* The entries that named it are gone on the disk first. */
	r = bcache_flush(&fs->bc);
	if (r < 0)
		return r;
	ip->size = 0;
	if (has_blocks)
		r = truncate_blocks(fs, ip, 0);
	else
		memset(ip->block, 0, sizeof(ip->block));
	if (r < 0 && r != -EIO)
		return r;
	/* e2fsck reads a dtime below the inode count as an orphan-list link:
	 * a clock that young (lde's, before it knows the date) gets a floor. */
	ip->dtime = now(fs);
	if (ip->dtime <= fs->inodes_count)
		ip->dtime = fs->inodes_count + 1;
	ip->links = 0;
	r = iput(fs, ip);
	if (r == 0)
		r = bcache_flush(&fs->bc);
	if (r == 0)
		r = ifree(fs, ip->ino, dir);
	return r;
}

static int maybe_free(struct ext2_fs *fs, struct inode *ip)
{
	if (ip->links || (fs->inode_open && fs->inode_open(fs->hook_ctx, ip->ino)))
		return iput(fs, ip);
	return free_inode(fs, ip);
}

/* ---- directories --------------------------------------------------------- */

static int dir_blocks(struct ext2_fs *fs, const struct inode *dp, uint32_t *n)
{
	if (!is_type(dp->mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	if (dp->size % fs->bsize || dp->size > DIR_MAX_BYTES ||
	    dp->size / fs->bsize > fs->blocks_count)
		return -EIO;
	*n = (uint32_t)(dp->size / fs->bsize);
	return 0;
}

static uint32_t de_namelen(const struct ext2_fs *fs, const uint8_t *e)
{
	return (fs->feat_incompat & INCOMPAT_FILETYPE) ? e[6] : get16(e + 6);
}

/* Check every entry of a directory block: each lies inside the block, is
 * 4-aligned, holds its name, and they tile the block exactly. */
static int dir_block_ok(const struct ext2_fs *fs, const uint8_t *d)
{
	uint32_t off = 0;

	while (off < fs->bsize) {
		const uint8_t *e = d + off;
		uint32_t rec, nl, ino;

		if (fs->bsize - off < DIRENT_HDR)
			return -EIO;
		rec = get16(e + 4);
		nl = de_namelen(fs, e);
		ino = get32(e);
		if (rec < DIRENT_HDR || rec % 4 || rec > fs->bsize - off || nl > EXT2_NAME_MAX ||
		    DIRENT_LEN(nl) > rec || ino > fs->inodes_count || (ino && !nl))
			return -EIO;
		/* A name is what a path component can be. */
		for (uint32_t i = 0; ino && i < nl; i++)
			if (e[DIRENT_HDR + i] == '/' || e[DIRENT_HDR + i] == '\0')
				return -EIO;
		off += rec;
	}
	return 0;
}

/* Pin directory block lblk of dp, checked. Directories have no holes. */
static int dir_block(struct ext2_fs *fs, const struct inode *dp, uint32_t lblk, struct bc_buf **b)
{
	uint32_t pblk;
	int r = bmap_read(fs, dp, lblk, &pblk);

	if (r < 0)
		return r == -EFBIG ? -EIO : r;
	if (!pblk)
		return -EIO;
	r = bcache_get(&fs->bc, pblk, b);
	if (r < 0)
		return r;
	if ((*b)->dir_ok)
		return 0; /* checked since it was last read or changed */
	r = dir_block_ok(fs, (*b)->data);
	if (r < 0)
		bcache_put(&fs->bc, *b);
	else
		(*b)->dir_ok = 1;
	return r;
}

struct dloc {
	uint32_t lblk, off, prev; /* prev: offset of the entry before, or off */
	uint32_t ino;
	const struct bc_buf *buf; /* the block's buffer */
	uint8_t type;
};

/* Where a new entry fits, as the scan that found its name absent saw it,
 * so that adding the entry needs no second pass over the directory.
 * Valid while the directory's blocks do not change in between. */
struct dslot {
	enum { SLOT_UNKNOWN, SLOT_AT, SLOT_NONE } state; /* NONE: the directory grows */
	uint32_t lblk, off;
};

static int name_is(const char *name, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(name, s, len) == 0;
}

/* Find name in dp (0, its entry in *loc; or -ENOENT). With slot, the same
 * pass looks for the first entry with room for the name after it (or in
 * place of it, if it is unused). Entries are 4-aligned in an aligned
 * buffer (dir_block_ok), so their fields are single loads; names are
 * compared by length and first byte before memcmp. */
static int dir_scan(struct ext2_fs *fs, const struct inode *dp, const char *name, size_t len,
		    struct dloc *loc, struct dslot *slot)
{
	uint32_t n, need = DIRENT_LEN(len);
	int ft = (fs->feat_incompat & INCOMPAT_FILETYPE) != 0;
	int r = dir_blocks(fs, dp, &n);

	if (r < 0)
		return r;
	if (slot)
		slot->state = SLOT_NONE;
	int want = slot != NULL; /* still looking for room */
	uint8_t c0 = (uint8_t)name[0];

	for (uint32_t lb = 0; lb < n; lb++) {
		struct bc_buf *b;
		const uint8_t *d, *e, *end, *prev;

		r = dir_block(fs, dp, lb, &b);
		if (r < 0)
			return r;
		d = e = prev = b->data;
		end = d + fs->bsize;
		while (e < end) { /* dir_block_ok: every rec_len is at least 8 */
			uint32_t rec = get16a(e + 4), nl = ft ? e[6] : get16a(e + 6);

			if (nl == len && e[DIRENT_HDR] == c0 && get32a(e) &&
			    memcmp(e + DIRENT_HDR, name, len) == 0) {
				loc->lblk = lb;
				loc->off = (uint32_t)(e - d);
				loc->prev = (uint32_t)(prev - d);
				loc->ino = get32a(e);
				loc->buf = b;
				loc->type = ft ? e[7] : 0;
				bcache_put(&fs->bc, b);
				return 0;
			}
			if (want && rec - (get32a(e) ? DIRENT_LEN(nl) : 0) >= need) {
				want = 0;
				slot->state = SLOT_AT;
				slot->lblk = lb;
				slot->off = (uint32_t)(e - d);
			}
			prev = e;
			e += rec;
		}
		bcache_put(&fs->bc, b);
	}
	return -ENOENT;
}

static int dir_find(struct ext2_fs *fs, const struct inode *dp, const char *name, size_t len,
		    struct dloc *loc)
{
	return dir_scan(fs, dp, name, len, loc, NULL);
}

static void de_set(struct ext2_fs *fs, uint8_t *e, uint32_t ino, uint32_t rec, const char *name,
		   size_t len, uint8_t type)
{
	put32(e, ino);
	put16(e + 4, rec);
	if (fs->feat_incompat & INCOMPAT_FILETYPE) {
		e[6] = (uint8_t)len;
		e[7] = type;
	} else {
		put16(e + 6, (uint32_t)len);
	}
	memcpy(e + DIRENT_HDR, name, len);
}

/* Put the entry in the room after (or in place of) the entry at off in
 * the pinned directory block b, if there is room: 1 (b is unpinned, *err
 * the result), or 0. */
static int dir_put(struct ext2_fs *fs, struct inode *dp, struct bc_buf *b, uint32_t off,
		   const char *name, size_t len, uint32_t ino, uint8_t type, int *err)
{
	uint8_t *e = b->data + off;
	uint32_t rec = get16(e + 4), used = get32(e) ? DIRENT_LEN(de_namelen(fs, e)) : 0;

	if (rec > fs->bsize - off || rec < used || rec - used < DIRENT_LEN(len))
		return 0;
	if (used) {
		put16(e + 4, used);
		e += used;
		rec -= used;
	}
	de_set(fs, e, ino, rec, name, len, type);
	bcache_dirty(&fs->bc, b, BC_DIR);
	bcache_put(&fs->bc, b);
	dp->mtime = dp->ctime = now(fs);
	*err = iput(fs, dp);
	return 1;
}

/* Add an entry to dp (the caller checked the name is not there). slot,
 * if not NULL, is where the caller's dir_scan found room (or none). dp is
 * written if it grows. */
static int dir_add(struct ext2_fs *fs, struct inode *dp, const char *name, size_t len, uint32_t ino,
		   uint8_t type, const struct dslot *slot)
{
	uint32_t n, pblk;
	struct bc_buf *b;
	int r = dir_blocks(fs, dp, &n), fresh;

	if (r < 0)
		return r;
	if (slot && slot->state == SLOT_AT && slot->lblk < n &&
	    slot->off <= fs->bsize - DIRENT_HDR) {
		r = dir_block(fs, dp, slot->lblk, &b);
		if (r < 0)
			return r;
		if (dir_put(fs, dp, b, slot->off, name, len, ino, type, &r))
			return r;
		bcache_put(&fs->bc, b); /* cannot happen: the block is as scanned */
		slot = NULL;
	}
	for (uint32_t lb = 0; lb < n && !(slot && slot->state == SLOT_NONE); lb++) {
		uint32_t off = 0;

		r = dir_block(fs, dp, lb, &b);
		if (r < 0)
			return r;
		while (off < fs->bsize) {
			uint32_t at = off;

			off += get16(b->data + at + 4);
			if (dir_put(fs, dp, b, at, name, len, ino, type, &r))
				return r;
		}
		bcache_put(&fs->bc, b);
	}
	/* A new block: on the disk as an empty block before the directory's
	 * size covers it, then the entry goes in like any other change. */
	if ((uint64_t)dp->size + fs->bsize > DIR_MAX_BYTES)
		return -ENOSPC;
	r = bmap(fs, dp, n, 1, &pblk, &fresh);
	if (r < 0) {
		iput(fs, dp);
		return r;
	}
	r = bcache_get_zero(&fs->bc, pblk, &b);
	if (r < 0)
		return r;
	de_set(fs, b->data, 0, fs->bsize, "", 0, 0);
	r = bcache_write_now(&fs->bc, b);
	dp->size += fs->bsize;
	dp->mtime = dp->ctime = now(fs);
	/* The directory's inode covers the block on the disk before the
	 * entry is in it (entries are written before inodes). */
	if (r == 0)
		r = iput(fs, dp);
	if (r == 0)
		r = bcache_flush(&fs->bc);
	if (r == 0) {
		de_set(fs, b->data, ino, fs->bsize, name, len, type);
		bcache_dirty(&fs->bc, b, BC_DIR);
	}
	bcache_put(&fs->bc, b);
	return r;
}

static int dir_remove(struct ext2_fs *fs, struct inode *dp, const struct dloc *loc)
{
	struct bc_buf *b;
	int r = dir_block(fs, dp, loc->lblk, &b);

	if (r < 0)
		return r;
	if (loc->prev != loc->off) {
		uint8_t *p = b->data + loc->prev;

		put16(p + 4, get16(p + 4) + get16(b->data + loc->off + 4));
	} else {
		put32(b->data + loc->off, 0);
	}
	bcache_dirty(&fs->bc, b, BC_DIR);
	bcache_put(&fs->bc, b);
	dp->mtime = dp->ctime = now(fs);
	return iput(fs, dp);
}

/* Point the entry at loc to another inode. */
static int dir_retarget(struct ext2_fs *fs, struct inode *dp, const struct dloc *loc, uint32_t ino,
			uint8_t type)
{
	struct bc_buf *b;
	int r = dir_block(fs, dp, loc->lblk, &b);

	if (r < 0)
		return r;
	put32(b->data + loc->off, ino);
	if (fs->feat_incompat & INCOMPAT_FILETYPE)
		b->data[loc->off + 7] = type;
	bcache_dirty(&fs->bc, b, BC_DIR);
	bcache_put(&fs->bc, b);
	dp->mtime = dp->ctime = now(fs);
	return iput(fs, dp);
}

/* 1 if dp holds only "." and "..", 0 if more, or -errno. */
static int dir_is_empty(struct ext2_fs *fs, struct inode *dp)
{
	uint32_t n;
	int r = dir_blocks(fs, dp, &n);

	if (r < 0)
		return r;
	for (uint32_t lb = 0; lb < n; lb++) {
		struct bc_buf *b;
		uint32_t off = 0;

		r = dir_block(fs, dp, lb, &b);
		if (r < 0)
			return r;
		while (off < fs->bsize) {
			const uint8_t *e = b->data + off;
			uint32_t nl = de_namelen(fs, e);

			if (get32(e) && !name_is((const char *)e + DIRENT_HDR, nl, ".") &&
			    !name_is((const char *)e + DIRENT_HDR, nl, "..")) {
				bcache_put(&fs->bc, b);
				return 0;
			}
			off += get16(e + 4);
		}
		bcache_put(&fs->bc, b);
	}
	return 1;
}

/* ---- names and paths ----------------------------------------------------- */

static int check_name(const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > EXT2_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return -EINVAL;
	return 0;
}

/* The name cache's miss: dir_find, remembered. */
static __attribute__((noinline)) int lookup_scan(struct ext2_fs *fs, const struct inode *dp,
						 const char *name, size_t len, uint32_t hash,
						 uint32_t *ino, uint8_t *type)
{
	struct dloc loc;
	int r = dir_find(fs, dp, name, len, &loc);

	if (r < 0)
		return r;
	ncache_add(&fs->nc, &fs->bc, hash, dp->ino, name, len, loc.ino, loc.type, loc.buf);
	*ino = loc.ino;
	*type = loc.type;
	return 0;
}

/* ext2_lookup in the directory dp (read and checked by the caller), with
 * hash the name's ncache_hash in it: the entry's inode number, and the
 * inode itself as iget_ref gives it (dp may be gone from the memo then).
 * Inline: a path walk's every step, the name cache's hit without a call. */
static inline __attribute__((always_inline)) int
lookup_named(struct ext2_fs *fs, const struct inode *dp, const char *name, size_t len,
	     uint32_t hash, uint32_t *ino, const struct inode **ip)
{
	uint8_t type;
	int r;

	/* The name cache has what dir_find would find, or nothing. */
	if (!ncache_find(&fs->nc, &fs->bc, hash, dp->ino, name, len, ino, &type)) {
		r = lookup_scan(fs, dp, name, len, hash, ino, &type);
		if (r < 0)
			return r;
	}
	r = iget_ref(fs, *ino, ip);
	if (r == 0)
		r = linked_ok(*ip);
	/* An entry whose type is not its inode's: one of them is corrupt. */
	if (r == 0 && (fs->feat_incompat & INCOMPAT_FILETYPE) && type != ftype_of((*ip)->mode))
		r = -EIO;
	return r;
}

int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
	const struct inode *dp, *ip;
	int r = check_name(name, len);

	if (r < 0)
		return r;
	r = iget_used_ref(fs, dir, &dp);
	if (r < 0)
		return r;
	if (!is_type(dp->mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	return lookup_named(fs, dp, name, len, ncache_hash(dir, name, len), ino, &ip);
}

int ext2_access(const struct ext2_stat *st, const struct ext2_cred *cred, int want)
{
	uint32_t bits;

	if (!cred)
		return 0;
	if (cred->uid == 0) {
		/* Root needs an x bit somewhere to execute, not to search. */
		if ((want & EXT2_X_OK) && !is_type(st->mode, EXT2_S_IFDIR) && !(st->mode & 0111))
			return -EACCES;
		return 0;
	}
	if (cred->uid == st->uid)
		bits = st->mode >> 6;
	else if (cred->gid == st->gid)
		bits = st->mode >> 3;
	else
		bits = st->mode;
	return ((uint32_t)want & ~bits & 7) ? -EACCES : 0;
}

static void to_stat(const struct ext2_fs *fs, const struct inode *ip, struct ext2_stat *st)
{
	st->ino = ip->ino;
	st->mode = ip->mode;
	st->nlink = ip->links;
	st->uid = ip->uid;
	st->gid = ip->gid;
	st->size = ip->size;
	st->blocks = ip->blocks;
	st->atime = ip->atime;
	st->mtime = ip->mtime;
	st->ctime = ip->ctime;
	st->blksize = fs->bsize;
}

long ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t size)
{
	struct inode ip;
	int r = iget_used(fs, ino, &ip);

	if (r < 0)
		return r;
	if (!is_type(ip.mode, EXT2_S_IFLNK))
		return -EINVAL;
	if (ip.size == 0 || ip.size > EXT2_PATH_MAX)
		return -EIO;
	if (ip.size > size)
		return -ENAMETOOLONG;
	if (ip.blocks == 0) { /* fast: the target is in i_block */
		uint8_t raw[NBLOCKS * 4];

		if (ip.size > FAST_LINK_MAX)
			return -EIO;
		for (int i = 0; i < NBLOCKS; i++)
			put32(raw + 4 * i, ip.block[i]);
		memcpy(buf, raw, ip.size);
	} else {
		struct bc_buf *b;
		uint32_t pblk;

		if (ip.size >= fs->bsize) /* e2fsck wants a NUL after it in the block */
			return -EIO;
		r = bmap(fs, &ip, 0, 0, &pblk, NULL);
		if (r < 0)
			return r;
		if (!pblk)
			return -EIO;
		r = bcache_get(&fs->bc, pblk, &b);
		if (r < 0)
			return r;
		memcpy(buf, b->data, ip.size);
		bcache_put(&fs->bc, b);
	}
	for (size_t i = 0; i < ip.size; i++)
		if (!buf[i])
			return -EIO;
	return (long)ip.size;
}

/* Walk path[0..len) from cwd; see ext2_walk. With res, the inode found
 * goes there too, as iget_ref gives it. */
static int walk(struct ext2_fs *fs, uint32_t cwd, const char *path, size_t len, unsigned flags,
		const struct ext2_cred *cred, uint32_t *out, const struct inode **res)
{
	uint32_t cur, links = 0;
	size_t pos = 0;
	int must_dir;

	if (len == 0)
		return -ENOENT;
	if (len > EXT2_PATH_MAX)
		return -ENAMETOOLONG;
	/* The caller's path is only read; a symlink's target spliced in
	 * makes a new path in fs->pathbuf. */
	const char *p = path;
	must_dir = p[len - 1] == '/';
	cur = p[0] == '/' ? EXT2_ROOT_INO : cwd;
	/* dp is cur's inode (NULL: to be read), ip the entry's, both in the
	 * inode memo (iget_ref): a step uses dp only until it has ip, which
	 * may have taken dp's place in the memo. */
	const struct inode *dp = NULL, *ip;
	for (;;) {
		size_t s, e;
		uint32_t next, h;
		int r, last;

		while (pos < len && p[pos] == '/')
			pos++;
		if (!dp) {
			r = iget_used_ref(fs, cur, &dp);
			if (r < 0)
				return r;
		}
		if (pos == len)
			break;
		/* The component, hashed for the name cache on the way. */
		s = pos;
		h = ncache_hash_start(cur);
		while (pos < len && p[pos] != '/')
			h = ncache_hash_byte(h, p[pos++]);
		e = pos;
		while (pos < len && p[pos] == '/')
			pos++;
		last = pos == len;
		if (!is_type(dp->mode, EXT2_S_IFDIR))
			return -ENOTDIR;
		/* Search permission, as ext2_access has it, on the inode. */
		if (cred && cred->uid != 0 &&
		    !((cred->uid == dp->uid   ? dp->mode >> 6
		       : cred->gid == dp->gid ? dp->mode >> 3
					      : dp->mode) &
		      EXT2_X_OK))
			return -EACCES;
		if (e - s == 1 && p[s] == '.')
			continue;
		/* A component has no '/', and no NUL unless the caller gave a
		 * length (then no directory holds the name): only its length
		 * to check. */
		if (e - s > EXT2_NAME_MAX)
			return -ENAMETOOLONG;
		r = lookup_named(fs, dp, p + s, e - s, ncache_hash_end(h), &next, &ip);
		if (r < 0)
			return r;
		if (is_type(ip->mode, EXT2_S_IFLNK) && (!last || !(flags & EXT2_WALK_NOFOLLOW))) {
			long n;
			size_t rest = len - pos;

			if (fs->report_links) {
				/* Nothing was spliced: offsets are the caller's. */
				fs->link_path = path;
				fs->link_end = e;
				return -EXT2_ELINKED;
			}
			if (++links > EXT2_SYMLOOP_MAX)
				return -ELOOP;
			n = ext2_readlink(fs, next, fs->linkbuf, EXT2_PATH_MAX);
			if (n < 0)
				return (int)n;
			/* The target, then what was left of the path. */
			if ((size_t)n + 1 + rest + (must_dir ? 1 : 0) > EXT2_PATH_MAX)
				return -ENAMETOOLONG;
			if (rest || must_dir)
				fs->linkbuf[n++] = '/';
			memcpy(fs->linkbuf + n, p + pos, rest);
			len = (size_t)n + rest;
			memcpy(fs->pathbuf, fs->linkbuf, len);
			p = fs->pathbuf;
			pos = 0;
			if (p[0] == '/')
				cur = EXT2_ROOT_INO;
			dp = NULL; /* read again: the link's inode may have taken its place */
			continue;
		}
		cur = next;
		dp = ip;
	}
	if (must_dir && !is_type(dp->mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	*out = cur;
	if (res)
		*res = dp;
	return 0;
}

int ext2_walk(struct ext2_fs *fs, uint32_t cwd, const char *path, unsigned flags,
	      const struct ext2_cred *cred, uint32_t *ino)
{
	size_t len = strnlen(path, EXT2_PATH_MAX + 1);

	return walk(fs, cwd, path, len, flags, cred, ino, NULL);
}

int ext2_walk_stat(struct ext2_fs *fs, uint32_t cwd, const char *path, size_t len, unsigned flags,
		   const struct ext2_cred *cred, struct ext2_stat *st)
{
	const struct inode *ip;
	uint32_t ino;
	int r = walk(fs, cwd, path, len, flags, cred, &ino, &ip);

	if (r == 0)
		to_stat(fs, ip, st);
	return r;
}

int ext2_walk_parent(struct ext2_fs *fs, uint32_t cwd, const char *path,
		     const struct ext2_cred *cred, uint32_t *dir, const char **name, size_t *nlen)
{
	size_t len = strnlen(path, EXT2_PATH_MAX + 1), end, start;
	const struct inode *dp;
	struct ext2_stat st;
	int r;

	if (len == 0)
		return -ENOENT;
	if (len > EXT2_PATH_MAX)
		return -ENAMETOOLONG;
	end = len;
	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return -ENOENT; /* "/": no last name */
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == 0) {
		*dir = cwd;
		r = iget_used_ref(fs, *dir, &dp);
	} else {
		r = walk(fs, cwd, path, start, 0, cred, dir, &dp);
	}
	if (r < 0)
		return r;
	if (!is_type(dp->mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	to_stat(fs, dp, &st);
	r = ext2_access(&st, cred, EXT2_X_OK);
	if (r < 0)
		return r;
	*name = path + start;
	*nlen = end - start;
	return *nlen > EXT2_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* ---- files --------------------------------------------------------------- */

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
	struct inode ip;
	int r = iget_used(fs, ino, &ip);

	if (r < 0)
		return r;
	to_stat(fs, &ip, st);
	return 0;
}

/* What a hole reads as: a block of zeros (4 KiB, the largest block). */
static const uint8_t zero_block[4096];

/* Pin held[*from..to) (NULL: a hole), and say so in *from. */
static void pin_held(struct bc_buf **held, int *from, int to)
{
	for (int k = *from; k < to; k++)
		if (held[k])
			bcache_pin(held[k]);
	*from = to;
}

/* ext2_read_to's batch: the pieces of up to EXT2_READ_SEGS blocks of ip
 * from logical block lblk (boff bytes into it), at most len bytes in all,
 * their buffers in held[] (NULL for a hole), *n of them (also after an
 * error). The bytes gathered, or -errno.
 *
 * The buffers must hold their blocks until the sink has taken them, but
 * pinning each costs as much again as finding it. Only a call that may
 * reuse a buffer can take one away (a miss's bcache_get, or a block map
 * or check that reads a block: bmap_walk, check_blk_slow); the sink
 * calls nothing of the engine's. So the blocks gathered are pinned only
 * before such a call: held[0..*npin) are pinned, the rest are not (a
 * read of cached direct blocks pins nothing). */
static __attribute__((noinline)) long gather(struct ext2_fs *fs, const struct inode *ip,
					     uint64_t lblk, uint32_t boff, size_t len,
					     struct ext2_seg *seg, struct bc_buf **held, int *n,
					     int *npin)
{
	uint32_t bsize = fs->bsize;
	/* The blocks the bytes lie in, EXT2_READ_SEGS at most. */
	size_t span = (size_t)boff + len;
	int nb = span >= (size_t)EXT2_READ_SEGS * bsize
			 ? EXT2_READ_SEGS
			 : (int)((span + bsize - 1) >> fs->log_bsize);
	int i, r = 0;

	*npin = 0;
	for (i = 0; i < nb; i++, lblk++) {
		struct bc_buf *b = NULL;
		uint32_t pblk;

		if (lblk < NDIR &&
		    (!(pblk = ip->block[lblk]) || (pblk >= fs->ok_lo && pblk < fs->ok_hi))) {
			/* a hole, or a block check_blk passes at once */
		} else {
			uint32_t mapped;

			pin_held(held, npin, i);
			r = bmap_read(fs, ip, lblk, &mapped);
			if (r < 0)
				break;
			pblk = mapped;
		}
		if (pblk && !(b = bcache_find(&fs->bc, pblk))) {
			struct bc_buf *got;

			pin_held(held, npin, i);
			r = bcache_get(&fs->bc, pblk, &got);
			if (r < 0)
				break;
			b = got;
			*npin = i + 1; /* bcache_get pinned it */
		}
		held[i] = b;
		seg[i].src = b ? b->data : zero_block;
		seg[i].len = bsize;
	}
	*n = i;
	if (r < 0)
		return r == -EFBIG ? -EIO : r;
	/* Whole blocks, but for where the bytes start and end. */
	size_t got = (size_t)nb * bsize - boff;

	seg[0].src = (const uint8_t *)seg[0].src + boff;
	seg[0].len -= boff;
	if (got > len) {
		seg[nb - 1].len -= got - len;
		got = len;
	}
	return (long)got;
}

long ext2_read_to(struct ext2_fs *fs, uint32_t ino, uint64_t off, size_t len, ext2_sink sink,
		  void *ctx)
{
	const struct inode *ip;
	int r = iget_used_ref(fs, ino, &ip);

	if (r < 0)
		return r;
	if (!is_type(ip->mode, EXT2_S_IFREG))
		return is_type(ip->mode, EXT2_S_IFDIR) ? -EISDIR : -EINVAL;
	if (ip->size > fs->max_size)
		return -EIO;
	if (off >= ip->size)
		return 0;
	if (len > ip->size - off)
		len = (size_t)(ip->size - off);
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	/* Blocks go to the sink in batches, pinned until it returns (straight
	 * from the cache: no other block can take their buffers meanwhile).
	 * Nothing decodes an inode meanwhile, so ip stays the memo's. */
	size_t done = 0;

	while (done < len) {
		struct ext2_seg seg[EXT2_READ_SEGS];
		struct bc_buf *held[EXT2_READ_SEGS];
		uint64_t pos = off + done;
		int n, npin;
		long got = gather(fs, ip, pos >> fs->log_bsize, (uint32_t)pos & (fs->bsize - 1),
				  len - done, seg, held, &n, &npin);

		if (got > 0 && (r = sink(ctx, done, seg, n)) < 0)
			got = r;
		while (npin)
			bcache_put(&fs->bc, held[--npin]);
		if (got < 0)
			return got;
		done += (size_t)got;
	}
	return (long)done;
}

static int copy_sink(void *ctx, size_t at, const struct ext2_seg *seg, int n)
{
	uint8_t *dst = (uint8_t *)ctx + at;

	for (int i = 0; i < n; i++) {
		memcpy(dst, seg[i].src, seg[i].len);
		dst += seg[i].len;
	}
	return 0;
}

long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len)
{
	return ext2_read_to(fs, ino, off, len, copy_sink, buf);
}

/* Set-group-ID means "the group's rights at exec" only with a group
 * execute bit (without one, mandatory locking elsewhere): the bit a
 * change of contents or owner takes away. */
static uint32_t setgid_bit(uint32_t mode)
{
	return (mode & (EXT2_S_ISGID | 0010)) == (EXT2_S_ISGID | 0010) ? EXT2_S_ISGID : 0;
}

/* A file whose contents change under a caller other than root is no
 * longer the program its owner made set-user-ID: the bits go (as POSIX
 * allows and Linux does), so no user can plant code in one. */
static void drop_setid(struct ext2_fs *fs, struct inode *ip)
{
	if ((ip->mode & (EXT2_S_ISUID | EXT2_S_ISGID)) && fs->caller.uid != 0)
		ip->mode &= ~(uint32_t)(EXT2_S_ISUID | setgid_bit(ip->mode));
}

long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len)
{
	struct inode ip;
	size_t done = 0;
	int r;

	if (fs->rdonly)
		return -EROFS;
	r = iget_used(fs, ino, &ip);
	if (r < 0)
		return r;
	if (is_type(ip.mode, EXT2_S_IFDIR))
		return -EISDIR;
	if (!is_type(ip.mode, EXT2_S_IFREG))
		return -EINVAL;
	if (ip.size > fs->max_size)
		return -EIO;
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	if (off > fs->max_size || len > fs->max_size - off)
		return -EFBIG;
	r = 0;
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = (uint32_t)(pos % fs->bsize), n = fs->bsize - boff, pblk;
		struct bc_buf *b;
		int fresh;

		if (n > len - done)
			n = (uint32_t)(len - done);
		r = bmap(fs, &ip, pos / fs->bsize, 1, &pblk, &fresh);
		if (r < 0)
			break;
		if (n == fs->bsize) /* all of it overwritten below */
			r = bcache_get_new(&fs->bc, pblk, &b);
		else if (fresh)
			r = bcache_get_zero(&fs->bc, pblk, &b);
		else
			r = bcache_get(&fs->bc, pblk, &b);
		if (r < 0)
			break;
		memcpy(b->data + boff, (const uint8_t *)buf + done, n);
		bcache_dirty(&fs->bc, b, BC_DATA);
		bcache_put(&fs->bc, b);
		done += n;
	}
	if (off + done > ip.size)
		ip.size = off + done;
	if (done) {
		ip.mtime = ip.ctime = now(fs);
		drop_setid(fs, &ip);
	}
	{
		int w = iput(fs, &ip);

		if (w < 0)
			return w;
	}
	return done ? (long)done : r;
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
	struct inode ip;
	int r;

	if (fs->rdonly)
		return -EROFS;
	r = iget_used(fs, ino, &ip);
	if (r < 0)
		return r;
	if (is_type(ip.mode, EXT2_S_IFDIR))
		return -EISDIR;
	if (!is_type(ip.mode, EXT2_S_IFREG))
		return -EINVAL;
	if (size > fs->max_size)
		return -EFBIG;
	if (ip.size > fs->max_size)
		return -EIO;
	ip.mtime = ip.ctime = now(fs);
	drop_setid(fs, &ip);
	if (size >= ip.size) {
		ip.size = size;
		return iput(fs, &ip);
	}
	/* The rest of the new last block reads as zeros if the file grows. */
	if (size % fs->bsize) {
		uint32_t pblk;
		struct bc_buf *b;

		r = bmap(fs, &ip, size / fs->bsize, 0, &pblk, NULL);
		if (r < 0)
			return r;
		if (pblk) {
			r = bcache_get(&fs->bc, pblk, &b);
			if (r < 0)
				return r;
			memset(b->data + size % fs->bsize, 0, fs->bsize - size % fs->bsize);
			bcache_dirty(&fs->bc, b, BC_DATA);
			bcache_put(&fs->bc, b);
		}
	}
	ip.size = size;
	return truncate_blocks(fs, &ip, (size + fs->bsize - 1) / fs->bsize);
}

/* ---- creating and removing names ---------------------------------------- */

static int new_name_ok(const char *name, size_t len)
{
	int r = check_name(name, len);

	if (r < 0)
		return r;
	if (name_is(name, len, ".") || name_is(name, len, ".."))
		return -EEXIST;
	return 0;
}

/* The directory a new name goes in: checked, live, without that name;
 * *slot says where the name will fit (dir_add). */
static int prepare_dir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
		       struct inode *dp, struct dslot *slot)
{
	struct dloc loc;
	int r;

	if (fs->rdonly)
		return -EROFS;
	r = new_name_ok(name, len);
	if (r < 0)
		return r;
	r = iget_used(fs, dir, dp);
	if (r < 0)
		return r;
	if (!is_type(dp->mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	if (!dp->links)
		return -ENOENT; /* removed while someone is in it */
	r = dir_scan(fs, dp, name, len, &loc, slot);
	if (r == 0)
		return -EEXIST;
	return r == -ENOENT ? 0 : r;
}

/* A new inode of mode, zeroed in full (the bytes past 128 too). */
static int new_inode(struct ext2_fs *fs, uint32_t group, uint32_t mode, uint32_t uid, uint32_t gid,
		     struct inode *ip)
{
	struct bc_buf *b;
	uint32_t ino = 0, blk, off, t = now(fs); /* ino: set when ialloc succeeds */
	int r = ialloc(fs, group, is_type(mode, EXT2_S_IFDIR), &ino);

	if (r < 0)
		return r;
	r = inode_loc(fs, ino, &blk, &off);
	if (r == 0)
		r = bcache_get(&fs->bc, blk, &b);
	if (r < 0) {
		ifree(fs, ino, is_type(mode, EXT2_S_IFDIR));
		return r;
	}
	/* A bitmap that calls a live inode free: zeroing it would give its
	 * names to the new file. The bit stays set (now it tells the truth). */
	if (get16(b->data + off + I_LINKS)) {
		bcache_put(&fs->bc, b);
		return -EIO;
	}
	memset(b->data + off, 0, fs->inode_size);
	if (fs->inode_size > 128)
		put16(b->data + off + I_EXTRA_ISIZE, fs->extra_isize);
	bcache_dirty(&fs->bc, b, BC_INODE);
	bcache_put(&fs->bc, b);
	memset(ip, 0, sizeof(*ip));
	ip->ino = ino;
	ip->mode = mode;
	ip->uid = uid;
	ip->gid = gid;
	ip->atime = ip->ctime = ip->mtime = t;
	ip->links = 1;
	ip->generation = ++fs->generation;
	return 0;
}

int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
		uint32_t uid, uint32_t gid, uint32_t *ino)
{
	struct inode dp, ip;
	struct dslot slot;
	int r = prepare_dir(fs, dir, name, len, &dp, &slot);

	if (r < 0)
		return r;
	r = new_inode(fs, group_of(fs, dir), EXT2_S_IFREG | (mode & 07777), uid, gid, &ip);
	if (r < 0)
		return r;
	/* The inode reaches the disk before the entry (class order). */
	r = iput(fs, &ip);
	if (r == 0)
		r = dir_add(fs, &dp, name, len, ip.ino, EXT2_FT_REG, &slot);
	if (r < 0) {
		ip.links = 0;
		free_inode(fs, &ip);
		return r;
	}
	*ino = ip.ino;
	return 0;
}

int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
	       uint32_t uid, uint32_t gid, uint32_t *ino)
{
	struct inode dp, ip;
	struct bc_buf *b;
	struct dslot slot;
	uint32_t blk;
	int r = prepare_dir(fs, dir, name, len, &dp, &slot);

	if (r < 0)
		return r;
	if (dp.links >= EXT2_LINK_MAX)
		return -EMLINK;
	r = new_inode(fs, group_of(fs, dir), EXT2_S_IFDIR | (mode & 07777), uid, gid, &ip);
	if (r < 0)
		return r;
	r = balloc(fs, group_of(fs, ip.ino), &blk);
	if (r < 0) {
		ifree(fs, ip.ino, 1);
		return r;
	}
	/* "." and "..": written now, as nothing points to the block yet. */
	r = bcache_get_zero(&fs->bc, blk, &b);
	if (r == 0) {
		de_set(fs, b->data, ip.ino, 12, ".", 1, EXT2_FT_DIR);
		de_set(fs, b->data + 12, dir, fs->bsize - 12, "..", 2, EXT2_FT_DIR);
		r = bcache_write_now(&fs->bc, b);
		bcache_put(&fs->bc, b);
	}
	if (r < 0) {
		bfree(fs, blk);
		ifree(fs, ip.ino, 1);
		return r;
	}
	ip.block[0] = blk;
	ip.blocks = fs->bsize / 512;
	ip.size = fs->bsize;
	ip.links = 2;
	r = iput(fs, &ip);
	if (r < 0)
		return r;
	dp.links++;
	r = dir_add(fs, &dp, name, len, ip.ino, EXT2_FT_DIR, &slot);
	if (r < 0) {
		int w;

		dp.links--;
		w = iput(fs, &dp);
		ip.links = 0;
		free_inode(fs, &ip);
		return w < 0 ? w : r;
	}
	*ino = ip.ino;
	return 0;
}

int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, const char *target,
		 uint32_t uid, uint32_t gid, uint32_t *ino)
{
	struct inode dp, ip;
	struct dslot slot;
	size_t tlen = strnlen(target, EXT2_PATH_MAX + 1);
	int r;

	if (tlen == 0)
		return -ENOENT;
	if (tlen > EXT2_PATH_MAX || tlen >= fs->bsize)
		return -ENAMETOOLONG;
	r = prepare_dir(fs, dir, name, len, &dp, &slot);
	if (r < 0)
		return r;
	r = new_inode(fs, group_of(fs, dir), EXT2_S_IFLNK | 0777, uid, gid, &ip);
	if (r < 0)
		return r;
	ip.size = tlen;
	if (tlen <= FAST_LINK_MAX) {
		uint8_t raw[NBLOCKS * 4];

		memset(raw, 0, sizeof(raw));
		memcpy(raw, target, tlen);
		for (int i = 0; i < NBLOCKS; i++)
			ip.block[i] = get32(raw + 4 * i);
	} else {
		struct bc_buf *b;
		uint32_t blk;

		r = balloc(fs, group_of(fs, ip.ino), &blk);
		if (r == 0) {
			r = bcache_get_zero(&fs->bc, blk, &b);
			if (r == 0) {
				memcpy(b->data, target, tlen);
				bcache_dirty(&fs->bc, b, BC_DATA);
				bcache_put(&fs->bc, b);
				ip.block[0] = blk;
				ip.blocks = fs->bsize / 512;
			} else {
				bfree(fs, blk);
			}
		}
		if (r < 0) {
			ifree(fs, ip.ino, 0);
			return r;
		}
	}
	r = iput(fs, &ip);
	if (r == 0)
		r = dir_add(fs, &dp, name, len, ip.ino, EXT2_FT_SYMLINK, &slot);
	if (r < 0) {
		ip.links = 0;
		free_inode(fs, &ip);
		return r;
	}
	*ino = ip.ino;
	return 0;
}

/* Take n links from ip before the entry naming it goes. Entries reach
 * the disk before inodes, so an inode losing its last link is written
 * first, with the flush between: a crash leaves an entry naming a deleted
 * inode, which e2fsck -p clears, never a live inode that no entry names,
 * which it will not reconnect on its own. */
static int drop_link(struct ext2_fs *fs, struct inode *ip, uint32_t n)
{
	int r;

	ip->links = n >= ip->links ? 0 : ip->links - n;
	ip->ctime = now(fs);
	r = iput(fs, ip);
	if (r == 0 && !ip->links)
		r = bcache_flush(&fs->bc);
	return r;
}

/* Find name in dir for removal: dp and the target's inode. */
static int prepare_remove(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
			  struct inode *dp, struct dloc *loc, struct inode *ip)
{
	int r;

	if (fs->rdonly)
		return -EROFS;
	r = check_name(name, len);
	if (r < 0)
		return r;
	r = iget_used(fs, dir, dp);
	if (r < 0)
		return r;
	if (!is_type(dp->mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	r = dir_find(fs, dp, name, len, loc);
	if (r < 0)
		return r;
	return iget_linked(fs, loc->ino, ip);
}

int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
	struct inode dp, ip;
	struct dloc loc;
	int r = prepare_remove(fs, dir, name, len, &dp, &loc, &ip);

	if (r < 0)
		return r;
	if (is_type(ip.mode, EXT2_S_IFDIR))
		return -EISDIR;
	r = drop_link(fs, &ip, 1);
	if (r == 0)
		r = dir_remove(fs, &dp, &loc);
	if (r < 0)
		return r;
	return maybe_free(fs, &ip);
}

int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len)
{
	struct inode dp, ip;
	struct dloc loc;
	int r;

	if (name_is(name, len, "."))
		return -EINVAL;
	if (name_is(name, len, ".."))
		return -ENOTEMPTY;
	r = prepare_remove(fs, dir, name, len, &dp, &loc, &ip);
	if (r < 0)
		return r;
	if (!is_type(ip.mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	if (ip.ino == EXT2_ROOT_INO)
		return -EBUSY;
	r = dir_is_empty(fs, &ip);
	if (r < 0)
		return r;
	if (!r)
		return -ENOTEMPTY;
	r = drop_link(fs, &ip, ip.links);
	if (r == 0)
		r = dir_remove(fs, &dp, &loc);
	if (r < 0)
		return r;
	if (dp.links > 2)
		dp.links--;
	r = iput(fs, &dp);
	if (r < 0)
		return r;
	return maybe_free(fs, &ip);
}

int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len)
{
	struct inode dp, ip;
	struct dslot slot;
	int r = prepare_dir(fs, dir, name, len, &dp, &slot);

	if (r < 0)
		return r;
	r = iget_used(fs, ino, &ip);
	if (r < 0)
		return r;
	if (is_type(ip.mode, EXT2_S_IFDIR))
		return -EPERM;
	if (ip.links >= EXT2_LINK_MAX)
		return -EMLINK;
	if (!ip.links)
		return -ENOENT; /* unlinked while open: stays gone */
	/* The count goes up on the disk before the new entry appears. */
	ip.links++;
	ip.ctime = now(fs);
	r = iput(fs, &ip);
	if (r < 0)
		return r;
	r = dir_add(fs, &dp, name, len, ino, ftype_of(ip.mode), &slot);
	if (r < 0) {
		ip.links--;
		iput(fs, &ip);
	}
	return r;
}

/* Is ino an ancestor of (or equal to) dir? Walks ".." up to the root. */
static int is_ancestor(struct ext2_fs *fs, uint32_t ino, uint32_t dir)
{
	uint32_t cur = dir;

	for (uint32_t steps = 0; steps <= fs->inodes_count; steps++) {
		struct inode dp;
		struct dloc loc;
		int r;

		if (cur == ino)
			return 1;
		if (cur == EXT2_ROOT_INO)
			return 0;
		r = iget_used(fs, cur, &dp);
		if (r < 0)
			return r;
		r = dir_find(fs, &dp, "..", 2, &loc);
		if (r < 0)
			return r == -ENOENT ? -EIO : r;
		cur = loc.ino;
	}
	return -EIO; /* a ".." loop */
}

int ext2_rename(struct ext2_fs *fs, uint32_t sdir, const char *sname, size_t slen, uint32_t ddir,
		const char *dname, size_t dlen)
{
	struct inode sdp, ddp, ip, old;
	struct dloc sloc, dloc;
	int r, isdir, have_old;

	if (fs->rdonly)
		return -EROFS;
	r = check_name(sname, slen);
	if (r == 0)
		r = check_name(dname, dlen);
	if (r < 0)
		return r;
	if (name_is(sname, slen, ".") || name_is(sname, slen, "..") || name_is(dname, dlen, ".") ||
	    name_is(dname, dlen, ".."))
		return -EINVAL;
	r = prepare_remove(fs, sdir, sname, slen, &sdp, &sloc, &ip);
	if (r < 0)
		return r;
	r = iget_used(fs, ddir, &ddp);
	if (r < 0)
		return r;
	if (!is_type(ddp.mode, EXT2_S_IFDIR))
		return -ENOTDIR;
	if (!ddp.links)
		return -ENOENT;
	isdir = is_type(ip.mode, EXT2_S_IFDIR);
	r = dir_find(fs, &ddp, dname, dlen, &dloc);
	if (r < 0 && r != -ENOENT)
		return r;
	have_old = r == 0;
	if (have_old) {
		if (dloc.ino == ip.ino)
			return 0; /* two names of one file: nothing to do */
		r = iget_linked(fs, dloc.ino, &old);
		if (r < 0)
			return r;
		if (isdir && !is_type(old.mode, EXT2_S_IFDIR))
			return -ENOTDIR;
		if (!isdir && is_type(old.mode, EXT2_S_IFDIR))
			return -EISDIR;
		if (isdir) {
			r = dir_is_empty(fs, &old);
			if (r < 0)
				return r;
			if (!r)
				return -ENOTEMPTY;
		}
	}
	if (isdir && sdir != ddir) {
		r = is_ancestor(fs, ip.ino, ddir);
		if (r < 0)
			return r;
		if (r)
			return -EINVAL;
		if (!have_old && ddp.links >= EXT2_LINK_MAX)
			return -EMLINK;
	}
	/* The new name first, on the disk before the old one goes: a crash
	 * leaves the file under both names (e2fsck -p fixes the count),
	 * never under none. */
	if (have_old) {
		/* The replaced file loses its link before its entry changes
		 * (drop_link); a directory loses both of its own. */
		r = drop_link(fs, &old, is_type(old.mode, EXT2_S_IFDIR) ? old.links : 1);
		if (r == 0)
			r = iget_used(fs, ddir, &ddp);
		if (r == 0)
			r = dir_retarget(fs, &ddp, &dloc, ip.ino, ftype_of(ip.mode));
	} else {
		if (isdir && sdir != ddir)
			ddp.links++;
		r = dir_add(fs, &ddp, dname, dlen, ip.ino, ftype_of(ip.mode), NULL);
	}
	if (r < 0)
		return r;
	r = bcache_flush(&fs->bc);
	if (r < 0)
		return r;
	/* A directory moving across gets its new ".." before it loses its
	 * old name, so that the disk never shows it with two names and the
	 * wrong ".." (e2fsck -p fixes neither; docs/files.md). */
	if (isdir && sdir != ddir) {
		struct dloc up;

		r = dir_find(fs, &ip, "..", 2, &up);
		if (r == 0)
			r = dir_retarget(fs, &ip, &up, ddir, EXT2_FT_DIR);
		if (r == 0)
			r = bcache_flush(&fs->bc);
		if (r < 0)
			return r;
	}
	/* sdp may be ddp: reread it after the changes above. */
	r = iget_used(fs, sdir, &sdp);
	if (r == 0)
		r = dir_find(fs, &sdp, sname, slen, &sloc);
	if (r == 0)
		r = dir_remove(fs, &sdp, &sloc);
	if (r < 0)
		return r;
	if (isdir && sdir != ddir) {
		r = iget_used(fs, sdir, &sdp);
		if (r < 0)
			return r;
		if (sdp.links > 2)
			sdp.links--;
		r = iput(fs, &sdp);
		/* Until the old name is gone on the disk the directory has
		 * two parents there, which e2fsck -p will not repair alone:
		 * keep that window to these flushes. */
		if (r == 0)
			r = bcache_flush(&fs->bc);
		if (r < 0)
			return r;
	}
	r = iget_used(fs, ip.ino, &ip);
	if (r < 0)
		return r;
	ip.ctime = now(fs);
	r = iput(fs, &ip);
	if (r < 0 || !have_old)
		return r;
	r = iget_used(fs, old.ino, &old);
	if (r < 0)
		return r;
	/* A replaced directory's ".." counted in ddir. A directory moved in
	 * from elsewhere brings a ".." that makes up for it; renamed within
	 * ddir, nothing does. */
	if (is_type(old.mode, EXT2_S_IFDIR) && sdir == ddir) {
		r = iget_used(fs, ddir, &ddp);
		if (r < 0)
			return r;
		if (ddp.links > 2)
			ddp.links--;
		r = iput(fs, &ddp);
		if (r < 0)
			return r;
	}
	return maybe_free(fs, &old);
}

/* ---- directories, listing ------------------------------------------------ */

int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie, struct ext2_dirent *de)
{
	struct inode dp;
	uint32_t n;
	int r = iget_used(fs, dir, &dp);

	if (r < 0)
		return r;
	r = dir_blocks(fs, &dp, &n);
	if (r < 0)
		return r;
	while (*cookie < (uint64_t)n * fs->bsize) {
		uint32_t lb = (uint32_t)(*cookie / fs->bsize),
			 want = (uint32_t)(*cookie % fs->bsize);
		uint32_t off = 0;
		struct bc_buf *b;

		r = dir_block(fs, &dp, lb, &b);
		if (r < 0)
			return r;
		/* From the block's start, to the first entry at or past the
		 * cookie: a cookie inside an entry (the directory changed)
		 * resumes at the next one. */
		while (off < fs->bsize) {
			const uint8_t *e = b->data + off;
			uint32_t rec = get16(e + 4);

			if (off >= want && get32(e)) {
				de->ino = get32(e);
				de->namelen = (uint8_t)de_namelen(fs, e);
				de->type = (fs->feat_incompat & INCOMPAT_FILETYPE) ? e[7] : 0;
				memcpy(de->name, e + DIRENT_HDR, de->namelen);
				de->name[de->namelen] = '\0';
				*cookie = (uint64_t)lb * fs->bsize + off + rec;
				bcache_put(&fs->bc, b);
				return 1;
			}
			off += rec;
		}
		bcache_put(&fs->bc, b);
		*cookie = (uint64_t)(lb + 1) * fs->bsize;
	}
	return 0;
}

/* ---- attributes ---------------------------------------------------------- */

static int change(struct ext2_fs *fs, uint32_t ino, struct inode *ip)
{
	if (fs->rdonly)
		return -EROFS;
	return iget_used(fs, ino, ip);
}

int ext2_chmod(struct ext2_fs *fs, uint32_t ino, uint32_t mode)
{
	struct inode ip;
	int r = change(fs, ino, &ip);

	if (r < 0)
		return r;
	ip.mode = (ip.mode & EXT2_S_IFMT) | (mode & 07777);
	ip.ctime = now(fs);
	return iput(fs, &ip);
}

int ext2_chown(struct ext2_fs *fs, uint32_t ino, uint32_t uid, uint32_t gid)
{
	struct inode ip;
	int r = change(fs, ino, &ip);

	if (r < 0)
		return r;
	ip.uid = uid;
	ip.gid = gid;
	ip.ctime = now(fs);
	/* The rights a set-ID program gives were its old owner's to give:
	 * they do not pass to the new one (as Linux, for root too). */
	if (!is_type(ip.mode, EXT2_S_IFDIR))
		ip.mode &= ~(uint32_t)(EXT2_S_ISUID | setgid_bit(ip.mode));
	return iput(fs, &ip);
}

int ext2_utimes(struct ext2_fs *fs, uint32_t ino, uint32_t atime, uint32_t mtime)
{
	struct inode ip;
	int r = change(fs, ino, &ip);

	if (r < 0)
		return r;
	ip.atime = atime;
	ip.mtime = mtime;
	ip.ctime = now(fs);
	return iput(fs, &ip);
}

int ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *sf)
{
	sf->bsize = fs->bsize;
	sf->blocks = fs->blocks_count;
	sf->bfree = fs->free_blocks;
	sf->bavail = fs->free_blocks > fs->r_blocks ? fs->free_blocks - fs->r_blocks : 0;
	sf->files = fs->inodes_count;
	sf->ffree = fs->free_inodes;
	sf->namemax = EXT2_NAME_MAX;
	sf->rdonly = fs->rdonly;
	return 0;
}

int ext2_release(struct ext2_fs *fs, uint32_t ino)
{
	struct inode ip;
	int r;

	if (fs->rdonly)
		return 0;
	r = iget(fs, ino, &ip);
	if (r < 0)
		return r;
	if (ip.links || ip.dtime || !valid_type(ip.mode))
		return 0;
	return free_inode(fs, &ip);
}

/* ---- mount --------------------------------------------------------------- */

size_t ext2_cache_bytes(uint32_t nbufs) { return bcache_mem_size(4096, nbufs); }

static uint32_t rel(uint32_t blk, uint32_t start)
{
	return blk >= start ? blk - start : UINT32_MAX;
}

/* Check group g's descriptor: its bitmaps and inode table lie inside the
 * group, past its superblock copy, and do not overlap; counts in range. */
static int check_group(struct ext2_fs *fs, uint32_t g, uint32_t *free_b, uint32_t *free_i)
{
	struct bc_buf *b;
	uint8_t *gd;
	uint32_t start = group_start(fs, g), n = group_blocks(fs, g), lo = super_area(fs, g);
	uint32_t bb, ib, it;
	int r = gd_get(fs, g, &b, &gd);

	if (r < 0)
		return r;
	bb = rel(get32(gd + GD_BLOCK_BITMAP), start);
	ib = rel(get32(gd + GD_INODE_BITMAP), start);
	it = rel(get32(gd + GD_INODE_TABLE), start);
	*free_b = get16(gd + GD_FREE_BLOCKS);
	*free_i = get16(gd + GD_FREE_INODES);
	bcache_put(&fs->bc, b);
	/* Offsets into the group (below its start: out of range). */
	if (bb < lo || bb >= n || ib < lo || ib >= n || it < lo || it >= n ||
	    fs->inode_table_blocks > n - it || bb == ib ||
	    (bb >= it && bb - it < fs->inode_table_blocks) ||
	    (ib >= it && ib - it < fs->inode_table_blocks))
		return -EIO;
	if (*free_b > n || *free_i > fs->inodes_per_group)
		return -EIO;
	return 0;
}

int ext2_mount(struct ext2_fs *fs, const struct blockdev *dev, void *cache_mem, size_t cache_bytes,
	       unsigned flags)
{
	uint8_t sb[1024];
	uint32_t log, bpg, ipg, isz;
	uint64_t p, maxblk, sumb = 0, sumi = 0;
	int r;

	memset(fs, 0, offsetof(struct ext2_fs, pathbuf));
	fs->dev = dev;
	if (dev->nsectors < (SB_OFFSET + 1024) / BLOCKDEV_SECTOR)
		return -EINVAL;
	r = dev->read(dev->ctx, SB_OFFSET / BLOCKDEV_SECTOR, 1024 / BLOCKDEV_SECTOR, sb);
	if (r < 0)
		return -EIO;
	if (get16(sb + SB_MAGIC_OFF) != SB_MAGIC)
		return -EINVAL;
	fs->rev = get32(sb + SB_REV);
	log = get32(sb + SB_LOG_BLOCK_SIZE);
	if (fs->rev > 1 || log > 2)
		return -EINVAL;
	fs->log_bsize = log + 10;
	fs->bsize = 1024u << log;
	if (fs->rev == 1) {
		fs->feat_compat = get32(sb + SB_FEAT_COMPAT);
		fs->feat_incompat = get32(sb + SB_FEAT_INCOMPAT);
		fs->feat_ro_compat = get32(sb + SB_FEAT_RO_COMPAT);
		fs->first_ino = get32(sb + SB_FIRST_INO);
		isz = get16(sb + SB_INODE_SIZE);
		fs->rsv_gdt = get16(sb + SB_RESERVED_GDT);
	} else {
		fs->first_ino = 11;
		isz = 128;
	}
	if (fs->feat_incompat & ~INCOMPAT_KNOWN)
		return -EINVAL;
	fs->rdonly = (flags & EXT2_MOUNT_RDONLY) || (fs->feat_ro_compat & ~RO_COMPAT_KNOWN);
	fs->report_links = (flags & EXT2_MOUNT_REPORT_LINKS) != 0;
	fs->blocks_count = get32(sb + SB_BLOCKS_COUNT);
	fs->inodes_count = get32(sb + SB_INODES_COUNT);
	fs->first_data_block = get32(sb + SB_FIRST_DATA_BLOCK);
	fs->free_blocks = get32(sb + SB_FREE_BLOCKS);
	fs->free_inodes = get32(sb + SB_FREE_INODES);
	fs->r_blocks = get32(sb + SB_R_BLOCKS);
	fs->resuid = get16(sb + SB_DEF_RESUID);
	fs->resgid = get16(sb + SB_DEF_RESGID);
	bpg = get32(sb + SB_BLOCKS_PER_GROUP);
	ipg = get32(sb + SB_INODES_PER_GROUP);
	fs->blocks_per_group = bpg;
	fs->inodes_per_group = ipg;
	fs->inode_size = isz;
	fs->ptrs = fs->bsize / 4;
	if (fs->first_data_block != (fs->bsize == 1024 ? 1u : 0u) || bpg == 0 ||
	    bpg > 8 * fs->bsize || ipg == 0 || ipg > 8 * fs->bsize || isz < 128 ||
	    isz > fs->bsize || (isz & (isz - 1)) || fs->blocks_count <= fs->first_data_block ||
	    (uint64_t)fs->blocks_count * (fs->bsize / BLOCKDEV_SECTOR) > dev->nsectors)
		return -EIO;
	fs->ngroups = (fs->blocks_count - fs->first_data_block + bpg - 1) / bpg;
	if ((uint64_t)ipg * fs->ngroups != fs->inodes_count || fs->first_ino <= EXT2_ROOT_INO ||
	    fs->first_ino > fs->inodes_count || fs->free_blocks > fs->blocks_count ||
	    fs->free_inodes > fs->inodes_count)
		return -EIO;
	fs->gdt_blocks = (uint32_t)(((uint64_t)fs->ngroups * GD_SIZE + fs->bsize - 1) / fs->bsize);
	fs->inode_table_blocks = (uint32_t)(((uint64_t)ipg * isz + fs->bsize - 1) / fs->bsize);
	if ((uint64_t)fs->first_data_block + 1 + fs->gdt_blocks + reserved_gdt(fs) >=
	    fs->blocks_count)
		return -EIO;
	/* New inodes carry the extra fields mke2fs gives them. */
	if (isz > 128) {
		uint32_t want = get16(sb + SB_WANT_EXTRA_ISIZE),
			 min = get16(sb + SB_MIN_EXTRA_ISIZE);

		fs->extra_isize = want > min ? want : min;
		if (fs->extra_isize < 32)
			fs->extra_isize = 32;
		if (fs->extra_isize > isz - 128 || fs->extra_isize % 4)
			fs->extra_isize = 0;
	}
	/* The largest file: what the block map reaches, and 32-bit i_blocks. */
	p = fs->ptrs;
	maxblk = NDIR + p + p * p + p * p * p;
	fs->max_size = maxblk * fs->bsize;
	if (fs->max_size > (1ull << 40))
		fs->max_size = 1ull << 40;
	r = bcache_init(&fs->bc, dev, fs->bsize, cache_mem, cache_bytes);
	if (r < 0)
		return r;
	for (uint32_t g = 0; g < fs->ngroups; g++) {
		uint32_t fb, fi;

		r = check_group(fs, g, &fb, &fi);
		if (r < 0)
			return r;
		sumb += fb;
		sumi += fi;
	}
	/* The descriptors are the truth e2fsck keeps; a superblock whose
	 * sums disagree gets theirs (they are what allocation uses). */
	if (sumb > fs->blocks_count || sumi > fs->inodes_count)
		return -EIO;
	fs->free_blocks = (uint32_t)sumb;
	fs->free_inodes = (uint32_t)sumi;
	{
		struct inode root;

		r = iget_linked(fs, EXT2_ROOT_INO, &root);
		if (r < 0)
			return r;
		if (!is_type(root.mode, EXT2_S_IFDIR))
			return -EIO;
	}
	fs->mounted = 1;
	if (!fs->rdonly) {
		r = sb_update(fs);
		if (r == 0)
			r = sb_set_state(fs, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	if (fs->rdonly)
		return 0;
	return bcache_flush(&fs->bc);
}

int ext2_unmount(struct ext2_fs *fs)
{
	int r = 0;

	if (!fs->mounted)
		return 0;
	if (!fs->rdonly) {
		r = bcache_flush(&fs->bc);
		if (r == 0)
			r = sb_set_state(fs, 1);
	}
	fs->mounted = 0;
	return r;
}
