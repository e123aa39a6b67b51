/* picolibc's <sys/stat.h>, with the lstat that POSIX has and picolibc
 * declares only for a few systems (lde's is in user/lib/files.c: the
 * link itself, not what it leads to). */
#pragma once
#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);
