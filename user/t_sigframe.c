/* Forged sigreturn frames (docs/signals.md, "sigreturn's checks"): a
 * frame is only U-mode registers, so whatever it holds, the process stays
 * in U-mode with interrupts on; a pc in the kernel half or beyond the user
 * half, unknown flags (where SPP or SIE would sit in sstatus), or a frame
 * pointer that reaches no readable memory kill the process with one line,
 * and the kernel goes on. Run as init (init=/t_sigframe). */
#include "t_util.h"
#include "uapi_layout.h"

static uint64_t rng = 0x9e3779b97f4a7c15;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* sigreturn with sp = frame, nothing else set up. */
static void __attribute__((noreturn)) forged_sigreturn(const void *frame)
{
	register long a7 __asm__("a7") = SYS_sigreturn;
	register const void *a0 __asm__("a0") = frame;
	__asm__ volatile("mv sp, a0\n\tecall" ::"r"(a0), "r"(a7) : "memory");
	__builtin_unreachable();
}

static struct lde_sigframe frame __attribute__((aligned(16)));

static void fill_random(void)
{
	uint64_t *w = (uint64_t *)&frame;
	for (size_t i = 0; i < sizeof frame / 8; i++)
		w[i] = rnd();
}

/* A child forges a frame with pc and flags and calls sigreturn: it must
 * be killed (SIGSEGV) with the line the suite expects. */
#define OWN_FRAME ((const void *)1)
static void must_kill(const char *what, uint64_t pc, uint64_t flags, const void *at)
{
	pid_t pid = fork();
	if (pid == 0) {
		fill_random();
		frame.regs[0] = pc;
		frame.flags = flags;
		forged_sigreturn(at == OWN_FRAME ? &frame : at);
	}
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
		printf("FAIL: %s: status 0x%x, want SIGSEGV\n", what, st);
	else
		printf("sigframe: %s: killed\n", what);
}

/* Where the random-register frames land: sp, gp and tp from the values
 * saved before, then C. */
static uint64_t saved_gp __attribute__((used)), saved_tp __attribute__((used));
static char landing_stack[8192] __attribute__((aligned(16), used));
static volatile int ticked;
void landing_c(void);
__asm__(".text\n"
	".globl landing\n"
	"landing:\n"
	"	la sp, landing_stack + 8192\n"
	"	la t0, saved_gp\n"
	"	ld gp, 0(t0)\n"
	"	la t0, saved_tp\n"
	"	ld tp, 0(t0)\n"
	"	call landing_c\n");
void landing(void);

static void tick(int sig) { ticked = 1; }
static void ill(int sig) { _exit(sig == SIGILL ? 50 : 51); }

/* Still in U-mode with interrupts on: the timer's alarm arrives while it
 * spins, and a privileged instruction is illegal. */
void landing_c(void)
{
	signal(SIGALRM, tick);
	signal(SIGILL, ill);
	ualarm(10000, 0);
	while (!ticked)
		;
	__asm__ volatile("csrr t0, sstatus" ::: "t0");
	_exit(52);
}

static void random_frames(int fp)
{
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			__asm__ volatile("mv %0, gp" : "=r"(saved_gp));
			__asm__ volatile("mv %0, tp" : "=r"(saved_tp));
			fill_random();
			frame.regs[0] = (uint64_t)landing;
			frame.flags = fp ? LDE_SF_FP : 0;
			/* the mask: random, but SIGALRM and SIGILL let through */
			frame.mask &= ~(LDE_SIGBIT(SIGALRM) | LDE_SIGBIT(SIGILL));
			forged_sigreturn(&frame);
		}
		int st = -1;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 50)
			printf("FAIL: random frame %d: status 0x%x, want exit 50\n", i, st);
	}
	printf("sigframe: random registers%s: still U-mode, interrupts on\n",
	       fp ? " and FP state" : "");
}

int main(void)
{
	must_kill("kernel-half pc", 0xffffffc080200000ULL, 0, OWN_FRAME);
	must_kill("non-canonical pc", 0x0000800000000000ULL, 0, OWN_FRAME);
	must_kill("pc at the top of user space", USER_TOP, 0, OWN_FRAME);
	must_kill("flags with sstatus.SPP's bit", 0x10000, 0x100, OWN_FRAME);
	must_kill("flags with sstatus.SIE's bit", 0x10000, 0x2, OWN_FRAME);
	must_kill("frame at address 0", 0x10000, 0, (const void *)0);
	must_kill("frame in the kernel half", 0x10000, 0, (const void *)0xffffffc080000000ULL);
	random_frames(0);
	random_frames(1);
	return check_exit("t_sigframe");
}
