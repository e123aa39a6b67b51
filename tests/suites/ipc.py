"""Synchronous IPC, notifications and their hostile use (issue: lde becomes
a micro-kernel; docs/ipc.md). Each program is a self-checking user/t_ipc*.c
run as init."""


def _t(name, prog, args="", expect=(), env=None, timeout=60, kparams=""):
    t = {"name": name,
         "append": (kparams + " " if kparams else "") + "init=/" + prog + (" " + args if args else ""),
         "expect": [r"^PASS: " + prog + r"\b", r"init \(pid 1\) exited with status 0"] + list(expect),
         "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
         "timeout": timeout}
    if env:
        t["env"] = env
    return t


TESTS = [
    _t("ipc_core", "t_ipc", expect=[
        r"ipc: 200 calls answered by reply_recv, words intact",
        r"ipc: badges 7 and 9 seen by the server",
        r"ipc: bad descriptors, info words and tokens refused",
        r"ipc: endpoints inherited, kept across exec, released by close and exit",
        r"ipc: ps shows 'call ep\d+' and 'recv ep\d+'",
        r"ipc: client killed while held: reply is a no-op, its lease is gone",
        r"ipc: server killed: held request fails with ECONNRESET, queued one served by the next",
        r"ipc: last receiving descriptor closed: waiting caller gets EPIPE",
        r"ipc: killed while queued or receiving: endpoint intact"]),
]
TESTS += [
    _t("ipc_leases_transfer_ntfn", "t_ipc", "more", expect=[
        r"ipc: leases read, written, bounded, refused over read-only memory and after the reply",
        r"ipc: replies carry data, the server's mistakes refused, leases end with the call",
        r"ipc: a pipe end to the server, a badged connection back, a full table reported",
        r"ipc: notifications signal, wait, poll, bind into recv, release"]),
]
TESTS += [
    # The trace format of the message calls (docs/trace.md), and traced
    # partners, which take the slow path, with untraced ones.
    # pid 1, uid and gid 0, slot 0: the reply token (kernel/uapi.h, LDE_TOKEN)
    _t("ipc_traced", "t_ipc", "traced", expect=[
        r"\[pid 1 t_ipc\] ipc_call\(3, label=1, 7, 2, 3, 4\) = 101",
        r"\[pid 1 t_ipc\] ipc_call\(3, label=2, 0, 0, 0, 0\) = 102",
        r"\[pid \d+ t_ipc\] ipc_recv\(3\) = 1$",
        r"\[pid \d+ t_ipc\] ipc_reply_recv\(3, label=101, 0, 0, 0, 1\) = 1",
        r"\[pid \d+ t_ipc\] ipc_reply\(token=0x10000000000, label=102, 0, 0, 0, 0\) = 0",
        r"ipc: traced and untraced partners"]),
]
TESTS += [
    _t("ipc_chaos", "t_ipc", "chaos 10000", timeout=240, expect=[
        r"ipc chaos: \d+ calls answered, \d+ client generations, [1-9]\d* servers and [1-9]\d* clients killed, nothing leaked"]),
]
