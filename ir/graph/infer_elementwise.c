/* Inference for elementwise ops: unary (same shape and type), casts, and the binary and
 * variadic ops with multidirectional (numpy) broadcasting. */
#include "ir/graph/infer_private.h"

tcc_stat tcc_infer_unary(struct tcc_infer *inf)
{
	return tcc_infer_out_like(inf, 0, 0, 0);
}

tcc_stat tcc_infer_unary_bool(struct tcc_infer *inf)
{
	return tcc_infer_out_like(inf, 0, 0, TCC_DT_BOOL);
}

/* Softmax, LogSoftmax, Hardmax: same shape; the axis must be in range. */
tcc_stat tcc_infer_softmax(struct tcc_infer *inf)
{
	int32_t rank = tcc_infer_in_rank(inf, 0);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", inf->opset >= 13 ? -1 : 1);

	if (rank >= 0 && tcc_infer_axis(inf, axis, rank, &axis, "axis") < 0)
		return -1;
	return tcc_infer_out_like(inf, 0, 0, 0);
}

/* Dropout: output 0 is x; output 1 (mask) is bool since opset 10, else x's type. */
tcc_stat tcc_infer_dropout(struct tcc_infer *inf)
{
	int mask = inf->opset >= 10 ? TCC_DT_BOOL : tcc_infer_in_elem(inf, 0);

	if (tcc_infer_out_like(inf, 0, 0, 0) < 0)
		return -1;
	if (inf->nout > 1 && tcc_infer_out_like(inf, 1, 0, mask) < 0)
		return -1;
	return 0;
}

/* Cast (attribute "to"), CastLike (input 1's type), EyeLike ("dtype" or x's type). */
tcc_stat tcc_infer_cast(struct tcc_infer *inf)
{
	int64_t to;

	if (tcc_node_is(inf->n, "CastLike")) {
		to = tcc_infer_in_elem(inf, 1);
	} else if (tcc_node_is(inf->n, "EyeLike")) {
		int32_t rank = tcc_infer_in_rank(inf, 0);

		if (rank >= 0 && rank != 2)
			return tcc_infer_error(inf, "input must be 2-D, got rank %d", (int)rank);
		to = tcc_node_attr_int(inf->n, "dtype", tcc_infer_in_elem(inf, 0));
	} else {
		if (!tcc_node_find_attr(inf->n, "to"))
			return tcc_infer_error(inf, "missing attribute 'to'");
		to = tcc_node_attr_int(inf->n, "to", 0);
	}
	if (to && (to < 0 || to >= TCC_DT_COUNT || !tcc_dtype_is_valid((int)to)))
		return tcc_infer_error(inf, "invalid target type %lld", (long long)to);
	if (!tcc_infer_in(inf, 0))
		return tcc_infer_out(inf, 0, (int)to, -1) ? 0 : -1;
	return tcc_infer_out_like(inf, 0, 0, (int)to);
}

/* The element type of the first input that has one. */
static int first_elem(struct tcc_infer *inf, int from)
{
	for (int i = from; i < inf->n->ninputs; i++)
		if (tcc_infer_in_elem(inf, i))
			return tcc_infer_in_elem(inf, i);
	return 0;
}

/* Elementwise types must agree (except Pow, BitShift's shift and PRelu's slope). */
static tcc_stat check_same_elem(struct tcc_infer *inf, int first, int count)
{
	int elem = 0, ie = 0;

	for (int i = first; i < first + count; i++) {
		int e = tcc_infer_in_elem(inf, i);

		if (!e)
			continue;
		if (elem && e != elem)
			return tcc_infer_error(inf, "inputs '%s' (%s) and '%s' (%s) differ in type",
					       tcc_infer_in_name(inf, ie), tcc_infer_dtname(elem),
					       tcc_infer_in_name(inf, i), tcc_infer_dtname(e));
		elem = e;
		ie = i;
	}
	return 0;
}

/* Binary and variadic arithmetic: broadcast every input; the result has the inputs' type
 * (Pow: the base's). PRelu: the output has x's shape, the slope must broadcast to it. */
tcc_stat tcc_infer_binary(struct tcc_infer *inf)
{
	int n = inf->n->ninputs;

	if (n < 1 || (n < 2 && !tcc_node_is(inf->n, "Sum") && !tcc_node_is(inf->n, "Mean") &&
		      !tcc_node_is(inf->n, "Max") && !tcc_node_is(inf->n, "Min")))
		return tcc_infer_error(inf, "expected 2 inputs, got %d", n);
	if (tcc_node_is(inf->n, "Pow"))
		return tcc_infer_bcast(inf, 0, 0, 2, tcc_infer_in_elem(inf, 0));
	if (tcc_node_is(inf->n, "PRelu")) {
		int32_t rx = tcc_infer_in_rank(inf, 0), rs = tcc_infer_in_rank(inf, 1);

		if (rx >= 0 && rs > rx)
			return tcc_infer_error(inf, "slope rank %d exceeds input rank %d", (int)rs,
					       (int)rx);
		if (tcc_infer_bcast(inf, 0, 0, 2, first_elem(inf, 0)) < 0)
			return -1;
		return tcc_infer_out_like(inf, 0, 0, 0);
	}
	if (check_same_elem(inf, 0, n) < 0)
		return -1;
	return tcc_infer_bcast(inf, 0, 0, n, first_elem(inf, 0));
}

/* Comparisons and logical ops: broadcast, bool result. */
tcc_stat tcc_infer_compare(struct tcc_infer *inf)
{
	if (inf->n->ninputs != 2)
		return tcc_infer_error(inf, "expected 2 inputs, got %d", inf->n->ninputs);
	if (check_same_elem(inf, 0, 2) < 0)
		return -1;
	return tcc_infer_bcast(inf, 0, 0, 2, TCC_DT_BOOL);
}

/* Where(cond, x, y): three-way broadcast, x's type. */
tcc_stat tcc_infer_where(struct tcc_infer *inf)
{
	if (inf->n->ninputs != 3)
		return tcc_infer_error(inf, "expected 3 inputs, got %d", inf->n->ninputs);
	if (check_same_elem(inf, 1, 2) < 0)
		return -1;
	return tcc_infer_bcast(inf, 0, 0, 3, first_elem(inf, 1));
}
