/* Pattern matching notation (POSIX fnmatch), user/lib/fnmatch.c: the
 * shell's pathname expansion (docs/shell.md, "Pathname expansion") and any
 * program that matches names. Include it as "fnmatch.h": it replaces
 * picolibc's fnmatch, whose flag values it keeps, because that one calls
 * itself at every '*', and so takes time exponential in the number of
 * stars on a pattern like "*a*a*a*a*b"; this one takes at most
 * strlen(pattern) * strlen(string) steps and no recursion.
 *
 * The pattern: '*' any string, '?' any character, '[...]' one character
 * of a bracket expression ("[abc]", "[a-z]", "[!x]" or "[^x]" for any
 * character but x, "[[:alpha:]]" and the other classes of the C locale,
 * "[.c.]" and "[=c=]" for the character c; ']' first is itself, '-' first
 * or last is itself), '\c' the character c; anything else itself. A '['
 * with no closing ']' is itself. Characters are bytes, compared as unsigned
 * values (the C locale). */
#pragma once

#define FNM_NOMATCH 1 /* fnmatch's answer when the string does not match */

#define FNM_NOESCAPE 0x01 /* '\' is an ordinary character */
#define FNM_PATHNAME 0x02 /* '/' only matched by a '/' in the pattern */
#define FNM_PERIOD 0x04	  /* a leading '.' only matched by a '.' in the pattern */

/* 0 if string matches pattern, FNM_NOMATCH if not. With FNM_PERIOD a '.'
 * at the start of string (with FNM_PATHNAME also one just after a '/')
 * must be matched by a '.' of the pattern, not by '*', '?' or a bracket
 * expression: how names starting with '.' stay hidden. With FNM_PATHNAME
 * a '[' whose bracket expression would contain a '/' is itself. */
int fnmatch(const char *pattern, const char *string, int flags);
