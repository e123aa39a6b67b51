/* Fuzz target for the ELF validator (kernel/elf.c).
 *
 * The input is a candidate executable. elf_parse() runs with the limits
 * exec passes (USER_BASE, USER_HEAP_LIMIT, PGSIZE; kernel/uapi_layout.h),
 * then with two other sets: a tight window just around where lde's
 * programs live, so that inputs reach the checks at its top edge (which
 * is not page-aligned, unlike exec's), and 64 KiB pages. Each time on a
 * copy of the input at an odd address (the validator promises not to need
 * alignment).
 *
 * Checked on success (elf.h's promises, what load_segment() relies on):
 *   - the header is a static RV64 little-endian ET_EXEC, and the image is
 *     exactly its PT_LOAD program headers: none skipped, none invented,
 *     each reported with its own fields, sorted by vaddr, 1..8 of them;
 *   - each segment lies within the file (offset + filesz <= size),
 *     filesz <= memsz, memsz > 0, vaddr and offset agree modulo the page;
 *   - rounded out to whole pages it lies within [user_base, user_top);
 *   - no page is shared by two segments (any two, not only neighbours);
 *   - flags are only R/W/X, readable or executable, never W+X;
 *   - the entry point lies inside an executable segment;
 *   - replaying load_segment()'s arithmetic on the first page, the page
 *     where the file's bytes end and the last page, every copy stays
 *     inside both the page and the file.
 * Checked on failure: -ENOEXEC (-EINVAL only for bad arguments, tried
 * too; a NULL file is -ENOEXEC), and *out zeroed.
 * And: an image accepted in the tight window is accepted, identically,
 * with exec's wider limits. */
#include "fuzz.h"
#include "errno.h"
#include "elf.h"
#include "uapi_layout.h" /* USER_BASE, USER_HEAP_LIMIT, PGSIZE */

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define EHDR_SIZE 64
#define PHDR_SIZE 56

struct limits {
	uint64_t base, top, page;
};

/* What proc_exec() passes. */
static const struct limits exec_limits = { USER_BASE, USER_HEAP_LIMIT, PGSIZE };
/* user_top not on a page boundary: whole pages must still end below it. */
static const struct limits tight_limits = { 0x10000, 0x40800, PGSIZE };
static const struct limits big_pages = { 0x10000, 1ull << 32, 0x10000 };

typedef unsigned __int128 u128; /* sums that cannot wrap */

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void check_rejected(const struct elf_image *img)
{
	CHECK(img->entry == 0 && img->nseg == 0);
	for (size_t i = 0; i < ARRAY_SIZE(img->seg); i++) {
		const struct elf_segment *s = &img->seg[i];
		CHECK(s->vaddr == 0 && s->memsz == 0 && s->offset == 0 && s->filesz == 0 &&
		      s->flags == 0);
	}
}

/* load_segment() for the page at va: zeros, then file bytes [lo, hi). */
static void check_load_page(const struct elf_segment *s, uint64_t va, size_t size, uint64_t page)
{
	uint64_t file_start = s->vaddr, file_end = s->vaddr + s->filesz;
	uint64_t lo = va > file_start ? va : file_start;
	uint64_t hi = va + page < file_end ? va + page : file_end;

	CHECK(va + page > va); /* the page itself does not wrap */
	if (lo >= hi)
		return;
	CHECK(lo - va < page && hi - va <= page);
	CHECK((u128)s->offset + (lo - s->vaddr) + (hi - lo) <= size);
}

static void check_accepted(const uint8_t *f, size_t size, const struct limits *l,
			   const struct elf_image *img)
{
	const uint64_t mask = l->page - 1;

	/* The header (elf.c checks these; restated from the gABI). */
	CHECK(size >= EHDR_SIZE);
	CHECK(memcmp(f, "\177ELF", 4) == 0 && f[4] == 2 && f[5] == 1 && f[6] == 1);
	CHECK(le(f + 16, 2) == 2 && le(f + 18, 2) == 243 && le(f + 20, 4) == 1);
	CHECK(le(f + 54, 2) == PHDR_SIZE);
	uint64_t phoff = le(f + 32, 8), phnum = le(f + 56, 2);
	CHECK((u128)phoff + phnum * PHDR_SIZE <= size);
	CHECK(img->entry == le(f + 24, 8));

	/* The image is the PT_LOAD headers, each exactly once. */
	CHECK(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS);
	int nload = 0, matched[ELF_MAX_SEGMENTS] = { 0 };
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * PHDR_SIZE;
		uint32_t type = (uint32_t)le(ph, 4);

		CHECK(type != PT_INTERP && type != PT_DYNAMIC);
		if (type != PT_LOAD)
			continue;
		nload++;
		int found = 0;
		for (int j = 0; j < img->nseg && !found; j++) {
			const struct elf_segment *s = &img->seg[j];
			if (!matched[j] && s->offset == le(ph + 8, 8) &&
			    s->vaddr == le(ph + 16, 8) && s->filesz == le(ph + 32, 8) &&
			    s->memsz == le(ph + 40, 8) && s->flags == (le(ph + 4, 4) & 7))
				matched[j] = found = 1;
		}
		CHECK(found);
	}
	CHECK(nload == img->nseg);

	int entry_ok = 0;
	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		u128 end = (u128)s->vaddr + s->memsz;

		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK((u128)s->offset + s->filesz <= size);
		CHECK((s->vaddr & mask) == (s->offset & mask));
		CHECK(s->vaddr >= l->base && (s->vaddr & ~mask) >= l->base);
		CHECK(((end + mask) & ~(u128)mask) <= l->top);
		CHECK((s->flags & ~(uint32_t)(ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)) == 0);
		CHECK(s->flags & (ELF_SEG_R | ELF_SEG_X));
		CHECK(!((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X)));
		if (i > 0)
			CHECK(img->seg[i - 1].vaddr < s->vaddr);
		for (int j = 0; j < i; j++) {
			const struct elf_segment *t = &img->seg[j];
			/* Page ranges [first, last] of s and t are disjoint. */
			uint64_t sf = s->vaddr & ~mask, sl = (s->vaddr + s->memsz - 1) & ~mask;
			uint64_t tf = t->vaddr & ~mask, tl = (t->vaddr + t->memsz - 1) & ~mask;
			CHECK(sl < tf || tl < sf);
		}
		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr && (u128)img->entry < end)
			entry_ok = 1;

		uint64_t first = s->vaddr & ~mask;
		uint64_t last = (s->vaddr + s->memsz - 1) & ~mask;
		check_load_page(s, first, size, l->page);
		check_load_page(s, last, size, l->page);
		if (s->filesz)
			check_load_page(s, (s->vaddr + s->filesz - 1) & ~mask, size, l->page);
	}
	CHECK(entry_ok);
}

static void check_same(const struct elf_image *x, const struct elf_image *y)
{
	CHECK(x->entry == y->entry && x->nseg == y->nseg);
	for (int i = 0; i < x->nseg; i++)
		CHECK(x->seg[i].vaddr == y->seg[i].vaddr && x->seg[i].memsz == y->seg[i].memsz &&
		      x->seg[i].offset == y->seg[i].offset &&
		      x->seg[i].filesz == y->seg[i].filesz && x->seg[i].flags == y->seg[i].flags);
}

static int parse_checked(const uint8_t *f, size_t size, const struct limits *l,
			 struct elf_image *img)
{
	int r = elf_parse(f, size, l->base, l->top, l->page, img);

	CHECK(r == 0 || r == -ENOEXEC);
	if (r)
		check_rejected(img);
	else
		check_accepted(f, size, l, img);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image exec_img, tight_img, img;
	uint8_t *f = fuzz_copy(data, size);

	int r_exec = parse_checked(f, size, &exec_limits, &exec_img);
	int r_tight = parse_checked(f, size, &tight_limits, &tight_img);
	parse_checked(f, size, &big_pages, &img);
	if (r_tight == 0) {
		CHECK(r_exec == 0);
		check_same(&exec_img, &tight_img);
	}

	/* Bad arguments are refused before the file is looked at; no file
	 * is a bad image. */
	CHECK(elf_parse(f, size, USER_BASE, USER_HEAP_LIMIT, 3, &img) == -EINVAL);
	check_rejected(&img);
	CHECK(elf_parse(f, size, USER_BASE, USER_HEAP_LIMIT, 0, &img) == -EINVAL);
	check_rejected(&img);
	CHECK(elf_parse(NULL, size, USER_BASE, USER_HEAP_LIMIT, PGSIZE, &img) == -ENOEXEC);
	check_rejected(&img);
	CHECK(elf_parse(f, size, USER_HEAP_LIMIT, USER_BASE, PGSIZE, &img) == -EINVAL);
	check_rejected(&img);

	fuzz_free_copy(f);
	return 0;
}
