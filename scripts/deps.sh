#!/bin/sh
# Install whatever lde's build, run and test loop needs and is missing,
# with apt-get (Debian). Quiet when everything is present. Each package is
# named before it is installed. `deps.sh fuzz` also installs what
# `make fuzz-host` needs (libFuzzer, in clang's runtime package).
set -eu

# package:command-or-file that proves it is installed
NEEDS="
gcc-riscv64-unknown-elf:riscv64-unknown-elf-gcc
binutils-riscv64-unknown-elf:riscv64-unknown-elf-objdump
picolibc-riscv64-unknown-elf:/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs
qemu-system-misc:qemu-system-riscv64
opensbi:/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
gdb-multiarch:gdb-multiarch
cpio:cpio
device-tree-compiler:fdtput
e2fsprogs:/sbin/mke2fs
python3:/usr/bin/python3
python3-pytest:/usr/lib/python3/dist-packages/pytest
python3-pytest-xdist:/usr/lib/python3/dist-packages/xdist
python3-pexpect:/usr/lib/python3/dist-packages/pexpect
python3-matplotlib:/usr/lib/python3/dist-packages/matplotlib
make:make
gcc:gcc
clang:clang
clang-format:clang-format
"
if [ "${1:-}" = fuzz ]; then
	NEEDS="$NEEDS libclang-rt-dev:dpkg"
fi

missing=""
for entry in $NEEDS; do
	pkg=${entry%%:*}
	probe=${entry#*:}
	case $probe in
	dpkg) dpkg -s "$pkg" >/dev/null 2>&1 && continue ;;
	/*) [ -e "$probe" ] && continue ;;
	*) command -v "$probe" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

echo "lde: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "lde: need root (or sudo) to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
echo "lde: installed:$missing"
