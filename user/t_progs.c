/* The file programs (cat, wc, grep, head, tail, ls, mkdir, rmdir, rm, cp,
 * mv, ln, touch, stat, df, du, sync, chmod, chown) run as the shell runs
 * them, with fork and exec, on files of a ramfs mounted at /tmp: their
 * output, error lines and statuses read through pipes. Run as init
 * (it mounts): init=/t_progs. */
#include "t_util.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#define MAXOUT 16384

static char out[MAXOUT], err[4096];

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
		printf("FAIL: exec ramfs\n");
		_exit(1);
	}
	CHECK(pid > 0);
	CHECK_EQ(mount(at, ep), 0);
	close(ep);
}

static long read_to_end(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	return (long)len;
}

/* Run the pipeline stages[0] | stages[1] | ... (each an argv, the list
 * ending in NULL) with in as its standard input (empty if NULL); its
 * standard output goes to out, every stage's standard error to err. The
 * last stage's exit status, or -1 if it did not exit. */
static int run_pipeline(const char *in, char **const stages[])
{
	int inp[2], errp[2], outp[2];
	CHECK_EQ(pipe(inp), 0);
	CHECK_EQ(pipe(errp), 0);
	int prev = inp[0], n = 0, last_status = -1;
	pid_t pids[4], last = -1;
	for (; stages[n]; n++) {
		CHECK_EQ(pipe(outp), 0);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(prev, 0);
			dup2(outp[1], 1);
			dup2(errp[1], 2);
			for (int fd = 3; fd < 32; fd++)
				close(fd);
			char path[64];
			snprintf(path, sizeof path, "/%s", stages[n][0]);
			exec(path, stages[n]);
			printf("FAIL: exec %s\n", path);
			_exit(127);
		}
		CHECK(pid > 0);
		pids[n] = last = pid;
		close(prev);
		close(outp[1]);
		prev = outp[0];
	}
	close(errp[1]);
	if (in)
		CHECK_EQ(write_all(inp[1], in, strlen(in)), (long)strlen(in));
	close(inp[1]);
	read_to_end(prev, out, sizeof out);
	close(prev);
	read_to_end(errp[0], err, sizeof err);
	close(errp[0]);
	for (int i = 0; i < n; i++) {
		int st = -1;
		pid_t got = wait(&st);
		CHECK(got > 0);
		if (got == last)
			last_status = LDE_W_TERMSIG(st) ? -1 : LDE_W_EXITCODE(st);
	}
	(void)pids;
	return last_status;
}

/* run(in, "prog", "arg", ..., NULL): one program. */
#define run(in, ...)                                      \
	({                                                \
		char *argv_[] = { __VA_ARGS__ };          \
		char **const stages_[] = { argv_, NULL }; \
		run_pipeline(in, stages_);                \
	})

/* Status st, stdout exactly o, stderr exactly e. */
#define EXPECT(st, o, e, ...)                                                                 \
	do {                                                                                  \
		int s_ = (__VA_ARGS__);                                                       \
		CHECK_EQ(s_, st);                                                             \
		if (strcmp(out, o))                                                           \
			printf("FAIL: %s:%d: stdout %s\n  got <%s>\n  want <%s>\n", __FILE__, \
			       __LINE__, #__VA_ARGS__, out, o),                               \
				check_failures++;                                             \
		if (strcmp(err, e))                                                           \
			printf("FAIL: %s:%d: stderr %s\n  got <%s>\n  want <%s>\n", __FILE__, \
			       __LINE__, #__VA_ARGS__, err, e),                               \
				check_failures++;                                             \
	} while (0)

/* A bad option: status 2 and the usage line (after getopt's own complaint). */
#define BAD_OPTION(usage, ...)                                    \
	do {                                                      \
		CHECK_EQ(run(NULL, __VA_ARGS__), 2);              \
		CHECK_EQ(out[0], 0);                              \
		CHECK(strstr(err, "usage: " usage "\n") != NULL); \
	} while (0)

#define ENOENT_TEXT "No such file or directory"

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write_all(fd, text, strlen(text)), (long)strlen(text));
	CHECK_EQ(close(fd), 0);
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void cat_wc(void)
{
	put("/tmp/a", "alpha\nbeta\n");
	put("/tmp/b", "gamma delta\n");
	EXPECT(0, "alpha\nbeta\n", "", run(NULL, "cat", "/tmp/a", NULL));
	EXPECT(0, "alpha\nbeta\ngamma delta\n", "", run(NULL, "cat", "/tmp/a", "/tmp/b", NULL));
	EXPECT(0, "from stdin\n", "", run("from stdin\n", "cat", NULL));
	EXPECT(0, "alpha\nbeta\nin\n", "", run("in\n", "cat", "/tmp/a", "-", NULL));
	EXPECT(1, "alpha\nbeta\n", "cat: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "cat", "/tmp/none", "/tmp/a", NULL));
	BAD_OPTION("cat [file...]", "cat", "-z", NULL);

	EXPECT(0, "      2       2      11 /tmp/a\n", "", run(NULL, "wc", "/tmp/a", NULL));
	EXPECT(0, "      2 /tmp/a\n", "", run(NULL, "wc", "-l", "/tmp/a", NULL));
	EXPECT(0, "      3      16\n", "", run("one two\n three\t\n", "wc", "-w", "-c", NULL));
	EXPECT(0, "      2 /tmp/a\n      1 /tmp/b\n      3 total\n", "",
	       run(NULL, "wc", "-l", "/tmp/a", "/tmp/b", NULL));
	EXPECT(0, "      0       0       0\n", "", run(NULL, "wc", NULL));
	EXPECT(1, "", "wc: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "wc", "/tmp/none", NULL));
	BAD_OPTION("wc [-lwc] [file...]", "wc", "-x", NULL);
	printf("progs: cat and wc: files, stdin, '-', totals, errors\n");
}

static void grep_(void)
{
	put("/tmp/g1", "apple\nBanana\ncherry\nbanana split\n");
	put("/tmp/g2", "no fruit\nbandana\n");
	EXPECT(0, "Banana\nbanana split\n", "", run(NULL, "grep", "ana", "/tmp/g1", NULL));
	EXPECT(0, "banana split\n", "", run(NULL, "grep", "ban", "/tmp/g1", NULL));
	EXPECT(0, "Banana\nbanana split\n", "", run(NULL, "grep", "-i", "BAN", "/tmp/g1", NULL));
	EXPECT(0, "apple\ncherry\n", "", run(NULL, "grep", "-v", "ana", "/tmp/g1", NULL));
	EXPECT(0, "2:Banana\n4:banana split\n", "",
	       run(NULL, "grep", "-n", "ana", "/tmp/g1", NULL));
	EXPECT(0, "2\n", "", run(NULL, "grep", "-c", "ana", "/tmp/g1", NULL));
	EXPECT(0, "/tmp/g1:banana split\n/tmp/g2:bandana\n", "",
	       run(NULL, "grep", "ban", "/tmp/g1", "/tmp/g2", NULL));
	EXPECT(0, "/tmp/g1:2\n/tmp/g2:1\n", "",
	       run(NULL, "grep", "-ci", "BAN", "/tmp/g1", "/tmp/g2", NULL));
	EXPECT(0, "1:yes\n", "", run("yes\nno\n", "grep", "-n", "y", NULL));
	EXPECT(1, "", "", run(NULL, "grep", "kiwi", "/tmp/g1", NULL));
	EXPECT(1, "0\n", "", run(NULL, "grep", "-c", "kiwi", "/tmp/g1", NULL));
	EXPECT(2, "", "grep: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "grep", "x", "/tmp/none", NULL));
	BAD_OPTION("grep [-ivnc] string [file...]", "grep", "-q", "x", NULL);
	BAD_OPTION("grep [-ivnc] string [file...]", "grep", NULL);
	printf("progs: grep: fixed strings, -i -v -n -c, names with several files, stdin, errors\n");
}

static void head_tail(void)
{
	char text[256] = "", want[256];
	for (int i = 1; i <= 15; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "line %d\n", i);
	put("/tmp/lines", text);
	EXPECT(0, "line 1\nline 2\n", "", run(NULL, "head", "-n", "2", "/tmp/lines", NULL));
	EXPECT(0, "line 1\nline 2\nline 3\n", "", run(NULL, "head", "-3", "/tmp/lines", NULL));
	snprintf(want, sizeof want, "%.*s", (int)(strstr(text, "line 11") - text), text);
	EXPECT(0, want, "", run(NULL, "head", "/tmp/lines", NULL));
	EXPECT(0, "x\n", "", run("x\ny\n", "head", "-n", "1", NULL));
	EXPECT(0, "==> /tmp/a <==\nalpha\n\n==> /tmp/b <==\ngamma delta\n", "",
	       run(NULL, "head", "-n1", "/tmp/a", "/tmp/b", NULL));
	EXPECT(1, "", "head: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "head", "/tmp/none", NULL));
	BAD_OPTION("head [-n N | -N] [file...]", "head", "-n", "x", NULL);

	EXPECT(0, "line 14\nline 15\n", "", run(NULL, "tail", "-n", "2", "/tmp/lines", NULL));
	EXPECT(0, strstr(text, "line 6\n"), "", run(NULL, "tail", "/tmp/lines", NULL));
	EXPECT(0, "c\nd", "", run("a\nb\nc\nd", "tail", "-n", "2", NULL));
	EXPECT(0, "", "", run("a\nb\n", "tail", "-n", "0", NULL));
	EXPECT(0, "a\nb\n", "", run("a\nb\n", "tail", "-n", "5", NULL));
	EXPECT(1, "", "tail: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "tail", "/tmp/none", NULL));
	BAD_OPTION("tail [-n N] [file...]", "tail", "-n", "-1", NULL);
	printf("progs: head and tail: -n, -N, stdin, several files, errors\n");
}

/* Fields of ls -l's line for name in out: mode, links, uid, gid, size. */
static int ls_fields(const char *name, char mode[11], int *links, int *uid, int *gid, long *size)
{
	for (const char *line = out; *line;) {
		char n[64];
		if (sscanf(line, "%10s %d %d %d %ld %63s", mode, links, uid, gid, size, n) == 6 &&
		    !strcmp(n, name))
			return 0;
		const char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return -1;
}

static void ls_(void)
{
	CHECK_EQ(mkdir("/tmp/d", 0755), 0);
	CHECK_EQ(mkdir("/tmp/d/sub", 0700), 0);
	put("/tmp/d/file", "12345");
	put("/tmp/d/.hidden", "");
	CHECK_EQ(chmod("/tmp/d/file", 0640), 0);
	CHECK_EQ(chown("/tmp/d/file", 7, 8), 0);
	EXPECT(0, "file\nsub\n", "", run(NULL, "ls", "/tmp/d", NULL));
	EXPECT(0, ".\n..\n.hidden\nfile\nsub\n", "", run(NULL, "ls", "-a", "/tmp/d", NULL));
	EXPECT(0, "/tmp/d/file\n", "", run(NULL, "ls", "/tmp/d/file", NULL));
	CHECK_EQ(chdir("/tmp/d"), 0);
	EXPECT(0, "file\nsub\n", "", run(NULL, "ls", NULL));
	CHECK_EQ(chdir("/"), 0);

	char mode[11];
	int links, uid, gid;
	long size;
	CHECK_EQ(run(NULL, "ls", "-l", "/tmp/d", NULL), 0);
	CHECK_EQ(ls_fields("file", mode, &links, &uid, &gid, &size), 0);
	CHECK(!strcmp(mode, "-rw-r-----"));
	CHECK_EQ(links, 1);
	CHECK_EQ(uid, 7);
	CHECK_EQ(gid, 8);
	CHECK_EQ(size, 5);
	CHECK_EQ(ls_fields("sub", mode, &links, &uid, &gid, &size), 0);
	CHECK(!strcmp(mode, "drwx------")); /* 0700, which the umask leaves */
	CHECK_EQ(links, 2);
	CHECK_EQ(ls_fields(".hidden", mode, &links, &uid, &gid, &size), -1);
	CHECK_EQ(link("/tmp/d/file", "/tmp/d/file2"), 0);
	CHECK_EQ(run(NULL, "ls", "-la", "/tmp/d", NULL), 0);
	CHECK_EQ(ls_fields("file", mode, &links, &uid, &gid, &size), 0);
	CHECK_EQ(links, 2);
	CHECK_EQ(ls_fields(".hidden", mode, &links, &uid, &gid, &size), 0);
	CHECK_EQ(size, 0);
	CHECK_EQ(unlink("/tmp/d/file2"), 0);
	EXPECT(0, "/tmp/a\n\n/tmp/d:\nfile\nsub\n", "", run(NULL, "ls", "/tmp/a", "/tmp/d", NULL));
	EXPECT(1, "", "ls: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "ls", "/tmp/none", NULL));
	BAD_OPTION("ls [-la] [path...]", "ls", "-R", NULL);
	/* Nothing is mounted at "/": it lists the initrd's programs. */
	CHECK_EQ(run(NULL, "ls", "/", NULL), 0);
	CHECK(strstr(out, "\nls\n") && strstr(out, "\nt_progs\n") && !strstr(out, "tmp"));
	printf("progs: ls: directories sorted, -a, -l's mode, links, uid, gid, size, files, "
	       "the initrd at an unmounted /\n");
}

static void dirs(void)
{
	EXPECT(0, "", "", run(NULL, "mkdir", "/tmp/m", NULL));
	struct stat st;
	CHECK(stat("/tmp/m", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0755);
	EXPECT(1, "", "mkdir: /tmp/m: File exists\n", run(NULL, "mkdir", "/tmp/m", NULL));
	EXPECT(1, "", "mkdir: /tmp/x/y: " ENOENT_TEXT "\n", run(NULL, "mkdir", "/tmp/x/y", NULL));
	EXPECT(0, "", "", run(NULL, "mkdir", "-p", "/tmp/p/q/r", "/tmp/m", NULL));
	CHECK(stat("/tmp/p/q/r", &st) == 0 && S_ISDIR(st.st_mode));
	EXPECT(1, "", "mkdir: /tmp/a/x: Not a directory\n",
	       run(NULL, "mkdir", "-p", "/tmp/a/x", NULL));
	BAD_OPTION("mkdir [-p] dir...", "mkdir", NULL);

	EXPECT(1, "", "rmdir: /tmp/p: Directory not empty\n", run(NULL, "rmdir", "/tmp/p", NULL));
	EXPECT(0, "", "", run(NULL, "rmdir", "/tmp/p/q/r", "/tmp/p/q", NULL));
	CHECK(!exists("/tmp/p/q") && exists("/tmp/p"));
	EXPECT(1, "", "rmdir: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "rmdir", "/tmp/none", NULL));
	BAD_OPTION("rmdir dir...", "rmdir", NULL);
	printf("progs: mkdir, mkdir -p, rmdir and their errors\n");
}

static void rm_(void)
{
	struct lde_statfs before, after;
	CHECK_EQ(lde_statfs("/tmp", &before), 0);
	EXPECT(0, "", "", run(NULL, "mkdir", "-p", "/tmp/t/a/b/c", "/tmp/t/d", NULL));
	put("/tmp/t/f1", "1");
	put("/tmp/t/a/f2", "22");
	put("/tmp/t/a/b/c/f3", "333");
	put("/tmp/t/d/.f4", "4444");
	put("/tmp/rmme", "x");
	EXPECT(0, "", "", run(NULL, "rm", "/tmp/rmme", NULL));
	CHECK(!exists("/tmp/rmme"));
	EXPECT(1, "", "rm: /tmp/t: Is a directory\n", run(NULL, "rm", "/tmp/t", NULL));
	EXPECT(1, "", "rm: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "rm", "/tmp/none", NULL));
	EXPECT(0, "", "", run(NULL, "rm", "-f", "/tmp/none", NULL));
	EXPECT(0, "", "", run(NULL, "rm", "-r", "/tmp/t", NULL));
	CHECK(!exists("/tmp/t"));
	CHECK_EQ(lde_statfs("/tmp", &after), 0);
	CHECK_EQ(after.ffree, before.ffree); /* every file and directory went */
	BAD_OPTION("rm [-rf] path...", "rm", NULL);
	BAD_OPTION("rm [-rf] path...", "rm", "-x", "/tmp/a", NULL);
	printf("progs: rm, rm -r of a tree (every node freed), rm -f, errors\n");
}

static void cp_mv_ln(void)
{
	/* 10,000 bytes: more than one buffer of the copy. */
	static char big[10001];
	for (int i = 0; i < 10000; i++)
		big[i] = (char)('a' + i % 26 + (i % 97 == 0));
	put("/tmp/big", big);
	CHECK_EQ(chmod("/tmp/big", 0604), 0);
	EXPECT(0, "", "", run(NULL, "cp", "/tmp/big", "/tmp/big2", NULL));
	EXPECT(0, big, "", run(NULL, "cat", "/tmp/big2", NULL));
	struct stat st;
	CHECK_EQ(stat("/tmp/big2", &st), 0);
	CHECK_EQ(st.st_size, 10000);
	CHECK_EQ(st.st_mode & 0777, 0604);
	put("/tmp/big2", "longer than the copy that will overwrite it\n");
	EXPECT(0, "", "", run(NULL, "cp", "/tmp/a", "/tmp/big2", NULL));
	EXPECT(0, "alpha\nbeta\n", "", run(NULL, "cat", "/tmp/big2", NULL));
	CHECK_EQ(mkdir("/tmp/into", 0755), 0);
	EXPECT(0, "", "", run(NULL, "cp", "/tmp/a", "/tmp/b", "/tmp/into", NULL));
	EXPECT(0, "alpha\nbeta\ngamma delta\n", "",
	       run(NULL, "cat", "/tmp/into/a", "/tmp/into/b", NULL));
	EXPECT(1, "", "cp: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "cp", "/tmp/none", "/tmp/c", NULL));
	EXPECT(1, "", "cp: /tmp/into: Is a directory\n",
	       run(NULL, "cp", "/tmp/into", "/tmp/c", NULL));
	EXPECT(1, "", "cp: /tmp/c: Not a directory\n",
	       run(NULL, "cp", "/tmp/a", "/tmp/b", "/tmp/c", NULL));
	EXPECT(1, "", "cp: /tmp/a and /tmp/./a are the same file\n",
	       run(NULL, "cp", "/tmp/a", "/tmp/./a", NULL));
	EXPECT(0, "alpha\nbeta\n", "", run(NULL, "cat", "/tmp/a", NULL));
	BAD_OPTION("cp src dst | cp src... dir", "cp", "/tmp/a", NULL);

	CHECK_EQ(mkdir("/tmp/m1", 0755), 0);
	CHECK_EQ(mkdir("/tmp/m2", 0755), 0);
	put("/tmp/m1/x", "moving\n");
	EXPECT(0, "", "", run(NULL, "mv", "/tmp/m1/x", "/tmp/m1/y", NULL));
	CHECK(!exists("/tmp/m1/x"));
	EXPECT(0, "", "", run(NULL, "mv", "/tmp/m1/y", "/tmp/m2", NULL));
	CHECK(!exists("/tmp/m1/y"));
	EXPECT(0, "moving\n", "", run(NULL, "cat", "/tmp/m2/y", NULL));
	EXPECT(0, "", "", run(NULL, "mv", "/tmp/m2/y", "/tmp/m1/z", NULL));
	EXPECT(0, "moving\n", "", run(NULL, "cat", "/tmp/m1/z", NULL));
	EXPECT(0, "", "", run(NULL, "mv", "/tmp/m1", "/tmp/m2", NULL)); /* a directory, into one */
	EXPECT(0, "moving\n", "", run(NULL, "cat", "/tmp/m2/m1/z", NULL));
	EXPECT(1, "", "mv: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "mv", "/tmp/none", "/tmp/c", NULL));
	/* Across file systems: a file is copied, then removed; a directory stays. */
	put("/tmp/xm", "across\n");
	CHECK_EQ(chmod("/tmp/xm", 0600), 0);
	EXPECT(0, "", "", run(NULL, "mv", "/tmp/xm", "/mnt", NULL));
	CHECK(!exists("/tmp/xm"));
	EXPECT(0, "across\n", "", run(NULL, "cat", "/mnt/xm", NULL));
	CHECK(stat("/mnt/xm", &st) == 0 && (st.st_mode & 0777) == 0600);
	char xdev[128];
	snprintf(xdev, sizeof xdev, "mv: /tmp/m2: %s\n", strerror(EXDEV));
	EXPECT(1, "", xdev, run(NULL, "mv", "/tmp/m2", "/mnt", NULL));
	CHECK(exists("/tmp/m2/m1/z") && !exists("/mnt/m2"));
	BAD_OPTION("mv src dst | mv src... dir", "mv", "/tmp/a", NULL);

	EXPECT(0, "", "", run(NULL, "ln", "/tmp/a", "/tmp/alink", NULL));
	struct stat st2;
	CHECK(stat("/tmp/a", &st) == 0 && stat("/tmp/alink", &st2) == 0);
	CHECK_EQ(st.st_ino, st2.st_ino);
	CHECK_EQ(st.st_nlink, 2);
	EXPECT(0, "", "", run(NULL, "ln", "/tmp/a", "/tmp/into/a2", NULL));
	EXPECT(0, "", "", run(NULL, "ln", "/tmp/b", "/tmp/m2", NULL));
	CHECK(stat("/tmp/m2/b", &st2) == 0 && stat("/tmp/b", &st) == 0 && st.st_ino == st2.st_ino);
	EXPECT(1, "", "ln: /tmp/a: File exists\n", run(NULL, "ln", "/tmp/a", "/tmp/alink", NULL));
	EXPECT(1, "", "ln: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "ln", "/tmp/none", "/tmp/c", NULL));
	BAD_OPTION("ln [-s] target name | ln [-s] target... dir", "ln", "-x", "/tmp/a", "/tmp/s",
		   NULL);
	/* ramfs keeps no symbolic links (t_symlink tests ln -s on the disk). */
	EXPECT(1, "", "ln: /tmp/s: Not owner\n", run(NULL, "ln", "-s", "/tmp/a", "/tmp/s", NULL));
	printf("progs: cp (content, mode, into a directory, not onto itself), mv (rename, across "
	       "directories, across file systems), ln\n");
}

static void attrs(void)
{
	struct stat st;
	EXPECT(0, "", "", run(NULL, "touch", "/tmp/new", NULL));
	CHECK(stat("/tmp/new", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
	/* Far in the future of the uptime clock, so "now" is surely earlier. */
	struct timeval tv[2] = { { .tv_sec = 4000000000 }, { .tv_sec = 4000000000 } };
	CHECK_EQ(utimes("/tmp/a", tv), 0);
	EXPECT(0, "", "", run(NULL, "touch", "/tmp/a", NULL));
	CHECK(stat("/tmp/a", &st) == 0 && st.st_mtim.tv_sec < 4000000000 &&
	      st.st_atim.tv_sec < 4000000000 && st.st_size == 11);
	EXPECT(1, "", "touch: /tmp/none/x: " ENOENT_TEXT "\n",
	       run(NULL, "touch", "/tmp/none/x", NULL));
	BAD_OPTION("touch file...", "touch", NULL);

	EXPECT(0, "", "", run(NULL, "chmod", "751", "/tmp/a", "/tmp/b", NULL));
	CHECK(stat("/tmp/b", &st) == 0 && (st.st_mode & 07777) == 0751 && S_ISREG(st.st_mode));
	EXPECT(0, "", "", run(NULL, "chmod", "4700", "/tmp/a", NULL));
	CHECK(stat("/tmp/a", &st) == 0 && (st.st_mode & 07777) == 04700);
	EXPECT(1, "", "chmod: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "chmod", "644", "/tmp/none", NULL));
	BAD_OPTION("chmod octal-mode path...", "chmod", "u+x", "/tmp/a", NULL);
	BAD_OPTION("chmod octal-mode path...", "chmod", "9", "/tmp/a", NULL);
	BAD_OPTION("chmod octal-mode path...", "chmod", "17777", "/tmp/a", NULL);

	EXPECT(0, "", "", run(NULL, "chown", "12:34", "/tmp/a", NULL));
	CHECK(stat("/tmp/a", &st) == 0 && st.st_uid == 12 && st.st_gid == 34);
	EXPECT(0, "", "", run(NULL, "chown", "56", "/tmp/a", NULL));
	CHECK(stat("/tmp/a", &st) == 0 && st.st_uid == 56 && st.st_gid == 34);
	EXPECT(1, "", "chown: /tmp/none: " ENOENT_TEXT "\n",
	       run(NULL, "chown", "1", "/tmp/none", NULL));
	BAD_OPTION("chown uid[:gid] path...", "chown", "root", "/tmp/a", NULL);
	BAD_OPTION("chown uid[:gid] path...", "chown", "1:", "/tmp/a", NULL);

	CHECK_EQ(chmod("/tmp/a", 0640), 0);
	CHECK_EQ(chown("/tmp/a", 7, 8), 0);
	CHECK_EQ(stat("/tmp/a", &st), 0);
	char want[512];
	snprintf(want, sizeof want,
		 "  File: /tmp/a\n  Size: 11  Blocks: %lld  IO Block: %ld  regular file\n"
		 "Device: %lu  Inode: %lu  Links: %lu\nAccess: (0640)  Uid: 7  Gid: 8\n"
		 "Access: %lld\nModify: %lld\nChange: %lld\n",
		 (long long)st.st_blocks, (long)st.st_blksize, (unsigned long)st.st_dev,
		 (unsigned long)st.st_ino, (unsigned long)st.st_nlink, (long long)st.st_atim.tv_sec,
		 (long long)st.st_mtim.tv_sec, (long long)st.st_ctim.tv_sec);
	EXPECT(0, want, "", run(NULL, "stat", "/tmp/a", NULL));
	CHECK_EQ(run(NULL, "stat", "/tmp/into", NULL), 0);
	CHECK(strstr(out, "directory\n") && strstr(out, "Access: (0755)"));
	EXPECT(1, "", "stat: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "stat", "/tmp/none", NULL));
	BAD_OPTION("stat path...", "stat", NULL);
	printf("progs: touch (create, times), chmod (octal), chown (uid[:gid]), stat\n");
}

static void space(void)
{
	struct lde_statfs sf;
	CHECK_EQ(lde_statfs("/tmp", &sf), 0);
	char want[256];
	snprintf(want, sizeof want,
		 " 1K-blocks       Used  Available   Inodes    IFree  Path\n"
		 "%10llu %10llu %10llu %8llu %8llu  /tmp\n",
		 (unsigned long long)sf.blocks * 4, (unsigned long long)(sf.blocks - sf.bfree) * 4,
		 (unsigned long long)sf.bfree * 4, (unsigned long long)sf.files,
		 (unsigned long long)sf.ffree);
	CHECK_EQ(sf.files, 512);
	EXPECT(0, want, "", run(NULL, "df", "/tmp", NULL));
	EXPECT(1, "", "df: /nowhere: " ENOENT_TEXT "\n", run(NULL, "df", "/nowhere", NULL));
	BAD_OPTION("df [path...]", "df", "-h", NULL);

	/* du: the blocks of every file and directory under /tmp/du. */
	EXPECT(0, "", "", run(NULL, "mkdir", "-p", "/tmp/du/s", NULL));
	static char text[4001];
	memset(text, 'z', 4000);
	put("/tmp/du/f", text);
	put("/tmp/du/s/g", "small");
	struct stat a, b, c, d;
	CHECK(stat("/tmp/du", &a) == 0 && stat("/tmp/du/f", &b) == 0 &&
	      stat("/tmp/du/s", &c) == 0 && stat("/tmp/du/s/g", &d) == 0);
	long long sub = c.st_blocks + d.st_blocks, all = a.st_blocks + b.st_blocks + sub;
	CHECK(b.st_blocks >= 8); /* 4,000 bytes at least */
	char w[128];
	snprintf(w, sizeof w, "%lld\t/tmp/du\n", (all + 1) / 2);
	EXPECT(0, w, "", run(NULL, "du", "-s", "/tmp/du", NULL));
	snprintf(w, sizeof w, "%lld\t/tmp/du/s\n%lld\t/tmp/du\n", (sub + 1) / 2, (all + 1) / 2);
	EXPECT(0, w, "", run(NULL, "du", "/tmp/du", NULL));
	snprintf(w, sizeof w, "%lld\t/tmp/du/f\n", ((long long)b.st_blocks + 1) / 2);
	EXPECT(0, w, "", run(NULL, "du", "/tmp/du/f", NULL));
	EXPECT(1, "", "du: /tmp/none: " ENOENT_TEXT "\n", run(NULL, "du", "/tmp/none", NULL));
	BAD_OPTION("du [-s] [path...]", "du", "-a", NULL);

	EXPECT(0, "", "", run(NULL, "sync", NULL));
	BAD_OPTION("sync", "sync", "now", NULL);
	printf("progs: df (statfs), du and du -s (blocks), sync\n");
}

static void pipelines(void)
{
	put("/tmp/pipe", "x one\ntwo\nx three\nfour x\n");
	char *cat[] = { "cat", "/tmp/pipe", NULL }, *grep[] = { "grep", "x", NULL };
	char *wc[] = { "wc", "-l", NULL };
	char **const three[] = { cat, grep, wc, NULL };
	EXPECT(0, "      3\n", "", run_pipeline(NULL, three));
	char *head[] = { "head", "-n", "2", NULL }, *tail[] = { "tail", "-n", "1", NULL };
	char **const four[] = { cat, grep, head, tail, NULL };
	EXPECT(0, "x three\n", "", run_pipeline(NULL, four));
	char *grepv[] = { "grep", "-v", "x", NULL };
	char **const two[] = { grepv, wc, NULL };
	EXPECT(0, "      1\n", "", run_pipeline("a x\nb\n", two));
	printf("progs: pipelines: cat f | grep x | wc -l, and four stages\n");
}

int main(void)
{
	start_ramfs("/tmp");
	start_ramfs("/mnt"); /* a second file system, for mv across */
	cat_wc();
	grep_();
	head_tail();
	ls_();
	dirs();
	rm_();
	cp_mv_ln();
	attrs();
	space();
	pipelines();
	return check_exit("t_progs");
}
