/* Where swtch.S keeps each register of a struct context (arch.h), for C
 * and assembly; arch.h checks them against the struct with offsetof. */
#pragma once

#define CTX_RA 0
#define CTX_SP 8
#define CTX_S(n) (16 + (n)*8) /* s0..s11 */
#define CTX_SIZE CTX_S(12)
