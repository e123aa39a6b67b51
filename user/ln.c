/* ln [-s] target name, ln [-s] target... dir: hard links, or with -s
 * symbolic links, into dir under the targets' own names when the last
 * argument is a directory (or a symlink to one). A symbolic link's target
 * is kept as it is written, so a relative one is taken from the link's
 * directory when followed. */
#include "cmd.h"
#include "uapi.h"
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int opt, sflag = 0;
	while ((opt = cmd_getopt(argc, argv, "s")) != -1) {
		if (opt != 's')
			return cmd_usage("ln [-s] target name | ln [-s] target... dir");
		sflag = 1;
	}
	if (argc - cmd_optind < 2)
		return cmd_usage("ln [-s] target name | ln [-s] target... dir");
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
		const char *name = into_dir ? dst : last;
		if (into_dir &&
		    cmd_join(dst, sizeof dst, last, cmd_basename(argv[i], base, sizeof base)) < 0)
			status = cmd_error("ln", argv[i]);
		else if ((sflag ? symlink(argv[i], name) : link(argv[i], name)) < 0)
			status = cmd_error("ln", sflag ? name : argv[i]);
	}
	return status;
}
