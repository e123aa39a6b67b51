/* Kernel self-checks. KASSERT is on in every build: the invariants it
 * guards (run queue, process states, page reference counts) are cheap to
 * check, and a failed one is a kernel bug, which panics with a backtrace. */
#pragma once

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define KASSERT(cond)                                                                          \
	do {                                                                                   \
		if (__builtin_expect(!(cond), 0))                                              \
			panic("%s:%d: %s: assertion failed: %s", __FILE__, __LINE__, __func__, \
			      #cond);                                                          \
	} while (0)
