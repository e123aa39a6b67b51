/* What lde offers user programs beyond what picolibc declares (DESIGN §7).
 * picolibc's <unistd.h>, <stdlib.h> and <sys/wait.h> declare the POSIX
 * calls (fork, _exit, getpid, wait, kill, sbrk, read, write, pipe, close,
 * dup, sleep, usleep, execv, setpgid, tcsetpgrp, getuid, geteuid, getgid,
 * getegid, setuid, setgid); their implementations
 * are in syscalls.c. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "uapi.h"

int exec(const char *path, char *const argv[]); /* the notes' exec */
int yield(void);
long uptime(void); /* milliseconds since boot */
pid_t getppid(void);
int procinfo(int pid, struct lde_procinfo *buf, int n);
int meminfo(struct lde_meminfo *mi);
int poweroff(int status); /* init as root only: returns -1 (EPERM) to others */
/* Name of the index-th file in the initrd into buf; returns the name's
 * length, 0 past the end, or -1 with errno. */
long initrd_readdir(int index, char *buf, size_t len);
/* Files (docs/files.md) beyond what picolibc declares: mount a file server
 * (the endpoint fd) at path, or unmount with fd -1; the file system that
 * holds path; the raw directory records (struct lde_dirent) of fd. */
int mount(const char *path, int fd);
int lde_statfs(const char *path, struct lde_statfs *st);
long getdents(int fd, void *buf, size_t len);
/* Trace this process's system calls (and its children's) on the console. */
int trace(int on);
/* The event timeline (docs/timeline.md): op is LDE_TL_OP_*. */
int timeline(int op, long arg);

/* The raw system call, for tests that must pass what the stubs would not:
 * ecall with the number in a7 and the arguments in a0-a5 (syscalls.c). */
long lde_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* One stub per call of kernel/syscalls.def, with the argument types it
 * gives there (a user address as a const void *): lde_sys_write(fd, buf,
 * n) and so on. A stub returns what the kernel returned, -errno on
 * failure; errno is left alone. */
#define LDE_UTYPE_int int
#define LDE_UTYPE_long long
#define LDE_UTYPE_size_t size_t
#define LDE_UTYPE_uint64_t uint64_t
#define LDE_UTYPE_uintptr_t const void *
#define LDE_UTYPE(t) LDE_UTYPE_##t
#define LDE_UARG(t, x) (long)(uintptr_t)(x),
#define SYSCALL(nr, name, ret, n, ...)                                                         \
	static inline long lde_sys_##name(SYSCALL_PARAMS(n, LDE_UTYPE, __VA_ARGS__))           \
	{                                                                                      \
		const long lde_args_[6] = { SYSCALL_EACH(n, LDE_UARG, __VA_ARGS__) };          \
		return lde_syscall(nr, lde_args_[0], lde_args_[1], lde_args_[2], lde_args_[3], \
				   lde_args_[4], lde_args_[5]);                                \
	}
#include "syscalls.def"
#undef SYSCALL

/* ecall nr with a0..a6 = r[0..6]; r[0..6] = a0..a6 afterwards: for the
 * calls that use a6 (ipc_call's lease array, ipc_reply_recv's token) and
 * return words in a1..a6. */
static inline void lde_ecall7(long nr, uint64_t r[7])
{
	register uint64_t a0 __asm__("a0") = r[0];
	register uint64_t a1 __asm__("a1") = r[1];
	register uint64_t a2 __asm__("a2") = r[2];
	register uint64_t a3 __asm__("a3") = r[3];
	register uint64_t a4 __asm__("a4") = r[4];
	register uint64_t a5 __asm__("a5") = r[5];
	register uint64_t a6 __asm__("a6") = r[6];
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6)
			 : "r"(a7)
			 : "memory");
	r[0] = a0, r[1] = a1, r[2] = a2, r[3] = a3, r[4] = a4, r[5] = a5, r[6] = a6;
}

/* IPC (docs/ipc.md). A message: the info word (LDE_MSG_INFO(label,
 * nleases, capfd) on the way in; label, lease count, received descriptor
 * and flags on the way out), the sender's badge, four words, and the reply
 * token that names the caller. */
struct lde_msg {
	uint64_t info;
	uint64_t badge;
	uint64_t w[4];
	long token;
};

int ep_create(void);
/* A new descriptor for endpoint fd that shows badge (non-zero) to the
 * receiver with every call; it may call but not receive or mint again. */
int ep_mint(int fd, uint64_t badge);
/* Each returns the info word received (>= 0), or -1 with errno. */
long ipc_call(int fd, struct lde_msg *m, const struct lde_lease *leases);
long ipc_recv(int fd, struct lde_msg *m);
/* Answer m->token with m's info (a label, perhaps a descriptor) and words. */
int ipc_reply(const struct lde_msg *m);
/* Answer m->token, then receive the next message into m. */
long ipc_reply_recv(int fd, struct lde_msg *m);
/* Copy from / to lease idx of the caller token names, from byte off. */
long lease_read(long token, int idx, uint64_t off, void *buf, size_t len);
long lease_write(long token, int idx, uint64_t off, const void *buf, size_t len);
/* lease_write of n ranges (at most LDE_IOV_MAX), one after another. */
long lease_writev(long token, int idx, uint64_t off, const struct lde_iov *iov, int n);
/* The receive buffer for the paths of kernel calls (uapi.h, LDE_MSG_INLINE0). */
int ipc_buffer(void *addr, size_t len);
/* Who made the call token names (a request this process holds): its pid
 * and ids, into *c. 0, or -1 with errno (ESRCH: no such request). */
int ipc_caller(long token, struct lde_creds *c);

int ntfn_create(void);
int ntfn_signal(int fd, uint64_t bits);
/* The bits (> 0) once any are set, cleared; -1 with errno. */
long ntfn_wait(int fd);
long ntfn_poll(int fd); /* the bits, maybe 0, without blocking */
/* recv also returns fd's bits (as LDE_MSG_NTFN, bits in w[0]); -1 unbinds. */
int ntfn_bind(int fd);
