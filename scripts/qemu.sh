#!/bin/sh
# Boot lde under QEMU virt. The one place the QEMU command line is built:
# `make run`, `make qemu-gdb`, the tests and the benchmarks all come here.
# Environment: QEMU_MEM QEMU_SMP QEMU_CPU QEMU_BIOS APPEND QEMU_EXTRA,
# KERNEL and INITRD (default build/kernel.elf, build/initrd.cpio).
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
# shellcheck disable=SC2086
exec "$QEMU" -machine virt -cpu "$QEMU_CPU" -m "$QEMU_MEM" -smp "$QEMU_SMP" \
	-bios "$QEMU_BIOS" -kernel "$KERNEL" -initrd "$INITRD" \
	-nographic -no-reboot -append "$APPEND" ${QEMU_EXTRA:-} "$@"
