/* svc: the supervisor of a server (docs/drivers.md, "When the driver
 * dies"). It supervises the disk driver or the file-system server:
 *
 *   /svc blk MGR EP READY [test]
 *   /svc fs EP BLKFD READY [CACHE_BUFS [FLUSH_MS]]
 *
 * MGR is the device-manager descriptor, EP the endpoint the driver serves,
 * READY a pipe to the starter (libblk's blk_service_start), on which svc
 * writes 'R' once a driver serves, 'N' if there is no disk. svc opens the
 * device (virtio-mmio slot 0), binds its interrupt to a notification, lets
 * go of the manager, and starts /blk with the device, the notification and
 * the endpoint. It keeps all three, so that a driver that dies is replaced
 * on the same endpoint and device: clients' calls queued on the endpoint
 * wait for the new driver; those the dead one held fail with ECONNRESET
 * and libblk sends them again. A driver that dies DEATHS times within
 * WINDOW_MS is not restarted: svc answers every request itself, with EIO.
 * "test" is passed on to the driver (its test switch).
 *
 * The file-system server (servers/fs, docs/files.md "The server") is
 * supervised the same way, on the endpoint EP that init mounts at "/",
 * with the disk's client endpoint BLKFD: started as whoever starts svc
 * (root), restarted on the same endpoint when it dies, up to DEATHS deaths
 * in WINDOW_MS. Files opened through a dead server get EIO from the next
 * one, which does not know their handles. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "blk.h"
#include "lde.h"

#define DEATHS 5
#define WINDOW_MS 10000
#define EXIT_NODISK 3 /* the driver: the slot is empty; fs: no file system it can mount */

static int dev, ntfn, ep, readyfd = -1, blkfd = -1;
static const char *flag, *flag2; /* passed on to the server */
static int fs_mode;		 /* supervising servers/fs rather than servers/blk */
static const char *name = "blk", *what = "driver";

/* Fork and exec the driver; its pid. *ready: the pipe it says 'R' on. */
static pid_t start_driver(int restarts, int *ready)
{
	int p[2];
	if (pipe(p) < 0) {
		perror("svc: pipe");
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (readyfd >= 0)
			close(readyfd); /* the starter's: only svc answers it */
		char a[5][12];
		if (fs_mode) {
			snprintf(a[0], sizeof a[0], "%d", ep);
			snprintf(a[1], sizeof a[1], "%d", blkfd);
			snprintf(a[2], sizeof a[2], "%d", p[1]);
			char *fargv[] = {
				"fs", a[0], a[1], a[2], (char *)flag, (char *)flag2, NULL
			};
			exec("/fs", fargv);
			perror("svc: exec /fs");
			_exit(127);
		}
		snprintf(a[0], sizeof a[0], "%d", dev);
		snprintf(a[1], sizeof a[1], "%d", ntfn);
		snprintf(a[2], sizeof a[2], "%d", ep);
		snprintf(a[3], sizeof a[3], "%d", p[1]);
		snprintf(a[4], sizeof a[4], "%d", restarts);
		char *argv[] = { "blk", a[0], a[1], a[2], a[3], a[4], (char *)flag, NULL };
		exec("/blk", argv);
		perror("blk: exec /blk");
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		perror("svc: fork");
		close(p[0]);
		return -1;
	}
	*ready = p[0];
	return pid;
}

/* Given up: every request fails with EIO (a stats request too, so that
 * a client can tell), for as long as the endpoint lives. */
static void answer_eio(void)
{
	struct lde_msg m;
	long r = ipc_recv(ep, &m);
	for (;;) {
		if (r < 0) {
			if (errno == EINTR) {
				r = ipc_recv(ep, &m);
				continue;
			}
			perror("svc: recv");
			exit(1);
		}
		if (LDE_MSG_CAP(m.info) >= 0)
			close(LDE_MSG_CAP(m.info));
		m.info = LDE_MSG_INFO(EIO, 0, -1);
		r = ipc_reply_recv(ep, &m);
	}
}

/* The driver's setup: the device and its interrupt. 0, or svc's exit
 * status (the starter has been told 'N'). */
static int blk_setup(int mgr)
{
	dev = (int)lde_sys_dev_open(mgr, 0);
	close(mgr); /* the driver needs the device, not the right to open others */
	if (dev < 0) {
		printf("blk: no disk (virtio-mmio slot 0: %s)\n", strerror((int)-dev));
		fflush(stdout);
		(void)!write(readyfd, "N", 1);
		exit(0);
	}
	ntfn = ntfn_create();
	if (ntfn < 0 || lde_sys_dev_irq_bind(dev, ntfn, 1) < 0) {
		perror("blk: interrupt");
		(void)!write(readyfd, "N", 1);
		exit(1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "fs") == 0) {
		fs_mode = 1;
		name = "fs", what = "server";
		ep = atoi(argv[2]);
		blkfd = atoi(argv[3]);
		readyfd = atoi(argv[4]);
		flag = argc > 5 ? argv[5] : NULL;
		flag2 = argc > 6 ? argv[6] : NULL;
	} else if (argc >= 5 && strcmp(argv[1], "blk") == 0) {
		int mgr = atoi(argv[2]);
		readyfd = atoi(argv[4]);
		ep = atoi(argv[3]);
		flag = argc > 5 ? argv[5] : NULL;
		blk_setup(mgr);
	} else {
		fprintf(stderr,
			"usage: svc blk MGR EP READY [test] | svc fs EP BLKFD READY [BUFS [MS]]\n");
		return 2;
	}

	long deaths[DEATHS] = { 0 }; /* when the last DEATHS drivers died */
	int restarts = 0, ndeaths = 0;
	for (;;) {
		int ready;
		pid_t pid = start_driver(restarts, &ready);
		if (pid < 0)
			break;
		char c = 0;
		int up = read(ready, &c, 1) == 1 && c == 'R';
		close(ready);
		if (up && readyfd >= 0) {
			(void)!write(readyfd, "R", 1);
			close(readyfd);
			readyfd = -1;
		}
		int st;
		pid_t w;
		while ((w = wait(&st)) != pid)
			if (w < 0 && errno != EINTR)
				return 1;
		if (!up && WIFEXITED(st) && WEXITSTATUS(st) == EXIT_NODISK) {
			/* The driver said so. Nothing to serve: the endpoint goes
			 * with us, and calls on it fail (EPIPE). */
			if (readyfd >= 0)
				(void)!write(readyfd, "N", 1);
			return 0;
		}
		if (WIFSIGNALED(st))
			printf("%s: %s pid %d died (signal %d)", name, what, pid, WTERMSIG(st));
		else
			printf("%s: %s pid %d exited (status %d)", name, what, pid,
			       WEXITSTATUS(st));
		long now = uptime();
		deaths[ndeaths++ % DEATHS] = now;
		if (ndeaths >= DEATHS && now - deaths[ndeaths % DEATHS] < WINDOW_MS) {
			printf(", %d deaths in %d s: not restarted; requests fail with EIO\n",
			       DEATHS, WINDOW_MS / 1000);
			break;
		}
		printf(", restarting\n");
		fflush(stdout);
		restarts++;
	}
	fflush(stdout);
	if (readyfd >= 0) {
		(void)!write(readyfd, "R", 1); /* it serves: with EIO */
		close(readyfd);
	}
	answer_eio();
}
