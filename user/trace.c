/* trace PROG [ARGS...]: run PROG and print every system call it (and its
 * children) makes, as the kernel sees it: docs/trace.md has the format. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: trace PROG [ARGS...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("trace: fork");
		return 1;
	}
	if (pid == 0) {
		trace(1);
		execvp(argv[1], argv + 1); /* the initrd, then /bin */
		trace(0);
		fprintf(stderr, "trace: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int status;
	while (wait(&status) != pid)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
