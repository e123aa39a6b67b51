/* picolibc's <sys/wait.h>, with the continued-child report it leaves out
 * (Linux's values: WCONTINUED asks waitpid for it, the status is 0xffff,
 * which none of picolibc's other macros mistakes for its own). */
#pragma once
#include_next <sys/wait.h>

#ifndef WCONTINUED
#define WCONTINUED 8
#endif
#ifndef WIFCONTINUED
#define WIFCONTINUED(w) ((w) == 0xffff)
#endif
