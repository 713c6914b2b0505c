/* Ops that fill their output from attributes, shapes or scalars: Pad (constant, reflect,
 * edge, wrap), Range, Shape, Size, Constant, ConstantOfShape. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Pad amounts per dim (begin in pb, end in pe) from the pads attribute (< 11) or the
 * constant pads input with optional constant axes. */
static const char *pad_params(const struct tcc_node *n, int64_t *pb, int64_t *pe)
{
	int32_t r = n->inputs[0]->type.rank;
	int64_t np, na = -2;
	const int64_t *p = tcc_node_attr_ints(n, "pads", &np), *ax = NULL;

	if (!p) {
		p = lower_const_ints(NULL, n, 1, &np);
		ax = lower_const_ints(NULL, n, 3, &na);
		if (!p || na == -1)
			return "pads or axes are not constant";
	}
	if (!ax)
		na = r;
	if (np != 2 * na)
		return "pads of the wrong length";
	for (int d = 0; d < r; d++)
		pb[d] = pe[d] = 0;
	for (int64_t i = 0; i < na; i++) {
		int a = lower_axis(ax ? ax[i] : i, r);

		if (a < 0)
			return "axis out of range";
		pb[a] = p[i];
		pe[a] = p[na + i];
	}
	return NULL;
}

/* The input index read for output index o - pb along a dim of size "dim". */
static kexpr *pad_index(struct lk *lk, const char *mode, kexpr *x, int64_t dim)
{
	if (!strcmp(mode, "edge"))
		return ke2(lk, TCC_KOP_MIN, ke2(lk, TCC_KOP_MAX, x, ke_int(lk, 0)),
			   ke_int(lk, dim - 1));
	if (!strcmp(mode, "wrap"))
		return ke2(lk, TCC_KOP_REM, ke2(lk, TCC_KOP_ADD, x, ke_int(lk, dim * 1024)),
			   ke_int(lk, dim));
	/* reflect: -x below 0, 2(dim-1) - x above */
	x = ke_sel(lk, ke2(lk, TCC_KOP_LT, x, ke_int(lk, 0)), ke1(lk, TCC_KOP_NEG, x), x);
	return ke_sel(lk, ke2(lk, TCC_KOP_GE, x, ke_int(lk, dim)),
		      ke2(lk, TCC_KOP_SUB, ke_int(lk, 2 * (dim - 1)), x), x);
}

/* 1 when Pad n takes its pads or axes only at run time (an input, not an initializer). */
static int pad_is_rt(const struct tcc_node *n)
{
	int64_t np, na;

	if (tcc_node_find_attr(n, "pads"))
		return 0;
	lower_const_ints(NULL, n, 1, &np);
	lower_const_ints(NULL, n, 3, &na);
	return np == -1 || na == -1;
}

/* The run-time path needs 1-D integer pads (and axes) of static lengths, a static output of
 * the input's rank and a non-empty input; reflect needs each total pad below the dim. */
static const char *check_pad_rt(const struct tcc_node *n, const char *mode)
{
	const struct tcc_type *x = &n->inputs[0]->type, *y = &n->outputs[0]->type;
	struct tcc_value *p = tcc_node_input(n, 1), *a = tcc_node_input(n, 3);
	int64_t na = x->rank;

	if (x->rank != y->rank || x->rank < 1 || x->rank > LK_MAXR)
		return "run-time pads with an output of another rank";
	if (!p || p->type.rank != 1 || !tcc_dtype_is_int(p->type.elem) ||
	    (a && (a->type.rank != 1 || !tcc_dtype_is_int(a->type.elem))))
		return "pads and axes must be 1-D integers";
	if (a)
		na = a->type.dims[0].value;
	if (p->type.dims[0].value != 2 * na)
		return "pads of the wrong length";
	if (tcc_type_numel(y) && !tcc_type_numel(x))
		return "padding an empty input";
	for (int d = 0; !strcmp(mode, "reflect") && d < x->rank; d++)
		if (y->dims[d].value - x->dims[d].value >= x->dims[d].value)
			return "reflect pads as large as the dim";
	return NULL;
}

/* Entry i of the 1-D integer buffer B as int64. */
static kexpr *ld_i64(struct lk *lk, struct tcc_kbuf *B, kexpr *i)
{
	kexpr *e = ke_load(lk, B, (kexpr *[]){ i });

	return B->dtype == TCC_DT_INT64 ? e : ke_cast(lk, TCC_DT_INT64, e);
}

static kexpr *clamp_i(struct lk *lk, kexpr *v, int64_t lo, int64_t hi)
{
	return ke2(lk, TCC_KOP_MIN, ke2(lk, TCC_KOP_MAX, v, ke_int(lk, lo)), ke_int(lk, hi));
}

/* The begin pad of dim d (rank r): pads[d] without axes, else the pads entry whose axis
 * (possibly negative) names d, 0 when none does. */
static kexpr *pad_begin_rt(struct lk *lk, struct tcc_kbuf *P, struct tcc_kbuf *A, int32_t r,
			   int d)
{
	kexpr *e = ke_int(lk, 0), *hit;

	if (!A)
		return ld_i64(lk, P, ke_int(lk, d));
	for (int64_t i = A->dims[0] - 1; i >= 0; i--) {
		hit = ke2(lk, TCC_KOP_OR,
			  ke2(lk, TCC_KOP_EQ, ld_i64(lk, A, ke_int(lk, i)), ke_int(lk, d)),
			  ke2(lk, TCC_KOP_EQ, ld_i64(lk, A, ke_int(lk, i)), ke_int(lk, d - r)));
		e = ke_sel(lk, hit, ld_i64(lk, P, ke_int(lk, i)), e);
	}
	return e;
}

/* The constant value of a constant-mode Pad. */
static kexpr *pad_cval(struct lk *lk, const struct tcc_node *n, int dtype)
{
	struct tcc_value *vc = tcc_node_input(n, 2);

	if (vc && vc->type.rank == 0)
		return ke_load(lk, lk_in(lk, vc), NULL);
	if (vc)
		return ke_load(lk, lk_in(lk, vc), (kexpr *[]){ ke_int(lk, 0) });
	return ke_lit(lk, dtype, tcc_node_attr_float(n, "value", 0));
}

/* Pad with run-time pads: x_d = o_d - begin_d mapped per mode, every subscript clamped into
 * the input; constant mode selects the value outside. */
static tcc_stat lower_pad_rt(struct lower *L, struct tcc_node *n, const char *mode)
{
	struct tcc_kbuf *X, *Y, *P, *A = NULL;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *in = NULL, *x;
	int cst = !strcmp(mode, "constant");
	struct lk lk;

	if (check_pad_rt(n, mode) || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	P = lk_in(&lk, n->inputs[1]);
	if (tcc_node_input(n, 3))
		A = lk_in(&lk, tcc_node_input(n, 3));
	if (!X || !Y || !P || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	ke_iters(&lk, 0, Y->rank, sy);
	for (int d = 0; d < X->rank; d++) {
		int64_t dim = X->dims[d];
		kexpr *ok;

		x = ke2(&lk, TCC_KOP_SUB, ke_it(&lk, d), pad_begin_rt(&lk, P, A, X->rank, d));
		if (cst) {
			ok = ke2(&lk, TCC_KOP_AND, ke2(&lk, TCC_KOP_GE, x, ke_int(&lk, 0)),
				 ke2(&lk, TCC_KOP_LT, x, ke_int(&lk, dim)));
			in = in ? ke2(&lk, TCC_KOP_AND, in, ok) : ok;
		} else if (!strcmp(mode, "wrap")) {
			x = ke2(&lk, TCC_KOP_REM, ke2(&lk, TCC_KOP_REM, x, ke_int(&lk, dim)),
				ke_int(&lk, dim));
			x = ke2(&lk, TCC_KOP_REM, ke2(&lk, TCC_KOP_ADD, x, ke_int(&lk, dim)),
				ke_int(&lk, dim));
		} else {
			x = pad_index(&lk, mode, x, dim);
		}
		sx[d] = clamp_i(&lk, x, 0, dim - 1);
	}
	x = ke_load(&lk, X, sx);
	if (cst)
		x = ke_sel(&lk, in, x, pad_cval(&lk, n, Y->dtype));
	lk_body(&lk, lk_stmt(&lk, Y->rank, Y->dims), Y, sy, TCC_KUPD_ASSIGN, x);
	return lk_end(&lk);
}

static tcc_stat lower_pad(struct lower *L, struct tcc_node *n)
{
	const char *mode = tcc_node_attr_string(n, "mode", "constant");
	int64_t pb[LK_MAXR], pe[LK_MAXR];
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *cv;
	struct tcc_value *vc = tcc_node_input(n, 2);
	struct lk lk;

	if (pad_is_rt(n))
		return lower_pad_rt(L, n, mode);
	if (pad_params(n, pb, pe) || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !Y || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	ke_iters(&lk, 0, Y->rank, sy);
	if (!strcmp(mode, "constant")) {
		if (vc && vc->type.rank == 0)
			cv = ke_load(&lk, lk_in(&lk, vc), NULL);
		else if (vc)
			cv = ke_load(&lk, lk_in(&lk, vc), (kexpr *[]){ ke_int(&lk, 0) });
		else
			cv = ke_lit(&lk, Y->dtype, tcc_node_attr_float(n, "value", 0));
		s = lk_stmt(&lk, Y->rank, Y->dims);
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, cv);
	}
	s = lk_stmt(&lk, Y->rank, Y->dims);
	for (int d = 0; d < X->rank; d++) {
		kexpr *x = ke2(&lk, TCC_KOP_SUB, ke_it(&lk, d), ke_int(&lk, pb[d]));

		if (!strcmp(mode, "constant")) {
			if (pb[d] > 0)
				lk_cons(&lk, s, TCC_KOP_GE, x, ke_int(&lk, 0));
			if (pe[d] > 0)
				lk_cons(&lk, s, TCC_KOP_LT, x, ke_int(&lk, X->dims[d]));
			sx[d] = x;
		} else {
			sx[d] = pb[d] || pe[d] ? pad_index(&lk, mode, x, X->dims[d]) : x;
		}
	}
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static const char *check_pad(struct lower *L, const struct tcc_node *n)
{
	const char *mode = tcc_node_attr_string(n, "mode", "constant");
	int64_t pb[LK_MAXR], pe[LK_MAXR];
	int rt = pad_is_rt(n);
	const char *w = rt ? NULL : pad_params(n, pb, pe);
	struct tcc_value *vc = tcc_node_input(n, 2);

	(void)L;
	if (w)
		return w;
	if (strcmp(mode, "constant") && strcmp(mode, "reflect") && strcmp(mode, "edge") &&
	    strcmp(mode, "wrap"))
		return "unknown mode";
	if (vc && (tcc_type_numel(&vc->type) != 1 || vc->type.rank > 1))
		return "constant_value must be one element";
	if (rt)
		return check_pad_rt(n, mode);
	for (int d = 0; d < n->inputs[0]->type.rank; d++) {
		int64_t dim = n->inputs[0]->type.dims[d].value;

		if (strcmp(mode, "constant") && (pb[d] || pe[d]) && !dim)
			return "padding an empty dim";
		if (!strcmp(mode, "reflect") && (pb[d] >= dim || pe[d] >= dim) && (pb[d] || pe[d]))
			return "reflect pads as large as the dim";
		if (!strcmp(mode, "wrap") && (pb[d] > dim * 1000 || pe[d] > dim * 1000))
			return "wrap pads too large";
		if (strcmp(mode, "constant") && (pb[d] < 0 || pe[d] < 0))
			return "negative pads with a non-constant mode";
	}
	return NULL;
}

/* Range: Y[i] = start + i * delta (start and delta read from their scalar buffers). */
static tcc_stat lower_range(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *Y, *S, *D;
	struct tcc_kstmt *s;
	kexpr *sy[1], *e;
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	S = lk_in(&lk, n->inputs[0]);
	D = lk_in(&lk, n->inputs[2]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!Y || !Y->dims[0])
		return lk_end(&lk);
	s = lk_stmt(&lk, 1, Y->dims);
	sy[0] = ke_it(&lk, 0);
	e = ke2(&lk, TCC_KOP_MUL, ke_cast(&lk, Y->dtype, ke_it(&lk, 0)), ke_load(&lk, D, NULL));
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke2(&lk, TCC_KOP_ADD, ke_load(&lk, S, NULL), e));
	return lk_end(&lk);
}

static const char *check_range(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	for (int i = 0; i < 3; i++)
		if (!n->inputs[i] || n->inputs[i]->type.rank != 0)
			return "start, limit and delta must be scalars";
	if (n->outputs[0]->type.rank != 1)
		return "output must be 1-D";
	return NULL;
}

/* Y[j] = v_j for every element of a small static int64 result (Shape, Size). */
static tcc_stat fill_ints(struct lower *L, struct tcc_node *n, const int64_t *v, int64_t cnt)
{
	struct tcc_kbuf *Y;
	struct tcc_kstmt *s;
	kexpr *sy[1];
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	Y = lk_out(&lk, n->outputs[0]);
	for (int64_t j = 0; Y && j < cnt; j++) {
		s = lk_stmt(&lk, 0, NULL);
		sy[0] = ke_int(&lk, j);
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_lit(&lk, Y->dtype, (double)v[j]));
	}
	return lk_end(&lk);
}

static tcc_stat lower_shape_op(struct lower *L, struct tcc_node *n)
{
	const struct tcc_type *x = &n->inputs[0]->type;
	int64_t v[LK_MAXR], st = tcc_node_attr_int(n, "start", 0), en = tcc_node_attr_int(n, "end", x->rank);

	if (!strcmp(n->op_type, "Size")) {
		struct lk lk;
		struct tcc_kbuf *Y;

		if (lk_begin(&lk, L, n, NULL) < 0)
			return -1;
		Y = lk_out(&lk, n->outputs[0]);
		lk_body(&lk, lk_stmt(&lk, 0, NULL), Y, NULL, TCC_KUPD_ASSIGN,
			ke_lit(&lk, Y ? Y->dtype : 7, (double)tcc_type_numel(x)));
		return lk_end(&lk);
	}
	st = st < 0 ? st + x->rank : st;
	en = en < 0 ? en + x->rank : en;
	st = st < 0 ? 0 : st > x->rank ? x->rank : st;
	en = en < 0 ? 0 : en > x->rank ? x->rank : en;
	for (int64_t i = st; i < en; i++)
		v[i - st] = x->dims[i].value;
	return fill_ints(L, n, v, en > st ? en - st : 0);
}

static const char *check_shape_op(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (!strcmp(n->op_type, "Shape") && n->outputs[0]->type.rank != 1)
		return "output must be 1-D";
	return NULL;
}

/* The tensor of a Constant node, NULL (with *why) when not a plain numeric one. */
static struct tcc_tensor_data *constant_tensor(const struct tcc_node *n, const char **why)
{
	struct tcc_attr *a = tcc_node_find_attr(n, "value");
	struct tcc_ctx *ctx = n->graph->ctx;
	struct tcc_tensor_data *t = NULL;
	int64_t cnt = 1;

	*why = NULL;
	if (a && a->kind == TCC_ATTR_TENSOR && !a->ref_attr_name)
		return a->u.t->strings ? (*why = "string constant", NULL) : a->u.t;
	if ((a = tcc_node_find_attr(n, "value_float")) && a->kind == TCC_ATTR_FLOAT) {
		if ((t = tcc_tensor_new(ctx, n->loc, TCC_DT_FLOAT, 0, NULL)))
			tcc_tensor_set_f64(t, 0, a->u.f);
	} else if ((a = tcc_node_find_attr(n, "value_int")) && a->kind == TCC_ATTR_INT) {
		if ((t = tcc_tensor_new(ctx, n->loc, TCC_DT_INT64, 0, NULL)))
			tcc_tensor_set_i64(t, 0, a->u.i);
	} else if ((a = tcc_node_find_attr(n, "value_floats")) && a->kind == TCC_ATTR_FLOATS) {
		cnt = a->n;
		if ((t = tcc_tensor_new(ctx, n->loc, TCC_DT_FLOAT, 1, &cnt)))
			for (int64_t i = 0; i < cnt; i++)
				tcc_tensor_set_f64(t, i, a->u.floats[i]);
	} else if ((a = tcc_node_find_attr(n, "value_ints")) && a->kind == TCC_ATTR_INTS) {
		cnt = a->n;
		if ((t = tcc_tensor_new(ctx, n->loc, TCC_DT_INT64, 1, &cnt)))
			for (int64_t i = 0; i < cnt; i++)
				tcc_tensor_set_i64(t, i, a->u.ints[i]);
	} else {
		*why = "only value, value_float(s) and value_int(s) constants";
	}
	return t;
}

/* Constant: a constant buffer; copied into the output buffer when it is a graph output. */
static tcc_stat lower_constant(struct lower *L, struct tcc_node *n)
{
	const char *why;
	struct tcc_tensor_data *t = constant_tensor(n, &why);
	struct tcc_value *v = n->outputs[0];
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sy[LK_MAXR];
	struct lk lk;
	int pb;

	if (!t)
		return why ? lower_unsupported(L, n, why) : -1;
	if (lower_buf_of(L, v) < 0)
		return lower_new_const(L, v, t) < 0 ? -1 : 0;
	pb = tcc_program_add_buf(L->prog, v->name, TCC_PBUF_CONST, t->dtype, t->rank, t->dims) ?
	     L->prog->nbufs - 1 : -1;
	if (pb < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	L->prog->bufs[pb]->data = t;
	Y = lk_out(&lk, v);
	X = Y ? lk_temp(&lk, "value", t->dtype, t->rank, t->dims) : NULL;
	if (!X)
		return lk_end(&lk);
	/* rebind the temp to the constant buffer */
	L->prog->bufs[lk.bind[X->index]]->role = TCC_PBUF_TEMP;
	lk.bind[X->index] = pb;
	X->role = TCC_KBUF_IN;
	if (tcc_shape_numel(Y->rank, Y->dims)) {
		s = lk_stmt(&lk, Y->rank, Y->dims);
		ke_iters(&lk, 0, Y->rank, sy);
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sy));
	}
	return lk_end(&lk);
}

static const char *check_constant(struct lower *L, const struct tcc_node *n)
{
	const char *why;

	(void)L;
	if (!constant_tensor(n, &why))
		return why ? why : "out of memory";
	return NULL;
}

/* ConstantOfShape: fill with the one element of "value" (default float 0). */
static tcc_stat lower_cos(struct lower *L, struct tcc_node *n)
{
	struct tcc_attr *a = tcc_node_find_attr(n, "value");
	struct tcc_kbuf *Y;
	struct tcc_kstmt *s;
	kexpr *sy[LK_MAXR];
	double v = a && a->kind == TCC_ATTR_TENSOR ? tcc_tensor_get_f64(a->u.t, 0) : 0;
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	Y = lk_out(&lk, n->outputs[0]);
	if (Y && tcc_shape_numel(Y->rank, Y->dims)) {
		s = lk_stmt(&lk, Y->rank, Y->dims);
		ke_iters(&lk, 0, Y->rank, sy);
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_lit(&lk, Y->dtype, v));
	}
	return lk_end(&lk);
}

static const char *check_cos(struct lower *L, const struct tcc_node *n)
{
	struct tcc_attr *a = tcc_node_find_attr(n, "value");

	(void)L;
	if (a && (a->kind != TCC_ATTR_TENSOR || a->u.t->numel != 1 || a->u.t->strings))
		return "value must be a one-element numeric tensor";
	if (a && tcc_dtype_bits(a->u.t->dtype) == 64 && !tcc_dtype_is_float(a->u.t->dtype) &&
	    (tcc_tensor_get_i64(a->u.t, 0) > (1ll << 53) || tcc_tensor_get_i64(a->u.t, 0) < -(1ll << 53)))
		return "64-bit value beyond 2^53";
	return NULL;
}

const struct lower_op lower_ops_fill[] = {
	{ "Pad", lower_pad, check_pad },
	{ "Range", lower_range, check_range },
	{ "Shape", lower_shape_op, check_shape_op },
	{ "Size", lower_shape_op, check_shape_op },
	{ "Constant", lower_constant, check_constant },
	{ "ConstantOfShape", lower_cos, check_cos },
	{ NULL, NULL, NULL },
};
