"""Devices in user space (issue: lde becomes a micro-kernel, part 4;
docs/ipc.md "Devices", docs/drivers.md): user/t_dev.c drives a virtio-blk
disk attached on virtio-mmio slot 0 (scripts/qemu.sh, DISK=)."""
import os

_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DISK = os.path.join(_root, "build", "t_dev_disk.img")


def _make_disk():
    """A 64 KiB raw image whose sector 0 starts with "lde disk 0"."""
    os.makedirs(os.path.dirname(DISK), exist_ok=True)
    data = bytearray(64 * 1024)
    data[0:10] = b"lde disk 0"
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
                r"dev: without the device descriptor: open, map, bind, ack and dma refused",
                r"dev: device mappings are never executable",
                r"dev: killed driver's DMA pages kept by the device, reused after reset",
                r"^PASS: t_dev\b", r"init \(pid 1\) exited with status 0"],
     "reject": [r"^panic:", r"kernel trap", r"^FAIL"],
     "timeout": 60},
]
