"""Symbolic links (docs/files.md, "Symbolic links"): user/t_symlink.c as
init on a fresh rootfs image, with the ext2 server at "/" and a ramfs at
/mnt; then, on the host, debugfs reads the links t_symlink made, fast (in
the inode) and slow (in a block), as e2fsprogs' own (and the harness's
`e2fsck -fn`, run on every ext2 image, finds the image clean)."""
import subprocess

from suites.fs import _tool, _with_image


def _debugfs(path, cmd):
    return subprocess.run([_tool("debugfs"), "-R", cmd, path], capture_output=True, text=True,
                          timeout=120).stdout


def links_on_disk(img, out):
    def check(path):
        st = _debugfs(path, "stat /tmp/sl/c1")
        if "Type: symlink" not in st or 'Fast link dest: "rel"' not in st:
            return "debugfs stat /tmp/sl/c1: not a fast symlink to rel:\n" + st
        st = _debugfs(path, "stat /tmp/sl/slow")
        want = "/tmp/sl/" + "L" * 100
        if "Type: symlink" not in st or "Size: %d" % len(want) not in st or "(0):" not in st:
            return "debugfs stat /tmp/sl/slow: not a slow symlink of one block:\n" + st
        if _debugfs(path, "cat /tmp/sl/slow") != want:
            return "debugfs cat /tmp/sl/slow is not its target"
        st = _debugfs(path, "stat /tmp/sl/max")
        if "Type: symlink" not in st or "Size: 1023" not in st:
            return "debugfs stat /tmp/sl/max:\n" + st
        ls = _debugfs(path, "ls -l /tmp/sl")
        for gone in ("abs", "dang", "hard", "over", "empty"):
            if " %s\n" % gone in ls:
                return "/tmp/sl/%s is still there:\n%s" % (gone, ls)
        return None
    return _with_image(img, check)


TESTS = [
    {"name": "symlink",
     "append": "init=/t_symlink",
     "disk": "rootfs",
     "expect": [r"symlink: the image's /usr/share/data/notes leads to /usr/share/notes",
                r"symlink: relative, absolute, chained; stat and lstat; O_NOFOLLOW",
                r"symlink: dangling \(ENOENT, O_CREAT makes the target\), loops and chains "
                r"\(ELOOP after 40\)",
                r"symlink: links to directories, paths through them, \"\.\.\" after a link",
                r"symlink: readlink cut to the buffer, unlink keeps the target, rename and "
                r"link move the link",
                r"symlink: fast and slow links, 1023 bytes at most on 1 KiB blocks",
                r"symlink: a target that makes the path outgrow the kernel's buffer",
                r"symlink: links into another mount and out of it",
                r"symlink: ln -s, ls -l, stat, cp, mv, rm -r, exec",
                r"^PASS: t_symlink\b",
                r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "disk_check": links_on_disk,
     "timeout": 120},
]
