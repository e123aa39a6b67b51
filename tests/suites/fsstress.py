"""Stress and edge cases of files on the disk (issue 14, "Reliability": the
kinds of test a classic teaching kernel's file-system suite runs), by
user/t_fsstress.c as init on a fresh rootfs image; each run ends with
e2fsck -fn on the host, which must find the image clean (tests/lde.py
checks every ext2 image a test used)."""


def _t(name, scenarios, lines, timeout=90):
    return {"name": "fsstress_" + name,
            "append": "init=/t_fsstress " + " ".join(scenarios),
            "disk": "rootfs",
            "expect": [r"^fsstress: " + l for l in lines] +
                      [r"^PASS: t_fsstress\b", r"init \(pid 1\) exited with status 0"],
            # "fs: ..." is the server or its supervisor complaining
            # (a restart, an error): none may happen.
            "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"^fs: "],
            "timeout": timeout}


TESTS = [
    _t("races", ["createdelete", "concreate", "linkunlink"],
       [r"4 processes creating and deleting the same 20 names",
        r"concurrent O_CREAT of the same names: one file each, one O_EXCL winner",
        r"link/unlink/create races: link counts are the names"]),
    _t("writers", ["fourfiles", "sharedfd", "offsetkill", "dupappend"],
       [r"four processes writing four files at once",
        r"a descriptor shared across fork, written by both: no lost bytes",
        r"a process waiting for a shared offset killed; the holder's write whole",
        r"dup shares the offset; O_APPEND from two processes keeps every record"]),
    _t("bigfile", ["bigfile", "oddsizes"],
       [r"a 6 MiB file read back; the largest offset, then EFBIG",
        r"writes of odd sizes across block boundaries read back"]),
    _t("manyfiles", ["manyfiles"],
       [r"300 files in a directory; 2000 names listed once each"]),
    _t("paths", ["deep", "rmdot", "dirfile"],
       [r"50 levels down and back with \"\.\.\"; 255-byte names, 256 and 4 KiB paths refused",
        r"rmdir of a full directory, \"\.\" and \"\.\.\" refused",
        r"EISDIR, ENOTDIR, ENOENT in a removed directory"]),
    _t("dirraces", ["dirraces", "readdirrace"],
       [r"mkdir, rmdir, rename of directories into each other by 4 processes",
        r"readdir while names come and go: the others seen once each"]),
    _t("truncates", ["truncates", "badbuf"],
       [r"truncation under open files, and racing with a writer",
        r"buffers and paths a process does not own: EFAULT, nothing written"]),
    _t("lastclose", ["unlinkopen", "openclose", "manyopen"],
       [r"an unlinked file lives until its last close, by exit too",
        r"3000 opens and closes, EMFILE, children exiting with files open",
        r"40 processes opening until ENFILE, then exiting with them open"]),
]
