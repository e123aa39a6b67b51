/* Starting the file-system service (docs/files.md, "The server"): svc
 * supervising servers/fs on an endpoint that the starter mounts. */
#pragma once

/* Start `/svc fs EP BLKFD READY [bufs [flush_ms]]`: the server of
 * endpoint ep (an unbadged one, which the caller keeps, to mount it) over
 * the disk's client endpoint blkfd; bufs: the cache size in buffers as
 * text, flush_ms the period of its write-back in milliseconds ("0": none,
 * for tests), each NULL for the server's default. Waits until the server serves: 0 and svc's pid
 * in *svc_pid; -ENODEV if the disk has no file system it can mount (the
 * service has ended), or -errno. */
int fs_service_start(int ep, int blkfd, const char *bufs, const char *flush_ms, int *svc_pid);

/* Start it on the disk at BLK_FD and mount it at "/": 0 or -errno. */
int fs_service_mount_root(const char *bufs, const char *flush_ms, int *svc_pid);
