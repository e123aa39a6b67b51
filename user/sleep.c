/* sleep SECONDS (a decimal fraction such as 0.5 works too). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 2;
	}
	/* Parse by hand: user programs have no floating point (FS is off). */
	unsigned long us = 0, scale = 1000000;
	const char *p = argv[1];
	for (; *p >= '0' && *p <= '9'; p++)
		us = us * 10 + (unsigned long)(*p - '0') * 1000000;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && scale > 1; p++)
			us += (unsigned long)(*p - '0') * (scale /= 10);
	if (*p || p == argv[1]) {
		fprintf(stderr, "sleep: bad number '%s'\n", argv[1]);
		return 2;
	}
	return usleep((useconds_t)us) < 0 ? 1 : 0;
}
