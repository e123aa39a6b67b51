/* POSIX files over lde's file calls (docs/files.md): open, lseek, stat and
 * friends, with picolibc's flags and struct stat, so that its fopen (which
 * calls open, then read, write, lseek and close through fdopen) works on
 * files. -errno from the kernel becomes -1 and errno, as in syscalls.c. */
#include "lde.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

_Static_assert(O_RDONLY == LDE_O_RDONLY && O_WRONLY == LDE_O_WRONLY && O_RDWR == LDE_O_RDWR &&
		       O_CREAT == LDE_O_CREAT && O_TRUNC == LDE_O_TRUNC &&
		       O_APPEND == LDE_O_APPEND && O_EXCL == LDE_O_EXCL &&
		       O_NONBLOCK == LDE_O_NONBLOCK && O_CLOEXEC == LDE_O_CLOEXEC &&
		       O_DIRECTORY == LDE_O_DIRECTORY && O_NOFOLLOW == LDE_O_NOFOLLOW,
	       "picolibc's open flags are the kernel's");
_Static_assert(S_IFMT == LDE_S_IFMT && S_IFDIR == LDE_S_IFDIR && S_IFREG == LDE_S_IFREG &&
		       S_IFCHR == LDE_S_IFCHR && S_IFIFO == LDE_S_IFIFO && S_IFLNK == LDE_S_IFLNK,
	       "picolibc's file types are the kernel's");
_Static_assert(F_DUPFD == LDE_F_DUPFD && F_GETFD == LDE_F_GETFD && F_SETFD == LDE_F_SETFD &&
		       F_GETFL == LDE_F_GETFL && F_SETFL == LDE_F_SETFL &&
		       FD_CLOEXEC == LDE_FD_CLOEXEC,
	       "picolibc's fcntl commands are the kernel's");
_Static_assert(SEEK_SET == LDE_SEEK_SET && SEEK_CUR == LDE_SEEK_CUR && SEEK_END == LDE_SEEK_END &&
		       R_OK == LDE_R_OK && W_OK == LDE_W_OK && X_OK == LDE_X_OK,
	       "picolibc's whence and access modes are the kernel's");

static long check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int open(const char *path, int flags, ...)
{
	int mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)check(lde_sys_open(path, flags, mode));
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

off_t lseek(int fd, off_t off, int whence) { return (off_t)check(lde_sys_lseek(fd, off, whence)); }

/* Every field set, none by memset (the library's is a byte at a time,
 * and stat is a frequent call). */
static void to_stat(const struct lde_stat *l, struct stat *st)
{
	st->st_rdev = 0;
	st->st_atim.tv_nsec = st->st_mtim.tv_nsec = st->st_ctim.tv_nsec = 0;
	st->st_spare4[0] = st->st_spare4[1] = 0;
	st->st_dev = l->dev;
	st->st_ino = l->ino;
	st->st_mode = l->mode;
	st->st_nlink = l->nlink;
	st->st_uid = l->uid;
	st->st_gid = l->gid;
	st->st_size = (off_t)l->size;
	st->st_blksize = l->blksize;
	st->st_blocks = l->blocks;
	st->st_atim.tv_sec = (time_t)l->atime;
	st->st_mtim.tv_sec = (time_t)l->mtime;
	st->st_ctim.tv_sec = (time_t)l->ctime;
}

int fstat(int fd, struct stat *st)
{
	struct lde_stat l;
	long r = lde_sys_fstat(fd, &l);
	if (r >= 0)
		to_stat(&l, st);
	return (int)check(r);
}

int stat(const char *restrict path, struct stat *restrict st)
{
	struct lde_stat l;
	long r = lde_sys_stat(path, &l);
	if (r >= 0)
		to_stat(&l, st);
	return (int)check(r);
}

int lstat(const char *restrict path, struct stat *restrict st)
{
	struct lde_stat l;
	long r = lde_sys_lstat(path, &l);
	if (r >= 0)
		to_stat(&l, st);
	return (int)check(r);
}

int symlink(const char *target, const char *path)
{
	return (int)check(lde_sys_symlink(target, path));
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return (ssize_t)check(lde_sys_readlink(path, buf, size));
}

int isatty(int fd)
{
	struct lde_stat l;
	long r = lde_sys_fstat(fd, &l);
	if (r < 0)
		return (int)check(r) + 1; /* 0, errno set */
	if ((l.mode & LDE_S_IFMT) != LDE_S_IFCHR) {
		errno = ENOTTY;
		return 0;
	}
	return 1;
}

int mkdir(const char *path, mode_t mode) { return (int)check(lde_sys_mkdir(path, (int)mode)); }
int rmdir(const char *path) { return (int)check(lde_sys_rmdir(path)); }
int unlink(const char *path) { return (int)check(lde_sys_unlink(path)); }
int rename(const char *from, const char *to) { return (int)check(lde_sys_rename(from, to)); }
int link(const char *from, const char *to) { return (int)check(lde_sys_link(from, to)); }
int chdir(const char *path) { return (int)check(lde_sys_chdir(path)); }

char *getcwd(char *buf, size_t size)
{
	long r = lde_sys_getcwd(buf, size);
	return check(r) < 0 ? NULL : buf;
}

int dup2(int fd, int newfd) { return (int)check(lde_sys_dup2(fd, newfd)); }

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = cmd == F_DUPFD || cmd == F_SETFD || cmd == F_SETFL ? va_arg(ap, int) : 0;
	va_end(ap);
	return (int)check(lde_sys_fcntl(fd, cmd, arg));
}

int access(const char *path, int mode) { return (int)check(lde_sys_access(path, mode)); }
mode_t umask(mode_t mask) { return (mode_t)lde_sys_umask((int)mask); }
int fsync(int fd) { return (int)check(lde_sys_fsync(fd)); }
void sync(void) { lde_sys_sync(); }
int ftruncate(int fd, off_t len) { return (int)check(lde_sys_ftruncate(fd, len)); }
int chmod(const char *path, mode_t mode) { return (int)check(lde_sys_chmod(path, (int)mode)); }
int chown(const char *path, uid_t uid, gid_t gid)
{
	return (int)check(lde_sys_chown(path, (int)uid, (int)gid));
}

int utimes(const char *path, const struct timeval tv[2])
{
	/* NULL: now; lde keeps no calendar time, so "now" is the uptime. */
	uint64_t now = (uint64_t)lde_sys_uptime() / 1000;
	uint64_t at = tv ? (uint64_t)tv[0].tv_sec : now, mt = tv ? (uint64_t)tv[1].tv_sec : now;
	return (int)check(lde_sys_utimes(path, at, mt));
}

int lde_statfs(const char *path, struct lde_statfs *st)
{
	return (int)check(lde_sys_statfs(path, st));
}
int mount(const char *path, int fd) { return (int)check(lde_sys_mount(path, fd)); }
long getdents(int fd, void *buf, size_t len) { return check(lde_sys_getdents(fd, buf, len)); }
