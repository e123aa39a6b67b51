/* head [-N]: copy the first N lines (default 10) of standard input. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long lines = argc > 1 && argv[1][0] == '-' ? atol(argv[1] + 1) : 10;
	char buf[512];
	while (lines > 0) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n <= 0)
			break;
		ssize_t keep = 0;
		while (keep < n && lines > 0)
			if (buf[keep++] == '\n')
				lines--;
		write(1, buf, (size_t)keep);
	}
	return 0;
}
