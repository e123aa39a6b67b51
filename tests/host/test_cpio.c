/* Host tests for kernel/cpio.c.
 * Usage: test_cpio PLAIN.cpio DOT.cpio
 * Both archives hold the tree host.mk builds (see the table below), made
 * by `cpio -o -H newc`; DOT, from `find .`, also has a "." entry. GNU cpio
 * strips "./" from names, so archives with "./hello" entries (as other
 * tools write them) and damaged ones are built here, byte by byte. */
#include "check.h"
#include "cpio.h"
#include "errno.h"

#define NEWC_HDR_SIZE 110
#define NEWC_FIELDS 13
#define NEWC_FIELD_LEN 8
#define NEWC_MAGIC_LEN 6
#define F_MODE 1 /* field indices */
#define F_FILESIZE 6
#define F_NAMESIZE 11
#define MODE_REG 0100644
#define MODE_DIR 0040755
#define MODE_LNK 0120777
#define BIG_SIZE 5000

static const char *plain_path, *dot_path;

struct want_file {
	const char *name;
	const char *data; /* NULL: the big file, "lde\n" repeated */
	size_t size;
};

/* Must match the tree in tests/host/host.mk. */
static const struct want_file files[] = {
	{ "a", "1", 1 },	 { "bb", "22", 2 },	{ "big", NULL, BIG_SIZE },
	{ "ccc", "333", 3 },	 { "dddd", "4444", 4 }, { "dir/nested.txt", "nested\n", 7 },
	{ "eeeee", "55555", 5 }, { "empty", "", 0 },	{ "hello", "hello, world\n", 13 },
};

/* Every entry of the tree, in archive (C sort) order, and its type. */
static const struct {
	const char *name;
	uint32_t type;
} entries[] = {
	{ "a", CPIO_S_IFREG },
	{ "bb", CPIO_S_IFREG },
	{ "big", CPIO_S_IFREG },
	{ "ccc", CPIO_S_IFREG },
	{ "dddd", CPIO_S_IFREG },
	{ "dir", CPIO_S_IFDIR },
	{ "dir/nested.txt", CPIO_S_IFREG },
	{ "dir/sub", CPIO_S_IFDIR },
	{ "eeeee", CPIO_S_IFREG },
	{ "empty", CPIO_S_IFREG },
	{ "hello", CPIO_S_IFREG },
	{ "link", 0120000 },
};

static bool data_ok(const struct want_file *w, const struct cpio_file *f)
{
	const uint8_t *d = f->data;
	size_t i;

	if (f->size != w->size)
		return false;
	if (w->data)
		return memcmp(d, w->data, w->size) == 0;
	for (i = 0; i < w->size; i++)
		if (d[i] != "lde\n"[i % 4])
			return false;
	return true;
}

/* What every returned entry must satisfy, whatever the input. */
static void check_entry(const uint8_t *a, size_t len, size_t off_before, size_t off_after,
			const struct cpio_file *f)
{
	const uint8_t *name = (const uint8_t *)f->name;
	const uint8_t *data = f->data;

	CHECK(name >= a + off_before + NEWC_HDR_SIZE && name + f->namelen < a + len);
	CHECK(name[f->namelen] == '\0' && strlen(f->name) == f->namelen);
	CHECK(data >= name + f->namelen + 1 && data <= a + len &&
	      f->size <= (size_t)(a + len - data));
	CHECK((size_t)(data - a) % 4 == 0 || data == a + len);
	CHECK(off_after > off_before && off_after <= len);
	CHECK(off_after % 4 == 0 || off_after == len);
}

/* Walk a whole archive; returns the final cpio_next result. */
static int walk(const uint8_t *a, size_t len, int *count)
{
	struct cpio_file f;
	size_t off = 0, before;
	int rc;

	*count = 0;
	for (;;) {
		before = off;
		rc = cpio_next(a, len, &off, &f);
		if (rc != 1)
			break;
		check_entry(a, len, before, off, &f);
		(*count)++;
	}
	CHECKF(rc == 0 || rc == -EINVAL, "rc %d", rc);
	CHECK(off == before); /* the end or an error does not move */
	return rc;
}

static void check_listing(const char *path, bool dot_entry)
{
	size_t len, off = 0, i = 0, j;
	uint8_t *a = load_file(path, &len);
	struct cpio_file f;
	int rc, n;

	if (!CHECKF(a, "cannot read %s", path ? path : "(no argument)"))
		return;
	if (dot_entry) { /* `find .` also lists "." itself */
		CHECK_INT(cpio_next(a, len, &off, &f), 1);
		CHECK_STR(f.name, ".");
		CHECK_EQ(f.mode & CPIO_S_IFMT, CPIO_S_IFDIR);
	}
	while ((rc = cpio_next(a, len, &off, &f)) == 1 && i < ARRAY_SIZE(entries)) {
		CHECKF(f.namelen == strlen(entries[i].name) && strcmp(f.name, entries[i].name) == 0,
		       "entry %zu: %s", i, f.name);
		CHECKF((f.mode & CPIO_S_IFMT) == entries[i].type, "%s: mode 0%o", f.name, f.mode);
		for (j = 0; j < ARRAY_SIZE(files); j++)
			if (strcmp(files[j].name, entries[i].name) == 0)
				CHECKF(data_ok(&files[j], &f), "%s", f.name);
		i++;
	}
	CHECK_INT(i, ARRAY_SIZE(entries));
	CHECK_INT(rc, 0);			   /* the trailer */
	CHECK_INT(cpio_next(a, len, &off, &f), 0); /* and it stays */
	CHECK_INT(walk(a, len, &n), 0);
	CHECK_INT(n, ARRAY_SIZE(entries) + (dot_entry ? 1 : 0));
	free(a);
}

TEST(list_plain) { check_listing(plain_path, false); }

TEST(list_dot) { check_listing(dot_path, true); }

static void check_find(const uint8_t *a, size_t len)
{
	static const char *const prefixes[] = { "", "/", "./", "//", "/./", ".//" };
	static const char *const missing[] = {
		"dir",	"/dir",	      "dir/sub",    "link",	  "/link", "nope",
		"hell", "hello/",     "hello ",	    "",		  "/",	   ".",
		"./",	"TRAILER!!!", "nested.txt", "dir/nested", "ELLO",  "dir//nested.txt",
	};
	size_t i, p;
	struct cpio_file f;
	char name[64];

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		for (p = 0; p < ARRAY_SIZE(prefixes); p++) {
			snprintf(name, sizeof(name), "%s%s", prefixes[p], files[i].name);
			memset(&f, 0, sizeof(f));
			if (CHECKF(cpio_find(a, len, name, &f) == 0, "%s", name))
				CHECKF(data_ok(&files[i], &f) &&
					       (f.mode & CPIO_S_IFMT) == CPIO_S_IFREG,
				       "%s", name);
		}
	}
	for (i = 0; i < ARRAY_SIZE(missing); i++)
		CHECKF(cpio_find(a, len, missing[i], &f) == -ENOENT, "\"%s\"", missing[i]);
	CHECK_INT(cpio_find(a, len, NULL, &f), -EINVAL);
}

static void check_find_file(const char *path)
{
	size_t len;
	uint8_t *a = load_file(path, &len);

	if (!CHECKF(a, "cannot read %s", path ? path : "(no argument)"))
		return;
	check_find(a, len);
	free(a);
}

TEST(find_plain) { check_find_file(plain_path); }

TEST(find_dot) { check_find_file(dot_path); }

/* Cut the archive at every length: entries wholly before the cut are
 * still found, the cut entry is an error, unless the cut falls between
 * the end of an entry's data and the next entry, which looks like an
 * archive without a trailer (and perhaps without the last padding). */
static void check_truncation(const char *path)
{
	size_t len, off = 0, n, i, nb = 0, big_end = 0;
	size_t *data_end, *next;
	uint8_t *a = load_file(path, &len), *cut;
	struct cpio_file f;
	bool boundary;
	int rc, count;

	if (!CHECKF(a, "cannot read %s", path ? path : "(no argument)"))
		return;
	data_end = calloc(len + 1, sizeof(*data_end));
	next = calloc(len + 1, sizeof(*next));
	nb = 1; /* the empty archive: data_end[0] = next[0] = 0 */
	while (cpio_next(a, len, &off, &f) == 1) {
		data_end[nb] = (size_t)((const uint8_t *)f.data - a) + f.size;
		next[nb++] = off;
		if (strcmp(f.name, "big") == 0)
			big_end = data_end[nb - 1];
	}
	CHECK(big_end > BIG_SIZE);
	for (n = 0; n <= len; n++) {
		cut = dup_exact(a, n);
		boundary = false;
		for (i = 0; i < nb; i++)
			boundary |= data_end[i] <= n && n <= next[i];
		walk(cut, n, &count);
		rc = cpio_find(cut, n, "big", &f);
		if (n >= big_end)
			CHECKF(rc == 0 && f.size == BIG_SIZE, "len %zu", n);
		else if (boundary)
			CHECKF(rc == -ENOENT, "len %zu: %d", n, rc);
		else
			CHECKF(rc == -EINVAL, "len %zu: %d", n, rc);
		/* Past the trailer nothing is looked at. */
		if (n >= next[nb - 1] + NEWC_HDR_SIZE + sizeof("TRAILER!!!"))
			CHECKF(cpio_find(cut, n, "zzz", &f) == -ENOENT, "len %zu", n);
		free(cut);
	}
	free(data_end);
	free(next);
	free(a);
}

TEST(truncated_plain) { check_truncation(plain_path); }

TEST(truncated_dot) { check_truncation(dot_path); }

/* ---- archives built by hand ---- */

struct cbuf {
	uint8_t p[16384];
	size_t len;
};

static void cb_raw(struct cbuf *b, const void *p, size_t n)
{
	if (n > sizeof(b->p) - b->len)
		abort();
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void cb_pad(struct cbuf *b)
{
	while (b->len % 4)
		cb_raw(b, "", 1);
}

static void cb_hdr(struct cbuf *b, uint32_t mode, uint32_t filesize, uint32_t namesize)
{
	uint32_t field[NEWC_FIELDS] = { 0 };
	char s[NEWC_HDR_SIZE + 1];
	int i, n;

	field[0] = 42; /* ino */
	field[F_MODE] = mode;
	field[4] = 1; /* nlink */
	field[F_FILESIZE] = filesize;
	field[F_NAMESIZE] = namesize;
	n = snprintf(s, sizeof(s), "070701");
	for (i = 0; i < NEWC_FIELDS; i++)
		n += snprintf(s + n, sizeof(s) - (size_t)n, "%08X", field[i]);
	cb_raw(b, s, NEWC_HDR_SIZE);
}

static void cb_file_n(struct cbuf *b, const char *name, const void *data, uint32_t size,
		      uint32_t mode)
{
	uint32_t namesize = (uint32_t)strlen(name) + 1;

	cb_hdr(b, mode, size, namesize);
	cb_raw(b, name, namesize);
	cb_pad(b);
	cb_raw(b, data, size);
	cb_pad(b);
}

static void cb_file(struct cbuf *b, const char *name, const char *data, uint32_t mode)
{
	cb_file_n(b, name, data, (uint32_t)strlen(data), mode);
}

static void cb_trailer(struct cbuf *b) { cb_file(b, "TRAILER!!!", "", 0); }

/* Result of the first cpio_next on an exact-size copy. */
static int first_rc(const struct cbuf *b, struct cpio_file *f)
{
	uint8_t *a = dup_exact(b->p, b->len);
	size_t off = 0;
	int rc = cpio_next(a, b->len, &off, f);

	free(a);
	return rc;
}

static int find_rc(const struct cbuf *b, const char *path)
{
	uint8_t *a = dup_exact(b->p, b->len);
	struct cpio_file f;
	int rc = cpio_find(a, b->len, path, &f);

	free(a);
	return rc;
}

TEST(bad_headers)
{
	static const char *const magics[] = { "070702", "070707", "070700",
					      "170701", "07070",  "\0\0\0\0\0\0" };
	static const char bad_digits[] = { 'g', 'G', ' ', 'x', '-', '\0', '+' };
	struct cbuf b;
	struct cpio_file f;
	size_t i, j;

	memset(&b, 0, sizeof(b));
	cb_file(&b, "x", "data", MODE_REG);
	CHECK_INT(first_rc(&b, &f), 1);
	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		struct cbuf c = b;

		memcpy(c.p, magics[i], NEWC_MAGIC_LEN);
		CHECKF(first_rc(&c, &f) == -EINVAL, "magic %zu", i);
	}
	/* Every character of every field must be a hex digit. */
	for (i = NEWC_MAGIC_LEN; i < NEWC_HDR_SIZE; i++) {
		for (j = 0; j < ARRAY_SIZE(bad_digits); j++) {
			struct cbuf c = b;

			c.p[i] = (uint8_t)bad_digits[j];
			CHECKF(first_rc(&c, &f) == -EINVAL, "byte %zu = %d", i, bad_digits[j]);
		}
	}
}

TEST(hex_digits)
{
	struct cbuf b;
	struct cpio_file f;

	memset(&b, 0, sizeof(b));
	cb_file(&b, "x", "0123456789", MODE_REG);
	/* Lowercase hex is what GNU cpio writes; uppercase is valid too. */
	memcpy(b.p + NEWC_MAGIC_LEN + F_MODE * NEWC_FIELD_LEN, "000081a4", 8);
	CHECK_INT(first_rc(&b, &f), 1);
	CHECK_EQ(f.mode, 0100644);
	memcpy(b.p + NEWC_MAGIC_LEN + F_MODE * NEWC_FIELD_LEN, "000081A4", 8);
	memcpy(b.p + NEWC_MAGIC_LEN + F_FILESIZE * NEWC_FIELD_LEN, "0000000A", 8);
	CHECK_INT(first_rc(&b, &f), 1);
	CHECK_EQ(f.mode, 0100644);
	CHECK_EQ(f.size, 10);
}

TEST(bad_names)
{
	struct cbuf b;
	struct cpio_file f;

	memset(&b, 0, sizeof(b)); /* namesize 0 */
	cb_hdr(&b, MODE_REG, 0, 0);
	cb_raw(&b, "abcd", 4);
	CHECK_INT(first_rc(&b, &f), -EINVAL);

	memset(&b, 0, sizeof(b)); /* no NUL within namesize */
	cb_hdr(&b, MODE_REG, 0, 3);
	cb_raw(&b, "abcd", 4);
	CHECK_INT(first_rc(&b, &f), -EINVAL);

	memset(&b, 0, sizeof(b)); /* NUL inside the name */
	cb_hdr(&b, MODE_REG, 0, 4);
	cb_raw(&b, "a\0b\0", 4);
	CHECK_INT(first_rc(&b, &f), -EINVAL);

	memset(&b, 0, sizeof(b)); /* name runs off the end */
	cb_hdr(&b, MODE_REG, 0, 8);
	cb_raw(&b, "abcd", 4);
	CHECK_INT(first_rc(&b, &f), -EINVAL);

	memset(&b, 0, sizeof(b));
	cb_hdr(&b, MODE_REG, 0, 0xffffffff);
	cb_raw(&b, "abc", 4);
	CHECK_INT(first_rc(&b, &f), -EINVAL);

	memset(&b, 0, sizeof(b)); /* empty name: legal, odd */
	cb_hdr(&b, MODE_REG, 0, 1);
	cb_raw(&b, "", 1);
	cb_pad(&b);
	CHECK_INT(first_rc(&b, &f), 1);
	CHECK_INT(f.namelen, 0);
}

TEST(bad_sizes)
{
	struct cbuf b;
	struct cpio_file f;

	memset(&b, 0, sizeof(b));
	cb_hdr(&b, MODE_REG, 5, 2);
	cb_raw(&b, "x\0", 2);
	cb_pad(&b);
	cb_raw(&b, "1234", 4); /* one byte short */
	CHECK_INT(first_rc(&b, &f), -EINVAL);
	cb_raw(&b, "5", 1);
	CHECK_INT(first_rc(&b, &f), 1);
	CHECK_INT(f.size, 5);

	memset(&b, 0, sizeof(b));
	cb_hdr(&b, MODE_REG, 0xffffffff, 2);
	cb_raw(&b, "x\0", 2);
	cb_pad(&b);
	cb_raw(&b, "1234", 4);
	CHECK_INT(first_rc(&b, &f), -EINVAL);

	memset(&b, 0, sizeof(b));
	cb_hdr(&b, MODE_REG, 0xfffffffc, 2);
	cb_raw(&b, "x\0", 2);
	CHECK_INT(first_rc(&b, &f), -EINVAL);
}

TEST(offsets)
{
	struct cbuf b;
	struct cpio_file f;
	size_t off;
	uint8_t *a;

	/* Entries start 4-aligned, even when one is valid elsewhere. */
	memset(&b, 0, sizeof(b));
	cb_raw(&b, "..", 2);
	cb_file(&b, "x", "abc", MODE_REG);
	off = 2;
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), -EINVAL);

	memset(&b, 0, sizeof(b));
	cb_file(&b, "x", "abc", MODE_REG);
	cb_file(&b, "y", "defgh", MODE_REG);
	off = 1;
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), -EINVAL);
	a = dup_exact(b.p, b.len);
	off = b.len + 4;
	CHECK_INT(cpio_next(a, b.len, &off, &f), -EINVAL);
	off = SIZE_MAX & ~(size_t)3;
	CHECK_INT(cpio_next(a, b.len, &off, &f), -EINVAL);
	free(a);
	off = b.len; /* the end without a trailer */
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 0);
	CHECK_INT(off, b.len);
	off = 0;
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 1);
	CHECK_STR(f.name, "x");
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 1);
	CHECK_STR(f.name, "y");
	CHECK(memcmp(f.data, "defgh", 5) == 0);
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 0);
	off = 0;
	CHECK_INT(cpio_next(NULL, 0, &off, &f), 0);
	CHECK_INT(cpio_find(NULL, 0, "x", &f), -ENOENT);
}

/* The final padding is sometimes lost; nothing is missing with it. */
TEST(unpadded_end)
{
	struct cbuf b;
	struct cpio_file f;
	uint8_t *a;
	size_t off = 0;

	memset(&b, 0, sizeof(b));
	cb_file(&b, "x", "abc", MODE_REG);
	cb_hdr(&b, MODE_REG, 1, 2);
	cb_raw(&b, "y", 2);
	cb_pad(&b);
	cb_raw(&b, "z", 1); /* no padding after the data */
	a = dup_exact(b.p, b.len);
	CHECK_INT(cpio_next(a, b.len, &off, &f), 1);
	CHECK_INT(cpio_next(a, b.len, &off, &f), 1);
	CHECK(f.size == 1 && *(const char *)f.data == 'z');
	CHECK_INT(off, b.len);
	CHECK_INT(cpio_next(a, b.len, &off, &f), 0);
	free(a);

	/* An empty file whose name padding is cut off. */
	memset(&b, 0, sizeof(b));
	cb_hdr(&b, MODE_REG, 0, 2);
	cb_raw(&b, "e", 2);
	a = dup_exact(b.p, b.len);
	off = 0;
	CHECK_INT(cpio_next(a, b.len, &off, &f), 1);
	CHECK(f.size == 0 && f.namelen == 1);
	CHECK_INT(off, b.len);
	CHECK_INT(cpio_next(a, b.len, &off, &f), 0);
	free(a);

	/* A trailer with nothing after its name. */
	memset(&b, 0, sizeof(b));
	cb_hdr(&b, 0, 0, 11);
	cb_raw(&b, "TRAILER!!!", 11);
	CHECK_INT(first_rc(&b, &f), 0);
}

TEST(trailer_stops)
{
	struct cbuf b;
	struct cpio_file f;
	size_t off = 0, at;

	memset(&b, 0, sizeof(b));
	cb_file(&b, "x", "abc", MODE_REG);
	at = b.len;
	cb_trailer(&b);
	cb_file(&b, "after", "zzz", MODE_REG);
	cb_raw(&b, "garbage!", 8);
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 1);
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 0);
	CHECK_INT(off, at);
	CHECK_INT(cpio_next(b.p, b.len, &off, &f), 0);
	CHECK_INT(find_rc(&b, "after"), -ENOENT);
	CHECK_INT(find_rc(&b, "x"), 0);

	/* "TRAILER!!!" must be the whole name. */
	memset(&b, 0, sizeof(b));
	cb_file(&b, "TRAILER!!!x", "abc", MODE_REG);
	cb_file(&b, "TRAILER!!", "abc", MODE_REG);
	CHECK_INT(find_rc(&b, "TRAILER!!!x"), 0);
	CHECK_INT(find_rc(&b, "TRAILER!!"), 0);
}

TEST(find_types_and_order)
{
	struct cbuf b;
	struct cpio_file f;
	uint8_t *a;

	memset(&b, 0, sizeof(b));
	cb_file(&b, "dir", "", MODE_DIR);
	cb_file(&b, "sock", "", 0140755);
	cb_file(&b, "nomode", "", 0);
	cb_file(&b, "link", "target", MODE_LNK);
	cb_file(&b, "./dup", "first", MODE_REG);
	cb_file(&b, "dup", "second", MODE_REG);
	cb_file(&b, "//x/./y", "xy", MODE_REG);
	cb_trailer(&b);
	CHECK_INT(find_rc(&b, "dir"), -ENOENT);
	CHECK_INT(find_rc(&b, "sock"), -ENOENT);
	CHECK_INT(find_rc(&b, "nomode"), -ENOENT);
	CHECK_INT(find_rc(&b, "link"), -ENOENT);
	/* Only leading "/" and "./" go; inner ones are part of the name. */
	CHECK_INT(find_rc(&b, "x/./y"), 0);
	CHECK_INT(find_rc(&b, "x/y"), -ENOENT);
	a = dup_exact(b.p, b.len);
	CHECK_INT(cpio_find(a, b.len, "/dup", &f), 0);
	CHECK(f.size == 5 && memcmp(f.data, "first", 5) == 0);
	free(a);

	/* Malformed before the file: -EINVAL; after it: found. */
	memset(&b, 0, sizeof(b));
	cb_file(&b, "good", "g", MODE_REG);
	cb_raw(&b, "070701zz", 8);
	CHECK_INT(find_rc(&b, "good"), 0);
	CHECK_INT(find_rc(&b, "other"), -EINVAL);
}

/* What other archivers write: "./" before every name. */
TEST(find_dot_prefixed_names)
{
	static struct cbuf b;
	char name[64], big[BIG_SIZE];
	uint8_t *a;
	size_t i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < BIG_SIZE; i++)
		big[i] = "lde\n"[i % 4];
	cb_file(&b, ".", "", MODE_DIR);
	cb_file(&b, "./dir", "", MODE_DIR);
	cb_file(&b, "./dir/sub", "", MODE_DIR);
	cb_file(&b, "./link", "hello", MODE_LNK);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(name, sizeof(name), "./%s", files[i].name);
		cb_file_n(&b, name, files[i].data ? files[i].data : big, (uint32_t)files[i].size,
			  MODE_REG);
	}
	cb_trailer(&b);
	a = dup_exact(b.p, b.len);
	check_find(a, b.len);
	free(a);
}

/* Random damage to the real archive: headers and names get most of it. */
TEST(random_corruption)
{
	size_t len, pos;
	uint8_t *a = load_file(plain_path, &len), *copy;
	struct cpio_file f;
	int iter, k, count;

	if (!CHECKF(a, "cannot read %s", plain_path ? plain_path : "(no argument)"))
		return;
	copy = malloc(len);
	for (iter = 0; iter < 20000; iter++) {
		memcpy(copy, a, len);
		for (k = (int)rng_below(4); k >= 0; k--) {
			pos = rng_below(len);
			switch (rng_below(3)) {
			case 0: copy[pos] = (uint8_t)rng_next(); break;
			case 1: copy[pos] = "0123456789abcdefF\0 g"[rng_below(20)]; break;
			default: copy[pos] ^= (uint8_t)(1u << rng_below(8)); break;
			}
		}
		walk(copy, len, &count);
		cpio_find(copy, len, "hello", &f);
	}
	free(copy);
	free(a);
}

static const struct test_case cases[] = {
	TEST_CASE(list_plain),
	TEST_CASE(list_dot),
	TEST_CASE(find_plain),
	TEST_CASE(find_dot),
	TEST_CASE(find_dot_prefixed_names),
	TEST_CASE(truncated_plain),
	TEST_CASE(truncated_dot),
	TEST_CASE(bad_headers),
	TEST_CASE(hex_digits),
	TEST_CASE(bad_names),
	TEST_CASE(bad_sizes),
	TEST_CASE(offsets),
	TEST_CASE(unpadded_end),
	TEST_CASE(trailer_stops),
	TEST_CASE(find_types_and_order),
	TEST_CASE(random_corruption),
};

int main(int argc, char **argv)
{
	plain_path = argc > 1 ? argv[1] : NULL;
	dot_path = argc > 2 ? argv[2] : NULL;
	return run_tests("cpio", cases, ARRAY_SIZE(cases));
}
