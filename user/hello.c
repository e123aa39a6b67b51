/* The smallest program: print a line with argv, exit 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from U-mode:");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
