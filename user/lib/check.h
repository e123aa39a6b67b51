/* Self-checking test programs: CHECK prints "FAIL: file:line: expr" for
 * each failed check (any such line fails the test: tests/lde.py), and
 * check_exit() prints the verdict and gives main its exit status. */
#pragma once
#include <stdio.h>
#include <errno.h>

static int check_failures;

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			check_failures++;                                                         \
			printf("FAIL: %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
		}                                                                                 \
	} while (0)

#define CHECK_EQ(a, b)                                                                           \
	do {                                                                                     \
		long __a = (long)(a), __b = (long)(b);                                           \
		if (__a != __b) {                                                                \
			check_failures++;                                                        \
			printf("FAIL: %s:%d: %s == %s: got %ld, want %ld\n", __FILE__, __LINE__, \
			       #a, #b, __a, __b);                                                \
		}                                                                                \
	} while (0)

static inline int check_exit(const char *name)
{
	if (check_failures)
		printf("FAIL: %s: %d check(s) failed\n", name, check_failures);
	else
		printf("PASS: %s\n", name);
	return check_failures ? 1 : 0;
}
