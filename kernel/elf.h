/* ELF64 executable validator: everything the loader maps comes from here,
 * and the loader relies on every check, so an image that passes is safe to
 * map as described. Pure code: host-tested and fuzzed. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8
#define ELF_SEG_R 4 /* same bit values as PF_R/PF_W/PF_X */
#define ELF_SEG_W 2
#define ELF_SEG_X 1

struct elf_segment {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags; /* ELF_SEG_* only */
};

struct elf_image {
	uint64_t entry;
	int nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS]; /* sorted by vaddr */
};

/* Parse and validate a static RV64 executable. `user_base` is the lowest
 * address a segment may use (the kernel passes 4096 so page 0 stays
 * unmapped), `user_top` the first address segments may not reach. Each
 * segment, rounded out to whole pages of `page_size`, lies within
 * [user_base, user_top) and shares no page with another, so the loader can
 * map it with one set of permissions. Returns 0, -ENOEXEC for a bad image,
 * or -EINVAL for bad arguments (page_size not a power of two,
 * user_base >= user_top). On error *out is zeroed. */
int elf_parse(const void *file, size_t size, uint64_t user_base, uint64_t user_top,
	      uint64_t page_size, struct elf_image *out);
