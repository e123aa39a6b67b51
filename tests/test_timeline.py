"""scripts/timeline.py on real captures (docs/timeline.md): the notes'
table for a system call, the Perfetto trace, the picture, make's
dependencies, repeatability, and how the table's instruction counts relate
to `make bench`'s. The kernel side's own tests are tests/suites/timeline.py."""
import importlib.util
import json
import os
import re
import tempfile

import pytest

import lde

_spec = importlib.util.spec_from_file_location("timeline_script",
                                               os.path.join(lde.ROOT, "scripts", "timeline.py"))
tl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tl)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """make timeline's default scenes, booted twice, each drawn."""
    out = []
    for i in range(2):
        d = tmp_path_factory.mktemp("timeline%d" % i)
        text = tl.boot(tl.DEFAULT_APPEND)
        events = tl.write_all(text, str(d / "timeline"))
        out.append((d, events))
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_two_runs_identical(runs):
    (a, _), (b, _) = runs
    for ext in ("txt", "json"):
        assert read(a / ("timeline." + ext)) == read(b / ("timeline." + ext)), ext


def table_section(text, title):
    m = re.search(r"^== %s ==\n(.*?)(?=^== |\Z)" % re.escape(title), text, re.M | re.S)
    assert m, "no section " + title
    return m.group(1)


def test_getpid_in_the_notes_order(runs):
    d, _ = runs[0]
    sec = table_section(read(d / "timeline.txt").decode(), "A system call: getpid()")
    steps = ["system call getpid(): trap (ecall)",
             "trap: save the pc of", "save registers of tl_demo 1 to the trapframe",
             "handle the trap: getpid() = 1", "return-from-trap",
             "restore registers of tl_demo 1, enter user mode, jump to",
             "tl_demo 1 runs in user mode"]
    at = [sec.find(s) for s in steps]
    assert -1 not in at, list(zip(steps, at))
    assert at == sorted(at), "steps out of the notes' order"
    counts = [int(l.split("|")[0]) for l in sec.splitlines() if re.match(r"^\s+[-+]\d+ \|", l)]
    # The trap row is TRAP_STAMP_OFFSET before the registers are saved.
    assert counts[0] == -tl.TRAP_STAMP_OFFSET and counts[2] == 0 and counts == sorted(counts)


def test_timer_switch_table(runs):
    d, _ = runs[0]
    sec = table_section(read(d / "timeline.txt").decode(),
                        "A timer interrupt: the OS switches from A to B")
    m = re.search(r"timer interrupt: save the pc of (tl_demo \d+)", sec)
    assert m
    a = m.group(1)
    b = re.search(r"switch\(\): save the kernel registers of %s, restore those of (tl_demo \d+)"
                  % a, sec).group(1)
    assert a != b
    order = ["save registers of %s to the trapframe" % a, "timer tick", "switch()",
             "restore registers of %s from the trapframe; return-from-trap" % b,
             "jump to %s's pc" % b, "%s runs in user mode" % b]
    at = [sec.find(s) for s in order]
    assert -1 not in at and at == sorted(at), list(zip(order, at))


def test_chrome_trace(runs):
    d, events = runs[0]
    trace = json.loads(read(d / "timeline.json"))
    te = trace["traceEvents"]
    for e in te:
        for k in ("ph", "ts", "pid", "tid", "name"):
            assert k in e, (k, e)
        if e["ph"] == "X":
            assert e["dur"] > 0 and e["cat"] in ("user", "kernel")
    named = {e["pid"] for e in te if e["ph"] == "M" and e["name"] == "process_name"}
    assert named == {e["pid"] for e in events}
    # Every process that ran has user time and kernel time of its own.
    for p in named - {0}:
        cats = {e["cat"] for e in te if e["ph"] == "X" and e["pid"] == p}
        assert cats == {"user", "kernel"}, (p, cats)
    assert sum(e["ph"] == "B" for e in te) == sum(e["ph"] == "E" for e in te)
    starts = sorted(e["id"] for e in te if e["ph"] == "s")
    assert starts and starts == sorted(e["id"] for e in te if e["ph"] == "f")
    calls = [e for e in te if e.get("cat") == "syscall"]
    assert any(e["args"]["call"] == "getpid() = 1" for e in calls)


def test_png(runs):
    d, _ = runs[0]
    png = read(d / "timeline.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000


def test_png_redrawn_when_events_change():
    p = lde.subprocess.run(["make", "-n", "-W", "build/timeline.dump", "build/timeline.png"],
                           cwd=lde.ROOT, capture_output=True, text=True)
    assert "timeline.py draw" in p.stdout, p.stdout + p.stderr
    p = lde.subprocess.run(["make", "-n", "-W", "build/kernel.elf", "build/timeline.png"],
                           cwd=lde.ROOT, capture_output=True, text=True)
    assert "timeline.py boot" in p.stdout, p.stdout + p.stderr


def bench_getpid(append):
    r = lde.boot(append=append, timeout=60, env={"QEMU_EXTRA": "-icount shift=0,sleep=off"})
    assert r.status == 0, r.out[-2000:]
    n = int(re.search(r"^BENCH getpid (\d+) ", r.out, re.M).group(1))
    return n, r.out


def test_counts_agree_with_bench():
    """The timeline's counts are bench's: with recording on, every getpid in
    bench's loop is the same number of instructions after the one before,
    and that is what bench reports for getpid plus its loop's own 2
    instructions (bench subtracts them). With recording off the same call
    costs the recorder's price less (docs/timeline.md)."""
    plain, _ = bench_getpid("init=/bench only getpid")
    recorded, out = bench_getpid("timeline=all init=/bench only getpid")
    stamps = [e["icount"] for e in tl.parse(out)
              if e["kind"] == "trap" and e["a"] == 8 and e["x"][0] == 4]
    assert len(stamps) == 100
    gaps = {b - a for a, b in zip(stamps, stamps[1:])}
    assert gaps == {recorded + 2}, (gaps, recorded)
    assert plain < recorded


def test_faults_drawn():
    """t_timeline faults' three faults, told apart in the table, the trace
    and the picture's marks: pid 1's lazy heap page, pid 2's copy on write,
    pid 2's fatal null write."""
    events = tl.parse(tl.boot("timeline=all init=/t_timeline faults"))
    names = tl.process_names(events)
    table = "\n".join(" | ".join(r[1:]) for r in tl.rows(events, names))
    for want in (r"lazy page fault at 0x[0-9a-f]+ resolved \(lazy: a fresh page mapped\)",
                 r"copy-on-write fault at 0x[0-9a-f]+ resolved \(copy on write",
                 r"fatal fault at 0x8 \(pc 0x[0-9a-f]+\): kill t_timeline 2 with signal 11"):
        assert re.search(want, table), want
    te = tl.chrome_trace(events)["traceEvents"]
    faults = [(e["pid"], e["name"]) for e in te if e.get("cat") == "fault"]
    for want in ((1, "lazy page fault"), (2, "copy-on-write fault"), (2, "fatal fault")):
        assert want in faults, (want, faults)
    assert [p for p, n in faults if n == "fatal fault"] == [2]


def test_switch_stamped_in_swtch(runs):
    """Every switch is stamped by the recording swtch (a = 1), just before
    the registers change: after everything the old process's kernel code
    recorded but what the switch records with it (state changes, an
    exit), and before anything of the new one's. The table's switch() row comes between the old process's trap
    and the new one's return-from-trap, with counts strictly between."""
    _, events = runs[0]
    switches = [i for i, e in enumerate(events) if e["kind"] == "switch" and e["x"][0]]
    assert len(switches) > 10
    for i in switches:
        e = events[i]
        assert e["a"] == 1, e
        nxt = next(x for x in events[i + 1:] if x["pid"] == e["pid"] and x["kind"] != "state")
        assert nxt["icount"] > e["icount"], (e, nxt)
        before = [x for x in events[:i] if x["kind"] not in ("state", "exit")][-1]
        assert before["icount"] < e["icount"], (before, e)
    d, _ = runs[0]
    sec = table_section(read(d / "timeline.txt").decode(),
                        "A timer interrupt: the OS switches from A to B")
    counts = {}
    for line in sec.splitlines():
        f = line.split("|")
        if len(f) == 4 and re.match(r"^\s*[-+]\d+\s*$", f[0]):
            for key in ("timer tick", "switch(): save", "return-from-trap"):
                if key in f[2]:
                    counts.setdefault(key, int(f[0]))
    assert counts["timer tick"] < counts["switch(): save"] < counts["return-from-trap"], counts


# docs/performance.md's operations, by make bench's row names.
PERF_ROWS = {"getpid": "null system call", "yield_self": "`yield()`, nothing else runnable",
             "yield_switch": "context switch", "yield_switch_fp": "context switch, FP",
             "pipe_roundtrip": "pipe round trip", "pipe_hop": "pipe hop",
             "fork_exit_wait": "`fork()+exit()+wait()`", "fork_exec_wait": "`fork()+exec()+wait()`",
             "sbrk_page": "`sbrk` growth", "timer_tick": "timer tick",
             "ipc_call": "IPC call, one way", "ipc_roundtrip": "IPC round trip",
             "ipc_lease_4k": "IPC with a 4 KiB lease", "ntfn_wake": "notification wake-up",
             "irq_to_driver": "device interrupt to driver",
             "signal_roundtrip": "signal round trip"}


def test_bench_unchanged_with_recording_off():
    """With recording off, bench's rows are the figures docs/performance.md
    gives (make bench printed them before the timeline had its events):
    nothing of the timeline runs on the benchmarked paths, not a single
    instruction. Boot is left out: its count moves with the initrd's
    bytes."""
    with open(os.path.join(lde.ROOT, "docs", "performance.md")) as f:
        doc = f.read()
    # make bench's initrd (build/initrd-bench.cpio), not the tests' (exec's
    # figure depends on it), and a scratch disk for its irq_to_driver
    # driver, as scripts/bench.py gives it.
    with tempfile.NamedTemporaryFile(prefix="lde-bench-", suffix=".img") as disk:
        disk.write(bytes(64 * 1024))
        disk.flush()
        r = lde.boot(append="quantum=1 init=/bench", timeout=600,
                     initrd=lde.BENCH_INITRD,
                     env={"QEMU_EXTRA": "-icount shift=0,sleep=off", "DISK": disk.name})
    assert r.status == 0, r.out[-2000:]
    for name, op in PERF_ROWS.items():
        m = re.search(r"^\| %s \|.*\| \*\*([\d,]+)\*\* \|" % re.escape(op), doc, re.M)
        assert m, op
        got = int(re.search(r"^BENCH %s (\d+) " % name, r.out, re.M).group(1))
        assert got == int(m.group(1).replace(",", "")), (name, got, m.group(1))
