/* Subscript simplification. Inlining a Reshape or a Transpose into its reader composes flat
 * indices: the reader's subscript becomes (64*h + d + 768*s) / 768 % 128 where s alone is
 * meant. Over the statement's iterator bounds such floor divisions and remainders by a
 * constant reduce to plain affine terms: with L = D*Q + R, every term of Q a multiple of D
 * and 0 <= R < D everywhere, L / D is Q and L % D is R. The scheduler reads strides and
 * contiguity from plain affine subscripts, so a simplified access is one it can vectorize and
 * register-block. */
#include "ir/kernel/kernel.h"

#define LIN_MAX_ITERS 32

/* sum(c[i] * iterator i) + k over the statement's iterators. */
struct lin {
	int n;
	int64_t c[LIN_MAX_ITERS];
	int64_t k;
};

static int64_t floor_div(int64_t a, int64_t d)
{
	int64_t q = a / d;

	return q * d > a ? q - 1 : q;
}

/* The smallest and largest value of "l" over the iterators' bounds [lo, hi). */
static void lin_range(const struct tcc_kstmt *s, const struct lin *l, int64_t *min, int64_t *max)
{
	*min = *max = l->k;
	for (int i = 0; i < l->n; i++) {
		int64_t a = l->c[i] * s->iters[i].lo, b = l->c[i] * (s->iters[i].hi - 1);

		*min += a < b ? a : b;
		*max += a < b ? b : a;
	}
}

static void lin_scale(struct lin *l, int64_t f)
{
	for (int i = 0; i < l->n; i++)
		l->c[i] *= f;
	l->k *= f;
}

/* floor(l / d) (div) or l mod d (!div) as a linear form, when l splits as d*Q + R with R in
 * [0, d) (and l >= 0, so floor and truncating division agree). */
static int lin_divmod(const struct tcc_kstmt *s, struct lin *l, int64_t d, int div)
{
	struct lin q = { .n = l->n }, r = { .n = l->n };
	int64_t min, max;

	lin_range(s, l, &min, &max);
	if (min < 0)
		return 0;
	q.k = floor_div(l->k, d);
	r.k = l->k - d * q.k;
	for (int i = 0; i < l->n; i++) {
		if (l->c[i] % d == 0)
			q.c[i] = l->c[i] / d;
		else
			r.c[i] = l->c[i];
	}
	lin_range(s, &r, &min, &max);
	if (min < 0 || max >= d)
		return 0;
	*l = div ? q : r;
	return 1;
}

/* "e" as a linear form over the iterators of "s" (1), or 0 when it is not one. */
static int to_lin(const struct tcc_kstmt *s, const struct tcc_kexpr *e, struct lin *l)
{
	struct lin b = { .n = l->n };

	switch (e->op) {
	case TCC_KOP_INT:
		l->k = e->u.i;
		return 1;
	case TCC_KOP_ITER:
		if (e->u.iter < 0 || e->u.iter >= l->n)
			return 0;
		l->c[e->u.iter] = 1;
		return 1;
	case TCC_KOP_NEG:
		if (!to_lin(s, e->args[0], l))
			return 0;
		lin_scale(l, -1);
		return 1;
	case TCC_KOP_ADD:
	case TCC_KOP_SUB:
		if (!to_lin(s, e->args[0], l) || !to_lin(s, e->args[1], &b))
			return 0;
		lin_scale(&b, e->op == TCC_KOP_ADD ? 1 : -1);
		for (int i = 0; i < l->n; i++)
			l->c[i] += b.c[i];
		l->k += b.k;
		return 1;
	case TCC_KOP_MUL:
		if (e->args[0]->op == TCC_KOP_INT && to_lin(s, e->args[1], l)) {
			lin_scale(l, e->args[0]->u.i);
			return 1;
		}
		if (e->args[1]->op == TCC_KOP_INT && to_lin(s, e->args[0], l)) {
			lin_scale(l, e->args[1]->u.i);
			return 1;
		}
		return 0;
	case TCC_KOP_DIV:
	case TCC_KOP_REM:
		return e->args[1]->op == TCC_KOP_INT && e->args[1]->u.i > 0 &&
		       to_lin(s, e->args[0], l) &&
		       lin_divmod(s, l, e->args[1]->u.i, e->op == TCC_KOP_DIV);
	default:
		return 0;
	}
}

/* acc + c * iterator "it" (acc NULL: the first term). */
static struct tcc_kexpr *add_term(struct tcc_ctx *ctx, struct tcc_kexpr *acc, int64_t c, int it)
{
	int64_t a = acc && c < 0 ? -c : c;
	struct tcc_kexpr *t = tcc_kexpr_iter(ctx, it);

	if (t && a != 1)
		t = tcc_kexpr_op(ctx, TCC_KOP_MUL, tcc_kexpr_int(ctx, a), t, NULL);
	if (!acc || !t)
		return t;
	return tcc_kexpr_op(ctx, c < 0 ? TCC_KOP_SUB : TCC_KOP_ADD, acc, t, NULL);
}

/* The expression of "l": its terms in iterator order, then the constant. */
static struct tcc_kexpr *from_lin(struct tcc_ctx *ctx, const struct lin *l)
{
	struct tcc_kexpr *e = NULL;

	for (int i = 0; i < l->n; i++)
		if (l->c[i] && !(e = add_term(ctx, e, l->c[i], i)))
			return NULL;
	if (!e)
		return tcc_kexpr_int(ctx, l->k);
	if (l->k)
		e = tcc_kexpr_op(ctx, l->k < 0 ? TCC_KOP_SUB : TCC_KOP_ADD, e,
				 tcc_kexpr_int(ctx, l->k < 0 ? -l->k : l->k), NULL);
	return e;
}

static int has_divmod(const struct tcc_kexpr *e)
{
	if (e->op == TCC_KOP_DIV || e->op == TCC_KOP_REM)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (has_divmod(e->args[i]))
			return 1;
	return 0;
}

struct tcc_kexpr *tcc_kexpr_simplify_subscript(struct tcc_ctx *ctx, const struct tcc_kstmt *s,
					       struct tcc_kexpr *e)
{
	struct lin l = { .n = s->niters };
	struct tcc_kexpr *r;

	if (s->niters > LIN_MAX_ITERS || !has_divmod(e) || !to_lin(s, e, &l))
		return e;
	r = from_lin(ctx, &l);
	if (r)
		r->loc = e->loc;
	return r ? r : e;
}
