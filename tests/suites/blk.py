"""The disk, driven from user space (issue 13; docs/drivers.md): the
virtio-blk driver servers/blk under the supervisor servers/svc, through
libblk, run by user/t_blk.c as init. Each test gets a fresh disk image
(tests/lde.py: "disk"), which the host reads afterwards."""
import re
import struct

MASK = (1 << 64) - 1
DISK_BYTES = 4 * 1024 * 1024


def gen(n, seed):
    """user/t_blk.c's gen(): n bytes of xorshift64 from seed."""
    s = (seed * 0x9E3779B97F4A7C15 + 1) & MASK
    out = []
    for _ in range(n // 8):
        s ^= (s << 13) & MASK
        s ^= s >> 7
        s ^= (s << 17) & MASK
        out.append(s)
    return struct.pack("<%dQ" % len(out), *out)


def whole_disk(img, out):
    """Every sector s as t_blk's whole_disk wrote it: gen(512, s + 0x5ca1ab1e)."""
    if len(img) != DISK_BYTES:
        return "image is %d bytes, expected %d" % (len(img), DISK_BYTES)
    for s in range(DISK_BYTES // 512):
        if img[s * 512:(s + 1) * 512] != gen(512, s + 0x5CA1AB1E):
            return "sector %d is not what the guest wrote" % s
    return None


def make_block(i, p):
    blk = bytearray(gen(1024, (p << 32) | i))
    s = 2166136261
    for b in blk[16:]:
        s = ((s ^ b) * 16777619) & 0xFFFFFFFF
    blk[0:16] = struct.pack("<4I", 0x424B4C44, i, p, s)
    return bytes(blk)


def crash_blocks(img, out):
    """The 2,000 blocks of the last pass, and the rest of the image as the
    test's fresh disk had it."""
    m = re.search(r"^blk: crash: 2000 blocks of pass (\d+) read back", out, re.M)
    if not m:
        return "no crash verdict line"
    p = int(m.group(1))
    for i in range(2000):
        if img[i * 1024:(i + 1) * 1024] != make_block(i, p):
            return "block %d is not pass %d's" % (i, p)
    for s in range(4000, DISK_BYTES // 512, 97):
        tag = b"lde sector %d" % s
        if img[s * 512:s * 512 + len(tag)] != tag:
            return "sector %d beyond the blocks changed" % s
    return None


def unchanged(img, out):
    """The image is the fresh one (tests/lde.py: fresh_disk's pattern),
    byte for byte: its checksum before and after agree."""
    import hashlib
    fresh = bytearray(DISK_BYTES)
    for s in range(DISK_BYTES // 512):
        tag = b"lde sector %d" % s
        fresh[s * 512:s * 512 + len(tag)] = tag
    if hashlib.sha256(img).digest() != hashlib.sha256(fresh).digest():
        return "the vandal changed the disk"
    return None


TESTS = [
    {"name": "blk_patterns",
     "append": "init=/t_blk patterns",
     "disk": DISK_BYTES,
     "disk_check": whole_disk,
     "expect": [r"^blk: virtio-blk disk, 8192 sectors \(4096 KiB\)$",
                r"^blk: \d+ patterns of 512 B to 64 KiB at offsets across the disk read back$",
                r"^blk: bad requests refused",
                r"^blk: 12 concurrent clients right; up to (\d+) requests at the device at once$",
                r"^blk: whole disk written and read back: 8192 sectors$",
                r"^PASS: t_blk\b"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"died"],
     "timeout": 120},
    {"name": "blk_crash",
     "append": "init=/t_blk crash",
     "disk": DISK_BYTES,
     "disk_check": crash_blocks,
     "expect": [r"^blk: driver pid \d+ died \(signal 9\), restarting$",
                r"^blk: test switch: crashing with a request in flight$",
                r"^blk: driver pid \d+ died \(signal 11\), restarting$",
                r"^blk: crash: 2000 blocks of pass \d+ read back; driver deaths 6 \(killed 5, "
                r"crashed 1\), resends [1-9]\d*$",
                r"^PASS: t_blk\b"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"not restarted"],
     "check": lambda out: None if len(re.findall(r"^blk: driver pid \d+ died", out, re.M)) == 6
     else "expected 6 driver deaths",
     "timeout": 180},
    {"name": "blk_giveup",
     "append": "init=/t_blk giveup",
     "disk": DISK_BYTES,
     "expect": [r"^blk: driver pid \d+ died \(signal 9\), 5 deaths in 10 s: not restarted; "
                r"requests fail with EIO$",
                r"^blk: a driver dead 5 times in 10 s is not restarted; requests fail with EIO$",
                r"^PASS: t_blk\b"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 60},
    {"name": "blk_device_error",
     "append": "init=/t_blk readonly",
     "disk": DISK_BYTES,
     "env": {"DISK_RO": "1"},
     "disk_check": unchanged,
     "expect": [r"^blk: a write the device fails is EIO for the client; reads go on$",
                r"^PASS: t_blk\b"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"died"],
     "timeout": 60},
    {"name": "blk_retries",
     "append": "init=/t_blk retries",
     "expect": [r"^blk: a request whose server keeps dying is resent 8 times, then EIO$",
                r"^PASS: t_blk\b"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 30},
    {"name": "blk_vandal",
     "append": "init=/t_blkvandal",
     "disk": DISK_BYTES,
     "disk_check": unchanged,
     "expect": [r"^vandal: \d+ attempts, every one refused$",
                r"^vandal: the disk still serves; nothing was written$",
                r"^PASS: t_blkvandal vandal\b", r"^PASS: t_blkvandal\b"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL", r"died"],
     "timeout": 60},
    # make run's way: init starts the service, the shell's programs reach
    # the disk at descriptor 15.
    {"name": "blk_shell_blkstat",
     # root's shell: the driver is root's, and a user may not kill it
     "append": "user=root",
     "disk": DISK_BYTES,
     # The file-system server's look at the superblock (not ext2: it
     # gives up) is the reads; the rest are the clients' INFO requests.
     "script": [("expect", r"blk: virtio-blk disk, 8192 sectors \(4096 KiB\)\n"
                           r"fs: no ext2 file system to mount on the disk \(Invalid argument\): / is not mounted\n"
                           r"(init: .*\n)+# $"),
                ("send", "blkstat\n"),
                ("expect", r"^disk: 8192 sectors \(4096 KiB\), driver pid 4, restarts 0$"),
                ("expect", r"^requests 4: reads 1, writes 0, flushes 0; errors 0, resends 0$"),
                ("expect", r"# $"),
                ("send", "kill 4\n"),
                # (svc's line may come after the shell's next prompt)
                ("expect", r"blk: driver pid 4 died \(signal 9\), restarting$"),
                ("send", "blkstat\n"),
                ("expect", r"^disk: 8192 sectors \(4096 KiB\), driver pid \d+, restarts 1$"),
                ("expect", r"# $"),
                ("send", "exit\n")],
     "expect": [r"init \(pid 1\) exited with status 0"],
     "timeout": 30},
    {"name": "blk_no_disk",
     "append": "",
     # init's word on the rescue shell (tests/suites/initrd.py), then the prompt
     "script": [("expect", r"blk: no disk \(virtio-mmio slot 0 is empty\)\n(init: .*\n)+\$ $"),
                ("send", "exit\n")],
     "expect": [r"init \(pid 1\) exited with status 0"],
     "timeout": 30},
]
