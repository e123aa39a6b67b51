/* Host tests of user/lib/fnmatch.c (built here as u_fnmatch, so that the
 * host C library's own fnmatch stays callable): POSIX's cases one by one,
 * then random patterns and names against glibc's fnmatch, which must give
 * the same answer wherever POSIX fixes it, and a pattern that would take
 * exponential time to a matcher that recurses at each '*'. */
#include "check.h"
#include "fnmatch.h"
#include <signal.h>
#include <unistd.h>

int u_fnmatch(const char *pattern, const char *string, int flags);

/* glibc's flag values (its <fnmatch.h> cannot be included beside ours:
 * the same names, other values). */
#define GLIBC_FNM_PATHNAME 1
#define GLIBC_FNM_NOESCAPE 2
#define GLIBC_FNM_PERIOD 4

static int glibc_flags(int flags)
{
	return (flags & FNM_PATHNAME ? GLIBC_FNM_PATHNAME : 0) |
	       (flags & FNM_NOESCAPE ? GLIBC_FNM_NOESCAPE : 0) |
	       (flags & FNM_PERIOD ? GLIBC_FNM_PERIOD : 0);
}

struct match_case {
	const char *pattern, *string;
	int flags;
	int match; /* 1: fnmatch gives 0; 0: it gives FNM_NOMATCH */
};

static void check_cases(const struct match_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = u_fnmatch(c[i].pattern, c[i].string, c[i].flags);
		CHECKF(r == (c[i].match ? 0 : FNM_NOMATCH), "fnmatch(\"%s\", \"%s\", %d) = %d",
		       c[i].pattern, c[i].string, c[i].flags, r);
	}
}

#define CASES(...)                                                     \
	do {                                                           \
		static const struct match_case c_[] = { __VA_ARGS__ }; \
		check_cases(c_, ARRAY_SIZE(c_));                       \
	} while (0)

TEST(literal_star_question)
{
	CASES({ "", "", 0, 1 }, { "", "a", 0, 0 }, { "a", "", 0, 0 }, { "abc", "abc", 0, 1 },
	      { "abc", "abd", 0, 0 }, { "abc", "ab", 0, 0 }, { "ab", "abc", 0, 0 },
	      { "*", "", 0, 1 }, { "*", "anything", 0, 1 }, { "*.c", "sh.c", 0, 1 },
	      { "*.c", "sh.h", 0, 0 }, { "*.c", "x.c.c", 0, 1 }, { "a*b*c", "abc", 0, 1 },
	      { "a*b*c", "aXXbYYc", 0, 1 }, { "a*b*c", "aXXbYYcZ", 0, 0 }, { "**x", "ax", 0, 1 },
	      { "*ab", "aab", 0, 1 }, { "*abc", "abab", 0, 0 }, { "?", "a", 0, 1 },
	      { "?", "", 0, 0 }, { "?", "ab", 0, 0 }, { "??", "ab", 0, 1 }, { "a?c", "abc", 0, 1 },
	      { "*?", "", 0, 0 }, { "*?", "x", 0, 1 }, { "?*?", "xy", 0, 1 },
	      /* characters past 127 are bytes like any other */
	      { "\xc3?", "\xc3\xa9", 0, 1 }, { "[\x80-\xff]", "\xe9", 0, 1 });
}

TEST(brackets)
{
	CASES({ "[abc]", "b", 0, 1 }, { "[abc]", "d", 0, 0 }, { "[abc]", "", 0, 0 },
	      { "[a-z]", "m", 0, 1 }, { "[a-z]", "M", 0, 0 }, { "[!a-z]", "M", 0, 1 },
	      { "[!a-z]", "m", 0, 0 }, { "[^x]", "y", 0, 1 }, { "[^x]", "x", 0, 0 },
	      /* ']' first is itself, '-' first or last is itself */
	      { "[]]", "]", 0, 1 }, { "[]a]", "a", 0, 1 }, { "[!]]", "]", 0, 0 },
	      { "[!]]", "x", 0, 1 }, { "[-a]", "-", 0, 1 }, { "[a-]", "-", 0, 1 },
	      { "[a-]", "b", 0, 0 }, { "[]-a]", "^", 0, 1 },
	      /* a range backwards holds nothing; ranges and single ones mix */
	      { "[z-a]", "m", 0, 0 }, { "[a-cx-z]", "y", 0, 1 }, { "[a-cx-z]", "m", 0, 0 },
	      /* escapes inside: an escaped '-' is no range, an escaped ']' no end */
	      { "[a\\-c]", "b", 0, 0 }, { "[a\\-c]", "-", 0, 1 }, { "[\\]]", "]", 0, 1 },
	      { "[\\!a]", "!", 0, 1 }, { "[\\a-\\c]", "b", 0, 1 },
	      { "[\\]]", "\\", FNM_NOESCAPE, 0 }, { "[\\]]", "\\]", FNM_NOESCAPE, 1 },
	      /* the C locale's classes, and single collating elements */
	      { "[[:alpha:]]", "q", 0, 1 }, { "[[:alpha:]]", "4", 0, 0 },
	      { "[[:digit:]x]", "x", 0, 1 }, { "[![:digit:]]", "4", 0, 0 },
	      { "[[:upper:][:digit:]]", "Q", 0, 1 }, { "[[:space:]]", " ", 0, 1 },
	      { "[[:xdigit:]]", "F", 0, 1 }, { "[[:xdigit:]]", "g", 0, 0 },
	      { "[[:punct:]]", "!", 0, 1 }, { "[[.a.]]", "a", 0, 1 }, { "[[=b=]]", "b", 0, 1 },
	      { "[[.-.]a]", "-", 0, 1 }, { "[[:]", ":", 0, 1 }, { "[[:]", "[", 0, 1 },
	      /* no closing ']', an unknown class, a bad "[.": the '[' is itself */
	      { "[abc", "[abc", 0, 1 }, { "[abc", "a", 0, 0 }, { "[?-", "[a-", 0, 1 },
	      { "[[:nosuch:]]", "a", 0, 0 }, { "[[.ab.]]", "a", 0, 0 }, { "[?[.]", "[b.", 0, 1 },
	      { "x[", "x[", 0, 1 });
}

TEST(escapes)
{
	CASES({ "\\*", "*", 0, 1 }, { "\\*", "a", 0, 0 }, { "\\?", "?", 0, 1 },
	      { "\\[a]", "[a]", 0, 1 }, { "\\[a]", "a", 0, 0 }, { "\\a", "a", 0, 1 },
	      { "\\\\", "\\", 0, 1 }, { "a\\*b*", "a*bcd", 0, 1 },
	      /* a '\' at the end has nothing to quote: itself */
	      { "a\\", "a\\", 0, 1 }, { "\\", "\\", 0, 1 },
	      /* FNM_NOESCAPE: '\' is an ordinary character */
	      { "\\*", "\\x", FNM_NOESCAPE, 1 }, { "\\a", "a", FNM_NOESCAPE, 0 },
	      { "\\a", "\\a", FNM_NOESCAPE, 1 });
}

TEST(pathname)
{
	CASES({ "*", "a/b", 0, 1 }, { "*", "a/b", FNM_PATHNAME, 0 },
	      { "a?b", "a/b", FNM_PATHNAME, 0 }, { "a[/]b", "a/b", FNM_PATHNAME, 0 },
	      { "a[!x]b", "a/b", FNM_PATHNAME, 0 }, { "a[!x]b", "a/b", 0, 1 },
	      { "*/*", "usr/bin", FNM_PATHNAME, 1 }, { "*/*", "usr/bin/x", FNM_PATHNAME, 0 },
	      { "*/b", "a/x/b", FNM_PATHNAME, 0 },
	      { "/usr/*/n*", "/usr/share/notes", FNM_PATHNAME, 1 },
	      { "a*", "ab/c", FNM_PATHNAME, 0 }, { "*x/*y", "ax/by", FNM_PATHNAME, 1 },
	      /* an escaped '/' is a '/' (glibc's '*' misses this one) */
	      { "*\\/x", "a/x", FNM_PATHNAME, 1 });
}

TEST(period)
{
	CASES({ "*", ".hidden", FNM_PERIOD, 0 }, { "*", ".hidden", 0, 1 },
	      { "?hidden", ".hidden", FNM_PERIOD, 0 }, { "[.]hidden", ".hidden", FNM_PERIOD, 0 },
	      { ".*", ".hidden", FNM_PERIOD, 1 }, { "\\.*", ".hidden", FNM_PERIOD, 1 },
	      { "*.c", ".c", FNM_PERIOD, 0 }, { "*.c", "a.c", FNM_PERIOD, 1 },
	      { "a*", "a.b", FNM_PERIOD, 1 },
	      /* after a '/' only with FNM_PATHNAME */
	      { "a/*", "a/.x", FNM_PATHNAME | FNM_PERIOD, 0 }, { "a/*", "a/.x", FNM_PATHNAME, 1 },
	      { "a*", "a/.x", FNM_PERIOD, 1 }, { "a/.*", "a/.x", FNM_PATHNAME | FNM_PERIOD, 1 },
	      { "*/*", "b/.x", FNM_PATHNAME | FNM_PERIOD, 0 });
}

/* Random patterns and names over the characters that mean something,
 * against glibc. Left out: what POSIX leaves open and glibc takes
 * otherwise (a '[' with no ']', "[." and "[=" elements that are not a
 * single character, a '\' at the end, and under FNM_PATHNAME an escaped
 * '/' after a '*'). */
static bool posix_fixes(const char *p, int flags)
{
	size_t n = strlen(p);
	const char *b = strrchr(p, '[');
	if (n && p[n - 1] == '\\')
		return false;
	if ((flags & FNM_PATHNAME) && strstr(p, "\\/"))
		return false;
	if (strstr(p, "[.") || strstr(p, "[="))
		return false;
	return !b || strchr(b, ']');
}

TEST(same_as_glibc)
{
	static const char pchars[] = "ab./*?[]!^-\\:";
	static const char schars[] = "ab./-]!^\\[";
	int compared = 0;
	for (int i = 0; i < 300000; i++) {
		char p[12], s[8];
		size_t pl = rng_below(sizeof p), sl = rng_below(sizeof s);
		for (size_t k = 0; k < pl; k++)
			p[k] = pchars[rng_below(sizeof pchars - 1)];
		for (size_t k = 0; k < sl; k++)
			s[k] = schars[rng_below(sizeof schars - 1)];
		p[pl] = s[sl] = 0;
		int flags = (int)rng_below(8);
		if (!posix_fixes(p, flags))
			continue;
		compared++;
		int ours = u_fnmatch(p, s, flags), theirs = fnmatch(p, s, glibc_flags(flags));
		if (!CHECKF((ours == 0) == (theirs == 0),
			    "fnmatch(\"%s\", \"%s\", %d): ours %d, glibc's %d", p, s, flags, ours,
			    theirs))
			return;
	}
	CHECKF(compared > 100000, "only %d compared", compared);
}

static void too_slow(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL: fnmatch/linear_time: still matching after 10 s\n";
	(void)!write(1, msg, sizeof msg - 1);
	_exit(1);
}

/* "*a*a...*a*b" against a string of 'a's: a matcher that recurses at each
 * '*' tries every way of sharing the 'a's out among the stars, about
 * C(200, 30) of them; this one takes at most the pattern's length times
 * the string's steps. */
TEST(linear_time)
{
	char p[2 * 30 + 3], s[201];
	size_t n = 0;
	for (int i = 0; i < 30; i++) {
		p[n++] = '*';
		p[n++] = 'a';
	}
	p[n++] = '*';
	p[n++] = 'b';
	p[n] = 0;
	memset(s, 'a', 200);
	s[200] = 0;
	signal(SIGALRM, too_slow);
	alarm(10);
	CHECK_INT(u_fnmatch(p, s, 0), FNM_NOMATCH);
	s[199] = 'b';
	CHECK_INT(u_fnmatch(p, s, FNM_PATHNAME | FNM_PERIOD), 0);
	alarm(0);
}

int main(void)
{
	static const struct test_case cases[] = {
		TEST_CASE(literal_star_question),
		TEST_CASE(brackets),
		TEST_CASE(escapes),
		TEST_CASE(pathname),
		TEST_CASE(period),
		TEST_CASE(same_as_glibc),
		TEST_CASE(linear_time),
	};
	return run_tests("fnmatch", cases, ARRAY_SIZE(cases));
}
