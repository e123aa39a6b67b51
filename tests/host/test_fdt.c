/* Host tests for kernel/fdt.c and the board's use of it
 * (arch/riscv/board.c).
 * Usage: test_fdt VIRT_128M.dtb VIRT_1G.dtb INITRD CUSTOM.dtb
 * The virt DTBs are dumped by QEMU (with -append and -initrd INITRD), the
 * custom one is tests/host/custom.dts compiled by dtc. Everything else is
 * built here with a small DTB writer, so each malformation is exact. */
#include "board.h"
#include "check.h"
#include "errno.h"
#include "fdt.h"

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)

/* What QEMU 7.2's virt machine (one hart) puts in its tree. */
#define VIRT_RAM_BASE 0x80000000ull
#define VIRT_TIMEBASE 10000000ull
#define VIRT_UART_BASE 0x10000000ull
#define VIRT_UART_IRQ 10
#define VIRT_PLIC_BASE 0xc000000ull
#define VIRT_PLIC_SIZE 0x600000ull
#define VIRT_TEST_BASE 0x100000ull
#define VIRT_BOOTARGS "init=/x a b" /* host.mk passes this to -append */

/* DTB layout, for building and corrupting blobs. */
#define FDT_MAGIC 0xd00dfeedu
#define H_MAGIC 0
#define H_TOTALSIZE 4
#define H_OFF_STRUCT 8
#define H_OFF_STRINGS 12
#define H_OFF_RSVMAP 16
#define H_VERSION 20
#define H_LAST_COMP 24
#define H_SIZE_STRINGS 32
#define H_SIZE_STRUCT 36
#define HDR_SIZE 40
#define T_BEGIN 1
#define T_END_NODE 2
#define T_PROP 3
#define T_NOP 4
#define T_END 9

static const char *virt128_path, *virt1g_path, *initrd_path, *custom_path;

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* Everything the kernel takes from a tree: kmain's facts (read_device_tree)
 * and arch's (the timer frequency, board_probe). */
struct facts {
	uint32_t totalsize;
	struct fdt_range mem;
	uint64_t timebase_hz;
	uint64_t uart_base;
	uint32_t uart_irq;
	uint64_t plic_base, plic_size;
	uint64_t poweroff_base;
	uint64_t initrd_start, initrd_end;
	const char *bootargs;
	int nreserved;
	struct fdt_range reserved[FDT_MAX_RESERVED];
	int ncpus;
};

/* Gather the facts the way the kernel does. -EINVAL where kmain refuses
 * the tree (it is malformed, its reservations do not fit or wrap, its
 * bootargs are no string); then *out is zeroed, bootargs "". A tree
 * without memory is not refused here (kmain's own check): mem stays 0. */
static int boot_facts(const void *blob, size_t maxlen, struct facts *out)
{
	struct fdt f;
	struct board b;
	int rc;

	memset(out, 0, sizeof(*out));
	out->bootargs = "";
	rc = fdt_init(&f, blob, maxlen);
	if (rc == 0) {
		out->nreserved = fdt_reserved(&f, out->reserved, FDT_MAX_RESERVED);
		if (out->nreserved < 0)
			rc = out->nreserved;
	}
	if (rc == 0)
		rc = fdt_bootargs(&f, &out->bootargs);
	if (rc) {
		memset(out, 0, sizeof(*out));
		out->bootargs = "";
		return rc;
	}
	out->totalsize = f.totalsize;
	fdt_memory(&f, &out->mem);
	out->timebase_hz = fdt_timebase_hz(&f);
	fdt_initrd(&f, &out->initrd_start, &out->initrd_end);
	out->ncpus = fdt_cpu_count(&f);
	board_probe(&f, &b);
	out->uart_base = b.uart_base;
	out->uart_irq = b.uart_irq;
	out->plic_base = b.plic_base;
	out->plic_size = b.plic_size;
	out->poweroff_base = b.poweroff_base;
	return 0;
}

/* Parse an exact-size copy and check what must hold whatever the input:
 * error means a zeroed result; success means a sane one. */
static int parse_check(const uint8_t *blob, size_t len)
{
	uint8_t *copy = dup_exact(blob, len);
	struct facts fi;
	const char *ba;
	int rc;

	rc = boot_facts(copy, len, &fi);
	CHECKF(rc == 0 || rc == -EINVAL, "rc %d", rc);
	ba = fi.bootargs;
	CHECK(ba != NULL);
	if (rc) {
		CHECK(ba && ba[0] == '\0');
		CHECK(fi.totalsize == 0 && fi.nreserved == 0 && fi.ncpus == 0 && fi.mem.size == 0 &&
		      fi.uart_base == 0);
	} else if (ba) {
		CHECK(fi.totalsize <= len);
		CHECK(fi.nreserved >= 0 && fi.nreserved <= FDT_MAX_RESERVED);
		CHECK(fi.ncpus >= 0);
		CHECK(fi.initrd_start <= fi.initrd_end);
		if ((const uint8_t *)ba >= copy && (const uint8_t *)ba < copy + len)
			CHECK(memchr(ba, 0, (size_t)(copy + len - (const uint8_t *)ba)));
		else
			CHECK(ba[0] == '\0');
	}
	free(copy);
	return rc;
}

/* ---- a tiny DTB writer ---- */

#define FB_STRUCT_MAX 65536
#define FB_STRINGS_MAX 4096
#define FB_RSV_MAX 40

struct fdtb {
	uint8_t st[FB_STRUCT_MAX];
	size_t slen;
	char strs[FB_STRINGS_MAX];
	size_t strslen;
	uint64_t rsv[FB_RSV_MAX][2];
	int nrsv;
	bool no_end;	    /* leave out the final FDT_END */
	bool strings_first; /* strings block before the structure */
	size_t pad_rsvmap;  /* bytes of padding before each block */
	size_t pad_struct;
};

static struct fdtb *fb_new(void)
{
	struct fdtb *b = calloc(1, sizeof(*b));

	if (!b)
		abort();
	return b;
}

static void fb_bytes(struct fdtb *b, const void *p, size_t n)
{
	if (n > FB_STRUCT_MAX - b->slen)
		abort();
	memcpy(b->st + b->slen, p, n);
	b->slen += n;
	while (b->slen % 4)
		b->st[b->slen++] = 0;
}

static void fb_u32(struct fdtb *b, uint32_t v)
{
	uint8_t c[4];

	put32(c, v);
	fb_bytes(b, c, sizeof(c));
}

static void fb_begin(struct fdtb *b, const char *name)
{
	fb_u32(b, T_BEGIN);
	fb_bytes(b, name, strlen(name) + 1);
}

static void fb_end(struct fdtb *b) { fb_u32(b, T_END_NODE); }

static uint32_t fb_string(struct fdtb *b, const char *s)
{
	size_t i, n = strlen(s) + 1;

	for (i = 0; i < b->strslen; i += strlen(b->strs + i) + 1)
		if (strcmp(b->strs + i, s) == 0)
			return (uint32_t)i;
	if (n > FB_STRINGS_MAX - b->strslen)
		abort();
	memcpy(b->strs + b->strslen, s, n);
	b->strslen += n;
	return (uint32_t)i;
}

static void fb_prop(struct fdtb *b, const char *name, const void *v, uint32_t len)
{
	fb_u32(b, T_PROP);
	fb_u32(b, len);
	fb_u32(b, fb_string(b, name));
	fb_bytes(b, v, len);
}

static void fb_str(struct fdtb *b, const char *name, const char *s)
{
	fb_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

/* n big-endian cells */
static void fb_cells(struct fdtb *b, const char *name, int n, ...)
{
	uint8_t v[64];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		put32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	fb_prop(b, name, v, (uint32_t)(4 * n));
}

static void fb_u64(struct fdtb *b, const char *name, uint64_t x)
{
	uint8_t v[8];

	put64(v, x);
	fb_prop(b, name, v, sizeof(v));
}

static void fb_rsv(struct fdtb *b, uint64_t base, uint64_t size)
{
	if (b->nrsv == FB_RSV_MAX)
		abort();
	b->rsv[b->nrsv][0] = base;
	b->rsv[b->nrsv][1] = size;
	b->nrsv++;
}

/* Lays out header, reservation map, structure, strings, as dtc does. */
static uint8_t *fb_finish(struct fdtb *b, size_t *lenp)
{
	size_t rsv_off = HDR_SIZE + b->pad_rsvmap, st_off, str_off, len;
	uint8_t *blob;
	int i;

	if (!b->no_end)
		fb_u32(b, T_END);
	st_off = rsv_off + 16 * ((size_t)b->nrsv + 1);
	if (b->strings_first) {
		str_off = st_off;
		st_off = ((str_off + b->strslen + 3) & ~(size_t)3) + b->pad_struct;
		len = st_off + b->slen;
	} else {
		st_off += b->pad_struct;
		str_off = st_off + b->slen;
		len = str_off + b->strslen;
	}
	blob = calloc(1, len);
	if (!blob)
		abort();
	put32(blob + H_MAGIC, FDT_MAGIC);
	put32(blob + H_TOTALSIZE, (uint32_t)len);
	put32(blob + H_OFF_STRUCT, (uint32_t)st_off);
	put32(blob + H_OFF_STRINGS, (uint32_t)str_off);
	put32(blob + H_OFF_RSVMAP, (uint32_t)rsv_off);
	put32(blob + H_VERSION, 17);
	put32(blob + H_LAST_COMP, 16);
	put32(blob + H_SIZE_STRINGS, (uint32_t)b->strslen);
	put32(blob + H_SIZE_STRUCT, (uint32_t)b->slen);
	for (i = 0; i < b->nrsv; i++) {
		put64(blob + rsv_off + 16 * i, b->rsv[i][0]);
		put64(blob + rsv_off + 16 * i + 8, b->rsv[i][1]);
	}
	memcpy(blob + st_off, b->st, b->slen);
	memcpy(blob + str_off, b->strs, b->strslen);
	free(b);
	*lenp = len;
	return blob;
}

/* Parse a built blob (exact-size buffer) into *fi, keep the blob so
 * fi->bootargs stays valid; the caller frees. */
static int fb_parse(struct fdtb *b, struct facts *fi, uint8_t **blobp)
{
	size_t len;
	uint8_t *blob = fb_finish(b, &len);

	*blobp = blob;
	CHECK_INT(parse_check(blob, len), boot_facts(blob, len, fi));
	return boot_facts(blob, len, fi);
}

/* Build, parse, free: for cases where only the return value matters. */
static int fb_rc(struct fdtb *b)
{
	struct facts fi;
	uint8_t *blob;
	int rc = fb_parse(b, &fi, &blob);

	free(blob);
	return rc;
}

/* ---- QEMU virt ---- */

static size_t file_size(const char *path)
{
	size_t len;
	uint8_t *p = load_file(path, &len);

	free(p);
	return len;
}

static void check_virt(const char *path, uint64_t ram_size)
{
	size_t len, initrd_size = file_size(initrd_path);
	uint8_t *blob = load_file(path, &len);
	uint32_t total;
	struct facts fi;

	if (!CHECKF(blob, "cannot read %s", path ? path : "(no argument)"))
		return;
	CHECK(initrd_size > 0);
	total = fdt_totalsize(blob);
	CHECK_EQ(total, get32(blob + H_TOTALSIZE));
	CHECK(total > HDR_SIZE && total <= len);

	/* As dumped (QEMU pads the file), then trimmed to totalsize. */
	CHECK_INT(boot_facts(blob, len, &fi), 0);
	CHECK_INT(parse_check(blob, total), 0);
	CHECK_INT(boot_facts(blob, total, &fi), 0);
	CHECK_EQ(fi.totalsize, total);
	CHECK_EQ(fi.mem.base, VIRT_RAM_BASE);
	CHECK_EQ(fi.mem.size, ram_size);
	CHECK_EQ(fi.timebase_hz, VIRT_TIMEBASE);
	CHECK_EQ(fi.uart_base, VIRT_UART_BASE);
	CHECK_EQ(fi.uart_irq, VIRT_UART_IRQ);
	CHECK_EQ(fi.plic_base, VIRT_PLIC_BASE);
	CHECK_EQ(fi.plic_size, VIRT_PLIC_SIZE);
	CHECK_EQ(fi.poweroff_base, VIRT_TEST_BASE);
	CHECK_STR(fi.bootargs, VIRT_BOOTARGS);
	CHECK((const uint8_t *)fi.bootargs > blob && (const uint8_t *)fi.bootargs < blob + total);
	/* Where QEMU puts the initrd depends on its version; that it lies
	 * in RAM, page-aligned and exactly as big as the file does not. */
	CHECK_EQ(fi.initrd_end - fi.initrd_start, initrd_size);
	CHECK(fi.initrd_start >= VIRT_RAM_BASE && fi.initrd_end <= VIRT_RAM_BASE + ram_size);
	CHECK_EQ(fi.initrd_start % 4096, 0);
	CHECK_INT(fi.nreserved, 0);
	CHECK_INT(fi.ncpus, 1);
	free(blob);
}

TEST(virt_128m) { check_virt(virt128_path, 128 * MiB); }

TEST(virt_1g) { check_virt(virt1g_path, 1 * GiB); }

/* The real blob, trimmed to totalsize; NULL after a FAIL. */
static uint8_t *load_virt(size_t *len)
{
	uint8_t *blob = load_file(virt128_path, len);

	if (!CHECKF(blob && *len >= HDR_SIZE, "cannot read %s",
		    virt128_path ? virt128_path : "(no argument)")) {
		free(blob);
		return NULL;
	}
	*len = get32(blob + H_TOTALSIZE);
	return blob;
}

TEST(virt_unaligned)
{
	size_t len, shift;
	uint8_t *blob = load_virt(&len), *buf;
	struct facts fi;

	if (!blob)
		return;
	for (shift = 1; shift < 8; shift++) {
		buf = malloc(len + shift);
		memcpy(buf + shift, blob, len);
		CHECK_INT(boot_facts(buf + shift, len, &fi), 0);
		CHECK_EQ(fi.uart_base, VIRT_UART_BASE);
		CHECK_STR(fi.bootargs, VIRT_BOOTARGS);
		free(buf);
	}
	free(blob);
}

TEST(virt_truncated_maxlen)
{
	size_t len, n;
	uint8_t *blob = load_virt(&len);

	if (!blob)
		return;
	for (n = 0; n < len; n++)
		CHECKF(parse_check(blob, n) == -EINVAL, "len %zu", n);
	CHECK_INT(parse_check(blob, len), 0);
	free(blob);
}

/* Cut the blob and claim the cut is the whole blob: the parser must then
 * notice the blocks no longer fit. */
TEST(virt_truncated_totalsize)
{
	size_t len, n;
	uint8_t *blob = load_virt(&len), *cut;

	if (!blob)
		return;
	/* QEMU puts the strings last, so every cut loses some. */
	CHECK_EQ(get32(blob + H_OFF_STRINGS) + get32(blob + H_SIZE_STRINGS), len);
	for (n = 0; n < len; n++) {
		cut = dup_exact(blob, n);
		if (n >= H_TOTALSIZE + 4)
			put32(cut + H_TOTALSIZE, (uint32_t)n);
		CHECKF(parse_check(cut, n) == -EINVAL, "len %zu", n);
		free(cut);
	}
	free(blob);
}

TEST(virt_truncated_blocks)
{
	size_t len;
	uint32_t n, size_struct, size_strings;
	uint8_t *blob = load_virt(&len), *copy;

	if (!blob)
		return;
	size_struct = get32(blob + H_SIZE_STRUCT);
	size_strings = get32(blob + H_SIZE_STRINGS);
	copy = dup_exact(blob, len);
	/* FDT_END is the struct block's last token. */
	for (n = 0; n < size_struct; n++) {
		put32(copy + H_SIZE_STRUCT, n);
		CHECKF(parse_check(copy, len) == -EINVAL, "size_struct %u", n);
	}
	put32(copy + H_SIZE_STRUCT, size_struct);
	/* Dropping string bytes cuts names, unless only unused ones go. */
	for (n = 0; n < size_strings; n++) {
		put32(copy + H_SIZE_STRINGS, n);
		parse_check(copy, len);
	}
	put32(copy + H_SIZE_STRINGS, 0);
	CHECK_INT(parse_check(copy, len), -EINVAL);
	free(copy);
	free(blob);
}

TEST(virt_byte_flips)
{
	static const uint8_t flips[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff };
	size_t len, i, f;
	uint8_t *blob = load_virt(&len);

	if (!blob)
		return;
	for (i = 0; i < len; i++) {
		for (f = 0; f < ARRAY_SIZE(flips); f++) {
			blob[i] ^= flips[f];
			parse_check(blob, len);
			blob[i] ^= flips[f];
		}
	}
	free(blob);
}

/* Random damage biased towards what the parser interprets: header words,
 * token positions, token values. */
TEST(virt_random_corruption)
{
	static const uint32_t tokens[] = { T_BEGIN, T_END_NODE, T_PROP, T_NOP,
					   T_END,   0,		5,	0xffffffff };
	size_t len, i;
	int iter, k;
	uint8_t *blob = load_virt(&len), *copy;
	uint32_t st_off, st_size;

	if (!blob)
		return;
	st_off = get32(blob + H_OFF_STRUCT);
	st_size = get32(blob + H_SIZE_STRUCT);
	copy = malloc(len);
	for (iter = 0; iter < 20000; iter++) {
		memcpy(copy, blob, len);
		for (k = (int)rng_below(8); k >= 0; k--) {
			switch (rng_below(4)) {
			case 0: copy[rng_below(len)] = (uint8_t)rng_next(); break;
			case 1:
				put32(copy + 4 * rng_below(HDR_SIZE / 4),
				      (uint32_t)rng_below(2 * len));
				break;
			case 2:
				i = st_off + 4 * rng_below(st_size / 4);
				put32(copy + i, tokens[rng_below(ARRAY_SIZE(tokens))]);
				break;
			default:
				i = st_off + 4 * rng_below(st_size / 4);
				put32(copy + i, (uint32_t)rng_next());
				break;
			}
		}
		parse_check(copy, len);
	}
	free(copy);
	free(blob);
}

TEST(totalsize)
{
	uint8_t hdr[8];

	put32(hdr, FDT_MAGIC);
	put32(hdr + 4, 0x10e3);
	CHECK_EQ(fdt_totalsize(hdr), 0x10e3);
	put32(hdr + 4, 35);
	CHECK_EQ(fdt_totalsize(hdr), 0);
	put32(hdr + 4, 0xffffffff);
	CHECK_EQ(fdt_totalsize(hdr), 0xffffffff);
	put32(hdr, 0xedfe0dd0); /* little-endian magic: wrong */
	CHECK_EQ(fdt_totalsize(hdr), 0);
	CHECK_EQ(fdt_totalsize(NULL), 0);
}

TEST(custom_dtc)
{
	static const struct fdt_range want[] = {
		{ 0x80000000, 0x20000 },			  /* /memreserve/ */
		{ 0x87000000, 0x1000 },	 { 0x80200000, 0x10000 }, /* /reserved-memory */
		{ 0x86000000, 0x1000 },	 { 0x86100000, 0x2000 },
	};
	size_t len, i;
	uint8_t *blob = load_file(custom_path, &len);
	struct facts fi;

	if (!CHECKF(blob, "cannot read %s", custom_path ? custom_path : "(no argument)"))
		return;
	CHECK_INT(parse_check(blob, len), 0);
	CHECK_INT(boot_facts(blob, len, &fi), 0);
	CHECK_EQ(fi.mem.base, 0x80000000);
	CHECK_EQ(fi.mem.size, 0x40000000);
	CHECK_EQ(fi.timebase_hz, 0x100000000ull);
	CHECK_INT(fi.ncpus, 3);
	CHECK_STR(fi.bootargs, "console=ttyS0 init=/bin/sh");
	CHECK_EQ(fi.initrd_start, 0x88000000);
	CHECK_EQ(fi.initrd_end, 0x88100000);
	CHECK_EQ(fi.uart_base, 0x10010000);
	CHECK_EQ(fi.uart_irq, 0x21);
	CHECK_EQ(fi.plic_base, 0xc000000);
	CHECK_EQ(fi.plic_size, 0x4000000);
	CHECK_EQ(fi.poweroff_base, 0x100000);
	if (CHECK_INT(fi.nreserved, ARRAY_SIZE(want))) {
		for (i = 0; i < ARRAY_SIZE(want); i++) {
			CHECK_EQ(fi.reserved[i].base, want[i].base);
			CHECK_EQ(fi.reserved[i].size, want[i].size);
		}
	}
	free(blob);
}

/* ---- built trees: what the parser extracts ---- */

TEST(minimal_root)
{
	struct fdtb *b = fb_new();
	struct facts fi;
	uint8_t *blob;

	fb_begin(b, "");
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK(fi.totalsize > HDR_SIZE);
	CHECK_STR(fi.bootargs, "");
	CHECK(fi.mem.base == 0 && fi.mem.size == 0 && fi.timebase_hz == 0 && fi.uart_base == 0 &&
	      fi.uart_irq == 0 && fi.plic_base == 0 && fi.poweroff_base == 0 &&
	      fi.initrd_start == 0 && fi.initrd_end == 0 && fi.nreserved == 0 && fi.ncpus == 0);
	free(blob);
}

/* One memory node under a root with the given cells (0: absent). */
static struct fdtb *mem_tree(uint32_t ac, uint32_t sc, const char *name, const char *device_type)
{
	struct fdtb *b = fb_new();

	fb_begin(b, "");
	if (ac)
		fb_cells(b, "#address-cells", 1, ac);
	if (sc)
		fb_cells(b, "#size-cells", 1, sc);
	fb_begin(b, name);
	if (device_type)
		fb_str(b, "device_type", device_type);
	return b;
}

static void mem_done(struct fdtb *b, uint64_t base, uint64_t size)
{
	struct facts fi;
	uint8_t *blob;

	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_EQ(fi.mem.base, base);
	CHECK_EQ(fi.mem.size, size);
	free(blob);
}

TEST(memory_cells)
{
	struct fdtb *b;

	/* Spec defaults 2/1 when the root says nothing. */
	b = mem_tree(0, 0, "memory@80000000", NULL);
	fb_cells(b, "reg", 3, 0x1, 0x80000000, 0x10000000);
	mem_done(b, 0x180000000ull, 0x10000000);

	b = mem_tree(1, 1, "memory", "memory");
	fb_cells(b, "reg", 4, 0x40000000, 0x1000, 0x80000000, 0x2000);
	mem_done(b, 0x40000000, 0x1000);

	b = mem_tree(2, 2, "memory@0", NULL);
	fb_cells(b, "reg", 4, 0x12, 0x34000000, 0x5, 0x60000000);
	mem_done(b, 0x1234000000ull, 0x560000000ull);

	b = mem_tree(1, 2, "memory@0", NULL);
	fb_cells(b, "reg", 3, 0x1000, 0x1, 0x0);
	mem_done(b, 0x1000, 0x100000000ull);

	/* Cells we cannot hold, or a reg short of one entry: ignored. */
	b = mem_tree(3, 2, "memory@0", NULL);
	fb_cells(b, "reg", 5, 0, 0, 0x1000, 0, 0x1000);
	mem_done(b, 0, 0);
	b = mem_tree(2, 3, "memory@0", NULL);
	fb_cells(b, "reg", 5, 0, 0x1000, 0, 0, 0x1000);
	mem_done(b, 0, 0);
	b = mem_tree(0, 0, "memory@0", NULL);
	fb_cells(b, "reg", 2, 0, 0x1000);
	mem_done(b, 0, 0);
	b = mem_tree(0, 0, "memory@0", NULL);
	fb_prop(b, "reg", "", 0);
	mem_done(b, 0, 0);
}

TEST(memory_match)
{
	struct fdtb *b;
	struct facts fi;
	uint8_t *blob;

	b = mem_tree(1, 1, "ram@0", "memory");
	fb_cells(b, "reg", 2, 0x1000, 0x2000);
	mem_done(b, 0x1000, 0x2000);

	b = mem_tree(1, 1, "memoryx@0", NULL);
	fb_cells(b, "reg", 2, 0x1000, 0x2000);
	mem_done(b, 0, 0);

	b = mem_tree(1, 1, "ram@0", "memoryx");
	fb_cells(b, "reg", 2, 0x1000, 0x2000);
	mem_done(b, 0, 0);

	/* Properties come in any order: device_type after reg. */
	b = mem_tree(1, 1, "ram@0", NULL);
	fb_cells(b, "reg", 2, 0x1000, 0x2000);
	fb_str(b, "device_type", "memory");
	mem_done(b, 0x1000, 0x2000);

	/* Only nodes directly under the root, and the first one wins. */
	b = fb_new();
	fb_begin(b, "");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 1);
	fb_begin(b, "soc");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 1);
	fb_begin(b, "memory@100");
	fb_str(b, "device_type", "memory");
	fb_cells(b, "reg", 2, 0x100, 0x100);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "memory@1000");
	fb_cells(b, "reg", 2, 0x1000, 0x1000);
	fb_end(b);
	fb_begin(b, "memory@2000");
	fb_cells(b, "reg", 2, 0x2000, 0x1000);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_EQ(fi.mem.base, 0x1000);
	CHECK_EQ(fi.mem.size, 0x1000);
	free(blob);
}

static struct fdtb *cpus_tree(void)
{
	struct fdtb *b = fb_new();

	fb_begin(b, "");
	fb_begin(b, "cpus");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 0);
	return b;
}

static void cpu_node(struct fdtb *b, const char *name, uint32_t id)
{
	fb_begin(b, name);
	fb_str(b, "device_type", "cpu");
	fb_cells(b, "reg", 1, id);
	fb_end(b);
}

TEST(cpus)
{
	struct fdtb *b;
	struct facts fi;
	uint8_t *blob;
	int i;
	char name[16];

	b = cpus_tree();
	fb_cells(b, "timebase-frequency", 1, 1000000);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		cpu_node(b, name, (uint32_t)i);
	}
	fb_begin(b, "cpu-map");
	fb_begin(b, "cluster0");
	fb_begin(b, "core0");
	fb_end(b);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "cpu@7"); /* not under /cpus */
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_INT(fi.ncpus, 4);
	CHECK_EQ(fi.timebase_hz, 1000000);
	free(blob);

	b = cpus_tree();
	fb_u64(b, "timebase-frequency", 0x123456789ull);
	cpu_node(b, "cpu", 0);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_INT(fi.ncpus, 1);
	CHECK_EQ(fi.timebase_hz, 0x123456789ull);
	free(blob);

	/* A second /cpus is a broken tree: the first one counts. */
	b = cpus_tree();
	fb_cells(b, "timebase-frequency", 1, 1000);
	cpu_node(b, "cpu@0", 0);
	fb_end(b);
	fb_begin(b, "cpus");
	fb_cells(b, "timebase-frequency", 1, 2000);
	cpu_node(b, "cpu@0", 0);
	cpu_node(b, "cpu@1", 1);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_INT(fi.ncpus, 1);
	CHECK_EQ(fi.timebase_hz, 1000);
	free(blob);

	/* Odd length: ignored. Only in cpu@0: used as a fallback. */
	b = cpus_tree();
	fb_prop(b, "timebase-frequency", "\1\2\3", 3);
	fb_begin(b, "cpu@0");
	fb_cells(b, "timebase-frequency", 1, 4000000);
	fb_end(b);
	fb_begin(b, "cpu@1");
	fb_cells(b, "timebase-frequency", 1, 5000000);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_INT(fi.ncpus, 2);
	CHECK_EQ(fi.timebase_hz, 4000000);
	free(blob);
}

static struct fdtb *chosen_tree(void)
{
	struct fdtb *b = fb_new();

	fb_begin(b, "");
	fb_begin(b, "chosen");
	return b;
}

static void chosen_initrd(struct fdtb *b, uint64_t start, uint64_t end)
{
	struct facts fi;
	uint8_t *blob;

	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_EQ(fi.initrd_start, start);
	CHECK_EQ(fi.initrd_end, end);
	free(blob);
}

TEST(chosen_initrd)
{
	struct fdtb *b;

	b = chosen_tree();
	fb_cells(b, "linux,initrd-start", 1, 0x84000000);
	fb_cells(b, "linux,initrd-end", 1, 0x84001000);
	chosen_initrd(b, 0x84000000, 0x84001000);

	b = chosen_tree();
	fb_u64(b, "linux,initrd-end", 0x100002000ull);
	fb_u64(b, "linux,initrd-start", 0x100000000ull);
	chosen_initrd(b, 0x100000000ull, 0x100002000ull);

	b = chosen_tree(); /* mixed forms */
	fb_cells(b, "linux,initrd-start", 1, 0x84000000);
	fb_u64(b, "linux,initrd-end", 0x84000010);
	chosen_initrd(b, 0x84000000, 0x84000010);

	b = chosen_tree(); /* empty is fine */
	fb_cells(b, "linux,initrd-start", 1, 0x84000000);
	fb_cells(b, "linux,initrd-end", 1, 0x84000000);
	chosen_initrd(b, 0x84000000, 0x84000000);

	b = chosen_tree(); /* backwards */
	fb_cells(b, "linux,initrd-start", 1, 0x84001000);
	fb_cells(b, "linux,initrd-end", 1, 0x84000000);
	chosen_initrd(b, 0, 0);

	b = chosen_tree(); /* half */
	fb_cells(b, "linux,initrd-start", 1, 0x84000000);
	chosen_initrd(b, 0, 0);

	b = chosen_tree();
	fb_cells(b, "linux,initrd-end", 1, 0x84000000);
	chosen_initrd(b, 0, 0);

	b = chosen_tree(); /* three cells: not a number we know */
	fb_cells(b, "linux,initrd-start", 3, 0, 0, 0x84000000);
	fb_cells(b, "linux,initrd-end", 1, 0x84001000);
	chosen_initrd(b, 0, 0);
}

TEST(bootargs)
{
	struct fdtb *b;
	struct facts fi;
	uint8_t *blob;

	b = chosen_tree();
	fb_str(b, "bootargs", "console=ttyS0 quiet");
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_STR(fi.bootargs, "console=ttyS0 quiet");
	free(blob);

	b = chosen_tree();
	fb_str(b, "bootargs", "");
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_STR(fi.bootargs, "");
	free(blob);

	b = chosen_tree(); /* a stringlist: the first string */
	fb_prop(b, "bootargs", "a b\0c", 6);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_STR(fi.bootargs, "a b");
	free(blob);

	b = chosen_tree(); /* unterminated */
	fb_prop(b, "bootargs", "abcd", 4);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_rc(b), -EINVAL);

	b = chosen_tree(); /* empty, not even a NUL */
	fb_prop(b, "bootargs", "", 0);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_rc(b), -EINVAL);

	b = fb_new(); /* outside /chosen: not ours */
	fb_begin(b, "");
	fb_prop(b, "bootargs", "abcd", 4);
	fb_begin(b, "soc");
	fb_begin(b, "chosen");
	fb_str(b, "bootargs", "nested");
	fb_end(b);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_STR(fi.bootargs, "");
	free(blob);
}

static void device(struct fdtb *b, const char *name, const void *compat, uint32_t compat_len,
		   uint32_t base, uint32_t size, int irq)
{
	fb_begin(b, name);
	fb_prop(b, "compatible", compat, compat_len);
	fb_cells(b, "reg", 2, base, size);
	if (irq >= 0)
		fb_cells(b, "interrupts", 2, (uint32_t)irq, 4);
	fb_end(b);
}

#define COMPAT(s) s, sizeof(s) /* stringlist literal, with final NUL */

TEST(devices)
{
	struct fdtb *b;
	struct facts fi;
	uint8_t *blob;

	b = fb_new();
	fb_begin(b, "");
	fb_begin(b, "soc");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 1);
	device(b, "a", COMPAT("ns16550ab"), 0x1000, 0x100, 1);
	device(b, "b", COMPAT("xns16550a"), 0x2000, 0x100, 2);
	device(b, "c", "ns16550a", 8, 0x3000, 0x100, 3); /* no NUL */
	device(b, "d", COMPAT("acme,uart\0ns16550"), 0x4000, 0x100, 4);
	device(b, "e", COMPAT("ns16550a"), 0x5000, 0x100, 5);
	device(b, "f", COMPAT("sifive,plic-1.0.0\0riscv,plic0"), 0xc000000, 0x4000000, -1);
	device(b, "g", COMPAT("riscv,plic0"), 0xd000000, 0x1000, -1);
	device(b, "h", COMPAT("sifive,test1\0syscon"), 0x100000, 0x1000, -1);
	device(b, "i", COMPAT("ns16550a"), 0x6000, 0x100, 6);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_EQ(fi.uart_base, 0x4000);
	CHECK_EQ(fi.uart_irq, 4);
	CHECK_EQ(fi.plic_base, 0xc000000);
	CHECK_EQ(fi.plic_size, 0x4000000);
	CHECK_EQ(fi.poweroff_base, 0x100000);
	free(blob);

	/* No usable interrupts: base still found, irq 0. Root cells
	 * default 2/1. */
	b = fb_new();
	fb_begin(b, "");
	fb_begin(b, "uart");
	fb_prop(b, "compatible", COMPAT("ns16550"));
	fb_cells(b, "reg", 3, 0x1, 0x10000000, 0x100);
	fb_prop(b, "interrupts", "\0\1", 2);
	fb_end(b);
	fb_begin(b, "test");
	fb_prop(b, "compatible", COMPAT("sifive,test0"));
	fb_cells(b, "reg", 3, 0x0, 0x100000, 0x1000);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_EQ(fi.uart_base, 0x110000000ull);
	CHECK_EQ(fi.uart_irq, 0);
	CHECK_EQ(fi.poweroff_base, 0x100000);
	free(blob);
}

TEST(reservations)
{
	static const struct fdt_range want[] = {
		{ 0x80000000, 0x20000 }, { 0xffffffff00000000ull, 0x1000 },
		{ 0x80200000, 0x10000 }, { 0x86000000, 0x1000 },
		{ 0x86100000, 0x2000 },	 { 0x1087000000ull, 0x3000 },
	};
	struct fdtb *b = fb_new();
	struct facts fi;
	uint8_t *blob;
	size_t i;

	fb_rsv(b, 0x80000000, 0x20000);
	fb_rsv(b, 0x12345000, 0); /* reserves nothing: skipped */
	fb_rsv(b, 0xffffffff00000000ull, 0x1000);
	fb_begin(b, "");
	fb_cells(b, "#address-cells", 1, 2);
	fb_cells(b, "#size-cells", 1, 2);
	fb_begin(b, "reserved-memory");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 1);
	fb_begin(b, "fw@80200000");
	fb_cells(b, "reg", 2, 0x80200000, 0x10000);
	fb_prop(b, "no-map", "", 0);
	fb_end(b);
	fb_begin(b, "buf@86000000");
	fb_cells(b, "reg", 5, 0x86000000, 0x1000, 0x86100000, 0x2000, 7);
	fb_end(b);
	fb_begin(b, "pool"); /* no reg: dynamically placed, skipped */
	fb_cells(b, "size", 1, 0x1000);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "other"); /* not under the root: not ours */
	fb_begin(b, "reserved-memory");
	fb_begin(b, "c");
	fb_cells(b, "reg", 4, 0, 0x1, 0, 0x2);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "reserved-memory"); /* a duplicate: ignored */
	fb_begin(b, "x");
	fb_cells(b, "reg", 3, 0x10, 0x87000000, 0x3000);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_INT(fi.nreserved, 5);
	for (i = 0; i < 5 && i < (size_t)fi.nreserved; i++) {
		CHECK_EQ(fi.reserved[i].base, want[i].base);
		CHECK_EQ(fi.reserved[i].size, want[i].size);
	}
	free(blob);

	/* A /reserved-memory without cells of its own: defaults 2/1. */
	b = fb_new();
	fb_begin(b, "");
	fb_begin(b, "reserved-memory");
	fb_begin(b, "x");
	fb_cells(b, "reg", 3, 0x10, 0x87000000, 0x3000);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_INT(fi.nreserved, 1);
	CHECK_EQ(fi.reserved[0].base, want[5].base);
	CHECK_EQ(fi.reserved[0].size, want[5].size);
	free(blob);
}

static int reservations_rc(int nrsv, int nchildren)
{
	struct fdtb *b = fb_new();
	int i;

	for (i = 0; i < nrsv; i++)
		fb_rsv(b, 0x1000 * (uint64_t)(i + 1), 0x1000);
	fb_begin(b, "");
	fb_begin(b, "reserved-memory");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 1);
	for (i = 0; i < nchildren; i++) {
		fb_begin(b, "r");
		fb_cells(b, "reg", 2, 0x100000 * (uint32_t)(i + 1), 0x1000);
		fb_end(b);
	}
	fb_end(b);
	fb_end(b);
	return fb_rc(b);
}

TEST(too_many_reservations)
{
	CHECK_INT(reservations_rc(FDT_MAX_RESERVED, 0), 0);
	CHECK_INT(reservations_rc(0, FDT_MAX_RESERVED), 0);
	CHECK_INT(reservations_rc(10, FDT_MAX_RESERVED - 10), 0);
	CHECK_INT(reservations_rc(FDT_MAX_RESERVED + 1, 0), -EINVAL);
	CHECK_INT(reservations_rc(0, FDT_MAX_RESERVED + 1), -EINVAL);
	CHECK_INT(reservations_rc(10, FDT_MAX_RESERVED - 9), -EINVAL);
	CHECK_INT(reservations_rc(FB_RSV_MAX, 0), -EINVAL);
}

static int nested_rc(int depth)
{
	struct fdtb *b = fb_new();
	int i;

	for (i = 0; i < depth; i++)
		fb_begin(b, i ? "n" : "");
	for (i = 0; i < depth; i++)
		fb_end(b);
	return fb_rc(b);
}

TEST(nesting)
{
	CHECK_INT(nested_rc(FDT_MAX_DEPTH), 0);
	CHECK_INT(nested_rc(FDT_MAX_DEPTH + 1), -EINVAL);
	CHECK_INT(nested_rc(5000), -EINVAL);
}

TEST(structure_ok)
{
	struct fdtb *b = fb_new();
	struct facts fi;
	uint8_t *blob;

	fb_u32(b, T_NOP);
	fb_begin(b, "");
	fb_u32(b, T_NOP);
	fb_begin(b, "chosen");
	fb_u32(b, T_NOP);
	fb_str(b, "bootargs", "x");
	fb_u32(b, T_NOP);
	fb_end(b);
	fb_u32(b, T_NOP);
	fb_end(b);
	fb_u32(b, T_NOP);
	fb_u32(b, T_END);
	fb_u32(b, 0xdeadbeef); /* after FDT_END: never looked at */
	b->no_end = true;
	CHECK_INT(fb_parse(b, &fi, &blob), 0);
	CHECK_STR(fi.bootargs, "x");
	free(blob);
}

TEST(version16)
{
	struct fdtb *b = fb_new();
	struct facts fi;
	uint8_t *blob;
	size_t len;

	fb_begin(b, "");
	fb_begin(b, "chosen");
	fb_str(b, "bootargs", "v16");
	fb_end(b);
	fb_end(b);
	blob = fb_finish(b, &len);
	/* v16 has no size_dt_struct: the parser must find the block's end
	 * from the strings block that follows it. */
	put32(blob + H_VERSION, 16);
	put32(blob + H_SIZE_STRUCT, 0xdeadbeef);
	CHECK_INT(parse_check(blob, len), 0);
	CHECK_INT(boot_facts(blob, len, &fi), 0);
	CHECK_STR(fi.bootargs, "v16");
	put32(blob + H_VERSION, 15);
	CHECK_INT(parse_check(blob, len), -EINVAL);
	free(blob);
}

/* A valid tree with one prop, to be damaged by the caller. */
static uint8_t *small_blob(size_t *len)
{
	struct fdtb *b = fb_new();

	fb_rsv(b, 0x1000, 0x1000);
	fb_begin(b, "");
	fb_begin(b, "chosen");
	fb_str(b, "bootargs", "hello");
	fb_end(b);
	fb_end(b);
	return fb_finish(b, len);
}

TEST(header_errors)
{
	static const struct {
		uint32_t field, value;
	} bad[] = {
		{ H_MAGIC, 0xd00dfeee },
		{ H_MAGIC, 0xedfe0dd0 },
		{ H_VERSION, 15 },
		{ H_VERSION, 0 },
		{ H_LAST_COMP, 18 },
		{ H_TOTALSIZE, 0 },
		{ H_TOTALSIZE, 39 },
		{ H_TOTALSIZE, 0xffffffff },
		{ H_OFF_STRUCT, 0 }, /* in the header */
		{ H_OFF_STRUCT, 36 },
		{ H_OFF_STRUCT, 0xfffffffc },
		{ H_OFF_STRINGS, 8 },
		{ H_OFF_STRINGS, 0xfffffff0 },
		{ H_OFF_RSVMAP, 0 },
		{ H_OFF_RSVMAP, 44 }, /* misaligned */
		{ H_OFF_RSVMAP, 0xfffffff8 },
		{ H_SIZE_STRUCT, 0xffffffff },
		{ H_SIZE_STRUCT, 0 },
		{ H_SIZE_STRINGS, 0xffffffff },
		{ H_SIZE_STRINGS, 0x7fffffff },
	};
	size_t len, i;
	uint8_t *blob = small_blob(&len), *copy;

	CHECK_INT(parse_check(blob, len), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		copy = dup_exact(blob, len);
		put32(copy + bad[i].field, bad[i].value);
		CHECKF(parse_check(copy, len) == -EINVAL, "field %u = 0x%x", bad[i].field,
		       bad[i].value);
		free(copy);
	}

	/* Struct and strings overlapping; struct misaligned (moved by 2
	 * with its size kept inside the blob). */
	copy = dup_exact(blob, len);
	put32(copy + H_OFF_STRINGS, get32(copy + H_OFF_STRUCT) + 4);
	put32(copy + H_SIZE_STRINGS, 8);
	CHECK_INT(parse_check(copy, len), -EINVAL);
	memcpy(copy, blob, len);
	put32(copy + H_OFF_STRUCT, get32(copy + H_OFF_STRUCT) - 2);
	CHECK_INT(parse_check(copy, len), -EINVAL);
	/* The reservation map must end with an empty entry in the blob. */
	memcpy(copy, blob, len);
	put32(copy + H_OFF_RSVMAP, (uint32_t)(len - 8) & ~7u);
	CHECK_INT(parse_check(copy, len), -EINVAL);
	free(copy);

	CHECK_INT(boot_facts(NULL, len, &(struct facts){ 0 }), -EINVAL);
	CHECK_INT(parse_check(blob, 35), -EINVAL);
	CHECK_INT(parse_check(blob, len - 1), -EINVAL);
	free(blob);
}

/* Tokens spliced into an otherwise valid tree. */
static int tree_with(void (*damage)(struct fdtb *))
{
	struct fdtb *b = fb_new();

	damage(b);
	return fb_rc(b);
}

static void bad_token(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, 5);
	fb_end(b);
}

static void zero_token(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, 0);
	fb_end(b);
}

static void prop_after_child(struct fdtb *b)
{
	fb_begin(b, "");
	fb_begin(b, "a");
	fb_end(b);
	fb_str(b, "late", "x");
	fb_end(b);
}

static void prop_before_root(struct fdtb *b)
{
	fb_str(b, "early", "x");
	fb_begin(b, "");
	fb_end(b);
}

static void prop_after_root(struct fdtb *b)
{
	fb_begin(b, "");
	fb_end(b);
	fb_str(b, "late", "x");
}

static void unmatched_end(struct fdtb *b)
{
	fb_begin(b, "");
	fb_end(b);
	fb_end(b);
}

static void no_fdt_end(struct fdtb *b)
{
	fb_begin(b, "");
	fb_end(b);
	b->no_end = true;
}

static void end_inside_root(struct fdtb *b)
{
	fb_begin(b, "");
	fb_begin(b, "a");
	fb_u32(b, T_END);
	b->no_end = true;
}

static void two_roots(struct fdtb *b)
{
	fb_begin(b, "");
	fb_end(b);
	fb_begin(b, "");
	fb_end(b);
}

static void no_root(struct fdtb *b) { fb_u32(b, T_NOP); }

static void prop_len_past_end(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, T_PROP);
	fb_u32(b, 9); /* 4 bytes of FDT_END_NODE + 4 of FDT_END */
	fb_u32(b, fb_string(b, "p"));
	fb_end(b);
}

static void prop_huge_len(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, T_PROP);
	fb_u32(b, 0xfffffffc);
	fb_u32(b, fb_string(b, "p"));
	fb_end(b);
}

static void nameoff_past_strings(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, T_PROP);
	fb_u32(b, 0);
	fb_u32(b, 2); /* strings block is "p\0" */
	fb_string(b, "p");
	fb_end(b);
}

static void nameoff_huge(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, T_PROP);
	fb_u32(b, 0);
	fb_u32(b, 0xffffffff);
	fb_end(b);
}

static void truncated_prop_header(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, T_PROP);
	fb_u32(b, 0);
	b->no_end = true;
}

/* Ends the blob with a node name that would match if read past the end. */
static void unterminated_node_name(struct fdtb *b)
{
	fb_begin(b, "");
	fb_u32(b, T_BEGIN);
	memcpy(b->st + b->slen, "cpus", 4);
	b->slen += 4;
	b->no_end = true;
}

/* A bootargs value running past the structure block, which ends the
 * blob: nothing may read it. */
static void prop_value_past_blob_end(struct fdtb *b)
{
	fb_begin(b, "");
	fb_begin(b, "chosen");
	fb_u32(b, T_PROP);
	fb_u32(b, 16); /* less than the block, more than is left */
	fb_u32(b, fb_string(b, "bootargs"));
	fb_u32(b, 0x41414141);
	b->no_end = true;
	b->strings_first = true;
}

TEST(structure_errors)
{
	CHECK_INT(tree_with(bad_token), -EINVAL);
	CHECK_INT(tree_with(zero_token), -EINVAL);
	CHECK_INT(tree_with(prop_after_child), -EINVAL);
	CHECK_INT(tree_with(prop_before_root), -EINVAL);
	CHECK_INT(tree_with(prop_after_root), -EINVAL);
	CHECK_INT(tree_with(unmatched_end), -EINVAL);
	CHECK_INT(tree_with(no_fdt_end), -EINVAL);
	CHECK_INT(tree_with(end_inside_root), -EINVAL);
	CHECK_INT(tree_with(two_roots), -EINVAL);
	CHECK_INT(tree_with(no_root), -EINVAL);
	CHECK_INT(tree_with(prop_len_past_end), -EINVAL);
	CHECK_INT(tree_with(prop_huge_len), -EINVAL);
	CHECK_INT(tree_with(nameoff_past_strings), -EINVAL);
	CHECK_INT(tree_with(nameoff_huge), -EINVAL);
	CHECK_INT(tree_with(truncated_prop_header), -EINVAL);
	CHECK_INT(tree_with(unterminated_node_name), -EINVAL);
	CHECK_INT(tree_with(prop_value_past_blob_end), -EINVAL);
}

/* Blocks must be aligned (spec 5.1), even though we would not mind. */
TEST(block_alignment)
{
	struct fdtb *b;
	size_t pad;

	for (pad = 0; pad <= 8; pad++) {
		b = fb_new();
		b->pad_struct = pad;
		fb_begin(b, "");
		fb_end(b);
		CHECKF(fb_rc(b) == (pad % 4 ? -EINVAL : 0), "struct pad %zu", pad);
		b = fb_new();
		b->pad_rsvmap = pad;
		b->pad_struct = 8 - pad;
		fb_begin(b, "");
		fb_end(b);
		CHECKF(fb_rc(b) == (pad % 8 ? -EINVAL : 0), "rsvmap pad %zu", pad);
	}
	/* The layout variant itself is fine. */
	b = fb_new();
	b->strings_first = true;
	fb_begin(b, "");
	fb_begin(b, "chosen");
	fb_str(b, "bootargs", "x");
	fb_end(b);
	fb_end(b);
	CHECK_INT(fb_rc(b), 0);
}

TEST(unterminated_prop_name)
{
	size_t len;
	uint8_t *blob = small_blob(&len);

	/* Strings block is "bootargs\0": cut the NUL off. */
	put32(blob + H_SIZE_STRINGS, get32(blob + H_SIZE_STRINGS) - 1);
	CHECK_INT(parse_check(blob, len), -EINVAL);
	free(blob);
}

TEST(error_zeroes_out)
{
	size_t len;
	uint8_t *blob = small_blob(&len);
	struct facts fi;

	memset(&fi, 0xa5, sizeof(fi));
	CHECK_INT(boot_facts(blob, len - 1, &fi), -EINVAL);
	CHECK_STR(fi.bootargs, "");
	CHECK(fi.totalsize == 0 && fi.nreserved == 0 && fi.ncpus == 0 && fi.mem.base == 0 &&
	      fi.initrd_end == 0);
	CHECK_INT(boot_facts(blob, len, &fi), 0);
	CHECK_STR(fi.bootargs, "hello");
	CHECK_INT(fi.nreserved, 1);
	free(blob);
}

/* ---- the lookups themselves ---- */

/* custom.dts, validated; NULL after a FAIL. The caller frees the blob. */
static uint8_t *custom_fdt(struct fdt *f)
{
	size_t len;
	uint8_t *blob = load_file(custom_path, &len);

	if (!CHECKF(blob, "cannot read %s", custom_path ? custom_path : "(no argument)"))
		return NULL;
	if (!CHECK_INT(fdt_init(f, blob, len), 0)) {
		free(blob);
		return NULL;
	}
	return blob;
}

static const char *name_of(const struct fdt *f, struct fdt_node n)
{
	const char *s = fdt_node_name(f, n);

	return s ? s : "(none)";
}

TEST(lookup_path)
{
	struct fdt f;
	uint8_t *blob = custom_fdt(&f);
	struct fdt_node root, n;

	if (!blob)
		return;
	root = fdt_root(&f);
	CHECK(fdt_node_ok(root) && root.parent == 0);
	CHECK_STR(name_of(&f, root), "");
	CHECK_EQ(fdt_path(&f, "/").off, root.off);
	CHECK_EQ(fdt_path(&f, "//").off, root.off);

	n = fdt_path(&f, "/chosen");
	CHECK_STR(name_of(&f, n), "chosen");
	CHECK_EQ(n.parent, root.off);
	CHECK_EQ(fdt_path(&f, "/chosen/").off, n.off);
	CHECK_EQ(fdt_subnode(&f, root, "chosen").off, n.off);

	/* Without a unit address a component matches any; with one, only
	 * that one. The first match wins. */
	CHECK_STR(name_of(&f, fdt_path(&f, "/cpus/cpu")), "cpu@0");
	CHECK_STR(name_of(&f, fdt_path(&f, "/cpus/cpu@2")), "cpu@2");
	CHECK_STR(name_of(&f, fdt_path(&f, "/soc/serial")), "serial@10010000");
	CHECK_STR(name_of(&f, fdt_path(&f, "/soc/serial@10010000")), "serial@10010000");
	CHECK_STR(name_of(&f, fdt_path(&f, "/memory")), "(none)"); /* it is ram@ */
	CHECK_STR(name_of(&f, fdt_path(&f, "/cpus/cpu-map/cluster0/core0")), "core0");
	n = fdt_path(&f, "/cpus/cpu-map/cluster0");
	CHECK_EQ(fdt_path(&f, "/cpus/cpu-map/cluster0/core0").parent, n.off);

	/* Nothing: unknown names, a wrong unit address, a property's name, a
	 * prefix of a name, a relative path, the empty string. */
	static const char *const none[] = {
		"/nope", "/cpus/cpu@3", "/soc/serial@1001000",	  "/chosen/bootargs",
		"/cpu",	 "/cpus@0",	"/soc/serial@10010000/x", "chosen",
		"",	 "/cpus/cpu@",	"/soc/interrupt",
	};
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		CHECKF(!fdt_node_ok(fdt_path(&f, none[i])), "path '%s'", none[i]);
	CHECK(!fdt_node_ok(fdt_subnode(&f, root, "cpu")));
	CHECK(!fdt_node_ok(fdt_subnode(&f, (struct fdt_node){ 0, 0 }, "chosen")));
	free(blob);
}

TEST(lookup_walk)
{
	static const struct {
		const char *name, *parent;
	} want[] = {
		{ "", NULL },
		{ "chosen", "" },
		{ "cpus", "" },
		{ "cpu@0", "cpus" },
		{ "cpu@1", "cpus" },
		{ "cpu@2", "cpus" },
		{ "cpu-map", "cpus" },
		{ "cluster0", "cpu-map" },
		{ "core0", "cluster0" },
		{ "ram@80000000", "" },
		{ "reserved-memory", "" },
		{ "fw@80200000", "reserved-memory" },
		{ "buf@86000000", "reserved-memory" },
		{ "soc", "" },
		{ "decoy@10020000", "soc" },
		{ "serial@10010000", "soc" },
		{ "interrupt-controller@c000000", "soc" },
		{ "poweroff@100000", "soc" },
	};
	static const char *const root_children[] = {
		"chosen", "cpus", "ram@80000000", "reserved-memory", "soc",
	};
	struct fdt f;
	uint8_t *blob = custom_fdt(&f);
	struct fdt_iter it;
	struct fdt_node n, c;
	size_t i = 0;

	if (!blob)
		return;
	fdt_iter_init(&f, &it);
	while (fdt_iter_next(&f, &it, &n)) {
		if (!CHECKF(i < ARRAY_SIZE(want), "extra node %s", name_of(&f, n)))
			break;
		CHECK_STR(name_of(&f, n), want[i].name);
		if (want[i].parent)
			CHECK_STR(name_of(&f, (struct fdt_node){ n.parent, 0 }), want[i].parent);
		else
			CHECK_EQ(n.parent, 0);
		i++;
	}
	CHECK_INT(i, ARRAY_SIZE(want));
	CHECK(!fdt_iter_next(&f, &it, &n)); /* stays finished */

	i = 0;
	for (c = fdt_first_child(&f, fdt_root(&f)); fdt_node_ok(c); c = fdt_next_sibling(&f, c)) {
		if (i < ARRAY_SIZE(root_children))
			CHECK_STR(name_of(&f, c), root_children[i]);
		CHECK_EQ(c.parent, fdt_root(&f).off);
		i++;
	}
	CHECK_INT(i, ARRAY_SIZE(root_children));
	/* A leaf has no children; the last child no sibling. */
	CHECK(!fdt_node_ok(fdt_first_child(&f, fdt_path(&f, "/chosen"))));
	CHECK(!fdt_node_ok(fdt_next_sibling(&f, fdt_path(&f, "/soc"))));
	CHECK(!fdt_node_ok(fdt_next_sibling(&f, fdt_root(&f))));
	CHECK(fdt_node_name_is(&f, fdt_path(&f, "/cpus/cpu@1"), "cpu"));
	CHECK(fdt_node_name_is(&f, fdt_path(&f, "/cpus/cpu@1"), "cpu@1"));
	CHECK(!fdt_node_name_is(&f, fdt_path(&f, "/cpus/cpu@1"), "cpu@2"));
	CHECK(!fdt_node_name_is(&f, fdt_path(&f, "/cpus/cpu-map"), "cpu"));
	free(blob);
}

TEST(lookup_compatible)
{
	struct fdt f;
	uint8_t *blob = custom_fdt(&f);
	struct fdt_iter it;
	struct fdt_node n;
	const char *cpus[3];
	int i = 0, which = -1;

	if (!blob)
		return;
	CHECK_STR(name_of(&f, fdt_find_compatible(&f, "ns16550")), "serial@10010000");
	CHECK_STR(name_of(&f, fdt_find_compatible(&f, "acme,ns16550")), "decoy@10020000");
	CHECK_STR(name_of(&f, fdt_find_compatible(&f, "lde,test")), "");
	CHECK_STR(name_of(&f, fdt_find_compatible(&f, "simple-bus")), "soc");
	CHECK(!fdt_node_ok(fdt_find_compatible(&f, "ns16550a")));
	CHECK(!fdt_node_ok(fdt_find_compatible(&f, "ns1655")));
	CHECK(!fdt_node_ok(fdt_find_compatible(&f, "")));

	fdt_iter_init(&f, &it);
	while (fdt_next_compatible(&f, &it, "riscv", &n))
		if (CHECK(i < 3))
			cpus[i++] = name_of(&f, n);
	if (CHECK_INT(i, 3)) {
		CHECK_STR(cpus[0], "cpu@0");
		CHECK_STR(cpus[1], "cpu@1");
		CHECK_STR(cpus[2], "cpu@2");
	}
	CHECK(!fdt_next_compatible(&f, &it, "riscv", &n));

	/* A list: each node once, with the first entry it matches. */
	const char *const list[] = { "sifive,test0", "ns16550", "riscv,plic0", NULL };
	fdt_iter_init(&f, &it);
	CHECK(fdt_next_match(&f, &it, list, &n, &which));
	CHECK_STR(name_of(&f, n), "serial@10010000");
	CHECK_INT(which, 1);
	CHECK(fdt_next_match(&f, &it, list, &n, &which));
	CHECK_STR(name_of(&f, n), "interrupt-controller@c000000");
	CHECK_INT(which, 2);
	CHECK(fdt_next_match(&f, &it, list, &n, NULL));
	CHECK_STR(name_of(&f, n), "poweroff@100000");
	CHECK(!fdt_next_match(&f, &it, list, &n, &which));

	CHECK(fdt_is_compatible(&f, fdt_path(&f, "/soc/decoy"), "ns16550ab"));
	CHECK(!fdt_is_compatible(&f, fdt_path(&f, "/soc/decoy"), "ns16550"));
	CHECK(!fdt_is_compatible(&f, fdt_path(&f, "/chosen"), "ns16550"));
	free(blob);
}

/* Devices of one kind at several depths, among others, each with its reg
 * and interrupt: what a virtio-mmio driver enumerates. */
TEST(lookup_enumerate)
{
	static const struct {
		uint64_t base;
		uint32_t irq;
	} want[] = { { 0x10001000, 1 }, { 0x10002000, 2 }, { 0x210003000, 3 }, { 0x10004000, 4 } };
	struct fdtb *b = fb_new();
	struct fdt f;
	struct fdt_iter it;
	struct fdt_node n;
	struct fdt_range r;
	uint32_t irq;
	size_t len, i = 0;
	uint8_t *blob;

	fb_begin(b, "");
	fb_begin(b, "virtio_mmio@10001000");
	fb_prop(b, "compatible", COMPAT("virtio,mmio"));
	fb_cells(b, "reg", 4, 0, 0x10001000, 0, 0x1000); /* root: 2/1 -> 3 cells */
	fb_cells(b, "interrupts", 1, 1);
	fb_end(b);
	fb_begin(b, "soc");
	fb_cells(b, "#address-cells", 1, 1);
	fb_cells(b, "#size-cells", 1, 1);
	fb_begin(b, "virtio_mmio@10002000");
	fb_prop(b, "compatible", COMPAT("acme,thing\0virtio,mmio"));
	fb_cells(b, "reg", 2, 0x10002000, 0x1000);
	fb_cells(b, "interrupts", 1, 2);
	fb_end(b);
	fb_begin(b, "other");
	fb_prop(b, "compatible", COMPAT("virtio,mmiox"));
	fb_end(b);
	fb_begin(b, "bus");
	fb_cells(b, "#address-cells", 1, 2);
	fb_cells(b, "#size-cells", 1, 2);
	fb_begin(b, "virtio_mmio@210003000");
	fb_prop(b, "compatible", COMPAT("virtio,mmio"));
	fb_cells(b, "reg", 4, 0x2, 0x10003000, 0, 0x1000);
	fb_cells(b, "interrupts", 1, 3);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "virtio_mmio@10004000");
	fb_prop(b, "compatible", COMPAT("virtio,mmio"));
	fb_cells(b, "reg", 2, 0x10004000, 0x1000);
	fb_cells(b, "interrupts", 1, 4);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	blob = fb_finish(b, &len);
	if (!CHECK_INT(fdt_init(&f, blob, len), 0)) {
		free(blob);
		return;
	}
	/* The root's default cells are 2/1: the first reg has one entry of
	 * 3 cells and a stray fourth. */
	fdt_iter_init(&f, &it);
	while (fdt_next_compatible(&f, &it, "virtio,mmio", &n)) {
		if (!CHECK(i < ARRAY_SIZE(want)))
			break;
		CHECK_INT(fdt_reg(&f, n, 0, &r), 0);
		CHECK_EQ(r.base, i == 0 ? 0x10001000 : want[i].base);
		CHECK_EQ(r.size, i == 0 ? 0 : 0x1000);
		CHECK_INT(fdt_reg(&f, n, 1, &r), -ENOENT);
		CHECK_INT(fdt_prop_cell(&f, n, "interrupts", 0, &irq), 0);
		CHECK_EQ(irq, want[i].irq);
		i++;
	}
	CHECK_INT(i, ARRAY_SIZE(want));
	free(blob);
}

TEST(lookup_props)
{
	struct fdt f;
	uint8_t *blob = custom_fdt(&f);
	struct fdt_node n, serial, cpus;
	struct fdt_range r;
	uint32_t v32, len;
	uint64_t v64;
	const char *s;
	const uint8_t *v;

	if (!blob)
		return;
	n = fdt_root(&f);
	CHECK_INT(fdt_prop_string(&f, n, "model", &s), 0);
	CHECK_STR(s, "lde custom");
	CHECK_INT(fdt_prop_string(&f, n, "nope", &s), -ENOENT);
	CHECK_EQ(fdt_address_cells(&f, n), 2); /* defaults */
	CHECK_EQ(fdt_size_cells(&f, n), 1);
	CHECK_INT(fdt_reg(&f, n, 0, &r), -ENOENT); /* the root has no parent */

	cpus = fdt_path(&f, "/cpus");
	CHECK_INT(fdt_prop_u32(&f, cpus, "#address-cells", &v32), 0);
	CHECK_EQ(v32, 1);
	CHECK_EQ(fdt_size_cells(&f, cpus), 0);
	CHECK_INT(fdt_prop_u32(&f, cpus, "timebase-frequency", &v32), -EINVAL);
	CHECK_INT(fdt_prop_u64(&f, cpus, "timebase-frequency", &v64), 0);
	CHECK_EQ(v64, 0x100000000ull);
	CHECK_INT(fdt_prop_u64(&f, cpus, "nope", &v64), -ENOENT);
	/* cpu reg: one address cell, no size */
	CHECK_INT(fdt_reg(&f, fdt_path(&f, "/cpus/cpu@2"), 0, &r), 0);
	CHECK_EQ(r.base, 2);
	CHECK_EQ(r.size, 0);

	serial = fdt_path(&f, "/soc/serial");
	v = fdt_prop(&f, serial, "interrupts", &len);
	CHECK(v != NULL && len == 8 && v > blob && v + len <= blob + f.totalsize);
	CHECK(fdt_prop(&f, serial, "interrupts", NULL) == (const void *)v);
	CHECK_INT(fdt_prop_cell(&f, serial, "interrupts", 0, &v32), 0);
	CHECK_EQ(v32, 0x21);
	CHECK_INT(fdt_prop_cell(&f, serial, "interrupts", 1, &v32), 0);
	CHECK_EQ(v32, 4);
	CHECK_INT(fdt_prop_cell(&f, serial, "interrupts", 2, &v32), -ENOENT);
	CHECK_INT(fdt_prop_u64(&f, serial, "interrupts", &v64), 0);
	CHECK_EQ(v64, 0x2100000004ull);
	CHECK_INT(fdt_reg(&f, serial, 0, &r), 0);
	CHECK_EQ(r.base, 0x10010000);
	CHECK_EQ(r.size, 0x100);
	CHECK(fdt_prop(&f, serial, "interrupt", NULL) == NULL); /* a prefix */
	CHECK(fdt_prop(&f, serial, "interruptsx", NULL) == NULL);

	n = fdt_path(&f, "/ram");
	CHECK_INT(fdt_reg(&f, n, 1, &r), 0);
	CHECK_EQ(r.base, 0x100000000ull);
	CHECK_EQ(r.size, 0x10000000);
	CHECK_INT(fdt_reg(&f, n, 2, &r), -ENOENT);
	CHECK_INT(fdt_reg(&f, fdt_path(&f, "/chosen"), 0, &r), -ENOENT);

	CHECK(fdt_stringlist_has("a\0bc\0", 5, "bc"));
	CHECK(!fdt_stringlist_has("a\0bc", 4, "bc")); /* unterminated */
	CHECK(!fdt_stringlist_has("a\0bc\0", 5, "b"));
	CHECK(fdt_stringlist_has("\0\0", 2, ""));
	CHECK(!fdt_stringlist_has("", 0, ""));
	const char *const strs[] = { "x", "bc", "a", NULL };
	CHECK_INT(fdt_stringlist_match("a\0bc\0", 5, strs), 1);
	CHECK_INT(fdt_stringlist_match("q\0", 2, strs), -1);
	free(blob);
}

/* What a malformed but valid-looking tree gives the typed getters. */
TEST(lookup_props_malformed)
{
	struct fdtb *b = fb_new();
	struct fdt f;
	struct fdt_node n, wide, zero;
	struct fdt_range r;
	uint32_t v32;
	uint64_t v64;
	const char *s = "untouched";
	size_t len;
	uint8_t *blob;

	fb_begin(b, "");
	fb_begin(b, "n");
	fb_prop(b, "str", "abc", 3); /* no NUL */
	fb_prop(b, "short", "\1\2", 2);
	fb_prop(b, "odd", "\1\2\3\4\5\6", 6);
	fb_prop(b, "empty", "", 0);
	fb_cells(b, "twice", 1, 1);
	fb_cells(b, "twice", 1, 2);		   /* the first counts */
	fb_prop(b, "#address-cells", "\0\0\1", 3); /* not one cell: default */
	fb_begin(b, "c");
	fb_cells(b, "reg", 3, 0, 0x1000, 0x10);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "wide");
	fb_cells(b, "#address-cells", 1, 3);
	fb_begin(b, "c");
	fb_cells(b, "reg", 4, 0, 0, 0x1000, 0x10);
	fb_end(b);
	fb_end(b);
	fb_begin(b, "zero");
	fb_cells(b, "#address-cells", 1, 0);
	fb_begin(b, "c");
	fb_cells(b, "reg", 1, 0x10);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	blob = fb_finish(b, &len);
	if (!CHECK_INT(fdt_init(&f, blob, len), 0)) {
		free(blob);
		return;
	}
	n = fdt_path(&f, "/n");
	CHECK_INT(fdt_prop_string(&f, n, "str", &s), -EINVAL);
	CHECK_STR(s, "untouched");
	CHECK_INT(fdt_prop_u32(&f, n, "short", &v32), -EINVAL);
	CHECK_INT(fdt_prop_u64(&f, n, "odd", &v64), -EINVAL);
	CHECK_INT(fdt_prop_cell(&f, n, "short", 0, &v32), -ENOENT);
	CHECK_INT(fdt_prop_cell(&f, n, "odd", 1, &v32), -ENOENT);
	CHECK_INT(fdt_prop_cell(&f, n, "odd", 0, &v32), 0);
	CHECK_EQ(v32, 0x01020304);
	CHECK_INT(fdt_prop_string(&f, n, "empty", &s), -EINVAL);
	CHECK_INT(fdt_prop_u32(&f, n, "twice", &v32), 0);
	CHECK_EQ(v32, 1);
	CHECK_EQ(fdt_address_cells(&f, n), 2);
	CHECK_INT(fdt_reg(&f, fdt_path(&f, "/n/c"), 0, &r), 0);
	CHECK_EQ(r.base, 0x1000);
	CHECK_EQ(r.size, 0x10);
	wide = fdt_path(&f, "/wide/c");
	CHECK_INT(fdt_reg(&f, wide, 0, &r), -EINVAL);
	zero = fdt_path(&f, "/zero/c");
	CHECK_INT(fdt_reg(&f, zero, 0, &r), -EINVAL);
	free(blob);
}

/* After a refusal, and with handles that did not come from the API:
 * nothing is found, nothing outside the blob is read (ASan). */
TEST(lookup_bad_handles)
{
	size_t len;
	uint8_t *blob = small_blob(&len);
	struct fdt f;
	struct fdt_iter it;
	struct fdt_node n;
	struct fdt_range r[FDT_MAX_RESERVED];
	const char *s = NULL;
	uint32_t v32;
	uint64_t a, b2;
	static const uint32_t offs[] = { 1, 4, 39, 40, 0x7fffffff, 0xfffffffc, 0xffffffff };

	memset(&f, 0xa5, sizeof(f));
	CHECK_INT(fdt_init(&f, blob, len - 1), -EINVAL);
	CHECK(!fdt_node_ok(fdt_root(&f)));
	CHECK(!fdt_node_ok(fdt_path(&f, "/")));
	CHECK(!fdt_node_ok(fdt_path(&f, "/chosen")));
	fdt_iter_init(&f, &it);
	CHECK(!fdt_iter_next(&f, &it, &n));
	CHECK(!fdt_node_ok(fdt_find_compatible(&f, "x")));
	CHECK_INT(fdt_reserved(&f, r, FDT_MAX_RESERVED), 0);
	CHECK_INT(fdt_memory(&f, r), -ENOENT);
	CHECK_INT(fdt_cpu_count(&f), 0);
	CHECK_EQ(fdt_timebase_hz(&f), 0);
	CHECK_INT(fdt_bootargs(&f, &s), 0);
	CHECK_STR(s, "");
	CHECK_INT(fdt_initrd(&f, &a, &b2), -ENOENT);

	CHECK_INT(fdt_init(&f, blob, len), 0);
	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		n = (struct fdt_node){ offs[i], offs[i] };
		CHECK(fdt_prop(&f, n, "bootargs", NULL) == NULL);
		CHECK(fdt_node_name(&f, n) == NULL);
		CHECK(!fdt_node_ok(fdt_first_child(&f, n)));
		CHECK(!fdt_node_ok(fdt_next_sibling(&f, n)));
		CHECK_INT(fdt_reg(&f, n, 0, r), -ENOENT);
		CHECK_INT(fdt_prop_u32(&f, n, "x", &v32), -ENOENT);
	}
	/* A handle at a property token: it is no node. */
	n = fdt_path(&f, "/chosen");
	CHECK(fdt_node_ok(n));
	n.off += 4 + 8; /* past FDT_BEGIN_NODE and "chosen\0" padded */
	CHECK(fdt_node_name(&f, n) == NULL);
	CHECK(fdt_prop(&f, n, "bootargs", NULL) == NULL);
	free(blob);
}

/* NOPs anywhere between tokens change nothing. */
TEST(lookup_nops)
{
	struct fdtb *b = fb_new();
	struct fdt f;
	struct fdt_node n;
	const char *s;
	size_t len;
	uint8_t *blob;

	fb_u32(b, T_NOP);
	fb_begin(b, "");
	fb_u32(b, T_NOP);
	fb_begin(b, "a");
	fb_u32(b, T_NOP);
	fb_str(b, "p", "x");
	fb_u32(b, T_NOP);
	fb_str(b, "q", "y");
	fb_u32(b, T_NOP);
	fb_end(b);
	fb_u32(b, T_NOP);
	fb_begin(b, "b");
	fb_end(b);
	fb_u32(b, T_NOP);
	fb_end(b);
	blob = fb_finish(b, &len);
	if (!CHECK_INT(fdt_init(&f, blob, len), 0)) {
		free(blob);
		return;
	}
	CHECK_STR(name_of(&f, fdt_root(&f)), "");
	n = fdt_first_child(&f, fdt_root(&f));
	CHECK_STR(name_of(&f, n), "a");
	CHECK_INT(fdt_prop_string(&f, n, "q", &s), 0);
	CHECK_STR(s, "y");
	CHECK_STR(name_of(&f, fdt_next_sibling(&f, n)), "b");
	CHECK_STR(name_of(&f, fdt_path(&f, "/b")), "b");
	free(blob);
}

/* The walk keeps every parent, as deep as fdt_init() allows. */
TEST(lookup_deep)
{
	struct fdtb *b = fb_new();
	struct fdt f;
	struct fdt_iter it;
	struct fdt_node n;
	uint32_t prev = 0;
	char path[3 * FDT_MAX_DEPTH + 1] = "";
	size_t len;
	int i, count = 0;
	uint8_t *blob;

	for (i = 0; i < FDT_MAX_DEPTH; i++)
		fb_begin(b, i ? "n" : "");
	for (i = 0; i < FDT_MAX_DEPTH; i++)
		fb_end(b);
	blob = fb_finish(b, &len);
	if (!CHECK_INT(fdt_init(&f, blob, len), 0)) {
		free(blob);
		return;
	}
	fdt_iter_init(&f, &it);
	while (fdt_iter_next(&f, &it, &n)) {
		CHECK_EQ(n.parent, prev);
		prev = n.off;
		count++;
	}
	CHECK_INT(count, FDT_MAX_DEPTH);
	for (i = 1; i < FDT_MAX_DEPTH; i++)
		strcat(path, "/n");
	CHECK_EQ(fdt_path(&f, path).off, prev);
	free(blob);
}

static const struct test_case cases[] = {
	TEST_CASE(virt_128m),
	TEST_CASE(virt_1g),
	TEST_CASE(virt_unaligned),
	TEST_CASE(virt_truncated_maxlen),
	TEST_CASE(virt_truncated_totalsize),
	TEST_CASE(virt_truncated_blocks),
	TEST_CASE(virt_byte_flips),
	TEST_CASE(virt_random_corruption),
	TEST_CASE(totalsize),
	TEST_CASE(custom_dtc),
	TEST_CASE(minimal_root),
	TEST_CASE(memory_cells),
	TEST_CASE(memory_match),
	TEST_CASE(cpus),
	TEST_CASE(chosen_initrd),
	TEST_CASE(bootargs),
	TEST_CASE(devices),
	TEST_CASE(reservations),
	TEST_CASE(too_many_reservations),
	TEST_CASE(nesting),
	TEST_CASE(structure_ok),
	TEST_CASE(version16),
	TEST_CASE(header_errors),
	TEST_CASE(structure_errors),
	TEST_CASE(block_alignment),
	TEST_CASE(unterminated_prop_name),
	TEST_CASE(error_zeroes_out),
	TEST_CASE(lookup_path),
	TEST_CASE(lookup_walk),
	TEST_CASE(lookup_compatible),
	TEST_CASE(lookup_enumerate),
	TEST_CASE(lookup_props),
	TEST_CASE(lookup_props_malformed),
	TEST_CASE(lookup_bad_handles),
	TEST_CASE(lookup_nops),
	TEST_CASE(lookup_deep),
};

int main(int argc, char **argv)
{
	virt128_path = argc > 1 ? argv[1] : NULL;
	virt1g_path = argc > 2 ? argv[2] : NULL;
	initrd_path = argc > 3 ? argv[3] : NULL;
	custom_path = argc > 4 ? argv[4] : NULL;
	return run_tests("fdt", cases, ARRAY_SIZE(cases));
}
