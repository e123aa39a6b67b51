"""Booting lde under QEMU and reading its console: the one copy of that code,
used by the tests (tests/conftest.py, tests/test_qemu.py) and by the
scripts that boot lde (scripts/fuzz.py, soak.py, bench.py, profile.py).

QEMU always comes from scripts/qemu.sh, the one place its command line is
built; the environment (APPEND, INITRD, QEMU_MEM, QEMU_EXTRA...) says what
to boot. The console is a pexpect session on a pseudo-terminal, as in
`make run`; its text reaches the caller with the carriage returns taken
out, so patterns match "line\\n" and ^/$ under re.M mean lines.

  con = Console(append="init=/hello")     boot; interact:
  con.expect(r"^hello"), con.send("...")    (a match, or None on timeout/EOF)
  status = con.wait(timeout)              QEMU's exit status (-N: killed by
                                          signal N; None: timed out, and
                                          killed); con.cpu_seconds
  out = con.text                          everything printed so far
  r = boot(append=..., timeout=...)       all of that at once, no input:
                                          r.status, r.out, r.secs, r.cpu

problems(...) is the verdict every test shares: exit status, required and
forbidden lines, "FAIL" lines, kernel panics, host CPU time.
"""
import collections
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import pexpect
import ptyprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_SH = os.path.join(ROOT, "scripts", "qemu.sh")
# The initrds the Makefile builds ("Three initrds"): make run's (only what
# brings the disk up: qemu.sh's default), the tests' (every program; the
# scripts that boot programs as init default to it) and make bench's.
INITRD = os.path.join(ROOT, "build", "initrd.cpio")
TEST_INITRD = os.path.join(ROOT, "build", "initrd-test.cpio")
BENCH_INITRD = os.path.join(ROOT, "build", "initrd-bench.cpio")

# Lines by which the kernel says it went wrong itself: a panic, a trap in
# S-mode, a failed assertion.
PANIC_RE = re.compile(r"^panic:", re.M)
TROUBLE_RE = re.compile(r"^(panic.*|kernel trap.*|.*KASSERT.*)$", re.M)
# A process the kernel killed for a fault: "lde: pid N (name) killed: CAUSE, sepc..."
KFAULT_RE = re.compile(r"^lde: pid \d+ \(.*?\) killed: (.*?), sepc", re.M)
# A symbolized backtrace frame, as the panic path prints it.
FRAME_RE = re.compile(r"^\s+\[<[0-9a-f]+>\] (\S+)$", re.M)


def qemu_env(append="", env=None, initrd=None, icount=None):
    """The environment scripts/qemu.sh gets: ours, with APPEND (the kernel
    command line), then env's variables; initrd replaces INITRD; icount
    (a shift) puts `-icount shift=N,sleep=off` before any QEMU_EXTRA, which
    makes a run repeat to the instruction. No disk unless env names one
    (DISK): a boot from here never sees the user's build/disk.img, or a
    DISK set in our own environment; a test that wants a disk makes a fresh
    image (fresh_disk) and passes it."""
    e = dict(os.environ)
    e["APPEND"] = append
    e["DISK"] = "none"
    e.update(env or {})
    if initrd:
        e["INITRD"] = initrd
    if icount:
        extra = "-icount shift=%d,sleep=off %s" % (icount, e.get("QEMU_EXTRA", ""))
        e["QEMU_EXTRA"] = extra.strip()
    return e


def fresh_disk(path, size=None, src=None):
    """Write a disk image at path: a copy of the image src, or size bytes of
    a pattern (every 512-byte sector starts with "lde sector N", N its
    number, the rest zeros), so that a driver reading the wrong sector
    shows. Returns path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = "%s.%d.tmp" % (path, os.getpid())
    if src:
        with open(src, "rb") as f, open(tmp, "wb") as g:
            g.write(f.read())
    else:
        data = bytearray(size)
        for s in range(size // 512):
            tag = b"lde sector %d" % s
            data[s * 512:s * 512 + len(tag)] = tag
        with open(tmp, "wb") as g:
            g.write(data)
    os.replace(tmp, path)
    return path


def rootfs_disk(path, mb=32):
    """Write at path the disk `make disk` makes (scripts/mkdisk.sh: rootfs/
    and the programs in /bin), fresh. Returns path."""
    subprocess.run([os.path.join(ROOT, "scripts", "mkdisk.sh"), path, str(mb),
                    os.path.join(ROOT, "build", "initrd")], check=True, timeout=120,
                   capture_output=True)
    return path


def ext2_tool(name):
    """The path of e2fsprogs' program name (in /sbin on Debian)."""
    for d in ("/sbin", "/usr/sbin"):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    return name


def is_ext2(path):
    """Whether the image at path holds an ext2 superblock (its magic)."""
    with open(path, "rb") as f:
        f.seek(1024 + 56)
        return f.read(2) == b"\x53\xef"


def ext2_check(path, mode="clean"):
    """None if `e2fsck -fn` finds the ext2 image at path clean, else what
    it said. mode "preen": first let `e2fsck -fp` repair what it repairs
    without asking (exit status 0 or 1), as after a crash; the image is
    changed."""
    if mode == "preen":
        p = subprocess.run([ext2_tool("e2fsck"), "-fp", path], capture_output=True, text=True,
                           timeout=120)
        if p.returncode not in (0, 1):
            return "e2fsck -fp: status %d\n%s%s" % (p.returncode, p.stdout, p.stderr)
    elif mode != "clean":
        raise ValueError("fsck mode %r" % mode)
    p = subprocess.run([ext2_tool("e2fsck"), "-fn", path], capture_output=True, text=True,
                       timeout=120)
    if p.returncode != 0:
        return "e2fsck -fn: status %d\n%s%s" % (p.returncode, p.stdout, p.stderr)
    return None


def debugfs_read(path, name):
    """The bytes of file name in the ext2 image at path, as debugfs reads
    them (None if it has no such file)."""
    with tempfile.TemporaryDirectory(prefix="lde-dump-") as d:
        out = os.path.join(d, "f")
        subprocess.run([ext2_tool("debugfs"), "-R", "dump %s %s" % (name, out), path],
                       capture_output=True, timeout=120)
        if not os.path.exists(out):
            return None
        with open(out, "rb") as f:
            return f.read()


class _Pty(ptyprocess.PtyProcess):
    """Reaps the child with wait4 instead of waitpid, to keep its resource
    usage (rusage): the host CPU time QEMU used."""
    rusage = None

    def isalive(self):
        if self.terminated:
            return False
        pid, status, usage = os.wait4(self.pid, 0 if self.flag_eof else os.WNOHANG)
        if pid == 0:
            return True
        self.rusage, self.status, self.terminated = usage, status, True
        if os.WIFEXITED(status):
            self.exitstatus, self.signalstatus = os.WEXITSTATUS(status), None
        else:
            self.exitstatus, self.signalstatus = None, os.WTERMSIG(status)
        return False


class _Spawn(pexpect.spawn):
    """pexpect.spawn whose input has the console's carriage returns taken
    out, and is copied, as it arrives, to the transcript and the log."""

    def __init__(self, *args, transcript, log, **kw):
        self._transcript, self._log_file = transcript, log
        super().__init__(*args, **kw)

    def _spawnpty(self, args, **kwargs):
        return _Pty.spawn(args, **kwargs)

    def read_nonblocking(self, size=1, timeout=-1):
        s = super().read_nonblocking(size, timeout).replace("\r", "")
        self._transcript.append(s)
        if self._log_file:
            self._log_file.write(s)
            self._log_file.flush()
        return s


class _Continue:
    """A pexpect searcher for one regex that goes on where the previous
    match ended, as if searching the whole output from there: ^ matches
    there only if that is the start of a line."""
    eof_index, timeout_index = 1, 2

    def __init__(self, rx, before):
        self.rx, self.before = rx, before

    def search(self, buffer, freshlen, searchwindowsize=None):
        m = self.rx.search(self.before + buffer, 1)
        if not m:
            return -1
        self.match, self.start, self.end = m, m.start() - 1, m.end() - 1
        return 0


class Console:
    """lde booted under QEMU (scripts/qemu.sh), its serial console on a
    pseudo-terminal. Arguments: append (kernel command line), env (more
    variables for qemu.sh), initrd, icount (see qemu_env); args (more QEMU
    arguments); log (a path: the console is written there as it comes)."""

    def __init__(self, append="", env=None, initrd=None, icount=None, args=(), log=None):
        self._chunks = []
        self._log = None
        self.log_path = log
        if log:
            os.makedirs(os.path.dirname(log), exist_ok=True)
            self._log = open(log, "w")
        self.start = time.monotonic()
        self.cpu_seconds = None
        self.status = None
        self._last = "\n"  # the character before the unread output
        self.child = _Spawn(QEMU_SH, list(args), cwd=ROOT,
                            env=qemu_env(append, env, initrd, icount), echo=False,
                            encoding="utf-8", codec_errors="replace", maxread=65536,
                            transcript=self._chunks, log=self._log)
        # Our own delays, only where a test asks for them.
        self.child.delaybeforesend = None

    @property
    def text(self):
        """Everything the console printed so far."""
        if len(self._chunks) > 1:
            self._chunks[:] = ["".join(self._chunks)]
        return self._chunks[0] if self._chunks else ""

    def expect(self, pattern, timeout=30):
        """Wait up to timeout seconds for pattern (a regex, re.M) in the
        output after the previous match. Returns the match, or None on
        timeout or when QEMU has exited."""
        rx = re.compile(pattern, re.M) if isinstance(pattern, str) else pattern
        try:
            i = self.child.expect_loop(_Continue(rx, self._last), timeout=max(timeout, 0))
        except pexpect.ExceptionPexpect:
            return None
        if i != 0:
            return None
        m = self.child.match
        self._last = m.string[m.end() - 1]
        return m

    def send(self, text):
        """Type text at the console. False if QEMU is no longer there."""
        try:
            self.child.send(text)
            return True
        except OSError:
            return False

    def wait(self, timeout=30):
        """Read the console until QEMU exits; returns its exit status, or
        None if it was still running after timeout seconds (then it is
        killed). Sets self.cpu_seconds: the host CPU time QEMU used."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.child.read_nonblocking(65536, timeout=max(0, deadline - time.monotonic()))
            except pexpect.EOF:
                break
            except pexpect.TIMEOUT:
                if time.monotonic() >= deadline:
                    self.close()
                    return None
        # The terminal closes as QEMU exits: reap it (wait4, in _Pty).
        while self.child.isalive():
            if time.monotonic() >= deadline:
                self.close()
                return None
            time.sleep(0.01)
        self._finish()
        return self.status

    def _finish(self):
        pty = self.child.ptyproc
        if pty.rusage is not None:
            self.cpu_seconds = pty.rusage.ru_utime + pty.rusage.ru_stime
        if pty.status is not None:
            self.status = os.waitstatus_to_exitcode(pty.status)  # -N: killed by signal N
        self.child.close(force=True)
        if self._log:
            self._log.close()
            self._log = None

    def close(self):
        """Kill QEMU if it still runs; keep the status None."""
        if not self.child.closed:
            try:  # what is already there, for the log
                while True:
                    self.child.read_nonblocking(65536, timeout=0)
            except (pexpect.EOF, pexpect.TIMEOUT, OSError):
                pass
            if self.child.isalive():
                self.child.kill(9)
                self.child.ptyproc.flag_eof = True  # a blocking reap
                self.child.isalive()
            pty = self.child.ptyproc
            if pty.rusage is not None:
                self.cpu_seconds = pty.rusage.ru_utime + pty.rusage.ru_stime
            self.child.close(force=True)
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


Boot = collections.namedtuple("Boot", "status out secs cpu")


def boot(append="", env=None, timeout=60, **kw):
    """Boot, type nothing, read the console until QEMU exits (or timeout
    seconds: status None). Other arguments as for Console."""
    with Console(append, env, **kw) as con:
        status = con.wait(timeout)
        return Boot(status, con.text, time.monotonic() - con.start, con.cpu_seconds)


def problems(out, status, want_status=0, expect=(), reject=(), allow_panic=False,
             cpu=None, max_cpu=None, timeout=None):
    """What is wrong with a boot that printed out and ended with status
    (None: it timed out), as a list of sentences (empty: nothing). expect:
    regexes that must match some line; reject: that must not. A line
    starting "FAIL" (a test program's failed check) or a kernel panic is
    always wrong, unless allow_panic."""
    found = []
    if status is None:
        found.append("timed out" + (" after %gs" % timeout if timeout else ""))
    elif status != want_status:
        found.append("QEMU exit status %d, expected %d" % (status, want_status))
    for pat in expect:
        if not re.search(pat, out, re.M):
            found.append("missing output %r" % pat)
    if max_cpu is not None and cpu is not None and cpu > max_cpu:
        found.append("QEMU used %.2f s of host CPU, more than %.2f s" % (cpu, max_cpu))
    for pat in reject:
        if re.search(pat, out, re.M):
            found.append("unexpected output %r" % pat)
    if not allow_panic and PANIC_RE.search(out):
        found.append("kernel panic")
    found += [line.strip() for line in out.splitlines() if line.startswith("FAIL")]
    return found


def kernel_trouble(out):
    """The kernel's own failures in out (panic, trap in S-mode, KASSERT),
    each once, and the first backtrace's frames."""
    trouble = list(dict.fromkeys(TROUBLE_RE.findall(out)))
    frames = FRAME_RE.findall(out, out.find(trouble[0])) if trouble else []
    return trouble, frames


def judge(status, out, summary_re):
    """The verdict on a long run of a program that ends with a summary line
    (scripts/fuzz.py, soak.py): what went wrong, as a list of strings
    (empty: nothing). summary_re matches the summary line, with a group
    named leaked (pages): a run that exits 0 must print it."""
    problems = []
    if status is None:
        problems.append("hang: the boot timed out")
    trouble, frames = kernel_trouble(out)
    if trouble:
        problems.append("kernel: " + "; ".join(trouble[:3]))
        if frames:
            problems.append("backtrace: " + " < ".join(frames[:4]))
    fails = [l for l in out.splitlines() if l.startswith("FAIL")]
    problems += fails[:5]
    if len(fails) > 5:
        problems.append("(%d more FAIL lines)" % (len(fails) - 5))
    m = summary_re.search(out)
    if m and int(m.group("leaked")) != 0:
        problems.append("leak: %s pages" % m.group("leaked"))
    if status not in (None, 0) and not trouble and not fails:
        problems.append("QEMU exit status %d" % status)
    if status == 0 and not m:
        problems.append("no summary line")
    return problems


def _fill(text, captured):
    """{name} in text: the named group of an earlier expect."""
    return re.sub(r"\{(\w+)\}", lambda v: captured.get(v.group(1), v.group(0)), text)


def run_table_test(t, start, log):
    """Run one test given as a dict (the format of tests/suites/*.py,
    described in tests/qemu_tests.py); returns the list of problems.
    start(append, env, initrd, args=..., log=...) boots a Console (the
    tests' fixture, or Console itself); log is the file for the console
    (for a gdb test: for gdb's output, and log + ".console")."""
    if "gdb_script" in t:
        return run_gdb_test(t, start, log)
    if "disk" in t:
        # A fresh image per run, in a directory of its own, removed after.
        with tempfile.TemporaryDirectory(prefix="lde-disk-") as d:
            path = os.path.join(d, "disk.img")
            if t["disk"] == "rootfs":
                img = rootfs_disk(path)
            elif callable(t["disk"]):
                img = t["disk"](path)
            elif str(t["disk"]).startswith("rootfs:"):  # "rootfs:MB": a smaller one
                img = rootfs_disk(path, int(t["disk"][7:]))
            else:
                img = fresh_disk(path, t["disk"])
            t2 = dict(t, env=dict(t.get("env") or {}, DISK=img))
            del t2["disk"]
            t2.pop("then", None)
            t2.pop("fsck", None)
            found = run_table_test(t2, start, log)
            if "then" in t and not found:
                # The next boot, of the same image.
                t3 = dict(t["then"], env=dict(t["then"].get("env") or {}, DISK=img))
                t3.pop("disk", None)
                found = run_table_test(t3, start, log + ".2")
            # Every ext2 image a test used is checked, whatever the test
            # itself checks; a test that killed the machine on purpose
            # says "fsck": "preen" (e2fsck -p first, as after a crash), one
            # corrupt on purpose "skip".
            if t.get("fsck") != "skip" and is_ext2(img):
                err = ext2_check(img, t.get("fsck", "clean"))
                if err:
                    found.append("disk image: " + err)
            if "disk_check" in t and not found:
                with open(img, "rb") as f:
                    err = t["disk_check"](f.read(), _last_out.get(log, ""))
                if err:
                    found.append("disk image: " + err)
            return found
    timeout = t.get("timeout", 30)
    deadline = time.monotonic() + timeout
    found = []
    captured = {}
    with start(t.get("append", ""), t.get("env"), t.get("initrd"), log=log) as con:
        killed = False
        for step in t.get("script", []):
            kind, arg = step[0], step[1] if len(step) > 1 else None
            if kind == "expect":
                m = con.expect(_fill(arg, captured), deadline - time.monotonic())
                if m is None:
                    found.append("never saw %r" % arg)
                    break
                captured.update(m.groupdict())
            elif kind == "send":
                time.sleep(step[2] if len(step) > 2 else 0.05)
                if not con.send(_fill(arg, captured)):
                    found.append("QEMU exited before input %r" % arg)
                    break
            elif kind == "kill":
                # A power cut: QEMU dies at once, whatever the guest was
                # doing; what it had written to the image stays there.
                con.child.kill(signal.SIGKILL)
                killed = True
                break
            else:
                raise ValueError("%s: unknown script step %r" % (t["name"], kind))
        status = con.wait(max(0, deadline - time.monotonic()))
        out = con.text
        found += problems(out, status, t.get("status", -signal.SIGKILL if killed else 0),
                          t.get("expect", ()),
                          t.get("reject", ()), t.get("allow_panic", False), con.cpu_seconds,
                          t.get("max_cpu"), timeout)
    _last_out[log] = out
    if "check" in t and not found:
        err = t["check"](out)
        if err:
            found.append(err)
    return found


_last_out = {}  # log path -> the console output of its last run (for disk_check)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gdb_test(t, start, log):
    """QEMU halted with a gdb stub; gdb-multiarch drives it in batch mode
    with scripts/lde.gdb and t["gdb_script"]; t["expect"] is matched
    against gdb's output, which goes to log (the console to NAME.console.log)."""
    port = free_port()
    found = []
    with start(t.get("append", ""), t.get("env"), t.get("initrd"),
               args=["-S", "-gdb", "tcp:127.0.0.1:%d" % port],
               log=re.sub(r"(\.log)?$", ".console.log", log, count=1)):
        try:
            gdb = subprocess.run(["gdb-multiarch", "-batch", "-nx", "-x", "scripts/lde.gdb",
                                  "-ex", "lde-connect %d" % port, "-x", t["gdb_script"],
                                  "build/kernel.elf"], cwd=ROOT, capture_output=True,
                                 text=True, timeout=t.get("timeout", 60))
            out = gdb.stdout + gdb.stderr
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            found.append("gdb timed out")
    for pat in t.get("expect", []):
        if not re.search(pat, out, re.M):
            found.append("missing gdb output %r" % pat)
    with open(log, "w") as f:
        f.write(out)
    return found
