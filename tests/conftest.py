"""pytest's view of lde's tests (README "Tests"; `make test` runs them all).

Provides the fixture `boot` (below) for tests written as functions, and
the setup every test file shares: the test initrd by default, the kernel
and initrds built before the first test, console logs in build/test-logs/.
"""
import os
import re
import subprocess
import sys

import pytest

import lde

LOG_DIR = os.path.join(lde.ROOT, "build", "test-logs")


def pytest_addoption(parser):
    parser.addoption("--no-build", action="store_true",
                     help="do not run make for the kernel and initrds first (make test has)")


def make(*targets):
    """make in the source tree, quietly; its own jobserver, if any, is not
    ours (we may run inside `make test`)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    env["PYTHON"] = sys.executable
    return subprocess.run(["make", "--no-print-directory", "-s"] + list(targets), cwd=lde.ROOT,
                          env=env, capture_output=True, text=True)


def pytest_configure(config):
    # The in-QEMU tests need the test initrd (with the corrupt
    # executables); xdist's workers inherit this.
    os.environ.setdefault("INITRD", "build/initrd-test.cpio")


def pytest_sessionstart(session):
    config = session.config
    if hasattr(config, "workerinput") or config.getoption("no_build") or \
            config.getoption("collectonly"):
        return  # the controller (or a plain run) builds, once
    # The bench initrd too: test_timeline runs bench as make bench does.
    p = make("all", "build/initrd-test.cpio", "build/initrd-bench.cpio")
    if p.returncode:
        raise pytest.UsageError("make all build/initrd-test.cpio build/initrd-bench.cpio failed:\n"
                                + p.stdout + p.stderr)


def log_path(name):
    return os.path.join(LOG_DIR, re.sub(r"[^\w.+=,-]", "_", name) + ".log")


class TestConsole(lde.Console):
    __test__ = False  # not a test class, for pytest

    def check(self, status=0, expect=(), reject=(), allow_panic=False, max_cpu=None,
              timeout=30):
        """Wait (up to timeout seconds) for QEMU to exit; fail the test
        unless it exited with status, printed a line matching each regex of
        expect and none of reject, no "FAIL" line and no panic (unless
        allow_panic), and used at most max_cpu seconds of host CPU."""
        st = self.wait(timeout)
        fail(lde.problems(self.text, st, status, expect, reject, allow_panic,
                          self.cpu_seconds, max_cpu, timeout), self.log_path)


def fail(problems, log=None):
    """Fail the running test with problems (if any), the last lines of its
    console log and where that is."""
    if not problems:
        return
    msg = list(problems)
    if log and os.path.exists(log):
        with open(log, errors="replace") as f:
            tail = f.read().splitlines()[-15:]
        msg += ["--- %s, last %d lines:" % (os.path.relpath(log, lde.ROOT), len(tail))] + tail
    pytest.fail("\n".join(msg), pytrace=False)


@pytest.fixture
def test_log(request):
    """build/test-logs/<test>.log: a table test's own name, else pytest's."""
    node = request.node
    if getattr(node, "originalname", None) == "test_qemu" and hasattr(node, "callspec"):
        return log_path(node.callspec.id)
    return log_path(node.name)


@pytest.fixture
def boot(test_log):
    """Boots lde; returns a console to drive:

        def test_hello(boot):
            con = boot("init=/hello a b")            # APPEND; env={...}, initrd=...
            assert con.expect(r"^hello from U-mode: /hello a b$")
            con.check(status=0, expect=[r"exited with status 0"])

    con.expect(regex, timeout) and con.send(text) talk to the console;
    con.check(...) waits for QEMU's exit and fails the test on a wrong
    status, missing or forbidden output, a FAIL line or a panic. The
    console goes to build/test-logs/<test>.log (a second boot in the same
    test: <test>-2.log). QEMU is killed when the test ends."""
    consoles = []

    def start(append="", env=None, initrd=None, log=None, **kw):
        if log is None:
            log = test_log[:-4] + ("-%d" % (len(consoles) + 1) if consoles else "") + ".log"
        con = TestConsole(append, env, initrd, log=log, **kw)
        consoles.append(con)
        return con

    yield start
    for con in consoles:
        con.close()


# ---- the longest tests first: fewer workers left idle at the end -----------
# Each test's duration in the last run is kept in pytest's cache
# (build/pytest-cache); a test not seen before counts as long.
DURATIONS = "lde/durations"


def pytest_collection_modifyitems(session, config, items):
    cache = getattr(config, "cache", None)
    if cache is None:
        return
    last = cache.get(DURATIONS, {})
    items.sort(key=lambda item: -last.get(item.nodeid, 60))


def pytest_runtest_logreport(report):
    if report.when == "call":
        _durations[report.nodeid] = report.duration


_durations = {}


def pytest_sessionfinish(session):
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _durations:
        return
    durations = cache.get(DURATIONS, {})
    durations.update(_durations)
    cache.set(DURATIONS, durations)
