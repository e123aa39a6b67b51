/* nice [-n N] PROG [ARGS...]: run PROG with its nice value raised by N
 * (default 10, as POSIX has it; a negative N is root's alone). Without
 * PROG, print the current nice value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lde.h"

static int usage(void)
{
	fprintf(stderr, "usage: nice [-n N] [PROG [ARGS...]]\n");
	return 2;
}

/* A whole decimal number, sign allowed. */
static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < -1000 || v > 1000)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	int incr = 10, i = 1;
	if (i < argc && !strcmp(argv[i], "-n")) {
		if (i + 1 >= argc || parse_int(argv[i + 1], &incr))
			return usage();
		i += 2;
	} else if (i < argc && !strncmp(argv[i], "-n", 2)) {
		if (parse_int(argv[i] + 2, &incr))
			return usage();
		i++;
	}
	if (i == argc) {
		errno = 0;
		int n = nice(0);
		if (n == -1 && errno) {
			perror("nice");
			return 1;
		}
		printf("%d\n", n);
		return 0;
	}
	errno = 0;
	if (nice(incr) == -1 && errno) {
		/* As POSIX's nice utility: say so, and run PROG all the same. */
		fprintf(stderr, "nice: cannot set niceness: %s\n", strerror(errno));
	}
	execvp(argv[i], argv + i); /* the initrd, then /bin */
	fprintf(stderr, "nice: %s: %s\n", argv[i], strerror(errno));
	return 127;
}
