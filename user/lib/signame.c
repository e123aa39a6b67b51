/* Signal names, for kill and whoever prints signals. */
#include <signal.h>
#include <stddef.h>

static const char *const names[NSIG] = {
	[SIGHUP] = "HUP",   [SIGINT] = "INT",	    [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",	    [SIGEMT] = "EMT",	[SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGBUS] = "BUS",	    [SIGSEGV] = "SEGV", [SIGSYS] = "SYS",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",	    [SIGTERM] = "TERM", [SIGURG] = "URG",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",	    [SIGCONT] = "CONT", [SIGCHLD] = "CHLD",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",	    [SIGIO] = "IO",	[SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGLOST] = "LOST", [SIGUSR1] = "USR1",	    [SIGUSR2] = "USR2",
};

const char *lde_signame(int sig) { return sig <= 0 || sig >= NSIG ? NULL : names[sig]; }
