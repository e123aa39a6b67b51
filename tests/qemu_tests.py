"""Every in-QEMU test declared as a table, gathered from tests/suites/*.py
(pytest runs each as a case of tests/test_qemu.py; tests/lde.py:
run_table_test says what each field does).

A test is a dict:
  name      unique name (the pytest case test_qemu[name], and the log file
            build/test-logs/name.log)
  append    kernel command line (APPEND), e.g. "init=/t_syscall"
  env       extra environment for scripts/qemu.sh (QEMU_MEM, QEMU_SMP, ...)
  initrd    the initrd to boot (default: build/initrd-test.cpio)
  status    expected QEMU exit status (default 0)
  expect    regexes that must appear in the console output
  reject    regexes that must not
  allow_panic  a kernel panic ("panic:" line) does not fail the test
  script    [("expect", regex), ("send", text[, delay])...]: typed input;
            each expect goes on where the previous match ended; named
            groups of an expect fill {name} in later expects and sends;
            ("kill",) is a power cut: QEMU is killed (SIGKILL) there, and
            the expected status becomes -9
  timeout   seconds for the whole test (default 30)
  check     function(output) -> error string or None
  disk      attach a fresh disk image, made in a temporary directory for
            this run and removed after it: this many bytes (tests/lde.py:
            fresh_disk's pattern), "rootfs" (what `make disk` makes,
            scripts/mkdisk.sh), "rootfs:MB" (the same in MB MiB), or a
            function(path) that writes one at path and returns path
  then      a second boot (a dict like this one) of the same image
  disk_check  function(image bytes, output) -> error string or None: the
            image as the run left it, read on the host
  fsck      an image that holds ext2 is always checked after the run(s),
            before disk_check: "clean" (default): `e2fsck -fn` must find
            it clean; "preen": `e2fsck -fp` may repair it first (exit
            status 0 or 1), as after a crash, then -fn must be clean;
            "skip": no check (an image corrupt on purpose)
  max_cpu   the most host CPU time (seconds) QEMU may use
  gdb_script  makes it a gdb test: gdb-multiarch runs this script against
            QEMU halted with a gdb stub; expect is matched against gdb's
            output
Any "FAIL" line, a kernel panic, a wrong exit status or a timeout fails
the test too.
"""
import importlib
import os

TESTS = []

_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "suites")
for _f in sorted(os.listdir(_dir)):
    if _f.endswith(".py") and not _f.startswith("_"):
        _m = importlib.import_module("suites." + _f[:-3])
        TESTS += _m.TESTS

_names = [t["name"] for t in TESTS]
assert len(_names) == len(set(_names)), "duplicate test names"
