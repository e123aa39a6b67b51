"""The initrd `make run` boots, build/initrd.cpio (issue 14: "The initrd
keeps only what is needed to bring the disk up"): init, svc, blk, fs and
sh, and nothing else (tests/test_initrd.py reads its listing). Booted here
as make run boots it: with the disk, every other program runs from the
disk's /bin, by the shell and by the programs that exec others (nice,
trace: execvp); without a disk, or with one whose file system does not
mount, init says so and the shell is a rescue shell, with its builtins and
the initrd's programs, that says why a program is not found."""
import os
import re

INITRD = "build/initrd.cpio"
PROMPT = r"\$ $"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TROUBLE = [r"^panic:", r"kernel trap", r"^FAIL", r"killed"]
NOT_FOUND_HINT = (r"not found \(no /bin: nothing is mounted at /, so only the builtins and the "
                  r"initrd's programs run\)$")


def _programs():
    """Every program the build makes (Makefile: user/NAME.c, servers/NAME/)."""
    user = {f[:-2] for f in os.listdir(os.path.join(ROOT, "user")) if f.endswith(".c")}
    return user | set(os.listdir(os.path.join(ROOT, "servers")))


def every_program_in_bin(out):
    """`ls /bin` listed every program: the disk has them all."""
    m = re.search(r"^\$ ls /bin\n(.*?)^\$ ", out, re.M | re.S)
    if not m:
        return "no output of ls /bin"
    missing = _programs() - set(m.group(1).split())
    return "not in /bin: %s" % " ".join(sorted(missing)) if missing else None


def send(text):
    return ("send", text)


def expect(rx):
    return ("expect", rx)


TESTS = [
    # make run: the production initrd and the disk. Each program below is
    # only on the disk: /echo (a path, so no search) is not found.
    {"name": "initrd_bringup_runs_bin", "initrd": INITRD, "disk": "rootfs",
     "script": [expect(r"blk: virtio-blk disk, 65536 sectors \(32768 KiB\)\n" + PROMPT),
                send("/echo x\n"), expect(r"^sh: /echo: not found$"), expect(PROMPT),
                send("ls /bin\n"), expect(r"^yes$"), expect(PROMPT),
                send("cat /README\n"), expect(r"^This is lde's disk"), expect(PROMPT),
                send("echo hi | wc\n"), expect(r"^\s+1\s+1\s+3$"), expect(PROMPT),
                send("t_fork\n"), expect(r"^PASS: t_fork$"), expect(PROMPT),
                send("nice -n 1 echo niced\n"), expect(r"^niced$"), expect(PROMPT),
                # execvp's search: /README is found first and refused (no
                # execute bit), which ends it; a name found nowhere
                send("nice -n 1 README\n"), expect(r"^nice: README: Permission denied$"),
                expect(PROMPT),
                send("nice -n 1 nosuch\n"), expect(r"^nice: nosuch: No such file or directory$"),
                expect(PROMPT),
                # bench finds the disk's /bin/true, make run's initrd
                # having no /true
                send("bench only fork_exec_wait\n"),
                expect(r"^BENCH-NOTE fork_exec_wait execs /bin/true$"),
                expect(r"^BENCH fork_exec_wait \d+ 100 \d+$"), expect(PROMPT),
                send("trace true\n"), expect(r"^\[pid \d+ true\] exit\(0\) = \?$"),
                expect(PROMPT),
                send("exit\n")],
     "expect": [r"init \(pid 1\) exited with status 0"],
     "reject": TROUBLE[:3] + [r"^init: nothing is mounted", r"^fs: "],
     "check": every_program_in_bin, "timeout": 90},
    # No disk: the rescue shell. Its builtins work; a program the initrd
    # lacks is "not found", with the reason.
    {"name": "initrd_rescue_no_disk", "initrd": INITRD,
     "script": [expect(r"^init: nothing is mounted at / \(no disk\): this is the rescue shell$"),
                expect(r"^init: it runs its builtins \(help\) and the initrd's programs "
                       r"\(blk fs init sh svc\); the others are in the disk's /bin$"),
                expect(PROMPT),
                send("ls\n"), expect(r"^sh: ls: " + NOT_FOUND_HINT), expect(PROMPT),
                send("help\n"), expect(r"^lde shell\b"), expect(PROMPT),
                send("echo a | wc\n"), expect(r"^sh: (echo|wc): " + NOT_FOUND_HINT),
                expect(r"^sh: (echo|wc): " + NOT_FOUND_HINT), expect(PROMPT),
                send("exit 3\n")],
     "status": 3, "expect": [r"init \(pid 1\) exited with status 3"], "reject": TROUBLE},
    # A disk whose file system does not mount (no ext2 on it): the server
    # says why, and init still gives the rescue shell.
    {"name": "initrd_rescue_unmountable", "initrd": INITRD, "disk": 1 << 20,
     "script": [expect(r"^fs: no ext2 file system"),
                expect(r"^init: nothing is mounted at / \(the disk's file system did not "
                       r"mount\): this is the rescue shell$"),
                expect(PROMPT),
                send("cat /README\n"), expect(r"^sh: cat: " + NOT_FOUND_HINT), expect(PROMPT),
                send("exit 4\n")],
     "status": 4, "expect": [r"init \(pid 1\) exited with status 4"], "reject": TROUBLE,
     "timeout": 60},
]
