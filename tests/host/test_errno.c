/* The kernel's words for its error codes (kernel/errno.c): every code that
 * kernel/errno.h defines has its own, whichever sign it comes with.
 * errno-codes.h is generated from kernel/errno.h (tests/host/host.mk), so a
 * code added there without words fails here. */
#include "check.h"
#include "errno.h"

struct code {
	const char *name;
	long value;
};

static const struct code codes[] = {
#define X(name) { #name, name },
#include "errno-codes.h"
#undef X
};

TEST(every_code_has_words)
{
	CHECK(ARRAY_SIZE(codes) > 20);
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		const char *s = err_str(-codes[i].value);
		CHECKF(strcmp(s, "unknown error") != 0, "%s has no words", codes[i].name);
		CHECK_STR(err_str(codes[i].value), s);
		for (size_t j = 0; j < i; j++)
			CHECKF(strcmp(s, err_str(codes[j].value)) != 0, "%s and %s share \"%s\"",
			       codes[i].name, codes[j].name, s);
	}
}

TEST(examples)
{
	CHECK_STR(err_str(-ENOENT), "no such file");
	CHECK_STR(err_str(-ENOEXEC), "not a valid executable");
}

TEST(unknown_codes)
{
	CHECK_STR(err_str(0), "unknown error");
	CHECK_STR(err_str(6), "unknown error"); /* between EIO and E2BIG: unused */
	CHECK_STR(err_str(-1000), "unknown error");
	CHECK_STR(err_str(1L << 40), "unknown error");
	CHECK_STR(err_str(-(1L << 62)), "unknown error");
}

static const struct test_case cases[] = {
	TEST_CASE(every_code_has_words),
	TEST_CASE(examples),
	TEST_CASE(unknown_codes),
};

int main(void) { return run_tests("errno", cases, ARRAY_SIZE(cases)); }
