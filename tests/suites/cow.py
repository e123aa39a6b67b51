"""Copy-on-write fork and lazy (demand-paged) heap and stack pages: the fast
paths get the slow path's tests and their own (issue: "a copy-on-write page
shared by many forks, a write fault racing with exit, running out of memory
during a copy-on-write fault, and sbrk shrinking over lazy pages").

  t_cow share   30 children sharing data, bss, heap and stack pages at once,
                exact page accounting, a fork chain 3 deep, refcount-1 writes
  t_cow race    writers killed at random moments, parents exiting under
                their children (quantum=1 interleaves them)
  t_cowoom      no page left for a copy-on-write fault, a lazy heap or stack
                page, the kernel's copyout, fork and sbrk
  t_lazy        sbrk and the stack over lazy pages, demand paging under fork

Every program is a self-checking user/t_*.c run as init ("FAIL:" lines,
"PASS: t_name", its exit status becomes QEMU's), and checks that the
free-page count comes back exactly."""
import re


def _t(name, prog, args="", expect=(), env=None, timeout=30, kparams="", check=None):
    t = {"name": name,
         "append": (kparams + " " if kparams else "") + "init=/" + prog + (" " + args if args else ""),
         "expect": [r"^PASS: " + prog + r"\b", r"init \(pid 1\) exited with status 0"] + list(expect),
         "reject": [r"^panic:", r"kernel trap", r"assertion failed"],
         "timeout": timeout}
    if env:
        t["env"] = env
    if check:
        t["check"] = check
    return t


OOM_LINE = re.compile(r"^lde: pid (\d+) \((\S+)\) killed: out of memory, sepc=0x[0-9a-f]+ "
                      r"stval=0x([0-9a-f]+)$", re.M)
EXPECT_OOM = re.compile(r"^expect-oom: pid (\d+) stval=0x([0-9a-f]+)$", re.M)


def oom_kills_as_announced(out):
    """Every out-of-memory kill is one the program announced (pid and the
    exact faulting address), and every announced one happened."""
    seen = sorted((int(p), int(a, 16)) for p, _, a in OOM_LINE.findall(out))
    want = sorted((int(p), int(a, 16)) for p, a in EXPECT_OOM.findall(out))
    if not want:
        return "no expect-oom lines"
    if seen != want:
        return "out-of-memory kills %s, announced %s" % (
            ["pid %d stval=0x%x" % s for s in seen], ["pid %d stval=0x%x" % w for w in want])
    return None


SHARE = [r"cow: 12 pages shared by 30 children at once: 120 copies for 120 pages written, "
         r"30 children succeeded; free pages (\d+) before, \1 after; parent's pages (\d+), \2",
         r"cow: writing 12 formerly shared pages took 0 pages",
         r"cow: a page the other sharer already copied is written in place \(0 pages\)",
         r"cow: chain of forks 3 deep: each level kept its own pages \(status 21\)",
         r"cow: chain of forks 3 deep, sharing the child's copy: each level kept its own pages"]

RACE = [r"race: 20 writers: \d+ finished, \d+ killed while writing \(5 endless ones among them\)",
        r"race: 8 orphaned writers reaped by init; free pages (\d+) before, \1 after"]

OOM = [r"cowoom: a child writing 32 shared pages with 5 free died of signal 9",
       r"cowoom: with no page free, 8 copy-on-write pages nobody else holds were written",
       r"cowoom: with no page free, read\(\) into a shared page: ENOMEM, meminfo/procinfo: ENOMEM, "
       r"write\(\) from it: works",
       r"cowoom: fork with 0\.\.4 pages free: ENOMEM, nothing kept; sbrk\(\+1 page\): ENOMEM",
       r"cowoom: wait\(\) storing into a shared page with no page free: ENOMEM, the zombie reaped "
       r"later with status 42",
       r"cowoom: copy-on-write: free pages (\d+) before, \1 after",
       r"cowoom: read\(\) with no unpromised page free: into an untouched heap page works \(it was "
       r"promised\), into a stack page ENOMEM",
       r"cowoom: with no unpromised page free, a child touching a promised heap page exited 0, one "
       r"touching a new stack page died of signal 9",
       r"cowoom: lazy pages: free pages (\d+) before, \1 after",
       r"^lde: pid \d+ \(t_cowoom\) killed: out of memory, sepc=0x[0-9a-f]+ stval=0x[0-9a-f]+$"]

LAZY = [r"lazy: 64 pages promised took 0; 3 written and 1 read took 4; all back after shrinking",
        r"lazy: writing an untouched page given back by sbrk -> signal 11",
        r"lazy: reading a touched page given back by a partial shrink -> signal 11",
        r"lazy: shrinking over partly touched pages gave back exactly the touched ones",
        r"lazy: sbrk\(\d+ pages free \+ 1\): ENOMEM; the largest promise, \d+ pages, left [0-2] "
        r"unpromised and took none",
        r"lazy: a promise of 60% of free memory: a second one ENOMEM, fork ENOMEM; all \d+ pages "
        r"of it touched",
        r"lazy: 8 MiB heap: the last page took a page and a page table; shrinking gave both back",
        r"lazy: a child's shrink over shared heap pages: parent's data intact, its writes took 0 pages",
        r"lazy: the parent's shrink under a child: the child's data intact, its writes in place",
        r"lazy: stack pages 600 KiB, 700 KiB and 1 MiB down: one page each",
        # The guard page below the 1 MiB stack: 0x4000000000 - 1 MiB - 4 KiB.
        r"lde: pid \d+ \(t_lazy\) killed: store page fault, sepc=0x[0-9a-f]+ stval=0x3fffeff064$",
        r"lazy: writing the stack's guard page -> signal 11",
        r"lazy: reading the stack's guard page -> signal 11",
        r"lazy: recursion \d+ frames deep, down to 0x3ffff0[0-9a-f]{4}: ok",
        r"lde: pid \d+ \(t_lazy\) killed: store page fault, sepc=0x[0-9a-f]+ stval=0x3fffeff[0-9a-f]{3}$",
        r"lazy: unbounded recursion -> signal 11",
        r"lazy: pages first touched by a child after fork stay the child's"]

TESTS = [
    _t("cow_share", "t_cow", "share", expect=SHARE),
    # quantum=1: the children interleave at every tick; the barriers make
    # the page counts exact all the same.
    _t("cow_share_q1", "t_cow", "share", kparams="quantum=1", expect=SHARE),
    _t("cow_race_q1", "t_cow", "race", kparams="quantum=1", expect=RACE),
    # The default quantum: fewer switches, one round.
    _t("cow_race", "t_cow", "race 1", expect=RACE),
    _t("cow_oom", "t_cowoom", expect=OOM, check=oom_kills_as_announced),
    _t("cow_oom_q1", "t_cowoom", kparams="quantum=1", expect=OOM, check=oom_kills_as_announced),
    # Exactness does not depend on the amount of memory the hog must eat.
    _t("cow_oom_512m", "t_cowoom", env={"QEMU_MEM": "512M"}, expect=OOM,
       check=oom_kills_as_announced),
    _t("lazy", "t_lazy", expect=LAZY),
    _t("lazy_q1", "t_lazy", kparams="quantum=1", expect=LAZY),
]
