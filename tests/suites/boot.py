"""Boot, banner, QEMU variables, the kernel command line, exit statuses and
the panic path (issue 2: boot, memory, command line, leaving QEMU)."""

BANNER = [r"lde \d+\.\d+: limited direct execution", r"firmware: OpenSBI \d+\.\d+, SBI spec \d+\.\d+",
          r"boot hart \d+ of \d+", r"RAM \d+ MiB at 0x80000000"]

TESTS = [
    {"name": "boot_hello", "append": "init=/hello a b",
     "expect": BANNER + [r"RAM 128 MiB", r"hello from U-mode: /hello a b",
                         r"init \(pid 1\) exited with status 0"]},
    {"name": "boot_mem_1g", "append": "init=/hello", "env": {"QEMU_MEM": "1G"},
     "expect": [r"RAM 1024 MiB", r"hello from U-mode"], "reject": [r"using the first"]},
    # More RAM than the boot page table maps (4 GiB from 0x80000000,
    # arch/riscv/memlayout.h): the kernel uses what it can reach and says so.
    {"name": "boot_mem_over_limit", "append": "init=/hello", "env": {"QEMU_MEM": "5G"},
     "expect": [r"RAM 4096 MiB at 0x80000000; \d+ pages free",
                r"^lde: RAM 5120 MiB, using the first 4096 MiB$", r"hello from U-mode"]},
    {"name": "boot_smp2", "append": "init=/hello", "env": {"QEMU_SMP": "2"},
     "expect": [r"boot hart \d+ of 2 \(others parked\)", r"hello from U-mode"]},
    {"name": "boot_bios_default", "append": "init=/hello", "env": {"QEMU_BIOS": "default"},
     "expect": BANNER + [r"hello from U-mode"]},
]

TESTS += [
    # The panic path: the cause, a symbolized backtrace, QEMU status 250.
    {"name": "panic_backtrace", "append": "panic=test init=/hello", "status": 250, "allow_panic": True,
     "expect": [r"^panic: kmain: panic=test on the command line$", r"^backtrace:$",
                r"^  \[<ffffffc0802[0-9a-f]{5}>\] kmain\+0x[0-9a-f]+$"],
     "reject": [r"hello from U-mode"]},
]

TESTS += [
    # QEMU's full device tree (QEMU_DTB=qemu) instead of the trimmed one
    # scripts/mkdtb.sh makes: the kernel finds the same devices either way.
    {"name": "boot_qemu_full_dtb", "append": "init=/hello", "env": {"QEMU_DTB": "qemu"},
     "expect": BANNER + [r"hello from U-mode"]},
    {"name": "boot_sstc_off", "append": "init=/hello", "env": {"QEMU_CPU": "rv64,sstc=off"},
     "expect": BANNER + [r"hello from U-mode"]},
]

TESTS += [
    # The idle loop waits with wfi: while init sleeps for 3 s, QEMU must
    # not keep a host CPU busy (a busy-spinning idle loop would cost ~3 s).
    {"name": "idle_does_not_spin", "append": "init=/sleep 3", "max_cpu": 1.0, "timeout": 20},
]

TESTS += [
    # The SBI legacy set_timer fallback (used when the base extension's
    # probe finds no TIME extension) still preempts and wakes sleepers.
    {"name": "timer_legacy_preempts", "append": "timer=legacy init=/t_monopoly",
     "expect": [r"timer via legacy SBI set_timer", r"^PASS: t_monopoly"], "timeout": 30},
    {"name": "timer_legacy_sleep", "append": "timer=legacy init=/sleep 0.2",
     "expect": [r"timer via legacy SBI set_timer", r"init \(pid 1\) exited with status 0"]},
]

TESTS += [
    # The kernel's own text and read-only data are mapped without write
    # permission: a store there is a kernel page fault (then a panic).
    {"name": "kernel_text_readonly", "append": "panic=write-text init=/hello", "status": 250,
     "allow_panic": True,
     "expect": [r"^lde: storing to (0xffffffc0802[0-9a-f]{5}), which must fault$",
                r"^kernel trap: store page fault, sepc=[0-9a-f]+ stval=ffffffc0802[0-9a-f]{5}$",
                r"^panic: trap_kernel: store page fault in S-mode$"],
     "reject": [r"did not fault"]},
    {"name": "kernel_rodata_readonly", "append": "panic=write-rodata init=/hello", "status": 250,
     "allow_panic": True,
     "expect": [r"^kernel trap: store page fault, sepc=[0-9a-f]+ stval=ffffffc0802[0-9a-f]{5}$",
                r"^panic: trap_kernel: store page fault in S-mode$"],
     "reject": [r"did not fault"]},
    # A kernel stack that overflows into its guard page: a clear panic
    # with a backtrace through the recursion, not a loop or a silent hang.
    {"name": "kernel_stack_overflow", "append": "panic=kstack init=/hello", "status": 250,
     "allow_panic": True, "timeout": 20,
     "expect": [r"^lde: overflowing pid 1's kernel stack$",
                r"^kernel trap: store page fault, sepc=[0-9a-f]+ stval=ffffffd0[0-9a-f]{8}$",
                r"^backtrace:$", r"^  \[<[0-9a-f]{16}>\] kstack_recurse\S*\+0x[0-9a-f]+$",
                r"^panic: trap_kernel: kernel stack overflow \(sp=ffffffd0[0-9a-f]{8}, guard page "
                r"ffffffd0[0-9a-f]{5}000\)$"],
     "reject": [r"recursion returned", r"hello from U-mode"]},
]
