/* The default first process: runs the shell, and keeps reaping orphans
 * that are handed to it, until the shell exits; then its status becomes
 * the machine's (the kernel powers off when init exits). */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

int main(int argc, char **argv)
{
	char *sh_argv[] = { "sh", NULL };
	pid_t sh = fork();
	if (sh < 0) {
		perror("init: fork");
		return 1;
	}
	if (sh == 0) {
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
