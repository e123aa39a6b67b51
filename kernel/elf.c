/* ELF64 executable validator (System V gABI, RISC-V psABI).
 *
 * Only what the loader needs is accepted: static RV64 little-endian
 * executables whose PT_LOAD segments fit in user space and never share a
 * page. Every field comes from an untrusted file, so sums are checked
 * against their limit by subtraction, never computed first. */
#include <stdbool.h>
#include "elf.h"
#include "errno.h"
#include "kstring.h"

#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFMAG "\177ELF"
#define SELFMAG 4
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_RISCV 243

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3

#define ELF_MAX_PHNUM 64 /* real executables have a handful */
#define ELF_SEG_RWX (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr layout");
/* Headers are memcpy'd out of the file (which need not be aligned) and
 * used as they are: right only because we, like the images we accept,
 * are little-endian. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "host byte order");

struct elf_limits {
	uint64_t size, user_base, user_top, page_size;
};

static int check_ehdr(const struct elf64_ehdr *eh, uint64_t size)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT || eh->e_type != ET_EXEC || eh->e_machine != EM_RISCV ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum > ELF_MAX_PHNUM ||
	    eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
		return -ENOEXEC;
	return 0;
}

static int check_load(const struct elf64_phdr *ph, const struct elf_limits *l,
		      struct elf_segment *seg)
{
	uint64_t mask = l->page_size - 1;
	uint64_t flags = ph->p_flags & ELF_SEG_RWX;
	uint64_t end, rem;

	if (ph->p_memsz == 0 || ph->p_filesz > ph->p_memsz || ph->p_offset > l->size ||
	    ph->p_filesz > l->size - ph->p_offset)
		return -ENOEXEC;
	/* The loader maps file pages at their virtual page offset. */
	if ((ph->p_vaddr & mask) != (ph->p_offset & mask))
		return -ENOEXEC;
	/* Whole pages are mapped, so bound the rounded-out extent. */
	if ((ph->p_vaddr & ~mask) < l->user_base || ph->p_vaddr >= l->user_top ||
	    ph->p_memsz > l->user_top - ph->p_vaddr)
		return -ENOEXEC;
	end = ph->p_vaddr + ph->p_memsz;
	rem = end & mask;
	if (rem && l->page_size - rem > l->user_top - end)
		return -ENOEXEC;
	/* Unreadable-unexecutable pages are useless; W^X is policy. */
	if (!(flags & (ELF_SEG_R | ELF_SEG_X)) || ((flags & ELF_SEG_W) && (flags & ELF_SEG_X)))
		return -ENOEXEC;

	seg->vaddr = ph->p_vaddr;
	seg->memsz = ph->p_memsz;
	seg->offset = ph->p_offset;
	seg->filesz = ph->p_filesz;
	seg->flags = (uint32_t)flags;
	return 0;
}

static void sort_segments(struct elf_image *img)
{
	int i, j;

	for (i = 1; i < img->nseg; i++) {
		struct elf_segment s = img->seg[i];

		for (j = i; j > 0 && img->seg[j - 1].vaddr > s.vaddr; j--)
			img->seg[j] = img->seg[j - 1];
		img->seg[j] = s;
	}
}

/* Sorted segments must not share a page: each page gets one set of
 * permissions and one source of contents. memsz > 0, so end - 1 is safe. */
static int check_layout(const struct elf_image *img, uint64_t entry, uint64_t page_size)
{
	uint64_t mask = page_size - 1;
	bool entry_ok = false;
	int i;

	for (i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t last = s->vaddr + s->memsz - 1;

		if (i + 1 < img->nseg && (last & ~mask) >= (img->seg[i + 1].vaddr & ~mask))
			return -ENOEXEC;
		if ((s->flags & ELF_SEG_X) && entry >= s->vaddr && entry <= last)
			entry_ok = true;
	}
	return entry_ok ? 0 : -ENOEXEC;
}

static int parse(const uint8_t *file, const struct elf_limits *l, struct elf_image *out)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	int i, err;

	if (!file || l->size < sizeof(eh))
		return -ENOEXEC;
	memcpy(&eh, file, sizeof(eh));
	err = check_ehdr(&eh, l->size);
	if (err)
		return err;

	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, file + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return -ENOEXEC; /* static executables only */
		if (ph.p_type != PT_LOAD)
			continue;
		if (out->nseg == ELF_MAX_SEGMENTS)
			return -ENOEXEC;
		err = check_load(&ph, l, &out->seg[out->nseg]);
		if (err)
			return err;
		out->nseg++;
	}
	if (out->nseg == 0)
		return -ENOEXEC;
	sort_segments(out);
	err = check_layout(out, eh.e_entry, l->page_size);
	if (err)
		return err;
	out->entry = eh.e_entry;
	return 0;
}

int elf_parse(const void *file, size_t size, uint64_t user_base, uint64_t user_top,
	      uint64_t page_size, struct elf_image *out)
{
	struct elf_limits l = {
		.size = size,
		.user_base = user_base,
		.user_top = user_top,
		.page_size = page_size,
	};
	int err;

	memset(out, 0, sizeof(*out));
	if (page_size == 0 || (page_size & (page_size - 1)) || user_base >= user_top)
		return -EINVAL;
	err = parse(file, &l, out);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}
