/* Path normalization (kernel/path.c): what a file server is sent for every
 * path a program gives, against the current directory; and the steps of a
 * resolution that follows symbolic links (path_append, path_splice),
 * driven here as kernel/vfs.c drives them, over a small fake file system.
 * Also the copy every path starts with, a word at a time (copyinstr's
 * strcpy_max, path_copy_words) at page edges, and path_clean, the
 * resolution's shortcut. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "errno.h"
#include "kstring.h"
#include "path.h"
#include "uapi_fs.h"

static char out[LDE_FS_PATH_MAX];

static void norm(const char *cwd, const char *path, long want_len, const char *want)
{
	long n = path_normalize(out, sizeof out, cwd, path);
	CHECKF(n == want_len, "%s + %s: %ld, want %ld", cwd, path, n, want_len);
	if (want && n >= 0)
		CHECK_STR(out, want);
}

TEST(absolute_and_relative)
{
	norm("/", "/", 1, "/");
	norm("/", "/a/b", 4, "/a/b");
	norm("/x/y", "a", 6, "/x/y/a");
	norm("/x/y", "/a", 2, "/a");
	norm("/x", ".", 2, "/x");
	norm("/", ".", 1, "/");
	norm("/x", "a/", 4, "/x/a");
	norm("/", "a//b///c/", 6, "/a/b/c");
}

TEST(dot_dot)
{
	norm("/x/y", "..", 2, "/x");
	norm("/x/y", "../..", 1, "/");
	norm("/x/y", "../../../..", 1, "/"); /* ".." at the root is the root */
	norm("/", "/../../a", 2, "/a");
	norm("/x", "a/../b/./c/..", 4, "/x/b");
	norm("/", "...", 4, "/..."); /* a name, not a parent */
	norm("/", "..a/.b", 7, "/..a/.b");
}

TEST(errors)
{
	norm("/", "", -ENOENT, NULL);
	static char p[LDE_FS_PATH_MAX + 10];
	memset(p, 'a', 256);
	p[256] = 0;
	norm("/", p, -ENAMETOOLONG, NULL); /* a component over LDE_NAME_LEN */
	p[255] = 0;
	norm("/", p, 256, NULL);
	/* The result must fit with its NUL: 4094 bytes after the '/'... */
	for (int i = 0; i < LDE_FS_PATH_MAX + 8; i += 2)
		p[i] = 'b', p[i + 1] = '/';
	p[LDE_FS_PATH_MAX - 2] = 0; /* "b/b/.../b/" of 4094 bytes: "/b/b/...b" of 4094 */
	norm("/", p, LDE_FS_PATH_MAX - 2, NULL);
	p[LDE_FS_PATH_MAX - 2] = 'b';
	p[LDE_FS_PATH_MAX] = 0; /* one more component: 4096 bytes and the NUL */
	norm("/", p, -ENAMETOOLONG, NULL);
	/* ...while a long path that normalizes short is fine. */
	for (int i = 0; i < LDE_FS_PATH_MAX + 8; i += 2)
		p[i] = '.', p[i + 1] = '/';
	p[LDE_FS_PATH_MAX + 8] = 0;
	norm("/q", p, 2, "/q");
	/* And a small buffer. */
	CHECK(path_normalize(out, 1, "/", "/") == -ENAMETOOLONG);
	CHECK(path_normalize(out, 3, "/", "ab") == -ENAMETOOLONG);
	CHECK(path_normalize(out, 3, "/", "a") == 2);
}

static char buf[LDE_FS_PATH_MAX];

/* path_append from out = base (built form: no root '/'), vlen verified. */
static long append(const char *base, size_t vlen, const char *in, size_t *len, size_t *vl,
		   const char **rest)
{
	*len = strlen(base);
	memcpy(out, base, *len);
	*vl = vlen;
	*rest = in;
	return path_append(out, sizeof out, len, vl, rest);
}

TEST(append_stops_at_dot_dot_after_unverified)
{
	size_t len, vl;
	const char *rest;
	/* ".." over verified components is textual. */
	CHECK(append("/x/y", 4, "../a", &len, &vl, &rest) == 0);
	CHECK(len == 4 && !memcmp(out, "/x/a", 4) && vl == 2 && !*rest);
	/* After an unverified one it stops, at the "..". */
	CHECK(append("/x", 2, "l/../a", &len, &vl, &rest) == 1);
	CHECK(len == 4 && !memcmp(out, "/x/l", 4) && vl == 2);
	CHECK_STR(rest, "../a");
	/* Once verified, it goes on. */
	vl = len;
	CHECK(path_append(out, sizeof out, &len, &vl, &rest) == 0);
	CHECK(len == 4 && !memcmp(out, "/x/a", 4) && vl == 2);
	/* At the root ".." stays; "." and empty components go. */
	CHECK(append("", 0, "./..//../a/./", &len, &vl, &rest) == 0);
	CHECK(len == 2 && !memcmp(out, "/a", 2) && vl == 0);
	/* PATH_ALL_VERIFIED: always textual (path_normalize). */
	CHECK(append("", PATH_ALL_VERIFIED, "a/b/../../c/..", &len, &vl, &rest) == 0);
	CHECK(len == 0 && vl == PATH_ALL_VERIFIED);
}

TEST(splice)
{
	size_t len, vl;
	/* /d/l -> t, then "/rest" and "more" still to resolve. */
	strcpy(out, "/d/l/rest");
	len = 9, vl = 2;
	strcpy(buf, "t");
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 4, "more") == 0);
	CHECK_STR(buf, "t/rest/more");
	CHECK(len == 2 && vl == 2);
	/* Absolute: from the root. */
	len = 9, vl = 2;
	strcpy(buf, "/abs");
	CHECK(path_splice(buf, sizeof buf, 4, out, &len, &vl, 4, "") == 0);
	CHECK_STR(buf, "/abs/rest");
	CHECK(len == 0 && vl == 0);
	/* The link at the end, in the first directory. */
	len = 4;
	strcpy(buf, "x");
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 4, "") == 0);
	CHECK_STR(buf, "x");
	CHECK(len == 2);
	len = 9;
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 2, "") == 0);
	CHECK(len == 0); /* /d itself: its directory is the root */
	/* Errors: empty target, an end inside a name or past the path, too long. */
	len = 9;
	CHECK(path_splice(buf, sizeof buf, 0, out, &len, &vl, 4, "") == -ENOENT);
	len = 9;
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 3, "") == -EIO);
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 10, "") == -EIO);
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 0, "") == -EIO);
	CHECK(path_splice(buf, sizeof buf, 1, out, &len, &vl, 5, "") == -EIO);
	memset(buf, 'a', sizeof buf);
	CHECK(path_splice(buf, sizeof buf, sizeof buf - 5, out, &len, &vl, 4, "") ==
	      -ENAMETOOLONG); /* "/rest" and the NUL do not fit */
	CHECK(len == 9);
	CHECK(path_splice(buf, sizeof buf, sizeof buf - 6, out, &len, &vl, 4, "") == 0);
	CHECK(strlen(buf) == sizeof buf - 1);
}

/* A fake file system as a server sees it: absolute paths of directories
 * and of symlinks with their targets. */
static const char *const dirs[] = { "/a", "/a/b", "/c", "/c/d", NULL };
static const char *const links[][2] = {
	{ "/a/up", ".." },   { "/a/b/tc", "/c/d" }, { "/c/rel", "d/../../a/b" },
	{ "/loop", "loop" }, { "/a/f", "b/file" },  { NULL, NULL },
};

static const char *link_of(const char *p, size_t n)
{
	for (int i = 0; links[i][0]; i++)
		if (strlen(links[i][0]) == n && !memcmp(links[i][0], p, n))
			return links[i][1];
	return NULL;
}

static int is_dir(const char *p, size_t n)
{
	if (n == 0)
		return 1;
	for (int i = 0; dirs[i]; i++)
		if (strlen(dirs[i]) == n && !memcmp(dirs[i], p, n))
			return 1;
	return 0;
}

/* The server's walk of out[0..len): 0 (the last component need not
 * exist), 1 with *end at a symlink to follow, or -errno. */
static long serve(size_t len, int follow_last, size_t *end)
{
	for (size_t i = 1; i <= len; i++) {
		if (i < len && out[i] != '/')
			continue;
		if (link_of(out, i) && (i < len || follow_last)) {
			*end = i;
			return 1;
		}
		if (i < len && !is_dir(out, i))
			return -ENOTDIR;
	}
	return 0;
}

/* kernel/vfs.c's loop: resolve path from cwd, following links. */
static long resolve(const char *cwd, const char *path, int follow_last, char *res)
{
	static char in[LDE_FS_PATH_MAX], tgt[LDE_FS_PATH_MAX];
	size_t len = 0, vl = PATH_ALL_VERIFIED, end;
	const char *s = path;
	int links_left = 40;
	strcpy(in, path);
	s = in;
	if (*path != '/')
		path_append(out, sizeof out, &len, &vl, &cwd);
	vl = len;
	for (;;) {
		long r = path_append(out, sizeof out, &len, &vl, &s);
		if (r < 0)
			return r;
		r = serve(len, r == 1 || follow_last, &end);
		if (r < 0)
			return r;
		if (r == 0 && *s == 0)
			break;
		if (r == 0) { /* verified: the ".." goes on textually */
			if (!is_dir(out, len))
				return -ENOTDIR;
			vl = len;
			continue;
		}
		if (--links_left < 0)
			return -ELOOP;
		const char *t = link_of(out, end);
		strcpy(tgt, t);
		r = path_splice(tgt, sizeof tgt, strlen(t), out, &len, &vl, end, s);
		if (r < 0)
			return r;
		strcpy(in, tgt);
		s = in;
	}
	memcpy(res, len ? out : "/", len ? len : 1);
	res[len ? len : 1] = 0;
	return 0;
}

static void res(const char *cwd, const char *path, int follow, const char *want)
{
	char got[LDE_FS_PATH_MAX];
	long r = resolve(cwd, path, follow, got);
	CHECKF(r == 0, "%s + %s: %ld", cwd, path, r);
	if (r == 0)
		CHECK_STR(got, want);
}

TEST(resolution_follows_links)
{
	res("/", "/a/up/c", 1, "/c");
	res("/a", "up/a/b/tc/x", 1, "/c/d/x");
	res("/", "/a/b/tc/../rel", 1, "/a/b"); /* ".." after a link: its target's parent */
	res("/", "/a/b/tc/..", 1, "/c");
	res("/", "/a/b/tc", 0, "/a/b/tc"); /* lstat */
	res("/", "/a/b/tc", 1, "/c/d");
	res("/c", "rel", 1, "/a/b");
	res("/", "/a/f", 1, "/a/b/file");
	res("/a/b", "../../c/./d/../rel/..", 1, "/a");
	char got[64];
	CHECK(resolve("/", "/loop", 1, got) == -ELOOP);
	CHECK(resolve("/", "/loop", 0, got) == 0);
	CHECK(resolve("/", "/loop/x", 0, got) == -ELOOP);
	CHECK(resolve("/", "/a/f/../x", 1, got) == -ENOTDIR); /* /a/b/file is no directory */
}

/* An absolute path normalized where it lies (the kernel copies the user's
 * path into a page and normalizes it there): the same result as into a
 * buffer of its own. */
static void in_place(const char *path, const char *want)
{
	static char ip[LDE_FS_PATH_MAX];
	strcpy(ip, path);
	long n = path_normalize(ip, sizeof ip, "/cwd/unused", ip);
	CHECKF(n == (long)strlen(want), "%s in place: %ld", path, n);
	CHECK_STR(ip, want);
}

TEST(in_place)
{
	in_place("/", "/");
	in_place("/a/b", "/a/b");
	in_place("//a///b//", "/a/b");
	in_place("/./a/./../b/c/..", "/b");
	in_place("/x/../../y/z", "/y/z");
	in_place("/usr/share/notes", "/usr/share/notes");
	in_place("/a/.../b/..c/../d", "/a/.../b/d");
}

static enum path_last end_of(const char *p, bool want_slash)
{
	bool slash = !want_slash;
	enum path_last r = path_end(p, strlen(p), &slash);
	CHECKF(slash == want_slash, "%s: slash %d", p, slash);
	return r;
}

TEST(last_component)
{
	CHECK(end_of(".", false) == PATH_LAST_DOT);
	CHECK(end_of("..", false) == PATH_LAST_DOTDOT);
	CHECK(end_of("a/b/.", false) == PATH_LAST_DOT);
	CHECK(end_of("/a/..//", true) == PATH_LAST_DOTDOT);
	CHECK(end_of("./", true) == PATH_LAST_DOT);
	CHECK(end_of("a/./b", false) == PATH_LAST_NAME);
	CHECK(end_of("../x", false) == PATH_LAST_NAME);
	CHECK(end_of("...", false) == PATH_LAST_NAME);
	CHECK(end_of("a..", false) == PATH_LAST_NAME);
	CHECK(end_of("a/.b", false) == PATH_LAST_NAME);
	CHECK(end_of("b.", false) == PATH_LAST_NAME);
	CHECK(end_of("a/", true) == PATH_LAST_NAME);
	CHECK(end_of("/a/b//", true) == PATH_LAST_NAME);
	CHECK(end_of("/", false) == PATH_LAST_NAME);
	CHECK(end_of("//", false) == PATH_LAST_NAME);
	CHECK(end_of("a/b", false) == PATH_LAST_NAME);
	CHECK(end_of("", false) == PATH_LAST_NAME);
}

/* The kernel resolves an absolute path in the page it copied it into
 * (kernel/vfs.c, resolve_from): path_append's output and the NUL put
 * after it at each stop never reach what is left to read. */
TEST(append_in_place)
{
	static char ip[64];
	size_t len = 0, vl = 0;
	strcpy(ip, "//a/./l/../b//c/../d");
	const char *s = ip;
	CHECK(path_append(ip, sizeof ip, &len, &vl, &s) == 1);
	CHECK(len == 4 && !memcmp(ip, "/a/l", 4));
	ip[len] = 0; /* vp_finish, for the server's STAT of /a/l */
	CHECK_STR(s, "../b//c/../d");
	vl = len; /* a directory */
	CHECK(path_append(ip, sizeof ip, &len, &vl, &s) == 1);
	CHECK(len == 6 && !memcmp(ip, "/a/b/c", 6));
	ip[len] = 0;
	CHECK_STR(s, "../d");
	vl = len;
	CHECK(path_append(ip, sizeof ip, &len, &vl, &s) == 0);
	ip[len] = 0;
	CHECK_STR(ip, "/a/b/d");
}

/* strcpy_max against the plain byte loop: every alignment of dst and src
 * (alike and not), every length around the words, every bound; bytes past
 * the bound never written, the return value, the copy up to the NUL. */
TEST(strcpy_max_alignments)
{
	static char src[128] __attribute__((aligned(8))), dst[128] __attribute__((aligned(8)));
	for (int sa = 0; sa < 8; sa++)
		for (int da = 0; da < 8; da++)
			for (size_t len = 0; len < 40; len++)
				for (size_t n = 0; n < 48; n++) {
					memset(src, 'x', sizeof src);
					for (size_t i = 0; i < len; i++)
						src[sa + i] = (char)('a' + i % 26);
					src[sa + len] = 0;
					memset(dst, '#', sizeof dst);
					size_t r = strcpy_max(dst + da, src + sa, n);
					size_t want = len < n ? len : n;
					if (!CHECKF(r == want, "sa %d da %d len %zu n %zu: %zu", sa,
						    da, len, n, r))
						return;
					size_t copied = len < n ? len + 1 : n;
					if (!CHECKF(!memcmp(dst + da, src + sa, copied),
						    "sa %d da %d len %zu n %zu: copy", sa, da, len,
						    n))
						return;
					for (size_t i = 0; i < sizeof dst; i++)
						if ((i < (size_t)da || i >= da + n) &&
						    !CHECKF(dst[i] == '#',
							    "sa %d da %d len %zu n %zu: wrote [%zu]",
							    sa, da, len, n, i - da))
							return;
				}
}

/* Two pages, the second unmapped (no access): a string can end exactly
 * at the first's end, as a user path next to an unmapped page. NULL if
 * the host refuses; munmap(two, 2 * pg) after. */
static char *page_then_hole(size_t pg)
{
	char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two == MAP_FAILED)
		return NULL;
	if (mprotect(two + pg, pg, PROT_NONE) != 0) {
		munmap(two, 2 * pg);
		return NULL;
	}
	return two;
}

/* A string that ends exactly at a page's end, the next page unmapped (as
 * a user path next to an unmapped page): copied at every alignment
 * without touching that page; one with no NUL before it stops at the
 * bound, at the page's end. */
TEST(strcpy_max_page_end)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *two = page_then_hole(pg);
	if (!CHECK(two != NULL))
		return;
	static char dst[64] __attribute__((aligned(8)));
	for (size_t len = 0; len < 40; len++) {
		char *s = two + pg - len - 1;
		memset(s - 8, 'y', 8);
		memset(s, 'p', len);
		s[len] = 0;
		for (int da = 0; da < 8; da++) {
			/* da == (s & 7): alike, the words; else bytes. */
			size_t r = strcpy_max(dst + da, s, (size_t)(two + pg - s));
			CHECKF(r == len && !memcmp(dst + da, s, len + 1), "len %zu da %d", len, da);
		}
		s[len] = 'p'; /* no NUL before the unmapped page */
		size_t room = (size_t)(two + pg - s);
		CHECKF(strcpy_max(dst + ((uintptr_t)s & 7), s, room) == room, "len %zu", len);
	}
	munmap(two, 2 * pg);
}

/* path_clean is a shortcut for path_append and path_end: whatever it
 * passes must be exactly what they would make of it and note nothing.
 * Every absolute path of up to 8 bytes over '/', '.' and 'a'. */
TEST(clean_is_normal)
{
	static const char alphabet[] = "/.a";
	char p[16], n[16];
	int passed = 0;
	for (size_t len = 1; len <= 8; len++) {
		size_t count = 1;
		for (size_t i = 1; i < len; i++)
			count *= 3;
		for (size_t k = 0; k < count; k++) {
			p[0] = '/';
			size_t c = k;
			for (size_t i = 1; i < len; i++, c /= 3)
				p[i] = alphabet[c % 3];
			p[len] = 0;
			if (!path_clean(p, len))
				continue;
			passed++;
			long r = path_normalize(n, sizeof n, "/", p);
			bool slash;
			enum path_last last = path_end(p, len, &slash);
			if (!CHECKF(r == (long)len && !strcmp(n, p) && last == PATH_LAST_NAME &&
					    !slash,
				    "%s passed as clean", p))
				return;
		}
	}
	CHECK(passed > 100); /* and it does pass some */
	CHECK(path_clean("/", 1));
	CHECK(path_clean("/usr/share/notes", 16));
	CHECK(path_clean("/a.b/c../d.", 11));
	CHECK(!path_clean("/a/", 3));
	CHECK(!path_clean("//a", 3));
	CHECK(!path_clean("/a/./b", 6));
	CHECK(!path_clean("/a/..", 5));
	CHECK(!path_clean("/.hidden", 8)); /* needs nothing, but takes the long way */
}

/* path_copy_words against strnlen and path_clean, over every alignment,
 * bound and short string of '/', '.', 'a' and NUL bytes (a NUL only
 * last): the length, the copy, path_clean's answer, and nothing written
 * past the word that holds the NUL or the bound's last byte. */
TEST(copy_words_is_copy_and_clean)
{
	static char src[64] __attribute__((aligned(8))), dst[64] __attribute__((aligned(8)));
	static const char alphabet[] = "/.a";
	for (size_t len = 0; len <= 7; len++) {
		size_t count = 1;
		for (size_t i = 0; i < len; i++)
			count *= 3;
		for (size_t k = 0; k < count; k++)
			for (size_t a = 0; a < 8; a++)
				for (size_t max = 1; max <= len + 9; max++) {
					memset(src, 'z', sizeof src);
					for (size_t i = 0; i < a; i++)
						src[i] = "\0/."[i % 3]; /* not the path's */
					size_t c = k;
					for (size_t i = 0; i < len; i++, c /= 3)
						src[a + i] = alphabet[c % 3];
					src[a + len] = 0;
					memset(dst, '#', sizeof dst);
					bool clean = false;
					size_t r = path_copy_words(dst + a, src + a, max, &clean);
					size_t want = len < max ? len : max;
					if (!CHECKF(r == want, "%.*s +%zu max %zu: %zu", (int)len,
						    src + a, a, max, r))
						return;
					size_t last = a + (len < max ? len : max - 1);
					if (!CHECK(!memcmp(dst + a, src + a, last - a + 1)))
						return;
					for (size_t i = (last | 7) + 1; i < sizeof dst; i++)
						if (!CHECKF(dst[i] == '#',
							    "%.*s +%zu max %zu: wrote [%zu]",
							    (int)len, src + a, a, max, i))
							return;
					if (len < max && len > 0 && src[a] == '/' &&
					    !CHECKF(clean == path_clean(src + a, len),
						    "%s: clean %d", src + a, clean))
						return;
				}
	}
}

/* A path that ends at a page's end, the next page unmapped, with the
 * bound there (as resolve_opt gives it): every alignment, with its NUL
 * last and with none. */
TEST(copy_words_page_end)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *two = page_then_hole(pg);
	if (!CHECK(two != NULL))
		return;
	static char dst[64] __attribute__((aligned(8)));
	for (size_t len = 1; len < 40; len++) {
		char *s = two + pg - len - 1;
		memset(s, 'p', len);
		s[0] = '/';
		s[len] = 0;
		size_t room = (size_t)(two + pg - s);
		bool clean = false;
		CHECKF(path_copy_words(dst + ((uintptr_t)s & 7), s, room, &clean) == len && clean,
		       "len %zu", len);
		s[len] = 'p';
		CHECKF(path_copy_words(dst + ((uintptr_t)s & 7), s, room, &clean) == room,
		       "len %zu", len);
	}
	munmap(two, 2 * pg);
}

static const struct test_case cases[] = {
	TEST_CASE(in_place),
	TEST_CASE(absolute_and_relative),
	TEST_CASE(dot_dot),
	TEST_CASE(errors),
	TEST_CASE(last_component),
	TEST_CASE(append_stops_at_dot_dot_after_unverified),
	TEST_CASE(append_in_place),
	TEST_CASE(splice),
	TEST_CASE(resolution_follows_links),
	TEST_CASE(strcpy_max_alignments),
	TEST_CASE(strcpy_max_page_end),
	TEST_CASE(clean_is_normal),
	TEST_CASE(copy_words_is_copy_and_clean),
	TEST_CASE(copy_words_page_end),
};

int main(void) { return run_tests("path", cases, ARRAY_SIZE(cases)); }
