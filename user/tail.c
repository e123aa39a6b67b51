/* tail [-n N] [file...]: the last N lines (default 10) of each file,
 * standard input for none or "-"; with several files each is headed by
 * "==> name <==". The input is kept whole in memory until its end. */
#include "cmd.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define USAGE "tail [-n N] [file...]"

/* The last lines of fd to standard output: 0, or -1 with errno. */
static int tail(int fd, long lines)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 8192);
			if (!b) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = b;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	/* Walk back over lines newlines; a last line without one counts. */
	size_t start = len;
	if (start > 0 && buf[start - 1] == '\n')
		start--;
	for (long seen = 0; start > 0; start--)
		if (buf[start - 1] == '\n' && ++seen == lines)
			break;
	if (lines == 0)
		start = len;
	int r = cmd_write_all(1, buf + start, len - start);
	free(buf);
	return r < 0 && errno != EPIPE ? -1 : 0;
}

int main(int argc, char **argv)
{
	long lines = 10;
	int opt;
	while ((opt = cmd_getopt(argc, argv, "n:")) != -1) {
		char *end;
		if (opt == 'n')
			lines = strtol(cmd_optarg, &end, 10);
		if (opt != 'n' || end == cmd_optarg || *end || lines < 0)
			return cmd_usage(USAGE);
	}
	int status = 0, nfiles = argc - cmd_optind;
	for (int i = cmd_optind; i < argc || (nfiles == 0 && i == cmd_optind); i++) {
		const char *name = nfiles ? argv[i] : "-";
		int fd = cmd_open_in(name);
		if (fd >= 0 && nfiles > 1) {
			printf("%s==> %s <==\n", i == cmd_optind ? "" : "\n", name);
			fflush(stdout);
		}
		if (fd < 0 || tail(fd, lines) < 0)
			status = cmd_error("tail", name);
		if (fd >= 0)
			cmd_close_in(fd);
	}
	return status;
}
