/* The default first process: starts the disk service, runs the shell, and
 * keeps reaping orphans that are handed to it, until the shell exits; then
 * its status becomes the machine's (the kernel powers off when init
 * exits).
 *
 * The disk (docs/drivers.md): init claims the device-manager right (only
 * pid 1 can) and hands it to the supervisor, servers/svc, which starts the
 * driver, servers/blk; every program init starts gets a client endpoint
 * of the disk at descriptor BLK_FD (15), which libblk uses. The shell is
 * forked first, so that it is pid 2 as ever, and held until the service
 * has said whether there is a disk, so that its prompt comes after that.
 *
 * Init runs as root; the shell runs as an ordinary user, uid and gid 1000,
 * unless init's argument (from the kernel command line's user=, which the
 * kernel passes on) says otherwise: user=root, or user=UID (gid = uid).
 *
 * With a disk, init then starts the file-system service (servers/svc
 * supervising servers/fs, as root) and mounts it at "/" (docs/files.md,
 * "The server"), before the shell runs; and when the shell exits, init
 * asks every mounted server to write what it holds (sync) before the
 * machine powers off.
 *
 * The initrd holds only what brings the disk up (this program, svc, blk,
 * fs and sh); every other program is in the disk's /bin. With no disk,
 * or a disk whose file system does not mount, the shell still runs, as a
 * rescue shell, and init says so first: what it can run is its builtins
 * and the initrd's programs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "blk.h"
#include "fssvc.h"
#include "lde.h"

/* Put the client endpoint at BLK_FD (there is no dup2: dup until it lands
 * there, then close the steps). */
static int at_blk_fd(int fd)
{
	int steps[BLK_FD], n = 0, d = fd;
	while (d >= 0 && d < BLK_FD) {
		steps[n++] = d;
		d = dup(fd);
	}
	for (int i = 0; i < n; i++)
		close(steps[i]);
	return d == BLK_FD ? 0 : -1;
}

#define SHELL_UID 1000

/* Why nothing is mounted at "/", and what the shell can run without it:
 * the initrd's programs, listed from the initrd itself (or counted, if
 * they do not fit on the line: the test initrd has every program). */
static void rescue_banner(const char *why)
{
	char names[64] = "", name[64];
	size_t len = 0;
	int count = 0, listed = 1;
	for (; initrd_readdir(count, name, sizeof name) > 0; count++) {
		if (!listed)
			continue;
		int n = snprintf(names + len, sizeof names - len, "%s%s", len ? " " : "", name);
		if (n < 0 || (size_t)n >= sizeof names - len)
			listed = 0;
		else
			len += (size_t)n;
	}
	if (!listed)
		snprintf(names, sizeof names, "%d of them; ls / lists them", count);
	fprintf(stderr,
		"init: nothing is mounted at / (%s): this is the rescue shell\n"
		"init: it runs its builtins (help) and the initrd's programs (%s);"
		" the others are in the disk's /bin\n",
		why, names);
}

/* The uid user=VALUE names, or -1 if VALUE is neither root nor a number
 * an id can take (0..65534). */
static long parse_user(const char *value)
{
	if (!strcmp(value, "root"))
		return 0;
	char *end;
	long uid = strtol(value, &end, 10);
	if (!*value || *end || uid < 0 || uid > 65534)
		return -1;
	return uid;
}

int main(int argc, char **argv)
{
	long uid = SHELL_UID;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "user=", 5)) {
			long u = parse_user(argv[i] + 5);
			if (u < 0)
				fprintf(stderr, "init: bad %s ignored (root, or 0..65534)\n",
					argv[i]);
			else
				uid = u;
		}
	}
	char *sh_argv[] = { "sh", NULL };
	int mgr = (int)lde_sys_dev_manager();
	int ep = ep_create();
	int client = ep >= 0 ? ep_mint(ep, 1) : -1;
	int have_disk = client >= 0 && mgr >= 0 && at_blk_fd(client) == 0;
	int gate[2];
	if (pipe(gate) < 0) {
		perror("init: pipe");
		return 1;
	}
	pid_t sh = fork();
	if (sh < 0) {
		perror("init: fork");
		return 1;
	}
	if (sh == 0) {
		char c = 'N';
		close(gate[1]);
		if (mgr >= 0)
			close(mgr);
		if (ep >= 0)
			close(ep);
		(void)!read(gate[0], &c, 1);
		close(gate[0]);
		if (c != 'R')
			close(BLK_FD);
		/* The group first: once the uid is dropped, setgid is no longer
		 * root's. A drop that fails runs no shell at all rather than a
		 * root one. */
		if (setgid((gid_t)uid) || setuid((uid_t)uid)) {
			perror("init: setuid");
			_exit(127);
		}
		exec("/sh", sh_argv);
		perror("init: exec /sh");
		_exit(127);
	}
	close(gate[0]);
	if (have_disk) {
		int svc;
		have_disk = blk_service_start(mgr, ep, NULL, &svc) == 0;
	} else if (ep >= 0) {
		close(ep);
	}
	if (mgr >= 0)
		close(mgr);
	if (!have_disk) {
		close(BLK_FD);
		rescue_banner("no disk");
	} else if (fs_service_mount_root(NULL, NULL, NULL) < 0) {
		/* The server has said why. */
		rescue_banner("the disk's file system did not mount");
	}
	(void)!write(gate[1], have_disk ? "R" : "N", 1);
	close(gate[1]);
	for (;;) {
		int status;
		pid_t pid = wait(&status);
		if (pid == sh) {
			sync();
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		if (pid < 0)
			return 1;
	}
}
