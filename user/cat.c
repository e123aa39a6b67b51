/* cat [file...]: copy each file (standard input for none or "-") to
 * standard output. */
#include "cmd.h"
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1)
		return cmd_usage("cat [file...]");
	int status = 0;
	char *stdin_only[] = { "-", NULL };
	char **files = cmd_optind < argc ? argv + cmd_optind : stdin_only;
	for (; *files; files++) {
		int fd = cmd_open_in(*files);
		if (fd < 0 || cmd_copy(fd, 1) < 0)
			status = cmd_error("cat", *files);
		if (fd >= 0)
			cmd_close_in(fd);
	}
	return status;
}
