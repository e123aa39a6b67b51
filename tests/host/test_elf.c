/* Host tests for kernel/elf.c.
 * Usage: test_elf PROG.elf
 * PROG.elf is tests/host/elf_prog.c linked by riscv64-unknown-elf-gcc
 * (RX text at 0x10000 plus a page-aligned RW data segment). Damaged and
 * synthetic images are made here. Every accepted image, whatever made it,
 * is checked against an independent (128-bit) restatement of the rules. */
#include "check.h"
#include "elf.h"
#include "errno.h"

#define PAGE 4096ull
#define USER_BASE PAGE /* page 0 stays unmapped */
#define USER_TOP 0x4000000000ull
#define EHDR_SIZE 64
#define PHDR_SIZE 56

/* Elf64_Ehdr / Elf64_Phdr field offsets. */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define E_TYPE 16
#define E_MACHINE 18
#define E_VERSION 20
#define E_ENTRY 24
#define E_PHOFF 32
#define E_SHOFF 40
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40

#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_RISCV 243
#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551
#define PT_RISCV_ATTRIBUTES 0x70000003
#define PF_X 1
#define PF_W 2
#define PF_R 4

typedef unsigned __int128 u128;

static const char *prog_path;

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put_le(uint8_t *p, int n, uint64_t v)
{
	int i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

#define GET16(p, off) get_le((p) + (off), 2)
#define GET32(p, off) get_le((p) + (off), 4)
#define GET64(p, off) get_le((p) + (off), 8)
#define PUT16(p, off, v) put_le((p) + (off), 2, (v))
#define PUT32(p, off, v) put_le((p) + (off), 4, (v))
#define PUT64(p, off, v) put_le((p) + (off), 8, (v))

static uint64_t floor_page(uint64_t a, uint64_t page) { return a / page * page; }

static u128 ceil_page(u128 a, uint64_t page) { return (a + page - 1) / page * page; }

/* The rules of elf.h, restated in 128-bit arithmetic so nothing wraps. */
static void check_image(const struct elf_image *img, size_t size, uint64_t base, uint64_t top,
			uint64_t page)
{
	bool entry_ok = false;
	int i;

	if (!CHECKF(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS, "nseg %d", img->nseg))
		return;
	for (i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		u128 end = (u128)s->vaddr + s->memsz;

		CHECKF(s->memsz > 0 && s->filesz <= s->memsz, "seg %d", i);
		CHECKF((u128)s->offset + s->filesz <= size, "seg %d", i);
		CHECKF(s->vaddr % page == s->offset % page, "seg %d", i);
		CHECKF(floor_page(s->vaddr, page) >= base && ceil_page(end, page) <= top, "seg %d",
		       i);
		CHECKF((s->flags & ~7u) == 0 && (s->flags & (ELF_SEG_R | ELF_SEG_X)) &&
			       (s->flags & (ELF_SEG_W | ELF_SEG_X)) != (ELF_SEG_W | ELF_SEG_X),
		       "seg %d", i);
		if (i + 1 < img->nseg)
			CHECKF(ceil_page(end, page) <= floor_page(img->seg[i + 1].vaddr, page),
			       "seg %d/%d share a page", i, i + 1);
		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr && img->entry < end)
			entry_ok = true;
	}
	CHECK(entry_ok);
}

/* elf_parse on an exact-size copy, plus what must hold either way. */
static int parse_with(const uint8_t *p, size_t len, uint64_t base, uint64_t top, uint64_t page,
		      struct elf_image *img)
{
	uint8_t *copy = dup_exact(p, len);
	static const struct elf_image zero;
	int rc = elf_parse(copy, len, base, top, page, img);

	CHECKF(rc == 0 || rc == -ENOEXEC || rc == -EINVAL, "rc %d", rc);
	if (rc == 0)
		check_image(img, len, base, top, page);
	else
		CHECK(memcmp(img, &zero, sizeof(zero)) == 0);
	free(copy);
	return rc;
}

static int parse(const uint8_t *p, size_t len, struct elf_image *img)
{
	return parse_with(p, len, USER_BASE, USER_TOP, PAGE, img);
}

static int parse_rc(const uint8_t *p, size_t len)
{
	struct elf_image img;

	return parse(p, len, &img);
}

/* ---- the real executable ---- */

struct prog {
	uint8_t *p;
	size_t len;
	uint64_t phoff;
	int phnum;
	int text, data, other; /* phdr indices; other: a non-PT_LOAD */
};

static uint8_t *phdr(const struct prog *g, uint8_t *p, int i)
{
	return p + g->phoff + (size_t)i * PHDR_SIZE;
}

static bool load_prog(struct prog *g)
{
	int i;
	uint32_t flags;

	memset(g, 0, sizeof(*g));
	g->text = g->data = g->other = -1;
	g->p = load_file(prog_path, &g->len);
	if (!CHECKF(g->p && g->len > EHDR_SIZE, "cannot read %s",
		    prog_path ? prog_path : "(no argument)")) {
		free(g->p);
		return false;
	}
	g->phoff = GET64(g->p, E_PHOFF);
	g->phnum = (int)GET16(g->p, E_PHNUM);
	for (i = 0; i < g->phnum; i++) {
		uint8_t *ph = phdr(g, g->p, i);

		flags = (uint32_t)GET32(ph, P_FLAGS);
		if (GET32(ph, P_TYPE) != PT_LOAD)
			g->other = i;
		else if (flags & PF_X)
			g->text = i;
		else
			g->data = i;
	}
	if (!CHECK(g->text >= 0 && g->data >= 0 && g->other >= 0)) {
		free(g->p);
		return false;
	}
	return true;
}

TEST(real_executable)
{
	struct prog g;
	struct elf_image img;
	const uint8_t *t, *d;

	if (!load_prog(&g))
		return;
	t = phdr(&g, g.p, g.text);
	d = phdr(&g, g.p, g.data);
	if (CHECK_INT(parse(g.p, g.len, &img), 0)) {
		CHECK_INT(img.nseg, 2);
		CHECK_EQ(img.entry, GET64(g.p, E_ENTRY));
		CHECK_EQ(img.entry, 0x10000); /* -Ttext; _start is alone */
		CHECK_EQ(img.seg[0].vaddr, GET64(t, P_VADDR));
		CHECK_EQ(img.seg[0].memsz, GET64(t, P_MEMSZ));
		CHECK_EQ(img.seg[0].offset, GET64(t, P_OFFSET));
		CHECK_EQ(img.seg[0].filesz, GET64(t, P_FILESZ));
		CHECK_EQ(img.seg[0].flags, ELF_SEG_R | ELF_SEG_X);
		CHECK_EQ(img.seg[1].vaddr, GET64(d, P_VADDR));
		CHECK_EQ(img.seg[1].memsz, GET64(d, P_MEMSZ));
		CHECK_EQ(img.seg[1].offset, GET64(d, P_OFFSET));
		CHECK_EQ(img.seg[1].filesz, GET64(d, P_FILESZ));
		CHECK_EQ(img.seg[1].flags, ELF_SEG_R | ELF_SEG_W);
		CHECK(img.seg[1].vaddr % PAGE == 0);	     /* aligned array */
		CHECK(img.seg[1].memsz > img.seg[1].filesz); /* .sbss */
	}
	free(g.p);
}

struct mutation {
	const char *name;
	void (*fn)(const struct prog *g, uint8_t *p, size_t *len);
	int expect;
};

#define MUT(name, body)                                                       \
	static void mut_##name(const struct prog *g, uint8_t *p, size_t *len) \
	{                                                                     \
		uint8_t *t = phdr(g, p, g->text);                             \
		uint8_t *d = phdr(g, p, g->data);                             \
		uint8_t *o = phdr(g, p, g->other);                            \
		(void)t;                                                      \
		(void)d;                                                      \
		(void)o;                                                      \
		(void)len;                                                    \
		body;                                                         \
	}
#define MUT_ENTRY(name, expect)           \
	{                                 \
#name, mut_##name, expect \
	}

MUT(bad_magic0, p[0] = 0x7e)
MUT(bad_magic1, p[1] = 'e')
MUT(bad_magic3, p[3] = 'f')
MUT(class32, p[EI_CLASS] = 1)
MUT(class_none, p[EI_CLASS] = 0)
MUT(big_endian, p[EI_DATA] = 2)
MUT(ident_version, p[EI_VERSION] = 0)
MUT(e_version, PUT32(p, E_VERSION, 2))
MUT(et_dyn, PUT16(p, E_TYPE, ET_DYN))
MUT(et_rel, PUT16(p, E_TYPE, ET_REL))
MUT(machine_x86_64, PUT16(p, E_MACHINE, 62))
MUT(machine_none, PUT16(p, E_MACHINE, 0))
MUT(phentsize_small, PUT16(p, E_PHENTSIZE, 32))
MUT(phentsize_big, PUT16(p, E_PHENTSIZE, 64))
MUT(phoff_past_eof, PUT64(p, E_PHOFF, *len))
MUT(phoff_table_past_eof, PUT64(p, E_PHOFF, *len - PHDR_SIZE))
MUT(phoff_wraps, PUT64(p, E_PHOFF, UINT64_MAX - 8))
MUT(phnum_65, PUT16(p, E_PHNUM, 65))
MUT(phnum_huge, PUT16(p, E_PHNUM, 0xffff))
MUT(phnum_0, PUT16(p, E_PHNUM, 0))
MUT(no_load, (PUT32(t, P_TYPE, PT_NOTE), PUT32(d, P_TYPE, PT_NOTE)))
MUT(filesz_past_eof, PUT64(d, P_FILESZ, *len - GET64(d, P_OFFSET) + 1);
    PUT64(d, P_MEMSZ, GET64(d, P_FILESZ) + 0x10000))
MUT(offset_past_eof, PUT64(d, P_OFFSET, (*len + PAGE) & ~(PAGE - 1)); PUT64(d, P_FILESZ, 0))
MUT(offset_wraps, PUT64(d, P_OFFSET, UINT64_MAX & ~(PAGE - 1)))
MUT(filesz_huge, PUT64(d, P_FILESZ, UINT64_MAX); PUT64(d, P_MEMSZ, UINT64_MAX))
MUT(filesz_gt_memsz, PUT64(d, P_MEMSZ, GET64(d, P_FILESZ) - 1))
MUT(memsz_zero, (PUT64(d, P_MEMSZ, 0), PUT64(d, P_FILESZ, 0)))
MUT(vaddr_page0, PUT64(t, P_VADDR, 0); PUT64(p, E_ENTRY, 0x1000))
MUT(vaddr_page0_end, PUT64(d, P_VADDR, 0); PUT64(d, P_MEMSZ, PAGE - 1); PUT64(d, P_FILESZ, 0))
MUT(vaddr_past_top, PUT64(d, P_VADDR, USER_TOP - PAGE); PUT64(d, P_MEMSZ, PAGE + 1))
MUT(vaddr_at_top, PUT64(d, P_VADDR, USER_TOP))
MUT(vaddr_wraps, PUT64(d, P_MEMSZ, UINT64_MAX - 0x100))
MUT(vaddr_high, PUT64(d, P_VADDR, floor_page(UINT64_MAX, PAGE)))
MUT(vaddr_offset_mismatch, PUT64(d, P_VADDR, GET64(d, P_VADDR) + 8))
MUT(overlap_page,
    PUT64(d, P_VADDR,
	  floor_page(GET64(t, P_VADDR) + GET64(t, P_MEMSZ) - 1, PAGE) + GET64(d, P_OFFSET) % PAGE))
MUT(overlap_same, PUT64(d, P_VADDR, GET64(t, P_VADDR)))
MUT(text_wx, PUT32(t, P_FLAGS, PF_R | PF_W | PF_X))
MUT(data_wx, PUT32(d, P_FLAGS, PF_W | PF_X))
MUT(data_w_only, PUT32(d, P_FLAGS, PF_W))
MUT(data_no_flags, PUT32(d, P_FLAGS, 0))
MUT(text_not_x, PUT32(t, P_FLAGS, PF_R))
MUT(entry_in_data, PUT64(p, E_ENTRY, GET64(d, P_VADDR)))
MUT(entry_past_text, PUT64(p, E_ENTRY, GET64(t, P_VADDR) + GET64(t, P_MEMSZ)))
MUT(entry_before_text, PUT64(p, E_ENTRY, GET64(t, P_VADDR) - 1))
MUT(entry_zero, PUT64(p, E_ENTRY, 0))
MUT(interp, PUT32(o, P_TYPE, PT_INTERP))
MUT(dynamic, PUT32(o, P_TYPE, PT_DYNAMIC))
/* Harmless changes. */
MUT(note, PUT32(o, P_TYPE, PT_NOTE))
MUT(gnu_stack, PUT32(o, P_TYPE, PT_GNU_STACK))
MUT(phdr_type, PUT32(o, P_TYPE, PT_PHDR))
MUT(null_type, PUT32(o, P_TYPE, PT_NULL))
MUT(section_headers_garbage, PUT64(p, E_SHOFF, UINT64_MAX))
MUT(extra_flag_bits, PUT32(d, P_FLAGS, 0x0ff00000 | PF_R | PF_W))
MUT(entry_last_text_byte, PUT64(p, E_ENTRY, GET64(t, P_VADDR) + GET64(t, P_MEMSZ) - 1))
MUT(entry_first_text_byte, PUT64(p, E_ENTRY, GET64(t, P_VADDR)))
MUT(data_read_only, PUT32(d, P_FLAGS, PF_R))
MUT(text_x_only, PUT32(t, P_FLAGS, PF_X))
MUT(data_bss_only, PUT64(d, P_FILESZ, 0))
MUT(data_to_top, PUT64(d, P_VADDR, USER_TOP - PAGE); PUT64(d, P_MEMSZ, PAGE))
MUT(phnum_64_nulls, ({
	    /* Shrink to the real table padded with PT_NULLs: needs room. */
	    uint64_t n = (*len - g->phoff) / PHDR_SIZE;

	    if (n >= 64 && GET64(d, P_OFFSET) >= g->phoff + 64 * PHDR_SIZE) {
		    memset(phdr(g, p, g->phnum), 0, (64 - (size_t)g->phnum) * PHDR_SIZE);
		    PUT16(p, E_PHNUM, 64);
	    }
    }))

static const struct mutation mutations[] = {
	MUT_ENTRY(bad_magic0, -ENOEXEC),
	MUT_ENTRY(bad_magic1, -ENOEXEC),
	MUT_ENTRY(bad_magic3, -ENOEXEC),
	MUT_ENTRY(class32, -ENOEXEC),
	MUT_ENTRY(class_none, -ENOEXEC),
	MUT_ENTRY(big_endian, -ENOEXEC),
	MUT_ENTRY(ident_version, -ENOEXEC),
	MUT_ENTRY(e_version, -ENOEXEC),
	MUT_ENTRY(et_dyn, -ENOEXEC),
	MUT_ENTRY(et_rel, -ENOEXEC),
	MUT_ENTRY(machine_x86_64, -ENOEXEC),
	MUT_ENTRY(machine_none, -ENOEXEC),
	MUT_ENTRY(phentsize_small, -ENOEXEC),
	MUT_ENTRY(phentsize_big, -ENOEXEC),
	MUT_ENTRY(phoff_past_eof, -ENOEXEC),
	MUT_ENTRY(phoff_table_past_eof, -ENOEXEC),
	MUT_ENTRY(phoff_wraps, -ENOEXEC),
	MUT_ENTRY(phnum_65, -ENOEXEC),
	MUT_ENTRY(phnum_huge, -ENOEXEC),
	MUT_ENTRY(phnum_0, -ENOEXEC),
	MUT_ENTRY(no_load, -ENOEXEC),
	MUT_ENTRY(filesz_past_eof, -ENOEXEC),
	MUT_ENTRY(offset_past_eof, -ENOEXEC),
	MUT_ENTRY(offset_wraps, -ENOEXEC),
	MUT_ENTRY(filesz_huge, -ENOEXEC),
	MUT_ENTRY(filesz_gt_memsz, -ENOEXEC),
	MUT_ENTRY(memsz_zero, -ENOEXEC),
	MUT_ENTRY(vaddr_page0, -ENOEXEC),
	MUT_ENTRY(vaddr_page0_end, -ENOEXEC),
	MUT_ENTRY(vaddr_past_top, -ENOEXEC),
	MUT_ENTRY(vaddr_at_top, -ENOEXEC),
	MUT_ENTRY(vaddr_wraps, -ENOEXEC),
	MUT_ENTRY(vaddr_high, -ENOEXEC),
	MUT_ENTRY(vaddr_offset_mismatch, -ENOEXEC),
	MUT_ENTRY(overlap_page, -ENOEXEC),
	MUT_ENTRY(overlap_same, -ENOEXEC),
	MUT_ENTRY(text_wx, -ENOEXEC),
	MUT_ENTRY(data_wx, -ENOEXEC),
	MUT_ENTRY(data_w_only, -ENOEXEC),
	MUT_ENTRY(data_no_flags, -ENOEXEC),
	MUT_ENTRY(text_not_x, -ENOEXEC),
	MUT_ENTRY(entry_in_data, -ENOEXEC),
	MUT_ENTRY(entry_past_text, -ENOEXEC),
	MUT_ENTRY(entry_before_text, -ENOEXEC),
	MUT_ENTRY(entry_zero, -ENOEXEC),
	MUT_ENTRY(interp, -ENOEXEC),
	MUT_ENTRY(dynamic, -ENOEXEC),
	MUT_ENTRY(note, 0),
	MUT_ENTRY(gnu_stack, 0),
	MUT_ENTRY(phdr_type, 0),
	MUT_ENTRY(null_type, 0),
	MUT_ENTRY(section_headers_garbage, 0),
	MUT_ENTRY(extra_flag_bits, 0),
	MUT_ENTRY(entry_last_text_byte, 0),
	MUT_ENTRY(entry_first_text_byte, 0),
	MUT_ENTRY(data_read_only, 0),
	MUT_ENTRY(text_x_only, 0),
	MUT_ENTRY(data_bss_only, 0),
	MUT_ENTRY(data_to_top, 0),
	MUT_ENTRY(phnum_64_nulls, 0),
};

TEST(mutations)
{
	struct prog g;
	size_t i, len;
	uint8_t *p;
	int rc;

	if (!load_prog(&g))
		return;
	for (i = 0; i < ARRAY_SIZE(mutations); i++) {
		len = g.len;
		p = dup_exact(g.p, len);
		mutations[i].fn(&g, p, &len);
		rc = parse_rc(p, len);
		CHECKF(rc == mutations[i].expect, "%s: %d", mutations[i].name, rc);
		free(p);
	}
	free(g.p);
}

/* Accepted only once the file holds the headers and every segment. */
TEST(truncation)
{
	struct prog g;
	size_t n, need;
	int i, rc;

	if (!load_prog(&g))
		return;
	need = g.phoff + (size_t)g.phnum * PHDR_SIZE;
	for (i = 0; i < g.phnum; i++) {
		uint8_t *ph = phdr(&g, g.p, i);
		size_t end = GET64(ph, P_OFFSET) + GET64(ph, P_FILESZ);

		if (GET32(ph, P_TYPE) == PT_LOAD && end > need)
			need = end;
	}
	CHECK(need <= g.len);
	for (n = 0; n <= g.len; n++) {
		rc = parse_rc(g.p, n);
		CHECKF(rc == (n >= need ? 0 : -ENOEXEC), "len %zu: %d", n, rc);
	}
	free(g.p);
}

TEST(header_byte_flips)
{
	struct prog g;
	size_t i, end;
	int bit;

	if (!load_prog(&g))
		return;
	end = g.phoff + (size_t)g.phnum * PHDR_SIZE;
	for (i = 0; i < end; i++) {
		for (bit = 0; bit < 8; bit++) {
			g.p[i] ^= (uint8_t)(1u << bit);
			parse_rc(g.p, g.len);
			g.p[i] ^= (uint8_t)(1u << bit);
		}
		g.p[i] ^= 0xff;
		parse_rc(g.p, g.len);
		g.p[i] ^= 0xff;
	}
	free(g.p);
}

/* Program header fields set to values near every limit. */
TEST(random_phdr_fields)
{
	static const int fields[] = { P_FLAGS, P_OFFSET, P_VADDR, P_FILESZ, P_MEMSZ };
	struct prog g;
	uint8_t *p;
	uint64_t v;
	int iter, k, accepted = 0;

	if (!load_prog(&g))
		return;
	p = malloc(g.len);
	for (iter = 0; iter < 50000; iter++) {
		memcpy(p, g.p, g.len);
		for (k = (int)rng_below(3); k >= 0; k--) {
			const uint64_t near[] = {
				0,
				1,
				PAGE - 1,
				PAGE,
				PAGE + 1,
				g.len,
				g.len - 1,
				USER_TOP - PAGE,
				USER_TOP - 1,
				USER_TOP,
				UINT64_MAX,
				UINT64_MAX - PAGE + 1,
				0x10000,
				0x11000,
				0x12000,
				0xf000,
			};
			int f = fields[rng_below(ARRAY_SIZE(fields))];
			uint8_t *ph = phdr(&g, p, (int)rng_below((uint64_t)g.phnum));

			v = rng_below(2) ? near[rng_below(ARRAY_SIZE(near))] + rng_below(3) - 1
					 : rng_next();
			if (f == P_FLAGS)
				PUT32(ph, f, rng_below(2) ? v : v & 7);
			else
				PUT64(ph, f, v);
		}
		if (rng_below(4) == 0)
			PUT64(p, E_ENTRY, rng_below(2) ? rng_next() : 0x10000 + rng_below(0x3000));
		accepted += parse_rc(p, g.len) == 0;
	}
	CHECK(accepted > 0); /* the generator is not all-reject */
	free(p);
	free(g.p);
}

TEST(random_bytes)
{
	uint8_t buf[512];
	size_t n, i;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		n = rng_below(sizeof(buf) + 1);
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)rng_next();
		/* Half get a plausible ident so deeper checks run. */
		if (iter % 2 && n >= EHDR_SIZE) {
			memcpy(buf, "\177ELF\2\1\1", 7);
			PUT16(buf, E_TYPE, ET_EXEC);
			PUT16(buf, E_MACHINE, EM_RISCV);
			PUT32(buf, E_VERSION, 1);
			PUT16(buf, E_PHENTSIZE, PHDR_SIZE);
			PUT64(buf, E_PHOFF, EHDR_SIZE);
			PUT16(buf, E_PHNUM, rng_below(8));
		}
		CHECKF(parse_rc(buf, n) == -ENOEXEC, "iter %d", iter);
	}
}

/* ---- synthetic images ---- */

struct seg {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* Header, then the program headers, then zeros up to size. */
static uint8_t *build(const struct seg *s, int n, uint64_t entry, size_t size)
{
	uint8_t *p;
	int i;

	if (size < EHDR_SIZE + (size_t)n * PHDR_SIZE)
		size = EHDR_SIZE + (size_t)n * PHDR_SIZE;
	p = calloc(1, size);
	if (!p)
		abort();
	memcpy(p, "\177ELF\2\1\1", 7);
	PUT16(p, E_TYPE, ET_EXEC);
	PUT16(p, E_MACHINE, EM_RISCV);
	PUT32(p, E_VERSION, 1);
	PUT64(p, E_ENTRY, entry);
	PUT64(p, E_PHOFF, EHDR_SIZE);
	PUT16(p, E_PHENTSIZE, PHDR_SIZE);
	PUT16(p, E_PHNUM, (uint64_t)n);
	for (i = 0; i < n; i++) {
		uint8_t *ph = p + EHDR_SIZE + (size_t)i * PHDR_SIZE;

		PUT32(ph, P_TYPE, s[i].type);
		PUT32(ph, P_FLAGS, s[i].flags);
		PUT64(ph, P_OFFSET, s[i].offset);
		PUT64(ph, P_VADDR, s[i].vaddr);
		PUT64(ph, P_FILESZ, s[i].filesz);
		PUT64(ph, P_MEMSZ, s[i].memsz);
	}
	return p;
}

#define FILE_SIZE 0x8000

static int build_rc_with(const struct seg *s, int n, uint64_t entry, uint64_t base, uint64_t top,
			 uint64_t page, struct elf_image *img)
{
	uint8_t *p = build(s, n, entry, FILE_SIZE);
	int rc = parse_with(p, FILE_SIZE, base, top, page, img);

	free(p);
	return rc;
}

static int build_rc(const struct seg *s, int n, uint64_t entry)
{
	struct elf_image img;

	return build_rc_with(s, n, entry, USER_BASE, USER_TOP, PAGE, &img);
}

/* A code segment at 0x10000 to pair with the segment under test. */
#define CODE                                                        \
	{                                                           \
		PT_LOAD, PF_R | PF_X, 0x1000, 0x10000, 0x100, 0x100 \
	}
#define ENTRY 0x10000

TEST(sorted_output)
{
	const struct seg s[] = {
		{ PT_LOAD, PF_R, 0x3000, 0x30000, 0x10, 0x10 },
		{ PT_NOTE, PF_R, 0, 0, 0, 0 },
		{ PT_LOAD, PF_R | PF_W, 0x2000, 0x20000, 0x10, 0x2000 },
		CODE,
	};
	struct elf_image img;

	CHECK_INT(build_rc_with(s, 4, ENTRY, USER_BASE, USER_TOP, PAGE, &img), 0);
	CHECK_INT(img.nseg, 3);
	CHECK_EQ(img.seg[0].vaddr, 0x10000);
	CHECK_EQ(img.seg[0].flags, ELF_SEG_R | ELF_SEG_X);
	CHECK_EQ(img.seg[1].vaddr, 0x20000);
	CHECK_EQ(img.seg[1].memsz, 0x2000);
	CHECK_EQ(img.seg[1].flags, ELF_SEG_R | ELF_SEG_W);
	CHECK_EQ(img.seg[2].vaddr, 0x30000);
	CHECK_EQ(img.seg[2].offset, 0x3000);
	CHECK_EQ(img.entry, ENTRY);
}

TEST(segment_count)
{
	struct seg s[ELF_MAX_SEGMENTS + 1];
	struct elf_image img;
	int i;

	for (i = 0; i <= ELF_MAX_SEGMENTS; i++)
		s[i] = (struct seg){ PT_LOAD, PF_R | PF_X, 0x1000, 0x10000 + 0x1000 * (uint64_t)i,
				     0x10,    0x10 };
	CHECK_INT(build_rc_with(s, ELF_MAX_SEGMENTS, ENTRY, USER_BASE, USER_TOP, PAGE, &img), 0);
	CHECK_INT(img.nseg, ELF_MAX_SEGMENTS);
	CHECK_INT(build_rc(s, ELF_MAX_SEGMENTS + 1, ENTRY), -ENOEXEC);
	CHECK_INT(build_rc(s, 0, ENTRY), -ENOEXEC);
}

/* Two segments: CODE plus one under test. */
static int pair_rc(uint32_t flags, uint64_t offset, uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	const struct seg s[] = {
		CODE,
		{ PT_LOAD, flags, offset, vaddr, filesz, memsz },
	};

	return build_rc(s, 2, ENTRY);
}

TEST(bounds)
{
	/* user_base is the first mappable page. */
	CHECK_INT(pair_rc(PF_R, 0, USER_BASE, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, 0x800, USER_BASE + 0x800, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, 0xfff, USER_BASE - 1, 0, 2), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0, 0, 0, 0x10), -ENOEXEC);
	/* user_top is the first address out of reach, page-rounded. */
	CHECK_INT(pair_rc(PF_R, 0, USER_TOP - PAGE, 0, PAGE), 0);
	CHECK_INT(pair_rc(PF_R, 0, USER_TOP - PAGE, 0, PAGE - 1), 0);
	CHECK_INT(pair_rc(PF_R, 0, USER_TOP - PAGE, 0, PAGE + 1), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0, USER_TOP, 0, 1), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0, 0x20000, 0, UINT64_MAX - 0x1ffff), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0, UINT64_MAX - PAGE + 1, 0, PAGE), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0, UINT64_MAX - PAGE + 1, 0, 0x10), -ENOEXEC);
	/* File extent: offset + filesz within the file, no wrap. */
	CHECK_INT(pair_rc(PF_R, FILE_SIZE, 0x20000, 0, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, FILE_SIZE - 0x10, 0x20000 + 0xff0, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, FILE_SIZE - 0x10, 0x20000 + 0xff0, 0x11, 0x11), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, FILE_SIZE + PAGE, 0x20000, 0, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, UINT64_MAX - 0xfff, 0x20000 + 0x1, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x21000, UINT64_MAX, UINT64_MAX), -ENOEXEC);
	/* Sizes. */
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x20000, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x20000, 0x11, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x20000, 0, 0), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x20000, 0, 0x10), 0);
	/* Congruent modulo the page size. */
	CHECK_INT(pair_rc(PF_R, 0x1010, 0x20010, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, 0x1010, 0x20020, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1010, 0x20000, 0x10, 0x10), -ENOEXEC);
}

TEST(page_overlap)
{
	/* CODE covers [0x10000, 0x10100): its page is 0x10000. */
	CHECK_INT(pair_rc(PF_R, 0x1100, 0x10100, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1f00, 0x10f00, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x11000, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x10000, 0x10, 0x10), -ENOEXEC);
	/* Reaching into the page from below. */
	CHECK_INT(pair_rc(PF_R, 0x1000, 0xf000, 0x10, 0x1001), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R, 0x1000, 0xf000, 0x10, 0x1000), 0);
	CHECK_INT(pair_rc(PF_R, 0x1fff, 0xffff, 0, 1), 0);
	CHECK_INT(pair_rc(PF_R, 0x1fff, 0xffff, 0, 2), -ENOEXEC);
	/* Spanning it entirely. */
	CHECK_INT(pair_rc(PF_R, 0x1000, 0xf000, 0, 0x3000), -ENOEXEC);
}

TEST(flags)
{
	CHECK_INT(pair_rc(PF_R, 0x1000, 0x20000, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_X, 0x1000, 0x20000, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R | PF_X, 0x1000, 0x20000, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_R | PF_W, 0x1000, 0x20000, 0x10, 0x10), 0);
	CHECK_INT(pair_rc(PF_W, 0x1000, 0x20000, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(0, 0x1000, 0x20000, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_W | PF_X, 0x1000, 0x20000, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(PF_R | PF_W | PF_X, 0x1000, 0x20000, 0x10, 0x10), -ENOEXEC);
	CHECK_INT(pair_rc(0xfffffff8, 0x1000, 0x20000, 0x10, 0x10), -ENOEXEC);
}

TEST(entry)
{
	const struct seg s[] = {
		{ PT_LOAD, PF_R | PF_X, 0x1000, 0x10000, 0x100, 0x200 },
		{ PT_LOAD, PF_R | PF_W, 0x2000, 0x20000, 0x100, 0x100 },
	};

	CHECK_INT(build_rc(s, 2, 0x10000), 0);
	CHECK_INT(build_rc(s, 2, 0x100ff), 0);
	CHECK_INT(build_rc(s, 2, 0x101ff), 0); /* in memsz, past filesz */
	CHECK_INT(build_rc(s, 2, 0x10200), -ENOEXEC);
	CHECK_INT(build_rc(s, 2, 0xffff), -ENOEXEC);
	CHECK_INT(build_rc(s, 2, 0x20000), -ENOEXEC); /* not executable */
	CHECK_INT(build_rc(s, 2, 0), -ENOEXEC);
	CHECK_INT(build_rc(s, 2, UINT64_MAX), -ENOEXEC);
}

TEST(static_only)
{
	const struct seg interp[] = {
		CODE,
		{ PT_INTERP, PF_R, 0x2000, 0, 0x10, 0x10 },
	};
	const struct seg dynamic[] = {
		{ PT_DYNAMIC, PF_R, 0x2000, 0, 0x10, 0x10 },
		CODE,
	};
	const struct seg others[] = {
		{ PT_PHDR, PF_R, EHDR_SIZE, 0x10040, 0x70, 0x70 },
		{ PT_NOTE, PF_R, 0x2000, 0, 0x10, 0x10 },
		{ PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0 },
		{ PT_RISCV_ATTRIBUTES, PF_R, 0x2000, 0, 0x10, 0 },
		{ 0x12345678, PF_W | PF_X, UINT64_MAX, UINT64_MAX, 1, 0 },
		CODE,
	};

	CHECK_INT(build_rc(interp, 2, ENTRY), -ENOEXEC);
	CHECK_INT(build_rc(dynamic, 2, ENTRY), -ENOEXEC);
	CHECK_INT(build_rc(others, 6, ENTRY), 0);
}

TEST(arguments)
{
	const struct seg s[] = { CODE };
	struct elf_image img;
	uint8_t *p = build(s, 1, ENTRY, FILE_SIZE);

	CHECK_INT(parse_with(p, FILE_SIZE, USER_BASE, USER_TOP, 0, &img), -EINVAL);
	CHECK_INT(parse_with(p, FILE_SIZE, USER_BASE, USER_TOP, 3000, &img), -EINVAL);
	CHECK_INT(parse_with(p, FILE_SIZE, USER_TOP, USER_BASE, PAGE, &img), -EINVAL);
	/* Bigger pages tighten the congruence and overlap rules. */
	CHECK_INT(parse_with(p, FILE_SIZE, USER_BASE, USER_TOP, 0x10000, &img), -ENOEXEC);
	CHECK_INT(parse_with(p, FILE_SIZE, USER_BASE, USER_TOP, 0x1000, &img), 0);
	CHECK_INT(parse_with(p, FILE_SIZE, 0x10000, 0x11000, PAGE, &img), 0);
	CHECK_INT(parse_with(p, FILE_SIZE, 0x10001, 0x11000, PAGE, &img), -ENOEXEC);
	CHECK_INT(parse_with(p, FILE_SIZE, 0x10000, 0x10fff, PAGE, &img), -ENOEXEC);
	CHECK_INT(elf_parse(NULL, FILE_SIZE, USER_BASE, USER_TOP, PAGE, &img), -ENOEXEC);
	free(p);

	/* An unaligned user_base still keeps its whole first page out. */
	{
		const struct seg mid[] = {
			{ PT_LOAD, PF_R | PF_X, 0x1100, 0x10100, 0x10, 0x10 },
		};

		p = build(mid, 1, 0x10100, FILE_SIZE);
		CHECK_INT(parse_with(p, FILE_SIZE, 0x10000, USER_TOP, PAGE, &img), 0);
		CHECK_INT(parse_with(p, FILE_SIZE, 0x10080, USER_TOP, PAGE, &img), -ENOEXEC);
		free(p);
	}

	/* Pages of 64 KiB with a matching image. */
	{
		const struct seg big[] = {
			{ PT_LOAD, PF_R | PF_X, 0x0, 0x10000, 0x100, 0x100 },
			{ PT_LOAD, PF_R | PF_W, 0x100, 0x20100, 0x10, 0x10000 },
		};

		p = build(big, 2, ENTRY, FILE_SIZE);
		CHECK_INT(parse_with(p, FILE_SIZE, USER_BASE, USER_TOP, 0x10000, &img), 0);
		free(p);
	}
}

TEST(error_zeroes_out)
{
	const struct seg s[] = { CODE };
	struct elf_image img;
	uint8_t *p = build(s, 1, ENTRY, FILE_SIZE);

	memset(&img, 0xa5, sizeof(img));
	CHECK_INT(elf_parse(p, FILE_SIZE, USER_BASE, USER_TOP, PAGE, &img), 0);
	memset(&img, 0xa5, sizeof(img));
	PUT16(p, E_MACHINE, 62);
	CHECK_INT(elf_parse(p, FILE_SIZE, USER_BASE, USER_TOP, PAGE, &img), -ENOEXEC);
	CHECK(img.nseg == 0 && img.entry == 0 && img.seg[0].vaddr == 0);
	free(p);
}

static const struct test_case cases[] = {
	TEST_CASE(real_executable),
	TEST_CASE(mutations),
	TEST_CASE(truncation),
	TEST_CASE(header_byte_flips),
	TEST_CASE(random_phdr_fields),
	TEST_CASE(random_bytes),
	TEST_CASE(sorted_output),
	TEST_CASE(segment_count),
	TEST_CASE(bounds),
	TEST_CASE(page_overlap),
	TEST_CASE(flags),
	TEST_CASE(entry),
	TEST_CASE(static_only),
	TEST_CASE(arguments),
	TEST_CASE(error_zeroes_out),
};

int main(int argc, char **argv)
{
	prog_path = argc > 1 ? argv[1] : NULL;
	return run_tests("elf", cases, ARRAY_SIZE(cases));
}
