/* poweroff [STATUS]: stop the machine (QEMU exits with STATUS). */
#include <stdlib.h>
#include "lde.h"

int main(int argc, char **argv)
{
	poweroff(argc > 1 ? atoi(argv[1]) : 0);
}
