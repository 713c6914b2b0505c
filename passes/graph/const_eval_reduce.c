/* Evaluator of the ONNX reductions on constants: ReduceSum, ReduceProd, ReduceMax,
 * ReduceMin, ReduceMean, ReduceSumSquare, ReduceL1, ReduceL2. Floats accumulate in double
 * and round once; integers accumulate in int64. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/graph/const_eval.h"

#define MAX_RANK TCC_CEVAL_MAX_RANK

enum red { R_SUM, R_PROD, R_MAX, R_MIN, R_MEAN, R_SUMSQ, R_L1, R_L2 };

static const struct {
	const char *name;
	enum red kind;
	int64_t axes_input_since; /* opset from which "axes" is an input */
} red_ops[] = {
	{ "ReduceSum", R_SUM, 13 }, { "ReduceProd", R_PROD, 18 },
	{ "ReduceMax", R_MAX, 18 }, { "ReduceMin", R_MIN, 18 },
	{ "ReduceMean", R_MEAN, 18 }, { "ReduceSumSquare", R_SUMSQ, 18 },
	{ "ReduceL1", R_L1, 18 }, { "ReduceL2", R_L2, 18 },
};

int tcc_ceval_reduce_known(const char *op)
{
	for (size_t i = 0; i < sizeof(red_ops) / sizeof(red_ops[0]); i++)
		if (strcmp(red_ops[i].name, op) == 0)
			return 1;
	return 0;
}

/* Fold element x (as double, or int64 in *ia) into accumulator slot "o". */
static void accumulate(enum red k, int fl, double *fa, int64_t *ia, int64_t o, double x,
		       int64_t xi, int first)
{
	if (fl) {
		switch (k) {
		case R_SUM: case R_MEAN: fa[o] += x; break;
		case R_PROD: fa[o] = first ? x : fa[o] * x; break;
		case R_MAX: fa[o] = first || isnan(x) || x > fa[o] ? x : fa[o]; break;
		case R_MIN: fa[o] = first || isnan(x) || x < fa[o] ? x : fa[o]; break;
		case R_SUMSQ: case R_L2: fa[o] += x * x; break;
		case R_L1: fa[o] += fabs(x); break;
		}
		return;
	}
	switch (k) {
	case R_SUM: case R_MEAN: ia[o] = (int64_t)((uint64_t)ia[o] + (uint64_t)xi); break;
	case R_PROD: ia[o] = first ? xi : (int64_t)((uint64_t)ia[o] * (uint64_t)xi); break;
	case R_MAX: ia[o] = first || xi > ia[o] ? xi : ia[o]; break;
	case R_MIN: ia[o] = first || xi < ia[o] ? xi : ia[o]; break;
	case R_SUMSQ: ia[o] = (int64_t)((uint64_t)ia[o] + (uint64_t)xi * (uint64_t)xi); break;
	case R_L1: ia[o] = (int64_t)((uint64_t)ia[o] + (uint64_t)(xi < 0 ? -xi : xi)); break;
	case R_L2: break;
	}
}

/* Which axes are reduced; returns 0 when the node cannot be folded, 2 for a no-op. */
static int reduced_axes(struct tcc_ceval *e, int64_t since, int *mark)
{
	const struct tcc_tensor_data *x = e->ins[0];
	const int64_t *axes;
	int64_t count;

	if (!tcc_ceval_list(e, "axes", 1, since, &axes, &count))
		return 0;
	if (count <= 0) {
		if (count == 0 && tcc_node_attr_int(e->n, "noop_with_empty_axes", 0))
			return 2;
		for (int32_t d = 0; d < x->rank; d++)
			mark[d] = 1;
		return 1;
	}
	for (int64_t i = 0; i < count; i++) {
		int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];
		if (a < 0 || a >= x->rank)
			return 0;
		mark[a] = 1;
	}
	return 1;
}

static struct tcc_tensor_data *reduce_into(struct tcc_ceval *e, enum red k, const int *mark,
				      int *err)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int keep = (int)tcc_node_attr_int(e->n, "keepdims", 1), fl = tcc_dtype_is_float(x->dtype);
	int64_t dims[MAX_RANK], ost[MAX_RANK], idx[MAX_RANK] = { 0 }, o = 0, s = 1, per = 1;
	int32_t rank = 0;
	struct tcc_tensor_data *t;
	double *fa;
	int64_t *ia;
	unsigned char *seen;

	for (int32_t d = 0; d < x->rank; d++) {
		if (!mark[d] || keep)
			dims[rank++] = mark[d] ? 1 : x->dims[d];
		per *= mark[d] ? x->dims[d] : 1;
	}
	for (int32_t d = x->rank - 1; d >= 0; d--) {
		ost[d] = mark[d] ? 0 : s;
		s *= mark[d] ? 1 : x->dims[d];
	}
	if (per == 0 && (k == R_MAX || k == R_MIN || k == R_MEAN))
		return NULL;
	t = tcc_ceval_new(e, x->dtype, rank, dims, err);
	fa = calloc((size_t)(t ? t->numel : 0) + 1, sizeof(*fa));
	ia = calloc((size_t)(t ? t->numel : 0) + 1, sizeof(*ia));
	seen = calloc((size_t)(t ? t->numel : 0) + 1, 1);
	if (t && (!fa || !ia || !seen)) {
		*err = tcc_ctx_oom(e->ctx, tcc_node_loc(e->n)) < 0;
		t = NULL;
	}
	for (int64_t i = 0; t && i < x->numel; i++) {
		accumulate(k, fl, fa, ia, o, fl ? tcc_tensor_get_f64(x, i) : 0,
			   fl ? 0 : tcc_tensor_get_i64(x, i), !seen[o]);
		seen[o] = 1;
		for (int32_t d = x->rank - 1; d >= 0; d--) {
			o += ost[d];
			if (++idx[d] < x->dims[d])
				break;
			o -= ost[d] * x->dims[d];
			idx[d] = 0;
		}
	}
	for (int64_t i = 0; t && i < t->numel; i++) {
		if (!fl)
			tcc_tensor_set_i64(t, i, k == R_MEAN ? ia[i] / per : seen[i] || k != R_PROD
									   ? ia[i] : 1);
		else if (k == R_MEAN)
			tcc_tensor_set_f64(t, i, fa[i] / (double)per);
		else if (k == R_L2)
			tcc_tensor_set_f64(t, i, sqrt(fa[i]));
		else
			tcc_tensor_set_f64(t, i, seen[i] || k != R_PROD ? fa[i] : 1.0);
	}
	free(fa);
	free(ia);
	free(seen);
	return t;
}

tcc_bool tcc_ceval_reduce(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int mark[MAX_RANK] = { 0 }, err = 0, r;
	size_t i;

	for (i = 0; strcmp(red_ops[i].name, e->n->op_type) != 0; i++)
		;
	if (e->n->ninputs < 1 || !x || x->rank > MAX_RANK)
		return 0;
	if (x->dtype == TCC_DT_UINT64)
		return 0;
	if (x->dtype != TCC_DT_FLOAT && x->dtype != TCC_DT_DOUBLE && x->dtype != TCC_DT_FLOAT16 &&
	    x->dtype != TCC_DT_BFLOAT16 && !tcc_dtype_is_int(x->dtype))
		return 0;
	if (!tcc_dtype_is_float(x->dtype) && red_ops[i].kind == R_L2)
		return 0;
	r = reduced_axes(e, red_ops[i].axes_input_since, mark);
	if (r == 0)
		return 0;
	if (r == 2) {
		e->outs[0] = tcc_tensor_copy(e->ctx, x);
		return e->outs[0] ? 1 : -1;
	}
	e->outs[0] = reduce_into(e, red_ops[i].kind, mark, &err);
	return err ? -1 : e->outs[0] != NULL;
}
