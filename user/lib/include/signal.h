/* picolibc's <signal.h>, and what lde adds to it (docs/signals.md): the
 * sigaction flags picolibc leaves out, and the calls user/lib/signal.c
 * provides that it does not declare. Found first through -I user/lib/include
 * (Makefile), so programs include <signal.h> as anywhere else. */
#pragma once
#include_next <signal.h>

#ifndef SA_RESTART
#define SA_RESTART 0x10 /* restart a system call the handler interrupted */
#endif
#ifndef SA_NODEFER
#define SA_NODEFER 0x20 /* do not block the signal while its handler runs */
#endif
#ifndef SA_RESETHAND
#define SA_RESETHAND 0x40 /* back to SIG_DFL once delivered */
#endif

int pause(void);
unsigned alarm(unsigned seconds);
/* SIGALRM after us microseconds, then every interval_us (0: once);
 * returns what the previous alarm had left, in microseconds. */
unsigned long ualarm(unsigned long us, unsigned long interval_us);
const char *lde_signame(int sig); /* "TERM" for SIGTERM; NULL if none */
