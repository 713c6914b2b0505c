/* The automatic scheduler's reading of a statement: iterator extents, stride-1 target
 * iterator, vector-friendly loads, and the GEMM pattern (see docs/schedule.md). */
#include <string.h>

#include "passes/schedule/auto.h"

#define COEF_BAD INT64_MIN

static int uses_iter(const struct tcc_kexpr *e, int it)
{
	if (e->op == TCC_KOP_ITER)
		return e->u.iter == it;
	for (int i = 0; i < e->nargs; i++)
		if (uses_iter(e->args[i], it))
			return 1;
	return 0;
}

/* The coefficient of iterator "it" in "e", COEF_BAD when "e" is not linear in it. */
static int64_t coeff(const struct tcc_kexpr *e, int it)
{
	int64_t a, b;

	switch (e->op) {
	case TCC_KOP_INT:
		return 0;
	case TCC_KOP_ITER:
		return e->u.iter == it;
	case TCC_KOP_NEG:
		a = coeff(e->args[0], it);
		return a == COEF_BAD ? a : -a;
	case TCC_KOP_ADD:
	case TCC_KOP_SUB:
		a = coeff(e->args[0], it);
		b = coeff(e->args[1], it);
		if (a == COEF_BAD || b == COEF_BAD)
			return COEF_BAD;
		return e->op == TCC_KOP_ADD ? a + b : a - b;
	case TCC_KOP_MUL:
		if (e->args[0]->op == TCC_KOP_INT || e->args[1]->op == TCC_KOP_INT) {
			int l = e->args[0]->op == TCC_KOP_INT;

			a = coeff(e->args[l], it);
			return a == COEF_BAD ? a : a * e->args[!l]->u.i;
		}
		/* fall through */
	default:
		return uses_iter(e, it) ? COEF_BAD : 0;
	}
}

int auto_access_kind(const struct tcc_kexpr *load, int it)
{
	for (int i = 0; i < load->nargs; i++) {
		int64_t c = coeff(load->args[i], it);
		int last = i == load->nargs - 1;

		if (c == COEF_BAD || (c != 0 && (!last || c != 1)))
			return AUTO_ACC_BAD;
		if (last && c == 1)
			return AUTO_ACC_CONTIG;
	}
	return AUTO_ACC_INVARIANT;
}

int auto_loads_along(const struct tcc_kexpr *e, int it)
{
	if (e->op == TCC_KOP_LOAD)
		return auto_access_kind(e, it) != AUTO_ACC_BAD;
	for (int i = 0; i < e->nargs; i++)
		if (!auto_loads_along(e->args[i], it))
			return 0;
	return 1;
}

/* "it" is stride 1 in the target (its last subscript, coefficient 1) and in every load. */
static int stride1_ok(const struct tcc_kstmt *s, int it)
{
	return auto_access_kind(s->target, it) == AUTO_ACC_CONTIG && auto_loads_along(s->rhs, it);
}

int auto_stride1_iter(const struct tcc_kstmt *s)
{
	const struct tcc_kexpr *t = s->target, *last;

	if (t->nargs == 0)
		return -1;
	last = t->args[t->nargs - 1];
	if (last->op == TCC_KOP_ITER)
		return stride1_ok(s, last->u.iter) ? last->u.iter : -1;
	/* a split column (packed GEMM): nr*jb + jj -> jj */
	for (int it = 0; it < s->niters; it++)
		if (coeff(last, it) == 1 && stride1_ok(s, it))
			return it;
	return -1;
}

int auto_panel_iter(const struct tcc_kstmt *s, int col)
{
	const struct tcc_kexpr *t = s->target;

	for (int it = 0; t->nargs > 0 && it < s->niters; it++) {
		int64_t c = coeff(t->args[t->nargs - 1], it);

		if (it != col && c != 0 && c != COEF_BAD)
			return it;
	}
	return -1;
}

int auto_in_target(const struct tcc_kstmt *s, int it)
{
	return uses_iter(s->target, it);
}

/* The row iterator: the last target iterator (not "b", extent > 1) that the broadcast
 * operand "a" uses and the vector operand "v" does not. */
static int row_iter(const struct tcc_kstmt *s, const struct tcc_kexpr *a,
		    const struct tcc_kexpr *v, int b)
{
	for (int i = s->niters - 1; i >= 0; i--)
		if (i != b && auto_in_target(s, i) && s->iters[i].hi - s->iters[i].lo > 1 &&
		    uses_iter(a, i) && !uses_iter(v, i))
			return i;
	return -1;
}

int auto_match_gemm(const struct tcc_kstmt *s, struct auto_gemm *g)
{
	const struct tcc_kexpr *r = s->rhs, *l0, *l1;
	int ka, kb;

	memset(g, 0, sizeof(*g));
	if (s->update != TCC_KUPD_ADD || s->target->dtype != TCC_DT_FLOAT || r->op != TCC_KOP_MUL ||
	    r->args[0]->op != TCC_KOP_LOAD || r->args[1]->op != TCC_KOP_LOAD || s->ncons < 0)
		return 0;
	g->col = auto_stride1_iter(s);
	if (g->col < 0)
		return 0;
	l0 = r->args[0];
	l1 = r->args[1];
	ka = auto_access_kind(l0, g->col);
	kb = auto_access_kind(l1, g->col);
	if (ka == kb)
		return 0;
	g->row = ka == AUTO_ACC_INVARIANT ? row_iter(s, l0, l1, g->col) : row_iter(s, l1, l0, g->col);
	g->red = -1;
	for (int i = 0; i < s->niters; i++)
		if (!auto_in_target(s, i) && s->iters[i].hi - s->iters[i].lo > 1 && g->red < 0)
			g->red = i;
	return g->row >= 0 && g->red >= 0;
}
