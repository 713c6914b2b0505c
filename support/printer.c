#include "support/printer.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* "buf"/"len"/"cap" hold the text of a string printer; "file" is set for a file printer. */
struct tcc_printer {
	FILE *file;
	char *buf;
	size_t len, cap;
	int indent;
	int failed;
};

__tcc_give struct tcc_printer *tcc_printer_to_str(void)
{
	struct tcc_printer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->buf = malloc(256);
	if (!p->buf) {
		free(p);
		return NULL;
	}
	p->buf[0] = 0;
	p->cap = 256;
	return p;
}

__tcc_give struct tcc_printer *tcc_printer_to_file(__tcc_keep FILE *f)
{
	struct tcc_printer *p = calloc(1, sizeof(*p));

	if (p)
		p->file = f;
	return p;
}

void tcc_printer_free(__tcc_take struct tcc_printer *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p);
}

static int reserve(struct tcc_printer *p, size_t n)
{
	size_t cap = p->cap;

	if (p->len + n + 1 <= cap)
		return 0;
	while (cap < p->len + n + 1) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	char *b = realloc(p->buf, cap);
	if (!b)
		return -1;
	p->buf = b;
	p->cap = cap;
	return 0;
}

void tcc_printer_mem(__tcc_keep struct tcc_printer *p, const char *s, size_t n)
{
	if (!p || p->failed)
		return;
	if (p->file) {
		if (n && fwrite(s, 1, n, p->file) != n)
			p->failed = 1;
		return;
	}
	if (reserve(p, n) < 0) {
		p->failed = 1;
		return;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = 0;
}

void tcc_printer_str(__tcc_keep struct tcc_printer *p, const char *s)
{
	tcc_printer_mem(p, s, strlen(s));
}

void tcc_printer_char(__tcc_keep struct tcc_printer *p, char c)
{
	tcc_printer_mem(p, &c, 1);
}

void tcc_printer_int(__tcc_keep struct tcc_printer *p, int64_t v)
{
	tcc_printer_fmt(p, "%lld", (long long)v);
}

void tcc_printer_fmt(__tcc_keep struct tcc_printer *p, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (p)
			p->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		tcc_printer_mem(p, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		if (p)
			p->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tcc_printer_mem(p, big, (size_t)n);
	free(big);
}

static int print_special(struct tcc_printer *p, double v)
{
	if (isnan(v))
		tcc_printer_str(p, "nan");
	else if (isinf(v))
		tcc_printer_str(p, v < 0 ? "-inf" : "inf");
	else
		return 0;
	return 1;
}

void tcc_format_float(char *buf, size_t size, float v)
{
	if (isnan(v)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, "%s", v < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 6; prec <= 9; prec++) {
		snprintf(buf, size, "%.*g", prec, (double)v);
		if (strtof(buf, NULL) == v)
			break;
	}
}

void tcc_printer_float(__tcc_keep struct tcc_printer *p, float v)
{
	char s[32];

	tcc_format_float(s, sizeof(s), v);
	tcc_printer_str(p, s);
}

void tcc_printer_double(__tcc_keep struct tcc_printer *p, double v)
{
	char s[40];

	if (print_special(p, v))
		return;
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	tcc_printer_str(p, s);
}

void tcc_printer_quoted(__tcc_keep struct tcc_printer *p, const char *s, size_t n)
{
	tcc_printer_char(p, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			tcc_printer_fmt(p, "\\%c", c);
		else if (c == '\n')
			tcc_printer_str(p, "\\n");
		else if (c == '\t')
			tcc_printer_str(p, "\\t");
		else if (c < 0x20 || c == 0x7f)
			tcc_printer_fmt(p, "\\x%02x", c);
		else
			tcc_printer_char(p, (char)c);
	}
	tcc_printer_char(p, '"');
}

void tcc_printer_indent(__tcc_keep struct tcc_printer *p)
{
	for (int i = 0; p && i < p->indent; i++)
		tcc_printer_char(p, ' ');
}

void tcc_printer_push(__tcc_keep struct tcc_printer *p)
{
	if (p)
		p->indent += 2;
}

void tcc_printer_pop(__tcc_keep struct tcc_printer *p)
{
	if (p && p->indent >= 2)
		p->indent -= 2;
}

int tcc_printer_failed(__tcc_keep const struct tcc_printer *p)
{
	return !p || p->failed;
}

__tcc_keep const char *tcc_printer_get_str(__tcc_keep const struct tcc_printer *p)
{
	return p && p->buf ? p->buf : "";
}

size_t tcc_printer_len(__tcc_keep const struct tcc_printer *p)
{
	return p ? p->len : 0;
}

__tcc_give char *tcc_printer_take_str(__tcc_take struct tcc_printer *p)
{
	char *s;

	if (!p)
		return NULL;
	s = p->failed ? NULL : p->buf;
	if (p->failed)
		free(p->buf);
	free(p);
	return s;
}
