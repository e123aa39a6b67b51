/* timeline PROG [ARGS...]: run PROG with the event timeline recording it
 * and its children, then print the recorded events on the console
 * (docs/timeline.md has the format; scripts/timeline.py reads it).
 * timeline -d: only print what has been recorded so far. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "-d"))
		return timeline(LDE_TL_OP_DUMP, 0) < 0;
	if (argc < 2) {
		fprintf(stderr, "usage: timeline PROG [ARGS...] | timeline -d\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("timeline: fork");
		return 1;
	}
	if (pid == 0) {
		timeline(LDE_TL_OP_ON, 0);
		execvp(argv[1], argv + 1); /* the initrd, then /bin */
		timeline(LDE_TL_OP_OFF, 0);
		fprintf(stderr, "timeline: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int status;
	while (wait(&status) != pid)
		;
	timeline(LDE_TL_OP_DUMP, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
