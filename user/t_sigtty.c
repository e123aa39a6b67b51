/* Ctrl-C is a real SIGINT: this program catches it. It prints "ready",
 * waits in pause() for the key, and says what it caught. Driven through
 * the console by tests/suites/signals.py. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int caught;
static void on_int(int sig) { caught = sig; }

int main(void)
{
	signal(SIGINT, on_int);
	printf("t_sigtty: ready\n");
	fflush(stdout);
	while (!caught)
		pause();
	printf("t_sigtty: caught SIGINT (%d), exiting normally\n", caught);
	return 0;
}
