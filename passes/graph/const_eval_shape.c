/* Evaluator of ONNX shape and data-movement ops on constants: Gather, Concat, Reshape,
 * Flatten, Unsqueeze, Squeeze, Transpose, Slice, Expand, Tile. Elements are copied bit for
 * bit, so every dtype works. */
#include <string.h>

#include "passes/graph/const_eval.h"

#define MAX_RANK TCC_CEVAL_MAX_RANK

/* Row-major strides of a shape. */
static void strides_of(int32_t rank, const int64_t *dims, int64_t *strides)
{
	int64_t s = 1;

	for (int32_t d = rank - 1; d >= 0; d--) {
		strides[d] = s;
		s *= dims[d];
	}
}

/* Output element at multi-index idx comes from src[base + sum idx[d] * sstrides[d]]. */
static void strided_copy(struct tcc_tensor_data *dst, const struct tcc_tensor_data *src, int64_t base,
			 const int64_t *sstrides)
{
	int64_t idx[MAX_RANK] = { 0 }, off = base;

	for (int64_t o = 0; o < dst->numel; o++) {
		tcc_ceval_copy_elem(dst, o, src, off);
		for (int32_t d = dst->rank - 1; d >= 0; d--) {
			off += sstrides[d];
			if (++idx[d] < dst->dims[d])
				break;
			off -= sstrides[d] * dst->dims[d];
			idx[d] = 0;
		}
	}
}

/* "src"'s data under a new shape (same element count). */
static tcc_bool reshaped(struct tcc_ceval *e, const struct tcc_tensor_data *src, int32_t rank,
			 const int64_t *dims)
{
	int err = 0;
	struct tcc_tensor_data *t;

	if (tcc_shape_numel(rank, dims) != src->numel)
		return 0;
	t = tcc_ceval_new(e, src->dtype, rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	if (src->nbytes)
		memcpy(t->data, src->data, src->nbytes);
	if (src->strings)
		memcpy(t->strings, src->strings, (size_t)src->numel * sizeof(*src->strings));
	e->outs[0] = t;
	return 1;
}

static int norm_axis(int64_t *axis, int64_t rank)
{
	if (*axis < -rank || *axis >= rank)
		return 0;
	if (*axis < 0)
		*axis += rank;
	return 1;
}

static tcc_bool eval_gather(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0], *ind = e->ins[1];
	int64_t axis = tcc_node_attr_int(e->n, "axis", 0), dims[MAX_RANK], outer = 1, inner = 1;
	int32_t rank = 0;
	int err = 0;
	struct tcc_tensor_data *t;

	if (!tcc_dtype_is_int(ind->dtype) || !norm_axis(&axis, x->rank) ||
	    x->rank + ind->rank - 1 > MAX_RANK)
		return 0;
	for (int32_t d = 0; d < x->rank; d++) {
		if (d == axis)
			for (int32_t j = 0; j < ind->rank; j++)
				dims[rank++] = ind->dims[j];
		else
			dims[rank++] = x->dims[d];
		if (d < axis)
			outer *= x->dims[d];
		if (d > axis)
			inner *= x->dims[d];
	}
	for (int64_t i = 0; i < ind->numel; i++) {
		int64_t k = tcc_tensor_get_i64(ind, i);
		if (k < -x->dims[axis] || k >= x->dims[axis])
			return 0; /* out of range: left for the runtime to report */
	}
	t = tcc_ceval_new(e, x->dtype, rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	for (int64_t o = 0, w = 0; o < outer; o++) {
		for (int64_t i = 0; i < ind->numel; i++) {
			int64_t k = tcc_tensor_get_i64(ind, i);
			int64_t src = (o * x->dims[axis] + (k < 0 ? k + x->dims[axis] : k)) * inner;
			for (int64_t j = 0; j < inner; j++)
				tcc_ceval_copy_elem(t, w++, x, src + j);
		}
	}
	e->outs[0] = t;
	return 1;
}

static tcc_bool eval_concat(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int64_t axis = tcc_node_attr_int(e->n, "axis", 0), dims[MAX_RANK], outer = 1, inner = 1;
	int nin = e->n->ninputs, err = 0;
	struct tcc_tensor_data *t;

	if (!norm_axis(&axis, x->rank) || x->rank > MAX_RANK)
		return 0;
	memcpy(dims, x->dims, (size_t)x->rank * sizeof(*dims));
	dims[axis] = 0;
	for (int i = 0; i < nin; i++) {
		const struct tcc_tensor_data *y = e->ins[i];
		if (!y || y->dtype != x->dtype || y->rank != x->rank)
			return 0;
		for (int32_t d = 0; d < x->rank; d++)
			if (d != axis && y->dims[d] != x->dims[d])
				return 0;
		dims[axis] += y->dims[axis];
	}
	for (int32_t d = 0; d < x->rank; d++) {
		if (d < axis)
			outer *= x->dims[d];
		if (d > axis)
			inner *= x->dims[d];
	}
	t = tcc_ceval_new(e, x->dtype, x->rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	for (int64_t o = 0, w = 0; o < outer; o++) {
		for (int i = 0; i < nin; i++) {
			int64_t slab = e->ins[i]->dims[axis] * inner;
			for (int64_t j = 0; j < slab; j++)
				tcc_ceval_copy_elem(t, w++, e->ins[i], o * slab + j);
		}
	}
	e->outs[0] = t;
	return 1;
}

static tcc_bool eval_reshape(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	const int64_t *shape;
	int64_t count, dims[MAX_RANK], known = 1;
	int allowzero = (int)tcc_node_attr_int(e->n, "allowzero", 0), infer = -1;

	if (!tcc_ceval_list(e, "shape", 1, 5, &shape, &count) || count < 0 || count > MAX_RANK)
		return 0;
	for (int64_t i = 0; i < count; i++) {
		dims[i] = shape[i];
		if (shape[i] == 0 && !allowzero) {
			if (i >= x->rank)
				return 0;
			dims[i] = x->dims[i];
		}
		if (dims[i] == -1) {
			if (infer >= 0)
				return 0;
			infer = (int)i;
		} else if (dims[i] < 0) {
			return 0;
		} else {
			known *= dims[i];
		}
	}
	if (infer >= 0) {
		if (known == 0 || x->numel % known)
			return 0;
		dims[infer] = x->numel / known;
	}
	return reshaped(e, x, (int32_t)count, dims);
}

static tcc_bool eval_flatten(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int64_t axis = tcc_node_attr_int(e->n, "axis", 1), dims[2] = { 1, 1 };

	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return 0;
	for (int32_t d = 0; d < x->rank; d++)
		dims[d >= axis] *= x->dims[d];
	return reshaped(e, x, 2, dims);
}

static tcc_bool eval_unsqueeze(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	const int64_t *axes;
	int64_t count, dims[MAX_RANK];
	int mark[MAX_RANK] = { 0 };
	int32_t rank;

	if (!tcc_ceval_list(e, "axes", 1, 13, &axes, &count) || count < 0)
		return 0;
	rank = x->rank + (int32_t)count;
	if (rank > MAX_RANK)
		return 0;
	for (int64_t i = 0; i < count; i++) {
		int64_t a = axes[i];
		if (!norm_axis(&a, rank) || mark[a])
			return 0;
		mark[a] = 1;
	}
	for (int32_t d = 0, j = 0; d < rank; d++)
		dims[d] = mark[d] ? 1 : x->dims[j++];
	return reshaped(e, x, rank, dims);
}

static tcc_bool eval_squeeze(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	const int64_t *axes;
	int64_t count, dims[MAX_RANK];
	int mark[MAX_RANK] = { 0 };
	int32_t rank = 0;

	if (!tcc_ceval_list(e, "axes", 1, 13, &axes, &count) || x->rank > MAX_RANK)
		return 0;
	for (int64_t i = 0; i < count; i++) {
		int64_t a = axes[i];
		if (!norm_axis(&a, x->rank) || x->dims[a] != 1)
			return 0;
		mark[a] = 1;
	}
	for (int32_t d = 0; d < x->rank; d++) {
		if (count < 0 ? x->dims[d] == 1 : mark[d])
			continue;
		dims[rank++] = x->dims[d];
	}
	return reshaped(e, x, rank, dims);
}

static tcc_bool eval_transpose(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int64_t count, perm[MAX_RANK], dims[MAX_RANK], st[MAX_RANK], sst[MAX_RANK];
	const int64_t *p = tcc_node_attr_ints(e->n, "perm", &count);
	int seen[MAX_RANK] = { 0 }, err = 0;
	struct tcc_tensor_data *t;

	if (x->rank > MAX_RANK || (p && count != x->rank))
		return 0;
	for (int32_t d = 0; d < x->rank; d++) {
		perm[d] = p ? p[d] : x->rank - 1 - d;
		if (perm[d] < 0 || perm[d] >= x->rank || seen[perm[d]]++)
			return 0;
	}
	strides_of(x->rank, x->dims, st);
	for (int32_t d = 0; d < x->rank; d++) {
		dims[d] = x->dims[perm[d]];
		sst[d] = st[perm[d]];
	}
	t = tcc_ceval_new(e, x->dtype, x->rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	strided_copy(t, x, 0, sst);
	e->outs[0] = t;
	return 1;
}

/* Clamp one slice range per the ONNX spec; sets *start and returns the element count. */
static int64_t slice_range(int64_t dim, int64_t start, int64_t end, int64_t step,
			   int64_t *out_start)
{
	if (start < 0)
		start += dim;
	if (end < 0)
		end += dim;
	if (step > 0) {
		start = start < 0 ? 0 : start > dim ? dim : start;
		end = end < 0 ? 0 : end > dim ? dim : end;
		*out_start = start;
		return end > start ? (end - start - 1) / step + 1 : 0;
	}
	start = start < 0 ? 0 : start > dim - 1 ? dim - 1 : start;
	end = end < -1 ? -1 : end > dim - 1 ? dim - 1 : end;
	*out_start = start;
	step = step < -dim ? dim + 1 : -step;
	return start > end ? (start - end - 1) / step + 1 : 0;
}

static tcc_bool eval_slice(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	const int64_t *starts, *ends, *axes, *steps;
	int64_t ns, ne, na, nst, dims[MAX_RANK], st[MAX_RANK], sst[MAX_RANK], base = 0;
	int seen[MAX_RANK] = { 0 }, err = 0;
	struct tcc_tensor_data *t;

	if (x->rank > MAX_RANK || !tcc_ceval_list(e, "starts", 1, 10, &starts, &ns) ||
	    !tcc_ceval_list(e, "ends", 2, 10, &ends, &ne) ||
	    !tcc_ceval_list(e, "axes", 3, 10, &axes, &na) ||
	    !tcc_ceval_list(e, "steps", 4, 10, &steps, &nst))
		return 0;
	if (ns < 0 || ns != ne || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
		return 0;
	memcpy(dims, x->dims, (size_t)x->rank * sizeof(*dims));
	strides_of(x->rank, x->dims, st);
	memcpy(sst, st, sizeof(st));
	for (int64_t i = 0; i < ns; i++) {
		int64_t a = na >= 0 ? axes[i] : i, step = nst >= 0 ? steps[i] : 1, s0;
		if (!norm_axis(&a, x->rank) || seen[a]++ || step == 0)
			return 0;
		dims[a] = slice_range(x->dims[a], starts[i], ends[i], step, &s0);
		base += s0 * st[a];
		sst[a] = step * st[a];
	}
	t = tcc_ceval_new(e, x->dtype, x->rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	if (t->numel)
		strided_copy(t, x, base, sst);
	e->outs[0] = t;
	return 1;
}

static tcc_bool eval_expand(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int64_t count, dims[MAX_RANK], st[MAX_RANK], sst[MAX_RANK];
	int64_t *shape = tcc_ceval_ints(e, e->ins[1], &count);
	int32_t rank, off;
	int err = 0;
	struct tcc_tensor_data *t;

	if (!shape || count > MAX_RANK || x->rank > MAX_RANK)
		return 0;
	rank = (int32_t)(count > x->rank ? count : x->rank);
	strides_of(x->rank, x->dims, st);
	for (int32_t d = 0; d < rank; d++) {
		int64_t s = d - (rank - count) >= 0 ? shape[d - (rank - count)] : 1;
		int64_t xd = d - (rank - x->rank) >= 0 ? x->dims[d - (rank - x->rank)] : 1;
		if (s != 1 && xd != 1 && s != xd)
			return 0;
		dims[d] = xd != 1 ? xd : s;
		off = d - (rank - x->rank);
		sst[d] = off >= 0 && xd != 1 ? st[off] : 0;
	}
	t = tcc_ceval_new(e, x->dtype, rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	strided_copy(t, x, 0, sst);
	e->outs[0] = t;
	return 1;
}

static tcc_bool eval_tile(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *x = e->ins[0];
	int64_t count, dims[MAX_RANK], st[MAX_RANK], idx[MAX_RANK] = { 0 };
	int64_t *rep = tcc_ceval_ints(e, e->ins[1], &count);
	int err = 0;
	struct tcc_tensor_data *t;

	if (!rep || count != x->rank || x->rank > MAX_RANK)
		return 0;
	for (int32_t d = 0; d < x->rank; d++) {
		if (rep[d] < 0)
			return 0;
		dims[d] = x->dims[d] * rep[d];
	}
	strides_of(x->rank, x->dims, st);
	t = tcc_ceval_new(e, x->dtype, x->rank, dims, &err);
	if (!t)
		return err ? -1 : 0;
	for (int64_t o = 0; o < t->numel; o++) {
		int64_t src = 0;
		for (int32_t d = 0; d < x->rank; d++)
			src += (idx[d] % x->dims[d]) * st[d];
		tcc_ceval_copy_elem(t, o, x, src);
		for (int32_t d = x->rank - 1; d >= 0 && ++idx[d] == dims[d]; d--)
			idx[d] = 0;
	}
	e->outs[0] = t;
	return 1;
}

/* name, evaluator, index of the last input that must be present */
static const struct {
	const char *name;
	tcc_bool (*fn)(struct tcc_ceval *e);
	int last_required;
} shape_ops[] = {
	{ "Gather", eval_gather, 1 }, { "Concat", eval_concat, 0 },
	{ "Reshape", eval_reshape, 0 }, { "Flatten", eval_flatten, 0 },
	{ "Unsqueeze", eval_unsqueeze, 0 }, { "Squeeze", eval_squeeze, 0 },
	{ "Transpose", eval_transpose, 0 }, { "Slice", eval_slice, 0 },
	{ "Expand", eval_expand, 1 }, { "Tile", eval_tile, 1 },
};

int tcc_ceval_shape_known(const char *op)
{
	for (size_t i = 0; i < sizeof(shape_ops) / sizeof(shape_ops[0]); i++)
		if (strcmp(shape_ops[i].name, op) == 0)
			return 1;
	return 0;
}

tcc_bool tcc_ceval_shape_op(struct tcc_ceval *e)
{
	for (size_t i = 0; i < sizeof(shape_ops) / sizeof(shape_ops[0]); i++) {
		if (strcmp(shape_ops[i].name, e->n->op_type) != 0)
			continue;
		if (e->n->ninputs <= shape_ops[i].last_required)
			return 0;
		for (int j = 0; j <= shape_ops[i].last_required; j++)
			if (!e->ins[j])
				return 0;
		return shape_ops[i].fn(e);
	}
	return 0;
}
