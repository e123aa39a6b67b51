/* poweroff [STATUS]: stop the machine (QEMU exits with STATUS). Only init
 * may; the shell's built-in poweroff leaves the login shell instead, and
 * init's exit powers off. */
#include <stdio.h>
#include <stdlib.h>
#include "lde.h"

int main(int argc, char **argv)
{
	poweroff(argc > 1 ? atoi(argv[1]) : 0);
	perror("poweroff");
	return 1;
}
