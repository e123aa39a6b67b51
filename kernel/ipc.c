/* Synchronous IPC through endpoints (docs/ipc.md).
 *
 * An endpoint is a rendezvous: callers queue on it until a process
 * receives, receivers queue on it until a process calls. A received call
 * is held by the receiver (counted in its ipc_exit_refs) until it replies; the
 * caller sleeps meanwhile, its message still in its own trapframe, its
 * leases recorded here. A reply names the caller by its token: its
 * process-table slot, its effective ids (so the server knows who calls, at
 * no cost: the token travels anyway) and the low bits of its pid, checked
 * whole against the caller's own and against the holder, so a stale or
 * forged token reaches nobody.
 *
 * The fast path: a register-only call to an endpoint where a receiver
 * already waits, and a register-only reply_recv to a waiting caller when no
 * other caller is queued, copy the words trapframe to trapframe and switch
 * straight to the partner (sched_switch_to): no run queue, no buffer.
 *
 * Like the rest of the kernel this runs with interrupts off on one hart,
 * so every function here is atomic up to the point where it sleeps. */
#include "ipc.h"
#include "lease.h"
#include "errno.h"
#include "file.h"
#include "fmt.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"
#include "sched.h"
#include "syscall.h"
#include "trap.h"
#include "hooks.h"

#define NENDPOINT 32 /* in the whole system */

struct endpoint {
	int refs;			   /* files referring to it; 0 = free slot */
	int rx_refs;			   /* of which unbadged, which may receive */
	struct waitq senders;		   /* callers not yet received, in arrival order */
	struct waitq receivers;		   /* processes blocked in recv */
	char call_name[12], recv_name[12]; /* "call ep3", "recv ep3": ps's WAIT */
	/* Remote files whose CLOSE is still to be delivered, oldest first
	 * (chained by struct file's close_next), and the node that stands for
	 * them at the front of senders, so that recv finds them before any
	 * call and the fast paths, which look only at whether senders is
	 * empty, need no test of their own. */
	struct file *close_head, *close_tail;
	struct list close_node;
};

static struct endpoint endpoints[NENDPOINT];

/* lease.h: one page from the allocator at boot (ipc_init). */
struct lease (*ipc_leases)[LDE_LEASE_MAX];

/* The message of a kernel call that keeps its stack (ipc_kcall), on that
 * stack, where its ipc_kctx points: deliver reads it, an answer writes
 * the words. The caller's trapframe stays its system call's. */
struct kcall_msg {
	uint64_t badge, info; /* the info word with the lease count */
	uint64_t *w;	      /* the words, in and out */
};

/* The requests a server holds are counted, not listed: only its death
 * needs to find them, and it searches the process table. */
static inline void held_add(struct proc *server, struct proc *c)
{
	c->ipc_server = server;
	c->ipc_state = IPC_REPLY;
	server->ipc_exit_refs++;
}

/* ipc_server is left as it was: it means something only in IPC_REPLY. */
static inline void held_del(struct proc *c)
{
	c->ipc_server->ipc_exit_refs--;
	c->ipc_state = IPC_NONE;
}

int ipc_fd_install(struct proc *p, struct file *f)
{
	for (int fd = 0; fd < NOFILE; fd++) {
		if (!p->files[fd]) {
			p->files[fd] = f;
			return fd;
		}
	}
	return -EMFILE;
}

static struct file *ep_file(uint64_t fd)
{
	struct file *f = fd < NOFILE ? current->files[fd] : NULL;
	return f && f->type == FILE_ENDPOINT ? f : NULL;
}

int ipc_endpoint_of(long fd)
{
	struct file *f = ep_file((uint64_t)fd);
	return f ? (int)(f->ep - endpoints) : -1;
}

/* A descriptor to send along: the info word's field, checked. NULL with
 * *err = 0 when there is none. */
static struct file *cap_of(uint64_t info, long *err)
{
	int fd = LDE_MSG_CAP(info);
	*err = 0;
	if (fd < 0)
		return NULL;
	struct file *f = fd < NOFILE ? current->files[fd] : NULL;
	if (!f)
		*err = -EBADF;
	return f;
}

void ipc_init(void)
{
	ipc_leases = palloc(); /* written before it is read: no need to zero */
	if (!ipc_leases)
		panic("ipc_init: no page for leases");
}

int ep_count(void)
{
	int n = 0;
	for (int i = 0; i < NENDPOINT; i++)
		n += endpoints[i].refs > 0;
	return n;
}

long sys_ep_create(void)
{
	struct endpoint *ep = NULL;
	for (int i = 0; i < NENDPOINT && !ep; i++)
		if (!endpoints[i].refs)
			ep = &endpoints[i];
	if (!ep)
		return -ENFILE;
	struct file *f = file_alloc(FILE_ENDPOINT);
	if (!f)
		return -ENFILE;
	int id = (int)(ep - endpoints);
	ep->refs = ep->rx_refs = 1;
	ep->close_head = NULL;
	list_init(&ep->close_node);
	ksnprintf(ep->call_name, sizeof ep->call_name, "call ep%d", id);
	ksnprintf(ep->recv_name, sizeof ep->recv_name, "recv ep%d", id);
	waitq_init(&ep->senders, ep->call_name);
	waitq_init(&ep->receivers, ep->recv_name);
	f->ep = ep;
	int fd = ipc_fd_install(current, f);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_ep_mint(long fd, uint64_t badge)
{
	struct file *f = ep_file((uint64_t)fd);
	if (!f)
		return -EBADF;
	if (!badge)
		return -EINVAL;
	if (f->badge)
		return -EPERM; /* a badge, once given, is what the server trusts */
	struct file *nf = file_alloc(FILE_ENDPOINT);
	if (!nf)
		return -ENFILE;
	nf->ep = f->ep;
	nf->badge = badge;
	f->ep->refs++;
	int nfd = ipc_fd_install(current, nf);
	if (nfd < 0)
		file_put(nf);
	return nfd;
}

/* swtch's save area for a context nobody will resume. */
static struct context dropped_ctx;

inline __attribute__((always_inline)) void ipc_drop_stack(struct proc *me, int how)
{
	me->ipc_resume = how;
	arch_ctx_resume_ipc(&me->ctx, me->tf);
}

/* handoff's way to a partner that kept its kernel stack. */
static __attribute__((noinline, noreturn)) void switch_to_stacked(struct proc *next, long result)
{
	next->ipc_ret = result;
	swtch(&dropped_ctx, &next->ctx);
	panic("handoff: a dropped context ran");
}

/* me, not traced and its FPU off (slow_ipc clear), has just blocked (SLEEPING, queued where it
 * waits) in a call or a recv (how); next, blocked in IPC and not dying, is to return result. Give
 * next the CPU at once. me keeps nothing on its kernel stack: it will resume in ipc_resume. And if
 * next blocked the same way, the kernel leaves for next's U-mode context directly from here. A
 * traced process never comes here: its trace line is printed when its handler returns, so it takes
 * the slow path. */
static inline __attribute__((always_inline, noreturn)) void
handoff(struct proc *me, struct proc *next, int how, long result)
{
	ipc_drop_stack(me, how);
	sched_hand_over_fpu_off(next);
	if (__builtin_expect(next->ipc_resume != IPC_RESUME_NONE, 1)) {
		/* A timer tick that arrives meanwhile is charged to next's
		 * U-mode time: not worth the instructions to tell apart. */
		next->ipc_resume = IPC_RESUME_NONE;
		arch_syscall_ret(next->tf, result);
		arch_return_to_user(next->tf);
	}
	switch_to_stacked(next, result);
}

/* The length of lease 0 of c's call (a detached call's done learns it
 * with the words). */
static inline uint64_t lease0_len(struct proc *c)
{
	return ipc_leases[LDE_TOKEN_SLOT(token_of(c))][0].len_flags >> LEASE_FLAGS_BITS;
}

/* A detached kernel call ends (ipc_kcall_detached): its done gives
 * the system call's result. */
static inline long kcall_end(struct proc *c, long r, const uint64_t *w)
{
	long res = c->ipc_kdone(c, r, w);
	c->ipc_nleases = 0;
	c->ipc_kernel = 0;
	return res;
}

/* The answer res (an info word, or a -errno) with words w0..w3 to a
 * kernel call c: its registers are its system call's and stay. A
 * detached call's done gives the result (with the lease's length after
 * the words); one that kept its stack finds the words in its struct
 * kcall_msg. No descriptor ever reaches the kernel. Returns what c's call
 * returns. */
static inline __attribute__((always_inline)) long
kcall_answer(struct proc *c, long res, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	if (c->ipc_resume == IPC_RESUME_KCALL) {
		uint64_t w[5] = { w0, w1, w2, w3, lease0_len(c) };
		return kcall_end(c, res, res < 0 ? NULL : w);
	}
	uint64_t *kw = ((struct kcall_msg *)c->ipc_kctx)->w;
	kw[0] = w0, kw[1] = w1, kw[2] = w2, kw[3] = w3;
	return res;
}

/* What a call that failed with err returns: err, or for a detached
 * kernel call what its done makes of it. */
static inline long call_failed(struct proc *c, long err)
{
	return c->ipc_resume == IPC_RESUME_KCALL ? kcall_end(c, err, NULL) : err;
}

/* Wake a caller that will never be answered: it returns err. */
static void fail_caller(struct proc *c, long err)
{
	c->ipc_state = IPC_NONE;
	c->ipc_ret = call_failed(c, err);
	sched_make_runnable(c);
}

void ep_put(struct endpoint *ep, bool rx)
{
	KASSERT(ep->refs > 0 && (!rx || ep->rx_refs > 0));
	if (rx && --ep->rx_refs == 0) {
		/* Nobody can receive any more: the queued callers fail. Those
		 * already received stay with their server. The closes nobody
		 * can deliver free their files. */
		struct list *n;
		while ((n = list_pop_front(&ep->senders.sleepers)))
			if (n != &ep->close_node)
				fail_caller(container_of(n, struct proc, link), -EPIPE);
		while (ep->close_head) {
			struct file *f = ep->close_head;
			ep->close_head = f->close_next;
			file_free_closed(f);
			ep->refs--; /* the file's; this call holds one more */
		}
	}
	if (--ep->refs == 0)
		KASSERT(list_empty(&ep->senders.sleepers) && list_empty(&ep->receivers.sleepers));
}

/* After a caller wakes, whoever woke it: let go of what it lent and
 * return what it is owed. */
static long call_finish(struct proc *me)
{
	me->ipc_nleases = 0;
	if (__builtin_expect(me->ipc_state != IPC_NONE, 0)) {
		/* Killed: off the senders' queue already (sched_interrupt_sleep),
		 * or still held by a server, which will now not find it. */
		if (me->ipc_state == IPC_REPLY)
			held_del(me);
		me->ipc_state = IPC_NONE;
		return -EINTR;
	}
	return me->ipc_ret;
}

/* A descriptor travels with a message: a new reference to f in to's
 * table. The info word's bits that say so: its place there (the
 * descriptor field), or LDE_MSG_CAP_LOST if the table was full. */
static uint64_t give_cap(struct proc *to, struct file *f)
{
	struct file *cap = file_dup(f);
	int fd = ipc_fd_install(to, cap);
	if (fd >= 0)
		return (uint64_t)(fd + 1) << LDE_MSG_CAP_SHIFT;
	file_put(cap);
	return LDE_MSG_CAP_LOST;
}

/* A kernel call's lease 0, when it is a kernel buffer the server may only
 * read (a path), copied into receiver r's receive buffer if it fits there
 * and the buffer's pages are present and writable: LDE_MSG_INLINE0, or 0
 * (the server reads the lease as usual; a part copied before a missing
 * page is only the buffer's scribble). */
static __attribute__((noinline)) uint64_t push_lease0(struct proc *c, struct proc *r)
{
	if (!c->ipc_nleases)
		return 0;
	const struct lease *l = &ipc_leases[LDE_TOKEN_SLOT(token_of(c))][0];
	uint64_t len = l->len_flags >> LEASE_FLAGS_BITS, va = r->ipc_rbuf;
	if ((l->len_flags & (LEASE_FLAGS_MASK | LEASE_KERNEL_W)) || len > r->ipc_rbuf_len)
		return 0;
	const char *src = (const char *)l->addr;
	while (len) {
		uint64_t in = va & (PGSIZE - 1), piece = PGSIZE - in;
		if (piece > len)
			piece = len;
		char *dst = mmu_translate(r->mm.pt, va - in, PERM_RAM | PERM_U | PERM_W);
		if (!dst)
			return 0;
		memcpy(dst + in, src, piece);
		va += piece, src += piece, len -= piece;
	}
	return LDE_MSG_INLINE0;
}

long sys_ipc_buffer(uintptr_t addr, size_t len)
{
	if (addr >= USER_TOP || len > USER_TOP - addr)
		return -EFAULT;
	current->ipc_rbuf = addr;
	current->ipc_rbuf_len = len;
	return 0;
}

/* Move caller c's message into receiver r's registers; r now holds c's
 * request. Returns the info word r's recv returns. */
static uint64_t deliver(struct proc *c, struct proc *r)
{
	struct trapframe *ct = c->tf, *rt = r->tf;
	uint64_t info;
	if (c->ipc_kernel) {
		/* A kernel call: no descriptor. */
		const struct kcall_msg *km = c->ipc_kctx;
		info = km->info;
		if (r->ipc_rbuf_len)
			info |= push_lease0(c, r);
		arch_set_msg_reg(rt, 1, km->badge);
		for (int i = 0; i < 4; i++)
			arch_set_msg_reg(rt, 2 + i, km->w[i]);
	} else {
		uint64_t cinfo = arch_msg_reg(ct, 1);
		info = cinfo & ((1ULL << LDE_MSG_CAP_SHIFT) - 1); /* label and lease count */
		/* The caller's descriptors are as they were at its call
		 * (checked then): it has been blocked since. */
		int capfd = LDE_MSG_CAP(cinfo);
		if (capfd >= 0)
			info |= give_cap(r, c->files[capfd]);
		arch_set_msg_reg(rt, 1, c->files[arch_msg_reg(ct, 0)]->badge);
		for (int i = 2; i <= 5; i++)
			arch_set_msg_reg(rt, i, arch_msg_reg(ct, i));
	}
	arch_set_msg_reg(rt, 6, (uint64_t)token_of(c));
	held_add(r, c);
	return info;
}

/* Check the n leases at l (a caller's array, already in kernel reach)
 * and keep them in me's slot: each a range of user addresses with READ
 * and/or WRITE. Access is checked page by page when the server uses
 * them. */
static inline __attribute__((always_inline)) int keep_leases(struct proc *me,
							     const struct lde_lease *l, int n)
{
	struct lease *k = ipc_leases[LDE_TOKEN_SLOT(token_of(me))];
	for (int i = 0; i < n; i++) {
		uint64_t addr = l[i].addr, len = l[i].len, flags = l[i].flags;
		if (!flags || (flags & ~(uint64_t)(LDE_LEASE_READ | LDE_LEASE_WRITE)))
			return -EINVAL;
		if (addr >= USER_TOP || len > USER_TOP - addr)
			return -EFAULT;
		k[i] = (struct lease){ addr, len << LEASE_FLAGS_BITS | flags };
	}
	me->ipc_nleases = n;
	return 0;
}

/* Copy the n leases a caller lends from its array at uleases, checked,
 * into its slot. */
static int take_leases(struct proc *me, int n, uint64_t uleases)
{
	struct lde_lease l[LDE_LEASE_MAX];
	int err = copyin(&me->mm, l, uleases, (size_t)n * sizeof *l);
	return err ? err : keep_leases(me, l, n);
}

/* The fast path of call: no descriptor sent, its leases (if any) taken,
 * a receiver waiting on f's endpoint, current not traced. Moves the
 * words into the receiver's frame and hands the CPU over. */
/* me's request, the words straight into the registers of the receiver
 * waiting first on ep, which now holds it, and the CPU to that receiver:
 * me blocks without its kernel stack, to resume as how says. Nothing
 * else is checked: call_fast and ipc_kcall_detached have. */
static inline __attribute__((always_inline, noreturn)) void
hand_request(struct proc *me, struct endpoint *ep, uint64_t badge, uint64_t info, uint64_t w0,
	     uint64_t w1, uint64_t w2, uint64_t w3, int how)
{
	struct proc *r = container_of(ep->receivers.sleepers.next, struct proc, link);
	struct trapframe *rt = r->tf;
	list_del(&r->link);
	r->ipc_state = IPC_NONE;
	arch_set_msg_reg(rt, 1, badge);
	arch_set_msg_reg(rt, 2, w0);
	arch_set_msg_reg(rt, 3, w1);
	arch_set_msg_reg(rt, 4, w2);
	arch_set_msg_reg(rt, 5, w3);
	arch_set_msg_reg(rt, 6, (uint64_t)token_of(me));
	held_add(r, me);
	me->state = P_SLEEPING;
	me->waiting_on = &ep->senders; /* only its name: ps shows "call epN" */
	handoff(me, r, how, (long)info);
}

static inline __attribute__((always_inline, noreturn)) void call_fast(struct proc *me,
								      struct file *f, uint64_t info,
								      uint64_t w0, uint64_t w1,
								      uint64_t w2, uint64_t w3)
{
	hand_request(me, f->ep, f->badge, info, w0, w1, w2, w3, IPC_RESUME_CALL);
}

/* Everything but the fast path of call. */
static __attribute__((noinline)) long ipc_call_slow(struct file *f, uint64_t info, uint64_t uleases)
{
	struct proc *me = current;
	if (!f)
		return -EBADF;
	struct endpoint *ep = f->ep;
	if (info & ~LDE_MSG_IN_MASK)
		return -EINVAL;
	int nleases = (int)LDE_MSG_NLEASES(info);
	if (nleases > LDE_LEASE_MAX)
		return -EINVAL;
	long err;
	cap_of(info, &err); /* taken when the message is delivered */
	if (err)
		return err;
	if (!ep->rx_refs)
		return -EPIPE;
	if (nleases && (err = take_leases(me, nleases, uleases))) {
		me->ipc_nleases = 0;
		return err;
	}
	if (!list_empty(&ep->receivers.sleepers)) {
		struct proc *r =
			container_of(list_pop_front(&ep->receivers.sleepers), struct proc, link);
		r->ipc_state = IPC_NONE;
		long rinfo = (long)deliver(me, r);
		me->state = P_SLEEPING;
		me->waiting_on = &ep->senders;
		if (!me->slow_ipc)
			handoff(me, r, IPC_RESUME_CALL, rinfo);
		r->ipc_ret = rinfo;
		sched_switch_to(r);
		return call_finish(me);
	}
	me->ipc_state = IPC_SEND;
	sleep_on(&ep->senders); /* call_finish tells a kill from an answer */
	return call_finish(me);
}

/* A call on f (valid) with a receiver waiting, current not traced, that
 * is not a register message. One with leases and nothing else unusual:
 * once the leases are taken, as fast as a register message. Anything
 * else, errors included, is ipc_call_slow's. */
static __attribute__((noinline, optimize("omit-frame-pointer"))) long
call_leases(struct proc *me, struct file *f, uint64_t info, uint64_t uleases)
{
	int n = (int)LDE_MSG_NLEASES(info);
	/* The array read in place, straight from the page table, when the
	 * largest would lie in one page, and that page is there (copyin's loop costs more than the
	 * leases); anything else is left to ipc_call_slow. */
	const struct lde_lease *l = NULL;
	/* No need to look at rx_refs: the receiver waiting holds a receiving
	 * descriptor (a register call does not look either). */
	if ((info >> LDE_MSG_CAP_SHIFT) == 0 && (unsigned)n - 1 < LDE_LEASE_MAX &&
	    (uleases & (PGSIZE - 1)) <= PGSIZE - LDE_LEASE_MAX * sizeof *l && !(uleases & 7) &&
	    uleases < USER_TOP)
		l = mmu_translate(me->mm.pt, uleases, PERM_RAM | PERM_U | PERM_R);
	if (l && !keep_leases(me, l, n)) {
		struct trapframe *mt = me->tf;
		call_fast(me, f, info, arch_msg_reg(mt, 2), arch_msg_reg(mt, 3),
			  arch_msg_reg(mt, 4), arch_msg_reg(mt, 5));
	}
	return ipc_call_slow(f, info, uleases);
}

/* ipc_call(fd, info, w0..w3), a6 = the lease array. Built without a frame
 * pointer: the fast path leaves without returning. */
__attribute__((optimize("omit-frame-pointer"))) long
sys_ipc_call(long fd, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	struct proc *me = current;
	struct file *f = ep_file((uint64_t)fd);
	if (__builtin_expect(!f || list_empty(&f->ep->receivers.sleepers) || me->slow_ipc, 0))
		return ipc_call_slow(f, info, arch_msg_reg(me->tf, 6));
	if (__builtin_expect((info >> LDE_MSG_NLEASES_SHIFT) != 0, 0))
		return call_leases(me, f, info, arch_msg_reg(me->tf, 6));
	/* The fast path: registers only, a receiver waiting. */
	call_fast(me, f, info, w0, w1, w2, w3);
}

/* Closes go ahead of every queued call, as a bound notification's bits
 * do: so a call made after a close (a process's exit, say) finds the
 * server told. No queued call can concern a closed handle: a caller's
 * descriptor would hold it open. */
static void close_node_queue(struct endpoint *ep)
{
	list_insert_before(ep->senders.sleepers.next, &ep->close_node);
}

/* The first pending CLOSE of ep into r's registers (ep's close node just
 * taken off senders): label LDE_FS_CLOSE, the file's badge and handle,
 * token 0, which names nobody. The file's slot is free from now on. */
static long deliver_close(struct endpoint *ep, struct proc *r)
{
	struct file *f = ep->close_head;
	ep->close_head = f->close_next;
	struct trapframe *rt = r->tf;
	arch_set_msg_reg(rt, 1, f->badge);
	arch_set_msg_reg(rt, 2, f->handle);
	for (int i = 3; i <= 5; i++)
		arch_set_msg_reg(rt, i, 0);
	arch_set_msg_reg(rt, 6, 0);
	file_free_closed(f);
	ep->refs--; /* the file's: the receiver holds another */
	if (ep->close_head)
		close_node_queue(ep);
	return LDE_FS_CLOSE;
}

void ep_post_close(struct endpoint *ep, struct file *f)
{
	if (!ep->rx_refs) {
		/* Nobody will ever receive it. */
		file_free_closed(f);
		ep_put(ep, false);
		return;
	}
	f->close_next = NULL;
	if (ep->close_head) {
		ep->close_tail->close_next = f;
		ep->close_tail = f;
		return; /* queued already, for the earlier closes */
	}
	ep->close_head = ep->close_tail = f;
	struct list *n = list_pop_front(&ep->receivers.sleepers);
	if (!n) {
		close_node_queue(ep);
		return;
	}
	/* A server waits in recv: it gets the close now, and runs when the
	 * scheduler gives it its turn (the closer, maybe exiting, goes on). */
	struct proc *r = container_of(n, struct proc, link);
	r->ipc_state = IPC_NONE;
	r->ipc_ret = deliver_close(ep, r);
	sched_make_runnable(r);
}

void ep_get(struct endpoint *ep)
{
	KASSERT(ep->refs > 0);
	ep->refs++;
}

bool ep_can_receive(const struct endpoint *ep) { return ep->rx_refs > 0; }

/* Receive on ep: the bound notification's bits if any are pending, else
 * the first queued caller, else sleep until either arrives. */
static long recv_on(struct endpoint *ep)
{
	struct proc *me = current;
	uint64_t bits;
	if (me->bound_ntfn && ntfn_take_bound(me, &bits)) {
		arch_set_msg_reg(me->tf, 1, 0);
		arch_set_msg_reg(me->tf, 2, bits);
		arch_set_msg_reg(me->tf, 6, 0);
		return (long)LDE_MSG_NTFN;
	}
	struct list *n = list_pop_front(&ep->senders.sleepers);
	if (n == &ep->close_node)
		return deliver_close(ep, me);
	if (n) {
		struct proc *c = container_of(n, struct proc, link);
		return (long)deliver(c, me);
	}
	me->ipc_state = IPC_RECV;
	long err = sleep_on(&ep->receivers);
	if (__builtin_expect(me->ipc_state != IPC_NONE, 0)) {
		me->ipc_state = IPC_NONE; /* killed: already off the queue */
		return err ? err : -EINTR;
	}
	return err ? err : me->ipc_ret;
}

long sys_ipc_recv(long fd)
{
	struct file *f = ep_file((uint64_t)fd);
	if (!f)
		return -EBADF;
	if (f->badge)
		return -EPERM; /* badged descriptors are for callers */
	return recv_on(f->ep);
}

/* Answer caller c with res (the reply's info word, or the caller's
 * -EFAULT from its data), the words from current's registers but w3 (the
 * bytes of its data, if any), the descriptor cap (already checked) if
 * any. c goes back on the run queue. */
static void answer(struct proc *c, long res, uint64_t w3, struct file *cap)
{
	struct trapframe *mt = current->tf;
	uint64_t w[4] = { arch_msg_reg(mt, 2), arch_msg_reg(mt, 3), arch_msg_reg(mt, 4), w3 };
	held_del(c);
	if (c->ipc_kernel) {
		c->ipc_ret = kcall_answer(c, res, w[0], w[1], w[2], w[3]);
		sched_make_runnable(c);
		return;
	}
	struct trapframe *ct = c->tf;
	for (int i = 0; i < 4; i++)
		arch_set_msg_reg(ct, 2 + i, w[i]);
	if (res >= 0) {
		uint64_t info = LDE_MSG_LABEL(res);
		/* The kernel's calls take no descriptor: nothing may enter a
		 * table behind the kernel's back. */
		if (cap)
			info |= give_cap(c, cap);
		res = (long)info;
	}
	c->ipc_ret = res;
	sched_make_runnable(c);
}

/* A reply's info word: a label, perhaps a descriptor, perhaps data
 * ranges (uapi.h, LDE_MSG_DATA_AT). */
static long check_reply_info(uint64_t info, struct file **cap)
{
	if ((info & ~LDE_MSG_IN_MASK) || LDE_MSG_NLEASES(info) > LDE_IOV_MAX)
		return -EINVAL;
	long err;
	*cap = cap_of(info, &err);
	return err;
}

static inline __attribute__((always_inline)) long reply_data(struct proc *c, uint64_t n,
							     uint64_t at, uint64_t uiov, long *res);

/* Answer c (NULL: nobody, as sys_ipc_reply says) with current's message,
 * info checked: its data first. 0, or the replier's -errno (its data's
 * mistake: nothing done, c still held). */
static long reply_to(struct proc *c, uint64_t info, struct file *cap)
{
	if (!c)
		return 0;
	struct trapframe *mt = current->tf;
	long res = (long)info;
	uint64_t w3 = arch_msg_reg(mt, 5);
	if (LDE_MSG_NLEASES(info)) {
		long got = reply_data(c, LDE_MSG_NLEASES(info), arch_msg_reg(mt, 4), w3, &res);
		if (got < 0)
			return got;
		w3 = (uint64_t)got;
	}
	answer(c, res, w3, cap);
	return 0;
}

long sys_ipc_reply(uint64_t token, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2,
		   uint64_t w3)
{
	struct file *cap;
	long err = check_reply_info(info, &cap);
	if (err)
		return err;
	/* A caller that died (or a token that names nobody this process
	 * holds): nothing to do, and no error, so a server never has to
	 * care whether its client is still there. */
	return reply_to(caller_of(token), info, cap);
}

/* ipc_caller(token, creds): who made the request current holds under
 * token. The token itself carries the effective ids and the pid's low
 * bits; this adds the whole pid and the real ids, for the server that
 * needs them, asked for rather than delivered with every message so that
 * the fast path copies nothing more (docs/users.md). The caller is blocked
 * until it is answered, so its ids are those it called with. */
long sys_ipc_caller(uint64_t token, uintptr_t ucreds)
{
	struct proc *c = caller_of(token);
	if (!c)
		return -ESRCH;
	struct lde_creds cr = {
		.pid = c->pid,
		.uid = c->uid,
		.euid = c->euid,
		.gid = c->gid,
		.egid = c->egid,
	};
	return copyout(&current->mm, ucreds, &cr, sizeof cr);
}

/* Everything but the fast path of reply_recv. */
static __attribute__((noinline)) long ipc_reply_recv_slow(struct file *f, uint64_t info,
							  struct proc *c)
{
	if (!f)
		return -EBADF;
	if (f->badge)
		return -EPERM;
	struct endpoint *ep = f->ep;
	struct file *cap;
	long err = check_reply_info(info, &cap);
	if (!err)
		err = reply_to(c, info, cap);
	return err ? err : recv_on(ep);
}

/* The fast path's wait after its answer, in one switch to c, which
 * returns res. */
static inline __attribute__((always_inline, noreturn)) void
reply_recv_switch(struct proc *me, struct endpoint *ep, struct proc *c, long res)
{
	me->ipc_state = IPC_RECV;
	me->state = P_SLEEPING;
	me->waiting_on = &ep->receivers;
	list_push_back(&ep->receivers.sleepers, &me->link);
	handoff(me, c, IPC_RESUME_RECV, res);
}

/* reply_recv's fast paths but the register answer to a user's call on
 * the fast path: an answer with data ranges (and no descriptor), one to
 * a caller that kept its kernel stack (the kernel's ipc_kcall, a traced
 * caller), one to a detached kernel call (whose registers are its system
 * call's: its done gives the result). Anything else is the slow path's. */
static __attribute__((noinline)) long reply_recv_other(struct proc *me, struct file *f,
						       struct proc *c, uint64_t info, uint64_t w0,
						       uint64_t w1, uint64_t w2, uint64_t w3)
{
	/* f and me are as the fast path wants them, and c is the caller the
	 * token names, held by me and not dying (sys_ipc_reply_recv): held
	 * if it waits for a reply. */
	if (c->ipc_state != IPC_REPLY)
		c = NULL;
	/* A caller with a signal pending (a kernel call, which waited for
	 * this answer) is woken the general way: its resume delivers it. */
	if (!c || c->attention || (info >> LDE_MSG_CAP_SHIFT) != 0 ||
	    LDE_MSG_NLEASES(info) > LDE_IOV_MAX)
		return ipc_reply_recv_slow(f, info, c);
	long res = (long)LDE_MSG_LABEL(info); /* the caller sees no count */
	if (LDE_MSG_NLEASES(info)) {
		long got = reply_data(c, LDE_MSG_NLEASES(info), w2, w3, &res);
		if (got < 0)
			return got;
		w3 = (uint64_t)got;
	}
	held_del(c);
	c->ipc_nleases = 0; /* its leases end with its call */
	if (c->ipc_kernel)
		reply_recv_switch(me, f->ep, c, kcall_answer(c, res, w0, w1, w2, w3));
	struct trapframe *ct = c->tf;
	arch_set_msg_reg(ct, 2, w0);
	arch_set_msg_reg(ct, 3, w1);
	arch_set_msg_reg(ct, 4, w2);
	arch_set_msg_reg(ct, 5, w3);
	reply_recv_switch(me, f->ep, c, res);
}

/* The slow path for a token the fast path's test refused: the general
 * rules decide whom it names (a kernel call with a signal pending is
 * answered; a dying caller is nobody). Out of line: the fast path keeps
 * its registers. */
static __attribute__((noinline)) long reply_recv_general(struct file *f, uint64_t info,
							 uint64_t token)
{
	return ipc_reply_recv_slow(f, info, caller_of(token));
}

/* ipc_reply_recv(fd, info, w0..w3), a6 = the token to answer. */
__attribute__((optimize("omit-frame-pointer"))) long
sys_ipc_reply_recv(long fd, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	struct proc *me = current;
	struct file *f = ep_file((uint64_t)fd);
	uint64_t token = arch_msg_reg(me->tf, 6);
	if (__builtin_expect(!f || f->badge || me->bound_ntfn ||
				     !list_empty(&f->ep->senders.sleepers) || me->slow_ipc,
			     0))
		return ipc_reply_recv_slow(f, info, caller_of(token));
	/* caller_of, for a caller blocked in a user's call on the fast path
	 * (IPC_RESUME_CALL, tested with its state in one load). */
	uint64_t slot = LDE_TOKEN_SLOT(token);
	struct proc *c = slot < NPROC ? &proc_table[slot] : NULL;
	__asm__("" : "+r"(c));
	if (__builtin_expect(!c || (uint64_t)c->ipc_token != token || c->ipc_server != me ||
				     c->attention,
			     0))
		return reply_recv_general(f, info, token);
	if (__builtin_expect(c->ipc_state_resume != (IPC_REPLY | IPC_RESUME_CALL << 8) ||
				     (info >> LDE_MSG_NLEASES_SHIFT) != 0,
			     0))
		return reply_recv_other(me, f, c, info, w0, w1, w2, w3);
	/* The fast path: answer and wait in one switch to the caller. */
	struct endpoint *ep = f->ep;
	struct trapframe *ct = c->tf;
	arch_set_msg_reg(ct, 2, w0);
	arch_set_msg_reg(ct, 3, w1);
	arch_set_msg_reg(ct, 4, w2);
	arch_set_msg_reg(ct, 5, w3);
	/* held_del, and the rest of its call's state in the same store: no
	 * leases any more (a register-only call next must not find them),
	 * and the resume handoff would clear, done here. */
	me->ipc_exit_refs--;
	c->ipc_word = 0;
	me->ipc_state = IPC_RECV;
	me->state = P_SLEEPING;
	me->waiting_on = &ep->receivers;
	list_push_back(&ep->receivers.sleepers, &me->link);
	ipc_drop_stack(me, IPC_RESUME_RECV);
	sched_hand_over_fpu_off(c);
	arch_syscall_ret(ct, (long)info);
	arch_return_to_user(ct);
}

/* A reply's data (uapi.h, LDE_MSG_DATA_AT): lease_put_ranges into held
 * caller c's lease; *res becomes the caller's error if a page was
 * missing midway. The bytes written, or the replier's -errno. */
static inline __attribute__((always_inline)) long reply_data(struct proc *c, uint64_t n,
							     uint64_t at, uint64_t uiov, long *res)
{
	long fault = 0;
	long total =
		lease_put_ranges(c, LDE_MSG_DATA_LEASE(at), LDE_MSG_DATA_OFF(at), uiov, n, &fault);
	if (fault)
		*res = fault;
	return total;
}

void ipc_kcall_detached(struct endpoint *ep, uint64_t badge, uint64_t info, const uint64_t w[4],
			const struct ipc_klease *l,
			long (*done)(struct proc *p, long r, const uint64_t *w), void *ctx)
{
	struct proc *me = current;
	if (list_empty(&ep->receivers.sleepers) || me->slow_ipc)
		return;
	uint64_t addr = l->addr, len = l->len;
	if (addr >= USER_TOP || len > USER_TOP - addr)
		return; /* ipc_kcall's to report */
	ipc_leases[LDE_TOKEN_SLOT(token_of(me))][0] =
		(struct lease){ addr, len << LEASE_FLAGS_BITS | l->flags };
	me->ipc_nleases = 1;
	me->ipc_kernel = 1;
	me->ipc_kdone = done;
	me->ipc_kctx = ctx;
	/* As call_fast (a kernel call sends no descriptor); current's own
	 * registers stay its system call's. */
	hand_request(me, ep, badge, LDE_MSG_INFO(info, 1, -1), w[0], w[1], w[2], w[3],
		     IPC_RESUME_KCALL);
}

long ipc_kcall(struct endpoint *ep, uint64_t badge, uint64_t info, uint64_t w[4],
	       const struct ipc_klease *kl, int nleases, bool *received)
{
	struct proc *me = current;
	KASSERT(nleases <= LDE_LEASE_MAX && LDE_MSG_CAP(info) < 0);
	*received = false;
	if (!ep->rx_refs)
		return -EPIPE;
	struct lease *k = ipc_leases[LDE_TOKEN_SLOT(token_of(me))];
	for (int i = 0; i < nleases; i++) {
		uint64_t addr = kl[i].addr, len = kl[i].len;
		if (kl[i].flags == IPC_KLEASE_KERNEL_R || kl[i].flags == IPC_KLEASE_KERNEL_W) {
			k[i] = (struct lease){ addr, len << LEASE_FLAGS_BITS |
							     (kl[i].flags == IPC_KLEASE_KERNEL_W
								      ? LEASE_KERNEL_W
								      : 0) };
			continue;
		}
		if (addr >= USER_TOP || len > USER_TOP - addr)
			return -EFAULT;
		k[i] = (struct lease){ addr, len << LEASE_FLAGS_BITS | kl[i].flags };
	}
	struct kcall_msg km = { badge, LDE_MSG_INFO(info, nleases, -1), w };
	me->ipc_kctx = &km;
	me->ipc_nleases = (uint8_t)nleases;
	me->ipc_kernel = 1;
	struct list *n = list_pop_front(&ep->receivers.sleepers);
	if (n) {
		/* As ipc_call_slow, but always keeping the kernel stack: this
		 * call has more to do when the answer comes. */
		struct proc *r = container_of(n, struct proc, link);
		r->ipc_state = IPC_NONE;
		long rinfo = (long)deliver(me, r);
		me->state = P_SLEEPING;
		me->waiting_on = &ep->senders;
		r->ipc_ret = rinfo;
		sched_switch_to(r);
	} else {
		me->ipc_state = IPC_SEND;
		sleep_on(&ep->senders);
	}
	bool held = me->ipc_state == IPC_REPLY; /* killed while a live server had it */
	long r = call_finish(me);
	*received = held || r >= 0;
	me->ipc_kernel = 0;
	return r;
}

void ipc_hand_over(struct proc *next, long result)
{
	sched_hand_over_fpu_off(next);
	if (next->ipc_resume != IPC_RESUME_NONE) {
		next->ipc_resume = IPC_RESUME_NONE;
		arch_syscall_ret(next->tf, result);
		arch_return_to_user(next->tf);
	}
	switch_to_stacked(next, result);
}

/* ipc_resume's way for a detached call whose caller was killed while it
 * waited: its done runs now (out of line: the usual resume keeps its small
 * frame). */
static __attribute__((noinline)) void kcall_killed(struct proc *me, struct trapframe *tf)
{
	arch_syscall_ret(tf, kcall_end(me, call_finish(me), NULL));
	return_to_user_of(me);
}

void ipc_resume(struct trapframe *tf)
{
	struct proc *me = current;
	int how = me->ipc_resume;
	long r;
	KASSERT(how != IPC_RESUME_NONE);
	me->ipc_resume = IPC_RESUME_NONE;
	if (how == IPC_RESUME_DONE) {
		return_to_user_of(me);
		return;
	}
	/* One test for both calls (KCALL > CALL), so that a recv or a
	 * notification's wait, the common way here, pays for no more. */
	_Static_assert(IPC_RESUME_KCALL > IPC_RESUME_CALL && IPC_RESUME_RECV < IPC_RESUME_CALL,
		       "the calls' resume modes are the largest");
	if (how >= IPC_RESUME_CALL) {
		/* A detached call answered or failed: done has run. Killed:
		 * it runs now. */
		if (__builtin_expect(how == IPC_RESUME_KCALL && me->ipc_state != IPC_NONE, 0)) {
			kcall_killed(me, tf);
			return;
		}
		r = call_finish(me);
	} else if (me->ipc_state != IPC_NONE) {
		me->ipc_state = IPC_NONE; /* killed: already off the queue */
		r = -EINTR;
	} else {
		r = me->ipc_ret;
	}
	arch_syscall_ret(tf, r);
	return_to_user_of(me);
}

void ipc_proc_exit(struct proc *p)
{
	/* The requests it received and never answered fail, with an error
	 * of their own: the server, not the endpoint, went away. */
	for (int i = 0; i < NPROC && p->ipc_exit_refs > (p->bound_ntfn != NULL); i++) {
		struct proc *c = &proc_table[i];
		if (c->state == P_UNUSED || c->ipc_state != IPC_REPLY || c->ipc_server != p)
			continue;
		held_del(c);
		if (c->state == P_SLEEPING)
			fail_caller(c, -ECONNRESET);
		else /* woken by a signal or a kill, not run yet: interrupted */
			c->ipc_ret = call_failed(c, -EINTR);
	}
	if (p->bound_ntfn)
		ntfn_unbind(p);
	KASSERT(!p->ipc_exit_refs);
}

int ipc_trace_args(char *buf, size_t size, uint64_t nr, const uint64_t args[6])
{
	if (nr != SYS_ipc_call && nr != SYS_ipc_reply && nr != SYS_ipc_reply_recv)
		return -1;
	uint64_t info = args[1];
	int n = nr == SYS_ipc_reply
			? ksnprintf(buf, size, "token=0x%lx, label=%u", args[0],
				    LDE_MSG_LABEL(info))
			: ksnprintf(buf, size, "%ld, label=%u", (long)args[0], LDE_MSG_LABEL(info));
	if (LDE_MSG_NLEASES(info) && n < (int)size)
		n += ksnprintf(buf + n, size - n, ", leases=%lu", LDE_MSG_NLEASES(info));
	if (LDE_MSG_CAP(info) >= 0 && n < (int)size)
		n += ksnprintf(buf + n, size - n, ", fd=%d", LDE_MSG_CAP(info));
	for (int i = 2; i < 6 && n < (int)size; i++)
		n += ksnprintf(buf + n, size - n,
			       (long)args[i] >= -4096 && (long)args[i] < 65536 ? ", %ld"
									       : ", 0x%lx",
			       (long)args[i]);
	return n;
}
