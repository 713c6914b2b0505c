/* Inference for ops whose output shape depends on constant data or attributes: Shape, Size,
 * Constant, ConstantOfShape, Range, Resize/Upsample, TopK, NonZero, OneHot, Slice. */
#include <math.h>
#include <string.h>

#include "ir/graph/infer_private.h"

tcc_stat tcc_infer_shape(struct tcc_infer *inf)
{
	int32_t r = tcc_infer_in_rank(inf, 0);
	int64_t start = tcc_node_attr_int(inf->n, "start", 0);
	int64_t end = tcc_node_attr_int(inf->n, "end", r);
	struct tcc_type *t = tcc_infer_out(inf, 0, TCC_DT_INT64, 1);

	if (!t)
		return -1;
	if (r < 0)
		return 0;
	start = start < 0 ? start + r : start;
	end = end < 0 ? end + r : end;
	start = start < 0 ? 0 : start > r ? r : start;
	end = end < 0 ? 0 : end > r ? r : end;
	t->dims[0] = tcc_dim_known(end > start ? end - start : 0);
	return 0;
}

tcc_stat tcc_infer_size(struct tcc_infer *inf)
{
	return tcc_infer_out(inf, 0, TCC_DT_INT64, 0) ? 0 : -1;
}

/* Output 0 = a tensor of elem with the given int64 dims. */
static tcc_stat out_dims(struct tcc_infer *inf, int elem, int32_t rank, const int64_t *dims)
{
	struct tcc_type *t = tcc_infer_out(inf, 0, elem, rank);

	if (!t)
		return -1;
	for (int32_t k = 0; k < rank; k++) {
		if (dims[k] < 0 || dims[k] > TCC_MAX_DIM)
			return tcc_infer_error(inf, "invalid dim %lld", (long long)dims[k]);
		t->dims[k] = tcc_dim_known(dims[k]);
	}
	return 0;
}

tcc_stat tcc_infer_constant(struct tcc_infer *inf)
{
	const struct tcc_attr *a = NULL;
	int64_t n;

	for (int i = 0; i < inf->n->nattrs && !a; i++)
		if (!inf->n->attrs[i].ref_attr_name && strncmp(inf->n->attrs[i].name, "value", 5) == 0)
			a = &inf->n->attrs[i];
	if (!a)
		a = tcc_node_find_attr(inf->n, "sparse_value");
	if (!a || a->ref_attr_name)
		return 0;
	n = a->n;
	switch (a->kind) {
	case TCC_ATTR_TENSOR:
		return a->u.t ? out_dims(inf, a->u.t->dtype, a->u.t->rank, a->u.t->dims) : 0;
	case TCC_ATTR_SPARSE_TENSOR:
		if (!a->u.sp || !a->u.sp->values)
			return 0;
		return out_dims(inf, a->u.sp->values->dtype, a->u.sp->rank, a->u.sp->dims);
	case TCC_ATTR_FLOAT:
		return out_dims(inf, TCC_DT_FLOAT, 0, NULL);
	case TCC_ATTR_INT:
		return out_dims(inf, TCC_DT_INT64, 0, NULL);
	case TCC_ATTR_STRING:
		return out_dims(inf, TCC_DT_STRING, 0, NULL);
	case TCC_ATTR_FLOATS:
		return out_dims(inf, TCC_DT_FLOAT, 1, &n);
	case TCC_ATTR_INTS:
		return out_dims(inf, TCC_DT_INT64, 1, &n);
	case TCC_ATTR_STRINGS:
		return out_dims(inf, TCC_DT_STRING, 1, &n);
	default:
		return tcc_infer_error(inf, "attribute '%s' has unexpected kind %s", a->name,
				       tcc_attr_kind_name(a->kind));
	}
}

tcc_stat tcc_infer_constant_of_shape(struct tcc_infer *inf)
{
	const struct tcc_attr *a = tcc_node_find_attr(inf->n, "value");
	const struct tcc_type *s = tcc_infer_in(inf, 0);
	int elem = a && a->kind == TCC_ATTR_TENSOR && a->u.t ? a->u.t->dtype : TCC_DT_FLOAT;
	int64_t *dims, count;
	tcc_bool c = tcc_infer_const_ints(inf, 0, &dims, &count);

	if (c < 0)
		return -1;
	if (c) {
		if (count > 1 << 20)
			return tcc_infer_error(inf, "shape has too many entries");
		return out_dims(inf, elem, (int32_t)count, dims);
	}
	if (s && s->rank == 1 && s->dims[0].value >= 0 && s->dims[0].value <= 1 << 20)
		return tcc_infer_out(inf, 0, elem, (int32_t)s->dims[0].value) ? 0 : -1;
	return tcc_infer_out(inf, 0, elem, -1) ? 0 : -1;
}

tcc_stat tcc_infer_range(struct tcc_infer *inf)
{
	double s, l, d, n;
	struct tcc_type *t = tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), 1);

	if (!t)
		return -1;
	if (!tcc_infer_const_scalar(inf, 0, &s) || !tcc_infer_const_scalar(inf, 1, &l) ||
	    !tcc_infer_const_scalar(inf, 2, &d))
		return 0;
	if (d == 0 || isnan(s) || isnan(l) || isnan(d))
		return tcc_infer_error(inf, "delta must be nonzero and inputs finite");
	n = ceil((l - s) / d);
	if (!(n <= (double)TCC_MAX_DIM))
		return tcc_infer_error(inf, "range has too many elements");
	t->dims[0] = tcc_dim_known(n > 0 ? (int64_t)n : 0);
	return 0;
}

/* Float scales from a constant input (or the "scales" attribute); 1 when found. */
static tcc_bool resize_scales(struct tcc_infer *inf, int input, const float **attr,
			      const struct tcc_tensor_data **t, int64_t *count)
{
	*attr = NULL;
	*t = NULL;
	if (input < 0) {
		*attr = tcc_node_attr_floats(inf->n, "scales", count);
		return *attr != NULL;
	}
	*t = tcc_infer_const(inf, input);
	if (!*t || !(*t)->numel || !(*t)->data || !tcc_dtype_is_float((*t)->dtype))
		return 0;
	*count = (*t)->numel;
	return 1;
}

static tcc_stat resize_apply(struct tcc_infer *inf, const struct tcc_type *x, const float *attr,
			     const struct tcc_tensor_data *sc, int64_t count)
{
	struct tcc_type *t = &inf->out[0];

	if (count != x->rank)
		return tcc_infer_error(inf, "scales has %lld entries for rank %d", (long long)count,
				       (int)x->rank);
	for (int32_t k = 0; k < x->rank; k++) {
		double f = attr ? attr[k] : tcc_tensor_get_f64(sc, k), v;

		if (!(f > 0) || f > (double)TCC_MAX_DIM)
			return tcc_infer_error(inf, "invalid scale %g", f);
		if (x->dims[k].value < 0) {
			if (f != 1)
				t->dims[k] = tcc_dim_unknown();
			continue;
		}
		v = floor((double)x->dims[k].value * f);
		if (v > (double)TCC_MAX_DIM)
			return tcc_infer_error(inf, "scaled dim %d is too large", (int)k);
		t->dims[k] = tcc_dim_known((int64_t)v);
	}
	return 0;
}

/* Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (scales attr, or
 * input 1 from opset 9). */
tcc_stat tcc_infer_resize(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int resize = tcc_node_is(inf->n, "Resize");
	int si = resize ? (inf->opset >= 11 ? 2 : 1) : (inf->opset >= 9 ? 1 : -1);
	const float *attr;
	const struct tcc_tensor_data *sc;
	int64_t *sizes, count, nax = -1;
	const int64_t *axes = tcc_node_attr_ints(inf->n, "axes", &nax);
	tcc_bool c = resize && inf->opset >= 11 ? tcc_infer_const_ints(inf, 3, &sizes, &count) : 0;

	if (c < 0 || tcc_infer_out_like(inf, 0, 0, 0) < 0)
		return -1;
	if (!x || x->rank < 0 || inf->nout < 1)
		return 0;
	if (c && count && !axes && strcmp(tcc_node_attr_string(inf->n, "keep_aspect_ratio_policy",
								"stretch"), "stretch") == 0) {
		if (count != x->rank)
			return tcc_infer_error(inf, "sizes has %lld entries for rank %d",
					       (long long)count, (int)x->rank);
		return out_dims(inf, x->elem, x->rank, sizes);
	}
	if (!c && !axes && resize_scales(inf, si, &attr, &sc, &count))
		return resize_apply(inf, x, attr, sc, count);
	for (int32_t k = 0; k < x->rank; k++)
		inf->out[0].dims[k] = tcc_dim_unknown();
	return 0;
}

tcc_stat tcc_infer_topk(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", -1), *kv, nk, k = -1;
	tcc_bool c = 0;

	if (inf->opset < 10)
		k = tcc_node_attr_int(inf->n, "k", -1);
	else if ((c = tcc_infer_const_ints(inf, 1, &kv, &nk)) < 0)
		return -1;
	if (c && nk != 1)
		return tcc_infer_error(inf, "K must have one element");
	if (c)
		k = kv[0];
	if (tcc_infer_out_like(inf, 0, 0, 0) < 0 || tcc_infer_out_like(inf, 1, 0, TCC_DT_INT64) < 0)
		return -1;
	if (!x || x->rank < 0)
		return 0;
	if (tcc_infer_axis(inf, axis, x->rank, &axis, "axis") < 0)
		return -1;
	if (k != -1 && (k < 0 || (x->dims[axis].value >= 0 && k > x->dims[axis].value)))
		return tcc_infer_error(inf, "K = %lld is out of range for dim %lld", (long long)k,
				       (long long)x->dims[axis].value);
	for (int o = 0; o < 2 && o < inf->nout; o++)
		inf->out[o].dims[axis] = k >= 0 ? tcc_dim_known(k) : tcc_dim_unknown();
	return 0;
}

tcc_stat tcc_infer_nonzero(struct tcc_infer *inf)
{
	int32_t r = tcc_infer_in_rank(inf, 0);
	struct tcc_type *t = tcc_infer_out(inf, 0, TCC_DT_INT64, 2);

	if (!t)
		return -1;
	if (r >= 0)
		t->dims[0] = tcc_dim_known(r);
	return 0;
}

tcc_stat tcc_infer_onehot(struct tcc_infer *inf)
{
	const struct tcc_type *ix = tcc_infer_in(inf, 0);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", -1);
	double depth;
	int known = tcc_infer_const_scalar(inf, 1, &depth);
	struct tcc_type *t;

	if (!ix || ix->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 2), -1) ? 0 : -1;
	if (tcc_infer_axis(inf, axis, ix->rank + 1, &axis, "axis") < 0)
		return -1;
	if (known && (!(depth >= 1) || depth > (double)TCC_MAX_DIM))
		return tcc_infer_error(inf, "invalid depth %g", depth);
	if (!(t = tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 2), ix->rank + 1)))
		return -1;
	for (int32_t k = 0; k <= ix->rank; k++) {
		if (k == axis)
			t->dims[k] = known ? tcc_dim_known((int64_t)depth) : tcc_dim_unknown();
		else
			t->dims[k] = ix->dims[k < axis ? k : k - 1];
	}
	return 0;
}

/* ---- Slice ---- */

/* Length of slice [s, e) step st over a dim of d elements, numpy clamping. */
static int64_t slice_len(int64_t d, int64_t s, int64_t e, int64_t st)
{
	if (s < 0)
		s = tcc_sat_add(s, d);
	if (e < 0)
		e = tcc_sat_add(e, d);
	if (st > 0) {
		s = s < 0 ? 0 : s > d ? d : s;
		e = e < 0 ? 0 : e > d ? d : e;
		return e > s ? (e - s - 1) / st + 1 : 0;
	}
	s = s < 0 ? -1 : s > d - 1 ? d - 1 : s;
	e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
	return s > e ? (s - e - 1) / (st == INT64_MIN ? INT64_MAX : -st) + 1 : 0;
}

/* The four lists, from attributes (opset < 10) or inputs; 0 when starts/ends aren't known. */
static tcc_bool slice_args(struct tcc_infer *inf, int64_t **v, int64_t *n)
{
	static const char *const names[] = { "starts", "ends", "axes", "steps" };

	for (int i = 0; i < 4; i++) {
		tcc_bool c;

		v[i] = NULL;
		n[i] = -1;
		if (inf->opset < 10) {
			v[i] = (int64_t *)tcc_node_attr_ints(inf->n, names[i], &n[i]);
			c = v[i] != NULL;
		} else if ((c = tcc_infer_const_ints(inf, i + 1, &v[i], &n[i])) < 0) {
			return -1;
		}
		if (!c && (i < 2 || tcc_node_input(inf->n, i + 1)))
			return 0;
		if (c && n[i] != n[0])
			return tcc_infer_error(inf, "%s has %lld entries, starts has %lld", names[i],
					       (long long)n[i], (long long)n[0]);
	}
	return 1;
}

tcc_stat tcc_infer_slice(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t *v[4], n[4];
	tcc_bool c;

	if (tcc_infer_out_like(inf, 0, 0, 0) < 0 || !x || x->rank < 0 || inf->nout < 1)
		return 0;
	if ((c = slice_args(inf, v, n)) < 0)
		return -1;
	if (!c) {
		for (int32_t k = 0; k < x->rank; k++)
			inf->out[0].dims[k] = tcc_dim_unknown();
		return 0;
	}
	if (v[2] && tcc_infer_axes(inf, v[2], n[2], x->rank) < 0)
		return -1;
	if (!v[2] && n[0] > x->rank)
		return tcc_infer_error(inf, "starts has %lld entries for rank %d", (long long)n[0],
				       (int)x->rank);
	for (int64_t i = 0; i < n[0]; i++) {
		int64_t axis = v[2] ? v[2][i] : i, st = v[3] ? v[3][i] : 1;
		struct tcc_dim *d = &inf->out[0].dims[axis];

		if (st == 0)
			return tcc_infer_error(inf, "step must not be 0");
		if (st == 1 && v[0][i] == 0 && v[1][i] >= TCC_MAX_DIM)
			continue; /* the whole dim, symbolic or not */
		*d = x->dims[axis].value < 0 ? tcc_dim_unknown()
			: tcc_dim_known(slice_len(x->dims[axis].value, v[0][i], v[1][i], st));
	}
	return 0;
}
