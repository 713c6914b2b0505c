/* Data movement: Reshape, Flatten, Squeeze, Unsqueeze, Dropout (inference) are copies (a
 * copy kernel each, for now); Transpose, Concat, Split, Slice, Gather, GatherElements,
 * Expand, Tile, Pad, Range, Shape, Size, Constant, ConstantOfShape, EyeLike, Trilu. Whatever
 * a static shape decides is resolved here; data-dependent parts become loads. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Y[o] = X[same element in row-major order]. Shapes equal up to size-1 dims map directly;
 * otherwise through the linear index (quasi-affine `/` and `%`). */
static void copy_linear(struct lk *lk, struct tcc_kbuf *X, struct tcc_kbuf *Y)
{
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *lin = NULL;
	struct tcc_kstmt *s;
	int xi = 0, yi = 0, direct = 1;
	int64_t stride = 1;

	if (!X || !Y)
		return;
	if (tcc_shape_numel(Y->rank, Y->dims) == 0)
		return;
	s = lk_stmt(lk, Y->rank, Y->dims);
	ke_iters(lk, 0, Y->rank, sy);
	for (; xi < X->rank; xi++) {
		if (X->dims[xi] == 1) {
			sx[xi] = ke_int(lk, 0);
			continue;
		}
		while (yi < Y->rank && Y->dims[yi] == 1)
			yi++;
		if (yi >= Y->rank || Y->dims[yi] != X->dims[xi])
			direct = 0;
		else
			sx[xi] = ke_it(lk, yi++);
	}
	while (yi < Y->rank && Y->dims[yi] == 1)
		yi++;
	if (!direct || yi != Y->rank) {
		for (int d = Y->rank - 1; d >= 0; stride *= Y->dims[d--]) {
			kexpr *t = ke2(lk, TCC_KOP_MUL, ke_int(lk, stride), ke_it(lk, d));

			lin = lin ? ke2(lk, TCC_KOP_ADD, lin, t) : t;
		}
		stride = 1;
		for (int d = X->rank - 1; d >= 0; stride *= X->dims[d--]) {
			kexpr *q = stride == 1 ? lin : ke2(lk, TCC_KOP_DIV, lin, ke_int(lk, stride));

			sx[d] = d ? ke2(lk, TCC_KOP_REM, q, ke_int(lk, X->dims[d])) : q;
			if (!lin)
				sx[d] = ke_int(lk, 0);
		}
	}
	lk_body(lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(lk, X, sx));
}

static tcc_stat lower_copy(struct lower *L, struct tcc_node *n)
{
	struct lk lk;
	struct tcc_kbuf *X, *Y;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	copy_linear(&lk, X, Y);
	if (n->noutputs > 1 && n->outputs[1] && !strcmp(n->op_type, "Dropout")) {
		struct tcc_kbuf *M = lk_out(&lk, n->outputs[1]);
		struct tcc_kstmt *s = M ? lk_stmt(&lk, M->rank, M->dims) : NULL;
		kexpr *sm[LK_MAXR];

		ke_iters(&lk, 0, M ? M->rank : 0, sm);
		lk_body(&lk, s, M, sm, TCC_KUPD_ASSIGN, ke_lit(&lk, M ? M->dtype : 0, 1));
	}
	return lk_end(&lk);
}

static const char *check_copy(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (!n->inputs[0] || !n->outputs[0] ||
	    tcc_type_numel(&n->inputs[0]->type) != tcc_type_numel(&n->outputs[0]->type))
		return "input and output sizes differ";
	if (!strcmp(n->op_type, "Dropout")) {
		struct tcc_value *tm = tcc_node_input(n, 2);
		const struct tcc_tensor_data *t = lower_const(tm);
		const struct tcc_tensor_data *rt = lower_const(tcc_node_input(n, 1));

		if (tcc_node_attr_int(n, "is_test", 1) == 0 && !tm && n->noutputs > 1)
			return NULL;
		/* training with a constant ratio of 0 keeps every element: a copy */
		if (t && t->numel == 1 && tcc_tensor_get_i64(t, 0) && rt && rt->numel == 1 &&
		    tcc_tensor_get_f64(rt, 0) == 0)
			return NULL;
		if (tm && (!t || t->numel != 1 || tcc_tensor_get_i64(t, 0)))
			return "training mode";
	}
	return NULL;
}

static tcc_stat lower_transpose(struct lower *L, struct tcc_node *n)
{
	int64_t cnt;
	const int64_t *perm = tcc_node_attr_ints(n, "perm", &cnt);
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !Y)
		return lk_end(&lk);
	s = lk_stmt(&lk, Y->rank, Y->dims);
	ke_iters(&lk, 0, Y->rank, sy);
	for (int d = 0; d < Y->rank; d++)
		sx[perm ? perm[d] : Y->rank - 1 - d] = ke_it(&lk, d);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static const char *check_transpose(struct lower *L, const struct tcc_node *n)
{
	int64_t cnt;
	const int64_t *perm = tcc_node_attr_ints(n, "perm", &cnt);
	int seen[LK_MAXR] = { 0 };

	(void)L;
	if (!perm)
		return NULL;
	if (cnt != n->inputs[0]->type.rank)
		return "perm of the wrong length";
	for (int i = 0; i < cnt; i++) {
		if (perm[i] < 0 || perm[i] >= cnt || seen[perm[i]])
			return "perm is not a permutation";
		seen[perm[i]] = 1;
	}
	return NULL;
}

/* Concat: one statement per input, shifted along the axis. */
static tcc_stat lower_concat(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *Y, *X;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	int64_t off = 0;
	int a;
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	Y = lk_out(&lk, n->outputs[0]);
	if (!Y)
		return lk_end(&lk);
	a = lower_axis(tcc_node_attr_int(n, "axis", 0), Y->rank);
	for (int i = 0; i < n->ninputs; i++) {
		if (!(X = lk_in(&lk, n->inputs[i])))
			break;
		if (tcc_shape_numel(X->rank, X->dims) == 0)
			continue;
		s = lk_stmt(&lk, X->rank, X->dims);
		ke_iters(&lk, 0, X->rank, sx);
		ke_iters(&lk, 0, X->rank, sy);
		sy[a] = ke2(&lk, TCC_KOP_ADD, ke_it(&lk, a), ke_int(&lk, off));
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
		off += X->dims[a];
	}
	return lk_end(&lk);
}

static const char *check_concat(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (lower_axis(tcc_node_attr_int(n, "axis", 0), n->outputs[0]->type.rank) < 0)
		return "axis out of range";
	for (int i = 0; i < n->ninputs; i++)
		if (!n->inputs[i] || n->inputs[i]->type.rank != n->outputs[0]->type.rank)
			return "inputs of different ranks";
	return NULL;
}

/* Split: each output is a slice along the axis; sizes come from the static output shapes. */
static tcc_stat lower_split(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	int64_t off = 0;
	int a;
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	if (!X)
		return lk_end(&lk);
	a = lower_axis(tcc_node_attr_int(n, "axis", 0), X->rank);
	for (int i = 0; i < n->noutputs; i++) {
		if (!n->outputs[i] || !(Y = lk_out(&lk, n->outputs[i])))
			continue;
		if (tcc_shape_numel(Y->rank, Y->dims)) {
			s = lk_stmt(&lk, Y->rank, Y->dims);
			ke_iters(&lk, 0, Y->rank, sx);
			ke_iters(&lk, 0, Y->rank, sy);
			sx[a] = ke2(&lk, TCC_KOP_ADD, ke_it(&lk, a), ke_int(&lk, off));
			lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
		}
		off += Y->dims[a];
	}
	return lk_end(&lk);
}

static const char *check_split(struct lower *L, const struct tcc_node *n)
{
	int32_t r = n->inputs[0]->type.rank;
	int a = lower_axis(tcc_node_attr_int(n, "axis", 0), r);
	int64_t tot = 0;

	(void)L;
	if (a < 0)
		return "axis out of range";
	for (int i = 0; i < n->noutputs; i++) {
		if (!n->outputs[i])
			return "an output is omitted";
		if (n->outputs[i]->type.rank != r)
			return "outputs of a different rank";
		tot += n->outputs[i]->type.dims[a].value;
	}
	if (tot != n->inputs[0]->type.dims[a].value)
		return "output sizes do not add up";
	return NULL;
}

/* Slice parameters per dim: start and step (constant starts/ends/axes/steps). */
static const char *slice_params(const struct tcc_node *n, int64_t opset, int64_t *start,
				int64_t *step)
{
	int32_t r = n->inputs[0]->type.rank;
	int64_t ns, ne, na = -2, nst = -2;
	const int64_t *st, *en, *ax, *sp = NULL;

	if (opset < 10 || tcc_node_find_attr(n, "starts")) {
		st = tcc_node_attr_ints(n, "starts", &ns);
		en = tcc_node_attr_ints(n, "ends", &ne);
		ax = tcc_node_attr_ints(n, "axes", &na);
	} else {
		st = lower_const_ints(NULL, n, 1, &ns);
		en = lower_const_ints(NULL, n, 2, &ne);
		ax = lower_const_ints(NULL, n, 3, &na);
		sp = lower_const_ints(NULL, n, 4, &nst);
		if (na == -1 || nst == -1)
			return "axes or steps are not constant";
	}
	if (!st || !en)
		return "starts or ends are not constant";
	if (ns != ne || (ax && na != ns) || (sp && nst != ns))
		return "starts, ends, axes and steps differ in length";
	for (int d = 0; d < r; d++)
		start[d] = 0, step[d] = 1;
	for (int64_t i = 0; i < ns; i++) {
		int a = lower_axis(ax ? ax[i] : i, r);
		int64_t dim = n->inputs[0]->type.dims[a < 0 ? 0 : a].value, s = st[i];

		if (a < 0)
			return "axis out of range";
		step[a] = sp ? sp[i] : 1;
		if (!step[a])
			return "zero step";
		s = s < 0 ? s + dim : s;
		if (step[a] > 0)
			s = s < 0 ? 0 : s > dim ? dim : s;
		else
			s = s < 0 ? 0 : s > dim - 1 ? dim - 1 : s;
		start[a] = s;
	}
	return NULL;
}

/* 1 when Slice n (opset >= 10) takes some of starts/ends/axes/steps only at run time. */
static int slice_is_rt(const struct tcc_node *n, int64_t opset)
{
	int64_t c;

	if (opset < 10 || tcc_node_find_attr(n, "starts"))
		return 0;
	for (int i = 1; i <= 4; i++) {
		lower_const_ints(NULL, n, i, &c);
		if (c == -1)
			return 1;
	}
	return 0;
}

/* The run-time path needs 1-D integer parameters of one static length and a static output
 * of the input's rank (the output shape fixes the ends). */
static const char *check_slice_rt(const struct tcc_node *n)
{
	const struct tcc_type *x = &n->inputs[0]->type, *y = &n->outputs[0]->type;
	int64_t len = -1;

	if (x->rank != y->rank || x->rank < 1 || x->rank > LK_MAXR)
		return "run-time parameters with an output of another rank";
	for (int i = 1; i <= 4; i++) {
		struct tcc_value *v = tcc_node_input(n, i);

		if (!v) {
			if (i <= 2)
				return "starts or ends omitted";
			continue;
		}
		if (v->type.rank != 1 || !tcc_dtype_is_int(v->type.elem))
			return "starts, ends, axes and steps must be 1-D integers";
		if (len >= 0 && v->type.dims[0].value != len)
			return "starts, ends, axes and steps differ in length";
		len = v->type.dims[0].value;
	}
	if (len < 0 || len > x->rank)
		return "more slice entries than dims";
	if (tcc_type_numel(y) && !tcc_type_numel(x))
		return "slicing an empty input";
	return NULL;
}

/* Entry i of the 1-D integer buffer B as int64. */
static kexpr *ld_i64(struct lk *lk, struct tcc_kbuf *B, int64_t i)
{
	kexpr *e = ke_load(lk, B, (kexpr *[]){ ke_int(lk, i) });

	return B->dtype == TCC_DT_INT64 ? e : ke_cast(lk, TCC_DT_INT64, e);
}

static kexpr *clamp_i(struct lk *lk, kexpr *v, kexpr *lo, kexpr *hi)
{
	return ke2(lk, TCC_KOP_MIN, ke2(lk, TCC_KOP_MAX, v, lo), hi);
}

/* The entry of B (len entries, axes A or NULL) that applies to dim d of rank r, "def" when
 * none does: nested selects on axes[i] == d or axes[i] == d - r (negative axes). */
static kexpr *entry_for_dim(struct lk *lk, struct tcc_kbuf *B, struct tcc_kbuf *A,
			    int64_t len, int32_t r, int d, int64_t def)
{
	kexpr *e = ke_int(lk, def), *hit;

	if (!B)
		return e;
	if (!A)
		return d < len ? ld_i64(lk, B, d) : e;
	for (int64_t i = len - 1; i >= 0; i--) {
		hit = ke2(lk, TCC_KOP_OR, ke2(lk, TCC_KOP_EQ, ld_i64(lk, A, i), ke_int(lk, d)),
			  ke2(lk, TCC_KOP_EQ, ld_i64(lk, A, i), ke_int(lk, d - r)));
		e = ke_sel(lk, hit, ld_i64(lk, B, i), e);
	}
	return e;
}

/* The subscript of dim d: clamp(start, per the sign of step) + i_d * step, clamped into
 * [0, dim). */
static kexpr *slice_rt_sub(struct lk *lk, struct tcc_kbuf **P, int64_t len, int32_t r, int d,
			   int64_t dim)
{
	kexpr *st = entry_for_dim(lk, P[0], P[2], len, r, d, 0);
	kexpr *sp = entry_for_dim(lk, P[3], P[2], len, r, d, 1);
	kexpr *hi;

	st = ke_sel(lk, ke2(lk, TCC_KOP_LT, st, ke_int(lk, 0)),
		    ke2(lk, TCC_KOP_ADD, st, ke_int(lk, dim)), st);
	hi = ke_sel(lk, ke2(lk, TCC_KOP_GT, sp, ke_int(lk, 0)), ke_int(lk, dim),
		    ke_int(lk, dim - 1));
	st = clamp_i(lk, st, ke_int(lk, 0), hi);
	st = ke2(lk, TCC_KOP_ADD, st, ke2(lk, TCC_KOP_MUL, ke_it(lk, d), sp));
	return clamp_i(lk, st, ke_int(lk, 0), ke_int(lk, dim - 1));
}

/* Slice with run-time parameters: Y[i] = X[start_d + i_d * step_d]. */
static tcc_stat lower_slice_rt(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *X, *Y, *P[4] = { NULL, NULL, NULL, NULL };
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	int64_t len;
	struct lk lk;

	if (check_slice_rt(n) || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !Y || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	len = n->inputs[1]->type.dims[0].value;
	for (int i = 0; i < 4; i++)
		if (i != 1 && tcc_node_input(n, i + 1))
			P[i] = lk_in(&lk, tcc_node_input(n, i + 1));
	s = lk_stmt(&lk, Y->rank, Y->dims);
	ke_iters(&lk, 0, Y->rank, sy);
	for (int d = 0; d < X->rank; d++)
		sx[d] = !P[2] && d >= len ? ke_it(&lk, d) :
			slice_rt_sub(&lk, P, len, X->rank, d, X->dims[d]);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static tcc_stat lower_slice(struct lower *L, struct tcc_node *n)
{
	int64_t start[LK_MAXR], step[LK_MAXR];
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	struct lk lk;

	if (slice_is_rt(n, L->opset))
		return lower_slice_rt(L, n);
	if (slice_params(n, L->opset, start, step) || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !Y || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	s = lk_stmt(&lk, Y->rank, Y->dims);
	ke_iters(&lk, 0, Y->rank, sy);
	for (int d = 0; d < X->rank; d++)
		sx[d] = ke2(&lk, TCC_KOP_ADD, ke_int(&lk, start[d]),
			    ke2(&lk, TCC_KOP_MUL, ke_int(&lk, step[d]), ke_it(&lk, d)));
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static const char *check_slice(struct lower *L, const struct tcc_node *n)
{
	int64_t start[LK_MAXR], step[LK_MAXR];

	if (slice_is_rt(n, lower_node_opset(L)))
		return check_slice_rt(n);
	return slice_params(n, lower_node_opset(L), start, step);
}

/* idx < 0 ? idx + dim : idx */
static kexpr *wrap_index(struct lk *lk, kexpr *v, int64_t dim)
{
	return ke_sel(lk, ke2(lk, TCC_KOP_LT, v, ke_int(lk, 0)),
		      ke2(lk, TCC_KOP_ADD, v, ke_int(lk, dim)), v);
}

/* Gather: Y[pre, j..., post] = X[pre, idx[j...], post]. */
static tcc_stat lower_gather(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *X, *I, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *si[LK_MAXR], *sy[LK_MAXR];
	int a, q;
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	I = lk_in(&lk, n->inputs[1]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !I || !Y || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	a = lower_axis(tcc_node_attr_int(n, "axis", 0), X->rank);
	q = I->rank;
	s = lk_stmt(&lk, Y->rank, Y->dims);
	ke_iters(&lk, 0, Y->rank, sy);
	ke_iters(&lk, a, q, si);
	for (int d = 0; d < X->rank; d++)
		sx[d] = d < a ? ke_it(&lk, d) : d > a ? ke_it(&lk, d + q - 1) :
			wrap_index(&lk, ke_load(&lk, I, si), X->dims[a]);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static const char *check_gather(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (lower_axis(tcc_node_attr_int(n, "axis", 0), n->inputs[0]->type.rank) < 0 ||
	    n->inputs[0]->type.rank < 1)
		return "axis out of range";
	if (!tcc_dtype_is_int(n->inputs[1]->type.elem))
		return "indices must be integers";
	if (n->inputs[0]->type.rank + n->inputs[1]->type.rank - 1 > LK_MAXR)
		return "rank above 16";
	return NULL;
}

/* GatherElements: Y[i] = X[i with i_axis replaced by idx[i]]. */
static tcc_stat lower_gather_el(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *X, *I, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	int a;
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	I = lk_in(&lk, n->inputs[1]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !I || !Y || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	a = lower_axis(tcc_node_attr_int(n, "axis", 0), X->rank);
	s = lk_stmt(&lk, Y->rank, Y->dims);
	ke_iters(&lk, 0, Y->rank, sy);
	ke_iters(&lk, 0, Y->rank, sx);
	sx[a] = wrap_index(&lk, ke_load(&lk, I, sy), X->dims[a]);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static const char *check_gather_el(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->inputs[0]->type.rank < 1 || n->inputs[1]->type.rank != n->inputs[0]->type.rank ||
	    lower_axis(tcc_node_attr_int(n, "axis", 0), n->inputs[0]->type.rank) < 0)
		return "axis out of range or ranks differ";
	if (!tcc_dtype_is_int(n->inputs[1]->type.elem))
		return "indices must be integers";
	return NULL;
}

/* Expand and Tile: Y[o] = X[broadcast o] / X[o % dims]. */
static tcc_stat lower_expand(struct lower *L, struct tcc_node *n)
{
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR];
	int tile = !strcmp(n->op_type, "Tile");
	struct lk lk;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!X || !Y || !tcc_shape_numel(Y->rank, Y->dims))
		return lk_end(&lk);
	s = lk_stmt(&lk, Y->rank, Y->dims);
	ke_iters(&lk, 0, Y->rank, sy);
	if (tile)
		for (int d = 0; d < X->rank; d++)
			sx[d] = X->dims[d] == Y->dims[d] ? ke_it(&lk, d) :
				ke2(&lk, TCC_KOP_REM, ke_it(&lk, d), ke_int(&lk, X->dims[d]));
	else
		ke_bcast(&lk, 0, Y->rank, X->rank, X->dims, sx);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(&lk, X, sx));
	return lk_end(&lk);
}

static const char *check_expand(struct lower *L, const struct tcc_node *n)
{
	const struct tcc_type *x = &n->inputs[0]->type, *y = &n->outputs[0]->type;

	(void)L;
	if (!strcmp(n->op_type, "Tile")) {
		if (x->rank != y->rank)
			return "ranks differ";
		for (int d = 0; d < x->rank; d++)
			if (!x->dims[d].value || y->dims[d].value % x->dims[d].value)
				return "output is not a tiling of the input";
		return NULL;
	}
	if (x->rank > y->rank)
		return "output rank below input rank";
	for (int d = 0; d < x->rank; d++) {
		int64_t a = x->dims[d].value, b = y->dims[y->rank - x->rank + d].value;

		if (a != b && a != 1)
			return "shapes do not broadcast";
	}
	return NULL;
}

const struct lower_op lower_ops_shape[] = {
	{ "Reshape", lower_copy, check_copy },
	{ "Flatten", lower_copy, check_copy },
	{ "Squeeze", lower_copy, check_copy },
	{ "Unsqueeze", lower_copy, check_copy },
	{ "Dropout", lower_copy, check_copy },
	{ "Transpose", lower_transpose, check_transpose },
	{ "Concat", lower_concat, check_concat },
	{ "Split", lower_split, check_split },
	{ "Slice", lower_slice, check_slice },
	{ "Gather", lower_gather, check_gather },
	{ "GatherElements", lower_gather_el, check_gather_el },
	{ "Expand", lower_expand, check_expand },
	{ "Tile", lower_expand, check_expand },
	{ NULL, NULL, NULL },
};
