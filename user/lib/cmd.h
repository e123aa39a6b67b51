/* Helpers shared by the command-line programs (cat, ls, cp, ...;
 * README's program table): the usual error line and usage, copying a
 * descriptor, reading lines of any length, joining paths, options. Each
 * program stays readable on its own. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* Options, as POSIX's getopt finds them (clustered letters, "n:" for
 * a letter with an argument, "--" ends them, and so does the first
 * operand; "-" is an operand), without its messages: the next letter,
 * '?' for one not in opts or one missing its argument, -1 at the end, with
 * cmd_optind the index of the first operand then. (picolibc's getopt
 * permutes like GNU's, and faults on a "-" among the operands.) */
extern int cmd_optind;
extern char *cmd_optarg;
int cmd_getopt(int argc, char *const argv[], const char *opts);

/* "prog: what: strerror(errno)" on stderr, as the usual tools print a
 * failure; returns 1, the status of a failure. */
int cmd_error(const char *prog, const char *what);
/* "usage: text" on stderr; returns 2, the status of bad arguments. */
int cmd_usage(const char *text);
/* Open path for reading; "-" is standard input (0). -1 with errno. */
int cmd_open_in(const char *path);
/* Close what cmd_open_in opened (standard input stays open). */
void cmd_close_in(int fd);
/* Write all n bytes: 0, or -1 with errno. */
int cmd_write_all(int fd, const void *buf, size_t n);
/* Copy in to out until the end of in: 0, or -1 with errno. A write that
 * fails with EPIPE (the reader has gone) ends the copy quietly: 0. */
int cmd_copy(int in, int out);
/* Copy the regular file src to dst (made with src's permissions, less the
 * umask, if new; emptied first if not), reporting any failure as prog's:
 * 0, or 1 once reported. Refuses a directory, and dst being src. */
int cmd_copy_file(const char *prog, const char *src, const char *dst);

/* Lines of a descriptor, whatever their length. */
struct cmd_lines {
	int fd;
	char *buf;
	size_t cap, len, pos; /* buf holds len bytes; the next line starts at pos */
	char saved;	      /* the byte under the last line's NUL */
	int eof;
};
void cmd_lines_init(struct cmd_lines *r, int fd);
/* The next line in *line (its '\n' included if it has one, followed by a
 * NUL): its length, 0 at the end of input, -1 with errno on error. The
 * line stays valid until the next call. */
long cmd_line(struct cmd_lines *r, char **line);
void cmd_lines_free(struct cmd_lines *r);

/* Which names cmd_read_dir keeps: every one; all but "." and ".."; or
 * only those not starting with '.' (what ls shows without -a). */
enum cmd_dir { CMD_DIR_ALL, CMD_DIR_ENTRIES, CMD_DIR_VISIBLE };
/* The names of directory path, read in full before the caller acts on any
 * (so that removing entries cannot disturb the listing): *names gets an
 * array of their copies, which the caller frees, each and the array.
 * Returns their number, with *err 0, or the errno of a failure that cut
 * the listing short (the names read until then are there); -1 with errno
 * if the directory cannot be opened. */
long cmd_read_dir(const char *path, enum cmd_dir which, char ***names, int *err);
/* dir "/" name into buf (size bytes): 0, or -1 with ENAMETOOLONG. */
int cmd_join(char *buf, size_t size, const char *dir, const char *name);
/* The last component of path (trailing '/' ignored) into buf; returns buf. */
const char *cmd_basename(const char *path, char *buf, size_t size);
