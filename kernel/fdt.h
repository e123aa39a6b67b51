/* Flattened device tree (DTB, spec v17): validation of the blob the
 * firmware hands over, then read-only lookups in it (nodes by path or by
 * compatible string, properties, reg entries), and the standard nodes every
 * kernel reads (/memory, /chosen, /cpus, reservations). What a board's
 * compatible strings mean is not here: arch/riscv/board.c reads its devices
 * through this interface. Pure code: no hardware access, unit-tested and
 * fuzzed on the host.
 *
 * Every lookup is bounded by the blocks fdt_init() checked and reads the
 * blob byte by byte (it need not be aligned). A handle that did not come
 * from these functions cannot make them read outside the blob; at worst it
 * finds nothing. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_RESERVED 16 /* reservations kmain makes room for */
#define FDT_MAX_DEPTH 16    /* nodes on a path, root included; QEMU has 5 */

struct fdt_range {
	uint64_t base, size;
};

/* A validated blob; fill with fdt_init(), then treat as opaque. Offsets
 * are from the start of the blob. */
struct fdt {
	const uint8_t *blob;
	uint32_t totalsize;
	uint32_t rsvmap_off;
	uint32_t struct_off, struct_end;
	uint32_t strings_off, strings_size;
	/* The root, its first child that is a memory node (see
	 * fdt_memory()), its first children named chosen, cpus and
	 * reserved-memory (0 if none), and how many cpu nodes that cpus
	 * has, noted while validating: the kernel reads them at every boot,
	 * and finding them again would mean walking the tree once more for
	 * each. */
	uint32_t root, memory, chosen, cpus, resmem;
	uint32_t ncpus;
};

/* A node: the offset of its FDT_BEGIN_NODE token and its parent's (so reg
 * can be decoded with the parent's cells without searching for it). off 0
 * means "no node" (the header is there); the root's parent is 0. */
struct fdt_node {
	uint32_t off, parent;
};

static inline bool fdt_node_ok(struct fdt_node n) { return n.off != 0; }

/* A depth-first walk over every node in blob order; see fdt_iter_next(). */
struct fdt_iter {
	uint32_t pos;	  /* next token to read; 0 when finished */
	int depth;	  /* nodes open at pos */
	uint32_t matched; /* the node fdt_next_match() returned last */
	uint32_t open[FDT_MAX_DEPTH];
};

/* ---- validation ---- */

/* Validate the blob at `blob`, of at most `maxlen` bytes, and make *fdt
 * describe it. Returns 0, or -EINVAL if the blob is malformed in any way:
 * bad magic, version < 16, totalsize > maxlen, blocks out of bounds or
 * overlapping the header or each other (the reservation map included, up
 * to its terminating entry), bad token, unterminated node or property
 * name, property past the block end or after a child node, nesting past
 * FDT_MAX_DEPTH, more than one root, or missing FDT_END. On error *fdt
 * describes no blob: every lookup in it finds nothing. */
int fdt_init(struct fdt *fdt, const void *blob, size_t maxlen);

/* Reads only the first 8 bytes of the header: totalsize, or 0 if the magic
 * is wrong or totalsize is too small to hold a header. Lets the kernel
 * learn how much to map before validating. */
uint32_t fdt_totalsize(const void *blob);

/* ---- nodes ---- */

struct fdt_node fdt_root(const struct fdt *fdt);

/* The node at an absolute path such as "/chosen" or "/soc/serial@10000000"
 * ("/" is the root). A component without '@' also matches a node of that
 * name with any unit address ("cpus" matches "cpus@0"); the first match
 * among siblings wins. No node: !fdt_node_ok(). */
struct fdt_node fdt_path(const struct fdt *fdt, const char *path);

/* The first child of `parent` called `name` (matched as in fdt_path). */
struct fdt_node fdt_subnode(const struct fdt *fdt, struct fdt_node parent, const char *name);

/* Children in blob order: for (c = fdt_first_child(f, n); fdt_node_ok(c);
 * c = fdt_next_sibling(f, c)). */
struct fdt_node fdt_first_child(const struct fdt *fdt, struct fdt_node node);
struct fdt_node fdt_next_sibling(const struct fdt *fdt, struct fdt_node node);

/* The node's name with its unit address (the root's is "" in a well-formed
 * tree); NULL for no node. */
const char *fdt_node_name(const struct fdt *fdt, struct fdt_node node);

/* Does the node's name equal `base`, or start with `base` followed by '@'? */
bool fdt_node_name_is(const struct fdt *fdt, struct fdt_node node, const char *base);

/* Walk every node, root first, parents before children, in blob order:
 *
 *	struct fdt_iter it;
 *	struct fdt_node n;
 *	fdt_iter_init(fdt, &it);
 *	while (fdt_iter_next(fdt, &it, &n))
 *		...
 *
 * One pass over the structure block for the whole walk. */
void fdt_iter_init(const struct fdt *fdt, struct fdt_iter *it);
bool fdt_iter_next(const struct fdt *fdt, struct fdt_iter *it, struct fdt_node *node);

/* The next node of the walk whose compatible list contains `compat`; false
 * when there is none left. The walk is the same as fdt_iter_next()'s, but
 * goes through the tokens once without stopping at every node; the two
 * may be mixed on one iterator. Enumerating every device of a kind, each
 * with its registers and interrupt:
 *
 *	fdt_iter_init(fdt, &it);
 *	while (fdt_next_compatible(fdt, &it, "virtio,mmio", &n))
 *		if (fdt_reg(fdt, n, 0, &r) == 0 &&
 *		    fdt_prop_cell(fdt, n, "interrupts", 0, &irq) == 0)
 *			...
 */
bool fdt_next_compatible(const struct fdt *fdt, struct fdt_iter *it, const char *compat,
			 struct fdt_node *node);

/* The same for a NULL-terminated list of compatible strings: the next
 * node compatible with any of them, and in *which (may be NULL) the index
 * of the first entry of `compats` that it is compatible with. */
bool fdt_next_match(const struct fdt *fdt, struct fdt_iter *it, const char *const *compats,
		    struct fdt_node *node, int *which);

/* The first node in blob order compatible with `compat`, or no node. */
struct fdt_node fdt_find_compatible(const struct fdt *fdt, const char *compat);

/* Does the node's "compatible" list contain `compat`? */
bool fdt_is_compatible(const struct fdt *fdt, struct fdt_node node, const char *compat);

/* ---- properties ---- */

/* The value of the node's property `name` and its length in *len (may be
 * NULL), pointing into the blob; NULL if the node has no such property. If
 * a (malformed) node has it twice, the first one counts. */
const void *fdt_prop(const struct fdt *fdt, struct fdt_node node, const char *name, uint32_t *len);

/* A property that is exactly one cell. 0, -ENOENT if absent, -EINVAL if
 * its length is not 4. */
int fdt_prop_u32(const struct fdt *fdt, struct fdt_node node, const char *name, uint32_t *v);

/* A number of one or two cells (e.g. timebase-frequency, initrd
 * addresses). 0, -ENOENT, or -EINVAL if the length is neither 4 nor 8. */
int fdt_prop_u64(const struct fdt *fdt, struct fdt_node node, const char *name, uint64_t *v);

/* Cell i of a property (interrupts[0]). 0, -ENOENT if absent or shorter. */
int fdt_prop_cell(const struct fdt *fdt, struct fdt_node node, const char *name, uint32_t i,
		  uint32_t *v);

/* A string property, NUL-terminated within its value. 0, -ENOENT if
 * absent, -EINVAL if no NUL ends it (then *s is left alone). */
int fdt_prop_string(const struct fdt *fdt, struct fdt_node node, const char *name, const char **s);

/* Does the stringlist value (e.g. a compatible property) contain s? A
 * trailing piece without its NUL never matches. */
bool fdt_stringlist_has(const void *val, uint32_t len, const char *s);

/* The index of the first entry of the NULL-terminated `strs` that the
 * stringlist value contains, or -1. */
int fdt_stringlist_match(const void *val, uint32_t len, const char *const *strs);

/* The node's #address-cells / #size-cells (for its children), or the
 * spec's defaults 2 and 1 if it has none of exactly one cell. */
uint32_t fdt_address_cells(const struct fdt *fdt, struct fdt_node node);
uint32_t fdt_size_cells(const struct fdt *fdt, struct fdt_node node);

/* Entry i of the node's reg, decoded with its parent's cell counts. 0,
 * -ENOENT if there is no reg or no entry i, -EINVAL if the cells are too
 * wide for 64 bits (more than 2) or #address-cells is 0. */
int fdt_reg(const struct fdt *fdt, struct fdt_node node, uint32_t i, struct fdt_range *r);

/* ---- the standard nodes (Devicetree spec, chapter 3) ---- */

/* First reg entry of the first child of the root named memory or
 * memory@... or with device_type "memory", among those with a reg entry
 * that decodes. 0 or -ENOENT. */
int fdt_memory(const struct fdt *fdt, struct fdt_range *mem);

/* Everything the firmware reserved: the memory reservation block's
 * entries (empty ones skipped), then each reg entry of each child of
 * /reserved-memory, in blob order, into out[0..max). Returns how many, or
 * -EINVAL if there are more than max (dropping one would let the kernel
 * hand out memory the firmware still uses) or one wraps past 2^64 (it
 * would reserve nothing where it should reserve much). */
int fdt_reserved(const struct fdt *fdt, struct fdt_range *out, int max);

/* Children of /cpus named cpu or cpu@... */
int fdt_cpu_count(const struct fdt *fdt);

/* /cpus timebase-frequency, else that of the first of its cpu children
 * that has a non-zero one; 0 if none. */
uint64_t fdt_timebase_hz(const struct fdt *fdt);

/* /chosen bootargs in *s, pointing into the blob; "" if absent. 0, or
 * -EINVAL (and "") if it is not NUL-terminated: the kernel uses it as a C
 * string, so it refuses such a tree. */
int fdt_bootargs(const struct fdt *fdt, const char **s);

/* /chosen linux,initrd-{start,end}. 0, or -ENOENT with both 0 unless both
 * are present, decode, and start <= end. */
int fdt_initrd(const struct fdt *fdt, uint64_t *start, uint64_t *end);
