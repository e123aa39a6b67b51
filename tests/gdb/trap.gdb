# The gdb test (tests/suites/gdb.py, run by tests/lde.py): the README's
# walkthrough, step by step. lde boots with init=/hello a b, halted, and
# scripts/lde.gdb has connected (as `make qemu-gdb APPEND=...` and `make gdb`
# do). Each check prints a GDB-... marker line that the test matches; any
# error stops this script before the final GDB-DONE, which fails the test.

# 1. hello's first system call, in the C handler syscall_entry (trap_entry.S
# sends system calls, scause 8, straight there and every other trap to
# trap_user). lde-break-syscall conditions the breakpoint on the process.
lde-break-syscall hello
continue
printf "GDB-SCAUSE=%lu\n", $scause
printf "GDB-TF-SCAUSE=%lu\n", tf->scause
# Whatever call hello makes first (today write(), from printf's line
# buffer), it must be one the kernel's dispatch table knows.
printf "GDB-A7=%lu\n", tf->a7
printf "GDB-A7-KNOWN=%d\n", tf->a7 < sizeof(syscall_table) / sizeof(syscall_table[0]) && syscall_table[tf->a7] != 0
printf "GDB-HANDLER: "
output syscall_table[tf->a7]
printf "\n"
# The live CSRs agree with the trapframe trap_entry.S saved (its system-call
# fast path has already moved tf->sepc past the 4-byte ecall).
info registers scause sepc
printf "GDB-SEPC-MATCH=%d\n", $sepc + 4 == tf->sepc
# With hello's symbols, bt crosses the trap (scripts/lde.gdb's unwinder)
# into the user code that made the call.
lde-user hello
printf "GDB-USER-PC: "
info symbol tf->sepc
bt
lde-trapframe
lde-ps

# 2. Back in U-mode. Stepping across sret is unreliable with gdb-multiarch
# (DESIGN.md 12): break on the user address after the ecall instead
# (tf->sepc, already advanced past it).
delete
set $lde_ret = tf->sepc
tbreak *$lde_ret
continue
printf "GDB-USER-RESUMED=%d\n", $pc == $lde_ret
# QEMU's virtual register priv: 0 is U-mode.
printf "GDB-PRIV=%lu\n", $priv

# 3. The exit call (SYS_exit = 1), with its status in a0.
lde-break-syscall hello 1
continue
printf "GDB-EXIT-A7=%lu\n", tf->a7
printf "GDB-EXIT-STATUS=%ld\n", tf->a0
bt
printf "GDB-DONE\n"
kill
