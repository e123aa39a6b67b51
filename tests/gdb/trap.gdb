# The gdb test (tests/suites/gdb.py, run by tests/lde.py): lde boots with
# init=/hello, halted, and scripts/lde.gdb has connected. We catch hello's
# system calls in the C system-call handler and check what gdb sees there.
# Each check prints a GDB-... marker line that the test matches; any error
# stops this script before the final GDB-DONE, which fails the test.

# 1. The first system call. trap_entry.S sends system calls (scause 8)
# straight to syscall_entry and every other trap to trap_user, so a
# breakpoint on syscall_entry stops at system calls only; the condition on
# the live CSR ($scause, which QEMU's gdb stub exposes) makes that explicit.
break syscall_entry if $scause == 8
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
lde-trapframe
lde-ps
# With hello's symbols, bt crosses the trap (scripts/lde.gdb's unwinder)
# into the user code that made the call.
lde-user hello
printf "GDB-USER-PC: "
info symbol tf->sepc
bt

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
break syscall_entry if tf->scause == 8 && tf->a7 == 1
continue
printf "GDB-EXIT-A7=%lu\n", tf->a7
printf "GDB-EXIT-STATUS=%ld\n", tf->a0
bt
printf "GDB-DONE\n"
kill
