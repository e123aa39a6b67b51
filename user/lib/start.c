/* C runtime start-up: constructors, main, then exit with main's value
 * (which also runs destructors, flushing stdio). */
#include <stdlib.h>

int main(int argc, char **argv);
void __libc_init_array(void);
void __libc_fini_array(void);
void __lde_stdio_flush(void);

void __lde_start(int argc, char **argv)
{
	__libc_init_array();
	atexit(__lde_stdio_flush);
	exit(main(argc, argv));
}
