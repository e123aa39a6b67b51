/* su [USER]: a shell as USER (root by default), with USER's uid and gid.
 * Anyone but root must type USER's password, which is checked against
 * the hash in /etc/shadow (user/lib/pwhash.h); the shell is USER's in
 * /etc/passwd (/bin/sh if it names none). /bin/su is set-user-ID root on
 * the disk: the effective uid 0 it runs with is what lets it read
 * /etc/shadow (root's, mode 0600) and take USER's ids, and it keeps that
 * right only until it execs the shell. Exiting that shell returns to the
 * caller's. docs/users.md, "su". */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd.h"
#include "lde.h"
#include "pwhash.h"

#define FIELD_MAX 256

/* Field i (from 0) of a colon-separated line into out: 0, or -1 if the
 * line has fewer fields or the field does not fit. */
static int field(const char *line, int i, char *out, size_t size)
{
	for (; i > 0; i--) {
		line = strchr(line, ':');
		if (!line)
			return -1;
		line++;
	}
	size_t n = strcspn(line, ":\n");
	if (n >= size)
		return -1;
	memcpy(out, line, n);
	out[n] = 0;
	return 0;
}

/* The line of path whose first field is name, into out: 1 found, 0 not,
 * -1 with errno if the file cannot be read. */
static int find_line(const char *path, const char *name, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct cmd_lines r;
	cmd_lines_init(&r, fd);
	char *line, first[FIELD_MAX];
	long n;
	int found = 0;
	while (!found && (n = cmd_line(&r, &line)) > 0) {
		if (field(line, 0, first, sizeof first) == 0 && strcmp(first, name) == 0 &&
		    (size_t)n < size) {
			memcpy(out, line, (size_t)n + 1);
			found = 1;
		}
	}
	int err = n < 0 ? errno : 0;
	cmd_lines_free(&r);
	close(fd);
	if (err) {
		errno = err;
		return -1;
	}
	return found;
}

static int parse_id(const char *s, unsigned *id)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > 65534)
		return -1;
	*id = (unsigned)v;
	return 0;
}

/* Ctrl-C while the password is typed: echo back on before dying. */
static void on_interrupt(int sig)
{
	(void)sig;
	lde_sys_tcsetecho(0, 1);
	_exit(130);
}

/* Read a line from standard input with the console's echo off (if it is
 * the console): its length without the newline, or -1 with errno. */
static long read_password(char *buf, size_t size)
{
	fputs("Password: ", stdout);
	fflush(stdout);
	signal(SIGINT, on_interrupt);
	int was = (int)lde_sys_tcsetecho(0, 0);
	size_t n = 0;
	long r = 0;
	char c;
	while (n + 1 < size && (r = read(0, &c, 1)) == 1 && c != '\n')
		buf[n++] = c;
	if (was == 1)
		lde_sys_tcsetecho(0, 1);
	signal(SIGINT, SIG_DFL);
	buf[n] = 0;
	if (r < 0)
		return -1;
	return (long)n;
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && (argv[1][0] == '-' || !argv[1][0])))
		return cmd_usage("su [USER]");
	const char *name = argc == 2 ? argv[1] : "root";
	static char pw[FIELD_MAX * 4];
	int f = find_line("/etc/passwd", name, pw, sizeof pw);
	if (f < 0)
		return cmd_error("su", "/etc/passwd");
	char uid_s[16], gid_s[16], shell[FIELD_MAX];
	unsigned uid, gid;
	if (!f) {
		fprintf(stderr, "su: user %s does not exist\n", name);
		return 1;
	}
	if (field(pw, 2, uid_s, sizeof uid_s) < 0 || parse_id(uid_s, &uid) < 0 ||
	    field(pw, 3, gid_s, sizeof gid_s) < 0 || parse_id(gid_s, &gid) < 0) {
		fprintf(stderr, "su: /etc/passwd: bad line for %s\n", name);
		return 1;
	}
	if (field(pw, 6, shell, sizeof shell) < 0 || !shell[0])
		strcpy(shell, "/bin/sh");

	if (getuid() != 0) {
		static char sh[FIELD_MAX * 4], hash[FIELD_MAX], typed[FIELD_MAX];
		f = find_line("/etc/shadow", name, sh, sizeof sh);
		if (f < 0)
			return cmd_error("su", "/etc/shadow");
		if (!f || field(sh, 1, hash, sizeof hash) < 0) {
			fprintf(stderr, "su: %s has no password in /etc/shadow\n", name);
			return 1;
		}
		if (read_password(typed, sizeof typed) < 0)
			return cmd_error("su", "reading the password");
		int ok = pw_check(hash, typed);
		memset(typed, 0, sizeof typed);
		if (ok < 0) {
			fprintf(stderr, "su: %s: account locked\n", name);
			return 1;
		}
		if (!ok) {
			fprintf(stderr, "su: Authentication failure\n");
			return 1;
		}
	}
	/* The group first: once the uid is not root's, setgid is not ours. */
	if (setgid((gid_t)gid) < 0)
		return cmd_error("su", "setgid");
	if (setuid((uid_t)uid) < 0)
		return cmd_error("su", "setuid");
	fflush(stdout);
	char *args[] = { shell, NULL };
	execv(shell, args);
	return cmd_error("su", shell);
}
