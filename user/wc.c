/* wc [-lwc] [file...]: count lines, words and bytes of each file
 * (standard input for none or "-"); a total when there are several. With
 * no option, all three. */
#include "cmd.h"
#include <stdio.h>
#include <unistd.h>

static int lflag, wflag, cflag;

static void show(const long n[3], const char *name)
{
	const int want[3] = { lflag, wflag, cflag };
	const char *sep = "";
	for (int i = 0; i < 3; i++)
		if (want[i]) {
			printf("%s%7ld", sep, n[i]);
			sep = " ";
		}
	printf(name ? " %s\n" : "\n", name);
}

static int count(int fd, long n[3])
{
	static char buf[4096];
	int in_word = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			return (int)r;
		n[2] += r;
		for (ssize_t i = 0; i < r; i++) {
			char c = buf[i];
			n[0] += c == '\n';
			int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' ||
				    c == '\f';
			n[1] += !space && !in_word;
			in_word = !space;
		}
	}
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = cmd_getopt(argc, argv, "lwc")) != -1) {
		switch (opt) {
		case 'l': lflag = 1; break;
		case 'w': wflag = 1; break;
		case 'c': cflag = 1; break;
		default: return cmd_usage("wc [-lwc] [file...]");
		}
	}
	if (!lflag && !wflag && !cflag)
		lflag = wflag = cflag = 1;
	int status = 0, nfiles = argc - cmd_optind;
	long total[3] = { 0 };
	for (int i = cmd_optind; i < argc || (nfiles == 0 && i == cmd_optind); i++) {
		const char *name = nfiles ? argv[i] : "-";
		long n[3] = { 0 };
		int fd = cmd_open_in(name);
		if (fd < 0 || count(fd, n) < 0) {
			status = cmd_error("wc", name);
		} else {
			show(n, nfiles ? name : NULL);
			for (int k = 0; k < 3; k++)
				total[k] += n[k];
		}
		if (fd >= 0)
			cmd_close_in(fd);
	}
	if (nfiles > 1)
		show(total, "total");
	return status;
}
