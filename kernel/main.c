/* Boot: from the device tree to the first process. */
#include "arch.h"
#include "console.h"
#include "errno.h"
#include "dev.h"
#include "fdt.h"
#include "hooks.h"
#include "initrd.h"
#include "ipc.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timeline.h"
#include "version.h"

#define DEFAULT_INIT "/init"
#define DEFAULT_QUANTUM_MS 10
#define MAX_QUANTUM_MS 1000
#define DTB_MAX_SIZE (1 << 20) /* sanity bound before the header is trusted */
#define CMDLINE_MAX 512

extern char _kernel_start[], _kernel_end[];
void sysproc_init(void);

static struct fdt fdt;
/* What the kernel itself takes from the device tree (arch/ reads the
 * board's devices and the timer frequency). */
static struct fdt_range ram;
static uint64_t ram_given; /* the tree's RAM size if the boot map cut it, else 0 */
static struct fdt_range reserved[FDT_MAX_RESERVED];
static int nreserved;
static uint64_t initrd_start, initrd_end;
static const char *bootargs;
static char cmdline[CMDLINE_MAX];
static char *init_argv[LDE_ARG_MAX + 1];
static int init_argc;
static uint64_t quantum_ms = DEFAULT_QUANTUM_MS;
/* user=NAME: whom init's shell runs as. The kernel does not interpret it:
 * it is init's policy, handed to init as its last argument. */
static char *user_param;
static bool panic_test; /* panic=test: exercise the panic path (tests) */
/* panic=write-text / panic=write-rodata: store into the kernel's own text
 * or read-only data, which must fault (the tests check the permissions). */
static volatile uint32_t *panic_store;
/* panic=kstack: init's kernel stack overflows (unbounded recursion), which
 * must end in the panic "kernel stack overflow", not in a silent loop. */
static bool panic_kstack;
static const uint32_t rodata_probe = 0x1de;

/* Recursion that never ends: each frame holds a page-sized buffer the
 * compiler cannot drop, and uses the result so it cannot become a loop. */
static volatile uint64_t kstack_depth_max = UINT64_MAX; /* never reached */

static __attribute__((noinline)) uint64_t kstack_recurse(uint64_t depth)
{
	volatile uint8_t frame[512];
	frame[depth % sizeof frame] = (uint8_t)depth;
	if (depth == kstack_depth_max)
		return 0;
	return kstack_recurse(depth + 1) + frame[(depth + 1) % sizeof frame];
}

/* Run instead of init's first return to U-mode (panic=kstack), on init's
 * kernel stack. */
static void kstack_overflow(void)
{
	kprintf("lde: overflowing pid %d's kernel stack\n", current->pid);
	kstack_recurse(0);
	panic("kstack_overflow: the recursion returned");
}

static int parse_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 - 9)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Kernel parameters first, then init=/PROG and everything after it, which
 * is the program's argv. */
static void parse_cmdline(const char *bootargs)
{
	strlcpy(cmdline, bootargs, sizeof cmdline);
	char *tok = cmdline;
	init_argv[0] = DEFAULT_INIT;
	init_argc = 1;
	bool in_init = false;
	while (*tok) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			break;
		char *end = tok;
		while (*end && *end != ' ')
			end++;
		if (*end)
			*end++ = 0;
		if (in_init) {
			if (init_argc < LDE_ARG_MAX)
				init_argv[init_argc++] = tok;
			else
				kprintf("lde: too many init arguments; '%s' dropped\n", tok);
		} else if (!strncmp(tok, "init=", 5)) {
			init_argv[0] = tok + 5;
			in_init = true;
		} else if (!strncmp(tok, "quantum=", 8)) {
			uint64_t q;
			if (parse_number(tok + 8, &q) || q == 0 || q > MAX_QUANTUM_MS)
				kprintf("lde: bad quantum '%s' ignored (1..%d ms)\n", tok + 8,
					MAX_QUANTUM_MS);
			else
				quantum_ms = q;
		} else if (!strncmp(tok, "user=", 5)) {
			user_param = tok;
		} else if (!strncmp(tok, "sched=", 6)) {
			if (sched_param(tok + 6))
				kprintf("lde: bad sched '%s' ignored (fair or rr)\n", tok + 6);
		} else if (!strncmp(tok, "timeline=", 9)) {
			if (timeline_param(tok + 9))
				kprintf("lde: bad timeline '%s' ignored (all, or 2..4096 events)\n",
					tok + 9);
		} else if (!strcmp(tok, "trace=all")) {
			syscall_trace_all |= TRACE_PRINT;
		} else if (!strcmp(tok, "timer=legacy")) {
			arch_timer_use_legacy();
		} else if (!strcmp(tok, "panic=test")) {
			panic_test = true;
		} else if (!strcmp(tok, "panic=kstack")) {
			panic_kstack = true;
		} else if (!strcmp(tok, "panic=write-text")) {
			panic_store = (volatile uint32_t *)(uintptr_t)kmain;
		} else if (!strcmp(tok, "panic=write-rodata")) {
			panic_store = (volatile uint32_t *)&rodata_probe;
		} else {
			kprintf("lde: unknown kernel parameter '%s' ignored\n", tok);
		}
		tok = end;
	}
	if (user_param) {
		if (init_argc < LDE_ARG_MAX)
			init_argv[init_argc++] = user_param;
		else
			kprintf("lde: too many init arguments; '%s' dropped\n", user_param);
	}
	init_argv[init_argc] = NULL;
}

static void add_free_memory(void)
{
	uint64_t ram_start = ram.base, ram_end = ram.base + ram.size;
	/* Everything the allocator must not hand out: firmware and kernel
	 * (all RAM below the kernel's end), the device tree, the initrd, and
	 * what the firmware reserved. */
	struct fdt_range hole[2 + FDT_MAX_RESERVED];
	int n = 0;
	hole[n++] = (struct fdt_range){ kva_to_pa(fdt.blob), fdt.totalsize };
	if (initrd_end > initrd_start)
		hole[n++] = (struct fdt_range){ initrd_start, initrd_end - initrd_start };
	for (int i = 0; i < nreserved; i++)
		hole[n++] = reserved[i];
	/* Sort the holes, then hand over the gaps between them. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && hole[j].base < hole[j - 1].base; j--) {
			struct fdt_range t = hole[j];
			hole[j] = hole[j - 1];
			hole[j - 1] = t;
		}
	uint64_t cur = kva_to_pa(_kernel_end);
	palloc_init(ram_start, ram_end);
	for (int i = 0; i <= n; i++) {
		uint64_t hs = i < n ? hole[i].base : ram_end;
		uint64_t he = i < n ? hole[i].base + hole[i].size : ram_end;
		hs &= ~(uint64_t)(PGSIZE - 1);
		if (hs > ram_end)
			hs = ram_end;
		if (hs > cur)
			palloc_add_range(cur, hs);
		if (he > cur)
			cur = he;
	}
}

/* The kernel's facts from the tree; a tree it cannot trust is fatal. */
static void read_device_tree(uint64_t dtb_pa)
{
	const void *blob = pa_to_kva(dtb_pa);
	uint32_t size = fdt_totalsize(blob);
	if (!size || size > DTB_MAX_SIZE || fdt_init(&fdt, blob, size))
		panic("kmain: no valid device tree at 0x%lx", dtb_pa);
	nreserved = fdt_reserved(&fdt, reserved, FDT_MAX_RESERVED);
	if (nreserved < 0)
		panic("kmain: the device tree's reservations are unusable (over %d, or wrapping)",
		      FDT_MAX_RESERVED);
	if (fdt_bootargs(&fdt, &bootargs))
		panic("kmain: the device tree's bootargs are not a string");
	fdt_initrd(&fdt, &initrd_start, &initrd_end);
	if (fdt_memory(&fdt, &ram) || !ram.size || ram.base + ram.size < ram.base)
		panic("kmain: the device tree describes no usable memory");
	if (ram.base + ram.size > arch_boot_ram_end()) {
		ram_given = ram.size;
		ram.size = arch_boot_ram_end() - ram.base;
	}
}

void kmain(uint64_t hartid, uint64_t dtb_pa)
{
	read_device_tree(dtb_pa);
	add_free_memory();
	arch_setup(hartid, &fdt, ram.base, ram.base + ram.size);

	parse_cmdline(bootargs);
	kprintf("\nlde %s: limited direct execution on RISC-V\n", LDE_VERSION);
	arch_describe_firmware();
	kprintf("boot hart %lu of %d (others parked); RAM %lu MiB at 0x%lx; %lu pages free\n",
		hartid, fdt_cpu_count(&fdt), ram.size >> 20, ram.base, palloc_free_pages());
	/* The boot page table (arch_boot_ram_end) bounds what the kernel can
	 * reach: say so rather than silently ignore the rest. */
	if (ram_given)
		kprintf("lde: RAM %lu MiB, using the first %lu MiB\n", ram_given >> 20,
			ram.size >> 20);

	if (initrd_end > initrd_start)
		initrd_init(pa_to_kva(initrd_start), initrd_end - initrd_start);
	else
		kprintf("lde: no initrd\n");

	if (panic_test)
		panic("kmain: panic=test on the command line");
	if (panic_store) {
		kprintf("lde: storing to %p, which must fault\n", (void *)panic_store);
		*panic_store = 0;
		panic("kmain: a store to read-only kernel memory did not fault");
	}
	proc_init();
	sched_init(quantum_ms);
	sysproc_init();
	ipc_init();
	dev_init(&fdt);
	int err = proc_spawn_init(init_argv[0], init_argc, init_argv);
	if (err) {
		kprintf("lde: cannot run init '%s': %s\n", init_argv[0], err_str(err));
		arch_poweroff(PANIC_INIT_FAILED);
	}
	if (panic_kstack)
		proc_by_pid(INIT_PID)->ctx.ra = (uint64_t)kstack_overflow;
	sched_start();
}
