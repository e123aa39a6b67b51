/* Path normalization (kernel/path.c): what a file server is sent for every
 * path a program gives, against the current directory. */
#include "check.h"
#include "errno.h"
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

/* An absolute path normalized where it lies (the kernel copies the user's
 * path into a page and normalizes it there): the same result as into a
 * buffer of its own. */
static void in_place(const char *path, const char *want)
{
	static char buf[LDE_FS_PATH_MAX];
	strcpy(buf, path);
	long n = path_normalize(buf, sizeof buf, "/cwd/unused", buf);
	CHECKF(n == (long)strlen(want), "%s in place: %ld", path, n);
	CHECK_STR(buf, want);
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

static const struct test_case cases[] = {
	TEST_CASE(in_place), TEST_CASE(absolute_and_relative), TEST_CASE(dot_dot),
	TEST_CASE(errors),   TEST_CASE(last_component),
};

int main(void) { return run_tests("path", cases, ARRAY_SIZE(cases)); }
