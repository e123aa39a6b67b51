/* Leases (docs/ipc.md, "Leases"): the buffers a caller lends the server
 * that holds its call. ipc.c records them as the call is made and ends
 * them with its answer; lease.c copies through them (lease_read,
 * lease_write, lease_writev, a reply's data). Private to those two. */
#pragma once
#include "errno.h"
#include "ipc.h"
#include "proc.h"
#include "uapi.h"
#include "vm.h"
#include <stddef.h>
#include <stdint.h>

/* The leases lent by the call each process is blocked in, by slot: one
 * page from the allocator at boot (zeroing it as .bss would cost boot twice
 * as many instructions). The flags ride in len's low bits (one instruction
 * each to take apart): a lease never exceeds USER_TOP. */
struct lease {
	uint64_t addr;
	uint64_t len_flags;
};
#define LEASE_FLAGS_BITS 2
#define LEASE_FLAGS_MASK ((1ULL << LEASE_FLAGS_BITS) - 1)
/* A kernel lease (ipc_kcall): flags 0, which no user lease has (keep_leases
 * refuses it), so lease_copy's flags test sends it to its cold branch;
 * addr is a kernel address; LEASE_KERNEL_W lets the server write it. */
#define LEASE_KERNEL_W (1ULL << 63)
_Static_assert(NPROC *LDE_LEASE_MAX * sizeof(struct lease) <= PGSIZE, "leases fit a page");
_Static_assert((USER_TOP >> (64 - LEASE_FLAGS_BITS)) == 0,
	       "a lease's length leaves room for flags");
_Static_assert(((LDE_LEASE_READ | LDE_LEASE_WRITE) >> LEASE_FLAGS_BITS) == 0, "flags fit");
extern struct lease (*ipc_leases)[LDE_LEASE_MAX]; /* ipc.c's */

_Static_assert(NPROC <= 256, "a reply token keeps the slot in 8 bits");

/* Set by proc_alloc, fork and setuid/setgid: the slot number would cost a
 * division here, the ids a load and a shift each. */
static inline long token_of(struct proc *p) { return p->ipc_token; }

/* The caller that token names, if current holds its request and it is not
 * dying (killed, or woken by a signal from a user's call); NULL otherwise.
 * A kernel call a server holds waits for its answer whatever signal comes
 * but SIGKILL (ipc_call_holds_signals). The whole token is compared: a caller cannot
 * change its ids while it waits, so its token is the one recv gave out.
 * The pid's low 23 bits only: a token kept past its answer could name a
 * later request of the same server from the same slot after 2^23 more
 * processes, which only confuses that server about its own requests. */
static inline __attribute__((always_inline)) struct proc *caller_of(uint64_t token)
{
	uint64_t slot = LDE_TOKEN_SLOT(token);
	if (slot >= NPROC)
		return NULL;
	struct proc *c = &proc_table[slot];
	/* Opaque to the compiler, which would otherwise multiply again at
	 * each use rather than keep the pointer (the fast path counts). */
	__asm__("" : "+r"(c));
	if ((uint64_t)c->ipc_token != token || c->ipc_state != IPC_REPLY ||
	    c->ipc_server != current || (c->attention && (c->killed || !c->ipc_kernel)))
		return NULL;
	return c;
}

/* Copy len bytes between caller c's cva and current's mva, page by page,
 * each page checked (and faulted in) on both sides: to_caller writes c's
 * memory. Bytes copied, or -errno. */
long lease_copy_pages(struct proc *c, uint64_t cva, uint64_t mva, uint64_t len, bool to_caller);

/* current's array of n (<= LDE_IOV_MAX) ranges at uiov: read in place
 * when it lies in one page (a server's array on its stack), else copied
 * into copy. NULL with *err set if it cannot be read. */
static inline __attribute__((always_inline)) const struct lde_iov *
iov_in(uint64_t uiov, uint64_t n, struct lde_iov copy[LDE_IOV_MAX], long *err)
{
	struct proc *me = current;
	const struct lde_iov *v = NULL;
	size_t bytes = n * sizeof *v;
	if (!(uiov & 7) && uiov < USER_TOP && (uiov & (PGSIZE - 1)) + bytes <= PGSIZE)
		v = mmu_translate(me->mm.pt, uiov, PERM_RAM | PERM_U | PERM_R);
	if (!v) {
		*err = copyin(&me->mm, copy, uiov, bytes);
		v = *err ? NULL : copy;
	}
	return v;
}

/* The n ranges of current's memory at v into caller c's user lease from
 * cva, every rule checked already (lease_put_ranges). 0 or -errno. */
long lease_copy_ranges(struct proc *c, uint64_t cva, const struct lde_iov *v, uint64_t n);

/* lease_writev and a reply's data (uapi.h, LDE_MSG_DATA_AT): the n
 * (<= LDE_IOV_MAX) ranges of current's array at uiov written one after
 * another into held caller c's lease idx from byte off. Every rule is
 * checked before a byte moves (the array readable, the lease lent and
 * writable by the server, the ranges within it), so that a mistake
 * changes nothing: the bytes they hold, or that -errno. A page missing
 * midway, on either side (or memory running out copying one), ends the
 * copy with the ranges before it written and the error in *fault. Inline:
 * a reply's data is on the file server's read path. */
static inline __attribute__((always_inline)) long
lease_put_ranges(struct proc *c, uint64_t idx, uint64_t off, uint64_t uiov, uint64_t n, long *fault)
{
	if (idx >= c->ipc_nleases)
		return -EINVAL;
	struct lde_iov copy[LDE_IOV_MAX];
	long err;
	const struct lde_iov *v = iov_in(uiov, n, copy, &err);
	if (!v)
		return err;
	const struct lease *l = &ipc_leases[LDE_TOKEN_SLOT(token_of(c))][idx];
	uint64_t flags = l->len_flags & LEASE_FLAGS_MASK;
	uint64_t llen = (l->len_flags & ~LEASE_KERNEL_W) >> LEASE_FLAGS_BITS, total = 0;
	if (flags ? !(flags & LDE_LEASE_WRITE) : !(l->len_flags & LEASE_KERNEL_W))
		return -EACCES;
	for (uint64_t i = 0; i < n; i++) {
		if (v[i].len > llen - total)
			return -EINVAL;
		total += v[i].len;
	}
	if (off > llen - total)
		return -EINVAL;
	long r = 0;
	if (flags) {
		r = lease_copy_ranges(c, l->addr + off, v, n);
	} else {
		/* A kernel buffer (the kernel's call): copied in from ours. */
		char *k = (char *)l->addr + off;
		for (uint64_t i = 0; i < n && !r; i++) {
			r = copyin(&current->mm, k, v[i].addr, v[i].len);
			k += v[i].len;
		}
	}
	if (r < 0)
		*fault = r;
	return (long)total;
}
