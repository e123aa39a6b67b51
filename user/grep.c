/* grep [-ivnc] string [file...]: the lines that contain string (a fixed
 * string, not a regular expression) in each file, standard input for none
 * or "-". -i ignores case, -v selects the lines without it, -n numbers
 * them, -c counts them; with several files each line or count is prefixed
 * by its file's name. Status 0 if a line was selected, 1 if none, 2 on an
 * error, as grep has it. */
#include "cmd.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int iflag, vflag, nflag, cflag;

static int matches(const char *line, const char *s, size_t slen)
{
	if (!iflag)
		return strstr(line, s) != NULL;
	for (; *line; line++) {
		size_t k = 0;
		while (k < slen && line[k] &&
		       tolower((unsigned char)line[k]) == tolower((unsigned char)s[k]))
			k++;
		if (k == slen)
			return 1;
	}
	return slen == 0;
}

/* The selected lines of fd; -1 with errno on a read error. */
static long grep(int fd, const char *s, const char *prefix)
{
	struct cmd_lines r;
	cmd_lines_init(&r, fd);
	size_t slen = strlen(s);
	long n, selected = 0, lineno = 0;
	char *line;
	while ((n = cmd_line(&r, &line)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[n - 1] = 0; /* the newline is not part of what is searched */
		if (matches(line, s, slen) == vflag)
			continue;
		selected++;
		if (cflag)
			continue;
		if (prefix)
			printf("%s:", prefix);
		if (nflag)
			printf("%ld:", lineno);
		printf("%s\n", line);
	}
	cmd_lines_free(&r);
	if (n < 0)
		return -1;
	if (cflag && prefix)
		printf("%s:%ld\n", prefix, selected);
	else if (cflag)
		printf("%ld\n", selected);
	return selected;
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = cmd_getopt(argc, argv, "ivnc")) != -1) {
		switch (opt) {
		case 'i': iflag = 1; break;
		case 'v': vflag = 1; break;
		case 'n': nflag = 1; break;
		case 'c': cflag = 1; break;
		default: return cmd_usage("grep [-ivnc] string [file...]");
		}
	}
	if (cmd_optind >= argc)
		return cmd_usage("grep [-ivnc] string [file...]");
	const char *s = argv[cmd_optind++];
	int nfiles = argc - cmd_optind, error = 0;
	long selected = 0;
	for (int i = cmd_optind; i < argc || (nfiles == 0 && i == cmd_optind); i++) {
		const char *name = nfiles ? argv[i] : "-";
		int fd = cmd_open_in(name);
		long n = fd < 0 ? -1 : grep(fd, s, nfiles > 1 ? name : NULL);
		if (n < 0) {
			cmd_error("grep", name);
			error = 1;
		} else {
			selected += n;
		}
		if (fd >= 0)
			cmd_close_in(fd);
	}
	return error ? 2 : selected ? 0 : 1;
}
