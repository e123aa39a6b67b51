/* The kernel's memcpy/memset/memmove/strings (kernel/kstring.c), built
 * under other names (k_*) so they do not replace the host's, checked
 * against the host C library at every size and alignment that matters. */
#include "check.h"

void *k_memcpy(void *dst, const void *src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *dst, int c, size_t n);
int k_memcmp(const void *a, const void *b, size_t n);
size_t k_strlen(const char *s);
size_t k_strnlen(const char *s, size_t max);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);
size_t k_strlcpy(char *dst, const char *src, size_t size);

#define BUF 4096 + 256
static uint8_t src[BUF], a[BUF], b[BUF];

static int sign(int x) { return (x > 0) - (x < 0); }

static void fill(void)
{
	for (int i = 0; i < BUF; i++)
		src[i] = (uint8_t)(i * 7 + 3);
}

TEST(memcpy_all_alignments)
{
	fill();
	static const size_t sizes[] = { 0,  1,	3,  7,	 8,   9,   15,	16,
					63, 64, 65, 100, 127, 128, 129, 4096 };
	for (int da = 0; da < 8; da++)
		for (int sa = 0; sa < 8; sa++)
			for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
				size_t n = sizes[k];
				memset(a, 0xee, sizeof a);
				memset(b, 0xee, sizeof b);
				void *r = k_memcpy(a + da + 8, src + sa + 8, n);
				memcpy(b + da + 8, src + sa + 8, n);
				if (!CHECK(r == a + da + 8) ||
				    !CHECKF(!memcmp(a, b, sizeof a),
					    "memcpy dst+%d src+%d n=%zu differs (or wrote outside)",
					    da, sa, n))
					return;
			}
}

TEST(memset_all_alignments)
{
	static const size_t sizes[] = { 0, 1, 7, 8, 9, 63, 64, 65, 200, 4096 };
	for (int da = 0; da < 8; da++)
		for (size_t k = 0; k < ARRAY_SIZE(sizes); k++)
			for (int c = 0; c < 256; c += 85) {
				memset(a, 0xee, sizeof a);
				memset(b, 0xee, sizeof b);
				k_memset(a + da + 8, c, sizes[k]);
				memset(b + da + 8, c, sizes[k]);
				if (!CHECKF(!memcmp(a, b, sizeof a), "memset +%d n=%zu c=%d", da,
					    sizes[k], c))
					return;
			}
}

TEST(memmove_overlap)
{
	for (int shift = -9; shift <= 9; shift++)
		for (size_t n = 0; n < 80; n += 7) {
			fill();
			memcpy(a, src, sizeof a);
			memcpy(b, src, sizeof b);
			k_memmove(a + 100 + shift, a + 100, n);
			memmove(b + 100 + shift, b + 100, n);
			if (!CHECKF(!memcmp(a, b, sizeof a), "memmove shift %d n %zu", shift, n))
				return;
		}
}

TEST(compare_and_strings)
{
	CHECK_INT(sign(k_memcmp("abc", "abd", 3)), -1);
	CHECK_INT(k_memcmp("abc", "abd", 2), 0);
	CHECK_INT(sign(k_memcmp("\xff", "\x01", 1)), 1); /* unsigned bytes */
	CHECK_INT(k_strlen(""), 0);
	CHECK_INT(k_strlen("hello"), 5);
	CHECK_INT(k_strnlen("hello", 3), 3);
	CHECK_INT(k_strnlen("hi", 10), 2);
	CHECK_INT(sign(k_strcmp("a", "b")), -1);
	CHECK_INT(sign(k_strcmp("b", "a")), 1);
	CHECK_INT(k_strcmp("same", "same"), 0);
	CHECK_INT(sign(k_strcmp("ab", "abc")), -1);
	CHECK_INT(sign(k_strcmp("\xe9", "e")), 1);
	CHECK_INT(k_strncmp("abcX", "abcY", 3), 0);
	CHECK_INT(sign(k_strncmp("abcX", "abcY", 4)), -1);
	CHECK_INT(k_strncmp("a", "b", 0), 0);
	char d[8];
	CHECK_INT(k_strlcpy(d, "truncate me", sizeof d), 11);
	CHECK_STR(d, "truncat");
	CHECK_INT(k_strlcpy(d, "ok", sizeof d), 2);
	CHECK_STR(d, "ok");
	d[0] = 'x';
	CHECK_INT(k_strlcpy(d, "abc", 0), 3);
	CHECK(d[0] == 'x'); /* size 0 writes nothing */
}

static const struct test_case cases[] = {
	TEST_CASE(memcpy_all_alignments),
	TEST_CASE(memset_all_alignments),
	TEST_CASE(memmove_overlap),
	TEST_CASE(compare_and_strings),
};

int main(void) { return run_tests("kstring", cases, ARRAY_SIZE(cases)); }
