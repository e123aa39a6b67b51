/* sync: ask every mounted file server to write what it holds. */
#include "cmd.h"
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || cmd_optind < argc)
		return cmd_usage("sync");
	sync();
	return 0;
}
