/* renice [-n] N [-p] PID...  |  renice [-n] N -g PGRP...: set the nice
 * value of processes (or process groups) to N; lowering one is root's
 * alone. Prints "PID: old priority A, new priority B" for each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < -1000000 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, value, which = PRIO_PROCESS, status = 0;
	if (i < argc && !strcmp(argv[i], "-n"))
		i++;
	if (i >= argc || parse_int(argv[i++], &value) || i >= argc) {
		fprintf(stderr, "usage: renice [-n] N [-p] PID... | renice [-n] N -g PGRP...\n");
		return 2;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "-g")) {
			which = argv[i][1] == 'p' ? PRIO_PROCESS : PRIO_PGRP;
			continue;
		}
		int who;
		if (parse_int(argv[i], &who) || who < 0) {
			fprintf(stderr, "renice: bad id '%s'\n", argv[i]);
			status = 1;
			continue;
		}
		errno = 0;
		int old = getpriority(which, (id_t)who);
		if ((old == -1 && errno) || setpriority(which, (id_t)who, value)) {
			fprintf(stderr, "renice: %d: %s\n", who, strerror(errno));
			status = 1;
			continue;
		}
		printf("%d: old priority %d, new priority %d\n", who, old,
		       getpriority(which, (id_t)who));
	}
	return status;
}
