/* Files of file servers (docs/files.md). The kernel keeps the descriptors,
 * the offsets, the current directory and the mount table; a file server
 * (a user process receiving on an endpoint) keeps the files. Every file
 * operation becomes an IPC call the kernel makes on the caller's behalf
 * (ipc_kcall): the caller blocks as an ordinary client would, its buffers
 * lent to the server as leases, and the server learns the caller's
 * credentials from the message. The last close of a remote file is a
 * message that needs no answer (ep_post_close), so no process waits for a
 * server in close or exit. Here: the mount table, path names and the
 * calls on paths (open among them); the calls on open files are
 * rfile.c's, the request itself fscall.h's. */
#include "vfs.h"
#include "fscall.h"
#include "errno.h"
#include "ipc.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"
#include "path.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

_Static_assert(LDE_FS_PATH_MAX <= PGSIZE, "a path fits a page");
_Static_assert(NFILE <= LDE_FS_MAX_OPEN, "a handle's slot bits name every open file");

struct mount {
	struct file *ep; /* a reference to the descriptor given to mount(); NULL: free */
	size_t len;
	char *path; /* absolute, normalized, in a page of its own */
};
static struct mount mounts[NMOUNT];
/* Handles' counter part: never reused, so a handle names one open file
 * for the server's whole life (uapi_fs.h). */
static uint64_t handle_count;

/* A path resolved for a call (docs/files.md, "Symbolic links"): the
 * absolute normalized path, its mount, and the part the server sees; len
 * and vlen are path.h's state while it is built. A server's LDE_FS_LINKED
 * answer leaves hit and which here. The path is built in buf, on the
 * caller's kernel stack, while it fits there (the usual case: no page to
 * allocate and put for a call), else in a page of its own (paged). */
#define VP_BUF 256
/* What fits buf has no component too long (path_clean's paths). */
_Static_assert(VP_BUF - 8 - 2 <= LDE_NAME_LEN, "VP_BUF and LDE_NAME_LEN");
struct vpath {
	char *page;  /* the path: in buf, or a page (paged) */
	size_t size; /* the room at page */
	struct mount *m;
	const char *rel;
	size_t rel_len;
	size_t len, vlen;
	uint64_t hit, which;
	int links;	     /* symlinks followed so far */
	enum path_last last; /* what the program's last component was */
	bool slash;	     /* and whether a '/' followed it (lstat then follows, as Linux) */
	bool root_ok;	     /* "/" with nothing mounted is fine (chdir) */
	bool paged;
	char buf[VP_BUF] __attribute__((aligned(8))); /* for copyinstr's words */
};
/* The kernel stack's budget for paths: two_path_call holds two, within a
 * quarter page, a sixteenth of the four pages arch gives a stack. */
_Static_assert(2 * sizeof(struct vpath) <= PGSIZE / 4, "struct vpath on the stack");

static void vp_put(struct vpath *vp)
{
	if (vp->paged)
		page_put(vp->page);
}

/* vp's path outgrew buf: move it to a page. */
static __attribute__((noinline, cold)) long vp_grow(struct vpath *vp)
{
	char *p = palloc();
	if (!p)
		return -ENOMEM;
	memcpy(p, vp->page, vp->len);
	vp->page = p;
	vp->size = LDE_FS_PATH_MAX;
	vp->paged = true;
	return 0;
}

/* path_append to vp's path, moved to a page if buf is too small (then an
 * absolute path being resolved in place goes on being read from buf). */
static inline __attribute__((always_inline)) long vp_append(struct vpath *vp, const char **s)
{
	long err;
	while ((err = path_append(vp->page, vp->size, &vp->len, &vp->vlen, s)) == -ENAMETOOLONG &&
	       !vp->paged && !(err = vp_grow(vp)))
		;
	return err;
}

static const char *cwd_of(const struct proc *p) { return p->cwd ? p->cwd : "/"; }

/* The mounts in use, longest path first (sys_mount keeps it): the first
 * that owns a path is the one, usually after one look. */
static struct mount *by_len[NMOUNT];
static int nmounted;

static void mounts_sort(void)
{
	nmounted = 0;
	for (int i = 0; i < NMOUNT; i++) {
		if (!mounts[i].ep)
			continue;
		int j = nmounted++;
		for (; j > 0 && by_len[j - 1]->len < mounts[i].len; j--)
			by_len[j] = by_len[j - 1];
		by_len[j] = &mounts[i];
	}
}

/* The mount that owns abs (len bytes, normalized): the longest mount
 * path equal to abs or followed in it by a '/'. NULL if none; else *rel
 * is what follows that '/'. */
static struct mount *mount_of(const char *abs, size_t len, const char **rel)
{
	for (int i = 0; i < nmounted; i++) {
		struct mount *m = by_len[i];
		size_t ml = m->len;
		if (ml == 1) {
			*rel = abs + 1; /* "/": abs has no "//" */
			return m;
		}
		if (ml > len || (ml < len && abs[ml] != '/'))
			continue;
		/* Not memcmp: a call here costs vp_finish its registers. */
		size_t k = 0;
		while (k < ml && abs[k] == m->path[k])
			k++;
		if (k == ml) {
			*rel = abs + ml + (ml < len);
			return m;
		}
	}
	return NULL;
}

/* The user's path at upath made absolute and normal, textually, into a
 * new page (mount). Returns the page (the caller puts it) or NULL with
 * *err. An absolute path is normalized where it was copied in; a
 * relative one needs a second page for the result. */
static char *normalize_user(uint64_t upath, long *err)
{
	char *in = palloc(), *out = in;
	long n = in ? copyinstr(&current->mm, in, upath, LDE_FS_PATH_MAX) : -ENOMEM;
	if (n >= 0 && in[0] != '/' && !(out = palloc()))
		n = -ENOMEM;
	if (n >= 0)
		n = path_normalize(out, LDE_FS_PATH_MAX, cwd_of(current), in);
	if (in && out != in)
		page_put(in);
	if (n < 0) {
		if (out)
			page_put(out);
		*err = n;
		return NULL;
	}
	*err = n;
	return out;
}

/* A request on vp's mount; a LDE_FS_LINKED answer is kept in vp. */
static long vp_call(struct vpath *vp, int label, uint64_t w[4], const struct ipc_klease *l,
		    int nleases)
{
	struct file *mf = vp->m->ep;
	long err = fs_call(mf->ep, mf->badge, label, w, l, nleases, NULL);
	if (err == VFS_LINKED) {
		vp->hit = w[0];
		vp->which = w[1];
	}
	return err;
}

/* A request on vp's path (lease 0), with w1, w2 and one more lease. */
static long path_call(struct vpath *vp, int label, uint64_t w1, uint64_t w2,
		      const struct ipc_klease *extra)
{
	uint64_t w[4] = { vp->rel_len, w1, w2, 0 };
	struct ipc_klease l[2] = { { (uint64_t)vp->rel, vp->rel_len, IPC_KLEASE_KERNEL_R } };
	if (extra) {
		l[1] = *extra;
		if (extra->flags == IPC_KLEASE_KERNEL_R) /* a second path */
			w[0] = LDE_FS_LENS(vp->rel_len, extra->len);
	}
	return vp_call(vp, label, w, l, extra ? 2 : 1);
}

/* vp's path is built: terminate it and find its mount. */
static long vp_finish(struct vpath *vp)
{
	size_t end = vp->len;
	if (!end)
		vp->page[end++] = '/';
	vp->page[end] = 0;
	vp->m = mount_of(vp->page, end, &vp->rel);
	if (!vp->m)
		return vp->root_ok && !vp->len ? 0 : -ENOENT;
	vp->rel_len = (size_t)(vp->page + end - vp->rel);
	return 0;
}

/* The server found a symlink, the first vp->hit bytes of vp->rel: read its
 * target and make it, with what follows it in the path and then *s, the
 * input left to resolve (*inpage, a page, replaces the one it had, if
 * any, which is put unless it is vp's own: an absolute path resolved in
 * place). A link that is gone by the time it is read is looked up
 * again. */
static long vp_follow(struct vpath *vp, char **inpage, const char **s)
{
	if (++vp->links > LDE_SYMLOOP_MAX)
		return -ELOOP;
	if (!vp->hit || vp->hit > vp->rel_len)
		return -EIO;
	char *buf = palloc();
	if (!buf)
		return -ENOMEM;
	uint64_t w[4] = { vp->hit, 0, LDE_FS_PATH_MAX, 0 };
	struct ipc_klease l[2] = { { (uint64_t)vp->rel, vp->hit, IPC_KLEASE_KERNEL_R },
				   { (uint64_t)buf, LDE_FS_PATH_MAX, IPC_KLEASE_KERNEL_W } };
	struct file *mf = vp->m->ep;
	long err = fs_call(mf->ep, mf->badge, LDE_FS_READLINK, w, l, 2, NULL);
	if (err == VFS_LINKED || err == -EINVAL || err == -ENOENT) {
		page_put(buf); /* changed meanwhile: the next call sees what it is now */
		return 0;
	}
	if (!err && w[0] > LDE_FS_PATH_MAX)
		err = -EIO;
	if (!err)
		err = path_splice(buf, LDE_FS_PATH_MAX, w[0], vp->page, &vp->len, &vp->vlen,
				  (size_t)(vp->rel - vp->page) + vp->hit, *s);
	if (err) {
		page_put(buf);
		return err;
	}
	if (*inpage && *inpage != vp->page)
		page_put(*inpage);
	*inpage = buf;
	*s = buf;
	return 0;
}

/* Append s to vp's path (see path_append); when a ".." needs it, ask the
 * server whether the path so far is a directory, following the symlinks
 * it has. inpage (the page s is in, or NULL) is put unless it is vp's
 * page. s may be in vp's path itself, ahead of its end (resolved in
 * place): path_append's output never runs ahead of what it has left to
 * read, and vp_finish's NUL lands on a '/' already read. */
static inline __attribute__((always_inline)) long vp_walk(struct vpath *vp, char *inpage,
							  const char *s)
{
	long err;
	while ((err = vp_append(vp, &s)) == 1) {
		err = vp_finish(vp);
		if (err)
			break;
		if (!vp->m) {
			err = -ENOENT; /* path_append never stops at the root */
			break;
		}
		struct lde_stat st = { 0 }; /* a server that writes nothing leaves zeroes */
		struct ipc_klease l = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
		err = path_call(vp, LDE_FS_STAT, 0, 0, &l);
		if (err == VFS_LINKED)
			err = vp->which ? -EIO : vp_follow(vp, &inpage, &s);
		else if (!err && (st.mode & LDE_S_IFMT) != LDE_S_IFDIR)
			err = -ENOTDIR;
		else if (!err)
			vp->vlen = vp->len;
		if (err)
			break;
	}
	if (inpage && inpage != vp->page)
		page_put(inpage);
	return err ? err : vp_finish(vp);
}

/* The call on vp was answered LDE_FS_LINKED for the path hit of it: follow
 * the link and resolve what it makes again. */
static long vp_relink(struct vpath *vp, uint64_t hit)
{
	char *in = NULL;
	const char *s = "";
	vp->hit = hit;
	long err = vp_follow(vp, &in, &s);
	return err ? err : vp_walk(vp, in, s);
}

/* A path call answered LDE_FS_LINKED about its own path: follow it. */
static long relink(struct vpath *vp) { return vp->which ? -EIO : vp_relink(vp, vp->hit); }

/* Resolve s (in inpage, which is put, or a kernel string; in vp's buf
 * or page for a path resolved in place, an absolute one) from the
 * current directory, into vp's page (set): 0 (the caller then vp_puts)
 * or -errno. */
static long resolve_from(struct vpath *vp, char *inpage, const char *s)
{
	vp->len = 0;
	vp->vlen = PATH_ALL_VERIFIED;
	vp->links = 0;
	long err = *s ? 0 : -ENOENT;
	if (*s && *s != '/') {
		/* The current directory was resolved by chdir: verified. */
		const char *cwd = cwd_of(current);
		err = vp_append(vp, &cwd);
	}
	vp->vlen = vp->len;
	if (!err)
		err = vp_walk(vp, inpage, s);
	else if (inpage && inpage != vp->page)
		page_put(inpage);
	if (err)
		vp_put(vp);
	return err;
}

/* A path longer than buf has room for: copied into a page, resolved
 * there if absolute. */
static __attribute__((noinline)) long resolve_long(uint64_t upath, struct vpath *vp)
{
	char *in = palloc();
	if (!in)
		return -ENOMEM;
	long n = copyinstr(&current->mm, in, upath, LDE_FS_PATH_MAX);
	if (n < 0) {
		page_put(in);
		return n;
	}
	vp->last = path_end(in, (size_t)n, &vp->slash);
	vp->paged = *in == '/';
	vp->page = vp->paged ? in : vp->buf;
	vp->size = vp->paged ? LDE_FS_PATH_MAX : VP_BUF;
	return resolve_from(vp, in, in);
}

/* vp's path, n bytes at vp->page, is already normal: as resolving would
 * leave it (from the root, nothing verified, nothing at its end). */
static inline long vp_as_is(struct vpath *vp, size_t n)
{
	vp->len = n > 1 ? n : 0;
	vp->vlen = 0;
	vp->links = 0;
	vp->last = PATH_LAST_NAME;
	vp->slash = false;
	return vp_finish(vp);
}

/* resolve_opt's path when it is not already normal (n bytes at in) or
 * not yet copied (n < 0: not all in its first page, or that page not
 * mapped). */
static __attribute__((noinline)) long resolve_rest(uint64_t upath, struct vpath *vp, char *in,
						   long n)
{
	if (n < 0) {
		n = copyinstr(&current->mm, in, upath, VP_BUF - 8);
		if (n > 0 && *in == '/' && path_clean(in, (size_t)n))
			return vp_as_is(vp, (size_t)n);
	}
	if (n == -ENAMETOOLONG)
		return resolve_long(upath, vp);
	if (n <= 0)
		return n ? n : -ENOENT;
	vp->last = path_end(in, (size_t)n, &vp->slash);
	if (*in == '/')
		return resolve_from(vp, NULL, in);
	const char *cwd = cwd_of(current);
	size_t clen = cwd[1] ? strlen(cwd) : 0; /* "/" is "" built (path.h) */
	if (clen + 1 + (size_t)n + 1 > VP_BUF) {
		/* No room for both: the result in a page. */
		char *p = palloc();
		if (!p)
			return -ENOMEM;
		vp->page = p;
		vp->size = LDE_FS_PATH_MAX;
		vp->paged = true;
		return resolve_from(vp, NULL, in);
	}
	/* The current directory, then the path, resolved in place from
	 * there: resolve_from's, the directory copied rather than walked. */
	char *rel = vp->buf + clen + 1;
	memmove(rel, in, (size_t)n + 1);
	memcpy(vp->buf, cwd, clen);
	vp->page = vp->buf;
	vp->size = VP_BUF;
	vp->len = clen;
	vp->vlen = clen;
	vp->links = 0;
	long err = vp_walk(vp, NULL, rel);
	if (err)
		vp_put(vp);
	return err;
}

/* The user's path at upath resolved into vp; what its end was (a last "."
 * or "..", a trailing '/') is recorded there first, as resolving drops
 * it. An absolute path is resolved where it was copied, in vp's buf; a
 * relative one there too, after the current directory, when both fit.
 * The usual path, already normal and in one mapped page, is only copied
 * and looked at, in one pass (path_copy_words): the rest is out of line,
 * so that this part saves few registers. */
static long resolve_opt(uint64_t upath, struct vpath *vp, bool root_ok)
{
	vp->root_ok = root_ok;
	/* Aligned as the user's, for the copy's words: buf's last 8 bytes
	 * are that room. */
	char *in = vp->buf + (upath & 7);
	vp->page = in;
	vp->size = VP_BUF - (upath & 7);
	vp->paged = false;
	size_t max = VP_BUF - 8, room = PGSIZE - (upath & (PGSIZE - 1));
	if (room < max)
		max = room;
	const char *u = upath < USER_TOP
				? mmu_translate(current->mm.pt, upath, PERM_RAM | PERM_U | PERM_R)
				: NULL;
	bool clean = false;
	long n = -1;
	if (u) {
		size_t len = path_copy_words(in, u, max, &clean);
		n = len < max ? (long)len : -1;
	}
	if (n <= 0 || *in != '/' || !clean)
		return resolve_rest(upath, vp, in, n);
	return vp_as_is(vp, (size_t)n);
}

static long resolve(uint64_t upath, struct vpath *vp) { return resolve_opt(upath, vp, false); }

/* A trailing '/' wants a directory: 0 if vp names one, -ENOTDIR if it
 * names something else, or the server's error (-ENOENT...). A symlink at
 * the end is followed (vp then names where it leads), as a trailing '/'
 * makes Linux do, except for unlink and rename (label), which work on the
 * name itself: a link there is not a directory. */
static long slash_check(struct vpath *vp, int label)
{
	struct lde_stat st = { 0 }; /* a server that writes nothing leaves zeroes */
	struct ipc_klease l = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
	int how = label == LDE_FS_UNLINK || label == LDE_FS_RENAME ? LDE_FS_LSTAT : LDE_FS_STAT;
	long err;
	while ((err = path_call(vp, how, 0, 0, &l)) == VFS_LINKED && !(err = relink(vp)))
		;
	if (!err && (st.mode & LDE_S_IFMT) != LDE_S_IFDIR)
		err = -ENOTDIR;
	return err;
}

int vfs_mount_count(void)
{
	int n = 0;
	for (int i = 0; i < NMOUNT; i++)
		n += mounts[i].ep != NULL;
	return n;
}

/* Open vp's file on its server (flags checked, mode with the umask
 * applied): a new FILE_REMOTE in *out, or -errno, or VFS_LINKED. */
static long remote_open(struct vpath *vp, int flags, uint64_t mode, struct file **out,
			uint32_t *fmode)
{
	struct file *f = file_alloc(FILE_REMOTE);
	if (!f)
		return -ENFILE; /* the caller puts vp's page */
	struct file *mf = vp->m->ep;
	f->ep = mf->ep;
	ep_get(f->ep);
	f->badge = mf->badge;
	f->flags = (uint16_t)(flags & (LDE_O_ACCMODE | LDE_O_APPEND | LDE_O_NONBLOCK));
	f->mnt = (uint8_t)(vp->m - mounts);
	f->handle = ++handle_count << LDE_FS_SLOT_BITS | (uint64_t)file_index(f);
	uint64_t w[4] = { f->handle,
			  ((uint64_t)flags & LDE_O_SERVER_MASK) | (uint64_t)vp->rel_len << 32, mode,
			  0 };
	struct ipc_klease l = { (uint64_t)vp->rel, vp->rel_len, IPC_KLEASE_KERNEL_R };
	bool received;
	long err = fs_call(f->ep, f->badge, LDE_FS_OPEN, w, &l, 1, &received);
	if (err == VFS_LINKED) {
		vp->hit = w[0];
		vp->which = w[1];
	}
	*fmode = (uint32_t)w[0];
	if (!err && (flags & LDE_O_DIRECTORY) && (*fmode & LDE_S_IFMT) != LDE_S_IFDIR)
		err = -ENOTDIR; /* the server should have said so */
	else if (err && received && err != -EINTR)
		received = false; /* the server refused (or met a symlink): it holds nothing */
	if (err && received) {
		/* It holds the handle, or may (the caller was killed while the
		 * server worked on the open): tell it. */
		file_put(f);
		return err;
	}
	if (err) {
		/* The server never saw it, refused it, or died with it. */
		struct endpoint *ep = f->ep;
		f->refs = 0;
		file_free_closed(f);
		ep_put(ep, false);
		return err;
	}
	*out = f;
	return 0;
}

long sys_open(uintptr_t upath, int flags, int mode)
{
	if ((flags & ~LDE_O_VALID) || (flags & LDE_O_ACCMODE) == LDE_O_ACCMODE)
		return -EINVAL;
	int fd = 0;
	while (fd < NOFILE && current->files[fd])
		fd++;
	if (fd == NOFILE)
		return -EMFILE;
	struct vpath vp;
	long err = resolve(upath, &vp);
	if (err)
		return err;
	if (vp.slash) {
		/* "name/" is a directory's: never a file to make (Linux). */
		if (flags & LDE_O_CREAT) {
			vp_put(&vp);
			return -EISDIR;
		}
		/* and it follows a symlink there even with O_NOFOLLOW (Linux) */
		flags = (flags | LDE_O_DIRECTORY) & ~LDE_O_NOFOLLOW;
	}
	struct file *f;
	uint32_t fmode;
	while ((err = remote_open(&vp, flags, (uint64_t)mode & 07777 & ~(uint64_t)current->umask,
				  &f, &fmode)) == VFS_LINKED &&
	       !(err = relink(&vp)))
		;
	vp_put(&vp);
	if (err)
		return err;
	fd = fd_alloc_from(f, 0);
	KASSERT(fd >= 0); /* nothing fills a table while its process waits */
	if (flags & LDE_O_CLOEXEC)
		current->cloexec |= (uint16_t)(1u << fd);
	return fd;
}

int vfs_exec_open(const char *path, struct file **out, struct lde_stat *st)
{
	struct vpath vp;
	vp.root_ok = false;
	/* As resolve_opt: a path already normal is only copied (the words
	 * read end at its NUL's, in kernel memory). */
	size_t off = (uintptr_t)path & 7;
	vp.page = vp.buf + off;
	vp.size = VP_BUF - off;
	vp.paged = false;
	bool clean = false;
	size_t n = path_copy_words(vp.page, path, VP_BUF - 8, &clean);
	long err;
	if (n && n < VP_BUF - 8 && *path == '/' && clean) {
		err = vp_as_is(&vp, n);
	} else {
		vp.page = vp.buf;
		vp.size = VP_BUF;
		err = resolve_from(&vp, NULL, path);
	}
	if (err)
		return (int)err;
	struct file *f;
	uint32_t fmode;
	while ((err = remote_open(&vp, LDE_O_RDONLY, 0, &f, &fmode)) == VFS_LINKED &&
	       !(err = relink(&vp)))
		;
	vp_put(&vp);
	if (err)
		return (int)err;
	/* A program is a regular file that someone may execute. */
	if ((fmode & LDE_S_IFMT) != LDE_S_IFREG || !(fmode & 0111))
		err = -EACCES;
	*st = (struct lde_stat){ 0 }; /* a server that writes nothing leaves zeroes */
	uint64_t w[4] = { 0 };
	struct ipc_klease l = { (uint64_t)st, sizeof *st, IPC_KLEASE_KERNEL_W };
	if (!err)
		err = file_call(f, LDE_FS_FSTAT, w, &l, 1);
	if (err) {
		file_put(f);
		return (int)err;
	}
	*out = f;
	return 0;
}

static long stat_path(uintptr_t upath, uintptr_t ubuf, bool follow)
{
	struct vpath vp;
	long err = resolve(upath, &vp);
	if (err)
		return err;
	struct lde_stat st = { 0 }; /* a server that writes nothing leaves zeroes */
	struct ipc_klease l = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
	/* "link/" and "link/." name where the link leads (Linux). */
	int label = follow || vp.slash || vp.last != PATH_LAST_NAME ? LDE_FS_STAT : LDE_FS_LSTAT;
	if (vp.slash)
		err = slash_check(&vp, label);
	while (!err && (err = path_call(&vp, label, 0, 0, &l)) == VFS_LINKED &&
	       !(err = relink(&vp)))
		;
	uint32_t dev = (uint32_t)(vp.m - mounts);
	vp_put(&vp);
	return err ? err : put_stat(ubuf, &st, dev);
}

long sys_stat(uintptr_t upath, uintptr_t ubuf) { return stat_path(upath, ubuf, true); }
long sys_lstat(uintptr_t upath, uintptr_t ubuf) { return stat_path(upath, ubuf, false); }

static long dot_error(int label, enum path_last last)
{
	if (label == LDE_FS_RMDIR)
		return last == PATH_LAST_DOT ? -EINVAL : -ENOTEMPTY;
	return label == LDE_FS_MKDIR ? -EEXIST : -EISDIR;
}

/* What normalizing hid from the server, checked before a call on vp's
 * path; not_root: mkdir, rmdir or unlink, which make or remove a name. */
static long name_check(struct vpath *vp, int label, bool not_root)
{
	/* A mount's root cannot go away while mounted. */
	if (not_root && !vp->rel_len)
		return -EBUSY;
	if (not_root && vp->last != PATH_LAST_NAME)
		return dot_error(label, vp->last);
	if (!vp->slash || label == LDE_FS_MKDIR || label == LDE_FS_RMDIR)
		return 0; /* those two want a directory anyway */
	long err = slash_check(vp, label);
	return !err && label == LDE_FS_UNLINK ? -EISDIR : err; /* never removes a directory */
}

/* The calls on one path with two words of arguments (not_root: above). */
static long simple_path_call(uintptr_t upath, int label, uint64_t w1, uint64_t w2, bool not_root)
{
	struct vpath vp;
	long err = resolve(upath, &vp);
	if (err)
		return err;
	/* The name itself is the server's to find: a symlink met is in a
	 * directory of the path, and following it leaves the last name. */
	err = name_check(&vp, label, not_root);
	while (!err && (err = path_call(&vp, label, w1, w2, NULL)) == VFS_LINKED &&
	       !(err = relink(&vp)))
		;
	vp_put(&vp);
	return err;
}

long sys_mkdir(uintptr_t upath, int mode)
{
	return simple_path_call(upath, LDE_FS_MKDIR, (uint64_t)mode & 07777 & ~current->umask, 0,
				true);
}
long sys_rmdir(uintptr_t upath) { return simple_path_call(upath, LDE_FS_RMDIR, 0, 0, true); }
long sys_unlink(uintptr_t upath) { return simple_path_call(upath, LDE_FS_UNLINK, 0, 0, true); }
long sys_chmod(uintptr_t upath, int mode)
{
	return simple_path_call(upath, LDE_FS_CHMOD, (uint64_t)mode & 07777, 0, false);
}
long sys_chown(uintptr_t upath, int uid, int gid)
{
	return simple_path_call(upath, LDE_FS_CHOWN, (uint32_t)uid, (uint32_t)gid, false);
}
long sys_utimes(uintptr_t upath, uint64_t atime, uint64_t mtime)
{
	return simple_path_call(upath, LDE_FS_UTIMES, atime, mtime, false);
}
long sys_access(uintptr_t upath, int mode)
{
	if (mode & ~(LDE_R_OK | LDE_W_OK | LDE_X_OK))
		return -EINVAL;
	return simple_path_call(upath, LDE_FS_ACCESS, (uint64_t)mode, 0, false);
}

/* link and rename: two paths on one mount. */
static long two_path_call(uintptr_t uold, uintptr_t unew, int label)
{
	struct vpath a, b;
	long err = resolve(uold, &a);
	if (err)
		return err;
	err = resolve(unew, &b);
	if (err) {
		vp_put(&a);
		return err;
	}
	if (a.m != b.m)
		err = -EXDEV;
	else if (!a.rel_len || !b.rel_len)
		err = -EBUSY;
	else if (b.last != PATH_LAST_NAME || (label == LDE_FS_RENAME && a.last != PATH_LAST_NAME))
		/* A "." or ".." that normalizing would make a directory's own
		 * name (Linux's answers: the new name exists; a busy rename). */
		err = label == LDE_FS_LINK ? -EEXIST : -EBUSY;
	else if (a.slash || b.slash)
		err = slash_check(&a,
				  label); /* a '/' after either: the source must be a directory */
	while (!err) {
		if (a.m != b.m) {
			err = -EXDEV;
		} else if (!a.rel_len || !b.rel_len) {
			err = -EBUSY;
		} else {
			struct ipc_klease l = { (uint64_t)b.rel, b.rel_len, IPC_KLEASE_KERNEL_R };
			err = path_call(&a, label, 0, 0, &l);
		}
		if (err != VFS_LINKED)
			break;
		/* The symlink is in one of the paths' directories. */
		err = a.which > 1 ? -EIO : vp_relink(a.which ? &b : &a, a.hit);
	}
	vp_put(&a);
	vp_put(&b);
	return err;
}

long sys_link(uintptr_t uold, uintptr_t unew) { return two_path_call(uold, unew, LDE_FS_LINK); }
long sys_rename(uintptr_t uold, uintptr_t unew) { return two_path_call(uold, unew, LDE_FS_RENAME); }

long sys_chdir(uintptr_t upath)
{
	struct vpath vp;
	/* The root is a directory even with nothing mounted. */
	long err = resolve_opt(upath, &vp, true);
	if (err)
		return err;
	struct lde_stat st = { 0 }; /* a server that writes nothing leaves zeroes */
	struct ipc_klease l = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
	while (vp.m && (err = path_call(&vp, LDE_FS_STAT, 0, 0, &l)) == VFS_LINKED &&
	       !(err = relink(&vp)))
		;
	if (!err && vp.m && (st.mode & LDE_S_IFMT) != LDE_S_IFDIR)
		err = -ENOTDIR;
	/* Search permission on the directory itself (the server checked the
	 * ones above it); the path has no link left to meet. */
	if (!err && vp.m && (err = path_call(&vp, LDE_FS_ACCESS, 1, 0, NULL)) == VFS_LINKED)
		err = -EIO;
	if (err) {
		vp_put(&vp);
		return err;
	}
	/* The resolved path becomes the directory, in a page of its own:
	 * every symlink in it followed, so ".." from it is textual. */
	char *cwd = vp.page;
	if (!vp.paged) {
		if (!(cwd = palloc()))
			return -ENOMEM;
		memcpy(cwd, vp.page, (vp.len ? vp.len : 1) + 1);
	}
	if (current->cwd)
		page_put(current->cwd);
	current->cwd = cwd;
	return 0;
}

long sys_getcwd(uintptr_t ubuf, size_t size)
{
	const char *cwd = cwd_of(current);
	size_t len = strlen(cwd) + 1;
	if (size < len)
		return -ERANGE;
	long err = copyout(&current->mm, ubuf, cwd, len);
	return err ? err : (long)len;
}

long sys_umask(int mask)
{
	long old = current->umask;
	current->umask = (uint16_t)(mask & 0777);
	return old;
}

long sys_sync(void)
{
	/* Every mount, each server in turn; a failing one does not stop the
	 * others. The mount table may change while a server works. */
	struct endpoint *done[NMOUNT];
	int ndone = 0;
	for (int i = 0; i < NMOUNT; i++) {
		struct file *mf = mounts[i].ep;
		if (!mf)
			continue;
		bool seen = false;
		for (int j = 0; j < ndone; j++)
			seen |= done[j] == mf->ep;
		if (seen)
			continue;
		done[ndone++] = mf->ep;
		uint64_t w[4] = { 0 };
		fs_call(mf->ep, mf->badge, LDE_FS_SYNC, w, NULL, 0, NULL);
		if (current->killed)
			break;
	}
	return 0;
}

long sys_statfs(uintptr_t upath, uintptr_t ubuf)
{
	struct vpath vp;
	long err = resolve(upath, &vp);
	if (err)
		return err;
	/* The mount is the one the path's last symlink leads to. */
	struct lde_stat st;
	struct ipc_klease sl = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
	while ((err = path_call(&vp, LDE_FS_STAT, 0, 0, &sl)) == VFS_LINKED && !(err = relink(&vp)))
		;
	vp_put(&vp);
	if (err)
		return err;
	struct file *mf = vp.m->ep;
	uint64_t w[4] = { 0 };
	struct ipc_klease l = { ubuf, sizeof(struct lde_statfs), LDE_LEASE_WRITE };
	return fs_call(mf->ep, mf->badge, LDE_FS_STATFS, w, &l, 1, NULL);
}

long sys_mount(uintptr_t upath, long fd)
{
	if (!proc_is_root(current))
		return -EPERM;
	struct file *f = NULL;
	if (fd != -1) {
		f = fd_file(fd);
		if (!f)
			return -EBADF;
		if (f->type != FILE_ENDPOINT)
			return -EINVAL;
	}
	long err;
	char *path = normalize_user(upath, &err);
	if (!path)
		return err;
	size_t len = strlen(path);
	struct mount *m = NULL, *free_slot = NULL;
	for (int i = 0; i < NMOUNT; i++) {
		if (mounts[i].ep && mounts[i].len == len && !strcmp(mounts[i].path, path))
			m = &mounts[i];
		else if (!mounts[i].ep && !free_slot)
			free_slot = &mounts[i];
	}
	if ((!f && !m) || (!m && !free_slot)) {
		page_put(path);
		return m || f ? -EBUSY : -EINVAL; /* no room; nothing mounted there */
	}
	/* Mounting where a server is mounted replaces it (a restarted
	 * server); files open through the old one keep their own reference
	 * to its endpoint. A mount keeps the page of its path. */
	struct file *old = NULL;
	if (m) {
		old = m->ep;
		page_put(path);
	} else {
		m = free_slot;
		m->path = path;
		m->len = len;
	}
	m->ep = f ? file_dup(f) : NULL;
	if (!m->ep) {
		page_put(m->path);
		m->path = NULL;
	}
	mounts_sort();
	if (old)
		file_put(old);
	return 0;
}

long sys_symlink(uintptr_t utarget, uintptr_t upath)
{
	/* The target is kept as it is given: it is resolved when followed. */
	char *t = palloc();
	if (!t)
		return -ENOMEM;
	long n = copyinstr(&current->mm, t, utarget, LDE_FS_PATH_MAX);
	if (n == 0)
		n = -ENOENT;
	struct vpath vp;
	long err = n < 0 ? n : resolve(upath, &vp);
	if (err) {
		page_put(t);
		return err;
	}
	struct ipc_klease l = { (uint64_t)t, (size_t)n, IPC_KLEASE_KERNEL_R };
	if (vp.last != PATH_LAST_NAME) {
		err = -EEXIST; /* "." or "..": a directory is there */
	} else if (vp.slash) {
		/* "name/" is no place for a link: it exists or it does not. */
		err = slash_check(&vp, LDE_FS_UNLINK);
		err = !err || err == -ENOTDIR ? -EEXIST : err;
	}
	while (!err &&
	       (err = !vp.rel_len ? -EEXIST : path_call(&vp, LDE_FS_SYMLINK, 0, 0, &l)) ==
		       VFS_LINKED &&
	       !(err = relink(&vp)))
		;
	vp_put(&vp);
	page_put(t);
	return err;
}

long sys_readlink(uintptr_t upath, uintptr_t ubuf, size_t size)
{
	if (size == 0 || size > INT32_MAX)
		return -EINVAL;
	struct vpath vp;
	long err = resolve(upath, &vp);
	if (err)
		return err;
	uint64_t w[4];
	if (vp.slash || vp.last != PATH_LAST_NAME) {
		/* "link/", "link/.": where the link leads, no link. */
		err = slash_check(&vp, LDE_FS_STAT);
		vp_put(&vp);
		return err ? err : -EINVAL;
	}
	do {
		w[0] = vp.rel_len, w[1] = 0, w[2] = size;
		struct ipc_klease l[2] = { { (uint64_t)vp.rel, vp.rel_len, IPC_KLEASE_KERNEL_R },
					   { ubuf, size, LDE_LEASE_WRITE } };
		err = vp_call(&vp, LDE_FS_READLINK, w, l, 2);
	} while (err == VFS_LINKED && !(err = relink(&vp)));
	vp_put(&vp);
	if (err)
		return err;
	return w[0] > size ? -EIO : (long)w[0];
}
