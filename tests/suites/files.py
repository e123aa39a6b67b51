"""Files for every program (docs/files.md): descriptors that reach a file
server through the kernel. user/t_files.c run as init, with user/ramfs.c as
its server."""


def _t(name, prog, args="", expect=(), timeout=60):
    return {"name": name,
            "append": "init=/" + prog + (" " + args if args else ""),
            "expect": [r"^PASS: " + prog + r"\b", r"init \(pid 1\) exited with status 0"] + list(expect),
            "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
            "timeout": timeout}


TESTS = [
    _t("files_posix", "t_files", expect=[
        r"files: open, read, write, lseek, fstat, stat, truncate, unlink through the server",
        r"files: the server sees the caller's uid and gid; mount is root's",
        r"files: dup, dup2 and fork share the offset",
        r"files: exec keeps descriptors but FD_CLOEXEC ones",
        r"files: a process killed with 8 files open: the server saw every close",
        r"files: current directory, relative paths, '\.\.' at the root, ENAMETOOLONG, umask",
        r"files: directories: mkdir, readdir, rmdir, link, rename, chmod, chown, utimes, access",
        r"files: fopen, fprintf, fgets, fseek, fclose through picolibc",
        r"files: O_NONBLOCK on a pipe gives EAGAIN",
        r"files: exec from a mount, relative to the current directory, with the ELF checks",
        r"files: a client killed during its open: queued, nothing to tell; held, the server is told the new handle is closed",
        r"files: bad pointers, flags, descriptors and paths refused",
        r"files: paths arrive in the server's receive buffer, reads with the reply, held reads end",
        r"files: paths taken in at every alignment, before an unmapped page, around the kernel's buffer and 4096 bytes, from short and long current directories",
        r"files: a server killed mid-call: the caller gets EIO, nothing leaks, a new server serves the mount"]),
]
