/* Files for every program (docs/files.md): descriptors that reach a file
 * server (user/ramfs.c) through the kernel, with POSIX semantics.
 * Run as init: init=/t_files. Also its own exec target: t_files exec-child
 * KEPT CLOEXEC1 CLOEXEC2. */
#include "t_util.h"
#include "dirent.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

static int ep = -1, server = -1;

static long files_in_use(void)
{
	struct lde_meminfo mi;
	meminfo(&mi);
	return (long)mi.files;
}

static long server_open_handles(const char *path)
{
	struct lde_statfs st;
	if (lde_statfs(path, &st) < 0)
		return -1;
	return (long)st.open_handles;
}

/* Start ramfs on the endpoint (made once) and mount it at /tmp. */
static void start_server(void)
{
	if (ep < 0)
		ep = ep_create();
	CHECK(ep >= 0);
	char arg[8];
	snprintf(arg, sizeof arg, "%d", ep);
	server = fork();
	if (server == 0) {
		char *argv[] = { "ramfs", arg, NULL };
		exec("/ramfs", argv);
		printf("FAIL: exec ramfs\n");
		_exit(1);
	}
	CHECK(server > 0);
	CHECK_EQ(mount("/tmp", ep), 0);
}

static void stop_server(void)
{
	CHECK_EQ(kill(server, SIGKILL), 0);
	CHECK_EQ(reap(server), LDE_W_SIGNALED(SIGKILL));
	server = -1;
}

static void basic(void)
{
	char buf[64];
	int fd = open("/tmp/a", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello, world", 12), 12);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
	CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
	CHECK_EQ(read(fd, buf, sizeof buf), 5);
	CHECK(!memcmp(buf, "world", 5));
	CHECK_EQ(read(fd, buf, sizeof buf), 0); /* end of file */
	CHECK_EQ(lseek(fd, -5, SEEK_END), 7);
	CHECK_EQ(lseek(fd, -100, SEEK_CUR), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(lseek(fd, 0, 9), -1);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 12);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0644 & ~022); /* init's umask */
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(stat("/tmp/a", &st), 0);
	CHECK_EQ(st.st_size, 12);
	/* Flags: O_EXCL, O_TRUNC, O_APPEND, the access modes. */
	CHECK_EQ(open("/tmp/a", O_RDWR | O_CREAT | O_EXCL, 0644), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(open("/tmp/none", O_RDONLY), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(open("/tmp/none/x", O_RDWR | O_CREAT, 0644), -1);
	CHECK_EQ(errno, ENOENT);
	fd = open("/tmp/a", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "!", 1), 1);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13);
	CHECK_EQ(read(fd, buf, 1), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(close(fd), 0);
	fd = open("/tmp/a", O_RDONLY);
	CHECK_EQ(write(fd, "x", 1), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(read(fd, buf, sizeof buf), 13);
	CHECK(!memcmp(buf, "hello, world!", 13));
	CHECK_EQ(ftruncate(fd, 0), -1); /* read-only */
	close(fd);
	fd = open("/tmp/a", O_RDWR | O_TRUNC);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(ftruncate(fd, 100), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 100);
	CHECK_EQ(fsync(fd), 0);
	close(fd);
	CHECK_EQ(unlink("/tmp/a"), 0);
	CHECK_EQ(stat("/tmp/a", &st), -1);
	CHECK_EQ(errno, ENOENT);
	printf("files: open, read, write, lseek, fstat, stat, truncate, unlink through the server\n");
}

static void dup_fork(void)
{
	int fd = open("/tmp/shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	int fd2 = dup(fd);
	CHECK(fd2 >= 0);
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 3); /* dup shares the offset */
	CHECK_EQ(write(fd2, "def", 3), 3);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	CHECK_EQ(dup2(fd, 9), 9);
	CHECK_EQ(lseek(9, 0, SEEK_CUR), 6);
	CHECK_EQ(close(9), 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* The child shares the open file, offset and all. */
		CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
		CHECK_EQ(write(fd, "ghij", 4), 4);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
	char buf[16];
	CHECK_EQ(lseek(fd2, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof buf), 10);
	CHECK(!memcmp(buf, "abcdefghij", 10));
	close(fd);
	close(fd2);
	printf("files: dup, dup2 and fork share the offset\n");
}

static int exec_child(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	int kept = atoi(argv[2]), gone1 = atoi(argv[3]), gone2 = atoi(argv[4]);
	char buf[8];
	CHECK_EQ(read(kept, buf, sizeof buf), 4); /* at the offset the parent left */
	CHECK(!memcmp(buf, "kept", 4));
	struct stat st;
	CHECK_EQ(fstat(gone1, &st), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(fstat(gone2, &st), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(fcntl(kept, F_GETFD), 0);
	return check_failures ? 1 : 0;
}

static void exec_cloexec(void)
{
	int kept = open("/tmp/e", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK_EQ(write(kept, "XXXXkept", 8), 8);
	CHECK_EQ(lseek(kept, 4, SEEK_SET), 4);
	int gone1 = open("/tmp/e", O_RDONLY | O_CLOEXEC);
	int gone2 = open("/tmp/e", O_RDONLY);
	CHECK_EQ(fcntl(gone1, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(gone2, F_GETFD), 0);
	CHECK_EQ(fcntl(gone2, F_SETFD, FD_CLOEXEC), 0);
	CHECK_EQ(fcntl(gone2, F_GETFD), FD_CLOEXEC);
	int d = fcntl(gone2, F_DUPFD, 10);
	CHECK(d >= 10);
	CHECK_EQ(fcntl(d, F_GETFD), 0); /* a duplicate does not inherit the flag */
	close(d);
	long base = server_open_handles("/tmp");
	pid_t pid = fork();
	if (pid == 0) {
		char a[3][8];
		snprintf(a[0], 8, "%d", kept);
		snprintf(a[1], 8, "%d", gone1);
		snprintf(a[2], 8, "%d", gone2);
		char *argv[] = { "t_files", "exec-child", a[0], a[1], a[2], NULL };
		exec("/t_files", argv);
		_exit(3);
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(server_open_handles("/tmp"), base);
	close(kept);
	close(gone1);
	close(gone2);
	CHECK_EQ(unlink("/tmp/e"), 0);
	printf("files: exec keeps descriptors but FD_CLOEXEC ones\n");
}

static void killed_with_files(void)
{
	long files = files_in_use(), handles = server_open_handles("/tmp");
	CHECK(handles >= 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		char name[32];
		for (int i = 0; i < 8; i++) {
			snprintf(name, sizeof name, "/tmp/k%d", i);
			CHECK(open(name, O_RDWR | O_CREAT, 0600) >= 0);
		}
		CHECK(dup(3) >= 0);
		write(p[1], "r", 1);
		for (;;)
			sleep(1000);
	}
	close(p[1]);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(server_open_handles("/tmp"), handles + 8);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(reap(pid), LDE_W_SIGNALED(SIGKILL));
	/* The closes went to the server ahead of this call. */
	CHECK_EQ(server_open_handles("/tmp"), handles);
	close(p[0]);
	CHECK_EQ(files_in_use(), files);
	char name[32];
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof name, "/tmp/k%d", i);
		CHECK_EQ(unlink(name), 0);
	}
	printf("files: a process killed with 8 files open: the server saw every close\n");
}

static void paths(void)
{
	char buf[256];
	CHECK_EQ(mkdir("/tmp/d", 0755), 0);
	CHECK_EQ(mkdir("/tmp/d/e", 0755), 0);
	CHECK_EQ(mkdir("/tmp/d", 0755), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(chdir("/tmp/d"), 0);
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp/d"));
	int fd = open("e/../f", O_RDWR | O_CREAT, 0644); /* /tmp/d/f */
	CHECK(fd >= 0);
	close(fd);
	struct stat st;
	CHECK_EQ(stat("/tmp/d/f", &st), 0);
	CHECK_EQ(stat("./f", &st), 0);
	CHECK_EQ(stat("/../../tmp/./d//f", &st), 0); /* ".." at the root is the root */
	CHECK_EQ(chdir("e"), 0);
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp/d/e"));
	CHECK_EQ(stat("../f", &st), 0);
	CHECK_EQ(chdir("../../.."), 0);
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/"));
	CHECK_EQ(chdir("tmp/d/f"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(chdir("/tmp/nowhere"), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(getcwd(buf, 1), NULL);
	CHECK_EQ(errno, ERANGE);
	/* fork inherits the directory; a child's chdir is its own. */
	CHECK_EQ(chdir("/tmp/d"), 0);
	long pages = phys_free_pages();
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp/d"));
		CHECK_EQ(chdir("e"), 0);
		CHECK_EQ(chdir("/tmp"), 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(phys_free_pages(), pages); /* the child's directory pages went with it */
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp/d"));
	/* Names: a component of 255 bytes is fine, 256 is not; a path of
	 * 4096 bytes or more is ENAMETOOLONG, however it normalizes. */
	static char longp[5000];
	memset(longp, 'n', 255);
	longp[255] = 0;
	fd = open(longp, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(unlink(longp), 0);
	memset(longp, 'n', 256);
	longp[256] = 0;
	CHECK_EQ(open(longp, O_RDWR | O_CREAT, 0644), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	for (int i = 0; i + 2 < 4999; i += 2)
		longp[i] = '.', longp[i + 1] = '/';
	longp[4998] = 'f';
	longp[4999] = 0;
	CHECK_EQ(stat(longp, &st), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	CHECK_EQ(stat(longp + 4999 - 4095, &st), 0); /* 4095 bytes and a NUL: "./././f" */
	CHECK_EQ(stat("", &st), -1);
	CHECK_EQ(errno, ENOENT);
	/* umask */
	CHECK_EQ(umask(077), 022);
	fd = open("g", O_RDWR | O_CREAT, 0666);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	close(fd);
	CHECK_EQ(umask(022), 077);
	CHECK_EQ(unlink("g"), 0);
	CHECK_EQ(chdir("/"), 0);
	printf("files: current directory, relative paths, '..' at the root, ENAMETOOLONG, umask\n");
}

static void dirs(void)
{
	CHECK_EQ(mkdir("/tmp/l", 0755), 0);
	const char *names[] = { "one", "two", "three" };
	for (int i = 0; i < 3; i++) {
		char p[32];
		snprintf(p, sizeof p, "/tmp/l/%s", names[i]);
		int fd = open(p, O_WRONLY | O_CREAT, 0644);
		CHECK(fd >= 0);
		close(fd);
	}
	CHECK_EQ(mkdir("/tmp/l/sub", 0755), 0);
	DIR *d = opendir("/tmp/l");
	CHECK(d != NULL);
	int seen = 0, dots = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		for (int i = 0; i < 3; i++)
			if (!strcmp(e->d_name, names[i]) && e->d_type == DT_REG)
				seen |= 1 << i;
		if (!strcmp(e->d_name, "sub") && e->d_type == DT_DIR)
			seen |= 8;
		dots += !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	}
	CHECK_EQ(seen, 15);
	CHECK_EQ(dots, 2);
	if (d)
		CHECK_EQ(closedir(d), 0);
	CHECK_EQ(opendir("/tmp/l/one"), NULL);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(rmdir("/tmp/l"), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	CHECK_EQ(rmdir("/tmp/l/one"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(unlink("/tmp/l/sub"), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(rmdir("/tmp"), -1); /* a mount's root */
	CHECK_EQ(errno, EBUSY);
	CHECK_EQ(link("/tmp/l/one", "/tmp/l/uno"), 0);
	struct stat st;
	CHECK_EQ(stat("/tmp/l/uno", &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(rename("/tmp/l/two", "/tmp/l/sub/deux"), 0);
	CHECK_EQ(stat("/tmp/l/two", &st), -1);
	CHECK_EQ(stat("/tmp/l/sub/deux", &st), 0);
	CHECK_EQ(rename("/tmp/l/three", "/tmp/l/one"), 0); /* over an existing file */
	CHECK_EQ(stat("/tmp/l/uno", &st), 0);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(rename("/tmp/l", "/tmp/l/sub/x"), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(rename("/tmp/l/one", "/elsewhere"), -1); /* nothing mounted at / */
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(chmod("/tmp/l/uno", 0600), 0);
	CHECK_EQ(chown("/tmp/l/uno", 5, 6), 0);
	CHECK_EQ(stat("/tmp/l/uno", &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(st.st_uid, 5);
	CHECK_EQ(st.st_gid, 6);
	struct timeval tv[2] = { { .tv_sec = 1000 }, { .tv_sec = 2000 } };
	CHECK_EQ(utimes("/tmp/l/uno", tv), 0);
	CHECK_EQ(stat("/tmp/l/uno", &st), 0);
	CHECK_EQ(st.st_mtime, 2000);
	CHECK_EQ(access("/tmp/l/uno", R_OK | W_OK), 0);
	CHECK_EQ(access("/tmp/l/none", F_OK), -1);
	CHECK_EQ(errno, ENOENT);
	sync();
	const char *rm[] = { "/tmp/l/one", "/tmp/l/uno", "/tmp/l/sub/deux" };
	for (int i = 0; i < 3; i++)
		CHECK_EQ(unlink(rm[i]), 0);
	CHECK_EQ(rmdir("/tmp/l/sub"), 0);
	CHECK_EQ(rmdir("/tmp/l"), 0);
	printf("files: directories: mkdir, readdir, rmdir, link, rename, chmod, chown, utimes, access\n");
}

static void stdio_files(void)
{
	FILE *f = fopen("/tmp/s.txt", "w");
	CHECK(f != NULL);
	for (int i = 0; f && i < 100; i++)
		fprintf(f, "line %d of %s\n", i, "stdio");
	CHECK(f && fclose(f) == 0);
	f = fopen("/tmp/s.txt", "a");
	CHECK(f && fputs("last\n", f) >= 0);
	CHECK(f && fclose(f) == 0);
	f = fopen("/tmp/s.txt", "r");
	CHECK(f != NULL);
	char line[64];
	int n = 0, ok = 1;
	while (f && fgets(line, sizeof line, f)) {
		char want[64];
		snprintf(want, sizeof want, n < 100 ? "line %d of stdio\n" : "last\n", n);
		ok &= !strcmp(line, want);
		n++;
	}
	CHECK_EQ(n, 101);
	CHECK(ok);
	CHECK(f && fseek(f, 5, SEEK_SET) == 0);
	CHECK(f && fgets(line, sizeof line, f) && !strcmp(line, "0 of stdio\n"));
	CHECK(f && fclose(f) == 0);
	CHECK_EQ(fopen("/tmp/none/x", "r"), NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(unlink("/tmp/s.txt"), 0);
	printf("files: fopen, fprintf, fgets, fseek, fclose through picolibc\n");
}

static void nonblock_pipe(void)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(fcntl(p[0], F_GETFL), O_RDONLY);
	CHECK_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	CHECK_EQ(fcntl(p[0], F_GETFL), O_RDONLY | O_NONBLOCK);
	char buf[512];
	CHECK_EQ(read(p[0], buf, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	long total = 0, r;
	memset(buf, 'x', sizeof buf);
	while ((r = write(p[1], buf, sizeof buf)) > 0)
		total += r;
	CHECK_EQ(r, -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK(total > 0);
	long got = 0;
	while ((r = read(p[0], buf, sizeof buf)) > 0)
		got += r;
	CHECK_EQ(got, total);
	CHECK_EQ(errno, EAGAIN);
	close(p[1]);
	CHECK_EQ(read(p[0], buf, 1), 0); /* no writer: end of file, not EAGAIN */
	close(p[0]);
	printf("files: O_NONBLOCK on a pipe gives EAGAIN\n");
}

/* A server that takes one request and sits on it; killing it must fail
 * the caller with EIO, and a server started on the same endpoint keeps
 * the mount working. */
static void server_death(void)
{
	long files = files_in_use();
	int sep = ep_create();
	CHECK_EQ(mount("/srv", sep), 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t srv = fork();
	if (srv == 0) {
		struct lde_msg m;
		long r = ipc_recv(sep, &m);
		CHECK_EQ(LDE_MSG_LABEL(r), LDE_FS_OPEN);
		write(p[1], "h", 1);
		for (;;)
			sleep(1000);
	}
	pid_t client = fork();
	if (client == 0) {
		CHECK_EQ(open("/srv/x", O_RDONLY), -1);
		CHECK_EQ(errno, EIO);
		child_done();
	}
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1); /* the server holds the open */
	CHECK_EQ(kill(srv, SIGKILL), 0);
	CHECK_EQ(reap(srv), LDE_W_SIGNALED(SIGKILL));
	CHECK_EQ(reap(client), 0);
	/* The server that knew the handle is gone: nothing is left to close,
	 * and a new server on the endpoint gets the next call first. */
	CHECK_EQ(files_in_use(), files + 3); /* the endpoint and the pipe, no more */
	srv = fork();
	if (srv == 0) {
		struct lde_msg m;
		long r = ipc_recv(sep, &m);
		CHECK_EQ(LDE_MSG_LABEL(r), LDE_FS_MKDIR);
		m.info = LDE_MSG_INFO(EROFS, 0, -1);
		ipc_reply(&m);
		child_done();
	}
	CHECK_EQ(mkdir("/srv/d", 0755), -1);
	CHECK_EQ(errno, EROFS);
	CHECK_EQ(reap(srv), 0);
	/* Files open when their server dies: with nobody left to receive,
	 * their calls fail with EIO, their closes are dropped. */
	close(p[0]);
	close(p[1]);
	CHECK_EQ(mount("/srv", -1), 0);
	CHECK_EQ(stat("/srv", &(struct stat){ 0 }), -1);
	CHECK_EQ(errno, ENOENT);
	int fd = open("/tmp/z", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	stop_server();
	int tmp = ep;
	ep = -1;
	CHECK_EQ(mount("/tmp", -1), 0);
	close(tmp);
	close(sep);
	CHECK_EQ(write(fd, "x", 1), -1);
	CHECK_EQ(errno, EIO);
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(files_in_use(), files - 1); /* the ramfs endpoint's file went too */
	printf("files: a server killed mid-call: the caller gets EIO, nothing leaks, a new server "
	       "serves the mount\n");
	start_server();
}

/* A two-segment program built here: text in the first page, an 8-byte
 * datum (42) in the second page of the file, loaded at 0x3008; it exits
 * with that datum. */
static void write_prog(const char *path, int mode)
{
	static uint8_t img[4112];
	memset(img, 0, sizeof img);
	uint8_t *eh = img;
	memcpy(eh, "\177ELF\2\1\1", 7);
	uint16_t h16[] = { 2 /* ET_EXEC */, 243 /* EM_RISCV */ };
	memcpy(eh + 16, h16, 4);
	uint32_t version = 1;
	memcpy(eh + 20, &version, 4);
	uint64_t entry = 0x1000 + 176, phoff = 64;
	memcpy(eh + 24, &entry, 8);
	memcpy(eh + 32, &phoff, 8);
	uint16_t sizes[] = { 64, 56, 2 }; /* e_ehsize, e_phentsize, e_phnum */
	memcpy(eh + 52, sizes, 6);
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph[2] = { { 1, 5 /* R X */, 0, 0x1000, 0x1000, 192, 192, 0x1000 },
		    { 1, 6 /* R W */, 4104, 0x3008, 0x3008, 8, 16, 0x1000 } };
	memcpy(img + 64, ph, sizeof ph);
	uint32_t code[] = { 0x000035b7 /* lui a1, 3 */, 0x0085b503 /* ld a0, 8(a1) */,
			    0x00100893 /* li a7, SYS_exit */, 0x00000073 /* ecall */ };
	memcpy(img + 176, code, sizeof code);
	uint64_t datum = 42;
	memcpy(img + 4104, &datum, 8);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, img, sizeof img), (long)sizeof img);
	close(fd);
}

static int exec_status(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		exec(path, argv);
		_exit(100 + errno);
	}
	return LDE_W_EXITCODE(reap(pid));
}

static void exec_from_mount(void)
{
	write_prog("/tmp/prog", 0755);
	CHECK_EQ(exec_status("/tmp/prog"), 42);
	CHECK_EQ(chdir("/tmp"), 0);
	CHECK_EQ(exec_status("prog"), 42); /* relative to the current directory */
	CHECK_EQ(chdir("/"), 0);
	write_prog("/tmp/noexec", 0644);
	CHECK_EQ(exec_status("/tmp/noexec"), 100 + EACCES);
	CHECK_EQ(exec_status("/tmp"), 100 + EACCES);
	CHECK_EQ(exec_status("/tmp/missing"), 100 + ENOENT);
	int fd = open("/tmp/short", O_WRONLY | O_CREAT, 0755);
	CHECK_EQ(write(fd, "\177ELF", 4), 4);
	close(fd);
	CHECK_EQ(exec_status("/tmp/short"), 100 + ENOEXEC);
	/* A file cut short after its headers: its data segment is past the end. */
	fd = open("/tmp/noexec", O_WRONLY);
	CHECK_EQ(ftruncate(fd, 4100), 0);
	close(fd);
	CHECK_EQ(chmod("/tmp/noexec", 0755), 0);
	CHECK_EQ(exec_status("/tmp/noexec"), 100 + ENOEXEC);
	/* The initrd comes first: its programs are found whatever is mounted. */
	CHECK_EQ(exec_status("/true"), 0);
	CHECK_EQ(server_open_handles("/tmp"), 0); /* exec closed the programs */
	CHECK_EQ(unlink("/tmp/prog"), 0);
	CHECK_EQ(unlink("/tmp/noexec"), 0);
	CHECK_EQ(unlink("/tmp/short"), 0);
	printf("files: exec from a mount, relative to the current directory, with the ELF checks\n");
}

/* A client killed while the server works on its open: the server's
 * answer goes nowhere, and the kernel tells it that the handle it just
 * made is closed, so nothing stays open in the server. */
static void client_killed(void)
{
	long files = files_in_use();
	int sep = ep_create();
	CHECK_EQ(mount("/srv", sep), 0);
	/* Killed while its open is still queued: the server never saw it,
	 * so there is nothing to tell it. */
	pid_t client = fork();
	if (client == 0) {
		open("/srv/x", O_RDONLY);
		printf("FAIL: the killed client's open returned\n");
		_exit(1);
	}
	CHECK_EQ(wait_state(client, LDE_P_SLEEPING, 2000), 0);
	CHECK_EQ(kill(client, SIGKILL), 0);
	CHECK_EQ(reap(client), LDE_W_SIGNALED(SIGKILL));
	CHECK_EQ(files_in_use(), files + 1); /* the endpoint alone */
	/* Killed while the server holds its open. */
	client = fork();
	if (client == 0) {
		open("/srv/x", O_RDONLY);
		printf("FAIL: the killed client's open returned\n");
		_exit(1);
	}
	struct lde_msg m;
	long r = ipc_recv(sep, &m);
	CHECK_EQ(LDE_MSG_LABEL(r), LDE_FS_OPEN);
	uint64_t handle = m.w[0];
	CHECK(handle != 0);
	CHECK_EQ(lease_read(m.token, 0, 0, (char[8]){ 0 }, 1), 1); /* the path, "x" */
	CHECK_EQ(kill(client, SIGKILL), 0);
	CHECK_EQ(reap(client), LDE_W_SIGNALED(SIGKILL));
	CHECK_EQ(lease_read(m.token, 0, 0, (char[8]){ 0 }, 1), -1); /* the caller is gone */
	CHECK_EQ(errno, ESRCH);
	m.info = LDE_MSG_INFO(0, 0, -1);
	m.w[0] = LDE_S_IFREG | 0644;
	CHECK_EQ(ipc_reply(&m), 0); /* a no-op */
	r = ipc_recv(sep, &m);
	CHECK_EQ(LDE_MSG_LABEL(r), LDE_FS_CLOSE);
	CHECK_EQ(m.w[0], handle);
	CHECK_EQ(m.token, 0);
	CHECK_EQ(mount("/srv", -1), 0);
	close(sep);
	CHECK_EQ(files_in_use(), files);
	printf("files: a client killed during its open: queued, nothing to tell; held, the server is "
	       "told the new handle is closed\n");
}

static void bad_args(void)
{
	struct stat st;
	CHECK_EQ(open(NULL, O_RDONLY), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(lde_sys_open((void *)0xffffffc000000000ul, 0, 0), -EFAULT);
	CHECK_EQ(lde_sys_open("/tmp/x", 0x7fffffff, 0), -EINVAL);
	CHECK_EQ(lde_sys_open("/tmp/x", O_ACCMODE, 0), -EINVAL);
	CHECK_EQ(lde_sys_stat("/tmp", (void *)16), -EFAULT);
	int fd = open("/tmp/b", O_RDWR | O_CREAT, 0644);
	CHECK_EQ(write(fd, "12345678", 8), 8);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, (void *)16, 8), -1); /* the server's lease_write fails */
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(read(fd, (void *)0xffffffc000000000ul, 8), -1); /* refused at the call */
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(write(fd, (void *)16, 8), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(lde_sys_fstat(fd, (void *)16), -EFAULT);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 8);
	CHECK_EQ(lde_sys_getdents(fd, &st, sizeof st), -ENOTDIR);
	close(fd);
	CHECK_EQ(unlink("/tmp/b"), 0);
	CHECK_EQ(lde_sys_lseek(99, 0, 0), -EBADF);
	CHECK_EQ(lde_sys_lseek(0, 0, 0), -ESPIPE);
	CHECK_EQ(lde_sys_fcntl(0, 99, 0), -EINVAL);
	CHECK_EQ(lde_sys_fcntl(-1, F_GETFL, 0), -EBADF);
	CHECK_EQ(lde_sys_fcntl(0, F_DUPFD, 99), -EINVAL);
	CHECK_EQ(lde_sys_dup2(0, 99), -EBADF);
	CHECK_EQ(lde_sys_dup2(77, 3), -EBADF);
	CHECK_EQ(lde_sys_getdents(0, &st, sizeof st), -ENOTDIR);
	CHECK_EQ(lde_sys_mount("/m", 0), -EINVAL); /* the console is no server */
	CHECK_EQ(lde_sys_mount("/m", 55), -EBADF);
	CHECK_EQ(lde_sys_mount("/m", -1), -EINVAL); /* nothing mounted there */
	CHECK_EQ(lde_sys_chdir((void *)1), -EFAULT);
	CHECK_EQ(lde_sys_getcwd((void *)16, 100), -EFAULT);
	CHECK_EQ(lde_sys_access("/tmp", 8), -EINVAL);
	CHECK_EQ(lde_sys_ftruncate(0, 0), -EINVAL);
	CHECK_EQ(lde_sys_fsync(0), -EINVAL);
	CHECK_EQ(lde_sys_rename("/tmp/x", "/nowhere/y"), -ENOENT);
	/* A path without its NUL in the first 4096 bytes. */
	static char big[8192];
	memset(big, 'a', sizeof big - 1);
	CHECK_EQ(lde_sys_unlink(big), -ENAMETOOLONG);
	printf("files: bad pointers, flags, descriptors and paths refused\n");
}

/* How the kernel takes a path in (docs/files.md, "Path names"): a word at
 * a time from the user's page, into a buffer on its stack while the path
 * fits there (247 bytes and the NUL), else into a page; a relative one
 * after the current directory, in the same buffer when both fit. The same
 * answers at every alignment, on either side of those sizes and of 4096,
 * and for a path that ends at its page's end before an unmapped page. */
#define PATH_PG 4096UL
static void make_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
}

static void path_copies(void)
{
	struct stat st;
	char name[256];
	/* /tmp/q ... /tmp/qqqqqqqq: every alignment of a path ending where
	 * its page does. */
	for (int k = 1; k <= 8; k++) {
		snprintf(name, sizeof name, "/tmp/%.*s", k, "qqqqqqqq");
		make_file(name);
	}
	/* Two pages of heap with nothing mapped above them. */
	char *brk0 = sbrk(0);
	uintptr_t top = (((uintptr_t)brk0 + PATH_PG - 1) & ~(PATH_PG - 1)) + 2 * PATH_PG;
	CHECK(sbrk((long)(top - (uintptr_t)brk0)) == brk0);
	char *end = (char *)top;
	for (int k = 1; k <= 8; k++)
		for (int extra = 0; extra < 2; extra++) {
			/* "/tmp/q..." as it is (clean: the shortcut) and after one
			 * more '/' (normalized), its NUL the page's last byte. */
			size_t len = (size_t)(extra + 5 + k);
			char *p = end - len - 1;
			memset(p, '/', (size_t)extra);
			snprintf(p + extra, len + 1 - (size_t)extra, "/tmp/%.*s", k, "qqqqqqqq");
			CHECK_EQ(lde_sys_stat(p, &st), 0);
			/* Without the NUL the kernel reads on into the unmapped page. */
			p[len] = 'q';
			CHECK_EQ(lde_sys_stat(p, &st), -EFAULT);
		}
	end[-1] = 0;
	CHECK_EQ(lde_sys_stat(end - 1, &st), -ENOENT);
	CHECK_EQ(lde_sys_stat(end, &st), -EFAULT);
	/* 4096 bytes without a NUL, the last one the page's: too long, and
	 * nothing past them read (no EFAULT). */
	for (int a = 0; a < 8; a++) {
		char *p = end - LDE_FS_PATH_MAX - a;
		memset(p, '/', LDE_FS_PATH_MAX + (size_t)a);
		CHECK_EQ(lde_sys_stat(p, &st), -ENAMETOOLONG);
		/* 4095 and the NUL: "/tmp/q" at last. */
		memcpy(end - 7 - a, "/tmp/q", 7);
		CHECK_EQ(lde_sys_stat(p + 1, &st), 0);
	}
	/* Either side of the stack buffer's room, at every alignment: a clean
	 * path of 246 to 250 bytes (/tmp and a name), and the same with a
	 * "./" put in (normalized), and from /tmp relative, and from a
	 * directory whose path leaves too little room for the name. */
	CHECK_EQ(mkdir("/tmp/dddddddddddddddddddddddddddddddddddddddd", 0755), 0);
	static char at[8 + 320];
	for (size_t len = 246; len <= 250; len++) {
		memset(name, 'n', len - 5);
		name[len - 5] = 0;
		char path[320], dpath[320];
		snprintf(path, sizeof path, "/tmp/%s", name);
		make_file(path);
		snprintf(dpath, sizeof dpath, "/tmp/dddddddddddddddddddddddddddddddddddddddd/%s",
			 name);
		make_file(dpath);
		for (int a = 0; a < 8; a++) {
			strcpy(at + a, path);
			CHECK_EQ(lde_sys_stat(at + a, &st), 0);
			snprintf(at + a, sizeof at - 8, "/tmp/./%s", name);
			CHECK_EQ(lde_sys_stat(at + a, &st), 0);
			CHECK_EQ(chdir("/tmp"), 0);
			strcpy(at + a, name);
			CHECK_EQ(lde_sys_stat(at + a, &st), 0);
			CHECK_EQ(chdir("dddddddddddddddddddddddddddddddddddddddd"), 0);
			CHECK_EQ(lde_sys_stat(at + a, &st), 0);
			snprintf(at + a, sizeof at - 8, "../%s", name);
			CHECK_EQ(lde_sys_stat(at + a, &st), 0);
			CHECK_EQ(chdir("/"), 0);
		}
		CHECK_EQ(unlink(path), 0);
		CHECK_EQ(unlink(dpath), 0);
	}
	/* A current directory longer than the buffer: chdir's result built
	 * in a page, and every relative path from it. */
	char deep[400] = "/tmp/dddddddddddddddddddddddddddddddddddddddd", e[81], buf[400];
	memset(e, 'e', 80);
	e[80] = 0;
	for (int i = 0; i < 3; i++) {
		strcat(deep, "/");
		strcat(deep, e);
		CHECK_EQ(mkdir(deep, 0755), 0);
	}
	CHECK(strlen(deep) > 256);
	CHECK_EQ(chdir(deep), 0);
	CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, deep));
	make_file("f");
	snprintf(buf, sizeof buf, "%s/f", deep);
	CHECK_EQ(stat(buf, &st), 0);
	snprintf(buf, sizeof buf, "../%s/./f", e);
	CHECK_EQ(stat(buf, &st), 0);
	CHECK_EQ(chdir(".."), 0);
	snprintf(buf, sizeof buf, "%s/f", e);
	CHECK_EQ(stat(buf, &st), 0);
	CHECK_EQ(unlink(buf), 0);
	CHECK_EQ(chdir("/"), 0);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(rmdir(deep), 0);
		*strrchr(deep, '/') = 0;
	}
	CHECK(sbrk(-(long)(top - (uintptr_t)brk0)) != (void *)-1);
	for (int k = 1; k <= 8; k++) {
		snprintf(name, sizeof name, "/tmp/%.*s", k, "qqqqqqqq");
		CHECK_EQ(unlink(name), 0);
	}
	CHECK_EQ(rmdir("/tmp/dddddddddddddddddddddddddddddddddddddddd"), 0);
	printf("files: paths taken in at every alignment, before an unmapped page, around the "
	       "kernel's buffer and 4096 bytes, from short and long current directories\n");
}

/* The server is told the caller's effective ids: a file a uid-1000
 * process creates is 1000's; and mounting is root's. */
static void user_identity(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		CHECK_EQ(setgid(1000), 0);
		CHECK_EQ(setuid(1000), 0);
		int fd = open("/tmp/mine", O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
		CHECK_EQ(lde_sys_mount("/m", -1), -EPERM);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	struct stat st;
	CHECK_EQ(stat("/tmp/mine", &st), 0);
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(st.st_gid, 1000);
	CHECK_EQ(unlink("/tmp/mine"), 0);
	printf("files: the server sees the caller's uid and gid; mount is root's\n");
}

/* A test server at /rb: answers OPEN, STAT (ENOENT, after checking how
 * the path came: in its receive buffer or not, as the name's first letter
 * says: 'i' inline, 'l' by lease) and READ (w1 0: "hello" with the reply;
 * w1 5: the end; else it tells the pipe and holds the read). */
static void rb_server(int sep, int tell)
{
	static char buf[16];
	memset(buf, 1, sizeof buf); /* its page there and written */
	CHECK_EQ(ipc_buffer(buf, 8), 0);
	struct lde_msg m;
	long r = ipc_recv(sep, &m);
	for (;;) {
		CHECK(r >= 0);
		uint32_t label = LDE_MSG_LABEL(r), err = 0;
		if (label == LDE_FS_STAT || label == LDE_FS_OPEN) {
			uint32_t len =
				label == LDE_FS_OPEN ? LDE_FS_LEN1(m.w[1]) : LDE_FS_LEN0(m.w[0]);
			char got[64] = { 0 };
			CHECK(len < sizeof got);
			CHECK_EQ(lease_read(m.token, 0, 0, got, len), len); /* the lease is there */
			int inl = (r & LDE_MSG_INLINE0) != 0;
			CHECK_EQ(inl, got[0] == 'i');
			if (inl)
				CHECK(!memcmp(buf, got, len));
			if (!strcmp(got, "iswitch")) {
				/* A buffer whose page was never touched. */
				char *heap = sbrk(8192);
				CHECK_EQ(ipc_buffer((char *)(((uintptr_t)heap + 4095) & ~4095UL),
						    64),
					 0);
			}
			err = label == LDE_FS_STAT ? ENOENT : 0;
			m.w[0] = LDE_S_IFREG | 0644;
		} else if (label == LDE_FS_READ && m.w[1] == 0) {
			static const struct lde_iov v[] = { { (uint64_t) "hel", 3 },
							    { (uint64_t) "lo", 2 } };
			m.info = LDE_MSG_INFO(0, 2, -1);
			m.w[0] = 5;
			m.w[2] = LDE_MSG_DATA_AT(0, 0);
			m.w[3] = (uint64_t)v;
			r = ipc_reply_recv(sep, &m);
			continue;
		} else if (label == LDE_FS_READ && m.w[1] == 5) {
			m.w[0] = 0;
		} else if (label == LDE_FS_READ) {
			write(tell, "h", 1);
			r = ipc_recv(sep, &m); /* the held read is never answered */
			continue;
		} else {
			CHECK_EQ(label, LDE_FS_CLOSE);
			r = ipc_recv(sep, &m);
			continue;
		}
		m.info = LDE_MSG_INFO(err, 0, -1);
		r = ipc_reply_recv(sep, &m);
	}
}

/* A server's receive buffer (ipc_buffer): the path of the kernel's call
 * arrives there when it fits; a read answered with data; a reader killed
 * while its server holds the read, and one whose server dies. */
static void recv_buffer(void)
{
	CHECK_EQ(ipc_buffer((void *)(0x4000000000UL - 8), 16), -1);
	CHECK_EQ(errno, EFAULT);
	long files = files_in_use();
	int sep = ep_create();
	CHECK_EQ(mount("/rb", sep), 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t srv = fork();
	if (srv == 0)
		rb_server(sep, p[1]);
	struct stat st;
	/* Paths of 2, 8 and 9 bytes for a buffer of 8, then a buffer whose
	 * page is not there. */
	static const char *const names[] = { "/rb/iab", "/rb/i1234567", "/rb/l12345678" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK_EQ(stat(names[i], &st), -1);
		CHECK_EQ(errno, ENOENT);
	}
	/* Reads of a descriptor of one process alone (the detached call,
	 * docs/files.md), answered with data, then the end. */
	int fd = open("/rb/if", O_RDONLY);
	CHECK(fd >= 0);
	char b[16] = { 0 };
	CHECK_EQ(read(fd, b, sizeof b), 5);
	CHECK(!strcmp(b, "hello"));
	CHECK_EQ(read(fd, b, sizeof b), 0);
	close(fd);
	CHECK_EQ(stat("/rb/iswitch", &st), -1);
	CHECK_EQ(stat("/rb/lx", &st), -1);
	CHECK_EQ(errno, ENOENT);
	/* A reader killed while the server holds its read, and one whose
	 * server dies: EIO. */
	pid_t reader = fork();
	if (reader == 0) {
		int rfd = open("/rb/lr", O_RDONLY);
		lseek(rfd, 9, SEEK_SET);
		read(rfd, b, sizeof b);
		printf("FAIL: the held read returned\n");
		_exit(1);
	}
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1); /* the server holds the read */
	CHECK_EQ(kill(reader, SIGKILL), 0);
	CHECK_EQ(reap(reader), LDE_W_SIGNALED(SIGKILL));
	reader = fork();
	if (reader == 0) {
		int rfd = open("/rb/lr", O_RDONLY);
		lseek(rfd, 9, SEEK_SET);
		CHECK_EQ(read(rfd, b, sizeof b), -1);
		CHECK_EQ(errno, EIO);
		child_done();
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(kill(srv, SIGKILL), 0);
	CHECK_EQ(reap(srv), LDE_W_SIGNALED(SIGKILL));
	CHECK_EQ(reap(reader), 0);
	CHECK_EQ(mount("/rb", -1), 0);
	close(sep);
	close(p[0]);
	close(p[1]);
	CHECK_EQ(files_in_use(), files);
	printf("files: paths arrive in the server's receive buffer, reads with the reply, held reads end\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child(argc, argv);
	start_server();
	long files = files_in_use();
	basic();
	user_identity();
	dup_fork();
	exec_cloexec();
	killed_with_files();
	paths();
	dirs();
	stdio_files();
	nonblock_pipe();
	exec_from_mount();
	client_killed();
	bad_args();
	recv_buffer();
	path_copies();
	CHECK_EQ(files_in_use(), files);
	CHECK_EQ(server_open_handles("/tmp"), 0);
	server_death();
	return check_exit("t_files");
}
