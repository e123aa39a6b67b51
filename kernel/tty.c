/* Line discipline. Keys: Enter ends a line, Backspace/DEL erases a
 * character, Ctrl-U erases the line, Ctrl-D at the start of a line is
 * end-of-file (elsewhere it hands over the partial line), Ctrl-C sends
 * SIGINT, Ctrl-Z SIGTSTP and Ctrl-\ SIGQUIT to the foreground process
 * group (which may catch them: docs/signals.md), Ctrl-P prints the
 * kernel's process dump. Everything typed is echoed, but while echo is
 * off (tty_set_echo: a password being typed) the line's characters and
 * their erasing are not; Enter and the control keys still show. */
#include "tty.h"
#include "console.h"
#include "errno.h"
#include "hooks.h"
#include "kstring.h"
#include "proc.h"
#include "sched.h"

#define CTRL(c) ((c) - '@')
#define KEY_BACKSPACE 0x08
#define KEY_DEL 0x7f
#define LINE_MAX 256
#define COOKED_SIZE 1024 /* power of two */

static char line[LINE_MAX];
static size_t line_len;
/* Completed input waiting for read(); a 0 in eof_at marks where an
 * end-of-file sits in the byte stream. */
static char cooked[COOKED_SIZE];
static uint64_t cooked_r, cooked_w;
static uint64_t eofs_pending;
static uint64_t eof_pos[8];
static struct waitq readers = { .sleepers = LIST_INIT(readers.sleepers), .name = "tty read" };
static int foreground;
static bool noecho;

void tty_set_foreground(int pgrp) { foreground = pgrp; }

bool tty_set_echo(bool on)
{
	bool was = !noecho;
	noecho = !on;
	return was;
}

static void echo(const char *s, size_t n) { console_write(s, n); }

/* What the line itself shows: nothing while echo is off. */
static void echo_line(const char *s, size_t n)
{
	if (!noecho)
		echo(s, n);
}

static void commit(bool newline, bool eof)
{
	/* Drop what does not fit rather than block: input is from a human. */
	for (size_t i = 0; i < line_len && cooked_w - cooked_r < COOKED_SIZE; i++)
		cooked[cooked_w++ % COOKED_SIZE] = line[i];
	if (newline && cooked_w - cooked_r < COOKED_SIZE)
		cooked[cooked_w++ % COOKED_SIZE] = '\n';
	if (eof && eofs_pending < 8)
		eof_pos[eofs_pending++] = cooked_w;
	line_len = 0;
	wake_all(&readers);
}

/* A key that signals the foreground group: the line typed so far goes. */
static void interrupt(const char *shown, int sig)
{
	echo(shown, strlen(shown));
	line_len = 0;
	if (foreground > 0)
		proc_kill(-foreground, sig);
}

void tty_input(int c)
{
	switch (c) {
	case '\r':
	case '\n':
		echo("\n", 1);
		commit(true, false);
		break;
	case KEY_BACKSPACE:
	case KEY_DEL:
		if (line_len) {
			line_len--;
			echo_line("\b \b", 3);
		}
		break;
	case CTRL('U'):
		while (line_len) {
			line_len--;
			echo_line("\b \b", 3);
		}
		break;
	case CTRL('D'): commit(false, line_len == 0); break;
	case CTRL('C'): interrupt("^C\n", LDE_SIGINT); break;
	case CTRL('Z'): interrupt("^Z\n", LDE_SIGTSTP); break;
	case CTRL('\\'): interrupt("^\\\n", LDE_SIGQUIT); break;
	case CTRL('P'): proc_dump(); break;
	default:
		if (line_len < LINE_MAX && c >= ' ' && c < KEY_DEL) {
			line[line_len++] = (char)c;
			char ch = (char)c;
			echo_line(&ch, 1);
		}
		break;
	}
}

long tty_read(uint64_t ubuf, size_t n)
{
	for (;;) {
		if (eofs_pending && eof_pos[0] == cooked_r) {
			eofs_pending--;
			for (uint64_t i = 0; i < eofs_pending; i++)
				eof_pos[i] = eof_pos[i + 1];
			return 0;
		}
		if (cooked_w != cooked_r)
			break;
		int err = sleep_on(&readers);
		if (err)
			return err;
	}
	/* One line at most, and never past a pending end-of-file. */
	uint64_t limit = eofs_pending ? eof_pos[0] : cooked_w;
	size_t done = 0;
	while (done < n && cooked_r < limit) {
		char c = cooked[cooked_r % COOKED_SIZE];
		int err = copyout(&current->mm, ubuf + done, &c, 1);
		if (err)
			return done ? (long)done : err;
		cooked_r++;
		done++;
		if (c == '\n')
			break;
	}
	return (long)done;
}
