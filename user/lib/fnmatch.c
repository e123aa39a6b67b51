/* Pattern matching notation (fnmatch.h). One pass over the string with
 * one place to come back to, the last '*': when the pattern after it
 * fails, that '*' takes one more character and the rest is tried again.
 * Going back to an earlier '*' never helps, since whatever it could take
 * the last one can take as well (under FNM_PATHNAME neither takes a '/',
 * and the pattern's own '/' between them pins the earlier one). So the
 * work is at most the pattern's length for each character of the string,
 * with no recursion: pure code, also built for the host tests
 * (tests/host/test_fnmatch.c). */
#include "fnmatch.h"
#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* Whether c is in the class name[0..len) of the C locale: 1 or 0; -1 if
 * there is no such class. */
static int in_class(const char *name, size_t len, unsigned char c)
{
	static const struct {
		const char *name;
		int (*is)(int);
	} classes[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
		{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
		{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
		{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strlen(classes[i].name) == len && !memcmp(classes[i].name, name, len))
			return classes[i].is(c) != 0;
	return -1;
}

/* One character of a bracket expression at p: "[.c.]" or "[=c=]" (the C
 * locale has no longer collating elements, and each character is its own
 * equivalence class), "\c", or c. Stores it in *c and returns what follows
 * it; NULL if a "[." or "[=" is not one of those. */
static const char *element(const char *p, int flags, unsigned char *c)
{
	if (p[0] == '[' && (p[1] == '.' || p[1] == '=')) {
		if (!p[2] || p[3] != p[1] || p[4] != ']')
			return NULL;
		*c = (unsigned char)p[2];
		return p + 5;
	}
	if (p[0] == '\\' && !(flags & FNM_NOESCAPE) && p[1]) {
		*c = (unsigned char)p[1];
		return p + 2;
	}
	*c = (unsigned char)p[0];
	return p + 1;
}

/* The bracket expression whose '[' is just before p, against c: 1 if c is
 * in it, 0 if not, with *end just past its ']'; -1 if there is no bracket
 * expression there (no closing ']', an unknown class or collating element),
 * and the '[' is an ordinary character. */
static int bracket(const char *p, unsigned char c, int flags, const char **end)
{
	int negate = *p == '!' || *p == '^';
	int in = 0;
	if (negate)
		p++;
	/* A ']' first is itself, not the end. */
	for (const char *first = p; *p != ']' || p == first;) {
		if (!*p)
			return -1;
		if (p[0] == '[' && p[1] == ':') {
			const char *name = p + 2, *q = name;
			while (*q >= 'a' && *q <= 'z')
				q++;
			/* Not "[:name:]": the '[' is one more character. */
			if (q[0] == ':' && q[1] == ']') {
				int r = in_class(name, (size_t)(q - name), c);
				if (r < 0)
					return -1;
				in |= r;
				p = q + 2;
				continue;
			}
		}
		unsigned char lo, hi;
		p = element(p, flags, &lo);
		if (!p)
			return -1;
		hi = lo;
		/* A '-' last (just before the ']') is itself. */
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p = element(p + 1, flags, &hi);
			if (!p)
				return -1;
		}
		in |= lo <= c && c <= hi;
	}
	*end = p + 1;
	return in != negate;
}

int fnmatch(const char *pattern, const char *string, int flags)
{
	const char *p = pattern, *s = string;
	const char *star_p = NULL; /* the pattern just after the last '*' */
	const char *star_s = NULL; /* where the string after that '*' starts */
	int pathname = flags & FNM_PATHNAME;
	for (;;) {
		/* A '.' that only a '.' of the pattern may match. */
		int leading = *s == '.' && (flags & FNM_PERIOD) &&
			      (s == string || (pathname && s[-1] == '/'));
		if (*p == '*') {
			while (*p == '*')
				p++;
			/* The name starts with '.' and the pattern with '*': as
			 * in glob() and the shells, a hidden name is only
			 * matched by a pattern that starts with '.' itself. An
			 * earlier '*' cannot help (it would have to take a '/'). */
			if (leading)
				return FNM_NOMATCH;
			star_p = p;
			star_s = s;
			continue;
		}
		if (!*s && !*p)
			return 0;
		const char *next = p + 1;
		int ok = 0, r;
		if (!*s) {
			ok = 0;
		} else if (*p == '?') {
			ok = !leading && !(pathname && *s == '/');
		} else if (*p == '[' &&
			   (r = bracket(p + 1, (unsigned char)*s, flags, &next)) >= 0) {
			ok = r && !leading && !(pathname && *s == '/');
		} else {
			next = p + 1;
			char want = *p;
			if (*p == '\\' && !(flags & FNM_NOESCAPE) && p[1])
				want = *next++;
			ok = *p && want == *s;
		}
		if (ok) {
			p = next;
			s++;
			continue;
		}
		/* Let the last '*' take one more character, if it may. */
		if (!star_p || !*star_s || (pathname && *star_s == '/'))
			return FNM_NOMATCH;
		s = ++star_s;
		p = star_p;
	}
}
