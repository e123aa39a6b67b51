/* The monopolizer of the notes (limited direct execution, 1.2.3): a
 * program that never gives the CPU back by itself. Only the timer
 * interrupt lets the kernel take it away, and only kill (or Ctrl-C) ends
 * it.
 *   spin          while (1);                       pure CPU, no system calls
 *   spin print    while (1) printf(...);           a system call per line
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "print")) {
		int pid = getpid();
		for (unsigned long n = 0;; n++)
			printf("spin %d: Estoy monopolizando el cpu (%lu)\n", pid, n);
	}
	if (argc > 1) {
		fprintf(stderr, "usage: spin [print]\n");
		return 2;
	}
	while (1)
		;
}
