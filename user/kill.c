/* kill [-SIG] PID...: send a signal (default SIGKILL, as in the notes'
 * kill(pid)); a negative PID names a process group. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int sig = SIGKILL, i = 1, status = 0;
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9' && argc > 2) {
		sig = atoi(argv[1] + 1);
		i = 2;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: kill [-SIG] PID...\n");
		return 2;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*end || pid == 0) {
			fprintf(stderr, "kill: bad pid '%s'\n", argv[i]);
			status = 1;
		} else if (kill((int)pid, sig) < 0) {
			fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
			status = 1;
		}
	}
	return status;
}
