"""The file system's reliability (issue 14, "Reliability" and "Memory";
docs/files.md, "What a crash loses"): user/t_fsrel.c as init on an ext2
image made here, checked on the host after the run. tests/lde.py runs
`e2fsck -fn` on every ext2 image a test used (after `e2fsck -fp` for the
power cut, "fsck": "preen"); the checks here read back with debugfs what
the guest said it wrote."""
import os
import re
import shutil
import struct
import subprocess
import tempfile

import lde
from ext2image import Image

MASK = (1 << 64) - 1
FEATURES = "^dir_index,^ext_attr,^resize_inode"


def gen(n, seed):
    """user/t_fsrel.c's gen(): n bytes of xorshift64 from seed."""
    s = (seed * 0x9E3779B97F4A7C15 + 1) & MASK
    words = []
    for _ in range((n + 7) // 8):
        s ^= (s << 13) & MASK
        s ^= s >> 7
        s ^= (s << 17) & MASK
        words.append(s)
    return struct.pack("<%dQ" % len(words), *words)[:n]


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def mkfs(mb, *extra, src=None):
    """A disk maker for the table's "disk": an mb MiB ext2 image, 1 KiB
    blocks, the server's features, extra mke2fs options."""
    def make(path):
        cmd = [lde.ext2_tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", "1024", "-I", "128",
               "-O", FEATURES, "-E", "root_owner=0:0", *extra]
        if src:
            cmd += ["-d", src]
        subprocess.run(["truncate", "-s", "%dM" % mb, path], check=True)
        subprocess.run(cmd + [path], check=True, capture_output=True, timeout=60)
        return path
    return make


def _on_image(img, fn):
    with tempfile.TemporaryDirectory(prefix="lde-fsrel-") as d:
        path = os.path.join(d, "disk.img")
        with open(path, "wb") as f:
            f.write(img)
        return fn(path)


def _same(path, name, want):
    got = lde.debugfs_read(path, name)
    if got is None:
        return "%s is not on the disk" % name
    if got != want:
        return "%s: %d bytes, not what the guest wrote" % (name, len(got))
    return None


# ---- the disk driver killed under the file system ---------------------------

def crash_size(i):
    return 1000 + i * 7919 % 60000


def blkcrash_files(img, out):
    m = re.search(r"^fs: blkcrash: 64 files of pass (\d+) read back", out, re.M)
    if not m:
        return "no blkcrash verdict"
    p = int(m.group(1))

    def check(path):
        for i in range(64):
            err = _same(path, "/c/f%02d" % i, gen(crash_size(i), p << 32 | i))
            if err:
                return err
        return None
    return _on_image(img, check)


# ---- power cut ------------------------------------------------------------------

def cut_size(i):
    return 100 + i * 4801 % 50000


CUT_AFTER = 40  # the line after which the power goes


def fsynced_intact(img, out):
    """Every file the console reported fsynced (all of them came before
    the cut) holds its bytes, on the image e2fsck -p repaired."""
    done = [(int(a), int(b)) for a, b in
            re.findall(r"^fs: powercut: fsynced f(\d{4}) (\d+)\n", out, re.M)]
    if len(done) <= CUT_AFTER:
        return "only %d files reported fsynced" % len(done)

    def check(path):
        for i, size in done:
            if size != cut_size(i):
                return "f%04d: reported %d bytes" % (i, size)
            err = _same(path, "/p/f%04d" % i, gen(size, i))
            if err:
                return err
        return None
    return _on_image(img, check)


# ---- full disk, no inodes ---------------------------------------------------------

FULL_FILE = 60000


def full_files(img, out):
    m = re.search(r"^fs: full: files (\d+) part (\d+)$", out, re.M)
    if not m:
        return "no full verdict"
    n, part = int(m.group(1)), int(m.group(2))

    def check(path):
        for i in range(1, n):  # /b/f00 was removed
            err = _same(path, "/b/f%02d" % i, gen(FULL_FILE, i))
            if err:
                return err
        return (_same(path, "/b/f%02d" % n, gen(FULL_FILE, n)[:part]) or
                _same(path, "/b/new", gen(FULL_FILE // 2, 777)))
    return _on_image(img, check)


# ---- corrupt images ------------------------------------------------------------------

def walk_source(d):
    """The tree every corrupt image starts from: files direct, single and
    double indirect, a directory of 30, two files no case touches."""
    files = {"/small": b"small file\n", "/ind": gen(40 * 1024, 1), "/dind": gen(300 * 1024, 2),
             "/keep1": gen(5000, 3), "/sub/keep2": gen(20000, 4)}
    for i in range(30):
        files["/dir/e%02d" % i] = b"x"
    for name, data in files.items():
        p = os.path.join(d, name.lstrip("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    return files


def corrupt(fn):
    """A disk maker: the walk tree's image, then fn(Image) on it."""
    def make(path):
        with tempfile.TemporaryDirectory(prefix="lde-src-") as src:
            walk_source(src)
            mkfs(2, "-N", "128", src=src)(path)
        im = Image(path)
        fn(im)
        with open(path, "wb") as f:
            f.write(im.d)
        return path
    return make


def _dir_ino(im):
    return im.ino("/dir")


CORRUPT = {
    # name: (what to do, the damaged files (not read back), mounts)
    "sb-blocks-past-disk": (lambda im: im.p32(1024 + 4, 1 << 20), (), False),
    "sb-block-size-huge": (lambda im: im.p32(1024 + 24, 20), (), False),
    "sb-inodes-count": (lambda im: im.p32(1024, 12345), (), False),
    "sb-inodes-per-group-0": (lambda im: im.p32(1024 + 40, 0), (), False),
    "sb-inode-size-odd": (lambda im: im.p16(1024 + 88, 200), (), False),
    "sb-first-data-block": (lambda im: im.p32(1024 + 20, 5), (), False),
    "gd-table-beyond-disk": (lambda im: im.p32(im.gd(0) + 8, 0xFFFF0000), (), False),
    "ptr-beyond-disk": (lambda im: im.p32(im.inode(im.ino("/small")) + 40, 0xFFFFFF00),
                        ("/small",), True),
    "ind-ptr-beyond-disk": (lambda im: im.p32(im.block(im.ino("/ind"), 12) * im.bs + 8,
                                              0x7FFFFFFF), ("/ind",), True),
    "ind-self-loop": (lambda im: im.p32(im.block(im.ino("/ind"), 12) * im.bs,
                                        im.block(im.ino("/ind"), 12)), ("/ind",), True),
    "dind-self-loop": (lambda im: im.p32(im.block(im.ino("/dind"), 13) * im.bs,
                                         im.block(im.ino("/dind"), 13)), ("/dind",), True),
    "dirent-past-block": (lambda im: im.p16(im.entry(_dir_ino(im), "e05") + 4, 2048),
                          ("/dir/*",), True),
    "dirent-reclen-0": (lambda im: im.p16(im.entry(_dir_ino(im), "e05") + 4, 0),
                        ("/dir/*",), True),
    "dotdot-loop": (lambda im: im.p32(im.block(_dir_ino(im), 0) * im.bs + 12, _dir_ino(im)),
                    (), True),
    "huge-size": (lambda im: im.p32(im.inode(im.ino("/small")) + 108, 0xFFFFFFFF),
                  ("/small",), True),
    "dirent-ino-out-of-range": (lambda im: im.p32(im.entry(_dir_ino(im), "e07"), 0x7FFFFFF0),
                                ("/dir/*",), True),
    "dir-hole": (lambda im: (im.p32(im.inode(_dir_ino(im)) + 4, 3 * im.bs),
                             im.p32(im.inode(_dir_ino(im)) + 44, 0)), ("/dir/*",), True),
    "bad-mode": (lambda im: im.p16(im.inode(im.ino("/keep1")), 0xF1A4), ("/keep1",), True),
    "dir-is-file": (lambda im: im.p16(im.inode(_dir_ino(im)), 0o100644), ("/dir/*",), True),
    # A directory entry naming the root: a loop that only the walk's depth
    # bounds (the server does not check a directory's ".." at each lookup;
    # a path's length bounds every walk: docs/files.md).
    "entry-to-root": (lambda im: (im.p32(im.entry(_dir_ino(im), "e00"), 2),
                                  im.d.__setitem__(im.entry(_dir_ino(im), "e00") + 7, 2)),
                      ("/dir/*",), True),
    # Every inode free in the bitmap: a new file must not take a live one.
    "inode-bitmap-empty": (lambda im: im.d.__setitem__(
        slice(im.u32(im.gd(0) + 4) * im.bs, im.u32(im.gd(0) + 4) * im.bs + 16), bytes(16)),
        (), True),
}


def walk_verdict(damaged, mounts, loop):
    def check(out):
        if not mounts:
            return None
        if loop:
            return None if "\nwalk: too deep at " in out else "the loop was not followed"
        files = walk_source(tempfile.mkdtemp(prefix="lde-src-"))
        # The first walk ends at its summary line, the second at "again".
        cut = out.find("\nwalk: entries ")
        if cut < 0 or "\nwalk: again: " not in out:
            return "no second walk"
        firsts = (out[:cut], out[cut:])
        eio = int(re.search(r"^walk: entries \d+ files \d+ eio (\d+)", out, re.M).group(1))
        if damaged and eio == 0 and not re.search(r"^walk: \w+ \S+: I/O error$", out, re.M):
            return "no EIO from the damaged image"
        if not damaged and not re.search(r"I/O error", out):
            return "no EIO anywhere"
        # Every file the case did not damage reads back whole, with its
        # own bytes, before and after the changes (which remove /small
        # and /dir/e05 and add files of their own).
        for walk, gone in ((firsts[0], ()), (firsts[1], ("/small", "/dir/e05"))):
            read = {m.group(1): (int(m.group(2)), int(m.group(3), 16)) for m in
                    re.finditer(r"^walk: file (\S+) (\d+) ([0-9a-f]{8})$", walk, re.M)}
            for name, data in files.items():
                if name in damaged or name in gone or \
                        ("/dir/*" in damaged and name.startswith("/dir/")):
                    continue
                if name not in read:
                    return "%s was not read back%s" % (name, " after the changes" if gone else "")
                if read[name] != (len(data), fnv(data)):
                    return "%s read back as %d bytes of other data" % (name, read[name][0])
        return None
    return check


def _walk_test(name, fn, damaged, mounts):
    expect = [r"^PASS: t_fsrel walk$"]
    expect.append(r"^walk: done, the server alive$" if mounts else
                  r"^walk: the server refused to mount the image$")
    return {"name": "fs_corrupt_" + name,
            "append": "init=/t_fsrel walk",
            "disk": corrupt(fn),
            "fsck": "skip",
            "expect": expect,
            "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"died", r"killed:"] +
                      ([] if name == "entry-to-root" else [r"^walk: too deep"]),
            "check": walk_verdict(damaged, mounts, name == "entry-to-root"),
            "timeout": 60}


TESTS = [
    {"name": "fs_blk_crash",
     "append": "init=/t_fsrel blkcrash",
     "disk": mkfs(8),
     "disk_check": blkcrash_files,
     "expect": [r"^fs: blkcrash: 64 files of pass \d+ read back; driver deaths 4, resends \d+$",
                r"^PASS: t_fsrel blkcrash$"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"not restarted", r"fs: server"],
     "check": lambda out: None if len(re.findall(r"^blk: driver pid \d+ died \(signal 9\), "
                                                  r"restarting$", out, re.M)) == 4
     else "expected 4 driver deaths",
     "timeout": 120},
    # The power goes after the 41st fsync's line, while the guest goes on.
    {"name": "fs_power_cut",
     "append": "init=/t_fsrel powercut",
     "disk": mkfs(16),
     "script": [("expect", r"^fs: powercut: fsynced f%04d \d+\n" % CUT_AFTER), ("kill",)],
     "fsck": "preen",
     "disk_check": fsynced_intact,
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 120},
    {"name": "fs_full",
     "append": "init=/t_fsrel full",
     "disk": mkfs(2, "-N", "64", "-m", "0"),
     "disk_check": full_files,
     "expect": [r"^fs: out of inodes after \d+ files: ENOSPC; a removal made room$",
                r"^fs: disk full after \d+ files and \d+ bytes: ENOSPC; then \d+ names, and no "
                r"directory$",
                r"^fs: a removal made room: a new file written and read back$",
                r"^PASS: t_fsrel full$"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 60},
    {"name": "fs_open_close_memory",
     "append": "init=/t_fsrel memory",
     "disk": mkfs(8),
     "expect": [r"^fs: 100000 opens and closes in \d+ ms: server pages (\d+) -> \d+",
                r"^PASS: t_fsrel memory$"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 180},
] + [_walk_test(n, fn, damaged, mounts) for n, (fn, damaged, mounts) in CORRUPT.items()]
