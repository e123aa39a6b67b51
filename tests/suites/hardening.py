"""Hardening (issue: the kernel survives anything a user program does, and
loses nothing): the system-call fuzzer (user/fuzz.c), exhaustion of every
resource (user/t_exhaust.c) and a load of 32 processes (user/t_load.c).
docs/hardening.md says what each one proves and how to replay a seed.

Every program runs as init (or from the shell) and checks itself: FAIL lines,
a panic, a kernel trap, a wrong exit status or a timeout fail the test.

SOAK_TESTS are not part of `make test`: scripts/soak.py runs them (and long
fuzzer runs) in a loop."""

# Signs that the kernel itself went wrong.
KERNEL_TROUBLE = [r"^panic", r"kernel trap", r"KASSERT", r"assertion"]


def _init(name, prog, args="", expect=(), timeout=60, kparams="", env=None, status=0):
    t = {"name": name,
         "append": (kparams + " " if kparams else "") + "init=/" + prog + (" " + args if args else ""),
         "expect": [r"^PASS: " + prog + r"\b", r"init \(pid 1\) exited with status 0"] + list(expect),
         "reject": KERNEL_TROUBLE,
         "timeout": timeout,
         "status": status}
    if env:
        t["env"] = env
    return t


ICOUNT3 = {"QEMU_EXTRA": "-icount shift=3,sleep=off"}
ICOUNT2 = {"QEMU_EXTRA": "-icount shift=2,sleep=off"}

FUZZ_EXPECT = [r"^fuzz: seed \d+ calls \d+ workers \d+",
               r"^fuzz: seed \d+: \d+ calls in \d+ ms",
               r"pages leaked 0$"]


def fuzz_test(name, seed, calls, workers=4, kparams="", timeout=120, env=None, flags=""):
    args = "%d %d %d" % (seed, calls, workers) + (" " + flags if flags else "")
    return _init(name, "fuzz", args, FUZZ_EXPECT, timeout=timeout, kparams=kparams, env=env)


def _from_shell(name, commands, expect, append="", timeout=60):
    """Boot to the shell, run each command by name, then show the shell
    still works and exit it."""
    script = [("expect", r"\$ $")]
    for c in commands:
        prog = c.split()[0]
        script += [("send", c + "\n"),
                   ("expect", r"^(PASS: %s|FAIL: %s: \d+ check\(s\) failed)$" % (prog, prog)),
                   ("expect", r"\$ $")]
    script += [("send", "echo still here\n"), ("expect", r"^still here$"), ("expect", r"\$ $"),
               ("send", "exit\n")]
    return {"name": name, "append": append, "script": script,
            "expect": list(expect) + [r"^PASS: %s$" % c.split()[0] for c in commands] +
            [r"init \(pid 1\) exited with status 0"],
            "reject": KERNEL_TROUBLE, "timeout": timeout}


def _exhaust(mode, expect, timeout=60):
    return _init("hard_exhaust_" + mode, "t_exhaust", mode,
                 list(expect) + [r"exhaust-summary: .* leaked=0$"], timeout=timeout)


TESTS = [
    # 20,000 random system calls from a fixed seed. Under -icount the run
    # repeats exactly, scheduling included (replay: docs/hardening.md).
    fuzz_test("hard_fuzz", 1, 20000, env=ICOUNT3),
    # From the shell: init and the shell come through intact, init reaps
    # the orphans, and the programs pass with others around.
    _from_shell("hard_fuzz_from_shell", ["fuzz 7 3000 3"], FUZZ_EXPECT),
    _from_shell("hard_exhaust_load_from_shell", ["t_exhaust all", "t_load 3000"],
                [r"exhaust-summary: modes=5 .*leaked=0$", r"load-summary: .*leaked=0$"],
                append="quantum=1", timeout=90),
    _exhaust("procs", [r"procs: 63 children, then fork fails with EAGAIN; 64 slots in use",
                       r"fork bomb filled the table"]),
    _exhaust("memory", [r"sbrk failed with errno 12; 0 free",
                        r"at zero: fork, sbrk, pipe fail with ENOMEM; exec fails with errno 12;"
                        r" a copy-on-write store killed its writer \(signal 9\)",
                        r"killed: out of memory",
                        r"three hogs: \d+ reported ENOMEM"]),
    _exhaust("pipes", [r"one process made 6 pipes, then EMFILE",
                       r"hold 64 pipes, each full .* then ENFILE"]),
    _exhaust("files", [r"13 descriptors by dup, then EMFILE",
                       r"24 processes held \d+ more descriptors at once"]),
    _exhaust("stack", [r"killed: store page fault, sepc=0x[0-9a-f]+ stval=0x3fffef",
                       r"4 processes recursed .* SIGSEGV",
                       r"12 KiB frames\) into the guard: SIGSEGV"]),
    # 32 processes, quantum=1, shortened to 3 s (the 10 s form: SOAK_TESTS).
    # No system call may take 2 s (in real time: a loaded host stretches
    # everything; the tight bound is hard_load_fifo's).
    _init("hard_load", "t_load", "3000 2000", [r"load-summary: ms=\d+ .*leaked=0$"],
          kparams="quantum=1", timeout=60),
    # Pipe writers are served in order: under -icount no write waits 200 ms
    # (before the fix a funnel writer was overtaken for seconds).
    _init("hard_load_fifo", "t_load", "3000 200",
          [r"load: longest time in one system call: under 100 ms",
           r"load-summary: ms=\d+ .*longest_wait_ms=0 leaked=0$"],
          kparams="quantum=1", env=ICOUNT3, timeout=90),
    # No system call holds the CPU: a heartbeat sleeping 2 ms waits at most
    # ~2 quanta while another process makes one long call after another
    # (docs/hardening.md, "Stalls"). Under -icount shift=2 (4 ns an
    # instruction, about this QEMU's real speed) the gaps are exact.
    # Default quantum (10 ms): a 4 MiB console write (11..16 s before),
    # 4 MiB through a pipe, fork/exit/exec/sbrk of ~29,000 pages.
    _init("hard_stall", "t_stall", "max=30 all",
          [r"stall: console 4096 KiB: 4194304 bytes in \d+ ms, longest gap \d+ ms",
           r"stall-summary: worst=\d+ ms limit=30 ms leaked=0"],
          env=ICOUNT2, timeout=180),
    # quantum=2: the memory paths (10..27 ms each before) must yield too.
    # forkkill: a process killed while its fork is preempted gets no child.
    _init("hard_stall_q2", "t_stall", "max=8 fork exit exec sbrk pipe 1024 args bss forkkill",
          [r"stall: fork of \d+ pages .*longest gap [2-8] ms",
           r"stall: kill during a fork of \d+ pages: the forker died of signal 9, 2 processes",
           r"stall: exit of \d+ pages: in \d+ ms, longest gap [2-8] ms",
           r"stall: exec of a bss bigger than memory \(ENOMEM\): in \d+ ms, longest gap [2-8] ms",
           r"stall-summary: worst=\d+ ms limit=8 ms leaked=0"],
          kparams="quantum=2", env=ICOUNT2, timeout=120),
]

# The long forms, for scripts/soak.py (they are not in TESTS, so `make
# test` does not run them).
SOAK_TESTS = [
    _init("soak_load_10s", "t_load", "10000", [r"load-summary: ms=\d+ .*leaked=0$"],
          kparams="quantum=1", timeout=120),
    _init("soak_exhaust_all", "t_exhaust", "all", [r"exhaust-summary: modes=5 .*leaked=0$"],
          timeout=120),
]

TESTS += [
    # init faults with no page left: the biggest other process dies instead.
    {"name": "oom_spares_init", "append": "init=/t_oominit", "timeout": 30,
     "expect": [r"^t_oominit: 16 promised heap pages touched with \d+ pages free, the hog alive$",
                r"lde: out of memory: killed pid 2 \(t_oominit, \d+ pages\) so that init can run",
                r"^PASS: t_oominit$", r"init \(pid 1\) exited with status 0"]},
]

# Page tables shared by heap and stack (the last GiB of user space): every
# exit, exec and shrink gives back every page.
TESTS += [
    {"name": "hard_hiheap_tables", "append": "init=/t_hiheap", "timeout": 60,
     "expect": [r"^hiheap: fork\+exit x20: free pages (\d+) before, \1 after, leaked 0$",
                r"^hiheap: fork\+exec x5 \(4 images each\): free pages (\d+) before, \1 after, leaked 0$",
                r"^hiheap: a heap into the stack's 2 MiB, then exit: .* leaked 0$",
                r"^hiheap: a heap into the stack's 2 MiB, then shrunk: .* leaked 0$",
                r"^PASS: t_hiheap$", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"assertion failed"]},
]

# No process but init can end the system: kill(1), kill(-1), poweroff.
TESTS += [
    {"name": "hard_kill_init_refused", "append": "init=/t_killperm", "timeout": 30,
     "expect": [r"^killperm: kill\(1, SIGKILL\), kill\(1, 0\), poweroff\(7\), tcsetpgrp\(init's "
                r"group\) from pid \d+: EPERM$",
                r"^killperm: kill\(-1, SIGKILL\) from pid \d+ killed its children and its sibling, "
                r"spared init and itself; then ESRCH$",
                r"^killperm: kill\(-G\) of a group init joined: init spared, the others killed; "
                r"init alone: EPERM$",
                r"^PASS: t_killperm$", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"assertion failed"]},
]

# The out-of-memory victim is whoever holds the most, page tables and
# promised heap included (procinfo's pages, which ps shows).
TESTS += [
    {"name": "oom_counts_tables", "append": "init=/t_oomtables", "timeout": 60,
     "expect": [r"^oomtables: A \(pid 2\) holds (\d+) pages, B \(pid 3\) (\d+); init took \d+ more$",
                r"lde: out of memory: killed pid 2 \(t_oomtables, \d+ pages\) so that init can run",
                r"^oomtables: the out-of-memory killer took pid 2 \(A, the one holding the most\)$",
                r"^PASS: t_oomtables$", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"assertion failed"]},
]
