/* Where every signal handler returns (sigaction passes it to the kernel
 * as the restorer): sp is still the frame the kernel pushed, which
 * sigreturn takes back. Naked: no prologue may move sp. A file of its own,
 * so that a program that only sets handlers carries nothing else. */
#include "lde.h"

__attribute__((naked)) void __lde_sigreturn(void)
{
	__asm__ volatile("li a7, %0\n\tecall" ::"i"(SYS_sigreturn));
}
