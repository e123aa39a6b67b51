/* The file-system service's starter (fssvc.h). */
#include "fssvc.h"
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "blk.h"
#include "lde.h"

int fs_service_start(int ep, int blkfd, const char *bufs, const char *flush_ms, int *svc_pid)
{
	int p[2];
	if (pipe(p) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]), close(p[1]);
		return -e;
	}
	if (pid == 0) {
		char a[3][12];
		snprintf(a[0], sizeof a[0], "%d", ep);
		snprintf(a[1], sizeof a[1], "%d", blkfd);
		snprintf(a[2], sizeof a[2], "%d", p[1]);
		close(p[0]);
		char *argv[] = {
			"svc", "fs", a[0], a[1], a[2], (char *)bufs, (char *)flush_ms, NULL
		};
		exec("/svc", argv);
		perror("fs: exec /svc");
		_exit(127);
	}
	close(p[1]);
	char c = 0;
	long n = read(p[0], &c, 1);
	close(p[0]);
	if (svc_pid)
		*svc_pid = pid;
	return n == 1 && c == 'R' ? 0 : -ENODEV;
}

int fs_service_mount_root(const char *bufs, const char *flush_ms, int *svc_pid)
{
	int ep = ep_create();
	if (ep < 0)
		return -errno;
	int r = fs_service_start(ep, BLK_FD, bufs, flush_ms, svc_pid);
	/* The mount holds the unbadged endpoint, and so does svc: calls
	 * queued while a server restarts wait for the next one. */
	if (r == 0 && mount("/", ep) < 0)
		r = -errno;
	close(ep);
	return r;
}
