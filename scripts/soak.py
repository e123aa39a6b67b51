#!/usr/bin/python3
"""Soak: the fuzzer, the exhaustion cases and the load mix, boot after boot,
until SECONDS have passed; then one summary.

Usage: scripts/soak.py [--seconds N] [--seed S] [--calls C] [-j J]

Each round boots, in turn:
  fuzz      init=/fuzz SEED CALLS 6 under -icount shift 3 (repeatable:
            scripts/fuzz.py --replay SEED), quantum cycling 10, 1, 3
  exhaust   init=/t_exhaust all: process table, memory, pipes, descriptors,
            stack, each used up and given back
  load      quantum=1 init=/t_load 10000: 32 processes for 10 s of uptime
J boots run at once (default 2). A boot fails on a panic or kernel trap, a
FAIL line, a leak, a QEMU status other than 0, or a hang (its timeout).

The summary: boots of each kind, system calls fuzzed, processes created,
faults taken (workers killed by signals, and the faults the kernel reported
with its "killed:" lines), pages leaked (must be 0), and the duration
reached without a failure. Exit status 1 if anything failed. Logs of failed
boots are kept in build/soak-logs/.
"""
import argparse
import concurrent.futures
import os
import re
import sys
import time

import fuzz  # scripts/fuzz.py: a fuzzer boot and its replay command
from fuzz import ROOT, lde  # tests/lde.py: booting lde, the verdict on a boot

LOG_DIR = os.path.join(ROOT, "build", "soak-logs")
EXHAUST_RE = re.compile(r"^exhaust-summary: modes=(\d+) processes=(\d+) faults=(\d+) "
                        r"leaked=(?P<leaked>-?\d+)$", re.M)
LOAD_RE = re.compile(r"^load-summary: ms=(\d+) processes=(\d+) forks=(\d+) bytes=(\d+) "
                     r"longest_wait_ms=(\d+) leaked=(?P<leaked>-?\d+)$", re.M)


def run_fuzz(seed, calls, quantum):
    r = fuzz.run_one(seed, calls, 6, quantum, 3, None, 120 + calls / 200)
    return dict(kind="fuzz", name="fuzz seed %d quantum %d" % (seed, quantum), secs=r["secs"],
                problems=r["problems"], calls=r["calls"], processes=r["processes"],
                faults=r["signaled"], kfaults=r["kfaults"], leaked=r["leaked"],
                replay=fuzz.replay_command(seed, calls, 6, quantum, 3, None), log=r["log"])


def run_prog(kind, append, timeout, summary_re):
    status, out, secs = fuzz.boot(append, 0, None, timeout)
    problems = lde.judge(status, out, summary_re)
    m = summary_re.search(out)
    if status == 0 and not re.search(r"^PASS: ", out, re.M):
        problems.append("no PASS line")
    r = dict(kind=kind, name=kind, secs=secs, problems=problems, calls=0, processes=0, faults=0,
             kfaults=len(lde.KFAULT_RE.findall(out)), leaked=0, replay="make run "
             "INITRD=build/initrd-test.cpio APPEND='%s'" % append, extra="")
    if m and kind == "exhaust":
        r.update(processes=int(m.group(2)), faults=int(m.group(3)), leaked=int(m.group(4)))
    if m and kind == "load":
        r.update(processes=int(m.group(2)), leaked=int(m.group(6)),
                 extra="%.0f MB through pipes, longest wait in a call %s ms" % (
                     int(m.group(4)) / 1e6, m.group(5)))
    os.makedirs(LOG_DIR, exist_ok=True)
    r["log"] = os.path.join(LOG_DIR, "%s-%d.log" % (kind, int(time.time() * 1000) % 10**9))
    if problems:
        with open(r["log"], "w") as f:
            f.write(out)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--calls", type=int, default=50000, help="calls per fuzz boot")
    ap.add_argument("-j", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    args = ap.parse_args()
    for f in ("build/kernel.elf", os.environ.get("INITRD", "build/initrd-test.cpio")):
        if not os.path.exists(os.path.join(ROOT, f)):
            sys.exit("soak.py: %s is missing: make all build/initrd-test.cpio" % f)
    seed0 = args.seed if args.seed is not None else int(time.time()) % 1000000
    quanta = [10, 1, 3]
    print("soak.py: for %g s, %d boots at once; fuzz seeds from %d, %d calls per boot" % (
        args.seconds, args.j, seed0, args.calls))
    sys.stdout.flush()
    start = time.monotonic()
    counter = [0]
    first_failure = [None]

    def next_job():
        n = counter[0]
        counter[0] += 1
        kind = ("fuzz", "exhaust", "fuzz", "load")[n % 4]
        if kind == "fuzz":
            seed = seed0 + n // 2
            return lambda: run_fuzz(seed, args.calls, quanta[(n // 2) % 3])
        if kind == "exhaust":
            return lambda: run_prog("exhaust", "init=/t_exhaust all", 180, EXHAUST_RE)
        return lambda: run_prog("load", "quantum=1 init=/t_load 10000", 180, LOAD_RE)

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        running = set()
        while True:
            while len(running) < args.j and time.monotonic() - start < args.seconds:
                running.add(pool.submit(next_job()))
            if not running:
                break
            done, running = concurrent.futures.wait(
                running, return_when=concurrent.futures.FIRST_COMPLETED)
            for f in done:
                r = f.result()
                results.append(r)
                t = time.monotonic() - start
                if r["problems"] and first_failure[0] is None:
                    first_failure[0] = t
                what = "%d calls, " % r["calls"] if r["kind"] == "fuzz" else ""
                print("[%5.0f s] %-28s %.1f s, %s%d processes%s: %s" % (
                    t, r["name"], r["secs"], what, r["processes"],
                    (", " + r["extra"]) if r.get("extra") else "",
                    "OK" if not r["problems"] else "FAILED"))
                for p in r["problems"]:
                    print("    " + p)
                if r["problems"]:
                    print("    log: %s\n    replay: %s" % (os.path.relpath(r["log"], ROOT),
                                                        r["replay"]))
                sys.stdout.flush()
    wall = time.monotonic() - start
    by = {k: [r for r in results if r["kind"] == k] for k in ("fuzz", "exhaust", "load")}
    failed = [r for r in results if r["problems"]]
    print("soak.py: %d boots in %.0f s (%d fuzz, %d exhaust, %d load)" % (
        len(results), wall, len(by["fuzz"]), len(by["exhaust"]), len(by["load"])))
    print("soak.py: calls made %d, processes created %d, faults taken %d (workers and test"
          " children killed by signals) + %d reported by the kernel, pages leaked %d" % (
              sum(r["calls"] for r in results), sum(r["processes"] for r in results),
              sum(r["faults"] for r in results), sum(r["kfaults"] for r in results),
              sum(r["leaked"] for r in results)))
    if failed:
        print("soak.py: FAILED: %d boots; first failure after %.0f s" % (len(failed),
                                                                         first_failure[0]))
        for r in failed:
            print("  %s: %s" % (r["name"], r["problems"][0]))
        return 1
    print("soak.py: duration reached without failure: %.0f s" % wall)
    return 0


if __name__ == "__main__":
    sys.exit(main())
