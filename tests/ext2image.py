"""Just enough of ext2 (read from an image file into memory) to find the
bytes a test corrupts: the superblock's geometry, group descriptors,
inodes, the first block of a directory. Used by tests/test_ext2.py (on the
host) and tests/suites/fsrel.py (in QEMU) to make hostile images."""
import struct


class Image:
    def __init__(self, path):
        self.path = path
        self.d = bytearray(open(path, "rb").read())
        self.bs = 1024 << self.u32(1024 + 24)
        self.ipg = self.u32(1024 + 40)
        self.isz = self.u16(1024 + 88)
        self.fdb = self.u32(1024 + 20)

    def u16(self, off):
        return struct.unpack_from("<H", self.d, off)[0]

    def u32(self, off):
        return struct.unpack_from("<I", self.d, off)[0]

    def p16(self, off, v):
        struct.pack_into("<H", self.d, off, v)

    def p32(self, off, v):
        struct.pack_into("<I", self.d, off, v)

    def gd(self, g):
        return (self.fdb + 1) * self.bs + 32 * g

    def inode(self, ino):
        g, i = divmod(ino - 1, self.ipg)
        return self.u32(self.gd(g) + 8) * self.bs + i * self.isz

    def block(self, ino, i):
        return self.u32(self.inode(ino) + 40 + 4 * i)

    def entry(self, dir_ino, name):
        """Offset of name's entry in the first block of directory dir_ino."""
        b = self.block(dir_ino, 0) * self.bs
        off = 0
        while off < self.bs:
            rec, nl = self.u16(b + off + 4), self.d[b + off + 6]
            if self.d[b + off + 8:b + off + 8 + nl] == name.encode():
                return b + off
            off += rec
        raise KeyError(name)

    def ino(self, path):
        """The inode of path, each directory's name in its first block."""
        ino = 2
        for part in path.strip("/").split("/"):
            ino = self.u32(self.entry(ino, part))
        return ino

    def save(self, path):
        open(path, "wb").write(self.d)
