#pragma once

/* Replace the current process's image with the program at path from the
 * initrd, passing argv (kernel copies, argc entries). On failure the old
 * image is untouched and -errno comes back. */
int proc_exec(const char *path, int argc, char *const argv[]);
