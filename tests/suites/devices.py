"""Devices in user space (issue: lde becomes a micro-kernel, part 4;
docs/ipc.md "Devices", docs/drivers.md): user/t_dev.c drives a virtio-blk
disk attached on virtio-mmio slot 0 (scripts/qemu.sh, DISK=)."""
import os

_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DISK = os.path.join(_root, "build", "t_dev_disk.img")


def _make_disk():
    """A 64 KiB raw image whose sectors 0..3 start with "lde disk 0".."3"."""
    os.makedirs(os.path.dirname(DISK), exist_ok=True)
    data = bytearray(64 * 1024)
    for k in range(4):  # sectors 0..3, for the multi-page DMA read
        data[512 * k:512 * k + 10] = b"lde disk %d" % k
    tmp = DISK + ".%d.tmp" % os.getpid()
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, DISK)


_make_disk()

TESTS = [
    {"name": "dev_virtio_blk",
     "append": "init=/t_dev",
     "env": {"DISK": DISK},
     "expect": [r"dev: virtio-mmio registers mapped: magic 0x74726976 version 2 device 2",
                r"dev: leases over the registers fail with EFAULT on both sides",
                r"dev: virtio-blk sector 0 read; its interrupt arrived as notification bits",
                r"dev: interrupt masked until ack, delivered after it",
                r"dev: the interrupt ends a bound recv with its bits",
                r"dev: without the device descriptor: open, map, bind, ack and dma refused",
                r"dev: device mappings are never executable",
                r"dev: a 4-page DMA block is contiguous: a read across its pages lands in place",
                r"dev: DMA with memory short fails with ENOMEM, takes nothing, succeeds later",
                r"dev: at most 4 processes map a device; a gone one's place is free again",
                r"lde: pid \d+ \(t_dev\) killed: load page fault, sepc=0x[0-9a-f]+ stval=0x3fffe[0-9a-f]{5}$",
                r"lde: pid \d+ \(t_dev\) killed: load page fault, sepc=0x[0-9a-f]+ stval=0x3fffe[0-9a-f]{5}$",
                r"lde: pid \d+ \(t_dev\) killed: load page fault, sepc=0x[0-9a-f]+ stval=0x3fffe[0-9a-f]{5}$",
                r"lde: pid \d+ \(t_dev\) killed: load page fault, sepc=0x[0-9a-f]+ stval=0x3fffe[0-9a-f]{5}$",
                r"dev: after the last close the registers and DMA pages are unmapped",
                r"dev: killed driver's DMA pages kept by the device, reused after reset",
                r"^PASS: t_dev\b", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 60},
]
