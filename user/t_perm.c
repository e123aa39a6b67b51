/* Set-user-ID programs, saved ids, the sticky bit and ext2's reserved
 * blocks, on the disk, as init (tests/suites/users.py gives it a fresh
 * rootfs image of 6 MiB and runs e2fsck on it after):
 *
 *   - a uid-1000 process execs a copy of this program that is uid 1234's
 *     and set-user-ID: its effective and saved uid become 1234 and nothing
 *     else changes; seteuid moves between 1000 and 1234 and no further;
 *     an exec of an ordinary program after seteuid(1000) leaves no way
 *     back to 1234; set-group-ID likewise, and only with a group x bit;
 *   - kill follows the target's real and saved uid: a root process that
 *     put its rights aside (seteuid(1000)) is not uid 1000's to kill;
 *   - a write, a truncate or a chown by a user clears the bits, root's
 *     write does not;
 *   - in /tmp (1777) names go only by their owners (or root);
 *   - a user filling the disk gets ENOSPC with the reserved blocks still
 *     free, and root may use them.
 *
 * Modes given as argv[1] are the roles of the exec'd copies. */
#include <fcntl.h>
#include <sys/stat.h>
#include "blk.h"
#include "fssvc.h"
#include "t_util.h"
#include "t_disk.h"

#define COPY "/tmp/sid"
#define ROOTCOPY "/tmp/rootsid"

static void start(void)
{
	int svc;
	t_disk_start(NULL);
	CHECK_EQ(t_fs_start(NULL, NULL, &svc), 0);
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	CHECK_EQ(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Copy /bin/t_perm (this program, on the disk) to path. */
static void copy_self(const char *path)
{
	static char img[512 * 1024];
	int fd = open("/bin/t_perm", O_RDONLY);
	CHECK(fd >= 0);
	long n = read_all(fd, img, sizeof img);
	close(fd);
	CHECK(n > 0 && n < (long)sizeof img);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK_EQ(write_all(fd, img, (size_t)n), n);
	close(fd);
}

static void as_user(unsigned uid)
{
	CHECK_EQ(setgid((gid_t)uid), 0);
	CHECK_EQ(setuid((uid_t)uid), 0);
}

/* Run path with role as uid 1000: the status. */
static int run_as_1000(const char *path, const char *role)
{
	pid_t pid = fork();
	if (pid == 0) {
		as_user(1000);
		char *args[] = { (char *)path, (char *)role, NULL };
		execv(path, args);
		printf("FAIL: exec %s: errno %d\n", path, errno);
		child_done();
	}
	return reap(pid);
}

/* The roles, in the exec'd copies. */
static int role(const char *r)
{
	if (strcmp(r, "suid") == 0) {
		/* Only the effective uid is the file's. */
		CHECK_EQ(getuid(), 1000);
		CHECK_EQ(geteuid(), 1234);
		CHECK_EQ(getgid(), 1000);
		CHECK_EQ(getegid(), 1000);
		/* The server sees the effective uid: 1234's 0600 file opens
		 * as 1234, not as 1000. */
		int fd = open("/tmp/only1234", O_RDONLY);
		CHECK(fd >= 0);
		close(fd);
		CHECK_EQ(seteuid(1000), 0);
		CHECK_EQ(geteuid(), 1000);
		CHECK_EQ(open("/tmp/only1234", O_RDONLY), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(seteuid(1234), 0); /* the saved set-user-ID */
		CHECK_EQ(geteuid(), 1234);
		CHECK_EQ(seteuid(0), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(setuid(1001), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(setegid(1234), -1); /* no set-group-ID: no such gid */
		CHECK_EQ(errno, EPERM);
		/* An ordinary program started after seteuid(1000) has only 1000. */
		CHECK_EQ(seteuid(1000), 0);
		char *args[] = { "/bin/t_perm", "after", NULL };
		execv(args[0], args);
		printf("FAIL: exec /bin/t_perm: errno %d\n", errno);
		return 1;
	}
	if (strcmp(r, "after") == 0) {
		CHECK_EQ(getuid(), 1000);
		CHECK_EQ(geteuid(), 1000);
		CHECK_EQ(seteuid(1234), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(setuid(1234), -1);
		CHECK_EQ(errno, EPERM);
	} else if (strcmp(r, "sgid") == 0) {
		CHECK_EQ(getuid(), 1000);
		CHECK_EQ(geteuid(), 1000);
		CHECK_EQ(getegid(), 1234);
		CHECK_EQ(setegid(1000), 0);
		CHECK_EQ(setegid(1234), 0);
		CHECK_EQ(setegid(0), -1);
		CHECK_EQ(errno, EPERM);
	} else if (strcmp(r, "sgid-nox") == 0) {
		CHECK_EQ(getegid(), 1000);
		CHECK_EQ(geteuid(), 1000);
	} else {
		printf("FAIL: t_perm: unknown role %s\n", r);
		return 1;
	}
	fflush(stdout);
	return check_failures ? 1 : 0;
}

static void setid_exec(void)
{
	copy_self(COPY);
	int fd = open("/tmp/only1234", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(chown("/tmp/only1234", 1234, 1234), 0);
	CHECK_EQ(chown(COPY, 1234, 1234), 0);
	CHECK_EQ(chmod(COPY, 04755), 0);
	CHECK_EQ(mode_of(COPY), 04755);
	CHECK_EQ(run_as_1000(COPY, "suid"), 0);
	CHECK_EQ(chmod(COPY, 02755), 0);
	CHECK_EQ(run_as_1000(COPY, "sgid"), 0);
	CHECK_EQ(chmod(COPY, 02745), 0);
	CHECK_EQ(run_as_1000(COPY, "sgid-nox"), 0);
	printf("perm: set-user-ID and set-group-ID exec: the effective and saved ids, only them\n");
}

/* A root process that put its rights aside is not its user's to kill;
 * a set-user-ID process is its caller's and its owner's. */
static void kill_rules(void)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t victim = fork();
	if (victim == 0) {
		close(p[0]);
		CHECK_EQ(seteuid(1000), 0); /* uid 0, euid 1000, saved 0 */
		(void)!write(p[1], "r", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	pid_t killer = fork();
	if (killer == 0) {
		as_user(1000);
		CHECK_EQ(kill(victim, SIGTERM), -1);
		CHECK_EQ(errno, EPERM);
		child_done();
	}
	CHECK_EQ(reap(killer), 0);
	CHECK_EQ(kill(victim, SIGKILL), 0);
	CHECK_EQ(reap(victim), LDE_W_SIGNALED(SIGKILL));
	printf("perm: kill follows the real and saved uids: root's process with euid 1000 is not "
	       "uid 1000's\n");
}

static void cleared_by_write(void)
{
	int fd = open("/tmp/w", O_CREAT | O_WRONLY, 0777);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "root\n", 5), 5);
	close(fd);
	CHECK_EQ(chmod("/tmp/w", 06777), 0);
	fd = open("/tmp/w", O_WRONLY | O_APPEND);
	CHECK_EQ(write(fd, "root\n", 5), 5); /* root's write keeps them */
	close(fd);
	CHECK_EQ(mode_of("/tmp/w"), 06777);
	pid_t pid = fork();
	if (pid == 0) {
		as_user(1000);
		int w = open("/tmp/w", O_WRONLY | O_APPEND);
		CHECK(w >= 0);
		CHECK_EQ(mode_of("/tmp/w"), 06777);
		CHECK_EQ(write(w, "user\n", 5), 5);
		CHECK_EQ(mode_of("/tmp/w"), 0777);
		close(w);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(chmod("/tmp/w", 04777), 0);
	pid = fork();
	if (pid == 0) {
		as_user(1000);
		int w = open("/tmp/w", O_WRONLY);
		CHECK(w >= 0);
		CHECK_EQ(ftruncate(w, 1), 0);
		close(w);
		CHECK_EQ(mode_of("/tmp/w"), 0777);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(chmod("/tmp/w", 04755), 0);
	CHECK_EQ(chown("/tmp/w", 1000, 1000), 0);
	CHECK_EQ(mode_of("/tmp/w"), 0755);
	CHECK_EQ(unlink("/tmp/w"), 0);
	printf("perm: a user's write or truncate, and a chown, clear set-user-ID; root's write "
	       "does not\n");
}

static void sticky_tmp(void)
{
	CHECK_EQ(mode_of("/tmp"), 01777);
	pid_t pid = fork();
	if (pid == 0) {
		as_user(1000);
		int fd = open("/tmp/mine", O_CREAT | O_WRONLY, 0666);
		CHECK(fd >= 0);
		close(fd);
		CHECK_EQ(mkdir("/tmp/mydir", 0777), 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	pid = fork();
	if (pid == 0) {
		as_user(1001);
		CHECK_EQ(unlink("/tmp/mine"), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(rename("/tmp/mine", "/tmp/stolen"), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(rmdir("/tmp/mydir"), -1);
		CHECK_EQ(errno, EPERM);
		int fd = open("/tmp/theirs", O_CREAT | O_WRONLY, 0666);
		CHECK(fd >= 0);
		close(fd);
		CHECK_EQ(rename("/tmp/theirs", "/tmp/mine"), -1); /* would replace 1000's */
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(rename("/tmp/theirs", "/tmp/theirs2"), 0);
		CHECK_EQ(unlink("/tmp/theirs2"), 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	pid = fork();
	if (pid == 0) {
		as_user(1000);
		CHECK_EQ(rmdir("/tmp/mydir"), 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(unlink("/tmp/mine"), 0); /* root */
	printf("perm: sticky /tmp: only a name's owner or root removes or replaces it\n");
}

/* chdir needs search permission on the directory itself, as on the
 * directories above it. */
static void chdir_search(void)
{
	CHECK_EQ(mkdir("/private", 0700), 0);
	CHECK_EQ(mkdir("/private/in", 0755), 0);
	pid_t pid = fork();
	if (pid == 0) {
		as_user(1000);
		CHECK_EQ(chdir("/private"), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(chdir("/private/in"), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(chdir("/tmp"), 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(chdir("/private"), 0); /* root */
	CHECK_EQ(chdir("/"), 0);
	CHECK_EQ(rmdir("/private/in"), 0);
	CHECK_EQ(rmdir("/private"), 0);
	printf("perm: chdir into a directory needs its search permission\n");
}

static void reserved(void)
{
	static char chunk[16384];
	memset(chunk, 'r', sizeof chunk);
	pid_t pid = fork();
	if (pid == 0) {
		as_user(1000);
		int fd = open("/tmp/fill", O_CREAT | O_WRONLY, 0666);
		CHECK(fd >= 0);
		long n, total = 0;
		while ((n = write(fd, chunk, sizeof chunk)) == (long)sizeof chunk)
			total += n;
		if (n > 0)
			n = write(fd, chunk, sizeof chunk);
		CHECK_EQ(n, -1);
		CHECK_EQ(errno, ENOSPC);
		close(fd);
		struct lde_statfs sf;
		CHECK_EQ(lde_sys_statfs("/", &sf), 0);
		/* 5% of 6 MiB in 1 KiB blocks is 307: most of them are left. */
		CHECK(sf.bfree >= 200);
		printf("perm: uid 1000 wrote %ld KiB, then ENOSPC with %lu blocks free\n",
		       total / 1024, (unsigned long)sf.bfree);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	int fd = open("/tmp/fill", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, chunk, sizeof chunk), (long)sizeof chunk);
	close(fd);
	CHECK_EQ(unlink("/tmp/fill"), 0);
	printf("perm: the reserved blocks are root's: root wrote 16 KiB more\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && getpid() != 1)
		return role(argv[1]);
	start();
	if (check_failures)
		return check_exit("t_perm");
	setid_exec();
	kill_rules();
	cleared_by_write();
	sticky_tmp();
	chdir_search();
	reserved();
	CHECK_EQ(unlink(COPY), 0);
	CHECK_EQ(unlink("/tmp/only1234"), 0);
	sync();
	return check_exit("t_perm");
}
