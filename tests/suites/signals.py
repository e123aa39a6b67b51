"""POSIX signals (issue 12, docs/signals.md): handlers and their frames,
sigreturn's checks, EINTR and SA_RESTART, default actions, stop and
continue, waitpid's reports, signals from faults and the console.

Every program is a self-checking user/t_*.c run as init: it prints "FAIL:"
for each failed check and "PASS: t_name" at the end."""

ICOUNT = {"QEMU_EXTRA": "-icount shift=4,sleep=off"}


def _t(name, prog, args="", expect=(), env=None, timeout=60, kparams=""):
    t = {"name": name,
         "append": (kparams + " " if kparams else "") + "init=/" + prog + (" " + args if args else ""),
         "expect": [r"^PASS: " + prog + r"\b", r"init \(pid 1\) exited with status 0"] + list(expect),
         "reject": [r"^panic:", r"kernel trap"],
         "timeout": timeout}
    if env:
        t["env"] = env
    return t


TESTS = [
    _t("sig_regs", "t_sigregs", expect=[r"assembly handler: \d+ handlers, every register intact",
                                        r"C handler in double: \d+ handlers, every register intact"]),
    _t("sig_regs_q1", "t_sigregs", kparams="quantum=1",
       expect=[r"assembly handler: \d+ handlers, every register intact"]),
]
TESTS += [
    _t("sig_posix", "t_signal", expect=[
        r"signal: handler ran, signal\(\) and sigaction\(\) agree",
        r"signal: blocked signals wait in sigpending until unblocked",
        r"signal: SA_NODEFER, SA_RESETHAND and sa_mask",
        r"signal: pause, sigsuspend and alarms",
        r"signal: pipe read EINTR without SA_RESTART, restarted with it",
        r"signal: default actions terminate, ignore and stop",
        r"signal: SIGKILL and SIGSTOP cannot be caught, blocked or ignored",
        r"signal: handlers survive fork; exec resets them, keeps ignored and the mask",
        r"signal: SIGCHLD on exit, stop and continue; waitpid WUNTRACED WCONTINUED WNOHANG",
        r"signal: stopped, sleeping and zombie targets",
        r"signal: a stopped process holding a pipe: the reader waits, then proceeds",
        r"signal: SIGSEGV and SIGILL caught; a fault in the handler kills",
        r"lde: pid \d+ \(t_signal\) killed: store page fault",
        r"signal: a bad stack at delivery kills the process",
        r"lde: pid \d+ \(t_signal\) killed: no room for the signal 30 frame, sp=0x40 ",
        r"signal: IPC: recv interrupted with EINTR; a signalled caller gets no reply"]),
]
TESTS += [
    _t("sig_frame", "t_sigframe", expect=[
        r"lde: pid \d+ \(t_sigframe\) killed: sigreturn: pc outside user space, frame=0x[0-9a-f]+ pc=0xffffffc080200000",
        r"lde: pid \d+ \(t_sigframe\) killed: sigreturn: pc outside user space, frame=0x[0-9a-f]+ pc=0x800000000000",
        r"lde: pid \d+ \(t_sigframe\) killed: sigreturn: unknown flags",
        r"lde: pid \d+ \(t_sigframe\) killed: sigreturn: unreadable frame, frame=0x0 ",
        r"lde: pid \d+ \(t_sigframe\) killed: sigreturn: unreadable frame, frame=0xffffffc080000000 ",
        r"sigframe: kernel-half pc: killed",
        r"sigframe: flags with sstatus.SIE's bit: killed",
        r"sigframe: random registers: still U-mode, interrupts on",
        r"sigframe: random registers and FP state: still U-mode, interrupts on"]),
]

# The console and the shell's job control, typed through the console.
PROMPT = r"\$ $"


def sh(name, steps, **kw):
    t = {"name": name, "append": "", "script": [("expect", PROMPT)] + list(steps), "status": 0,
         "timeout": 40}
    t.update(kw)
    return t


def send(text, delay=0.05):
    return ("send", text, delay)


def expect(rx):
    return ("expect", rx)


TESTS += [
    sh("sig_sh_ctrl_z_fg_bg", [
        send("spin\n"), send("\x1a", 0.5), expect(r"\^Z"), expect(r"^\[1\]\+ Stopped  spin$"),
        expect(PROMPT),
        send("ps\n"), expect(r"\d+\s+\d+\s+\d+ stopped\s+spin"), expect(PROMPT),
        send("jobs\n"), expect(r"^\[1\]\+ Stopped\s+spin$"), expect(PROMPT),
        send("bg\n"), expect(r"^\[1\]\+ spin &$"), expect(PROMPT),
        send("jobs\n"), expect(r"^\[1\]\+ Running\s+spin$"), expect(PROMPT),
        send("ps\n"), expect(r"\d+\s+\d+ (running|runnable)\s+spin"), expect(PROMPT),
        send("fg %1\n"), expect(r"^spin$"), send("\x1a", 0.5), expect(r"^\[1\]\+ Stopped  spin$"),
        expect(PROMPT),
        send("fg\n"), expect(r"^spin$"), send("\x03", 0.5), expect(r"\^C"), expect(PROMPT),
        send("jobs\n"), expect(PROMPT), send("fg\n"), expect(r"sh: current: no such job"),
        expect(PROMPT), send("exit 0\n")]),
    sh("sig_sh_two_jobs", [
        send("sleep 100 &\n"), expect(r"^\[1\] \d+$"), expect(PROMPT),
        send("spin\n"), send("\x1a", 0.5), expect(r"^\[2\]\+ Stopped  spin$"), expect(PROMPT),
        send("jobs\n"), expect(r"^\[1\]  Running\s+sleep 100$"), expect(r"^\[2\]\+ Stopped\s+spin$"),
        expect(PROMPT),
        send("fg %2\n"), expect(r"^spin$"), send("\x03", 0.5), expect(PROMPT),
        send("fg 1\n"), expect(r"^sleep 100$"), send("\x03", 0.5), expect(PROMPT),
        send("jobs\n"), expect(PROMPT), send("exit 0\n")]),
    sh("sig_sh_ctrl_c_caught", [
        send("t_sigtty\n"), expect(r"^t_sigtty: ready$"), send("\x03", 0.3),
        expect(r"^t_sigtty: caught SIGINT \(2\), exiting normally$"), expect(PROMPT),
        send("spin\n"), send("\x1c", 0.5), expect(r"sh: \[\d+\] killed by signal 3"),
        expect(PROMPT), send("exit 0\n")]),
    sh("sig_sh_kill_names", [
        send("kill -l\n"), expect(r"^ 1\) SIGHUP .* 4\) SIGILL"),
        expect(r"17\) SIGSTOP\s+18\) SIGTSTP\s+19\) SIGCONT\s+20\) SIGCHLD"), expect(PROMPT),
        send("kill -l 9 137 TERM\n"), expect(r"^KILL\nKILL\n15$"), expect(PROMPT),
        send("spin &\n"), expect(r"^\[1\] (?P<pid>\d+)\r?\n"), expect(PROMPT),
        send("kill -STOP {pid}\n", 0.3), expect(PROMPT),
        send("ps\n"), expect(r"{pid}\s+\d+\s+\d+ stopped\s+spin"), expect(PROMPT),
        send("kill -CONT {pid}\n", 0.3), expect(PROMPT),
        send("ps\n"), expect(r"{pid}\s+\d+\s+\d+ (running|runnable)\s+spin"), expect(PROMPT),
        # bad input: an error, and nobody is signalled
        send("kill -BOGUS {pid}\n"), expect(r"^kill: BOGUS: no such signal$"), expect(PROMPT),
        send("kill -STOP {pid} x12\n"), expect(r"^kill: bad pid 'x12'$"), expect(PROMPT),
        send("kill -19\n"), expect(r"^usage: kill"), expect(PROMPT),
        send("kill -s\n"), expect(r"^usage: kill"), expect(PROMPT),
        send("ps\n"), expect(r"{pid}\s+\d+\s+\d+ (running|runnable)\s+spin"), expect(PROMPT),
        send("kill -s TERM {pid}\n", 0.3), expect(r"sh: \[{pid}\] killed by signal 15"),
        expect(PROMPT),
        send("spin &\n"), expect(r"^\[1\] (?P<p2>\d+)\r?\n"), expect(PROMPT),
        send("kill -SIGTERM -- -{p2}\n", 0.3), expect(r"sh: \[{p2}\] killed by signal 15"),
        expect(PROMPT), send("exit 0\n")]),
]
