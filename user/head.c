/* head [-N]: copy the first N lines (default 10) of standard input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long lines = 10;
	if (argc > 1) {
		char *end;
		lines = argv[1][0] == '-' ? strtol(argv[1] + 1, &end, 10) : -1;
		if (lines < 0 || end == argv[1] + 1 || *end) {
			fprintf(stderr, "usage: head [-N]\n");
			return 2;
		}
	}
	char buf[512];
	while (lines > 0) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n < 0) {
			perror("head: read");
			return 1;
		}
		if (n == 0)
			break;
		ssize_t keep = 0;
		while (keep < n && lines > 0)
			if (buf[keep++] == '\n')
				lines--;
		if (write(1, buf, (size_t)keep) < 0) {
			/* EPIPE: the reader is gone, so nobody wants the rest. */
			if (errno == EPIPE)
				return 0;
			perror("head: write");
			return 1;
		}
	}
	return 0;
}
