#!/usr/bin/env python3
"""lde's test runner: host unit tests, then in-QEMU tests, then the gdb test.

Each in-QEMU test boots lde headless with a timeout (scripts/qemu.sh, the
same command `make run` uses), optionally types keystrokes at the console,
and checks QEMU's exit status and what the console printed. Test programs
print "FAIL: ..." for each failed check; any such line, any kernel panic, a
wrong exit status or a timeout fails the test.

Usage: tests/run.py [-j N] [-k PATTERN] [--list]
Ends with the line "N passed, N failed"; exits 1 if anything failed.
"""
import argparse
import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import qemu_tests  # noqa: E402

LOG_DIR = os.path.join(ROOT, "build", "test-logs")


class Console:
    """QEMU with its serial console on a pipe, read by a thread."""

    def __init__(self, cmd, env):
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.buf = b""
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    def _reader(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            with self.cond:
                if not chunk:
                    self.cond.notify_all()
                    return
                self.buf += chunk
                self.cond.notify_all()

    def text(self):
        with self.cond:
            return self.buf.decode("utf-8", "replace").replace("\r", "")

    def expect(self, pattern, deadline, start=0):
        """Wait until pattern appears at or after offset start; return the
        match (its end is where the next expect starts looking), or None at
        the deadline or the end of output."""
        rx = re.compile(pattern, re.M)
        with self.cond:
            while True:
                text = self.buf.decode("utf-8", "replace").replace("\r", "")
                m = rx.search(text, start)
                if m:
                    return m
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self.thread.is_alive()):
                    return None
                self.cond.wait(min(remaining, 0.2))

    def send(self, data):
        self.proc.stdin.write(data.encode())
        self.proc.stdin.flush()

    def wait(self, deadline):
        """QEMU's exit status, or None on timeout (QEMU is then killed).
        Reaps QEMU with wait4 to learn the host CPU time it used
        (self.cpu_seconds): an idle lde must not keep the host busy."""
        self.cpu_seconds = None
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self.cpu_seconds = usage.ru_utime + usage.ru_stime
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() >= deadline:
                self.proc.kill()
                self.proc.wait()
                self.thread.join(timeout=2)
                return None
            time.sleep(0.02)
        self.thread.join(timeout=2)
        return self.proc.returncode


def run_qemu_test(t):
    env = dict(os.environ)
    env.update(t.get("env", {}))
    env["APPEND"] = t.get("append", "")
    if "initrd" in t:
        env["INITRD"] = t["initrd"]
    start = time.monotonic()
    deadline = start + t.get("timeout", 30)
    con = Console([os.path.join(ROOT, "scripts", "qemu.sh")], env)
    problems = []
    pos = 0
    captured = {}  # named groups of earlier expects, for {name} in sends
    for step in t.get("script", []):
        kind, arg = step[0], step[1]
        if kind == "expect":
            arg = re.sub(r"\{(\w+)\}", lambda v: captured.get(v.group(1), v.group(0)), arg)
            m = con.expect(arg, deadline, pos)
            if m is None:
                problems.append("never saw %r" % arg)
                break
            pos = m.end()
            captured.update(m.groupdict())
        elif kind == "send":
            time.sleep(step[2] if len(step) > 2 else 0.05)
            text = re.sub(r"\{(\w+)\}", lambda v: captured.get(v.group(1), v.group(0)), arg)
            try:
                con.send(text)
            except BrokenPipeError:
                problems.append("QEMU exited before input %r" % arg)
                break
    status = con.wait(deadline)
    out = con.text()
    elapsed = time.monotonic() - start
    if status is None:
        problems.append("timed out after %ds" % t.get("timeout", 30))
    elif status != t.get("status", 0):
        problems.append("QEMU exit status %d, expected %d" % (status, t.get("status", 0)))
    for pat in t.get("expect", []):
        if not re.search(pat, out, re.M):
            problems.append("missing output %r" % pat)
    if "max_cpu" in t and con.cpu_seconds is not None and con.cpu_seconds > t["max_cpu"]:
        problems.append("QEMU used %.2f s of host CPU, more than %.2f s" % (con.cpu_seconds, t["max_cpu"]))
    for pat in t.get("reject", []):
        if re.search(pat, out, re.M):
            problems.append("unexpected output %r" % pat)
    if not t.get("allow_panic") and re.search(r"^panic:", out, re.M):
        problems.append("kernel panic")
    for line in out.splitlines():
        if line.startswith("FAIL"):
            problems.append(line.strip())
    if "check" in t and not problems:
        err = t["check"](out)
        if err:
            problems.append(err)
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(os.path.join(LOG_DIR, t["name"] + ".log"), "w") as f:
        f.write(out)
    return t["name"], problems, elapsed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gdb_test(t):
    """QEMU halted with a gdb stub; gdb-multiarch drives it in batch mode."""
    port = free_port()
    env = dict(os.environ)
    env["APPEND"] = t.get("append", "")
    start = time.monotonic()
    qemu = subprocess.Popen([os.path.join(ROOT, "scripts", "qemu.sh"), "-S", "-gdb",
                             "tcp:127.0.0.1:%d" % port], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    problems = []
    try:
        gdb = subprocess.run(["gdb-multiarch", "-batch", "-nx", "-x", "scripts/lde.gdb",
                              "-ex", "lde-connect %d" % port, "-x", t["gdb_script"],
                              "build/kernel.elf"], cwd=ROOT, capture_output=True,
                             text=True, timeout=t.get("timeout", 60))
        out = gdb.stdout + gdb.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        problems.append("gdb timed out")
    finally:
        qemu.kill()
        qemu.wait()
    for pat in t.get("expect", []):
        if not re.search(pat, out, re.M):
            problems.append("missing gdb output %r" % pat)
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(os.path.join(LOG_DIR, t["name"] + ".log"), "w") as f:
        f.write(out)
    return t["name"], problems, time.monotonic() - start


def run_host_tests():
    """The host unit tests, through `make host-check` (tests/host/host.mk
    knows each binary's fixtures). One result per PASS/FAIL line."""
    results = []
    try:
        p = subprocess.run(["make", "--no-print-directory", "-s", "host-check"], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
        out = p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return [("host", ["make host-check timed out"], 0)]
    for line in out.splitlines():
        m = re.match(r"^(PASS|FAIL): (\S+?):?(?:\s(.*))?$", line)
        if m:
            results.append(("host/" + m.group(2), [] if m.group(1) == "PASS" else [m.group(3) or "failed"], 0))
    if re.search(r"(AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|runtime error)", out):
        results.append(("host/sanitizers", ["sanitizer report:\n" + out[-3000:]], 0))
    if p.returncode != 0 and not any(r[1] for r in results):
        results.append(("host/host-check", ["exit status %d: %s" % (p.returncode, out[-2000:])], 0))
    if not results:
        results.append(("host/host-check", ["no host test cases ran"], 0))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", type=int, default=max(1, min(4, os.cpu_count() or 2)))
    ap.add_argument("-k", help="only tests whose name matches this regex")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    tests = qemu_tests.TESTS
    if args.k:
        tests = [t for t in tests if re.search(args.k, t["name"])]
    if args.list:
        for t in tests:
            print(t["name"])
        return 0
    results = [] if args.k else run_host_tests()
    for name, problems, _ in results:
        print(("PASS " if not problems else "FAIL ") + name + ("" if not problems else ": " + "; ".join(problems)))
    sys.stdout.flush()

    def run(t):
        return run_gdb_test(t) if "gdb_script" in t else run_qemu_test(t)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        for name, problems, elapsed in pool.map(run, tests):
            results.append((name, problems, elapsed))
            if problems:
                print("FAIL qemu/%s (%.1fs): %s  [log: build/test-logs/%s.log]" % (name, elapsed, "; ".join(problems), name))
            else:
                print("PASS qemu/%s (%.1fs)" % (name, elapsed))
            sys.stdout.flush()
    failed = sum(1 for r in results if r[1])
    passed = len(results) - failed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
