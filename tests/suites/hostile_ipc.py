"""Hostile use of replies that carry data, the receive buffer and the
detached kernel read (docs/ipc.md, docs/files.md): user/t_hostile_ipc.c run
as init (mount is root's), with malicious servers, a mounted one among
them, and malicious clients."""


def _t(name, args=""):
    return {
        "name": name,
        "append": "init=/t_hostile_ipc" + (" " + args if args else ""),
        "expect": EXPECT,
        "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
        "timeout": 90,
    }


EXPECT = [
    r"hostile: data replies refused for no lease",
    r"hostile: receive buffers over text, nothing, a shrunk heap, COW and untouched pages",
    r"hostile: kernel callers' leases refuse the wrong data",
    r"hostile: detached reads: wrong counts, errors, links, data mistakes",
    r"hostile: a signalled reader whose server dies before it runs",
    r"hostile: 5 readers at once, a shared descriptor, traced and FPU readers",
    r"hostile: pages, files and endpoints all came back",
    r"^PASS: t_hostile_ipc\b",
    r"init \(pid 1\) exited with status 0",
]

TESTS = [
    _t("hostile_ipc"),
    # The same, and the signalled reader whose server died then makes a
    # user call that the slow path delivers: a kernel call's state left
    # behind must not make the kernel read that message as its own.
    _t("hostile_ipc_stale", "stale"),
    # Readers killed that way die with the kernel call's state in their
    # process-table slots; the next processes there make user calls.
    _t("hostile_ipc_stale_kill", "stale-kill"),
]
