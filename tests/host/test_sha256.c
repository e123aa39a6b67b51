/* Host tests of user/lib/sha256.c and pwhash.c against published vectors:
 * SHA-256 from FIPS 180-4's examples (and the million-'a' message), HMAC
 * from RFC 4231, PBKDF2-HMAC-SHA-256 from RFC 7914 section 11, and
 * pw_check against a hash that Python's hashlib made (scripts/pwhash.py,
 * which makes the disk's /etc/shadow). */
#include "check.h"
#include "pwhash.h"
#include "sha256.h"

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void check_digest(const uint8_t *d, size_t n, const char *want)
{
	char got[2 * 64 + 1];

	hex(d, n, got);
	CHECK_STR(got, want);
}

TEST(sha256_vectors)
{
	static const struct {
		const char *msg, *digest;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklm"
		  "nopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	uint8_t d[SHA256_DIGEST];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		sha256(v[i].msg, strlen(v[i].msg), d);
		check_digest(d, sizeof d, v[i].digest);
	}
}

/* A million 'a's given in pieces of odd sizes: the buffering across
 * blocks. */
TEST(sha256_million_a)
{
	static char a[1000];
	struct sha256 s;
	uint8_t d[SHA256_DIGEST];
	size_t done = 0, k = 1;

	memset(a, 'a', sizeof a);
	sha256_init(&s);
	while (done < 1000000) {
		size_t n = k % sizeof a;

		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&s, a, n);
		done += n;
		k = k * 7 + 3;
	}
	sha256_final(&s, d);
	check_digest(d, sizeof d,
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(hmac_rfc4231)
{
	uint8_t key[131], d[SHA256_DIGEST];
	static const char big[] = "Test Using Larger Than Block-Size Key - Hash Key First";

	memset(key, 0x0b, 20);
	hmac_sha256(key, 20, "Hi There", 8, d);
	check_digest(d, sizeof d,
		     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	check_digest(d, sizeof d,
		     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, sizeof key);
	hmac_sha256(key, sizeof key, big, strlen(big), d);
	check_digest(d, sizeof d,
		     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(pbkdf2_rfc7914)
{
	uint8_t dk[64];

	pbkdf2_sha256("passwd", 6, "salt", 4, 1, dk, sizeof dk);
	check_digest(dk, sizeof dk,
		     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
		     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
	pbkdf2_sha256("Password", 8, "NaCl", 4, 80000, dk, sizeof dk);
	check_digest(dk, sizeof dk,
		     "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
		     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(pw_check)
{
	static const char lde[] =
		"$pbkdf2-sha256$5000$00112233445566778899aabbccddeeff$"
		"821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313";

	CHECK_INT(pw_check(lde, "lde"), 1);
	CHECK_INT(pw_check(lde, "ldf"), 0);
	CHECK_INT(pw_check(lde, ""), 0);
	CHECK_INT(pw_check(lde, "lde "), 0);
	CHECK_INT(pw_check("$pbkdf2-sha256$1$4e61436c$"
			   "3531232462a9775d3256b40b9d97945f8b0c4142d4ff61fe4aaf93b65d4e57c0",
			   "p\xc3\xa4sswo\xcc\x88rd with spaces"),
		  0);
	CHECK_INT(pw_check("$pbkdf2-sha256$1$4e61436c$"
			   "3531232462a9775d3256b40b9d97945f8b0c4142d4ff61fe4aaf93b65d4e57c0",
			   "p\xc3\xa4ssw\xc3\xb6rd with spaces"),
		  1);
	/* Not hashes: locked accounts and damaged lines. */
	CHECK_INT(pw_check("*", ""), -1);
	CHECK_INT(pw_check("!", "x"), -1);
	CHECK_INT(pw_check("", ""), -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$0$00$"
			   "821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313",
			   "lde"),
		  -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$1000001$00$"
			   "821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313",
			   "lde"),
		  -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$5000$0$"
			   "821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313",
			   "lde"),
		  -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$5000$$"
			   "821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313",
			   "lde"),
		  -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$5000$00112233445566778899aabbccddeeff$8213", "lde"), -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$5000$00112233445566778899AABBCCDDEEFF$"
			   "821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313",
			   "lde"),
		  -1);
	CHECK_INT(pw_check("$pbkdf2-sha256$5000$00112233445566778899aabbccddeeff$"
			   "821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313:",
			   "lde"),
		  -1);
}

/* pw_make gives, byte for byte, the hash Python made for pw_check above
 * (so lde's new hashes are what scripts/pwhash.py's would be), and its
 * bounds. */
TEST(pw_make)
{
	static const uint8_t salt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const char lde[] =
		"$pbkdf2-sha256$5000$00112233445566778899aabbccddeeff$"
		"821365453f648ec0c01527d4f16c272d3d18d96099c23c3e1ef9cd61efd51313";
	static const char nacl[] =
		"$pbkdf2-sha256$1$4e61436c$"
		"3531232462a9775d3256b40b9d97945f8b0c4142d4ff61fe4aaf93b65d4e57c0";
	char out[PW_HASH_MAX];
	uint8_t big[PW_SALT_MAX];

	CHECK_INT(pw_make(out, sizeof out, "lde", salt, sizeof salt, 5000), (int)sizeof lde - 1);
	CHECK_STR(out, lde);
	CHECK_INT(pw_check(out, "lde"), 1);
	CHECK_INT(pw_make(out, sizeof out, "p\xc3\xa4ssw\xc3\xb6rd with spaces", "NaCl", 4, 1),
		  (int)sizeof nacl - 1);
	CHECK_STR(out, nacl);
	/* The largest hash fits PW_HASH_MAX exactly. */
	memset(big, 0xa5, sizeof big);
	CHECK_INT(pw_make(out, sizeof out, "x", big, sizeof big, PW_ITER_MAX),
		  (int)PW_HASH_MAX - 1);
	CHECK_INT(pw_check(out, "x"), 1);
	CHECK_INT(pw_make(out, sizeof out - 1, "x", big, sizeof big, PW_ITER_MAX), -1);
	CHECK_INT(pw_make(out, sizeof lde - 1, "lde", salt, sizeof salt, 5000), -1);
	CHECK_INT(pw_make(out, sizeof out, "x", salt, 0, 5000), -1);
	CHECK_INT(pw_make(out, sizeof out, "x", big, PW_SALT_MAX + 1, 5000), -1);
	CHECK_INT(pw_make(out, sizeof out, "x", salt, sizeof salt, 0), -1);
	CHECK_INT(pw_make(out, sizeof out, "x", salt, sizeof salt, PW_ITER_MAX + 1), -1);
}

int main(void)
{
	static const struct test_case cases[] = {
		TEST_CASE(sha256_vectors), TEST_CASE(sha256_million_a), TEST_CASE(hmac_rfc4231),
		TEST_CASE(pbkdf2_rfc7914), TEST_CASE(pw_check),		TEST_CASE(pw_make),
	};

	return run_tests("sha256", cases, ARRAY_SIZE(cases));
}
