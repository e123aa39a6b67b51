/* The system-call ABI and the kernel's checking of every argument.
 *
 *   t_syscall             run every check (meant to run as init: pid 1)
 *   t_syscall exit N      leave through a raw SYS_exit ecall with status N
 *   t_syscall argbytes    only the LDE_ARGS_BYTES limit of exec
 *   t_syscall trace       calls traced, whose trace lines the suite checks
 *                         (each argument as the handler decodes it, in its
 *                         format from kernel/syscalls.def)
 *
 * Facts asserted here, beyond the obvious:
 * - ecall: number in a7, arguments in a0-a5, result in a0; every other
 *   register (ra, sp, gp, tp, t0-t6, s0-s11, a1-a7) comes back unchanged,
 *   for a known call and for an unknown one alike.
 * - A bad pointer is -EFAULT, a length above INT64_MAX is -EINVAL, a bad fd
 *   is -EBADF, and a zero-length read or write never looks at the pointer.
 * - Partial buffers (what kernel/file.c and pipe.c do): console write()
 *   copies through a small kernel buffer (256 bytes) and returns the bytes
 *   already written when a later chunk faults (the suite checks that
 *   exactly that many were printed), or -EFAULT if the first chunk faults
 *   (then nothing is printed); a pipe read or write whose first chunk
 *   faults returns -EFAULT and moves no data.
 * - Text is readable (write() from it works), rodata and text are not
 *   writable by the kernel on the program's behalf either (read() into
 *   them is -EFAULT).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"
#include "kaddr.h"

#define KERNEL_TEXT LDE_UL(0xffffffc080200000) /* the kernel image (KADDR_TEXT) */
#define KSTACKS LDE_UL(0xffffffd000000000)     /* KADDR_KSTACKS */
#define GAP LDE_UL(0x2000000000)	       /* between heap and stack */
#define NOFILE_ 16			       /* kernel/proc.h NOFILE */
#define SSIZE_MAX_PLUS1 (LDE_UL(1) << 63)

_Static_assert(KERNEL_TEXT == KADDR_TEXT && KSTACKS == KADDR_KSTACKS, "kaddr.h moved");

int main(int argc, char **argv);
static const char ro_data[64] = "read-only data";

/* abi_probe(out, nr, a0): loads a known value into every general register
 * but sp, a0 and a7, does ecall with a7 = nr, then stores x0..x31 as they
 * came back into out[0..31]. Callee-saved registers, gp and tp are
 * restored before it returns. The value for register n is the probe's
 * pattern + n: two probes with different patterns, so that a register the
 * kernel forgot to restore after switching between two processes shows the
 * other process's value. */
#define ABI_PATTERN 0x5eed000000000000UL
#define ABI_PATTERN2 0x7a11000000000000UL
#define SET(p, r, n) "  li " #r ", " p #n "\n"
#define ST(r, n) "  sd " #r ", " #n "(sp)\n"
#define ABI_PROBE(name, p)                                                                                                                                              \
	__asm__(".pushsection .text." #name ", \"ax\", @progbits\n"                                                                                                     \
		".globl " #name "\n" #name ":\n"                                                                                                                        \
		"  addi sp, sp, -400\n"                                                                                                                                 \
		"  sd ra, 0(sp)\n  sd s0, 8(sp)\n  sd s1, 16(sp)\n  sd s2, 24(sp)\n"                                                                                    \
		"  sd s3, 32(sp)\n  sd s4, 40(sp)\n  sd s5, 48(sp)\n  sd s6, 56(sp)\n"                                                                                  \
		"  sd s7, 64(sp)\n  sd s8, 72(sp)\n  sd s9, 80(sp)\n  sd s10, 88(sp)\n"                                                                                 \
		"  sd s11, 96(sp)\n  sd gp, 104(sp)\n  sd tp, 112(sp)\n  sd a0, 120(sp)\n"                                                                              \
		"  mv a7, a1\n  mv a0, a2\n" SET(p, ra, 01) SET(p, gp, 03) SET(p, tp, 04) SET(                                                                          \
			p, t0, 05) SET(p, t1, 06) SET(p, t2, 07) SET(p, s0, 08) SET(p, s1, 09)                                                                          \
			SET(p, a1, 0b) SET(p, a2, 0c) SET(p, a3, 0d) SET(p, a4, 0e) SET(                                                                                \
				p, a5, 0f) SET(p, a6, 10) SET(p, s2, 12) SET(p, s3, 13)                                                                                 \
				SET(p, s4, 14) SET(p, s5, 15) SET(p, s6, 16) SET(p, s7, 17) SET(                                                                        \
					p, s8, 18) SET(p, s9, 19) SET(p, s10, 1a) SET(p, s11, 1b)                                                                       \
					SET(p, t3, 1c) SET(p, t4, 1d) SET(p, t5, 1e) SET(                                                                               \
						p, t6, 1f) "  ecall\n" ST(x0, 128) ST(x1, 136)                                                                          \
						ST(x2, 144) ST(x3, 152) ST(x4, 160) ST(                                                                                 \
							x5, 168) ST(x6, 176) ST(x7, 184) ST(x8,                                                                         \
											    192)                                                                        \
							ST(x9, 200) ST(x10, 208) ST(x11, 216) ST(x12, 224) ST(                                                          \
								x13, 232) ST(x14, 240) ST(x15, 248) ST(x16,                                                             \
												       256)                                                             \
								ST(x17, 264) ST(x18, 272) ST(x19, 280) ST(                                                              \
									x20, 288) ST(x21, 296) ST(x22,                                                                  \
												  304)                                                                  \
									ST(x23, 312) ST(x24, 320) ST(                                                                   \
										x25,                                                                                    \
										328) ST(x26, 336)                                                                       \
										ST(x27, 344) ST(x28, 352) ST(                                                           \
											x29,                                                                            \
											360) ST(x30, 368)                                                               \
											ST(x31,                                                                         \
											   376) "  ld t0, 120(sp)\n  addi t1, sp, 128\n  li t2, 32\n"                   \
												"1: ld t3, 0(t1)\n  sd t3, 0(t0)\n  addi t0, t0, 8\n  addi t1, t1, 8\n" \
												"  addi t2, t2, -1\n  bnez t2, 1b\n"                                    \
												"  ld ra, 0(sp)\n  ld s0, 8(sp)\n  ld s1, 16(sp)\n  ld s2, 24(sp)\n"    \
												"  ld s3, 32(sp)\n  ld s4, 40(sp)\n  ld s5, 48(sp)\n  ld s6, 56(sp)\n"  \
												"  ld s7, 64(sp)\n  ld s8, 72(sp)\n  ld s9, 80(sp)\n  ld s10, 88(sp)\n" \
												"  ld s11, 96(sp)\n  ld gp, 104(sp)\n  ld tp, 112(sp)\n"                \
												"  addi sp, sp, 400\n  ret\n"                                           \
												".popsection\n");                                                       \
	void name(uint64_t out[32], long nr, long a0);
ABI_PROBE(abi_probe, "0x5eed0000000000")
ABI_PROBE(abi_probe2, "0x7a110000000000")
#undef SET
#undef ST

/* sp_probe(nr, sp_value, spins): with sp = sp_value, spin `spins` times
 * (long enough for timer interrupts to arrive), then ecall nr; sp is put
 * back after. The kernel must not touch the user's stack: traps arrive
 * through sscratch. Returns a0. */
__asm__(".pushsection .text.sp_probe, \"ax\", @progbits\n"
	".globl sp_probe\n"
	"sp_probe:\n"
	"  mv t0, sp\n"
	"  mv a7, a0\n"
	"  mv sp, a1\n"
	"1: addi a2, a2, -1\n"
	"  bnez a2, 1b\n"
	"  ecall\n"
	"  mv sp, t0\n"
	"  ret\n"
	".popsection\n");
long sp_probe(long nr, uintptr_t sp_value, long spins);

static long my_pid; /* 1 when run as init; any pid from the shell */

static void check_bad_sp(void)
{
	const uintptr_t sps[] = { 0, 8, KERNEL_TEXT, KSTACKS + PGSIZE * 2, USER_TOP, ~0UL };
	long t0 = uptime();
	for (unsigned i = 0; i < sizeof sps / sizeof sps[0]; i++)
		CHECK_EQ(sp_probe(SYS_getpid, sps[i], 3000000), my_pid);
	/* The spins took several timer ticks (10 ms by default): interrupts
	 * were taken with the bad sp too. */
	printf("t_syscall: %d ecalls with a bad sp, %ld ms of spinning with it\n",
	       (int)(sizeof sps / sizeof sps[0]), uptime() - t0);
}

/* Returns the number of registers that came back wrong. */
static int check_abi_with(void (*probe)(uint64_t *, long, long), uint64_t pattern, long nr, long a0,
			  long want_a0)
{
	uint64_t r[32];
	uint64_t sp;
	int bad = 0;
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	probe(r, nr, a0);
	bad += r[0] != 0;
	bad += r[10] != (uint64_t)want_a0; /* a0: the result */
	bad += r[17] != (uint64_t)nr;	   /* a7: the number, unchanged */
	bad += r[2] != sp - 400;	   /* sp inside the probe */
	for (int n = 1; n < 32; n++) {
		if (n == 2 || n == 10 || n == 17)
			continue;
		if (r[n] != pattern + (uint64_t)n) {
			printf("FAIL: ecall %ld (pid %d) changed x%d: 0x%lx\n", nr, getpid(), n,
			       (unsigned long)r[n]);
			bad++;
		}
	}
	if (r[10] != (uint64_t)want_a0)
		printf("FAIL: ecall %ld returned %ld, want %ld\n", nr, (long)r[10], want_a0);
	return bad;
}

static void check_abi(long nr, long a0, long want_a0)
{
	check_failures += check_abi_with(abi_probe, ABI_PATTERN, nr, a0, want_a0) != 0;
}

/* Two processes take turns through yield with different register values. */
static void check_abi_switch(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		for (int i = 0; i < 50; i++)
			bad += check_abi_with(abi_probe2, ABI_PATTERN2, SYS_yield, 0, 0);
		_exit(bad ? 1 : 0);
	}
	CHECK(pid > 0);
	for (int i = 0; i < 50; i++)
		check_failures += check_abi_with(abi_probe, ABI_PATTERN, SYS_yield, 0, 0) != 0;
	int st;
	CHECK_EQ(wait(&st), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static uintptr_t page_up(uintptr_t a) { return (a + PGSIZE - 1) & ~(uintptr_t)(PGSIZE - 1); }

/* One fresh, mapped, page-aligned heap page with nothing mapped after it
 * (the break is its end, and addresses past the break are not paged in). */
static char *last_heap_page(void)
{
	uintptr_t brk = (uintptr_t)sbrk(0);
	CHECK(sbrk((intptr_t)(page_up(brk) - brk)) != (void *)-1);
	char *p = sbrk(PGSIZE);
	CHECK(p != (void *)-1);
	memset(p, 'h', PGSIZE);
	CHECK_EQ((uintptr_t)sbrk(0), (uintptr_t)p + PGSIZE);
	return p;
}

static long sys(long nr, long a0, long a1, long a2) { return lde_syscall(nr, a0, a1, a2, 0, 0, 0); }

/* Addresses no system call may read or write. */
static const uintptr_t bad_ptrs[] = {
	0,		  /* NULL */
	8,		  /* page 0 + 8 */
	PGSIZE - 1,	  /* last byte of page 0 */
	KERNEL_TEXT,	  /* kernel image */
	KADDR_DIRECT_MAP, /* kernel direct map */
	KSTACKS,	  /* kernel stacks (guard page) */
	KSTACKS + PGSIZE, /* kernel stack of slot 0 */
	USER_TOP,	  /* just past user space */
	USER_TOP + PGSIZE,
	GAP,		       /* unmapped, between heap and stack */
	USER_STACK_BOTTOM - 8, /* the stack's guard page */
	0x8000000000000000UL,  /* non-canonical */
	~0UL,
};
#define NBAD (int)(sizeof bad_ptrs / sizeof bad_ptrs[0])

static void test_write_console(void)
{
	static const char m1[] = "t_syscall: hello on fd 1\n";
	static const char m2[] = "t_syscall: hello on fd 2\n";
	CHECK_EQ(write(1, m1, sizeof m1 - 1), sizeof m1 - 1);
	CHECK_EQ(write(2, m2, sizeof m2 - 1), sizeof m2 - 1);
	/* The raw call, not the library stub: a0 = fd, a1 = buf, a2 = n. */
	static const char m3[] = "t_syscall: raw ecall write\n";
	CHECK_EQ(sys(SYS_write, 1, (long)m3, sizeof m3 - 1), sizeof m3 - 1);
	CHECK_EQ(write(1, "", 0), 0);
	/* Zero length: the pointer is not looked at. */
	CHECK_EQ(sys(SYS_write, 1, 0, 0), 0);
	CHECK_EQ(sys(SYS_write, 1, (long)KERNEL_TEXT, 0), 0);
	CHECK_EQ(sys(SYS_read, 1, 0, 0), 0);
}

static void test_enosys(void)
{
	const long nrs[] = { 0,
			     NSYSCALLS,
			     NSYSCALLS + 1,
			     999,
			     -1,
			     1L << 40,
			     (long)(1UL << 63),
			     (long)(1UL << 32) + SYS_getpid,
			     (long)(1UL << 32) + SYS_exit };
	for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
		long r = lde_syscall(nrs[i], 1, 2, 3, 4, 5, 6);
		if (r != -ENOSYS) {
			printf("FAIL: syscall %ld returned %ld, want -ENOSYS\n", nrs[i], r);
			check_failures++;
		}
	}
}

static void test_bad_pointers(char *last_page)
{
	struct lde_meminfo mi;
	struct lde_procinfo pi;
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], "0123456789abcdef", 16), 16);
	for (int i = 0; i < NBAD; i++) {
		long p = (long)bad_ptrs[i];
		long r;
#define EXPECT_FAULT(call)                                                                   \
	if ((r = (call)) != -EFAULT) {                                                       \
		printf("FAIL: %s with ptr 0x%lx returned %ld, want -EFAULT\n", #call, p, r); \
		check_failures++;                                                            \
	}
		EXPECT_FAULT(sys(SYS_write, 1, p, 1));
		EXPECT_FAULT(sys(SYS_write, 2, p, 100));
		EXPECT_FAULT(sys(SYS_write, 1, p, 1L << 62)); /* huge but legal length */
		EXPECT_FAULT(sys(SYS_write, fds[1], p, 8));
		EXPECT_FAULT(sys(SYS_read, fds[0], p, 8));
		EXPECT_FAULT(sys(SYS_meminfo, p, 0, 0));
		EXPECT_FAULT(sys(SYS_procinfo, 0, p, 1));
		EXPECT_FAULT(sys(SYS_procinfo, -1, p, 64));
		EXPECT_FAULT(sys(SYS_procinfo, getpid(), p, 1));
		EXPECT_FAULT(sys(SYS_readdir, 0, p, 64));
		EXPECT_FAULT(sys(SYS_exec, p, 0, 0));
		if (p) {
			/* argv == NULL and an argv[i] == NULL are valid: they
			 * end argv (and the exec would succeed). */
			char *args[] = { "hello", (char *)p, NULL };
			EXPECT_FAULT(sys(SYS_exec, (long)"/hello", p, 0));
			EXPECT_FAULT(sys(SYS_exec, (long)"/hello", (long)args, 0));
			EXPECT_FAULT(sys(SYS_pipe, p, 0, 0));
		}
	}
	/* Read-only memory: the program's own text and rodata. */
	const uintptr_t ro[] = { (uintptr_t)main, (uintptr_t)ro_data };
	for (int i = 0; i < 2; i++) {
		long p = (long)ro[i];
		long r;
		EXPECT_FAULT(sys(SYS_read, fds[0], p, 8));
		EXPECT_FAULT(sys(SYS_meminfo, p, 0, 0));
		EXPECT_FAULT(sys(SYS_procinfo, 0, p, 1));
		EXPECT_FAULT(sys(SYS_pipe, p, 0, 0));
		EXPECT_FAULT(sys(SYS_readdir, 0, p, 64));
	}
	/* Crossing from the last mapped heap page into nothing. */
	{
		long p = (long)(last_page + PGSIZE - 8);
		long r;
		EXPECT_FAULT(sys(SYS_meminfo, p, 0, 0)); /* 24 bytes, 8 fit */
		EXPECT_FAULT(sys(SYS_procinfo, 0, p, 1));
		EXPECT_FAULT(sys(SYS_pipe, p + 4, 0, 0)); /* fds[1] would not fit */
		EXPECT_FAULT(sys(SYS_read, fds[0], p, 16));
		/* Last bytes of user space, then USER_TOP: nothing printed. */
		EXPECT_FAULT(sys(SYS_write, 1, (long)(USER_TOP - 8), 16));
		/* An exact fit is fine. */
		CHECK_EQ(meminfo((struct lde_meminfo *)(last_page + PGSIZE - sizeof mi)), 0);
		CHECK_EQ(procinfo(0, (struct lde_procinfo *)(last_page + PGSIZE - sizeof pi), 1),
			 1);
	}
#undef EXPECT_FAULT
	/* None of the failed reads took anything out of the pipe. */
	char buf[32];
	CHECK_EQ(read(fds[0], buf, sizeof buf), 16);
	CHECK(!memcmp(buf, "0123456789abcdef", 16));
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(close(fds[1]), 0);
	/* Misaligned pointers are fine: the kernel copies bytes. */
	{
		static uint64_t
			raw[(sizeof(struct lde_procinfo) + sizeof(struct lde_meminfo)) / 8 + 4];
		char *odd = (char *)raw + 1;
		CHECK_EQ(meminfo((struct lde_meminfo *)odd), 0);
		CHECK_EQ(procinfo(0, (struct lde_procinfo *)(odd + 2), 1), 1);
		CHECK_EQ(pipe((int *)(odd + 4)), 0);
		int got[2];
		memcpy(got, odd + 4, sizeof got);
		CHECK_EQ(close(got[0]), 0);
		CHECK_EQ(close(got[1]), 0);
	}
	/* The calls still work with good pointers. */
	CHECK_EQ(meminfo(&mi), 0);
	CHECK(mi.free_pages > 0 && mi.free_pages <= mi.total_pages);
	CHECK_EQ(mi.page_size, PGSIZE);
	CHECK_EQ(procinfo(0, &pi, 1), 1);
	CHECK_EQ(pi.pid, getpid());
	CHECK(!strcmp(pi.name, "t_syscall"));
}

static void test_lengths_and_fds(void)
{
	char buf[16] = "x";
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	/* Lengths above SSIZE_MAX (INT64_MAX) are -EINVAL, checked before
	 * the pointer. */
	CHECK_EQ(sys(SYS_write, 1, (long)buf, (long)SSIZE_MAX_PLUS1), -EINVAL);
	CHECK_EQ(sys(SYS_write, 1, (long)buf, -1), -EINVAL);
	CHECK_EQ(sys(SYS_write, 1, 0, -1), -EINVAL);
	CHECK_EQ(sys(SYS_write, fds[1], (long)buf, -1), -EINVAL);
	CHECK_EQ(sys(SYS_read, fds[0], (long)buf, (long)SSIZE_MAX_PLUS1), -EINVAL);
	CHECK_EQ(sys(SYS_read, fds[0], (long)buf, -1), -EINVAL);
	CHECK_EQ(sys(SYS_read, 0, (long)buf, -1), -EINVAL);
	/* Bad descriptors, checked before anything else. */
	const long bad_fds[] = { -1, NOFILE_, 1000, 5, 15, 1L << 32, (long)(1UL << 63) };
	for (unsigned i = 0; i < sizeof bad_fds / sizeof bad_fds[0]; i++) {
		long fd = bad_fds[i];
		CHECK_EQ(sys(SYS_write, fd, (long)buf, 1), -EBADF);
		CHECK_EQ(sys(SYS_write, fd, 0, 1), -EBADF);
		CHECK_EQ(sys(SYS_read, fd, (long)buf, 1), -EBADF);
		CHECK_EQ(sys(SYS_close, fd, 0, 0), -EBADF);
		CHECK_EQ(sys(SYS_dup, fd, 0, 0), -EBADF);
	}
	/* Wrong direction on a pipe end. */
	CHECK_EQ(sys(SYS_write, fds[0], (long)buf, 1), -EBADF);
	CHECK_EQ(sys(SYS_read, fds[1], (long)buf, 1), -EBADF);
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(close(fds[1]), 0);
	CHECK_EQ(sys(SYS_close, fds[0], 0, 0), -EBADF); /* closed already */
}

static void test_partial_buffers(char *last_page)
{
	char *end = last_page + PGSIZE;
	int fds[2];
	char buf[256];

	/* Console, first chunk faults: -EFAULT and nothing printed. */
	memcpy(end - 16, "STRADDLE-LEAK-16", 16);
	CHECK_EQ(sys(SYS_write, 1, (long)(end - 16), 32), -EFAULT);
	/* Console, a later chunk faults: the bytes written so far. The test
	 * script counts the P's printed before the report line. */
	memset(end - 300, 'P', 300);
	long r = sys(SYS_write, 1, (long)(end - 300), 400);
	printf("\nt_syscall: partial console write returned %ld\n", r);
	CHECK(r > 0 && r <= 300);

	/* Pipe write whose first chunk faults: -EFAULT, nothing queued. */
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(sys(SYS_write, fds[1], (long)(end - 100), 200), -EFAULT);
	CHECK_EQ(close(fds[1]), 0);
	CHECK_EQ(read(fds[0], buf, sizeof buf), 0); /* end of file: empty */
	CHECK_EQ(close(fds[0]), 0);

	/* Pipe read into a buffer that runs off the heap: -EFAULT, and the
	 * data stays in the pipe for the next read. */
	CHECK_EQ(pipe(fds), 0);
	memset(buf, 'd', 200);
	CHECK_EQ(write(fds[1], buf, 200), 200);
	CHECK_EQ(sys(SYS_read, fds[0], (long)(end - 100), 200), -EFAULT);
	memset(buf, 0, sizeof buf);
	CHECK_EQ(read(fds[0], buf, sizeof buf), 200);
	CHECK(buf[0] == 'd' && buf[199] == 'd');
	/* An exact fit at the end of the page is fine. */
	CHECK_EQ(write(fds[1], "tail", 4), 4);
	CHECK_EQ(read(fds[0], end - 4, 4), 4);
	CHECK(!memcmp(end - 4, "tail", 4));
	/* Text is readable (R-X): writing from it works. */
	CHECK_EQ(write(fds[1], (const void *)main, 16), 16);
	CHECK_EQ(read(fds[0], buf, 16), 16);
	CHECK(!memcmp(buf, (const void *)main, 16));
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(close(fds[1]), 0);
}

static void test_pipe_fault_no_leak(void)
{
	struct lde_meminfo before, after;
	CHECK_EQ(meminfo(&before), 0);
	for (int i = 0; i < 20; i++) {
		CHECK_EQ(sys(SYS_pipe, 0, 0, 0), -EFAULT);
		CHECK_EQ(sys(SYS_pipe, (long)KERNEL_TEXT, 0, 0), -EFAULT);
	}
	CHECK_EQ(meminfo(&after), 0);
	CHECK_EQ(after.free_pages, before.free_pages); /* pipe buffers freed */
	/* No descriptor was left behind: the lowest free one is still 3. */
	int fd = dup(1);
	CHECK_EQ(fd, 3);
	CHECK_EQ(close(fd), 0);
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(fds[0], 3);
	CHECK_EQ(fds[1], 4);
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(close(fds[1]), 0);
}

static void test_wait(char *last_page)
{
	int st = -1;
	CHECK_EQ(wait(&st), -1);
	CHECK_EQ(errno, ECHILD);
	pid_t me = getpid();
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) /* (check_failures is inherited: report through the status) */
		_exit(getpid() != me && getppid() == me ? 7 : 1);
	const uintptr_t bad[] = { 8,
				  KERNEL_TEXT,
				  USER_TOP,
				  GAP,
				  (uintptr_t)main,
				  (uintptr_t)ro_data,
				  (uintptr_t)(last_page + PGSIZE - 2) };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_EQ(sys(SYS_wait, (long)bad[i], 0, 0), -EFAULT);
	/* The child was not lost: it is still there to be reaped. */
	CHECK_EQ(wait(&st), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 7);
	/* wait(NULL) is allowed. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(wait(NULL), pid);
	CHECK_EQ(wait(&st), -1);
	CHECK_EQ(errno, ECHILD);
}

static void test_exec_limits(char *last_page)
{
	char path[300];
	char *end = last_page + PGSIZE;
	char *hello[] = { "hello", NULL };

	CHECK_EQ(exec("/no/such/program", hello), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(exec("", hello), -1);
	CHECK_EQ(errno, ENOENT);
	/* LDE_PATH_MAX counts the NUL: 127 characters is a (missing) path,
	 * 128 is too long. */
	memset(path, 'a', sizeof path);
	path[0] = '/';
	path[LDE_PATH_MAX - 1] = 0;
	CHECK_EQ(exec(path, hello), -1);
	CHECK_EQ(errno, ENOENT);
	path[LDE_PATH_MAX - 1] = 'a';
	path[LDE_PATH_MAX] = 0;
	CHECK_EQ(exec(path, hello), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	path[sizeof path - 1] = 0;
	CHECK_EQ(exec(path, hello), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	/* A path that runs off the heap before its NUL. */
	memcpy(end - 10, "/aaaaaaaaa", 10);
	CHECK_EQ(sys(SYS_exec, (long)(end - 10), (long)hello, 0), -EFAULT);

	/* argv: LDE_ARG_MAX entries at most, LDE_ARGS_BYTES-ish of strings. */
	static char *many[LDE_ARG_MAX + 2];
	static char names[LDE_ARG_MAX + 1][8];
	for (int i = 0; i <= LDE_ARG_MAX; i++) {
		snprintf(names[i], sizeof names[i], "a%d", i);
		many[i] = names[i];
	}
	many[LDE_ARG_MAX + 1] = NULL;
	CHECK_EQ(exec("/hello", many), -1); /* LDE_ARG_MAX + 1 entries */
	CHECK_EQ(errno, E2BIG);
	char *big = last_page; /* one 4000-byte argument */
	memset(big, 'b', 4000);
	big[4000] = 0;
	char *bigv[] = { "hello", big, NULL };
	CHECK_EQ(exec("/hello", bigv), -1);
	CHECK_EQ(errno, E2BIG);
	/* An argv array that runs off the heap before its NULL. */
	char **tail = (char **)(end - 2 * sizeof(char *));
	tail[0] = "hello";
	tail[1] = "x";
	CHECK_EQ(sys(SYS_exec, (long)"/hello", (long)tail, 0), -EFAULT);

	/* Exactly LDE_ARG_MAX entries is fine (in a child: it replaces it). */
	many[LDE_ARG_MAX] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		exec("/hello", many);
		printf("FAIL: exec /hello with %d args: errno %d\n", LDE_ARG_MAX, errno);
		_exit(1);
	}
	int st;
	CHECK_EQ(wait(&st), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* uapi.h: LDE_ARGS_BYTES for all argv strings together (counted here with
 * their NULs). At the limit exec works; past it, E2BIG. Both in children:
 * a wrongly accepted exec would replace the caller. */
static int exec_with_bytes(size_t total)
{
	static char strs[3][LDE_ARGS_BYTES];
	char *argv[] = { strs[0], strs[1], strs[2], NULL };
	size_t each = total / 3;
	size_t lens[3] = { each, each, total - 2 * each }; /* NULs included */
	for (int i = 0; i < 3; i++) {
		memset(strs[i], 'a' + i, lens[i] - 1);
		strs[i][lens[i] - 1] = 0;
	}
	pid_t pid = fork();
	if (pid == 0) {
		exec("/hello", argv);
		_exit(errno == E2BIG ? 42 : 1);
	}
	int st = -1;
	CHECK_EQ(wait(&st), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_args_bytes(void)
{
	CHECK_EQ(exec_with_bytes(LDE_ARGS_BYTES), 0);	    /* ran /hello */
	CHECK_EQ(exec_with_bytes(LDE_ARGS_BYTES + 64), 42); /* E2BIG */
}

static void test_misc(void)
{
	CHECK_EQ(sys(SYS_kill, 99999, 9, 0), -ESRCH);
	CHECK_EQ(sys(SYS_kill, getpid(), -1, 0), -EINVAL);
	CHECK_EQ(sys(SYS_kill, getpid(), 32, 0), -EINVAL);
	CHECK_EQ(sys(SYS_usleep, -1, 0, 0), -EINVAL);
	CHECK_EQ(sys(SYS_procinfo, 0, 0, 0), -EINVAL); /* n <= 0 before the pointer */
	CHECK_EQ(sys(SYS_procinfo, 99999, 0, 1), -ESRCH);
	char name[64];
	CHECK_EQ(sys(SYS_readdir, -1, (long)name, sizeof name), -EINVAL);
	CHECK_EQ(sys(SYS_readdir, 0, (long)name, 0), -ERANGE);
	CHECK(uptime() >= 0);
}

/* Traced calls with arguments the trace must show as decoded, not as the
 * raw registers: tests/suites/firstprog.py matches the lines. */
static void test_trace_format(void)
{
	char buf[8];
	CHECK_EQ(trace(1), 0);
	CHECK_EQ(lde_sys_write(1, NULL, 0), 0); /* an address: 0x0 */
	/* A long descriptor keeps its high bits; a size is unsigned, in hex. */
	CHECK_EQ(sys(SYS_write, (1L << 32) | 1, (long)buf, -1), -EBADF);
	CHECK_EQ(sys(SYS_close, -100000, 0, 0), -EBADF); /* signed, in decimal */
	/* An int is its low 32 bits: kill(my_pid, 0). */
	CHECK_EQ(sys(SYS_kill, (1L << 32) | my_pid, 0, 0), 0);
	CHECK_EQ(lde_syscall(999, 1, 2, 3, 4, 5, 6), -ENOSYS); /* unknown: six raw values */
	CHECK_EQ(trace(0), 0);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "exit")) {
		long status = strtol(argv[2], NULL, 0);
		printf("t_syscall: SYS_exit(%ld)\n", status);
		lde_syscall(SYS_exit, status, 0, 0, 0, 0, 0);
		printf("FAIL: t_syscall: SYS_exit returned\n");
		return 1;
	}
	/* From a shell with a disk, descriptor 15 is the disk's client
	 * endpoint (user/init.c, BLK_FD); the bad-descriptor checks count on
	 * it being free. */
	close(15);
	if (argc == 2 && !strcmp(argv[1], "trace")) {
		my_pid = getpid();
		test_trace_format();
		return check_exit("t_syscall trace");
	}
	if (argc == 2 && !strcmp(argv[1], "argbytes")) {
		test_args_bytes();
		return check_exit("t_syscall argbytes");
	}
	printf("t_syscall: pid %d ppid %d\n", getpid(), getppid());
	my_pid = getpid();
	if (getppid() == 0) /* run as init */
		CHECK_EQ(my_pid, 1);
	struct lde_procinfo self;
	CHECK_EQ(procinfo(0, &self, 1), 1);
	CHECK_EQ(self.pid, my_pid);
	CHECK_EQ(sys(SYS_getpid, 0, 0, 0), my_pid);

	check_abi(SYS_getpid, 0, my_pid);
	check_abi(999, 0, -ENOSYS);
	check_abi(-1, 0, -ENOSYS);
	check_abi(SYS_write, 1000, -EBADF);
	check_abi_switch();
	check_bad_sp();
	test_write_console();
	test_enosys();
	char *last_page = last_heap_page();
	test_bad_pointers(last_page);
	test_lengths_and_fds();
	test_partial_buffers(last_page);
	test_pipe_fault_no_leak();
	test_wait(last_page);
	test_exec_limits(last_page);
	test_misc();
	/* Still alive, still the same process, output still works. */
	CHECK_EQ(getpid(), my_pid);
	printf("t_syscall: survived every bad call\n");
	return check_exit("t_syscall");
}
