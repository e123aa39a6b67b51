#!/usr/bin/python3
"""make bench: lde's exact benchmarks.

Boots lde with init=/bench under `-icount shift=0,sleep=off`, where instret
counts every instruction the machine retires and a run repeats to the
instruction; does it twice and checks that both runs agree exactly. Then
boots it 5 more times without icount for the wall-clock time per operation
(the median; informative only). Prints a table with the xv6-riscv
instruction counts and lde's targets next to lde's counts (the wall-clock
column comes last: it is not comparable with them), and writes
build/bench.tsv.
"""
import os
import re
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import lde  # noqa: E402  (booting lde, reading its console: tests/lde.py)
APPEND = "quantum=1 init=/bench"  # quantum=1: many ticks for timer_tick
BLK_APPEND = "quantum=1 init=/blkbench"
FS_APPEND = "init=/fsbench"
ICOUNT = "-icount shift=0,sleep=off"
WALL_RUNS = 5
# Always make bench's own initrd (the Makefile's "Three initrds"), whatever
# INITRD says: the bring-up set that `make run` boots plus the programs
# above and what they exec from the initrd (/true, /t_dev). The exec and
# boot rows depend on the initrd's contents; boot_to_init is then make
# run's boot plus these five programs' entries.
INITRD = lde.BENCH_INITRD

# name: (what it measures, xv6-riscv measured, lde target) -- issue #5
ROWS = {
    "getpid": ("null system call, getpid() round trip", 1128, 120),
    "yield_self": ("yield() with nothing else runnable", None, None),
    "yield_switch": ("context switch, two processes yield-ping-ponging", None, 600),
    "yield_switch_fp": ("the same, each with dirty FP registers (lazy save and load)", None, None),
    "pipe_roundtrip": ("1 byte each way over two pipes", 95768, None),
    "pipe_hop": ("one-way pipe hop (round trip / 2)", 47884, 2400),
    "fork_exit_wait": ("fork()+exit()+wait(), child does nothing", 518692, 52000),
    "fork_exec_wait": ("fork()+exec()+wait() of /true", 1455851, 146000),
    "sbrk_page": ("sbrk +1 page, touch, sbrk -1 page", 40547, 4000),
    "timer_tick": ("kernel instructions per timer interrupt", 32119, 1600),
    "ipc_call": ("IPC call, one way: client's call to server's recv returning", None, 200),
    "ipc_roundtrip": ("IPC call + reply_recv round trip, register message", None, 400),
    "ipc_lease_4k": ("IPC round trip, server reads a 4 KiB lease", None, 1800),
    "ntfn_wake": ("notification signal until the blocked waiter runs", None, 250),
    "irq_to_driver": ("device interrupt's trap until the waiting driver runs", None, 400),
    "signal_roundtrip": ("kill(self, SIGUSR1) to a handler and back through sigreturn", None, 600),
    "boot_to_init": ("reset to init's first instruction", 417000000, 10000000),
    "blk_read_4k": ("4 KiB disk read, client to driver and back, the guest's idle left out",
                    None, 6000),
    "file_read_4k_cached": ("read() of 4 KiB of a file on the disk, cached by the server",
                            None, 2500),
    "stat_path": ("stat() of a 3-component path on the disk, cached", None, 3000),
    "file_create_write_close": ("open(O_CREAT|O_EXCL) + 4 KiB write + close, a directory of 100 files",
                                None, 20000),
    "fork_exec_wait_fs": ("fork()+exec()+wait() of a program on the disk, cached", None, 146000),
}
# The disk bench reads and writes (servers/blk): an image of our own,
# fresh for every boot, never the user's build/disk.img.
DISK = os.path.join(ROOT, "build", "bench-disk.img")
DISK_BYTES = 8 * 1024 * 1024
# The file-system bench (servers/fs): a fresh rootfs image every boot.
FS_DISK = os.path.join(ROOT, "build", "bench-fs.img")


def boot(extra, disk, walls=None):
    """One run of every benchmark: user/bench.c (with disk, a scratch
    image for irq_to_driver's driver), then, in a boot of its own with a
    fresh disk, user/blkbench.c (as init: it starts the disk service);
    and in a third, with a fresh rootfs image, user/fsbench.c (as init:
    it starts the disk and file-system services). Their rows together."""
    r = lde.boot(APPEND, {"QEMU_EXTRA": extra, "DISK": disk}, timeout=600, initrd=INITRD)
    lde.fresh_disk(DISK, DISK_BYTES)
    d = lde.boot(BLK_APPEND, {"QEMU_EXTRA": extra, "DISK": DISK}, timeout=600, initrd=INITRD)
    lde.rootfs_disk(FS_DISK)
    # The file system's wall-clock lines only where the clock is real.
    f = lde.boot(FS_APPEND + (" 200 wall" if walls is not None else ""),
                 {"QEMU_EXTRA": extra, "DISK": FS_DISK}, timeout=600, initrd=INITRD)
    out = r.out + d.out + f.out
    for name, b in (("disk", d), ("file-system", f)):
        if b.status != 0:
            sys.exit("bench: the %s benchmark failed (%s):\n%s" % (
                name, "timed out" if b.status is None else "status %d" % b.status, b.out[-3000:]))
    rows = {}
    for m in re.finditer(r"^BENCH (\w+) (\d+) (\d+) (\d+)$", out, re.M):
        rows[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
    if walls is not None:
        for m in re.finditer(r"^BENCH-WALL (\w+) (\d+)$", out, re.M):
            walls.setdefault(m.group(1), []).append(int(m.group(2)))
    notes = re.findall(r"^BENCH-NOTE (.*)$", out, re.M)
    # A benchmark whose operations failed measured something else (an exec
    # that fails early is cheap): no figure of that run stands.
    fails = re.findall(r"^BENCH-FAIL (.*)$", out, re.M)
    if fails:
        sys.exit("bench: operations failed, the figures are not the benchmark's:\n  " +
                 "\n  ".join(sorted(set(fails))))
    if r.status != 0 or not rows:
        sys.exit("bench: the benchmark run failed (%s):\n%s" % (
            "timed out" if r.status is None else "status %d" % r.status, out[-3000:]))
    return rows, notes


def fmt(n):
    return "-" if n is None else "{:,}".format(n)


def main():
    if not os.path.exists(INITRD):
        sys.exit("bench: %s is missing: make bench builds it" % os.path.relpath(INITRD, ROOT))
    # irq_to_driver's driver reads sector 0 of a scratch disk.
    with tempfile.NamedTemporaryFile(prefix="lde-bench-", suffix=".img") as disk:
        disk.write(bytes(64 * 1024))
        disk.flush()
        return report(disk.name)


# Rows known not to repeat to the instruction yet, with why (they are
# printed with both runs' figures and judged by the larger; any other row
# that differs between the two runs stops make bench).
INEXACT = {}


def report(disk):
    first, notes = boot(ICOUNT, disk)
    second, _ = boot(ICOUNT, disk)
    diff = [k for k in first if first[k][0] != second.get(k, (None,))[0]]
    bad = [k for k in diff if k not in INEXACT]
    if bad:
        sys.exit("bench: two icount runs differ in %s: the figures are not exact" % ", ".join(bad))
    for k in diff:
        a, b = first[k][0], second[k][0]
        notes.append("%s is not exact yet: the two runs gave %s and %s (the larger is shown; %s)"
                     % (k, fmt(a), fmt(b), INEXACT[k]))
        first[k] = (max(a, b),) + tuple(first[k][1:])
    seq = {}
    walls = [boot("", disk, seq)[0] for _ in range(WALL_RUNS)]

    print("lde benchmarks: retired instructions per operation under %s" % ICOUNT)
    print("(two runs agree to the instruction, but for the rows the notes name; wall time: median of %d "
          "runs without icount)" % WALL_RUNS)
    print()
    # xv6's figures are instruction counts too: they sit next to lde's.
    print("%-15s %13s %12s %13s  %-13s %11s %13s" % ("name", "instructions", "xv6-riscv", "target",
                                                    "verdict", "iterations", "wall ns/op"))
    ok = True
    for name in ROWS:
        if name not in first:
            print("%-15s missing from the run" % name)
            ok = False
            continue
        what, xv6, target = ROWS[name]
        n, iters, _ = first[name]
        ws = [w[name][2] for w in walls if name in w]
        wall = statistics.median(ws) if ws else None
        verdict = "" if target is None else ("meets target" if n <= target else "MISSES TARGET")
        ok &= target is None or n <= target
        print("%-15s %13s %12s %13s  %-13s %11s %13s" % (name, fmt(n), fmt(xv6), fmt(target), verdict,
                                                        fmt(iters),
                                                        "-" if name == "boot_to_init" else fmt(wall)))
    for note in notes:
        print("note: " + note)
    if seq.get("blk_read_1m") and seq.get("blk_write_1m"):
        def rate(k):
            return 1e6 / max(statistics.median(seq[k]), 1)
        print("note: blk sequential 1 MiB (16 KiB requests), wall clock without icount, median of "
              "%d runs: read %.1f MiB/s, write %.1f MiB/s (informative)"
              % (len(seq["blk_read_1m"]), rate("blk_read_1m"), rate("blk_write_1m")))
    if all(seq.get(k) for k in ("fs_write_16m", "fs_read_16m", "fs_ls_l_2000")):
        def med(k):
            return statistics.median(seq[k])
        print("note: file system (a rootfs disk, the server's cache 2,048 blocks), wall clock "
              "without icount, median of %d runs: sequential 16 MiB write (64 KiB writes, then "
              "fsync) %.1f MiB/s, read %.1f MiB/s; ls -l of a 2,000-entry directory %.0f ms "
              "(informative)" % (len(seq["fs_ls_l_2000"]), 16e6 / max(med("fs_write_16m"), 1),
                                 16e6 / max(med("fs_read_16m"), 1), med("fs_ls_l_2000") / 1000))
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench.tsv"), "w") as f:
        f.write("name\tinstructions_per_op\titerations\n")
        for name in first:
            f.write("%s\t%d\t%d\n" % (name, first[name][0], first[name][1]))
    print("\nwrote build/bench.tsv")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
