/* Directories (POSIX's <dirent.h>, which picolibc leaves out): opendir,
 * readdir, closedir over getdents (user/lib/dirent.c). Include it as
 * "dirent.h". */
#pragma once
#include <stdint.h>
#include <sys/types.h>

struct dirent {
	ino_t d_ino;
	unsigned char d_type; /* DT_* */
	char d_name[256];
};

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8

typedef struct lde_dir DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
/* The next entry, or NULL at the end (errno unchanged) or on error (errno set). */
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);
void rewinddir(DIR *d);
