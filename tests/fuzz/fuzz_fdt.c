/* Fuzz target for the device tree (kernel/fdt.c, and arch/riscv/board.c
 * over it).
 *
 * The input is a candidate DTB. It is validated twice: as it is, with
 * maxlen the input's size, and the way kmain does it: fdt_totalsize()
 * first, then fdt_init() of exactly that many bytes, from a copy that ends
 * there (so AddressSanitizer catches a read past totalsize) at an odd
 * address (nothing may need alignment). Both must agree, and so must
 * everything read from them.
 *
 * Checked when fdt_init() accepts (fdt.h's promises, and what the kernel
 * relies on):
 *   - the header is one it says it accepts: magic, version 16 or 17,
 *     totalsize >= the header and <= maxlen, fdt->totalsize the header's;
 *   - the blocks lie inside the blob, after the header, aligned, and do
 *     not overlap one another (the reservation map's extent is found by
 *     walking it to its terminating entry, which must lie inside the blob);
 *   - every lookup, over every node the walk finds: nodes and names inside
 *     the structure block, names terminated, parents seen before their
 *     children, children by fdt_first_child/fdt_next_sibling exactly the
 *     nodes the walk gives that parent, property values inside the
 *     structure block, the typed getters agreeing with the raw bytes,
 *     fdt_path and fdt_subnode finding nodes of the asked name, and
 *     fdt_next_compatible/fdt_next_match giving exactly the walk's nodes
 *     that fdt_is_compatible says yes to, in order;
 *   - handles that did not come from the API find nothing outside the blob;
 *   - fdt_reserved(): the non-empty reservation-map entries first, in
 *     order; never more than max; no range wrapping; -EINVAL only when
 *     there are more than max or one wraps;
 *   - bootargs "" or the value of an FDT_PROP named "bootargs",
 *     NUL-terminated within it (kmain uses it as a C string); "" with
 *     -EINVAL;
 *   - initrd start <= end; cpu count no more than the block has room for.
 * Checked when it refuses: -EINVAL, and the struct fdt finds nothing.
 * Either way: totalsize 0 from fdt_totalsize(), or more than maxlen,
 * means refusal; and a NULL blob is refused. */
#include "fuzz.h"
#include "board.h"
#include "errno.h"
#include "fdt.h"

#define FDT_MAGIC 0xd00dfeedu
#define V16_HDR 36
#define V17_HDR 40
#define TOKEN_PROP 3
#define RSV_ENTRY 16
#define MIN_NODE 12    /* FDT_BEGIN_NODE, a padded name, FDT_END_NODE */
#define MAX_NODES 4096 /* the fuzzer's inputs are at most 8 KiB */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) << 32 | rd32(p + 4); }

/* Do [a, a + an) and [b, b + bn) share a byte? 64-bit sums of 32-bit
 * values: no wrap. */
static int overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

/* Names of properties and compatible strings worth asking about: those
 * the kernel reads, and some the corpus and dictionary contain. */
static const char *const prop_names[] = {
	"reg",
	"compatible",
	"interrupts",
	"#address-cells",
	"#size-cells",
	"device_type",
	"bootargs",
	"timebase-frequency",
	"linux,initrd-start",
	"status",
	"",
};
static const char *const compat_names[] = {
	"ns16550a",	     "ns16550",	     "riscv,plic0",
	"sifive,plic-1.0.0", "sifive,test0", "sifive,test1",
	"virtio,mmio",	     "riscv",	     "",
};

/* Everything the kernel takes from a tree, to compare two copies. */
struct facts {
	int nres;
	struct fdt_range res[FDT_MAX_RESERVED];
	int bootargs_rc;
	int64_t bootargs_off; /* from the blob; -1: "" */
	struct fdt_range mem;
	int mem_rc, ncpus;
	uint64_t timebase, initrd_start, initrd_end;
	struct board board;
	uint32_t nnodes, checksum; /* of the walk's offsets */
};

static void check_empty(const struct fdt *f)
{
	struct fdt_iter it;
	struct fdt_node n;
	struct fdt_range r[FDT_MAX_RESERVED];
	const char *s = NULL;
	uint64_t a = 1, b = 1;
	struct board bd;

	CHECK(f->blob == NULL && f->totalsize == 0);
	CHECK(!fdt_node_ok(fdt_root(f)) && !fdt_node_ok(fdt_path(f, "/")));
	CHECK(!fdt_node_ok(fdt_path(f, "/chosen")));
	fdt_iter_init(f, &it);
	CHECK(!fdt_iter_next(f, &it, &n));
	CHECK(!fdt_node_ok(fdt_find_compatible(f, "ns16550a")));
	CHECK(fdt_reserved(f, r, FDT_MAX_RESERVED) == 0);
	CHECK(fdt_memory(f, r) == -ENOENT);
	CHECK(fdt_cpu_count(f) == 0 && fdt_timebase_hz(f) == 0);
	CHECK(fdt_bootargs(f, &s) == 0 && s && s[0] == '\0');
	CHECK(fdt_initrd(f, &a, &b) == -ENOENT && a == 0 && b == 0);
	board_probe(f, &bd);
	CHECK(bd.uart_base == 0 && bd.uart_irq == 0 && bd.plic_base == 0 && bd.plic_size == 0 &&
	      bd.poweroff_base == 0);
}

/* The header and block layout fdt_init() promised. */
static void check_layout(const uint8_t *b, size_t maxlen, const struct fdt *f)
{
	CHECK(maxlen >= V16_HDR);
	CHECK(f->blob == b);
	CHECK(rd32(b) == FDT_MAGIC);
	uint32_t totalsize = rd32(b + 4);
	uint32_t off_struct = rd32(b + 8), off_strings = rd32(b + 12);
	uint32_t off_rsvmap = rd32(b + 16), version = rd32(b + 20);
	uint32_t last_comp = rd32(b + 24), size_strings = rd32(b + 32);

	CHECK(version >= 16 && last_comp <= 17);
	uint32_t hdr = version >= 17 ? V17_HDR : V16_HDR;
	CHECK(f->totalsize == totalsize);
	CHECK(totalsize >= hdr && totalsize <= maxlen);
	CHECK(f->struct_off == off_struct && f->strings_off == off_strings &&
	      f->strings_size == size_strings && f->rsvmap_off == off_rsvmap);

	uint64_t size_struct = f->struct_end - (uint64_t)f->struct_off;
	if (version >= 17)
		CHECK(size_struct == rd32(b + 36));
	CHECK(f->struct_end >= f->struct_off);
	CHECK(off_struct % 4 == 0 && off_rsvmap % 8 == 0);
	CHECK(off_struct >= hdr && f->struct_end <= totalsize);
	CHECK(off_strings >= hdr && (uint64_t)off_strings + size_strings <= totalsize);
	CHECK(off_rsvmap >= hdr);
	CHECK(!overlap(off_struct, size_struct, off_strings, size_strings));

	uint64_t rsv_end = off_rsvmap;
	for (;;) {
		CHECK(rsv_end + RSV_ENTRY <= totalsize);
		uint64_t base = rd64(b + rsv_end), size = rd64(b + rsv_end + 8);
		rsv_end += RSV_ENTRY;
		if (base == 0 && size == 0)
			break;
	}
	CHECK(!overlap(off_rsvmap, rsv_end - off_rsvmap, off_struct, size_struct));
	CHECK(!overlap(off_rsvmap, rsv_end - off_rsvmap, off_strings, size_strings));
}

static int in_struct(const struct fdt *f, const void *p, size_t n)
{
	return fuzz_inside(p, n, f->blob + f->struct_off, f->struct_end - f->struct_off);
}

/* What every property getter says about one node, against the raw bytes. */
static void check_props(const struct fdt *f, struct fdt_node n)
{
	for (size_t i = 0; i < ARRAY_SIZE(prop_names); i++) {
		const char *name = prop_names[i];
		uint32_t len = 0xdead, v32;
		uint64_t v64;
		const char *s;
		const uint8_t *v = fdt_prop(f, n, name, &len);

		CHECK(fdt_prop(f, n, name, NULL) == (const void *)v);
		if (!v) {
			CHECK(len == 0xdead);
			CHECK(fdt_prop_u32(f, n, name, &v32) == -ENOENT);
			CHECK(fdt_prop_u64(f, n, name, &v64) == -ENOENT);
			CHECK(fdt_prop_cell(f, n, name, 0, &v32) == -ENOENT);
			CHECK(fdt_prop_string(f, n, name, &s) == -ENOENT);
			continue;
		}
		CHECK(in_struct(f, v, len));
		int r = fdt_prop_u32(f, n, name, &v32);
		CHECK(len == 4 ? r == 0 && v32 == rd32(v) : r == -EINVAL);
		r = fdt_prop_u64(f, n, name, &v64);
		CHECK(len == 4	 ? r == 0 && v64 == rd32(v)
		      : len == 8 ? r == 0 && v64 == rd64(v)
				 : r == -EINVAL);
		for (uint32_t c = 0; c < 3; c++) {
			r = fdt_prop_cell(f, n, name, c, &v32);
			CHECK(c < len / 4 ? r == 0 && v32 == rd32(v + 4 * c) : r == -ENOENT);
		}
		s = NULL;
		r = fdt_prop_string(f, n, name, &s);
		if (memchr(v, 0, len))
			CHECK(r == 0 && s == (const char *)v);
		else
			CHECK(r == -EINVAL && s == NULL);
	}
	for (uint32_t i = 0; i < 4; i++) {
		struct fdt_range r;
		int rc = fdt_reg(f, n, i, &r);
		CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		if (rc == 0 && i > 0)
			CHECK(fdt_reg(f, n, i - 1, &r) == 0);
	}
	(void)fdt_address_cells(f, n);
	(void)fdt_size_cells(f, n);

	uint32_t clen;
	const void *cv = fdt_prop(f, n, "compatible", &clen);
	for (size_t i = 0; i < ARRAY_SIZE(compat_names); i++)
		CHECK(fdt_is_compatible(f, n, compat_names[i]) ==
		      (cv && fdt_stringlist_has(cv, clen, compat_names[i])));
}

/* The walk's nodes, in blob order: offsets strictly increase. */
static uint32_t offs[MAX_NODES], parents[MAX_NODES];

static int64_t find_node(uint32_t count, uint32_t off)
{
	uint32_t lo = 0, hi = count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (offs[mid] == off)
			return mid;
		if (offs[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Walk every node, checking each; returns the count. */
static uint32_t check_nodes(const struct fdt *f)
{
	struct fdt_iter it;
	struct fdt_node n, root = fdt_root(f);
	uint32_t count = 0;

	CHECK(fdt_node_ok(root) && root.parent == 0);
	CHECK(fdt_path(f, "/").off == root.off);
	fdt_iter_init(f, &it);
	while (fdt_iter_next(f, &it, &n)) {
		CHECK(count < MAX_NODES);
		CHECK(n.off >= f->struct_off && n.off < f->struct_end && n.off % 4 == 0);
		const char *name = fdt_node_name(f, n);
		CHECK(name && in_struct(f, name, strlen(name) + 1));
		if (count == 0) {
			CHECK(n.off == root.off && n.parent == 0);
		} else {
			CHECK(n.off > offs[count - 1]);
			CHECK(find_node(count, n.parent) >= 0); /* seen before */
		}
		offs[count] = n.off;
		parents[count] = n.parent;
		count++;
		check_props(f, n);
	}
	CHECK(count >= 1);
	CHECK((uint64_t)count * MIN_NODE <= f->struct_end - (uint64_t)f->struct_off);

	/* Children lists are exactly the walk's nodes with that parent, in
	 * order; subnode and path find a node of the asked name. */
	for (uint32_t i = 0; i < count; i++) {
		struct fdt_node p = { offs[i], parents[i] }, c;
		uint32_t next = i + 1; /* where to look for the next child */

		for (c = fdt_first_child(f, p); fdt_node_ok(c); c = fdt_next_sibling(f, c)) {
			CHECK(c.parent == p.off);
			while (next < count && parents[next] != p.off)
				next++;
			CHECK(next < count && offs[next] == c.off);
			next++;
			const char *cname = fdt_node_name(f, c);
			struct fdt_node s = fdt_subnode(f, p, cname);
			CHECK(fdt_node_ok(s) && s.off <= c.off && s.parent == p.off);
			CHECK(fdt_node_name_is(f, s, cname));
			if (i == 0 && cname[0] && strlen(cname) < 200 && !strchr(cname, '/')) {
				char path[256];
				snprintf(path, sizeof(path), "/%s", cname);
				CHECK(fdt_path(f, path).off == s.off);
			}
		}
		while (next < count && parents[next] != p.off)
			next++;
		CHECK(next == count); /* no child left out */
	}
	return count;
}

/* Compatible iteration gives exactly the walk's compatible nodes. */
static void check_compatible(const struct fdt *f, uint32_t count)
{
	for (size_t k = 0; k < ARRAY_SIZE(compat_names); k++) {
		struct fdt_iter it;
		struct fdt_node n;
		uint32_t i = 0;
		int first = 1;

		fdt_iter_init(f, &it);
		while (fdt_next_compatible(f, &it, compat_names[k], &n)) {
			while (i < count && !fdt_is_compatible(f, (struct fdt_node){ offs[i], 0 },
							       compat_names[k]))
				i++;
			CHECK(i < count && offs[i] == n.off);
			if (first)
				CHECK(fdt_find_compatible(f, compat_names[k]).off == n.off);
			first = 0;
			i++;
		}
		while (i < count)
			CHECK(!fdt_is_compatible(f, (struct fdt_node){ offs[i++], 0 },
						 compat_names[k]));
		if (first)
			CHECK(!fdt_node_ok(fdt_find_compatible(f, compat_names[k])));
	}

	/* Any of a list, with the index of the first entry matched. */
	const char *const list[] = { "ns16550a", "riscv,plic0", "sifive,test0", "virtio,mmio",
				     NULL };
	struct fdt_iter it;
	struct fdt_node n;
	int which;
	uint32_t i = 0;

	fdt_iter_init(f, &it);
	while (fdt_next_match(f, &it, list, &n, &which)) {
		uint32_t len;
		const void *v = fdt_prop(f, n, "compatible", &len);
		CHECK(v && which >= 0 && which < 4);
		CHECK(fdt_stringlist_match(v, len, list) == which);
		while (i < count && offs[i] != n.off)
			i++;
		CHECK(i < count);
		i++;
	}
}

/* Handles made up rather than found: nothing outside the blob. */
static void check_stray(const struct fdt *f, const uint8_t *data, size_t size)
{
	uint32_t offs[] = { 1,
			    4,
			    f->struct_off + 4,
			    f->struct_off + 8,
			    f->struct_end,
			    f->struct_end - 4,
			    f->strings_off,
			    f->totalsize,
			    0xfffffffc,
			    size >= 4 ? rd32(data + size - 4) : 0 };

	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		struct fdt_node n = { offs[i], offs[(i + 1) % ARRAY_SIZE(offs)] };
		uint32_t len;
		const void *v = fdt_prop(f, n, "compatible", &len);
		struct fdt_range r;

		if (v)
			CHECK(in_struct(f, v, len));
		const char *name = fdt_node_name(f, n);
		if (name)
			CHECK(in_struct(f, name, strlen(name) + 1));
		(void)fdt_reg(f, n, 0, &r);
		for (struct fdt_node c = fdt_first_child(f, n); fdt_node_ok(c);
		     c = fdt_next_sibling(f, c))
			CHECK(in_struct(f, f->blob + c.off, 4));
		(void)fdt_is_compatible(f, n, "ns16550a");
	}
}

static void gather(const struct fdt *f, struct facts *x)
{
	const char *s;

	memset(x, 0, sizeof(*x));
	x->nres = fdt_reserved(f, x->res, FDT_MAX_RESERVED);
	x->bootargs_rc = fdt_bootargs(f, &s);
	x->bootargs_off =
		fuzz_inside(s, 1, f->blob, f->totalsize) ? (const uint8_t *)s - f->blob : -1;
	if (x->bootargs_off < 0)
		CHECK(s[0] == '\0');
	x->mem_rc = fdt_memory(f, &x->mem);
	x->ncpus = fdt_cpu_count(f);
	x->timebase = fdt_timebase_hz(f);
	fdt_initrd(f, &x->initrd_start, &x->initrd_end);
	board_probe(f, &x->board);
}

/* The standard nodes, as kmain reads them. */
static void check_facts(const struct fdt *f, const struct facts *x)
{
	const uint8_t *b = f->blob;

	/* Reservations: the map's non-empty entries first. */
	CHECK(x->nres == -EINVAL || (x->nres >= 0 && x->nres <= FDT_MAX_RESERVED));
	struct fdt_range big[64];
	int nbig = fdt_reserved(f, big, 64);
	if (x->nres >= 0) {
		CHECK(nbig == x->nres);
		for (int i = 0; i < x->nres; i++)
			CHECK(x->res[i].size <= UINT64_MAX - x->res[i].base);
		uint64_t off = f->rsvmap_off;
		int k = 0;
		for (;; off += RSV_ENTRY) {
			uint64_t base = rd64(b + off), size = rd64(b + off + 8);
			if (base == 0 && size == 0)
				break;
			if (size == 0)
				continue;
			CHECK(k < x->nres && x->res[k].base == base && x->res[k].size == size);
			k++;
		}
	} else {
		/* Too many for FDT_MAX_RESERVED, or one wraps. */
		CHECK(nbig == -EINVAL || nbig > FDT_MAX_RESERVED);
	}

	/* bootargs: "" (absent or refused), or the value of a bootargs
	 * property, terminated inside it. */
	CHECK(x->bootargs_rc == 0 || x->bootargs_rc == -EINVAL);
	if (x->bootargs_rc)
		CHECK(x->bootargs_off < 0);
	if (x->bootargs_off >= 0) {
		uint64_t off = (uint64_t)x->bootargs_off;
		CHECK(off >= (uint64_t)f->struct_off + 12 && off <= f->struct_end);
		CHECK(rd32(b + off - 12) == TOKEN_PROP);
		uint32_t len = rd32(b + off - 8), nameoff = rd32(b + off - 4);
		CHECK(len <= f->struct_end - off);
		CHECK(memchr(b + off, 0, len) != NULL);
		CHECK(nameoff < f->strings_size);
		const char *name = (const char *)b + f->strings_off + nameoff;
		CHECK(strnlen(name, f->strings_size - nameoff) == strlen("bootargs") &&
		      memcmp(name, "bootargs", strlen("bootargs")) == 0);
	}

	CHECK(x->mem_rc == 0 || x->mem_rc == -ENOENT);
	CHECK(x->initrd_start <= x->initrd_end);
	CHECK(x->ncpus >= 0 &&
	      (uint64_t)x->ncpus * MIN_NODE <= f->struct_end - (uint64_t)f->struct_off);
}

static void check_same(const struct facts *x, const struct facts *y)
{
	CHECK(x->nres == y->nres);
	for (int i = 0; i < x->nres; i++)
		CHECK(x->res[i].base == y->res[i].base && x->res[i].size == y->res[i].size);
	CHECK(x->bootargs_rc == y->bootargs_rc && x->bootargs_off == y->bootargs_off);
	CHECK(x->mem_rc == y->mem_rc && x->mem.base == y->mem.base && x->mem.size == y->mem.size);
	CHECK(x->ncpus == y->ncpus && x->timebase == y->timebase);
	CHECK(x->initrd_start == y->initrd_start && x->initrd_end == y->initrd_end);
	CHECK(memcmp(&x->board, &y->board, sizeof(x->board)) == 0);
	CHECK(x->nnodes == y->nnodes && x->checksum == y->checksum);
}

static void check_accepted(const uint8_t *b, size_t maxlen, const struct fdt *f, struct facts *x)
{
	check_layout(b, maxlen, f);
	x->nnodes = check_nodes(f);
	x->checksum = 0;
	for (uint32_t i = 0; i < x->nnodes; i++)
		x->checksum = x->checksum * 31 + (offs[i] - f->struct_off);
	check_compatible(f, x->nnodes);
	check_stray(f, b, maxlen);
	uint32_t nnodes = x->nnodes, checksum = x->checksum;
	gather(f, x);
	x->nnodes = nnodes;
	x->checksum = checksum;
	check_facts(f, x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt a, b;
	struct facts fa, fb;
	int r = fdt_init(&a, data, size);

	CHECK(r == 0 || r == -EINVAL);
	if (r)
		check_empty(&a);
	else
		check_accepted(data, size, &a, &fa);

	/* No blob at all. */
	CHECK(fdt_init(&b, NULL, size) == -EINVAL);
	check_empty(&b);
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
		int r2 = fdt_init(&b, copy, ts);

		CHECK(r2 == r);
		if (r2 == 0) {
			check_accepted(copy, ts, &b, &fb);
			check_same(&fa, &fb);
		} else {
			check_empty(&b);
		}
		fuzz_free_copy(copy);
	}
	return 0;
}
