/* yes [WORD]: print WORD (default "y") forever, until the reader is gone
 * (write fails with EPIPE) or the process is killed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *word = argc > 1 ? argv[1] : "y";
	char buf[512];
	size_t len = strlen(word), n = 0;
	if (len > 255)
		len = 255;
	while (n + len + 1 <= sizeof buf) {
		memcpy(buf + n, word, len);
		buf[n + len] = '\n';
		n += len + 1;
	}
	for (;;)
		if (write(1, buf, n) < 0)
			return 0;
}
