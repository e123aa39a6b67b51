/* "newc" cpio reader. Each entry is a 110-byte ASCII header (magic plus 13
 * eight-digit hex fields), the NUL-terminated name, padding to 4 bytes,
 * the data, padding to 4 bytes. The archive is untrusted: every size is
 * checked against what is left before it is added to an offset.
 *
 * Limitation: for hard-linked files, cpio stores the data only with the
 * last link, so an earlier link reads as an empty file. */
#include <stdbool.h>
#include "cpio.h"
#include "errno.h"
#include "kstring.h"

#define CPIO_MAGIC "070701"
#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_HDR_SIZE 110
#define CPIO_ALIGN 4
#define CPIO_TRAILER "TRAILER!!!"

/* Header fields, in order after the magic. */
enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

_Static_assert(CPIO_MAGIC_LEN + F_COUNT * CPIO_FIELD_LEN == CPIO_HDR_SIZE, "newc header layout");

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex(const uint8_t *p, uint32_t *v)
{
	uint32_t x = 0;
	int i, d;

	for (i = 0; i < CPIO_FIELD_LEN; i++) {
		d = hex_digit(p[i]);
		if (d < 0)
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

/* Round up to the next entry boundary, but not past the end: the padding
 * after the last entry is sometimes cut off and that loses nothing. */
static size_t align_clamp(size_t off, size_t len)
{
	size_t rem = off % CPIO_ALIGN;

	if (rem == 0)
		return off;
	if (len - off < CPIO_ALIGN - rem)
		return len;
	return off + CPIO_ALIGN - rem;
}

int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_file *out)
{
	const uint8_t *a = archive;
	size_t off = *offset, name_off, data_off;
	uint32_t field[F_COUNT];
	const char *name;
	int i;

	if (off == len)
		return 0;
	if (!a || off > len || off % CPIO_ALIGN || len - off < CPIO_HDR_SIZE ||
	    memcmp(a + off, CPIO_MAGIC, CPIO_MAGIC_LEN) != 0)
		return -EINVAL;
	for (i = 0; i < F_COUNT; i++) {
		if (!parse_hex(a + off + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN, &field[i]))
			return -EINVAL;
	}

	name_off = off + CPIO_HDR_SIZE;
	name = (const char *)(a + name_off);
	/* The name must be exactly namesize - 1 characters and a NUL, or
	 * namelen and the C string would disagree. */
	if (field[F_NAMESIZE] == 0 || field[F_NAMESIZE] > len - name_off ||
	    strnlen(name, field[F_NAMESIZE]) != field[F_NAMESIZE] - 1)
		return -EINVAL;
	if (strcmp(name, CPIO_TRAILER) == 0)
		return 0;

	data_off = align_clamp(name_off + field[F_NAMESIZE], len);
	if (field[F_FILESIZE] > len - data_off)
		return -EINVAL;

	out->name = name;
	out->namelen = field[F_NAMESIZE] - 1;
	out->data = a + data_off;
	out->size = field[F_FILESIZE];
	out->mode = field[F_MODE];
	*offset = align_clamp(data_off + field[F_FILESIZE], len);
	return 1;
}

/* Archives written from `find .` name entries "./x"; users say "/x". */
const char *cpio_skip_prefix(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			return p;
	}
}

int cpio_find(const void *archive, size_t len, const char *path, struct cpio_file *out)
{
	struct cpio_file f;
	size_t off = 0, want_len;
	const char *want, *name;
	int r;

	if (!path)
		return -EINVAL;
	want = cpio_skip_prefix(path);
	want_len = strlen(want);
	while ((r = cpio_next(archive, len, &off, &f)) == 1) {
		name = cpio_skip_prefix(f.name);
		if ((f.mode & CPIO_S_IFMT) == CPIO_S_IFREG &&
		    f.namelen - (size_t)(name - f.name) == want_len &&
		    memcmp(name, want, want_len) == 0) {
			*out = f;
			return 0;
		}
	}
	return r < 0 ? -EINVAL : -ENOENT;
}
