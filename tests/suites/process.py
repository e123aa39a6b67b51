"""The process API and time sharing (issue: limited direct execution, the
process API): fork, exit, wait, kill, getpid/getppid, orphans, exec, sbrk,
pipes and descriptors, yield, sleep, preemption of the notes' monopolizers,
fairness, interrupts during system calls, and the process table.

Every program is a self-checking user/t_*.c run as init: it prints "FAIL:"
for each failed check and "PASS: t_name" at the end, and its exit status
becomes QEMU's."""


# -icount: the guest's clock counts instructions (shift=4: 16 ns each, a
# 62.5 MHz guest), so its times are exact and repeatable, whatever the load
# on the host; sleep=off skips idle time. 2 s of uptime take ~2.5 s here.
ICOUNT = {"QEMU_EXTRA": "-icount shift=4,sleep=off"}


def _t(name, prog, args="", expect=(), env=None, timeout=30, kparams=""):
    t = {"name": name,
         "append": (kparams + " " if kparams else "") + "init=/" + prog + (" " + args if args else ""),
         "expect": [r"^PASS: " + prog + r"\b", r"init \(pid 1\) exited with status 0"] + list(expect),
         "reject": [r"^panic:", r"kernel trap"],
         "timeout": timeout}
    if env:
        t["env"] = env
    return t


TESTS = [
    _t("proc_fork", "t_fork", expect=[r"address spaces are private in both directions",
                                      r"fork: under memory pressure"]),
    _t("proc_wait", "t_wait", expect=[r"exit statuses 0\.\.255", r"zombie listed with 0 pages"]),
    _t("proc_kill", "t_kill", expect=[r"a spinning child .* died of signal 9",
                                      r"usleep\(10 s\) died of signal 2",
                                      r"blocked in wait\(\) died of signal 15",
                                      r"blocked reading a pipe died of signal 9",
                                      r"writing a full pipe died of signal 15"]),
    _t("proc_orphan", "t_orphan", expect=[r"re-parented to init and reaped",
                                          r"zombie grandchild \d+ handed to init"]),
    _t("proc_exec", "t_exec", expect=[r"^hello from U-mode: hello a b$",
                                      r"image replaced, pid and parent kept"]),
    _t("proc_sbrk", "t_sbrk", expect=[r"writing a page given back by sbrk -> signal 11",
                                      r"reading a page given back by sbrk -> signal 11",
                                      r"lde: pid \d+ \(t_sbrk\) killed: store page fault"]),
    _t("proc_pipe", "t_pipe", expect=[r"131072 bytes through a slow reader",
                                      r"EPIPE with no reader"]),
    _t("proc_fdinherit", "t_fdinherit", expect=[r"child writes to the inherited console"]),
    # Under icount: t_yield compares CPU times, which host stalls would
    # otherwise charge to whichever process happened to be running.
    _t("proc_yield", "t_yield", env=ICOUNT, expect=[r"yield: 2 processes", r"yield: 3 processes"]),
    # A long quantum: the timer (almost) never interrupts the alternation.
    _t("proc_yield_q1000", "t_yield", kparams="quantum=1000", env=ICOUNT),
    # In real time the upper bounds get a second of slack for host stalls;
    # under -icount they are tight (200..400 ms for usleep(200000)).
    _t("proc_sleep", "t_sleep", expect=[r"sleep: woke in order"]),
    _t("proc_sleep_icount", "t_sleep", "tight", env=ICOUNT,
       expect=[r"usleep\(200000\) took 20[01] ms", r"sleep\(1\) took 100[01] ms"]),
    # A long quantum: sleeps still end on their deadline, not the quantum's.
    _t("proc_sleep_q1000_icount", "t_sleep", "tight 1000", kparams="quantum=1000", env=ICOUNT,
       expect=[r"usleep\(20000\) took 20 ms"]),
    _t("proc_monopoly", "t_monopoly", expect=[r"Estoy monopolizando el cpu",
                                              r"sum 1\.\.\d+ = \d+ \(right\)",
                                              r"both monopolizers killed"]),
    _t("proc_monopoly_q1", "t_monopoly", kparams="quantum=1",
       expect=[r"Estoy monopolizando el cpu", r"\(right\)", r"both monopolizers killed"]),
    # Fairness. CPU time is judged under -icount, where the guest's clock is
    # its instruction count: host stalls (a busy machine, parallel tests)
    # would otherwise be charged to whichever spinner was running, and skew
    # the figures by tens of percent (measured).
    _t("proc_fair2", "t_fair", "2", env=ICOUNT, expect=[r"fair: 2 spinners"]),
    _t("proc_fair3", "t_fair", "3", env=ICOUNT, expect=[r"fair: 3 spinners"]),
    _t("proc_fair4", "t_fair", "4", env=ICOUNT, expect=[r"fair: 4 spinners"]),
    # Without Sstc the kernel's timer goes through SBI set_timer alone.
    _t("proc_fair3_nosstc", "t_fair", "3", env=dict(ICOUNT, QEMU_CPU="rv64,sstc=off"),
       expect=[r"fair: 3 spinners"]),
    # In real time (the host's clock), judged on quanta, which host stalls
    # cannot skew; the CPU-time figures are printed all the same.
    _t("proc_fair3_realtime", "t_fair", "3 quanta", expect=[r"fair: 3 spinners.*verdict on quanta"]),
    _t("proc_fair3_nosstc_realtime", "t_fair", "3 quanta", env={"QEMU_CPU": "rv64,sstc=off"},
       expect=[r"fair: 3 spinners.*verdict on quanta"]),
    _t("proc_torture_q1", "t_torture", kparams="quantum=1", expect=[r"torture: \d+ workers"]),
    _t("proc_proctable", "t_proctable", expect=[r"proctable: filled twice"]),
]
