/* IPC stubs: the message travels in registers a1..a6 both ways
 * (kernel/uapi.h has the layout), so each stub loads them from and stores
 * them back into a struct lde_msg. */
#include "lde.h"
#include <errno.h>

_Static_assert(ECONNRESET == 104, "kernel/errno.h must match picolibc's errno values");

static long check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int ep_create(void) { return (int)check(lde_syscall(SYS_ep_create, 0, 0, 0, 0, 0, 0)); }
int ep_mint(int fd, uint64_t badge)
{
	return (int)check(lde_syscall(SYS_ep_mint, fd, (long)badge, 0, 0, 0, 0));
}

/* The words come back for call (the reply's) and for the receiving calls
 * (with the badge and token too). */
long ipc_call(int fd, struct lde_msg *m, const struct lde_lease *leases)
{
	uint64_t r[7] = { (uint64_t)fd, m->info, m->w[0],	  m->w[1],
			  m->w[2],	m->w[3], (uint64_t)leases };
	lde_ecall7(SYS_ipc_call, r);
	if ((long)r[0] >= 0) {
		m->info = r[0];
		m->w[0] = r[2], m->w[1] = r[3], m->w[2] = r[4], m->w[3] = r[5];
	}
	return check((long)r[0]);
}

static long received(uint64_t r[7], struct lde_msg *m)
{
	if ((long)r[0] >= 0) {
		m->info = r[0];
		m->badge = r[1];
		m->w[0] = r[2], m->w[1] = r[3], m->w[2] = r[4], m->w[3] = r[5];
		m->token = (long)r[6];
	}
	return check((long)r[0]);
}

long ipc_recv(int fd, struct lde_msg *m)
{
	uint64_t r[7] = { (uint64_t)fd };
	lde_ecall7(SYS_ipc_recv, r);
	return received(r, m);
}

int ipc_reply(const struct lde_msg *m)
{
	uint64_t r[7] = { (uint64_t)m->token, m->info, m->w[0], m->w[1], m->w[2], m->w[3], 0 };
	lde_ecall7(SYS_ipc_reply, r);
	return (int)check((long)r[0]);
}

long ipc_reply_recv(int fd, struct lde_msg *m)
{
	uint64_t r[7] = { (uint64_t)fd, m->info, m->w[0],	    m->w[1],
			  m->w[2],	m->w[3], (uint64_t)m->token };
	lde_ecall7(SYS_ipc_reply_recv, r);
	return received(r, m);
}

long lease_read(long token, int idx, uint64_t off, void *buf, size_t len)
{
	return check(lde_syscall(SYS_lease_read, token, idx, (long)off, (long)buf, (long)len, 0));
}

long lease_write(long token, int idx, uint64_t off, const void *buf, size_t len)
{
	return check(lde_syscall(SYS_lease_write, token, idx, (long)off, (long)buf, (long)len, 0));
}

int ipc_buffer(void *addr, size_t len)
{
	return (int)check(lde_syscall(SYS_ipc_buffer, (long)addr, (long)len, 0, 0, 0, 0));
}

long lease_writev(long token, int idx, uint64_t off, const struct lde_iov *iov, int n)
{
	return check(lde_syscall(SYS_lease_writev, token, idx, (long)off, (long)iov, n, 0));
}

int ntfn_create(void) { return (int)check(lde_syscall(SYS_ntfn_create, 0, 0, 0, 0, 0, 0)); }
int ntfn_signal(int fd, uint64_t bits)
{
	return (int)check(lde_syscall(SYS_ntfn_signal, fd, (long)bits, 0, 0, 0, 0));
}
long ntfn_wait(int fd) { return check(lde_syscall(SYS_ntfn_wait, fd, 0, 0, 0, 0, 0)); }
long ntfn_poll(int fd) { return check(lde_syscall(SYS_ntfn_poll, fd, 0, 0, 0, 0, 0)); }
int ntfn_bind(int fd) { return (int)check(lde_syscall(SYS_ntfn_bind, fd, 0, 0, 0, 0, 0)); }
