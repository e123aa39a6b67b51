# lde: build, run, test, debug. `make help` lists the targets.
#
# Variables: TOOLPREFIX (cross tools), V=1 (show commands), and for QEMU:
# QEMU_MEM, QEMU_SMP, QEMU_CPU, QEMU_BIOS (a file, or "default" for QEMU's
# bundled OpenSBI), APPEND (kernel command line), QEMU_EXTRA. For make
# test: K (only tests matching this pytest -k expression), TEST_JOBS (QEMUs
# at once), PYTEST_ARGS (more pytest options).

TOOLPREFIX ?= riscv64-unknown-elf-
CC := $(TOOLPREFIX)gcc
LD := $(TOOLPREFIX)ld
OBJDUMP := $(TOOLPREFIX)objdump
NM := $(TOOLPREFIX)nm
QEMU ?= qemu-system-riscv64
# The tests need pytest, pexpect and pytest-xdist: Debian's, installed
# for the system's python (scripts/deps.sh), which need not be the first
# python3 on PATH.
PYTHON ?= $(or $(wildcard /usr/bin/python3),python3)

QEMU_MEM ?= 128M
QEMU_SMP ?= 1
QEMU_CPU ?= rv64
QEMU_BIOS ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
APPEND ?=
QEMU_EXTRA ?=

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

B := build

# ---- kernel ---------------------------------------------------------------
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-common -fno-stack-protector -fno-omit-frame-pointer \
	-fno-pie -no-pie -mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 \
	-mno-relax -MD -Ikernel -Iarch/riscv
KLDFLAGS := -nostdlib -no-pie -Wl,--no-relax -Wl,-T,linker.ld -Wl,--build-id=none

KSRCS := $(wildcard kernel/*.c) $(wildcard arch/riscv/*.c)
KASMS := $(wildcard arch/riscv/*.S)
KOBJS := $(patsubst %.c,$(B)/%.o,$(KSRCS)) $(patsubst %.S,$(B)/%.o,$(KASMS))

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/arch/riscv/%.o: arch/riscv/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Two link passes: the first has an empty symbol table; its symbols then
# become the table linked into the second. .ksyms comes last in the image,
# so no other address moves (checked below).
$(B)/ksyms0.S: scripts/ksyms.sh
	@mkdir -p $(B)
	$(Q)scripts/ksyms.sh $(NM) > $@
$(B)/kernel0.elf: $(KOBJS) $(B)/ksyms0.S linker.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KCFLAGS) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms0.S
$(B)/ksyms.S: $(B)/kernel0.elf scripts/ksyms.sh
	$(Q)scripts/ksyms.sh $(NM) $< > $@
$(B)/kernel.elf: $(B)/kernel0.elf $(B)/ksyms.S
	@echo "  LD      $@"
	$(Q)$(CC) $(KCFLAGS) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms.S
	$(Q)$(NM) -n $(B)/kernel0.elf | grep -v -e ksyms_ -e _kernel_end > $(B)/kernel0.nm
	$(Q)$(NM) -n $@ | grep -v -e ksyms_ -e _kernel_end > $(B)/kernel1.nm
	$(Q)cmp -s $(B)/kernel0.nm $(B)/kernel1.nm || { echo "ksyms moved kernel symbols"; exit 1; }
$(B)/kernel.asm: $(B)/kernel.elf
	$(Q)$(OBJDUMP) -S $< > $@
$(B)/kernel.sym: $(B)/kernel.elf
	$(Q)$(NM) -n $< > $@

# ---- user programs --------------------------------------------------------
# Every user/NAME.c is a program, installed in the initrd as /NAME.
UCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany \
	-fno-omit-frame-pointer -iquote kernel -iquote user/lib -MD
ULDFLAGS := -nostartfiles -static -T user/user.ld -Wl,--gc-sections -Wl,--build-id=none

ULIB_SRCS := $(wildcard user/lib/*.c) $(wildcard user/lib/*.S)
ULIB_OBJS := $(patsubst user/lib/%,$(B)/user/lib/%.o,$(ULIB_SRCS))
UPROGS := $(patsubst user/%.c,%,$(wildcard user/*.c))
UBINS := $(addprefix $(B)/initrd/,$(UPROGS))

$(B)/user/lib/%.c.o: user/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
$(B)/user/lib/%.S.o: user/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  UAS     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
$(B)/user/%.o: user/%.c
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
# build/user/NAME.elf keeps the debug symbols (for gdb's lde-user); the
# initrd gets a stripped copy.
$(B)/user/%.elf: $(B)/user/%.o $(ULIB_OBJS) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(UCFLAGS) $(ULDFLAGS) -o $@ $< $(ULIB_OBJS)
$(B)/initrd/%: $(B)/user/%.elf
	@mkdir -p $(dir $@)
	$(Q)$(TOOLPREFIX)objcopy --strip-all $< $@

$(B)/initrd.cpio: $(UBINS)
	@echo "  CPIO    $@"
	$(Q)cd $(B)/initrd && ls | LC_ALL=C sort | cpio -o -H newc --quiet > ../initrd.cpio

# The test initrd adds the corrupt executables that scripts/mkbadelf.py
# derives from a good one (exec must refuse each of them).
$(B)/initrd-test.cpio: $(UBINS) scripts/mkbadelf.py
	@echo "  CPIO    $@"
	$(Q)rm -rf $(B)/initrd-test && mkdir -p $(B)/initrd-test
	$(Q)cp $(UBINS) $(B)/initrd-test/
	$(Q)$(PYTHON) scripts/mkbadelf.py $(B)/initrd/hello $(B)/initrd-test
	$(Q)cd $(B)/initrd-test && ls | LC_ALL=C sort | cpio -o -H newc --quiet > ../initrd-test.cpio

# ---- top-level targets ----------------------------------------------------
.PHONY: all deps build run test check-boundaries bench fuzz soak qemu-gdb gdb clean help host-tests
.DEFAULT_GOAL := all

all: $(B)/kernel.elf $(B)/kernel.asm $(B)/kernel.sym $(B)/initrd.cpio

deps:
	@scripts/deps.sh

export QEMU QEMU_MEM QEMU_SMP QEMU_CPU QEMU_BIOS APPEND QEMU_EXTRA

run: deps
	@$(MAKE) all
	@scripts/qemu.sh

# The gdb port is derived from the user id, so parallel users do not collide.
GDB_PORT ?= $(shell expr 20000 + $$(id -u) % 20000)
qemu-gdb: deps
	@$(MAKE) all
	@echo "QEMU waits for gdb on port $(GDB_PORT): run 'make gdb' in another terminal"
	@scripts/qemu.sh -S -gdb tcp::$(GDB_PORT)
gdb:
	gdb-multiarch -q -x scripts/lde.gdb -ex "lde-connect $(GDB_PORT)" $(B)/kernel.elf

-include tests/host/host.mk
-include tests/fuzz/fuzz.mk
host-tests: fuzz-replay-bins

# The kernel/arch boundary (docs/design.md): which headers each side may
# include, and the arch-private names kernel/ may not use.
check-boundaries:
	@scripts/check-boundaries.sh

# pytest (tests/conftest.py): the host unit tests, the in-QEMU tests of
# tests/suites/*.py, the gdb test, TEST_JOBS at a time; JUnit XML in
# build/test-results.xml. Python's byte code goes to build/ too.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(B)/pycache
test: deps check-boundaries
	@$(MAKE) all host-tests $(B)/initrd-test.cpio
	@INITRD=$(B)/initrd-test.cpio $(PYTHON) -m pytest --no-build -n $(TEST_JOBS) \
		--junitxml=$(B)/test-results.xml $(if $(K),-k '$(K)') $(PYTEST_ARGS)

# Exact instruction counts under icount, checked to repeat (scripts/bench.py).
bench: deps
	@$(MAKE) all
	@$(PYTHON) scripts/bench.py

# Long hardening runs (docs/hardening.md): boot after boot until SECONDS
# have passed; SEED replays one run.
fuzz: deps
	@$(MAKE) all $(B)/initrd-test.cpio
	@INITRD=$(B)/initrd-test.cpio $(PYTHON) scripts/fuzz.py --seconds $(or $(SECONDS),60) $(if $(SEED),--seed $(SEED))
soak: deps
	@$(MAKE) all $(B)/initrd-test.cpio
	@INITRD=$(B)/initrd-test.cpio $(PYTHON) scripts/soak.py --seconds $(or $(SECONDS),600) $(if $(SEED),--seed $(SEED))

clean:
	rm -rf $(B)

help:
	@echo "make run        boot lde in QEMU (Ctrl-A x quits QEMU)"
	@echo "make test       build everything and run every test (K=pattern: some; pytest -k)"
	@echo "make bench      instructions per system call, switch, fork... (exact, under icount)"
	@echo "make qemu-gdb   boot halted, waiting for gdb; then 'make gdb'"
	@echo "make fuzz SECONDS=N        the system-call fuzzer, seed after seed (SEED=S replays one)"
	@echo "make soak SECONDS=N        fuzzer, exhaustion and load in a loop"
	@echo "make fuzz-host SECONDS=N   fuzz the device-tree, ELF and cpio parsers (libFuzzer)"
	@echo "variables: QEMU_MEM QEMU_SMP QEMU_CPU QEMU_BIOS APPEND QEMU_EXTRA V=1 TOOLPREFIX"

-include $(KOBJS:.o=.d) $(B)/user/*.d $(B)/user/lib/*.d
.SECONDARY:
