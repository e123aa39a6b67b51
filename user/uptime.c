/* uptime: time since boot, and how many processes exist. */
#include <stdio.h>
#include "lde.h"

int main(void)
{
	long ms = uptime();
	struct lde_procinfo info[64];
	int n = procinfo(-1, info, 64);
	if (n < 0) {
		perror("uptime: procinfo");
		return 1;
	}
	printf("up %ld.%03ld s, %d processes\n", ms / 1000, ms % 1000, n);
	return 0;
}
