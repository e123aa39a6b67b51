"""Priorities and the scheduler that uses them (docs/scheduling.md): nice,
getpriority and setpriority, the nice and renice programs, ps's PRI and NI,
and the fair policy's promises, each measured under -icount, where the
guest's clock is its instruction count, so that every figure is exact and
repeats: equal shares, nice 10 against 0, nice 19 against -20, and the
wake-up latency of a heartbeat beside 30 spinners. sched=rr keeps the round
robin, which ignores nice values."""

# shift=4: 16 ns an instruction (a 62.5 MHz guest); sleep=off skips idle time.
ICOUNT = {"QEMU_EXTRA": "-icount shift=4,sleep=off"}


def _t(name, args, expect=(), kparams="", env=ICOUNT, timeout=60):
    return {"name": name,
            "append": (kparams + " " if kparams else "") + "init=/t_sched " + args,
            "expect": [r"^PASS: t_sched\b", r"init \(pid 1\) exited with status 0"] + list(expect),
            "reject": [r"^panic:", r"kernel trap", r"lde: bad sched"],
            "env": env,
            "timeout": timeout}


TESTS = [
    _t("sched_api", "api", env=None,
       expect=[r"clamp to -20\.\.19", r"only root lowers it", r"PRIO_PGRP sets a whole group",
               r"nice -n 4 t_sched ran at nice 6",
               # ps: PID PPID UID STATE NAME PRI NI
               r"^\s*\d+\s+\d+\s+\d+\s+\w+\s+spin\s+30\s+10\s"]),
    # Two spinners at the same nice value: within 10% of each other.
    _t("sched_fair_equal", "share 0 0 476 524", expect=[r"nice 0 got \d+ us, nice 0 got"]),
    _t("sched_fair_equal_niced", "share 5 5 476 524"),
    # Nice 10 against 0: at most a quarter (the weights give 110/1134 = 97).
    _t("sched_fair_nice10", "share 0 10 0 250", expect=[r"nice 10 got"]),
    # The round robin is still there, and ignores nice values.
    _t("sched_rr_nice10", "share 0 10 476 524", kparams="sched=rr"),
    _t("sched_fair_param", "share 0 10 0 250", kparams="sched=fair"),
    _t("sched_starve", "starve", expect=[r"nice 19 beside nice -20: \d+ turns"], timeout=90),
    # A sleep earns no credit: a process that slept while another ran alone
    # re-enters at most a quantum ahead of it.
    _t("sched_sleeper", "sleeper", expect=[r"slept a second: \d+ turns in 3 s"], timeout=60),
    # Nor does running alone make a debt: a parent that computed alone, then
    # forks, takes turns with its child at once.
    _t("sched_forker", "forker", expect=[r"beside its new child: \d+ turns in 2 s"], timeout=60),
    _t("sched_heartbeat", "heartbeat 30 10", expect=[r"heartbeat beside 30 spinners"], timeout=90),
    _t("sched_heartbeat_q1", "heartbeat 30 1", kparams="quantum=1", timeout=90),
    # A bad policy is reported and ignored (the fair one stays).
    {"name": "sched_bad_param", "append": "sched=lottery init=/t_sched share 0 10 0 250",
     "expect": [r"lde: bad sched 'lottery' ignored \(fair or rr\)", r"^PASS: t_sched\b"],
     "reject": [r"^panic:"], "env": ICOUNT, "timeout": 60},
]
