/* Replacing a file whole, so that a crash (of the program, the file
 * server or the machine) leaves either the old file or the new one, never
 * a mix: the new contents go to PATH.new, which is synced and then
 * renamed over PATH (docs/users.md, "passwd"). PATH.new doubles as the
 * lock: it is created exclusively, so a second replacement of the same
 * file fails with EEXIST until the first is committed or aborted. One a
 * crash interrupted leaves PATH.new behind (and PATH whole): it is
 * removed by hand, as V7's /etc/ptmp was. */
#pragma once
#include <sys/types.h>

#define REPLACE_PATH_MAX 256

struct replace {
	int fd;				/* PATH.new, open for writing */
	char path[REPLACE_PATH_MAX];	/* PATH */
	char tmp[REPLACE_PATH_MAX + 4]; /* PATH.new */
	/* What the new file gets if PATH does not exist yet (begin sets
	 * 0600 and the effective ids; the caller may change them). */
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* Create PATH.new (mode 0600) for the new contents, which the caller
 * writes to r->fd: 0, or -1 with errno (EEXIST: another replacement is
 * under way, or one was interrupted; ENAMETOOLONG). */
int replace_begin(struct replace *r, const char *path);

/* Give PATH.new PATH's mode and owner (r's if PATH is absent), sync it,
 * rename it over PATH and sync again: 0, or -1 with errno, PATH.new
 * removed and PATH as it was. Either way r->fd is closed. */
int replace_commit(struct replace *r);

/* Drop the new contents: close and remove PATH.new. errno is kept. */
void replace_abort(struct replace *r);
