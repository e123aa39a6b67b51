# lde-break-syscall stops only in the named program (tests/suites/gdb.py):
# lde boots with init=/trace hello a b, so trace (pid 1) makes system calls
# (fork, wait...) before its child becomes hello; the breakpoint must let
# them all pass and stop at the child's first call as hello.
lde-break-syscall hello
continue
printf "GDB-PROG-PID=%d\n", current->pid
printf "GDB-PROG-SCAUSE=%lu\n", tf->scause
lde-ps
# With a number, only that call: hello's exit (SYS_exit = 1).
delete
lde-break-syscall hello 1
continue
printf "GDB-PROG-EXIT-PID=%d A7=%lu\n", current->pid, tf->a7
printf "GDB-PROG-DONE\n"
kill
