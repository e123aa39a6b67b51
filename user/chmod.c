/* chmod MODE path...: set the permissions of each path to MODE, an octal
 * number (0 to 7777). */
#include "cmd.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1 || argc - cmd_optind < 2)
		return cmd_usage("chmod octal-mode path...");
	char *end;
	const char *m = argv[cmd_optind++];
	unsigned long mode = strtoul(m, &end, 8);
	if (end == m || *end || mode > 07777 || *m == '-' || *m == '+')
		return cmd_usage("chmod octal-mode path...");
	int status = 0;
	for (int i = cmd_optind; i < argc; i++)
		if (chmod(argv[i], (mode_t)mode) < 0)
			status = cmd_error("chmod", argv[i]);
	return status;
}
