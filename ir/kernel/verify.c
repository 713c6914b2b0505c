/* The kernel verifier: structure, names, subscript counts, dtypes, and (through ISL, in
 * poly.c) that affine accesses stay inside their buffers. */
#include <string.h>

#include "ir/kernel/kernel.h"
#include "ir/kernel/poly.h"

/* "k" is the kernel under check, "s" the statement, "errors" the count so far. */
struct verifier {
	struct tcc_kernel *k;
	struct tcc_kstmt *s;
	int errors;
};

#define VERR(v, loc, ...)                                                                  \
	do {                                                                               \
		tcc_diag_error((v)->k->ctx->diag, (loc), __VA_ARGS__);                      \
		(v)->errors++;                                                             \
	} while (0)

static const char *dt_name(int dt)
{
	const char *n = tcc_dtype_name(dt);

	return n ? n : "undefined";
}

static int is_numeric(int dt)
{
	return dt == TCC_DT_BOOL || tcc_dtype_is_int(dt) || tcc_dtype_is_float(dt);
}

static int is_weak(const struct tcc_kexpr *e)
{
	return e->op == TCC_KOP_INT || e->op == TCC_KOP_FLOAT || e->op == TCC_KOP_ITER;
}

static int infer(struct verifier *v, struct tcc_kexpr *e, int hint);

/* Infer two operands that must agree: the one that is not a literal goes first and its
 * type is the hint for the other. Returns the common dtype or -1. */
static int infer_pair(struct verifier *v, struct tcc_kexpr *a, struct tcc_kexpr *b, int hint,
		      int same)
{
	int ta, tb;

	if (is_weak(a) && !is_weak(b)) {
		tb = infer(v, b, hint);
		ta = tb < 0 ? -1 : infer(v, a, tb);
	} else {
		ta = infer(v, a, hint);
		tb = ta < 0 ? -1 : infer(v, b, ta);
	}
	if (ta < 0 || tb < 0)
		return -1;
	if (same && ta != tb) {
		VERR(v, a->loc, "dtype mismatch: %s and %s", dt_name(ta), dt_name(tb));
		return -1;
	}
	return ta;
}

static int infer_literal(struct verifier *v, struct tcc_kexpr *e, int hint)
{
	if (e->op == TCC_KOP_FLOAT) {
		if (hint == TCC_DT_UNDEFINED)
			return TCC_DT_FLOAT;
		if (!tcc_dtype_is_float(hint)) {
			VERR(v, e->loc, "float literal where %s is expected", dt_name(hint));
			return -1;
		}
		return hint;
	}
	if (e->op == TCC_KOP_ITER) {
		if (e->u.iter < 0 || !v->s || e->u.iter >= v->s->niters) {
			VERR(v, e->loc, "iterator #%d is not defined", e->u.iter);
			return -1;
		}
		return tcc_dtype_is_int(hint) ? hint : TCC_DT_INT64;
	}
	return is_numeric(hint) ? hint : TCC_DT_INT64;
}

static int infer_load(struct verifier *v, struct tcc_kexpr *e, int is_target)
{
	struct tcc_kbuf *b = e->u.buf;

	if (!b || b->index < 0 || b->index >= v->k->nbufs || v->k->bufs[b->index] != b) {
		VERR(v, e->loc, "access to a buffer of another kernel");
		return -1;
	}
	if (e->nargs != b->rank) {
		VERR(v, e->loc, "'%s' has rank %d but %d subscripts", b->name, (int)b->rank,
		     e->nargs);
		return -1;
	}
	for (int i = 0; i < e->nargs; i++) {
		int t = infer(v, e->args[i], TCC_DT_INT64);

		if (t < 0)
			return -1;
		if (!tcc_dtype_is_int(t)) {
			VERR(v, e->args[i]->loc, "subscript %d of '%s' is %s, not an integer", i,
			     b->name, dt_name(t));
			return -1;
		}
		if (is_target && !tcc_kexpr_is_affine(e->args[i])) {
			VERR(v, e->args[i]->loc, "subscript %d of target '%s' is not affine", i,
			     b->name);
			return -1;
		}
	}
	return b->dtype;
}

static int needs_float(enum tcc_kop op)
{
	switch (op) {
	case TCC_KOP_EXP: case TCC_KOP_LOG: case TCC_KOP_SQRT: case TCC_KOP_RSQRT:
	case TCC_KOP_RECIP: case TCC_KOP_TANH: case TCC_KOP_SIGMOID: case TCC_KOP_ERF:
	case TCC_KOP_SIN: case TCC_KOP_COS: case TCC_KOP_TAN: case TCC_KOP_ASIN:
	case TCC_KOP_ACOS: case TCC_KOP_ATAN: case TCC_KOP_SINH: case TCC_KOP_COSH:
	case TCC_KOP_ASINH: case TCC_KOP_ACOSH: case TCC_KOP_ATANH:
		return 1;
	default:
		return 0;
	}
}

static int is_logic(enum tcc_kop op)
{
	return op == TCC_KOP_NOT || op == TCC_KOP_AND || op == TCC_KOP_OR || op == TCC_KOP_XOR;
}

static int infer_op(struct verifier *v, struct tcc_kexpr *e, int hint)
{
	enum tcc_kop_class cls = tcc_kop_class(e->op);
	int t;

	if (e->op == TCC_KOP_CAST) {
		if (!is_numeric(e->u.cast_to)) {
			VERR(v, e->loc, "cast to %s", dt_name(e->u.cast_to));
			return -1;
		}
		return infer(v, e->args[0], TCC_DT_UNDEFINED) < 0 ? -1 : e->u.cast_to;
	}
	if (e->op == TCC_KOP_SELECT) {
		t = infer(v, e->args[0], TCC_DT_BOOL);
		if (t >= 0 && t != TCC_DT_BOOL) {
			VERR(v, e->args[0]->loc, "select condition is %s, not bool", dt_name(t));
			return -1;
		}
		return t < 0 ? -1 : infer_pair(v, e->args[1], e->args[2], hint, 1);
	}
	if (tcc_kop_is_cmp(e->op))
		return infer_pair(v, e->args[0], e->args[1], TCC_DT_UNDEFINED, 1) < 0 ?
			-1 : TCC_DT_BOOL;
	if (cls == TCC_KCLS_FN1)
		t = infer(v, e->args[0], hint);
	else
		t = infer_pair(v, e->args[0], e->args[1], hint, e->op != TCC_KOP_POW);
	if (t < 0)
		return -1;
	if (needs_float(e->op) && !tcc_dtype_is_float(t)) {
		VERR(v, e->loc, "'%s' needs a float operand, not %s", tcc_kop_name(e->op),
		     dt_name(t));
		return -1;
	}
	if ((e->op == TCC_KOP_SHL || e->op == TCC_KOP_SHR) && !tcc_dtype_is_int(t)) {
		VERR(v, e->loc, "'%s' needs an integer operand, not %s", tcc_kop_name(e->op),
		     dt_name(t));
		return -1;
	}
	if (is_logic(e->op) != (t == TCC_DT_BOOL) && !(is_logic(e->op) && tcc_dtype_is_int(t))) {
		VERR(v, e->loc, "'%s' does not apply to %s", tcc_kop_name(e->op), dt_name(t));
		return -1;
	}
	return t;
}

/* Infer and record the dtype of "e"; "hint" is what the context wants (or UNDEFINED). */
static int infer(struct verifier *v, struct tcc_kexpr *e, int hint)
{
	int t;

	if (!e) {
		VERR(v, v->s ? v->s->loc : v->k->loc, "missing expression");
		return -1;
	}
	if (e->op == TCC_KOP_LOAD)
		t = infer_load(v, e, 0);
	else if (tcc_kop_class(e->op) == TCC_KCLS_LEAF)
		t = infer_literal(v, e, hint);
	else
		t = infer_op(v, e, hint);
	if (t >= 0)
		e->dtype = t;
	return t;
}

static void verify_bufs(struct verifier *v)
{
	for (int i = 0; i < v->k->nbufs; i++) {
		struct tcc_kbuf *b = v->k->bufs[i];

		if (tcc_kernel_find_buf(v->k, b->name, strlen(b->name)) != b)
			VERR(v, b->loc, "buffer '%s' defined twice", b->name);
		if (!is_numeric(b->dtype))
			VERR(v, b->loc, "buffer '%s' has dtype %s", b->name, dt_name(b->dtype));
		for (int d = 0; d < b->rank; d++)
			if (b->dims[d] < 0)
				VERR(v, b->loc, "buffer '%s' has a negative dim", b->name);
	}
}

static void verify_domain(struct verifier *v, struct tcc_kstmt *s)
{
	for (int i = 0; i < s->niters; i++) {
		const char *n = s->iters[i].name;

		if (tcc_kstmt_find_iter(s, n, strlen(n)) != i)
			VERR(v, s->loc, "iterator '%s' defined twice in %s", n, s->name);
		if (s->iters[i].lo > s->iters[i].hi)
			VERR(v, s->loc, "iterator '%s' has an empty range", n);
	}
	for (int i = 0; i < s->ncons; i++) {
		struct tcc_kexpr *c = s->cons[i];

		if (!tcc_kop_is_cmp(c->op) || !tcc_kexpr_is_affine(c->args[0]) ||
		    !tcc_kexpr_is_affine(c->args[1]))
			VERR(v, c->loc, "a domain constraint must compare affine expressions");
		else
			infer(v, c, TCC_DT_BOOL);
	}
}

static void verify_stmt(struct verifier *v, struct tcc_kstmt *s)
{
	struct tcc_kexpr *t = s->target;
	int tt, rt;

	v->s = s;
	for (int i = 0; i < v->k->nstmts; i++)
		if (v->k->stmts[i] != s && !strcmp(v->k->stmts[i]->name, s->name))
			VERR(v, s->loc, "statement '%s' defined twice", s->name);
	verify_domain(v, s);
	if (!t || t->op != TCC_KOP_LOAD || !s->rhs) {
		VERR(v, s->loc, "statement '%s' has no target or no value", s->name);
		return;
	}
	tt = infer_load(v, t, 1);
	if (tt < 0)
		return;
	t->dtype = tt;
	if (t->u.buf->role == TCC_KBUF_IN)
		VERR(v, t->loc, "statement '%s' writes input buffer '%s'", s->name, t->u.buf->name);
	rt = infer(v, s->rhs, tt);
	if (rt >= 0 && rt != tt)
		VERR(v, s->rhs->loc, "value of %s stored into %s buffer '%s'", dt_name(rt),
		     dt_name(tt), t->u.buf->name);
}

tcc_stat tcc_kernel_verify(__tcc_keep struct tcc_kernel *k)
{
	struct verifier v = { .k = k };

	verify_bufs(&v);
	for (int i = 0; i < k->nstmts; i++)
		verify_stmt(&v, k->stmts[i]);
	if (v.errors)
		return -1;
	return tcc_poly_check_bounds(k);
}
