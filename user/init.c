/* The default first process: runs the shell, and keeps reaping orphans
 * that are handed to it, until the shell exits; then its status becomes
 * the machine's (the kernel powers off when init exits).
 *
 * Init runs as root; the shell runs as an ordinary user, uid and gid 1000,
 * unless init's argument (from the kernel command line's user=, which the
 * kernel passes on) says otherwise: user=root, or user=UID (gid = uid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

#define SHELL_UID 1000

/* The uid user=VALUE names, or -1 if VALUE is neither root nor a number
 * an id can take (0..65534). */
static long parse_user(const char *value)
{
	if (!strcmp(value, "root"))
		return 0;
	char *end;
	long uid = strtol(value, &end, 10);
	if (!*value || *end || uid < 0 || uid > 65534)
		return -1;
	return uid;
}

int main(int argc, char **argv)
{
	long uid = SHELL_UID;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "user=", 5)) {
			long u = parse_user(argv[i] + 5);
			if (u < 0)
				fprintf(stderr, "init: bad %s ignored (root, or 0..65534)\n",
					argv[i]);
			else
				uid = u;
		}
	}
	char *sh_argv[] = { "sh", NULL };
	pid_t sh = fork();
	if (sh < 0) {
		perror("init: fork");
		return 1;
	}
	if (sh == 0) {
		/* The group first: once the uid is dropped, setgid is no longer
		 * root's. A drop that fails runs no shell at all rather than a
		 * root one. */
		if (setgid((gid_t)uid) || setuid((uid_t)uid)) {
			perror("init: setuid");
			_exit(127);
		}
		exec("/sh", sh_argv);
		perror("init: exec /sh");
		_exit(127);
	}
	for (;;) {
		int status;
		pid_t pid = wait(&status);
		if (pid == sh)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (pid < 0)
			return 1;
	}
}
