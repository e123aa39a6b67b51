#!/bin/sh
# Boot lde under QEMU virt. The one place the QEMU command line is built:
# `make run`, `make qemu-gdb`, the tests and the benchmarks all come here.
# Environment: QEMU_MEM QEMU_SMP QEMU_CPU QEMU_BIOS APPEND QEMU_EXTRA,
# KERNEL and INITRD (default build/kernel.elf, build/initrd.cpio), and
# QEMU_DTB: unset, the device tree is QEMU's own minus the devices lde does
# not drive (scripts/mkdtb.sh, cached in build/dtb/); "qemu" boots with
# QEMU's full tree; anything else is a .dtb file to use. DISK: a raw image
# to attach as a virtio-blk disk on virtio-mmio slot 0 (a modern, version 2
# transport), for the user-space driver (docs/drivers.md); unset, the
# default build/disk.img if it exists (`make run` makes it); "none" or
# empty: no disk. DISK_RO=1 attaches it read-only (writes fail at the
# device: how the tests see the driver's EIO).
# Extra arguments are passed to QEMU.
set -eu
QEMU=${QEMU:-qemu-system-riscv64}
QEMU_MEM=${QEMU_MEM:-128M}
QEMU_SMP=${QEMU_SMP:-1}
QEMU_CPU=${QEMU_CPU:-rv64}
QEMU_BIOS=${QEMU_BIOS:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}
KERNEL=${KERNEL:-build/kernel.elf}
INITRD=${INITRD:-build/initrd.cpio}
APPEND=${APPEND:-}
case ${QEMU_DTB:-} in
"")
	dtb=build/dtb/virt-$(printf '%s-%s-%s' "$QEMU_MEM" "$QEMU_SMP" "$QEMU_CPU" | tr -c 'A-Za-z0-9.-' _).dtb
	# Rebuilt when mkdtb.sh changes which nodes it keeps.
	if ! [ -f "$dtb" ] || ! [ "$dtb" -nt "$(dirname "$0")/mkdtb.sh" ]; then
		QEMU=$QEMU QEMU_MEM=$QEMU_MEM QEMU_SMP=$QEMU_SMP QEMU_CPU=$QEMU_CPU \
			"$(dirname "$0")/mkdtb.sh" "$dtb"
	fi
	set -- -dtb "$dtb" "$@" ;;
qemu) ;;
*) set -- -dtb "$QEMU_DTB" "$@" ;;
esac
if [ -z "${DISK+set}" ] && [ -f build/disk.img ]; then
	DISK=build/disk.img
fi
if [ -n "${DISK:-}" ] && [ "$DISK" != none ]; then
	set -- -global virtio-mmio.force-legacy=false \
		-drive "file=$DISK,if=none,format=raw,id=d0${DISK_RO:+,readonly=on}" \
		-device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 "$@"
fi
# shellcheck disable=SC2086
exec "$QEMU" -machine virt -cpu "$QEMU_CPU" -m "$QEMU_MEM" -smp "$QEMU_SMP" \
	-bios "$QEMU_BIOS" -kernel "$KERNEL" -initrd "$INITRD" \
	-nographic -no-reboot -append "$APPEND" ${QEMU_EXTRA:-} "$@"
