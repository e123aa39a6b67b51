/* cp src dst, cp src... dir: copy files; into dir under their own names
 * when the last argument is a directory. The copy gets the source's
 * permissions (less the umask, if it is new). */
#include "cmd.h"
#include "uapi.h"
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

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
			status |= cmd_copy_file("cp", argv[i], last);
		else if (cmd_join(dst, sizeof dst, last, cmd_basename(argv[i], base, sizeof base)) <
			 0)
			status = cmd_error("cp", argv[i]);
		else
			status |= cmd_copy_file("cp", argv[i], dst);
	}
	return status;
}
