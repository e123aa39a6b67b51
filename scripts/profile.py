#!/usr/bin/python3
"""Where do the instructions go? Boot lde under icount with QEMU's
translation-block log, and count the instructions retired in each function
(kernel symbols from build/kernel.elf, user symbols from the program's
build/user/NAME.elf, everything in M-mode as "opensbi").

Usage: scripts/profile.py "APPEND" [USER_PROGRAM] [TOP]
       scripts/profile.py --per N "APPEND" "BASELINE_APPEND" [USER_PROGRAM] [TOP]
       scripts/profile.py --window FROM TO "APPEND" [USER_PROGRAM] [TOP]
The second form profiles both command lines and prints the difference
divided by N: what one operation costs, per function, e.g.
  scripts/profile.py --per 100 "init=/bench only getpid" "init=/bench only none" bench
The third counts only the windows that open at a block of function FROM
and close at the next block of function TO (e.g. sys_read to sys_meminfo:
one read of fsbench, whose clock stops just before its meminfo call), and
prints the median window's functions: one operation, without the loop
around it. FROM's own trap entry is outside the window, TO's inside.
(Only for short runs: the log holds one line per block executed.)
USER_PROGRAM is build/user/NAME.elf, or build/servers/NAME.elf when given
as servers/NAME (user programs share addresses: only one program's symbols
name the user-mode lines). $DISK, if set, is the disk the boot gets, e.g.
for the file-system server's benchmarks (a fresh image: tests/lde.py's
rootfs_disk):
  DISK=build/prof-fs.img scripts/profile.py --per 100 "init=/fsbench 200 read" \
      "init=/fsbench 100 read" servers/fs
The cross tools are $TOOLPREFIX's, like the Makefile's (default
riscv64-unknown-elf-).
"""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import lde  # noqa: E402  (booting lde: tests/lde.py)
# The programs run as init must be in the initrd: the test initrd has every
# one (make run's has only what brings the disk up). INITRD chooses another.
os.environ.setdefault("INITRD", lde.TEST_INITRD)
TOOLPREFIX = os.environ.get("TOOLPREFIX", "riscv64-unknown-elf-")


def symbols(elf):
    out = subprocess.run([TOOLPREFIX + "nm", "-n", elf], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTW":
            syms.append((int(f[0], 16), f[2]))
    return syms


def profile(append, prog, window=None):
    syms = symbols(os.path.join(ROOT, "build", "kernel.elf"))
    if prog:
        elf = prog if prog.startswith("servers/") else os.path.join("user", prog)
        syms += symbols(os.path.join(ROOT, "build", elf + ".elf"))
    syms.sort()
    addrs = [a for a, _ in syms]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "qemu.log")
        env = {"QEMU_EXTRA": "-icount shift=0,sleep=off -d in_asm,exec,nochain -D " + log}
        if os.environ.get("DISK"):
            # A fresh image for every boot, so that both runs start alike.
            env["DISK"] = lde.rootfs_disk(os.environ["DISK"])
        r = lde.boot(append, env, timeout=600)
        if r.status is None:
            sys.exit("profile: the run timed out")
        size = {}      # TB start -> instructions in it
        cur = None
        per_fn = collections.Counter()
        windows, cur_win = [], None
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith("IN:"):
                    cur = None
                    continue
                m = re.match(r"^0x([0-9a-f]+):\s", line)
                if m and cur is None:
                    cur = int(m.group(1), 16)
                    size[cur] = 0
                if m:
                    size[cur] += 1
                    continue
                m = re.search(r"Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/", line)
                if m:
                    pc = int(m.group(1), 16)
                    n = size.get(pc, 1)
                    if 0x80000000 <= pc < 0x80200000:
                        fn = "opensbi"
                    else:
                        i = bisect.bisect_right(addrs, pc) - 1
                        fn = syms[i][1] if i >= 0 else "?"
                    if not window:
                        per_fn[fn] += n
                    elif cur_win is None:
                        if fn == window[0]:
                            cur_win = collections.Counter({fn: n})
                    elif fn == window[1]:
                        windows.append(cur_win)
                        cur_win = None
                    else:
                        cur_win[fn] += n
    if window:
        if not windows:
            sys.exit("profile: no window from %s to %s" % window)
        windows.sort(key=lambda w: sum(w.values()))
        return windows[len(windows) // 2]
    return per_fn


def main():
    args = sys.argv[1:]
    per = 1
    window = None
    if args and args[0] == "--window":
        window = (args[1], args[2])
        append, baseline, rest = args[3], None, args[4:]
    elif args and args[0] == "--per":
        per = int(args[1])
        append, baseline = args[2], args[3]
        rest = args[4:]
    else:
        append, baseline, rest = args[0], None, args[1:]
    prog = rest[0] if rest else None
    top = int(rest[1]) if len(rest) > 1 else 30
    per_fn = profile(append, prog, window)
    if baseline:
        per_fn.subtract(profile(baseline, prog))
    total = sum(per_fn.values())
    print("%12s  %5s  %s" % ("instructions", "share", "function"))
    for fn, n in sorted(per_fn.items(), key=lambda kv: -abs(kv[1]))[:top]:
        if n:
            print("%12.1f  %4.1f%%  %s" % (n / per, 100.0 * n / total if total else 0, fn))
    print("%12.1f  total" % (total / per))


if __name__ == "__main__":
    main()
