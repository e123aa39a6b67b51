"""The interactive system (issue 4): the shell on the serial console, driven
by keystrokes, including Ctrl-C, Ctrl-D, Ctrl-U, Ctrl-P; ps, kill, trace,
pipelines, background jobs; line integrity of console output."""
import re

PROMPT = r"\$ $"


def sh(name, steps, status=0, **kw):
    """A test that boots to the default shell and types steps."""
    script = [("expect", PROMPT)]
    for s in steps:
        script.append(s)
    t = {"name": name, "append": kw.pop("append", ""), "script": script, "status": status,
         "timeout": kw.pop("timeout", 30)}
    t.update(kw)
    return t


def send(text, delay=0.05):
    return ("send", text, delay)


def expect(rx):
    return ("expect", rx)


def ps_utime_grows(out):
    """Two ps listings, each with two spin rows: every spinner's UTIME must
    be larger in the second, and both spinners must be getting CPU."""
    tables = re.findall(r"PID  PPID STATE.*?\n((?:\s*\d+.*\n)+)", out)
    if len(tables) < 2:
        return "expected two ps tables, got %d" % len(tables)
    def spins(table):
        rows = {}
        for line in table.splitlines():
            f = line.split()
            if len(f) >= 11 and f[3] == "spin":
                rows[int(f[0])] = int(f[4])
        return rows
    a, b = spins(tables[0]), spins(tables[1])
    if len(a) != 2 or set(a) != set(b):
        return "expected the same two spinners in both tables: %r %r" % (a, b)
    for pid in a:
        if b[pid] <= a[pid]:
            return "spinner %d UTIME did not grow: %d -> %d" % (pid, a[pid], b[pid])
    return None


def lines_whole(out):
    bad = [l for l in out.splitlines() if "writer" in l and not re.fullmatch(
        r"writer \d line \d{3}: the quick brown fox jumps over the lazy dog", l)]
    n = len(re.findall(r"^writer \d line \d{3}: the quick", out, re.M))
    if bad:
        return "broken line: %r" % bad[0]
    if n != 4 * 150:
        return "expected 600 writer lines, got %d" % n
    return None


TESTS = [
    sh("sh_echo_exit", [send("echo hello world\n"), expect(r"^hello world$"), expect(PROMPT),
                        send("exit\n")],
       expect=[r"init \(pid 1\) exited with status 0"]),
    sh("sh_exit_status", [send("exit 7\n")], status=7),
    sh("sh_unknown_program", [send("nosuch arg\n"), expect(r"sh: nosuch: not found"), expect(PROMPT),
                              send("echo still here\n"), expect(r"^still here$"), expect(PROMPT),
                              send("exit\n")]),
    sh("sh_pipeline_yes_head", [send("yes | head -5\n"), expect(r"(y\n){5}\$ "), send("echo a b c | head\n"),
                                expect(r"^a b c$"), expect(PROMPT), send("exit\n")],
       check=lambda out: None if re.search(r"head -5\n(y\n){5}\$ ", out)
       else "yes | head -5 did not print exactly 5 lines"),
    sh("sh_three_stage_pipeline", [send("yes abc | head -100 | head -2\n"), expect(r"abc\nabc\n\$ "),
                                   send("exit\n")]),
    sh("sh_background_wait", [send("sleep 1 &\n"), expect(r"^\[(?P<pid>\d+)\]$"), expect(PROMPT),
                              send("echo foreground\n"), expect(r"^foreground$"), expect(PROMPT),
                              send("wait\n"), expect(r"sh: \[{pid}\] done, status 0"), expect(PROMPT),
                              send("exit\n")]),
    sh("sh_spinners_ps_kill", [send("spin & spin & ps\n"), expect(r"spin.*\n.*spin"), expect(PROMPT),
                               send("sleep 1; ps\n", 0.3), expect(r"PID  PPID"), expect(PROMPT),
                               send("exit\n")], timeout=40,
       check=ps_utime_grows),
    sh("sh_kill_background", [send("spin &\n"), expect(r"^\[(?P<pid>\d+)\]$"), expect(PROMPT),
                              send("kill {pid}\n", 0.3), expect(r"sh: \[{pid}\] killed by signal 9"),
                              expect(PROMPT), send("ps\n"), expect(PROMPT), send("exit\n")],
       reject=[r"\d+\s+\d+\s+\w+\s+spin\s"]),
    sh("sh_ctrl_c_spinner", [send("spin\n"), send("\x03", 0.5), expect(r"\^C"), expect(PROMPT),
                             send("echo shell survived\n"), expect(r"^shell survived$"), expect(PROMPT),
                             send("exit\n")]),
    sh("sh_ctrl_c_pipeline", [send("yes | spin\n"), send("\x03", 0.5), expect(PROMPT),
                              send("ps\n"), expect(PROMPT), send("exit\n")],
       reject=[r"\d+\s+\d+\s+\w+\s+(yes|spin)\s"]),
    sh("sh_ctrl_d_exits", [send("\x04")], expect=[r"init \(pid 1\) exited with status 0"]),
    sh("sh_line_editing", [send("echo abX\x7fc\n"), expect(r"^abc$"), expect(PROMPT),
                           send("garbage\x15echo clean\n"), expect(r"^clean$"), expect(PROMPT),
                           send("exit\n")],
       reject=[r"garbage: not found"]),
    sh("sh_ctrl_p_dump", [send("spin &\n"), expect(PROMPT), send("\x10", 0.3),
                          expect(r"PID  PPID STATE"), expect(r"spin"), send("\x15exit\n")],
       expect=[r"\d+\s+\d+ (running|runnable)\s+spin", r"\d+\s+\d+ sleeping\s+init\s+wait"]),
    sh("sh_trace_program", [send("trace hello 1\n"), expect(r"hello from U-mode"), expect(PROMPT),
                            send("exit\n")],
       expect=[r"^\[pid \d+ hello\] exec\(0x[0-9a-f]+, 0x[0-9a-f]+\) = 2$",
               r"^\[pid \d+ hello\] write\(1, 0x[0-9a-f]+, (\d+)\) = \1$",
               r"^\[pid \d+ hello\] exit\(0\) = \?$"]),
    {"name": "trace_all_param", "append": "trace=all init=/hello x",
     "expect": [r"^\[pid 1 hello\] write\(1, 0x[0-9a-f]+, 28\) = 28$", r"^\[pid 1 hello\] exit\(0\) = \?$"]},
    sh("sh_builtins_help", [send("help\n"), expect(r"Ctrl-C interrupts"), expect(PROMPT),
                            send("ls\n"), expect(r"^sh$"), expect(PROMPT),
                            send("uptime\n"), expect(r"up \d+\.\d{3} s, \d+ processes"), expect(PROMPT),
                            send("poweroff 5\n")], status=5),
    {"name": "console_lines_whole", "append": "init=/t_lines", "check": lines_whole},
    {"name": "klog_keeps_line_whole", "append": "init=/t_klog",
     "expect": [r"^left half\|right half$", r"lde: pid 2 \(t_klog\) killed: store page fault"]},
]
