"""The harness itself: a boot that goes wrong must fail its test. Each case
boots lde to do something wrong on purpose and checks the verdict that
tests/lde.py gives, for the tables of tests/suites/ and for the fixture."""
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
