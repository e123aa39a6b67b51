/* ls [-la] [path...]: the entries of each directory (sorted, without the
 * names that start with '.' unless -a), or the file itself; -l adds the
 * mode, links, owner and group numbers and size, and shows a symbolic
 * link as itself, "name -> target" (without -l, a link to a directory
 * given as an argument lists the directory). With nothing mounted at
 * "/", "/" lists the programs and files of the initrd, as before files. */
#include "cmd.h"
#include "dirent.h"
#include "lde.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int aflag, lflag;

static void mode_string(mode_t m, char s[11])
{
	s[0] = S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISFIFO(m) ? 'p' : S_ISLNK(m) ? 'l' : '-';
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		s[1 + i] = m & (0400 >> i) ? rwx[i] : '-';
	/* Set-user-ID, set-group-ID and sticky in the x places, as ls does:
	 * lower case over an x, upper case where there is none. */
	if (m & S_ISUID)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = 0;
}

/* name's line; path is where the file is (for a symlink's target). */
static void show(const char *name, const char *path, const struct stat *st)
{
	if (lflag) {
		char m[11], target[LDE_FS_PATH_MAX];
		mode_string(st->st_mode, m);
		ssize_t n = S_ISLNK(st->st_mode) ? readlink(path, target, sizeof target - 1) : -1;
		target[n < 0 ? 0 : n] = 0;
		printf("%s %3lu %4lu %4lu %8lld %s%s%s\n", m, (unsigned long)st->st_nlink,
		       (unsigned long)st->st_uid, (unsigned long)st->st_gid, (long long)st->st_size,
		       name, n < 0 ? "" : " -> ", target);
	} else {
		printf("%s\n", name);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is path "/" (or the current directory, which is "/") with no file
 * system mounted there? Then the initrd is what there is to list. */
static int unmounted_root(const char *path)
{
	char cwd[8];
	struct lde_statfs sf;
	if (path[strspn(path, "/.")] || lde_statfs("/", &sf) == 0)
		return 0;
	return path[0] == '/' || (getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/"));
}

static int list_initrd(void)
{
	char name[LDE_PATH_MAX];
	long r;
	for (int i = 0; (r = initrd_readdir(i, name, sizeof name)) > 0; i++)
		printf("%s\n", name);
	return r < 0 ? cmd_error("ls", "initrd") : 0;
}

static int list_dir(const char *path)
{
	char **names;
	int err, status = 0;
	long got = cmd_read_dir(path, aflag ? CMD_DIR_ALL : CMD_DIR_VISIBLE, &names, &err);
	if (got < 0)
		return cmd_error("ls", path);
	size_t n = (size_t)got;
	if (err) {
		errno = err;
		status = cmd_error("ls", path);
	}
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		char full[LDE_FS_PATH_MAX];
		struct stat st;
		if (!lflag)
			show(names[i], NULL, NULL);
		else if (cmd_join(full, sizeof full, path, names[i]) < 0 || lstat(full, &st) < 0)
			status = cmd_error("ls", names[i]);
		else
			show(names[i], full, &st);
		free(names[i]);
	}
	free(names);
	return status;
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = cmd_getopt(argc, argv, "la")) != -1) {
		switch (opt) {
		case 'l': lflag = 1; break;
		case 'a': aflag = 1; break;
		default: return cmd_usage("ls [-la] [path...]");
		}
	}
	int status = 0, npaths = argc - cmd_optind;
	for (int i = cmd_optind; i < argc || (npaths == 0 && i == cmd_optind); i++) {
		const char *path = npaths ? argv[i] : ".";
		struct stat st;
		if ((lflag ? lstat(path, &st) : stat(path, &st)) < 0) {
			if (errno == ENOENT && unmounted_root(path))
				status |= list_initrd();
			else
				status = cmd_error("ls", path);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			show(path, path, &st);
			continue;
		}
		if (npaths > 1)
			printf("%s%s:\n", i == cmd_optind ? "" : "\n", path);
		status |= list_dir(path);
	}
	return status;
}
