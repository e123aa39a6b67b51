/* sh: lde's shell. Runs programs from the initrd by name, with arguments,
 * pipelines (a | b | c) and background jobs (cmd &), with job control.
 * Built in: wait, jobs, fg, bg, exit, help. Each job gets its own process
 * group, and the foreground job's group is the one Ctrl-C interrupts and
 * Ctrl-Z stops; the shell itself never is. Exiting the shell
 * ends init, which powers the machine off. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	       "  jobs         list the jobs; fg [%%n], bg [%%n] continue one (Ctrl-Z stops it)\n"
	       "  exit [N]     leave the shell (the login shell: power off with status N)\n"
	       "  poweroff [N] the same (only init may power off; it does when the shell exits)\n"
	       "  help         this text; 'ls' lists the programs\n"
	       "Keys: Ctrl-C interrupts the foreground job, Ctrl-Z stops it, Ctrl-D at the start of a line\n"
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
	if (errno == ENOENT) {
		/* Without /bin (no disk, or its file system did not mount) only
		 * the initrd's few programs run: say so, not just "not found". */
		struct stat st;
		fprintf(stderr, "sh: %s: not found%s\n", s->argv[0],
			stat("/bin", &st) < 0 ? " (no /bin: nothing is mounted at /, so only the"
						" builtins and the initrd's programs run)"
					      : "");
	} else
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

static void run(struct stage *st, int n, int background)
{
	int id = job_new();
	if (!id) {
		fprintf(stderr, "sh: too many jobs\n");
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
		j->pids[j->npids++] = pid;
		if (in_fd >= 0)
			close(in_fd);
		if (fds[1] >= 0)
			close(fds[1]);
		in_fd = fds[0];
	}
	if (in_fd >= 0)
		close(in_fd);
	if (!j->npids)
		return;
	j->state = JOB_RUNNING;
	j->pgid = pgid;
	j->alive = j->npids;
	j->background = background;
	job_text(j, st, n);
	current_job = id;
	if (background) {
		printf("[%d] %d\n", id, j->pids[j->npids - 1]);
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

static void fg_bg(struct stage *st, int fg)
{
	int id = job_arg(st);
	if (!id)
		return;
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
	} else if (!strcmp(cmd, "jobs")) {
		list_jobs();
	} else if (!strcmp(cmd, "fg") || !strcmp(cmd, "bg")) {
		fg_bg(st, cmd[0] == 'f');
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
	/* An interactive shell does not stop itself: only its jobs do. */
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	for (;;) {
		poll_jobs();
		printf(geteuid() == 0 ? "# " : "$ "); /* root's prompt, as Unix shells mark it */
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
