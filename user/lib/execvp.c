/* execvp: exec by name, searching where lde keeps its programs. lde has no
 * environment, so the search path is fixed, the shell's: "/" and then
 * "/bin". A name under "/" is first looked up in the initrd by the kernel
 * (which holds only what brings the disk up), then on the disk's root; every
 * other program is in the disk's /bin. A name with a '/' is a path, run as
 * it is. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lde.h"

int execvp(const char *file, char *const argv[])
{
	static const char *const dirs[] = { "", "/bin" };
	if (strchr(file, '/'))
		return exec(file, argv);
	char path[LDE_PATH_MAX];
	int err = ENOENT;
	for (unsigned i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dirs[i], file) >= (int)sizeof path) {
			err = ENAMETOOLONG;
			break;
		}
		exec(path, argv);
		/* As POSIX's: a file found but refused (EACCES, ENOEXEC...)
		 * ends the search with its error; only "not there" goes on. */
		if (errno != ENOENT && errno != ENOTDIR) {
			err = errno;
			break;
		}
	}
	errno = err;
	return -1;
}
