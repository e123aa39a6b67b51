"""Users and permissions (issue 12, part 4; docs/users.md): the id calls and
setuid's rules, who may signal whom, kill(-1), root's operations (power,
devices, another user's terminal group), a server learning its caller's ids
(user/t_users.c, run as init); the shell init starts as uid 1000 unless the
kernel command line's user= says otherwise; ps's UID column."""
import hashlib
import os
import re
import signal
import subprocess
import tempfile

from lde import ext2_tool, rootfs_disk
from suites.shell import PROMPT, expect, send, sh

ROOT_PROMPT = r"# $"
TROUBLE = [r"^panic", r"kernel trap", r"KASSERT", r"assertion"]


def _image_cat(img, name):
    """The bytes of file name on the ext2 image img (its bytes), by debugfs."""
    with tempfile.TemporaryDirectory(prefix="lde-users-") as d:
        path = os.path.join(d, "disk.img")
        with open(path, "wb") as f:
            f.write(img)
        return subprocess.run([ext2_tool("debugfs"), "-R", "cat " + name, path],
                              capture_output=True, timeout=120).stdout


def _path_cat(path, name):
    return subprocess.run([ext2_tool("debugfs"), "-R", "cat " + name, path],
                          capture_output=True, timeout=120).stdout


# The seed each passwd test's image started with (user/lib/seed.h), by test.
_seeds = {}


def seeded_disk(test):
    """A fresh `make disk` image whose /etc/random-seed is remembered."""
    def make(path):
        rootfs_disk(path)
        _seeds[test] = _path_cat(path, "/etc/random-seed")
        return path
    return make


def shadow_is(test, passwords, seed_changed):
    """disk_check: each user's /etc/shadow hash is of passwords[user] with
    a 16-byte salt and 5,000 iterations as Python's hashlib computes it
    (an implementation independent of lde's), and /etc/random-seed is 32
    bytes, changed (a salt was made) or not as seed_changed says; no
    PATH.new (replace.h's lock) is left."""
    def check(img, out):
        lines = _image_cat(img, "/etc/shadow").decode().splitlines()
        hashes = dict(line.split(":", 1) for line in lines if ":" in line)
        for user, pw in passwords.items():
            m = re.fullmatch(r"\$pbkdf2-sha256\$5000\$([0-9a-f]{32})\$([0-9a-f]{64})",
                             hashes.get(user, ""))
            if not m:
                return "/etc/shadow: %s's line is %r" % (user, hashes.get(user))
            if hashlib.pbkdf2_hmac("sha256", pw.encode(), bytes.fromhex(m[1]),
                                   5000).hex() != m[2]:
                return "/etc/shadow: %s's hash is not of %r" % (user, pw)
        for name in ("/etc/shadow.new", "/etc/random-seed.new"):
            if _image_cat(img, name):
                return "%s is on the disk" % name
        seed = _image_cat(img, "/etc/random-seed")
        if len(seed) != 32:
            return "/etc/random-seed: %d bytes" % len(seed)
        if (seed != _seeds.get(test)) != seed_changed:
            return "/etc/random-seed %s" % ("unchanged" if seed_changed else "changed")
        return None
    return check


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
                r"^perm: chdir into a directory needs its search permission$",
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
                    send("su -x\n"), expect(r"^usage: su \[-\|-l\] \[USER\]$"), expect(PROMPT),
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
    # passwd by the user: the current password first, then the new one
    # twice, without echo; su takes the new one, not the old; the file
    # keeps root's 0600, no PATH.new is left, and the host's hashlib
    # accepts the hash lde made (shadow_is).
    sh("users_passwd_own",
       [send("passwd\n"), expect(r"^Changing the password of user$"),
        expect(r"Current password: "), send("user\n"),
        expect(r"New password: "), send("s3cret-1\n"),
        expect(r"Retype new password: "), send("s3cret-1\n"),
        expect(r"^passwd: password changed for user$"), expect(PROMPT),
        send("ls -l /bin/passwd /etc/shadow /etc/random-seed\n"),
        expect(r"^-rwsr-xr-x\s+1\s+0\s+0\s+\d+ /bin/passwd$"),
        expect(r"^-rw-------\s+1\s+0\s+0\s+\d+ /etc/shadow$"),
        expect(r"^-rw-------\s+1\s+0\s+0\s+32 /etc/random-seed$"), expect(PROMPT),
        send("ls /etc\n"), expect(r"shadow"), expect(PROMPT),
        send("su user\n"), expect(r"Password: "), send("user\n"),
        expect(r"^su: Authentication failure$"), expect(PROMPT),
        send("su user\n"), expect(r"Password: "), send("s3cret-1\n"), expect(PROMPT),
        send("id\n"), expect(r"^uid=1000 gid=1000$"), expect(PROMPT),
        send("exit\n"), expect(PROMPT),
        send("su\n"), expect(r"Password: "), send("lde\n"), expect(ROOT_PROMPT),
        send("exit\n"), expect(PROMPT), send("exit 0\n")],
       disk=seeded_disk("users_passwd_own"), timeout=120,
       disk_check=shadow_is("users_passwd_own", {"user": "s3cret-1", "root": "lde"}, True),
       reject=TROUBLE + [r"password: (?!\^C)\S", r"Password: \S", r"^(user|s3cret-1|lde)$",
                         r"\.new"]),
    # What passwd refuses changes nothing: a wrong current password, two
    # different new ones, an empty one, another user's (root's), an
    # unknown user, bad arguments, a Ctrl-C at the prompt (no lock left
    # behind); /etc/shadow is byte for byte what it was and no salt was
    # made (the seed is unchanged).
    sh("users_passwd_refused",
       [send("su\n"), expect(r"Password: "), send("lde\n"), expect(ROOT_PROMPT),
        send("cat /etc/shadow\n"),
        expect(r"^user:\$pbkdf2-sha256\$5000\$(?P<salt>[0-9a-f]{32})\$(?P<hash>[0-9a-f]{64})$"),
        expect(ROOT_PROMPT), send("exit\n"), expect(PROMPT),
        send("passwd\n"), expect(r"Current password: "), send("wrong\n"),
        expect(r"^passwd: Authentication failure$"), expect(PROMPT),
        send("passwd user\n"), expect(r"Current password: "), send("user\n"),
        expect(r"New password: "), send("one-1\n"),
        expect(r"Retype new password: "), send("two-2\n"),
        expect(r"^passwd: the passwords differ; password unchanged$"), expect(PROMPT),
        send("passwd\n"), expect(r"Current password: "), send("user\n"),
        expect(r"New password: "), send("\n"), expect(r"Retype new password: "), send("\n"),
        expect(r"^passwd: empty password refused; password unchanged$"), expect(PROMPT),
        send("passwd\n"), expect(r"Current password: "), send("user\n"),
        expect(r"New password: "), send("\x03"), expect(PROMPT),
        send("echo typed-and-seen\n"), expect(r"echo typed-and-seen"), expect(PROMPT),
        send("passwd root\n"), expect(r"^passwd: only root may change root's password$"),
        expect(PROMPT),
        send("passwd nobody\n"), expect(r"^passwd: user nobody does not exist$"),
        expect(PROMPT),
        send("passwd -x\n"), expect(r"^usage: passwd \[USER\]$"), expect(PROMPT),
        send("passwd user root\n"), expect(r"^usage: passwd \[USER\]$"), expect(PROMPT),
        send("su\n"), expect(r"Password: "), send("lde\n"), expect(ROOT_PROMPT),
        send("cat /etc/shadow\n"),
        expect(r"^user:\$pbkdf2-sha256\$5000\${salt}\${hash}$"), expect(ROOT_PROMPT),
        send("ls /etc\n"), expect(r"shadow"), expect(ROOT_PROMPT),
        send("exit\n"), expect(PROMPT), send("exit 0\n")],
       disk=seeded_disk("users_passwd_refused"), timeout=120,
       disk_check=shadow_is("users_passwd_refused", {"user": "user", "root": "lde"}, False),
       reject=TROUBLE + [r"password: (?!\^C)\S", r"Password: \S", r"^(wrong|one-1|two-2|user|lde)$",
                         r"\.new"]),
    # root changes a user's password without the old one; the same
    # password twice gets two salts; a left-over /etc/shadow.new (the
    # lock) stops passwd, which says why; without /etc/random-seed (or
    # with a short one) passwd says so and makes one (root's, 0600);
    # root's own; then su as the user takes the user's new password and
    # root's new one, not the old ones.
    root_sh("users_passwd_root",
            [send("passwd user\n"), expect(r"^Changing the password of user$"),
             expect(r"New password: "), send("n3w-pass\n"),
             expect(r"Retype new password: "), send("n3w-pass\n"),
             expect(r"^passwd: password changed for user$"), expect(ROOT_PROMPT),
             send("cat /etc/shadow\n"),
             expect(r"^user:\$pbkdf2-sha256\$5000\$(?P<salt>[0-9a-f]{32})\$[0-9a-f]{64}$"),
             expect(ROOT_PROMPT),
             send("passwd user\n"), expect(r"New password: "), send("n3w-pass\n"),
             expect(r"Retype new password: "), send("n3w-pass\n"),
             expect(r"^passwd: password changed for user$"), expect(ROOT_PROMPT),
             send("cat /etc/shadow\n"),
             expect(r"^user:\$pbkdf2-sha256\$5000\$(?!{salt})[0-9a-f]{32}\$[0-9a-f]{64}$"),
             expect(ROOT_PROMPT),
             send("touch /etc/shadow.new\n"), expect(ROOT_PROMPT),
             send("passwd user\n"), expect(r"New password: "), send("other-3\n"),
             expect(r"Retype new password: "), send("other-3\n"),
             expect(r"^passwd: /etc/shadow\.new: File exists$"),
             expect(r"^passwd: another passwd is changing /etc/shadow, or one was interrupted "
                    r"\(then root removes /etc/shadow\.new\)$"), expect(ROOT_PROMPT),
             send("rm /etc/shadow.new\n"), expect(ROOT_PROMPT),
             send("rm /etc/random-seed\n"), expect(ROOT_PROMPT),
             send("passwd user\n"), expect(r"New password: "), send("n3w-pass\n"),
             expect(r"Retype new password: "), send("n3w-pass\n"),
             expect(r"^passwd: no usable /etc/random-seed: a new one made, this salt from the "
                    r"timer alone$"),
             expect(r"^passwd: password changed for user$"), expect(ROOT_PROMPT),
             send("echo short > /etc/random-seed\n"), expect(ROOT_PROMPT),
             send("passwd user\n"), expect(r"New password: "), send("n3w-pass\n"),
             expect(r"Retype new password: "), send("n3w-pass\n"),
             expect(r"^passwd: no usable /etc/random-seed: a new one made"),
             expect(r"^passwd: password changed for user$"), expect(ROOT_PROMPT),
             send("ls -l /etc/random-seed /etc/shadow\n"),
             expect(r"^-rw-------\s+1\s+0\s+0\s+32 /etc/random-seed$"),
             expect(r"^-rw-------\s+1\s+0\s+0\s+\d+ /etc/shadow$"), expect(ROOT_PROMPT),
             send("passwd\n"), expect(r"^Changing the password of root$"),
             expect(r"New password: "), send("r00t-2\n"),
             expect(r"Retype new password: "), send("r00t-2\n"),
             expect(r"^passwd: password changed for root$"), expect(ROOT_PROMPT),
             send("su user\n"), expect(PROMPT),
             send("su user\n"), expect(r"Password: "), send("user\n"),
             expect(r"^su: Authentication failure$"), expect(PROMPT),
             send("su user\n"), expect(r"Password: "), send("n3w-pass\n"), expect(PROMPT),
             send("exit\n"), expect(PROMPT),
             send("su\n"), expect(r"Password: "), send("lde\n"),
             expect(r"^su: Authentication failure$"), expect(PROMPT),
             send("su\n"), expect(r"Password: "), send("r00t-2\n"), expect(ROOT_PROMPT),
             send("id\n"), expect(r"^uid=0 gid=0$"), expect(ROOT_PROMPT),
             send("exit\n"), expect(PROMPT), send("exit\n"), expect(ROOT_PROMPT),
             send("exit 0\n")],
            disk=seeded_disk("users_passwd_root"), timeout=150,
            disk_check=shadow_is("users_passwd_root", {"user": "n3w-pass", "root": "r00t-2"},
                                 True),
            reject=TROUBLE + [r"password: (?!\^C)\S", r"Password: \S",
                              r"^(n3w-pass|r00t-2|other-3|user|lde)$"]),
    # The power cut the moment passwd says it is done: the image (once
    # e2fsck -p has done what a boot after a crash does) has the new
    # hash and the new seed, and no /etc/shadow.new: all of the change
    # was on the disk before passwd said so. (lde's server already
    # flushes when a rename over a file frees the old one; passwd's
    # fsyncs are what it needs on any file system.)
    sh("users_passwd_power_cut",
       [send("passwd\n"), expect(r"Current password: "), send("user\n"),
        expect(r"New password: "), send("cut-4\n"),
        expect(r"Retype new password: "), send("cut-4\n"),
        expect(r"^passwd: password changed for user$"), ("kill",)],
       status=-signal.SIGKILL, disk=seeded_disk("users_passwd_power_cut"), timeout=90,
       fsck="preen",
       disk_check=shadow_is("users_passwd_power_cut", {"user": "cut-4", "root": "lde"}, True),
       reject=TROUBLE),
    # A uid /etc/passwd does not know has no password to change.
    sh("users_passwd_unknown_uid",
       [send("passwd\n"), expect(r"^passwd: uid 1234 has no line in /etc/passwd$"),
        expect(PROMPT), send("exit 0\n")],
       append="user=1234", disk="rootfs", timeout=60, reject=TROUBLE + [r"password: "]),
    # su - and su -l: a login, in the user's home directory; plain su
    # stays where the caller was, and so does the caller's shell after.
    sh("users_su_login",
       [send("cd /tmp\n"), expect(PROMPT),
        send("su user\n"), expect(r"Password: "), send("user\n"), expect(PROMPT),
        send("pwd\n"), expect(r"^/tmp$"), expect(PROMPT), send("exit\n"), expect(PROMPT),
        send("su - user\n"), expect(r"Password: "), send("user\n"), expect(PROMPT),
        send("pwd\n"), expect(r"^/home/user$"), expect(PROMPT), send("exit\n"), expect(PROMPT),
        send("pwd\n"), expect(r"^/tmp$"), expect(PROMPT),
        send("su -l\n"), expect(r"Password: "), send("lde\n"), expect(ROOT_PROMPT),
        send("pwd\n"), expect(r"^/$"), expect(ROOT_PROMPT), send("id\n"),
        expect(r"^uid=0 gid=0$"), expect(ROOT_PROMPT), send("exit\n"), expect(PROMPT),
        send("su - user root\n"), expect(r"^usage: su \[-\|-l\] \[USER\]$"), expect(PROMPT),
        send("su - nobody\n"), expect(r"^su: user nobody does not exist$"), expect(PROMPT),
        send("exit 0\n")],
       disk="rootfs", timeout=90,
       reject=TROUBLE + [r"Password: \S", r"^(lde|user)$"]),
    # A login whose home directory is missing, or one the user may not
    # enter (su changes directory with the user's rights): no shell, the
    # reason in strerror's words; plain su still works.
    root_sh("users_su_login_nohome",
            [send("echo 'ghost:x:1001:1001::/nohome:/bin/sh' >> /etc/passwd\n"),
             expect(ROOT_PROMPT),
             send("mkdir /tmp/closed\n"), expect(ROOT_PROMPT),
             send("chmod 700 /tmp/closed\n"), expect(ROOT_PROMPT),
             send("echo 'shut:x:1002:1002::/tmp/closed:/bin/sh' >> /etc/passwd\n"),
             expect(ROOT_PROMPT), send("cd /tmp\n"), expect(ROOT_PROMPT),
             send("su - ghost\n"), expect(r"^su: /nohome: No such file or directory$"),
             expect(ROOT_PROMPT),
             send("su -l shut\n"), expect(r"^su: /tmp/closed: Permission denied$"),
             expect(ROOT_PROMPT),
             send("su ghost\n"), expect(PROMPT), send("id\n"),
             expect(r"^uid=1001 gid=1001$"), expect(PROMPT),
             send("pwd\n"), expect(r"^/tmp$"), expect(PROMPT),
             send("exit\n"), expect(ROOT_PROMPT), send("exit 0\n")],
            disk="rootfs", timeout=90, reject=TROUBLE),
]
