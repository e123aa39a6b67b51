"""The initrds the Makefile builds ("Three initrds") and the disk's /bin
(issue 14: "exec runs programs from the file system (/bin) ... The initrd
keeps only what is needed to bring the disk up"), read on the host:

- build/initrd.cpio, what `make run` boots, holds exactly the bring-up set,
  and that set holds every program that init, the service starters and
  the servers exec by absolute path (tests/suites/initrd.py boots it);
- build/initrd-bench.cpio holds that set plus what make bench boots as
  init and what those programs exec from the initrd;
- build/initrd-test.cpio holds every program and the corrupt executables;
- every archive is sorted as strcmp sorts (exec's binary search);
- scripts/mkdisk.sh --update replaces programs in an image's /bin and
  leaves the rest of the image alone (how `make run` keeps the disk's
  programs current)."""
import os
import re
import shutil
import subprocess

import lde

BUILD = os.path.join(lde.ROOT, "build")
BRINGUP = ["blk", "fs", "init", "sh", "svc"]
# A program exec'd by absolute path: exec("/NAME", ...), or a path variable
# set to "/NAME" first (bench's `path = "/true"`).
EXEC_RE = re.compile(r'(?:\bexec\(|\bpath = )"/(\w+)"')


def _tool(name):
    for d in ("/sbin", "/usr/sbin"):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    return name


def listing(name):
    with open(os.path.join(BUILD, name), "rb") as f:
        p = subprocess.run(["cpio", "-t", "--quiet"], stdin=f, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode().split()


def execs(*paths):
    """The programs the given sources exec by absolute path."""
    names = set()
    for rel in paths:
        with open(os.path.join(lde.ROOT, rel)) as f:
            names |= set(EXEC_RE.findall(f.read()))
    return names


def sources(d):
    """The C files of a directory, relative to the root, recursively."""
    out = []
    for base, _, files in os.walk(os.path.join(lde.ROOT, d)):
        out += [os.path.relpath(os.path.join(base, f), lde.ROOT) for f in files if f.endswith(".c")]
    return sorted(out)


def programs():
    user = {f[:-2] for f in os.listdir(os.path.join(lde.ROOT, "user")) if f.endswith(".c")}
    return user | set(os.listdir(os.path.join(lde.ROOT, "servers")))


def test_production_initrd_is_the_bringup_set():
    assert listing("initrd.cpio") == BRINGUP


def test_bringup_set_holds_what_bringup_execs():
    """init, the starters of the disk and file-system services (user/lib)
    and the servers exec these by absolute path, before any disk is
    mounted: each must be in the initrd."""
    wanted = execs("user/init.c", *sources("user/lib"), *sources("servers"))
    assert {"sh", "svc", "blk", "fs"} <= wanted  # the pattern still finds them
    assert wanted <= set(listing("initrd.cpio"))


def test_bench_initrd():
    """What scripts/bench.py boots as init, what those programs exec from
    the initrd, and the bring-up set; nothing else, so that boot_to_init
    is make run's boot plus only these."""
    with open(os.path.join(lde.ROOT, "scripts", "bench.py")) as f:
        inits = set(re.findall(r'^\w*APPEND = ".*?init=/(\w+)', f.read(), re.M))
    assert inits == {"bench", "blkbench", "fsbench"}
    wanted = inits | execs(*("user/%s.c" % p for p in inits))
    assert listing("initrd-bench.cpio") == sorted(set(BRINGUP) | wanted)


def disk_only():
    """The Makefile's DISK_ONLY: programs only the disk has (su and passwd,
    which are set-user-ID there and would not be in an initrd)."""
    with open(os.path.join(lde.ROOT, "Makefile")) as f:
        return set(re.search(r"^DISK_ONLY := (.*)$", f.read(), re.M).group(1).split())


def test_test_initrd_has_every_program():
    names = set(listing("initrd-test.cpio"))
    assert {"su", "passwd"} <= disk_only()
    assert programs() - disk_only() <= names
    assert not disk_only() & names
    assert any(n.startswith("bad_") for n in names)


def test_archives_sorted_for_exec():
    for name in ("initrd.cpio", "initrd-bench.cpio", "initrd-test.cpio"):
        files = listing(name)
        assert files == sorted(files, key=lambda s: s.encode()), name


def _debugfs(img, cmd):
    p = subprocess.run([_tool("debugfs"), "-R", cmd, img], capture_output=True, timeout=60)
    return p.stdout


def test_mkdisk_update_replaces_programs(tmp_path):
    img = str(tmp_path / "disk.img")
    lde.rootfs_disk(img)
    readme = _debugfs(img, "cat /README")
    assert readme.startswith(b"This is lde's disk")
    new_cat, new_prog = tmp_path / "cat", tmp_path / "newprog"
    new_cat.write_bytes(b"not the old cat\n" * 1000)
    new_prog.write_bytes(b"a program the image lacked\n")
    shutil.copymode(os.path.join(BUILD, "initrd", "cat"), new_cat)
    p = subprocess.run([os.path.join(lde.ROOT, "scripts", "mkdisk.sh"), "--update", img,
                        str(new_cat), str(new_prog)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert _debugfs(img, "cat /bin/cat") == new_cat.read_bytes()
    assert _debugfs(img, "cat /bin/newprog") == new_prog.read_bytes()
    for name in ("cat", "newprog"):
        stat = _debugfs(img, "stat /bin/" + name).decode()
        assert re.search(r"Mode:\s+0755", stat) and re.search(r"User:\s+0\s+Group:\s+0", stat), stat
    assert _debugfs(img, "cat /README") == readme
    assert _debugfs(img, "cat /bin/echo") == open(os.path.join(BUILD, "initrd", "echo"), "rb").read()
    fsck = subprocess.run([_tool("e2fsck"), "-fn", img], capture_output=True, text=True, timeout=60)
    assert fsck.returncode == 0, fsck.stdout
    # A program that is not there is an error, not a silent success.
    p = subprocess.run([os.path.join(lde.ROOT, "scripts", "mkdisk.sh"), "--update", img,
                        str(tmp_path / "missing")], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "could not update" in p.stderr


def _make_n(*args):
    """The commands `make -n ARGS` would run, with neither INITRD nor APPEND
    from our environment (pytest's sets INITRD to the test initrd)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("INITRD", "APPEND", "MAKEFLAGS", "MFLAGS")}
    p = subprocess.run(["make", "--no-print-directory", "-n"] + list(args), cwd=lde.ROOT,
                       env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def test_run_boots_the_bringup_initrd_unless_init_given():
    """make run boots build/initrd.cpio; with init= in APPEND, the test
    initrd, where every program is; INITRD wins over both."""
    assert re.search(r"^INITRD=build/initrd\.cpio scripts/qemu\.sh$",
                     _make_n("run", "DISK=none"), re.M)
    assert re.search(r"^INITRD=build/initrd-test\.cpio scripts/qemu\.sh$",
                     _make_n("run", "DISK=none", "APPEND=init=/hello x"), re.M)
    assert re.search(r"^INITRD=build/initrd-bench\.cpio scripts/qemu\.sh -S ",
                     _make_n("qemu-gdb", "DISK=none", "APPEND=init=/hello",
                             "INITRD=build/initrd-bench.cpio"), re.M)


def test_mkdisk_setuid_programs_and_secrets(tmp_path):
    """su and passwd are set-user-ID root on a fresh image and stay so
    after --update; /etc/shadow and /etc/random-seed are root's alone, and
    each image gets its own 32-byte seed (docs/users.md)."""
    seeds = []
    for n in (1, 2):
        img = str(tmp_path / ("disk%d.img" % n))
        lde.rootfs_disk(img)
        for name, mode in (("/bin/su", "04755"), ("/bin/passwd", "04755"),
                           ("/etc/shadow", "0600"), ("/etc/random-seed", "0600")):
            stat = _debugfs(img, "stat " + name).decode()
            assert re.search(r"Mode:\s+%s\b" % mode, stat), (name, stat)
            assert re.search(r"User:\s+0\s+Group:\s+0\b", stat), (name, stat)
        seeds.append(_debugfs(img, "cat /etc/random-seed"))
        assert len(seeds[-1]) == 32
    assert seeds[0] != seeds[1]
    new = tmp_path / "passwd"
    new.write_bytes(b"a new passwd\n")
    p = subprocess.run([os.path.join(lde.ROOT, "scripts", "mkdisk.sh"), "--update", img, str(new)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r"Mode:\s+04755\b", _debugfs(img, "stat /bin/passwd").decode())
