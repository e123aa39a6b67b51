/* printf formatting core. One pass over the format; each conversion is
 * parsed into a spec, then emitted through a sink that counts everything
 * but stores only what fits, which gives snprintf's return value for free. */
#include <stdbool.h>
#include <stdint.h>
#include "fmt.h"
#include "kstring.h"

/* Big enough for a 64-bit value in octal, the longest base we print. */
#define FMT_DIGITS_MAX 22

/* %z and %t are printed through their same-width counterparts. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "%zd/%tu twin types");
_Static_assert(sizeof(uintmax_t) <= sizeof(uint64_t), "%j fits 64 bits");

enum fmt_len { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_spec {
	bool left, plus, space, alt, zero;
	int width;
	int prec; /* -1: none given */
	enum fmt_len len;
	char conv;
};

struct fmt_out {
	char *buf;
	size_t size;
	size_t len; /* what the full output would take */
};

static void put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct fmt_out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Saturates at FMT_MAX_WIDTH; the int cannot overflow on the way. */
static int parse_num(const char **fmt)
{
	int n = 0;

	while (is_digit(**fmt)) {
		if (n < FMT_MAX_WIDTH)
			n = n * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return n > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : n;
}

static int clamp_width(int n) { return n > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : n; }

/* Parses flags, width, precision and length after '%'; leaves *fmt on the
 * conversion character. */
static void parse_spec(const char **fmt, va_list *ap, struct fmt_spec *sp)
{
	const char *p = *fmt;
	int n;

	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '+')
			sp->plus = true;
		else if (*p == ' ')
			sp->space = true;
		else if (*p == '#')
			sp->alt = true;
		else if (*p == '0')
			sp->zero = true;
		else
			break;
	}
	if (*p == '*') {
		p++;
		n = va_arg(*ap, int);
		/* A negative width is a '-' flag (C11 7.21.6.1p5). */
		if (n < 0) {
			sp->left = true;
			n = n < -FMT_MAX_WIDTH ? FMT_MAX_WIDTH : -n;
		}
		sp->width = clamp_width(n);
	} else {
		sp->width = parse_num(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			p++;
			n = va_arg(*ap, int);
			sp->prec = n < 0 ? -1 : clamp_width(n);
		} else {
			sp->prec = parse_num(&p);
		}
	}
	switch (*p) {
	case 'h':
		sp->len = p[1] == 'h' ? LEN_HH : LEN_H;
		p += sp->len == LEN_HH ? 2 : 1;
		break;
	case 'l':
		sp->len = p[1] == 'l' ? LEN_LL : LEN_L;
		p += sp->len == LEN_LL ? 2 : 1;
		break;
	case 'z':
		sp->len = LEN_Z;
		p++;
		break;
	case 't':
		sp->len = LEN_T;
		p++;
		break;
	case 'j':
		sp->len = LEN_J;
		p++;
		break;
	}
	sp->conv = *p;
	*fmt = p;
}

static int64_t get_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t get_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Layout: [spaces] [sign or 0x] [zeros] digits [spaces]. */
static void put_int(struct fmt_out *o, const struct fmt_spec *sp, uint64_t u, bool neg,
		    bool is_signed)
{
	const char *digs = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
	char digits[FMT_DIGITS_MAX];
	const char *prefix = "";
	int nd = 0, zeros, total;
	size_t plen;

	if (neg)
		prefix = "-";
	else if (is_signed && sp->plus)
		prefix = "+";
	else if (is_signed && sp->space)
		prefix = " ";
	else if (sp->alt && u && sp->conv == 'x')
		prefix = "0x";
	else if (sp->alt && u && sp->conv == 'X')
		prefix = "0X";
	plen = strlen(prefix);

	while (u) {
		digits[nd++] = digs[u % base];
		u /= base;
	}
	/* The default precision is 1: zero prints "0" unless told ".0". */
	zeros = (sp->prec < 0 ? 1 : sp->prec) - nd;
	if (zeros < 0)
		zeros = 0;
	/* '#' with 'o' makes the first digit a 0. */
	if (sp->alt && sp->conv == 'o' && zeros == 0)
		zeros = 1;
	total = (int)plen + zeros + nd;

	if (sp->zero && !sp->left && sp->prec < 0) {
		if (sp->width > total)
			zeros += sp->width - total;
	} else if (!sp->left) {
		put_n(o, ' ', sp->width - total);
	}
	put_str(o, prefix, plen);
	put_n(o, '0', zeros);
	while (nd > 0)
		put(o, digits[--nd]);
	if (sp->left)
		put_n(o, ' ', sp->width - total);
}

/* Strings, characters and pointers pad with spaces only. */
static void put_padded(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t n)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!sp->left)
		put_n(o, ' ', pad);
	put_str(o, s, n);
	if (sp->left)
		put_n(o, ' ', pad);
}

static void put_conv(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap, const char *start,
		     const char *end)
{
	char hex[2 + FMT_DIGITS_MAX];
	const char *s;
	uintptr_t ptr;
	int64_t v;
	size_t n;
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		v = get_signed(ap, sp->len);
		put_int(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, true);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o': put_int(o, sp, get_unsigned(ap, sp->len), false, false); break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		/* With a precision the string need not be terminated. */
		n = sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec);
		put_padded(o, sp, s, n);
		break;
	case 'p':
		ptr = (uintptr_t)va_arg(*ap, void *);
		n = sizeof(hex);
		do {
			hex[--n] = "0123456789abcdef"[ptr % 16];
			ptr /= 16;
		} while (ptr);
		hex[--n] = 'x';
		hex[--n] = '0';
		put_padded(o, sp, hex + n, sizeof(hex) - n);
		break;
	case '%': put(o, '%'); break;
	default:
		/* Show the unknown conversion rather than guess at it. */
		put_str(o, start, (size_t)(end - start));
		break;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	struct fmt_spec sp;
	const char *start;
	va_list args;

	/* A copy we can pass by pointer: va_list may be an array type. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		start = fmt++;
		parse_spec(&fmt, &args, &sp);
		if (*fmt == '\0') {
			put_str(&o, start, (size_t)(fmt - start));
			break;
		}
		fmt++;
		put_conv(&o, &sp, &args, start, fmt);
	}
	va_end(args);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
