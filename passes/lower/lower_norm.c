/* Normalizations: Softmax, LogSoftmax, Hardmax (opset < 13: over all dims from axis on;
 * from 13: over axis), BatchNormalization (training mode from opset 14),
 * LayerNormalization, InstanceNormalization, LRN. Statistics go to temps shaped like the
 * input with the reduced dims set to 1. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* dims of the statistics: x's with the reduced ones set to 1 */
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

static void softmax_axes(struct lower *L, const struct tcc_node *n, int32_t r, int *red)
{
	int a = lower_axis(tcc_node_attr_int(n, "axis", lower_node_opset(L) < 13 ? 1 : -1), r);

	for (int i = 0; i < r; i++)
		red[i] = lower_node_opset(L) < 13 ? i >= a : i == a;
}

/* A temp M (shape dk) holding the maximum of X over the reduced axes: M = lowest, then
 * M[sk] max= X[sx]. Shared by Softmax/LogSoftmax and Hardmax. */
static struct tcc_kbuf *lower_axis_max(struct lk *lk, struct tcc_kbuf *X, int t, int32_t r,
				       const int64_t *dx, const int64_t *dk, kexpr **sx,
				       kexpr **sk)
{
	struct tcc_kbuf *M = lk_temp(lk, "M", t, r, dk);
	struct tcc_kstmt *s;

	s = lk_stmt(lk, r, dk);
	lk_body(lk, s, M, sx, TCC_KUPD_ASSIGN, ke_lowest(lk, t));
	s = lk_stmt(lk, r, dx);
	lk_body(lk, s, M, sk, TCC_KUPD_MAX, ke_load(lk, X, sx));
	return M;
}

/* M = max over the reduced dims; Z = sum of exp(X - M); Y = exp(X - M) / Z (the exp stored
 * in Y on the way) or X - M - log(Z). */
static tcc_stat lower_softmax(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]), lsm = !strcmp(n->op_type, "LogSoftmax");
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *X, *Y, *M, *Z;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *xm;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	softmax_axes(L, n, r, red);
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	Z = lk_temp(&lk, "Z", t, r, dk);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	M = lower_axis_max(&lk, X, t, r, dx, dk, sx, sk);
	s = lk_stmt(&lk, r, dk);
	lk_body(&lk, s, Z, sx, TCC_KUPD_ASSIGN, ke_lit(&lk, t, 0));
	xm = ke2(&lk, TCC_KOP_SUB, ke_load(&lk, X, sx), ke_load(&lk, M, sk));
	if (lsm) {
		s = lk_stmt(&lk, r, dx);
		lk_body(&lk, s, Z, sk, TCC_KUPD_ADD, ke1(&lk, TCC_KOP_EXP, xm));
		s = lk_stmt(&lk, r, dx);
		lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN,
			ke2(&lk, TCC_KOP_SUB, xm, ke1(&lk, TCC_KOP_LOG, ke_load(&lk, Z, sk))));
		return lk_end(&lk);
	}
	/* exp once per element: Y = exp(X - M), Z += Y, Y = Y / Z */
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, ke1(&lk, TCC_KOP_EXP, xm));
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Z, sk, TCC_KUPD_ADD, ke_load(&lk, Y, sx));
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN,
		ke2(&lk, TCC_KOP_DIV, ke_load(&lk, Y, sx), ke_load(&lk, Z, sk)));
	return lk_end(&lk);
}

/* Hardmax: 1 at the first maximum along the axis (or of the flattened tail below 13). Only
 * the single-axis form is lowered. */
static tcc_stat lower_hardmax(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]), a = -1;
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *X, *Y, *M, *I;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *hit;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	softmax_axes(L, n, r, red);
	for (int i = 0; i < r; i++)
		if (red[i])
			a = a < 0 ? i : a;
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	I = lk_temp(&lk, "I", TCC_DT_INT64, r, dk);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	M = lower_axis_max(&lk, X, t, r, dx, dk, sx, sk);
	s = lk_stmt(&lk, r, dk);
	lk_body(&lk, s, I, sx, TCC_KUPD_ASSIGN, ke_int(&lk, dx[a]));
	s = lk_stmt(&lk, r, dx);
	hit = ke2(&lk, TCC_KOP_EQ, ke_load(&lk, X, sx), ke_load(&lk, M, sk));
	lk_body(&lk, s, I, sk, TCC_KUPD_MIN, ke_sel(&lk, hit, ke_it(&lk, a), ke_int(&lk, dx[a])));
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN,
		ke_sel(&lk, ke2(&lk, TCC_KOP_EQ, ke_it(&lk, a), ke_load(&lk, I, sk)),
		       ke_lit(&lk, t, 1), ke_lit(&lk, t, 0)));
	return lk_end(&lk);
}

static const char *check_softmax(struct lower *L, const struct tcc_node *n)
{
	int32_t r = n->inputs[0]->type.rank;
	int64_t dflt = lower_node_opset(L) < 13 ? 1 : -1;

	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float input";
	if (r < 1 || lower_axis(tcc_node_attr_int(n, "axis", dflt), r) < 0)
		return "axis out of range";
	if (!strcmp(n->op_type, "Hardmax") && lower_node_opset(L) < 13 &&
	    lower_axis(tcc_node_attr_int(n, "axis", 1), r) != r - 1)
		return "Hardmax before opset 13 over more than one dim";
	return NULL;
}

/* Mu = mean of X over red; Inv = 1 / sqrt(var + eps) (into "mean"/"inv" when given). */
static void norm_stats(struct lk *lk, struct tcc_kbuf *X, const int *red, float eps,
		       struct tcc_kbuf *Mu, struct tcc_kbuf *Inv)
{
	int32_t r = X->rank;
	int64_t cnt = 1;
	int t = Mu->dtype;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *d, *tx;

	for (int i = 0; i < r; i++)
		cnt *= red[i] ? X->dims[i] : 1;
	ke_iters(lk, 0, r, sx);
	stat_subs(lk, r, red, sk);
	tx = ke_load(lk, X, sx);
	if (X->dtype != t)
		tx = ke_cast(lk, t, tx);
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, Mu, sx, TCC_KUPD_ASSIGN, ke_lit(lk, t, 0));
	s = lk_stmt(lk, r, X->dims);
	lk_body(lk, s, Mu, sk, TCC_KUPD_ADD, tx);
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, Mu, sx, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_DIV, ke_load(lk, Mu, sx), ke_lit(lk, t, (double)cnt)));
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, Inv, sx, TCC_KUPD_ASSIGN, ke_lit(lk, t, 0));
	s = lk_stmt(lk, r, X->dims);
	d = ke2(lk, TCC_KOP_SUB, tx, ke_load(lk, Mu, sk));
	lk_body(lk, s, Inv, sk, TCC_KUPD_ADD, ke2(lk, TCC_KOP_MUL, d, d));
	s = lk_stmt(lk, r, Mu->dims);
	d = ke2(lk, TCC_KOP_DIV, ke_load(lk, Inv, sx), ke_lit(lk, t, (double)cnt));
	lk_body(lk, s, Inv, sx, TCC_KUPD_ASSIGN,
		ke1(lk, TCC_KOP_RSQRT, ke2(lk, TCC_KOP_ADD, d, ke_lit(lk, t, eps))));
}

/* LayerNormalization: stats over dims axis.., Y = (X - Mu) * Inv * Scale + B, with
 * Scale/B broadcast against X; optional outputs Mean and InvStdDev are the stats. */
static tcc_stat lower_layernorm(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]);
	int st = (int)tcc_node_attr_int(n, "stash_type", 1) == 1 ? TCC_DT_FLOAT : t;
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_value *vm = n->noutputs > 1 ? n->outputs[1] : NULL;
	struct tcc_value *vi = n->noutputs > 2 ? n->outputs[2] : NULL;
	struct tcc_kbuf *X, *Y, *Mu, *Inv;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *e;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	int a = lower_axis(tcc_node_attr_int(n, "axis", -1), r);

	for (int i = 0; i < r; i++)
		red[i] = i >= a;
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (vm && lower_dtype(vm) != st)
		st = lower_dtype(vm);
	Mu = vm ? lk_out(&lk, vm) : lk_temp(&lk, "Mu", st, r, dk);
	Inv = vi ? lk_out(&lk, vi) : lk_temp(&lk, "Inv", st, r, dk);
	if (!X || !Mu || !Inv)
		return lk_end(&lk);
	norm_stats(&lk, X, red, tcc_node_attr_float(n, "epsilon", 1e-5f), Mu, Inv);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	s = lk_stmt(&lk, r, dx);
	e = ke_load(&lk, X, sx);
	e = ke2(&lk, TCC_KOP_MUL, ke2(&lk, TCC_KOP_SUB, t != st ? ke_cast(&lk, st, e) : e,
				      ke_load(&lk, Mu, sk)), ke_load(&lk, Inv, sk));
	if (t != st)
		e = ke_cast(&lk, t, e);
	e = ke2(&lk, TCC_KOP_MUL, e, ke_bload(&lk, n->inputs[1], 0, r));
	if (tcc_node_input(n, 2))
		e = ke2(&lk, TCC_KOP_ADD, e, ke_bload(&lk, n->inputs[2], 0, r));
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	return lk_end(&lk);
}

static const char *check_layernorm(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1])
		return "needs X and Scale";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float input";
	if (lower_axis(tcc_node_attr_int(n, "axis", -1), n->inputs[0]->type.rank) < 0)
		return "axis out of range";
	return NULL;
}

/* InstanceNormalization: stats over the spatial dims per (n, c); scale and B per channel. */
static tcc_stat lower_instnorm(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]);
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *X, *Y, *Mu, *Inv, *Sc, *B;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *sc[1], *e;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	for (int i = 0; i < r; i++)
		red[i] = i >= 2;
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Sc = lk_in(&lk, n->inputs[1]);
	B = lk_in(&lk, n->inputs[2]);
	Y = lk_out(&lk, n->outputs[0]);
	Mu = lk_temp(&lk, "Mu", t, r, dk);
	Inv = lk_temp(&lk, "Inv", t, r, dk);
	if (!X || !Mu || !Inv)
		return lk_end(&lk);
	norm_stats(&lk, X, red, tcc_node_attr_float(n, "epsilon", 1e-5f), Mu, Inv);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	sc[0] = ke_it(&lk, 1);
	s = lk_stmt(&lk, r, dx);
	e = ke2(&lk, TCC_KOP_MUL, ke2(&lk, TCC_KOP_SUB, ke_load(&lk, X, sx), ke_load(&lk, Mu, sk)),
		ke_load(&lk, Inv, sk));
	e = ke2(&lk, TCC_KOP_ADD, ke2(&lk, TCC_KOP_MUL, e, ke_load(&lk, Sc, sc)),
		ke_load(&lk, B, sc));
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	return lk_end(&lk);
}

static const char *check_channels(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->ninputs < 3 || !n->inputs[0] || n->inputs[0]->type.rank < 2)
		return "needs X of rank >= 2 with scale and bias";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float input";
	for (int i = 1; i < n->ninputs; i++)
		if (!n->inputs[i] || n->inputs[i]->type.rank != 1)
			return "per-channel inputs must be 1-D";
	return NULL;
}

/* BatchNormalization in inference mode: Y = (X - mean) / sqrt(var + eps) * scale + B. */
static tcc_stat lower_batchnorm(struct lower *L, struct tcc_node *n)
{
	int32_t r;
	const int64_t *dx;
	struct tcc_kbuf *X, *Y, *P[4];
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sc[1], *e;
	int t = lower_dtype(n->outputs[0]);
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	for (int i = 0; i < 4; i++)
		P[i] = lk_in(&lk, n->inputs[i + 1]);
	Y = lk_out(&lk, n->outputs[0]);
	s = lk_stmt(&lk, r, dx);
	ke_iters(&lk, 0, r, sx);
	sc[0] = ke_it(&lk, 1);
	e = ke2(&lk, TCC_KOP_SUB, ke_load(&lk, X, sx), ke_load(&lk, P[2], sc));
	e = ke2(&lk, TCC_KOP_DIV, e, ke1(&lk, TCC_KOP_SQRT, ke2(&lk, TCC_KOP_ADD,
		ke_load(&lk, P[3], sc), ke_lit(&lk, t, tcc_node_attr_float(n, "epsilon", 1e-5f)))));
	e = ke2(&lk, TCC_KOP_ADD, ke2(&lk, TCC_KOP_MUL, e, ke_load(&lk, P[0], sc)),
		ke_load(&lk, P[1], sc));
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	return lk_end(&lk);
}

/* Mu and V (the biased variance) of X over every dim but 1, into [1, C, 1, ...] temps. */
static void bn_moments(struct lk *lk, struct tcc_kbuf *X, const int *red, struct tcc_kbuf *Mu,
		       struct tcc_kbuf *V)
{
	int32_t r = X->rank;
	int64_t cnt = 1;
	int t = Mu->dtype;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *d;

	for (int i = 0; i < r; i++)
		cnt *= red[i] ? X->dims[i] : 1;
	ke_iters(lk, 0, r, sx);
	stat_subs(lk, r, red, sk);
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, Mu, sx, TCC_KUPD_ASSIGN, ke_lit(lk, t, 0));
	s = lk_stmt(lk, r, X->dims);
	lk_body(lk, s, Mu, sk, TCC_KUPD_ADD, ke_load(lk, X, sx));
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, Mu, sx, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_DIV, ke_load(lk, Mu, sx), ke_lit(lk, t, (double)cnt)));
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, V, sx, TCC_KUPD_ASSIGN, ke_lit(lk, t, 0));
	s = lk_stmt(lk, r, X->dims);
	d = ke2(lk, TCC_KOP_SUB, ke_load(lk, X, sx), ke_load(lk, Mu, sk));
	lk_body(lk, s, V, sk, TCC_KUPD_ADD, ke2(lk, TCC_KOP_MUL, d, d));
	s = lk_stmt(lk, r, Mu->dims);
	lk_body(lk, s, V, sx, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_DIV, ke_load(lk, V, sx), ke_lit(lk, t, (double)cnt)));
}

/* Running statistic output o (1: mean, 2: var) = input * momentum + batch stat * (1 -
 * momentum), over [C]. */
static void bn_running(struct lk *lk, struct tcc_node *n, int o, struct tcc_kbuf *St)
{
	double mom = tcc_node_attr_float(n, "momentum", 0.9f);
	struct tcc_kbuf *R = lk_in(lk, n->inputs[o + 2]), *Out = lk_out(lk, n->outputs[o]);
	int t = lower_dtype(n->outputs[o]);
	struct tcc_kstmt *s;
	kexpr *sc[1], *sk[LK_MAXR], *e;

	if (!R || !Out || !St)
		return;
	sc[0] = ke_it(lk, 0);
	for (int i = 0; i < St->rank; i++)
		sk[i] = i == 1 ? ke_it(lk, 0) : ke_int(lk, 0);
	s = lk_stmt(lk, 1, Out->dims);
	e = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_load(lk, R, sc), ke_lit(lk, t, mom)),
		ke2(lk, TCC_KOP_MUL, ke_load(lk, St, sk), ke_lit(lk, t, 1.0 - mom)));
	lk_body(lk, s, Out, sc, TCC_KUPD_ASSIGN, e);
}

/* BatchNormalization in training mode (opset >= 14): Y normalized with the batch mean and
 * biased variance over every dim but 1; outputs 1 and 2 the updated running statistics. */
static tcc_stat lower_bn_train(struct lower *L, struct tcc_node *n)
{
	int red[LK_MAXR], t = lower_dtype(n->outputs[0]);
	int32_t r;
	const int64_t *dx;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *X, *Y, *Mu, *V;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *e;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	for (int i = 0; i < r; i++)
		red[i] = i != 1;
	keep_dims(r, dx, red, dk);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	Mu = lk_temp(&lk, "Mu", t, r, dk);
	V = lk_temp(&lk, "V", t, r, dk);
	if (!X || !Y || !Mu || !V)
		return lk_end(&lk);
	bn_moments(&lk, X, red, Mu, V);
	ke_iters(&lk, 0, r, sx);
	stat_subs(&lk, r, red, sk);
	s = lk_stmt(&lk, r, dx);
	e = ke2(&lk, TCC_KOP_SUB, ke_load(&lk, X, sx), ke_load(&lk, Mu, sk));
	e = ke2(&lk, TCC_KOP_DIV, e, ke1(&lk, TCC_KOP_SQRT, ke2(&lk, TCC_KOP_ADD,
		ke_load(&lk, V, sk), ke_lit(&lk, t, tcc_node_attr_float(n, "epsilon", 1e-5f)))));
	e = ke2(&lk, TCC_KOP_ADD, ke2(&lk, TCC_KOP_MUL, e, ke_bload(&lk, n->inputs[1], 1, 1)),
		ke_bload(&lk, n->inputs[2], 1, 1));
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	for (int o = 1; o < 3 && o < n->noutputs; o++)
		if (n->outputs[o])
			bn_running(&lk, n, o, o == 1 ? Mu : V);
	return lk_end(&lk);
}

static tcc_stat lower_bn(struct lower *L, struct tcc_node *n)
{
	if (tcc_node_attr_int(n, "training_mode", 0))
		return lower_bn_train(L, n);
	return lower_batchnorm(L, n);
}

static const char *check_batchnorm(struct lower *L, const struct tcc_node *n)
{
	const char *w = check_channels(L, n);

	if (w)
		return w;
	if (n->ninputs != 5)
		return "needs X, scale, B, mean and var";
	if (!tcc_node_attr_int(n, "spatial", 1))
		return "spatial=0";
	if (tcc_node_attr_int(n, "training_mode", 0) && lower_node_opset(L) < 14)
		return "training mode before opset 14";
	if (tcc_node_attr_int(n, "training_mode", 0) && n->noutputs > 3)
		return "more than 3 outputs in training mode";
	for (int i = 1; !tcc_node_attr_int(n, "training_mode", 0) && i < n->noutputs; i++)
		if (n->outputs[i])
			return "running statistics outputs (training mode)";
	for (int i = 1; i < 5; i++)
		if (n->inputs[i]->type.elem != n->inputs[0]->type.elem)
			return "mixed dtypes";
	return NULL;
}

/* LRN over channels: Y = X / (bias + alpha / size * sum of squares in the window)^beta. */
static tcc_stat lower_lrn(struct lower *L, struct tcc_node *n)
{
	int64_t size = tcc_node_attr_int(n, "size", 1), lo = (size - 1) / 2;
	float alpha = tcc_node_attr_float(n, "alpha", 1e-4f), beta = tcc_node_attr_float(n, "beta", 0.75f);
	float bias = tcc_node_attr_float(n, "bias", 1.0f);
	int32_t r;
	const int64_t *dx;
	struct tcc_kbuf *X, *Y, *Q;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sw[LK_MAXR], *e;
	int t = lower_dtype(n->outputs[0]), j;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	Q = lk_temp(&lk, "Q", t, r, dx);
	ke_iters(&lk, 0, r, sx);
	s = lk_stmt(&lk, r, dx);
	lk_body(&lk, s, Q, sx, TCC_KUPD_ASSIGN, ke_lit(&lk, t, 0));
	s = lk_stmt(&lk, r, dx);
	j = lk_iter(&lk, s, "j", size);
	ke_iters(&lk, 0, r, sw);
	sw[1] = ke2(&lk, TCC_KOP_SUB, ke2(&lk, TCC_KOP_ADD, ke_it(&lk, 1), ke_it(&lk, j)),
		    ke_int(&lk, lo));
	lk_cons(&lk, s, TCC_KOP_GE, sw[1], ke_int(&lk, 0));
	lk_cons(&lk, s, TCC_KOP_LT, sw[1], ke_int(&lk, dx[1]));
	e = ke_load(&lk, X, sw);
	lk_body(&lk, s, Q, sx, TCC_KUPD_ADD, ke2(&lk, TCC_KOP_MUL, e, e));
	s = lk_stmt(&lk, r, dx);
	e = ke2(&lk, TCC_KOP_ADD, ke_lit(&lk, t, bias),
		ke2(&lk, TCC_KOP_MUL, ke_lit(&lk, t, (double)alpha / (double)size),
		    ke_load(&lk, Q, sx)));
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, ke2(&lk, TCC_KOP_DIV, ke_load(&lk, X, sx),
		ke2(&lk, TCC_KOP_POW, e, ke_lit(&lk, t, beta))));
	return lk_end(&lk);
}

static const char *check_lrn(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->inputs[0]->type.rank < 2 || !tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float X of rank >= 2";
	if (tcc_node_attr_int(n, "size", 0) < 1)
		return "size must be positive";
	return NULL;
}

const struct lower_op lower_ops_norm[] = {
	{ "Softmax", lower_softmax, check_softmax },
	{ "LogSoftmax", lower_softmax, check_softmax },
	{ "Hardmax", lower_hardmax, check_softmax },
	{ "LayerNormalization", lower_layernorm, check_layernorm },
	{ "InstanceNormalization", lower_instnorm, check_channels },
	{ "BatchNormalization", lower_bn, check_batchnorm },
	{ "LRN", lower_lrn, check_lrn },
	{ NULL, NULL, NULL },
};
