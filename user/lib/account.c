/* User accounts: see account.h. */
#include "account.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "lde.h"

int acct_field(const char *line, int i, char *out, size_t size)
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

int acct_find(const char *path, int i, const char *value, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct cmd_lines r;
	cmd_lines_init(&r, fd);
	char *line, f[ACCT_FIELD_MAX];
	long n;
	int found = 0;
	while (!found && (n = cmd_line(&r, &line)) > 0) {
		if (acct_field(line, i, f, sizeof f) == 0 && strcmp(f, value) == 0 &&
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

int acct_id(const char *s, unsigned *id)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > 65534)
		return -1;
	*id = (unsigned)v;
	return 0;
}

/* Ctrl-C while a password is typed: echo back on before dying. */
static void on_interrupt(int sig)
{
	(void)sig;
	lde_sys_tcsetecho(0, 1);
	_exit(130);
}

long acct_read_password(const char *prompt, char *buf, size_t size)
{
	/* Echo off before the prompt: whatever is typed once it shows must
	 * not appear. */
	signal(SIGINT, on_interrupt);
	int was = (int)lde_sys_tcsetecho(0, 0);
	fputs(prompt, stdout);
	fflush(stdout);
	size_t n = 0;
	long r = 0;
	char c;
	while ((r = read(0, &c, 1)) == 1 && c != '\n')
		if (n + 1 < size)
			buf[n++] = c;
	if (was == 1)
		lde_sys_tcsetecho(0, 1);
	signal(SIGINT, SIG_DFL);
	buf[n] = 0;
	c = 0;
	if (r < 0)
		return -1;
	return (long)n;
}
