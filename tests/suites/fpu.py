"""Floating point is part of a process's context (docs/design.md, "Floating
point"): user programs are hard-float (lp64d), the kernel switches the FP
registers lazily.

  t_fpu compute  four processes in double and float, one rounding mode
                 each, preempted at every tick: bit for bit what each got
                 alone, and the rounding mode stays each one's own
  t_fpu regs     f0..f31 and fcsr survive 20 preemptions each
  t_fpu fork     the child gets the parent's (dirty) FP state as at fork
  t_fpu exec     exec starts with f0..f31 and fcsr zero
  no FPU         QEMU_CPU=rv64,f=false,d=false: the banner says so, hello
                 runs (startup does not touch the FPU), an FP instruction
                 kills its process with a line that says why"""

NOFPU = {"QEMU_CPU": "rv64,f=false,d=false"}
REJECT = [r"^panic:", r"kernel trap", r"assertion failed", r"killed:"]


def _t(name, args, expect=(), reject=REJECT, env=None, kparams="quantum=1"):
    t = {"name": name,
         "append": kparams + " init=/t_fpu " + args,
         "expect": [r"^PASS: t_fpu\b", r"init \(pid 1\) exited with status 0",
                    r"^cpu: FPU \(F, D\)"] + list(expect),
         "reject": list(reject),
         "timeout": 60}
    if env:
        t["env"] = env
    return t


TESTS = [
    _t("fpu_compute_q1", "compute",
       [r"^fpu: process %d \(rounding mode %d\): [-0-9.e+]+, bit-identical, preempted [1-9]\d* times$"
        % (k, k) for k in range(4)]),
    _t("fpu_regs_q1", "regs",
       [r"^fpu: process %d: f0\.\.f31 and fcsr intact across \d+ preemptions$" % k
        for k in range(4)]),
    _t("fpu_fork_q1", "fork", [r"^fpu: the child has its parent's f0\.\.f31 and fcsr as at fork$"]),
    _t("fpu_exec", "exec", [r"^fpu: after exec, f0\.\.f31 and fcsr are zero$"]),
    _t("fpu_ipc_handoff", "ipc", [r"^fpu: client and server kept their own f0\.\.f31 and fcsr across 200 IPC hand-offs$"],
       kparams=""),
    {"name": "fpu_none_hello", "append": "init=/hello", "env": NOFPU,
     "expect": [r"^cpu: no FPU", r"init \(pid 1\) exited with status 0"],
     "reject": REJECT},
    {"name": "fpu_none_killed", "append": "init=/t_fpu nofpu", "env": NOFPU,
     "expect": [r"^cpu: no FPU",
                r"^lde: pid 2 \(t_fpu\) killed: floating-point instruction, but this CPU has no FPU, "
                r"sepc=0x[0-9a-f]+ stval=0x[0-9a-f]+$",
                r"^PASS: t_fpu\b", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"killed: illegal instruction"]},
]
