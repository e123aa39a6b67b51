/* mv src dst, mv src... dir: rename files and directories, into dir under
 * their own names when the last argument is a directory. Across file
 * systems (rename's EXDEV) a regular file is copied, then removed; a
 * symbolic link is made again there (the link, not what it leads to),
 * then removed; a directory is not moved. */
#include "cmd.h"
#include "uapi.h"
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int move(const char *src, const char *dst)
{
	if (rename(src, dst) == 0)
		return 0;
	struct stat st;
	if (errno != EXDEV || lstat(src, &st) < 0)
		return cmd_error("mv", src);
	if (S_ISLNK(st.st_mode)) {
		char target[LDE_FS_PATH_MAX];
		ssize_t n = readlink(src, target, sizeof target - 1);
		if (n < 0)
			return cmd_error("mv", src);
		target[n] = 0;
		/* As rename would, a file already at dst is replaced. */
		struct stat dst_st;
		if (lstat(dst, &dst_st) == 0 && !S_ISDIR(dst_st.st_mode) && unlink(dst) < 0)
			return cmd_error("mv", dst);
		if (symlink(target, dst) < 0)
			return cmd_error("mv", dst);
		return unlink(src) < 0 ? cmd_error("mv", src) : 0;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EXDEV; /* only a regular file is copied across */
		return cmd_error("mv", src);
	}
	if (cmd_copy_file("mv", src, dst))
		return 1;
	return unlink(src) < 0 ? cmd_error("mv", src) : 0;
}

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || argc - cmd_optind < 2)
		return cmd_usage("mv src dst | mv src... dir");
	const char *last = argv[argc - 1];
	struct stat st;
	int into_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
	if (!into_dir && argc - cmd_optind > 2) {
		errno = ENOTDIR;
		return cmd_error("mv", last);
	}
	int status = 0;
	for (int i = cmd_optind; i < argc - 1; i++) {
		char dst[LDE_FS_PATH_MAX], base[LDE_NAME_LEN + 1];
		if (into_dir &&
		    cmd_join(dst, sizeof dst, last, cmd_basename(argv[i], base, sizeof base)) < 0)
			status = cmd_error("mv", argv[i]);
		else
			status |= move(argv[i], into_dir ? dst : last);
	}
	return status;
}
