/* mkdir [-p] dir...: make each directory (mode 0777 less the umask); -p
 * makes the missing parents too and accepts a directory that exists. */
#include "cmd.h"
#include "uapi.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int pflag;

static int make(const char *path)
{
	struct stat st;
	if (mkdir(path, 0777) == 0)
		return 0;
	int err = errno;
	if (pflag && err == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	errno = err; /* mkdir's error, not stat's */
	return -1;
}

/* Every prefix of path that ends before a '/' that is not a directory
 * yet, then path itself. */
static int make_parents(const char *path)
{
	char buf[LDE_FS_PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i < len; i++) {
		if (buf[i] != '/' || buf[i - 1] == '/')
			continue;
		buf[i] = 0;
		struct stat st;
		int r = stat(buf, &st);
		if (r == 0 && !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			r = -1;
		} else if (r < 0 && errno == ENOENT) {
			r = make(buf);
		}
		buf[i] = '/';
		if (r < 0)
			return -1;
	}
	return make(path);
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = cmd_getopt(argc, argv, "p")) != -1) {
		if (opt != 'p')
			return cmd_usage("mkdir [-p] dir...");
		pflag = 1;
	}
	if (cmd_optind >= argc)
		return cmd_usage("mkdir [-p] dir...");
	int status = 0;
	for (int i = cmd_optind; i < argc; i++)
		if ((pflag ? make_parents(argv[i]) : make(argv[i])) < 0)
			status = cmd_error("mkdir", argv[i]);
	return status;
}
