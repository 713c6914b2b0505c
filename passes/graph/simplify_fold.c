/* simplify: folding per-channel affine maps y = x * a[c] + b[c] into the producer of x.
 *
 * Sources of such maps: an inference BatchNormalization with constant parameters
 * (a = scale / sqrt(var + eps), b = beta - mean * a) and Mul/Add by a constant that only
 * varies along the channel axis. Targets, when x feeds nothing else:
 *   Conv with constant W [M, C/group, k...] (and B): W'[m] = W[m] * a[m], B' = B * a + b
 *   Gemm with constant B (either transB) and C of shape [], [1], [N] or [1, N]:
 *        column n of op(B) scaled by a[n], C' = beta * C * a + b, beta' = 1
 *   MatMul with a constant 2-D B: columns scaled; a shift becomes an Add after it
 * The channel is axis 1 for Conv and the last axis for Gemm/MatMul (for BatchNormalization
 * the MatMul output must be 2-D so both agree). Every new value is computed in double and
 * rounded once. A BatchNormalization that folds nowhere becomes Mul + Add by constants of
 * shape [C, 1, ...] when its input rank is known.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/graph/simplify.h"

/* The map: "n" channels (1: the same for all), "a" NULL means 1, "b" NULL means 0. */
struct affine {
	int64_t n;
	double *a, *b;
};

static double aff_a(const struct affine *f, int64_t c)
{
	return f->a ? f->a[f->n == 1 ? 0 : c] : 1.0;
}

static double aff_b(const struct affine *f, int64_t c)
{
	return f->b ? f->b[f->n == 1 ? 0 : c] : 0.0;
}

static struct tcc_tensor_data *new_like(struct tcc_simp *s, struct tcc_node *n, int dtype,
				   int32_t rank, const int64_t *dims)
{
	return tcc_tensor_new(s->g->ctx, tcc_node_loc(n), dtype, rank, dims);
}

/* Conv: scale output channel m of W and shift its bias. */
static tcc_bool into_conv(struct tcc_simp *s, struct tcc_node *conv, const struct affine *f)
{
	struct tcc_value *wv = tcc_node_input(conv, 1), *bv = tcc_node_input(conv, 2), *nw, *nb;
	const struct tcc_tensor_data *w = wv ? wv->init : NULL, *b = bv ? bv->init : NULL;
	struct tcc_tensor_data *tw, *tb;
	int64_t m, per;

	if (!tcc_simp_is_const(s, wv) || (bv && !tcc_simp_is_const(s, bv)) || w->rank < 1 ||
	    !tcc_simp_is_float(w->dtype) || !w->dims[0])
		return 0;
	m = w->dims[0];
	per = w->numel / m;
	if ((f->n != 1 && f->n != m) || (b && (b->numel != m || b->dtype != w->dtype)))
		return 0;
	tw = new_like(s, conv, w->dtype, w->rank, w->dims);
	tb = b || f->b ? new_like(s, conv, w->dtype, 1, &m) : NULL;
	if (!tw || (!tb && (b || f->b)))
		return -1;
	for (int64_t i = 0; i < w->numel; i++)
		tcc_tensor_set_f64(tw, i, tcc_tensor_get_f64(w, i) * aff_a(f, i / per));
	for (int64_t c = 0; tb && c < m; c++)
		tcc_tensor_set_f64(tb, c, (b ? tcc_tensor_get_f64(b, c) : 0.0) * aff_a(f, c) +
					      aff_b(f, c));
	nw = tcc_simp_const(s, wv->name, tw);
	nb = tb ? tcc_simp_const(s, bv ? bv->name : "bias", tb) : NULL;
	if (!nw || (tb && !nb) || tcc_simp_set_input(s, conv, 1, nw) < 0 ||
	    (nb && tcc_simp_set_input(s, conv, 2, nb) < 0))
		return -1;
	return 1;
}

/* Scale column n of op(B) for a constant 2-D B; "trans": B is stored [N, K]. */
static struct tcc_value *scale_columns(struct tcc_simp *s, struct tcc_node *n,
				       struct tcc_value *bv, int trans, const struct affine *f)
{
	const struct tcc_tensor_data *b = bv->init;
	int64_t cols = trans ? b->dims[0] : b->dims[1];
	struct tcc_tensor_data *t = new_like(s, n, b->dtype, 2, b->dims);

	if (!t)
		return NULL;
	for (int64_t i = 0; i < b->numel; i++) {
		int64_t col = trans ? i / b->dims[1] : i % cols;
		tcc_tensor_set_f64(t, i, tcc_tensor_get_f64(b, i) * aff_a(f, col));
	}
	return tcc_simp_const(s, bv->name, t);
}

static int const_matrix(struct tcc_simp *s, const struct tcc_value *v)
{
	return tcc_simp_is_const(s, v) && v->init->rank == 2 && tcc_simp_is_float(v->init->dtype);
}

static tcc_bool into_gemm(struct tcc_simp *s, struct tcc_node *g, const struct affine *f)
{
	struct tcc_value *bv = tcc_node_input(g, 1), *cv = tcc_node_input(g, 2), *nb, *nc;
	int trans = (int)tcc_node_attr_int(g, "transB", 0);
	double beta = tcc_node_attr_float(g, "beta", 1.0f);
	const struct tcc_tensor_data *c = cv ? cv->init : NULL;
	struct tcc_tensor_data *tc;
	int64_t cols;

	if (s->opset < 7 || !const_matrix(s, bv) || (cv && !tcc_simp_is_const(s, cv)))
		return 0;
	cols = trans ? bv->init->dims[0] : bv->init->dims[1];
	if ((f->n != 1 && f->n != cols) || (c && c->dtype != bv->init->dtype))
		return 0;
	if (c && !(c->numel == 1 || (c->numel == cols && c->rank >= 1 && c->rank <= 2 &&
				     c->dims[c->rank - 1] == cols)))
		return 0;
	nb = scale_columns(s, g, bv, trans, f);
	tc = new_like(s, g, bv->init->dtype, 1, &cols);
	if (!nb || !tc)
		return -1;
	for (int64_t j = 0; j < cols; j++) {
		double cj = c ? tcc_tensor_get_f64(c, c->numel == 1 ? 0 : j) : 0.0;
		tcc_tensor_set_f64(tc, j, beta * cj * aff_a(f, j) + aff_b(f, j));
	}
	nc = tcc_simp_const(s, cv ? cv->name : "bias", tc);
	if (!nc || tcc_simp_set_input(s, g, 1, nb) < 0 || tcc_simp_set_input(s, g, 2, nc) < 0)
		return -1;
	tcc_node_remove_attr(g, "beta");
	return 1;
}

/* MatMul folds only a scale (a shift needs an Add the caller makes). */
static tcc_bool into_matmul(struct tcc_simp *s, struct tcc_node *mm, const struct affine *f)
{
	struct tcc_value *bv = tcc_node_input(mm, 1), *nb;

	if (!const_matrix(s, bv) || (f->n != 1 && f->n != bv->init->dims[1]))
		return 0;
	if (!f->a)
		return 1;
	nb = scale_columns(s, mm, bv, 0, f);
	if (!nb || tcc_simp_set_input(s, mm, 1, nb) < 0)
		return -1;
	return 1;
}

/* A value holding f's shift for the MatMul case: shape [N], dtype of x. */
static struct tcc_value *shift_const(struct tcc_simp *s, struct tcc_node *n, int dtype,
				     const struct affine *f)
{
	struct tcc_tensor_data *t = new_like(s, n, dtype, 1, &f->n);

	for (int64_t c = 0; t && c < f->n; c++)
		tcc_tensor_set_f64(t, c, aff_b(f, c));
	return t ? tcc_simp_const(s, "bias", t) : NULL;
}

/* Fold f (applied by node n to x, giving y) into x's producer. "channel_last": the map
 * varies along the last axis (else along axis 1). */
static tcc_bool fold_into_producer(struct tcc_simp *s, struct tcc_node *n, struct tcc_value *x,
				   struct tcc_value *y, const struct affine *f, int channel_last)
{
	struct tcc_node *p = x->producer;
	tcc_bool r = 0;

	if (!p || p->dead || x->uses != 1 || x->is_output || p->noutputs < 1 ||
	    p->outputs[0] != x || !tcc_simp_can_bypass(s, y, x))
		return 0;
	if (tcc_node_is(p, "Conv") && (!channel_last || f->n == 1))
		r = into_conv(s, p, f);
	else if (tcc_node_is(p, "Gemm")) /* always 2-D: axis 1 is the last axis */
		r = into_gemm(s, p, f);
	else if (tcc_node_is(p, "MatMul") && (channel_last || x->type.rank == 2 || f->n == 1))
		r = into_matmul(s, p, f);
	if (r <= 0)
		return r;
	if (tcc_node_is(p, "MatMul") && f->b) {
		/* y = Add(x, shift): reuse y, so its name and uses stay. */
		struct tcc_value *sh = shift_const(s, n, x->type.elem ? x->type.elem
							  : tcc_node_input(p, 1)->init->dtype, f);
		struct tcc_value *ins[2] = { x, sh };
		if (!sh)
			return -1;
		tcc_simp_kill(s, n);
		if (!tcc_graph_insert_node_before(s->g, n, "Add", "", "", 2, ins, 1, &y, n->loc))
			return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
		x->uses++;
		sh->uses++;
		return 1;
	}
	return tcc_simp_bypass(s, n, y, x) < 0 ? -1 : 1;
}

/* ---- BatchNormalization ---- */

static int bn_params_ok(struct tcc_simp *s, struct tcc_node *n, int64_t *c)
{
	if (n->ninputs < 5 || !n->inputs[0] || !n->outputs[0])
		return 0;
	for (int i = 1; i < 5; i++) {
		const struct tcc_value *v = n->inputs[i];
		if (!tcc_simp_is_const(s, v) || !tcc_simp_is_float(v->init->dtype) ||
		    v->init->numel != n->inputs[1]->init->numel)
			return 0;
	}
	for (int i = 1; i < n->noutputs; i++)
		if (n->outputs[i] && (n->outputs[i]->uses || n->outputs[i]->is_output))
			return 0;
	if (tcc_node_attr_int(n, "training_mode", 0) ||
	    (s->opset < 9 && !tcc_node_attr_int(n, "spatial", 1)))
		return 0;
	*c = n->inputs[1]->init->numel;
	return *c > 0;
}

/* BN as Mul + Add by constants of shape [C, 1, ...] (rank of x minus one). */
static tcc_bool bn_to_mul_add(struct tcc_simp *s, struct tcc_node *n, const struct affine *f)
{
	struct tcc_value *x = n->inputs[0], *y = n->outputs[0], *va, *vb, *t;
	int64_t dims[64];
	int32_t rank = x->type.rank - 1;
	int dtype = x->type.elem ? x->type.elem : n->inputs[1]->init->dtype;
	struct tcc_tensor_data *ta, *tb;
	struct tcc_value *mi[2], *ai[2];

	if (x->type.kind != TCC_TYPE_TENSOR || rank < 1 || rank > 64 || !tcc_simp_is_float(dtype))
		return 0;
	dims[0] = f->n;
	for (int32_t i = 1; i < rank; i++)
		dims[i] = 1;
	ta = new_like(s, n, dtype, rank, dims);
	tb = new_like(s, n, dtype, rank, dims);
	if (!ta || !tb)
		return -1;
	for (int64_t c = 0; c < f->n; c++) {
		tcc_tensor_set_f64(ta, c, aff_a(f, c));
		tcc_tensor_set_f64(tb, c, aff_b(f, c));
	}
	va = tcc_simp_const(s, "bn_scale", ta);
	vb = tcc_simp_const(s, "bn_shift", tb);
	t = tcc_graph_new_value(s->g, tcc_graph_fresh_name(s->g, "bn_scaled"));
	if (!va || !vb || !t || tcc_type_copy(s->g->ctx, &t->type, &x->type) < 0)
		return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
	mi[0] = x, mi[1] = va, ai[0] = t, ai[1] = vb;
	tcc_simp_kill(s, n);
	if (!tcc_graph_insert_node_before(s->g, n, "Mul", "", "", 2, mi, 1, &t, n->loc) ||
	    !tcc_graph_insert_node_before(s->g, n, "Add", "", "", 2, ai, 1, &y, n->loc))
		return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
	x->uses++, va->uses++, vb->uses++, t->uses++;
	return 1;
}

tcc_bool tcc_simp_batchnorm(struct tcc_simp *s, struct tcc_node *n)
{
	struct affine f = { 0, NULL, NULL };
	double eps = tcc_node_attr_float(n, "epsilon", 1e-5f);
	tcc_bool r;

	if (!bn_params_ok(s, n, &f.n))
		return 0;
	f.a = calloc((size_t)f.n, sizeof(double));
	f.b = calloc((size_t)f.n, sizeof(double));
	if (!f.a || !f.b) {
		free(f.a);
		free(f.b);
		return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
	}
	for (int64_t c = 0; c < f.n; c++) {
		double scale = tcc_tensor_get_f64(n->inputs[1]->init, c);
		double beta = tcc_tensor_get_f64(n->inputs[2]->init, c);
		double mean = tcc_tensor_get_f64(n->inputs[3]->init, c);
		double var = tcc_tensor_get_f64(n->inputs[4]->init, c);
		f.a[c] = scale / sqrt(var + eps);
		f.b[c] = beta - mean * f.a[c];
	}
	r = fold_into_producer(s, n, n->inputs[0], n->outputs[0], &f, 0);
	if (r == 0)
		r = bn_to_mul_add(s, n, &f);
	free(f.a);
	free(f.b);
	return r;
}

/* ---- Mul / Add by a constant ---- */

/* Whether constant k, combined with a tensor of rank "rank", varies only along axis "axis"
 * (and does not enlarge the result); sets *c to its extent there (1: a scalar map). */
static int per_channel(const struct tcc_tensor_data *k, int32_t rank, int32_t axis, int64_t *c)
{
	*c = 1;
	if (k->rank > rank)
		return 0;
	for (int32_t j = 0; j < k->rank; j++) {
		int32_t d = rank - k->rank + j;
		if (k->dims[j] == 1)
			continue;
		if (d != axis)
			return 0;
		*c = k->dims[j];
	}
	return 1;
}

tcc_bool tcc_simp_affine(struct tcc_simp *s, struct tcc_node *n)
{
	struct tcc_value *x = tcc_node_input(n, 0), *k = tcc_node_input(n, 1), *y = n->outputs[0];
	struct affine f = { 1, NULL, NULL };
	struct tcc_node *p;
	int32_t rank;
	int last, mul = tcc_node_is(n, "Mul");
	double *vals;
	tcc_bool r;

	if (n->ninputs != 2 || !x || !k || !y)
		return 0;
	if (tcc_simp_is_const(s, x) && !tcc_simp_is_const(s, k)) {
		struct tcc_value *tmp = x;
		x = k;
		k = tmp;
	}
	p = x->producer;
	rank = x->type.rank;
	if (!p || p->dead || (!tcc_node_is(p, "Conv") && !tcc_node_is(p, "Gemm") &&
			      !tcc_node_is(p, "MatMul")))
		return 0;
	if (!tcc_simp_is_const(s, k) || !tcc_simp_is_float(k->init->dtype) ||
	    x->type.kind != TCC_TYPE_TENSOR || rank < 1 || k->init->dtype != x->type.elem)
		return 0;
	last = !tcc_node_is(p, "Conv");
	if ((!last && rank < 3) || !per_channel(k->init, rank, last ? rank - 1 : 1, &f.n))
		return 0;
	if (!mul && tcc_node_is(p, "MatMul"))
		return 0; /* nothing to fold a shift into */
	vals = calloc((size_t)f.n, sizeof(double));
	if (!vals)
		return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
	for (int64_t c = 0; c < f.n; c++)
		vals[c] = tcc_tensor_get_f64(k->init, c);
	if (mul)
		f.a = vals;
	else
		f.b = vals;
	r = fold_into_producer(s, n, x, y, &f, last);
	free(vals);
	return r;
}
