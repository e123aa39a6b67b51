/* Notifications (docs/ipc.md): one word of bits. signal ORs bits in and
 * hands them to one waiter, wait blocks until some are set and takes them
 * all, poll takes them without blocking. A notification bound to a
 * process is also consulted by that process's recv, so a server (a driver
 * above all) waits for requests and events in one place.
 *
 * A woken waiter runs at once: the signaller stays runnable, first in
 * line, and gets the CPU back when the waiter blocks again. That is what a
 * driver woken by its interrupt wants, and it costs a signaller nothing but
 * the switch it would make anyway. */
#include "errno.h"
#include "file.h"
#include "fmt.h"
#include "ipc.h"
#include "kassert.h"
#include "sched.h"
#include "syscall.h"

#define NNTFN 32 /* in the whole system */

struct ntfn {
	int refs; /* files, plus one for a binding; 0 = free */
	uint64_t bits;
	struct waitq waiters; /* in ntfn_wait */
	struct proc *bound;   /* whose recv also returns the bits */
	char name[12];	      /* "ntfn N": ps's WAIT */
};

static struct ntfn ntfns[NNTFN];

int ntfn_count(void)
{
	int n = 0;
	for (int i = 0; i < NNTFN; i++)
		n += ntfns[i].refs > 0;
	return n;
}

static struct ntfn *ntfn_of(uint64_t fd)
{
	struct file *f = fd < NOFILE ? current->files[fd] : NULL;
	return f && f->type == FILE_NTFN ? f->ntfn : NULL;
}

long sys_ntfn_create(void)
{
	struct ntfn *n = NULL;
	for (int i = 0; i < NNTFN && !n; i++)
		if (!ntfns[i].refs)
			n = &ntfns[i];
	if (!n)
		return -ENFILE;
	struct file *f = file_alloc(FILE_NTFN);
	if (!f)
		return -ENFILE;
	n->refs = 1;
	n->bits = 0;
	n->bound = NULL;
	ksnprintf(n->name, sizeof n->name, "ntfn %d", (int)(n - ntfns));
	waitq_init(&n->waiters, n->name);
	f->ntfn = n;
	int fd = ipc_fd_install(current, f);
	if (fd < 0)
		file_put(f);
	return fd;
}

void ntfn_get(struct ntfn *n)
{
	KASSERT(n->refs > 0);
	n->refs++;
}

void ntfn_put(struct ntfn *n)
{
	KASSERT(n->refs > 0);
	if (--n->refs == 0)
		KASSERT(list_empty(&n->waiters.sleepers) && !n->bound);
}

/* Hand the pending bits to one waiter, if there is one: a process in
 * ntfn_wait first, else the bound process if it is blocked in recv. Returns
 * the process woken (SLEEPING still, on no list), or NULL. */
static struct proc *ntfn_deliver(struct ntfn *n)
{
	struct list *l = list_pop_front(&n->waiters.sleepers);
	if (l) {
		struct proc *w = container_of(l, struct proc, link);
		w->ipc_state = IPC_NONE;
		w->ipc_ret = (long)n->bits;
		n->bits = 0;
		return w;
	}
	struct proc *b = n->bound;
	if (b && b->ipc_state == IPC_RECV && b->state == P_SLEEPING && !b->attention) {
		list_del(&b->link); /* off the endpoint's receivers */
		b->ipc_state = IPC_NONE;
		b->ipc_ret = (long)LDE_MSG_NTFN;
		arch_set_msg_reg(b->tf, 1, 0);
		arch_set_msg_reg(b->tf, 2, n->bits);
		arch_set_msg_reg(b->tf, 6, 0);
		n->bits = 0;
		return b;
	}
	return NULL;
}

void ntfn_signal_from_kernel(struct ntfn *n, uint64_t bits)
{
	n->bits |= bits;
	struct proc *w = ntfn_deliver(n);
	if (!w)
		return;
	/* From an interrupt: in U-mode the interrupted process yields to the
	 * waiter; in the idle loop a waiter blocked without its kernel stack
	 * (the usual case: not traced) runs straight from the trap, any
	 * other becomes runnable. */
	if (current)
		sched_yield_to(w);
	else if (w->ipc_resume != IPC_RESUME_NONE)
		sched_run_from_idle(w);
	else
		sched_make_runnable(w);
}

long sys_ntfn_signal(long fd, uint64_t bits)
{
	struct ntfn *n = ntfn_of((uint64_t)fd);
	if (!n)
		return -EBADF;
	if (bits & ~LDE_NTFN_BITS)
		return -EINVAL;
	n->bits |= bits;
	struct proc *w = ntfn_deliver(n);
	if (!w)
		return 0;
	struct proc *me = current;
	if (__builtin_expect(me->slow_ipc, 0)) {
		sched_yield_to(w);
		return 0;
	}
	/* The waiter runs now, straight from here; the signaller, its result
	 * already in place, continues when the waiter blocks again. */
	arch_syscall_ret(me->tf, 0);
	ipc_drop_stack(me, IPC_RESUME_DONE);
	sched_queue_front(me);
	ipc_hand_over(w, w->ipc_ret);
}

long sys_ntfn_wait(long fd)
{
	struct ntfn *n = ntfn_of((uint64_t)fd);
	if (!n)
		return -EBADF;
	if (n->bits) {
		long bits = (long)n->bits;
		n->bits = 0;
		return bits;
	}
	struct proc *me = current;
	me->ipc_state = IPC_NTFN;
	if (__builtin_expect(!me->trace && !me->attention, 1)) {
		/* Block without the kernel stack: ipc_resume finishes. */
		me->state = P_SLEEPING;
		me->waiting_on = &n->waiters;
		list_push_back(&n->waiters.sleepers, &me->link);
		ipc_drop_stack(me, IPC_RESUME_RECV);
		sched_block_dropped();
	}
	long err = sleep_on(&n->waiters);
	if (__builtin_expect(me->ipc_state != IPC_NONE, 0)) {
		me->ipc_state = IPC_NONE; /* killed: already off the queue */
		return err ? err : -EINTR;
	}
	return err ? err : me->ipc_ret;
}

long sys_ntfn_poll(long fd)
{
	struct ntfn *n = ntfn_of((uint64_t)fd);
	if (!n)
		return -EBADF;
	long bits = (long)n->bits;
	n->bits = 0;
	return bits;
}

/* ntfn_bind(fd): the caller's recv also returns this notification's bits.
 * ntfn_bind(-1) undoes it. One binding per process and per notification. */
long sys_ntfn_bind(long fd)
{
	struct proc *me = current;
	if ((int64_t)fd == -1) {
		if (!me->bound_ntfn)
			return -EINVAL;
		ntfn_unbind(me);
		return 0;
	}
	struct ntfn *n = ntfn_of((uint64_t)fd);
	if (!n)
		return -EBADF;
	if (me->bound_ntfn || n->bound)
		return -EBUSY;
	n->refs++;
	n->bound = me;
	me->bound_ntfn = n;
	me->ipc_exit_refs++; /* exit unbinds */
	return 0;
}

bool ntfn_take_bound(struct proc *p, uint64_t *bits)
{
	struct ntfn *n = p->bound_ntfn;
	if (!n->bits)
		return false;
	*bits = n->bits;
	n->bits = 0;
	return true;
}

void ntfn_unbind(struct proc *p)
{
	struct ntfn *n = p->bound_ntfn;
	n->bound = NULL;
	p->bound_ntfn = NULL;
	p->ipc_exit_refs--;
	ntfn_put(n);
}
