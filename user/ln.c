/* ln target name, ln target... dir: hard links, into dir under the
 * targets' own names when the last argument is a directory. No -s: the
 * file protocol has no symbolic links (kernel/uapi_fs.h). */
#include "cmd.h"
#include "uapi.h"
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || argc - cmd_optind < 2)
		return cmd_usage("ln target name | ln target... dir");
	const char *last = argv[argc - 1];
	struct stat st;
	int into_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
	if (!into_dir && argc - cmd_optind > 2) {
		errno = ENOTDIR;
		return cmd_error("ln", last);
	}
	int status = 0;
	for (int i = cmd_optind; i < argc - 1; i++) {
		char dst[LDE_FS_PATH_MAX], base[LDE_NAME_LEN + 1];
		if (into_dir &&
		    cmd_join(dst, sizeof dst, last, cmd_basename(argv[i], base, sizeof base)) < 0)
			status = cmd_error("ln", argv[i]);
		else if (link(argv[i], into_dir ? dst : last) < 0)
			status = cmd_error("ln", argv[i]);
	}
	return status;
}
