/* The user programs' memcpy/memmove/memset/memcmp (user/lib/string.c),
 * built under other names (u_*) so they do not replace the host's, checked
 * against the host C library at every size and alignment that matters,
 * and between guard pages: the word loops may read only the aligned words
 * that hold bytes they were asked for. */
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

void *u_memcpy(void *dst, const void *src, size_t n);
void *u_memmove(void *dst, const void *src, size_t n);
void *u_memset(void *dst, int c, size_t n);
int u_memcmp(const void *a, const void *b, size_t n);

#define BUF (4096 + 256)
static uint8_t src[BUF], a[BUF], b[BUF];
static const size_t sizes[] = { 0,  1,	3,  7,	8,   9,	  15,  16,  17,	  23,
				31, 63, 64, 65, 100, 127, 128, 129, 1024, 4096 };

static int sign(int x) { return (x > 0) - (x < 0); }

static void fill(void)
{
	for (int i = 0; i < BUF; i++)
		src[i] = (uint8_t)(i * 7 + 3);
}

TEST(memcpy_all_alignments)
{
	fill();
	for (int da = 0; da < 8; da++)
		for (int sa = 0; sa < 8; sa++)
			for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
				size_t n = sizes[k];
				memset(a, 0xee, sizeof a);
				memset(b, 0xee, sizeof b);
				void *r = u_memcpy(a + da + 8, src + sa + 8, n);
				memcpy(b + da + 8, src + sa + 8, n);
				if (!CHECK(r == a + da + 8) ||
				    !CHECKF(!memcmp(a, b, sizeof a),
					    "memcpy dst+%d src+%d n=%zu differs (or wrote outside)",
					    da, sa, n))
					return;
			}
}

/* A source that ends at the end of a page, or starts at the start of
 * one, next to a page that may not be read. */
TEST(memcpy_reads_no_word_outside)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 3 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	if (!CHECK(m != MAP_FAILED))
		return;
	uint8_t *page = m + pg;
	CHECK(mprotect(m, (size_t)pg, PROT_NONE) == 0);
	CHECK(mprotect(m + 2 * pg, (size_t)pg, PROT_NONE) == 0);
	for (long i = 0; i < pg; i++)
		page[i] = (uint8_t)(i * 13 + 1);
	for (int da = 0; da < 8; da++)
		for (size_t n = 0; n <= 200; n++) {
			const uint8_t *at_end = page + pg - n, *at_start = page;
			memset(a, 0, sizeof a);
			u_memcpy(a + da, at_end, n);
			if (!CHECKF(!memcmp(a + da, at_end, n), "end of page: dst+%d n=%zu", da,
				    n) ||
			    !CHECKF(u_memcmp(a + da, at_end, n) == 0 &&
					    u_memcmp(at_end, a + da, n) == 0,
				    "memcmp at the end of a page: dst+%d n=%zu", da, n))
				return;
			u_memcpy(a + da, at_start + (n & 7), n);
			if (!CHECKF(!memcmp(a + da, at_start + (n & 7), n), "start of page: n=%zu",
				    n))
				return;
			u_memmove(a + da, at_end, n);
			if (!CHECKF(!memcmp(a + da, at_end, n), "memmove, end of page: n=%zu", n))
				return;
		}
	munmap(m, 3 * (size_t)pg);
}

TEST(memset_all_alignments)
{
	for (int da = 0; da < 8; da++)
		for (size_t k = 0; k < ARRAY_SIZE(sizes); k++)
			for (int c = 0; c < 256; c += 85) {
				memset(a, 0xee, sizeof a);
				memset(b, 0xee, sizeof b);
				void *r = u_memset(a + da + 8, c, sizes[k]);
				memset(b + da + 8, c, sizes[k]);
				if (!CHECK(r == a + da + 8) ||
				    !CHECKF(!memcmp(a, b, sizeof a), "memset +%d n=%zu c=%d", da,
					    sizes[k], c))
					return;
			}
}

TEST(memmove_overlap)
{
	for (int shift = -17; shift <= 17; shift++)
		for (int base = 96; base < 104; base++)
			for (size_t n = 0; n < 300; n += 7) {
				fill();
				memcpy(a, src, sizeof a);
				memcpy(b, src, sizeof b);
				void *r = u_memmove(a + base + shift, a + base, n);
				memmove(b + base + shift, b + base, n);
				if (!CHECK(r == a + base + shift) ||
				    !CHECKF(!memcmp(a, b, sizeof a),
					    "memmove base %d shift %d n %zu", base, shift, n))
					return;
			}
}

TEST(memcmp_sign_and_position)
{
	CHECK_INT(sign(u_memcmp("abc", "abd", 3)), -1);
	CHECK_INT(u_memcmp("abc", "abd", 2), 0);
	CHECK_INT(sign(u_memcmp("\xff", "\x01", 1)), 1); /* unsigned bytes */
	fill();
	/* Every length and position of the first difference, both ways,
	 * aligned and not (the word loop and the byte loop). */
	for (int al = 0; al < 2; al++)
		for (size_t n = 1; n <= 70; n++)
			for (size_t at = 0; at < n; at++) {
				memcpy(a + 8 + al, src, n);
				memcpy(b + 8, src, n);
				CHECKF(u_memcmp(a + 8 + al, b + 8, n) == 0, "equal n=%zu", n);
				a[8 + al + at] = (uint8_t)(b[8 + at] + 1);
				if (!CHECKF(sign(u_memcmp(a + 8 + al, b + 8, n)) ==
							    sign(a[8 + al + at] - b[8 + at]) &&
						    sign(u_memcmp(b + 8, a + 8 + al, n)) ==
							    -sign(a[8 + al + at] - b[8 + at]),
					    "n=%zu at=%zu al=%d", n, at, al))
					return;
			}
}

static const struct test_case cases[] = {
	TEST_CASE(memcpy_all_alignments),    TEST_CASE(memcpy_reads_no_word_outside),
	TEST_CASE(memset_all_alignments),    TEST_CASE(memmove_overlap),
	TEST_CASE(memcmp_sign_and_position),
};

int main(void) { return run_tests("ustring", cases, ARRAY_SIZE(cases)); }
