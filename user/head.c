/* head [-n N | -N] [file...]: the first N lines (default 10) of each file,
 * standard input for none or "-"; with several files each is headed by
 * "==> name <==". */
#include "cmd.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define USAGE "head [-n N | -N] [file...]"

/* Copy the first lines of fd: 0, or -1 with errno. */
static int head(int fd, long lines)
{
	static char buf[512];
	while (lines > 0) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return (int)n;
		ssize_t keep = 0;
		while (keep < n && lines > 0)
			if (buf[keep++] == '\n')
				lines--;
		if (cmd_write_all(1, buf, (size_t)keep) < 0)
			return errno == EPIPE ? 0 : -1; /* the reader is gone: nobody wants more */
	}
	return 0;
}

static int parse_count(const char *s, long *n)
{
	char *end;
	*n = strtol(s, &end, 10);
	return end != s && !*end && *n >= 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	long lines = 10;
	int first = 1;
	/* The old form -N first, then the POSIX one. */
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
		if (parse_count(argv[1] + 1, &lines) < 0)
			return cmd_usage(USAGE);
		argv[1] = argv[0];
		argv++, argc--;
	}
	int opt;
	while ((opt = cmd_getopt(argc, argv, "n:")) != -1)
		if (opt != 'n' || parse_count(cmd_optarg, &lines) < 0)
			return cmd_usage(USAGE);
	int status = 0, nfiles = argc - cmd_optind;
	for (int i = cmd_optind; i < argc || (nfiles == 0 && i == cmd_optind); i++) {
		const char *name = nfiles ? argv[i] : "-";
		int fd = cmd_open_in(name);
		if (fd >= 0 && nfiles > 1) {
			fflush(stdout);
			printf("%s==> %s <==\n", first ? "" : "\n", name);
			fflush(stdout);
			first = 0;
		}
		if (fd < 0 || head(fd, lines) < 0)
			status = cmd_error("head", name);
		if (fd >= 0)
			cmd_close_in(fd);
	}
	return status;
}
