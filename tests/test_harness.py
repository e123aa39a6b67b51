"""The harness itself: a boot that goes wrong must fail its test. Each case
boots lde to do something wrong on purpose and checks the verdict that
tests/lde.py gives, for the tables of tests/suites/ and for the fixture."""
import os

import pytest

import lde


def test_table_verdict_panic(boot, test_log):
    # panic=test panics before init runs: the script's expect meets the
    # end of the output, and every check after it has something to say.
    t = {"name": "harness_panic", "append": "panic=test init=/hello", "timeout": 20,
         "script": [("expect", r"^hello from U-mode"), ("send", "never typed\n")],
         "expect": [r"^panic: kmain: panic=test", r"^never printed$"],
         "reject": [r"^backtrace:$"]}
    assert lde.run_table_test(t, boot, test_log) == [
        "never saw '^hello from U-mode'",
        "QEMU exit status 250, expected 0",
        "missing output '^never printed$'",
        "unexpected output '^backtrace:$'",
        "kernel panic"]


def test_table_verdict_fail_line(boot, test_log):
    # A FAIL line fails the test even when all else is as expected; a
    # named group of an expect fills {n} in what is typed later.
    t = {"name": "harness_fail_line", "append": "", "status": 7, "timeout": 20,
         "script": [("expect", r"\$ $"), ("send", "echo FAIL: made up\n"), ("expect", r"\$ $"),
                    ("send", "echo n=7\n"), ("expect", r"^n=(?P<n>\d+)$"), ("expect", r"\$ $"),
                    ("send", "exit {n}\n")],
         "expect": [r"^lde: init \(pid 1\) exited with status 7$"]}
    assert lde.run_table_test(t, boot, test_log) == ["FAIL: made up"]


def test_timeout_and_cpu(boot):
    # A spinning init: the wait times out and QEMU is killed, and wait4
    # still tells how much host CPU it burnt (how much depends on the
    # host's load: the limit is set below what it was).
    con = boot("init=/spin")
    assert con.wait(2) is None
    assert con.cpu_seconds is not None and con.cpu_seconds > 0.05
    limit = con.cpu_seconds / 2
    assert lde.problems(con.text, None, cpu=con.cpu_seconds, max_cpu=limit, timeout=2) == [
        "timed out after 2s",
        "QEMU used %.2f s of host CPU, more than %.2f s" % (con.cpu_seconds, limit)]


def test_table_ext2_image_checked(boot, test_log):
    # Every ext2 image a table test used is checked with e2fsck -fn after
    # the run, whether or not the test asks: a corrupt one (here, group 0's
    # free block count off by one: the guest never touches the disk) fails it;
    # a disk that holds no ext2 is left alone; "fsck": "preen" lets e2fsck
    # -p fix it first.
    import struct
    import subprocess

    def corrupt(path):
        subprocess.run(["truncate", "-s", "2M", path], check=True)
        subprocess.run([lde.ext2_tool("mke2fs"), "-q", "-F", "-t", "ext2", path], check=True,
                       capture_output=True)
        with open(path, "r+b") as f:
            f.seek(1024 + 20)
            fdb, log = struct.unpack("<II", f.read(8))
            gd = (fdb + 1) * (1024 << log)  # group 0's descriptor
            f.seek(gd + 12)
            free = struct.unpack("<H", f.read(2))[0]
            f.seek(gd + 12)
            f.write(struct.pack("<H", free - 1))
        return path

    t = {"name": "harness_ext2", "append": "init=/hello", "timeout": 20, "disk": corrupt}
    found = lde.run_table_test(t, boot, test_log)
    assert len(found) == 1 and found[0].startswith("disk image: e2fsck -fn: status 4"), found
    assert lde.run_table_test(dict(t, fsck="preen"), boot, test_log) == []
    assert lde.run_table_test(dict(t, disk=64 * 1024), boot, test_log) == []


def test_bench_refuses_failed_operations(monkeypatch):
    """make bench prints no figure of a run whose operations failed (an
    exec that fails at once is cheap: it measured something else)."""
    import importlib.util
    import lde
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "scripts", "bench.py")
    spec = importlib.util.spec_from_file_location("lde_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = "BENCH getpid 116 10 1\nBENCH-FAIL fsbench: /bin/tru: status 32512\n"
    monkeypatch.setattr(bench.lde, "boot", lambda *a, **k: lde.Boot(0, out, 0.1, 0.1))
    monkeypatch.setattr(bench.lde, "fresh_disk", lambda *a, **k: None)
    monkeypatch.setattr(bench.lde, "rootfs_disk", lambda *a, **k: None)
    with pytest.raises(SystemExit) as e:
        bench.boot("", os.devnull)
    assert "/bin/tru: status 32512" in str(e.value)
    ok = "BENCH getpid 116 10 1\nBENCH-NOTE empty_loop 2\n"
    monkeypatch.setattr(bench.lde, "boot", lambda *a, **k: lde.Boot(0, ok, 0.1, 0.1))
    rows, notes = bench.boot("", os.devnull)
    assert rows["getpid"][0] == 116 and set(notes) == {"empty_loop 2"}
