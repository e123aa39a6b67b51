/* touch file...: create each file that does not exist (empty), and set
 * its access and modification times to now (lde has no calendar: "now" is
 * the seconds since boot, docs/files.md). */
#include "cmd.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || cmd_optind >= argc)
		return cmd_usage("touch file...");
	int status = 0;
	for (int i = cmd_optind; i < argc; i++) {
		if (access(argv[i], F_OK) < 0) {
			int fd = errno == ENOENT ? open(argv[i], O_WRONLY | O_CREAT, 0666) : -1;
			if (fd < 0) {
				status = cmd_error("touch", argv[i]);
				continue;
			}
			close(fd);
		}
		if (utimes(argv[i], NULL) < 0)
			status = cmd_error("touch", argv[i]);
	}
	return status;
}
