/* Users and groups (docs/users.md): the POSIX id calls picolibc's
 * <unistd.h> declares, and a server's question about its caller. In a
 * file of their own, so that only programs that use them carry them (the
 * linker keeps or drops an object's text whole). */
#include "lde.h"
#include <errno.h>
#include <unistd.h>

static long check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* The ids fit picolibc's 16-bit uid_t and gid_t; the getters cannot fail. */
uid_t getuid(void) { return (uid_t)lde_sys_getuid(); }
uid_t geteuid(void) { return (uid_t)lde_sys_geteuid(); }
gid_t getgid(void) { return (gid_t)lde_sys_getgid(); }
gid_t getegid(void) { return (gid_t)lde_sys_getegid(); }
int setuid(uid_t uid) { return (int)check(lde_sys_setuid(uid)); }
int setgid(gid_t gid) { return (int)check(lde_sys_setgid(gid)); }
int seteuid(uid_t uid) { return (int)check(lde_sys_seteuid(uid)); }
int setegid(gid_t gid) { return (int)check(lde_sys_setegid(gid)); }

int ipc_caller(long token, struct lde_creds *c) { return (int)check(lde_sys_ipc_caller(token, c)); }
