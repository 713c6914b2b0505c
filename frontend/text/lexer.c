/* Lexer for ONNX's textual syntax. */
#include "frontend/text/lexer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void tcc_lexer_init(struct tcc_lexer *lx, const char *text, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->cur = text;
	lx->end = text + len;
	lx->line = 1;
	lx->col = 1;
	tcc_lexer_next(lx);
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int peek(const struct tcc_lexer *lx, size_t i)
{
	return lx->cur + i < lx->end ? (unsigned char)lx->cur[i] : -1;
}

static void advance(struct tcc_lexer *lx)
{
	if (*lx->cur == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->cur++;
}

static void skip_space(struct tcc_lexer *lx)
{
	while (lx->cur < lx->end) {
		int c = peek(lx, 0);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			advance(lx);
		} else if (c == '#') {
			while (lx->cur < lx->end && *lx->cur != '\n')
				advance(lx);
		} else {
			break;
		}
	}
}

static void lex_error(struct tcc_lexer *lx, const char *msg)
{
	lx->tok.kind = TCC_TOK_ERROR;
	lx->tok.error = msg;
}

static void lex_digits(struct tcc_lexer *lx)
{
	while (is_digit(peek(lx, 0)))
		advance(lx);
}

/* At a digit (a '-' already consumed): an integer or float literal. */
static void lex_number(struct tcc_lexer *lx)
{
	lx->tok.kind = TCC_TOK_INT;
	lex_digits(lx);
	if (peek(lx, 0) == '.' && peek(lx, 1) != '.') {
		lx->tok.kind = TCC_TOK_FLOAT;
		advance(lx);
		lex_digits(lx);
	}
	if (peek(lx, 0) == 'e' || peek(lx, 0) == 'E') {
		int k = peek(lx, 1) == '+' || peek(lx, 1) == '-' ? 2 : 1;
		if (!is_digit(peek(lx, (size_t)k))) {
			lex_error(lx, "malformed exponent in number");
			return;
		}
		lx->tok.kind = TCC_TOK_FLOAT;
		while (k--)
			advance(lx);
		lex_digits(lx);
	}
	if (is_alpha(peek(lx, 0)) || is_digit(peek(lx, 0)))
		lex_error(lx, "malformed number");
}

static void lex_word(struct tcc_lexer *lx)
{
	while (is_alpha(peek(lx, 0)) || is_digit(peek(lx, 0)))
		advance(lx);
}

static void lex_minus(struct tcc_lexer *lx)
{
	advance(lx);
	if (is_digit(peek(lx, 0))) {
		lex_number(lx);
	} else if (is_alpha(peek(lx, 0))) {
		struct tcc_token word;
		lex_word(lx);
		word = lx->tok;
		word.start++;
		word.len = (size_t)(lx->cur - word.start);
		if (!tcc_tok_is_special_float(&word))
			lex_error(lx, "expected a number after '-'");
		else
			lx->tok.kind = TCC_TOK_FLOAT;
	} else {
		lex_error(lx, "expected a number after '-'");
	}
}

static void lex_string(struct tcc_lexer *lx)
{
	advance(lx);
	for (;;) {
		int c = peek(lx, 0);
		if (c < 0) {
			lex_error(lx, "unterminated string");
			return;
		}
		advance(lx);
		if (c == '"')
			break;
		if (c == '\\') {
			if (lx->cur >= lx->end) {
				lex_error(lx, "unterminated string");
				return;
			}
			advance(lx);
		}
	}
	lx->tok.kind = TCC_TOK_STRING;
}

void tcc_lexer_next(struct tcc_lexer *lx)
{
	struct tcc_token *t = &lx->tok;
	int c;

	if (t->kind == TCC_TOK_ERROR || (t->kind == TCC_TOK_EOF && t->start))
		return;
	skip_space(lx);
	memset(t, 0, sizeof(*t));
	t->start = lx->cur;
	t->line = lx->line;
	t->col = lx->col;
	c = peek(lx, 0);
	if (c < 0) {
		t->kind = TCC_TOK_EOF;
		return;
	}
	if (is_alpha(c)) {
		t->kind = TCC_TOK_IDENT;
		lex_word(lx);
	} else if (is_digit(c)) {
		lex_number(lx);
	} else if (c == '-') {
		lex_minus(lx);
	} else if (c == '"') {
		lex_string(lx);
	} else if (c == '.' && peek(lx, 1) == '.' && peek(lx, 2) == '.') {
		t->kind = TCC_TOK_ELLIPSIS;
		advance(lx);
		advance(lx);
		advance(lx);
	} else if (c && strchr("<>()[]{},:=.@?", c)) {
		t->kind = TCC_TOK_PUNCT;
		t->punct = (char)c;
		advance(lx);
	} else {
		lex_error(lx, "unexpected character");
	}
	t->len = (size_t)(lx->cur - t->start);
}

int tcc_tok_is(const struct tcc_token *t, char punct)
{
	return t->kind == TCC_TOK_PUNCT && t->punct == punct;
}

int tcc_tok_is_word(const struct tcc_token *t, const char *word)
{
	return t->kind == TCC_TOK_IDENT && strlen(word) == t->len &&
	       memcmp(t->start, word, t->len) == 0;
}

int tcc_tok_is_special_float(const struct tcc_token *t)
{
	static const char *const words[] = { "nan", "inf", "infinity" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (t->len == strlen(words[i]) && strncasecmp(t->start, words[i], t->len) == 0)
			return 1;
	return 0;
}

int tcc_tok_uint(const struct tcc_token *t, int *neg, uint64_t *mag)
{
	const char *s = t->start, *e = t->start + t->len;
	uint64_t v = 0;

	*neg = s < e && *s == '-';
	if (*neg)
		s++;
	for (; s < e; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*mag = v;
	return 0;
}

/* Copy a number token into buf as a C string; -1 when it is not a number or too long. */
static int number_text(const struct tcc_token *t, char *buf, size_t size)
{
	int ok = t->kind == TCC_TOK_INT || t->kind == TCC_TOK_FLOAT ||
		 (t->kind == TCC_TOK_IDENT && tcc_tok_is_special_float(t));

	if (!ok || t->len >= size)
		return -1;
	memcpy(buf, t->start, t->len);
	buf[t->len] = 0;
	return 0;
}

int tcc_tok_double(const struct tcc_token *t, double *v)
{
	char buf[512];

	if (number_text(t, buf, sizeof(buf)) < 0)
		return -1;
	*v = strtod(buf, NULL);
	return 0;
}

int tcc_tok_float(const struct tcc_token *t, float *v)
{
	char buf[512];

	if (number_text(t, buf, sizeof(buf)) < 0)
		return -1;
	*v = strtof(buf, NULL);
	return 0;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode the escape at s[0] (after the backslash); returns bytes consumed, stores the byte. */
static size_t unescape(const char *s, const char *e, char *out)
{
	int h;

	switch (*s) {
	case 'n': *out = '\n'; return 1;
	case 't': *out = '\t'; return 1;
	case 'r': *out = '\r'; return 1;
	case '0': *out = 0; return 1;
	case 'x':
		if (s + 1 < e && (h = hex_value((unsigned char)s[1])) >= 0) {
			int h2 = s + 2 < e ? hex_value((unsigned char)s[2]) : -1;
			*out = (char)(h2 >= 0 ? h * 16 + h2 : h);
			return h2 >= 0 ? 3 : 2;
		}
		*out = 'x';
		return 1;
	default: *out = *s; return 1;
	}
}

__tcc_keep char *tcc_tok_string(__tcc_keep struct tcc_arena *a, const struct tcc_token *t,
				size_t *len)
{
	const char *s = t->start + 1, *e = t->start + t->len - 1;
	char *out = tcc_arena_alloc(a, t->len);
	size_t n = 0;

	if (!out)
		return NULL;
	while (s < e) {
		if (*s == '\\' && s + 1 < e) {
			s++;
			s += unescape(s, e, &out[n++]);
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = 0;
	*len = n;
	return out;
}
