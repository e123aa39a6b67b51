"""The event timeline in QEMU (docs/timeline.md; issue: "See limited direct
execution happen"): the ring buffer wraps whole and never blocks the
kernel, the timeline system call's operations, the `timeline` program, and
a kernel with recording off that prints nothing. The drawing and the
notes' table are tests/test_timeline.py's."""
import importlib.util
import os

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("timeline_script",
                                               os.path.join(_ROOT, "scripts", "timeline.py"))
tl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tl)

REJECT = [r"^panic:", r"kernel trap", r"assertion failed"]


def wrapped_whole(out):
    """timeline=16 and 300 getpid calls: the dump holds exactly the newest
    16 events, in order, each whole: every getpid is trap, call, return, and
    the last event is init's exit."""
    try:
        ev = tl.parse(out)
    except ValueError as e:
        return str(e)
    head = tl.BEGIN_RE.search(out)
    if len(ev) != 16 or int(head.group(2)) < 880:
        return "expected 16 events and over 880 lost, got %d and %s" % (len(ev), head.group(2))
    if any(b["icount"] < a["icount"] for a, b in zip(ev, ev[1:])):
        return "instruction counts go backwards"
    if ev[-1]["kind"] != "exit" or ev[-2]["kind"] != "syscall_enter" or \
            tl.SYSCALLS[ev[-2]["a"]] != "exit":
        return "the last events are not init's exit: %r %r" % (ev[-2], ev[-1])
    getpid = [i for i, e in enumerate(ev[:-1]) if e["kind"] == "syscall" and e["a"] == 4]
    if len(getpid) < 2:
        return "fewer than 2 getpid calls among the newest events"
    for i in getpid[1:]:
        t, c, r = ev[i - 1], ev[i], ev[i + 1]
        if (t["kind"], t["a"], t["x"][0], c["x"][4], r["kind"]) != ("trap", 8, 4, 1, "return"):
            return "a getpid is not trap/call/return: %r %r %r" % (t, c, r)
    return None


def ops_recorded(out):
    """Only the part between ON and OFF is recorded: the exec event ON
    records, the mark and getppid (the OFF call's own end is not)."""
    dumps = out.split("=== lde timeline begin")
    if len(dumps) != 3 or " 0 events, 0 lost" not in dumps[1]:
        return "expected an empty dump, then one more"
    ev = tl.parse(out)
    calls = [tl.call_text(e) for e in ev if e["kind"] == "syscall"]
    want = ["timeline(3, 77) = 0", "getppid() = 0"]
    if calls != want:
        return "recorded calls %r, want %r" % (calls, want)
    if ev[0]["kind"] != "switch" or tl.exec_name(ev[1]) != "t_timeline":
        return "recording does not start with the process's name"
    return None


def only_the_command(out):
    """`timeline echo hi`: the child's events only: its exec of echo, the
    write of "hi\\n", its exit; not the parent's wait."""
    ev = tl.parse(out)
    # Switches to and from it name the others; the state changes they make
    # (the parent's wait ending) are as by them.
    own = [e for e in ev if e["kind"] not in ("switch", "state")]
    if {e["pid"] for e in own} != {2}:
        return "events from pids %r, want only 2" % {e["pid"] for e in own}
    calls = [tl.call_text(e).split("(")[0] for e in ev if e["kind"].startswith("syscall")]
    if calls != ["exec", "write", "exit"]:
        return "calls %r" % calls
    if tl.process_names(ev)[2] != "timeline/echo":
        return "names %r" % tl.process_names(ev)
    return None


def faults_told_apart(out):
    """t_timeline faults: after each mark with an address, the same pid's
    next fault event is at that address and of the right sort: pid 1's
    heap page lazy, pid 2's .data write copy on write, pid 2's null write
    fatal with SIGSEGV (11), before pid 1 sees it in wait."""
    ev = tl.parse(out)
    want = [(1, "fault", 2), (2, "fault", 1), (2, "fault_fatal", None)]
    marks = [i for i, e in enumerate(ev) if e["kind"] == "mark"]
    if len(marks) != 3:
        return "expected 3 marks, got %d" % len(marks)
    for i, (pid, kind, how) in zip(marks, want):
        m = ev[i]
        f = next((e for e in ev[i + 1:] if e["pid"] == pid and e["kind"].startswith("fault")),
                 None)
        if m["pid"] != pid or f is None:
            return "no fault by pid %d after mark %r" % (pid, m)
        if (f["kind"], f["x"][0]) != (kind, m["x"][0]):
            return "after mark %#x: %r, want %s there" % (m["x"][0], f, kind)
        if how is not None and f["x"][2] != how:
            return "fault at %#x: how %d, want %d" % (m["x"][0], f["x"][2], how)
        if how is None and f["a"] != 11:
            return "fatal fault with signal %d, want 11" % f["a"]
    fatal = next(i for i, e in enumerate(ev) if e["kind"] == "fault_fatal")
    waits = [i for i, e in enumerate(ev) if e["kind"] == "syscall" and e["pid"] == 1
             and tl.SYSCALLS[e["a"]] == "wait"]
    if not waits or waits[-1] < fatal:
        return "pid 1's wait did not end after the fatal fault"
    return None


def find(ev, start, **want):
    """The index of the first event from start on whose fields (kind, pid,
    a; x0..x4 as x0=...) are as given, or None."""
    for i in range(start, len(ev)):
        e = ev[i]
        if all((e["x"][int(k[1])] if k[0] == "x" else e[k]) == v for k, v in want.items()):
            return i
    return None


def in_order(ev, steps):
    """Each step (a dict for find) found after the one before: None, or
    what is missing."""
    at = 0
    for st in steps:
        i = find(ev, at, **st)
        if i is None:
            return "no %r after event %d" % (st, at)
        at = i + 1
    return None


def pipe_states(out):
    """t_timeline pipe: init (1) goes to sleep on the pipe, the switch to its
    child (2), the child's write wakes init (recorded as by the child, at
    the end of its write), the child exits (zombie, exit event with parent
    1), the switch back, init runs, its read returns 1, and wait reaps the
    child."""
    ev = tl.parse(out)
    P = {v: k for k, v in tl.STATES.items()}
    sleep = find(ev, 0, kind="state", x0=1, a=P["sleeping"], x1=P["running"])
    if sleep is None or "sleeping on pipe" not in tl.state_text(ev[sleep]):
        return "init's sleep on the pipe not recorded"
    return in_order(ev[sleep:], [
        dict(kind="switch", pid=2, x0=1, a=1),
        dict(kind="state", pid=2, x0=2, a=P["running"]),
        dict(kind="state", pid=2, x0=1, a=P["runnable"], x1=P["sleeping"]),
        dict(kind="syscall", pid=2, a=SYS["write"], x4=1),
        dict(kind="state", pid=2, x0=2, a=P["zombie"], x1=P["running"]),
        dict(kind="exit", pid=2, x0=1, a=0),
        dict(kind="switch", pid=1, x0=2, a=1),
        dict(kind="state", pid=1, x0=1, a=P["running"], x1=P["runnable"]),
        dict(kind="syscall", pid=1, a=SYS["read"], x4=1),
        dict(kind="state", pid=1, x0=2, a=P["reaped"], x1=P["zombie"]),
        dict(kind="syscall", pid=1, a=SYS["wait"], x4=2)])


def exec_events(out):
    """t_timeline exec: fork (parent 1, child 2) before anything of the
    child's, the child's exec with its path, its exit with parent 1."""
    ev = tl.parse(out)
    fork = find(ev, 0, kind="fork", pid=1, a=2, x0=1)
    if fork is None or any(e["pid"] == 2 for e in ev[:fork]):
        return "no fork event for pid 2 before its events"
    ex = find(ev, fork, kind="exec", pid=2, a=1)
    if ex is None or tl.exec_path(ev[ex]) != "/true" or tl.exec_name(ev[ex]) != "true":
        return "no exec event with the path /true"
    return in_order(ev[ex:], [dict(kind="syscall", pid=2, a=SYS["exec"]),
                              dict(kind="exit", pid=2, x0=1, a=0),
                              dict(kind="syscall", pid=1, a=SYS["wait"], x4=2)])


def ipc_events(out):
    """t_timeline ipc: init's call (label 7, word 11) on endpoint 0, the
    server's (2) recv of pid 1's call, its reply to pid 1 (label 8, word
    12), then init's ipc_call returns 8; the trace has flows for both."""
    ev = tl.parse(out)
    err = in_order(ev, [dict(kind="ipc_call", pid=1, a=0, x0=7, x1=11),
                        dict(kind="ipc_recv", pid=2, a=0, x0=1, x1=7, x2=11),
                        dict(kind="ipc_reply", pid=2, x0=1, x1=8, x2=12),
                        dict(kind="syscall", pid=1, a=SYS["ipc_call"], x4=8)])
    if err:
        return err
    te = tl.chrome_trace(ev)["traceEvents"]
    flows = sorted((e["name"], e["ph"], e["pid"]) for e in te if e.get("cat") == "ipc"
                   and e["ph"] in "sf")
    if flows != [("call", "f", 2), ("call", "s", 1), ("reply", "f", 1), ("reply", "s", 2)]:
        return "IPC flows %r" % flows
    return None


def idle_interrupt(out):
    """t_timeline idle: init sleeps, the CPU switches to the idle loop (pid
    0), the timer interrupt is taken there (trap and tick as pid 0), wakes
    init (as pid 0), and the idle loop switches back to init."""
    ev = tl.parse(out)
    P = {v: k for k, v in tl.STATES.items()}
    return in_order(ev, [dict(kind="state", x0=1, a=P["sleeping"]),
                         dict(kind="switch", pid=0, x0=1, a=1),
                         dict(kind="trap", pid=0, a=tl.INTR | 5),
                         dict(kind="timer", pid=0),
                         dict(kind="state", pid=0, x0=1, a=P["runnable"]),
                         dict(kind="switch", pid=1, x0=0, a=1),
                         dict(kind="syscall", pid=1, a=SYS["usleep"], x4=0)])


SYS = {v: k for k, v in tl.SYSCALLS.items()}
# The scenes whose order is checked event by event run under icount: the
# same instructions every time, so a timer tick cannot fall somewhere else
# on a loaded host (in the child's exit, say, which has preemption points)
# and reorder them; and a sleep's deadline cannot pass before init is
# asleep.
ICOUNT = {"QEMU_EXTRA": "-icount shift=0,sleep=off"}

TESTS = [
    {"name": "timeline_wrap", "append": "timeline=16 init=/t_timeline wrap",
     "expect": [r"^PASS: t_timeline", r"=== lde timeline end ===",
                r"init \(pid 1\) exited with status 0"],
     "reject": REJECT, "check": wrapped_whole},
    {"name": "timeline_ops", "append": "init=/t_timeline ops",
     "expect": [r"^PASS: t_timeline"], "reject": REJECT, "check": ops_recorded},
    {"name": "timeline_cmd", "append": "init=/timeline /echo hi",
     "expect": [r"^hi$", r"=== lde timeline end ==="], "reject": REJECT,
     "check": only_the_command},
    {"name": "timeline_faults", "append": "timeline=all init=/t_timeline faults",
     "expect": [r"^PASS: t_timeline", r"=== lde timeline end ===",
                r"lde: pid 2 \(t_timeline\) killed: store page fault"],
     "reject": REJECT, "check": faults_told_apart},
    {"name": "timeline_pipe_states", "append": "timeline=all init=/t_timeline pipe",
     "env": ICOUNT,
     "expect": [r"^PASS: t_timeline", r"=== lde timeline end ==="], "reject": REJECT,
     "check": pipe_states},
    {"name": "timeline_fork_exec_exit", "append": "timeline=all init=/t_timeline exec",
     "env": ICOUNT,
     "expect": [r"^PASS: t_timeline", r"=== lde timeline end ==="], "reject": REJECT,
     "check": exec_events},
    {"name": "timeline_ipc", "append": "timeline=all init=/t_timeline ipc",
     "env": ICOUNT,
     "expect": [r"^PASS: t_timeline", r"=== lde timeline end ==="], "reject": REJECT,
     "check": ipc_events},
    {"name": "timeline_idle", "append": "timeline=all init=/t_timeline idle",
     "env": ICOUNT,
     "expect": [r"^PASS: t_timeline", r"=== lde timeline end ==="], "reject": REJECT,
     "check": idle_interrupt},
    {"name": "timeline_off", "append": "timeline=bogus init=/true",
     "expect": [r"lde: bad timeline 'bogus' ignored"],
     "reject": REJECT + [r"lde timeline begin"]},
]
