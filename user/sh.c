/* sh: lde's shell (docs/shell.md). A line is a list of pipelines joined by
 * ';', '&', '&&' and '||' (equal precedence, left to right); a pipeline is
 * commands joined by '|'; a command is words and redirections (<, >, >>,
 * N>, N>&M...). Words may be quoted ('literal', "with $? and $VAR"), an
 * unquoted *, ? or [ makes a word a pattern for file names (user/lib's
 * pathexp.c and fnmatch.c), '#' starts a comment, NAME=value sets a shell
 * variable, and a command name without '/' is looked up along $PATH. The
 * whole line is checked before any of it runs: a syntax error, or a line
 * too long for the buffer, runs nothing. Built in: cd, pwd, exit, set,
 * unset, wait, jobs, fg, bg, help. Each job gets its own process group,
 * and the foreground job's group is the one Ctrl-C interrupts and Ctrl-Z
 * stops; the shell itself never is. Exiting the shell ends init, which
 * powers the machine off. Line editing and history are the console's
 * (kernel/tty.c), for every program. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"
#include "pathexp.h"

/* The longest line the shell takes: one character fewer than the
 * console's line holds, so that a line the console had to cut (it drops,
 * with a bell, keys past its end) always arrives too long and is rejected
 * whole, never run cut short. */
#define LINE_CHARS (LDE_TTY_LINE_MAX - 1)
#define MAX_ARGS LDE_ARG_MAX /* a command's words, once expanded: what exec takes */
#define MAX_REDIRS 8
#define MAX_STAGES 8
#define MAX_CMDS 32
#define MAX_PIPELINES 32
#define EXPAND_SIZE 4096
#define MAX_VARS 32
#define SAVED_FD_BASE 10 /* where a built-in's redirections keep the shell's own */

static int last_status;
static int interrupted; /* the foreground job died of Ctrl-C: drop the rest of the line */
static int exit_now, exit_code;

static const char *var(const char *name);

static void help(void)
{
	printf("lde shell (docs/shell.md). Run any program by name: NAME [ARGS...]\n"
	       "  a | b        a pipeline            a &          run in the background\n"
	       "  a ; b        one after the other   a && b       b if a succeeded\n"
	       "  a || b       b if a failed         # text       a comment\n"
	       "  < f  > f  >> f  2> f  2>&1  N> f  N<&M          redirections\n"
	       "  'literal'  \"with $VAR\"  \\c       quoting; $? last status, $$ the shell's pid\n"
	       "  *.c  ?  [a-z]  [!x]  dir/*       file names matching a pattern (none: as typed)\n"
	       "  NAME=value   set a shell variable  set, unset NAME   list, remove them\n"
	       "  PATH         where programs are looked up (now \"%s\")\n"
	       "  cd [DIR]     change directory (no DIR: $HOME)   pwd   print it\n"
	       "  wait         wait for background jobs\n"
	       "  jobs         list the jobs; fg [%%n], bg [%%n] continue one (Ctrl-Z stops it)\n"
	       "  exit [N]     leave the shell (the login shell: power off with status N)\n"
	       "  poweroff [N] the same (only init may power off; it does when the shell exits)\n"
	       "  help         this text; 'ls /' (the initrd) and 'ls /bin' list the programs\n"
	       "Keys: Left/Right, Ctrl-A/Ctrl-E (Home/End; under make run, Ctrl-A twice) move;\n"
	       "Backspace, Delete, Ctrl-W (word),"
	       " Ctrl-U (line), Ctrl-K (to the end) erase; Up/Down recall lines.\n"
	       "Ctrl-C interrupts the foreground job, Ctrl-Z stops it, Ctrl-D at the start of a line\n"
	       "is end-of-file, Ctrl-P prints the kernel's process list.\n",
	       var("PATH") ? var("PATH") : "");
}

/* ---- Shell variables. lde's exec passes no environment, so these stay
 * in the shell: they are what $NAME expands to and what PATH and HOME
 * mean to the shell itself. */
struct var {
	char name[32];
	char value[LINE_CHARS + 1];
};
static struct var vars[MAX_VARS];
static int nvars;

static struct var *find_var(const char *name, size_t len)
{
	for (int i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == len && !strncmp(vars[i].name, name, len))
			return &vars[i];
	return NULL;
}

/* A variable's value, or NULL if it is not set. */
static const char *var(const char *name)
{
	struct var *v = find_var(name, strlen(name));
	return v ? v->value : NULL;
}

/* Set NAME (its first len bytes) to value; 0, or 1 with a message. */
static int set_var(const char *name, size_t len, const char *value)
{
	struct var *v = find_var(name, len);
	if (strlen(value) >= sizeof v->value || len >= sizeof v->name) {
		fprintf(stderr, "sh: %.*s: name or value too long\n", (int)len, name);
		return 1;
	}
	if (!v) {
		if (nvars == MAX_VARS) {
			fprintf(stderr, "sh: %.*s: too many variables\n", (int)len, name);
			return 1;
		}
		v = &vars[nvars++];
		memcpy(v->name, name, len);
		v->name[len] = 0;
	}
	strcpy(v->value, value);
	return 0;
}

static int is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

/* The length of NAME in "NAME=...", or 0 if word is not an assignment. */
static size_t assignment(const char *word)
{
	size_t n = 0;
	if (!is_name_start(word[0]))
		return 0;
	while (is_name_char(word[n]))
		n++;
	return word[n] == '=' ? n : 0;
}

/* HOME: the user's directory from /etc/passwd (name:pw:uid:gid:gecos:
 * home:shell), "/" when the file or the line is not there. */
static void set_home(void)
{
	static char buf[2048];
	const char *home = "/";
	int fd = open("/etc/passwd", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	for (char *line = buf; *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = 0;
		char *f[7];
		int k = 0;
		for (char *p = line; k < 7; p++) {
			f[k++] = p;
			p = strchr(p, ':');
			if (!p)
				break;
			*p = 0;
		}
		if (k >= 6 && *f[2] && strtol(f[2], NULL, 10) == (long)getuid() && *f[5]) {
			home = f[5];
			break;
		}
		if (!end)
			break;
		line = end + 1;
	}
	set_var("HOME", 4, home);
}

/* ---- Reading and parsing a line. The line is cut into tokens, then
 * parsed whole into pipelines; only a line that parses runs. Words keep
 * their quotes until they are expanded, just before their pipeline runs,
 * so that $? is the status of what ran before it on the same line. */
enum tok {
	T_END,
	T_WORD,
	T_PIPE,	   /* | */
	T_AMP,	   /* & */
	T_SEMI,	   /* ; */
	T_AND,	   /* && */
	T_OR,	   /* || */
	T_IN,	   /* < */
	T_OUT,	   /* > */
	T_APPEND,  /* >> */
	T_DUP_IN,  /* <& */
	T_DUP_OUT, /* >& */
};
static const char *const tok_text[] = { "",   "word", "|", "&",	 ";",  "&&",
					"||", "<",    ">", ">>", "<&", ">&" };

struct token {
	enum tok kind;
	int fd;	    /* a redirection's descriptor: "2>" gives 2; -1: the default */
	char *word; /* T_WORD: the raw text, quotes and all */
};

struct redir {
	enum tok op;
	int fd;
	char *word; /* the file, or the descriptor of <& and >& */
};

struct cmd {
	char *words[MAX_ARGS];
	int nwords;
	struct redir redirs[MAX_REDIRS];
	int nredirs;
};

struct pipeline {
	int first, n;	/* its commands: cmds[first..first+n) */
	enum tok after; /* what joined it to the one before: T_SEMI, T_AND or T_OR */
	int background; /* ended by '&' */
};

struct line {
	struct token tokens[LINE_CHARS + 1];
	char raw[2 * LINE_CHARS + 2];
	struct cmd cmds[MAX_CMDS];
	int ncmds;
	struct pipeline pipelines[MAX_PIPELINES];
	int npipelines;
};

static int is_break(char c) { return !c || strchr(" \t\n|&;<>", c); }

/* Cut p into tokens; returns 0, or -1 with a message. */
static int tokenize(const char *p, struct line *l)
{
	char *raw = l->raw;
	int n = 0;
	for (;; n++) {
		struct token *t = &l->tokens[n];
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		t->fd = -1;
		if (!*p || *p == '#') { /* a comment starts a word, and ends the line */
			t->kind = T_END;
			return 0;
		}
		if (*p >= '0' && *p <= '9' && (p[1] == '<' || p[1] == '>'))
			t->fd = *p++ - '0';
		if (*p == '<' || *p == '>') {
			char c = *p++;
			if (*p == '&') {
				t->kind = c == '<' ? T_DUP_IN : T_DUP_OUT;
				p++;
			} else if (c == '>' && *p == '>') {
				t->kind = T_APPEND;
				p++;
			} else {
				t->kind = c == '<' ? T_IN : T_OUT;
			}
		} else if (*p == '|' || *p == '&') {
			char c = *p++;
			t->kind = c == '|' ? T_PIPE : T_AMP;
			if (*p == c) {
				t->kind = c == '|' ? T_OR : T_AND;
				p++;
			}
		} else if (*p == ';') {
			t->kind = T_SEMI;
			p++;
		} else {
			char quote = 0;
			t->kind = T_WORD;
			t->word = raw;
			while (quote || !is_break(*p)) {
				if (!*p) {
					fprintf(stderr, "sh: syntax error: unterminated %c\n",
						quote);
					return -1;
				}
				if (quote) {
					if (*p == quote)
						quote = 0;
					else if (quote == '"' && *p == '\\' && p[1])
						*raw++ = *p++;
				} else if (*p == '\'' || *p == '"') {
					quote = *p;
				} else if (*p == '\\' && p[1]) {
					*raw++ = *p++;
				}
				*raw++ = *p++;
			}
			*raw++ = 0;
		}
	}
}

static int syntax_error(const struct token *t)
{
	if (t->kind == T_END)
		fprintf(stderr, "sh: syntax error at the end of the line\n");
	else
		fprintf(stderr, "sh: syntax error near '%s'\n",
			t->kind == T_WORD ? t->word : tok_text[t->kind]);
	return -1;
}

static int is_redir(enum tok k) { return k >= T_IN; }

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Parse the tokens into pipelines; returns 0, or -1 with a message. */
static int parse(struct line *l)
{
	struct token *t = l->tokens;
	enum tok after = T_SEMI;
	l->ncmds = l->npipelines = 0;
	while (t->kind != T_END) {
		if (l->npipelines == MAX_PIPELINES) {
			fprintf(stderr, "sh: too many commands on one line\n");
			return -1;
		}
		struct pipeline *pl = &l->pipelines[l->npipelines++];
		pl->first = l->ncmds;
		pl->n = 0;
		pl->after = after;
		pl->background = 0;
		for (;;) {
			if (l->ncmds == MAX_CMDS || pl->n == MAX_STAGES) {
				fprintf(stderr, "sh: pipeline too long\n");
				return -1;
			}
			struct cmd *c = &l->cmds[l->ncmds++];
			c->nwords = c->nredirs = 0;
			for (; t->kind == T_WORD || is_redir(t->kind); t++) {
				if (t->kind == T_WORD) {
					if (c->nwords == MAX_ARGS) {
						fprintf(stderr, "sh: too many arguments\n");
						return -1;
					}
					c->words[c->nwords++] = t->word;
					continue;
				}
				if (c->nredirs == MAX_REDIRS) {
					fprintf(stderr, "sh: too many redirections\n");
					return -1;
				}
				struct redir *r = &c->redirs[c->nredirs++];
				r->op = t->kind;
				r->fd = t->fd >= 0				   ? t->fd
					: (t->kind == T_IN || t->kind == T_DUP_IN) ? 0
										   : 1;
				if (t[1].kind != T_WORD)
					return syntax_error(&t[1]);
				r->word = (++t)->word;
				if ((r->op == T_DUP_IN || r->op == T_DUP_OUT) &&
				    !all_digits(r->word)) {
					fprintf(stderr,
						"sh: syntax error: %s takes a descriptor number, not '%s'\n",
						tok_text[r->op], r->word);
					return -1;
				}
			}
			if (!c->nwords && !c->nredirs)
				return syntax_error(t);
			pl->n++;
			if (t->kind != T_PIPE)
				break;
			t++;
		}
		if (t->kind == T_END)
			break;
		/* t is a separator: ; & && || */
		pl->background = t->kind == T_AMP;
		after = t->kind == T_AMP ? T_SEMI : t->kind;
		t++;
		if (t->kind == T_END && (after == T_AND || after == T_OR))
			return syntax_error(t);
	}
	return 0;
}

/* One line of input, without its newline, into buf (LINE_CHARS + 1
 * bytes). Returns its length; -1 at end of input; -2 if it was longer
 * than LINE_CHARS (then all of it has been read, and dropped). */
static int read_line(char *buf)
{
	int n = 0, too_long = 0;
	ssize_t got;
	char c = 0;
	/* A byte at a time, with no read-ahead: what follows the line is left
	 * for the commands it runs (a script's "cat" reads the script's next
	 * lines, as in any shell). The console gives a line at most per read
	 * anyway. */
	while ((got = read(0, &c, 1)) == 1 || (got < 0 && errno == EINTR)) {
		if (got != 1)
			continue;
		if (c == '\n')
			break;
		if (n < LINE_CHARS)
			buf[n++] = c;
		else
			too_long = 1;
	}
	buf[n] = 0;
	if (got != 1 && !n && !too_long)
		return -1;
	return too_long ? -2 : n;
}

/* ---- Expansion: quotes, backslashes, $?, $$, $NAME, ${NAME}, then
 * pathname expansion (globbing). A value is not split into words
 * (docs/shell.md). All the words of a pipeline, and the names their
 * patterns match, share one buffer, so that what a pipeline expands to is
 * bounded. */
struct expansion {
	char buf[EXPAND_SIZE];
	size_t len;
	int overflow;
	/* The word being expanded, as a pattern for pathexp: each character
	 * that was quoted, or came from a variable's '\', gets a '\' (at most
	 * one per character of buf). */
	char pat[2 * EXPAND_SIZE];
	size_t plen;
	struct pathexp glob;
};

/* Append s[0..n) to the word; quoted: they were in quotes or after a '\'
 * (so '*', '?' and '[' among them are themselves, not a pattern's). */
static void put(struct expansion *e, const char *s, size_t n, int quoted)
{
	if (e->len + n >= sizeof e->buf) {
		e->overflow = 1;
		return;
	}
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	for (size_t i = 0; i < n; i++) {
		/* A '/' stays bare: quoted or not, it separates the pattern's
		 * parts. */
		if ((quoted && s[i] != '/' && s[i]) || s[i] == '\\')
			e->pat[e->plen++] = '\\';
		e->pat[e->plen++] = s[i];
	}
}

/* The expansion of $... at *pp (which points at the '$'); advances *pp.
 * quoted: inside "...", where a value's '*' is not a pattern's. */
static void dollar(struct expansion *e, const char **pp, int quoted)
{
	const char *p = *pp + 1;
	char num[24];
	if (*p == '?' || *p == '$') {
		snprintf(num, sizeof num, "%d", *p == '?' ? last_status : (int)getpid());
		put(e, num, strlen(num), 0);
		*pp = p + 1;
		return;
	}
	int brace = *p == '{';
	const char *name = p + brace, *end = name;
	while (is_name_char(*end))
		end++;
	if (end == name || !is_name_start(*name) || (brace && *end != '}')) {
		put(e, "$", 1, 1); /* not a variable: the '$' stays */
		*pp = *pp + 1;
		return;
	}
	struct var *v = find_var(name, (size_t)(end - name));
	if (v)
		put(e, v->value, strlen(v->value), quoted);
	*pp = end + brace;
}

/* Expand raw into e; returns the word, or NULL if it expands to nothing
 * and had no quotes (an unset $X is no argument at all, "$X" an empty
 * one). e->pat gets the word as a pattern. */
static char *expand(struct expansion *e, const char *raw)
{
	size_t start = e->len;
	int quoted = 0;
	char quote = 0;
	e->plen = 0;
	for (const char *p = raw; *p;) {
		if (quote == '\'') {
			if (*p == '\'')
				quote = 0;
			else
				put(e, p, 1, 1);
			p++;
		} else if (*p == '\'' && !quote) {
			quote = '\'';
			quoted = 1;
			p++;
		} else if (*p == '"') {
			quote = quote ? 0 : '"';
			quoted = 1;
			p++;
		} else if (*p == '\\' && p[1] && (!quote || strchr("$\"\\", p[1]))) {
			put(e, p + 1, 1, 1);
			quoted = 1;
			p += 2;
		} else if (*p == '$') {
			dollar(e, &p, quote != 0);
		} else {
			put(e, p++, 1, quote != 0);
		}
	}
	put(e, "", 1, 0);
	if (e->overflow)
		return NULL;
	if (e->len - start == 1 && !quoted) {
		e->len = start;
		return NULL;
	}
	return e->buf + start;
}

/* ---- Running. */
struct stage {
	char *argv[MAX_ARGS + 1];
	int argc;
	struct redir redirs[MAX_REDIRS]; /* word: expanded */
	int nredirs;
};

/* Perform s's redirections, left to right. With saved (a built-in, in the
 * shell itself), first keep each descriptor it changes in saved[fd], at
 * SAVED_FD_BASE or above (-2: it was closed). Returns 0, or -1 with the
 * message "sh: FILE: reason" printed. */
static int redirect(struct stage *s, int *saved)
{
	for (int i = 0; i < s->nredirs; i++) {
		struct redir *r = &s->redirs[i];
		if (saved && saved[r->fd] == -1) {
			saved[r->fd] = fcntl(r->fd, F_DUPFD, SAVED_FD_BASE);
			if (saved[r->fd] < 0 && errno != EBADF) {
				fprintf(stderr, "sh: %d: cannot keep: %s\n", r->fd,
					strerror(errno));
				saved[r->fd] = -1;
				return -1;
			}
			if (saved[r->fd] < 0)
				saved[r->fd] = -2;
		}
		if (r->op == T_DUP_IN || r->op == T_DUP_OUT) {
			int from = atoi(r->word);
			if (from != r->fd && dup2(from, r->fd) < 0) {
				fprintf(stderr, "sh: %s: %s\n", r->word, strerror(errno));
				return -1;
			}
			continue;
		}
		int flags = r->op == T_IN    ? O_RDONLY
			    : r->op == T_OUT ? O_WRONLY | O_CREAT | O_TRUNC
					     : O_WRONLY | O_CREAT | O_APPEND;
		int fd = open(r->word, flags, 0666);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", r->word, strerror(errno));
			return -1;
		}
		if (fd != r->fd) {
			int err = dup2(fd, r->fd) < 0 ? errno : 0;
			close(fd);
			if (err) {
				fprintf(stderr, "sh: %s: %s\n", r->word, strerror(err));
				return -1;
			}
		}
	}
	return 0;
}

static void unredirect(int *saved)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 0; fd < SAVED_FD_BASE; fd++) {
		if (saved[fd] == -2)
			close(fd);
		else if (saved[fd] >= 0) {
			dup2(saved[fd], fd);
			close(saved[fd]);
		}
	}
}

/* Run argv[0] looked up along $PATH (or as given, if it has a '/');
 * returns only to end the child: 127 not found, 126 found but not run. */
static void exec_search(char **argv)
{
	const char *name = argv[0];
	int err = ENOENT;
	if (strchr(name, '/')) {
		exec(name, argv);
		err = errno;
	} else {
		const char *dirs = var("PATH") ? var("PATH") : "";
		char path[512];
		for (const char *d = dirs;;) {
			const char *end = strchr(d, ':');
			size_t len = end ? (size_t)(end - d) : strlen(d);
			/* An empty entry is the current directory, as in POSIX. */
			int n = snprintf(path, sizeof path, "%.*s%s%s", (int)len, d,
					 len && d[len - 1] != '/' ? "/" : "", name);
			if (n > 0 && (size_t)n < sizeof path) {
				exec(path, argv);
				/* Keep looking past a file that would not run; say why
				 * if nothing later does. */
				if (errno != ENOENT && errno != ENOTDIR && err == ENOENT)
					err = errno;
			}
			if (!end)
				break;
			d = end + 1;
		}
	}
	if (err == ENOENT || err == ENOTDIR) {
		/* Without /bin (no disk, or its file system did not mount) only
		 * the initrd's few programs run: say so, not just "not found". */
		struct stat st;
		fprintf(stderr, "sh: %s: not found%s\n", name,
			stat("/bin", &st) < 0 ? " (no /bin: nothing is mounted at /, so only the"
						" builtins and the initrd's programs run)"
					      : "");
		_exit(127);
	}
	fprintf(stderr, "sh: %s: cannot run: %s\n", name, strerror(err));
	_exit(126);
}

static void report(pid_t pid, int status, int background)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT)
		printf("sh: [%d] killed by signal %d\n", pid, WTERMSIG(status));
	else if (background)
		printf("sh: [%d] done, status %d\n", pid,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Job control (docs/signals.md): every pipeline is a job, a process group
 * of its own, with a number. The foreground job owns the terminal
 * (tcsetpgrp), so that Ctrl-C and Ctrl-Z reach it and not the shell; a
 * job that stops (Ctrl-Z, kill -STOP) comes back to the prompt as
 * "[n]+ Stopped  cmd", and fg and bg continue it. */
#define MAX_JOBS 16
enum job_state { JOB_FREE, JOB_RUNNING, JOB_STOPPED };
struct job {
	enum job_state state;
	int background;
	pid_t pgid;
	pid_t pids[MAX_STAGES];
	int npids, alive;
	char cmd[64];
};
static struct job jobs[MAX_JOBS + 1]; /* numbered 1..MAX_JOBS */
static int current_job;		      /* the "+" job: fg and bg's default */

static void job_text(struct job *j, struct stage *st, int n)
{
	size_t len = 0;
	j->cmd[0] = 0;
	for (int i = 0; i < n; i++)
		for (int a = 0; a < st[i].argc; a++)
			len += (size_t)snprintf(
				j->cmd + len, len < sizeof j->cmd ? sizeof j->cmd - len : 0, "%s%s",
				len ? (a ? " " : " | ") : "", st[i].argv[a]);
}

static int job_new(void)
{
	for (int i = 1; i <= MAX_JOBS; i++)
		if (jobs[i].state == JOB_FREE)
			return i;
	return 0;
}

static int job_of(pid_t pid)
{
	for (int i = 1; i <= MAX_JOBS; i++)
		for (int k = 0; jobs[i].state != JOB_FREE && k < jobs[i].npids; k++)
			if (jobs[i].pids[k] == pid)
				return i;
	return 0;
}

static void job_free(int id)
{
	jobs[id].state = JOB_FREE;
	if (current_job == id) {
		current_job = 0;
		for (int i = MAX_JOBS; i >= 1 && !current_job; i--)
			if (jobs[i].state != JOB_FREE)
				current_job = i;
	}
}

/* What waitpid said about pid: a stage ended, stopped or went on. */
static void job_status(pid_t pid, int status)
{
	int id = job_of(pid);
	if (!id)
		return;
	struct job *j = &jobs[id];
	if (WIFSTOPPED(status)) {
		j->state = JOB_STOPPED;
		current_job = id;
		if (!j->background)
			last_status = 128 + WSTOPSIG(status);
		return;
	}
	if (WIFCONTINUED(status)) {
		j->state = JOB_RUNNING;
		return;
	}
	for (int k = 0; k < j->npids; k++)
		if (j->pids[k] == pid)
			j->pids[k] = -pid; /* gone: not found again */
	j->alive--;
	if (!j->background && pid == j->pids[j->npids - 1] * -1)
		last_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!j->background && WIFSIGNALED(status) &&
	    (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGQUIT))
		interrupted = 1;
	report(pid, status, j->background);
	if (!j->alive)
		job_free(id);
}

/* Run job id in the foreground until it ends or stops. */
static void foreground(int id)
{
	struct job *j = &jobs[id];
	j->background = 0;
	tcsetpgrp(0, j->pgid);
	while (j->state == JOB_RUNNING && j->alive > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, WUNTRACED);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		job_status(pid, status);
	}
	tcsetpgrp(0, 0);
	if (j->state == JOB_STOPPED) {
		j->background = 1;
		printf("[%d]+ Stopped  %s\n", id, j->cmd);
	}
}

static int builtin(struct stage *st);

/* The stages of a pipeline, each a child in the job's process group. */
static void run(struct stage *st, int n, int background)
{
	int id = job_new();
	if (!id) {
		fprintf(stderr, "sh: too many jobs\n");
		last_status = 1;
		return;
	}
	struct job *j = &jobs[id];
	pid_t pgid = 0;
	int in_fd = -1;
	j->npids = 0;
	for (int i = 0; i < n; i++) {
		int fds[2] = { -1, -1 };
		if (i < n - 1 && pipe(fds) < 0) {
			perror("sh: pipe");
			break;
		}
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("sh: fork");
			if (fds[0] >= 0) {
				close(fds[0]);
				close(fds[1]);
			}
			break;
		}
		if (pid == 0) {
			setpgid(0, pgid);
			/* What the shell ignores the program must not: exec keeps
			 * ignored signals ignored. */
			signal(SIGTSTP, SIG_DFL);
			signal(SIGTTIN, SIG_DFL);
			signal(SIGTTOU, SIG_DFL);
			/* The pipe first, then the redirections: "a 2>&1 | b"
			 * sends a's errors down the pipe. */
			if (in_fd >= 0) {
				dup2(in_fd, 0);
				close(in_fd);
			}
			if (fds[1] >= 0) {
				dup2(fds[1], 1);
				close(fds[1]);
				close(fds[0]);
			}
			if (redirect(&st[i], NULL) < 0)
				_exit(1);
			if (!st[i].argc)
				_exit(0);
			int status = builtin(&st[i]); /* in a pipeline, in the child */
			if (status >= 0) {
				fflush(stdout);
				_exit(status);
			}
			exec_search(st[i].argv);
		}
		if (!pgid)
			pgid = pid;
		setpgid(pid, pgid); /* also here: no race with the child */
		j->pids[j->npids++] = pid;
		if (in_fd >= 0)
			close(in_fd);
		if (fds[1] >= 0)
			close(fds[1]);
		in_fd = fds[0];
	}
	if (in_fd >= 0)
		close(in_fd);
	if (!j->npids) {
		last_status = 1;
		return;
	}
	j->state = JOB_RUNNING;
	j->pgid = pgid;
	j->alive = j->npids;
	j->background = background;
	job_text(j, st, n);
	current_job = id;
	if (background) {
		printf("[%d] %d\n", id, j->pids[j->npids - 1]);
		last_status = 0;
		return;
	}
	foreground(id);
}

static void wait_all(void)
{
	for (;;) {
		int any = 0;
		for (int i = 1; i <= MAX_JOBS; i++)
			any |= jobs[i].state == JOB_RUNNING;
		if (!any)
			return;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0)
			return;
		job_status(pid, status);
	}
}

/* Background jobs that ended or stopped meanwhile, told before a prompt. */
static void poll_jobs(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
		int id = job_of(pid);
		job_status(pid, status);
		if (id && jobs[id].state == JOB_STOPPED)
			printf("[%d]+ Stopped  %s\n", id, jobs[id].cmd);
	}
}

/* %n, n, or nothing (the current job); 0 with a message if none. */
static int job_arg(struct stage *st)
{
	int id = current_job;
	if (st->argc > 1) {
		const char *a = st->argv[1];
		id = atoi(a[0] == '%' ? a + 1 : a);
	}
	if (id < 1 || id > MAX_JOBS || jobs[id].state == JOB_FREE) {
		fprintf(stderr, "sh: %s: no such job\n", st->argc > 1 ? st->argv[1] : "current");
		return 0;
	}
	return id;
}

static void list_jobs(void)
{
	for (int i = 1; i <= MAX_JOBS; i++)
		if (jobs[i].state != JOB_FREE)
			printf("[%d]%c %-8s %s\n", i, i == current_job ? '+' : ' ',
			       jobs[i].state == JOB_STOPPED ? "Stopped" : "Running", jobs[i].cmd);
}

static int fg_bg(struct stage *st, int fg)
{
	int id = job_arg(st);
	if (!id)
		return 1;
	struct job *j = &jobs[id];
	current_job = id;
	if (fg)
		printf("%s\n", j->cmd);
	else
		printf("[%d]+ %s &\n", id, j->cmd);
	j->state = JOB_RUNNING;
	if (fg)
		tcsetpgrp(0, j->pgid); /* before it runs: a Ctrl-Z must reach it */
	kill(-j->pgid, SIGCONT);
	if (fg)
		foreground(id);
	else
		j->background = 1;
	return fg ? last_status : 0;
}

static int cd(struct stage *st)
{
	const char *dir = st->argc > 1 ? st->argv[1] : var("HOME") ? var("HOME") : "/";
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int pwd(void)
{
	char buf[1024];
	if (!getcwd(buf, sizeof buf)) {
		fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}

static int exit_builtin(struct stage *st)
{
	int status = last_status;
	if (st->argc > 1) {
		char *end;
		long n = strtol(st->argv[1], &end, 10);
		if (!*st->argv[1] || *end) {
			fprintf(stderr, "sh: exit: %s: not a number\n", st->argv[1]);
			return 2;
		}
		status = (int)(n & 255);
	}
	exit_now = 1;
	exit_code = status;
	return status;
}

static int set_unset(struct stage *st, int unset)
{
	if (!unset) {
		for (int i = 0; i < nvars; i++)
			printf("%s='%s'\n", vars[i].name, vars[i].value);
		return 0;
	}
	for (int a = 1; a < st->argc; a++) {
		struct var *v = find_var(st->argv[a], strlen(st->argv[a]));
		if (v)
			*v = vars[--nvars];
	}
	return 0;
}

static int is_builtin(const char *name)
{
	static const char *const names[] = { "exit", "poweroff", "cd",	 "pwd", "set", "unset",
					     "help", "wait",	 "jobs", "fg",	"bg" };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (!strcmp(name, names[k]))
			return 1;
	return 0;
}

/* Run st if it is a built-in; its status, or -1 if it is not one. */
static int builtin(struct stage *st)
{
	char *cmd = st->argv[0];
	if (!strcmp(cmd, "exit") || !strcmp(cmd, "poweroff"))
		return exit_builtin(st);
	if (!strcmp(cmd, "cd"))
		return cd(st);
	if (!strcmp(cmd, "pwd"))
		return pwd();
	if (!strcmp(cmd, "set") || !strcmp(cmd, "unset"))
		return set_unset(st, cmd[0] == 'u');
	if (!strcmp(cmd, "help")) {
		help();
		return 0;
	}
	if (!strcmp(cmd, "wait")) {
		wait_all();
		return 0;
	}
	if (!strcmp(cmd, "jobs")) {
		list_jobs();
		return 0;
	}
	if (!strcmp(cmd, "fg") || !strcmp(cmd, "bg"))
		return fg_bg(st, cmd[0] == 'f');
	return -1;
}

/* The names the word just expanded (e->pat its pattern) matches, into
 * names[0..max): how many (0: none, and the word stays as it is, as in
 * POSIX sh), or -1 with a message if there are more than max (for a
 * redirection's word, more than one: bash's "ambiguous redirect"). */
static int pattern_names(struct expansion *e, const char *word, char **names, int max,
			 int redirection)
{
	struct pathexp *x = &e->glob;
	if (e->overflow || !pathexp_magic(e->pat))
		return 0;
	x->buf = e->buf;
	x->size = sizeof e->buf;
	x->len = e->len;
	x->names = names;
	x->max = max;
	int n = pathexp(e->pat, x);
	if (n < 0) {
		fprintf(stderr, "sh: %s: %s\n", word,
			errno == E2BIG ? "the names it matches are too long together"
				       : strerror(errno));
		return -1;
	}
	if (n > max) {
		if (redirection)
			fprintf(stderr, "sh: %s: ambiguous redirect\n", word);
		else
			fprintf(stderr,
				"sh: %s: too many matches (a command takes at most %d words)\n",
				word, MAX_ARGS);
		return -1;
	}
	e->len = x->len;
	return n;
}

/* Expand a command's words and redirections into s; 0, or -1 with a
 * message. */
static int expand_cmd(struct expansion *e, struct cmd *c, struct stage *s)
{
	/* NAME=value words before the command are not patterns (POSIX). */
	int assigns = 0;
	while (assigns < c->nwords && assignment(c->words[assigns]))
		assigns++;
	s->argc = 0;
	for (int w = 0; w < c->nwords; w++) {
		char *word = expand(e, c->words[w]);
		if (!word)
			continue;
		int n = w < assigns
				? 0
				: pattern_names(e, word, s->argv + s->argc, MAX_ARGS - s->argc, 0);
		if (n < 0)
			return -1;
		if (n > 0) {
			s->argc += n;
			continue;
		}
		if (s->argc == MAX_ARGS) {
			fprintf(stderr,
				"sh: too many words once expanded (a command takes at most %d)\n",
				MAX_ARGS);
			return -1;
		}
		s->argv[s->argc++] = word;
	}
	s->argv[s->argc] = NULL;
	s->nredirs = c->nredirs;
	for (int r = 0; r < c->nredirs; r++) {
		char *name;
		s->redirs[r] = c->redirs[r];
		s->redirs[r].word = expand(e, c->redirs[r].word);
		if (!s->redirs[r].word && !e->overflow) {
			fprintf(stderr, "sh: %s: the file name is empty\n", c->redirs[r].word);
			return -1;
		}
		/* A pattern names the file only if it matches exactly one. */
		int n = pattern_names(e, s->redirs[r].word, &name, 1, 1);
		if (n < 0)
			return -1;
		if (n == 1)
			s->redirs[r].word = name;
	}
	if (e->overflow) {
		fprintf(stderr, "sh: the command is too long once expanded\n");
		return -1;
	}
	return 0;
}

/* A pipeline of the line; sets last_status. */
static void run_pipeline(struct line *l, struct pipeline *pl)
{
	static struct expansion e;
	static struct stage st[MAX_STAGES];
	e.len = 0;
	e.overflow = 0;
	for (int i = 0; i < pl->n; i++) {
		if (expand_cmd(&e, &l->cmds[pl->first + i], &st[i]) < 0) {
			last_status = 1;
			return;
		}
	}
	/* NAME=value... alone sets shell variables. Before a command it would
	 * be that command's environment, which lde's exec does not pass. */
	int assigns = 0, here = pl->n == 1 && !pl->background;
	for (int i = 0; i < pl->n; i++) {
		struct cmd *c = &l->cmds[pl->first + i];
		int n = 0;
		while (n < c->nwords && assignment(c->words[n]))
			n++;
		if (n && n < c->nwords) {
			fprintf(stderr,
				"sh: %s: lde passes no environment to programs; set it alone\n",
				c->words[0]);
			last_status = 2;
			return;
		}
		if (n && !here) { /* in a pipeline or the background: a child's, lost */
			st[i].argv[0] = NULL;
			st[i].argc = 0;
		}
		if (!i)
			assigns = n;
	}
	if (here && assigns) {
		int saved[SAVED_FD_BASE];
		memset(saved, -1, sizeof saved);
		int status = redirect(&st[0], saved);
		unredirect(saved);
		for (int a = 0; !status && a < st[0].argc; a++) {
			char *w = st[0].argv[a];
			size_t n = assignment(w);
			status = set_var(w, n, w + n + 1);
		}
		last_status = status ? 1 : 0;
		return;
	}
	if (here) {
		/* A built-in, or redirections alone, in the shell itself: its
		 * own descriptors are kept aside and put back after. */
		int saved[SAVED_FD_BASE];
		memset(saved, -1, sizeof saved);
		if (!st[0].argc || is_builtin(st[0].argv[0])) {
			int status = 1;
			if (redirect(&st[0], saved) == 0)
				status = st[0].argc ? builtin(&st[0]) : 0;
			unredirect(saved);
			last_status = status;
			return;
		}
	}
	run(st, pl->n, pl->background);
}

static void run_line(struct line *l)
{
	interrupted = 0;
	for (int i = 0; i < l->npipelines && !exit_now && !interrupted; i++) {
		struct pipeline *pl = &l->pipelines[i];
		if ((pl->after == T_AND && last_status) || (pl->after == T_OR && !last_status))
			continue;
		run_pipeline(l, pl);
	}
}

int main(int argc, char **argv)
{
	static char buf[LINE_CHARS + 1];
	static struct line l;
	setpgid(0, 0);
	/* An interactive shell does not stop itself: only its jobs do. */
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	/* "/" is the initrd's programs (and the disk's root), /bin the disk's
	 * programs: the order lde's shell has always looked in. */
	set_var("PATH", 4, "/:/bin");
	set_home();
	int interactive = isatty(0); /* sh < script: no prompts */
	for (;;) {
		poll_jobs();
		if (interactive) {
			/* root's prompt, as Unix shells mark it */
			printf(geteuid() == 0 ? "# " : "$ ");
			fflush(stdout);
		}
		int n = read_line(buf);
		if (n == -1) {
			printf("\n");
			break;
		}
		if (n == -2) {
			fprintf(stderr, "sh: line too long (over %d characters): nothing run\n",
				LINE_CHARS);
			last_status = 2;
			continue;
		}
		if (tokenize(buf, &l) < 0 || parse(&l) < 0) {
			last_status = 2;
			continue;
		}
		run_line(&l);
		if (exit_now)
			return exit_code;
	}
	return last_status;
}
