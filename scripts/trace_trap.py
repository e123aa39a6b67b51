#!/usr/bin/python3
"""Follow one trap, instruction by instruction: where profile.py adds up
functions over a whole run, this shows one trap from trap_entry to its
sret, in order, step by step (docs/walkthrough.md was measured with it).

Usage: scripts/trace_trap.py "APPEND" FUNCTIONS [EXCLUDED]
  e.g. scripts/trace_trap.py "init=/bench only getpid" sys_getpid
       scripts/trace_trap.py "quantum=1 init=/bench only timer_tick" sched_timer_tick swtch
       scripts/trace_trap.py "quantum=1 init=/t_fair 2 quanta" sched_timer_tick,swtch

Boots lde under icount with QEMU's translation-block log restricted
(-dfilter) to the firmware and the kernel, so that a spinning program
costs no log, and cuts the executed blocks into traps: each ends with the
block whose last instruction is sret. Of the traps in whose path every
one of FUNCTIONS (comma-separated) ran, and none of EXCLUDED, it prints
how many there were and how many instructions they took (a histogram),
then one of them (the median one; PICK=i chooses another): the sequence of
functions with their instruction counts, once by symbol and once by the
innermost function the compiler inlined (addr2line -i), and the total.
Everything in M-mode counts as "opensbi". LOG=file keeps the QEMU log
(an existing file is read instead of booting).
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
KERNEL = os.path.join(ROOT, "build", "kernel.elf")
# The firmware (below the kernel's load address) and the kernel half.
DFILTER = "0x80000000+0x200000,0xffffffc000000000+0x3fffffffff"


def symbols():
    out = subprocess.run([TOOLPREFIX + "nm", "-n", KERNEL], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTW":
            syms.append((int(f[0], 16), f[2]))
    return sorted(syms)


def read_traps(log):
    """The log's traps: lists of (block address, its instruction addresses)."""
    blocks = {}	# block start -> instruction addresses
    last = {}	# block start -> its last mnemonic
    cur = None
    traps, trap = [], []
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                cur = None
                continue
            m = re.match(r"^0x([0-9a-f]+):\s+\S+\s+(\S+)", line)
            if m:
                pc = int(m.group(1), 16)
                if cur is None:
                    cur = pc
                    blocks[cur] = []
                blocks[cur].append(pc)
                last[cur] = m.group(2)
                continue
            m = re.search(r"Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/", line)
            if m:
                pc = int(m.group(1), 16)
                trap.append((pc, blocks.get(pc, [pc])))
                if last.get(pc) == "sret":
                    traps.append(trap)
                    trap = []
    return traps


def runs(names):
    out = []
    for name in names:
        if out and out[-1][0] == name:
            out[-1][1] += 1
        else:
            out.append([name, 1])
    return out


def main():
    if len(sys.argv) < 3 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    append, want = sys.argv[1], sys.argv[2].split(",")
    excluded = sys.argv[3].split(",") if len(sys.argv) > 3 else []
    syms = symbols()
    addrs = [a for a, _ in syms]

    def symbol(pc):
        if 0x80000000 <= pc < 0x80200000:
            return "opensbi"
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1] if i >= 0 else "?"

    with tempfile.TemporaryDirectory() as tmp:
        log = os.environ.get("LOG") or os.path.join(tmp, "qemu.log")
        if not os.path.exists(log):
            r = lde.boot(append, {"QEMU_EXTRA": "-icount shift=0,sleep=off -d in_asm,exec,nochain "
                                                "-dfilter %s -D %s" % (DFILTER, log)}, timeout=600)
            if r.status is None:
                sys.exit("trace_trap: the run timed out")
        traps = read_traps(log)
    chosen = []
    for t in traps:
        names = {symbol(pc) for pc, _ in t}
        if all(w in names for w in want) and not any(x in names for x in excluded):
            chosen.append(t)
    if not chosen:
        sys.exit("trace_trap: no trap of %d ran %s" % (len(traps), ",".join(want)))
    sizes = collections.Counter(sum(len(i) for _, i in t) for t in chosen)
    print("%d of %d traps; instructions: %s" % (len(chosen), len(traps), ", ".join(
        "%d (%d times)" % kv for kv in sorted(sizes.items(), key=lambda kv: -kv[1]))))
    t = chosen[int(os.environ.get("PICK", len(chosen) // 2))]
    pcs = [pc for _, insns in t for pc in insns]
    kernel_pcs = sorted({pc for pc in pcs if pc >= 0xffffffc000000000})
    out = subprocess.run([TOOLPREFIX + "addr2line", "-f", "-i", "-a", "-e", KERNEL] +
                         ["0x%x" % pc for pc in kernel_pcs], capture_output=True, text=True)
    inner = {}	# address -> innermost function (addr2line -i prints it first)
    pc = None
    for line in out.stdout.splitlines():
        if line.startswith("0x"):
            pc = int(line, 16)
        elif pc is not None and pc not in inner and ":" not in line:
            inner[pc] = line
    print("\nby symbol:")
    for name, n in runs(symbol(pc) for pc in pcs):
        print("%6d  %s" % (n, name))
    print("\nby innermost inlined function:")
    for name, n in runs(inner.get(pc, symbol(pc)) for pc in pcs):
        print("%6d  %s" % (n, name))
    print("%6d  total (kernel and firmware; the trapping instruction is not in the log)" % len(pcs))


if __name__ == "__main__":
    main()
