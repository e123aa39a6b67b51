/* Copying through leases (docs/ipc.md, "Leases"): lease_read,
 * lease_write and lease_writev, which a server calls while it holds a
 * caller's request, and the copy of a reply's data (ipc.c checks it, this
 * file moves it). Every copy goes through the kernel's direct map, each
 * page translated from its owner's page table: no memory is shared, and
 * a page that is not there is faulted in (or refused) exactly as
 * copyin/copyout would. Runs with interrupts off, like the rest of IPC. */
#include "lease.h"
#include "errno.h"
#include "kstring.h"
#include "syscall.h"

/* lease_memcpy's general case: the whole KiBs by memcpy_bulk when both
 * ends are 8-byte aligned, the rest by memcpy. Returns n. */
static __attribute__((noinline)) long lease_memcpy_any(void *dst, const void *src, size_t n)
{
	size_t bulk = (((uintptr_t)dst | (uintptr_t)src) & 7) ? 0 : n & ~(size_t)1023;
	memcpy_bulk(dst, src, bulk);
	memcpy((char *)dst + bulk, (const char *)src + bulk, n - bulk);
	return (long)n;
}

/* memcpy for leases, which are mostly whole buffers (whole KiBs, 8-byte
 * aligned: straight to memcpy_bulk). Returns n. */
static inline __attribute__((always_inline)) long lease_memcpy(void *dst, const void *src, size_t n)
{
	if (!((((uintptr_t)dst | (uintptr_t)src) & 7) | (n & 1023)))
		return (long)memcpy_bulk(dst, src, n);
	return lease_memcpy_any(dst, src, n);
}

/* Copy len bytes between caller c's cva and current's mva, page by page,
 * each page checked (and faulted in) on both sides. Bytes copied, or
 * -errno. */
__attribute__((noinline)) long lease_copy_pages(struct proc *c, uint64_t cva, uint64_t mva,
						uint64_t len, bool to_caller)
{
	struct proc *me = current;
	uint64_t left = len;
	while (left) {
		int err;
		char *cp = vm_user_ptr(&c->mm, cva, to_caller ? VM_WRITE : VM_READ, &err);
		char *mp =
			cp ? vm_user_ptr(&me->mm, mva, to_caller ? VM_READ : VM_WRITE, &err) : NULL;
		if (!mp)
			return err;
		size_t chunk = PGSIZE - (cva & (PGSIZE - 1));
		size_t mchunk = PGSIZE - (mva & (PGSIZE - 1));
		if (mchunk < chunk)
			chunk = mchunk;
		if (chunk > left)
			chunk = left;
		if (to_caller)
			lease_memcpy(cp, mp, chunk);
		else
			lease_memcpy(mp, cp, chunk);
		cva += chunk, mva += chunk, left -= chunk;
	}
	return (long)len;
}

/* A kernel lease's copy: between the kernel buffer it names and current's
 * memory at ubuf, checked by copyin/copyout. */
static __attribute__((noinline)) long klease_copy(const struct lease *l, uint64_t off,
						  uint64_t ubuf, uint64_t len, bool to_caller)
{
	uint64_t llen = (l->len_flags & ~LEASE_KERNEL_W) >> LEASE_FLAGS_BITS;
	if (to_caller && !(l->len_flags & LEASE_KERNEL_W))
		return -EACCES;
	if (off > llen || len > llen - off)
		return -EINVAL;
	char *k = (char *)l->addr + off;
	int err = to_caller ? copyin(&current->mm, k, ubuf, len)
			    : copyout(&current->mm, ubuf, k, len);
	return err ? err : (long)len;
}

/* lease_read / lease_write: copy between a held caller's lease idx (from
 * byte off) and current's buffer ubuf, len bytes, through the direct map.
 * Bytes copied, or -errno: -ESRCH if the caller is gone. A copy that
 * stays within one page on each side (a page-aligned 4 KiB buffer, say)
 * translates each side once, straight from the page tables. */
static inline __attribute__((always_inline)) long
lease_copy(uint64_t token, uint64_t idx, uint64_t off, uint64_t ubuf, uint64_t len, bool to_caller)
{
	struct proc *me = current, *c = caller_of(token);
	if (!c)
		return -ESRCH;
	if (idx >= (uint64_t)c->ipc_nleases)
		return -EINVAL;
	struct lease *l =
		&ipc_leases[LDE_TOKEN_SLOT(token)][idx]; /* the slot: caller_of checked it */
	uint64_t flags = l->len_flags & LEASE_FLAGS_MASK;
	uint64_t llen = l->len_flags >> LEASE_FLAGS_BITS;
	if (!(flags & (to_caller ? LDE_LEASE_WRITE : LDE_LEASE_READ)))
		return flags ? -EACCES : klease_copy(l, off, ubuf, len, to_caller);
	if (off > llen || len > llen - off)
		return -EINVAL;
	uint64_t cva = l->addr + off, mva = ubuf;
	/* len <= llen < USER_TOP: the sum cannot overflow. (cva | mva) bounds
	 * both page offsets: enough to tell that neither side crosses a page. */
	if (len && ((cva | mva) & (PGSIZE - 1)) + len <= PGSIZE && mva < USER_TOP) {
		if (cva >= USER_TOP)
			__builtin_unreachable(); /* cva + len <= USER_TOP, len > 0 */
		char *cp = mmu_translate(c->mm.pt, cva,
					 PERM_RAM | PERM_U | (to_caller ? PERM_W : PERM_R));
		char *mp = cp ? mmu_translate(me->mm.pt, mva,
					      PERM_RAM | PERM_U | (to_caller ? PERM_R : PERM_W))
			      : NULL;
		/* A whole page fits only from both pages' starts: aligned. */
		if (mp && len == PGSIZE)
			return (long)(to_caller ? memcpy_bulk(cp, mp, len)
						: memcpy_bulk(mp, cp, len));
		if (mp)
			return to_caller ? lease_memcpy(cp, mp, len) : lease_memcpy(mp, cp, len);
	}
	return lease_copy_pages(c, cva, mva, len, to_caller);
}

__attribute__((optimize("omit-frame-pointer"))) long
sys_lease_read(uint64_t token, uint64_t idx, uint64_t off, uintptr_t ubuf, size_t len)
{
	return lease_copy(token, idx, off, ubuf, len, false);
}

__attribute__((optimize("omit-frame-pointer"))) long
sys_lease_write(uint64_t token, uint64_t idx, uint64_t off, uintptr_t ubuf, size_t len)
{
	return lease_copy(token, idx, off, ubuf, len, true);
}

long sys_lease_writev(uint64_t token, uint64_t idx, uint64_t off, uintptr_t uiov, uint64_t n)
{
	struct proc *c = caller_of(token);
	if (!c)
		return -ESRCH;
	if (n > LDE_IOV_MAX)
		return -EINVAL;
	long fault = 0;
	long total = lease_put_ranges(c, idx, off, uiov, n, &fault);
	return fault ? fault : total;
}

/* lease_put_ranges's copy into caller c's user lease from cva, every
 * rule checked already: the ranges piece by piece between page boundaries of
 * either side, each page translated once however many pieces use it.
 * Anything unusual (a page to fault in or copy on write, a range that is
 * not the replier's memory) goes through lease_copy_pages. 0 or -errno. */
long lease_copy_ranges(struct proc *c, uint64_t cva, const struct lde_iov *v, uint64_t n)
{
	pagetable_t cpt = c->mm.pt, mpt = current->mm.pt;
	uint64_t cpage = 1, mpage = 1; /* none */
	char *cbase = NULL, *mbase = NULL;
	for (const struct lde_iov *end = v + n; v < end; v++) {
		uint64_t mva = v->addr, len = v->len;
		if (mva >= USER_TOP || len > USER_TOP - mva) {
			long r = lease_copy_pages(c, cva, mva, len, true); /* its error */
			if (r < 0)
				return r;
			cva += len;
			continue;
		}
		while (len) {
			uint64_t cin = cva & (PGSIZE - 1), min = mva & (PGSIZE - 1);
			uint64_t piece = PGSIZE - (cin > min ? cin : min);
			if (piece > len)
				piece = len;
			if (cva - cin != cpage) {
				cpage = cva - cin;
				cbase = mmu_translate_user(cpt, cpage, PERM_RAM | PERM_U | PERM_W);
			}
			if (mva - min != mpage) {
				mpage = mva - min;
				mbase = mmu_translate_user(mpt, mpage, PERM_RAM | PERM_U | PERM_R);
			}
			if (!cbase || !mbase) {
				long r = lease_copy_pages(c, cva, mva, len, true);
				if (r < 0)
					return r;
				cpage = mpage = 1; /* it may have faulted pages in */
				cva += len;
				break;
			}
			lease_memcpy(cbase + cin, mbase + min, piece);
			cva += piece, mva += piece, len -= piece;
		}
	}
	return 0;
}
