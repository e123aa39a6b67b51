/* Restricted operations: each mode does one thing a U-mode program may not
 * do, and must be killed for it with exactly one console line
 *   lde: pid N (t_restrict) killed: CAUSE, sepc=0x... stval=0x...
 * and a wait status WIFSIGNALED with the right signal.
 *
 *   t_restrict MODE   do MODE as this process (run as init: QEMU exits with
 *                     128 + the signal)
 *   t_restrict all    fork one child per mode, check each child's wait
 *                     status, then that every page came back and that this
 *                     process is still fine
 *   t_restrict list   print the modes
 *
 * Before it faults, a mode prints what the kernel's line must say:
 *   t_restrict: pid=N mode=M expect: killed: CAUSE, sepc=SPEC stval=SPEC
 * where SPEC is 0xV (exactly), 0xV|0x0 (either: the privileged spec lets
 * stval be 0 or the instruction bits / the pc), [0xA,0xB) (a range) or *.
 * tests/suites/firstprog.py pairs these lines with the kernel's by pid.
 *
 * The faulting instructions are in assembly with global labels, so sepc is
 * known exactly. They are assembled without compression so that stval of
 * an illegal instruction is the whole 32-bit encoding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"
#include "kaddr.h" /* kernel addresses to probe; the user layout */

#define KERNEL_TEXT_VA KADDR_TEXT	   /* the kernel's first instruction */
#define KERNEL_HALF KADDR_DIRECT_MAP	   /* the direct map of physical 0 */
#define KSTACK_VA (KADDR_KSTACKS + PGSIZE) /* slot 0's kernel stack */
#define GAP_VA LDE_UL(0x2000000000)	   /* between the heap and the stack */

__asm__(".pushsection .text.t_restrict_helpers, \"ax\", @progbits\n"
	".option push\n"
	".option norvc\n"
	".option arch, +zicsr\n"
	".balign 4\n"
#define HELPER(name, insn) \
	".globl " #name "\n" #name ":\n.globl " #name "_pc\n" #name "_pc: " insn "\n ret\n"
	HELPER(do_load, "ld a0, 0(a0)") HELPER(do_store, "sd zero, 0(a0)")
	/* jr: the fault is at the target, sepc = stval = a0 */
	".globl do_jump\ndo_jump: jr a0\n" HELPER(do_csrr_sstatus, "csrr a0, sstatus")
		HELPER(do_csrw_satp, "csrw satp, zero")
			HELPER(do_csrw_sscratch, "csrw sscratch, zero") HELPER(do_csrw_stvec,
									       "csrw stvec, zero")
				HELPER(do_csrr_mstatus, "csrr a0, mstatus") HELPER(do_sret, "sret")
					HELPER(do_mret, "mret")
						HELPER(do_sfence_vma, "sfence.vma zero, zero")
							HELPER(do_wfi, "wfi")
	/* FP instructions are allowed, but not these two: fadd.d ft0, ft0, ft0
	 * with the reserved rounding mode 5; the same with the dynamic mode
	 * (7) after frm = 5 (csrwi frm, 5). Each traps twice: first as the
	 * lazy FPU switch's first use (kernel/sched.c), then, retried with
	 * the FPU on, as what it is. */
	HELPER(do_fp_bad_rm,
	       ".4byte 0x02005053") ".globl do_fp_bad_frm\ndo_fp_bad_frm: csrwi 2, 5\n"
				    ".globl do_fp_bad_frm_pc\ndo_fp_bad_frm_pc: .4byte 0x02007053\n ret\n" HELPER(
					    do_ebreak, "ebreak") HELPER(do_unimp, ".4byte 0")
	/* lr.w a0, (a0): LR/SC and AMOs must be naturally aligned. (Plain
	 * loads and stores are not used: QEMU completes misaligned ones.
	 * Neither is an AMO: QEMU 7.2 reports a misaligned AMO as a load
	 * fault where the spec says store/AMO.) */
	HELPER(do_lr, "lr.w a0, (a0)")
	/* Allowed in U-mode: scounteren = 7 (DESIGN §2). */
	HELPER(do_rdtime, "csrr a0, time") HELPER(do_rdcycle, "csrr a0, cycle")
	/* A stack that runs off its bottom by 16 bytes per store. */
	".globl do_push_loop\ndo_push_loop:\n"
	"1: addi sp, sp, -16\n"
	".globl do_push_loop_pc\ndo_push_loop_pc: sd zero, 0(sp)\n"
	" j 1b\n"
	".option pop\n"
	".popsection\n");
#undef HELPER

#define DECL(name)            \
	long name(uintptr_t); \
	extern char name##_pc[];
DECL(do_load)
DECL(do_store)
DECL(do_csrr_sstatus)
DECL(do_csrw_satp)
DECL(do_csrw_sscratch)
DECL(do_csrw_stvec)
DECL(do_csrr_mstatus)
DECL(do_sret)
DECL(do_mret)
DECL(do_sfence_vma)
DECL(do_wfi)
DECL(do_fp_bad_rm)
DECL(do_fp_bad_frm)
DECL(do_ebreak)
DECL(do_unimp)
DECL(do_lr)
DECL(do_rdtime)
DECL(do_rdcycle)
DECL(do_push_loop)
long do_jump(uintptr_t);

#define RET_INSN 0x00008067u /* jalr zero, 0(ra) */

int main(int argc, char **argv);

static const long ro_value = 42; /* .rodata (const volatile would go to .data) */
static const uint32_t ro_insn[2] = { RET_INSN, RET_INSN }; /* .rodata */
static uint32_t data_insn[2] = { RET_INSN, RET_INSN };	   /* .data */
static volatile int never = 0;

enum { SV_EXACT, SV_OR_ZERO, SV_RANGE, SV_ANY };

struct expect {
	const char *cause;
	int sepc_known;
	uintptr_t sepc;
	int stval_kind;
	uintptr_t stval, stval_end;
};

static const char *mode_name;

static void announce(const struct expect *e)
{
	char sepc[32], stval[64];
	if (e->sepc_known)
		snprintf(sepc, sizeof sepc, "0x%lx", (unsigned long)e->sepc);
	else
		snprintf(sepc, sizeof sepc, "*");
	switch (e->stval_kind) {
	case SV_EXACT: snprintf(stval, sizeof stval, "0x%lx", (unsigned long)e->stval); break;
	case SV_OR_ZERO: snprintf(stval, sizeof stval, "0x%lx|0x0", (unsigned long)e->stval); break;
	case SV_RANGE:
		snprintf(stval, sizeof stval, "[0x%lx,0x%lx)", (unsigned long)e->stval,
			 (unsigned long)e->stval_end);
		break;
	default: snprintf(stval, sizeof stval, "*");
	}
	printf("t_restrict: pid=%d mode=%s expect: killed: %s, sepc=%s stval=%s\n", getpid(),
	       mode_name, e->cause, sepc, stval);
	fflush(stdout);
}

/* A page fault on a load, store or jump at addr. */
static void fault_load(uintptr_t addr)
{
	struct expect e = { "load page fault", 1, (uintptr_t)do_load_pc, SV_EXACT, addr, 0 };
	announce(&e);
	do_load(addr);
}

static void fault_store(uintptr_t addr)
{
	struct expect e = { "store page fault", 1, (uintptr_t)do_store_pc, SV_EXACT, addr, 0 };
	announce(&e);
	do_store(addr);
}

static void fault_exec(uintptr_t addr)
{
	struct expect e = { "instruction page fault", 1, addr, SV_EXACT, addr, 0 };
	announce(&e);
	do_jump(addr);
}

/* An instruction that must trap as illegal: stval is 0 or its encoding. */
static void illegal(long (*fn)(uintptr_t), char *pc)
{
	struct expect e = {
		"illegal instruction", 1, (uintptr_t)pc, SV_OR_ZERO, *(uint32_t *)pc, 0
	};
	announce(&e);
	fn(0);
}

static uintptr_t page_up(uintptr_t a) { return (a + PGSIZE - 1) & ~(uintptr_t)(PGSIZE - 1); }

/* A fresh heap page, page-aligned, touched so that it is really mapped. */
static char *heap_page(void)
{
	uintptr_t brk = (uintptr_t)sbrk(0);
	if (sbrk((intptr_t)(page_up(brk) - brk)) == (void *)-1)
		return NULL;
	char *p = sbrk(PGSIZE);
	if (p == (void *)-1)
		return NULL;
	memset(p, 0, PGSIZE);
	return p;
}

static int recurse(int depth)
{
	volatile char frame[96];
	frame[0] = (char)depth;
	if (depth == never - 1) /* never true: keeps the recursion finite to GCC */
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void m_null_read(void) { fault_load(0); }
static void m_null_write(void) { fault_store(0); }
static void m_null_call(void) { fault_exec(0); }
static void m_page0_read(void) { fault_load(8); }
static void m_page0_end_write(void) { fault_store(PGSIZE - 8); }
static void m_kernel_read(void) { fault_load(KERNEL_TEXT_VA); }
static void m_kernel_write(void) { fault_store(KERNEL_TEXT_VA); }
static void m_kernel_exec(void) { fault_exec(KERNEL_TEXT_VA); }
static void m_kernel_dmap_read(void) { fault_load(KERNEL_HALF); }
static void m_kstack_read(void) { fault_load(KSTACK_VA); }
static void m_kstack_write(void) { fault_store(KSTACK_VA); }
static void m_user_top_read(void) { fault_load(USER_TOP); }
static void m_noncanonical_read(void) { fault_load(0x0000800000000000ul); }
static void m_gap_read(void) { fault_load(GAP_VA); }
static void m_gap_write(void) { fault_store(GAP_VA); }
static void m_guard_read(void) { fault_load(USER_STACK_BOTTOM - 8); }
static void m_past_brk_write(void) { fault_store(page_up((uintptr_t)sbrk(0))); }
static void m_heap_freed_write(void)
{
	char *p = heap_page();
	CHECK(p != NULL);
	CHECK(sbrk(-PGSIZE) != (void *)-1);
	fault_store((uintptr_t)p); /* the page went with the shrink */
}
static void m_text_write(void) { fault_store((uintptr_t)main); }
static void m_helper_write(void) { fault_store((uintptr_t)do_store_pc); }
static void m_rodata_write(void) { fault_store((uintptr_t)&ro_value); }
static void m_data_exec(void) { fault_exec((uintptr_t)data_insn); }
static void m_rodata_exec(void) { fault_exec((uintptr_t)ro_insn); }
static void m_stack_exec(void)
{
	volatile uint32_t insn[2] = { RET_INSN, RET_INSN };
	fault_exec((uintptr_t)insn);
}
static void m_heap_exec(void)
{
	char *p = heap_page();
	CHECK(p != NULL);
	uint32_t insn = RET_INSN;
	memcpy(p, &insn, sizeof insn);
	fault_exec((uintptr_t)p);
}
static void m_stack_overflow(void)
{
	/* The first store below the stack lands in the guard page. */
	struct expect e = { "store page fault", 0, 0, SV_RANGE, USER_STACK_BOTTOM - PGSIZE,
			    USER_STACK_BOTTOM };
	announce(&e);
	recurse(0);
}
static void m_stack_push_loop(void)
{
	/* sp is 16-aligned, so the first faulting store is at exactly
	 * USER_STACK_BOTTOM - 16. */
	struct expect e = { "store page fault",	    1, (uintptr_t)do_push_loop_pc, SV_EXACT,
			    USER_STACK_BOTTOM - 16, 0 };
	announce(&e);
	do_push_loop(0);
}
static void m_csrr_sstatus(void) { illegal(do_csrr_sstatus, do_csrr_sstatus_pc); }
static void m_csrw_satp(void) { illegal(do_csrw_satp, do_csrw_satp_pc); }
static void m_csrw_sscratch(void) { illegal(do_csrw_sscratch, do_csrw_sscratch_pc); }
static void m_csrw_stvec(void) { illegal(do_csrw_stvec, do_csrw_stvec_pc); }
static void m_csrr_mstatus(void) { illegal(do_csrr_mstatus, do_csrr_mstatus_pc); }
static void m_sret(void) { illegal(do_sret, do_sret_pc); }
static void m_mret(void) { illegal(do_mret, do_mret_pc); }
static void m_sfence_vma(void) { illegal(do_sfence_vma, do_sfence_vma_pc); }
static void m_wfi(void) { illegal(do_wfi, do_wfi_pc); }
static void m_fp_bad_rm(void) { illegal(do_fp_bad_rm, do_fp_bad_rm_pc); }
static void m_fp_bad_frm(void) { illegal(do_fp_bad_frm, do_fp_bad_frm_pc); }
static void m_unimp(void) { illegal(do_unimp, do_unimp_pc); }
static void m_ebreak(void)
{
	/* stval is 0 or the address of the ebreak. */
	struct expect e = {
		"breakpoint", 1, (uintptr_t)do_ebreak_pc, SV_OR_ZERO, (uintptr_t)do_ebreak_pc, 0
	};
	announce(&e);
	do_ebreak(0);
}
static void m_misaligned_lr(void)
{
	static uint64_t word[2];
	uintptr_t addr = (uintptr_t)word + 2;
	struct expect e = { "load address misaligned", 1, (uintptr_t)do_lr_pc, SV_EXACT, addr, 0 };
	announce(&e);
	do_lr(addr);
}

struct mode {
	const char *name;
	int sig;
	void (*run)(void);
};

/* wfi: the privileged spec lets U-mode wfi either trap as illegal or
 * complete within a bounded time; QEMU (7.2) always traps when S-mode
 * exists, and so this mode expects the trap. */
static const struct mode modes[] = {
	{ "null_read", LDE_SIGSEGV, m_null_read },
	{ "null_write", LDE_SIGSEGV, m_null_write },
	{ "null_call", LDE_SIGSEGV, m_null_call },
	{ "page0_read", LDE_SIGSEGV, m_page0_read },
	{ "page0_end_write", LDE_SIGSEGV, m_page0_end_write },
	{ "kernel_read", LDE_SIGSEGV, m_kernel_read },
	{ "kernel_write", LDE_SIGSEGV, m_kernel_write },
	{ "kernel_exec", LDE_SIGSEGV, m_kernel_exec },
	{ "kernel_dmap_read", LDE_SIGSEGV, m_kernel_dmap_read },
	{ "kstack_read", LDE_SIGSEGV, m_kstack_read },
	{ "kstack_write", LDE_SIGSEGV, m_kstack_write },
	{ "user_top_read", LDE_SIGSEGV, m_user_top_read },
	{ "noncanonical_read", LDE_SIGSEGV, m_noncanonical_read },
	{ "gap_read", LDE_SIGSEGV, m_gap_read },
	{ "gap_write", LDE_SIGSEGV, m_gap_write },
	{ "guard_read", LDE_SIGSEGV, m_guard_read },
	{ "past_brk_write", LDE_SIGSEGV, m_past_brk_write },
	{ "heap_freed_write", LDE_SIGSEGV, m_heap_freed_write },
	{ "text_write", LDE_SIGSEGV, m_text_write },
	{ "helper_write", LDE_SIGSEGV, m_helper_write },
	{ "rodata_write", LDE_SIGSEGV, m_rodata_write },
	{ "data_exec", LDE_SIGSEGV, m_data_exec },
	{ "rodata_exec", LDE_SIGSEGV, m_rodata_exec },
	{ "stack_exec", LDE_SIGSEGV, m_stack_exec },
	{ "heap_exec", LDE_SIGSEGV, m_heap_exec },
	{ "stack_overflow", LDE_SIGSEGV, m_stack_overflow },
	{ "stack_push_loop", LDE_SIGSEGV, m_stack_push_loop },
	{ "csrr_sstatus", LDE_SIGILL, m_csrr_sstatus },
	{ "csrw_satp", LDE_SIGILL, m_csrw_satp },
	{ "csrw_sscratch", LDE_SIGILL, m_csrw_sscratch },
	{ "csrw_stvec", LDE_SIGILL, m_csrw_stvec },
	{ "csrr_mstatus", LDE_SIGILL, m_csrr_mstatus },
	{ "sret", LDE_SIGILL, m_sret },
	{ "mret", LDE_SIGILL, m_mret },
	{ "sfence_vma", LDE_SIGILL, m_sfence_vma },
	{ "wfi", LDE_SIGILL, m_wfi },
	{ "fp_bad_rm", LDE_SIGILL, m_fp_bad_rm },
	{ "fp_bad_frm", LDE_SIGILL, m_fp_bad_frm },
	{ "unimp", LDE_SIGILL, m_unimp },
	{ "ebreak", LDE_SIGTRAP, m_ebreak },
	{ "misaligned_lr", LDE_SIGBUS, m_misaligned_lr },
};
#define NMODES (int)(sizeof modes / sizeof modes[0])

static void run_mode(const struct mode *m)
{
	mode_name = m->name;
	m->run();
	printf("FAIL: t_restrict: mode %s survived\n", m->name);
	exit(99);
}

static uint64_t free_pages(void)
{
	struct lde_meminfo mi;
	CHECK_EQ(meminfo(&mi), 0);
	return mi.free_pages;
}

/* What a U-mode program may do with the counters must keep working. */
static void allowed_counters(void)
{
	long t0 = do_rdtime(0), c0 = do_rdcycle(0);
	for (volatile int i = 0; i < 1000; i++)
		;
	CHECK(do_rdtime(0) >= t0);
	CHECK(do_rdcycle(0) > c0);
}

static int run_all(void)
{
	allowed_counters();
	/* Warm up: the first fork and wait touch stack pages of ours that are
	 * then mapped for good; measure after them. */
	pid_t w = fork();
	if (w == 0)
		_exit(0);
	int st;
	CHECK_EQ(wait(&st), w);
	uint64_t base = free_pages();
	struct lde_procinfo pi[64];
	int procs_before = procinfo(-1, pi, 64); /* 1 as init; more from the shell */
	printf("t_restrict: %d modes, free pages before: %lu\n", NMODES, (unsigned long)base);

	for (int i = 0; i < NMODES; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid < 0)
			break;
		if (pid == 0)
			run_mode(&modes[i]);
		int status = -1;
		pid_t got = wait(&status);
		CHECK_EQ(got, pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != modes[i].sig)
			printf("FAIL: t_restrict: mode %s: status 0x%x, want signal %d\n",
			       modes[i].name, status, modes[i].sig),
				check_failures++;
		else
			printf("t_restrict: mode %s: child %d killed by signal %d\n", modes[i].name,
			       pid, WTERMSIG(status));
	}

	/* Several at once: all die, all are reaped, nothing stays behind. */
	pid_t pids[8];
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			run_mode(&modes[i % 3]);
	}
	for (int i = 0; i < 8; i++) {
		int status;
		pid_t got = wait(&status);
		CHECK(got > 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == LDE_SIGSEGV);
	}
	CHECK_EQ(wait(&st), -1);
	CHECK_EQ(errno, ECHILD);

	uint64_t after = free_pages();
	printf("t_restrict: free pages after: %lu (before %lu)\n", (unsigned long)after,
	       (unsigned long)base);
	CHECK_EQ(after, base);
	CHECK_EQ(procinfo(-1, pi, 64), procs_before); /* every child is gone */
	allowed_counters();
	printf("t_restrict: parent pid %d still running\n", getpid());
	return check_exit("t_restrict");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: t_restrict MODE|all|list\n");
		return 2;
	}
	if (!strcmp(argv[1], "all"))
		return run_all();
	if (!strcmp(argv[1], "list")) {
		for (int i = 0; i < NMODES; i++)
			printf("%s %d\n", modes[i].name, modes[i].sig);
		return 0;
	}
	for (int i = 0; i < NMODES; i++)
		if (!strcmp(argv[1], modes[i].name))
			run_mode(&modes[i]);
	printf("FAIL: t_restrict: unknown mode '%s'\n", argv[1]);
	return 2;
}
