/* Parser of the kernel IR text form (grammar in docs/ir-kernel.md). It stops at the first
 * error, reported as `FILE:LINE:COL: error: ...`; any input is safe to feed it. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/kernel/kernel.h"

enum tok_kind {
	T_EOF = 0,
	/* single characters stand for themselves */
	T_IDENT = 256, T_INT, T_FLOAT, T_LE, T_GE, T_EQEQ, T_NE, T_PLUSEQ, T_STAREQ, T_DOTDOT,
};

/* A token: "kind", its text "s"/"len" at "line"/"col"; "u" the magnitude of an INT, "f"
 * the value of a FLOAT. */
struct token {
	int kind;
	const char *s;
	size_t len;
	uint32_t line, col;
	uint64_t u;
	double f;
};

#define MAX_DEPTH 256

/* "pos" is the next byte to lex in "text"; "tok" the current token; "failed" is set at
 * the first error; "s" is the statement being parsed (for iterator names). */
struct parser {
	struct tcc_ctx *ctx;
	const char *file;
	const char *text, *end, *pos;
	uint32_t line, col;
	struct token tok;
	int failed, depth;
	struct tcc_kernel *k;
	struct tcc_kstmt *s;
};

static struct tcc_loc tok_loc(struct parser *p)
{
	return (struct tcc_loc){ .file = p->file, .line = p->tok.line, .col = p->tok.col };
}

static void *vperr(struct parser *p, struct tcc_loc loc, const char *fmt, va_list ap)
{
	char msg[512];

	if (p->failed)
		return NULL;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	tcc_diag_error(p->ctx->diag, loc, "%s", msg);
	p->failed = 1;
	return NULL;
}

__attribute__((format(printf, 2, 3))) static void *perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr(p, tok_loc(p), fmt, ap);
	va_end(ap);
	return NULL;
}

__attribute__((format(printf, 3, 4))) static void *perr_at(struct parser *p, struct tcc_loc loc,
							    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr(p, loc, fmt, ap);
	va_end(ap);
	return NULL;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static void advance(struct parser *p, size_t n)
{
	for (; n && p->pos < p->end; n--, p->pos++) {
		if (*p->pos == '\n') {
			p->line++;
			p->col = 1;
		} else {
			p->col++;
		}
	}
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->end) {
		char c = *p->pos;

		if (c == '#') {
			while (p->pos < p->end && *p->pos != '\n')
				advance(p, 1);
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			advance(p, 1);
		} else {
			break;
		}
	}
}

static size_t lex_number(struct parser *p, const char *s)
{
	size_t n = 0, left = (size_t)(p->end - s);
	char buf[64];

	while (n < left && is_digit(s[n]))
		n++;
	p->tok.kind = T_INT;
	if (n < left && s[n] == '.' && !(n + 1 < left && s[n + 1] == '.')) {
		p->tok.kind = T_FLOAT;
		for (n++; n < left && is_digit(s[n]); n++)
			;
	}
	if (n < left && (s[n] == 'e' || s[n] == 'E')) {
		size_t m = n + 1;

		if (m < left && (s[m] == '+' || s[m] == '-'))
			m++;
		if (m < left && is_digit(s[m])) {
			p->tok.kind = T_FLOAT;
			for (n = m; n < left && is_digit(s[n]); n++)
				;
		}
	}
	if (n >= sizeof(buf))
		return perr(p, "number too long"), n;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	if (p->tok.kind == T_FLOAT)
		p->tok.f = strtod(buf, NULL);
	else
		p->tok.u = strtoull(buf, NULL, 10);
	if (errno == ERANGE && p->tok.kind == T_INT)
		perr(p, "integer literal out of range");
	return n;
}

static const struct {
	const char *s;
	int kind;
} puncts2[] = {
	{ "<=", T_LE }, { ">=", T_GE }, { "==", T_EQEQ }, { "!=", T_NE },
	{ "+=", T_PLUSEQ }, { "*=", T_STAREQ }, { "..", T_DOTDOT },
};

static void next(struct parser *p)
{
	const char *s;
	size_t n = 1;

	skip_space(p);
	s = p->pos;
	p->tok = (struct token){ .s = s, .line = p->line, .col = p->col };
	if (s >= p->end)
		return;
	if (is_alpha(*s)) {
		while (s + n < p->end && (is_alpha(s[n]) || is_digit(s[n])))
			n++;
		p->tok.kind = T_IDENT;
	} else if (is_digit(*s)) {
		n = lex_number(p, s);
	} else {
		p->tok.kind = (unsigned char)*s;
		for (size_t i = 0; i < sizeof(puncts2) / sizeof(puncts2[0]); i++)
			if (s + 1 < p->end && !memcmp(s, puncts2[i].s, 2)) {
				p->tok.kind = puncts2[i].kind;
				n = 2;
			}
		if (!strchr("()[]{},:<>=+-*/%", *s) && n == 1) {
			unsigned char c = (unsigned char)*s;

			if (c >= 0x20 && c < 0x7f)
				perr(p, "unexpected character '%c'", c);
			else
				perr(p, "unexpected byte 0x%02x", c);
		}
	}
	p->tok.len = n;
	advance(p, n);
}

static int is_word(struct parser *p, const char *w)
{
	return p->tok.kind == T_IDENT && p->tok.len == strlen(w) && !memcmp(p->tok.s, w, p->tok.len);
}

static const char *tok_desc(struct parser *p)
{
	static char buf[48];

	if (p->tok.kind == T_EOF)
		return "end of input";
	snprintf(buf, sizeof(buf), "'%.*s'", (int)(p->tok.len > 32 ? 32 : p->tok.len), p->tok.s);
	return buf;
}

static int accept(struct parser *p, int kind)
{
	if (p->failed || p->tok.kind != kind)
		return 0;
	next(p);
	return 1;
}

static int expect(struct parser *p, int kind, const char *what)
{
	if (accept(p, kind))
		return 1;
	perr(p, "expected %s, found %s", what, tok_desc(p));
	return 0;
}

static const char *expect_ident(struct parser *p, const char *what)
{
	const char *s;

	if (p->failed)
		return NULL;
	if (p->tok.kind != T_IDENT)
		return perr(p, "expected %s, found %s", what, tok_desc(p));
	s = tcc_arena_strndup(p->ctx->arena, p->tok.s, p->tok.len);
	if (!s)
		return perr(p, "out of memory");
	next(p);
	return s;
}

/* An integer literal with an optional '-'. */
static int parse_sint(struct parser *p, int64_t *v)
{
	int neg = accept(p, '-');

	if (p->failed || p->tok.kind != T_INT)
		return perr(p, "expected an integer, found %s", tok_desc(p)), 0;
	if (p->tok.u > (uint64_t)INT64_MAX + (uint64_t)neg)
		return perr(p, "integer literal out of range"), 0;
	*v = neg ? (int64_t)(0 - p->tok.u) : (int64_t)p->tok.u;
	next(p);
	return 1;
}

/* ---- expressions ---- */

static struct tcc_kexpr *parse_expr(struct parser *p, int min_prec);
static struct tcc_kexpr *parse_primary(struct parser *p);

static struct tcc_kexpr *mk(struct parser *p, enum tcc_kop op, int nargs, struct tcc_loc loc)
{
	struct tcc_kexpr *e = tcc_kexpr_alloc(p->ctx, op, nargs);

	if (!e)
		return perr(p, "out of memory");
	e->loc = loc;
	return e;
}

static int infix_op(int kind)
{
	switch (kind) {
	case '+': return TCC_KOP_ADD;
	case '-': return TCC_KOP_SUB;
	case '*': return TCC_KOP_MUL;
	case '/': return TCC_KOP_DIV;
	case '%': return TCC_KOP_REM;
	case T_EQEQ: return TCC_KOP_EQ;
	case T_NE: return TCC_KOP_NE;
	case '<': return TCC_KOP_LT;
	case T_LE: return TCC_KOP_LE;
	case '>': return TCC_KOP_GT;
	case T_GE: return TCC_KOP_GE;
	default: return -1;
	}
}

static int at_literal(struct parser *p)
{
	return p->tok.kind == T_INT || p->tok.kind == T_FLOAT || is_word(p, "nan") ||
	       is_word(p, "inf");
}

/* The current token is a literal (see at_literal); "neg" when a '-' came before it. */
static struct tcc_kexpr *parse_literal(struct parser *p, int neg, struct tcc_loc loc)
{
	struct tcc_kexpr *e;

	if (p->tok.kind == T_INT) {
		if (p->tok.u > (uint64_t)INT64_MAX + (uint64_t)neg)
			return perr(p, "integer literal out of range");
		e = mk(p, TCC_KOP_INT, 0, loc);
		if (e)
			e->u.i = neg ? (int64_t)(0 - p->tok.u) : (int64_t)p->tok.u;
	} else {
		e = mk(p, TCC_KOP_FLOAT, 0, loc);
		if (e)
			e->u.f = p->tok.kind == T_FLOAT ? p->tok.f : is_word(p, "nan") ? NAN : INFINITY;
		if (e && neg)
			e->u.f = -e->u.f;
	}
	next(p);
	return e;
}

static struct tcc_kexpr *parse_load(struct parser *p, struct token name, struct tcc_loc loc)
{
	struct tcc_kexpr *args[64], *e;
	struct tcc_kbuf *b = tcc_kernel_find_buf(p->k, name.s, name.len);
	int n = 0;

	if (!b)
		return perr_at(p, loc, "unknown buffer '%.*s'", (int)name.len, name.s);
	next(p); /* '[' */
	while (!p->failed && p->tok.kind != ']') {
		if (n && !expect(p, ',', "',' or ']'"))
			return NULL;
		if (n == 64)
			return perr(p, "too many subscripts");
		if (!(args[n++] = parse_expr(p, 0)))
			return NULL;
	}
	if (!expect(p, ']', "']'") || !(e = mk(p, TCC_KOP_LOAD, n, loc)))
		return NULL;
	e->u.buf = b;
	if (n)
		memcpy(e->args, args, (size_t)n * sizeof(*args));
	return e;
}

static int fn_op(struct token name)
{
	for (int op = 0; op < TCC_KOP_COUNT; op++) {
		enum tcc_kop_class c = tcc_kop_class(op);
		const char *t = tcc_kop_name(op);

		if ((c == TCC_KCLS_FN1 || c == TCC_KCLS_FN2 || c == TCC_KCLS_SELECT) &&
		    strlen(t) == name.len && !memcmp(t, name.s, name.len))
			return op;
	}
	return -1;
}

static struct tcc_kexpr *parse_cast(struct parser *p, struct tcc_loc loc)
{
	struct tcc_kexpr *e, *a;
	int dt;

	if (!expect(p, '<', "'<'"))
		return NULL;
	dt = p->tok.kind == T_IDENT ? (int)tcc_dtype_from_name(p->tok.s, p->tok.len) : 0;
	if (dt == TCC_DT_UNDEFINED || dt == TCC_DT_STRING)
		return perr(p, "expected a dtype, found %s", tok_desc(p));
	next(p);
	if (!expect(p, '>', "'>'") || !expect(p, '(', "'('") || !(a = parse_expr(p, 0)) ||
	    !expect(p, ')', "')'") || !(e = mk(p, TCC_KOP_CAST, 1, loc)))
		return NULL;
	e->args[0] = a;
	e->u.cast_to = dt;
	return e;
}

static struct tcc_kexpr *parse_call(struct parser *p, struct token name, struct tcc_loc loc)
{
	struct tcc_kexpr *args[3], *e;
	int op = fn_op(name), want, n = 0;

	if (op < 0)
		return perr_at(p, loc, "unknown function '%.*s'", (int)name.len, name.s);
	want = tcc_kop_class(op) == TCC_KCLS_FN1 ? 1 : tcc_kop_class(op) == TCC_KCLS_FN2 ? 2 : 3;
	next(p); /* '(' */
	while (!p->failed && p->tok.kind != ')') {
		if (n && !expect(p, ',', "',' or ')'"))
			return NULL;
		if (n == want)
			return perr(p, "'%s' takes %d operand%s", tcc_kop_name(op), want,
				    want > 1 ? "s" : "");
		if (!(args[n++] = parse_expr(p, 0)))
			return NULL;
	}
	if (n != want)
		return perr(p, "'%s' takes %d operand%s", tcc_kop_name(op), want, want > 1 ? "s" : "");
	if (!expect(p, ')', "')'") || !(e = mk(p, op, n, loc)))
		return NULL;
	memcpy(e->args, args, (size_t)n * sizeof(*args));
	return e;
}

static struct tcc_kexpr *parse_name(struct parser *p, struct tcc_loc loc)
{
	struct token name = p->tok;
	struct tcc_kexpr *e;
	int it;

	if (is_word(p, "nan") || is_word(p, "inf"))
		return parse_literal(p, 0, loc);
	next(p);
	if (p->tok.kind == '[')
		return parse_load(p, name, loc);
	if (name.len == 4 && !memcmp(name.s, "cast", 4))
		return parse_cast(p, loc);
	if (p->tok.kind == '(')
		return parse_call(p, name, loc);
	it = tcc_kstmt_find_iter(p->s, name.s, name.len);
	if (it < 0)
		return perr_at(p, loc, "unknown iterator '%.*s'", (int)name.len, name.s);
	if ((e = mk(p, TCC_KOP_ITER, 0, loc)))
		e->u.iter = it;
	return e;
}

static struct tcc_kexpr *parse_primary(struct parser *p)
{
	struct tcc_loc loc = tok_loc(p);
	struct tcc_kexpr *e = NULL, *a;

	if (p->failed)
		return NULL;
	if (++p->depth > MAX_DEPTH)
		return perr(p, "expression nested too deeply");
	if (accept(p, '-')) {
		if (at_literal(p))
			e = parse_literal(p, 1, loc);
		else if ((a = parse_primary(p)) && (e = mk(p, TCC_KOP_NEG, 1, loc)))
			e->args[0] = a;
	} else if (accept(p, '(')) {
		e = parse_expr(p, 0);
		if (e && !expect(p, ')', "')'"))
			e = NULL;
	} else if (at_literal(p) && p->tok.kind != T_IDENT) {
		e = parse_literal(p, 0, loc);
	} else if (p->tok.kind == T_IDENT) {
		e = parse_name(p, loc);
	} else {
		perr(p, "expected an expression, found %s", tok_desc(p));
	}
	p->depth--;
	return e;
}

/* Precedence climbing over the infix operators (all left-associative). */
static struct tcc_kexpr *parse_expr(struct parser *p, int min_prec)
{
	struct tcc_kexpr *lhs = parse_primary(p), *rhs, *e;
	int op;

	while (lhs && (op = infix_op(p->tok.kind)) >= 0 && tcc_kop_prec(op) >= min_prec) {
		struct tcc_loc loc = tok_loc(p);

		next(p);
		if (++p->depth > MAX_DEPTH)
			return perr(p, "expression nested too deeply");
		rhs = parse_expr(p, tcc_kop_prec(op) + 1);
		p->depth--;
		if (!rhs || !(e = mk(p, op, 2, loc)))
			return NULL;
		e->args[0] = lhs;
		e->args[1] = rhs;
		lhs = e;
	}
	return p->failed ? NULL : lhs;
}

static struct tcc_kbuf *parse_buf(struct parser *p)
{
	static const char *roles[] = { "in", "out", "temp" };
	int64_t dims[64];
	int rank = 0, role = -1;
	const char *name;
	struct tcc_loc loc;
	int dt;

	for (int i = 0; i < 3; i++)
		if (is_word(p, roles[i]))
			role = i;
	if (role < 0)
		return perr(p, "expected 'in', 'out' or 'temp', found %s", tok_desc(p));
	next(p);
	loc = tok_loc(p);
	name = expect_ident(p, "a buffer name");
	if (!name || !expect(p, ':', "':'"))
		return NULL;
	if (tcc_kernel_find_buf(p->k, name, strlen(name)))
		return perr_at(p, loc, "buffer '%s' defined twice", name);
	dt = p->tok.kind == T_IDENT ? (int)tcc_dtype_from_name(p->tok.s, p->tok.len) : 0;
	if (dt == TCC_DT_UNDEFINED || dt == TCC_DT_STRING)
		return perr(p, "expected a dtype, found %s", tok_desc(p));
	next(p);
	expect(p, '[', "'['");
	while (!p->failed && p->tok.kind != ']') {
		if (rank && !expect(p, ',', "',' or ']'"))
			return NULL;
		if (rank == 64)
			return perr(p, "rank above 64");
		if (p->tok.kind != T_INT || p->tok.u > (uint64_t)TCC_MAX_NUMEL)
			return perr(p, "expected a dim size, found %s", tok_desc(p));
		dims[rank++] = (int64_t)p->tok.u;
		next(p);
	}
	if (!expect(p, ']', "']'"))
		return NULL;
	struct tcc_kbuf *b = tcc_kernel_add_buf(p->k, name, (enum tcc_kbuf_role)role, dt, rank, dims);
	if (b)
		b->loc = loc;
	return b ? b : perr(p, "out of memory");
}

static int parse_iter(struct parser *p)
{
	struct tcc_loc loc = tok_loc(p);
	const char *name;
	int64_t lo = 0, hi;

	if (is_word(p, "in") || is_word(p, "nan") || is_word(p, "inf"))
		return perr(p, "%s cannot name an iterator", tok_desc(p)), 0;
	name = expect_ident(p, "an iterator name");
	if (!name)
		return 0;
	if (tcc_kstmt_find_iter(p->s, name, strlen(name)) >= 0)
		return perr_at(p, loc, "iterator '%s' defined twice", name), 0;
	if (accept(p, '<')) {
		if (!parse_sint(p, &hi))
			return 0;
	} else if (is_word(p, "in")) {
		next(p);
		if (!parse_sint(p, &lo) || !expect(p, T_DOTDOT, "'..'") || !parse_sint(p, &hi))
			return 0;
	} else {
		return perr(p, "expected '<' or 'in' after iterator '%s'", name), 0;
	}
	if (lo > hi)
		return perr_at(p, loc, "empty range for iterator '%s'", name), 0;
	if (tcc_kstmt_add_iter(p->k, p->s, name, lo, hi) < 0)
		return perr(p, "out of memory"), 0;
	return 1;
}

static int parse_domain(struct parser *p)
{
	if (!expect(p, '[', "'['"))
		return 0;
	while (!p->failed && p->tok.kind != ']' && p->tok.kind != ':') {
		if (p->s->niters && !expect(p, ',', "',', ':' or ']'"))
			return 0;
		if (!parse_iter(p))
			return 0;
	}
	if (accept(p, ':')) {
		do {
			struct tcc_loc loc = tok_loc(p);
			struct tcc_kexpr *c = parse_expr(p, 0);

			if (!c)
				return 0;
			if (!tcc_kop_is_cmp(c->op))
				return perr_at(p, loc, "a domain constraint must be a comparison"), 0;
			if (tcc_kstmt_add_cons(p->k, p->s, c) < 0)
				return perr(p, "out of memory"), 0;
		} while (accept(p, ','));
	}
	return expect(p, ']', "']'");
}

static int parse_update(struct parser *p, enum tcc_kupdate *upd)
{
	if (accept(p, '='))
		*upd = TCC_KUPD_ASSIGN;
	else if (accept(p, T_PLUSEQ))
		*upd = TCC_KUPD_ADD;
	else if (accept(p, T_STAREQ))
		*upd = TCC_KUPD_MUL;
	else if (is_word(p, "max") || is_word(p, "min"))
		*upd = p->tok.s[1] == 'a' ? TCC_KUPD_MAX : TCC_KUPD_MIN;
	else
		return perr(p, "expected '=', '+=', '*=', 'max=' or 'min=', found %s",
			    tok_desc(p)), 0;
	if (*upd >= TCC_KUPD_MAX) {
		next(p);
		return expect(p, '=', "'=' after max/min");
	}
	return 1;
}

static struct tcc_kstmt *parse_stmt(struct parser *p)
{
	struct tcc_loc loc = tok_loc(p);
	struct tcc_kexpr *target, *rhs;
	enum tcc_kupdate upd;
	const char *name = expect_ident(p, "a statement name or '}'");

	if (!name)
		return NULL;
	p->s = tcc_kernel_add_stmt(p->k, name);
	if (!p->s)
		return perr(p, "out of memory");
	p->s->loc = loc;
	if (!parse_domain(p) || !expect(p, ':', "':'"))
		return NULL;
	if (p->tok.kind != T_IDENT)
		return perr(p, "expected a target buffer, found %s", tok_desc(p));
	target = parse_primary(p);
	if (!target)
		return NULL;
	if (target->op != TCC_KOP_LOAD)
		return perr_at(p, target->loc, "the target must be a buffer access");
	if (!parse_update(p, &upd) || !(rhs = parse_expr(p, 0)))
		return NULL;
	tcc_kstmt_set_body(p->s, target, upd, rhs);
	return p->s;
}

static struct tcc_kernel *parse_kernel(struct parser *p)
{
	const char *name;

	if (!is_word(p, "kernel"))
		return perr(p, "expected 'kernel', found %s", tok_desc(p));
	next(p);
	name = expect_ident(p, "a kernel name");
	if (!name)
		return NULL;
	p->k = tcc_kernel_new(p->ctx, name);
	if (!p->k)
		return perr(p, "out of memory");
	p->k->loc = (struct tcc_loc){ .file = p->file, .line = 1, .col = 1 };
	if (!expect(p, '(', "'('"))
		return NULL;
	while (!p->failed && p->tok.kind != ')') {
		if (p->k->nbufs && !expect(p, ',', "',' or ')'"))
			return NULL;
		if (!parse_buf(p))
			return NULL;
	}
	if (!expect(p, ')', "')'") || !expect(p, '{', "'{'"))
		return NULL;
	while (!p->failed && p->tok.kind != '}' && p->tok.kind != T_EOF)
		if (!parse_stmt(p))
			return NULL;
	if (!expect(p, '}', "'}'"))
		return NULL;
	if (p->tok.kind != T_EOF)
		return perr(p, "unexpected %s after the kernel", tok_desc(p));
	return p->failed ? NULL : p->k;
}

__tcc_keep struct tcc_kernel *tcc_kernel_parse(__tcc_keep struct tcc_ctx *ctx, const char *file,
					       const char *text, size_t len)
{
	struct parser p = { .ctx = ctx, .text = text, .end = text + len, .pos = text,
			    .line = 1, .col = 1 };

	p.file = tcc_arena_strdup(ctx->arena, file ? file : "<input>");
	if (!p.file) {
		tcc_ctx_oom(ctx, (struct tcc_loc){ .file = "<input>" });
		return NULL;
	}
	next(&p);
	return parse_kernel(&p);
}
