/* Symbolic links (docs/files.md, "Symbolic links"), as init on a fresh
 * disk image: the disk and file-system services started as user/init.c
 * does, the ext2 server at "/" and a ramfs at /mnt, then symlink,
 * readlink and lstat, and the kernel following links in every component
 * of a path, across mounts; the programs ln -s, ls -l, stat, rm and cp.
 * tests/suites/symlink.py checks the image on the host after (e2fsck,
 * debugfs). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "blk.h"
#include "fssvc.h"
#include "t_util.h"
#include "t_disk.h"

#define D "/tmp/sl"

/* The disk service at BLK_FD, the file system at "/". */
static void start(void)
{
	int svc;
	t_disk_start(NULL);
	CHECK_EQ(t_fs_start(NULL, NULL, &svc), 0);
}

static void start_ramfs(const char *at)
{
	int ep = ep_create();
	CHECK(ep >= 0);
	char arg[8];
	snprintf(arg, sizeof arg, "%d", ep);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "ramfs", arg, NULL };
		exec("/ramfs", argv);
		_exit(1);
	}
	CHECK(pid > 0);
	CHECK_EQ(mount(at, ep), 0);
	close(ep);
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, text, strlen(text)), (long)strlen(text));
	close(fd);
}

/* The file at path (through whatever links) is text. */
static int holds(const char *path, const char *text)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	long n = read(fd, buf, sizeof buf);
	close(fd);
	return n == (long)strlen(text) && !memcmp(buf, text, (size_t)n);
}

/* errno after a call that must fail. */
#define CHECK_ERR(call, err)          \
	do {                          \
		errno = 0;            \
		CHECK_EQ((call), -1); \
		CHECK_EQ(errno, err); \
	} while (0)

static int is_link(const char *path, const char *target)
{
	char buf[LDE_FS_PATH_MAX];
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	ssize_t n = readlink(path, buf, sizeof buf);
	return n == (ssize_t)strlen(target) && !memcmp(buf, target, (size_t)n) && st.st_size == n;
}

static void basics(void)
{
	struct stat st, lst;
	CHECK_EQ(mkdir(D, 0755), 0);
	put(D "/target", "data\n");
	/* Relative, absolute, chained. */
	CHECK_EQ(symlink("target", D "/rel"), 0);
	CHECK_EQ(symlink(D "/target", D "/abs"), 0);
	CHECK_EQ(symlink("rel", D "/c1"), 0);
	CHECK_EQ(symlink(D "/c1", D "/c2"), 0);
	CHECK(holds(D "/rel", "data\n"));
	CHECK(holds(D "/abs", "data\n"));
	CHECK(holds(D "/c2", "data\n"));
	CHECK(is_link(D "/rel", "target"));
	CHECK(is_link(D "/c2", D "/c1"));
	/* stat follows, lstat does not. */
	CHECK_EQ(stat(D "/c2", &st), 0);
	CHECK(S_ISREG(st.st_mode) && st.st_size == 5);
	CHECK_EQ(lstat(D "/c2", &lst), 0);
	CHECK(S_ISLNK(lst.st_mode) && (lst.st_mode & 0777) == 0777 && lst.st_ino != st.st_ino);
	CHECK_EQ(lstat(D "/target", &lst), 0);
	CHECK(S_ISREG(lst.st_mode) && lst.st_ino == st.st_ino);
	/* Writes go to the target; chmod changes it, not the link. */
	int fd = open(D "/abs", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "more\n", 5), 5);
	close(fd);
	CHECK(holds(D "/target", "data\nmore\n"));
	CHECK_EQ(chmod(D "/rel", 0600), 0);
	CHECK_EQ(stat(D "/target", &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(lstat(D "/rel", &lst), 0);
	CHECK_EQ(lst.st_mode & 0777, 0777);
	CHECK_EQ(access(D "/c2", R_OK | W_OK), 0);
	/* O_NOFOLLOW, O_CREAT|O_EXCL on a link. */
	CHECK_ERR(open(D "/rel", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_ERR(open(D "/rel", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	fd = open(D "/target", O_RDONLY | O_NOFOLLOW);
	CHECK(fd >= 0);
	close(fd);
	/* symlink's own errors. */
	CHECK_ERR(symlink("x", D "/rel"), EEXIST);
	CHECK_ERR(symlink("", D "/empty"), ENOENT);
	CHECK_ERR(symlink("x", D "/nodir/l"), ENOENT);
	CHECK_ERR(mkdir(D "/rel", 0755), EEXIST);
	printf("symlink: relative, absolute, chained; stat and lstat; O_NOFOLLOW\n");
}

static void dangling_and_loops(void)
{
	CHECK_EQ(symlink("nowhere", D "/dang"), 0);
	CHECK_ERR(open(D "/dang", O_RDONLY), ENOENT);
	struct stat st;
	CHECK_ERR(stat(D "/dang", &st), ENOENT);
	CHECK_EQ(lstat(D "/dang", &st), 0);
	/* O_CREAT through a dangling link makes its target, as Linux. */
	int fd = open(D "/dang", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(stat(D "/nowhere", &st), 0);
	CHECK(S_ISREG(st.st_mode));

	CHECK_EQ(symlink("loop2", D "/loop1"), 0);
	CHECK_EQ(symlink("loop1", D "/loop2"), 0);
	CHECK_EQ(symlink("self/x", D "/self"), 0);
	CHECK_ERR(open(D "/loop1", O_RDONLY), ELOOP);
	CHECK_ERR(stat(D "/self", &st), ELOOP);
	CHECK_ERR(open(D "/loop2/x", O_RDONLY), ELOOP);
	CHECK_ERR(chdir(D "/loop1"), ELOOP);
	CHECK_EQ(lstat(D "/loop1", &st), 0);
	/* A chain of LDE_SYMLOOP_MAX links is followed; one more is ELOOP. */
	CHECK_EQ(mkdir(D "/chain", 0755), 0);
	char name[64], prev[64];
	CHECK_EQ(symlink("../target", D "/chain/n0"), 0);
	for (int i = 1; i <= LDE_SYMLOOP_MAX; i++) {
		snprintf(name, sizeof name, D "/chain/n%d", i);
		snprintf(prev, sizeof prev, "n%d", i - 1);
		CHECK_EQ(symlink(prev, name), 0);
	}
	snprintf(name, sizeof name, D "/chain/n%d", LDE_SYMLOOP_MAX - 1);
	CHECK(holds(name, "data\nmore\n"));
	snprintf(name, sizeof name, D "/chain/n%d", LDE_SYMLOOP_MAX);
	CHECK_ERR(open(name, O_RDONLY), ELOOP);
	printf("symlink: dangling (ENOENT, O_CREAT makes the target), loops and chains (ELOOP "
	       "after %d)\n",
	       LDE_SYMLOOP_MAX);
}

static void directories(void)
{
	char cwd[128];
	struct stat st;
	CHECK_EQ(symlink("/usr/share/notes", D "/notes"), 0);
	CHECK_EQ(stat("/usr/share/notes/files", &st), 0);
	off_t size = st.st_size;
	CHECK_EQ(stat(D "/notes/files", &st), 0);
	CHECK_EQ(st.st_size, size);
	/* ".." after a link is the parent of where it leads, not textual. */
	CHECK_EQ(stat(D "/notes/../data/fruit", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(mkdir(D "/sub", 0755), 0);
	CHECK_EQ(symlink("../sub", D "/sub/up"), 0);
	CHECK_EQ(stat(D "/sub/up/up/up/../target", &st), 0);
	CHECK_ERR(stat(D "/target/../rel", &st), ENOTDIR);
	CHECK_ERR(stat(D "/missing/../rel", &st), ENOENT);
	/* A trailing slash follows a link, even for lstat. */
	CHECK_EQ(lstat(D "/notes/", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(lstat(D "/notes", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	/* and open with O_NOFOLLOW; unlink, rename and rmdir work on the name,
	 * which is no directory: neither the link nor where it leads goes. */
	int dfd = open(D "/notes/", O_RDONLY | O_NOFOLLOW);
	CHECK(dfd >= 0);
	close(dfd);
	CHECK_ERR(unlink(D "/notes/"), ENOTDIR);
	CHECK_ERR(rename(D "/notes/", D "/moved"), ENOTDIR);
	CHECK_ERR(rmdir(D "/notes/"), ENOTDIR);
	CHECK_EQ(lstat(D "/notes", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(stat("/usr/share/notes/files", &st), 0);
	/* A last "." through a link: refused as in any directory. */
	CHECK_ERR(rmdir(D "/notes/."), EINVAL);
	CHECK_ERR(mkdir(D "/notes/..", 0755), EEXIST);
	CHECK_EQ(lstat(D "/notes/.", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	char lb[64];
	CHECK_ERR(readlink(D "/notes/", lb, sizeof lb), EINVAL);
	CHECK_ERR(readlink(D "/notes/.", lb, sizeof lb), EINVAL);
	CHECK_ERR(readlink(D "/target/", lb, sizeof lb), ENOTDIR);
	CHECK_ERR(symlink("x", D "/notes/"), EEXIST);
	CHECK_ERR(symlink("x", D "/sub/."), EEXIST);
	CHECK_ERR(symlink("x", D "/new/"), ENOENT);
	/* chdir through a link: the directory is where it leads. */
	CHECK_EQ(chdir(D "/notes"), 0);
	CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/usr/share/notes"));
	CHECK_EQ(stat("../data/numbers", &st), 0);
	CHECK_EQ(chdir(D), 0);
	CHECK(holds("c2", "data\nmore\n"));
	CHECK_EQ(symlink("notes", "n2"), 0);
	CHECK_EQ(stat("n2/./ipc", &st), 0);
	/* Creating through a link to a directory. */
	put("n2/../../../tmp/sl/made", "m\n");
	CHECK(holds(D "/made", "m\n"));
	CHECK_EQ(mkdir("n2/../../../tmp/sl/sub/d", 0755), 0);
	CHECK_EQ(stat(D "/sub/d", &st), 0);
	CHECK_EQ(chdir("/"), 0);
	printf("symlink: links to directories, paths through them, \"..\" after a link\n");
}

static void readlink_unlink_rename(void)
{
	char buf[16];
	memset(buf, 'x', sizeof buf);
	/* Cut to the buffer, no NUL. */
	CHECK_EQ(readlink(D "/abs", buf, 4), 4);
	CHECK(!memcmp(buf, "/tmp", 4) && buf[4] == 'x');
	CHECK_ERR(readlink(D "/target", buf, sizeof buf), EINVAL);
	CHECK_ERR(readlink(D "/missing", buf, sizeof buf), ENOENT);
	CHECK_ERR(readlink(D "/abs", buf, 0), EINVAL);
	/* readlink follows links in the directories. */
	CHECK_EQ(readlink(D "/notes/../../../tmp/sl/rel", buf, sizeof buf), 6);

	/* unlink removes the link; the target stays. */
	struct stat st;
	CHECK_EQ(unlink(D "/abs"), 0);
	CHECK_ERR(lstat(D "/abs", &st), ENOENT);
	CHECK(holds(D "/target", "data\nmore\n"));
	CHECK_EQ(unlink(D "/dang"), 0);
	CHECK_EQ(stat(D "/nowhere", &st), 0);
	CHECK_ERR(rmdir(D "/notes"), ENOTDIR);
	/* rename moves the link itself. */
	CHECK_EQ(rename(D "/rel", D "/sub/rel2"), 0);
	CHECK(is_link(D "/sub/rel2", "target"));
	CHECK_ERR(open(D "/sub/rel2", O_RDONLY), ENOENT); /* relative: now sub/target */
	CHECK_EQ(rename(D "/sub/rel2", D "/rel"), 0);
	CHECK(holds(D "/rel", "data\nmore\n"));
	/* link() makes a hard link to the link, not to its target. */
	CHECK_EQ(link(D "/rel", D "/hard"), 0);
	CHECK(is_link(D "/hard", "target"));
	CHECK_EQ(unlink(D "/hard"), 0);
	printf("symlink: readlink cut to the buffer, unlink keeps the target, rename and link "
	       "move the link\n");
}

static void long_targets(void)
{
	/* A slow symlink (a block) and a fast one (in the inode). */
	char longname[128], target[LDE_FS_PATH_MAX + 8];
	memset(longname, 'L', 100);
	longname[100] = 0;
	snprintf(target, sizeof target, D "/%s", longname);
	put(target, "far\n");
	CHECK_EQ(symlink(target, D "/slow"), 0);
	CHECK(holds(D "/slow", "far\n"));
	CHECK(is_link(D "/slow", target));
	struct stat st;
	CHECK_EQ(lstat(D "/slow", &st), 0);
	CHECK_EQ(st.st_blocks, 2); /* one 1 KiB block */
	CHECK_EQ(lstat(D "/c1", &st), 0);
	CHECK_EQ(st.st_blocks, 0);
	/* A block holds 1023 bytes of target and e2fsck's NUL. */
	memset(target, 'a', sizeof target);
	for (int i = 100; i < 1023; i += 100)
		target[i] = '/';
	target[1023] = 0;
	CHECK_EQ(symlink(target, D "/max"), 0);
	CHECK(is_link(D "/max", target));
	target[1023] = 'a';
	target[1024] = 0;
	CHECK_ERR(symlink(target, D "/over"), ENAMETOOLONG);
	target[LDE_FS_PATH_MAX] = 0;
	CHECK_ERR(symlink(target, D "/over"), ENAMETOOLONG);
	printf("symlink: fast and slow links, 1023 bytes at most on 1 KiB blocks\n");
}

/* A link whose target makes the path outgrow the buffer on the kernel's
 * stack that a path is resolved in (docs/files.md, "Path names"): the
 * resolution goes on in a page, after the link, after a ".." past it, in
 * chdir and in relative paths from there. */
static void long_resolutions(void)
{
	char a[128], b[128], dir[300], path[400], buf[400];
	memset(a, 'A', 125);
	a[125] = 0;
	memset(b, 'B', 125);
	b[125] = 0; /* /tmp/sl/A.../B.../f: 261 bytes */
	snprintf(dir, sizeof dir, D "/%s", a);
	CHECK_EQ(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof dir, D "/%s/%s", a, b);
	CHECK_EQ(mkdir(dir, 0755), 0);
	snprintf(path, sizeof path, "%s/f", dir);
	put(path, "deep\n");
	snprintf(path, sizeof path, "%s/%s", a, b);
	CHECK_EQ(symlink(path, D "/tolong"), 0);
	CHECK(holds(D "/tolong/f", "deep\n"));
	CHECK(holds(D "/./tolong/f", "deep\n"));
	snprintf(path, sizeof path, D "/tolong/../%s/f", b);
	CHECK(holds(path, "deep\n"));
	CHECK_EQ(chdir(D "/tolong"), 0);
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, dir));
	CHECK(holds("f", "deep\n"));
	snprintf(path, sizeof path, "../%s/f", b);
	CHECK(holds(path, "deep\n"));
	CHECK_EQ(chdir("/"), 0);
	snprintf(path, sizeof path, "%s/f", dir);
	CHECK_EQ(unlink(path), 0);
	CHECK_EQ(unlink(D "/tolong"), 0);
	CHECK_EQ(rmdir(dir), 0);
	*strrchr(dir, '/') = 0;
	CHECK_EQ(rmdir(dir), 0);
	printf("symlink: a target that makes the path outgrow the kernel's buffer\n");
}

static int run(char *const argv[], char *out, size_t size);

static void mounts(void)
{
	struct stat st, mst;
	start_ramfs("/mnt");
	put("/mnt/f", "ram\n");
	CHECK_EQ(stat("/mnt", &mst), 0);
	/* Into another mount, absolute and relative. */
	CHECK_EQ(symlink("/mnt/f", D "/tomnt"), 0);
	CHECK(holds(D "/tomnt", "ram\n"));
	CHECK_EQ(stat(D "/tomnt", &st), 0);
	CHECK_EQ(st.st_dev, mst.st_dev);
	CHECK_EQ(symlink("../../mnt", D "/up"), 0);
	CHECK(holds(D "/up/f", "ram\n"));
	put(D "/up/g", "via link\n");
	CHECK(holds("/mnt/g", "via link\n"));
	CHECK_EQ(chdir(D "/up"), 0);
	char cwd[64];
	CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/mnt"));
	/* Out of it again: ".." over the mount's root. */
	CHECK(holds("../tmp/sl/target", "data\nmore\n"));
	CHECK_EQ(chdir("/"), 0);
	/* rename and link across mounts through a link: EXDEV. */
	CHECK_ERR(rename(D "/up/f", D "/f"), EXDEV);
	/* ramfs has no symlinks of its own. So mv of a link into it, which
	 * moves the link and not what it leads to, fails and keeps it. */
	CHECK_ERR(symlink("x", "/mnt/l"), EPERM);
	char out[128];
	CHECK_EQ(run((char *[]){ "/mv", D "/tomnt", "/mnt/moved", NULL }, out, sizeof out), 1);
	CHECK(!strcmp(out, "mv: /mnt/moved: Not owner\n")); /* picolibc's EPERM */
	CHECK(is_link(D "/tomnt", "/mnt/f"));
	CHECK_ERR(lstat("/mnt/moved", &st), ENOENT);
	char buf[8];
	CHECK_ERR(readlink("/mnt/f", buf, sizeof buf), EINVAL);
	CHECK_EQ(mount("/mnt", -1), 0);
	CHECK_ERR(stat(D "/tomnt", &st), ENOENT);
	printf("symlink: links into another mount and out of it\n");
}

/* Run argv (an initrd program) with its output in out; its status. */
static int run(char *const argv[], char *out, size_t size)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		exec(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t len = 0;
	long n;
	while (len < size - 1 && (n = read(p[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = 0;
	close(p[0]);
	int status = -1;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void programs(void)
{
	static char out[4096];
	CHECK_EQ(mkdir(D "/p", 0755), 0);
	CHECK_EQ(run((char *[]){ "/ln", "-s", "../target", D "/p/t", NULL }, out, sizeof out), 0);
	CHECK(is_link(D "/p/t", "../target"));
	CHECK_EQ(run((char *[]){ "/ln", "-s", "/usr/share/notes", D "/p", NULL }, out, sizeof out),
		 0);
	CHECK(is_link(D "/p/notes", "/usr/share/notes"));
	CHECK_EQ(run((char *[]){ "/ln", "-s", "x", D "/p/t", NULL }, out, sizeof out), 1);
	CHECK(!strcmp(out, "ln: " D "/p/t: File exists\n"));
	CHECK_EQ(run((char *[]){ "/ln", "-q", "a", "b", NULL }, out, sizeof out), 2);
	CHECK(strstr(out, "usage: ln [-s]") == out);
	CHECK_EQ(run((char *[]){ "/ls", "-l", D "/p", NULL }, out, sizeof out), 0);
	CHECK(strstr(out, "lrwxrwxrwx   1    0    0       16 notes -> /usr/share/notes\n"));
	CHECK(strstr(out, "lrwxrwxrwx   1    0    0        9 t -> ../target\n"));
	CHECK_EQ(run((char *[]){ "/ls", D "/p/notes", NULL }, out, sizeof out), 0);
	CHECK(strstr(out, "files\n") && strstr(out, "ipc\n"));
	CHECK_EQ(run((char *[]){ "/stat", D "/p/t", NULL }, out, sizeof out), 0);
	CHECK(strstr(out, "  File: " D "/p/t -> ../target\n") && strstr(out, "symbolic link\n"));
	CHECK_EQ(run((char *[]){ "/cp", D "/p/t", D "/p/copy", NULL }, out, sizeof out), 0);
	CHECK(holds(D "/p/copy", "data\nmore\n"));
	struct stat st;
	CHECK_EQ(lstat(D "/p/copy", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	/* mv renames a link itself. */
	CHECK_EQ(run((char *[]){ "/mv", D "/p/t", D "/p/t2", NULL }, out, sizeof out), 0);
	CHECK(is_link(D "/p/t2", "../target"));
	CHECK_EQ(rename(D "/p/t2", D "/p/t"), 0);
	/* rm -r of a link to a directory removes the link only. */
	CHECK_EQ(run((char *[]){ "/rm", "-r", D "/p/notes", D "/p/t", NULL }, out, sizeof out), 0);
	CHECK_ERR(lstat(D "/p/notes", &st), ENOENT);
	CHECK_ERR(lstat(D "/p/t", &st), ENOENT);
	CHECK_EQ(stat("/usr/share/notes/files", &st), 0);
	CHECK(holds(D "/target", "data\nmore\n"));
	/* exec through a link. */
	CHECK_EQ(symlink("/bin/hello", D "/hi"), 0);
	CHECK_EQ(run((char *[]){ D "/hi", NULL }, out, sizeof out), 0);
	CHECK(!strcmp(out, "hello from U-mode: " D "/hi\n"));
	printf("symlink: ln -s, ls -l, stat, cp, mv, rm -r, exec\n");
}

static void shipped(void)
{
	/* scripts/mkdisk.sh's link, made by mke2fs -d. */
	CHECK(is_link("/usr/share/data/notes", "../notes"));
	struct stat a, b;
	CHECK_EQ(stat("/usr/share/data/notes/processes", &a), 0);
	CHECK_EQ(stat("/usr/share/notes/processes", &b), 0);
	CHECK(a.st_ino == b.st_ino && a.st_size > 0);
	printf("symlink: the image's /usr/share/data/notes leads to /usr/share/notes\n");
}

int main(void)
{
	start();
	shipped();
	basics();
	dangling_and_loops();
	directories();
	readlink_unlink_rename();
	long_targets();
	long_resolutions();
	mounts();
	programs();
	CHECK_EQ(lde_sys_sync(), 0);
	return check_exit("t_symlink");
}
