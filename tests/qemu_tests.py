"""Every in-QEMU test, gathered from tests/suites/*.py.

A test is a dict:
  name      unique name (also the log file name under build/test-logs/)
  append    kernel command line (APPEND), e.g. "init=/t_syscall"
  env       extra environment for scripts/qemu.sh (QEMU_MEM, QEMU_SMP, ...)
  status    expected QEMU exit status (default 0)
  expect    regexes that must appear in the console output
  reject    regexes that must not
  script    [("expect", regex), ("send", text[, delay])...]: typed input;
            named groups of an expect fill {name} in later expects and sends
  timeout   seconds (default 30)
  check     function(output) -> error string or None
  max_cpu   the most host CPU time (seconds) QEMU may use
  gdb_script  makes it a gdb test (tests/run.py: run_gdb_test)
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
