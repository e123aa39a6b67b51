/* Files of file servers (docs/files.md): the mount table, path names with
 * the current directory, and the forwarding of every file operation to the
 * server that owns the mount, as IPC calls the kernel makes for the caller
 * (ipc_kcall). The system calls on paths are here (vfs.c). */
#pragma once
#include "file.h"

#define NMOUNT 8 /* mounts in the whole system */

/* read/write a FILE_REMOTE at its offset, which moves on. Bytes or -errno. */
long vfs_read(struct file *f, uint64_t ubuf, size_t n);
long vfs_write(struct file *f, uint64_t ubuf, size_t n);
/* f's last descriptor went (file_put): its CLOSE is queued for the server;
 * never blocks. */
void vfs_release(struct file *f);
/* exec (exec.c): open path (a kernel string, taken from the current
 * directory unless absolute) on its mount for reading; it must be a
 * regular file with an execute bit. The file in *out (the caller puts it),
 * its attributes as the server's fstat gives them in *st (size, mode with
 * the set-user-ID bits, owner). -ENOENT if no mount owns the path. */
int vfs_exec_open(const char *path, struct file **out, struct lde_stat *st);
/* Read exactly n bytes at off of FILE_REMOTE f into the kernel buffer buf:
 * 0, -ENOEXEC if the file is shorter, or the server's error. */
int vfs_read_exact(struct file *f, void *buf, uint64_t off, size_t n);
/* Mounts in use (meminfo-style leak checks). */
int vfs_mount_count(void);
