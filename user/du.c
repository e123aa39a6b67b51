/* du [-s] [path...]: the space (KiB, from each file's 512-byte blocks)
 * taken by each path ("." by default) and everything under it; each
 * directory is shown on the way, or with -s only the totals. A file with
 * several links is counted at each. Symbolic links are not followed
 * (each counts its own blocks), so a link cannot lead du in circles. */
#include "cmd.h"
#include "dirent.h"
#include "uapi.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sflag, status;

/* The 512-byte blocks under path; errors are reported and skipped. */
static unsigned long long walk(const char *path, int top)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		status = cmd_error("du", path);
		return 0;
	}
	unsigned long long blocks = (unsigned long long)st.st_blocks;
	if (!S_ISDIR(st.st_mode)) {
		if (top)
			printf("%llu\t%s\n", (blocks + 1) / 2, path);
		return blocks;
	}
	DIR *d = opendir(path);
	if (!d) {
		status = cmd_error("du", path);
		return blocks;
	}
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		char sub[LDE_FS_PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (cmd_join(sub, sizeof sub, path, e->d_name) < 0)
			status = cmd_error("du", e->d_name);
		else
			blocks += walk(sub, 0);
		errno = 0;
	}
	if (errno)
		status = cmd_error("du", path);
	closedir(d);
	if (top || !sflag)
		printf("%llu\t%s\n", (blocks + 1) / 2, path);
	return blocks;
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = cmd_getopt(argc, argv, "s")) != -1) {
		if (opt != 's')
			return cmd_usage("du [-s] [path...]");
		sflag = 1;
	}
	int npaths = argc - cmd_optind;
	for (int i = cmd_optind; i < argc || (npaths == 0 && i == cmd_optind); i++)
		walk(npaths ? argv[i] : ".", 1);
	return status;
}
