/* POSIX signals (docs/signals.md): handlers, masks, pending sets,
 * sigsuspend and pause, alarms, EINTR and SA_RESTART, default actions,
 * SIGKILL and SIGSTOP that nothing stops, handlers across fork and exec,
 * SIGCHLD, stop and continue with waitpid's reports, signals to stopped,
 * sleeping and zombie processes, a stopped process that holds a pipe,
 * faults caught as signals, and a stack with no room for the frame.
 * Run as init (init=/t_signal). "t_signal exec-check" is the image the
 * exec test runs. */
#include "t_util.h"

static volatile int got[NSIG];
static volatile int last_sig;

static void count(int sig)
{
	got[sig]++;
	last_sig = sig;
}

static void on(int sig, void (*h)(int), int flags)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static void reset_counts(void)
{
	for (int i = 0; i < NSIG; i++)
		got[i] = 0;
}

/* The child's exit status, or -1. */
static int child_status(pid_t pid)
{
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	return st;
}

static void expect_exit(pid_t pid, int code, const char *what)
{
	int st = child_status(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		printf("FAIL: %s: status 0x%x, want exit %d\n", what, st, code);
}

static void expect_killed(pid_t pid, int sig, const char *what)
{
	int st = child_status(pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		printf("FAIL: %s: status 0x%x, want signal %d\n", what, st, sig);
}

static void test_basic(void)
{
	reset_counts();
	on(SIGUSR1, count, 0);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(got[SIGUSR1], 1); /* delivered before raise returned */
	struct sigaction old;
	CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	CHECK(old.sa_handler == count);
	/* signal(): returns the previous handler. */
	CHECK(signal(SIGUSR2, count) == SIG_DFL);
	CHECK(signal(SIGUSR2, SIG_IGN) == count);
	CHECK_EQ(raise(SIGUSR2), 0); /* ignored */
	CHECK_EQ(got[SIGUSR2], 0);
	CHECK(signal(SIGUSR2, SIG_DFL) == SIG_IGN);
	/* Bad numbers. */
	CHECK_EQ(sigaction(0, NULL, &old), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(sigaction(NSIG, NULL, &old), -1);
	CHECK_EQ(kill(getpid(), NSIG), -1);
	printf("signal: handler ran, signal() and sigaction() agree\n");
}

static void test_mask(void)
{
	reset_counts();
	on(SIGUSR1, count, 0);
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(got[SIGUSR1], 0);
	CHECK_EQ(sigpending(&pend), 0);
	CHECK(sigismember(&pend, SIGUSR1) == 1);
	/* Unblocked: delivered on the way out of sigprocmask itself. */
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	CHECK_EQ(got[SIGUSR1], 1);
	CHECK_EQ(sigpending(&pend), 0);
	CHECK(!sigismember(&pend, SIGUSR1));
	/* Ignoring a pending signal drops it. */
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGUSR1));
	CHECK_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	CHECK_EQ(got[SIGUSR1], 1);
	/* Bad how. */
	CHECK_EQ(sigprocmask(7, &set, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	printf("signal: blocked signals wait in sigpending until unblocked\n");
}

static volatile int depth, max_depth, calls;
static void nested(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (++calls < 3)
		raise(sig);
	depth--;
}

static void test_flags(void)
{
	/* Without SA_NODEFER the signal waits for its own handler's end. */
	depth = max_depth = calls = 0;
	on(SIGUSR1, nested, 0);
	raise(SIGUSR1);
	CHECK_EQ(max_depth, 1);
	CHECK_EQ(calls, 3); /* one after the other */
	depth = max_depth = calls = 0;
	on(SIGUSR1, nested, SA_NODEFER);
	raise(SIGUSR1);
	CHECK_EQ(max_depth, 3);
	/* SA_RESETHAND: once, then the default. */
	reset_counts();
	on(SIGUSR2, count, SA_RESETHAND);
	raise(SIGUSR2);
	struct sigaction old;
	sigaction(SIGUSR2, NULL, &old);
	CHECK(old.sa_handler == SIG_DFL);
	CHECK_EQ(got[SIGUSR2], 1);
	/* sa_mask is blocked while the handler runs, and the mask comes
	 * back afterwards. */
	reset_counts();
	struct sigaction sa = { .sa_handler = nested };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, count);
	sigset_t now;
	calls = 3; /* nested() raises nothing */
	raise(SIGUSR1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGUSR2));
	CHECK(!sigismember(&now, SIGUSR1));
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	printf("signal: SA_NODEFER, SA_RESETHAND and sa_mask\n");
}

static void test_suspend_alarm(void)
{
	reset_counts();
	on(SIGALRM, count, 0);
	/* pause() returns -1/EINTR after the handler. */
	long t0 = uptime();
	CHECK_EQ(alarm(1), 0);
	CHECK_EQ(pause(), -1);
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(got[SIGALRM], 1);
	long took = uptime() - t0;
	CHECK(took >= 990 && took < 3000);
	/* alarm() returns what the previous alarm had left. */
	alarm(100);
	unsigned left = alarm(0);
	CHECK(left >= 99 && left <= 100);
	/* sigsuspend: the classic wait, with the signal blocked outside. */
	sigset_t block, old, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	ualarm(20000, 0);
	wait_mask = old;
	sigdelset(&wait_mask, SIGALRM);
	while (got[SIGALRM] < 2)
		CHECK_EQ(sigsuspend(&wait_mask), -1);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGALRM)); /* sigsuspend's caller's mask back */
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* A periodic alarm. */
	ualarm(5000, 5000);
	while (got[SIGALRM] < 6)
		pause();
	ualarm(0, 0);
	signal(SIGALRM, SIG_DFL);
	printf("signal: pause, sigsuspend and alarms\n");
}

/* A child blocked reading an empty pipe gets SIGUSR1: without SA_RESTART
 * its read fails with EINTR; with it, the read goes on and returns the
 * data written afterwards. The child tells the parent through note that
 * its handler ran. */
static int note[2];
static void note_handler(int sig)
{
	char c = 'h';
	write(note[1], &c, 1);
}

static void eintr_case(int flags)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(pipe(note), 0);
	pid_t pid = fork();
	if (pid == 0) {
		on(SIGUSR1, note_handler, flags);
		char c = 0;
		ssize_t r = read(p[0], &c, 1);
		if (flags & SA_RESTART) {
			CHECK_EQ(r, 1);
			CHECK_EQ(c, 'd');
		} else {
			CHECK_EQ(r, -1);
			CHECK_EQ(errno, EINTR);
		}
		child_done();
	}
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0);
	CHECK_EQ(kill(pid, SIGUSR1), 0);
	char c;
	CHECK_EQ(read(note[0], &c, 1), 1); /* its handler ran */
	if (flags & SA_RESTART) {
		CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0); /* reading again */
		CHECK_EQ(write(p[1], "d", 1), 1);
	}
	expect_exit(pid, 0, flags ? "SA_RESTART read" : "EINTR read");
	close(p[0]), close(p[1]), close(note[0]), close(note[1]);
}

static void test_eintr(void)
{
	eintr_case(0);
	eintr_case(SA_RESTART);
	/* A sleeping usleep ends early with EINTR. */
	pid_t pid = fork();
	if (pid == 0) {
		on(SIGUSR1, count, SA_RESTART);
		long t0 = uptime();
		CHECK_EQ(usleep(10000000), -1);
		CHECK_EQ(errno, EINTR);
		CHECK(uptime() - t0 < 5000);
		CHECK_EQ(got[SIGUSR1], 1);
		child_done();
	}
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0);
	kill(pid, SIGUSR1);
	expect_exit(pid, 0, "usleep interrupted");
	printf("signal: pipe read EINTR without SA_RESTART, restarted with it\n");
}

static void test_defaults(void)
{
	/* Terminate. */
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0);
	kill(pid, SIGTERM);
	expect_killed(pid, SIGTERM, "SIGTERM default");
	/* Ignore: SIGCHLD, SIGURG, SIGWINCH and SIGCONT do nothing. */
	pid = fork();
	if (pid == 0) {
		raise(SIGCHLD);
		raise(SIGURG);
		raise(SIGWINCH);
		raise(SIGCONT);
		_exit(7);
	}
	expect_exit(pid, 7, "default-ignored signals");
	/* Stop: SIGTSTP, SIGTTIN, SIGTTOU as SIGSTOP. */
	int stops[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	for (int i = 0; i < 4; i++) {
		pid = fork();
		if (pid == 0) {
			raise(stops[i]);
			_exit(3);
		}
		int st;
		CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
		CHECK(WIFSTOPPED(st));
		CHECK_EQ(WSTOPSIG(st), stops[i]);
		CHECK_EQ(proc_state(pid), LDE_P_STOPPED);
		kill(pid, SIGCONT);
		expect_exit(pid, 3, "continued after a stop");
	}
	printf("signal: default actions terminate, ignore and stop\n");
}

static void test_uncatchable(void)
{
	struct sigaction sa = { .sa_handler = count };
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGKILL, &sa, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(sigaction(SIGSTOP, &sa, NULL), -1);
	CHECK(signal(SIGKILL, SIG_IGN) == SIG_ERR);
	CHECK(signal(SIGSTOP, SIG_IGN) == SIG_ERR);
	/* Blocking everything blocks neither. */
	int ready[2];
	pipe(ready);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		sigset_t now;
		sigprocmask(SIG_BLOCK, NULL, &now);
		if (sigismember(&now, SIGKILL) || sigismember(&now, SIGSTOP))
			_exit(9);
		write(ready[1], "r", 1);
		for (;;)
			;
	}
	char c;
	CHECK_EQ(read(ready[0], &c, 1), 1);
	close(ready[0]), close(ready[1]);
	int st;
	kill(pid, SIGSTOP);
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st));
	kill(pid, SIGCONT);
	kill(pid, SIGKILL);
	expect_killed(pid, SIGKILL, "SIGKILL with everything blocked");
	printf("signal: SIGKILL and SIGSTOP cannot be caught, blocked or ignored\n");
}

static void test_fork_exec(char *self)
{
	on(SIGUSR1, count, 0);
	signal(SIGUSR2, SIG_IGN);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid_t pid = fork();
	if (pid == 0) {
		reset_counts();
		raise(SIGUSR1); /* the handler came along */
		CHECK_EQ(got[SIGUSR1], 1);
		char *argv[] = { self, "exec-check", NULL };
		exec(self, argv);
		_exit(99);
	}
	expect_exit(pid, 0, "handlers after fork and exec");
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	printf("signal: handlers survive fork; exec resets them, keeps ignored and the mask\n");
}

/* After exec: SIGUSR1's handler is gone (default), SIGUSR2 still ignored,
 * SIGINT still blocked. */
static int exec_check(void)
{
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	CHECK(old.sa_handler == SIG_DFL);
	sigaction(SIGUSR2, NULL, &old);
	CHECK(old.sa_handler == SIG_IGN);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGINT) == 1);
	raise(SIGUSR2); /* ignored: no death */
	return check_failures ? 1 : 0;
}

static void test_sigchld_waitpid(void)
{
	reset_counts();
	on(SIGCHLD, count, 0);
	sigset_t chld, old, wait_mask;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	wait_mask = old;
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(5);
	}
	int st = 0;
	CHECK_EQ(waitpid(pid, &st, WNOHANG | WUNTRACED | WCONTINUED), 0); /* nothing yet */
	CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
	kill(pid, SIGSTOP);
	while (got[SIGCHLD] < 1)
		sigsuspend(&wait_mask);
	CHECK_EQ(waitpid(pid, &st, WNOHANG), 0); /* a stop needs WUNTRACED */
	CHECK_EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), 0); /* reported once */
	kill(pid, SIGCONT);
	while (got[SIGCHLD] < 2)
		sigsuspend(&wait_mask);
	CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st));
	CHECK(!WIFSTOPPED(st) && !WIFEXITED(st) && !WIFSIGNALED(st));
	write(p[1], "x", 1);
	while (got[SIGCHLD] < 3)
		sigsuspend(&wait_mask);
	CHECK_EQ(waitpid(-1, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK_EQ(got[SIGCHLD], 3);
	/* SA_NOCLDSTOP: only the exit. */
	reset_counts();
	on(SIGCHLD, count, SA_NOCLDSTOP);
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(6);
	}
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	kill(pid, SIGCONT);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(got[SIGCHLD], 0); /* blocked: pending */
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EQ(got[SIGCHLD], 1);
	signal(SIGCHLD, SIG_DFL);
	close(p[0]), close(p[1]);
	/* pid selectors: 0 and -pgid (a group of its own), a stranger. */
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		_exit(11);
	}
	pid_t b = fork();
	if (b == 0)
		_exit(12);
	CHECK_EQ(waitpid(0, &st, 0), b); /* a may have left the group first */
	CHECK(WEXITSTATUS(st) == 12);
	CHECK_EQ(waitpid(-a, &st, 0), a);
	CHECK(WEXITSTATUS(st) == 11);
	CHECK_EQ(waitpid(1, &st, WNOHANG), -1);
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(waitpid(-1, &st, 0x100), -1);
	CHECK_EQ(errno, EINVAL);
	printf("signal: SIGCHLD on exit, stop and continue; waitpid WUNTRACED WCONTINUED WNOHANG\n");
}

static void test_targets(void)
{
	/* A stopped process: uses no CPU, keeps signals pending, dies of
	 * SIGKILL. */
	int n[2];
	pipe(n);
	note[1] = n[1];
	pid_t pid = fork();
	if (pid == 0) {
		on(SIGUSR1, note_handler, 0);
		for (;;)
			;
	}
	usleep(20000);
	kill(pid, SIGSTOP);
	CHECK_EQ(wait_state(pid, LDE_P_STOPPED, 5000), 0);
	struct lde_procinfo a, b;
	proc_get(pid, &a);
	usleep(100000);
	proc_get(pid, &b);
	CHECK_EQ(b.state, LDE_P_STOPPED);
	CHECK_EQ(a.cpu_us, b.cpu_us); /* no CPU while stopped */
	kill(pid, SIGUSR1);
	usleep(20000);
	CHECK_EQ(proc_state(pid), LDE_P_STOPPED); /* still stopped, USR1 pending */
	kill(pid, SIGCONT);
	char c;
	CHECK_EQ(read(n[0], &c, 1), 1); /* the handler ran once continued */
	kill(pid, SIGSTOP);
	CHECK_EQ(wait_state(pid, LDE_P_STOPPED, 5000), 0);
	kill(pid, SIGKILL);
	expect_killed(pid, SIGKILL, "SIGKILL to a stopped process");
	close(n[0]), close(n[1]);
	/* A zombie: kill succeeds and changes nothing. */
	pid = fork();
	if (pid == 0)
		_exit(4);
	CHECK_EQ(wait_state(pid, LDE_P_ZOMBIE, 5000), 0);
	CHECK_EQ(kill(pid, SIGTERM), 0);
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	expect_exit(pid, 4, "signals to a zombie");
	/* A sleeping one, stopped and continued: its sleep goes on. */
	pid = fork();
	if (pid == 0) {
		long t0 = uptime();
		CHECK_EQ(usleep(300000), 0);
		CHECK(uptime() - t0 >= 300);
		child_done();
	}
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0);
	kill(pid, SIGTSTP);
	CHECK_EQ(wait_state(pid, LDE_P_STOPPED, 5000), 0);
	kill(pid, SIGCONT);
	expect_exit(pid, 0, "usleep stopped and continued");
	printf("signal: stopped, sleeping and zombie targets\n");
}

/* A stopped writer holds the pipe a reader waits on: the reader waits
 * while it is stopped and gets the data once it continues. */
static void test_stopped_pipe(void)
{
	int data[2], go[2];
	pipe(data);
	pipe(go);
	pid_t writer = fork();
	if (writer == 0) {
		char c;
		CHECK_EQ(read(go[0], &c, 1), 1); /* restarted across the stop */
		CHECK_EQ(write(data[1], "w", 1), 1);
		child_done();
	}
	pid_t reader = fork();
	if (reader == 0) {
		char c = 0;
		CHECK_EQ(read(data[0], &c, 1), 1);
		CHECK_EQ(c, 'w');
		child_done();
	}
	CHECK_EQ(wait_state(writer, LDE_P_SLEEPING, 5000), 0);
	CHECK_EQ(wait_state(reader, LDE_P_SLEEPING, 5000), 0);
	kill(writer, SIGSTOP);
	CHECK_EQ(wait_state(writer, LDE_P_STOPPED, 5000), 0);
	write(go[1], "g", 1);
	usleep(100000);
	CHECK_EQ(proc_state(writer), LDE_P_STOPPED);
	CHECK_EQ(proc_state(reader), LDE_P_SLEEPING);
	kill(writer, SIGCONT);
	expect_exit(reader, 0, "reader after SIGCONT");
	expect_exit(writer, 0, "writer after SIGCONT");
	close(data[0]), close(data[1]), close(go[0]), close(go[1]);
	printf("signal: a stopped process holding a pipe: the reader waits, then proceeds\n");
}

/* Faults as signals. */
static volatile int *volatile bad_ptr = (volatile int *)16;
static volatile int faults;
static void segv_exit(int sig) { _exit(sig == SIGSEGV ? 42 : 1); }
static void segv_again(int sig)
{
	if (++faults == 3)
		_exit(43); /* it came back each time the handler returned */
}
static void segv_in_handler(int sig) { *bad_ptr = 2; }
static void ill_exit(int sig) { _exit(sig == SIGILL ? 44 : 1); }

static void test_faults(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		on(SIGSEGV, segv_exit, 0);
		*bad_ptr = 1;
		_exit(1);
	}
	expect_exit(pid, 42, "SIGSEGV caught, _exit from the handler");
	pid = fork();
	if (pid == 0) {
		on(SIGSEGV, segv_again, SA_NODEFER);
		*bad_ptr = 1;
		_exit(1);
	}
	expect_exit(pid, 43, "a handler that returns faults again");
	pid = fork();
	if (pid == 0) {
		on(SIGILL, ill_exit, 0);
		__asm__ volatile("csrr t0, sstatus" ::: "t0"); /* privileged */
		_exit(1);
	}
	expect_exit(pid, 44, "SIGILL caught");
	/* Blocked, or while its own handler runs: fatal as before. */
	pid = fork();
	if (pid == 0) {
		on(SIGSEGV, segv_in_handler, 0);
		*bad_ptr = 1;
		_exit(1);
	}
	expect_killed(pid, SIGSEGV, "a fault inside its own handler");
	printf("signal: SIGSEGV and SIGILL caught; a fault in the handler kills\n");
}

/* The frame does not fit: sp points nowhere when the signal comes. */
static void test_bad_stack(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		on(SIGUSR1, count, 0);
		pid_t me = getpid();
		register long a0 __asm__("a0") = me;
		register long a1 __asm__("a1") = SIGUSR1;
		register long a7 __asm__("a7") = SYS_kill;
		__asm__ volatile("mv s1, sp\n\t"
				 "li sp, 64\n\t"
				 "ecall\n\t"
				 "mv sp, s1"
				 : "+r"(a0)
				 : "r"(a1), "r"(a7)
				 : "s1", "memory");
		_exit(1);
	}
	expect_killed(pid, SIGSEGV, "no room for the frame");
	printf("signal: a bad stack at delivery kills the process\n");
}

/* Signals and IPC (docs/signals.md, "Delivery"): a receiver interrupted
 * in ipc_recv gets EINTR, and the fast path still works afterwards; a
 * caller held by a server and signalled is never handed the reply (it is
 * runnable with a signal to take), and its call ends with EINTR. */
static void test_ipc(void)
{
	int ep = ep_create();
	CHECK(ep >= 0);
	pid_t srv = fork();
	if (srv == 0) {
		on(SIGUSR1, count, 0);
		struct lde_msg m;
		CHECK_EQ(ipc_recv(ep, &m), -1);
		CHECK_EQ(errno, EINTR);
		CHECK_EQ(got[SIGUSR1], 1);
		long r = ipc_recv(ep, &m); /* the parent's call, by the fast path */
		CHECK_EQ(r, 7);
		CHECK_EQ(m.w[0], 42);
		m.info = 8;
		m.w[0] = 43;
		CHECK_EQ(ipc_reply(&m), 0);
		child_done();
	}
	CHECK_EQ(wait_state(srv, LDE_P_SLEEPING, 5000), 0);
	kill(srv, SIGUSR1);
	struct lde_procinfo pi;
	do /* until it is back in recv */
		usleep(1000);
	while (proc_get(srv, &pi) == 0 &&
	       !(pi.state == LDE_P_SLEEPING && !strncmp(pi.wchan, "recv", 4)));
	struct lde_msg m = { .info = 7, .w = { 42 } };
	CHECK_EQ(ipc_call(ep, &m, NULL), 8);
	CHECK_EQ(m.w[0], 43);
	expect_exit(srv, 0, "a receiver interrupted by a signal");

	/* We are the server: the client's call is held, the client is
	 * signalled, and our reply comes before it runs again. */
	pid_t cli = fork();
	if (cli == 0) {
		on(SIGUSR1, count, 0);
		struct lde_msg c = { .info = 1 };
		CHECK_EQ(ipc_call(ep, &c, NULL), -1);
		CHECK_EQ(errno, EINTR);
		child_done();
	}
	struct lde_msg r;
	CHECK_EQ(ipc_recv(ep, &r), 1);
	CHECK_EQ(wait_state(cli, LDE_P_SLEEPING, 5000), 0);
	kill(cli, SIGUSR1);	    /* runnable now, the signal to take */
	CHECK_EQ(ipc_reply(&r), 0); /* nobody to answer: dropped */
	expect_exit(cli, 0, "a caller signalled while its call was held");
	close(ep);
	printf("signal: IPC: recv interrupted with EINTR; a signalled caller gets no reply\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-check"))
		return exec_check();
	test_basic();
	test_mask();
	test_flags();
	test_suspend_alarm();
	test_eintr();
	test_defaults();
	test_uncatchable();
	test_fork_exec(argv[0]);
	test_sigchld_waitpid();
	test_targets();
	test_stopped_pipe();
	test_faults();
	test_bad_stack();
	test_ipc();
	return check_exit("t_signal");
}
