/* Flattened device tree parser (Devicetree Specification v0.4, DTB v17).
 *
 * One pass over the structure block with an explicit, bounded node stack.
 * Everything in the blob is hostile until checked: fields are read byte by
 * byte (the blob need not be aligned), every offset is compared against the
 * block it must lie in before it is used, and no offset arithmetic can wrap
 * because it is done in 64 bits on values below 2^32. */
#include <stdbool.h>
#include "errno.h"
#include "fdt.h"
#include "kstring.h"

#define FDT_MAGIC		0xd00dfeedu
#define FDT_FIRST_VERSION	16	/* first with the v16 header layout */
#define FDT_LAST_COMP_VERSION	17	/* newest layout we can read */
#define FDT_V16_HEADER_SIZE	36
#define FDT_V17_HEADER_SIZE	40
#define FDT_VERSION_SIZE_STRUCT	17	/* first with size_dt_struct */

/* Header field offsets, all big-endian u32. */
#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_OFF_RSVMAP		16
#define HDR_VERSION		20
#define HDR_LAST_COMP		24
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36

#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP		3
#define FDT_NOP			4
#define FDT_END			9

#define FDT_CELL_SIZE		4	/* tokens, cells and padding unit */
#define FDT_PROP_HDR_SIZE	8	/* len, nameoff */
#define FDT_RSV_ENTRY_SIZE	16	/* address, size: big-endian u64 */
#define FDT_RSVMAP_ALIGN	8
#define FDT_MAX_CELLS		2	/* wider numbers don't fit a uint64_t */

/* Spec defaults for a node without #address-cells / #size-cells. */
#define FDT_DEFAULT_ADDR_CELLS	2
#define FDT_DEFAULT_SIZE_CELLS	1

enum fdt_kind {
	KIND_OTHER,
	KIND_ROOT,
	KIND_CPUS,
	KIND_CPU,
	KIND_CHOSEN,
	KIND_RESMEM,
	KIND_RESMEM_CHILD,
};

/* A property value as an offset into the blob; off 0 means absent, since
 * the header always precedes the structure block. Offsets rather than
 * pointers keep the node stack small enough for a boot stack. */
struct fdt_prop {
	uint32_t off, len;
};

struct fdt_node {
	enum fdt_kind kind;
	bool memory_name;	/* "memory" or "memory@..." */
	bool has_children;
	uint32_t addr_cells, size_cells;	/* for this node's children */
	struct fdt_prop reg, compatible, interrupts, device_type;
};

struct fdt_ctx {
	const uint8_t *blob;
	uint32_t totalsize, rsvmap_off;
	uint64_t struct_off, struct_size;
	uint64_t strings_off, strings_size;
	struct fdt_info *out;
	bool have_mem, have_uart, have_plic, have_poweroff;
	bool seen_cpus, seen_chosen, seen_resmem;
	uint64_t cpu_timebase;	/* fallback when /cpus lacks the property */
	struct fdt_prop initrd_start, initrd_end;
	int depth;		/* index of the open node, -1 before root */
	struct fdt_node stack[FDT_MAX_DEPTH];
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static uint64_t align_cell(uint64_t off)
{
	return (off + FDT_CELL_SIZE - 1) & ~(uint64_t)(FDT_CELL_SIZE - 1);
}

/* Length of the string at p, or max if no NUL occurs in p[0..max). */
static uint64_t bounded_strlen(const uint8_t *p, uint64_t max)
{
	uint64_t n = 0;

	while (n < max && p[n] != '\0')
		n++;
	return n;
}

/* Does a block [off, off+size) lie after the header and inside the blob? */
static bool block_ok(uint32_t off, uint32_t size, uint32_t hdr_size,
		     uint32_t totalsize)
{
	return off >= hdr_size && off <= totalsize && size <= totalsize - off;
}

/* Node names are "base" or "base@unit-address". */
static bool name_is(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 &&
	       (name[n] == '\0' || name[n] == '@');
}

static const uint8_t *prop_val(const struct fdt_ctx *c, struct fdt_prop p)
{
	return c->blob + p.off;
}

/* Is the property exactly the string s (with its NUL)? */
static bool prop_streq(const struct fdt_ctx *c, struct fdt_prop p,
		       const char *s)
{
	size_t n = strlen(s) + 1;

	return p.off && p.len == n && memcmp(prop_val(c, p), s, n) == 0;
}

/* Does the stringlist property contain s? A trailing unterminated piece
 * never matches. */
static bool prop_has_string(const struct fdt_ctx *c, struct fdt_prop p,
			    const char *s)
{
	const uint8_t *v = prop_val(c, p);
	size_t want = strlen(s);
	uint32_t i = 0;

	if (!p.off)
		return false;
	while (i < p.len) {
		uint64_t n = bounded_strlen(v + i, p.len - i);

		if (n == p.len - i)
			return false;
		if (n == want && memcmp(v + i, s, want) == 0)
			return true;
		i += n + 1;
	}
	return false;
}

/* Numbers that may be one or two cells (timebase, initrd addresses). */
static bool prop_u64(const struct fdt_ctx *c, struct fdt_prop p, uint64_t *v)
{
	if (!p.off)
		return false;
	if (p.len == sizeof(uint32_t))
		*v = be32(prop_val(c, p));
	else if (p.len == sizeof(uint64_t))
		*v = be64(prop_val(c, p));
	else
		return false;
	return true;
}

static uint64_t read_cells(const uint8_t *p, uint32_t ncells)
{
	return ncells == 2 ? be64(p) : ncells == 1 ? be32(p) : 0;
}

/* Decode reg entry `i` using the parent's cell counts. False if there is
 * no such entry or the cells are too wide for us. */
static bool reg_entry(const struct fdt_ctx *c, const struct fdt_node *parent,
		      struct fdt_prop reg, uint32_t i, struct fdt_range *r)
{
	uint32_t ac = parent->addr_cells, sc = parent->size_cells;
	uint32_t entry;
	const uint8_t *v;

	if (!reg.off || ac == 0 || ac > FDT_MAX_CELLS || sc > FDT_MAX_CELLS)
		return false;
	entry = (ac + sc) * FDT_CELL_SIZE;
	if (i >= reg.len / entry)
		return false;
	v = prop_val(c, reg) + (uint64_t)i * entry;
	r->base = read_cells(v, ac);
	r->size = read_cells(v + ac * FDT_CELL_SIZE, sc);
	return true;
}

static int add_reserved(struct fdt_info *out, uint64_t base, uint64_t size)
{
	/* A range that wraps past 2^64 would reserve nothing where it should
	 * reserve a lot: refuse the tree. */
	if (out->nreserved >= FDT_MAX_RESERVED || size > UINT64_MAX - base)
		return -EINVAL;
	out->reserved[out->nreserved].base = base;
	out->reserved[out->nreserved].size = size;
	out->nreserved++;
	return 0;
}

/* Do blocks [a, a+an) and [b, b+bn) share a byte? Values below 2^33. */
static bool blocks_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

/* The reservation map has no size in the header: it ends at its
 * terminating entry, which must come before it runs into another block. */
static int parse_rsvmap(struct fdt_ctx *c)
{
	uint32_t off = c->rsvmap_off, totalsize = c->totalsize;

	for (;;) {
		uint64_t base, size;
		int err;

		if (totalsize - off < FDT_RSV_ENTRY_SIZE)
			return -EINVAL;
		base = be64(c->blob + off);
		size = be64(c->blob + off + sizeof(uint64_t));
		off += FDT_RSV_ENTRY_SIZE;
		if (base == 0 && size == 0) {
			uint64_t len = off - c->rsvmap_off;
			if (blocks_overlap(c->rsvmap_off, len, c->struct_off, c->struct_size) ||
			    blocks_overlap(c->rsvmap_off, len, c->strings_off, c->strings_size))
				return -EINVAL;
			return 0;
		}
		/* An empty reservation reserves nothing: don't waste a slot. */
		if (size == 0)
			continue;
		err = add_reserved(c->out, base, size);
		if (err)
			return err;
	}
}

static void begin_node(struct fdt_ctx *c, const char *name)
{
	struct fdt_node *n = &c->stack[c->depth];
	enum fdt_kind parent = c->depth ? c->stack[c->depth - 1].kind :
					  KIND_OTHER;

	memset(n, 0, sizeof(*n));
	n->addr_cells = FDT_DEFAULT_ADDR_CELLS;
	n->size_cells = FDT_DEFAULT_SIZE_CELLS;
	if (c->depth)
		c->stack[c->depth - 1].has_children = true;

	if (c->depth == 0) {
		n->kind = KIND_ROOT;
	} else if (parent == KIND_ROOT) {
		n->memory_name = name_is(name, "memory");
		/* Only the first of each: a duplicate would be a broken
		 * tree, and first-wins keeps the result predictable. */
		if (name_is(name, "cpus") && !c->seen_cpus) {
			n->kind = KIND_CPUS;
			c->seen_cpus = true;
		} else if (name_is(name, "chosen") && !c->seen_chosen) {
			n->kind = KIND_CHOSEN;
			c->seen_chosen = true;
		} else if (name_is(name, "reserved-memory") &&
			   !c->seen_resmem) {
			n->kind = KIND_RESMEM;
			c->seen_resmem = true;
		}
	} else if (parent == KIND_CPUS && name_is(name, "cpu")) {
		n->kind = KIND_CPU;
		c->out->ncpus++;
	} else if (parent == KIND_RESMEM) {
		n->kind = KIND_RESMEM_CHILD;
	}
}

static int handle_prop(struct fdt_ctx *c, const char *name, struct fdt_prop p)
{
	struct fdt_node *n = &c->stack[c->depth];
	const uint8_t *v = prop_val(c, p);
	uint64_t tb;

	if (strcmp(name, "#address-cells") == 0 && p.len == sizeof(uint32_t))
		n->addr_cells = be32(v);
	else if (strcmp(name, "#size-cells") == 0 && p.len == sizeof(uint32_t))
		n->size_cells = be32(v);
	else if (strcmp(name, "reg") == 0)
		n->reg = p;
	else if (strcmp(name, "compatible") == 0)
		n->compatible = p;
	else if (strcmp(name, "interrupts") == 0)
		n->interrupts = p;
	else if (strcmp(name, "device_type") == 0)
		n->device_type = p;

	switch (n->kind) {
	case KIND_CPUS:
		if (strcmp(name, "timebase-frequency") == 0 &&
		    prop_u64(c, p, &tb))
			c->out->timebase_hz = tb;
		break;
	case KIND_CPU:
		if (strcmp(name, "timebase-frequency") == 0 &&
		    !c->cpu_timebase && prop_u64(c, p, &tb))
			c->cpu_timebase = tb;
		break;
	case KIND_CHOSEN:
		if (strcmp(name, "bootargs") == 0) {
			/* The kernel will treat it as a C string. */
			if (bounded_strlen(v, p.len) == p.len)
				return -EINVAL;
			c->out->bootargs = (const char *)v;
		} else if (strcmp(name, "linux,initrd-start") == 0) {
			c->initrd_start = p;
		} else if (strcmp(name, "linux,initrd-end") == 0) {
			c->initrd_end = p;
		}
		break;
	default:
		break;
	}
	return 0;
}

static bool is_compatible(const struct fdt_ctx *c, const struct fdt_node *n,
			  const char *a, const char *b)
{
	return prop_has_string(c, n->compatible, a) ||
	       prop_has_string(c, n->compatible, b);
}

/* All of a node's properties are known once it ends, whatever their order. */
static int end_node(struct fdt_ctx *c)
{
	const struct fdt_node *n = &c->stack[c->depth];
	const struct fdt_node *parent;
	struct fdt_info *out = c->out;
	struct fdt_range r;
	bool have_reg;
	uint32_t i;
	int err;

	if (c->depth == 0)
		return 0;
	parent = &c->stack[c->depth - 1];
	have_reg = reg_entry(c, parent, n->reg, 0, &r);

	if (have_reg && !c->have_mem && parent->kind == KIND_ROOT &&
	    (n->memory_name || prop_streq(c, n->device_type, "memory"))) {
		out->mem = r;
		c->have_mem = true;
	}
	if (have_reg && !c->have_uart &&
	    is_compatible(c, n, "ns16550a", "ns16550")) {
		out->uart_base = r.base;
		if (n->interrupts.off && n->interrupts.len >= sizeof(uint32_t))
			out->uart_irq = be32(prop_val(c, n->interrupts));
		c->have_uart = true;
	}
	if (have_reg && !c->have_plic &&
	    is_compatible(c, n, "riscv,plic0", "sifive,plic-1.0.0")) {
		out->plic_base = r.base;
		out->plic_size = r.size;
		c->have_plic = true;
	}
	if (have_reg && !c->have_poweroff &&
	    is_compatible(c, n, "sifive,test0", "sifive,test1")) {
		out->poweroff_base = r.base;
		c->have_poweroff = true;
	}
	if (n->kind == KIND_RESMEM_CHILD) {
		for (i = 0; reg_entry(c, parent, n->reg, i, &r); i++) {
			err = add_reserved(out, r.base, r.size);
			if (err)
				return err;
		}
	}
	return 0;
}

/* An FDT_PROP token's payload at *off (relative to the structure block):
 * length, name offset, value, padding. */
static int walk_prop(struct fdt_ctx *c, uint64_t *off)
{
	const uint8_t *s = c->blob + c->struct_off;
	uint64_t size = c->struct_size, o = *off;
	uint32_t len, nameoff;
	const uint8_t *name;
	struct fdt_prop p;
	int err;

	/* Properties must precede child nodes (spec 5.4.1). */
	if (c->depth < 0 || c->stack[c->depth].has_children ||
	    size - o < FDT_PROP_HDR_SIZE)
		return -EINVAL;
	len = be32(s + o);
	nameoff = be32(s + o + sizeof(uint32_t));
	o += FDT_PROP_HDR_SIZE;
	if (len > size - o || nameoff >= c->strings_size)
		return -EINVAL;
	name = c->blob + c->strings_off + nameoff;
	if (bounded_strlen(name, c->strings_size - nameoff) ==
	    c->strings_size - nameoff)
		return -EINVAL;
	p.off = (uint32_t)(c->struct_off + o);
	p.len = len;
	err = handle_prop(c, (const char *)name, p);
	if (err)
		return err;
	*off = align_cell(o + len);
	return 0;
}

static int walk_struct(struct fdt_ctx *c)
{
	const uint8_t *s = c->blob + c->struct_off;
	uint64_t size = c->struct_size, off = 0;
	bool root_done = false;
	int err;

	for (;;) {
		uint32_t token;
		uint64_t n;

		/* Padding may have taken off past the end; running out of
		 * block before FDT_END is an error either way. */
		if (off > size || size - off < FDT_CELL_SIZE)
			return -EINVAL;
		token = be32(s + off);
		off += FDT_CELL_SIZE;

		switch (token) {
		case FDT_BEGIN_NODE:
			n = bounded_strlen(s + off, size - off);
			if (n == size - off || root_done ||
			    c->depth + 1 >= FDT_MAX_DEPTH)
				return -EINVAL;
			c->depth++;
			begin_node(c, (const char *)(s + off));
			off = align_cell(off + n + 1);
			break;
		case FDT_END_NODE:
			if (c->depth < 0)
				return -EINVAL;
			err = end_node(c);
			if (err)
				return err;
			if (--c->depth < 0)
				root_done = true;
			break;
		case FDT_PROP:
			err = walk_prop(c, &off);
			if (err)
				return err;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return root_done ? 0 : -EINVAL;
		default:
			return -EINVAL;
		}
	}
}

/* Checks the header and block layout, and records the blocks in c. */
static int parse_header(struct fdt_ctx *c, const uint8_t *b, size_t maxlen)
{
	uint32_t version, hdr_size, totalsize;
	uint32_t off_struct, off_strings, off_rsvmap, size_struct, size_strings;
	bool has_size_struct;

	if (!b || maxlen < FDT_V16_HEADER_SIZE ||
	    be32(b + HDR_MAGIC) != FDT_MAGIC)
		return -EINVAL;
	version = be32(b + HDR_VERSION);
	if (version < FDT_FIRST_VERSION ||
	    be32(b + HDR_LAST_COMP) > FDT_LAST_COMP_VERSION)
		return -EINVAL;
	has_size_struct = version >= FDT_VERSION_SIZE_STRUCT;
	hdr_size = has_size_struct ? FDT_V17_HEADER_SIZE : FDT_V16_HEADER_SIZE;
	totalsize = be32(b + HDR_TOTALSIZE);
	if (totalsize < hdr_size || totalsize > maxlen)
		return -EINVAL;

	off_struct = be32(b + HDR_OFF_STRUCT);
	off_strings = be32(b + HDR_OFF_STRINGS);
	off_rsvmap = be32(b + HDR_OFF_RSVMAP);
	size_strings = be32(b + HDR_SIZE_STRINGS);
	if (off_struct > totalsize)
		return -EINVAL;
	/* v16 has no size_dt_struct: the block runs up to the strings
	 * block if that follows (as dtc lays them out), else to the end. */
	if (has_size_struct)
		size_struct = be32(b + HDR_SIZE_STRUCT);
	else if (off_strings > off_struct && off_strings <= totalsize)
		size_struct = off_strings - off_struct;
	else
		size_struct = totalsize - off_struct;
	if (!block_ok(off_struct, size_struct, hdr_size, totalsize) ||
	    !block_ok(off_strings, size_strings, hdr_size, totalsize) ||
	    !block_ok(off_rsvmap, 0, hdr_size, totalsize) ||
	    off_struct % FDT_CELL_SIZE || off_rsvmap % FDT_RSVMAP_ALIGN)
		return -EINVAL;
	/* Property names must not alias structure tokens. */
	if (size_struct && size_strings &&
	    (uint64_t)off_struct < (uint64_t)off_strings + size_strings &&
	    (uint64_t)off_strings < (uint64_t)off_struct + size_struct)
		return -EINVAL;

	c->blob = b;
	c->totalsize = totalsize;
	c->rsvmap_off = off_rsvmap;
	c->struct_off = off_struct;
	c->struct_size = size_struct;
	c->strings_off = off_strings;
	c->strings_size = size_strings;
	return 0;
}

static int parse(struct fdt_ctx *c, const uint8_t *b, size_t maxlen)
{
	struct fdt_info *out = c->out;
	uint64_t v;
	int err;

	err = parse_header(c, b, maxlen);
	if (err)
		return err;
	out->totalsize = c->totalsize;
	err = parse_rsvmap(c);
	if (err)
		return err;
	c->depth = -1;
	err = walk_struct(c);
	if (err)
		return err;

	if (!out->timebase_hz)
		out->timebase_hz = c->cpu_timebase;
	if (prop_u64(c, c->initrd_start, &v)) {
		out->initrd_start = v;
		if (prop_u64(c, c->initrd_end, &v) && v >= out->initrd_start)
			out->initrd_end = v;
		else
			out->initrd_start = 0;
	}
	return 0;
}

int fdt_parse(const void *blob, size_t maxlen, struct fdt_info *out)
{
	struct fdt_ctx c;
	int err;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	out->bootargs = "";
	c.out = out;
	err = parse(&c, blob, maxlen);
	if (err) {
		memset(out, 0, sizeof(*out));
		out->bootargs = "";
	}
	return err;
}

uint32_t fdt_totalsize(const void *blob)
{
	const uint8_t *b = blob;
	uint32_t totalsize;

	if (!b || be32(b + HDR_MAGIC) != FDT_MAGIC)
		return 0;
	totalsize = be32(b + HDR_TOTALSIZE);
	return totalsize < FDT_V16_HEADER_SIZE ? 0 : totalsize;
}
