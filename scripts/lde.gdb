# gdb-multiarch helpers for lde. Loaded by `make gdb` and by the gdb test
# (tests/lde.py: run_gdb_test), always from the repository root:
#   gdb-multiarch -x scripts/lde.gdb -ex "lde-connect PORT" build/kernel.elf
# `help user-defined` lists the lde-* commands.

# gdb-multiarch supports every architecture: name ours, so that it is
# right even before an ELF is loaded or the stub has described itself.
set architecture riscv:rv64
# Scripts and the test run in batch mode: never stop to ask.
set pagination off
set confirm off
# gdb may start before QEMU listens (the test starts both at once):
# retry a refused connection for a while instead of failing.
set tcp auto-retry on
set tcp connect-timeout 15

define lde-connect
  if $argc != 1
    echo usage: lde-connect PORT\n
  else
    target remote localhost:$arg0
  end
end
document lde-connect
lde-connect PORT: attach to QEMU started with `-S -gdb tcp::PORT`
(`make qemu-gdb` prints the port; `make gdb` passes it for you).
end

define lde-user
  if $argc != 1
    echo usage: lde-user PROGRAM\n
  else
    # User programs are static ELFs linked at their final addresses, so
    # their symbols need no offset. The initrd holds stripped copies; the
    # Makefile keeps the symbols in build/user/NAME.elf. "hello" and
    # "/hello" (as in init=/hello) both name build/user/hello.elf.
    add-symbol-file build/user/$arg0.elf
  end
end
document lde-user
lde-user PROGRAM: add the symbols of user program PROGRAM (build/user/PROGRAM.elf),
so that breakpoints, `list` and `bt` work in its code.
Every program is linked at 0x10000: load one at a time, and drop the
previous one with `remove-symbol-file -a 0x10000`.
end

define lde-break-syscall
  # Every system call of every process enters syscall_entry; the condition
  # keeps the ones of the named program (current->name is the basename of
  # the path it was exec'd from, as lde-ps shows it) and, if given, number NR.
  # ($_streq is one of gdb's Python convenience functions.)
  if $argc == 1
    break syscall_entry if $_streq(current->name, "$arg0")
  else
    if $argc == 2
      break syscall_entry if $_streq(current->name, "$arg0") && tf->a7 == $arg1
    else
      echo usage: lde-break-syscall PROGRAM [NR]\n
    end
  end
end
document lde-break-syscall
lde-break-syscall PROGRAM [NR]: break in syscall_entry, the C handler of every
system call, only when the current process is PROGRAM (its name in lde-ps,
e.g. hello) and, with NR, only for system call NR (kernel/uapi.h: 1 is exit).
There tf is the process's trapframe: tf->a7 the number, tf->a0.. the
arguments, tf->sepc the user address after the ecall.
end

define lde-trapframe
  # In syscall_entry and trap_user, tf == current->tf: it sits at the top of the
  # process's kernel stack. (trap_kernel's tf is a different one, on the
  # kernel stack: print it with `p/x *tf`.)
  if current == 0
    echo no current process\n
  else
    printf "pid %d (%s):\n", current->pid, current->name
    p/x *current->tf
  end
end
document lde-trapframe
lde-trapframe: print the current process's saved user registers (its
trapframe, p/x *current->tf): a7 is the system-call number, sepc the user pc.
end

define lde-ps
  # NPROC is a macro, invisible to gdb: size the loop from the array.
  set $lde_i = 0
  printf "SLOT PID  STATE        NAME\n"
  while $lde_i < sizeof(proc_table) / sizeof(proc_table[0])
    set $lde_p = &proc_table[$lde_i]
    if $lde_p->state != 0
      printf "%-4d %-4d ", $lde_i, $lde_p->pid
      # printf cannot print an enum by name; output can.
      output $lde_p->state
      printf "   %s", $lde_p->name
      # (a string in a ?: would need malloc in the target)
      if $lde_p == current
        printf "  <- current"
      end
      printf "\n"
    end
    set $lde_i = $lde_i + 1
  end
end
document lde-ps
lde-ps: list the used slots of proc_table: slot, pid, state, name.
end

# Backtraces through a trap. trap_entry.S calls syscall_entry, trap_user or
# trap_kernel with sp
# pointing at the trapframe it just filled, and has no unwind information, so
# gdb's backtrace stops at trap_entry. This unwinder continues it with the
# registers saved in that trapframe: pc = sepc, so the next frame is the
# interrupted code (the user program, after `lde-user PROGRAM`, or the
# kernel code a kernel trap interrupted). Last in the file: a gdb without
# Python still gets every command above.
python
import gdb
from gdb.unwinder import Unwinder

class LdeFrameId:
    # What gdb needs to tell frames apart: gdb.Values sp and pc (gdb 14
    # has gdb.unwinder.FrameId; Debian 12's gdb 13 does not).
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc

class LdeTrapUnwinder(Unwinder):
    def __init__(self):
        super().__init__("lde-trap")

    def __call__(self, pending_frame):
        # Only a caller frame (level > 0) whose return address is in
        # trap_entry.S: there, sp is the trapframe. (pc - 1: the return
        # address may be the first instruction of the next label.)
        if pending_frame.level() == 0:
            return None
        pc = pending_frame.read_register("pc")
        sal = gdb.find_pc_line(int(pc) - 1)
        if sal.symtab is None or not sal.symtab.filename.endswith("trap_entry.S"):
            return None
        sp = pending_frame.read_register("sp")
        tf = sp.cast(gdb.lookup_type("struct trapframe").pointer()).dereference()
        info = pending_frame.create_unwind_info(LdeFrameId(sp, pc))
        # struct trapframe starts with x1..x31, in register order.
        for n in range(1, 32):
            info.add_saved_register("x%d" % n, tf[tf.type.fields()[n - 1].name])
        info.add_saved_register("pc", tf["sepc"])
        return info

gdb.unwinder.register_unwinder(None, LdeTrapUnwinder(), replace=True)
end
