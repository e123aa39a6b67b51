"""The gdb path (DESIGN.md 12): QEMU halted with a gdb stub, gdb-multiarch
in batch mode with scripts/lde.gdb and tests/gdb/trap.gdb, which follows
the README's walkthrough. It proves that lde-break-syscall (a breakpoint on
the C system-call handler syscall_entry, where trap_entry.S sends every
ecall, conditioned on the process's name) stops at a system call from
U-mode; that gdb reads the CSRs and the saved trapframe, and they agree;
that bt unwinds through trap_entry into the user program; that a
breakpoint on a user address catches the return to U-mode; and that the
lde-* commands work. tests/gdb/prog.gdb proves that the breakpoint passes
over the system calls of other processes."""

TRAP = [
    # first system call: an ecall from U-mode, a call the kernel knows
    r"^GDB-SCAUSE=8$", r"^GDB-TF-SCAUSE=8$", r"^GDB-A7=[1-9]\d*$", r"^GDB-A7-KNOWN=1$",
    r"^GDB-HANDLER: .*<sys_\w+>$",
    r"^scause\s+0x8\s+8$", r"^sepc\s+0x[0-9a-f]+\s+\d+$", r"^GDB-SEPC-MATCH=1$",
    # lde-trapframe and lde-ps
    r"^pid 1 \(hello\):\n\$\d+ = \{ra = 0x[0-9a-f]+, .*a7 = 0x[0-9a-f]+, .*scause = 0x8, ",
    r"^SLOT PID +STATE +NAME\n\d+ +1 +P_RUNNING +hello  <- current$",
    # lde-user, and bt through the trap into the user code
    r"^GDB-USER-PC: \w+ \+ \d+ in section \.text of \S*build/user/hello\.elf$",
    r"^#0 +syscall_entry \(tf=0x[0-9a-f]+\) at kernel/syscall\.c:\d+\n"
    r"#1 +0x[0-9a-f]+ in trap_entry \(\) at arch/riscv/trap_entry\.S:\d+\n"
    r"#2 +0x0*[0-9a-f]{1,8} in \w+ \(.*\) at user/\S+\.c:\d+$",
    # back in U-mode, at the instruction after the ecall
    r"^GDB-USER-RESUMED=1$", r"^GDB-PRIV=0$",
    # the exit call, and a backtrace down to the program's entry point
    r"^GDB-EXIT-A7=1$", r"^GDB-EXIT-STATUS=0$",
    r"^#\d+ +0x[0-9a-f]+ in __lde_start \(.*\) at user/lib/start\.c:\d+\n"
    r"#\d+ +0x[0-9a-f]+ in _start \(\) at user/lib/crt0\.S:\d+$",
    r"^GDB-DONE$",
]

TESTS = [
    {"name": "gdb_trap_syscall", "append": "init=/hello a b", "gdb_script": "tests/gdb/trap.gdb",
     "expect": TRAP, "timeout": 60},
    {"name": "gdb_break_program", "append": "init=/trace hello a b",
     "gdb_script": "tests/gdb/prog.gdb", "timeout": 60,
     "expect": [r"^GDB-PROG-PID=2$", r"^GDB-PROG-SCAUSE=8$",
                r"^\d+ +1 +P_SLEEPING +trace\n\d+ +2 +P_RUNNING +hello  <- current$",
                r"^GDB-PROG-EXIT-PID=2 A7=1$", r"^GDB-PROG-DONE$"]},
]
