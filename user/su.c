/* su [-|-l] [USER]: a shell as USER (root by default), with USER's uid
 * and gid; with "-" or "-l", a login: in USER's home directory.
 * Anyone but root must type USER's password, which is checked against
 * the hash in /etc/shadow (user/lib/pwhash.h); the shell is USER's in
 * /etc/passwd (/bin/sh if it names none). /bin/su is set-user-ID root on
 * the disk: the effective uid 0 it runs with is what lets it read
 * /etc/shadow (root's, mode 0600) and take USER's ids, and it keeps that
 * right only until it execs the shell. Exiting that shell returns to the
 * caller's. docs/users.md, "su". */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "account.h"
#include "cmd.h"
#include "pwhash.h"

int main(int argc, char **argv)
{
	/* "-", "-l": a login, in USER's home directory (docs/users.md, "su -"). */
	int login = 0, a = 1;
	if (a < argc && (!strcmp(argv[a], "-") || !strcmp(argv[a], "-l"))) {
		login = 1;
		a++;
	}
	if (argc - a > 1 || (a < argc && (argv[a][0] == '-' || !argv[a][0])))
		return cmd_usage("su [-|-l] [USER]");
	const char *name = a < argc ? argv[a] : "root";
	static char pw[ACCT_LINE_MAX];
	int f = acct_find("/etc/passwd", 0, name, pw, sizeof pw);
	if (f < 0)
		return cmd_error("su", "/etc/passwd");
	char uid_s[16], gid_s[16], home[ACCT_FIELD_MAX], shell[ACCT_FIELD_MAX];
	unsigned uid, gid;
	if (!f) {
		fprintf(stderr, "su: user %s does not exist\n", name);
		return 1;
	}
	if (acct_field(pw, 2, uid_s, sizeof uid_s) < 0 || acct_id(uid_s, &uid) < 0 ||
	    acct_field(pw, 3, gid_s, sizeof gid_s) < 0 || acct_id(gid_s, &gid) < 0) {
		fprintf(stderr, "su: /etc/passwd: bad line for %s\n", name);
		return 1;
	}
	if (acct_field(pw, 5, home, sizeof home) < 0 || !home[0])
		strcpy(home, "/");
	if (acct_field(pw, 6, shell, sizeof shell) < 0 || !shell[0])
		strcpy(shell, "/bin/sh");

	if (getuid() != 0) {
		static char sh[ACCT_LINE_MAX], hash[ACCT_FIELD_MAX], typed[ACCT_FIELD_MAX];
		f = acct_find("/etc/shadow", 0, name, sh, sizeof sh);
		if (f < 0)
			return cmd_error("su", "/etc/shadow");
		if (!f || acct_field(sh, 1, hash, sizeof hash) < 0) {
			fprintf(stderr, "su: %s has no password in /etc/shadow\n", name);
			return 1;
		}
		if (acct_read_password("Password: ", typed, sizeof typed) < 0)
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
	/* With USER's rights, not root's: the home must be one USER may
	 * enter. No shell rather than one somewhere else. access too, as
	 * lde's chdir checks the path's components but not the search
	 * right of the directory it ends at. */
	if (login && (access(home, X_OK) < 0 || chdir(home) < 0))
		return cmd_error("su", home);
	fflush(stdout);
	char *args[] = { shell, NULL };
	execv(shell, args);
	return cmd_error("su", shell);
}
