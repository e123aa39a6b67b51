#!/usr/bin/env python3
"""kernel/syscalls.def is the one list of system calls (issue "Clean
boundaries", 1). Checks that the sources keep it that way:
  - no call number is defined anywhere else (#define SYS_x, SYS_x = n);
  - no table is indexed by call numbers outside the list ([SYS_x] = ...):
    such tables are generated from it;
  - NSYSCALLS is not defined by hand;
  - every call in the list has exactly one handler, long sys_NAME(...), in
    kernel/*.c, and every handler there is a call in the list.
Prints "PASS: syscall_list" or one "FAIL: syscall_list: ..." line per
problem (the format tests/run.py reads from make host-check)."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join("kernel", "syscalls.def")
ENTRY = re.compile(r"^SYSCALL\(\s*(\d+),\s*(\w+),\s*(long|noreturn|mayexit),\s*(\d)\b", re.M)
NUMBER_DEF = re.compile(r"#\s*define\s+(SYS_\w+)\b|\b(SYS_\w+)\s*=(?!=)")
TABLE_SLOT = re.compile(r"\[\s*SYS_\w+\s*\]\s*=")
NSYSCALLS_DEF = re.compile(r"#\s*define\s+NSYSCALLS\b|\bNSYSCALLS\s*=(?!=)")
# A handler may carry an attribute, and clang-format may put "long" on a
# line of its own before the name.
HANDLER = re.compile(r"^(?!static\b)(?:__attribute__\(\(.*?\)\)\s*)?(?:\w+\s+)*long\s+sys_(\w+)\s*\(", re.M)


def sources():
    for top in ("kernel", "arch", "user"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".S", ".def")):
                    path = os.path.join(d, f)
                    yield os.path.relpath(path, ROOT), open(path, encoding="utf-8").read()


def main():
    problems = []
    calls = [(int(nr), name) for nr, name, _, _ in
             ENTRY.findall(open(os.path.join(ROOT, LIST), encoding="utf-8").read())]
    if not calls:
        problems.append("%s has no entries" % LIST)
    names = {name for _, name in calls}
    handlers = {}
    for path, text in sources():
        if path == LIST:
            continue
        for line_no, line in enumerate(text.splitlines(), 1):
            where = "%s:%d" % (path, line_no)
            for m in NUMBER_DEF.finditer(line):
                problems.append("%s defines %s outside %s" % (where, m.group(1) or m.group(2), LIST))
            if TABLE_SLOT.search(line):
                problems.append("%s: a table indexed by call numbers, outside %s" % (where, LIST))
            if NSYSCALLS_DEF.search(line):
                problems.append("%s defines NSYSCALLS by hand" % where)
        if path.startswith("kernel" + os.sep) and path.endswith(".c"):
            for m in HANDLER.finditer(text):
                handlers.setdefault(m.group(1), []).append(path)
    for name in sorted(names):
        found = handlers.get(name, [])
        if len(found) != 1:
            problems.append("sys_%s: %d handlers in kernel/*.c (%s), not 1" %
                            (name, len(found), ", ".join(found) or "none"))
    for name in sorted(set(handlers) - names):
        problems.append("sys_%s (%s) is not in %s" % (name, ", ".join(handlers[name]), LIST))
    for p in problems:
        print("FAIL: syscall_list: %s" % p)
    if not problems:
        print("PASS: syscall_list: %d calls, each in %s only" % (len(calls), LIST))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
