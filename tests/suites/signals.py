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
        r"lde: pid \d+ \(t_signal\) killed: no room for the signal 30 frame, sp=0x40 "]),
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
