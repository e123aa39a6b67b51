#!/usr/bin/env python3
"""Where do the instructions go? Boot lde under icount with QEMU's
translation-block log, and count the instructions retired in each function
(kernel symbols from build/kernel.elf, user symbols from the program's
build/user/NAME.elf, everything in M-mode as "opensbi").

Usage: scripts/profile.py "init=/bench fork" [USER_PROGRAM] [TOP]
(Only for a short run: the log holds one line per block executed.)
"""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def symbols(elf):
    out = subprocess.run(["riscv64-unknown-elf-nm", "-n", elf], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTW":
            syms.append((int(f[0], 16), f[2]))
    return syms


def main():
    append = sys.argv[1]
    prog = sys.argv[2] if len(sys.argv) > 2 else None
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    syms = symbols(os.path.join(ROOT, "build", "kernel.elf"))
    if prog:
        syms += symbols(os.path.join(ROOT, "build", "user", prog + ".elf"))
    syms.sort()
    addrs = [a for a, _ in syms]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "qemu.log")
        env = dict(os.environ, APPEND=append,
                   QEMU_EXTRA="-icount shift=0,sleep=off -d in_asm,exec,nochain -D " + log)
        subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh")], cwd=ROOT, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=600)
        size = {}      # TB start -> instructions in it
        cur = None
        per_fn = collections.Counter()
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
                        per_fn["opensbi"] += n
                    else:
                        i = bisect.bisect_right(addrs, pc) - 1
                        per_fn[syms[i][1] if i >= 0 else "?"] += n
    total = sum(per_fn.values())
    print("%12s  %5s  %s" % ("instructions", "share", "function"))
    for fn, n in per_fn.most_common(top):
        print("%12d  %4.1f%%  %s" % (n, 100.0 * n / total, fn))
    print("%12d  total" % total)


if __name__ == "__main__":
    main()
