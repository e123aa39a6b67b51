/* cp src dst, cp src... dir: copy files; into dir under their own names
 * when the last argument is a directory. The copy gets the source's
 * permissions (less the umask, if it is new). */
#include "cmd.h"
#include "uapi.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy(const char *src, const char *dst)
{
	struct stat st;
	int in = open(src, O_RDONLY);
	if (in < 0)
		return cmd_error("cp", src);
	if (fstat(in, &st) < 0 || S_ISDIR(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		cmd_error("cp", src);
		close(in);
		return 1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (out < 0) {
		cmd_error("cp", dst);
		close(in);
		return 1;
	}
	int status = 0;
	static char buf[4096];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (cmd_write_all(out, buf, (size_t)n) < 0) {
			status = cmd_error("cp", dst);
			break;
		}
	if (n < 0)
		status = cmd_error("cp", src);
	close(in);
	if (close(out) < 0 && !status)
		status = cmd_error("cp", dst);
	return status;
}

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || argc - cmd_optind < 2)
		return cmd_usage("cp src dst | cp src... dir");
	const char *last = argv[argc - 1];
	struct stat st;
	int into_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
	if (!into_dir && argc - cmd_optind > 2) {
		errno = ENOTDIR;
		return cmd_error("cp", last);
	}
	int status = 0;
	for (int i = cmd_optind; i < argc - 1; i++) {
		char dst[LDE_FS_PATH_MAX], base[LDE_NAME_LEN + 1];
		if (!into_dir)
			status |= copy(argv[i], last);
		else if (cmd_join(dst, sizeof dst, last, cmd_basename(argv[i], base, sizeof base)) <
			 0)
			status = cmd_error("cp", argv[i]);
		else
			status |= copy(argv[i], dst);
	}
	return status;
}
