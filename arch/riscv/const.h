/* Constants that both C and assembly include: _UL(x) is x in assembly and
 * an unsigned long in C. */
#pragma once
#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif
#define BIT(n) (_UL(1) << (n))
