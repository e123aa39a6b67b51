/* ramfs: a file server that keeps its files in memory (a tmpfs), speaking
 * the file protocol of kernel/uapi_fs.h (docs/files.md). It serves the
 * endpoint at the descriptor given as its argument; whoever started it
 * mounts that endpoint: ep = ep_create(); fork; the child execs
 * "ramfs FD"; the parent calls mount("/tmp", ep).
 *
 *   usage: ramfs FD
 *
 * Every process is root in lde today, so modes and owners are recorded and
 * reported but not enforced. A directory's READDIR cookie is an index into
 * its entries ("." and ".." first): removing an entry while a listing is
 * under way may make the listing skip one. It has no symbolic links:
 * SYMLINK is EPERM (as Linux answers on a file system without them). */
#include "lde.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NNODE 512 /* files and directories */
#define MAX_FILE (16u << 20)

struct entry {
	char *name;
	int ino;
};

struct node {
	uint32_t mode; /* 0: free */
	uint32_t nlink, uid, gid;
	uint32_t opens; /* handles open on it: an unlinked file lives until the last goes */
	uint64_t size, cap;
	uint64_t atime, mtime, ctime;
	char *data;	    /* a regular file's bytes */
	struct entry *ents; /* a directory's entries */
	int nents, capents;
};

struct handle {
	uint64_t handle; /* 0: free */
	int ino;
};

static struct node nodes[NNODE];
static struct handle handles[LDE_FS_MAX_OPEN];
static uint64_t open_handles;
static char path_buf[LDE_FS_PATH_MAX], path2_buf[LDE_FS_PATH_MAX];

static uint64_t now(void) { return (uint64_t)uptime() / 1000; }

static int node_alloc(uint32_t mode, uint64_t cred)
{
	for (int i = 0; i < NNODE; i++) {
		if (nodes[i].mode)
			continue;
		memset(&nodes[i], 0, sizeof nodes[i]);
		nodes[i].mode = mode;
		nodes[i].uid = LDE_FS_UID(cred);
		nodes[i].gid = LDE_FS_GID(cred);
		nodes[i].atime = nodes[i].mtime = nodes[i].ctime = now();
		return i;
	}
	return -ENOSPC;
}

static bool is_dir(int ino) { return (nodes[ino].mode & LDE_S_IFMT) == LDE_S_IFDIR; }

/* A node with no name and no handle goes. */
static void node_maybe_free(int ino)
{
	struct node *n = &nodes[ino];
	if (n->nlink || n->opens)
		return;
	free(n->data);
	for (int i = 0; i < n->nents; i++)
		free(n->ents[i].name);
	free(n->ents);
	n->mode = 0;
}

/* The entry called name (len bytes) in directory dir: its index, or -1. */
static int dir_find(int dir, const char *name, size_t len)
{
	struct node *d = &nodes[dir];
	for (int i = 0; i < d->nents; i++)
		if (strlen(d->ents[i].name) == len && !memcmp(d->ents[i].name, name, len))
			return i;
	return -1;
}

static int dir_add(int dir, const char *name, size_t len, int ino)
{
	struct node *d = &nodes[dir];
	if (d->nents == d->capents) {
		int cap = d->capents ? d->capents * 2 : 8;
		struct entry *e = realloc(d->ents, (size_t)cap * sizeof *e);
		if (!e)
			return -ENOSPC;
		d->ents = e;
		d->capents = cap;
	}
	char *s = malloc(len + 1);
	if (!s)
		return -ENOSPC;
	memcpy(s, name, len);
	s[len] = 0;
	d->ents[d->nents++] = (struct entry){ s, ino };
	nodes[ino].nlink++;
	if (is_dir(ino))
		d->nlink++; /* its ".." */
	d->mtime = d->ctime = now();
	return 0;
}

static void dir_remove(int dir, int idx)
{
	struct node *d = &nodes[dir];
	int ino = d->ents[idx].ino;
	free(d->ents[idx].name);
	d->ents[idx] = d->ents[--d->nents];
	if (is_dir(ino))
		d->nlink--;
	nodes[ino].nlink--;
	d->mtime = d->ctime = now();
	node_maybe_free(ino);
}

/* Walk path (normalized by the kernel, len bytes) from the root. With
 * parent set, stop before the last component: *parent gets its directory
 * and *name, *name_len the last component ("" for the root). Returns the
 * node, -ENOENT if the last component is missing (with *parent set), or
 * another error. */
static int walk(const char *path, size_t len, int *parent, const char **name, size_t *name_len)
{
	int cur = 0, par = -1;
	size_t i = 0;
	if (parent)
		*parent = -1;
	const char *last = path;
	size_t last_len = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && path[j] != '/')
			j++;
		if (!is_dir(cur))
			return -ENOTDIR;
		par = cur;
		last = path + i;
		last_len = j - i;
		int e = dir_find(cur, last, last_len);
		if (e < 0) {
			if (j < len)
				return -ENOENT; /* a directory on the way is missing */
			cur = -ENOENT;
			break;
		}
		cur = nodes[cur].ents[e].ino;
		i = j + 1;
	}
	if (parent)
		*parent = par;
	if (name)
		*name = last, *name_len = last_len;
	return cur;
}

/* Lease idx of the request, a path of len bytes (the kernel's word), into
 * buf as a string. Its length or -errno. */
static long read_path(const struct lde_msg *m, int idx, uint32_t len, char *buf)
{
	if (len >= LDE_FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (len && lease_read(m->token, idx, 0, buf, len) != (long)len)
		return -EIO;
	buf[len] = 0;
	return len;
}

static void fill_stat(int ino, struct lde_stat *st)
{
	struct node *n = &nodes[ino];
	memset(st, 0, sizeof *st);
	st->ino = (uint64_t)ino + 1;
	st->size = is_dir(ino) ? (uint64_t)n->nents * 32 : n->size;
	st->blocks = (n->cap + 511) / 512;
	st->atime = n->atime, st->mtime = n->mtime, st->ctime = n->ctime;
	st->mode = n->mode;
	st->nlink = n->nlink;
	st->uid = n->uid, st->gid = n->gid;
	st->blksize = 4096;
}

static struct handle *handle_of(uint64_t h)
{
	struct handle *hd = &handles[LDE_FS_SLOT(h)];
	return hd->handle == h && h ? hd : NULL;
}

static long do_open(struct lde_msg *m)
{
	long n = read_path(m, 0, LDE_FS_LEN1(m->w[1]), path_buf);
	if (n < 0)
		return n;
	uint64_t flags = (uint32_t)m->w[1];
	int parent;
	const char *name;
	size_t name_len;
	int ino = walk(path_buf, (size_t)n, &parent, &name, &name_len);
	if (ino == -ENOENT && parent >= 0 && (flags & LDE_O_CREAT)) {
		if (name_len > LDE_NAME_LEN)
			return -ENAMETOOLONG;
		ino = node_alloc(LDE_S_IFREG | (uint32_t)(m->w[2] & 07777), m->w[3]);
		if (ino < 0)
			return ino;
		int err = dir_add(parent, name, name_len, ino);
		if (err) {
			node_maybe_free(ino);
			return err;
		}
	} else if (ino < 0) {
		return ino;
	} else if ((flags & LDE_O_CREAT) && (flags & LDE_O_EXCL)) {
		return -EEXIST;
	}
	uint64_t acc = flags & LDE_O_ACCMODE;
	if (is_dir(ino) && acc != LDE_O_RDONLY)
		return -EISDIR;
	if ((flags & LDE_O_DIRECTORY) && !is_dir(ino))
		return -ENOTDIR;
	struct handle *hd = &handles[LDE_FS_SLOT(m->w[0])];
	if (hd->handle || !m->w[0])
		return -EBUSY; /* the kernel never does that */
	if ((flags & LDE_O_TRUNC) && acc != LDE_O_RDONLY && !is_dir(ino)) {
		nodes[ino].size = 0;
		nodes[ino].mtime = now();
	}
	hd->handle = m->w[0];
	hd->ino = ino;
	nodes[ino].opens++;
	open_handles++;
	m->w[0] = nodes[ino].mode;
	return 0;
}

static void do_close(uint64_t h)
{
	struct handle *hd = handle_of(h);
	if (!hd)
		return; /* never opened here (a failed open, or before a restart) */
	hd->handle = 0;
	nodes[hd->ino].opens--;
	open_handles--;
	node_maybe_free(hd->ino);
}

static long do_read(struct lde_msg *m)
{
	struct handle *hd = handle_of(m->w[0]);
	if (!hd)
		return -EIO;
	struct node *n = &nodes[hd->ino];
	if (is_dir(hd->ino))
		return -EISDIR;
	uint64_t off = m->w[1], len = m->w[2];
	uint64_t avail = off < n->size ? n->size - off : 0;
	if (len > avail)
		len = avail;
	if (len && lease_write(m->token, 0, 0, n->data + off, len) < 0)
		return -errno;
	n->atime = now();
	m->w[0] = len;
	return 0;
}

static long resize(struct node *n, uint64_t size)
{
	if (size > MAX_FILE)
		return -EFBIG;
	if (size > n->cap) {
		uint64_t cap = n->cap ? n->cap : 64;
		while (cap < size)
			cap *= 2;
		char *d = realloc(n->data, cap);
		if (!d)
			return -ENOSPC;
		n->data = d;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	return 0;
}

static long do_write(struct lde_msg *m)
{
	struct handle *hd = handle_of(m->w[0]);
	if (!hd)
		return -EIO;
	struct node *n = &nodes[hd->ino];
	uint64_t len = m->w[2] & ~LDE_FS_APPEND;
	uint64_t off = m->w[2] & LDE_FS_APPEND ? n->size : m->w[1];
	if (off > MAX_FILE || len > MAX_FILE - off)
		return -EFBIG;
	uint64_t old = n->size;
	if (off + len > n->size) {
		long err = resize(n, off + len);
		if (err)
			return err;
	}
	if (len && lease_read(m->token, 0, 0, n->data + off, len) < 0) {
		long err = -errno;
		n->size = old; /* nothing written: the caller's buffer was bad */
		return err;
	}
	n->mtime = n->ctime = now();
	m->w[0] = len;
	m->w[1] = off;
	return 0;
}

static long do_readdir(struct lde_msg *m)
{
	struct handle *hd = handle_of(m->w[0]);
	if (!hd)
		return -EIO;
	if (!is_dir(hd->ino))
		return -ENOTDIR;
	struct node *d = &nodes[hd->ino];
	uint64_t cookie = m->w[1], len = m->w[2], done = 0;
	char rec[sizeof(struct lde_dirent) + LDE_NAME_LEN + 8] __attribute__((aligned(8)));
	for (;; cookie++) {
		const char *name;
		int ino;
		if (cookie == 0)
			name = ".", ino = hd->ino;
		else if (cookie == 1)
			name = "..", ino = hd->ino; /* the kernel resolves ".." itself */
		else if (cookie - 2 < (uint64_t)d->nents)
			name = d->ents[cookie - 2].name, ino = d->ents[cookie - 2].ino;
		else
			break;
		size_t nl = strlen(name);
		size_t reclen = (sizeof(struct lde_dirent) + nl + 1 + 7) & ~(size_t)7;
		if (done + reclen > len) {
			if (!done)
				return -EINVAL; /* not even one record fits */
			break;
		}
		struct lde_dirent *e = (struct lde_dirent *)rec;
		memset(rec, 0, reclen);
		e->ino = (uint64_t)ino + 1;
		e->reclen = (uint16_t)reclen;
		e->type = (uint8_t)((nodes[ino].mode & LDE_S_IFMT) >> 12);
		memcpy(e->name, name, nl + 1);
		if (lease_write(m->token, 0, done, rec, reclen) < 0)
			return -errno;
		done += reclen;
	}
	m->w[0] = done;
	m->w[1] = cookie;
	return 0;
}

static long do_mkdir(struct lde_msg *m)
{
	long n = read_path(m, 0, LDE_FS_LEN0(m->w[0]), path_buf);
	if (n < 0)
		return n;
	int parent;
	const char *name;
	size_t nl;
	int ino = walk(path_buf, (size_t)n, &parent, &name, &nl);
	if (ino >= 0)
		return -EEXIST;
	if (ino != -ENOENT || parent < 0)
		return ino;
	ino = node_alloc(LDE_S_IFDIR | (uint32_t)(m->w[1] & 07777), m->w[3]);
	if (ino < 0)
		return ino;
	nodes[ino].nlink = 1; /* its "." */
	long err = dir_add(parent, name, nl, ino);
	if (err) {
		nodes[ino].nlink = 0;
		node_maybe_free(ino);
	}
	return err;
}

/* unlink and rmdir: remove the entry path names. */
static long do_remove(struct lde_msg *m, bool dir)
{
	long n = read_path(m, 0, LDE_FS_LEN0(m->w[0]), path_buf);
	if (n < 0)
		return n;
	int parent;
	const char *name;
	size_t nl;
	int ino = walk(path_buf, (size_t)n, &parent, &name, &nl);
	if (ino < 0)
		return ino;
	if (parent < 0)
		return -EBUSY; /* the root */
	if (dir && !is_dir(ino))
		return -ENOTDIR;
	if (!dir && is_dir(ino))
		return -EISDIR;
	if (dir && nodes[ino].nents)
		return -ENOTEMPTY;
	if (dir)
		nodes[ino].nlink--; /* its "." */
	dir_remove(parent, dir_find(parent, name, nl));
	return 0;
}

static long do_link(struct lde_msg *m, bool rename)
{
	long n1 = read_path(m, 0, LDE_FS_LEN0(m->w[0]), path_buf);
	long n2 = n1 < 0 ? n1 : read_path(m, 1, LDE_FS_LEN1(m->w[0]), path2_buf);
	if (n2 < 0)
		return n2;
	int p1, p2;
	const char *name1, *name2;
	size_t l1, l2;
	int src = walk(path_buf, (size_t)n1, &p1, &name1, &l1);
	if (src < 0)
		return src;
	int dst = walk(path2_buf, (size_t)n2, &p2, &name2, &l2);
	if (dst < 0 && (dst != -ENOENT || p2 < 0))
		return dst;
	if (l2 > LDE_NAME_LEN)
		return -ENAMETOOLONG;
	if (!rename) {
		if (is_dir(src))
			return -EPERM;
		return dst >= 0 ? -EEXIST : dir_add(p2, name2, l2, src);
	}
	if (src == dst)
		return 0;
	/* A directory cannot move below itself. */
	if (is_dir(src) && (size_t)n2 > (size_t)n1 && !memcmp(path_buf, path2_buf, (size_t)n1) &&
	    path2_buf[n1] == '/')
		return -EINVAL;
	if (dst >= 0) {
		if (is_dir(src) && !is_dir(dst))
			return -ENOTDIR;
		if (!is_dir(src) && is_dir(dst))
			return -EISDIR;
		if (is_dir(dst) && nodes[dst].nents)
			return -ENOTEMPTY;
	}
	/* Add the new name first: the node must not go in between. */
	nodes[src].nlink++;
	if (dst >= 0) {
		if (is_dir(dst))
			nodes[dst].nlink--;
		dir_remove(p2, dir_find(p2, name2, l2));
	}
	long err = dir_add(p2, name2, l2, src);
	nodes[src].nlink--;
	if (err)
		return err;
	dir_remove(p1, dir_find(p1, name1, l1));
	return 0;
}

/* chmod, chown, utimes, access, stat: a path and what to do with its node. */
static long do_attr(struct lde_msg *m, int label)
{
	long n = read_path(m, 0, LDE_FS_LEN0(m->w[0]), path_buf);
	if (n < 0)
		return n;
	int ino = walk(path_buf, (size_t)n, NULL, NULL, NULL);
	if (ino < 0)
		return ino;
	struct node *nd = &nodes[ino];
	switch (label) {
	case LDE_FS_CHMOD: nd->mode = (nd->mode & LDE_S_IFMT) | (uint32_t)(m->w[1] & 07777); break;
	case LDE_FS_CHOWN: nd->uid = (uint32_t)m->w[1], nd->gid = (uint32_t)m->w[2]; break;
	case LDE_FS_UTIMES: nd->atime = m->w[1], nd->mtime = m->w[2]; break;
	case LDE_FS_ACCESS: return 0;
	case LDE_FS_STAT:
	case LDE_FS_LSTAT: { /* no symlinks: the same */
		struct lde_stat st;
		fill_stat(ino, &st);
		return lease_write(m->token, 1, 0, &st, sizeof st) < 0 ? -errno : 0;
	}
	}
	nd->ctime = now();
	return 0;
}

static long serve(struct lde_msg *m)
{
	uint32_t label = LDE_MSG_LABEL(m->info);
	switch (label) {
	case LDE_FS_OPEN: return do_open(m);
	case LDE_FS_READ: return do_read(m);
	case LDE_FS_WRITE: return do_write(m);
	case LDE_FS_READDIR: return do_readdir(m);
	case LDE_FS_MKDIR: return do_mkdir(m);
	case LDE_FS_RMDIR: return do_remove(m, true);
	case LDE_FS_UNLINK: return do_remove(m, false);
	case LDE_FS_LINK: return do_link(m, false);
	case LDE_FS_RENAME: return do_link(m, true);
	case LDE_FS_STAT:
	case LDE_FS_LSTAT:
	case LDE_FS_CHMOD:
	case LDE_FS_CHOWN:
	case LDE_FS_UTIMES:
	case LDE_FS_ACCESS: return do_attr(m, (int)label);
	case LDE_FS_SYMLINK: return -EPERM; /* ramfs keeps no symbolic links */
	case LDE_FS_READLINK: {
		long n = read_path(m, 0, LDE_FS_LEN0(m->w[0]), path_buf);
		int ino = n < 0 ? (int)n : walk(path_buf, (size_t)n, NULL, NULL, NULL);
		return ino < 0 ? ino : -EINVAL; /* not a symlink: nothing is */
	}
	case LDE_FS_FSTAT:
	case LDE_FS_TRUNCATE:
	case LDE_FS_FSYNC: {
		struct handle *hd = handle_of(m->w[0]);
		if (!hd)
			return -EIO;
		if (label == LDE_FS_FSYNC)
			return 0;
		if (label == LDE_FS_TRUNCATE) {
			if (is_dir(hd->ino))
				return -EISDIR;
			long err = resize(&nodes[hd->ino], m->w[1]);
			nodes[hd->ino].mtime = now();
			return err;
		}
		struct lde_stat st;
		fill_stat(hd->ino, &st);
		return lease_write(m->token, 0, 0, &st, sizeof st) < 0 ? -errno : 0;
	}
	case LDE_FS_SYNC: return 0;
	case LDE_FS_STATFS: {
		struct lde_statfs st = { .bsize = 4096, .files = NNODE, .namemax = LDE_NAME_LEN };
		for (int i = 0; i < NNODE; i++)
			st.ffree += !nodes[i].mode;
		st.open_handles = open_handles;
		return lease_write(m->token, 0, 0, &st, sizeof st) < 0 ? -errno : 0;
	}
	default: return -ENOSYS;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ramfs FD\n");
		return 2;
	}
	int ep = atoi(argv[1]);
	nodes[0] = (struct node){ .mode = LDE_S_IFDIR | 0777, .nlink = 2 };
	struct lde_msg m;
	long r = ipc_recv(ep, &m);
	for (;;) {
		if (r < 0) {
			fprintf(stderr, "ramfs: recv: %s\n", strerror(errno));
			return 1;
		}
		if (LDE_MSG_LABEL(m.info) == LDE_FS_CLOSE) {
			do_close(m.w[0]);
			r = ipc_recv(ep, &m);
			continue;
		}
		long err = serve(&m);
		m.info = LDE_MSG_INFO((uint32_t)-err, 0, -1);
		r = ipc_reply_recv(ep, &m);
	}
}
