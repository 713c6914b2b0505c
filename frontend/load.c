/* Reading a model file whatever its format. The format is told by content, never by the file
 * name: ONNX text is printable UTF-8 whose first non-blank character is '<' (the header), '#'
 * (a comment) or an identifier character; anything else is taken as a binary ModelProto (whose
 * first byte, a protobuf tag, is a control character in practice). */
#include "frontend/load.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx/onnx.h"
#include "frontend/text/text.h"

/* Largest model file tcc reads. */
#define TCC_MAX_FILE_SIZE ((size_t)4 << 30)

/* The name diagnostics use for "path" ("<stdin>" for "-"), copied into the arena so locations
 * kept in the IR stay valid. */
static const char *display_name(struct tcc_ctx *ctx, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	const char *copy = tcc_arena_strdup(ctx->arena, name);

	return copy ? copy : name;
}

/* Read all of f into a malloc'ed, NUL-terminated buffer. Returns NULL with errno set on a read
 * error, or with errno = EFBIG when the data exceeds TCC_MAX_FILE_SIZE. */
static char *read_stream(FILE *f, size_t *len)
{
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	for (;;) {
		if (cap - n < 2) {
			char *nb;
			if (cap > TCC_MAX_FILE_SIZE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;
		free(buf);
		errno = e;
		return NULL;
	}
	if (n > TCC_MAX_FILE_SIZE) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

__tcc_give char *tcc_read_file(__tcc_keep struct tcc_ctx *ctx, const char *path, size_t *len)
{
	struct tcc_loc loc = { .file = display_name(ctx, path) };
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f;
	char *buf;

	*len = 0;
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		tcc_diag_error(ctx->diag, loc, "cannot open: %s", strerror(errno));
		return NULL;
	}
	errno = 0;
	buf = read_stream(f, len);
	if (!buf) {
		if (errno == EFBIG)
			tcc_diag_error(ctx->diag, loc, "file is larger than 4 GiB");
		else
			tcc_diag_error(ctx->diag, loc, "cannot read: %s", strerror(errno));
	}
	if (!is_stdin)
		fclose(f);
	return buf;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), 0 when it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	return len;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Whether buf holds ONNX text: valid UTF-8 without control characters other than blanks, whose
 * first non-blank byte is '<', '#' or an identifier start. A UTF-8 byte-order mark is allowed. */
static int looks_like_text(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, first = (size_t)-1;

	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		i = 3;
	while (i < len) {
		size_t k = utf8_len(s + i, len - i);
		if (k == 0)
			return 0;
		if (k == 1 && (s[i] < 0x20 || s[i] == 0x7f) && !is_blank(s[i]))
			return 0;
		if (first == (size_t)-1 && !is_blank(s[i]))
			first = i;
		i += k;
	}
	if (first == (size_t)-1)
		return 1; /* only blanks: let the text parser say what is missing */
	return s[first] == '<' || s[first] == '#' || is_ident_start(s[first]);
}

__tcc_keep struct tcc_model *tcc_load_model(__tcc_keep struct tcc_ctx *ctx, const char *path)
{
	const char *name = display_name(ctx, path);
	struct tcc_loc loc = { .file = name };
	struct tcc_model *m;
	size_t len;
	char *buf = tcc_read_file(ctx, path, &len);

	if (!buf)
		return NULL;
	if (len == 0) {
		tcc_diag_error(ctx->diag, loc, "file is empty");
		free(buf);
		return NULL;
	}
	if (looks_like_text(buf, len))
		m = tcc_text_parse(ctx, name, buf, len);
	else
		m = tcc_onnx_read(ctx, name, buf, len);
	free(buf);
	if (m && !m->path)
		m->path = name;
	return m;
}
