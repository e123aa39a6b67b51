/* rm [-rf] path...: remove each file; -r removes directories with all
 * they hold; -f is quiet about paths that do not exist (and about having
 * none). A symbolic link is removed itself, never what it leads to, even
 * with -r. */
#include "cmd.h"
#include "dirent.h"
#include "uapi.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rflag, fflag;

static int remove_path(const char *path);

/* The entries of dir are read in full before any is removed, so that
 * removing cannot disturb the listing. */
static int remove_tree(const char *dir)
{
	char **names;
	int err, status = 0;
	long got = cmd_read_dir(dir, CMD_DIR_ENTRIES, &names, &err);
	if (got < 0)
		return cmd_error("rm", dir);
	size_t n = (size_t)got;
	if (err) {
		errno = err;
		status = cmd_error("rm", dir);
	}
	for (size_t i = 0; i < n; i++) {
		char path[LDE_FS_PATH_MAX];
		if (cmd_join(path, sizeof path, dir, names[i]) < 0)
			status = cmd_error("rm", names[i]);
		else
			status |= remove_path(path);
		free(names[i]);
	}
	free(names);
	if (status)
		return status; /* what is left in dir says why it stays */
	return rmdir(dir) < 0 ? cmd_error("rm", dir) : 0;
}

static int remove_path(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return fflag && errno == ENOENT ? 0 : cmd_error("rm", path);
	if (S_ISDIR(st.st_mode)) {
		if (rflag)
			return remove_tree(path);
		errno = EISDIR;
		return cmd_error("rm", path);
	}
	if (unlink(path) < 0 && !(fflag && errno == ENOENT))
		return cmd_error("rm", path);
	return 0;
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = cmd_getopt(argc, argv, "rf")) != -1) {
		switch (opt) {
		case 'r': rflag = 1; break;
		case 'f': fflag = 1; break;
		default: return cmd_usage("rm [-rf] path...");
		}
	}
	if (cmd_optind >= argc && !fflag)
		return cmd_usage("rm [-rf] path...");
	int status = 0;
	for (int i = cmd_optind; i < argc; i++)
		status |= remove_path(argv[i]);
	return status;
}
