/* Leases (docs/ipc.md, "Leases"): the buffers a caller lends the server
 * that holds its call. ipc.c records them as the call is made and ends
 * them with its answer; lease.c copies through them (lease_read,
 * lease_write, lease_writev, a reply's data). Private to those two. */
#pragma once
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
 * dying; NULL otherwise. The whole token is compared: a caller cannot
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
	    c->ipc_server != current || c->attention)
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

/* A reply's data into caller c's user lease from cva, the n ranges of
 * current's memory at v, every rule checked already (ipc.c, reply_data).
 * 0 or -errno. */
long reply_copy(struct proc *c, uint64_t cva, const struct lde_iov *v, uint64_t n);
