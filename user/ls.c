/* ls: the programs and files in the initrd. */
#include <stdio.h>
#include "lde.h"

int main(void)
{
	char name[LDE_PATH_MAX];
	long r;
	for (int i = 0; (r = initrd_readdir(i, name, sizeof name)) > 0; i++)
		printf("%s\n", name);
	if (r < 0)
		perror("ls");
	return r < 0;
}
