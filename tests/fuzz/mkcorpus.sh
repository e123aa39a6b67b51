#!/bin/sh
# Usage: tests/fuzz/mkcorpus.sh [OUTDIR]   (default tests/fuzz/corpus)
# Regenerate the committed seed corpora of the fuzz targets, from the
# sources in tests/fuzz/seeds/ (and tests/host/custom.dts, and the corrupt
# executables of scripts/mkbadelf.py). Run from the top of the tree. Needs
# QEMU, dtc/fdtget/fdtput, the RISC-V cross gcc, cpio, mke2fs and python3: the
# tools `make test` already needs. Inputs that libFuzzer found and
# `make fuzz-promote` added (files named by their SHA-1) are left alone.
set -eu
out=${1:-tests/fuzz/corpus}
S=tests/fuzz/seeds
QEMU=${QEMU:-qemu-system-riscv64}
TOOLPREFIX=${TOOLPREFIX:-riscv64-unknown-elf-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/fdt" "$out/elf" "$out/cpio" "$out/ext2"

# ---- cpio: a small tree, archived the ways lde's initrds are ------------
# Fixed modes, times and inode numbers, so the archives do not change.
root=$tmp/root
mkdir -p "$root/dir"
printf 'hello\n' > "$root/hello"
: > "$root/empty"
printf 'abc' > "$root/dir/f3"
ln -s hello "$root/link"
chmod 644 "$root/hello" "$root/empty" "$root/dir/f3"
chmod 755 "$root/dir"
find "$root" -exec touch -h -d @0 {} +
newc() {
	cpio --quiet -o -H newc --reproducible -R 0:0
}
# As the Makefile builds build/initrd.cpio: bare names, padded to 512.
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | newc) > "$out/cpio/bare-names.cpio"
# As `find .` lists them: "./" names and a "." entry; the 512-byte block
# padding cut off after the trailer (lde accepts a short last padding).
(cd "$root" && find . | LC_ALL=C sort | newc) > "$tmp/dot.cpio"
python3 - "$tmp/dot.cpio" "$out/cpio/dot-names-unpadded.cpio" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
end = d.index(b"TRAILER!!!\0") + len(b"TRAILER!!!\0")
open(sys.argv[2], "wb").write(d[:end])
EOF
# No trailer at all: the archive just ends after an entry's data padding.
python3 - "$out/cpio/bare-names.cpio" "$out/cpio/no-trailer.cpio" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[:d.rindex(b"070701")])
EOF
# One file, its data not padded: the archive ends with it.
(cd "$root" && printf 'dir/f3\n' | newc) > "$tmp/one.cpio"
python3 - "$tmp/one.cpio" "$out/cpio/one-file-unpadded-end.cpio" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[:d.index(b"abc") + 3])
EOF

# ---- fdt -------------------------------------------------------------------
# QEMU virt's own tree (2 harts, bootargs, an initrd), without the devices
# lde does not drive (as scripts/mkdtb.sh) and without its random
# rng-seed, recompiled by dtc to its natural size (QEMU pads it to 1 MiB).
printf 'lde!' > "$tmp/kernel.bin"
"$QEMU" -machine "virt,dumpdtb=$tmp/virt.dtb" -m 128M -smp 2 -nographic \
	-kernel "$tmp/kernel.bin" -append "console=ttyS0 init=/sh" \
	-initrd "$out/cpio/bare-names.cpio" < /dev/null > "$tmp/qemu.log" 2>&1 ||
	{ cat "$tmp/qemu.log"; exit 1; }
for parent in / /soc; do
	for node in $(fdtget -l "$tmp/virt.dtb" "$parent"); do
		case $node in
		pci@* | virtio_mmio@* | flash@* | rtc@* | fw-cfg@* | platform-bus@* | pmu | reboot)
			fdtput -r "$tmp/virt.dtb" "${parent%/}/$node" ;;
		esac
	done
done
fdtput -d "$tmp/virt.dtb" /chosen rng-seed
dtc -q -I dtb -O dtb -o "$out/fdt/qemu-virt.dtb" "$tmp/virt.dtb"
# The same as a version 16 blob (no size_dt_struct in the header).
dtc -q -I dtb -O dtb -V 16 -o "$out/fdt/qemu-virt-v16.dtb" "$tmp/virt.dtb"
dtc -q -I dts -O dtb -o "$out/fdt/host-custom.dtb" tests/host/custom.dts
dtc -q -I dts -O dtb -o "$out/fdt/minimal.dtb" "$S/minimal.dts"
dtc -q -I dts -O dtb -o "$out/fdt/reserved-max.dtb" "$S/reserved-max.dts"
# Made by hand: FDT_END while the root node is still open (malformed).
python3 - "$out/fdt/end-inside-root.dtb" <<'EOF'
import struct, sys
rsvmap = bytes(16)                                   # just the terminator
structure = struct.pack(">III", 1, 0, 9)             # BEGIN_NODE "", END
off_rsvmap = 40
off_struct = off_rsvmap + len(rsvmap)
off_strings = off_struct + len(structure)
total = off_strings
header = struct.pack(">10I", 0xd00dfeed, total, off_struct, off_strings,
                     off_rsvmap, 17, 16, 0, 0, len(structure))
open(sys.argv[1], "wb").write(header + rsvmap + structure)
EOF

# ---- elf -------------------------------------------------------------------
"${TOOLPREFIX}gcc" -O1 -march=rv64imac -mabi=lp64 -mcmodel=medany -nostdlib -static \
	-fno-pie -Wl,--build-id=none -Wl,-z,noexecstack -T "$S/seed.ld" \
	-o "$tmp/seed.elf" "$S/seed_prog.c"
"${TOOLPREFIX}objcopy" --strip-all "$tmp/seed.elf" "$out/elf/three-segments.elf"
"${TOOLPREFIX}gcc" -march=rv64imac -mabi=lp64 -nostdlib -static -Wl,--build-id=none \
	-T "$S/tiny.ld" -o "$tmp/tiny.elf" "$S/tiny.S"
"${TOOLPREFIX}objcopy" --strip-all "$tmp/tiny.elf" "$out/elf/one-segment.elf"
# Each corrupt executable exec's tests refuse (and the controls it
# accepts), derived from the three-segment seed.
python3 scripts/mkbadelf.py "$out/elf/three-segments.elf" "$tmp/bad"
for f in "$tmp/bad"/*; do
	cp "$f" "$out/elf/mkbadelf-$(basename "$f")"
done
# ---- ext2: small images as mke2fs makes them ------------------------------
# The tree fuzz_ext2.c walks and changes: a file with an indirect block,
# fast and slow symlinks, a directory of 30 names, one nested. The images
# are cut after their last non-zero byte (the target pads them to its
# 256 KiB device with zeros).
mkdir -p "$out/ext2"
e=$tmp/ext2
mkdir -p "$e/d/e"
printf 'hello\n' > "$e/hello"
: > "$e/empty"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(i * 7 % 251 for i in range(14000)))' > "$e/ind"
ln -s hello "$e/fast"
ln -s "d/e/$(printf 'x%.0s' $(seq 70))" "$e/slow"
for i in $(seq 1 30); do echo "$i" > "$e/d/f$i"; done
echo deep > "$e/d/e/deep"
find "$e" -exec touch -h -d @0 {} +
for cfg in 1024:128:128K 1024:256:192K 4096:256:256K; do
	bs=${cfg%%:*}
	rest=${cfg#*:}
	isz=${rest%%:*}
	size=${rest#*:}
	E2FSPROGS_FAKE_TIME=1 mke2fs -q -F -t ext2 -b "$bs" -I "$isz" -N 64 -m 0 \
		-O ^dir_index,^ext_attr,^resize_inode -U 01234567-89ab-cdef-0123-456789abcdef \
		-E root_owner=0:0,hash_seed=01234567-89ab-cdef-0123-456789abcdef \
		-d "$e" "$tmp/ext2-$bs-$isz.img" "$size" >/dev/null 2>&1
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read().rstrip(b"\0"); open(sys.argv[2], "wb").write(d)' \
		"$tmp/ext2-$bs-$isz.img" "$out/ext2/mke2fs-$bs-$isz.img"
done

chmod 644 "$out"/*/*
echo "mkcorpus: $(ls "$out/fdt" | wc -l) fdt, $(ls "$out/elf" | wc -l) elf, $(ls "$out/cpio" | wc -l) cpio, $(ls "$out/ext2" | wc -l) ext2 inputs in $out"
