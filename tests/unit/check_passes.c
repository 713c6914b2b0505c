/* Unit tests of the graph passes fold-constants, simplify, cse and dce: graphs built with the
 * builder API, results compared against float64 references computed here. */
#include <check.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/load.h"
#include "passes/pass.h"

/* ---- builders ---- */

static struct tcc_ctx *ctx;
static struct tcc_model *m;
static struct tcc_graph *g;
static struct tcc_loc noloc;

static void setup(void)
{
	ctx = tcc_ctx_new();
	m = tcc_model_new(ctx, "test");
	ck_assert_int_eq(tcc_model_add_opset(m, "", 17), 0);
	g = m->graph;
}

static void teardown(void)
{
	tcc_ctx_free(ctx);
}

static struct tcc_value *val(const char *name, int dtype, int32_t rank, const int64_t *dims)
{
	struct tcc_value *v = tcc_graph_new_value(g, name);

	ck_assert_ptr_nonnull(v);
	if (dtype)
		tcc_type_set_tensor(ctx, &v->type, dtype, rank, dims);
	return v;
}

static struct tcc_value *input(const char *name, int dtype, int32_t rank, const int64_t *dims)
{
	struct tcc_value *v = val(name, dtype, rank, dims);

	ck_assert_int_eq(tcc_graph_add_input(g, v), 0);
	return v;
}

/* A constant holding "vals" (converted to dtype). */
static struct tcc_value *cst(const char *name, int dtype, int32_t rank, const int64_t *dims,
			     const double *vals)
{
	struct tcc_value *v = val(name, dtype, rank, dims);
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, noloc, dtype, rank, dims);

	ck_assert_ptr_nonnull(t);
	for (int64_t i = 0; vals && i < t->numel; i++)
		tcc_tensor_set_f64(t, i, vals[i]);
	ck_assert_int_eq(tcc_graph_add_initializer(g, v, t), 0);
	return v;
}

static struct tcc_value *cst_i64(const char *name, int64_t n, const int64_t *vals)
{
	struct tcc_value *v = val(name, TCC_DT_INT64, 1, &n);
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, noloc, TCC_DT_INT64, 1, &n);

	for (int64_t i = 0; i < n; i++)
		tcc_tensor_set_i64(t, i, vals[i]);
	ck_assert_int_eq(tcc_graph_add_initializer(g, v, t), 0);
	return v;
}

static struct tcc_node *node(const char *op, int nin, struct tcc_value **in, int nout,
			     struct tcc_value **out)
{
	struct tcc_node *n = tcc_graph_add_node(g, op, "", "", nin, in, nout, out, noloc);

	ck_assert_ptr_nonnull(n);
	return n;
}

static struct tcc_node *node1(const char *op, struct tcc_value *a, struct tcc_value *b,
			      struct tcc_value *out)
{
	struct tcc_value *in[2] = { a, b };

	return node(op, b ? 2 : 1, in, 1, &out);
}

static void attr_int(struct tcc_node *n, const char *name, int64_t v)
{
	struct tcc_attr *a = tcc_node_add_attr(n, name, TCC_ATTR_INT);

	a->u.i = v;
}

static void attr_ints(struct tcc_node *n, const char *name, int64_t count, const int64_t *v)
{
	struct tcc_attr *a = tcc_node_add_attr(n, name, TCC_ATTR_INTS);

	a->n = count;
	a->u.ints = tcc_arena_memdup(ctx->arena, v, (size_t)count * sizeof(*v));
}

static void attr_float(struct tcc_node *n, const char *name, float v)
{
	struct tcc_attr *a = tcc_node_add_attr(n, name, TCC_ATTR_FLOAT);

	a->u.f = v;
}

/* Run pass "name" with its default options, overriding one "key" with "value". */
static int run_with(const char *name, const char *key, const char *value)
{
	const struct tcc_pass *p = tcc_pass_find(name);
	char *opts;
	int r;

	ck_assert_ptr_nonnull(p);
	opts = calloc(1, p->options_size + 1);
	for (int i = 0; i < p->noptions; i++) {
		const struct tcc_pass_option *o = &p->options[i];
		const char *text = key && strcmp(key, o->name) == 0 ? value : o->dflt;
		if (o->kind == TCC_OPT_STRING)
			*(const char **)(opts + o->offset) = text;
		else
			*(int64_t *)(opts + o->offset) = strtoll(text, NULL, 10);
	}
	r = p->run(m, opts);
	free(opts);
	return r;
}

static int run(const char *name)
{
	return run_with(name, NULL, NULL);
}

static int count_op(const char *op)
{
	int c = 0;

	for (int i = 0; i < g->nnodes; i++)
		c += !g->nodes[i]->dead && strcmp(g->nodes[i]->op_type, op) == 0;
	return c;
}

static void output(struct tcc_value *v)
{
	ck_assert_int_eq(tcc_graph_add_output(g, v), 0);
}

/* ---- fold-constants: element-wise ops vs float64 ---- */

static const double xs[6] = { 0.5, -1.25, 3.0, 0.1, -0.7, 2.2 };
static const double ys[3] = { 1.5, -0.3, 0.9 };

static double ref_unary(const char *op, double x)
{
	if (!strcmp(op, "Sqrt")) return sqrt(x);
	if (!strcmp(op, "Exp")) return exp(x);
	if (!strcmp(op, "Log")) return log(x);
	if (!strcmp(op, "Neg")) return -x;
	if (!strcmp(op, "Abs")) return fabs(x);
	if (!strcmp(op, "Reciprocal")) return 1.0 / x;
	if (!strcmp(op, "Relu")) return x < 0 ? 0 : x;
	if (!strcmp(op, "Floor")) return floor(x);
	if (!strcmp(op, "Ceil")) return ceil(x);
	if (!strcmp(op, "Sigmoid")) return 1.0 / (1.0 + exp(-x));
	if (!strcmp(op, "Tanh")) return tanh(x);
	if (!strcmp(op, "Erf")) return erf(x);
	return NAN;
}

static double ref_binary(const char *op, double x, double y)
{
	if (!strcmp(op, "Add")) return x + y;
	if (!strcmp(op, "Sub")) return x - y;
	if (!strcmp(op, "Mul")) return x * y;
	if (!strcmp(op, "Div")) return x / y;
	if (!strcmp(op, "Pow")) return pow(fabs(x), y);
	if (!strcmp(op, "Max")) return x > y ? x : y;
	if (!strcmp(op, "Min")) return x < y ? x : y;
	if (!strcmp(op, "Sum")) return x + y;
	if (!strcmp(op, "Mean")) return (x + y) / 2;
	return NAN;
}

/* Float values as the test stores them (rounded to float first). */
static double f32(double v)
{
	return (float)v;
}

START_TEST(fold_unary)
{
	static const char *const ops[] = { "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal",
					   "Relu", "Floor", "Ceil", "Sigmoid", "Tanh", "Erf" };
	int64_t d = 6;

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		double in[6];
		setup();
		for (int i = 0; i < 6; i++)
			in[i] = !strcmp(ops[k], "Sqrt") || !strcmp(ops[k], "Log") ? fabs(xs[i]) : xs[i];
		struct tcc_value *x = cst("x", TCC_DT_FLOAT, 1, &d, in), *y = val("y", 0, 0, NULL);
		node1(ops[k], x, NULL, y);
		output(y);
		ck_assert_int_eq(run("fold-constants"), 0);
		ck_assert_msg(g->nnodes == 0 && y->init, "%s not folded", ops[k]);
		ck_assert_int_eq(y->type.elem, TCC_DT_FLOAT);
		for (int i = 0; i < 6; i++) {
			float want = (float)ref_unary(ops[k], f32(in[i]));
			float got = (float)tcc_tensor_get_f64(y->init, i);
			ck_assert_msg(got == want, "%s(%g): %.9g != %.9g", ops[k], in[i], got, want);
		}
		teardown();
	}
}
END_TEST

START_TEST(fold_binary_broadcast)
{
	static const char *const ops[] = { "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min",
					   "Sum", "Mean" };
	int64_t dx[2] = { 2, 3 }, dy = 3;

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		double in[6];
		setup();
		for (int i = 0; i < 6; i++)
			in[i] = !strcmp(ops[k], "Pow") ? fabs(xs[i]) : xs[i];
		struct tcc_value *x = cst("x", TCC_DT_FLOAT, 2, dx, in);
		struct tcc_value *c = cst("c", TCC_DT_FLOAT, 1, &dy, ys), *y = val("y", 0, 0, NULL);
		node1(ops[k], x, c, y);
		output(y);
		ck_assert_int_eq(run("fold-constants"), 0);
		ck_assert_msg(y->init != NULL, "%s not folded", ops[k]);
		ck_assert_int_eq(y->init->rank, 2);
		ck_assert_int_eq(y->init->dims[0], 2);
		ck_assert_int_eq(y->init->dims[1], 3);
		for (int i = 0; i < 6; i++) {
			float want = (float)ref_binary(ops[k], f32(in[i]), f32(ys[i % 3]));
			float got = (float)tcc_tensor_get_f64(y->init, i);
			ck_assert_msg(got == want, "%s[%d]: %.9g != %.9g", ops[k], i, got, want);
		}
		teardown();
	}
}
END_TEST

START_TEST(fold_int_div)
{
	int64_t d = 4;
	const double a[4] = { -7, 7, -7, 9 }, b[4] = { 2, -2, -2, 4 };
	struct tcc_value *x = cst("a", TCC_DT_INT32, 1, &d, a), *y = cst("b", TCC_DT_INT32, 1, &d, b);
	struct tcc_value *q = val("q", 0, 0, NULL);

	node1("Div", x, y, q);
	output(q);
	ck_assert_int_eq(run("fold-constants"), 0);
	ck_assert_ptr_nonnull(q->init);
	ck_assert_int_eq(q->init->dtype, TCC_DT_INT32);
	ck_assert_int_eq(tcc_tensor_get_i64(q->init, 0), -3);
	ck_assert_int_eq(tcc_tensor_get_i64(q->init, 1), -3);
	ck_assert_int_eq(tcc_tensor_get_i64(q->init, 2), 3);
	ck_assert_int_eq(tcc_tensor_get_i64(q->init, 3), 2);
}
END_TEST

START_TEST(fold_int_div_by_zero)
{
	int64_t d = 2;
	const double a[2] = { 1, 2 }, b[2] = { 1, 0 };
	struct tcc_value *x = cst("a", TCC_DT_INT64, 1, &d, a), *y = cst("b", TCC_DT_INT64, 1, &d, b);
	struct tcc_value *q = val("q", 0, 0, NULL);

	node1("Div", x, y, q);
	output(q);
	ck_assert_int_eq(run("fold-constants"), 0);
	ck_assert_ptr_null(q->init);
	ck_assert_int_eq(count_op("Div"), 1);
}
END_TEST

START_TEST(fold_cast)
{
	int64_t d = 5;
	const double a[5] = { 1.7, -1.7, NAN, 0.1, 1e10 };
	struct tcc_value *x = cst("a", TCC_DT_DOUBLE, 1, &d, a);
	struct tcc_value *i = val("i", 0, 0, NULL), *f = val("f", 0, 0, NULL);
	struct tcc_value *b = val("b", 0, 0, NULL);

	attr_int(node1("Cast", x, NULL, i), "to", TCC_DT_INT64);
	attr_int(node1("Cast", x, NULL, f), "to", TCC_DT_FLOAT);
	attr_int(node1("Cast", x, NULL, b), "to", TCC_DT_BOOL);
	output(i), output(f), output(b);
	ck_assert_int_eq(run("fold-constants"), 0);
	ck_assert_int_eq(g->nnodes, 0);
	ck_assert_int_eq(tcc_tensor_get_i64(i->init, 0), 1);
	ck_assert_int_eq(tcc_tensor_get_i64(i->init, 1), -1);
	ck_assert_int_eq(tcc_tensor_get_i64(i->init, 2), 0);
	ck_assert_int_eq(tcc_tensor_get_i64(i->init, 4), 10000000000);
	ck_assert(((float *)f->init->data)[3] == 0.1f);
	ck_assert(isnan(((float *)f->init->data)[2]));
	ck_assert_int_eq(tcc_tensor_get_i64(b->init, 3), 1);
	ck_assert_int_eq(b->type.elem, TCC_DT_BOOL);
}
END_TEST

START_TEST(fold_shape_chain)
{
	int64_t dx[3] = { 2, 3, 4 }, zero = 0, m1 = -1, one = 1;
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 3, dx);
	struct tcc_value *s = val("s", 0, 0, NULL), *d0 = val("d0", 0, 0, NULL);
	struct tcc_value *u = val("u", 0, 0, NULL), *shp = val("shp", 0, 0, NULL);
	struct tcc_value *y = val("y", 0, 0, NULL);
	struct tcc_value *idx = val("idx", TCC_DT_INT64, 0, NULL);
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, noloc, TCC_DT_INT64, 0, NULL);
	struct tcc_value *cat[2];

	tcc_tensor_set_i64(t, 0, 0);
	tcc_graph_add_initializer(g, idx, t);
	node1("Shape", x, NULL, s);
	node1("Gather", s, idx, d0);
	node1("Unsqueeze", d0, cst_i64("axes", 1, &zero), u);
	cat[0] = u;
	cat[1] = cst_i64("m1", 1, &m1);
	attr_int(node("Concat", 2, cat, 1, &shp), "axis", 0);
	node1("Reshape", x, shp, y);
	output(y);
	ck_assert_int_eq(run("fold-constants"), 0);
	ck_assert_int_eq(g->nnodes, 1);
	ck_assert_str_eq(g->nodes[0]->op_type, "Reshape");
	ck_assert_ptr_nonnull(shp->init);
	ck_assert_int_eq(shp->init->numel, 2);
	ck_assert_int_eq(tcc_tensor_get_i64(shp->init, 0), 2);
	ck_assert_int_eq(tcc_tensor_get_i64(shp->init, 1), -1);
	ck_assert_int_eq(shp->type.rank, 1);
	ck_assert_int_eq(shp->type.dims[0].value, 2);
	(void)one;
}
END_TEST

static void check_i64(const struct tcc_value *v, int64_t n, const int64_t *want)
{
	ck_assert_ptr_nonnull(v->init);
	ck_assert_int_eq(v->init->numel, n);
	for (int64_t i = 0; i < n; i++)
		ck_assert_msg(tcc_tensor_get_i64(v->init, i) == want[i], "%s[%d] = %lld, want %lld",
			      v->name, (int)i, (long long)tcc_tensor_get_i64(v->init, i),
			      (long long)want[i]);
}

START_TEST(fold_data_movement)
{
	int64_t d6 = 6, d23[2] = { 2, 3 };
	const double v[6] = { 0, 1, 2, 3, 4, 5 };
	struct tcc_value *a = cst("a", TCC_DT_INT64, 2, d23, v);
	struct tcc_value *tr = val("tr", 0, 0, NULL), *sl = val("sl", 0, 0, NULL);
	struct tcc_value *ex = val("ex", 0, 0, NULL), *ti = val("ti", 0, 0, NULL);
	struct tcc_value *ga = val("ga", 0, 0, NULL), *rg = val("rg", 0, 0, NULL);
	struct tcc_value *co = val("co", 0, 0, NULL), *rs = val("rs", 0, 0, NULL);
	struct tcc_value *fl = val("fl", 0, 0, NULL), *wh = val("wh", 0, 0, NULL);
	int64_t st[1] = { -1 }, en[1] = { -100 }, ax[1] = { 1 }, sp[1] = { -2 };
	int64_t es[3] = { 2, 2, 3 }, rep[2] = { 1, 2 }, gi[2] = { -1, 0 };
	int64_t r3[3] = { 1, 10, 3 }, cshape[2] = { 2, 2 };
	struct tcc_value *sin[5] = { a, cst_i64("st", 1, st), cst_i64("en", 1, en),
				     cst_i64("ax", 1, ax), cst_i64("sp", 1, sp) };
	struct tcc_value *rin[3];
	const double cond[3] = { 1, 0, 1 }, other[1] = { 9 };

	node1("Transpose", a, NULL, tr);
	node("Slice", 5, sin, 1, &sl);
	node1("Expand", a, cst_i64("es", 3, es), ex);
	node1("Tile", a, cst_i64("rep", 2, rep), ti);
	attr_int(node1("Gather", a, cst_i64("gi", 2, gi), ga), "axis", 1);
	rin[0] = cst("r0", TCC_DT_INT64, 0, NULL, &v[1]);
	rin[1] = cst("r1", TCC_DT_INT64, 0, NULL, &v[4]);
	rin[2] = cst("r2", TCC_DT_INT64, 0, NULL, &v[1]);
	node("Range", 3, rin, 1, &rg);
	(void)r3;
	node1("ConstantOfShape", cst_i64("cs", 2, cshape), NULL, co);
	node1("ReduceSum", a, cst_i64("rax", 1, ax), rs);
	node1("Flatten", ex, NULL, fl);
	{
		int64_t d3 = 3, d1 = 1;
		struct tcc_value *w[3] = { cst("cond", TCC_DT_BOOL, 1, &d3, cond), a,
					   cst("oth", TCC_DT_INT64, 1, &d1, other) };
		node("Where", 3, w, 1, &wh);
	}
	output(tr), output(sl), output(ti), output(ga), output(rg), output(co), output(rs);
	output(fl), output(wh);
	ck_assert_int_eq(run("fold-constants"), 0);
	ck_assert_int_eq(g->nnodes, 0);
	check_i64(tr, 6, (int64_t[]){ 0, 3, 1, 4, 2, 5 });
	ck_assert_int_eq(tr->init->dims[0], 3);
	check_i64(sl, 4, (int64_t[]){ 2, 0, 5, 3 });
	check_i64(ti, 12, (int64_t[]){ 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5 });
	check_i64(ga, 4, (int64_t[]){ 2, 0, 5, 3 });
	check_i64(rg, 3, (int64_t[]){ 1, 2, 3 });
	ck_assert_int_eq(co->init->dtype, TCC_DT_FLOAT);
	ck_assert_int_eq(co->init->numel, 4);
	check_i64(rs, 2, (int64_t[]){ 3, 12 });
	ck_assert_int_eq(rs->init->rank, 2);
	ck_assert_int_eq(fl->init->dims[0], 2);
	ck_assert_int_eq(fl->init->dims[1], 6);
	check_i64(wh, 6, (int64_t[]){ 0, 9, 2, 3, 9, 5 });
	(void)d6;
}
END_TEST

START_TEST(fold_constant_node_and_limit)
{
	int64_t d = 6;
	struct tcc_value *c = val("c", 0, 0, NULL), *x = cst("x", TCC_DT_FLOAT, 1, &d, xs);
	struct tcc_value *y = val("y", TCC_DT_FLOAT, 1, &d);
	struct tcc_node *n = node("Constant", 0, NULL, 1, &c);
	struct tcc_attr *a = tcc_node_add_attr(n, "value_floats", TCC_ATTR_FLOATS);

	a->n = 2;
	a->u.floats = tcc_arena_memdup(ctx->arena, (float[]){ 1.5f, 2.5f }, 2 * sizeof(float));
	node1("Neg", x, NULL, y);
	output(c), output(y);
	ck_assert_int_eq(run_with("fold-constants", "max-elements", "4"), 0);
	ck_assert_ptr_nonnull(c->init);
	ck_assert(tcc_tensor_get_f64(c->init, 1) == 2.5);
	ck_assert_ptr_null(y->init); /* 6 elements > 4 */
	ck_assert_int_eq(count_op("Neg"), 1);
}
END_TEST

/* ---- simplify: BatchNormalization into Conv ---- */

static double rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return ((*seed >> 8) & 0xffff) / 65536.0 * 2.0 - 1.0;
}

/* Direct 2-D convolution, stride 1, no padding, in double: x [1,C,H,W], w [M,C,K,K]. */
static void conv_ref(const struct tcc_tensor_data *x, const struct tcc_tensor_data *w,
		     const struct tcc_tensor_data *b, double *out)
{
	int64_t C = x->dims[1], H = x->dims[2], W = x->dims[3], M = w->dims[0], K = w->dims[2];
	int64_t OH = H - K + 1, OW = W - K + 1;

	for (int64_t mo = 0; mo < M; mo++)
		for (int64_t i = 0; i < OH; i++)
			for (int64_t j = 0; j < OW; j++) {
				double s = b ? tcc_tensor_get_f64(b, mo) : 0;
				for (int64_t c = 0; c < C; c++)
					for (int64_t p = 0; p < K; p++)
						for (int64_t q = 0; q < K; q++)
							s += tcc_tensor_get_f64(x, (c * H + i + p) * W + j + q) *
							     tcc_tensor_get_f64(w, ((mo * C + c) * K + p) * K + q);
				out[(mo * OH + i) * OW + j] = s;
			}
}

START_TEST(simplify_bn_into_conv)
{
	int64_t dx[4] = { 1, 2, 5, 5 }, dw[4] = { 3, 2, 3, 3 }, dc = 3, dy[4] = { 1, 3, 3, 3 };
	double xv[50], wv[54], bv[3], sc[3], be[3], me[3], va[3], ref[27], got[27];
	unsigned seed = 7;
	struct tcc_value *x, *w, *b, *c, *y, *in[5];
	struct tcc_tensor_data *xt;
	struct tcc_node *bn;

	for (int i = 0; i < 50; i++)
		xv[i] = rnd(&seed);
	for (int i = 0; i < 54; i++)
		wv[i] = rnd(&seed);
	for (int i = 0; i < 3; i++) {
		bv[i] = rnd(&seed), sc[i] = 1.5 * rnd(&seed), be[i] = rnd(&seed);
		me[i] = rnd(&seed), va[i] = 0.5 + fabs(rnd(&seed));
	}
	x = input("x", TCC_DT_FLOAT, 4, dx);
	w = cst("w", TCC_DT_FLOAT, 4, dw, wv);
	b = cst("b", TCC_DT_FLOAT, 1, &dc, bv);
	c = val("c", TCC_DT_FLOAT, 4, dy);
	y = val("y", TCC_DT_FLOAT, 4, dy);
	in[0] = x, in[1] = w, in[2] = b;
	node("Conv", 3, in, 1, &c);
	in[0] = c, in[1] = cst("sc", TCC_DT_FLOAT, 1, &dc, sc), in[2] = cst("be", TCC_DT_FLOAT, 1, &dc, be);
	in[3] = cst("me", TCC_DT_FLOAT, 1, &dc, me), in[4] = cst("va", TCC_DT_FLOAT, 1, &dc, va);
	bn = node("BatchNormalization", 5, in, 1, &y);
	attr_float(bn, "epsilon", 1e-3f);
	output(y);

	xt = tcc_tensor_new(ctx, noloc, TCC_DT_FLOAT, 4, dx);
	for (int i = 0; i < 50; i++)
		tcc_tensor_set_f64(xt, i, xv[i]);
	conv_ref(xt, w->init, b->init, ref);
	for (int i = 0; i < 27; i++) {
		int ch = i / 9;
		ref[i] = (ref[i] - f32(me[ch])) / sqrt(f32(va[ch]) + (double)1e-3f) * f32(sc[ch]) +
			 f32(be[ch]);
	}

	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(run("dce"), 0);
	ck_assert_int_eq(g->nnodes, 1);
	ck_assert_str_eq(g->nodes[0]->op_type, "Conv");
	ck_assert_str_eq(g->nodes[0]->outputs[0]->name, "y");
	ck_assert(g->outputs[0] == g->nodes[0]->outputs[0]);
	conv_ref(xt, g->nodes[0]->inputs[1]->init, g->nodes[0]->inputs[2]->init, got);
	for (int i = 0; i < 27; i++)
		ck_assert_msg(fabs(got[i] - ref[i]) <= 1e-5 * fmax(1.0, fabs(ref[i])),
			      "[%d] %.9g vs %.9g", i, got[i], ref[i]);
}
END_TEST

START_TEST(simplify_bn_fallback)
{
	int64_t dx[4] = { 1, 2, 2, 2 }, dc = 2;
	const double one[2] = { 1, 2 }, zero[2] = { 0, 0.5 };
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 4, dx), *r = val("r", TCC_DT_FLOAT, 4, dx);
	struct tcc_value *y = val("y", TCC_DT_FLOAT, 4, dx), *in[5];

	node1("Relu", x, NULL, r);
	in[0] = r, in[1] = cst("s", TCC_DT_FLOAT, 1, &dc, one), in[2] = cst("b", TCC_DT_FLOAT, 1, &dc, zero);
	in[3] = cst("m", TCC_DT_FLOAT, 1, &dc, zero), in[4] = cst("v", TCC_DT_FLOAT, 1, &dc, one);
	node("BatchNormalization", 5, in, 1, &y);
	output(y);
	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(count_op("BatchNormalization"), 0);
	ck_assert_int_eq(count_op("Mul"), 1);
	ck_assert_int_eq(count_op("Add"), 1);
	for (int i = 0; i < g->nnodes; i++) {
		if (strcmp(g->nodes[i]->op_type, "Mul") != 0)
			continue;
		const struct tcc_tensor_data *a = g->nodes[i]->inputs[1]->init;
		ck_assert_int_eq(a->rank, 3);
		ck_assert_int_eq(a->dims[0], 2);
		ck_assert_int_eq(a->dims[1], 1);
		ck_assert((float)tcc_tensor_get_f64(a, 1) == (float)(2.0 / sqrt(2.0 + (double)1e-5f)));
	}
	ck_assert(g->nodes[g->nnodes - 1]->outputs[0] == y);
}
END_TEST

START_TEST(simplify_conv_mul_add)
{
	int64_t dx[4] = { 1, 1, 3, 3 }, dw[4] = { 2, 1, 1, 1 }, dy[4] = { 1, 2, 3, 3 };
	int64_t dk[3] = { 2, 1, 1 };
	const double wv[2] = { 1, 2 }, kv[2] = { 3, 5 }, av[2] = { 0.5, -1 };
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 4, dx), *c = val("c", TCC_DT_FLOAT, 4, dy);
	struct tcc_value *mv = val("m", TCC_DT_FLOAT, 4, dy), *y = val("y", TCC_DT_FLOAT, 4, dy);
	struct tcc_value *in[2] = { x, cst("w", TCC_DT_FLOAT, 4, dw, wv) };

	node("Conv", 2, in, 1, &c);
	node1("Mul", cst("k", TCC_DT_FLOAT, 3, dk, kv), c, mv);
	node1("Add", mv, cst("a", TCC_DT_FLOAT, 3, dk, av), y);
	output(y);
	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(g->nnodes, 1);
	ck_assert_int_eq(g->nodes[0]->ninputs, 3);
	ck_assert(tcc_tensor_get_f64(g->nodes[0]->inputs[1]->init, 1) == 10);
	ck_assert(tcc_tensor_get_f64(g->nodes[0]->inputs[2]->init, 0) == 0.5);
	ck_assert(tcc_tensor_get_f64(g->nodes[0]->inputs[2]->init, 1) == -1);
	ck_assert_str_eq(g->nodes[0]->outputs[0]->name, "y");
}
END_TEST

START_TEST(simplify_gemm_bn)
{
	int64_t dx[2] = { 1, 2 }, dw[2] = { 3, 2 }, dc = 3, dy[2] = { 1, 3 };
	const double wv[6] = { 1, 2, 3, 4, 5, 6 }, cv[3] = { 1, 1, 1 };
	const double s[3] = { 2, 2, 2 }, b[3] = { 1, 0, 0 }, mn[3] = { 0, 0, 1 }, v1[3] = { 1, 1, 1 };
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 2, dx), *gm = val("g", TCC_DT_FLOAT, 2, dy);
	struct tcc_value *y = val("y", TCC_DT_FLOAT, 2, dy), *in[5];
	struct tcc_node *gn, *bn;

	in[0] = x, in[1] = cst("w", TCC_DT_FLOAT, 2, dw, wv), in[2] = cst("c", TCC_DT_FLOAT, 1, &dc, cv);
	gn = node("Gemm", 3, in, 1, &gm);
	attr_int(gn, "transB", 1);
	attr_float(gn, "beta", 0.5f);
	in[0] = gm, in[1] = cst("s", TCC_DT_FLOAT, 1, &dc, s), in[2] = cst("b", TCC_DT_FLOAT, 1, &dc, b);
	in[3] = cst("m", TCC_DT_FLOAT, 1, &dc, mn), in[4] = cst("v", TCC_DT_FLOAT, 1, &dc, v1);
	bn = node("BatchNormalization", 5, in, 1, &y);
	attr_float(bn, "epsilon", 0.0f);
	output(y);
	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(g->nnodes, 1);
	ck_assert_str_eq(g->nodes[0]->op_type, "Gemm");
	/* row n of B (transB) times 2; C' = 0.5 * 1 * 2 + (beta - mean * 2) */
	ck_assert(tcc_tensor_get_f64(g->nodes[0]->inputs[1]->init, 5) == 12);
	ck_assert(tcc_tensor_get_f64(g->nodes[0]->inputs[2]->init, 0) == 2);
	ck_assert(tcc_tensor_get_f64(g->nodes[0]->inputs[2]->init, 2) == -1);
	ck_assert_ptr_null(tcc_node_find_attr(g->nodes[0], "beta"));
}
END_TEST

START_TEST(simplify_identity_dropout)
{
	int64_t d[2] = { 2, 2 };
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 2, d), *r = val("r", TCC_DT_FLOAT, 2, d);
	struct tcc_value *i1 = val("i1", TCC_DT_FLOAT, 2, d), *dy = val("dy", TCC_DT_FLOAT, 2, d);
	struct tcc_value *mask = val("mask", TCC_DT_BOOL, 2, d), *y = val("y", TCC_DT_FLOAT, 2, d);
	struct tcc_value *outs[2] = { dy, mask }, *din[1];

	node1("Relu", x, NULL, r);
	node1("Identity", r, NULL, i1);
	din[0] = i1;
	node("Dropout", 1, din, 2, outs);
	node1("Identity", dy, NULL, y);
	output(y), output(mask);
	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(g->nnodes, 1);
	ck_assert_str_eq(g->nodes[0]->op_type, "Relu");
	ck_assert_str_eq(g->nodes[0]->outputs[0]->name, "y");
	ck_assert(g->outputs[0] == g->nodes[0]->outputs[0]);
	ck_assert_ptr_nonnull(mask->init);
	ck_assert_int_eq(tcc_tensor_get_i64(mask->init, 3), 1);
}
END_TEST

START_TEST(simplify_identity_input_to_output)
{
	int64_t d = 2;
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 1, &d), *y = val("y", TCC_DT_FLOAT, 1, &d);

	node1("Identity", x, NULL, y);
	output(y);
	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(count_op("Identity"), 1); /* both names are the signature */
}
END_TEST

START_TEST(simplify_chains)
{
	int64_t dx[3] = { 2, 3, 4 }, s1[2] = { 6, 4 }, s2[1] = { 24 }, p[3] = { 1, 2, 0 };
	int64_t q[3] = { 2, 0, 1 }, d1[2] = { 6, 4 }, d2 = 24;
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 3, dx), *a = val("a", TCC_DT_FLOAT, 2, d1);
	struct tcc_value *b = val("b", TCC_DT_FLOAT, 1, &d2), *t1 = val("t1", 0, 0, NULL);
	struct tcc_value *t2 = val("t2", 0, 0, NULL), *c = val("c", 0, 0, NULL);

	node1("Reshape", x, cst_i64("s1", 2, s1), a);
	node1("Reshape", a, cst_i64("s2", 1, s2), b);
	attr_ints(node1("Transpose", x, NULL, t1), "perm", 3, p);
	attr_ints(node1("Transpose", t1, NULL, t2), "perm", 3, q);
	attr_int(node1("Cast", t2, NULL, c), "to", TCC_DT_FLOAT);
	output(b), output(c);
	ck_assert_int_eq(run("simplify"), 0);
	ck_assert_int_eq(count_op("Reshape"), 1);
	ck_assert_int_eq(count_op("Transpose"), 0);
	ck_assert_int_eq(count_op("Cast"), 1); /* x → c: both names are the signature */
	for (int i = 0; i < g->nnodes; i++)
		if (!strcmp(g->nodes[i]->op_type, "Reshape"))
			ck_assert(g->nodes[i]->inputs[0] == x);
}
END_TEST

/* ---- cse and dce ---- */

START_TEST(cse_merges)
{
	int64_t d = 3;
	const double k[3] = { 1, 2, 3 };
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 1, &d);
	struct tcc_value *k1 = cst("k1", TCC_DT_FLOAT, 1, &d, k), *k2 = cst("k2", TCC_DT_FLOAT, 1, &d, k);
	struct tcc_value *a1 = val("a1", 0, 0, NULL), *a2 = val("a2", 0, 0, NULL);
	struct tcc_value *r1 = val("r1", 0, 0, NULL), *r2 = val("r2", 0, 0, NULL);
	struct tcc_value *s1 = val("s1", 0, 0, NULL), *s2 = val("s2", 0, 0, NULL);
	struct tcc_value *y = val("y", 0, 0, NULL), *z = val("z", 0, 0, NULL), *in[4];

	node1("Add", x, k1, a1);
	node1("Add", x, k2, a2);
	node1("Relu", a1, NULL, r1);
	node1("Relu", a2, NULL, r2);
	attr_int(node1("Softmax", r1, NULL, s1), "axis", 0);
	attr_int(node1("Softmax", r2, NULL, s2), "axis", -1); /* different attribute */
	in[0] = r1, in[1] = r2, in[2] = s1, in[3] = s2;
	node("Sum", 4, in, 1, &y);
	node1("Relu", a1, NULL, z); /* duplicate of r1 but a graph output: stays */
	output(y), output(z);
	ck_assert_int_eq(run("cse"), 0);
	ck_assert_int_eq(count_op("Add"), 1);
	ck_assert_int_eq(count_op("Relu"), 2);
	ck_assert_int_eq(count_op("Softmax"), 2);
	ck_assert_int_eq(g->ninitializers, 1);
	for (int i = 0; i < g->nnodes; i++)
		if (!strcmp(g->nodes[i]->op_type, "Sum"))
			ck_assert(g->nodes[i]->inputs[0] == g->nodes[i]->inputs[1]);
}
END_TEST

START_TEST(dce_removes)
{
	int64_t d = 3;
	struct tcc_value *x = input("x", TCC_DT_FLOAT, 1, &d), *k = cst("k", TCC_DT_FLOAT, 1, &d, xs);
	struct tcc_value *unused = cst("unused", TCC_DT_FLOAT, 1, &d, xs);
	struct tcc_value *a = val("a", 0, 0, NULL), *b = val("b", 0, 0, NULL);
	struct tcc_value *y = val("y", 0, 0, NULL);

	node1("Add", x, k, a);
	node1("Relu", a, NULL, b);
	node1("Neg", x, NULL, y);
	output(y);
	(void)unused;
	ck_assert_int_eq(run("dce"), 0);
	ck_assert_int_eq(g->nnodes, 1);
	ck_assert_str_eq(g->nodes[0]->op_type, "Neg");
	ck_assert_int_eq(g->ninitializers, 0);
	ck_assert_ptr_null(tcc_graph_lookup(g, "a"));
	ck_assert_ptr_nonnull(tcc_graph_lookup(g, "x"));
}
END_TEST

/* Done-when of the issue: the light ResNet-50 (ConstantOfShape weights, BatchNormalization
 * after every Conv) comes out of shape-infer,fold-constants,simplify,dce with neither, and
 * with a static shape on every value. */
START_TEST(light_resnet50)
{
	const char *shared = getenv("TCC_SHARED");
	char path[4096];
	struct tcc_ctx *c;
	struct tcc_model *model;
	static const char *const pipeline[] = { "shape-infer", "fold-constants", "simplify", "dce" };

	if (!shared)
		shared = "../shared";
	snprintf(path, sizeof(path), "%s/models/light/light_resnet50.onnx", shared);
	if (access(path, R_OK) != 0)
		return; /* shared models not present: nothing to check */
	c = tcc_ctx_new();
	model = tcc_load_model(c, path);
	ck_assert_msg(model != NULL, "%s", tcc_diag_first_error(c->diag));
	ctx = c, m = model, g = model->graph;
	for (size_t i = 0; i < sizeof(pipeline) / sizeof(pipeline[0]); i++)
		ck_assert_msg(run(pipeline[i]) == 0, "%s: %s", pipeline[i],
			      tcc_diag_first_error(c->diag));
	ck_assert_int_eq(count_op("ConstantOfShape"), 0);
	ck_assert_int_eq(count_op("BatchNormalization"), 0);
	ck_assert_int_eq(count_op("Dropout"), 0);
	ck_assert_int_eq(count_op("Conv"), 53);
	for (int i = 0; i < g->nvalues; i++)
		ck_assert_msg(tcc_type_is_static(&g->values[i]->type), "%s has no static shape",
			      g->values[i]->name);
	tcc_ctx_free(c);
}
END_TEST

static Suite *passes_suite(void)
{
	Suite *s = suite_create("passes");
	TCase *fold = tcase_create("fold-constants"), *simp = tcase_create("simplify");
	TCase *other = tcase_create("cse-dce"), *multi = tcase_create("tables");

	tcase_add_test(multi, fold_unary);
	tcase_add_test(multi, fold_binary_broadcast);
	suite_add_tcase(s, multi);
	tcase_add_checked_fixture(fold, setup, teardown);
	tcase_add_test(fold, fold_int_div);
	tcase_add_test(fold, fold_int_div_by_zero);
	tcase_add_test(fold, fold_cast);
	tcase_add_test(fold, fold_shape_chain);
	tcase_add_test(fold, fold_data_movement);
	tcase_add_test(fold, fold_constant_node_and_limit);
	suite_add_tcase(s, fold);
	tcase_add_checked_fixture(simp, setup, teardown);
	tcase_add_test(simp, simplify_bn_into_conv);
	tcase_add_test(simp, simplify_bn_fallback);
	tcase_add_test(simp, simplify_conv_mul_add);
	tcase_add_test(simp, simplify_gemm_bn);
	tcase_add_test(simp, simplify_identity_dropout);
	tcase_add_test(simp, simplify_identity_input_to_output);
	tcase_add_test(simp, simplify_chains);
	suite_add_tcase(s, simp);
	tcase_add_checked_fixture(other, setup, teardown);
	tcase_add_test(other, cse_merges);
	tcase_add_test(other, dce_removes);
	suite_add_tcase(s, other);
	tcase_add_test(multi, light_resnet50);
	tcase_set_timeout(multi, 60);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(passes_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
