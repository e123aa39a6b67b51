#!/usr/bin/python3
"""make schedbench: the notes' scheduling workloads (user/schedbench.c)
under each policy, sched=rr (round robin) and sched=fair (weighted fair
sharing, the default), booted under `-icount shift=4,sleep=off`, where the
guest's clock is its instruction count: every figure is exact and repeats
(the script runs each policy twice and checks that). Prints the mean
turnaround and response time of each workload under both, side by side
(docs/scheduling.md shows the table)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import lde  # noqa: E402  (booting lde, reading its console: tests/lde.py)
# The programs run as init must be in the initrd: the test initrd has every
# one (make run's has only what brings the disk up). INITRD chooses another.
os.environ.setdefault("INITRD", lde.TEST_INITRD)

ICOUNT = "-icount shift=4,sleep=off"
POLICIES = ("rr", "fair")


def run(policy):
    r = lde.boot("sched=%s init=/schedbench" % policy, {"QEMU_EXTRA": ICOUNT}, timeout=300)
    rows = {m.group(1): (int(m.group(2)), int(m.group(3)), int(m.group(4)))
            for m in re.finditer(r"^SCHEDBENCH (\w+) (\d+) (\d+) (\d+)$", r.out, re.M)}
    if r.status != 0 or not rows:
        sys.exit("schedbench: the sched=%s run failed (%s):\n%s" % (
            policy, "timed out" if r.status is None else "status %d" % r.status, r.out[-3000:]))
    return rows


def ms(us):
    return "%.1f" % (us / 1000.0)


def main():
    res = {}
    for policy in POLICIES:
        first, second = run(policy), run(policy)
        if first != second:
            sys.exit("schedbench: two sched=%s runs differ: the figures are not exact" % policy)
        res[policy] = first
    print("schedbench: mean turnaround and response time (ms) under %s, quantum 10 ms" % ICOUNT)
    print("(two runs of each policy agree exactly)")
    print()
    print("| workload | jobs | turnaround rr | turnaround fair | response rr | response fair |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in res["rr"]:
        rr, fair = res["rr"][name], res["fair"].get(name)
        if fair is None:
            sys.exit("schedbench: %s missing from the sched=fair run" % name)
        print("| %s | %d | %s | %s | %s | %s |" % (name, rr[0], ms(rr[1]), ms(fair[1]), ms(rr[2]),
                                                   ms(fair[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
