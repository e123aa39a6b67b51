/* ls: the programs and files in the initrd, with their sizes. */
#include <stdio.h>
#include "lde.h"

int main(void)
{
	char name[128];
	long size;
	for (int i = 0; (size = readdir(i, name, sizeof name)) > 0; i++)
		printf("%8ld  %s\n", size, name);
	return size < 0 ? 1 : 0;
}
