/* The POSIX signal calls over the kernel's (docs/signals.md): picolibc
 * declares them and defines the types and numbers, which are the kernel's
 * (checked below); this file replaces picolibc's own signal() and raise(),
 * which never reach a kernel. */
#include "lde.h"
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(SIGHUP == LDE_SIGHUP && SIGINT == LDE_SIGINT && SIGQUIT == LDE_SIGQUIT &&
		       SIGILL == LDE_SIGILL && SIGTRAP == LDE_SIGTRAP && SIGABRT == LDE_SIGABRT &&
		       SIGFPE == LDE_SIGFPE && SIGKILL == LDE_SIGKILL && SIGBUS == LDE_SIGBUS &&
		       SIGSEGV == LDE_SIGSEGV && SIGSYS == LDE_SIGSYS && SIGPIPE == LDE_SIGPIPE &&
		       SIGALRM == LDE_SIGALRM && SIGTERM == LDE_SIGTERM && SIGURG == LDE_SIGURG &&
		       SIGSTOP == LDE_SIGSTOP && SIGTSTP == LDE_SIGTSTP && SIGCONT == LDE_SIGCONT &&
		       SIGCHLD == LDE_SIGCHLD && SIGTTIN == LDE_SIGTTIN && SIGTTOU == LDE_SIGTTOU &&
		       SIGUSR1 == LDE_SIGUSR1 && SIGUSR2 == LDE_SIGUSR2 && NSIG == LDE_NSIG,
	       "picolibc's signal numbers are the kernel's");
_Static_assert(
	sizeof(struct sigaction) == sizeof(struct lde_sigaction) &&
		offsetof(struct sigaction, sa_handler) == offsetof(struct lde_sigaction, handler) &&
		offsetof(struct sigaction, sa_mask) == offsetof(struct lde_sigaction, mask) &&
		offsetof(struct sigaction, sa_flags) == offsetof(struct lde_sigaction, flags),
	"struct sigaction is the kernel's struct lde_sigaction");
_Static_assert(sizeof(sigset_t) == 8, "a signal set is the kernel's 64-bit mask");
_Static_assert(SA_NOCLDSTOP == LDE_SA_NOCLDSTOP && SA_RESTART == LDE_SA_RESTART &&
		       SA_NODEFER == LDE_SA_NODEFER && SA_RESETHAND == LDE_SA_RESETHAND &&
		       SIG_SETMASK == LDE_SIG_SETMASK && SIG_BLOCK == LDE_SIG_BLOCK &&
		       SIG_UNBLOCK == LDE_SIG_UNBLOCK,
	       "sigaction flags and sigprocmask's how");
_Static_assert(WNOHANG == LDE_WNOHANG && WUNTRACED == LDE_WUNTRACED &&
		       WCONTINUED == LDE_WCONTINUED && WIFSTOPPED(LDE_W_STOPPED(SIGTSTP)) &&
		       WSTOPSIG(LDE_W_STOPPED(SIGTSTP)) == SIGTSTP &&
		       !WIFSIGNALED(LDE_W_STOPPED(SIGTSTP)) && !WIFEXITED(LDE_W_STOPPED(SIGSTOP)) &&
		       WIFCONTINUED(LDE_W_CONTINUED) && !WIFEXITED(LDE_W_CONTINUED) &&
		       !WIFSIGNALED(LDE_W_CONTINUED) && !WIFSTOPPED(LDE_W_CONTINUED),
	       "waitpid's options and status words");

static long check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void __lde_sigreturn(void); /* sigreturn.c */

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return (int)check(lde_sys_sigaction(sig, act, old, (const void *)__lde_sigreturn));
}

/* BSD's signal(): the handler stays, and interrupted calls restart. */
_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)check(lde_sys_sigprocmask(how, set, old));
}

/* picolibc has these as macros too; the functions are for programs that
 * take their address or #undef them. */
#undef sigemptyset
#undef sigfillset
#undef sigaddset
#undef sigdelset
#undef sigismember

int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	*set = (sigset_t)(LDE_SIGBIT(NSIG) - 2);
	return 0;
}

static int bad_signal(int sig) { return sig <= 0 || sig >= NSIG; }

int sigaddset(sigset_t *set, const int sig)
{
	if (bad_signal(sig)) {
		errno = EINVAL;
		return -1;
	}
	*set |= (sigset_t)LDE_SIGBIT(sig);
	return 0;
}

int sigdelset(sigset_t *set, const int sig)
{
	if (bad_signal(sig)) {
		errno = EINVAL;
		return -1;
	}
	*set &= ~(sigset_t)LDE_SIGBIT(sig);
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (bad_signal(sig)) {
		errno = EINVAL;
		return -1;
	}
	return (*set & (sigset_t)LDE_SIGBIT(sig)) != 0;
}
