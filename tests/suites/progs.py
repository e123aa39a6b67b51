"""The file programs (issue 14 part 4): cat, wc, grep, head, tail, ls,
mkdir, rmdir, rm, cp, mv, ln, touch, stat, df, du, sync, chmod, chown,
run with fork and exec by user/t_progs.c (as init, with ramfs at /tmp),
their output, error lines and statuses checked through pipes."""

TESTS = [
    {"name": "progs_files",
     "append": "init=/t_progs",
     "expect": [r"^progs: cat and wc: files, stdin, '-', totals, errors$",
                r"^progs: grep: fixed strings, -i -v -n -c, names with several files, stdin, errors$",
                r"^progs: head and tail: -n, -N, stdin, several files, errors$",
                r"^progs: ls: directories sorted, -a, -l's mode, links, uid, gid, size, files, "
                r"the initrd at an unmounted /$",
                r"^progs: mkdir, mkdir -p, rmdir and their errors$",
                r"^progs: rm, rm -r of a tree \(every node freed\), rm -f, errors$",
                r"^progs: cp \(content, mode, into a directory, not onto itself\), mv \(rename, across "
                r"directories, across file systems\), ln$",
                r"^progs: touch \(create, times\), chmod \(octal\), chown \(uid\[:gid\]\), stat$",
                r"^progs: df \(statfs\), du and du -s \(blocks\), sync$",
                r"^progs: pipelines: cat f \| grep x \| wc -l, and four stages$",
                r"^PASS: t_progs$", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 120},
]
