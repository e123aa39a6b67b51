"""The interactive system (issue 4): the shell on the serial console, driven
by keystrokes, including Ctrl-C, Ctrl-D, Ctrl-U, Ctrl-P; ps, kill, trace,
pipelines, background jobs; line integrity of console output."""
import re

PROMPT = r"\$ $"


def sh(name, steps, status=0, **kw):
    """A test that boots to the default shell and types steps."""
    script = [("expect", PROMPT)]
    for s in steps:
        script.append(s)
    t = {"name": name, "append": kw.pop("append", ""), "script": script, "status": status,
         "timeout": kw.pop("timeout", 30)}
    t.update(kw)
    return t


def send(text, delay=0.05):
    return ("send", text, delay)


def expect(rx):
    return ("expect", rx)


def ps_utime_grows(out):
    """Two ps listings, each with two spin rows: every spinner's UTIME must
    be larger in the second, and both spinners must be getting CPU."""
    tables = re.findall(r"PID  PPID   UID STATE.*?\n((?:\s*\d+.*\n)+)", out)
    if len(tables) < 2:
        return "expected two ps tables, got %d" % len(tables)
    def spins(table):
        rows = {}
        for line in table.splitlines():
            f = line.split()
            if len(f) >= 14 and f[4] == "spin":  # PID PPID UID STATE NAME PRI NI UTIME
                rows[int(f[0])] = int(f[7])
        return rows
    a, b = spins(tables[0]), spins(tables[1])
    if len(a) != 2 or set(a) != set(b):
        return "expected the same two spinners in both tables: %r %r" % (a, b)
    for pid in a:
        if b[pid] <= a[pid]:
            return "spinner %d UTIME did not grow: %d -> %d" % (pid, a[pid], b[pid])
    return None


def lines_whole(out):
    bad = [l for l in out.splitlines() if "writer" in l and not re.fullmatch(
        r"writer \d line \d{3}: the quick brown fox jumps over the lazy dog", l)]
    n = len(re.findall(r"^writer \d line \d{3}: the quick", out, re.M))
    if bad:
        return "broken line: %r" % bad[0]
    if n != 4 * 150:
        return "expected 600 writer lines, got %d" % n
    return None


TESTS = [
    sh("sh_echo_exit", [send("echo hello world\n"), expect(r"^hello world$"), expect(PROMPT),
                        send("exit\n")],
       expect=[r"init \(pid 1\) exited with status 0"]),
    sh("sh_exit_status", [send("exit 7\n")], status=7),
    sh("sh_unknown_program", [send("nosuch arg\n"), expect(r"sh: nosuch: not found"), expect(PROMPT),
                              send("echo still here\n"), expect(r"^still here$"), expect(PROMPT),
                              send("exit\n")]),
    # errors in words: picolibc's strerror() text for lde's errno values
    sh("sh_error_words", [send("bad_machine_x86\n"),
                          expect(r"^sh: bad_machine_x86: cannot run: Exec format error$"),
                          expect(PROMPT),
                          send("kill 999\n"), expect(r"^kill: 999: No such process$"), expect(PROMPT),
                          send("head -x\n"), expect(r"^usage: head \[-n N \| -N\] \[file\.\.\.\]$"),
                          expect(PROMPT),
                          send("cat nosuch\n"), expect(r"^cat: nosuch: No such file or directory$"),
                          expect(PROMPT),
                          send("exit 0\n")]),
    sh("sh_pipeline_yes_head", [send("yes | head -5\n"), expect(r"(y\n){5}\$ "), send("echo a b c | head\n"),
                                expect(r"^a b c$"), expect(PROMPT), send("exit\n")],
       check=lambda out: None if re.search(r"head -5\n(y\n){5}\$ ", out)
       else "yes | head -5 did not print exactly 5 lines"),
    sh("sh_three_stage_pipeline", [send("yes abc | head -100 | head -2\n"), expect(r"abc\nabc\n\$ "),
                                   send("exit\n")]),
    sh("sh_background_wait", [send("sleep 1 &\n"), expect(r"^\[\d+\] (?P<pid>\d+)\r?\n"), expect(PROMPT),
                              send("echo foreground\n"), expect(r"^foreground$"), expect(PROMPT),
                              send("wait\n"), expect(r"sh: \[{pid}\] done, status 0"), expect(PROMPT),
                              send("exit\n")]),
    sh("sh_spinners_ps_kill", [send("spin & spin & sleep 1; ps\n"), expect(r"spin.*\n.*spin"), expect(PROMPT),
                               send("sleep 1; ps\n", 0.3), expect(r"PID  PPID"), expect(PROMPT),
                               send("exit\n")], timeout=40,
       check=ps_utime_grows),
    sh("sh_kill_background", [send("spin &\n"), expect(r"^\[\d+\] (?P<pid>\d+)\r?\n"), expect(PROMPT),
                              # the report comes once spin has died, before the prompt
                              # or, if it dies after, with wait's (or the next one)
                              send("kill {pid}\n", 0.3), expect(PROMPT), send("wait\n"),
                              expect(PROMPT), send("ps\n"), expect(PROMPT), send("exit\n")],
       expect=[r"sh: \[\d+\] killed by signal 9"],
       reject=[r"\d+\s+\d+\s+\d+\s+\w+\s+spin\s"]),
    sh("sh_ctrl_c_spinner", [send("spin\n"), send("\x03", 0.5), expect(r"\^C"), expect(PROMPT),
                             send("echo shell survived\n"), expect(r"^shell survived$"), expect(PROMPT),
                             send("exit\n")]),
    sh("sh_ctrl_c_pipeline", [send("yes | spin\n"), send("\x03", 0.5), expect(PROMPT),
                              send("ps\n"), expect(PROMPT), send("exit\n")],
       reject=[r"\d+\s+\d+\s+\d+\s+\w+\s+(yes|spin)\s"]),
    sh("sh_ctrl_d_exits", [send("\x04")], expect=[r"init \(pid 1\) exited with status 0"]),
    sh("sh_line_editing", [send("echo abX\x7fc\n"), expect(r"^abc$"), expect(PROMPT),
                           send("garbage\x15echo clean\n"), expect(r"^clean$"), expect(PROMPT),
                           send("exit\n")],
       reject=[r"garbage: not found"]),
    sh("sh_ctrl_p_dump", [send("spin &\n"), expect(PROMPT), send("\x10", 0.3),
                          expect(r"PID  PPID   UID STATE"), expect(r"spin"), send("\x15exit\n")],
       expect=[r"\d+\s+\d+\s+1000 (running|runnable)\s+spin", r"\d+\s+\d+\s+0 sleeping\s+init\s+wait"]),
    sh("sh_trace_program", [send("trace hello 1\n"), expect(r"hello from U-mode"), expect(PROMPT),
                            send("exit\n")],
       expect=[r"^\[pid \d+ hello\] exec\(0x[0-9a-f]+, 0x[0-9a-f]+\) = 2$",
               r"^\[pid \d+ hello\] write\(1, 0x[0-9a-f]+, (\d+)\) = \1$",
               r"^\[pid \d+ hello\] exit\(0\) = \?$"]),
    {"name": "trace_all_param", "append": "trace=all init=/hello x",
     "expect": [r"^\[pid 1 hello\] write\(1, 0x[0-9a-f]+, 28\) = 28$", r"^\[pid 1 hello\] exit\(0\) = \?$"]},
    # init's poweroff does not return (mayexit in kernel/syscalls.def): traced before it runs
    {"name": "trace_poweroff_noreturn", "append": "trace=all init=/poweroff 5", "status": 5,
     "expect": [r"^\[pid 1 poweroff\] poweroff\(5\) = \?$"]},
    # anyone else's is refused: traced before it runs, and again with EPERM
    sh("sh_trace_poweroff_refused", [send("trace poweroff 7\n"),
                                     expect(r"^\[pid \d+ poweroff\] poweroff\(7\) = \?$"),
                                     expect(r"^\[pid \d+ poweroff\] poweroff\(7\) = -1$"),
                                     expect(PROMPT), send("exit 0\n")]),
    sh("sh_builtins_help", [send("help\n"), expect(r"Ctrl-C interrupts"), expect(PROMPT),
                            send("ls\n"), expect(r"^sh$"), expect(PROMPT),
                            send("uptime\n"), expect(r"up \d+\.\d{3} s, \d+ processes"), expect(PROMPT),
                            send("poweroff 5\n")], status=5),
    {"name": "console_lines_whole", "append": "init=/t_lines", "check": lines_whole},
    {"name": "klog_keeps_line_whole", "append": "init=/t_klog",
     "expect": [r"^left half\|right half$", r"lde: pid 2 \(t_klog\) killed: store page fault"]},
]


# ---------------------------------------------------------------------------
# Every test program run by name from the shell (issue: "Every test program
# can be run by name from the shell"). There a program is not pid 1: its
# parent is the shell (pid 2), init and the shell are alive, and orphans go
# to init, not to the program. Each command is typed once the previous one
# has printed its verdict and the prompt is back; a FAIL line anywhere fails
# the test (tests/lde.py). The commands are the ones the suites run as init,
# with their arguments and, per test, their kernel parameters and clock.
#
# Left out:
#   t_args pid=1 ppid=0      by its nature: it states init's own pid ("t_args
#                            ppid=2" is run instead)
#   t_restrict MODE, most    by their nature: each kills the program itself,
#                            which as init tests init's death; one mode is
#                            run (the shell reports the signal), and
#                            "t_restrict all" runs every mode in children
#   t_exhaust, t_load        not yet: they are being reworked together with
#                            tests/suites/hardening.py (which also runs fuzz
#                            from the shell)
# "t_syscall exit N" (no verdict line: its status is the verdict) comes
# last, so that the shell's exit, and QEMU's status, is its status.

KERNEL_TROUBLE = [r"^panic", r"kernel trap", r"KASSERT", r"assertion"]
ICOUNT = {"QEMU_EXTRA": "-icount shift=4,sleep=off"}


def run_by_name(name, cmds, status=0, shell_reports=(), check=None, pre=(), post=(), **kw):
    """Boot the default shell and type each command of cmds, waiting for its
    verdict ("PASS: PROG", or the regex given as (command, regex)) and the
    prompt before the next; then exit. (A "FAIL: PROG" line ends the wait
    for the verdict too: the test has failed, and need not time out.) pre
    and post: steps before and after. Any "sh: ..." line other than those
    matching shell_reports (a program killed, not found) fails the test."""
    steps = list(pre)
    for c in cmds:
        cmd, done = c if isinstance(c, tuple) else \
            (c, r"^(?:PASS|FAIL): %s\b" % re.escape(c.split()[0]))
        steps += [send(cmd + "\n"), expect(done), expect(PROMPT)]
    steps += list(post) + [send("exit\n")]

    def checks(out):
        for line in out.splitlines():
            if line.startswith("sh: ") and not any(re.fullmatch(r, line) for r in shell_reports):
                return "unexpected shell report %r" % line
        return check(out) if check else None
    done = r"^lde: init \(pid 1\) exited with status %d$" % status
    return sh(name, steps, status=status, check=checks, timeout=kw.pop("timeout", 60),
              expect=[done] + kw.pop("expect", []),
              reject=KERNEL_TROUBLE + kw.pop("reject", []), **kw)


def klog_and_lines(out):
    if not re.search(r"^left half\|right half$", out, re.M):
        return "t_klog's line was split"
    return lines_whole(out)


TESTS += [
    # The first programs: system calls, argv, restricted operations, the
    # ELF loader, leaks, whole console lines.
    run_by_name("sh_run_firstprog", [
        "t_syscall", "t_syscall argbytes",
        "t_args x yy zzz", "t_args", "t_args exit=42", "t_args errno", "t_args ppid=2",
        "t_restrict all",
        ("t_restrict null_write", r"^sh: \[\d+\] killed by signal 11$"),
        "t_badexec", "t_memleak 200", "t_lines", "t_klog",
        ("t_syscall exit 42", r"^t_syscall: SYS_exit\(42\)$")],
        status=42, shell_reports=[r"sh: \[\d+\] killed by signal 11"],
        expect=[r"^t_syscall: pid \d+ ppid 2$", r"^t_syscall: survived every bad call$",
                r"^t_args: argv\[1\]=<ppid=2>$",
                r"^lde: pid \d+ \(t_restrict\) killed: store page fault, "
                r"sepc=0x[0-9a-f]+ stval=0x0$"],
        check=klog_and_lines),
    # The process API and time sharing, with two more processes around
    # (background sleepers: the programs count processes and pages from
    # what is there when they start).
    run_by_name("sh_run_process", [
        "t_fork", "t_wait", "t_kill", "t_orphan", "t_exec", "t_sbrk", "t_pipe", "t_fdinherit",
        "t_sleep", "t_monopoly", "t_proctable", "t_torture"],
        pre=[send("sleep 1000 &\n"), expect(r"^\[\d+\] (?P<bg1>\d+)\r?\n"), expect(PROMPT),
             send("sleep 1000 &\n"), expect(r"^\[\d+\] (?P<bg2>\d+)\r?\n"), expect(PROMPT)],
        post=[send("kill {bg1} {bg2}\n"), expect(PROMPT), send("wait\n"), expect(PROMPT)],
        shell_reports=[r"sh: \[\d+\] killed by signal 9"],
        expect=[r"^orphan: pid \d+, parent 2: orphans go to init \(pid 1\)$",
                r"^kill: the orphaned grandchild \(init's now\) died and init reaped it",
                r"^proctable: 5 processes before"],
        check=lambda out: None if len(re.findall(r"^sh: \[\d+\] killed by signal 9$", out,
                                                 re.M)) == 2
        else "the two background sleepers were not both killed at the end"),
    # Copy-on-write and lazy pages.
    run_by_name("sh_run_cow", ["t_cow share", "t_cow race", "t_cow race 1", "t_cowoom", "t_lazy"],
                expect=[r"race: 8 orphaned writers reaped by init; "
                        r"free pages (\d+) before, \1 after"]),
    # quantum=1, as the suites run these.
    run_by_name("sh_run_quantum1", ["t_monopoly", "t_torture", "t_cow share", "t_cow race",
                                    "t_cowoom", "t_lazy"], append="quantum=1"),
    # Under -icount: CPU-time fairness and tight sleep bounds; also the
    # programs whose real-time verdicts a loaded host can upset (too few
    # quanta for t_fair's, a stall charged to t_yield's yielder).
    run_by_name("sh_run_icount_fair", ["t_fair 2", "t_fair 3", "t_fair 4", "t_fair 3 quanta"],
                env=ICOUNT),
    run_by_name("sh_run_icount", ["t_sleep tight", "t_yield"], env=ICOUNT),
    run_by_name("sh_run_quantum1000_icount", ["t_sleep tight 1000", "t_yield"],
                append="quantum=1000", env=ICOUNT),
]


# ---------------------------------------------------------------------------
# The shell's language and the console's line editing (issue 14, "The
# shell"; docs/shell.md). Each command's output is checked, not its echo:
# the echo of an edited line is cursor moves.

LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
BS, CTRL_E, CTRL_K, CTRL_U, CTRL_W = "\x7f", "\x05", "\x0b", "\x15", "\x17"
# QEMU's console (-nographic) keeps Ctrl-A for itself (Ctrl-A x quits): it
# passes one on when it is typed twice.
CTRL_A = "\x01\x01"


def typed(keys, out):
    """Type keys and Enter, then see out (a regex for one whole line) and
    the prompt."""
    return [send(keys + "\n"), expect(out), expect(PROMPT)]


def steps(*groups):
    return [s for g in groups for s in g]


TESTS += [
    sh("sh_quotes_vars", steps(
        typed("X=val; echo 'a  $X \"q\"' \"b  $X '$?'\" c\\ d\\$X", r"^a  \$X \"q\" b  val '0' c d\$X$"),
        typed("echo \"${X}s\" $NOSUCH end \"$NOSUCH\"x", r"^vals end x$"),
        typed("Y='two words'; echo [$Y] [\"$Y\"]", r"^\[two words\] \[two words\]$"),
        typed("set", r"^Y='two words'$"),
        typed("unset X; echo [$X]", r"^\[\]$"),
        typed("X=1 echo no", r"^sh: X=1: lde passes no environment to programs; set it alone$"),
        typed("echo $$ $", r"^\d+ \$$"),
        [send("exit\n")]),
       reject=[r"^no$"]),
    sh("sh_and_or_semicolon", steps(
        typed("cat nosuch && echo A || echo B; echo C", r"^B\nC$"),
        typed("echo 1 || echo 2 && echo 3", r"^1\n3$"),
        typed("cat nosuch || cat nosuch || echo both failed", r"both failed$"),
        typed("echo x && cat nosuch && echo D; echo status $?", r"^status 1$"),
        typed("cat nosuch; echo s=$?; echo s=$?", r"^s=1\ns=0$"),
        typed("nosuch; echo s=$?", r"^s=127$"),
        typed("bad_machine_x86; echo s=$?", r"^s=126$"),
        typed("sleep 1 & echo bg=$?", r"^bg=0$"),
        typed("wait", r""),
        [send("exit\n")]),
       reject=[r"^A$", r"^2$", r"^D$"]),
    # Ctrl-C that kills the foreground job drops the rest of its line.
    sh("sh_ctrl_c_drops_line", steps(
        [send("spin; echo after\n"), send("\x03", 0.5), expect(r"\^C"), expect(PROMPT)],
        typed("echo s=$?", r"^s=130$"),
        [send("exit 0\n")]),
       reject=[r"^after$"]),
    sh("sh_comments", steps(
        typed("echo a # b c", r"^a$"),
        typed("# echo hidden", r""),
        typed("echo x#y '#q' \"#r\" \\#s", r"^x#y #q #r #s$"),
        typed("echo after; # ; echo hidden2", r"^after$"),
        [send("exit\n")]),
       reject=[r"^hidden", r"^a # b"]),
    # A syntax error anywhere runs nothing of the line, and $? is 2.
    sh("sh_syntax_errors", steps(
        typed("echo one |", r"^sh: syntax error at the end of the line$"),
        typed("&& echo two", r"^sh: syntax error near '&&'$"),
        typed("echo three && ", r"^sh: syntax error at the end of the line$"),
        typed("echo \"four", r"^sh: syntax error: unterminated \"$"),
        typed("echo 'five", r"^sh: syntax error: unterminated '$"),
        typed("echo six; >", r"^sh: syntax error at the end of the line$"),
        typed("echo seven | | cat", r"^sh: syntax error near '\|'$"),
        typed("echo eight ; ; echo nine", r"^sh: syntax error near ';'$"),
        typed("echo ten > | cat", r"^sh: syntax error near '\|'$"),
        typed("echo eleven 2>&x", r"^sh: syntax error: >& takes a descriptor number, not 'x'$"),
        typed("echo s=$?", r"^s=2$"),
        [send("exit\n")]),
       reject=[r"^(one|two|three|four|five|six|seven|eight|nine|ten|eleven)$"]),
    # The console's line holds 256 characters and drops keys past them;
    # the shell takes 255: a line of 255 runs, one of 256 (what the
    # console holds when it had to cut) or more is rejected whole, and
    # no part of it runs as a command of its own.
    sh("sh_overlong_line", steps(
        typed("echo " + "a" * 250, r"^a{250}$"),
        typed("echo " + "b" * 251, r"^sh: line too long \(over 255 characters\): nothing run$"),
        typed("echo " + "c" * 400 + "; echo d", r"^sh: line too long \(over 255 characters\): nothing run$"),
        typed("echo s=$?", r"^s=2$"),
        [send("exit\n")]),
       reject=[r"^b+$", r"^c+$", r"^d$", r"not found"]),
    sh("sh_path", steps(
        typed("echo $PATH", r"^/:/bin$"),
        typed("PATH=/nowhere; echo hi", r"^sh: echo: not found( \(no /bin: .*\))?$"),
        typed("/echo named with a slash", r"^named with a slash$"),
        typed("PATH=/nowhere::/; echo found later", r"^found later$"),
        typed("PATH=/; echo back", r"^back$"),
        [send("exit\n")])),
    # exit N: the login shell's status is init's, QEMU's; a bad N is refused.
    sh("sh_exit_bad_number", steps(
        typed("exit 1x", r"^sh: exit: 1x: not a number$"),
        [send("exit 300\n")]), status=44),
    sh("sh_exit_last_status", steps(typed("cat nosuch", r"No such file"), [send("exit\n")]),
       status=1),
    sh("sh_exit_in_list", [send("exit 5; echo not run\n")], status=5, reject=[r"^not run$"]),
    sh("sh_cd_pwd_nodisk", steps(
        typed("pwd", r"^/$"),
        typed("cd /nosuch; echo s=$?", r"^sh: cd: /nosuch: No such file or directory\ns=1$"),
        typed("echo hi > /nosuch/f; echo s=$?", r"^sh: /nosuch/f: No such file or directory\ns=1$"),
        typed("cat < /nosuch; echo s=$?", r"^sh: /nosuch: No such file or directory\ns=1$"),
        [send("exit\n")]),
       reject=[r"^hi$"]),
    # Editing keys on the console: what the program gets is the edited line.
    sh("sh_edit_keys", steps(
        typed("echo wrld" + LEFT * 3 + "o", r"^world$"),
        typed("echo abd" + LEFT * 2 + RIGHT + "c", r"^abcd$"),
        typed("cho hi" + CTRL_A + "e" + CTRL_E + " there", r"^hi there$"),
        typed("cho x\x1b[He\x1b[Fy", r"^xy$"),
        typed("cho x\x1b[1~e\x1b[4~y", r"^xy$"),
        typed("cho x\x1bOHe\x1bOFy", r"^xy$"),
        typed("echo ac\x1bODb", r"^abc$"),
        typed("echo ac\x02b", r"^abc$"),  # Ctrl-B, Ctrl-F
        typed("echo abd\x02\x02\x06c", r"^abcd$"),
        typed("echo abXc" + LEFT + BS, r"^abc$"),
        typed("echo abXc" + LEFT * 2 + "\x1b[3~", r"^abc$"),
        typed("echo one two" + CTRL_W + "three", r"^one three$"),
        typed("echo one two  " + CTRL_W + "four", r"^one four$"),
        typed("echo keep drop" + LEFT * 5 + CTRL_K, r"^keep$"),
        typed("echo keep drop" + LEFT * 5 + CTRL_U + "echo fresh", r"^fresh$"),
        # keys lde does not use (PgUp, Ctrl-Right, Shift-Tab, F1) are dropped whole
        typed("echo a\x1b[5~\x1b[1;5C\x1b[Z\x1bOPb", r"^ab$"),
        [send("exit\n")])),
    sh("sh_history", steps(
        typed("echo first", r"^first$"),
        typed("echo second", r"^second$"),
        typed(UP + UP, r"^first$"),
        typed(UP + UP + UP + DOWN, r"^second$"),
        typed(UP + CTRL_W + "edited", r"^edited$"),
        typed("echo typed" + UP + UP + DOWN + DOWN, r"^typed$"),
        # past the oldest line kept (16): the bell, and the oldest stays
        [send("".join("echo %d\n" % i for i in range(20)), 0.2), expect(r"^(\$ )?19$"), expect(PROMPT)],
        typed(UP * 17, r"^4$"),
        [send("exit\n")]), timeout=60),
    # Arrows and the other sequences never reach a program as text: wc -c
    # counts what it read from the console: "abc\n".
    sh("sh_keys_never_reach_programs", steps(
        [send("wc -c\n"), send("ab" + LEFT + RIGHT + UP + DOWN + "\x1b[3~\x1b[H\x1b[F\x1bOA\x1bOB"
                               "\x1b[5~c\n", 0.3), send("\x04", 0.3),
         expect(r"^\s*4$"), expect(PROMPT)],
        [send("exit\n")])),
]


def _disk_files(want):
    """A disk_check: debugfs reads each file of want (path -> bytes) as the
    shell wrote it (the harness has checked the image with e2fsck -fn)."""
    from . import fs

    def check(img, out):
        def on(path):
            for name, data in want.items():
                got = fs._cat(path, name)
                if got != data:
                    return "debugfs cat %s: %r, expected %r" % (name, got, data)
            return None
        return fs._with_image(img, on)
    return check


NOT_FOUND = "cat: nosuch: No such file or directory"

# Redirections, cd and pwd on the disk, as uid 1000 (HOME from /etc/passwd);
# what was written is read back on the host.
TESTS += [
    {"name": "sh_files", "disk": "rootfs", "timeout": 90,
     "script": [expect(r"blk: virtio-blk disk.*\n\$ $")] + steps(
         typed("cd; pwd", r"^/home/user$"),
         typed("echo one > f; cat f", r"^one$"),
         typed("echo two >> f; cat < f", r"^one\ntwo$"),
         typed("cat nosuch 2> err; echo s=$?", r"^s=1$"),
         typed("cat err", "^" + NOT_FOUND + "$"),
         typed("cat nosuch > out 2>&1; echo s=$?", r"^s=1$"),
         typed("cat nosuch 2>&1 | wc -l", r"^\s*1$"),
         typed("echo three > f; cat f", r"^three$"),
         typed("echo n3 3> g 1>&3; cat g", r"^n3$"),
         typed("cat 4< g <&4", r"^n3$"),
         # a built-in's redirection is undone after it: the shell's own
         # stderr is the console again
         typed("cd /nosuch 2> e; cat e; cat nosuch", r"^sh: cd: /nosuch: No such file or directory\n"
               + NOT_FOUND + "$"),
         typed("> empty; wc -c < empty", r"^\s*0$"),
         typed("echo q > \"a b\"; cat 'a b'", r"^q$"),
         typed("echo x > /bin/x; echo s=$?", r"^sh: /bin/x: Permission denied\ns=1$"),
         typed("pwd > p; echo after; cat p", r"^after\n/home/user$"),
         typed("cd /tmp; pwd; cd ..; pwd; cd; pwd", r"^/tmp\n/\n/home/user$"),
         typed("cd f; echo s=$?", r"^sh: cd: f: Not a directory\ns=1$"),
         typed("cp /bin/hello /tmp/hi && chmod 755 /tmp/hi; PATH=/nowhere:/tmp; hi x",
               r"^hello from U-mode: hi x$"),
         typed("PATH=/:/bin; echo 'echo from a script; cd /tmp; pwd' > s; sh < s",
               r"^from a script\n/tmp$"),
         # the shell reads no further than its line: a script's cat reads the
         # script's next line
         typed("echo cat > s2; echo 'read by cat' >> s2; sh < s2", r"^read by cat$"),
         [send("cat > keys\n"), send("ab" + LEFT + RIGHT + UP + DOWN + "\x1b[3~\x1b[H\x1b[F"
                                     "\x1bOA\x1bOBc\n", 0.3), send("\x04", 0.3), expect(PROMPT)],
         [send("exit\n")]),
     "expect": [r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"^fs: ", r"^x$", r"not found"],
     "disk_check": _disk_files({
         "/home/user/f": b"three\n", "/home/user/err": NOT_FOUND.encode() + b"\n",
         "/home/user/out": NOT_FOUND.encode() + b"\n", "/home/user/g": b"n3\n",
         "/home/user/empty": b"", "/home/user/e": b"sh: cd: /nosuch: No such file or directory\n", "/home/user/p": b"/home/user\n",
         "/home/user/keys": b"abc\n"})},
]
