/* The kernel's requests to file servers (docs/files.md, "The calls the
 * kernel makes"), shared by the path calls (vfs.c) and the calls on open
 * files (rfile.c). */
#pragma once
#include "errno.h"
#include "file.h"
#include "ipc.h"
#include "proc.h"
#include "vm.h"

/* What fs_call returns for an LDE_FS_LINKED answer: positive, no errno. */
#define VFS_LINKED 1

/* One request to the server behind ep: w[3] gets the caller's
 * credentials, w[] the answer's words. 0, the server's error, VFS_LINKED,
 * or the call's: a server that died or can never answer is -EIO.
 * *received says whether a live server got the request (ipc_kcall). */
static inline long fs_call(struct endpoint *ep, uint64_t badge, int label, uint64_t w[4],
			   const struct ipc_klease *l, int nleases, bool *received)
{
	w[3] = LDE_FS_CRED(proc_uid(current), proc_gid(current));
	/* The endpoint must outlive the call, whatever happens to the mount
	 * or the file meanwhile. */
	ep_get(ep);
	bool got;
	long r = ipc_kcall(ep, badge, (uint64_t)label, w, l, nleases, &got);
	ep_put(ep, false);
	if (received)
		*received = got;
	if (r == -EPIPE || r == -ECONNRESET)
		return -EIO;
	if (r < 0)
		return r;
	uint32_t e = LDE_MSG_LABEL(r);
	return !e ? 0 : e < 4096 ? -(long)e : e == LDE_FS_LINKED ? VFS_LINKED : -EIO;
}

/* A request on open file f: w[0] is its handle. A link is no answer to
 * a call on an open file. */
static inline long file_call(struct file *f, int label, uint64_t w[4], const struct ipc_klease *l,
			     int nleases)
{
	w[0] = f->handle;
	long err = fs_call(f->ep, f->badge, label, w, l, nleases, NULL);
	return err == VFS_LINKED ? -EIO : err;
}

/* A stat answer, which the server wrote into st (a kernel lease: so the
 * program's buffer is written once, with st_dev, the mount's number). */
static inline long put_stat(uint64_t ubuf, struct lde_stat *st, uint32_t dev)
{
	st->dev = dev;
	return copyout(&current->mm, ubuf, st, sizeof *st);
}
