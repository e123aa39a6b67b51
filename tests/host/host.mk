# Host unit tests for the pure parts of the kernel: the parsers
# (kernel/{fdt,cpio,elf}.c, with arch/riscv/board.c over fdt), printf
# formatting (fmt.c), the page allocator (palloc.c), the string routines
# (kstring.c) and the words for the error codes (errno.c), and user/lib's
# pure code (string.c, sha256.c, fnmatch.c), built natively
# with ASan and UBSan; and check_syscalls.py, that kernel/syscalls.def stays
# the one list of system calls. Included from the top-level Makefile;
# standalone: make -f tests/host/host.mk host-check
#
#   host-tests  build the test binaries and their fixtures into build/host/
#   host-check  run them all, print their PASS/FAIL lines, fail if any did

Q ?= @
QEMU ?= qemu-system-riscv64
TOOLPREFIX ?= riscv64-unknown-elf-
DTC ?= dtc
CPIO ?= cpio
HOSTCC ?= cc

HOST_BUILD := build/host
HOST_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Ikernel
HOST_TEST_MODULES := fdt cpio elf fmt palloc kstring ustring errno path fsops sha256 fnmatch
HOST_TEST_BINS := $(HOST_TEST_MODULES:%=$(HOST_BUILD)/test_%)

# Fixtures, and which binary gets which (as command-line arguments).
HOST_INITRD := $(HOST_BUILD)/initrd.cpio
HOST_INITRD_DOT := $(HOST_BUILD)/initrd-dot.cpio
HOST_DTBS := $(HOST_BUILD)/virt-128m.dtb $(HOST_BUILD)/virt-1g.dtb
HOST_CUSTOM_DTB := $(HOST_BUILD)/custom.dtb
HOST_ELF := $(HOST_BUILD)/elf_prog.elf
HOST_FIXTURES := $(HOST_INITRD) $(HOST_INITRD_DOT) $(HOST_DTBS) \
	$(HOST_CUSTOM_DTB) $(HOST_ELF) $(HOST_BUILD)/fsops.img

HOST_ARGS_fdt := $(HOST_DTBS) $(HOST_INITRD) $(HOST_CUSTOM_DTB)
HOST_ARGS_cpio := $(HOST_INITRD) $(HOST_INITRD_DOT)
HOST_ARGS_elf := $(HOST_ELF)
HOST_ARGS_fmt :=
HOST_ARGS_palloc :=
HOST_ARGS_kstring :=
HOST_ARGS_ustring :=
HOST_ARGS_errno :=
HOST_ARGS_path :=
HOST_ARGS_fsops := $(HOST_BUILD)/fsops.img
HOST_ARGS_sha256 :=
HOST_ARGS_fnmatch :=

# test_fdt checks for exactly these bootargs.
HOST_BOOTARGS := init=/x a b

.PHONY: host-tests host-check

host-tests: $(HOST_TEST_BINS) $(HOST_FIXTURES) $(HOST_BUILD)/ext2tool

# The ext2 engine of the file-system server (servers/fs), driven from the
# command line by tests/test_ext2.py against images made by mke2fs.
EXT2_SRCS := servers/fs/ext2.c servers/fs/bcache.c servers/fs/ncache.c
EXT2_HDRS := servers/fs/ext2.h servers/fs/bcache.h servers/fs/ncache.h servers/fs/blockdev.h
# Its errors are the C library's <errno.h> (picolibc's in lde, whose values
# the kernel's are), so not kernel/errno.h here.
EXT2_HOST_CFLAGS := $(filter-out -Ikernel,$(HOST_CFLAGS))
$(HOST_BUILD)/ext2tool: tests/host/ext2tool.c $(EXT2_SRCS) $(EXT2_HDRS)
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(EXT2_HOST_CFLAGS) -Iservers/fs -o $@ tests/host/ext2tool.c $(EXT2_SRCS)

# The allocator needs arch.h's address conversions: tests/host/shim has a
# host version (identity mapping).
$(HOST_BUILD)/test_palloc: tests/host/test_palloc.c kernel/palloc.c kernel/palloc.h \
		tests/host/shim/arch.h tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Itests/host/shim -o $@ tests/host/test_palloc.c kernel/palloc.c

# kstring.c defines memcpy and friends: renamed k_* here so the host's own
# stay in use, and compared with them.
KSTRING_RENAME := $(foreach f,memcpy memmove memset memcmp strlen strnlen strcmp strncmp strlcpy,-D$(f)=k_$(f))
$(HOST_BUILD)/test_kstring: tests/host/test_kstring.c kernel/kstring.c kernel/kstring.h \
		tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -fno-builtin -c -o $(HOST_BUILD)/kstring.o $(KSTRING_RENAME) kernel/kstring.c
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/host/test_kstring.c $(HOST_BUILD)/kstring.o

# The same for the user programs' (user/lib/string.c), as u_*.
USTRING_RENAME := $(foreach f,memcpy memmove memset memcmp,-D$(f)=u_$(f))
$(HOST_BUILD)/test_ustring: tests/host/test_ustring.c user/lib/string.c tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -fno-builtin -c -o $(HOST_BUILD)/ustring.o $(USTRING_RENAME) user/lib/string.c
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/host/test_ustring.c $(HOST_BUILD)/ustring.o

# test_errno checks every code kernel/errno.h defines: the list of their
# names is taken from it.
$(HOST_BUILD)/errno-codes.h: kernel/errno.h
	@mkdir -p $(@D)
	$(Q)sed -n 's/^#define \(E[A-Z0-9]*\) .*/X(\1)/p' $< > $@
$(HOST_BUILD)/test_errno: tests/host/test_errno.c kernel/errno.c kernel/errno.h \
		$(HOST_BUILD)/errno-codes.h tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -I$(HOST_BUILD) -o $@ tests/host/test_errno.c kernel/errno.c

# The password hashes of /etc/shadow (su), user/lib's pure code.
$(HOST_BUILD)/test_sha256: tests/host/test_sha256.c user/lib/sha256.c user/lib/sha256.h \
		user/lib/pwhash.c user/lib/pwhash.h tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iuser/lib -o $@ tests/host/test_sha256.c user/lib/sha256.c \
		user/lib/pwhash.c

# The shell's pattern matching (user/lib/fnmatch.c), as u_fnmatch: the
# test compares it with the host C library's fnmatch. Without -Ikernel,
# whose signal.h would hide the host's.
FNMATCH_HOST_CFLAGS := $(filter-out -Ikernel,$(HOST_CFLAGS))
$(HOST_BUILD)/test_fnmatch: tests/host/test_fnmatch.c user/lib/fnmatch.c user/lib/fnmatch.h \
		tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(FNMATCH_HOST_CFLAGS) -c -o $(HOST_BUILD)/fnmatch.o -Dfnmatch=u_fnmatch \
		user/lib/fnmatch.c
	$(Q)$(HOSTCC) $(FNMATCH_HOST_CFLAGS) -Iuser/lib -o $@ tests/host/test_fnmatch.c \
		$(HOST_BUILD)/fnmatch.o

# The file-system server's operations over the engine, on an image with a
# world-writable /pub (mke2fs -d keeps the source tree's modes).
$(HOST_BUILD)/test_fsops: tests/host/test_fsops.c servers/fs/fsops.c servers/fs/fsops.h \
		$(EXT2_SRCS) $(EXT2_HDRS) tests/host/check.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(EXT2_HOST_CFLAGS) -Iservers/fs -Itests/host -o $@ tests/host/test_fsops.c \
		servers/fs/fsops.c $(EXT2_SRCS)

$(HOST_BUILD)/fsops.img: tests/host/host.mk
	@echo "  MKE2FS  $@"
	@mkdir -p $(@D)
	$(Q)rm -rf $(HOST_BUILD)/fsops-root && mkdir -p $(HOST_BUILD)/fsops-root/pub
	$(Q)chmod 777 $(HOST_BUILD)/fsops-root/pub
	$(Q)mke2fs -q -F -t ext2 -b 1024 -I 128 -O ^dir_index,^ext_attr,^resize_inode \
		-E root_owner=0:0 -d $(HOST_BUILD)/fsops-root $@ 4M > $@.log 2>&1 || { cat $@.log; exit 1; }

# The device-tree tests also run the board code that reads it.
$(HOST_BUILD)/test_fdt: tests/host/test_fdt.c kernel/fdt.c kernel/fdt.h arch/riscv/board.c \
		arch/riscv/board.h tests/host/check.h kernel/errno.h kernel/kstring.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -iquote arch/riscv -o $@ tests/host/test_fdt.c kernel/fdt.c \
		arch/riscv/board.c

$(HOST_BUILD)/test_%: tests/host/test_%.c kernel/%.c kernel/%.h \
		tests/host/check.h kernel/errno.h kernel/kstring.h
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ tests/host/test_$*.c kernel/$*.c

# The tree test_cpio expects (it checks every name and byte): names of
# 1..5 characters and files of 0..5 bytes hit every padding case.
$(HOST_BUILD)/cpio-root.stamp: tests/host/host.mk
	@echo "  GEN     $(HOST_BUILD)/cpio-root"
	$(Q)rm -rf $(HOST_BUILD)/cpio-root
	$(Q)mkdir -p $(HOST_BUILD)/cpio-root/dir/sub
	$(Q)cd $(HOST_BUILD)/cpio-root && \
		printf 'hello, world\n' > hello && \
		: > empty && \
		printf '1' > a && \
		printf '22' > bb && \
		printf '333' > ccc && \
		printf '4444' > dddd && \
		printf '55555' > eeeee && \
		printf 'nested\n' > dir/nested.txt && \
		yes lde | head -c 5000 > big && \
		ln -s hello link
	$(Q)touch $@

# The tree listed by `find -printf %P` and by `find .`; GNU cpio strips the
# "./" of the latter but keeps its "." entry. test_cpio reads both.
$(HOST_INITRD): $(HOST_BUILD)/cpio-root.stamp
	@echo "  CPIO    $@"
	$(Q)cd $(HOST_BUILD)/cpio-root && find . -mindepth 1 -printf '%P\n' | \
		LC_ALL=C sort | $(CPIO) --quiet -o -H newc > ../$(@F)

$(HOST_INITRD_DOT): $(HOST_BUILD)/cpio-root.stamp
	@echo "  CPIO    $@"
	$(Q)cd $(HOST_BUILD)/cpio-root && find . | LC_ALL=C sort | \
		$(CPIO) --quiet -o -H newc > ../$(@F)

# QEMU wants a -kernel before it takes -append; dumpdtb exits before
# running it, so four bytes will do.
$(HOST_BUILD)/kernel-stub.bin:
	@mkdir -p $(@D)
	$(Q)printf 'lde!' > $@

$(HOST_BUILD)/virt-%.dtb: $(HOST_BUILD)/kernel-stub.bin $(HOST_INITRD)
	@echo "  DUMPDTB $@"
	$(Q)$(QEMU) -machine virt,dumpdtb=$@ -m $(subst m,M,$(subst g,G,$*)) \
		-nographic -kernel $(HOST_BUILD)/kernel-stub.bin \
		-append "$(HOST_BOOTARGS)" -initrd $(HOST_INITRD) \
		< /dev/null > $@.log 2>&1 || { cat $@.log; rm -f $@; exit 1; }

$(HOST_CUSTOM_DTB): tests/host/custom.dts
	@echo "  DTC     $@"
	@mkdir -p $(@D)
	$(Q)$(DTC) -q -I dts -O dtb -o $@ $<

$(HOST_ELF): tests/host/elf_prog.c
	@echo "  CC      $@"
	@mkdir -p $(@D)
	$(Q)$(TOOLPREFIX)gcc -O1 -march=rv64imac -mabi=lp64 -nostdlib \
		-static -Ttext=0x10000 -o $@ $<

# Run every binary even after a failure; one that dies (a sanitizer
# report, a crash) gets a FAIL line of its own.
host-check: host-tests
	$(Q)status=0; \
	$(foreach m,$(HOST_TEST_MODULES), \
		$(HOST_BUILD)/test_$(m) $(HOST_ARGS_$(m)) || { \
			echo "FAIL: $(m): test binary exited with status $$?"; \
			status=1; };) \
	$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk fuzz-replay || status=1; \
	python3 tests/host/check_syscalls.py || status=1; \
	if [ $$status -eq 0 ]; then echo "host-check: all passed"; \
	else echo "host-check: FAILED"; fi; \
	exit $$status
