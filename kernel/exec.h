#pragma once

/* Replace the current process's image with the program at path from the
 * initrd, or if the initrd has no such file from the mount that owns path
 * (docs/files.md), passing argv (kernel copies, argc entries). On failure the old
 * image is untouched and -errno comes back. */
int proc_exec(const char *path, int argc, char *const argv[]);
