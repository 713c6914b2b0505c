/* Lowering of further ops: Trilu, CumSum, CumProd, OneHot, LpNormalization,
 * RMSNormalization, MeanVarianceNormalization, Shrink. Run-time scalar inputs (Trilu's k,
 * CumSum's axis, OneHot's values) are loaded and used in selects; statistics go to temps
 * shaped like the input with the reduced dims set to 1. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* load of the single element of v (any rank, all dims 1), cast to dtype "dt" */
static kexpr *scalar_load(struct lk *lk, struct tcc_value *v, int dt)
{
	struct tcc_kbuf *b = lk_in(lk, v);
	kexpr *subs[LK_MAXR];
	kexpr *e;

	if (!b)
		return NULL;
	for (int i = 0; i < b->rank; i++)
		subs[i] = ke_int(lk, 0);
	e = ke_load(lk, b, subs);
	return b->dtype == dt ? e : ke_cast(lk, dt, e);
}

/* is v a one-element integer tensor (rank <= 1) */
static int is_int_scalar(const struct tcc_value *v)
{
	if (!v || !tcc_dtype_is_int(v->type.elem) || v->type.rank > 1)
		return 0;
	return v->type.rank == 0 || v->type.dims[0].value == 1;
}

/* ---- Trilu: keep x[..., a, b] where b - a >= k (upper) or b - a <= k (lower) ---- */
static tcc_stat lower_trilu(struct lower *L, struct tcc_node *n)
{
	int32_t r;
	const int64_t *dx;
	int64_t cnt;
	const int64_t *kc = lower_const_ints(L, n, 1, &cnt);
	int t = lower_dtype(n->outputs[0]), up = (int)tcc_node_attr_int(n, "upper", 1);
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *k, *d, *keep;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (kc && cnt == 1)
		k = ke_int(&lk, kc[0]);
	else if (tcc_node_input(n, 1))
		k = scalar_load(&lk, n->inputs[1], TCC_DT_INT64);
	else
		k = ke_int(&lk, 0);
	s = lk_stmt(&lk, r, dx);
	ke_iters(&lk, 0, r, sx);
	d = ke2(&lk, TCC_KOP_SUB, ke_it(&lk, r - 1), ke_it(&lk, r - 2));
	keep = ke2(&lk, up ? TCC_KOP_GE : TCC_KOP_LE, d, k);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN,
		ke_sel(&lk, keep, ke_load(&lk, X, sx), ke_lit(&lk, t, 0)));
	return lk_end(&lk);
}

static const char *check_trilu(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->ninputs < 1 || !n->inputs[0] || n->inputs[0]->type.rank < 2)
		return "needs an input of rank >= 2";
	if (tcc_node_input(n, 1) && !is_int_scalar(n->inputs[1]))
		return "k must be a one-element integer tensor";
	return NULL;
}

/* ---- CumSum / CumProd ---- */

/* One scan along axis a: Y[i] (+= or *=) X[i with i_a = j] for j <= i_a (< when exclusive,
 * >= / > when reverse); "ax" (run-time axis, NULL when constant) guards the term. */
static void scan_axis(struct lk *lk, struct tcc_kbuf *X, struct tcc_kbuf *Y, int a, kexpr *ax,
		      int prod)
{
	const struct tcc_node *n = lk->n;
	int excl = (int)tcc_node_attr_int(n, "exclusive", 0);
	int rev = (int)tcc_node_attr_int(n, "reverse", 0);
	int32_t r = X->rank;
	struct tcc_kstmt *s = lk_stmt(lk, r, X->dims);
	int j = lk_iter(lk, s, "j", X->dims[a]);
	enum tcc_kop op = rev ? (excl ? TCC_KOP_GT : TCC_KOP_GE) : (excl ? TCC_KOP_LT : TCC_KOP_LE);
	kexpr *sy[LK_MAXR], *sx[LK_MAXR], *e, *hit;

	if (j < 0)
		return;
	ke_iters(lk, 0, r, sy);
	ke_iters(lk, 0, r, sx);
	sx[a] = ke_it(lk, j);
	lk_cons(lk, s, op, ke_it(lk, j), ke_it(lk, a));
	e = ke_load(lk, X, sx);
	if (ax) {
		hit = ke2(lk, TCC_KOP_OR, ke2(lk, TCC_KOP_EQ, ax, ke_int(lk, a)),
			  ke2(lk, TCC_KOP_EQ, ax, ke_int(lk, a - r)));
		e = ke_sel(lk, hit, e, ke_lit(lk, X->dtype, prod ? 1 : 0));
	}
	lk_body(lk, s, Y, sy, prod ? TCC_KUPD_MUL : TCC_KUPD_ADD, e);
}

static tcc_stat lower_cumulative(struct lower *L, struct tcc_node *n)
{
	int prod = !strcmp(n->op_type, "CumProd"), t = lower_dtype(n->outputs[0]);
	int32_t r;
	const int64_t *dx;
	int64_t cnt;
	const int64_t *ac = lower_const_ints(L, n, 1, &cnt);
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *ax = NULL;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !Y)
		return lk_end(&lk);
	s = lk_stmt(&lk, r, dx);
	ke_iters(&lk, 0, r, sx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, ke_lit(&lk, t, prod ? 1 : 0));
	if (ac && cnt == 1) {
		scan_axis(&lk, X, Y, lower_axis(ac[0], r), NULL, prod);
		return lk_end(&lk);
	}
	ax = scalar_load(&lk, n->inputs[1], TCC_DT_INT64);
	for (int a = 0; a < r; a++)
		scan_axis(&lk, X, Y, a, ax, prod);
	return lk_end(&lk);
}

static const char *check_cumulative(struct lower *L, const struct tcc_node *n)
{
	int64_t cnt;
	const int64_t *ac;

	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1])
		return "needs x and axis";
	if (n->inputs[0]->type.rank < 1)
		return "needs an input of rank >= 1";
	if (n->inputs[0]->type.elem == TCC_DT_BOOL)
		return "bool input";
	if (!is_int_scalar(n->inputs[1]))
		return "axis must be a one-element integer tensor";
	ac = lower_const_ints(L, n, 1, &cnt);
	if (ac && cnt == 1 && lower_axis(ac[0], n->inputs[0]->type.rank) < 0)
		return "axis out of range";
	return NULL;
}

/* ---- OneHot: y[o] = (idx == o_a) ? values[1] : values[0], idx = indices[o without a]
 * (negative ones + depth); depth is the output's static dim on the axis ---- */
static tcc_stat lower_onehot(struct lower *L, struct tcc_node *n)
{
	int t = lower_dtype(n->outputs[0]);
	int32_t r;
	const int64_t *dy;
	struct tcc_kbuf *I, *V, *Y;
	struct tcc_kstmt *s;
	kexpr *sy[LK_MAXR], *si[LK_MAXR], *sv[1], *idx, *on, *off;
	struct lk lk;

	if (lower_shape(n->outputs[0], &r, &dy) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	int a = lower_axis(tcc_node_attr_int(n, "axis", -1), r);

	I = lk_in(&lk, n->inputs[0]);
	V = lk_in(&lk, n->inputs[2]);
	Y = lk_out(&lk, n->outputs[0]);
	s = lk_stmt(&lk, r, dy);
	ke_iters(&lk, 0, r, sy);
	for (int i = 0, o = 0; i < r; i++)
		if (i != a)
			si[o++] = ke_it(&lk, i);
	idx = ke_load(&lk, I, si);
	if (I && I->dtype != TCC_DT_INT64)
		idx = ke_cast(&lk, TCC_DT_INT64, idx);
	idx = ke_sel(&lk, ke2(&lk, TCC_KOP_LT, idx, ke_int(&lk, 0)),
		     ke2(&lk, TCC_KOP_ADD, idx, ke_int(&lk, dy[a])), idx);
	sv[0] = ke_int(&lk, 1);
	on = ke_load(&lk, V, sv);
	sv[0] = ke_int(&lk, 0);
	off = ke_load(&lk, V, sv);
	if (V && V->dtype != t) {
		on = ke_cast(&lk, t, on);
		off = ke_cast(&lk, t, off);
	}
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN,
		ke_sel(&lk, ke2(&lk, TCC_KOP_EQ, idx, ke_it(&lk, a)), on, off));
	return lk_end(&lk);
}

static const char *check_onehot(struct lower *L, const struct tcc_node *n)
{
	const struct tcc_value *v;
	int32_t r;

	(void)L;
	if (n->ninputs < 3 || !n->inputs[0] || !n->inputs[1] || !n->inputs[2] || !n->outputs[0])
		return "needs indices, depth and values";
	r = n->outputs[0]->type.rank;
	if (r != n->inputs[0]->type.rank + 1)
		return "output rank must be the indices' rank + 1";
	if (lower_axis(tcc_node_attr_int(n, "axis", -1), r) < 0)
		return "axis out of range";
	if (n->inputs[0]->type.elem == TCC_DT_BOOL)
		return "bool indices";
	v = n->inputs[2];
	if (v->type.rank != 1 || v->type.dims[0].value != 2)
		return "values must be a 2-element vector";
	return NULL;
}

/* ---- statistics helpers ---- */

/* dims with the reduced ones set to 1 */
static void keep_dims(int32_t r, const int64_t *dx, const int *red, int64_t *out)
{
	for (int i = 0; i < r; i++)
		out[i] = red[i] ? 1 : dx[i];
}

/* subscripts of a statistics buffer from an x-shaped statement */
static void stat_subs(struct lk *lk, int32_t r, const int *red, kexpr **subs)
{
	for (int i = 0; i < r; i++)
		subs[i] = red[i] ? ke_int(lk, 0) : ke_it(lk, i);
}

/* Acc = sum over the reduced dims of "e" (an expression over x-shaped iterators, in Acc's
 * dtype), scaled by "scale" when not 1. */
static void stat_sum(struct lk *lk, struct tcc_kbuf *Acc, int32_t r, const int64_t *dx,
		     const int *red, kexpr *e, double scale)
{
	kexpr *sx[LK_MAXR], *sk[LK_MAXR];
	struct tcc_kstmt *s;
	int t = Acc ? Acc->dtype : TCC_DT_FLOAT;

	ke_iters(lk, 0, r, sx);
	stat_subs(lk, r, red, sk);
	s = lk_stmt(lk, r, Acc ? Acc->dims : dx);
	lk_body(lk, s, Acc, sx, TCC_KUPD_ASSIGN, ke_lit(lk, t, 0));
	s = lk_stmt(lk, r, dx);
	lk_body(lk, s, Acc, sk, TCC_KUPD_ADD, e);
	if (scale == 1.0)
		return;
	s = lk_stmt(lk, r, Acc ? Acc->dims : dx);
	lk_body(lk, s, Acc, sx, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_MUL, ke_load(lk, Acc, sx), ke_lit(lk, t, scale)));
}

static int64_t red_count(int32_t r, const int64_t *dx, const int *red)
{
	int64_t c = 1;

	for (int i = 0; i < r; i++)
		c *= red[i] ? dx[i] : 1;
	return c;
}

/* x loaded at the statement's iterators, cast to dtype st */
static kexpr *load_as(struct lk *lk, struct tcc_kbuf *X, int st)
{
	kexpr *sx[LK_MAXR];

	if (!X)
		return lk->err = 1, NULL;
	ke_iters(lk, 0, X->rank, sx);
	return X->dtype == st ? ke_load(lk, X, sx) : ke_cast(lk, st, ke_load(lk, X, sx));
}

/* ---- LpNormalization: y = x / (sum |x| or sqrt(sum x^2)) along axis (0 where the
 * norm is 0) ---- */
static tcc_stat lower_lpnorm(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]);
	int p = (int)tcc_node_attr_int(n, "p", 2);
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *X, *Y, *N;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *e, *nrm;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	int a = lower_axis(tcc_node_attr_int(n, "axis", -1), r);

	for (int i = 0; i < r; i++)
		red[i] = i == a;
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	N = lk_temp(&lk, "N", t, r, dk);
	e = load_as(&lk, X, t);
	stat_sum(&lk, N, r, dx, red, p == 1 ? ke1(&lk, TCC_KOP_ABS, e) : ke2(&lk, TCC_KOP_MUL, e, e),
		 1.0);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	nrm = ke_load(&lk, N, sk);
	if (p == 2)
		nrm = ke1(&lk, TCC_KOP_SQRT, nrm);
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN,
		ke_sel(&lk, ke2(&lk, TCC_KOP_EQ, nrm, ke_lit(&lk, t, 0)), ke_lit(&lk, t, 0),
		       ke2(&lk, TCC_KOP_DIV, e, nrm)));
	return lk_end(&lk);
}

static const char *check_lpnorm(struct lower *L, const struct tcc_node *n)
{
	int64_t p = tcc_node_attr_int(n, "p", 2);

	(void)L;
	if (!n->inputs[0] || !tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float input";
	if (p != 1 && p != 2)
		return "p must be 1 or 2";
	if (lower_axis(tcc_node_attr_int(n, "axis", -1), n->inputs[0]->type.rank) < 0)
		return "axis out of range";
	return NULL;
}

/* ---- RMSNormalization: y = x / sqrt(mean(x^2 over axis..) + eps) * scale, computed in
 * the stash type ---- */
static tcc_stat lower_rmsnorm(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]);
	int st = tcc_node_attr_int(n, "stash_type", 1) == 1 ? TCC_DT_FLOAT : t;
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *X, *Y, *Q;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *e, *q;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	int a = lower_axis(tcc_node_attr_int(n, "axis", -1), r);

	for (int i = 0; i < r; i++)
		red[i] = i >= a;
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	Q = lk_temp(&lk, "Q", st, r, dk);
	e = load_as(&lk, X, st);
	stat_sum(&lk, Q, r, dx, red, ke2(&lk, TCC_KOP_MUL, e, e),
		 1.0 / (double)red_count(r, dx, red));
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	q = ke2(&lk, TCC_KOP_ADD, ke_load(&lk, Q, sk),
		ke_lit(&lk, st, tcc_node_attr_float(n, "epsilon", 1e-5f)));
	e = ke2(&lk, TCC_KOP_MUL, e, ke1(&lk, TCC_KOP_RSQRT, q));
	if (st != t)
		e = ke_cast(&lk, t, e);
	e = ke2(&lk, TCC_KOP_MUL, e, ke_bload(&lk, n->inputs[1], 0, r));
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	return lk_end(&lk);
}

static const char *check_rmsnorm(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1])
		return "needs X and scale";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem) ||
	    n->inputs[1]->type.elem != n->inputs[0]->type.elem)
		return "needs float X and scale of one dtype";
	if (n->inputs[1]->type.rank > n->inputs[0]->type.rank)
		return "scale of higher rank than X";
	if (lower_axis(tcc_node_attr_int(n, "axis", -1), n->inputs[0]->type.rank) < 0)
		return "axis out of range";
	return NULL;
}

/* the reduced dims of MeanVarianceNormalization (attr axes, default [0, 2, 3]); -1 when an
 * axis is out of range */
static int mvn_axes(const struct tcc_node *n, int32_t r, int *red)
{
	static const int64_t dflt[3] = { 0, 2, 3 };
	int64_t cnt;
	const int64_t *ax = tcc_node_attr_ints(n, "axes", &cnt);

	if (!ax) {
		ax = dflt;
		cnt = 3;
	}
	for (int i = 0; i < r; i++)
		red[i] = 0;
	for (int64_t i = 0; i < cnt; i++) {
		int a = lower_axis(ax[i], r);

		if (a < 0)
			return -1;
		red[a] = 1;
	}
	return 0;
}

/* ---- MeanVarianceNormalization: y = (x - mean) / (sqrt(var) + 1e-9) ---- */
static tcc_stat lower_mvn(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]);
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	double inv;
	struct tcc_kbuf *X, *Y, *Mu, *Var;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *d, *sd;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	mvn_axes(n, r, red);
	keep_dims(r, dx, red, dk);
	inv = 1.0 / (double)red_count(r, dx, red);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	Mu = lk_temp(&lk, "Mu", t, r, dk);
	Var = lk_temp(&lk, "Var", t, r, dk);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	stat_sum(&lk, Mu, r, dx, red, ke_load(&lk, X, sx), inv);
	d = ke2(&lk, TCC_KOP_SUB, ke_load(&lk, X, sx), ke_load(&lk, Mu, sk));
	stat_sum(&lk, Var, r, dx, red, ke2(&lk, TCC_KOP_MUL, d, d), inv);
	sd = ke2(&lk, TCC_KOP_ADD, ke1(&lk, TCC_KOP_SQRT, ke_load(&lk, Var, sk)),
		 ke_lit(&lk, t, 1e-9));
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, ke2(&lk, TCC_KOP_DIV, d, sd));
	return lk_end(&lk);
}

static const char *check_mvn(struct lower *L, const struct tcc_node *n)
{
	int red[LK_MAXR];

	(void)L;
	if (!n->inputs[0] || !tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float input";
	if (n->inputs[0]->type.rank > LK_MAXR || mvn_axes(n, n->inputs[0]->type.rank, red) < 0)
		return "axes out of range";
	return NULL;
}

/* ---- Shrink: x < -lambd ? x + bias : x > lambd ? x - bias : 0 ---- */
static tcc_stat lower_shrink(struct lower *L, struct tcc_node *n)
{
	int t = lower_dtype(n->outputs[0]);
	double lambd = tcc_node_attr_float(n, "lambd", 0.5f);
	double bias = tcc_node_attr_float(n, "bias", 0.0f);
	int32_t r;
	const int64_t *dx;
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *x, *e;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	s = lk_stmt(&lk, r, dx);
	ke_iters(&lk, 0, r, sx);
	x = ke_load(&lk, X, sx);
	e = ke_sel(&lk, ke2(&lk, TCC_KOP_GT, x, ke_lit(&lk, t, lambd)),
		   ke2(&lk, TCC_KOP_SUB, x, ke_lit(&lk, t, bias)), ke_lit(&lk, t, 0));
	e = ke_sel(&lk, ke2(&lk, TCC_KOP_LT, x, ke_lit(&lk, t, -lambd)),
		   ke2(&lk, TCC_KOP_ADD, x, ke_lit(&lk, t, bias)), e);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	return lk_end(&lk);
}

static const char *check_shrink(struct lower *L, const struct tcc_node *n)
{
	double lambd = tcc_node_attr_float(n, "lambd", 0.5f);
	double bias = tcc_node_attr_float(n, "bias", 0.0f);
	int dt = n->inputs[0] ? n->inputs[0]->type.elem : TCC_DT_UNDEFINED;

	(void)L;
	if (dt == TCC_DT_BOOL || dt == TCC_DT_UNDEFINED)
		return "needs a numeric input";
	if (tcc_dtype_is_float(dt))
		return NULL;
	if (!tcc_dtype_is_signed(dt))
		return "unsigned integer input";
	if (lambd != (double)(int64_t)lambd || bias != (double)(int64_t)bias)
		return "integer input with non-integral lambd or bias";
	return NULL;
}

const struct lower_op lower_ops_extra[] = {
	{ "Trilu", lower_trilu, check_trilu },
	{ "CumSum", lower_cumulative, check_cumulative },
	{ "CumProd", lower_cumulative, check_cumulative },
	{ "OneHot", lower_onehot, check_onehot },
	{ "LpNormalization", lower_lpnorm, check_lpnorm },
	{ "RMSNormalization", lower_rmsnorm, check_rmsnorm },
	{ "MeanVarianceNormalization", lower_mvn, check_mvn },
	{ "Shrink", lower_shrink, check_shrink },
	{ NULL, NULL, NULL },
};
