/* Host tests for kernel/fmt.c. The host's snprintf is the oracle for
 * everything C defines; the kernel's own choices (NULL %p, the width cap,
 * unknown conversions) are checked against fixed strings. Formats are
 * built at run time, so only calls with literal formats are type-checked
 * by the compiler; the oracle calls pass the same typed value to both. */
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>
#include "check.h"
#include "fmt.h"

#define OUT_MAX 8192

static int compared;

/* Same format, same arguments, to both; the outputs may contain NULs
 * (%c of 0), so compare lengths and bytes. */
static bool compare(const char *fmt, ...)
{
	char want[OUT_MAX], got[OUT_MAX];
	va_list ap, ap2;
	int wn, gn;

	memset(got, 0x5a, sizeof(got));
	va_start(ap, fmt);
	va_copy(ap2, ap);
	wn = vsnprintf(want, sizeof(want), fmt, ap);
	gn = kvsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	compared++;
	return CHECKF(wn == gn && wn >= 0 && wn < OUT_MAX && memcmp(want, got, (size_t)wn + 1) == 0,
		      "\"%s\": want \"%s\" (%d), got \"%s\" (%d)", fmt, want, wn, got, gn);
}

/* "%" flags width precision length conv, and how many '*' it holds. */
static int make_fmt(char *f, size_t n, const char *flags, const char *width, const char *prec,
		    const char *len, char conv)
{
	snprintf(f, n, "%%%s%s%s%s%c", flags, width, prec, len, conv);
	return (strcmp(width, "*") == 0) + (strcmp(prec, ".*") == 0);
}

/* Star arguments (width 7 or -7, precision 4 or -1) then the value. */
#define COMPARE_STARS(f, stars, v)             \
	do {                                   \
		if ((stars) == 0) {            \
			compare(f, v);         \
		} else if ((stars) == 1) {     \
			compare(f, 7, v);      \
			compare(f, -7, v);     \
			compare(f, 4, v);      \
			compare(f, -1, v);     \
		} else {                       \
			compare(f, 7, 4, v);   \
			compare(f, -9, -1, v); \
			compare(f, 0, 0, v);   \
		}                              \
	} while (0)

static const char *const widths[] = { "", "1", "5", "12", "25", "*" };
static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".12", ".*" };

/* Every subset of the flag characters in `allowed`, in order. */
static void flag_subset(char *out, const char *allowed, unsigned mask)
{
	size_t i, n = 0;

	for (i = 0; allowed[i]; i++)
		if (mask & (1u << i))
			out[n++] = allowed[i];
	out[n] = '\0';
}

static const long long svals[] = {
	0,
	1,
	-1,
	7,
	-42,
	127,
	-128,
	200,
	255,
	32767,
	-32768,
	65535,
	99999,
	INT_MAX,
	INT_MIN,
	(long long)INT_MAX + 1,
	LLONG_MAX,
	LLONG_MIN,
	-1234567890123LL,
};

static const unsigned long long uvals[] = {
	0,
	1,
	7,
	8,
	15,
	16,
	255,
	256,
	0x7fff,
	0xffff,
	0x10000,
	0xdeadbeef,
	UINT_MAX,
	(unsigned long long)UINT_MAX + 1,
	0x123456789abcdefULL,
	LLONG_MAX,
	ULLONG_MAX,
};

/* Each length modifier with a value of its own type, so that both
 * printfs fetch what was passed. */
static void compare_signed(const char *f, int stars, const char *len, long long v)
{
	if (!strcmp(len, "hh") || !strcmp(len, "h") || !*len)
		COMPARE_STARS(f, stars, (int)v);
	else if (!strcmp(len, "l"))
		COMPARE_STARS(f, stars, (long)v);
	else if (!strcmp(len, "ll"))
		COMPARE_STARS(f, stars, v);
	else if (!strcmp(len, "z"))
		COMPARE_STARS(f, stars, (ssize_t)v);
	else if (!strcmp(len, "t"))
		COMPARE_STARS(f, stars, (ptrdiff_t)v);
	else
		COMPARE_STARS(f, stars, (intmax_t)v);
}

static void compare_unsigned(const char *f, int stars, const char *len, unsigned long long v)
{
	if (!strcmp(len, "hh") || !strcmp(len, "h") || !*len)
		COMPARE_STARS(f, stars, (unsigned int)v);
	else if (!strcmp(len, "l"))
		COMPARE_STARS(f, stars, (unsigned long)v);
	else if (!strcmp(len, "ll"))
		COMPARE_STARS(f, stars, v);
	else if (!strcmp(len, "z"))
		COMPARE_STARS(f, stars, (size_t)v);
	else if (!strcmp(len, "t"))
		COMPARE_STARS(f, stars, (ptrdiff_t)v);
	else
		COMPARE_STARS(f, stars, (uintmax_t)v);
}

static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };

/* '#' is undefined for signed conversions, so it is left out. */
static void oracle_ints(const char *convs, const char *allowed_flags, bool is_signed)
{
	char f[64], flags[8];
	size_t c, w, p, l, v;
	unsigned mask, nmasks = 1u << strlen(allowed_flags);
	int stars;

	for (c = 0; convs[c]; c++)
		for (mask = 0; mask < nmasks; mask++)
			for (w = 0; w < ARRAY_SIZE(widths); w++)
				for (p = 0; p < ARRAY_SIZE(precs); p++)
					for (l = 0; l < ARRAY_SIZE(lens); l++) {
						flag_subset(flags, allowed_flags, mask);
						stars = make_fmt(f, sizeof(f), flags, widths[w],
								 precs[p], lens[l], convs[c]);
						if (is_signed)
							for (v = 0; v < ARRAY_SIZE(svals); v++)
								compare_signed(f, stars, lens[l],
									       svals[v]);
						else
							for (v = 0; v < ARRAY_SIZE(uvals); v++)
								compare_unsigned(f, stars, lens[l],
										 uvals[v]);
					}
}

TEST(oracle_signed) { oracle_ints("di", "-+ 0", true); }

TEST(oracle_unsigned) { oracle_ints("u", "-+ 0", false); }

TEST(oracle_hex_octal) { oracle_ints("xXo", "-+ #0", false); }

TEST(oracle_char_string)
{
	static const char *const strs[] = { "", "a", "hello", "a longer string, with spaces" };
	static const int chars[] = { 'a', 'Z', ' ', '%', 0, 0x80 + 'a' };
	char f[64];
	size_t fl, w, p, i;
	int stars;

	for (fl = 0; fl < 2; fl++)
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			stars = make_fmt(f, sizeof(f), fl ? "-" : "", widths[w], "", "", 'c');
			for (i = 0; i < ARRAY_SIZE(chars); i++)
				COMPARE_STARS(f, stars, chars[i]);
			for (p = 0; p < ARRAY_SIZE(precs); p++) {
				stars = make_fmt(f, sizeof(f), fl ? "-" : "", widths[w], precs[p],
						 "", 's');
				for (i = 0; i < ARRAY_SIZE(strs); i++)
					COMPARE_STARS(f, stars, strs[i]);
			}
		}
}

TEST(oracle_pointer)
{
	static const uintptr_t ptrs[] = { 1, 0xfff, 0x80000000, 0xdeadbeefcafe, UINTPTR_MAX };
	static const char *const fmts[] = { "%p", "%20p", "%-20p|", "%3p", "%*p" };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		for (j = 0; j < ARRAY_SIZE(fmts); j++) {
			if (j == ARRAY_SIZE(fmts) - 1) {
				compare(fmts[j], 30, (void *)ptrs[i]);
				compare(fmts[j], -30, (void *)ptrs[i]);
			} else {
				compare(fmts[j], (void *)ptrs[i]);
			}
		}
	}
}

/* Text around conversions, several conversions, "%%". */
TEST(oracle_mixed)
{
	static const struct {
		const char *fmt;
	} f[] = {
		{ "plain text" },    { "" },	   { "100%% sure %d%%" },   { "[%5d|%-5d|%05d]" },
		{ "%s=%#lx (%lu)" }, { "%c%c%c" }, { "%d %i %u %x %X %o" },
	};

	compare(f[0].fmt);
	compare(f[1].fmt);
	compare(f[2].fmt, 42);
	compare(f[3].fmt, -3, 4, -5);
	compare(f[4].fmt, "satp", 0x8000000000087654UL, 0x87654UL);
	compare(f[5].fmt, 'l', 'd', 'e');
	compare(f[6].fmt, -1, -2, 3u, 255u, 255u, 8u);
}

/* Fixed expectations for the extremes (and a check on the oracle). */
TEST(extremes)
{
	char b[OUT_MAX];

	CHECK_INT(ksnprintf(b, sizeof(b), "%lld", (long long)INT64_MIN), 20);
	CHECK_STR(b, "-9223372036854775808");
	CHECK_INT(ksnprintf(b, sizeof(b), "%jd", (intmax_t)INT64_MIN), 20);
	CHECK_STR(b, "-9223372036854775808");
	CHECK_INT(ksnprintf(b, sizeof(b), "%ld", LONG_MIN), 20);
	CHECK_STR(b, "-9223372036854775808");
	CHECK_INT(ksnprintf(b, sizeof(b), "%llu", (unsigned long long)UINT64_MAX), 20);
	CHECK_STR(b, "18446744073709551615");
	CHECK_INT(ksnprintf(b, sizeof(b), "%#llx", (unsigned long long)UINT64_MAX), 18);
	CHECK_STR(b, "0xffffffffffffffff");
	CHECK_INT(ksnprintf(b, sizeof(b), "%#llo", (unsigned long long)UINT64_MAX), 23);
	CHECK_STR(b, "01777777777777777777777");
	CHECK_INT(ksnprintf(b, sizeof(b), "%d", INT_MIN), 11);
	CHECK_STR(b, "-2147483648");
	CHECK_INT(ksnprintf(b, sizeof(b), "%hhd %hhu %hd %hu", 200, 511, 70000, -1), 18);
	CHECK_STR(b, "-56 255 4464 65535");
	CHECK_INT(ksnprintf(b, sizeof(b), "%zu %zd %td", SIZE_MAX, (ssize_t)-5,
			    (ptrdiff_t)PTRDIFF_MIN),
		  44);
	CHECK_STR(b, "18446744073709551615 -5 -9223372036854775808");
	CHECK_INT(ksnprintf(b, sizeof(b), "%016lx|%-#8x|%+.3d|% d", 0xabcUL, 0x1fu, 7, 5), 33);
	CHECK_STR(b, "0000000000000abc|0x1f    |+007| 5");
}

TEST(null_string)
{
	const char *volatile null = NULL;
	char b[64];

	CHECK_INT(ksnprintf(b, sizeof(b), "%s", null), 6);
	CHECK_STR(b, "(null)");
	CHECK_INT(ksnprintf(b, sizeof(b), "[%10s]", null), 12);
	CHECK_STR(b, "[    (null)]");
	CHECK_INT(ksnprintf(b, sizeof(b), "[%-8s]", null), 10);
	CHECK_STR(b, "[(null)  ]");
	/* Cut like any other string (glibc prints "" here instead). */
	CHECK_INT(ksnprintf(b, sizeof(b), "[%.3s]", null), 5);
	CHECK_STR(b, "[(nu]");
}

TEST(pointer_kernel_choices)
{
	void *volatile null = NULL;
	char b[64];

	CHECK_INT(ksnprintf(b, sizeof(b), "%p", null), 3);
	CHECK_STR(b, "0x0"); /* glibc: "(nil)" */
	CHECK_INT(ksnprintf(b, sizeof(b), "%p", (void *)0x80200000UL), 10);
	CHECK_STR(b, "0x80200000"); /* no zero padding */
	CHECK_INT(ksnprintf(b, sizeof(b), "[%-6p]", (void *)0xabUL), 8);
	CHECK_STR(b, "[0xab  ]");
}

/* At every buffer size: same return, same (cut) text, NUL-terminated,
 * nothing written past size (the buffer is exactly size bytes). */
TEST(truncation)
{
	static const char *const strs[] = { "", "x", "hello, world" };
	char want[OUT_MAX], *got;
	size_t size, i;
	int wn, gn;

	for (i = 0; i < ARRAY_SIZE(strs); i++) {
		wn = snprintf(want, sizeof(want), "[%s|%-6d|%#x|%c|%8.3lld]", strs[i], -12, 0xbeefu,
			      'q', -9LL);
		for (size = 0; size <= (size_t)wn + 2; size++) {
			got = size ? malloc(size) : NULL;
			if (size)
				memset(got, 0x5a, size);
			gn = ksnprintf(got, size, "[%s|%-6d|%#x|%c|%8.3lld]", strs[i], -12, 0xbeefu,
				       'q', -9LL);
			CHECKF(gn == wn, "size %zu: %d != %d", size, gn, wn);
			if (size) {
				snprintf(want, size, "[%s|%-6d|%#x|%c|%8.3lld]", strs[i], -12,
					 0xbeefu, 'q', -9LL);
				CHECKF(strlen(got) < size && strcmp(got, want) == 0,
				       "size %zu: \"%s\" != \"%s\"", size, got, want);
			}
			free(got);
		}
	}
	CHECK_INT(ksnprintf(NULL, 0, "abc%d", 12345), 8);
}

TEST(precision_bounds_string_read)
{
	char *s = malloc(3); /* "abc" without a NUL */
	char b[16];

	memcpy(s, "abc", 3);
	CHECK_INT(ksnprintf(b, sizeof(b), "%.3s|", s), 4);
	CHECK_STR(b, "abc|");
	CHECK_INT(ksnprintf(b, sizeof(b), "%.2s|", s), 3);
	CHECK_STR(b, "ab|");
	CHECK_INT(ksnprintf(b, sizeof(b), "%.0s|", s), 1);
	free(s);
}

/* Formats the compiler would reject are built at run time. */
static int kfmt(char *b, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kvsnprintf(b, n, fmt, ap);
	va_end(ap);
	return r;
}

TEST(unknown_and_incomplete)
{
	char b[64];
	int x = 7;

	CHECK_INT(kfmt(b, sizeof(b), "a%yb"), 4);
	CHECK_STR(b, "a%yb");
	CHECK_INT(kfmt(b, sizeof(b), "a%-5.2qb"), 8);
	CHECK_STR(b, "a%-5.2qb");
	CHECK_INT(kfmt(b, sizeof(b), "50%"), 3);
	CHECK_STR(b, "50%");
	CHECK_INT(kfmt(b, sizeof(b), "50%-08"), 6);
	CHECK_STR(b, "50%-08");
	CHECK_INT(kfmt(b, sizeof(b), "%ll"), 3);
	CHECK_STR(b, "%ll");
	/* %n is not supported: printed, and nothing is written through. */
	CHECK_INT(kfmt(b, sizeof(b), "ab%n", &x), 4);
	CHECK_STR(b, "ab%n");
	CHECK_INT(x, 7);
}

TEST(width_cap)
{
	char *b = malloc(FMT_MAX_WIDTH + 16);
	int i;
	bool spaces = true;

	/* Huge widths and precisions are capped, not spun on. */
	CHECK_INT(kfmt(b, FMT_MAX_WIDTH + 16, "%*d", 1000000, 5), FMT_MAX_WIDTH);
	for (i = 0; i < FMT_MAX_WIDTH - 1; i++)
		spaces &= b[i] == ' ';
	CHECK(spaces && b[FMT_MAX_WIDTH - 1] == '5');
	CHECK_INT(kfmt(b, FMT_MAX_WIDTH + 16, "%*d|", INT_MIN, 5), FMT_MAX_WIDTH + 1);
	CHECK(b[0] == '5' && b[1] == ' ' && b[FMT_MAX_WIDTH] == '|');
	CHECK_INT(kfmt(b, FMT_MAX_WIDTH + 16, "%99999999999999999999d", 5), FMT_MAX_WIDTH);
	CHECK_INT(kfmt(NULL, 0, "%.*d", INT_MAX, 5), FMT_MAX_WIDTH);
	CHECK_INT(kfmt(NULL, 0, "%.99999999999999999999s", "abc"), 3);
	CHECK_INT(kfmt(NULL, 0, "%*s%*s", INT_MAX, "", INT_MIN, ""), 2 * FMT_MAX_WIDTH);
	/* Below the cap the oracle still holds. */
	compare("%4095d|", 5);
	compare("%.4000x|", 5u);
	free(b);
}

TEST(oracle_count)
{
	/* The oracle cases above ran (guards against an empty loop). */
	CHECK(compared > 100000);
}

static const struct test_case cases[] = {
	TEST_CASE(oracle_signed),
	TEST_CASE(oracle_unsigned),
	TEST_CASE(oracle_hex_octal),
	TEST_CASE(oracle_char_string),
	TEST_CASE(oracle_pointer),
	TEST_CASE(oracle_mixed),
	TEST_CASE(extremes),
	TEST_CASE(null_string),
	TEST_CASE(pointer_kernel_choices),
	TEST_CASE(truncation),
	TEST_CASE(precision_bounds_string_read),
	TEST_CASE(unknown_and_incomplete),
	TEST_CASE(width_cap),
	TEST_CASE(oracle_count),
};

int main(void) { return run_tests("fmt", cases, ARRAY_SIZE(cases)); }
