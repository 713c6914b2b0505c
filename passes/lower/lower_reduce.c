/* Reductions: ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare, ArgMax/ArgMin.
 * An init statement over the output (the identity), an update statement over the input
 * domain (the output subscripts keep the non-reduced iterators, and 0 for kept reduced
 * dims), and for some a finishing statement over the output. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Axes given by a non-constant input: recover them from the shapes when unambiguous
 * (reducing a size-1 dim changes nothing, so only the non-1 reduced dims matter). */
static int axes_from_shapes(const struct tcc_node *n, int keep, int *red)
{
	int32_t r = n->inputs[0]->type.rank, ro = n->outputs[0]->type.rank;
	const struct tcc_dim *di = n->inputs[0]->type.dims, *dout = n->outputs[0]->type.dims;
	int lred[LK_MAXR] = { 0 }, rred[LK_MAXR] = { 0 };

	if (keep) {
		if (ro != r)
			return -1;
		for (int i = 0; i < r; i++) {
			if (dout[i].value != di[i].value && dout[i].value != 1)
				return -1;
			red[i] = dout[i].value != di[i].value;
		}
		return 0;
	}
	/* leftmost and rightmost alignments of the output dims in the input dims */
	for (int i = 0, j = 0; i < r; i++) {
		if (j < ro && di[i].value == dout[j].value)
			j++;
		else
			lred[i] = 1;
		if (i == r - 1 && j != ro)
			return -1;
	}
	for (int i = r - 1, j = ro - 1; i >= 0; i--) {
		if (j >= 0 && di[i].value == dout[j].value)
			j--;
		else
			rred[i] = 1;
	}
	for (int i = 0; i < r; i++) {
		if (di[i].value != 1 && lred[i] != rred[i])
			return -1;
		red[i] = lred[i];
	}
	return 0;
}

/* At most this many candidate axis sets are picked among at run time. */
#define MAXCAND 64

/* The reduced dims of a reduction. With run-time axes that the shapes do not pin down,
 * "cand" lists every axis set that fits the shapes (bit i: dim i reduced) and "red" is the
 * first; "axes" is the length of the axes input. */
struct raxes {
	int red[LK_MAXR];
	int noop;
	int ncand;
	int64_t axes;
	unsigned cand[MAXCAND];
};

/* Append to ax->cand every way of removing dims i..r-1 of di (bits on top of "mask") that
 * leaves dims j..ro-1 of dout; -1 beyond MAXCAND. */
static int enum_cands(const struct tcc_dim *di, int32_t r, const struct tcc_dim *dout,
		      int32_t ro, int i, int j, unsigned mask, struct raxes *ax)
{
	if (i == r) {
		if (ax->ncand == MAXCAND)
			return -1;
		ax->cand[ax->ncand++] = mask;
		return 0;
	}
	if (j < ro && di[i].value == dout[j].value &&
	    enum_cands(di, r, dout, ro, i + 1, j + 1, mask, ax) < 0)
		return -1;
	if (r - i > ro - j && enum_cands(di, r, dout, ro, i + 1, j, mask | 1u << i, ax) < 0)
		return -1;
	return 0;
}

/* Run-time axes of keepdims=0 that several axis sets fit: list them as candidates (the
 * axes input must have exactly rank(X) - rank(Y) values). */
static const char *runtime_axes(const struct tcc_node *n, int keep, struct raxes *ax)
{
	const struct tcc_value *vx = n->inputs[0], *va = n->inputs[1];
	int32_t r = vx->type.rank, ro = n->outputs[0]->type.rank;
	const char *why = "axes are not constant and the shapes do not tell them";

	ax->ncand = 0;
	if (keep || r > LK_MAXR || ro > r || va->type.rank != 1 ||
	    va->type.dims[0].value != r - ro || va->type.elem != TCC_DT_INT64)
		return why;
	if (enum_cands(vx->type.dims, r, n->outputs[0]->type.dims, ro, 0, 0, 0, ax) < 0 ||
	    ax->ncand == 0) {
		ax->ncand = 0;
		return why;
	}
	ax->axes = r - ro;
	for (int i = 0; i < r; i++)
		ax->red[i] = ax->cand[0] >> i & 1;
	if (ax->ncand == 1)
		ax->ncand = 0;
	return NULL;
}

/* Which dims of input 0 are reduced; 1 in ax->noop for an identity (empty axes with
 * noop_with_empty_axes). Returns NULL or why not supported. */
static const char *reduce_axes(struct lower *L, const struct tcc_node *n, struct raxes *ax)
{
	int32_t r = n->inputs[0]->type.rank;
	int keep = (int)tcc_node_attr_int(n, "keepdims", 1), *red = ax->red;
	int64_t cnt = -2;
	const int64_t *axv = tcc_node_attr_ints(n, "axes", &cnt);

	memset(ax, 0, sizeof(*ax));
	if (!axv && n->ninputs > 1 && n->inputs[1]) {
		axv = lower_const_ints(L, n, 1, &cnt);
		if (!axv && n->inputs[1]->type.rank == 1 && n->inputs[1]->type.dims[0].value == 0)
			cnt = 0;
		else if (!axv)
			return axes_from_shapes(n, keep, red) < 0 ? runtime_axes(n, keep, ax) : NULL;
	}
	if (cnt <= 0) {
		if (tcc_node_attr_int(n, "noop_with_empty_axes", 0))
			ax->noop = 1;
		for (int i = 0; i < r && !ax->noop; i++)
			red[i] = 1;
		return NULL;
	}
	for (int64_t i = 0; i < cnt; i++) {
		int a = lower_axis(axv[i], r);

		if (a < 0)
			return "axis out of range";
		red[a] = 1;
	}
	return NULL;
}

/* Output subscripts for an input-shaped statement: reduced dims dropped (or 0 if kept). */
static int out_subs(struct lk *lk, int32_t r, const int *red, int keep, kexpr **subs)
{
	int m = 0;

	for (int i = 0; i < r; i++)
		if (!red[i])
			subs[m++] = ke_it(lk, i);
		else if (keep)
			subs[m++] = ke_int(lk, 0);
	return m;
}

static const struct {
	const char *op;
	enum tcc_kupdate upd;
} reds[] = {
	{ "ReduceSum", TCC_KUPD_ADD }, { "ReduceMean", TCC_KUPD_ADD },
	{ "ReduceMax", TCC_KUPD_MAX }, { "ReduceMin", TCC_KUPD_MIN },
	{ "ReduceProd", TCC_KUPD_MUL }, { "ReduceL1", TCC_KUPD_ADD },
	{ "ReduceL2", TCC_KUPD_ADD }, { "ReduceLogSum", TCC_KUPD_ADD },
	{ "ReduceLogSumExp", TCC_KUPD_ADD }, { "ReduceSumSquare", TCC_KUPD_ADD },
};

static kexpr *init_val(struct lk *lk, enum tcc_kupdate upd, int t)
{
	switch (upd) {
	case TCC_KUPD_MAX: return ke_lowest(lk, t);
	case TCC_KUPD_MIN: return ke_highest(lk, t);
	case TCC_KUPD_MUL: return ke_lit(lk, t, 1);
	default: return ke_lit(lk, t, 0);
	}
}

/* The value accumulated for input element x (M: the running max for LogSumExp). */
static kexpr *term(struct lk *lk, const char *op, kexpr *x, kexpr *m)
{
	if (!strcmp(op, "ReduceL1"))
		return ke1(lk, TCC_KOP_ABS, x);
	if (!strcmp(op, "ReduceL2") || !strcmp(op, "ReduceSumSquare"))
		return ke2(lk, TCC_KOP_MUL, x, x);
	if (!strcmp(op, "ReduceLogSumExp"))
		return ke1(lk, TCC_KOP_EXP, ke2(lk, TCC_KOP_SUB, x, m));
	return x;
}

/* Y = finish(Y) over the output; NULL when nothing to do. */
static kexpr *finish(struct lk *lk, const char *op, kexpr *y, kexpr *m, int t, int64_t count)
{
	if (!strcmp(op, "ReduceMean"))
		return ke2(lk, TCC_KOP_DIV, y, ke_lit(lk, t, (double)count));
	if (!strcmp(op, "ReduceL2"))
		return ke1(lk, TCC_KOP_SQRT, y);
	if (!strcmp(op, "ReduceLogSum"))
		return ke1(lk, TCC_KOP_LOG, y);
	if (!strcmp(op, "ReduceLogSumExp"))
		return ke2(lk, TCC_KOP_ADD, ke1(lk, TCC_KOP_LOG, y), m);
	return NULL;
}

/* One reduction being lowered: input X of shape (r, dx), its axes, and with run-time axes
 * the flags F (F[k]: candidate k is the one named). */
struct rd {
	struct lk *lk;
	const struct raxes *ax;
	int32_t r;
	const int64_t *dx;
	int keep;
	struct tcc_kbuf *X, *F;
};

/* Whether one of the n values of A names dim d of a rank r input (as d or d - r). */
static kexpr *axis_named(struct lk *lk, struct tcc_kbuf *A, int64_t n, int d, int32_t r)
{
	kexpr *any = NULL, *sub[1], *a, *hit;

	for (int64_t j = 0; j < n; j++) {
		sub[0] = ke_int(lk, j);
		a = ke_load(lk, A, sub);
		hit = ke2(lk, TCC_KOP_OR, ke2(lk, TCC_KOP_EQ, a, ke_int(lk, d)),
			  ke2(lk, TCC_KOP_EQ, a, ke_int(lk, d - r)));
		any = any ? ke2(lk, TCC_KOP_OR, any, hit) : hit;
	}
	return any;
}

/* F[k] = whether the run-time axes (value va) name candidate k: each of its dims appears
 * among the values. There are as many values as dims, so the order does not matter and
 * repeated or out-of-range values match no candidate (the output stays the identity). */
static struct tcc_kbuf *cand_flags(struct rd *c, struct tcc_value *va)
{
	struct lk *lk = c->lk;
	int64_t nc = c->ax->ncand;
	struct tcc_kbuf *A = lk_in(lk, va), *F = lk_temp(lk, "F", TCC_DT_BOOL, 1, &nc);

	for (int k = 0; k < c->ax->ncand; k++) {
		struct tcc_kstmt *s = lk_stmt(lk, 0, NULL);
		kexpr *all = NULL, *sub[1], *e;

		for (int d = 0; d < c->r; d++) {
			if (!(c->ax->cand[k] >> d & 1))
				continue;
			e = axis_named(lk, A, c->ax->axes, d, c->r);
			all = all ? ke2(lk, TCC_KOP_AND, all, e) : e;
		}
		sub[0] = ke_int(lk, k);
		lk_body(lk, s, F, sub, TCC_KUPD_ASSIGN, all);
	}
	return F;
}

/* The update statements over the input domain: T[out] upd= v, where v is input element x
 * (or, with "op", its term; M: the max temp of LogSumExp or NULL). With run-time axes, one
 * statement per candidate k with v replaced by select(F[k], v, identity of upd). */
static void updates(struct rd *c, struct tcc_kbuf *T, enum tcc_kupdate upd, const char *op,
		    struct tcc_kbuf *M)
{
	struct lk *lk = c->lk;
	const struct raxes *ax = c->ax;
	int red[LK_MAXR];
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *sub[1], *v;

	for (int k = 0; k < (ax->ncand ? ax->ncand : 1); k++) {
		struct tcc_kstmt *s = lk_stmt(lk, c->r, c->dx);

		for (int i = 0; i < c->r; i++)
			red[i] = ax->ncand ? (int)(ax->cand[k] >> i & 1) : ax->red[i];
		ke_iters(lk, 0, c->r, sx);
		out_subs(lk, c->r, red, c->keep, sy);
		v = ke_load(lk, c->X, sx);
		if (op)
			v = term(lk, op, v, M ? ke_load(lk, M, sy) : NULL);
		if (ax->ncand) {
			sub[0] = ke_int(lk, k);
			v = ke_sel(lk, ke_load(lk, c->F, sub), v, init_val(lk, upd, T ? T->dtype : 0));
		}
		lk_body(lk, s, T, sy, upd, v);
	}
}

/* The update of reduction ri on dtype t: max/min of bool are or/and (+= and *= on bool). */
static enum tcc_kupdate red_update(int ri, int t)
{
	if (t == TCC_DT_BOOL && reds[ri].upd == TCC_KUPD_MAX)
		return TCC_KUPD_ADD;
	if (t == TCC_DT_BOOL && reds[ri].upd == TCC_KUPD_MIN)
		return TCC_KUPD_MUL;
	return reds[ri].upd;
}

static tcc_stat lower_reduce(struct lower *L, struct tcc_node *n)
{
	struct raxes ax;
	int ri = 0, t = lower_dtype(n->outputs[0]);
	struct tcc_value *vx = n->inputs[0], *vy = n->outputs[0];
	int32_t ry;
	const int64_t *dy;
	int64_t count = 1;
	struct tcc_kbuf *Y, *M = NULL;
	struct tcc_kstmt *s;
	kexpr *so[LK_MAXR], *mo, *e;
	struct rd c = { .ax = &ax, .keep = (int)tcc_node_attr_int(n, "keepdims", 1) };
	struct lk lk;

	while (strcmp(reds[ri].op, n->op_type))
		ri++;
	if (reduce_axes(L, n, &ax) || lower_shape(vx, &c.r, &c.dx) < 0 ||
	    lower_shape(vy, &ry, &dy) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	c.lk = &lk;
	c.X = lk_in(&lk, vx);
	Y = lk_out(&lk, vy);
	ke_iters(&lk, 0, ry, so);
	if (ax.noop) {
		s = lk_stmt(&lk, ry, dy);
		lk_body(&lk, s, Y, so, TCC_KUPD_ASSIGN, ke_load(&lk, c.X, so));
		return lk_end(&lk);
	}
	/* every candidate reduces as many elements: prod(dx) / prod(dy) */
	for (int i = 0; i < c.r; i++)
		count *= ax.red[i] ? c.dx[i] : 1;
	if (ax.ncand)
		c.F = cand_flags(&c, n->inputs[1]);
	if (!strcmp(n->op_type, "ReduceLogSumExp")) {
		M = lk_temp(&lk, "M", t, ry, dy);
		s = lk_stmt(&lk, ry, dy);
		lk_body(&lk, s, M, so, TCC_KUPD_ASSIGN, ke_lowest(&lk, t));
		updates(&c, M, TCC_KUPD_MAX, NULL, NULL);
		/* an all -inf (or empty) slice: shift by 0 instead */
		s = lk_stmt(&lk, ry, dy);
		mo = ke_load(&lk, M, so);
		lk_body(&lk, s, M, so, TCC_KUPD_ASSIGN,
			ke_sel(&lk, ke2(&lk, TCC_KOP_EQ, mo, ke_lowest(&lk, t)), ke_lit(&lk, t, 0), mo));
	}
	s = lk_stmt(&lk, ry, dy);
	lk_body(&lk, s, Y, so, TCC_KUPD_ASSIGN, init_val(&lk, red_update(ri, t), t));
	updates(&c, Y, red_update(ri, t), n->op_type, M);
	e = finish(&lk, n->op_type, ke_load(&lk, Y, so), M ? ke_load(&lk, M, so) : NULL, t, count);
	if (e) {
		s = lk_stmt(&lk, ry, dy);
		lk_body(&lk, s, Y, so, TCC_KUPD_ASSIGN, e);
	}
	return lk_end(&lk);
}

static const char *check_reduce(struct lower *L, const struct tcc_node *n)
{
	struct raxes ax;
	int t = n->inputs[0] ? n->inputs[0]->type.elem : 0;

	if (n->ninputs < 1 || !n->inputs[0] || n->noutputs != 1)
		return "expects data and one output";
	if (t == TCC_DT_BOOL && strcmp(n->op_type, "ReduceMax") && strcmp(n->op_type, "ReduceMin"))
		return "reduction of bool";
	if (!tcc_dtype_is_float(t) && (strstr(n->op_type, "Log") || strstr(n->op_type, "L2")))
		return "this reduction needs floats";
	return reduce_axes(L, n, &ax);
}

/* ArgMax/ArgMin along "axis": the best value per output element in a temp V, then the
 * first (or last, select_last_index) index where X equals it. */
static tcc_stat lower_arg(struct lower *L, struct tcc_node *n)
{
	int is_max = !strcmp(n->op_type, "ArgMax"), keep = (int)tcc_node_attr_int(n, "keepdims", 1);
	int last = (int)tcc_node_attr_int(n, "select_last_index", 0), red[LK_MAXR] = { 0 };
	struct tcc_value *vx = n->inputs[0], *vy = n->outputs[0];
	int32_t r, ry;
	const int64_t *dx, *dy;
	struct tcc_kbuf *X, *Y, *V;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *so[LK_MAXR], *hit;
	int a, t = lower_dtype(vx);
	struct lk lk;

	if (lower_shape(vx, &r, &dx) < 0 || lower_shape(vy, &ry, &dy) < 0)
		return -1;
	a = lower_axis(tcc_node_attr_int(n, "axis", 0), r);
	red[a] = 1;
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, vx);
	Y = lk_out(&lk, vy);
	V = lk_temp(&lk, "V", t, ry, dy);
	ke_iters(&lk, 0, r, sx);
	ke_iters(&lk, 0, ry, so);
	out_subs(&lk, r, red, keep, sy);
	s = lk_stmt(&lk, ry, dy);
	lk_body(&lk, s, V, so, TCC_KUPD_ASSIGN, is_max ? ke_lowest(&lk, t) : ke_highest(&lk, t));
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, V, sy, is_max ? TCC_KUPD_MAX : TCC_KUPD_MIN, ke_load(&lk, X, sx));
	s = lk_stmt(&lk, ry, dy);
	lk_body(&lk, s, Y, so, TCC_KUPD_ASSIGN, ke_int(&lk, last ? -1 : dx[a]));
	s = lk_stmt(&lk, r, dx);
	hit = ke2(&lk, TCC_KOP_EQ, ke_load(&lk, X, sx), ke_load(&lk, V, sy));
	lk_body(&lk, s, Y, sy, last ? TCC_KUPD_MAX : TCC_KUPD_MIN,
		ke_sel(&lk, hit, ke_it(&lk, a), ke_int(&lk, last ? -1 : dx[a])));
	return lk_end(&lk);
}

static const char *check_arg(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (!n->inputs[0] || n->inputs[0]->type.rank < 1)
		return "ArgMax/ArgMin of a scalar";
	if (lower_axis(tcc_node_attr_int(n, "axis", 0), n->inputs[0]->type.rank) < 0)
		return "axis out of range";
	if (n->inputs[0]->type.elem == TCC_DT_BOOL)
		return "ArgMax/ArgMin of bool";
	if (n->outputs[0]->type.elem != TCC_DT_INT64)
		return "output must be int64";
	if (n->inputs[0]->type.dims[lower_axis(tcc_node_attr_int(n, "axis", 0),
					       n->inputs[0]->type.rank)].value == 0)
		return "ArgMax/ArgMin over an empty axis";
	return NULL;
}

#define RED(name) { name, lower_reduce, check_reduce }
const struct lower_op lower_ops_reduce[] = {
	RED("ReduceSum"), RED("ReduceMean"), RED("ReduceMax"), RED("ReduceMin"),
	RED("ReduceProd"), RED("ReduceL1"), RED("ReduceL2"), RED("ReduceLogSum"),
	RED("ReduceLogSumExp"), RED("ReduceSumSquare"),
	{ "ArgMax", lower_arg, check_arg }, { "ArgMin", lower_arg, check_arg },
	{ NULL, NULL, NULL },
};
