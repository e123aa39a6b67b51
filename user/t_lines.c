/* Several processes print at once: every console line must come out whole
 * (user stdio writes a line per write(), and the kernel writes each write()
 * without interruption). tests/suites/shell.py checks the line shapes. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITERS 4
#define LINES 150

int main(void)
{
	for (int w = 0; w < WRITERS; w++) {
		if (fork() == 0) {
			for (int i = 0; i < LINES; i++)
				printf("writer %d line %03d: the quick brown fox jumps over the lazy dog\n",
				       w, i);
			return 0;
		}
	}
	int status, ok = 1;
	for (int w = 0; w < WRITERS; w++)
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			ok = 0;
	printf(ok ? "PASS: t_lines\n" : "FAIL: t_lines: a writer failed\n");
	return !ok;
}
