/* rmdir dir...: remove each directory, which must be empty. */
#include "cmd.h"
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || cmd_optind >= argc)
		return cmd_usage("rmdir dir...");
	int status = 0;
	for (int i = cmd_optind; i < argc; i++)
		if (rmdir(argv[i]) < 0)
			status = cmd_error("rmdir", argv[i]);
	return status;
}
