#!/usr/bin/python3
"""Long system-call fuzzing: boot after boot of user/fuzz.c as init, each
with its own seed, until SECONDS have passed; then what was found.

Usage: scripts/fuzz.py [--seconds N] [--seed S] [--calls C] [--workers W]
                       [--quantum 10,1,3] [--mem 128M] [--icount SHIFT] [-j J]
       scripts/fuzz.py --replay SEED [--calls C --workers W --quantum Q ...]

Every boot runs `init=/fuzz SEED CALLS WORKERS` under QEMU's -icount (shift 3
by default: the guest's clock counts instructions), which makes a boot's run
repeat exactly, scheduling included: any finding replays with the command
printed beside it. --icount 0 runs in real time instead (not repeatable).
Seeds are S, S+1, S+2...; the quantum cycles through the list.

A boot finds something when the kernel panics or traps, a check in the
fuzzer fails (FAIL lines: the fuzzer's own checks of the results, the
sentinel's memory, pages leaked), QEMU's status is not 0, or it hangs (the
boot's timeout). Its console log is kept in build/fuzz-logs/.

The summary: boots, calls made, calls per second (of guest uptime, and of
the host's wall clock), processes created, workers killed by signals, faults
the kernel reported (its "lde: pid N (...) killed: ..." lines), pages
leaked, the longest stall the fuzzer's heartbeat saw (its fuzz-stall line),
and the findings with their seeds. Exit status 1 if anything was
found. Needs build/kernel.elf and the test initrd (make fuzz builds both).
"""
import argparse
import concurrent.futures
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import lde  # noqa: E402  (booting lde, reading its console: tests/lde.py)

LOG_DIR = os.path.join(ROOT, "build", "fuzz-logs")

SUMMARY_RE = re.compile(r"^fuzz-summary: seed=(\d+) calls=(\d+) ms=(\d+) processes=(\d+) "
                        r"signaled=(\d+) min_free=(-?\d+) leaked=(?P<leaked>-?\d+)$", re.M)
STALL_RE = re.compile(r"^fuzz-stall: longest_gap_ms=(-?\d+) long_callers=(\d+)", re.M)
PROGRESS_RE = re.compile(r"^fuzz: (\d+) calls, \d+ workers, (\d+) ms$", re.M)


def boot(append, icount, mem, timeout):
    """One boot of the test initrd; (status or None on timeout, output, seconds)."""
    r = lde.boot(append, {"QEMU_MEM": mem} if mem else None, timeout,
                 initrd=os.environ.get("INITRD", "build/initrd-test.cpio"), icount=icount)
    return r.status, r.out, r.secs


def fuzz_append(seed, calls, workers, quantum):
    return "quantum=%d init=/fuzz %d %d %d" % (quantum, seed, calls, workers)


def replay_command(seed, calls, workers, quantum, icount, mem):
    parts = ["make run INITRD=build/initrd-test.cpio"]
    if mem:
        parts.append("QEMU_MEM=%s" % mem)
    if icount:
        parts.append("QEMU_EXTRA='-icount shift=%d,sleep=off'" % icount)
    parts.append("APPEND='%s'" % fuzz_append(seed, calls, workers, quantum))
    return " ".join(parts)


def signature(problems):
    """What kind of finding: the backtrace for a kernel trap, the check's
    line for a FAIL, else the first problem, with its numbers blurred."""
    for p in problems:
        if p.startswith("backtrace: "):
            return "kernel trap at " + p[len("backtrace: "):]
    for p in problems:
        m = re.search(r"call (\d+)\(.*check at (\S+),", p)
        if m:
            return "FAIL: call %s, check at %s" % (m.group(1), m.group(2))
    return re.sub(r"\d+", "N", problems[0]) if problems else "?"


def run_one(seed, calls, workers, quantum, icount, mem, timeout):
    status, out, secs = boot(fuzz_append(seed, calls, workers, quantum), icount, mem, timeout)
    problems = lde.judge(status, out, SUMMARY_RE)
    m = SUMMARY_RE.search(out)
    stats = {"calls": 0, "ms": 0, "processes": 0, "signaled": 0, "leaked": 0, "min_free": None}
    if m:
        stats.update(calls=int(m.group(2)), ms=int(m.group(3)), processes=int(m.group(4)),
                     signaled=int(m.group(5)), min_free=int(m.group(6)), leaked=int(m.group(7)))
    else:	# it died on the way: the last progress line says how far it got
        prog = PROGRESS_RE.findall(out)
        if prog:
            stats.update(calls=int(prog[-1][0]), ms=int(prog[-1][1]))
    m = STALL_RE.search(out)
    stats["stall_ms"] = int(m.group(1)) if m else None
    stats["long_callers"] = int(m.group(2)) if m else 0
    faults = lde.KFAULT_RE.findall(out)
    stats["kfaults"] = len(faults)
    stats["oom"] = sum(1 for f in faults if f == "out of memory")
    os.makedirs(LOG_DIR, exist_ok=True)
    log = os.path.join(LOG_DIR, "seed-%d.log" % seed)
    if problems:
        with open(log, "w") as f:
            f.write(out)
    elif os.path.exists(log):
        os.remove(log)
    return dict(seed=seed, quantum=quantum, target=calls, workers=workers, secs=secs,
                problems=problems, log=log, **stats)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="keep booting until then")
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: from the clock)")
    ap.add_argument("--calls", type=int, default=100000, help="calls per boot")
    ap.add_argument("--workers", type=int, default=6)
    ap.add_argument("--quantum", default="10,1,3", help="kernel quanta (ms), cycled")
    ap.add_argument("--mem", default=None, help="QEMU_MEM for every boot")
    ap.add_argument("--icount", type=int, default=3, help="-icount shift (0: real time)")
    ap.add_argument("-j", type=int, default=max(1, min(2, os.cpu_count() or 1)),
                    help="boots at once")
    ap.add_argument("--replay", type=int, default=None, help="run this one seed once")
    args = ap.parse_args()
    for f in ("build/kernel.elf", os.environ.get("INITRD", "build/initrd-test.cpio")):
        if not os.path.exists(os.path.join(ROOT, f)):
            sys.exit("fuzz.py: %s is missing: make all build/initrd-test.cpio" % f)
    quanta = [int(q) for q in args.quantum.split(",") if q]
    seed0 = args.replay if args.replay is not None else (
        args.seed if args.seed is not None else int(time.time()) % 1000000)
    # A boot's guest time is about calls / 3000 s; the host's, less under
    # icount shift 3. The timeout is generous: only a hang reaches it.
    timeout = 120 + args.calls / 200
    print("fuzz.py: seeds from %d, %d calls per boot, %d workers, quanta %s, icount %s, "
          "%d at once, for %g s" % (seed0, args.calls, args.workers, quanta,
                                    "shift=%d" % args.icount if args.icount else "off", args.j,
                                    args.seconds if args.replay is None else 0))
    sys.stdout.flush()
    start = time.monotonic()
    results = []
    next_seed = [seed0]

    def next_job():
        s = next_seed[0]
        next_seed[0] += 1
        return s, quanta[(s - seed0) % len(quanta)]

    def calls_for(remaining):
        """--calls, or fewer when the time left would not hold them: at the
        rate measured so far (host time per QEMU), or 1500 calls/s."""
        host = sum(r["secs"] for r in results)
        rate = sum(r["calls"] for r in results) / host if host > 0 else 1500
        return int(max(5000, min(args.calls, rate * max(remaining, 0))))

    def report(r):
        line = "boot seed %d quantum %d: %d calls in %.1f s guest, %.1f s host, %d processes" % (
            r["seed"], r["quantum"], r["calls"], r["ms"] / 1000, r["secs"], r["processes"])
        if r["min_free"] is not None:
            line += ", %d pages free at the lowest" % r["min_free"]
        if r["stall_ms"] is not None:
            line += ", longest stall %d ms (%d long callers)" % (r["stall_ms"], r["long_callers"])
        print(line + (": OK" if not r["problems"] else ": FOUND"))
        for p in r["problems"]:
            print("    " + p)
        if r["problems"]:
            print("    log: %s" % os.path.relpath(r["log"], ROOT))
            print("    replay: " + replay_command(r["seed"], r["target"], r["workers"],
                                                  r["quantum"], args.icount, args.mem))
        sys.stdout.flush()

    if args.replay is not None:
        r = run_one(args.replay, args.calls, args.workers, quanta[0], args.icount, args.mem, timeout)
        report(r)
        results.append(r)
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
            running = set()
            while True:
                while len(running) < args.j and time.monotonic() - start < args.seconds:
                    s, q = next_job()
                    calls = calls_for(args.seconds - (time.monotonic() - start))
                    running.add(pool.submit(run_one, s, calls, args.workers, q, args.icount,
                                            args.mem, timeout))
                if not running:
                    break
                done, running = concurrent.futures.wait(
                    running, return_when=concurrent.futures.FIRST_COMPLETED)
                for f in done:
                    r = f.result()
                    results.append(r)
                    report(r)
    wall = time.monotonic() - start
    calls = sum(r["calls"] for r in results)
    guest = sum(r["ms"] for r in results) / 1000
    host = sum(r["secs"] for r in results)
    found = [r for r in results if r["problems"]]
    print("fuzz.py: %d boots in %.0f s: %d calls, %.0f calls/s of guest uptime, %.0f calls/s of"
          " host time per QEMU, %.0f calls/s overall" % (
              len(results), wall, calls, calls / guest if guest else 0, calls / host if host else 0,
              calls / wall if wall else 0))
    print("fuzz.py: %d processes created, %d workers killed by signals, %d faults reported by"
          " the kernel (%d out of memory), pages leaked %d" % (
              sum(r["processes"] for r in results), sum(r["signaled"] for r in results),
              sum(r["kfaults"] for r in results), sum(r["oom"] for r in results),
              sum(r["leaked"] for r in results)))
    stalls = [r for r in results if r["stall_ms"] is not None]
    if stalls:
        worst = max(stalls, key=lambda r: r["stall_ms"])
        print("fuzz.py: longest stall %d ms (seed %d, quantum %d): the longest a heartbeat"
              " sleeping 2 ms waited for the CPU, queueing behind the runnable processes"
              " included; %d long callers in all" % (
                  worst["stall_ms"], worst["seed"], worst["quantum"],
                  sum(r["long_callers"] for r in results)))
    if found:
        print("fuzz.py: FOUND in %d of %d boots:" % (len(found), len(results)))
        groups = {}
        for r in sorted(found, key=lambda r: r["seed"]):
            groups.setdefault(signature(r["problems"]), []).append(r)
        for sig, rs in groups.items():
            print("  %s\n    seeds %s (first: %s)" % (
                sig, ", ".join(str(r["seed"]) for r in rs), rs[0]["problems"][0]))
        return 1
    print("fuzz.py: nothing found (seeds %d..%d)" % (seed0, seed0 + len(results) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
