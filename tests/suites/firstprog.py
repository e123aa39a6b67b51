"""The first program in U-mode: the system-call ABI and argument checking
(t_syscall), exit statuses, argc/argv and the address-space layout (t_args),
restricted operations killing the process and nothing else (t_restrict),
the ELF loader refusing corrupt files (t_badexec, scripts/mkbadelf.py),
leaks (t_memleak), and the kernel command line.

Every program here runs as init, so QEMU's exit status is its verdict."""
import importlib.util
import os
import re

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "mkbadelf", os.path.join(_ROOT, "scripts", "mkbadelf.py"))
mkbadelf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mkbadelf)

SIGILL, SIGTRAP, SIGBUS, SIGSEGV = 4, 5, 10, 11

# Any sign that the kernel itself went wrong.
KERNEL_TROUBLE = [r"^panic", r"kernel trap", r"KASSERT", r"assertion"]

# ---------------------------------------------------------------------------
# t_restrict: every mode (user/t_restrict.c) and the signal it must die of.
RESTRICT_MODES = {
    "null_read": SIGSEGV, "null_write": SIGSEGV, "null_call": SIGSEGV,
    "page0_read": SIGSEGV, "page0_end_write": SIGSEGV,
    "kernel_read": SIGSEGV, "kernel_write": SIGSEGV, "kernel_exec": SIGSEGV,
    "kernel_dmap_read": SIGSEGV, "kstack_read": SIGSEGV, "kstack_write": SIGSEGV,
    "user_top_read": SIGSEGV, "noncanonical_read": SIGSEGV,
    "gap_read": SIGSEGV, "gap_write": SIGSEGV, "guard_read": SIGSEGV,
    "past_brk_write": SIGSEGV, "heap_freed_write": SIGSEGV,
    "text_write": SIGSEGV, "helper_write": SIGSEGV, "rodata_write": SIGSEGV,
    "data_exec": SIGSEGV, "rodata_exec": SIGSEGV, "stack_exec": SIGSEGV,
    "heap_exec": SIGSEGV, "stack_overflow": SIGSEGV, "stack_push_loop": SIGSEGV,
    "csrr_sstatus": SIGILL, "csrw_satp": SIGILL, "csrw_sscratch": SIGILL,
    "csrw_stvec": SIGILL, "csrr_mstatus": SIGILL, "sret": SIGILL, "mret": SIGILL,
    "sfence_vma": SIGILL, "wfi": SIGILL, "fp_bad_rm": SIGILL, "fp_bad_frm": SIGILL,
    "unimp": SIGILL, "ebreak": SIGTRAP, "misaligned_lr": SIGBUS,
}

# Run directly as init (pid 1): a representative of each kind of fault.
RESTRICT_AS_INIT = [
    "null_read", "null_write", "null_call", "kernel_read", "kernel_write", "kernel_exec",
    "text_write", "rodata_write", "data_exec", "stack_exec", "stack_overflow",
    "csrr_sstatus", "csrw_satp", "sret", "sfence_vma", "wfi", "fp_bad_rm", "ebreak",
    "misaligned_lr",
]

_EXPECT_RE = re.compile(r"^t_restrict: pid=(\d+) mode=(\S+) expect: killed: ([^,]+), "
                        r"sepc=(\S+) stval=(\S+)$", re.M)
_KILL_RE = re.compile(r"^lde: pid (\d+) \((.*?)\) killed: (.*?), sepc=0x([0-9a-f]+) "
                      r"stval=0x([0-9a-f]+)$", re.M)
_ANY_KILL_RE = re.compile(r"^lde: pid (\d+) .*killed", re.M)


def _spec_ok(spec, value):
    """t_restrict's expectation syntax: *, 0xV, 0xV|0xW, [0xA,0xB)."""
    if spec == "*":
        return True
    m = re.fullmatch(r"\[0x([0-9a-f]+),0x([0-9a-f]+)\)", spec)
    if m:
        return int(m.group(1), 16) <= value < int(m.group(2), 16)
    try:
        return value in [int(x, 16) for x in spec.split("|")]
    except ValueError:
        return False


def check_kill_lines(out, want_modes):
    """Pair each "t_restrict: pid=N ... expect:" line with the kernel's one
    line for pid N, and check cause, sepc and stval; no other process may be
    killed and no pid may get two lines."""
    expects = {}
    for m in _EXPECT_RE.finditer(out):
        expects[int(m.group(1))] = m.groups()[1:]
    kills = {}
    for m in _ANY_KILL_RE.finditer(out):
        pid = int(m.group(1))
        if pid in kills:
            return "pid %d has more than one 'killed' line" % pid
        kills[pid] = None
    for m in _KILL_RE.finditer(out):
        kills[int(m.group(1))] = m.groups()[1:]
    for pid, k in kills.items():
        if pid not in expects:
            return "pid %d was killed but expected nothing" % pid
        if k is None:
            return "pid %d: malformed kill line" % pid
    seen = set()
    for pid, (mode, cause, sepc, stval) in expects.items():
        seen.add(mode)
        if pid not in kills:
            return "mode %s (pid %d): no kill line" % (mode, pid)
        name, kcause, ksepc, kstval = kills[pid]
        if name != "t_restrict":
            return "mode %s: kill line names %r" % (mode, name)
        if kcause != cause:
            return "mode %s: cause %r, want %r" % (mode, kcause, cause)
        if not _spec_ok(sepc, int(ksepc, 16)):
            return "mode %s: sepc 0x%s, want %s" % (mode, ksepc, sepc)
        if not _spec_ok(stval, int(kstval, 16)):
            return "mode %s: stval 0x%s, want %s" % (mode, kstval, stval)
    if seen != set(want_modes):
        return "modes run %s, want %s" % (sorted(seen), sorted(want_modes))
    return None


def check_restrict_all(out):
    err = check_kill_lines(out, RESTRICT_MODES)
    if err:
        return err
    for mode, sig in RESTRICT_MODES.items():
        if not re.search(r"^t_restrict: mode %s: child \d+ killed by signal %d$" % (mode, sig),
                         out, re.M):
            return "mode %s: no report of the child killed by signal %d" % (mode, sig)
    return None


def restrict_as_init(mode):
    sig = RESTRICT_MODES[mode]
    return {
        "name": "user_restrict_init_" + mode,
        "append": "init=/t_restrict " + mode,
        "status": 128 + sig,
        "timeout": 20,
        "expect": [
            # the exact shape of the one diagnostic line
            r"^lde: pid 1 \(t_restrict\) killed: [a-z -]+, sepc=0x[0-9a-f]+ stval=0x[0-9a-f]+$",
            r"^lde: init \(pid 1\) killed by signal %d$" % sig,
        ],
        "reject": KERNEL_TROUBLE + [r"survived"],
        "check": lambda out, mode=mode: check_kill_lines(out, [mode]),
    }


# ---------------------------------------------------------------------------
# t_args: argv exactly as passed.
_ARGV_RE = re.compile(r"^t_args: argv\[(\d+)\]=<(.*)>$", re.M)


def check_argv(want):
    def check(out):
        m = re.search(r"^t_args: argc=(\d+)$", out, re.M)
        if not m:
            return "no argc line"
        got = [g[1] for g in _ARGV_RE.findall(out)]
        if int(m.group(1)) != len(want) or got != want:
            return "argv %r (argc %s), want %r" % (got, m.group(1), want)
        return None
    return check


def args_test(name, append, argv, status=0, expect=(), reject=()):
    return {
        "name": name,
        "append": append,
        "status": status,
        "timeout": 20,
        "expect": [r"^PASS: t_args$", r"init \(pid 1\) exited with status %d$" % status]
        + list(expect),
        "reject": KERNEL_TROUBLE + [r"killed"] + list(reject),
        "check": check_argv(argv),
    }


# ---------------------------------------------------------------------------
# t_syscall: the partial console write printed exactly the count it returned.
def check_partial_write(out):
    m = re.search(r"^(P*)\nt_syscall: partial console write returned (-?\d+)$", out, re.M)
    if not m:
        return "no partial console write report"
    if len(m.group(1)) != int(m.group(2)):
        return "partial console write printed %d bytes, returned %s" % (len(m.group(1)),
                                                                       m.group(2))
    return None


def exit_test(name, value, status):
    return {
        "name": name,
        "append": "init=/t_syscall exit %s" % value,
        "status": status,
        "timeout": 20,
        "expect": [r"t_syscall: SYS_exit\(%s\)" % value,
                   r"^lde: init \(pid 1\) exited with status %d$" % status],
        "reject": KERNEL_TROUBLE + [r"FAIL"],
    }


# ---------------------------------------------------------------------------
# t_badexec: every variant reported, with its errno.
def check_badexec(out):
    for name in mkbadelf.BAD:
        err = "ENOMEM" if name.startswith("bad_nomem_") else "ENOEXEC"
        if not re.search(r"^t_badexec: /%s: refused, errno %s$" % (name, err), out, re.M):
            return "no 'refused, errno %s' line for %s" % (err, name)
    for name in mkbadelf.OK:
        if not re.search(r"^hello from U-mode: %s control$" % name, out, re.M):
            return "control %s did not run" % name
        if not re.search(r"^t_badexec: /%s: ran, status 0$" % name, out, re.M):
            return "control %s: no 'ran' line" % name
    # the t_args that t_badexec exec'd with arguments
    got = [g[1] for g in _ARGV_RE.findall(out)]
    if len(got) != 7 or got[:3] != ["t_args", "with space", ""] or \
            not re.fullmatch(r"pid=\d+", got[3]) or got[4] != "ppid=1" or \
            got[5:] != ["exit=7", "quiet"]:
        return "exec'd t_args saw argv %r" % got
    return None


_TOO_MANY = ["a%d" % i for i in range(1, 36)]

TESTS = [
    # -- system calls --------------------------------------------------------
    {"name": "user_syscall", "append": "init=/t_syscall", "timeout": 20,
     "expect": [r"^t_syscall: pid 1 ppid 0$",
                r"^t_syscall: hello on fd 1$", r"^t_syscall: hello on fd 2$",
                r"^t_syscall: raw ecall write$",
                r"^t_syscall: \d+ ecalls with a bad sp, \d+ ms of spinning with it$",
                r"^hello from U-mode: " + " ".join("a%d" % i for i in range(32)) + "$",
                r"^t_syscall: survived every bad call$", r"^PASS: t_syscall$",
                r"^lde: init \(pid 1\) exited with status 0$"],
     # the 16 mapped bytes of a write that faults must not be printed
     "reject": KERNEL_TROUBLE + [r"STRADDLE", r"killed"],
     "check": check_partial_write},
    # uapi.h: LDE_ARGS_BYTES for all argv strings together
    {"name": "user_exec_args_bytes", "append": "init=/t_syscall argbytes", "timeout": 20,
     "expect": [r"^PASS: t_syscall argbytes$", r"^lde: init \(pid 1\) exited with status 0$"],
     "reject": KERNEL_TROUBLE + [r"killed"]},
    # docs/trace.md: each argument as the handler decodes it, in the format
    # its type in kernel/syscalls.def gives (address, unsigned, signed)
    {"name": "user_trace_format", "append": "init=/t_syscall trace", "timeout": 20,
     "expect": [r"^\[pid 1 t_syscall\] write\(1, 0x0, 0\) = 0$",
                r"^\[pid 1 t_syscall\] write\(4294967297, 0x[0-9a-f]+, 0xffffffffffffffff\) = -9$",
                r"^\[pid 1 t_syscall\] close\(-100000\) = -9$",
                r"^\[pid 1 t_syscall\] kill\(1, 0\) = 0$",
                r"^\[pid 1 t_syscall\] syscall_999\(1, 2, 3, 4, 5, 6\) = -88$",
                r"^\[pid 1 t_syscall\] trace\(0\) = 0$",
                r"^PASS: t_syscall trace$", r"^lde: init \(pid 1\) exited with status 0$"],
     "reject": KERNEL_TROUBLE + [r"killed", r"\] exit\("]},
    exit_test("user_exit_status_42", "42", 42),
    exit_test("user_exit_status_300", "300", 300 & 0xff),
    exit_test("user_exit_status_minus1", "-1", 255),
    exit_test("user_exit_status_256", "256", 0),

    # -- argc/argv, layout, heap, stack ---------------------------------------
    args_test("user_args", "init=/t_args x yy zzz", ["/t_args", "x", "yy", "zzz"],
              expect=[r"t_args: stack reached 0x[0-9a-f]+ \(\d+ KiB below USER_TOP\)"]),
    args_test("user_args_none", "init=/t_args", ["/t_args"]),
    args_test("user_args_exit_42", "init=/t_args exit=42", ["/t_args", "exit=42"], status=42),
    args_test("user_args_pid_1", "init=/t_args pid=1 ppid=0", ["/t_args", "pid=1", "ppid=0"]),
    # picolibc's errno (TLS, at tp) must not alias the program's variables
    args_test("user_args_errno_tls", "init=/t_args errno", ["/t_args", "errno"],
              expect=[r"^t_args: &errno 0x[0-9a-f]+$"]),

    # -- restricted operations -----------------------------------------------
    {"name": "user_restrict_all", "append": "init=/t_restrict all", "timeout": 30,
     "expect": [r"^t_restrict: free pages after: (\d+) \(before \1\)$",
                r"^t_restrict: parent pid 1 still running$", r"^PASS: t_restrict$",
                r"^lde: init \(pid 1\) exited with status 0$"],
     "reject": KERNEL_TROUBLE + [r"survived"],
     "check": check_restrict_all},
    {"name": "user_restrict_init_null_write_shape", "append": "init=/t_restrict null_write",
     "status": 128 + SIGSEGV, "timeout": 20,
     "expect": [r"^lde: pid 1 \(t_restrict\) killed: store page fault, sepc=0x[0-9a-f]+ stval=0x0$"],
     "reject": KERNEL_TROUBLE},
] + [restrict_as_init(m) for m in RESTRICT_AS_INIT] + [

    # -- the ELF loader -------------------------------------------------------
    {"name": "user_badexec", "append": "init=/t_badexec", "timeout": 30,
     "expect": [r"^t_badexec: \d+ bad files x 3 refused; free pages (\d+), before \1$",
                r"^t_badexec: missing files: ENOENT$",
                r"^hello from U-mode: hello one two$",
                r"^t_badexec: caller still running as pid 1$", r"^PASS: t_badexec$",
                r"^lde: init \(pid 1\) exited with status 0$"],
     # an accepted bad file would run hello with this argument
     "reject": KERNEL_TROUBLE + [r"should-not-run", r"killed"],
     "check": check_badexec},

    # -- leaks ----------------------------------------------------------------
    {"name": "user_memleak", "append": "init=/t_memleak 200", "timeout": 30,
     "expect": [r"^t_memleak: 200 rounds: free pages (\d+), baseline \1, difference 0$",
                r"^PASS: t_memleak$", r"^lde: init \(pid 1\) exited with status 0$"],
     "reject": KERNEL_TROUBLE + [r"out of memory"]},

    # -- the kernel command line ---------------------------------------------
    args_test("user_cmdline_param_before_init", "quantum=5 init=/t_args a b",
              ["/t_args", "a", "b"], reject=[r"unknown kernel parameter", r"bad quantum"]),
    args_test("user_cmdline_unknown_param", "foo=1 init=/t_args x", ["/t_args", "x"],
              expect=[r"^lde: unknown kernel parameter 'foo=1' ignored$"]),
    args_test("user_cmdline_unknown_word", "verbose quantum=1000 init=/t_args",
              ["/t_args"], expect=[r"^lde: unknown kernel parameter 'verbose' ignored$"],
              reject=[r"bad quantum"]),
    args_test("user_cmdline_bad_quantum",
              "quantum=abc quantum=0 quantum=1001 quantum= quantum=-5 "
              "quantum=18446744073709551617 init=/t_args q", ["/t_args", "q"],
              expect=[r"^lde: bad quantum '%s' ignored \(1\.\.1000 ms\)$" % re.escape(q)
                      for q in ["abc", "0", "1001", "", "-5", "18446744073709551617"]],
              reject=[r"unknown kernel parameter"]),
    # after init=, everything is argv, even what looks like a parameter
    args_test("user_cmdline_args_after_init", "init=/t_args quantum=7 foo=1 init=/hello",
              ["/t_args", "quantum=7", "foo=1", "init=/hello"],
              reject=[r"unknown kernel parameter", r"bad quantum"]),
    args_test("user_cmdline_spaces", "  quantum=5   init=/t_args   a    b  ",
              ["/t_args", "a", "b"], reject=[r"unknown kernel parameter"]),
    args_test("user_cmdline_too_many_args", "init=/t_args " + " ".join(_TOO_MANY),
              ["/t_args"] + _TOO_MANY[:31],
              expect=[r"^lde: too many init arguments; 'a%d' dropped$" % i
                      for i in range(32, 36)]),
    {"name": "user_cmdline_init_missing", "append": "init=/no_such_init", "status": 249,
     "timeout": 20, "expect": [r"^lde: cannot run init '/no_such_init': no such file$"],
     "reject": KERNEL_TROUBLE},
    {"name": "user_cmdline_init_bad_elf", "append": "init=/bad_machine_x86", "status": 249,
     "timeout": 20, "expect": [r"^lde: cannot run init '/bad_machine_x86': not a valid executable$"],
     "reject": KERNEL_TROUBLE},
    # bench run by hand labels its columns and says when its counts are exact
    {"name": "user_bench_legend", "append": "init=/bench only getpid", "timeout": 20,
     "expect": [r"^# BENCH NAME INSTRUCTIONS/OP ITERATIONS NS/OP$",
                r"^# instruction counts are exact only under qemu -icount",
                r"^BENCH getpid \d+ 100 \d+$"],
     "reject": KERNEL_TROUBLE},
]
