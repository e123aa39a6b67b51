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
    if ev[-1]["kind"] != "syscall_enter" or tl.SYSCALLS[ev[-1]["a"]] != "exit":
        return "the last event is not init's exit: %r" % ev[-1]
    getpid = [i for i, e in enumerate(ev) if e["kind"] == "syscall" and e["a"] == 4]
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
    if {e["pid"] for e in ev} != {2}:
        return "events from pids %r, want only 2" % {e["pid"] for e in ev}
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
    {"name": "timeline_off", "append": "timeline=bogus init=/true",
     "expect": [r"lde: bad timeline 'bogus' ignored"],
     "reject": REJECT + [r"lde timeline begin"]},
]
