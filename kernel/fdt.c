/* Flattened device tree (Devicetree Specification v0.4, DTB v17).
 *
 * fdt_init() validates the whole blob in one pass over the structure block:
 * everything in it is hostile until checked, fields are read byte by byte
 * (the blob need not be aligned), every offset is compared against the
 * block it must lie in before it is used, and no offset arithmetic can wrap
 * because it is done in 64 bits on values below 2^32. The lookups after it
 * walk the tokens again on demand; they keep their own bounds checks, so a
 * stray handle cannot lead them outside the structure block. */
#include "errno.h"
#include "fdt.h"
#include "kstring.h"

/* For the few helpers on every token's path: boot time is counted in
 * instructions (make bench, boot_to_init), and the compiler will not
 * inline them into each walk on its own. */
#define HOT static inline __attribute__((always_inline))

#define FDT_MAGIC 0xd00dfeedu
#define FDT_FIRST_VERSION 16	 /* first with the v16 header layout */
#define FDT_LAST_COMP_VERSION 17 /* newest layout we can read */
#define FDT_V16_HEADER_SIZE 36
#define FDT_V17_HEADER_SIZE 40
#define FDT_VERSION_SIZE_STRUCT 17 /* first with size_dt_struct */

/* Header field offsets, all big-endian u32. */
#define HDR_MAGIC 0
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_OFF_RSVMAP 16
#define HDR_VERSION 20
#define HDR_LAST_COMP 24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

#define FDT_CELL_SIZE 4	      /* tokens, cells and padding unit */
#define FDT_PROP_HDR_SIZE 8   /* len, nameoff */
#define FDT_RSV_ENTRY_SIZE 16 /* address, size: big-endian u64 */
#define FDT_RSVMAP_ALIGN 8
#define FDT_MAX_CELLS 2 /* wider numbers don't fit a uint64_t */

/* Spec defaults for a node without #address-cells / #size-cells. */
#define FDT_DEFAULT_ADDR_CELLS 2
#define FDT_DEFAULT_SIZE_CELLS 1

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

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

/* Node names are "base" or "base@unit-address"; a component with no
 * '@' matches either. */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	size_t i;

	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	if (name[len] != '@')
		return false;
	for (i = 0; i < len; i++)
		if (comp[i] == '@')
			return false;
	return true;
}

/* ---- validation ---- */

/* Does a block [off, off+size) lie after the header and inside the blob? */
static bool block_ok(uint32_t off, uint32_t size, uint32_t hdr_size, uint32_t totalsize)
{
	return off >= hdr_size && off <= totalsize && size <= totalsize - off;
}

/* Do blocks [a, a+an) and [b, b+bn) share a byte? Values below 2^33. */
static bool blocks_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

/* Checks the header and block layout, and records the blocks in f. */
static int check_header(struct fdt *f, const uint8_t *b, size_t maxlen)
{
	uint32_t version, hdr_size, totalsize;
	uint32_t off_struct, off_strings, off_rsvmap, size_struct, size_strings;
	bool has_size_struct;

	if (!b || maxlen < FDT_V16_HEADER_SIZE || be32(b + HDR_MAGIC) != FDT_MAGIC)
		return -EINVAL;
	version = be32(b + HDR_VERSION);
	if (version < FDT_FIRST_VERSION || be32(b + HDR_LAST_COMP) > FDT_LAST_COMP_VERSION)
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
	    !block_ok(off_rsvmap, 0, hdr_size, totalsize) || off_struct % FDT_CELL_SIZE ||
	    off_rsvmap % FDT_RSVMAP_ALIGN)
		return -EINVAL;
	/* Property names must not alias structure tokens. */
	if (size_struct && size_strings &&
	    (uint64_t)off_struct < (uint64_t)off_strings + size_strings &&
	    (uint64_t)off_strings < (uint64_t)off_struct + size_struct)
		return -EINVAL;

	f->blob = b;
	f->totalsize = totalsize;
	f->rsvmap_off = off_rsvmap;
	f->struct_off = off_struct;
	f->struct_end = off_struct + size_struct;
	f->strings_off = off_strings;
	f->strings_size = size_strings;
	return 0;
}

/* The reservation map has no size in the header: it ends at its
 * terminating entry, which must come before it runs into another block. */
static int check_rsvmap(const struct fdt *f)
{
	uint64_t off = f->rsvmap_off, len;
	uint64_t struct_size = f->struct_end - f->struct_off;

	for (;;) {
		if (f->totalsize - off < FDT_RSV_ENTRY_SIZE)
			return -EINVAL;
		off += FDT_RSV_ENTRY_SIZE;
		if (be64(f->blob + off - FDT_RSV_ENTRY_SIZE) == 0 &&
		    be64(f->blob + off - sizeof(uint64_t)) == 0)
			break;
	}
	len = off - f->rsvmap_off;
	if (blocks_overlap(f->rsvmap_off, len, f->struct_off, struct_size) ||
	    blocks_overlap(f->rsvmap_off, len, f->strings_off, f->strings_size))
		return -EINVAL;
	return 0;
}

/* The root's children the kernel reads at boot: the first of each name. */
static void note_root_child(struct fdt *f, const char *name, uint32_t off)
{
	if (!f->memory && name_matches(name, "memory", 6))
		f->memory = off;
	else if (!f->chosen && name_matches(name, "chosen", 6))
		f->chosen = off;
	else if (!f->cpus && name_matches(name, "cpus", 4))
		f->cpus = off;
	else if (!f->resmem && name_matches(name, "reserved-memory", 15))
		f->resmem = off;
}

/* A root child with device_type "memory" is a memory node too. */
static void note_root_child_prop(struct fdt *f, uint32_t off, const uint8_t *name,
				 const uint8_t *val, uint32_t len)
{
	static const char device_type[] = "device_type", memory[] = "memory";

	if (!f->memory && name[0] == 'd' && len == sizeof(memory) &&
	    memcmp(name, device_type, sizeof(device_type)) == 0 &&
	    memcmp(val, memory, sizeof(memory)) == 0)
		f->memory = off;
}

/* An FDT_PROP token's payload at *off (from the structure block's start):
 * length, name offset, value, padding. Properties must precede child
 * nodes (spec 5.4.1). */
static int check_prop(struct fdt *f, uint64_t *off, bool after_child, uint32_t root_child)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint64_t size = f->struct_end - f->struct_off, o = *off;
	uint32_t len, nameoff;

	if (after_child || size - o < FDT_PROP_HDR_SIZE)
		return -EINVAL;
	len = be32(s + o);
	nameoff = be32(s + o + sizeof(uint32_t));
	o += FDT_PROP_HDR_SIZE;
	if (len > size - o || nameoff >= f->strings_size)
		return -EINVAL;
	if (bounded_strlen(f->blob + f->strings_off + nameoff, f->strings_size - nameoff) ==
	    f->strings_size - nameoff)
		return -EINVAL;
	if (root_child)
		note_root_child_prop(f, root_child, f->blob + f->strings_off + nameoff, s + o, len);
	*off = align_cell(o + len);
	return 0;
}

static int check_struct(struct fdt *f)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint64_t size = f->struct_end - f->struct_off, off = 0;
	bool has_children[FDT_MAX_DEPTH];
	bool root_done = false;
	int depth = -1;		 /* index of the open node, -1 outside the root */
	uint32_t root_child = 0; /* the open child of the root */
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
			if (n == size - off || root_done || depth + 1 >= FDT_MAX_DEPTH)
				return -EINVAL;
			if (depth >= 0)
				has_children[depth] = true;
			has_children[++depth] = false;
			if (depth == 0)
				f->root = (uint32_t)(f->struct_off + off - FDT_CELL_SIZE);
			else if (depth == 1) {
				root_child = (uint32_t)(f->struct_off + off - FDT_CELL_SIZE);
				note_root_child(f, (const char *)(s + off), root_child);
			} else if (depth == 2 && root_child == f->cpus &&
				   name_matches((const char *)(s + off), "cpu", 3)) {
				f->ncpus++;
			}
			off = align_cell(off + n + 1);
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return -EINVAL;
			if (--depth < 0)
				root_done = true;
			break;
		case FDT_PROP:
			if (depth < 0)
				return -EINVAL;
			err = check_prop(f, &off, has_children[depth], depth == 1 ? root_child : 0);
			if (err)
				return err;
			break;
		case FDT_NOP: break;
		case FDT_END: return root_done ? 0 : -EINVAL;
		default: return -EINVAL;
		}
	}
}

int fdt_init(struct fdt *fdt, const void *blob, size_t maxlen)
{
	int err;

	memset(fdt, 0, sizeof(*fdt));
	err = check_header(fdt, blob, maxlen);
	if (!err)
		err = check_rsvmap(fdt);
	if (!err)
		err = check_struct(fdt);
	if (err)
		memset(fdt, 0, sizeof(*fdt));
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

/* ---- walking a validated blob ---- */

struct token {
	uint32_t tag;
	uint32_t val;	       /* BEGIN_NODE: its name; PROP: its value */
	uint32_t len, nameoff; /* PROP only */
};

/* An FDT_PROP token's payload at *pos: length, name offset, value. */
HOT bool prop_payload(const struct fdt *f, uint64_t *pos, struct token *t)
{
	uint64_t p = *pos, end = f->struct_end;

	if (end - p < FDT_PROP_HDR_SIZE)
		return false;
	t->len = be32(f->blob + p);
	t->nameoff = be32(f->blob + p + sizeof(uint32_t));
	p += FDT_PROP_HDR_SIZE;
	if (t->len > end - p)
		return false;
	t->val = (uint32_t)p;
	*pos = align_cell(p + t->len);
	return true;
}

/* Reads the token at *pos and moves *pos past it and its payload. Returns
 * its tag, or FDT_END (pos unchanged) for FDT_END and for anything that
 * would not have passed fdt_init(): on a validated blob that only happens
 * to a stray handle, which then finds nothing. */
HOT uint32_t next_token(const struct fdt *f, uint64_t *pos, struct token *t)
{
	const uint8_t *b = f->blob;
	uint64_t p = *pos, end = f->struct_end, n;

	if (p < f->struct_off || p > end || end - p < FDT_CELL_SIZE)
		return FDT_END;
	t->tag = be32(b + p);
	p += FDT_CELL_SIZE;
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		n = bounded_strlen(b + p, end - p);
		if (n == end - p)
			return FDT_END;
		t->val = (uint32_t)p;
		p = align_cell(p + n + 1);
		break;
	case FDT_PROP:
		if (!prop_payload(f, &p, t))
			return FDT_END;
		break;
	case FDT_END_NODE:
	case FDT_NOP: break;
	default: return FDT_END;
	}
	/* Unpadded last token: keep positions below 2^32. */
	*pos = p > end ? end : p;
	return t->tag;
}

/* The property at *pos, NOPs skipped, and *pos moved past it; false at
 * the node's first child or its end, which are not read further (a
 * property lookup has no use for the next node's name). */
HOT bool next_prop(const struct fdt *f, uint64_t *pos, struct token *t)
{
	uint64_t p = *pos, end = f->struct_end;
	uint32_t tag;

	for (;;) {
		if (p < f->struct_off || p > end || end - p < FDT_CELL_SIZE)
			return false;
		tag = be32(f->blob + p);
		p += FDT_CELL_SIZE;
		if (tag == FDT_PROP)
			break;
		if (tag != FDT_NOP)
			return false;
	}
	if (!prop_payload(f, &p, t))
		return false;
	*pos = p > end ? end : p;
	return true;
}

/* Is the property name at nameoff exactly `name`, n = strlen(name) + 1?
 * Most names differ in their first byte: that test saves a call. */
HOT bool prop_name_is(const struct fdt *f, uint32_t nameoff, const char *name, size_t n)
{
	const uint8_t *p;

	if (nameoff >= f->strings_size || n > f->strings_size - nameoff)
		return false;
	p = f->blob + f->strings_off + nameoff;
	return p[0] == (uint8_t)name[0] && memcmp(p, name, n) == 0;
}

/* The node's FDT_BEGIN_NODE token in *t, and in *pos what follows it. */
static bool open_node(const struct fdt *f, struct fdt_node n, uint64_t *pos, struct token *t)
{
	*pos = n.off;
	return n.off && next_token(f, pos, t) == FDT_BEGIN_NODE;
}

/* Position of the first token after the node's properties, or 0. */
static uint64_t skip_props(const struct fdt *f, struct fdt_node n)
{
	struct token t;
	uint64_t pos, at;

	if (!open_node(f, n, &pos, &t))
		return 0;
	do
		at = pos;
	while (next_prop(f, &pos, &t));
	return at;
}

/* The node whose FDT_BEGIN_NODE token is at pos or after NOPs from it. */
static struct fdt_node node_from(const struct fdt *f, uint64_t pos, uint32_t parent)
{
	struct token t;
	uint64_t at;

	for (;;) {
		at = pos;
		switch (next_token(f, &pos, &t)) {
		case FDT_NOP: break;
		case FDT_BEGIN_NODE: return (struct fdt_node){ (uint32_t)at, parent };
		default: return (struct fdt_node){ 0, 0 };
		}
	}
}

/* ---- nodes ---- */

struct fdt_node fdt_root(const struct fdt *fdt) { return (struct fdt_node){ fdt->root, 0 }; }

struct fdt_node fdt_first_child(const struct fdt *fdt, struct fdt_node node)
{
	uint64_t pos = skip_props(fdt, node);

	return pos ? node_from(fdt, pos, node.off) : (struct fdt_node){ 0, 0 };
}

struct fdt_node fdt_next_sibling(const struct fdt *fdt, struct fdt_node node)
{
	struct token t;
	uint64_t pos = node.off;
	int depth = 0;

	if (!node.off)
		return node;
	/* Skip the node's subtree. */
	do {
		switch (next_token(fdt, &pos, &t)) {
		case FDT_BEGIN_NODE: depth++; break;
		case FDT_END_NODE: depth--; break;
		case FDT_PROP:
		case FDT_NOP: break;
		default: return (struct fdt_node){ 0, 0 };
		}
	} while (depth > 0);
	return node_from(fdt, pos, node.parent);
}

const char *fdt_node_name(const struct fdt *fdt, struct fdt_node node)
{
	struct token t;
	uint64_t pos;

	return open_node(fdt, node, &pos, &t) ? (const char *)fdt->blob + t.val : NULL;
}

bool fdt_node_name_is(const struct fdt *fdt, struct fdt_node node, const char *base)
{
	const char *name = fdt_node_name(fdt, node);

	return name && name_matches(name, base, strlen(base));
}

static struct fdt_node subnode(const struct fdt *fdt, struct fdt_node parent, const char *comp,
			       size_t len)
{
	struct fdt_node c;

	for (c = fdt_first_child(fdt, parent); fdt_node_ok(c); c = fdt_next_sibling(fdt, c))
		if (name_matches(fdt_node_name(fdt, c), comp, len))
			break;
	return c;
}

struct fdt_node fdt_subnode(const struct fdt *fdt, struct fdt_node parent, const char *name)
{
	return subnode(fdt, parent, name, strlen(name));
}

struct fdt_node fdt_path(const struct fdt *fdt, const char *path)
{
	struct fdt_node n = fdt_root(fdt);
	size_t len;

	if (path[0] != '/')
		return (struct fdt_node){ 0, 0 };
	while (fdt_node_ok(n)) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		for (len = 0; path[len] && path[len] != '/'; len++)
			;
		n = subnode(fdt, n, path, len);
		path += len;
	}
	return n;
}

void fdt_iter_init(const struct fdt *fdt, struct fdt_iter *it)
{
	it->pos = fdt->struct_off;
	it->depth = 0;
	it->matched = 0;
}

bool fdt_iter_next(const struct fdt *fdt, struct fdt_iter *it, struct fdt_node *node)
{
	struct token t;

	while (it->pos) {
		uint64_t pos = it->pos;
		uint32_t at = it->pos;

		switch (next_token(fdt, &pos, &t)) {
		case FDT_BEGIN_NODE:
			/* fdt_init() bounded the depth; a stale walk stops. */
			if (it->depth < 0 || it->depth >= FDT_MAX_DEPTH)
				break;
			it->pos = (uint32_t)pos;
			node->off = at;
			node->parent = it->depth ? it->open[it->depth - 1] : 0;
			it->open[it->depth++] = at;
			return true;
		case FDT_END_NODE:
			if (it->depth > 0)
				it->depth--;
			it->pos = (uint32_t)pos;
			continue;
		case FDT_PROP:
		case FDT_NOP: it->pos = (uint32_t)pos; continue;
		default: break;
		}
		it->pos = 0;
	}
	return false;
}

bool fdt_next_match(const struct fdt *fdt, struct fdt_iter *it, const char *const *compats,
		    struct fdt_node *node, int *which)
{
	static const char compatible[] = "compatible";
	struct token t;
	int w;

	while (it->pos) {
		uint64_t pos = it->pos;
		uint32_t at = it->pos, open;

		switch (next_token(fdt, &pos, &t)) {
		case FDT_BEGIN_NODE:
			if (it->depth < 0 || it->depth >= FDT_MAX_DEPTH)
				break;
			it->open[it->depth++] = at;
			it->pos = (uint32_t)pos;
			continue;
		case FDT_END_NODE:
			if (it->depth > 0)
				it->depth--;
			it->pos = (uint32_t)pos;
			continue;
		case FDT_PROP:
			it->pos = (uint32_t)pos;
			if (it->depth <= 0 ||
			    !prop_name_is(fdt, t.nameoff, compatible, sizeof(compatible)))
				continue;
			/* Only a node's first compatible counts (as in
			 * fdt_prop()), and the node is returned once. */
			open = it->open[it->depth - 1];
			if (open == it->matched)
				continue;
			it->matched = open;
			w = fdt_stringlist_match(fdt->blob + t.val, t.len, compats);
			if (w < 0)
				continue;
			node->off = open;
			node->parent = it->depth > 1 ? it->open[it->depth - 2] : 0;
			if (which)
				*which = w;
			return true;
		case FDT_NOP: it->pos = (uint32_t)pos; continue;
		default: break;
		}
		it->pos = 0;
	}
	return false;
}

bool fdt_next_compatible(const struct fdt *fdt, struct fdt_iter *it, const char *compat,
			 struct fdt_node *node)
{
	const char *const compats[] = { compat, NULL };

	return fdt_next_match(fdt, it, compats, node, NULL);
}

struct fdt_node fdt_find_compatible(const struct fdt *fdt, const char *compat)
{
	struct fdt_iter it;
	struct fdt_node n;

	fdt_iter_init(fdt, &it);
	return fdt_next_compatible(fdt, &it, compat, &n) ? n : (struct fdt_node){ 0, 0 };
}

bool fdt_is_compatible(const struct fdt *fdt, struct fdt_node node, const char *compat)
{
	uint32_t len;
	const void *v = fdt_prop(fdt, node, "compatible", &len);

	return v && fdt_stringlist_has(v, len, compat);
}

/* ---- properties ---- */

const void *fdt_prop(const struct fdt *fdt, struct fdt_node node, const char *name, uint32_t *len)
{
	size_t n = strlen(name) + 1;
	struct token t;
	uint64_t pos;

	if (!open_node(fdt, node, &pos, &t))
		return NULL;
	while (next_prop(fdt, &pos, &t)) {
		if (prop_name_is(fdt, t.nameoff, name, n)) {
			if (len)
				*len = t.len;
			return fdt->blob + t.val;
		}
	}
	return NULL;
}

int fdt_prop_u32(const struct fdt *fdt, struct fdt_node node, const char *name, uint32_t *v)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len != sizeof(uint32_t))
		return -EINVAL;
	*v = be32(p);
	return 0;
}

int fdt_prop_u64(const struct fdt *fdt, struct fdt_node node, const char *name, uint64_t *v)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len == sizeof(uint32_t))
		*v = be32(p);
	else if (len == sizeof(uint64_t))
		*v = be64(p);
	else
		return -EINVAL;
	return 0;
}

int fdt_prop_cell(const struct fdt *fdt, struct fdt_node node, const char *name, uint32_t i,
		  uint32_t *v)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(fdt, node, name, &len);

	if (!p || i >= len / FDT_CELL_SIZE)
		return -ENOENT;
	*v = be32(p + (uint64_t)i * FDT_CELL_SIZE);
	return 0;
}

int fdt_prop_string(const struct fdt *fdt, struct fdt_node node, const char *name, const char **s)
{
	uint32_t len;
	const uint8_t *p = fdt_prop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (bounded_strlen(p, len) == len)
		return -EINVAL;
	*s = (const char *)p;
	return 0;
}

int fdt_stringlist_match(const void *val, uint32_t len, const char *const *strs)
{
	const char *v = val;
	uint32_t i = 0;
	int best = -1;

	while (i < len) {
		uint64_t n = bounded_strlen((const uint8_t *)v + i, len - i);

		if (n == len - i)
			break;
		/* v + i is NUL-terminated inside the value. */
		for (int k = 0; strs[k] && (best < 0 || k < best); k++) {
			if (strs[k][0] == v[i] && strcmp(v + i, strs[k]) == 0) {
				best = k;
				break;
			}
		}
		i += n + 1;
	}
	return best;
}

bool fdt_stringlist_has(const void *val, uint32_t len, const char *s)
{
	const char *const strs[] = { s, NULL };

	return fdt_stringlist_match(val, len, strs) == 0;
}

/* #address-cells and #size-cells in one pass over the node's properties
 * (reg needs both); the first of each counts, if it is one cell. */
static void node_cells(const struct fdt *fdt, struct fdt_node node, uint32_t *ac, uint32_t *sc)
{
	static const char acells[] = "#address-cells", scells[] = "#size-cells";
	bool have_ac = false, have_sc = false;
	struct token t;
	uint64_t pos;

	*ac = FDT_DEFAULT_ADDR_CELLS;
	*sc = FDT_DEFAULT_SIZE_CELLS;
	if (!open_node(fdt, node, &pos, &t))
		return;
	while (next_prop(fdt, &pos, &t)) {
		if (!have_ac && prop_name_is(fdt, t.nameoff, acells, sizeof(acells))) {
			have_ac = true;
			if (t.len == sizeof(uint32_t))
				*ac = be32(fdt->blob + t.val);
		} else if (!have_sc && prop_name_is(fdt, t.nameoff, scells, sizeof(scells))) {
			have_sc = true;
			if (t.len == sizeof(uint32_t))
				*sc = be32(fdt->blob + t.val);
		}
	}
}

uint32_t fdt_address_cells(const struct fdt *fdt, struct fdt_node node)
{
	uint32_t ac, sc;

	node_cells(fdt, node, &ac, &sc);
	return ac;
}

uint32_t fdt_size_cells(const struct fdt *fdt, struct fdt_node node)
{
	uint32_t ac, sc;

	node_cells(fdt, node, &ac, &sc);
	return sc;
}

static uint64_t read_cells(const uint8_t *p, uint32_t ncells)
{
	return ncells == 2 ? be64(p) : ncells == 1 ? be32(p) : 0;
}

int fdt_reg(const struct fdt *fdt, struct fdt_node node, uint32_t i, struct fdt_range *r)
{
	struct fdt_node parent = { node.parent, 0 };
	uint32_t len, ac, sc, entry;
	const uint8_t *v;

	/* The root's reg, if any, has no parent to say how to read it. */
	if (!node.parent)
		return -ENOENT;
	v = fdt_prop(fdt, node, "reg", &len);
	if (!v)
		return -ENOENT;
	node_cells(fdt, parent, &ac, &sc);
	if (ac == 0 || ac > FDT_MAX_CELLS || sc > FDT_MAX_CELLS)
		return -EINVAL;
	entry = (ac + sc) * FDT_CELL_SIZE;
	if (i >= len / entry)
		return -ENOENT;
	v += (uint64_t)i * entry;
	r->base = read_cells(v, ac);
	r->size = read_cells(v + ac * FDT_CELL_SIZE, sc);
	return 0;
}

/* ---- the standard nodes ---- */

static bool is_memory(const struct fdt *fdt, struct fdt_node n)
{
	static const char memory[] = "memory";
	uint32_t len;
	const void *v;

	if (fdt_node_name_is(fdt, n, memory))
		return true;
	v = fdt_prop(fdt, n, "device_type", &len);
	return v && len == sizeof(memory) && memcmp(v, memory, sizeof(memory)) == 0;
}

int fdt_memory(const struct fdt *fdt, struct fdt_range *mem)
{
	struct fdt_node n;

	/* From the first memory node fdt_init() saw, to those after it if
	 * its reg is no good. */
	for (n = (struct fdt_node){ fdt->memory, fdt->root }; fdt_node_ok(n);
	     n = fdt_next_sibling(fdt, n))
		if (is_memory(fdt, n) && fdt_reg(fdt, n, 0, mem) == 0)
			return 0;
	return -ENOENT;
}

static int add_reserved(struct fdt_range *out, int *n, int max, uint64_t base, uint64_t size)
{
	if (*n >= max || size > UINT64_MAX - base)
		return -EINVAL;
	out[*n].base = base;
	out[*n].size = size;
	(*n)++;
	return 0;
}

int fdt_reserved(const struct fdt *fdt, struct fdt_range *out, int max)
{
	struct fdt_node resmem, c;
	struct fdt_range r;
	uint64_t off;
	uint32_t i;
	int n = 0, err;

	/* fdt_init() found the terminating entry inside the blob. */
	for (off = fdt->rsvmap_off; fdt->blob && fdt->totalsize - off >= FDT_RSV_ENTRY_SIZE;
	     off += FDT_RSV_ENTRY_SIZE) {
		r.base = be64(fdt->blob + off);
		r.size = be64(fdt->blob + off + sizeof(uint64_t));
		if (r.base == 0 && r.size == 0)
			break;
		/* An empty reservation reserves nothing: don't waste a slot. */
		if (r.size == 0)
			continue;
		err = add_reserved(out, &n, max, r.base, r.size);
		if (err)
			return err;
	}
	resmem = (struct fdt_node){ fdt->resmem, fdt->root };
	for (c = fdt_first_child(fdt, resmem); fdt_node_ok(c); c = fdt_next_sibling(fdt, c)) {
		for (i = 0; fdt_reg(fdt, c, i, &r) == 0; i++) {
			err = add_reserved(out, &n, max, r.base, r.size);
			if (err)
				return err;
		}
	}
	return n;
}

int fdt_cpu_count(const struct fdt *fdt) { return (int)fdt->ncpus; }

uint64_t fdt_timebase_hz(const struct fdt *fdt)
{
	struct fdt_node cpus = { fdt->cpus, fdt->root }, c;
	uint64_t hz;

	if (fdt_prop_u64(fdt, cpus, "timebase-frequency", &hz) == 0 && hz)
		return hz;
	for (c = fdt_first_child(fdt, cpus); fdt_node_ok(c); c = fdt_next_sibling(fdt, c))
		if (fdt_node_name_is(fdt, c, "cpu") &&
		    fdt_prop_u64(fdt, c, "timebase-frequency", &hz) == 0 && hz)
			return hz;
	return 0;
}

int fdt_bootargs(const struct fdt *fdt, const char **s)
{
	const char *v;
	struct fdt_node chosen = { fdt->chosen, fdt->root };
	int err = fdt_prop_string(fdt, chosen, "bootargs", &v);

	*s = err ? "" : v;
	return err == -ENOENT ? 0 : err;
}

int fdt_initrd(const struct fdt *fdt, uint64_t *start, uint64_t *end)
{
	struct fdt_node chosen = { fdt->chosen, fdt->root };
	uint64_t s, e;

	*start = *end = 0;
	if (fdt_prop_u64(fdt, chosen, "linux,initrd-start", &s) ||
	    fdt_prop_u64(fdt, chosen, "linux,initrd-end", &e) || e < s)
		return -ENOENT;
	*start = s;
	*end = e;
	return 0;
}
