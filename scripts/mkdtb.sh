#!/bin/sh
# Usage: mkdtb.sh OUT.dtb
# Write the device tree lde boots with: QEMU virt's own tree for the
# machine qemu.sh is about to start (same QEMU_MEM, QEMU_SMP, QEMU_CPU),
# minus the nodes of devices lde does not use (PCIe, flash, RTC, fw-cfg, the
# platform bus, and the virtio-mmio slots but slot 0, the one qemu.sh
# attaches a disk to: DISK=, virtio-mmio-bus.0 at 0x10001000, interrupt 1).
# Each virtio-mmio node kept makes OpenSBI's walks longer; slot 0 alone
# costs boot_to_init what docs/performance.md ("Boot") records, and a
# driver for a second device would keep the next slot. OpenSBI walks the whole tree many times
# while it boots; with QEMU's full tree that walk alone costs about 11
# million instructions, with this one about 5.6 million (docs/performance.md).
# Every device lde uses keeps its node exactly as QEMU wrote it.
set -eu
out=$1
QEMU=${QEMU:-qemu-system-riscv64}
tmp=$out.$$.tmp	# parallel boots may build the same tree
mkdir -p "$(dirname "$out")"
"$QEMU" -machine "virt,dumpdtb=$tmp" -cpu "${QEMU_CPU:-rv64}" -m "${QEMU_MEM:-128M}" \
	-smp "${QEMU_SMP:-1}" -nographic -bios none >/dev/null 2>&1
unused() {
	case $1 in
	virtio_mmio@10001000) return 1 ;;
	pci@* | virtio_mmio@* | flash@* | rtc@* | fw-cfg@* | platform-bus@*) return 0 ;;
	*) return 1 ;;
	esac
}
for parent in / /soc; do
	for node in $(fdtget -l "$tmp" "$parent"); do
		if unused "$node"; then
			fdtput -r "$tmp" "${parent%/}/$node"
		fi
	done
	for node in $(fdtget -l "$tmp" "$parent"); do
		if unused "$node"; then
			echo "mkdtb: could not remove $parent/$node" >&2
			exit 1
		fi
	done
done
mv "$tmp" "$out"
