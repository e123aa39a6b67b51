/* Where fpu.S keeps each register of a struct fpstate (arch.h), for C and
 * assembly; arch.h checks them against the struct with offsetof. */
#pragma once

#define FP_F(n) ((n)*8)	 /* f0..f31, as 64-bit doubles */
#define FP_FCSR FP_F(32) /* rounding mode and exception flags */
#define FP_SIZE FP_F(33)
