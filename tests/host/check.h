/* Minimal host test harness. Each test binary lists its cases in an array
 * and hands it to run_tests(), which prints one line per case:
 *	PASS: module/case
 *	FAIL: module/case: file:line: first failed check (+N more)
 * and returns non-zero if any case failed. A TEST() left out of the array
 * is an unused static function, which -Werror turns into a build error.
 *
 * Never include <errno.h> in tests: the kernel's values (kernel/errno.h)
 * differ from glibc's. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define TEST(name) static void test_##name(void)
#define TEST_CASE(name)            \
	{                          \
#name, test_##name \
	}

struct test_case {
	const char *name;
	void (*fn)(void);
};

static int check_failures; /* in the running case */
static char check_detail[512];

static inline __attribute__((format(printf, 4, 5))) bool
check_report(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ok)
		return true;
	if (check_failures++ == 0) {
		n = snprintf(check_detail, sizeof(check_detail), "%s:%d: ", file, line);
		va_start(ap, fmt);
		vsnprintf(check_detail + n, sizeof(check_detail) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Each evaluates to whether the check held, so a case can bail out. */
#define CHECK(cond) check_report(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, ...) check_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ(a, b)                                                          \
	({                                                                      \
		unsigned long long a_ = (unsigned long long)(a);                \
		unsigned long long b_ = (unsigned long long)(b);                \
		CHECKF(a_ == b_, "%s == %s: 0x%llx != 0x%llx", #a, #b, a_, b_); \
	})
#define CHECK_INT(a, b)                                                     \
	({                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		CHECKF(a_ == b_, "%s == %s: %lld != %lld", #a, #b, a_, b_); \
	})
#define CHECK_STR(a, b)                                                                     \
	({                                                                                  \
		const char *a_ = (a), *b_ = (b);                                            \
		CHECKF(a_ &&b_ &&strcmp(a_, b_) == 0, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
		       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                             \
	})

static inline int run_tests(const char *module, const struct test_case *cases, size_t n)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < n; i++) {
		check_failures = 0;
		check_detail[0] = '\0';
		cases[i].fn();
		if (check_failures) {
			failed++;
			printf("FAIL: %s/%s: %s", module, cases[i].name, check_detail);
			if (check_failures > 1)
				printf(" (+%d more)", check_failures - 1);
			printf("\n");
		} else {
			printf("PASS: %s/%s\n", module, cases[i].name);
		}
		/* A sanitizer abort in a later case must not eat this line. */
		fflush(stdout);
	}
	return failed ? 1 : 0;
}

/* Whole file into a malloc'd buffer of exactly its size, so ASan flags any
 * read past the end. NULL (and a FAIL via the caller's CHECK) on error. */
static inline uint8_t *load_file(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *buf = NULL;
	long n;

	*len = 0;
	if (!path)
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Copy into an exact-size allocation: the parsers must not read past len. */
static inline uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);

	if (!q)
		abort();
	if (len)
		memcpy(q, p, len);
	return q;
}

/* Deterministic PRNG (xorshift64*) so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static inline uint64_t rng_below(uint64_t n) { return n ? rng_next() % n : 0; }
