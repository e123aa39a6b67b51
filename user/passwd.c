/* passwd [USER]: change a password in /etc/shadow (docs/users.md,
 * "passwd"). Without USER, the caller's own (the line of /etc/passwd with
 * its real uid). Anyone but root may change only their own, and must type
 * the current password first; root may change anyone's without it. The
 * new password is typed twice, without echo, and must be the same both
 * times. It is stored as a new hash (user/lib/pwhash.h) with a new salt
 * (user/lib/seed.h), and /etc/shadow is replaced whole (user/lib/
 * replace.h): a crash leaves the old file or the new one. /bin/passwd is
 * set-user-ID root on the disk, which lets it read and replace the file;
 * it runs nothing else. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "account.h"
#include "cmd.h"
#include "pwhash.h"
#include "replace.h"
#include "seed.h"

#define SHADOW "/etc/shadow"

/* The timer when the program started and when each password's Enter came:
 * a person's timing, stirred into the salt (seed.h). */
static uint64_t times[4];
static int ntimes;

static void note_time(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	if (ntimes < (int)(sizeof times / sizeof times[0]))
		times[ntimes++] = t;
}

/* Read a password, refusing an error or an end of input. */
static int ask(const char *prompt, char *buf, size_t size)
{
	long n = acct_read_password(prompt, buf, size);
	note_time();
	if (n < 0)
		return cmd_error("passwd", "reading the password");
	return 0;
}

/* Write /etc/shadow anew into fd with name's hash replaced (other fields
 * kept), or added if the file has no line for name and add is set: 1
 * written, 0 no line for name, -1 with errno. */
static int rewrite(int fd, const char *name, const char *hash, int add)
{
	int in = open(SHADOW, O_RDONLY);
	if (in < 0)
		return -1;
	struct cmd_lines r;
	cmd_lines_init(&r, in);
	char *line, first[ACCT_FIELD_MAX];
	long n;
	int found = 0, err = 0;
	while ((n = cmd_line(&r, &line)) > 0) {
		int mine = !found && acct_field(line, 0, first, sizeof first) == 0 &&
			   strcmp(first, name) == 0;
		if (!mine) {
			if (cmd_write_all(fd, line, (size_t)n) < 0 ||
			    (line[n - 1] != '\n' && cmd_write_all(fd, "\n", 1) < 0))
				break;
			continue;
		}
		/* NAME:HASH then whatever followed the hash on the line. */
		const char *rest = strchr(line, ':');
		rest = rest ? rest + 1 + strcspn(rest + 1, ":\n") : "\n";
		if (cmd_write_all(fd, name, strlen(name)) < 0 || cmd_write_all(fd, ":", 1) < 0 ||
		    cmd_write_all(fd, hash, strlen(hash)) < 0 ||
		    cmd_write_all(fd, rest, strlen(rest)) < 0 ||
		    (!strchr(rest, '\n') && cmd_write_all(fd, "\n", 1) < 0))
			break;
		found = 1;
	}
	if (n != 0)
		err = errno ? errno : EIO;
	cmd_lines_free(&r);
	close(in);
	if (!err && !found && add) {
		if (cmd_write_all(fd, name, strlen(name)) < 0 || cmd_write_all(fd, ":", 1) < 0 ||
		    cmd_write_all(fd, hash, strlen(hash)) < 0 || cmd_write_all(fd, "\n", 1) < 0)
			err = errno;
		else
			found = 1;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return found;
}

int main(int argc, char **argv)
{
	note_time();
	if (argc > 2 || (argc == 2 && (argv[1][0] == '-' || !argv[1][0])))
		return cmd_usage("passwd [USER]");
	unsigned me = getuid(), uid;
	static char pw[ACCT_LINE_MAX];
	char name[ACCT_FIELD_MAX], uid_s[16], me_s[16];
	int f;
	if (argc == 2) {
		f = acct_find("/etc/passwd", 0, argv[1], pw, sizeof pw);
	} else {
		snprintf(me_s, sizeof me_s, "%u", me);
		f = acct_find("/etc/passwd", 2, me_s, pw, sizeof pw);
	}
	if (f < 0)
		return cmd_error("passwd", "/etc/passwd");
	if (!f) {
		if (argc == 2)
			fprintf(stderr, "passwd: user %s does not exist\n", argv[1]);
		else
			fprintf(stderr, "passwd: uid %u has no line in /etc/passwd\n", me);
		return 1;
	}
	if (acct_field(pw, 0, name, sizeof name) < 0 ||
	    acct_field(pw, 2, uid_s, sizeof uid_s) < 0 || acct_id(uid_s, &uid) < 0) {
		fprintf(stderr, "passwd: /etc/passwd: bad line for %s\n",
			argc == 2 ? argv[1] : me_s);
		return 1;
	}
	if (me != 0 && uid != me) {
		fprintf(stderr, "passwd: only root may change %s's password\n", name);
		return 1;
	}

	static char sh[ACCT_LINE_MAX], hash[ACCT_FIELD_MAX], typed[ACCT_FIELD_MAX],
		again[ACCT_FIELD_MAX];
	printf("Changing the password of %s\n", name);
	if (me != 0) {
		f = acct_find(SHADOW, 0, name, sh, sizeof sh);
		if (f < 0)
			return cmd_error("passwd", SHADOW);
		if (!f || acct_field(sh, 1, hash, sizeof hash) < 0) {
			fprintf(stderr, "passwd: %s has no password in %s\n", name, SHADOW);
			return 1;
		}
		if (ask("Current password: ", typed, sizeof typed))
			return 1;
		int ok = pw_check(hash, typed);
		memset(typed, 0, sizeof typed);
		if (ok < 0) {
			fprintf(stderr, "passwd: %s: account locked\n", name);
			return 1;
		}
		if (!ok) {
			fprintf(stderr, "passwd: Authentication failure\n");
			return 1;
		}
	}
	if (ask("New password: ", typed, sizeof typed) ||
	    ask("Retype new password: ", again, sizeof again))
		return 1;
	int same = strcmp(typed, again) == 0;
	memset(again, 0, sizeof again);
	if (!same || !typed[0]) {
		memset(typed, 0, sizeof typed);
		fprintf(stderr, same ? "passwd: empty password refused; password unchanged\n"
				     : "passwd: the passwords differ; password unchanged\n");
		return 1;
	}

	/* From here to the rename nothing a keyboard sends may stop us: a
	 * stopped or killed passwd would hold the lock (replace.h). */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	struct replace r;
	if (replace_begin(&r, SHADOW) < 0) {
		int e = errno;
		cmd_error("passwd", r.tmp);
		if (e == EEXIST)
			fprintf(stderr,
				"passwd: another passwd is changing %s, or one was "
				"interrupted (then root removes %s)\n",
				SHADOW, r.tmp);
		return 1;
	}
	uint8_t salt[PW_SALT];
	f = seed_random(salt, sizeof salt, times, sizeof times[0] * (size_t)ntimes);
	if (f < 0) {
		replace_abort(&r);
		return cmd_error("passwd", SEED_PATH);
	}
	if (f == 1)
		fprintf(stderr,
			"passwd: no usable %s: a new one made, this salt from the timer alone\n",
			SEED_PATH);
	char newhash[PW_HASH_MAX];
	pw_make(newhash, sizeof newhash, typed, salt, sizeof salt, PW_ITER);
	memset(typed, 0, sizeof typed);
	/* Root may give a password to an account /etc/shadow lacks. */
	f = rewrite(r.fd, name, newhash, me == 0);
	if (f <= 0) {
		replace_abort(&r);
		if (f < 0)
			return cmd_error("passwd", SHADOW);
		fprintf(stderr, "passwd: %s has no password in %s\n", name, SHADOW);
		return 1;
	}
	if (replace_commit(&r) < 0)
		return cmd_error("passwd", SHADOW);
	printf("passwd: password changed for %s\n", name);
	return 0;
}
