/* Fuzz target for the newc cpio reader (kernel/cpio.c).
 *
 * The input is a candidate initrd. It is walked with cpio_next() the way
 * initrd_init() does, from a copy at an odd address (cpio.c reads bytes
 * only, but the kernel's initrd need not be aligned either), then names
 * found are looked up with cpio_find().
 *
 * Checked for each entry cpio_next() returns (cpio.h's promises):
 *   - the offset moved forward, stays 4-byte aligned (or is the end) and
 *     inside the archive; so iteration terminates, and it is also bounded
 *     by the smallest entry size;
 *   - the entry's header is at the old offset and says what was returned:
 *     magic, mode, filesize, namesize (= namelen + 1);
 *   - the name and its NUL lie inside the archive, right after the header,
 *     with no NUL before namelen; it is not "TRAILER!!!";
 *   - the data lies inside the archive, after the name, and before the
 *     next entry.
 * At the end: 0 or -EINVAL, and calling again returns the same with the
 * offset unchanged (an end stays put). Offsets that are unaligned or past
 * the end are refused, and so is a NULL archive unless it is empty.
 * cpio_find() agrees with iteration: for each name (the first and last
 * four, on long inputs), as it is or with "/" or "./" in front, it returns
 * the first regular entry with that name (the same entry), else -ENOENT,
 * or -EINVAL if the walk ended on a malformed entry. */
#include "fuzz.h"
#include "errno.h"
#include "cpio.h"

#define HDR 110
#define MIN_ENTRY (HDR + 1) /* header and a 1-byte name (just the NUL) */
#define LOOKUPS 8	    /* names looked up with cpio_find() */

static uint32_t hex_field(const uint8_t *h, int i)
{
	uint32_t v = 0;

	for (int k = 0; k < 8; k++) {
		uint8_t c = h[6 + 8 * i + k];
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static void check_find(const uint8_t *a, size_t len, const struct cpio_file *ents, size_t n,
		       int end, const char *want)
{
	const struct cpio_file *expect = NULL;
	struct cpio_file got;
	const char *w = cpio_skip_prefix(want);

	for (size_t i = 0; i < n && !expect; i++)
		if ((ents[i].mode & CPIO_S_IFMT) == CPIO_S_IFREG &&
		    strcmp(cpio_skip_prefix(ents[i].name), w) == 0)
			expect = &ents[i];

	int r = cpio_find(a, len, want, &got);
	if (expect) {
		CHECK(r == 0);
		CHECK(got.name == expect->name && got.namelen == expect->namelen &&
		      got.data == expect->data && got.size == expect->size &&
		      got.mode == expect->mode);
	} else {
		CHECK(r == (end < 0 ? -EINVAL : -ENOENT));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *a = fuzz_copy(data, size);
	struct cpio_file *ents = malloc((size / MIN_ENTRY + 1) * sizeof(*ents));
	struct cpio_file f;
	size_t off = 0, n = 0;
	int r;

	CHECK(ents != NULL);
	while ((r = cpio_next(a, size, &off, &f)) == 1) {
		CHECK(n < size / MIN_ENTRY);
		ents[n++] = f;

		/* Where this entry started: the offset before the call is
		 * gone, so find it from the name, which follows the header. */
		CHECK(fuzz_inside(f.name, f.namelen + 1, a, size));
		size_t name_off = (size_t)((const uint8_t *)f.name - a);
		CHECK(name_off >= HDR);
		const uint8_t *h = a + name_off - HDR;
		CHECK(memcmp(h, "070701", 6) == 0);
		CHECK(hex_field(h, 1) == f.mode);
		CHECK(hex_field(h, 6) == f.size);
		CHECK(hex_field(h, 11) == f.namelen + 1);
		CHECK(f.name[f.namelen] == '\0' && strlen(f.name) == f.namelen);
		CHECK(strcmp(f.name, "TRAILER!!!") != 0);

		CHECK(fuzz_inside(f.data, f.size, a, size));
		size_t data_off = (size_t)((const uint8_t *)f.data - a);
		CHECK(data_off >= name_off + f.namelen + 1);
		CHECK(data_off + f.size <= off);
		CHECK(off > name_off - HDR && off <= size);
		CHECK(off % 4 == 0 || off == size);
	}
	CHECK(r == 0 || r == -EINVAL);

	/* An end, good or bad, stays put. */
	size_t end_off = off;
	CHECK(cpio_next(a, size, &off, &f) == r && off == end_off);

	/* The entries' offsets are sequential: re-walk to compare starts. */
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t start = (size_t)((const uint8_t *)ents[i].name - a) - HDR;
		CHECK(start == o);
		CHECK(cpio_next(a, size, &o, &f) == 1 && f.name == ents[i].name);
	}

	/* Bad offsets. */
	for (size_t bad = 1; bad < 4; bad++) {
		o = bad;
		if (o != size)
			CHECK(cpio_next(a, size, &o, &f) == -EINVAL && o == bad);
	}
	o = size + 4;
	CHECK(cpio_next(a, size, &o, &f) == -EINVAL && o == size + 4);
	o = size;
	CHECK(cpio_next(a, size, &o, &f) == 0 && o == size);
	o = 0; /* no archive: only an empty one is fine */
	CHECK(cpio_next(NULL, size, &o, &f) == (size ? -EINVAL : 0) && o == 0);

	/* Lookups, with and without the prefixes users and archives add
	 * (one of the three forms per name, in turn). Each walks the archive:
	 * on long inputs only the first and last LOOKUPS / 2 names, or the
	 * cost would grow as n^2. */
	for (size_t i = 0; i < n; i++) {
		if (i == LOOKUPS / 2 && n > LOOKUPS)
			i = n - LOOKUPS / 2;
		size_t len = ents[i].namelen;
		char *p = malloc(len + 3);

		CHECK(p != NULL);
		memcpy(p + 2, ents[i].name, len + 1);
		p[0] = '.';
		p[1] = '/';
		check_find(a, size, ents, n, r, i % 3 == 0 ? ents[i].name : i % 3 == 1 ? p + 1 : p);
		free(p);
	}
	check_find(a, size, ents, n, r, "no such file: a name no entry has");
	CHECK(cpio_find(a, size, NULL, &f) == -EINVAL);

	free(ents);
	fuzz_free_copy(a);
	return 0;
}
