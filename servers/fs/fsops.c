/* The file-system server's operations: see fsops.h. */
#include "fsops.h"

#include <errno.h>
#include <string.h>

static int is_dir(const struct ext2_stat *st) { return (st->mode & EXT2_S_IFMT) == EXT2_S_IFDIR; }

static int hook_open(void *ctx, uint32_t ino)
{
	const struct fs_server *s = ctx;

	for (int i = 0; i < FS_MAX_OPEN; i++)
		if (s->files[i].ino == ino)
			return 1;
	return 0;
}

void fs_init(struct fs_server *s, struct ext2_fs *fs)
{
	memset(s, 0, sizeof(*s));
	s->fs = fs;
	fs->hook_ctx = s;
	fs->inode_open = hook_open;
}

int fs_open_count(const struct fs_server *s)
{
	int n = 0;

	for (int i = 0; i < FS_MAX_OPEN; i++)
		n += s->files[i].ino != 0;
	return n;
}

static struct fs_file *handle(struct fs_server *s, int h) { return fs_handle(s, h); }

static int stat_ino(struct fs_server *s, uint32_t ino, struct ext2_stat *st)
{
	return ext2_stat(s->fs, ino, st);
}

/* The parent of path, which the caller must be able to write and search
 * (to add or remove a name in it). */
static int parent_w(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
		    uint32_t *dir, const char **name, size_t *len)
{
	struct ext2_stat st;
	int r = ext2_walk_parent(s->fs, cwd, path, c, dir, name, len);

	if (r == 0)
		r = stat_ino(s, *dir, &st);
	if (r == 0)
		r = ext2_access(&st, c, EXT2_W_OK | EXT2_X_OK);
	if (r == 0 && (st.mode & EXT2_S_ISVTX) && c->uid != 0 && c->uid != st.uid)
		r = 1; /* sticky_ok decides for the name */
	/* Whatever the call allocates is for the caller (reserved blocks). */
	ext2_set_caller(s->fs, c);
	return r;
}

/* In a sticky directory (S_ISVTX, /tmp's 1777) that the caller does not
 * own, the caller may remove or replace the entry name[0..len) of dir
 * only if it owns that entry: 0, -EPERM, or 0 when there is no such entry
 * (the call itself then says ENOENT). parent_w returned 1 for such a
 * directory; 0 from parent_w needs no check. */
static int sticky_ok(struct fs_server *s, const struct ext2_cred *c, int pw, uint32_t dir,
		     const char *name, size_t len)
{
	uint32_t ino;
	struct ext2_stat st;

	if (pw != 1)
		return pw;
	if (ext2_lookup(s->fs, dir, name, len, &ino) < 0 || stat_ino(s, ino, &st) < 0)
		return 0;
	return st.uid == c->uid ? 0 : -EPERM;
}

/* parent_w for a call that only adds a name: the sticky bit does not
 * restrict that. */
static int parent_add(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd,
		      const char *path, uint32_t *dir, const char **name, size_t *len)
{
	int r = parent_w(s, c, cwd, path, dir, name, len);

	return r == 1 ? 0 : r;
}

static int owner_or_root(const struct ext2_stat *st, const struct ext2_cred *c)
{
	return c->uid == 0 || c->uid == st->uid ? 0 : -EPERM;
}

int fs_open(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	    uint32_t flags, uint32_t mode)
{
	uint32_t acc = flags & FS_O_ACCMODE, ino, dir;
	struct ext2_stat st;
	int want = 0, h, r;

	if (acc == FS_O_ACCMODE)
		return -EINVAL;
	for (h = 0; h < FS_MAX_OPEN && s->files[h].ino; h++)
		;
	if (h == FS_MAX_OPEN)
		return -ENFILE;
	/* Creating a file: one walk to the parent and one pass over it
	 * (ext2_create finds the name absent and where it fits together).
	 * When that walk fails, or the name is there (-EEXIST), or the file
	 * system is read-only (ext2_create says so before it looks), nothing
	 * has changed and the walk of the whole path below decides, as it
	 * would have without this; any other failure of ext2_create is the
	 * one that path would have met too, after the same walk. */
	if (flags & FS_O_CREAT) {
		const char *name;
		size_t len;

		if (parent_w(s, c, cwd, path, &dir, &name, &len) == 0) {
			r = ext2_create(s->fs, dir, name, len, mode, c->uid, c->gid, &ino);
			if (r == 0) {
				s->files[h].ino = ino;
				s->files[h].flags = (uint16_t)flags;
				s->files[h].off = 0;
				s->files[h].mode = (uint16_t)(EXT2_S_IFREG | (mode & 07777));
				return h;
			}
			if (r != -EEXIST && r != -EROFS)
				return r;
		}
	}
	/* O_CREAT|O_EXCL does not follow a symlink at the end: it exists (O_EXCL
	 * alone, which POSIX leaves undefined, does not either). */
	r = ext2_walk(s->fs, cwd, path,
		      (flags & (FS_O_NOFOLLOW | FS_O_EXCL)) ? EXT2_WALK_NOFOLLOW : 0, c, &ino);
	if (r == 0 && (flags & FS_O_CREAT) && (flags & FS_O_EXCL))
		return -EEXIST;
	if (r == -ENOENT && (flags & FS_O_CREAT)) {
		const char *name;
		size_t len;

		r = parent_add(s, c, cwd, path, &dir, &name, &len);
		if (r == 0)
			r = ext2_create(s->fs, dir, name, len, mode, c->uid, c->gid, &ino);
		if (r < 0)
			return r;
		/* The creator may write a file it made read-only. */
		s->files[h].ino = ino;
		s->files[h].flags = (uint16_t)flags;
		s->files[h].off = 0;
		s->files[h].mode = (uint16_t)(EXT2_S_IFREG | (mode & 07777));
		return h;
	}
	if (r < 0)
		return r;
	r = stat_ino(s, ino, &st);
	if (r < 0)
		return r;
	if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
		return -ELOOP; /* O_NOFOLLOW on a symlink */
	if ((flags & FS_O_DIRECTORY) && !is_dir(&st))
		return -ENOTDIR;
	if (is_dir(&st) && (acc != FS_O_RDONLY || (flags & (FS_O_TRUNC | FS_O_CREAT))))
		return -EISDIR;
	if (acc != FS_O_WRONLY)
		want |= EXT2_R_OK;
	if (acc != FS_O_RDONLY || (flags & FS_O_TRUNC))
		want |= EXT2_W_OK;
	r = ext2_access(&st, c, want);
	if (r < 0)
		return r;
	if ((flags & FS_O_TRUNC) && (st.mode & EXT2_S_IFMT) == EXT2_S_IFREG) {
		ext2_set_caller(s->fs, c);
		r = ext2_truncate(s->fs, ino, 0);
		if (r < 0)
			return r;
	}
	s->files[h].ino = ino;
	s->files[h].flags = (uint16_t)flags;
	s->files[h].off = 0;
	s->files[h].mode = (uint16_t)st.mode;
	return h;
}

int fs_close(struct fs_server *s, int h)
{
	struct fs_file *f = handle(s, h);
	uint32_t ino;

	if (!f)
		return -EBADF;
	ino = f->ino;
	f->ino = 0;
	if (hook_open(s, ino))
		return 0;
	return ext2_release(s->fs, ino);
}

void fs_close_all(struct fs_server *s)
{
	for (int h = 0; h < FS_MAX_OPEN; h++)
		if (s->files[h].ino)
			fs_close(s, h);
}

static int buf_sink(void *ctx, size_t at, const struct ext2_seg *seg, int n)
{
	char *dst = (char *)ctx + at;

	for (int i = 0; i < n; i++) {
		memcpy(dst, seg[i].src, seg[i].len);
		dst += seg[i].len;
	}
	return 0;
}

long fs_read(struct fs_server *s, int h, void *buf, size_t len)
{
	return fs_read_to(s, h, len, buf_sink, buf);
}

long fs_write(struct fs_server *s, const struct ext2_cred *c, int h, const void *buf, size_t len)
{
	struct fs_file *f = handle(s, h);
	long n;

	if (!f)
		return -EBADF;
	if ((f->flags & FS_O_ACCMODE) == FS_O_RDONLY)
		return -EBADF;
	if (f->flags & FS_O_APPEND) {
		struct ext2_stat st;
		int r = stat_ino(s, f->ino, &st);

		if (r < 0)
			return r;
		f->off = st.size;
	}
	ext2_set_caller(s->fs, c);
	n = ext2_write(s->fs, f->ino, f->off, buf, len);
	if (n > 0)
		f->off += (uint64_t)n;
	return n;
}

int64_t fs_lseek(struct fs_server *s, int h, int64_t off, int whence)
{
	struct fs_file *f = handle(s, h);
	struct ext2_stat st;
	int64_t base;
	int r;

	if (!f)
		return -EBADF;
	switch (whence) {
	case FS_SEEK_SET: base = 0; break;
	case FS_SEEK_CUR: base = (int64_t)f->off; break;
	case FS_SEEK_END:
		r = stat_ino(s, f->ino, &st);
		if (r < 0)
			return r;
		base = (int64_t)st.size;
		break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (int64_t)f->off;
}

int fs_fstat(struct fs_server *s, int h, struct ext2_stat *st)
{
	struct fs_file *f = handle(s, h);

	return f ? stat_ino(s, f->ino, st) : -EBADF;
}

int fs_ftruncate(struct fs_server *s, const struct ext2_cred *c, int h, uint64_t size)
{
	struct fs_file *f = handle(s, h);

	if (!f || (f->flags & FS_O_ACCMODE) == FS_O_RDONLY)
		return -EBADF;
	ext2_set_caller(s->fs, c);
	return ext2_truncate(s->fs, f->ino, size);
}

int fs_readdir(struct fs_server *s, int h, struct ext2_dirent *de)
{
	struct fs_file *f = handle(s, h);

	if (!f)
		return -EBADF;
	return ext2_readdir(s->fs, f->ino, &f->off, de);
}

int fs_stat(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	    int nofollow, struct ext2_stat *st)
{
	return fs_stat_len(s, c, cwd, path, strnlen(path, EXT2_PATH_MAX + 1), nofollow, st);
}

int fs_chdir(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t *ino)
{
	struct ext2_stat st;
	int r = fs_stat(s, c, cwd, path, 0, &st);

	if (r < 0)
		return r;
	if (!is_dir(&st))
		return -ENOTDIR;
	r = ext2_access(&st, c, EXT2_X_OK);
	if (r == 0)
		*ino = st.ino;
	return r;
}

int fs_access(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	      int want)
{
	struct ext2_stat st;
	int r = fs_stat(s, c, cwd, path, 0, &st);

	return r < 0 ? r : ext2_access(&st, c, want);
}

int fs_mkdir(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t mode)
{
	uint32_t dir, ino;
	const char *name;
	size_t len;
	int r = parent_add(s, c, cwd, path, &dir, &name, &len);

	return r < 0 ? r : ext2_mkdir(s->fs, dir, name, len, mode, c->uid, c->gid, &ino);
}

int fs_rmdir(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path)
{
	uint32_t dir;
	const char *name;
	size_t len;
	int r = parent_w(s, c, cwd, path, &dir, &name, &len);

	r = sticky_ok(s, c, r, dir, name, len);
	return r < 0 ? r : ext2_rmdir(s->fs, dir, name, len);
}

int fs_unlink(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path)
{
	uint32_t dir;
	const char *name;
	size_t len;
	int r = parent_w(s, c, cwd, path, &dir, &name, &len);

	r = sticky_ok(s, c, r, dir, name, len);
	return r < 0 ? r : ext2_unlink(s->fs, dir, name, len);
}

int fs_link(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *old,
	    const char *new_path)
{
	uint32_t ino, dir;
	const char *name;
	size_t len;
	int r = ext2_walk(s->fs, cwd, old, EXT2_WALK_NOFOLLOW, c, &ino);

	if (r == 0)
		r = parent_add(s, c, cwd, new_path, &dir, &name, &len);
	return r < 0 ? r : ext2_link(s->fs, ino, dir, name, len);
}

int fs_rename(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *old,
	      const char *new_path)
{
	uint32_t sdir, ddir, ino;
	const char *sname, *dname;
	size_t slen, dlen;
	struct ext2_stat st;
	int r = parent_w(s, c, cwd, old, &sdir, &sname, &slen);

	r = sticky_ok(s, c, r, sdir, sname, slen);
	if (r == 0)
		r = parent_w(s, c, cwd, new_path, &ddir, &dname, &dlen);
	r = sticky_ok(s, c, r, ddir, dname, dlen); /* the name it replaces, if any */
	/* A directory moving to another parent has its ".." rewritten: the
	 * caller must be able to write it too. */
	if (r == 0 && sdir != ddir && ext2_lookup(s->fs, sdir, sname, slen, &ino) == 0 &&
	    stat_ino(s, ino, &st) == 0 && is_dir(&st))
		r = ext2_access(&st, c, EXT2_W_OK);
	return r < 0 ? r : ext2_rename(s->fs, sdir, sname, slen, ddir, dname, dlen);
}

int fs_symlink(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *target,
	       const char *path)
{
	uint32_t dir, ino;
	const char *name;
	size_t len;
	int r = parent_add(s, c, cwd, path, &dir, &name, &len);

	return r < 0 ? r : ext2_symlink(s->fs, dir, name, len, target, c->uid, c->gid, &ino);
}

long fs_readlink(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
		 char *buf, size_t size)
{
	uint32_t ino;
	int r = ext2_walk(s->fs, cwd, path, EXT2_WALK_NOFOLLOW, c, &ino);

	return r < 0 ? r : ext2_readlink(s->fs, ino, buf, size);
}

/* The inode path names, if the caller owns it (or is root). */
static int owned(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
		 uint32_t *ino)
{
	struct ext2_stat st;
	int r = fs_stat(s, c, cwd, path, 0, &st);

	if (r == 0)
		r = owner_or_root(&st, c);
	if (r == 0)
		*ino = st.ino;
	return r;
}

int fs_chmod(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t mode)
{
	uint32_t ino = 0;
	int r = owned(s, c, cwd, path, &ino);

	return r < 0 ? r : ext2_chmod(s->fs, ino, mode);
}

int fs_chown(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t uid, uint32_t gid)
{
	uint32_t ino;
	int r;

	if (c->uid != 0)
		return -EPERM;
	r = ext2_walk(s->fs, cwd, path, 0, c, &ino);
	return r < 0 ? r : ext2_chown(s->fs, ino, uid, gid);
}

int fs_utimes(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	      uint32_t atime, uint32_t mtime)
{
	uint32_t ino = 0;
	int r = owned(s, c, cwd, path, &ino);

	return r < 0 ? r : ext2_utimes(s->fs, ino, atime, mtime);
}
