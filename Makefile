# lde: build, run, test, debug. `make help` lists the targets and variables.
#
# Variables: TOOLPREFIX (cross tools), V=1 (show commands). The QEMU
# variables (QEMU_MEM, QEMU_SMP, QEMU_CPU, QEMU_BIOS, QEMU_DTB, APPEND,
# QEMU_EXTRA, DISK, QEMU) have their defaults in scripts/qemu.sh, the one place
# the QEMU command line is built; the Makefile only passes on what you set.
# For make test: K (only tests matching this pytest -k expression),
# TEST_JOBS (QEMUs at once), PYTEST_ARGS (more pytest options).

TOOLPREFIX ?= riscv64-unknown-elf-
export TOOLPREFIX
CC := $(TOOLPREFIX)gcc
LD := $(TOOLPREFIX)ld
OBJCOPY := $(TOOLPREFIX)objcopy
OBJDUMP := $(TOOLPREFIX)objdump
NM := $(TOOLPREFIX)nm
CLANG_FORMAT ?= clang-format
# The tests need pytest, pexpect and pytest-xdist: Debian's, installed
# for the system's python (scripts/deps.sh), which need not be the first
# python3 on PATH.
PYTHON ?= $(or $(wildcard /usr/bin/python3),python3)

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

B := build

# ---- kernel ---------------------------------------------------------------
# KARCH goes to the compiler and to the link (it selects the ABI);
# KCFLAGS only to the compiler, KLDFLAGS only to the link.
KARCH := -march=rv64imac_zicsr_zifencei -mabi=lp64
KCFLAGS := $(KARCH) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-common -fno-stack-protector -fno-omit-frame-pointer \
	-fno-pie -mcmodel=medany -mno-relax -MD -MP -Ikernel -Iarch/riscv
KLDFLAGS := $(KARCH) -nostdlib -no-pie -Wl,--no-relax -Wl,-T,$(B)/linker.ld -Wl,--build-id=none

KSRCS := $(wildcard kernel/*.c) $(wildcard arch/riscv/*.c)
KASMS := $(wildcard arch/riscv/*.S)
KOBJS := $(patsubst %.c,$(B)/%.o,$(KSRCS)) $(patsubst %.S,$(B)/%.o,$(KASMS))

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

# linker.ld goes through the C preprocessor, so that the image's layout
# comes from arch/riscv/memlayout.h like the code's (-undef: no predefined
# macro such as "riscv" may rewrite the script).
$(B)/linker.ld: linker.ld
	@mkdir -p $(dir $@)
	@echo "  CPP     $@"
	$(Q)$(CC) -E -P -x c -undef -D__ASSEMBLER__ -Iarch/riscv -Ikernel -MD -MP -MT $@ -MF $@.d $< -o $@

# Two link passes: the first has an empty symbol table; its symbols then
# become the table linked into the second. .ksyms comes last in the image,
# so no other address moves (checked below).
$(B)/ksyms0.o $(B)/ksyms.o: $(B)/%.o: $(B)/%.S
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@
$(B)/ksyms0.S: scripts/ksyms.sh
	@mkdir -p $(B)
	$(Q)scripts/ksyms.sh $(NM) > $@
$(B)/kernel0.elf: $(KOBJS) $(B)/ksyms0.o $(B)/linker.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms0.o
$(B)/ksyms.S: $(B)/kernel0.elf scripts/ksyms.sh
	$(Q)scripts/ksyms.sh $(NM) $< > $@
$(B)/kernel.elf: $(B)/kernel0.elf $(B)/ksyms.o
	@echo "  LD      $@"
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms.o
	$(Q)$(NM) -n $(B)/kernel0.elf | grep -v -e ksyms_ -e _kernel_end > $(B)/kernel0.nm
	$(Q)$(NM) -n $@ | grep -v -e ksyms_ -e _kernel_end > $(B)/kernel1.nm
	$(Q)cmp -s $(B)/kernel0.nm $(B)/kernel1.nm || { echo "ksyms moved kernel symbols"; exit 1; }
$(B)/kernel.asm: $(B)/kernel.elf
	$(Q)$(OBJDUMP) -S $< > $@
$(B)/kernel.sym: $(B)/kernel.elf
	$(Q)$(NM) -n $< > $@

# ---- user programs --------------------------------------------------------
# Every user/NAME.c is a program, installed in the initrd as /NAME.
# User programs are hard-float (lp64d: picolibc's rv64imafdc multilib) and
# may use float and double; the kernel stays soft-float (KARCH) and
# switches their FP registers (docs/design.md, "Floating point").
# Each function and datum in a section of its own, so that --gc-sections
# links into a program only what it uses of user/lib: a program's pages are
# what fork copies and exec loads (make bench's fork rows).
UARCH := -march=rv64gc -mabi=lp64d --specs=picolibc.specs
UCFLAGS := $(UARCH) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-mcmodel=medany -fno-omit-frame-pointer -iquote kernel -iquote user/lib -I user/lib/include \
	-ffunction-sections -fdata-sections -MD -MP
ULDFLAGS := $(UARCH) -nostartfiles -static -T user/user.ld -Wl,--gc-sections -Wl,--build-id=none

ULIB_SRCS := $(wildcard user/lib/*.c) $(wildcard user/lib/*.S)
ULIB_OBJS := $(patsubst user/lib/%,$(B)/user/lib/%.o,$(ULIB_SRCS))
UPROGS := $(sort $(patsubst user/%.c,%,$(wildcard user/*.c)))
# Every servers/NAME/ directory is a server (docs/drivers.md): its *.c
# files link into one program, installed in the initrd as /NAME, with the
# user programs' flags and library.
SERVERS := $(sort $(patsubst servers/%/,%,$(dir $(wildcard servers/*/*.c))))
UBINS := $(addprefix $(B)/initrd/,$(UPROGS) $(SERVERS))
# Programs only the disk's /bin has, in neither initrd: su and passwd,
# whose right to change users and passwords is the set-user-ID bit of
# their files on the disk (exec from the initrd, which comes first,
# ignores cpio's mode bits: docs/users.md).
DISK_ONLY := passwd su
ifneq ($(filter $(SERVERS),$(UPROGS)),)
$(error servers/ and user/ both have a program named $(filter $(SERVERS),$(UPROGS)))
endif

# Every user object depends on the user compiler flags, the ABI among them:
# objects built for lp64 and lp64d do not link together, so a change of
# UARCH rebuilds them all.
$(B)/user/cflags: FORCE
	@mkdir -p $(dir $@)
	$(Q)echo '$(UCFLAGS)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(B)/user/lib/%.c.o: user/lib/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
$(B)/user/lib/%.S.o: user/lib/%.S $(B)/user/cflags
	@mkdir -p $(dir $@)
	@echo "  UAS     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
$(B)/user/%.o: user/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@
# The system-call stubs put the kernel's error codes in errno unchanged,
# for picolibc's strerror() and perror(): this object, never linked, does
# not compile unless every code in kernel/errno.h has picolibc's value.
$(B)/user/lib/errno-check.c: kernel/errno.h
	@mkdir -p $(dir $@)
	$(Q){ echo '#include <errno.h>'; sed -n \
		's/^#define \(E[A-Z0-9]*\) \([0-9]*\).*/_Static_assert(\1 == \2, "kernel\/errno.h: \1 is \2");/p' \
		$<; } > $@
$(B)/user/lib/errno-check.o: $(B)/user/lib/errno-check.c $(B)/user/cflags
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(B)/servers/%.o: servers/%.c $(B)/user/cflags
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -iquote $(dir $<) -c $< -o $@

# build/user/NAME.elf keeps the debug symbols (for gdb's lde-user, and
# addr2line); the initrd gets a stripped copy.
$(B)/user/%.elf: $(B)/user/%.o $(ULIB_OBJS) user/user.ld $(B)/user/lib/errno-check.o
	@echo "  ULD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(ULIB_OBJS)
# A server's objects sit in build/servers/NAME/; its image is
# build/servers/NAME.elf (gdb, addr2line), stripped into the initrd.
define SERVER_LINK
$(B)/servers/$(1).elf: $(patsubst %.c,$(B)/%.o,$(wildcard servers/$(1)/*.c)) $(ULIB_OBJS) user/user.ld \
		$(B)/user/lib/errno-check.o
	@echo "  ULD     $$@"
	$(Q)$(CC) $(ULDFLAGS) -o $$@ $(patsubst %.c,$(B)/%.o,$(wildcard servers/$(1)/*.c)) $(ULIB_OBJS)
endef
$(foreach s,$(SERVERS),$(eval $(call SERVER_LINK,$(s))))
$(addprefix $(B)/initrd/,$(SERVERS)): $(B)/initrd/%: $(B)/servers/%.elf
	@mkdir -p $(dir $@)
	$(Q)$(OBJCOPY) --strip-all $< $@
# t_hiheap's image and heap share the last GiB's page table with the stack.
$(B)/user/t_hiheap.elf: ULDFLAGS += -Wl,--defsym=USER_TEXT_BASE=0x3fffd00000
$(B)/initrd/%: $(B)/user/%.elf
	@mkdir -p $(dir $@)
	$(Q)$(OBJCOPY) --strip-all $< $@

# Three initrds, all from the stripped programs in build/initrd/ (which
# the disk's /bin gets too: scripts/mkdisk.sh):
# - build/initrd.cpio, what `make run` boots: only what brings the disk up
#   (issue 14), the first program, the supervisor, the disk driver, the
#   file-system server and a rescue shell. Every other program is run from
#   the disk's /bin. tests/test_initrd.py checks that BRINGUP holds what
#   init and the services exec.
# - build/initrd-test.cpio, for `make test`, fuzz and soak: every program,
#   and the corrupt executables of scripts/mkbadelf.py. The tests boot test
#   programs as init, most of them without a disk, so they must be in the
#   initrd; so must the executables exec must refuse, which no disk holds.
# - build/initrd-bench.cpio, for `make bench`: the bring-up set and the
#   programs make bench boots as init or execs from the initrd, so that
#   boot_to_init is the boot of `make run`'s initrd plus only those.
BRINGUP := blk fs init sh svc
BENCH_PROGS := bench blkbench fsbench t_dev true
ifneq ($(filter-out $(UPROGS) $(SERVERS),$(BRINGUP) $(BENCH_PROGS)),)
$(error BRINGUP or BENCH_PROGS name no program: $(filter-out $(UPROGS) $(SERVERS),$(BRINGUP) $(BENCH_PROGS)))
endif

# $(call INITRD_RULE,NAME,PROGRAMS): build/NAME.cpio holds PROGRAMS, in
# the order strcmp sorts them (exec's binary search counts on it:
# kernel/initrd.c). Its list of names is rewritten only when it changes, so
# that a program leaving the list leaves the archive at the next build.
# Reproducible: the same programs give the same bytes on every machine (no
# inode numbers, times or umask in them), so that make bench's exec and
# boot figures, which follow where each file lies and what its header
# holds, are the same from any checkout.
define INITRD_RULE
$(B)/$(1).list: FORCE
	@mkdir -p $(B)
	$(Q)printf '%s\n' $(2) | LC_ALL=C sort -u > $$@.tmp
	$(Q)if cmp -s $$@.tmp $$@; then rm $$@.tmp; else mv $$@.tmp $$@; fi
$(B)/$(1).cpio: $(addprefix $(B)/initrd/,$(2)) $(B)/$(1).list
	@echo "  CPIO    $$@"
	$(Q)rm -rf $(B)/$(1)-stage && mkdir -p $(B)/$(1)-stage
	$(Q)cd $(B)/initrd && cp -p $$$$(cat ../$(1).list) ../$(1)-stage/
	$(Q)chmod 755 $(B)/$(1)-stage/* && touch -d @0 $(B)/$(1)-stage/*
	$(Q)cd $(B)/$(1)-stage && cpio -o -H newc --quiet --reproducible < ../$(1).list > ../$(1).cpio
endef
$(eval $(call INITRD_RULE,initrd,$(BRINGUP)))
$(eval $(call INITRD_RULE,initrd-bench,$(BRINGUP) $(BENCH_PROGS)))

# The test initrd: every current program (initrd-all.list, so that a
# program deleted from user/ leaves it, though its stale copy may still sit
# in build/initrd/) and the corrupt executables that scripts/mkbadelf.py
# derives from a good one (exec must refuse each of them).
$(B)/initrd-all.list: FORCE
	@mkdir -p $(B)
	$(Q)printf '%s\n' $(sort $(filter-out $(DISK_ONLY),$(UPROGS)) $(SERVERS)) > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
$(B)/initrd-test.cpio: $(UBINS) $(B)/initrd-all.list scripts/mkbadelf.py
	@echo "  CPIO    $@"
	$(Q)rm -rf $(B)/initrd-test && mkdir -p $(B)/initrd-test
	$(Q)cp $(filter-out $(addprefix $(B)/initrd/,$(DISK_ONLY)),$(UBINS)) $(B)/initrd-test/
	$(Q)$(PYTHON) scripts/mkbadelf.py $(B)/initrd/hello $(B)/initrd-test
	$(Q)chmod 755 $(B)/initrd-test/* && touch -d @0 $(B)/initrd-test/*
	$(Q)cd $(B)/initrd-test && ls | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible > ../initrd-test.cpio

# ---- top-level targets ----------------------------------------------------
.PHONY: all deps run test check-boundaries bench schedbench timeline fuzz soak qemu-gdb gdb clean help host-tests
.DEFAULT_GOAL := all

# Every program is built (the disk's /bin holds them all), but only the
# bring-up set goes into build/initrd.cpio.
all: $(B)/kernel.elf $(B)/kernel.asm $(B)/kernel.sym $(B)/initrd.cpio $(UBINS)

deps:
	@scripts/deps.sh

# QEMU_MEM, APPEND and the other QEMU variables reach scripts/qemu.sh
# through the environment, as make passes on every variable set on its
# command line or in its environment; unset, qemu.sh picks the default.
# (An `export` here would pass unset ones as empty.)
#
# The initrd `make run` and `make qemu-gdb` boot: INITRD if set; otherwise
# build/initrd.cpio, the bring-up set, unless APPEND names the first
# program (init=...): that is a test or a demo run as init, before any disk
# is mounted, so it must come from the initrd, and the test initrd has
# every program.
RUN_INITRD = $(or $(INITRD),$(if $(findstring init=,$(APPEND)),$(B)/initrd-test.cpio,$(B)/initrd.cpio))
run: deps
	@$(MAKE) all $(RUN_INITRD) $(if $(DISK),,$(B)/disk.img)
	$(if $(INITRD),,$(if $(findstring init=,$(APPEND)),@echo "  (init= in APPEND: booting $(RUN_INITRD), which has every program)"))
	@INITRD=$(RUN_INITRD) scripts/qemu.sh

# The disk `make run` attaches when DISK is not set (scripts/qemu.sh):
# made once, when missing, and kept from one run to the next, so what
# was written to it stays; `make disk` makes it afresh. An ext2 file
# system made by scripts/mkdisk.sh from rootfs/ with the programs in /bin
# (docs/files.md, "The disk"); the tests never touch it (each makes its
# own images). The programs run from the disk's /bin, so a program built
# anew since the image was last written replaces its copy there
# (mkdisk.sh --update), and the rest of the disk stays as it was.
DISK_MB ?= 32
$(B)/disk.img: $(UBINS)
	@mkdir -p $(B)
	$(Q)if [ -f $@ ]; then \
		echo "  UPDATE  $@ (/bin: $(notdir $?))"; \
		scripts/mkdisk.sh --update $@ $?; \
	else \
		echo "  MKFS    $@ ($(DISK_MB) MiB, ext2, rootfs/)"; \
		scripts/mkdisk.sh $@ $(DISK_MB) $(B)/initrd; \
	fi
.PHONY: disk
disk: $(UBINS)
	$(Q)rm -f $(B)/disk.img
	@$(MAKE) $(B)/disk.img

# The gdb port is derived from the user id, so parallel users do not collide.
GDB_PORT ?= $(shell expr 20000 + $$(id -u) % 20000)
qemu-gdb: deps
	@$(MAKE) all $(RUN_INITRD) $(if $(DISK),,$(B)/disk.img)
	@echo "QEMU waits for gdb on port $(GDB_PORT): run 'make gdb' in another terminal"
	@INITRD=$(RUN_INITRD) scripts/qemu.sh -S -gdb tcp::$(GDB_PORT)
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
test: deps
	@$(MAKE) all host-tests $(B)/initrd-test.cpio $(B)/initrd-bench.cpio
	@INITRD=$(B)/initrd-test.cpio $(PYTHON) -m pytest --no-build -n $(TEST_JOBS) \
		--junitxml=$(B)/test-results.xml $(if $(K),-k '$(K)') $(PYTEST_ARGS)

# Exact instruction counts under icount, checked to repeat (scripts/bench.py),
# booting build/initrd-bench.cpio.
bench: deps
	@$(MAKE) all $(B)/initrd-bench.cpio
	@$(PYTHON) scripts/bench.py

# The notes' scheduling workloads under sched=rr and sched=fair, under
# icount: mean turnaround and response times (scripts/schedbench.py),
# booting the test initrd (or INITRD).
schedbench: deps
	@$(MAKE) all $(B)/initrd-test.cpio
	@$(PYTHON) scripts/schedbench.py

# The event timeline (docs/timeline.md): boot under icount with APPEND
# (default: the notes' scenes, user/tl_demo.c) and draw what the kernel
# recorded as the notes' table, a Perfetto trace and a Gantt chart. The
# capture is remade when the kernel, the programs or APPEND change, and
# the three files whenever the capture or the script does. It boots the
# test initrd (or INITRD), where every program APPEND may name is.
TIMELINE_APPEND := $(or $(APPEND),timeline=all init=/tl_demo)
TIMELINE_INITRD := $(or $(INITRD),$(B)/initrd-test.cpio)
timeline: deps
	@$(MAKE) all $(TIMELINE_INITRD)
	@$(MAKE) $(B)/timeline.png
$(B)/timeline.append: FORCE
	@mkdir -p $(B)
	$(Q)echo '$(TIMELINE_APPEND)' | cmp -s - $@ || echo '$(TIMELINE_APPEND)' > $@
$(B)/timeline.dump: $(B)/kernel.elf $(TIMELINE_INITRD) $(B)/timeline.append
	@echo "  BOOT    $@ ($(TIMELINE_APPEND))"
	$(Q)INITRD=$(TIMELINE_INITRD) $(PYTHON) scripts/timeline.py boot '$(TIMELINE_APPEND)' --dump $@
$(B)/timeline.txt $(B)/timeline.json $(B)/timeline.png &: $(B)/timeline.dump scripts/timeline.py
	@echo "  DRAW    $(B)/timeline.txt .json .png"
	$(Q)$(PYTHON) scripts/timeline.py draw $< --out $(B)/timeline

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

# ---- format ---------------------------------------------------------------
# .clang-format describes the code's style; `make format` applies it to
# every C file, `make format-check` lists the files it would change.
FORMAT_DIRS := kernel arch user servers tests/host tests/fuzz
FORMAT_FILES = $(shell find $(wildcard $(FORMAT_DIRS)) -name '*.[ch]' -not -path 'tests/fuzz/corpus/*' \
	-not -path 'tests/fuzz/regressions/*' | LC_ALL=C sort)

.PHONY: format format-check
format:
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_FILES)
format-check:
	$(Q)bad=; for f in $(FORMAT_FILES); do \
		$(CLANG_FORMAT) --dry-run -Werror "$$f" >/dev/null 2>&1 || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then \
		echo "format-check: these files differ from .clang-format ('make format' rewrites them):"; \
		for f in $$bad; do echo "  $$f"; done; \
		exit 1; \
	fi

help:
	@echo "Targets:"
	@echo "  make [all]        build the kernel (build/kernel.elf, .asm, .sym), the programs and the initrd"
	@echo "  make run          boot lde in QEMU and get a shell (Ctrl-A x quits QEMU); the programs"
	@echo "                    run from the disk's /bin, the initrd has only what brings the disk up"
	@echo "  make test         build everything and run every test (K=pattern: only those; TEST_JOBS=N)"
	@echo "  make check-boundaries  which headers kernel/ and arch/ may include of each other"
	@echo "  make bench        instructions per system call, switch, fork... (exact, under icount)"
	@echo "  make schedbench   turnaround and response times of the notes' workloads, sched=rr vs fair"
	@echo "  make timeline     the kernel's events as the notes' table, a Perfetto trace, a picture"
	@echo "  make qemu-gdb     boot halted, waiting for gdb on GDB_PORT; then, elsewhere:"
	@echo "  make gdb          attach gdb-multiarch with scripts/lde.gdb (README: Debugging)"
	@echo "  make fuzz         the system-call fuzzer, seed after seed, for SECONDS (SEED=S replays one)"
	@echo "  make soak         fuzzer, exhaustion and load in a loop, for SECONDS (SEED=S)"
	@echo "  make host-tests   build the host unit tests (tests/host) into build/host"
	@echo "  make host-check   build and run the host unit tests and the fuzz corpus replay"
	@echo "  make fuzz-host    fuzz the device-tree, ELF, cpio parsers and ext2 (libFuzzer) for SECONDS"
	@echo "  make fuzz-replay  replay the saved fuzz corpus and regressions"
	@echo "  make fuzz-promote merge new fuzz inputs into tests/fuzz/corpus"
	@echo "  make fuzz-cov     coverage of the parsers by the fuzz corpus"
	@echo "  make format       rewrite the C files in the style of .clang-format"
	@echo "  make format-check list the C files that differ from .clang-format (fails if any)"
	@echo "  make deps         install missing tools (scripts/deps.sh, apt-get)"
	@echo "  make clean        remove build/"
	@echo "  make help         this list"
	@echo "Variables (make VAR=value ...; the QEMU ones also work in the environment):"
	@echo "  QEMU_MEM=128M     RAM"
	@echo "  QEMU_SMP=1        harts (lde runs on one, parks the rest)"
	@echo "  QEMU_CPU=rv64     CPU model and options, e.g. rv64,sstc=off"
	@echo "  QEMU_BIOS=FILE    firmware (default Debian's OpenSBI fw_dynamic.bin; 'default': QEMU's)"
	@echo "  QEMU_DTB=         device tree: empty = QEMU's minus unused devices, 'qemu' = QEMU's, or a .dtb"
	@echo "  APPEND=           the kernel command line, e.g. \"init=/hello a b\" (README)"
	@echo "  QEMU_EXTRA=       more QEMU arguments, e.g. \"-icount shift=0,sleep=off\""
	@echo "  DISK=IMG          the raw image attached as a virtio-blk disk (default build/disk.img,"
	@echo "                    made when missing; DISK=none: no disk)"
	@echo "  QEMU=             the QEMU binary (default qemu-system-riscv64)"
	@echo "  KERNEL= INITRD=   the images qemu.sh boots (default build/kernel.elf, build/initrd.cpio;"
	@echo "                    run and qemu-gdb boot build/initrd-test.cpio, every program, when APPEND"
	@echo "                    has init=)"
	@echo "  GDB_PORT=N        gdb port for qemu-gdb and gdb (default 20000 + uid % 20000)"
	@echo "  SECONDS=N         how long fuzz, soak (60, 600) and fuzz-host (60) run"
	@echo "  SEED=S            the seed fuzz or soak replays"
	@echo "  FUZZ_TARGETS=     fuzz-host's parsers (default: fdt elf cpio ext2); FUZZ_FLAGS: more libFuzzer flags"
	@echo "  TOOLPREFIX=       cross tools (default riscv64-unknown-elf-; also for scripts/profile.py)"
	@echo "  CLANG_FORMAT=     the clang-format binary (default clang-format)"
	@echo "  PYTHON=           the Python with pytest and pexpect (default /usr/bin/python3)"
	@echo "  V=1               show the commands"

-include $(KOBJS:.o=.d) $(B)/linker.ld.d $(B)/user/*.d $(B)/user/lib/*.d $(B)/servers/*/*.d
.PHONY: FORCE
.SECONDARY:
