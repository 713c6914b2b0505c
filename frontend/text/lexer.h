/* Tokens of ONNX's textual syntax. The lexer works on a byte range that need not be
 * NUL-terminated; tokens point into it. '#' starts a comment that runs to the end of the line.
 *
 * Numbers carry their sign: "-3", "-1.5e-3", "-inf" and "-nan" are single tokens. "inf",
 * "infinity" and "nan" without a sign are identifiers; the parser reads them as floats where a
 * number is expected. "..." (elided tensor data) is one token. */
#ifndef TCC_FRONTEND_TEXT_LEXER_H
#define TCC_FRONTEND_TEXT_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "support/arena.h"
#include "support/own.h"

enum tcc_tok_kind {
	TCC_TOK_EOF,
	TCC_TOK_IDENT,    /* [A-Za-z_][A-Za-z0-9_]* */
	TCC_TOK_STRING,   /* "..." with escapes; the token spans the quotes */
	TCC_TOK_INT,      /* -?[0-9]+ */
	TCC_TOK_FLOAT,    /* -?[0-9]+(.[0-9]*)?([eE][+-]?[0-9]+)? with '.' or exponent, -inf, -nan */
	TCC_TOK_PUNCT,    /* one of < > ( ) [ ] { } , : = . @ ? */
	TCC_TOK_ELLIPSIS, /* ... */
	TCC_TOK_ERROR,    /* "error" says what is wrong */
};

/* A token: "len" bytes at "start", at 1-based "line"/"col". "punct" is the character of a
 * TCC_TOK_PUNCT token. */
struct tcc_token {
	enum tcc_tok_kind kind;
	const char *start;
	size_t len;
	uint32_t line, col;
	char punct;
	const char *error;
};

/* "cur" is the next byte to read; "tok" the current token. */
struct tcc_lexer {
	const char *cur, *end;
	uint32_t line, col;
	struct tcc_token tok;
};

void tcc_lexer_init(struct tcc_lexer *lx, const char *text, size_t len);
/* Advance to the next token (stays at EOF or at an error). */
void tcc_lexer_next(struct tcc_lexer *lx);

int tcc_tok_is(const struct tcc_token *t, char punct);
int tcc_tok_is_word(const struct tcc_token *t, const char *word);

/* Integer token → sign and magnitude; -1 when the magnitude does not fit in 64 bits. */
int tcc_tok_uint(const struct tcc_token *t, int *neg, uint64_t *mag);
/* Integer, float or nan/inf identifier token → double / float (correctly rounded for each).
 * -1 when the token is not a number. */
int tcc_tok_double(const struct tcc_token *t, double *v);
int tcc_tok_float(const struct tcc_token *t, float *v);
/* Is the identifier token nan, inf or infinity (any case)? */
int tcc_tok_is_special_float(const struct tcc_token *t);

/* Decode a string token into arena memory (NUL-terminated; *len excludes the NUL). Escapes:
 * \n \t \r \0 \xHH and \ followed by any other byte stands for that byte. NULL on out of
 * memory. */
__tcc_keep char *tcc_tok_string(__tcc_keep struct tcc_arena *a, const struct tcc_token *t,
				size_t *len);

#endif
