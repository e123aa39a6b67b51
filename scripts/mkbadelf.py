#!/usr/bin/env python3
"""Derive corrupt executables from a good one, for the exec tests.

Usage: scripts/mkbadelf.py GOOD_ELF OUTDIR

Writes into OUTDIR:
  bad_*        files exec must refuse. Each is the good file with exactly one
               thing wrong (or no ELF at all), so that it is refused for that
               reason and no other. exec returns ENOEXEC for every one,
               except bad_nomem_*, which are valid images too big for memory
               (ENOMEM, and every page allocated on the way given back).
  ok_*         controls built with the same machinery, which exec must
               accept (they run as the good program and exit 0): they show
               that the bad_* files fail for their one defect and not for a
               mistake of this script.

user/t_badexec.c execs every file named bad_* or ok_* it finds in the
initrd; tests/suites/firstprog.py imports VARIANTS to know the list.

The good program must be a static RV64 executable with a text segment
(R-X) that holds the entry point, a read-only data segment (R--) and a
data segment (RW-), each starting on its own page (user/user.ld).
Random contents come from a fixed seed: the output never changes.
"""
import os
import random
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PAGE = 0x1000
PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP = 0, 1, 2, 3
PF_X, PF_W, PF_R = 1, 2, 4
ET_REL, ET_EXEC, ET_DYN, ET_CORE = 1, 2, 3, 4
EM_X86_64 = 62
U64 = (1 << 64) - 1

# kernel/uapi_layout.h
USER_TOP = 0x4000000000
USER_STACK_BOTTOM = USER_TOP - (1 << 20)
USER_HEAP_LIMIT = USER_STACK_BOTTOM - PAGE
KERNEL_VA = 0xffffffc080200000
ELF_MAX_SEGMENTS = 8  # kernel/elf.h


class Elf:
    """The good file, unpacked: ehdr fields and a list of phdr lists."""

    def __init__(self, data):
        self.data = bytearray(data)
        f = list(EHDR.unpack_from(data, 0))
        (self.ident, self.type, self.machine, self.version, self.entry, self.phoff,
         self.shoff, self.flags, self.ehsize, self.phentsize, self.phnum,
         self.shentsize, self.shnum, self.shstrndx) = f
        self.ident = bytearray(self.ident)
        self.ph = [list(PHDR.unpack_from(data, self.phoff + i * PHDR.size))
                   for i in range(self.phnum)]

    def pack(self):
        out = bytearray(self.data)
        EHDR.pack_into(out, 0, bytes(self.ident), self.type, self.machine, self.version,
                       self.entry, self.phoff, self.shoff, self.flags, self.ehsize,
                       self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx)
        for i, p in enumerate(self.ph):
            off = self.phoff + i * PHDR.size
            if off + PHDR.size <= len(out):
                PHDR.pack_into(out, off, *p)
        return bytes(out)

    def load(self, want_flags):
        """The PT_LOAD phdr (a list, modified in place) with these flags."""
        for p in self.ph:
            if p[0] == PT_LOAD and p[1] & 7 == want_flags:
                return p
        raise SystemExit("mkbadelf: no PT_LOAD with flags %d in the good file" % want_flags)

    def move_phdrs_to_end(self, extra=0):
        """Put the phdr table at the (8-aligned) end of the file, with room
        for `extra` more entries, so it can grow."""
        pad = (-len(self.data)) % 8
        self.data += b"\0" * pad
        self.phoff = len(self.data)
        self.data += b"\0" * ((len(self.ph) + extra) * PHDR.size)


# phdr field indexes
TYPE, FLAGS, OFFSET, VADDR, PADDR, FILESZ, MEMSZ, ALIGN = range(8)


def text(e):
    return e.load(PF_R | PF_X)


def rodata(e):
    return e.load(PF_R)


def data(e):
    return e.load(PF_R | PF_W)


def set_vaddr(p, va):
    """Move a segment, keeping vaddr and offset congruent modulo the page."""
    p[VADDR] = va + (p[OFFSET] % PAGE)
    p[PADDR] = p[VADDR]


def extra_loads(e, n):
    """Add n small read-only PT_LOAD segments, each on its own page above
    the image (valid on their own)."""
    top = max(p[VADDR] + p[MEMSZ] for p in e.ph if p[TYPE] == PT_LOAD)
    base = (top + 0x10 * PAGE) & ~(PAGE - 1)
    e.move_phdrs_to_end(n)
    for i in range(n):
        va = base + i * 2 * PAGE
        e.ph.append([PT_LOAD, PF_R, 0, va, va, 0, 16, PAGE])
    e.phnum = len(e.ph)


def nloads(e):
    return sum(1 for p in e.ph if p[TYPE] == PT_LOAD)


def rand_bytes(seed, n):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))


def v(fn):
    """A variant that edits the unpacked good file."""
    def make(good):
        e = Elf(good)
        fn(e)
        return e.pack()
    return make


def raw(fn):
    """A variant built from the good file's bytes."""
    return fn


def _truncate_in_text(g):
    e = Elf(g)
    t = text(e)
    return g[:t[OFFSET] + t[FILESZ] - 1]


def _filesz_past_end(e):
    d = data(e)
    d[FILESZ] = len(e.data) - d[OFFSET] + 1
    d[MEMSZ] = max(d[MEMSZ], d[FILESZ])


def _random_phdrs(e):
    blob = rand_bytes(6, e.phnum * PHDR.size)
    e.ph = [list(PHDR.unpack_from(blob, i * PHDR.size)) for i in range(e.phnum)]


def _all(e, field, value, pred=lambda p: p[TYPE] == PT_LOAD):
    for p in e.ph:
        if pred(p):
            p[field] = value


def _retype_nonload(e, t):
    for p in e.ph:
        if p[TYPE] != PT_LOAD:
            p[TYPE] = t
            return
    raise SystemExit("mkbadelf: the good file has no non-LOAD phdr to retype")


# (name, maker, description). Order is the order t_badexec reports them in.
VARIANTS = [
    # Not an ELF file at all.
    ("bad_empty", raw(lambda g: b""), "an empty file"),
    ("bad_text", raw(lambda g: b"this is a text file, not a program\n" * 4), "a text file"),
    ("bad_script", raw(lambda g: b"#!/bin/sh\necho hello\n"), "a shell script"),
    ("bad_random", raw(lambda g: rand_bytes(1, 4096)), "4 KiB of random bytes"),
    ("bad_random_magic", raw(lambda g: g[:16] + rand_bytes(2, 4080)),
     "a good e_ident, then random bytes"),
    ("bad_random_phdrs", v(_random_phdrs), "good header, random program headers"),
    # Truncated.
    ("bad_trunc4", raw(lambda g: g[:4]), "only the magic"),
    ("bad_trunc10", raw(lambda g: g[:10]), "10 bytes"),
    ("bad_trunc63", raw(lambda g: g[:63]), "one byte short of the ELF header"),
    ("bad_trunc64", raw(lambda g: g[:64]), "the ELF header, no program headers"),
    ("bad_trunc_phdrs", raw(lambda g: g[:Elf(g).phoff + Elf(g).phnum * PHDR.size - 1]),
     "program headers cut one byte short"),
    ("bad_trunc_text", raw(_truncate_in_text), "the text segment cut one byte short"),
    # ELF header fields.
    ("bad_magic", v(lambda e: e.ident.__setitem__(0, 0x7e)), "wrong magic"),
    ("bad_class32", v(lambda e: e.ident.__setitem__(4, 1)), "ELFCLASS32"),
    ("bad_msb", v(lambda e: e.ident.__setitem__(5, 2)), "big-endian (ELFDATA2MSB)"),
    ("bad_ident_version", v(lambda e: e.ident.__setitem__(6, 0)), "EI_VERSION 0"),
    ("bad_version", v(lambda e: setattr(e, "version", 2)), "e_version 2"),
    ("bad_machine_x86", v(lambda e: setattr(e, "machine", EM_X86_64)), "EM_X86_64"),
    ("bad_type_dyn", v(lambda e: setattr(e, "type", ET_DYN)), "ET_DYN"),
    ("bad_type_rel", v(lambda e: setattr(e, "type", ET_REL)), "ET_REL"),
    ("bad_type_core", v(lambda e: setattr(e, "type", ET_CORE)), "ET_CORE"),
    ("bad_phentsize", v(lambda e: setattr(e, "phentsize", 32)), "e_phentsize 32"),
    ("bad_phoff_beyond", v(lambda e: setattr(e, "phoff", len(e.data) + 8)),
     "program headers beyond the end of the file"),
    ("bad_phoff_huge", v(lambda e: setattr(e, "phoff", U64 - 7)),
     "e_phoff near 2^64 (phoff + size wraps)"),
    ("bad_phnum_huge", v(lambda e: setattr(e, "phnum", 0xffff)), "e_phnum 65535"),
    ("bad_phnum_zero", v(lambda e: setattr(e, "phnum", 0)), "no program headers"),
    # Program headers.
    ("bad_no_load", v(lambda e: _all(e, TYPE, PT_NULL)), "no PT_LOAD segment"),
    ("bad_interp", v(lambda e: _retype_nonload(e, PT_INTERP)),
     "a PT_INTERP (dynamically linked)"),
    ("bad_dynamic", v(lambda e: _retype_nonload(e, PT_DYNAMIC)), "a PT_DYNAMIC"),
    ("bad_too_many_loads", v(lambda e: extra_loads(e, ELF_MAX_SEGMENTS - nloads(e) + 1)),
     "ELF_MAX_SEGMENTS + 1 valid PT_LOAD segments"),
    ("bad_offset_beyond", v(lambda e: data(e).__setitem__(OFFSET, data(e)[OFFSET] + 0x100000)),
     "a segment's file offset beyond the file"),
    ("bad_offset_huge", v(lambda e: data(e).__setitem__(OFFSET, (U64 & ~(PAGE - 1)) + (data(e)[VADDR] % PAGE))),
     "a segment's file offset near 2^64"),
    ("bad_filesz_beyond", v(_filesz_past_end), "offset + filesz one byte past the file"),
    ("bad_filesz_gt_memsz", v(lambda e: text(e).__setitem__(MEMSZ, text(e)[FILESZ] - 1)),
     "filesz > memsz"),
    ("bad_memsz_zero", v(lambda e: (rodata(e).__setitem__(FILESZ, 0), rodata(e).__setitem__(MEMSZ, 0))),
     "a PT_LOAD with memsz 0"),
    ("bad_memsz_huge", v(lambda e: data(e).__setitem__(MEMSZ, 1 << 62)), "memsz 2^62"),
    ("bad_memsz_wrap", v(lambda e: data(e).__setitem__(MEMSZ, (1 << 64) - data(e)[VADDR] + PAGE)),
     "vaddr + memsz wraps past 2^64"),
    ("bad_align", v(lambda e: (data(e).__setitem__(VADDR, data(e)[VADDR] + 8),
                               data(e).__setitem__(PADDR, data(e)[VADDR]))),
     "vaddr and offset differ modulo the page size"),
    ("bad_overlap_same", v(lambda e: set_vaddr(rodata(e), text(e)[VADDR] & ~(PAGE - 1))),
     "two segments at the same address"),
    ("bad_overlap_page", v(lambda e: set_vaddr(rodata(e), (text(e)[VADDR] + text(e)[MEMSZ] - 1) & ~(PAGE - 1))),
     "rodata starts on the last page of text"),
    ("bad_overlap_data", v(lambda e: set_vaddr(data(e), rodata(e)[VADDR] & ~(PAGE - 1))),
     "data on rodata's page"),
    ("bad_vaddr_page0", v(lambda e: set_vaddr(data(e), 0)), "a segment in page 0"),
    ("bad_vaddr_kernel", v(lambda e: set_vaddr(data(e), KERNEL_VA)), "a segment in the kernel half"),
    ("bad_vaddr_user_top", v(lambda e: set_vaddr(data(e), USER_TOP)), "a segment at USER_TOP"),
    ("bad_vaddr_stack", v(lambda e: set_vaddr(data(e), USER_TOP - 16 * PAGE)), "a segment in the stack"),
    ("bad_vaddr_guard", v(lambda e: set_vaddr(data(e), USER_HEAP_LIMIT)),
     "a segment in the stack's guard page"),
    ("bad_into_guard", v(lambda e: (set_vaddr(data(e), USER_HEAP_LIMIT - PAGE),
                                    data(e).__setitem__(MEMSZ, PAGE + 1))),
     "a segment that ends one byte into the guard page"),
    ("bad_wx_data", v(lambda e: data(e).__setitem__(FLAGS, PF_R | PF_W | PF_X)), "a W+X data segment"),
    ("bad_wx_text", v(lambda e: text(e).__setitem__(FLAGS, PF_R | PF_W | PF_X)), "a W+X text segment"),
    ("bad_flags_none", v(lambda e: rodata(e).__setitem__(FLAGS, 0)), "a segment with no permissions"),
    ("bad_flags_w", v(lambda e: rodata(e).__setitem__(FLAGS, PF_W)), "a write-only segment"),
    # The entry point.
    ("bad_entry_zero", v(lambda e: setattr(e, "entry", 0)), "entry 0"),
    ("bad_entry_before_text", v(lambda e: setattr(e, "entry", text(e)[VADDR] - 2)),
     "entry just below the text segment"),
    ("bad_entry_past_text", v(lambda e: setattr(e, "entry", text(e)[VADDR] + text(e)[MEMSZ])),
     "entry one byte past the text segment"),
    ("bad_entry_rodata", v(lambda e: setattr(e, "entry", rodata(e)[VADDR])),
     "entry in the read-only data segment"),
    ("bad_entry_data", v(lambda e: setattr(e, "entry", data(e)[VADDR])),
     "entry in the data segment"),
    ("bad_entry_gap", v(lambda e: setattr(e, "entry", 0x2000000000)), "entry in unmapped space"),
    ("bad_entry_kernel", v(lambda e: setattr(e, "entry", KERNEL_VA)), "entry in the kernel"),
    # Valid, but larger than memory: 4 GiB of bss.
    ("bad_nomem_bss", v(lambda e: data(e).__setitem__(MEMSZ, 4 << 30)), "4 GiB of bss"),
    # Controls: exec must accept these.
    ("ok_copy", v(lambda e: None), "the good file, unpacked and packed again"),
    ("ok_no_attributes", v(lambda e: _retype_nonload(e, PT_NULL)),
     "non-LOAD program headers are ignored"),
    ("ok_phdrs_at_end", v(lambda e: (e.move_phdrs_to_end(), setattr(e, "phnum", len(e.ph)))),
     "the program header table moved to the end of the file"),
    ("ok_max_loads", v(lambda e: extra_loads(e, ELF_MAX_SEGMENTS - nloads(e))),
     "exactly ELF_MAX_SEGMENTS PT_LOAD segments"),
]

BAD = [n for n, _, _ in VARIANTS if n.startswith("bad_")]
OK = [n for n, _, _ in VARIANTS if n.startswith("ok_")]


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], "rb") as f:
        good = f.read()
    if len(good) < EHDR.size or good[:4] != b"\x7fELF" or good[4] != 2:
        sys.stderr.write("mkbadelf: %s is not a 64-bit ELF file\n" % argv[1])
        return 1
    e = Elf(good)
    if e.type != ET_EXEC or e.phentsize != PHDR.size or \
            e.phoff + e.phnum * PHDR.size > len(good):
        sys.stderr.write("mkbadelf: %s is not a usable ELF executable\n" % argv[1])
        return 1
    text(e), rodata(e), data(e)  # the good file has the expected segments
    os.makedirs(argv[2], exist_ok=True)
    for name, make, _ in VARIANTS:
        out = make(good)
        if name.startswith("bad_") and out == good:
            sys.stderr.write("mkbadelf: %s is identical to the good file\n" % name)
            return 1
        with open(os.path.join(argv[2], name), "wb") as f:
            f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
