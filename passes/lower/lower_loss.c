/* Lowering of the loss ops: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (log
 * softmax over the class dim 1, then the same NLL). With X [N, C, d..] (log probabilities),
 * target t [N, d..] and optional weight w [C]: loss[n, d..] = -X[n, t, d..] * w[t], and 0
 * (weight 0) where t == ignore_index or t is outside [0, C) (the class subscript is clamped
 * into range, so such a target reads nothing out of bounds). Reductions: none, sum, and mean
 * = sum of the losses / sum of the weights of the counted targets. */
#include <stdint.h>
#include <string.h>

#include "passes/lower/lower_private.h"

#define NO_II INT64_MIN

enum { RED_NONE, RED_SUM, RED_MEAN };

/* One NLL to emit: X the log probabilities (rank r, dims dx), T the target, W the weight or
 * NULL, Y the output; "ii" the ignore_index (NO_II when absent). */
struct nll {
	struct tcc_kbuf *X, *T, *W, *Y;
	int32_t r;
	const int64_t *dx;
	int64_t ii;
	int red;
};

static int reduction_of(const struct tcc_node *n)
{
	const char *s = tcc_node_attr_string(n, "reduction", "mean");

	if (!strcmp(s, "none"))
		return RED_NONE;
	if (!strcmp(s, "sum"))
		return RED_SUM;
	return !strcmp(s, "mean") ? RED_MEAN : -1;
}

/* Over a statement with iterators 0..r-2 on the target's dims: the loss term (wonly == 0)
 * or the weight of the target (wonly == 1), zero for an ignored or out-of-range target. */
static kexpr *nll_term(struct lk *lk, const struct nll *p, int wonly)
{
	int t = p->X ? p->X->dtype : TCC_DT_FLOAT;
	kexpr *st[LK_MAXR], *sx[LK_MAXR], *sw[1], *tg, *tc, *ok, *w, *v;

	ke_iters(lk, 0, p->r - 1, st);
	tg = ke_load(lk, p->T, st);
	if (p->T && p->T->dtype != TCC_DT_INT64)
		tg = ke_cast(lk, TCC_DT_INT64, tg);
	tc = ke2(lk, TCC_KOP_MIN, ke2(lk, TCC_KOP_MAX, tg, ke_int(lk, 0)),
		 ke_int(lk, p->dx[1] - 1));
	ok = ke2(lk, TCC_KOP_EQ, tg, tc);
	if (p->ii != NO_II)
		ok = ke2(lk, TCC_KOP_AND, ok, ke2(lk, TCC_KOP_NE, tg, ke_int(lk, p->ii)));
	sw[0] = tc;
	w = p->W ? ke_load(lk, p->W, sw) : ke_lit(lk, t, 1);
	if (wonly)
		return ke_sel(lk, ok, w, ke_lit(lk, t, 0));
	sx[0] = ke_it(lk, 0);
	sx[1] = tc;
	for (int i = 2; i < p->r; i++)
		sx[i] = ke_it(lk, i - 1);
	v = ke1(lk, TCC_KOP_NEG, ke_load(lk, p->X, sx));
	if (p->W)
		v = ke2(lk, TCC_KOP_MUL, v, w);
	return ke_sel(lk, ok, v, ke_lit(lk, t, 0));
}

/* Sum of nll_term(wonly) over the target's dims into the scalar buffer B. */
static void nll_sum(struct lk *lk, const struct nll *p, struct tcc_kbuf *B, int wonly)
{
	struct tcc_kstmt *s;
	kexpr *none[1] = { NULL };

	s = lk_stmt(lk, 0, NULL);
	lk_body(lk, s, B, none, TCC_KUPD_ASSIGN, ke_lit(lk, p->X ? p->X->dtype : TCC_DT_FLOAT, 0));
	s = lk_stmt(lk, p->r - 1, p->T ? p->T->dims : NULL);
	lk_body(lk, s, B, none, TCC_KUPD_ADD, nll_term(lk, p, wonly));
}

static void nll_emit(struct lk *lk, const struct nll *p)
{
	struct tcc_kstmt *s;
	struct tcc_kbuf *S;
	kexpr *sy[LK_MAXR], *none[1] = { NULL };

	if (!p->X || !p->T || !p->Y)
		return;
	if (p->red == RED_NONE) {
		ke_iters(lk, 0, p->r - 1, sy);
		s = lk_stmt(lk, p->r - 1, p->T->dims);
		lk_body(lk, s, p->Y, sy, TCC_KUPD_ASSIGN, nll_term(lk, p, 0));
		return;
	}
	nll_sum(lk, p, p->Y, 0);
	if (p->red != RED_MEAN)
		return;
	S = lk_temp(lk, "S", p->X->dtype, 0, NULL);
	nll_sum(lk, p, S, 1);
	s = lk_stmt(lk, 0, NULL);
	lk_body(lk, s, p->Y, none, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_DIV, ke_load(lk, p->Y, none), ke_load(lk, S, none)));
}

static void nll_setup(struct lk *lk, struct nll *p, const struct tcc_node *n)
{
	p->T = lk_in(lk, n->inputs[1]);
	p->W = n->ninputs > 2 && n->inputs[2] ? lk_in(lk, n->inputs[2]) : NULL;
	p->Y = lk_out(lk, n->outputs[0]);
	p->ii = tcc_node_attr_int(n, "ignore_index", NO_II);
	p->red = reduction_of(n);
}

static tcc_stat lower_nll(struct lower *L, struct tcc_node *n)
{
	struct nll p;
	struct lk lk;

	if (lower_shape(n->inputs[0], &p.r, &p.dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	p.X = lk_in(&lk, n->inputs[0]);
	nll_setup(&lk, &p, n);
	nll_emit(&lk, &p);
	return lk_end(&lk);
}

/* LP = log_softmax(X) over dim 1: M = max, Z = sum of exp(X - M), LP = X - M - log(Z). */
static void log_softmax1(struct lk *lk, struct tcc_kbuf *X, struct tcc_kbuf *LP, int32_t r,
			 const int64_t *dx)
{
	int t = X ? X->dtype : TCC_DT_FLOAT;
	int64_t dk[LK_MAXR];
	struct tcc_kbuf *M, *Z;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sk[LK_MAXR], *xm;

	for (int i = 0; i < r; i++)
		dk[i] = i == 1 ? 1 : dx[i];
	M = lk_temp(lk, "M", t, r, dk);
	Z = lk_temp(lk, "Z", t, r, dk);
	ke_iters(lk, 0, r, sx);
	ke_iters(lk, 0, r, sk);
	sk[1] = ke_int(lk, 0);
	s = lk_stmt(lk, r, dk);
	lk_body(lk, s, M, sx, TCC_KUPD_ASSIGN, ke_lowest(lk, t));
	s = lk_stmt(lk, r, dx);
	lk_body(lk, s, M, sk, TCC_KUPD_MAX, ke_load(lk, X, sx));
	s = lk_stmt(lk, r, dk);
	lk_body(lk, s, Z, sx, TCC_KUPD_ASSIGN, ke_lit(lk, t, 0));
	s = lk_stmt(lk, r, dx);
	xm = ke2(lk, TCC_KOP_SUB, ke_load(lk, X, sx), ke_load(lk, M, sk));
	lk_body(lk, s, Z, sk, TCC_KUPD_ADD, ke1(lk, TCC_KOP_EXP, xm));
	s = lk_stmt(lk, r, dx);
	lk_body(lk, s, LP, sx, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_SUB, xm, ke1(lk, TCC_KOP_LOG, ke_load(lk, Z, sk))));
}

static tcc_stat lower_sce(struct lower *L, struct tcc_node *n)
{
	struct nll p;
	struct lk lk;
	struct tcc_kbuf *X;
	struct tcc_value *vlp = n->noutputs > 1 ? n->outputs[1] : NULL;

	if (lower_shape(n->inputs[0], &p.r, &p.dx) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	p.X = vlp ? lk_out(&lk, vlp)
		  : lk_temp(&lk, "LP", X ? X->dtype : TCC_DT_FLOAT, p.r, p.dx);
	log_softmax1(&lk, X, p.X, p.r, p.dx);
	nll_setup(&lk, &p, n);
	nll_emit(&lk, &p);
	return lk_end(&lk);
}

/* Static dims agree: target [N, d..] against input [N, C, d..], weight [C], output [N, d..]
 * for reduction none and a scalar otherwise. */
static const char *check_dims(const struct tcc_node *n)
{
	const struct tcc_type *x = &n->inputs[0]->type, *t = &n->inputs[1]->type;
	const struct tcc_type *y = &n->outputs[0]->type;
	const struct tcc_value *w = n->ninputs > 2 ? n->inputs[2] : NULL;

	for (int i = 0; i < t->rank; i++)
		if (t->dims[i].value != x->dims[i ? i + 1 : 0].value)
			return "target dims do not match the input's";
	if (w && w->type.dims[0].value != x->dims[1].value)
		return "weight size is not C";
	if (x->dims[1].value < 1)
		return "needs C >= 1";
	if (reduction_of(n) != RED_NONE)
		return y->rank == 0 ? NULL : "a reduced loss must be a scalar";
	if (y->rank != t->rank)
		return "output shape must be the target's";
	for (int i = 0; i < t->rank; i++)
		if (y->dims[i].value != t->dims[i].value)
			return "output shape must be the target's";
	return NULL;
}

static const char *check_loss(struct lower *L, const struct tcc_node *n)
{
	const struct tcc_value *x, *t, *w;

	(void)L;
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1] || n->noutputs < 1 || !n->outputs[0])
		return "needs input, target and an output";
	x = n->inputs[0];
	t = n->inputs[1];
	w = n->ninputs > 2 ? n->inputs[2] : NULL;
	if (!tcc_dtype_is_float(x->type.elem) || lower_dtype(n->outputs[0]) != x->type.elem)
		return "needs a float input and an output of the same type";
	if (x->type.rank < 2 || x->type.rank > LK_MAXR || t->type.rank != x->type.rank - 1)
		return "needs input [N, C, d..] and target [N, d..]";
	if (!tcc_dtype_is_int(t->type.elem))
		return "needs an integer target";
	if (w && (w->type.rank != 1 || w->type.elem != x->type.elem))
		return "weight must be a 1-d tensor of the input type";
	if (reduction_of(n) < 0)
		return "unknown reduction";
	if (n->noutputs > 1 && n->outputs[1] && lower_dtype(n->outputs[1]) != x->type.elem)
		return "log_prob must have the input type";
	return check_dims(n);
}

const struct lower_op lower_ops_loss[] = {
	{ "NegativeLogLikelihoodLoss", lower_nll, check_loss },
	{ "SoftmaxCrossEntropyLoss", lower_sce, check_loss },
	{ NULL, NULL, NULL },
};
