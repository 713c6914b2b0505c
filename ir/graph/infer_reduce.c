/* Inference for reductions (Reduce*, ArgMax, ArgMin). */
#include "ir/graph/infer_private.h"

/* Output 0: x's dims with the flagged axes dropped or (keepdims) set to 1. */
static tcc_stat reduce_out(struct tcc_infer *inf, const struct tcc_type *x, const int *red,
			   int keep, int elem)
{
	int32_t rank = 0;
	struct tcc_type *t;

	for (int32_t k = 0; k < x->rank; k++)
		rank += keep || !red[k];
	if (!(t = tcc_infer_out(inf, 0, elem, rank)))
		return -1;
	rank = 0;
	for (int32_t k = 0; k < x->rank; k++) {
		if (red[k] && keep)
			t->dims[rank++] = tcc_dim_known(1);
		else if (!red[k])
			t->dims[rank++] = x->dims[k];
	}
	return 0;
}

/* Axes come from input 1 (ReduceSum since opset 13, all since 18) or the "axes" attribute. */
tcc_stat tcc_infer_reduce(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0), *ai = tcc_infer_in(inf, 1);
	int keep = tcc_node_attr_int(inf->n, "keepdims", 1) != 0;
	int noop = tcc_node_attr_int(inf->n, "noop_with_empty_axes", 0) != 0;
	int64_t *axes = NULL, count = 0;
	tcc_bool c = tcc_infer_const_ints(inf, 1, &axes, &count);
	int *red;

	if (c < 0)
		return -1;
	if (!c && !tcc_node_input(inf->n, 1)) {
		axes = (int64_t *)tcc_node_attr_ints(inf->n, "axes", &count);
		count = axes ? count : 0;
		c = 1;
	}
	if (!x || x->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (!c) { /* axes not constant */
		int32_t r = keep ? x->rank : -1;

		if (!keep && ai && ai->rank == 1 && ai->dims[0].value >= 0 &&
		    ai->dims[0].value <= x->rank)
			r = x->rank - (int32_t)ai->dims[0].value;
		return tcc_infer_out(inf, 0, x->elem, r) ? 0 : -1;
	}
	if (count == 0 && noop)
		return tcc_infer_out_like(inf, 0, 0, 0);
	red = tcc_arena_calloc(inf->ctx->arena, (size_t)(x->rank ? x->rank : 1), sizeof(*red));
	if (!red)
		return tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
	for (int64_t i = 0; i < count; i++) {
		int64_t a;

		if (tcc_infer_axis(inf, axes[i], x->rank, &a, "axis") < 0)
			return -1;
		red[a] = 1;
	}
	for (int32_t k = 0; k < x->rank && count == 0; k++)
		red[k] = 1;
	return reduce_out(inf, x, red, keep, x->elem);
}

tcc_stat tcc_infer_argminmax(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int keep = tcc_node_attr_int(inf->n, "keepdims", 1) != 0;
	int64_t axis = tcc_node_attr_int(inf->n, "axis", 0);
	int *red;

	if (!x || x->rank < 0)
		return tcc_infer_out(inf, 0, TCC_DT_INT64, -1) ? 0 : -1;
	if (tcc_infer_axis(inf, axis, x->rank, &axis, "axis") < 0)
		return -1;
	red = tcc_arena_calloc(inf->ctx->arena, (size_t)x->rank, sizeof(*red));
	if (!red)
		return tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
	red[axis] = 1;
	return reduce_out(inf, x, red, keep, TCC_DT_INT64);
}
