/* Fuzz target for the device-tree parser (kernel/fdt.c).
 *
 * The input is a candidate DTB. It is parsed twice: as it is, with maxlen
 * the input's size, and the way kmain does it: fdt_totalsize() first, then
 * fdt_parse() of exactly that many bytes, from a copy that ends there (so
 * AddressSanitizer catches a read past totalsize) at an odd address (the
 * parser promises not to need alignment). Both must agree.
 *
 * Checked on success (fdt.h's promises, and what kmain relies on):
 *   - the header is one the parser says it accepts: magic, version 16 or
 *     17, totalsize >= the header and <= maxlen, reported totalsize equal
 *     to the header's;
 *   - the blocks lie inside the blob, after the header, aligned, and do
 *     not overlap one another (the reservation map's extent is found by
 *     walking it to its terminating entry, which must lie inside the blob);
 *   - every non-empty reservation-map entry is reported, in order, before
 *     the /reserved-memory ones, and nreserved <= FDT_MAX_RESERVED, the
 *     unused slots zero (kmain copies them into an array of that size);
 *   - bootargs is "" or points at the value of an FDT_PROP named
 *     "bootargs" inside the structure block, NUL-terminated within that
 *     value (kmain uses it as a C string);
 *   - initrd_start <= initrd_end (kmain maps end - start bytes);
 *   - ncpus is no more than the structure block has room for.
 * Checked on failure: -EINVAL, and *out zeroed with bootargs "".
 * Either way: totalsize 0 from fdt_totalsize(), or more than maxlen,
 * means failure; and a NULL blob fails. */
#include "fuzz.h"
#include "errno.h"
#include "fdt.h"

#define FDT_MAGIC 0xd00dfeedu
#define V16_HDR 36
#define V17_HDR 40
#define TOKEN_PROP 3
#define RSV_ENTRY 16

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

/* Do [a, a + an) and [b, b + bn) share a byte? 64-bit sums of 32-bit
 * values: no wrap. */
static int overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

static void check_rejected(const struct fdt_info *info)
{
	CHECK(info->bootargs != NULL && info->bootargs[0] == '\0');
	CHECK(info->totalsize == 0);
	CHECK(info->mem.base == 0 && info->mem.size == 0);
	CHECK(info->timebase_hz == 0);
	CHECK(info->uart_base == 0 && info->uart_irq == 0);
	CHECK(info->plic_base == 0 && info->plic_size == 0);
	CHECK(info->poweroff_base == 0);
	CHECK(info->initrd_start == 0 && info->initrd_end == 0);
	CHECK(info->nreserved == 0 && info->ncpus == 0);
	for (size_t i = 0; i < ARRAY_SIZE(info->reserved); i++)
		CHECK(info->reserved[i].base == 0 && info->reserved[i].size == 0);
}

static void check_accepted(const uint8_t *b, size_t maxlen,
			   const struct fdt_info *info)
{
	CHECK(maxlen >= V16_HDR);
	CHECK(rd32(b) == FDT_MAGIC);
	uint32_t totalsize = rd32(b + 4);
	uint32_t off_struct = rd32(b + 8), off_strings = rd32(b + 12);
	uint32_t off_rsvmap = rd32(b + 16), version = rd32(b + 20);
	uint32_t last_comp = rd32(b + 24), size_strings = rd32(b + 32);

	CHECK(version >= 16 && last_comp <= 17);
	uint32_t hdr = version >= 17 ? V17_HDR : V16_HDR;
	CHECK(info->totalsize == totalsize);
	CHECK(totalsize >= hdr && totalsize <= maxlen);

	/* Blocks: aligned, after the header, inside the blob. v16 headers
	 * have no size_dt_struct: then only its start is known. */
	uint64_t size_struct = version >= 17 ? rd32(b + 36) :
				totalsize - (uint64_t)off_struct;
	CHECK(off_struct % 4 == 0 && off_rsvmap % 8 == 0);
	CHECK(off_struct >= hdr && off_struct <= totalsize);
	CHECK(off_struct + size_struct <= totalsize);
	CHECK(off_strings >= hdr && (uint64_t)off_strings + size_strings <= totalsize);
	CHECK(off_rsvmap >= hdr);
	if (version >= 17)
		CHECK(!overlap(off_struct, size_struct, off_strings, size_strings));

	/* The reservation map: terminated inside the blob; its non-empty
	 * entries come first in reserved[]. */
	uint64_t rsv_end = off_rsvmap;
	int nrsv = 0;
	for (;;) {
		CHECK(rsv_end + RSV_ENTRY <= totalsize);
		uint64_t base = rd64(b + rsv_end), size = rd64(b + rsv_end + 8);
		rsv_end += RSV_ENTRY;
		if (base == 0 && size == 0)
			break;
		if (size == 0)
			continue;
		CHECK(nrsv < info->nreserved);
		CHECK(info->reserved[nrsv].base == base &&
		      info->reserved[nrsv].size == size);
		nrsv++;
	}
	if (version >= 17) {
		CHECK(!overlap(off_rsvmap, rsv_end - off_rsvmap, off_struct, size_struct));
		CHECK(!overlap(off_rsvmap, rsv_end - off_rsvmap, off_strings, size_strings));
	}

	CHECK(info->nreserved >= 0 && info->nreserved <= FDT_MAX_RESERVED);
	for (int i = info->nreserved; i < FDT_MAX_RESERVED; i++)
		CHECK(info->reserved[i].base == 0 && info->reserved[i].size == 0);

	/* bootargs: "" (absent), or the value of a bootargs property. */
	CHECK(info->bootargs != NULL);
	if (!fuzz_inside(info->bootargs, 1, b, totalsize)) {
		CHECK(info->bootargs[0] == '\0');
	} else {
		uint64_t off = (uint64_t)((const uint8_t *)info->bootargs - b);
		/* The FDT_PROP token, len and nameoff precede the value. */
		CHECK(off >= (uint64_t)off_struct + 12);
		CHECK(off <= off_struct + size_struct);
		CHECK(rd32(b + off - 12) == TOKEN_PROP);
		uint32_t len = rd32(b + off - 8), nameoff = rd32(b + off - 4);
		CHECK(len <= off_struct + size_struct - off);
		CHECK(strnlen(info->bootargs, len) < len);
		CHECK(nameoff < size_strings);
		const char *name = (const char *)b + off_strings + nameoff;
		CHECK(strnlen(name, size_strings - nameoff) == strlen("bootargs") &&
		      memcmp(name, "bootargs", strlen("bootargs")) == 0);
	}

	CHECK(info->initrd_start <= info->initrd_end);
	/* A node takes at least FDT_BEGIN_NODE, a name padded to 4 bytes
	 * and FDT_END_NODE. */
	CHECK(info->ncpus >= 0 && (uint64_t)info->ncpus * 12 <= size_struct);
}

/* Two results for the same blob at different addresses. */
static void check_same(const struct fdt_info *x, const uint8_t *xb,
		       const struct fdt_info *y, const uint8_t *yb)
{
	CHECK(x->totalsize == y->totalsize);
	CHECK(x->mem.base == y->mem.base && x->mem.size == y->mem.size);
	CHECK(x->timebase_hz == y->timebase_hz);
	CHECK(x->uart_base == y->uart_base && x->uart_irq == y->uart_irq);
	CHECK(x->plic_base == y->plic_base && x->plic_size == y->plic_size);
	CHECK(x->poweroff_base == y->poweroff_base);
	CHECK(x->initrd_start == y->initrd_start && x->initrd_end == y->initrd_end);
	CHECK(x->ncpus == y->ncpus && x->nreserved == y->nreserved);
	for (int i = 0; i < x->nreserved; i++)
		CHECK(x->reserved[i].base == y->reserved[i].base &&
		      x->reserved[i].size == y->reserved[i].size);
	int xin = fuzz_inside(x->bootargs, 1, xb, x->totalsize);
	int yin = fuzz_inside(y->bootargs, 1, yb, y->totalsize);
	CHECK(xin == yin);
	if (xin)
		CHECK((const uint8_t *)x->bootargs - xb ==
		      (const uint8_t *)y->bootargs - yb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt_info a, b;
	int r = fdt_parse(data, size, &a);

	CHECK(r == 0 || r == -EINVAL);
	if (r)
		check_rejected(&a);
	else
		check_accepted(data, size, &a);

	/* No blob at all. */
	CHECK(fdt_parse(NULL, size, &b) == -EINVAL);
	check_rejected(&b);
	CHECK(fdt_totalsize(NULL) == 0);

	if (size < 8) {
		/* fdt_totalsize() reads 8 bytes: the kernel has them. */
		CHECK(r != 0);
		return 0;
	}
	uint32_t ts = fdt_totalsize(data);
	if (ts == 0 || ts > size)
		CHECK(r != 0);
	if (r == 0)
		CHECK(ts == a.totalsize);
	if (ts && ts <= size) {
		uint8_t *copy = fuzz_copy(data, ts);
		int r2 = fdt_parse(copy, ts, &b);

		CHECK(r2 == r);
		if (r2 == 0) {
			check_accepted(copy, ts, &b);
			check_same(&a, data, &b, copy);
		} else {
			check_rejected(&b);
		}
		fuzz_free_copy(copy);
	}
	return 0;
}
