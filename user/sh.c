/* sh: lde's shell. Runs programs from the initrd by name, with arguments,
 * pipelines (a | b | c) and background jobs (cmd &). Built in: wait, exit,
 * help. Each job gets its own process group, and the foreground job's group
 * is the one Ctrl-C interrupts; the shell itself never is. Exiting the shell
 * ends init, which powers the machine off. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

#define MAX_LINE 256
#define MAX_ARGS 16
#define MAX_STAGES 8

struct stage {
	char *argv[MAX_ARGS + 1];
	int argc;
};

static int last_status;

static void help(void)
{
	printf("lde shell. Run any program by name: NAME [ARGS...]\n"
	       "  a | b | c    a pipeline          cmd &    run in the background\n"
	       "  a ; b        one after the other  a & b    a in the background, then b\n"
	       "  wait         wait for background jobs\n"
	       "  exit [N]     leave the shell (the login shell: power off with status N)\n"
	       "  poweroff [N] the same (only init may power off; it does when the shell exits)\n"
	       "  help         this text; 'ls' lists the programs\n"
	       "Keys: Ctrl-C interrupts the foreground job, Ctrl-D at the start of a line\n"
	       "is end-of-file, Ctrl-U erases the line, Ctrl-P prints the kernel's process list.\n");
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* A line being parsed. Words are copied into a buffer of their own, so
 * "a|b" needs no spaces. */
struct parser {
	const char *p;
	char *w;
	char words[2 * MAX_LINE];
};

/* Parse the next job: a pipeline ended by '&' (background), ';' or the end
 * of the line. Returns the number of stages (0: nothing left), or -1 on a
 * syntax error (message printed). */
static int parse_job(struct parser *ps, struct stage *st, int *background)
{
	const char *p = ps->p;
	char *w = ps->w;
	int n = 0;
	*background = 0;
	st[0].argc = 0;
	while (*p) {
		if (is_space(*p)) {
			p++;
			continue;
		}
		if (*p == '|' || *p == '&' || *p == ';') {
			char op = *p++;
			if (st[n].argc == 0) {
				fprintf(stderr, "sh: syntax error near '%c'\n", op);
				return -1;
			}
			if (op != '|') {
				*background = op == '&';
				break;
			}
			if (++n == MAX_STAGES) {
				fprintf(stderr, "sh: pipeline too long\n");
				return -1;
			}
			st[n].argc = 0;
			continue;
		}
		if (st[n].argc == MAX_ARGS) {
			fprintf(stderr, "sh: too many arguments\n");
			return -1;
		}
		st[n].argv[st[n].argc++] = w;
		while (*p && !is_space(*p) && *p != '|' && *p != '&' && *p != ';')
			*w++ = *p++;
		*w++ = 0;
	}
	ps->p = p;
	ps->w = w;
	if (st[n].argc == 0) {
		if (n > 0) {
			fprintf(stderr, "sh: missing command after '|'\n");
			return -1;
		}
		return 0;
	}
	for (int i = 0; i <= n; i++)
		st[i].argv[st[i].argc] = NULL;
	return n + 1;
}

static void exec_stage(struct stage *s)
{
	char path[128];
	if (strchr(s->argv[0], '/'))
		snprintf(path, sizeof path, "%s", s->argv[0]);
	else
		snprintf(path, sizeof path, "/%s", s->argv[0]);
	exec(path, s->argv);
	if (errno == ENOENT && !strchr(s->argv[0], '/')) {
		/* Not in the initrd: the disk's /bin (the search path is "/:/bin"). */
		snprintf(path, sizeof path, "/bin/%s", s->argv[0]);
		exec(path, s->argv);
	}
	if (errno == ENOENT)
		fprintf(stderr, "sh: %s: not found\n", s->argv[0]);
	else
		fprintf(stderr, "sh: %s: cannot run: %s\n", s->argv[0], strerror(errno));
	_exit(127);
}

static void report(pid_t pid, int status, int background)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT)
		printf("sh: [%d] killed by signal %d\n", pid, WTERMSIG(status));
	else if (background)
		printf("sh: [%d] done, status %d\n", pid,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int is_bg_job(pid_t pid, pid_t *bg, int nbg)
{
	for (int i = 0; i < nbg; i++)
		if (bg[i] == pid)
			return 1;
	return 0;
}

static pid_t bg_jobs[64];
static int nbg;

static void forget_bg(pid_t pid)
{
	for (int i = 0; i < nbg; i++)
		if (bg_jobs[i] == pid) {
			bg_jobs[i] = bg_jobs[--nbg];
			return;
		}
}

static void run(struct stage *st, int n, int background)
{
	pid_t pids[MAX_STAGES];
	pid_t pgid = 0;
	int in_fd = -1;
	for (int i = 0; i < n; i++) {
		int fds[2] = { -1, -1 };
		if (i < n - 1 && pipe(fds) < 0) {
			perror("sh: pipe");
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			perror("sh: fork");
			if (fds[0] >= 0) {
				close(fds[0]);
				close(fds[1]);
			}
			n = i;
			break;
		}
		if (pid == 0) {
			setpgid(0, pgid);
			if (in_fd >= 0) {
				close(0);
				dup(in_fd);
				close(in_fd);
			}
			if (fds[1] >= 0) {
				close(1);
				dup(fds[1]);
				close(fds[1]);
				close(fds[0]);
			}
			exec_stage(&st[i]);
		}
		if (!pgid)
			pgid = pid;
		setpgid(pid, pgid); /* also here: no race with the child */
		pids[i] = pid;
		if (in_fd >= 0)
			close(in_fd);
		if (fds[1] >= 0)
			close(fds[1]);
		in_fd = fds[0];
	}
	if (in_fd >= 0)
		close(in_fd);
	if (background) {
		for (int i = 0; i < n && nbg < 64; i++)
			bg_jobs[nbg++] = pids[i];
		if (n)
			printf("[%d]\n", pids[n - 1]);
		return;
	}
	tcsetpgrp(0, pgid);
	int left = n;
	while (left > 0) {
		int status;
		pid_t pid = wait(&status);
		if (pid < 0)
			break;
		int mine = 0;
		for (int i = 0; i < n; i++)
			if (pids[i] == pid)
				mine = 1;
		if (mine) {
			left--;
			if (pid == pids[n - 1])
				last_status = WIFEXITED(status) ? WEXITSTATUS(status)
								: 128 + WTERMSIG(status);
			report(pid, status, 0);
		} else if (is_bg_job(pid, bg_jobs, nbg)) {
			forget_bg(pid);
			report(pid, status, 1);
		}
	}
	tcsetpgrp(0, 0);
}

static void wait_all(void)
{
	int status;
	pid_t pid;
	while (nbg > 0 && (pid = wait(&status)) > 0) {
		forget_bg(pid);
		report(pid, status, 1);
	}
}

/* Built-ins run in the shell itself; returns 1 if cmd was one. */
static int builtin(struct stage *st, int *exit_now, int *exit_status)
{
	char *cmd = st->argv[0];
	if (!strcmp(cmd, "exit") || !strcmp(cmd, "poweroff")) {
		*exit_now = 1;
		*exit_status = st->argc > 1 ? atoi(st->argv[1]) : last_status;
	} else if (!strcmp(cmd, "help")) {
		help();
	} else if (!strcmp(cmd, "wait")) {
		wait_all();
	} else {
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	char line[MAX_LINE];
	struct stage st[MAX_STAGES];
	setpgid(0, 0);
	for (;;) {
		printf("$ ");
		fflush(stdout);
		if (!fgets(line, sizeof line, stdin)) {
			printf("\n");
			break;
		}
		static struct parser ps;
		ps.p = line;
		ps.w = ps.words;
		int n, background, exit_now = 0, exit_status = 0;
		while ((n = parse_job(&ps, st, &background)) > 0) {
			if (n == 1 && !background && builtin(st, &exit_now, &exit_status)) {
				if (exit_now)
					return exit_status;
				continue;
			}
			run(st, n, background);
		}
	}
	return last_status;
}
