#!/usr/bin/env python3
"""Limited direct execution, seen happen: lde's event timeline (docs/timeline.md)
as the notes' three-column table, a Chrome/Perfetto trace and a Gantt chart.

  scripts/timeline.py boot [APPEND] --dump build/timeline.dump
        boot lde headless under -icount shift=0,sleep=off with APPEND (default:
        timeline=all init=/tl_demo) and keep its console
  scripts/timeline.py draw build/timeline.dump --out build/timeline
        write build/timeline.txt, .json and .png from a console capture

Counts are retired instructions (instret), exact and repeatable under icount.
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_APPEND = "timeline=all init=/tl_demo"

# Event kinds: kernel/timeline.h.
KINDS = {1: "trap", 2: "syscall", 3: "syscall_enter", 4: "timer", 5: "device", 6: "switch",
         7: "exec", 8: "boot", 9: "fault", 10: "return", 11: "ipc_call", 12: "ipc_recv",
         13: "ipc_reply", 14: "mark", 15: "fault_fatal", 16: "state", 17: "fork", 18: "exit"}
# TL_FAULT's x2 (enum tl_fault_how): what made the retried access work.
FAULT_HOW = {0: "the page was there", 1: "copy on write: a private copy",
             2: "lazy: a fresh page mapped", 3: "the FPU turned on"}
FAULT_NAME = {0: "page fault", 1: "copy-on-write fault", 2: "lazy page fault", 3: "FPU trap"}
# trap_entry_rec reads instret this many instructions after the trap: the
# first csrrw, the beqz and 30 stores (arch/riscv/trap_entry.S).
TRAP_STAMP_OFFSET = 32
INTR = 0x80000000
CAUSES = {8: "ecall", 12: "instruction page fault", 13: "load page fault",
          15: "store page fault", 2: "illegal instruction", INTR | 5: "timer interrupt",
          INTR | 9: "device interrupt"}


def state_names():
    """LDE_P_* value -> name (TL_STATE's a and x1), from kernel/uapi.h's
    enum lde_proc_state: LDE_P_UNUSED is a slot freed (reaped)."""
    with open(os.path.join(ROOT, "kernel", "uapi.h")) as f:
        body = re.search(r"enum lde_proc_state \{(.*?)\}", f.read(), re.S).group(1)
    names, n = {}, 0
    for m in re.finditer(r"LDE_P_(\w+)(?:\s*=\s*(\d+))?", body):
        n = int(m.group(2)) if m.group(2) else n
        names[n] = "reaped" if m.group(1) == "UNUSED" else m.group(1).lower()
        n += 1
    return names


STATES = state_names()


def syscall_names():
    """Number -> name, from kernel/syscalls.def, the one list."""
    names = {}
    with open(os.path.join(ROOT, "kernel", "syscalls.def")) as f:
        for m in re.finditer(r"^SYSCALL\(\s*(\d+),\s*(\w+),", f.read(), re.M):
            names[int(m.group(1))] = m.group(2)
    return names


SYSCALLS = syscall_names()

BEGIN_RE = re.compile(r"^=== lde timeline begin: version 1, (\d+) events, (\d+) lost", re.M)


def parse(text):
    """The events of the last complete dump in a console capture, as dicts:
    icount, time, pid, kind (a name), a, x (5 ints). Raises ValueError if
    there is none, or if its event count is not the one announced."""
    starts = list(BEGIN_RE.finditer(text))
    if not starts:
        raise ValueError("no timeline dump in the capture")
    m = starts[-1]
    end = text.find("=== lde timeline end ===", m.end())
    if end < 0:
        raise ValueError("the last timeline dump is not complete")
    events = []
    for line in text[m.end():end].splitlines():
        f = line.split()
        if not f or f[0] != "T":
            continue
        if len(f) != 11:
            raise ValueError("bad event line: %r" % line)
        events.append({"icount": int(f[1]), "time": int(f[2]), "pid": int(f[3]),
                       "kind": KINDS.get(int(f[4]), "kind%s" % f[4]), "a": int(f[5]),
                       "x": [int(v, 16) for v in f[6:11]]})
    if len(events) != int(m.group(1)):
        raise ValueError("dump announced %s events, has %d" % (m.group(1), len(events)))
    return events


def words_text(words):
    raw = b"".join(v.to_bytes(8, "little") for v in words)
    return raw.split(b"\0")[0].decode("ascii", "replace")


def exec_path(e):
    """The path an exec event carries (a = 1), or its name."""
    return words_text(e["x"][:4])


def exec_name(e):
    """The name an exec or switch event carries (a path's last part)."""
    if e["kind"] == "switch":
        return words_text(e["x"][1:5])
    n = words_text(e["x"][:4])
    return n.rsplit("/", 1)[-1] if e["a"] == 1 else n


def state_text(e):
    """A TL_STATE event's change: "running -> sleeping on pipe"."""
    new = STATES.get(e["a"], "state %d" % e["a"])
    old = "new" if e["x"][1] == 0 else STATES.get(e["x"][1], "state %d" % e["x"][1])
    on = words_text(e["x"][2:5])
    return "%s -> %s%s" % (old, new,
                           " on " + on if on and new == "sleeping" else "")


def signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def process_names(events):
    """pid -> the names it had, joined by '/' (fork children start with
    their parent's)."""
    names = {0: ["kernel"]}
    for e in events:
        p = e["pid"]
        if e["kind"] == "fork" and e["x"][0]:
            names.setdefault(e["a"], list(names.get(e["x"][0], ["?"])[-1:]))
        elif e["kind"] in ("exec", "switch") and p:
            n = exec_name(e)
            if names.get(p, [])[-1:] != [n]:
                names.setdefault(p, []).append(n)
        elif e["kind"] == "syscall" and SYSCALLS.get(e["a"]) == "fork" and e["x"][4] < 1 << 31:
            names.setdefault(e["x"][4], list(names.get(p, ["?"])[-1:]))
    return {p: "/".join(n) for p, n in names.items()}


def call_text(e):
    nr = e["a"]
    name = SYSCALLS.get(nr, "syscall_%d" % nr)
    nargs = {"getpid": 0, "getppid": 0, "fork": 0, "yield": 0, "uptime": 0, "exit": 1,
             "wait": 1, "close": 1, "pipe": 1, "sbrk": 1, "exec": 2, "timeline": 2,
             "write": 3, "read": 3}.get(name, 3)
    args = ", ".join(str(a) if a < 65536 else hex(a) for a in e["x"][:nargs])
    if e["kind"] == "syscall_enter":
        return "%s(%s)" % (name, args)
    ret = e["x"][4]
    if ret >= 1 << 63:
        ret -= 1 << 64
    return "%s(%s) = %d" % (name, args, ret)


def trap_start(e):
    return e["icount"] - TRAP_STAMP_OFFSET


def rows(events, names):
    """The notes' table rows (icount, hardware, os, program) for events,
    in the notes' words where they fit."""
    out = []
    nm = lambda p: "%s %d" % (names.get(p, "?"), p) if p else "kernel"
    for i, e in enumerate(events):
        p, k, t = e["pid"], e["kind"], e["icount"]
        A = nm(p)
        if k == "trap" and not p:
            cause = CAUSES.get(e["a"], "cause %#x" % e["a"])
            out.append((trap_start(e), "%s: the idle loop's wfi ends, jump to the trap handler"
                        % cause, "", ""))
            out.append((t, "", "save the idle loop's registers (on the trap stack)", ""))
        elif k == "trap":
            c = e["a"]
            if c == 8:
                nxt = next((n for n in events[i + 1:] if n["kind"] in ("syscall", "syscall_enter")
                            and n["pid"] == p), None)
                what = call_text(nxt).split(" =")[0] if nxt else SYSCALLS.get(e["x"][0], "?")
                out.append((trap_start(e), "", "", "%s: system call %s: trap (ecall)" % (A, what)))
                hw = "trap: save the pc of %s, enter kernel mode, jump to the trap handler" % A
            else:
                cause = CAUSES.get(c, "cause %#x" % c)
                out.append((trap_start(e), "", "", "%s runs in user mode" % A))
                hw = "%s: save the pc of %s, enter kernel mode, jump to the trap handler" % (
                    cause, A)
            out.append((trap_start(e), hw, "", ""))
            out.append((t, "", "save registers of %s to the trapframe (its kernel stack)" % A, ""))
        elif k in ("syscall", "syscall_enter"):
            out.append((t, "", "handle the trap: %s" % call_text(e), ""))
        elif k == "timer" and not p:
            out.append((t, "", "handle the trap: timer tick in the idle loop (wake the "
                        "sleepers whose time has come)", ""))
        elif k == "timer":
            out.append((t, "", "handle the trap: timer tick (switch() if %s's quantum is over)"
                        % A, ""))
        elif k == "device":
            out.append((t, "", "handle the trap: device interrupt", ""))
        elif k == "switch":
            prev = e["x"][0]
            if e["a"] == 1 and not p:
                out.append((t, "", "switch(): save the kernel registers of %s, restore those "
                            "of the idle loop (nothing is runnable)" % nm(prev), ""))
            elif e["a"] == 1 and not prev and not any(x["pid"] == p for x in events[:i]):
                out.append((t, "", "start %s: switch() from the idle loop to its kernel stack, "
                            "whose trapframe holds the program's pc and sp" % A, ""))
            elif e["a"] == 1 and not prev:
                out.append((t, "", "switch(): from the idle loop, restore the kernel registers "
                            "of %s" % A, ""))
            elif prev:
                out.append((t, "", "switch(): save the kernel registers of %s, restore those "
                            "of %s" % (nm(prev), A), ""))
            else:
                out.append((t, "", "start the first process, %s: switch() to its kernel "
                            "stack, whose trapframe holds the program's pc and sp" % A, ""))
        elif k == "return":
            out.append((t, "", "restore registers of %s from the trapframe; return-from-trap"
                        % A, ""))
            out.append((t, "restore registers of %s, enter user mode, jump to %s's pc" % (A, A),
                        ""))
            out.append((t, "", "", "%s runs in user mode" % A))
        elif k == "fault":
            out.append((t, "", "%s at %#x resolved (%s)" % (
                FAULT_NAME.get(e["x"][2], "fault"), e["x"][0],
                FAULT_HOW.get(e["x"][2], "how %d" % e["x"][2])), ""))
        elif k == "fault_fatal":
            out.append((t, "", "fatal fault at %#x (pc %#x): kill %s with signal %d"
                        % (e["x"][0], e["x"][1], A, e["a"]), ""))
        elif k == "exec":
            out.append((t, "", "exec: %s's new image is %s" % (A, exec_path(e)), ""))
        elif k == "state":
            out.append((t, "", "state of %s: %s" % (nm(e["x"][0]), state_text(e)), ""))
        elif k == "fork":
            out.append((t, "", "fork: %s creates %s" % (nm(e["x"][0]), nm(e["a"])), ""))
        elif k == "exit":
            if e["x"][0]:
                out.append((t, "", "exit: %s is a zombie (status %#x) until %s waits"
                            % (A, e["a"], nm(e["x"][0])), ""))
            else:
                out.append((t, "", "exit: %s, init, exits (status %#x): the kernel powers off"
                            % (A, e["a"]), ""))
        elif k == "ipc_call":
            out.append((t, "", "IPC call on endpoint %d by %s (label %d): it waits for a reply"
                        % (signed(e["a"] | (0 if e["a"] < 1 << 31 else -1 << 32)), A,
                           e["x"][0] & 0xffffffff), ""))
        elif k == "ipc_recv":
            out.append((t, "", "IPC recv on endpoint %d: %s gets %s's call"
                        % (e["a"], A, nm(e["x"][0])), ""))
        elif k == "ipc_reply":
            out.append((t, "", "IPC reply: %s answers %s" % (A, nm(e["x"][0])), ""))
        elif k == "boot":
            out.append((t, "", {1: "initialize the trap table (stvec)"}.get(e["a"], "boot"),
                        ""))
        elif k == "mark":
            out.append((t, "", "", "%s: mark %d" % (A, e["x"][0])))
        else:
            out.append((t, "", k, ""))
    return out


def fix_rows(r):
    """Hardware-column rows of a return come with no 3-tuple padding."""
    return [x if len(x) == 4 else (x[0], x[1], x[2], "") for x in r]


def format_table(title, events, names):
    r = fix_rows(rows(events, names))
    w = [10] + [max([len(h)] + [len(x[i]) for x in r])
                for i, h in ((1, "Hardware"), (2, "OS (kernel mode)"), (3, "Program (user mode)"))]
    lines = [title, "",
             "%-*s | %-*s | %-*s | %s" % (w[0], "instr", w[1], "Hardware", w[2],
                                          "OS (kernel mode)", "Program (user mode)"),
             "-+-".join("-" * n for n in w)]
    base = events[0]["icount"] if events else 0
    for t, hw, os_, prog in r:
        lines.append(("%+*d | %-*s | %-*s | %s" % (w[0], t - base, w[1], hw, w[2], os_, prog))
                     .rstrip())
    return "\n".join(lines) + "\n"


def mark_window(events, n):
    """The events between the two marks n (exclusive), or []."""
    idx = [i for i, e in enumerate(events) if e["kind"] == "mark" and e["x"][0] == n]
    if len(idx) < 2:
        return []
    # The syscall that recorded the second mark is the program's, not the scene's.
    w = events[idx[0] + 1:idx[1]]
    while w and w[-1]["kind"] in ("trap", "switch"):
        w = w[:-1]
    # ...and so are the return and trap just around the marks.
    start = next((i for i, e in enumerate(w) if e["kind"] == "return"), -1) + 1
    return w[start:]


def timer_switch_window(events):
    """From the first timer interrupt that ends in a switch to the return
    to user mode of the process switched to; one where that process was
    preempted before (as in the notes: B resumes where the timer left it)
    if there is one."""
    found = []
    for i, e in enumerate(events):
        if e["kind"] == "trap" and e["a"] == INTR | 5:
            for j in range(i + 1, len(events)):
                if events[j]["kind"] == "return":
                    b = events[j]["pid"]
                    if b != e["pid"]:
                        seen = any(x["pid"] == b and x["kind"] == "trap" and x["a"] == INTR | 5
                                   for x in events[:i])
                        found.append((not seen, events[i:j + 1]))
                    break
    return min(found, key=lambda f: f[0])[1] if found else []


def scene_windows(events):
    """The notes' scenes found in the events: (title, events)."""
    out = []
    first_ret = next((i for i, e in enumerate(events) if e["kind"] == "return"), None)
    if first_ret is not None:
        out.append(("Boot: from the trap table to the first return-from-trap into init",
                     events[:first_ret + 1]))
    for n, title in ((1, "A system call: getpid()"),):
        w = mark_window(events, n)
        if w:
            out.append((title, w))
    w = timer_switch_window(events)
    if w:
        out.append(("A timer interrupt: the OS switches from A to B", w))
    for n, title in ((3, "A yield ping-pong"), (4, "A pipe: a byte from a child to its parent"),
                     (5, "fork + exec + exit + wait")):
        w = mark_window(events, n)
        if w:
            out.append((title, w))
    return out


def text_tables(events):
    names = process_names(events)
    parts = []
    for title, w in scene_windows(events):
        parts.append(format_table("== %s ==" % title, w, names))
    return "\n".join(parts)


# ---- Chrome trace-event format ---------------------------------------------

def slices(events):
    """(pid, mode, start, end) for the time each process ran, in user or
    kernel mode. The one CPU runs the pid of the latest event; a process
    enters the kernel at a trap (TRAP_STAMP_OFFSET before its stamp) and
    leaves it at its return. Idle time goes to the process that went idle."""
    out = []
    cur, mode, start = None, None, None
    for e in events:
        t = e["icount"]
        if e["pid"] != cur:
            if cur is not None and t > start:
                out.append((cur, mode, start, t))
            cur, mode, start = e["pid"], "kernel", t
        if e["kind"] == "trap":
            t0 = max(trap_start(e), start)
            if mode == "user" and t0 > start:
                out.append((cur, mode, start, t0))
            if mode == "user":
                mode, start = "kernel", t0
        elif e["kind"] == "return":
            if t > start:
                out.append((cur, mode, start, t))
            mode, start = "user", t
    if cur is not None and events and events[-1]["icount"] > start:
        out.append((cur, mode, start, events[-1]["icount"]))
    return out


def chrome_trace(events):
    """The events as Chrome's trace-event format (ts in instructions)."""
    names = process_names(events)
    base = events[0]["icount"] if events else 0
    te = []
    pids = sorted({e["pid"] for e in events})
    for p in pids:
        te.append({"ph": "M", "name": "process_name", "pid": p, "tid": p, "ts": 0,
                   "args": {"name": "%s (pid %d)" % (names.get(p, "?"), p)}})
        te.append({"ph": "M", "name": "thread_name", "pid": p, "tid": p, "ts": 0,
                   "args": {"name": names.get(p, "?")}})
    for p, mode, a, b in slices(events):
        te.append({"ph": "X", "name": "user" if mode == "user" else "kernel", "cat": mode,
                   "cname": "good" if mode == "user" else "terrible", "pid": p, "tid": p,
                   "ts": a - base, "dur": b - a})
    flow = 0
    pending_call, pending_reply = {}, {}  # caller pid -> its call's ts; -> (server, reply ts)
    for e in events:
        p, t = e["pid"], e["icount"] - base
        k = e["kind"]
        common = {"pid": p, "tid": p, "ts": t}
        if k in ("syscall", "syscall_enter"):
            te.append(dict(common, ph="i", s="t", cat="syscall", name=call_text(e).split("(")[0],
                           args={"call": call_text(e)}))
            if k == "syscall" and SYSCALLS.get(e["a"]) == "ipc_call" and p in pending_reply:
                flow += 1
                srv, st = pending_reply.pop(p)
                te.append({"ph": "s", "id": flow, "cat": "ipc", "name": "reply", "pid": srv,
                           "tid": srv, "ts": st})
                te.append({"ph": "f", "bp": "e", "id": flow, "cat": "ipc", "name": "reply",
                           "pid": p, "tid": p, "ts": t})
        elif k == "timer":
            te.append(dict(common, ph="i", s="t", cat="interrupt", name="timer tick"))
        elif k == "device":
            te.append(dict(common, ph="i", s="t", cat="interrupt", name="device interrupt"))
        elif k == "fault":
            te.append(dict(common, ph="i", s="t", cat="fault",
                           name=FAULT_NAME.get(e["x"][2], "fault"),
                           args={"address": hex(e["x"][0]), "pc": hex(e["x"][1])}))
        elif k == "fault_fatal":
            te.append(dict(common, ph="i", s="t", cat="fault", name="fatal fault",
                           args={"address": hex(e["x"][0]), "pc": hex(e["x"][1]),
                                 "signal": e["a"]}))
        elif k == "trap" and e["a"] not in (8, INTR | 5, INTR | 9):
            te.append(dict(common, ph="i", s="t", cat="fault",
                           name=CAUSES.get(e["a"], "trap %#x" % e["a"]),
                           args={"stval": hex(e["x"][0])}))
        elif k == "exec":
            te.append(dict(common, ph="i", s="t", cat="process", name="exec " + exec_path(e)))
        elif k == "state":
            who = e["x"][0]
            te.append(dict(common, ph="i", s="t", cat="state", name=state_text(e),
                           pid=who if who in pids else p, tid=who if who in pids else p,
                           args={"pid": who, "state": STATES.get(e["a"], e["a"])}))
        elif k == "fork":
            te.append(dict(common, ph="i", s="t", cat="process", name="fork %d" % e["a"],
                           args={"parent": e["x"][0], "child": e["a"]}))
            parent = e["x"][0]
            if e["a"] in pids and parent in pids and parent != e["a"]:
                flow += 1
                te.append({"ph": "s", "id": flow, "cat": "fork", "name": "fork", "pid": parent,
                           "tid": parent, "ts": t})
                first = next(x for x in events if x["pid"] == e["a"])
                te.append({"ph": "f", "bp": "e", "id": flow, "cat": "fork", "name": "fork",
                           "pid": e["a"], "tid": e["a"], "ts": max(t, first["icount"] - base)})
        elif k == "exit":
            te.append(dict(common, ph="i", s="t", cat="process", name="exit",
                           args={"status": e["a"], "parent": e["x"][0]}))
        elif k in ("ipc_call", "ipc_recv", "ipc_reply"):
            if k == "ipc_call":
                args = {"endpoint": signed(e["a"] | (0 if e["a"] < 1 << 31 else -1 << 32)),
                        "info": hex(e["x"][0]), "words": [hex(w) for w in e["x"][1:5]]}
            else:
                args = {"caller": e["x"][0], "info": hex(e["x"][1]),
                        "words": [hex(w) for w in e["x"][2:5]]}
                if k == "ipc_recv":
                    args["endpoint"] = e["a"]
            te.append(dict(common, ph="i", s="t", cat="ipc", name=k.replace("_", " "),
                           args=args))
            if k == "ipc_call":
                pending_call[p] = t
            elif k == "ipc_recv" and e["x"][0] in pending_call:
                flow += 1
                c = e["x"][0]
                te.append({"ph": "s", "id": flow, "cat": "ipc", "name": "call", "pid": c,
                           "tid": c, "ts": pending_call.pop(c)})
                te.append({"ph": "f", "bp": "e", "id": flow, "cat": "ipc", "name": "call",
                           "pid": p, "tid": p, "ts": t})
            elif k == "ipc_reply":
                pending_reply[e["x"][0]] = (p, t)

        elif k == "mark":
            te.append(dict(common, ph="i", s="t", cat="mark", name="mark %d" % e["x"][0]))
        elif k == "switch":
            prev = e["x"][0]
            te.append(dict(common, ph="i", s="t", cat="switch",
                           name="switch %d -> %d" % (prev, p)))
            if prev in pids and prev != p:
                flow += 1
                te.append({"ph": "s", "id": flow, "cat": "switch", "name": "switch",
                           "pid": prev, "tid": prev, "ts": t})
                te.append({"ph": "f", "bp": "e", "id": flow, "cat": "switch", "name": "switch",
                           "pid": p, "tid": p, "ts": t})
    return {"traceEvents": te, "displayTimeUnit": "ns",
            "otherData": {"unit": "ts counts retired instructions (instret)"}}


# ---- the picture -----------------------------------------------------------

def state_spans(events):
    """(pid, state name, start, end) while a process waited off the CPU:
    runnable, sleeping or stopped, from its TL_STATE events."""
    out, since = [], {}
    for e in events:
        if e["kind"] != "state":
            continue
        who, t = e["x"][0], e["icount"]
        if who in since:
            st, a = since.pop(who)
            if t > a:
                out.append((who, st, a, t))
        st = STATES.get(e["a"], "")
        if st in ("runnable", "sleeping", "stopped"):
            since[who] = (st, t)
    end = events[-1]["icount"] if events else 0
    out += [(who, st, a, end) for who, (st, a) in since.items() if end > a]
    return out


def ipc_arrows(events):
    """(from pid, from icount, to pid, to icount, label): each call to the
    recv that took it, each reply to the end of the call it answered."""
    out, call, reply = [], {}, {}
    for e in events:
        k, p, t = e["kind"], e["pid"], e["icount"]
        if k == "ipc_call":
            call[p] = t
        elif k == "ipc_recv" and e["x"][0] in call:
            out.append((e["x"][0], call.pop(e["x"][0]), p, t, "call"))
        elif k == "ipc_reply":
            reply[e["x"][0]] = (p, t)
        elif k == "syscall" and SYSCALLS.get(e["a"]) == "ipc_call" and p in reply:
            srv, st = reply.pop(p)
            out.append((srv, st, p, t, "reply"))
    return out


def draw_png(events, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = process_names(events)
    base = events[0]["icount"] if events else 0
    pids = sorted({e["pid"] for e in events})
    row = {p: i for i, p in enumerate(pids)}
    fig, ax = plt.subplots(figsize=(14, 1.0 + 0.55 * len(pids)))
    colour = {"user": "#4c9a2a", "kernel": "#d1495b"}
    for mode in ("user", "kernel"):
        bars = [(p, a - base, b - a) for p, m, a, b in slices(events) if m == mode]
        for p, a, w in bars:
            ax.broken_barh([(a, w)], (row[p] - 0.35, 0.7), color=colour[mode], linewidth=0)
        ax.plot([], [], color=colour[mode], linewidth=8, label="%s mode" % mode)
    waiting = {"runnable": "#f2c14e", "sleeping": "#b8b8b8", "stopped": "#7a5195"}
    spans = [x for x in state_spans(events) if x[0] in row]
    for st in ("runnable", "sleeping", "stopped"):
        for p, _, a, b in (x for x in spans if x[1] == st):
            ax.broken_barh([(a - base, b - a)], (row[p] - 0.15, 0.3), color=waiting[st],
                           linewidth=0)
        if any(x[1] == st for x in spans):
            ax.plot([], [], color=waiting[st], linewidth=4, label="%s (off the CPU)" % st)
    for a, ta, b, tb, label in ipc_arrows(events):
        if a in row and b in row:
            ax.annotate("", xy=(tb - base, row[b]), xytext=(ta - base, row[a]),
                        arrowprops={"arrowstyle": "->", "color": "#2a9d8f", "lw": 1.2})
    if ipc_arrows(events):
        ax.plot([], [], color="#2a9d8f", label="IPC call / reply")
    marks = {"timer": ("v", "black", "timer tick"), "syscall": ("|", "#1f4e9c", "system call"),
             "fork": ("P", "#2a9d8f", "fork"), "exit": ("s", "black", "exit"),
             "exec": ("D", "#1f4e9c", "exec"), "device": ("^", "black", "device interrupt"),
             "syscall_enter": ("|", "#1f4e9c", None), "switch": ("x", "#e08a00", "switch"),
             "fault": ("*", "purple", "page fault"),
             "fault_fatal": ("X", "black", "fatal fault")}
    seen = set()
    for e in events:
        m = marks.get(e["kind"])
        if not m:
            continue
        label = m[2] if m[2] and m[2] not in seen else None
        seen.add(m[2])
        ax.plot(e["icount"] - base, row[e["pid"]] + (0.45 if e["kind"] != "syscall" else 0),
                marker=m[0], color=m[1], linestyle="", markersize=6, label=label)
    ax.set_yticks(range(len(pids)))
    ax.set_yticklabels(["%s (%d)" % (names.get(p, "?"), p) for p in pids])
    ax.set_ylim(-0.7, len(pids) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel("retired instructions (from the first event)")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def write_all(text, out, title=None):
    events = parse(text)
    with open(out + ".txt", "w") as f:
        f.write(text_tables(events))
    with open(out + ".json", "w") as f:
        json.dump(chrome_trace(events), f, indent=0, sort_keys=True)
        f.write("\n")
    names = process_names(events)
    ran = ", ".join("%s %d" % (names.get(p, "?"), p) for p in sorted({e["pid"] for e in events}) if p)
    draw_png(events, out + ".png", title or "lde: limited direct execution: %s" % ran)
    return events


def boot(append, timeout=300):
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import lde
    # The test initrd, unless INITRD says otherwise: APPEND may name any
    # program as init (make run's initrd has only what brings the disk up).
    r = lde.boot(append=append, timeout=timeout, icount=None,
                 initrd=os.environ.get("INITRD") or lde.TEST_INITRD,
                 env={"QEMU_EXTRA": ("-icount shift=0,sleep=off " +
                                     os.environ.get("QEMU_EXTRA", "")).strip()})
    if r.status != 0:
        raise SystemExit("timeline: lde exited with status %s:\n%s" % (r.status, r.out[-2000:]))
    return r.out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("boot")
    b.add_argument("append", nargs="?", default=DEFAULT_APPEND)
    b.add_argument("--dump", required=True)
    d = sub.add_parser("draw")
    d.add_argument("dump")
    d.add_argument("--out", required=True, help="path without extension")
    d.add_argument("--title")
    a = ap.parse_args(argv)
    if a.cmd == "boot":
        out = boot(a.append or DEFAULT_APPEND)
        parse(out)
        with open(a.dump, "w") as f:
            f.write(out)
    else:
        with open(a.dump) as f:
            write_all(f.read(), a.out, a.title)


if __name__ == "__main__":
    main()
