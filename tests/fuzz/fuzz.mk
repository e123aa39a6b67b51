# Fuzzing the parsers that read untrusted input: the device tree
# (kernel/fdt.c, and arch/riscv/board.c over it), ELF executables (kernel/elf.c), the initrd's cpio
# archive (kernel/cpio.c) and ext2 images (servers/fs/ext2.c, the
# file-system server's engine). docs/fuzzing.md explains the targets and what
# each one checks. Included from the top-level Makefile; standalone:
# make -f tests/fuzz/fuzz.mk fuzz-replay
#
#   fuzz-host     build the libFuzzer targets (clang, ASan+UBSan) into
#                 build/fuzz/ and fuzz each for its share of SECONDS
#                 (default 60, split across FUZZ_TARGETS), from a scratch
#                 copy of the corpus (build/fuzz/corpus-<target>/); crashes
#                 go to build/fuzz/crashes/
#   fuzz-replay   build plain replay drivers (host compiler, ASan+UBSan, no
#                 libFuzzer) and run each over tests/fuzz/corpus/<target>/
#                 and tests/fuzz/regressions/<target>/: one PASS:/FAIL: line
#                 per target, for make host-check (and so make test)
#   fuzz-promote  merge the scratch corpora into tests/fuzz/corpus/ (only
#                 inputs that reach a new edge), to commit them
#   fuzz-cov      line and branch coverage of the parsers by the committed
#                 corpus (FUZZ_COV_SCRATCH=1: by the scratch corpora too)
#
# Variables: SECONDS, FUZZ_TARGETS (default "fdt elf cpio ext2"), FUZZ_FLAGS
# (more libFuzzer flags, e.g. -seed=1 -only_ascii=1), FUZZ_CC (clang).

Q ?= @
HOSTCC ?= cc
FUZZ_CC ?= clang
LLVM_PROFDATA ?= llvm-profdata
LLVM_COV ?= llvm-cov
SECONDS ?= 60
FUZZ_TARGETS ?= fdt elf cpio ext2
FUZZ_FLAGS ?=
FUZZ_COV_SCRATCH ?=

FUZZ_DIR := tests/fuzz
FUZZ_BUILD := build/fuzz
FUZZ_ALL := fdt elf cpio ext2

FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-iquote kernel -iquote arch/riscv
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# The parsers promise that no offset arithmetic wraps: with clang, wrapping
# unsigned arithmetic in them (not undefined behaviour, so not in
# -fsanitize=undefined) is reported too.
FUZZ_PARSER_SAN := -fsanitize=unsigned-integer-overflow
FUZZ_HDRS := $(FUZZ_DIR)/fuzz.h kernel/errno.h kernel/kstring.h \
	kernel/uapi_layout.h $(FUZZ_DIR)/fuzz.mk

.PHONY: fuzz-host fuzz-replay fuzz-replay-bins fuzz-promote fuzz-cov

# libFuzzer comes with clang's runtime libraries (Debian: libclang-rt-dev,
# which clang only recommends). Say so instead of failing at link time.
$(FUZZ_BUILD)/libfuzzer.ok:
	@mkdir -p $(@D)
	$(Q)scripts/deps.sh fuzz
	$(Q)printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
		> $(FUZZ_BUILD)/probe.c
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer -o $(FUZZ_BUILD)/probe $(FUZZ_BUILD)/probe.c 2> $(FUZZ_BUILD)/probe.log || { \
		cat $(FUZZ_BUILD)/probe.log; \
		echo "fuzz: '$(FUZZ_CC) -fsanitize=fuzzer' does not link: install clang's runtime (Debian: apt-get install libclang-rt-dev)"; \
		exit 1; }
	$(Q)touch $@

# The parser gets the extra sanitizer, and libFuzzer's coverage hooks
# (fuzzer-no-link); the target links libFuzzer's main().
# The sources each target's parser is: kernel/<target>.c, plus for the
# device tree the board code that reads it.
FUZZ_SRCS_fdt := kernel/fdt.c arch/riscv/board.c
FUZZ_SRCS_elf := kernel/elf.c
FUZZ_SRCS_cpio := kernel/cpio.c
FUZZ_DEPS_fdt := arch/riscv/board.h

.SECONDEXPANSION:
$(FUZZ_BUILD)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c $$(FUZZ_SRCS_$$*) kernel/%.h $$(FUZZ_DEPS_$$*) $(FUZZ_HDRS) \
		| $(FUZZ_BUILD)/libfuzzer.ok
	@echo "  FUZZCC  $@"
	@mkdir -p $(@D)
	$(Q)for src in $(FUZZ_SRCS_$*); do \
		$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) $(FUZZ_PARSER_SAN) -fsanitize=fuzzer-no-link \
			-c -o $@-$$(basename $$src .c).o $$src || exit 1; done
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(FUZZ_DIR)/fuzz_$*.c \
		$(foreach src,$(FUZZ_SRCS_$*),$@-$(basename $(notdir $(src))).o)

$(FUZZ_BUILD)/replay_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/replay.c $$(FUZZ_SRCS_$$*) kernel/%.h \
		$$(FUZZ_DEPS_$$*) $(FUZZ_HDRS)
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ $(FUZZ_DIR)/replay.c $(FUZZ_DIR)/fuzz_$*.c \
		$(FUZZ_SRCS_$*)

# Source-based coverage, no sanitizers: what the corpus reaches.
$(FUZZ_BUILD)/cov_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/replay.c $$(FUZZ_SRCS_$$*) kernel/%.h \
		$$(FUZZ_DEPS_$$*) $(FUZZ_HDRS)
	@echo "  FUZZCC  $@"
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fprofile-instr-generate -fcoverage-mapping \
		-o $@ $(FUZZ_DIR)/replay.c $(FUZZ_DIR)/fuzz_$*.c $(FUZZ_SRCS_$*)

# ext2 lives in servers/fs, not kernel/: its own rules, the same recipes.
# Its errors are the C library's <errno.h> (fuzz_ext2.c says why).
FUZZ_SRCS_ext2 := servers/fs/ext2.c servers/fs/bcache.c servers/fs/ncache.c
FUZZ_EXT2_DEPS := $(FUZZ_SRCS_ext2) servers/fs/ext2.h servers/fs/bcache.h servers/fs/ncache.h servers/fs/blockdev.h \
	$(FUZZ_HDRS)
FUZZ_EXT2_CFLAGS := $(FUZZ_CFLAGS) -iquote servers/fs

$(FUZZ_BUILD)/fuzz_ext2: $(FUZZ_DIR)/fuzz_ext2.c $(FUZZ_EXT2_DEPS) | $(FUZZ_BUILD)/libfuzzer.ok
	@echo "  FUZZCC  $@"
	@mkdir -p $(@D)
	$(Q)for src in $(FUZZ_SRCS_ext2); do \
		$(FUZZ_CC) $(FUZZ_EXT2_CFLAGS) $(FUZZ_SAN) $(FUZZ_PARSER_SAN) -fsanitize=fuzzer-no-link \
			-c -o $@-$$(basename $$src .c).o $$src || exit 1; done
	$(Q)$(FUZZ_CC) $(FUZZ_EXT2_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(FUZZ_DIR)/fuzz_ext2.c \
		$(foreach src,$(FUZZ_SRCS_ext2),$@-$(basename $(notdir $(src))).o)

$(FUZZ_BUILD)/replay_ext2: $(FUZZ_DIR)/fuzz_ext2.c $(FUZZ_DIR)/replay.c $(FUZZ_EXT2_DEPS)
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(FUZZ_EXT2_CFLAGS) $(FUZZ_SAN) -o $@ $(FUZZ_DIR)/replay.c $(FUZZ_DIR)/fuzz_ext2.c \
		$(FUZZ_SRCS_ext2)

$(FUZZ_BUILD)/cov_ext2: $(FUZZ_DIR)/fuzz_ext2.c $(FUZZ_DIR)/replay.c $(FUZZ_EXT2_DEPS)
	@echo "  FUZZCC  $@"
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_EXT2_CFLAGS) -fprofile-instr-generate -fcoverage-mapping \
		-o $@ $(FUZZ_DIR)/replay.c $(FUZZ_DIR)/fuzz_ext2.c $(FUZZ_SRCS_ext2)

fuzz-replay-bins: $(FUZZ_ALL:%=$(FUZZ_BUILD)/replay_%)

fuzz-replay: fuzz-replay-bins
	$(Q)FUZZ_BUILD=$(FUZZ_BUILD) $(FUZZ_DIR)/fuzz.sh replay $(FUZZ_ALL)

fuzz-host: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
	$(Q)FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_FLAGS="$(FUZZ_FLAGS)" \
		$(FUZZ_DIR)/fuzz.sh host $(SECONDS) $(FUZZ_TARGETS)

fuzz-promote: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
	$(Q)FUZZ_BUILD=$(FUZZ_BUILD) $(FUZZ_DIR)/fuzz.sh promote $(FUZZ_TARGETS)

fuzz-cov: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/cov_%)
	$(Q)FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_COV_SCRATCH=$(FUZZ_COV_SCRATCH) \
		LLVM_PROFDATA=$(LLVM_PROFDATA) LLVM_COV=$(LLVM_COV) \
		$(FUZZ_DIR)/fuzz.sh cov $(FUZZ_TARGETS)
