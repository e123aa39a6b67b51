/* Line discipline: canonical mode, with line editing and history for
 * every program that reads the console (docs/shell.md, "Line editing").
 * Keys: Enter ends a line; Left/Right (Ctrl-B/Ctrl-F), Home/End
 * (Ctrl-A/Ctrl-E) move in it; Backspace/DEL erases before the cursor,
 * Delete under it, Ctrl-W the word before it, Ctrl-K to the end, Ctrl-U
 * the whole line; Up/Down recall the lines entered before. Ctrl-D at the
 * start of a line is end-of-file (elsewhere it hands over the partial
 * line), Ctrl-C sends SIGINT, Ctrl-Z SIGTSTP and Ctrl-\ SIGQUIT to the
 * foreground process group (which may catch them: docs/signals.md),
 * Ctrl-P prints the kernel's process dump. Escape sequences (ESC [ ...,
 * ESC O x) are keys, never text: those not listed are dropped whole. The
 * editing is drawn with backspace and the VT100 cursor moves, which every
 * terminal emulator knows. While echo is off (tty_set_echo: a password
 * being typed) the line is edited but not drawn, and it is not kept in
 * the history; Enter and the signal keys still show; a change of the
 * foreground group turns echo back on. */
#include "tty.h"
#include "console.h"
#include "errno.h"
#include "fmt.h"
#include "hooks.h"
#include "kstring.h"
#include "proc.h"
#include "sched.h"
#include "uapi.h"

#define CTRL(c) ((c) - '@')
#define KEY_BACKSPACE 0x08
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f
#define LINE_MAX LDE_TTY_LINE_MAX
#define COOKED_SIZE 1024 /* power of two */
#define HISTORY 16	 /* lines kept for Up/Down */

/* The line being edited, and the cursor in it (0..line_len). */
static char line[LINE_MAX];
static size_t line_len, cursor;
/* Completed input waiting for read(); a 0 in eof_at marks where an
 * end-of-file sits in the byte stream. */
static char cooked[COOKED_SIZE];
static uint64_t cooked_r, cooked_w;
static uint64_t eofs_pending;
static uint64_t eof_pos[8];
static struct waitq readers = { .sleepers = LIST_INIT(readers.sleepers), .name = "tty read" };
static int foreground;
static bool noecho;

/* The last HISTORY lines entered, a ring: entry i of hist_count is at
 * i % HISTORY. Browsing is hist_back steps back from the line being typed,
 * which is kept in typed meanwhile. Static: the tty allocates nothing. */
static char hist[HISTORY][LINE_MAX];
static uint16_t hist_len[HISTORY];
static uint64_t hist_count;
static unsigned hist_back;
static char typed[LINE_MAX];
static size_t typed_len;

/* Where an escape sequence is: after ESC, after ESC [ (with its first
 * number so far), after ESC O. */
static enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 } esc;
static unsigned esc_num;

/* Echo comes back on whenever another group takes the console: a program
 * stopped or killed while it read a password must not leave the shell
 * typing blind. */
void tty_set_foreground(int pgrp)
{
	if (pgrp != foreground)
		noecho = false;
	foreground = pgrp;
}

bool tty_set_echo(bool on)
{
	bool was = !noecho;
	noecho = !on;
	return was;
}

static void echo(const char *s, size_t n) { console_write(s, n); }

/* What draws the line itself: nothing while echo is off. */
static void draw(const char *s, size_t n)
{
	if (!noecho)
		echo(s, n);
}

static void bell(void) { echo("\a", 1); }

static void cursor_left(size_t n)
{
	if (n == 1) {
		draw("\b", 1);
	} else if (n > 1) {
		char buf[16];
		int len = ksnprintf(buf, sizeof buf, "\x1b[%dD", (int)n);
		draw(buf, (size_t)len);
	}
}

/* Blank n columns from the cursor, which stays. */
static void blank(size_t n)
{
	for (size_t i = 0; i < n; i++)
		draw(" ", 1);
	cursor_left(n);
}

/* Draw the line from the cursor on, after it changed there; it was
 * old_len long. The cursor stays. */
static void redraw_tail(size_t old_len)
{
	draw(line + cursor, line_len - cursor);
	size_t gone = old_len > line_len ? old_len - line_len : 0;
	for (size_t i = 0; i < gone; i++)
		draw(" ", 1);
	cursor_left(line_len - cursor + gone);
}

static void move_to(size_t pos)
{
	if (pos < cursor)
		cursor_left(cursor - pos);
	else
		draw(line + cursor, pos - cursor); /* drawing a character moves right */
	cursor = pos;
}

static void insert(char c)
{
	if (line_len == LINE_MAX) {
		bell(); /* dropped: what was typed is what the line holds */
		return;
	}
	memmove(line + cursor + 1, line + cursor, line_len - cursor);
	line[cursor] = c;
	line_len++;
	draw(&c, 1);
	cursor++;
	redraw_tail(line_len);
}

/* Erase line[from..to). */
static void erase(size_t from, size_t to)
{
	if (from >= to)
		return;
	move_to(from);
	size_t old = line_len;
	memmove(line + from, line + to, line_len - to);
	line_len -= to - from;
	redraw_tail(old);
}

/* The word before the cursor, and the spaces after it (Ctrl-W). */
static size_t word_start(void)
{
	size_t i = cursor;
	while (i && line[i - 1] == ' ')
		i--;
	while (i && line[i - 1] != ' ')
		i--;
	return i;
}

/* Replace the whole line with s (for Up/Down, Ctrl-U); the cursor ends
 * at its end. */
static void replace_line(const char *s, size_t n)
{
	size_t old = line_len;
	move_to(0);
	memcpy(line, s, n);
	line_len = cursor = n;
	draw(line, n);
	blank(old > n ? old - n : 0);
}

static void history_add(void)
{
	hist_back = 0;
	if (!line_len || noecho)
		return; /* a line typed unseen (a password) is not kept */
	if (hist_count) {
		unsigned last = (unsigned)((hist_count - 1) % HISTORY);
		if (hist_len[last] == line_len && !memcmp(hist[last], line, line_len))
			return; /* the same line again is kept once */
	}
	unsigned slot = (unsigned)(hist_count++ % HISTORY);
	memcpy(hist[slot], line, line_len);
	hist_len[slot] = (uint16_t)line_len;
}

/* Up (older: +1) or Down (newer: -1). */
static void history_move(int dir)
{
	unsigned kept = hist_count < HISTORY ? (unsigned)hist_count : HISTORY;
	if (noecho)
		kept = 0; /* nothing recalled onto a line nobody sees */
	if ((dir > 0 && hist_back == kept) || (dir < 0 && hist_back == 0)) {
		bell();
		return;
	}
	if (hist_back == 0) {
		memcpy(typed, line, line_len);
		typed_len = line_len;
	}
	hist_back += (unsigned)dir;
	if (hist_back == 0) {
		replace_line(typed, typed_len);
		return;
	}
	unsigned slot = (unsigned)((hist_count - hist_back) % HISTORY);
	replace_line(hist[slot], hist_len[slot]);
}

/* Whether n more bytes fit for the readers. A line goes to them whole or
 * not at all: a line cut short, or run into the next, would be a
 * different command. When the reader is that far behind, Enter rings the
 * bell and the line stays, to be entered again. */
static bool room(size_t n)
{
	if (COOKED_SIZE - (cooked_w - cooked_r) >= n)
		return true;
	bell();
	return false;
}

/* Hand the line to readers (room() said it fits). */
static void commit(bool newline, bool eof)
{
	for (size_t i = 0; i < line_len; i++)
		cooked[cooked_w++ % COOKED_SIZE] = line[i];
	if (newline)
		cooked[cooked_w++ % COOKED_SIZE] = '\n';
	if (eof && eofs_pending < 8)
		eof_pos[eofs_pending++] = cooked_w;
	line_len = cursor = 0;
	hist_back = 0;
	wake_all(&readers);
}

/* A key that signals the foreground group: the line typed so far goes. */
static void interrupt(const char *shown, int sig)
{
	echo(shown, strlen(shown));
	line_len = cursor = 0;
	hist_back = 0;
	if (foreground > 0)
		proc_kill(-foreground, sig);
}

/* The final byte of ESC [ (with its number) or ESC O: a key. */
static void escape_key(int c, unsigned num)
{
	if (c == '~')
		c = num == 1 || num == 7 ? 'H' : num == 4 || num == 8 ? 'F' : num == 3 ? 'X' : 0;
	switch (c) {
	case 'A': history_move(1); break;
	case 'B': history_move(-1); break;
	case 'C':
		if (cursor < line_len)
			move_to(cursor + 1);
		break;
	case 'D':
		if (cursor)
			move_to(cursor - 1);
		break;
	case 'H': move_to(0); break;
	case 'F': move_to(line_len); break;
	case 'X': erase(cursor, cursor < line_len ? cursor + 1 : cursor); break; /* Delete */
	default: break; /* not ours: dropped */
	}
}

/* c inside an escape sequence: true if it was part of it. A control
 * character cuts a sequence short and is then itself. */
static bool escape(int c)
{
	if (esc == ESC_START && (c == '[' || c == 'O')) {
		esc = c == '[' ? ESC_CSI : ESC_SS3;
		esc_num = 0;
		return true;
	}
	if (esc == ESC_START || c < ' ' || c >= KEY_DEL) {
		esc = ESC_NONE;
		return false;
	}
	if (esc == ESC_CSI && c >= '0' && c <= '9') {
		if (esc_num < 1000)
			esc_num = esc_num * 10 + (unsigned)(c - '0');
		return true;
	}
	if (esc == ESC_CSI && c < '@')
		return true; /* more parameters (;) and intermediate bytes */
	esc = ESC_NONE;
	escape_key(c, esc_num);
	return true;
}

void tty_input(int c)
{
	if (esc != ESC_NONE && escape(c))
		return;
	switch (c) {
	case '\r':
	case '\n':
		if (room(line_len + 1)) {
			history_add();
			echo("\n", 1);
			commit(true, false);
		}
		break;
	case KEY_BACKSPACE:
	case KEY_DEL:
		if (cursor)
			erase(cursor - 1, cursor);
		break;
	case CTRL('A'): move_to(0); break;
	case CTRL('E'): move_to(line_len); break;
	case CTRL('B'): escape_key('D', 0); break;
	case CTRL('F'): escape_key('C', 0); break;
	case CTRL('W'): erase(word_start(), cursor); break;
	case CTRL('K'): erase(cursor, line_len); break;
	case CTRL('U'): replace_line("", 0); break;
	case KEY_ESC: esc = ESC_START; break;
	case CTRL('D'):
		if (room(line_len))
			commit(false, line_len == 0);
		break;
	case CTRL('C'): interrupt("^C\n", LDE_SIGINT); break;
	case CTRL('Z'): interrupt("^Z\n", LDE_SIGTSTP); break;
	case CTRL('\\'): interrupt("^\\\n", LDE_SIGQUIT); break;
	case CTRL('P'): proc_dump(); break;
	default:
		if (c >= ' ' && c < KEY_DEL)
			insert((char)c);
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
