/* Pathname expansion (POSIX "Patterns Used for Filename Expansion"),
 * user/lib/pathexp.c: the names of the files a pattern matches, as the
 * shell's "ls *.c" needs them (docs/shell.md). Each '/'-separated part of
 * the pattern is matched by fnmatch (fnmatch.h) against the names of one
 * directory level: "[st]?/x" finds x in every directory of two characters
 * whose first is s or t. A name starting with '.' is
 * matched only by a part starting with '.' (not "*" or "?"), and "." and
 * ".." never by a part with a '*', '?' or '['.
 *
 * All memory is the caller's: the names go into its buffer, the walk
 * needs no allocation beyond opendir's (one directory open at a time),
 * and both the number of names and their bytes are bounded. */
#pragma once
#include <stddef.h>
#include "uapi_fs.h"

/* The longest path the walk builds, its NUL included: lde's longest. */
#define PATHEXP_PATH LDE_FS_PATH_MAX

struct pathexp {
	/* Set by the caller: */
	char *buf;    /* the names found go here, each with its NUL... */
	size_t size;  /* ...in buf[len..size) */
	size_t len;   /* bytes of buf already in use; on return, after the names */
	char **names; /* a pointer to each name found, sorted (strcmp) */
	int max;      /* names has room for this many */
	/* The walk's own: */
	size_t top; /* buf[top..) holds the names of directories still to visit */
	int n;	    /* names found so far */
	char path[PATHEXP_PATH];
};

/* Whether pattern has a '*', '?' or '[' that no '\' quotes: if not, it
 * can only name itself, and pathexp need not look. */
int pathexp_magic(const char *pattern);

/* The names of existing files that pattern (fnmatch's notation, '\'
 * quoting any character; '/' separating the parts) matches, into x,
 * sorted. A pattern ending in '/' matches only directories, named with
 * the '/'. pattern is written to during the call and is as it was on
 * return. Returns how many: 0 if none (a shell keeps the word as it is);
 * x->max + 1 if there are more than x->max (the walk stops at that one,
 * which is not stored); -1 with errno E2BIG if the names do not fit in
 * buf, ENAMETOOLONG if a path would be longer than PATHEXP_PATH, or
 * opendir's if a directory on the way could not be read for another
 * reason than being absent, not a directory, or not readable by us (those
 * simply match nothing, as in the shells). */
int pathexp(char *pattern, struct pathexp *x);
