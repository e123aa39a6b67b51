"""Users and permissions (issue 12, part 4; docs/users.md): the id calls and
setuid's rules, who may signal whom, kill(-1), root's operations (power,
devices, another user's terminal group), a server learning its caller's ids
(user/t_users.c, run as init); the shell init starts as uid 1000 unless the
kernel command line's user= says otherwise; ps's UID column."""
from suites.shell import PROMPT, expect, send, sh

ROOT_PROMPT = r"# $"
TROUBLE = [r"^panic", r"kernel trap", r"KASSERT", r"assertion"]


def root_sh(name, steps, append="user=root", **kw):
    """A test that boots to a root shell (prompt '# ') and types steps."""
    t = sh(name, steps, append=append, **kw)
    t["script"][0] = ("expect", ROOT_PROMPT)
    return t


TESTS = [
    {"name": "users_t_users", "append": "init=/t_users", "timeout": 60,
     "expect": [r"^users: exec kept uid 1000 gid 50$",
                r"^users: root drops to uid 1000 for good \(EPERM to regain or change\); fork and "
                r"exec keep the ids$",
                r"^users: uid 1000 may signal its own processes, not root's or uid 1001's \(EPERM\); "
                r"kill\(-1\) reached only its own, then EPERM; root killed uid 1001's$",
                r"^users: dev_open, dev_map, dev_dma, dev_irq_bind by uid 1000: EPERM$",
                r"^users: server: call from pid \d+ uid 0 gid 0 \(token: uid 0 gid 0\)$",
                r"^users: server: call from pid \d+ uid 1000 gid 1000 \(token: uid 1000 gid 1000\)$",
                r"^users: server: call from pid \d+ uid 1234 gid 1234 \(token: uid 1234 gid 1234\)$",
                r"^users: the caller's ids: 0 from root's client, 1000 and 1234 from users' \(one "
                r"queued\); ipc_caller ESRCH once answered$",
                r"^users: init as uid 1000: poweroff EPERM$",
                r"^PASS: t_users$", r"init \(pid 1\) exited with status 0"],
     "reject": TROUBLE},
    # The same with a process switch at every tick: no check depends on who runs first.
    {"name": "users_t_users_q1", "append": "quantum=1 init=/t_users", "timeout": 60,
     "expect": [r"^PASS: t_users$", r"init \(pid 1\) exited with status 0"], "reject": TROUBLE},
    # The default shell is uid 1000's: '$', id, ps's UID column (init is
    # root's), and init out of its reach.
    sh("users_sh_default_uid", [send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
                                send("ps\n"), expect(r"PID  PPID   UID STATE"),
                                expect(r"^\s+1\s+0\s+0 sleeping\s+init\s"),
                                expect(r"^\s+\d+\s+1\s+1000 \w+\s+sh\s"),
                                expect(r"^\s+\d+\s+\d+\s+1000 running\s+ps\s"), expect(PROMPT),
                                send("kill 1\n"), expect(r"^kill: 1: Not owner$"), expect(PROMPT),
                                send("exit 0\n")],
       reject=TROUBLE),
    # user=root: a root shell, '#'.
    root_sh("users_sh_root", [send("id\n"), expect(r"^uid=0 gid=0$"), expect(ROOT_PROMPT),
                              send("ps\n"), expect(r"^\s+\d+\s+\d+\s+0 running\s+ps\s"),
                              expect(ROOT_PROMPT), send("exit\n")],
            reject=TROUBLE),
    sh("users_sh_uid_number", [send("id\n"), expect(r"^uid=1234 gid=1234$"), expect(PROMPT),
                               send("exit\n")],
       append="user=1234", reject=TROUBLE),
    # A bad value: said so, and the shell is still not root's.
    sh("users_sh_bad_user", [send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
                             send("exit\n")],
       append="user=bogus", expect=[r"^init: bad user=bogus ignored \(root, or 0\.\.65534\)$"],
       reject=TROUBLE),
    # Set-user-ID exec with saved ids, kill by real and saved uids, the
    # bits cleared by a user's write, sticky /tmp, reserved blocks
    # (user/t_perm.c as init, on a 6 MiB rootfs image; e2fsck after).
    {"name": "users_t_perm", "append": "init=/t_perm", "disk": "rootfs:6", "timeout": 120,
     "expect": [r"^perm: set-user-ID and set-group-ID exec: the effective and saved ids, only "
                r"them$",
                r"^perm: kill follows the real and saved uids: root's process with euid 1000 is "
                r"not uid 1000's$",
                r"^perm: a user's write or truncate, and a chown, clear set-user-ID; root's "
                r"write does not$",
                r"^perm: sticky /tmp: only a name's owner or root removes or replaces it$",
                r"^perm: uid 1000 wrote \d+ KiB, then ENOSPC with \d+ blocks free$",
                r"^perm: the reserved blocks are root's: root wrote 16 KiB more$",
                r"^PASS: t_perm$", r"init \(pid 1\) exited with status 0"],
     "reject": TROUBLE},
    # su through the shell, on the disk make run uses: a wrong password
    # changes nothing, the right one (typed without echo) gives root's
    # shell, whose exit comes back to uid 1000's; su USER; bad arguments.
    sh("users_su", [send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
                    send("su\n"), expect(r"Password: "), send("wrong\n"),
                    expect(r"^su: Authentication failure$"), expect(PROMPT),
                    send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
                    send("su root\n"), expect(r"Password: "), send("lde\n"),
                    expect(ROOT_PROMPT), send("id\n"), expect(r"^uid=0 gid=0$"),
                    expect(ROOT_PROMPT), send("exit\n"), expect(PROMPT),
                    send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
                    send("su user\n"), expect(r"Password: "), send("user\n"), expect(PROMPT),
                    send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
                    send("exit\n"), expect(PROMPT),
                    send("su -l\n"), expect(r"^usage: su \[USER\]$"), expect(PROMPT),
                    send("su nobody\n"), expect(r"^su: user nobody does not exist$"),
                    expect(PROMPT), send("ls -l /bin/su /etc/shadow\n"),
                    expect(r"^-rwsr-xr-x\s+1\s+0\s+0\s+\d+ /bin/su$"),
                    expect(r"^-rw-------\s+1\s+0\s+0\s+\d+ /etc/shadow$"),
                    expect(PROMPT), send("exit 0\n")],
       disk="rootfs", timeout=90,
       reject=TROUBLE + [r"Password: \S", r"^(wrong|lde|user)$"]),
    # su killed (Ctrl-\) while it waits for the password with echo off:
    # the shell takes the console back, and what is typed shows again.
    sh("users_su_killed_echo_back",
       [send("su\n"), expect(r"Password: "), send("\x1c"), expect(PROMPT),
        send("echo typed-and-seen\n"), expect(r"echo typed-and-seen"),
        expect(PROMPT), send("exit 0\n")],
       disk="rootfs", timeout=60, reject=TROUBLE),
]
