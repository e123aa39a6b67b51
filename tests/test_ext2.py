"""The ext2 engine of the file-system server (servers/fs/ext2.c), on the host:
build/host/ext2tool (tests/host/ext2tool.c, built with ASan and UBSan) runs
scripts of operations against images made by Debian's mke2fs, and every
result is checked with the standard tools: `e2fsck -fn` must find the image
clean, `debugfs` must read back what was written. docs/files.md describes
what is supported."""
import hashlib
import os
import shutil
import struct
import subprocess

import pytest

from conftest import make
from ext2image import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "build", "host", "ext2tool")
# The features off: see docs/files.md, "ext2 on disk".
FEATURES = "^dir_index,^ext_attr,^resize_inode"
# (block size, inode size): the two layouts every functional test runs on.
LAYOUTS = [(1024, 128), (4096, 256)]
LAYOUT_IDS = ["1k-128", "4k-256"]
T0 = 1_700_000_000  # the tool's clock, so timestamps are known


@pytest.fixture(scope="module", autouse=True)
def ext2tool():
    p = make("build/host/ext2tool")
    assert p.returncode == 0, p.stdout + p.stderr


def mkfs(img, size, bs=1024, isz=128, src=None, extra=()):
    cmd = ["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(bs), "-I", str(isz), "-O", FEATURES,
           "-E", "root_owner=0:0", *extra]
    if src:
        cmd += ["-d", str(src)]
    cmd += [str(img), str(size)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return img


def run(img, script, *opts, check=True):
    """Run script (lines) on img: the output lines, the "mounted" and
    "done" lines left out. A sanitizer report or a crash fails the test."""
    p = subprocess.run([TOOL, *opts, "-T", str(T0), str(img)], input="\n".join(script) + "\n",
                       capture_output=True, text=True, timeout=600)
    assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, p.stderr[-3000:]
    assert p.returncode in (0, 1), "exit status %d\n%s" % (p.returncode, p.stderr[-3000:])
    lines = p.stdout.splitlines()
    if check:
        assert p.returncode == 0, p.stdout[-2000:]
        assert lines and lines[0].startswith("mounted"), p.stdout[-2000:]
    return [l for l in lines if not l.startswith(("mounted", "done"))], p


def ok(img, script, *opts):
    """Run script, every command of which must succeed."""
    out, _ = run(img, script, *opts)
    errs = [l for l in out if l.startswith("err")]
    assert not errs, "\n".join(out[-40:])
    return out


def fsck(img):
    p = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def debugfs(img, request):
    p = subprocess.run(["debugfs", "-R", request, str(img)], capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def statline(line):
    assert line.startswith("ok "), line
    return {k: int(v, 0) for k, v in (f.split("=") for f in line.split()[1:])}


def pattern(off, n, seed):
    """The bytes ext2tool's pwrite writes at off (its pattern())."""
    m = (1 << 64) - 1
    return bytes((((o * 0x9E3779B97F4A7C15 + seed) & m) >> 56 ^ ((o * 0x9E3779B97F4A7C15 + seed)
                                                                 & m) >> 29 ^ o) & 0xff
                 for o in range(off, off + n))


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@pytest.fixture(params=LAYOUTS, ids=LAYOUT_IDS)
def layout(request):
    return request.param


# ---- reading what mke2fs wrote ---------------------------------------------

def test_read_mke2fs_tree(tmp_path, layout):
    bs, isz = layout
    src = tmp_path / "src"
    (src / "sub" / "deep").mkdir(parents=True)
    files = {
        "empty": b"",
        "small": b"hello, ext2\n",
        "direct": pattern(0, 12 * bs, 1),
        "single": pattern(0, 12 * bs + 1, 2),
        "double": pattern(0, (12 + bs // 4 + 3) * bs + 17, 3),
        "sub/deep/f": b"deep\n",
    }
    for name, data in files.items():
        (src / name).write_bytes(data)
    with open(src / "sparse", "wb") as f:  # a hole, then data
        f.seek(3 << 20)
        f.write(b"after the hole")
    files["sparse"] = b"\0" * (3 << 20) + b"after the hole"
    for i in range(40):
        (src / "sub" / ("n%02d" % i)).write_bytes(b"%d\n" % i)
    os.symlink("small", src / "fastlink")
    os.symlink("sub/deep/" + "x" * 90 + "/../f", src / "slowlink")
    img = mkfs(tmp_path / "img", "16M", bs, isz, src)
    script = []
    for name in files:
        script.append("get /%s %s" % (name, tmp_path / name.replace("/", "_")))
    script += ["ls /sub", "readlink /fastlink", "readlink /slowlink", "stat /fastlink",
               "lstat /fastlink", "walk"]
    out = ok(img, script)
    for name, data in files.items():
        assert (tmp_path / name.replace("/", "_")).read_bytes() == data, name
    names = sorted(l.split()[1] for l in out if l.startswith("ent "))
    assert names == sorted([".", "..", "deep"] + ["n%02d" % i for i in range(40)])
    assert "ok small" in out
    assert "ok sub/deep/" + "x" * 90 + "/../f" in out
    st = statline(out[out.index("ok small") + 2])
    assert st["size"] == len(files["small"]) and st["mode"] & 0o170000 == 0o100000
    lst = statline(out[out.index("ok small") + 3])
    assert lst["mode"] & 0o170000 == 0o120000 and lst["size"] == 5
    assert out[-1].startswith("ok entries=") and " errors=0 " in out[-1]


def test_mount_readonly_leaves_image_alone(tmp_path):
    img = mkfs(tmp_path / "img", "4M")
    before = sha(img)
    out, _ = run(img, ["create /x 644", "mkdir /d 755", "statfs"], "-r")
    assert out[0] == "err EROFS" and out[1] == "err EROFS"
    assert " ro=1" in out[2]
    assert sha(img) == before


# ---- writing, checked by e2fsck and debugfs ---------------------------------

def test_write_checked_by_debugfs(tmp_path, layout):
    bs, isz = layout
    img = mkfs(tmp_path / "img", "16M", bs, isz)
    ok(img, [
        "mkdir /a 755", "mkdir /a/b 700 1000 1000", "create /a/b/f 640 1000 1000",
        "pwrite /a/b/f 0 5000 9", "pwrite /a/b/f 100000 3000 9",
        "create /g 600", "pwrite /g 0 70000 4",
        "symlink a/b/f /fast", "symlink %s /slow" % ("/a/./b/" + "./" * 30 + "f"),
        # chown after chmod would clear the set-user-ID bit (ext2_chown).
        "chown /g 123 456", "chmod /g 4751", "utimes /g 111 222",
        "link /g /a/g2",
    ])
    fsck(img)
    f = debugfs(img, "cat /a/b/f")
    assert f == pattern(0, 5000, 9) + b"\0" * 95000 + pattern(100000, 3000, 9)
    assert debugfs(img, "cat /g") == pattern(0, 70000, 4)
    st = debugfs(img, "stat /g").decode()
    assert "Mode:  04751" in st and "User:   123" in st and "Group:   456" in st, st
    assert "Links: 2" in st, st
    assert "atime: 0x0000006f" in st and "mtime: 0x000000de" in st, st
    assert "Fast link dest: \"a/b/f\"" in debugfs(img, "stat /fast").decode()
    st = debugfs(img, "stat /a/b").decode()
    assert "User:  1000" in st and "Mode:  0700" in st, st
    out = ok(img, ["readlink /slow", "pcheck /slow 0 5000 9", "stat /a", "stat /a/b/f"])
    assert out[0] == "ok /a/./b/" + "./" * 30 + "f"
    assert statline(out[2])["nlink"] == 3
    f = statline(out[3])
    assert f["size"] == 103000 and f["uid"] == 1000 and f["mtime"] == T0
    fsck(img)


def test_big_file_through_triple_indirect(tmp_path):
    """1 KiB blocks: the triple-indirect block starts at byte
    (12 + 256 + 256^2) KiB, about 64.3 MiB; write 66 MiB densely."""
    img = mkfs(tmp_path / "img", "80M", 1024, 128, extra=["-N", "64"])
    size = 66 << 20
    ok(img, ["create /big 644", "pwrite /big 0 %d 5" % size])
    fsck(img)
    out = ok(img, ["pcheck /big 0 %d 5" % size, "stat /big", "get /big %s" % (tmp_path / "got")])
    st = statline(out[1])
    # Data, plus the indirect blocks: the single, the double and its 256,
    # the triple, one double under it and the singles for the rest.
    nblocks = size // 1024
    ind = 1 + 1 + 256 + 1 + 1 + -(-(nblocks - (12 + 256 + 256 * 256)) // 256)
    assert st["blocks"] == 2 * (nblocks + ind), st
    debugfs(img, "dump /big %s" % (tmp_path / "dumped"))
    assert sha(tmp_path / "dumped") == sha(tmp_path / "got")
    # Shrink into the double-indirect range, then grow back: a hole.
    ok(img, ["truncate /big 1000000", "truncate /big 70000000", "pcheck /big 0 1000000 5"])
    fsck(img)
    out = ok(img, ["stat /big", "get /big %s" % (tmp_path / "got2")])
    assert statline(out[0])["size"] == 70000000
    data = open(tmp_path / "got2", "rb").read()
    assert data[1000000:] == b"\0" * (70000000 - 1000000)
    debugfs(img, "dump /big %s" % (tmp_path / "dumped2"))
    assert sha(tmp_path / "dumped2") == sha(tmp_path / "got2")
    ok(img, ["unlink /big"])
    fsck(img)


def test_sparse_file_at_high_offsets(tmp_path):
    """4 KiB blocks: triple indirect starts past 4 GiB; a sparse write at
    5 GiB reaches it cheaply and needs large_file."""
    img = mkfs(tmp_path / "img", "32M", 4096, 256)
    offs = [0, 50000, 5 << 20, (4 << 30) + (9 << 20), 5 << 30]
    script = ["create /s 644"] + ["pwrite /s %d 3000 %d" % (o, i) for i, o in enumerate(offs)]
    ok(img, script)
    fsck(img)
    out = ok(img, ["stat /s"] + ["pcheck /s %d 3000 %d" % (o, i) for i, o in enumerate(offs)] +
             ["get /s /dev/null"])
    st = statline(out[0])
    assert st["size"] == (5 << 30) + 3000
    assert "large_file" in debugfs(img, "features").decode()
    # debugfs finds each piece where ext2 put it.
    for i, o in enumerate(offs):
        blk = int(debugfs(img, "bmap /s %d" % (o // 4096)).split()[0])
        assert blk > 0
        with open(img, "rb") as f:
            f.seek(blk * 4096 + o % 4096)
            assert f.read(min(3000, 4096 - o % 4096)) == pattern(o, min(3000, 4096 - o % 4096), i)
    ok(img, ["truncate /s 10", "stat /s"])
    fsck(img)


def test_two_thousand_entries(tmp_path, layout):
    bs, isz = layout
    img = mkfs(tmp_path / "img", "16M", bs, isz, extra=["-N", "4096"])
    # A small cache: eviction of dirty blocks in the middle of it all.
    ok(img, ["mkdir /d 755", "mkfiles /d 2000", "sync"], "-C", "16")
    fsck(img)
    out = ok(img, ["ls /d", "stat /d/f01999", "create /d/f01999 644"][:2])
    assert out[-2] == "ok 2002"
    names = debugfs(img, "ls -p /d").decode().split("\n")
    assert sum(1 for n in names if "/f0" in n) == 2000
    out, _ = run(img, ["create /d/f01999 644", "rmfiles /d 1000", "ls /d"])
    assert out[0] == "err EEXIST" and out[-1] == "ok 1002"
    fsck(img)
    # Freed slots are reused, and the directory does not grow.
    size = statline(ok(img, ["stat /d"])[0])["size"]
    ok(img, ["mkfiles /d 1000"])
    assert statline(ok(img, ["stat /d"])[0])["size"] == size
    fsck(img)


def test_readdir_cookie_resumes(tmp_path):
    """ext2tool's ls reads one entry per call, each time from the cookie
    the last call returned: every name once, in order."""
    img = mkfs(tmp_path / "img", "4M")
    ok(img, ["mkdir /d 755", "mkfiles /d 300", "rmfiles /d 10"])
    out = ok(img, ["ls /d"])
    names = [l.split()[1] for l in out if l.startswith("ent ")]
    assert len(names) == len(set(names)) == 292
    assert sorted(names) == sorted([".", ".."] + ["f%05d" % i for i in range(10, 300)])


def test_rename(tmp_path, layout):
    bs, isz = layout
    img = mkfs(tmp_path / "img", "8M", bs, isz)
    ok(img, ["mkdir /a 755", "mkdir /b 755", "mkdir /a/sub 755", "mkdir /a/sub/deeper 755",
             "create /a/f 644", "pwrite /a/f 0 100 1", "create /b/g 644", "pwrite /b/g 0 200 2",
             "mkdir /b/full 755", "create /b/full/x 644", "mkdir /b/empty 755"])
    out, _ = run(img, [
        "rename /a/f /a/f2",          # in one directory
        "rename /a/f2 /b/g",          # over an existing file, across directories
        "rename /a/sub /b/sub",       # a directory across: its .. follows
        "rename /b/sub /b/sub/deeper/x",  # into its own subtree
        "rename /b/sub /b/full",      # over a non-empty directory
        "rename /b/sub /b/empty",     # over an empty one
        "rename /b/g /b/empty",       # a file over a directory
        "rename /b/empty /b/g",       # a directory over a file
        "rename /b/g /b/g",           # onto itself
        "rename /nothing /b/x",
        "rename /b/g /nodir/x",
        "rename /b/. /c",
    ])
    assert out == ["ok", "ok", "ok", "err EINVAL", "err ENOTEMPTY", "ok", "err EISDIR",
                   "err ENOTDIR", "ok", "err ENOENT", "err ENOENT", "err EINVAL"], out
    fsck(img)
    assert debugfs(img, "cat /b/g") == pattern(0, 100, 1)
    ls = debugfs(img, "ls -p /b/empty").decode().split("\n")
    b_ino = statline(ok(img, ["stat /b"])[0])["ino"]
    assert ls[1].startswith("/%d/" % b_ino) and ls[1].endswith("/..//"), ls  # .. followed
    out = ok(img, ["stat /a", "stat /b", "ls /a"])
    assert statline(out[0])["nlink"] == 2 and statline(out[1])["nlink"] == 4
    # Renamed within one directory over an empty directory: the count drops.
    ok(img, ["mkdir /b/e2 755", "rename /b/e2 /b/full/x2", "rmdir /b/full/x2",
             "mkdir /b/e3 755", "mkdir /b/e4 755", "rename /b/e3 /b/e4"])
    out = ok(img, ["stat /b"])
    assert statline(out[0])["nlink"] == 5  # ., .., empty, full, e4
    fsck(img)


def test_unlink_rmdir_and_open_files(tmp_path):
    img = mkfs(tmp_path / "img", "8M")
    ok(img, ["mkdir /d 755", "create /d/f 644", "pwrite /d/f 0 300000 3", "mkdir /e 755"])
    free0 = statline(ok(img, ["statfs"])[0])
    out, _ = run(img, ["rmdir /d", "unlink /d", "rmdir /d/f", "unlink /d/none", "rmdir /e/.",
                       "rmdir /e/..", "rmdir /", "unlink /d/f", "rmdir /d", "rmdir /e",
                       "statfs"])
    assert out[:10] == ["err ENOTEMPTY", "err EISDIR", "err ENOTDIR", "err ENOENT", "err EINVAL",
                        "err ENOTEMPTY", "err ENOENT", "ok", "ok", "ok"], out
    free1 = statline(out[10])
    assert free1["ffree"] == free0["ffree"] + 3
    assert free1["bfree"] > free0["bfree"] + 290
    fsck(img)
    # Unlinked while open: the blocks stay until the last close.
    out = ok(img, ["create /o 644", "pwrite /o 0 200000 8", "open /o", "statfs"])
    ino = out[2].split()[1]
    before = statline(out[3])
    out = ok(img, ["open /o", "unlink /o", "statfs", "stat /o"][:3])
    assert statline(out[2])["bfree"] == before["bfree"]
    out, p = run(img, ["open /o"])  # gone by name
    assert out == ["err ENOENT"]
    # Unlink with it open, read it through its inode, then close.
    ok(img, ["create /p 644", "pwrite /p 0 100000 6"])
    before = statline(ok(img, ["statfs"])[0])
    out = ok(img, ["open /p", "unlink /p", "statfs"])
    mid = statline(out[2])
    assert mid["bfree"] == before["bfree"] and mid["ffree"] == before["ffree"]
    out = ok(img, ["close %s" % out[0].split()[1], "close %s" % ino, "statfs"])
    after = statline(out[2])
    assert after["bfree"] >= before["bfree"] + 98 and after["ffree"] == before["ffree"] + 2
    fsck(img)


def test_truncate(tmp_path, layout):
    bs, isz = layout
    img = mkfs(tmp_path / "img", "16M", bs, isz)
    n = (12 + bs // 4 + 5) * bs + 123
    ok(img, ["create /t 644", "pwrite /t 0 %d 1" % n, "truncate /t %d" % (13 * bs + 7),
             "truncate /t %d" % (20 * bs)])
    fsck(img)
    want = pattern(0, 13 * bs + 7, 1) + b"\0" * (7 * bs - 7)
    assert debugfs(img, "cat /t") == want
    ok(img, ["truncate /t 5", "pwrite /t 100 10 2", "truncate /t 0", "pwrite /t 3 4 3"])
    fsck(img)
    assert debugfs(img, "cat /t") == b"\0\0\0" + pattern(3, 4, 3)
    out, _ = run(img, ["mkdir /dir 755", "truncate /dir 0", "truncate /t 99999999999999"])
    assert out[1:] == ["err EISDIR", "err EFBIG"]
    assert statline(ok(img, ["stat /t"])[0])["blocks"] == bs // 512


def test_full_disk_and_out_of_inodes(tmp_path, layout):
    bs, isz = layout
    img = mkfs(tmp_path / "img", "2M", bs, isz, extra=["-N", "64", "-m", "0"])
    out = ok(img, ["create /fill 644", "fill /fill", "statfs", "create /x 644",
                   "pwrite /x 0 10 1"][:3])
    assert out[1].endswith("err=ENOSPC"), out
    assert statline(out[2])["bfree"] == 0
    out, _ = run(img, ["mkdir /d 755", "pwrite /fill 0 10 1", "symlink %s /l" % ("z" * 100)])
    # A new directory needs a block; overwriting allocated bytes does not.
    assert out == ["err ENOSPC", "ok", "err ENOSPC"], out
    fsck(img)
    ok(img, ["truncate /fill %d" % (20 * bs), "mkdir /d 755", "pwrite /fill 0 10 1"])
    fsck(img)
    # Out of inodes: ENOSPC, and the file system stays clean.
    out, _ = run(img, ["mkfiles /d 100"])
    assert out == ["err ENOSPC"]
    st = statline(ok(img, ["statfs"])[0])
    assert st["ffree"] == 0
    fsck(img)
    out, _ = run(img, ["create /more 644", "rmfiles /d 3", "create /more 644"])
    assert out[0] == "err ENOSPC" and out[2].startswith("ok")
    fsck(img)


def test_paths_dots_and_symlinks(tmp_path):
    img = mkfs(tmp_path / "img", "8M")
    deep = "/".join(["d%03d" % i for i in range(60)])  # 299 bytes
    script = ["mkdir /%s 755" % "/".join(deep.split("/")[:i + 1]) for i in range(60)]
    script += ["create /%s/leaf 644" % deep, "symlink /%s /top" % deep, "symlink top /rel",
               "symlink loop2 /loop1", "symlink loop1 /loop2", "symlink leaf /%s/toleaf" % deep]
    ok(img, script)
    long_path = "/" + "d000/../" * 499 + "d000"  # 3,997 bytes
    dots = "/" + deep + "/.." * 60 + "/" + deep + "/./leaf"
    out, _ = run(img, [
        "stat /%s/leaf" % deep, "stat %s" % dots, "stat /rel/leaf", "stat /top/toleaf",
        "stat /loop1", "lstat /loop1", "stat /top/", "stat /rel/leaf/", "stat /" + "x" * 256,
        "stat " + long_path, "stat /d000" + "/." * 2100, "stat /..", "stat /rel/../d059/leaf",
    ])
    leaf = out[0]
    assert out[1] == leaf and out[2] == leaf and out[3] == leaf, out
    assert out[4] == "err ELOOP" and out[5].startswith("ok")
    assert out[6].startswith("ok") and out[7] == "err ENOTDIR"
    assert out[8] == "err ENAMETOOLONG"
    assert out[9].startswith("ok") and out[10] == "err ENAMETOOLONG"
    assert statline(out[11])["ino"] == 2
    assert out[12] == leaf
    fsck(img)


def test_permissions(tmp_path):
    img = mkfs(tmp_path / "img", "4M")
    ok(img, ["mkdir /priv 700 1000 1000", "create /priv/f 640 1000 1000",
             "create /pub 644 1000 1000", "create /noexec 644", "create /exec 701",
             "mkdir /grp 750 0 50"])
    out, _ = run(img, [
        "access /pub 1000 1000 rw", "access /pub 2000 2000 r", "access /pub 2000 2000 w",
        "access /pub 0 0 rw", "access /noexec 0 0 x", "access /exec 0 0 x",
        "access /exec 5 5 x", "access /exec 5 5 r", "access /grp 7 50 rx", "access /grp 7 50 w",
        "walkas 1000 1000 /priv/f", "walkas 2000 2000 /priv/f", "walkas 0 0 /priv/f",
        "walkas 7 50 /grp", "access /priv 0 0 x",
    ])
    assert out == ["ok", "ok", "err EACCES", "ok", "err EACCES", "ok", "ok", "err EACCES", "ok",
                   "err EACCES", out[10], "err EACCES", out[12], out[13], "ok"], out
    assert out[10].startswith("ok") and out[12] == out[10]


def test_features(tmp_path):
    img = mkfs(tmp_path / "img", "4M")
    ok(img, ["create /f 644", "pwrite /f 0 100 1"])
    data = bytearray(open(img, "rb").read())
    # An INCOMPAT feature we do not know (extents): refused.
    bad = bytearray(data)
    struct.pack_into("<I", bad, 1024 + 96, struct.unpack_from("<I", bad, 1024 + 96)[0] | 0x40)
    (tmp_path / "incompat").write_bytes(bad)
    out, p = run(tmp_path / "incompat", ["walk"], check=False)
    assert out == ["mount: err EINVAL"] and p.returncode == 1
    # A RO_COMPAT feature we do not know (huge_file): read-only.
    ro = bytearray(data)
    struct.pack_into("<I", ro, 1024 + 100, struct.unpack_from("<I", ro, 1024 + 100)[0] | 0x8)
    (tmp_path / "rocompat").write_bytes(ro)
    out, p = run(tmp_path / "rocompat", ["pcheck /f 0 100 1", "pwrite /f 0 1 1", "create /g 644",
                                         "unlink /f", "mkdir /d 755", "rename /f /g",
                                         "truncate /f 0", "chmod /f 600", "walk"])
    assert p.stdout.startswith("mounted ro")
    assert out[:8] == ["ok"] + ["err EROFS"] * 7, out
    assert (tmp_path / "rocompat").read_bytes() == bytes(ro)
    # Not ext2 at all.
    (tmp_path / "zero").write_bytes(b"\0" * 65536)
    out, _ = run(tmp_path / "zero", ["walk"], check=False)
    assert out == ["mount: err EINVAL"]
    # The features mke2fs turned on are the ones supported.
    feats = debugfs(img, "features").decode()
    for f in ("dir_index", "ext_attr", "resize_inode", "has_journal", "extent"):
        assert f not in feats.split(), feats
    assert "filetype" in feats and "sparse_super" in feats


def test_other_layouts(tmp_path):
    """2 KiB blocks with 512-byte inodes, and a revision 0 file system
    (fixed 128-byte inodes, no features at all)."""
    img = mkfs(tmp_path / "img", "16M", 2048, 512)
    out = ok(img, ["mkdir /d 755", "mkfiles /d 500", "create /f 644", "pwrite /f 0 3000000 3",
                   "pcheck /f 0 3000000 3", "truncate /f 5000", "rmfiles /d 200",
                   "symlink %s /s" % ("a" * 200), "walk"])
    assert out[-1] == "ok entries=304 errors=0 eio=0", out[-1]  # lost+found d f s, 300 in d
    fsck(img)
    assert debugfs(img, "cat /f") == pattern(0, 5000, 3)
    r0 = tmp_path / "r0"
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-r", "0", "-b", "1024", str(r0), "4M"],
                   check=True, capture_output=True)
    ok(r0, ["mkdir /d 755", "create /d/f 644", "pwrite /d/f 0 50000 1", "rename /d/f /g",
            "symlink d /l", "walk"])
    fsck(r0)
    assert debugfs(r0, "cat /g") == pattern(0, 50000, 1)
    assert "Filesystem revision #:    0" in debugfs(r0, "stats").decode()


# ---- crashes ------------------------------------------------------------------

CRASH_SCRIPT = [
    "create /kept 644", "pwrite /kept 0 40000 1", "sync",
    "mkdir /d 755", "create /d/a 644", "pwrite /d/a 0 300000 2", "mkfiles /d 40",
    "rename /d/a /b", "link /b /d/c", "truncate /b 5000", "unlink /d/c", "rmfiles /d 20",
    "mkdir /d/e 755", "rename /d/e /e", "symlink %s /s" % ("q" * 80), "unlink /kept2",
    "create /kept2 644", "pwrite /kept2 0 20000 3", "unlink /b", "rmdir /e", "sync",
]


def test_power_cut_anywhere_e2fsck_p_repairs(tmp_path):
    """Cut the power after every n-th block write of a script of changes:
    `e2fsck -p` repairs each image without asking, leaving it clean, and
    the file synced before the cut is intact."""
    img = mkfs(tmp_path / "img", "4M")
    base = img.read_bytes()
    _, p = run(img, CRASH_SCRIPT)
    total = int(p.stdout.split("done writes=")[1].split()[0])
    synced = None
    moved = 0
    assert total > 40
    step = max(1, total // 90)
    for n in list(range(0, total, step)) + [total - 1]:
        cut = tmp_path / "cut"
        cut.write_bytes(base)
        run(cut, CRASH_SCRIPT, "-X", str(n))
        r = subprocess.run(["e2fsck", "-p", str(cut)], capture_output=True, text=True, timeout=60)
        if r.returncode == 4 and "Entry 'e' in /d (13) is a link to directory /e" in r.stdout:
            # Cut while a directory moved between directories: both
            # names on the disk, which e2fsck -p will not choose between
            # (docs/files.md). e2fsck -y removes the old one.
            moved += 1
            r = subprocess.run(["e2fsck", "-fy", str(cut)], capture_output=True, text=True,
                               timeout=60)
        assert r.returncode in (0, 1), "cut after %d of %d writes: e2fsck -p: %d\n%s" % (
            n, total, r.returncode, r.stdout + r.stderr)
        fsck(cut)
        out, _ = run(cut, ["pcheck /kept 0 40000 1", "walk"])
        if out[0] == "ok":
            synced = n if synced is None else synced
        else:
            # Only before the first sync completed may /kept be missing.
            assert synced is None, "cut after %d: /kept lost after a sync: %s" % (n, out)
        assert out[-1].startswith("ok") and " errors=0 " in out[-1], out
    assert synced is not None
    assert moved <= 2 * step + 2  # one short window, not more


# ---- hostile images -------------------------------------------------------------

def corrupt_images(tmp_path):
    src = tmp_path / "src"
    (src / "dir").mkdir(parents=True)
    (src / "small").write_bytes(b"small file\n")
    (src / "ind").write_bytes(pattern(0, 40 * 1024, 1))  # single indirect
    (src / "dind").write_bytes(pattern(0, 300 * 1024, 2))  # double indirect
    for i in range(30):
        (src / "dir" / ("e%02d" % i)).write_bytes(b"x")
    os.symlink("small", src / "fast")
    os.symlink("dir/" + "y" * 70, src / "slow")
    img = mkfs(tmp_path / "clean", "2M", 1024, 128, src)
    ino = {}
    out = ok(img, ["lstat /" + n for n in ("small", "ind", "dind", "dir", "fast", "slow")])
    for n, l in zip(("small", "ind", "dind", "dir", "fast", "slow"), out):
        ino[n] = statline(l)["ino"]
    base = Image(img)
    it0 = base.u32(base.gd(0) + 8)
    cases = {}

    def case(name, fn):
        im = Image(img)
        fn(im)
        path = tmp_path / ("bad-" + name)
        im.save(path)
        cases[name] = path

    i_ = lambda n: base.inode(ino[n])  # noqa: E731
    case("ptr-beyond-disk", lambda im: im.p32(i_("small") + 40, 0xFFFFFF00))
    case("ptr-into-inode-table", lambda im: im.p32(i_("small") + 40, it0))
    case("ptr-into-superblock", lambda im: im.p32(i_("ind") + 40 + 4 * 3, 1))
    case("ptr-to-bitmap", lambda im: im.p32(i_("ind") + 40, im.u32(im.gd(0))))
    case("ind-entry-beyond-disk",
         lambda im: im.p32(im.block(ino["ind"], 12) * im.bs + 8, 0x7FFFFFFF))
    case("ind-loop", lambda im: im.p32(im.block(ino["ind"], 12) * im.bs,
                                       im.block(ino["ind"], 12)))
    case("dind-loop", lambda im: im.p32(im.block(ino["dind"], 13) * im.bs,
                                        im.block(ino["dind"], 13)))
    case("dirent-reclen-0", lambda im: im.p16(im.entry(ino["dir"], "e05") + 4, 0))
    case("dirent-reclen-misaligned", lambda im: im.p16(im.entry(ino["dir"], "e05") + 4, 13))
    case("dirent-past-block", lambda im: im.p16(im.entry(ino["dir"], "e05") + 4, 2048))
    case("dirent-namelen-past-reclen", lambda im: im.d.__setitem__(
        im.entry(ino["dir"], "e05") + 6, 200))
    case("dirent-ino-out-of-range", lambda im: im.p32(im.entry(ino["dir"], "e07"), 0x7FFFFFF0))
    case("dirent-ino-free", lambda im: im.p32(im.entry(ino["dir"], "e07"), 200))
    case("dirent-ino-zero-root", lambda im: im.p32(im.entry(2, "small"), 1))
    case("huge-size", lambda im: im.p32(i_("small") + 108, 0xFFFFFFFF))
    case("dir-huge-size", lambda im: im.p32(i_("dir") + 4, 0xFFFFFC00))
    case("dir-size-unaligned", lambda im: im.p32(i_("dir") + 4, 1000))
    case("dir-hole", lambda im: (im.p32(i_("dir") + 4, 3 * im.bs),
                                 im.p32(i_("dir") + 44, 0)))
    case("bad-mode", lambda im: im.p16(i_("small"), 0xF1A4))
    case("fast-link-too-long", lambda im: im.p32(i_("fast") + 4, 300))
    case("slow-link-beyond-disk", lambda im: im.p32(i_("slow") + 40, 0xFFFFFFF0))
    case("fast-link-empty", lambda im: im.p32(i_("fast") + 4, 0))
    case("slow-link-empty", lambda im: im.p32(i_("slow") + 4, 0))
    # A whole block of target, with no room for the NUL e2fsck wants after it.
    case("slow-link-fills-block", lambda im: (
        im.p32(i_("slow") + 4, 1024),
        im.d.__setitem__(slice(im.block(ino["slow"], 0) * im.bs + 74,
                               (im.block(ino["slow"], 0) + 1) * im.bs), b"y" * 950)))
    case("slow-link-nul", lambda im: im.d.__setitem__(im.block(ino["slow"], 0) * im.bs + 10, 0))
    case("dir-dotdot-loop", lambda im: im.p32(im.block(ino["dir"], 0) * im.bs + 12, ino["dir"]))
    case("dir-is-file", lambda im: im.p16(i_("dir"), 0o100644))
    case("links-zero", lambda im: im.p16(i_("dind") + 26, 0))
    mount_cases = {}

    def mcase(name, fn):
        im = Image(img)
        fn(im)
        path = tmp_path / ("badmount-" + name)
        im.save(path)
        mount_cases[name] = path

    mcase("gd-table-beyond-disk", lambda im: im.p32(im.gd(0) + 8, 0xFFFF0000))
    mcase("gd-bitmap-in-superblock", lambda im: im.p32(im.gd(0), 1))
    mcase("gd-bitmap-in-table", lambda im: im.p32(im.gd(0) + 4, it0 + 1))
    mcase("gd-free-too-big", lambda im: im.p16(im.gd(0) + 12, 60000))
    mcase("blocks-past-device", lambda im: im.p32(1024 + 4, 1 << 20))
    mcase("inodes-count-wrong", lambda im: im.p32(1024, 12345))
    mcase("zero-per-group", lambda im: im.p32(1024 + 40, 0))
    mcase("root-not-dir", lambda im: im.p16(im.inode(2), 0o100644))
    mcase("root-free", lambda im: im.p16(im.inode(2) + 26, 0))
    mcase("inode-size-odd", lambda im: im.p16(1024 + 88, 200))
    return cases, mount_cases


WRITES = ["create /dir/new 644", "pwrite /small 0 5000 1", "pwrite /ind 30000 20000 1",
          "truncate /dind 1000", "unlink /ind", "unlink /dir/e09", "mkfiles /dir 50",
          "rename /dir /dir2", "rmdir /dir2", "mkdir /dir2/x 755", "rename /small /dir2/x/s",
          "unlink /dind", "symlink %s /newlink" % ("w" * 100), "walk"]


def test_corrupt_images_give_eio(tmp_path):
    """Each kind of corrupt metadata: walking everything gives EIO where
    the damage is and nothing else goes wrong; changing things does not
    crash either. ext2tool runs with ASan and UBSan."""
    cases, mount_cases = corrupt_images(tmp_path)
    for name, path in sorted(cases.items()):
        out, p = run(path, ["walk"], check=False)
        assert p.stdout.startswith("mounted"), (name, p.stdout)
        bad = [l for l in out if l.startswith("bad ")]
        assert not bad, (name, bad)
        walk = out[-1]
        assert walk.startswith("ok entries="), (name, out)
        eio = int(walk.split("eio=")[1])
        if name == "dir-dotdot-loop":
            # The walk never climbs ".."; moving a directory in does.
            out, _ = run(path, ["mkdir /o 755", "rename /o /dir/o"])
            assert out == [out[0], "err EIO"], out
        else:
            assert eio >= 1, (name, out)
        out, p = run(path, WRITES, check=False)
        assert p.stdout.startswith("mounted"), (name, p.stdout)
    for name, path in sorted(mount_cases.items()):
        out, p = run(path, ["walk"], check=False)
        assert out and out[0] in ("mount: err EIO", "mount: err EINVAL"), (name, out)


def test_dir_block_checked_again_after_a_write_as_data(tmp_path):
    """The server checks a directory block once and trusts it while it
    stays cached (bcache's dir_ok); on a disk where a file's block is also
    a directory's, a write through the file (part of the block, so that it
    is not zeroed first) must make the next lookup check the block again:
    EIO, not a loop or a read past the block."""
    src = tmp_path / "src"
    (src / "dir").mkdir(parents=True)
    (src / "small").write_bytes(b"small file\n")
    for i in range(10):
        (src / "dir" / ("e%02d" % i)).write_bytes(b"x")
    img = mkfs(tmp_path / "clean", "2M", 1024, 128, src)
    ino = {n: statline(l)["ino"] for n, l in zip(("small", "dir"),
                                                 ok(img, ["lstat /small", "lstat /dir"]))}
    im = Image(img)
    im.p32(im.inode(ino["small"]) + 40, im.block(ino["dir"], 0))
    im.p32(im.inode(ino["small"]) + 4, 1024)
    im.save(tmp_path / "shared")
    out, _ = run(tmp_path / "shared", ["lstat /dir/e05", "pwrite /small 0 1000 7",
                                       "lstat /dir/e05", "ls /dir"], check=False)
    assert out[0].startswith("ok "), out
    assert out[2:] == ["err EIO", "err EIO"], out


def test_inode_bitmap_calling_live_inodes_free(tmp_path):
    """An inode bitmap that calls every inode free: a create must not take
    a live inode (zeroing it would give its names to the new file): EIO,
    and the files already there stay as they were."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "small").write_bytes(b"small file\n")
    img = mkfs(tmp_path / "clean", "2M", 1024, 128, src)
    im = Image(img)
    ib = im.u32(im.gd(0) + 4) * im.bs
    im.d[ib:ib + 16] = bytes(16)
    im.save(tmp_path / "freed")
    out, _ = run(tmp_path / "freed", ["create /new 644", "create /new2 644", "lstat /small"],
                 check=False)
    assert out[:2] == ["err EIO", "err EIO"], out
    assert out[2].startswith("ok ") and statline(out[2])["size"] == 11, out
    assert debugfs(tmp_path / "freed", "cat /small") == b"small file\n"
