/* kill [-SIG | -s SIG] [--] PID...: send a signal (default SIGKILL, as in
 * the notes' kill(pid)). SIG is a number or a name, with or without SIG
 * (9, KILL, SIGKILL; -STOP, -CONT, -TERM...). A negative PID names a
 * process group (after --, or after the signal: kill -- -5, kill -9 -5).
 * kill -l lists the names; kill -l N names signal N (or the signal of an
 * exit status 128 + N). Every argument is checked before anything is
 * sent: bad input prints an error and signals nobody. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int usage(void)
{
	fprintf(stderr, "usage: kill [-SIG | -s SIG] [--] PID...\n       kill -l [N]\n");
	return 2;
}

/* A decimal number in s, whole: 1 and *out, or 0. */
static int number(const char *s, long *out)
{
	char *end;
	if (!*s)
		return 0;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno)
		return 0;
	*out = v;
	return 1;
}

/* The signal s names (a number, NAME or SIGNAME, any case); -1 if none. */
static int parse_signal(const char *s)
{
	long n;
	if (number(s, &n))
		return n >= 0 && n < NSIG ? (int)n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < NSIG; sig++)
		if (!strcasecmp(s, lde_signame(sig)))
			return sig;
	return -1;
}

static int list(int argc, char **argv)
{
	if (argc == 0) {
		for (int sig = 1; sig < NSIG; sig++)
			printf("%2d) SIG%-7s%s", sig, lde_signame(sig), sig % 4 == 0 ? "\n" : " ");
		printf("\n");
		return 0;
	}
	int status = 0;
	for (int i = 0; i < argc; i++) {
		long n;
		int sig =
			number(argv[i], &n) ? (int)(n > 128 ? n - 128 : n) : parse_signal(argv[i]);
		if (sig <= 0 || sig >= NSIG) {
			fprintf(stderr, "kill: %s: no such signal\n", argv[i]);
			status = 1;
		} else if (number(argv[i], &n)) {
			printf("%s\n", lde_signame(sig));
		} else {
			printf("%d\n", sig);
		}
	}
	return status;
}

int main(int argc, char **argv)
{
	int sig = SIGKILL, i = 1;
	if (argc > 1 && !strcmp(argv[1], "-l"))
		return list(argc - 2, argv + 2);
	if (i < argc && !strcmp(argv[i], "-s")) {
		if (i + 1 >= argc)
			return usage();
		sig = parse_signal(argv[i + 1]);
		if (sig < 0) {
			fprintf(stderr, "kill: %s: no such signal\n", argv[i + 1]);
			return 1;
		}
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--")) {
		sig = parse_signal(argv[i] + 1);
		if (sig < 0) {
			fprintf(stderr, "kill: %s: no such signal\n", argv[i] + 1);
			return 1;
		}
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return usage();
	/* All or nothing: every PID must be one before any is signalled. */
	long pids[64];
	int n = 0;
	for (int j = i; j < argc; j++) {
		long pid;
		if (!number(argv[j], &pid) || pid == 0 || pid < -2147483647L || pid > 2147483647L ||
		    n == 64) {
			fprintf(stderr, "kill: bad pid '%s'\n", argv[j]);
			return 1;
		}
		pids[n++] = pid;
	}
	int status = 0;
	for (int j = 0; j < n; j++) {
		if (kill((int)pids[j], sig) < 0) {
			fprintf(stderr, "kill: %ld: %s\n", pids[j], strerror(errno));
			status = 1;
		}
	}
	return status;
}
