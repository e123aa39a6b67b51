/* picolibc's stdin, stdout and stderr, over read(0) and write(1/2).
 * stdout and stderr are line-buffered: a line goes out in one write(), so
 * lines from different processes never interleave mid-line. Reading stdin
 * flushes stdout first, so prompts appear. */
#include <stdio.h>
#include <unistd.h>

#define BUF_SIZE 512

struct out_buf {
	int fd;
	int len;
	char data[BUF_SIZE];
};

static struct out_buf out_bufs[2] = { { .fd = 1 }, { .fd = 2 } };

static void flush_buf(struct out_buf *b)
{
	int off = 0;
	while (off < b->len) {
		ssize_t n = write(b->fd, b->data + off, (size_t)(b->len - off));
		if (n <= 0)
			break;
		off += (int)n;
	}
	b->len = 0;
}

static int put(char c, struct out_buf *b)
{
	b->data[b->len++] = c;
	if (c == '\n' || b->len == BUF_SIZE)
		flush_buf(b);
	return (unsigned char)c;
}

static int put_stdout(char c, FILE *f)
{
	(void)f;
	return put(c, &out_bufs[0]);
}
static int put_stderr(char c, FILE *f)
{
	(void)f;
	return put(c, &out_bufs[1]);
}
static int flush_stdout(FILE *f)
{
	(void)f;
	flush_buf(&out_bufs[0]);
	return 0;
}
static int flush_stderr(FILE *f)
{
	(void)f;
	flush_buf(&out_bufs[1]);
	return 0;
}

static char in_data[BUF_SIZE];
static int in_len, in_pos;

static int get_stdin(FILE *f)
{
	(void)f;
	if (in_pos == in_len) {
		flush_buf(&out_bufs[0]);
		flush_buf(&out_bufs[1]);
		ssize_t n = read(0, in_data, sizeof in_data);
		if (n <= 0)
			return n == 0 ? _FDEV_EOF : _FDEV_ERR;
		in_len = (int)n;
		in_pos = 0;
	}
	return (unsigned char)in_data[in_pos++];
}

static FILE f_stdin = FDEV_SETUP_STREAM(NULL, get_stdin, NULL, _FDEV_SETUP_READ);
static FILE f_stdout = FDEV_SETUP_STREAM(put_stdout, NULL, flush_stdout, _FDEV_SETUP_WRITE);
static FILE f_stderr = FDEV_SETUP_STREAM(put_stderr, NULL, flush_stderr, _FDEV_SETUP_WRITE);

FILE *const stdin = &f_stdin;
FILE *const stdout = &f_stdout;
FILE *const stderr = &f_stderr;

/* Called at exit, and by fork callers that must not duplicate output. */
void __lde_stdio_flush(void)
{
	flush_buf(&out_bufs[0]);
	flush_buf(&out_bufs[1]);
}
