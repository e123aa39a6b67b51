"""The file-system server on the disk (issue 14; docs/files.md, "The
server"): servers/fs under servers/svc, mounted at "/", used by
user/t_fs.c as init on a fresh image that scripts/mkdisk.sh makes from
rootfs/ ("disk": "rootfs"); the host then checks the image with e2fsck
(tests/lde.py does, after every test on an ext2 image) and reads what was
written with debugfs."""
import os
import subprocess
import tempfile


def _tool(name):
    for d in ("/sbin", "/usr/sbin"):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    return name


def big_byte(i):
    """user/t_fs.c's big_byte()."""
    return ((i * 2654435761) & 0xFFFFFFFF) >> 13 & 0xFF


def _with_image(img, fn):
    with tempfile.TemporaryDirectory(prefix="lde-fscheck-") as d:
        path = os.path.join(d, "disk.img")
        with open(path, "wb") as f:
            f.write(img)
        return fn(path)


def _cat(path, name):
    p = subprocess.run([_tool("debugfs"), "-R", "cat " + name, path], capture_output=True,
                       timeout=120)
    return p.stdout


def posix_written(img, out):
    """debugfs reads what t_fs wrote."""
    def check(path):
        want = {"/tmp/hello.txt": b"written by t_fs through the file server\n",
                "/tmp/d/b": b"short\n",
                "/home/user/big": bytes(big_byte(i) for i in range(1 << 20))}
        for name, data in want.items():
            got = _cat(path, name)
            if got != data:
                return "debugfs cat %s: %d bytes, not what t_fs wrote" % (name, len(got))
        return None
    return _with_image(img, check)


def persisted(img, out):
    def check(path):
        return (None if _cat(path, "/home/user/persist") == b"from the first boot\n"
                               else "/home/user/persist is not what the first boot wrote")
    return _with_image(img, check)


def after_crash(img, out):
    """The server was killed in the middle of a write, then its successor
    wrote and synced. A crash may leave what e2fsck -p repairs without
    asking (docs/files.md, "What e2fsck -p repairs after a crash"): the
    test's "fsck": "preen" lets e2fsck -p repair the image first, after
    which it must be clean; and the file synced before the crash, then
    changed by the new server, reads back."""
    def check(path):
        if _cat(path, "/tmp/victim") != b"before\nafter\n":
            return "/tmp/victim is not what was written"
        return None
    return _with_image(img, check)


def timer_wrote(img, out):
    def check(path):
        return (None if _cat(path, "/home/user/timed") == b"written back by the timer\n"
                               else "/home/user/timed is not on the disk")
    return _with_image(img, check)


def init_synced(img, out):
    def check(path):
        return (None if _cat(path, "/home/user/note") == b"kept by init's sync\n"
                               else "/home/user/note is not on the disk")
    return _with_image(img, check)


def _t(name, args, expect=(), timeout=120, **kw):
    t = {"name": name,
         "append": "init=/t_fs " + args,
         "disk": "rootfs",
         "expect": [r"^PASS: t_fs\b", r"init \(pid 1\) exited with status 0"] + list(expect),
         "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
         "timeout": timeout}
    t.update(kw)
    return t


POSIX_LINES = [
    r"fs: create, write, read back, lseek, holes, O_EXCL, O_APPEND, O_TRUNC",
    r"fs: mkdir, rmdir, rename, link, unlink, readdir, stat, chmod, chdir",
    r"fs: a 1 MiB file through the indirect blocks",
    r"hello from U-mode: /bin/hello",
    r"hello from U-mode: /tmp/hello2",
    r"fs: exec of programs on the disk",
    r"fs: a process killed with 8 files open leaves none in the server",
    r"fs: uid 1000 refused root's files \(EACCES, EPERM\), owns what it creates",
]

TESTS = [
    _t("fs_posix", "posix", POSIX_LINES, disk_check=posix_written),
    # The whole system in 32 MiB: the disk, its driver and the server.
    _t("fs_posix_32m", "posix", POSIX_LINES, env={"QEMU_MEM": "32M"}, disk_check=posix_written),
    _t("fs_persist", "write1", disk_check=persisted,
       then=_t("fs_persist_2", "read2")),
    _t("fs_server_crash", "crash",
       [r"fs: server pid \d+ died \(signal 9\), restarting",
        r"fs: server killed holding a write: EIO to the writer, restarted, a new open works"],
       disk_check=after_crash, fsck="preen"),
    _t("fs_flush_timer", "timer", [r"fs: the flush timer wrote back after \d+ ms"],
       disk_check=timer_wrote),
    # The system as make run boots it: init mounts the disk at "/", the
    # shell finds programs in the disk's /bin, and init syncs before the
    # machine powers off (the server's timer is 3 s away: the shell exits
    # at once).
    # root's shell: it installs a program in /bin, which is root's.
    {"name": "fs_shell",
     "append": "user=root",
     "disk": "rootfs",
     "script": [("expect", r"blk: virtio-blk disk, 65536 sectors \(32768 KiB\)\n# $"),
                ("send", "t_fs scribble\n"),
                ("expect", r"^PASS: t_fs scribble$"),
                ("expect", r"# $"),
                ("send", "hellodisk\n"),
                ("expect", r"^hello from U-mode: hellodisk$"),
                ("expect", r"# $"),
                ("send", "exit\n")],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"^fs: "],
     "disk_check": init_synced,
     "timeout": 60},
]
