/* df [path...]: size, use and free space (KiB) and inodes of the file
 * system that holds each path ("/" by default), as statfs() reports. */
#include "cmd.h"
#include "lde.h"
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (cmd_getopt(argc, argv, "") != -1)
		return cmd_usage("df [path...]");
	int status = 0, header = 0, npaths = argc - cmd_optind;
	for (int i = cmd_optind; i < argc || (npaths == 0 && i == cmd_optind); i++) {
		const char *path = npaths ? argv[i] : "/";
		struct lde_statfs sf;
		if (lde_statfs(path, &sf) < 0) {
			status = cmd_error("df", path);
			continue;
		}
		if (!header++)
			printf("%10s %10s %10s %8s %8s  %s\n", "1K-blocks", "Used", "Available",
			       "Inodes", "IFree", "Path");
		unsigned long long k = sf.bsize / 1024 ? sf.bsize / 1024 : 1;
		printf("%10llu %10llu %10llu %8llu %8llu  %s\n", (unsigned long long)sf.blocks * k,
		       (unsigned long long)(sf.blocks - sf.bfree) * k,
		       (unsigned long long)sf.bfree * k, (unsigned long long)sf.files,
		       (unsigned long long)sf.ffree, path);
	}
	return status;
}
