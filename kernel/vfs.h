/* Files of file servers (docs/files.md): the mount table, path names with
 * the current directory, and the forwarding of every file operation to the
 * server that owns the mount, as IPC calls the kernel makes for the caller
 * (ipc_kcall). The system calls on paths are here (vfs.c). */
#pragma once
#include "file.h"

#define NMOUNT 8	   /* mounts in the whole system */
#define MOUNT_PATH_MAX 256 /* a mount point's path, the NUL included */

/* read/write a FILE_REMOTE at its offset, which moves on. Bytes or -errno. */
long vfs_read(struct file *f, uint64_t ubuf, size_t n);
long vfs_write(struct file *f, uint64_t ubuf, size_t n);
/* f's last descriptor went (file_put): its CLOSE is queued for the server;
 * never blocks. */
void vfs_release(struct file *f);
/* Mounts in use (meminfo-style leak checks). */
int vfs_mount_count(void);
