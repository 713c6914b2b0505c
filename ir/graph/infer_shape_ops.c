/* Inference for shape-manipulating ops: Reshape, Flatten, Transpose, Concat, Split, Squeeze,
 * Unsqueeze, Expand, Tile, Pad, Gather, GatherElements, DepthToSpace/SpaceToDepth. (Slice is in
 * infer_data_ops.c.) */
#include <string.h>

#include "ir/graph/infer_private.h"

/* ---- Reshape ---- */

/* Solve the -1 entry at "hole": numel(x) / product of the other output dims, cancelling
 * symbolic dims that appear on both sides. Leaves it unknown when that is not possible. */
static tcc_stat reshape_hole(struct tcc_infer *inf, const struct tcc_type *x, struct tcc_type *t,
			     int32_t hole, const int64_t *shape)
{
	int64_t pin = 1, pout = 1;
	int used[64] = { 0 };

	if (x->rank < 0 || x->rank > 64)
		return 0;
	for (int32_t k = 0; k < t->rank; k++) {
		int matched = 0;

		if (k == hole)
			continue;
		if (t->dims[k].value >= 0) {
			pout = tcc_sat_mul(pout, t->dims[k].value);
			continue;
		}
		for (int32_t j = 0; j < x->rank && !matched; j++) {
			int copied = shape[k] == 0 && j == k;

			if (!used[j] && x->dims[j].value < 0 &&
			    (copied || tcc_dim_same(x->dims[j], t->dims[k])))
				used[j] = matched = 1;
		}
		if (!matched)
			return 0;
	}
	for (int32_t j = 0; j < x->rank; j++) {
		if (used[j])
			continue;
		if (x->dims[j].value < 0)
			return 0;
		pin = tcc_sat_mul(pin, x->dims[j].value);
	}
	if (pout == 0 || pin % pout)
		return tcc_infer_error(inf, "cannot reshape %lld elements into a multiple of %lld",
				       (long long)pin, (long long)pout);
	t->dims[hole] = tcc_dim_known(pin / pout);
	return 0;
}

static tcc_stat reshape_dims(struct tcc_infer *inf, const struct tcc_type *x, struct tcc_type *t,
			     const int64_t *shape)
{
	int allowzero = tcc_node_attr_int(inf->n, "allowzero", 0) != 0;
	int32_t hole = -1;

	for (int32_t k = 0; k < t->rank; k++) {
		int64_t v = shape[k];

		if (v == 0 && !allowzero) {
			if (x->rank >= 0 && k >= x->rank)
				return tcc_infer_error(inf, "shape[%d] = 0 copies a dim the input lacks",
						       (int)k);
			if (x->rank >= 0)
				t->dims[k] = x->dims[k];
		} else if (v == -1) {
			if (hole >= 0)
				return tcc_infer_error(inf, "shape has more than one -1");
			hole = k;
		} else if (v < 0 || v > TCC_MAX_DIM) {
			return tcc_infer_error(inf, "invalid shape entry %lld", (long long)v);
		} else {
			t->dims[k] = tcc_dim_known(v);
		}
	}
	if (hole >= 0)
		return reshape_hole(inf, x, t, hole, shape);
	if (tcc_type_numel(x) >= 0 && tcc_type_numel(t) >= 0 &&
	    tcc_type_numel(x) != tcc_type_numel(t))
		return tcc_infer_error(inf, "cannot reshape %lld elements into %lld",
				       (long long)tcc_type_numel(x), (long long)tcc_type_numel(t));
	return 0;
}

tcc_stat tcc_infer_reshape(struct tcc_infer *inf)
{
	static const struct tcc_type none = { .kind = TCC_TYPE_TENSOR, .rank = -1 };
	const struct tcc_type *x = tcc_infer_in(inf, 0), *s = tcc_infer_in(inf, 1);
	int elem = tcc_infer_in_elem(inf, 0);
	int64_t *shape = NULL, count;
	tcc_bool c;
	struct tcc_type *t;

	if (inf->opset < 5 && tcc_node_find_attr(inf->n, "shape")) {
		shape = (int64_t *)tcc_node_attr_ints(inf->n, "shape", &count);
		c = shape != NULL;
	} else if ((c = tcc_infer_const_ints(inf, 1, &shape, &count)) < 0) {
		return -1;
	}
	if (!c) {
		int64_t r = s && s->rank == 1 ? s->dims[0].value : -1;

		return tcc_infer_out(inf, 0, elem, r > 1 << 20 ? -1 : (int32_t)r) ? 0 : -1;
	}
	if (count > 1 << 20)
		return tcc_infer_error(inf, "shape has too many entries (%lld)", (long long)count);
	if (!(t = tcc_infer_out(inf, 0, elem, (int32_t)count)))
		return -1;
	return reshape_dims(inf, x ? x : &none, t, shape);
}

/* ---- Flatten ---- */

/* Product of x's dims [lo, hi): known, the one symbolic dim alone, or unknown. */
static struct tcc_dim dim_product(const struct tcc_type *x, int32_t lo, int32_t hi)
{
	int64_t p = 1;

	if (hi - lo == 1)
		return x->dims[lo];
	for (int32_t k = lo; k < hi; k++) {
		if (x->dims[k].value < 0)
			return tcc_dim_unknown();
		p = tcc_sat_mul(p, x->dims[k].value);
	}
	return tcc_dim_known(p);
}

tcc_stat tcc_infer_flatten(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", 1);
	struct tcc_type *t;

	if (!(t = tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), 2)))
		return -1;
	if (!x || x->rank < 0)
		return 0;
	if (axis < -(int64_t)x->rank || axis > x->rank)
		return tcc_infer_error(inf, "axis %lld is out of range for rank %d", (long long)axis,
				       (int)x->rank);
	if (axis < 0)
		axis += x->rank;
	t->dims[0] = dim_product(x, 0, (int32_t)axis);
	t->dims[1] = dim_product(x, (int32_t)axis, x->rank);
	return 0;
}

/* ---- Transpose ---- */

tcc_stat tcc_infer_transpose(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t count;
	const int64_t *perm = tcc_node_attr_ints(inf->n, "perm", &count);
	struct tcc_type *t;

	if (!x || x->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), perm ? (int32_t)count : -1)
		       ? 0 : -1;
	if (perm && count != x->rank)
		return tcc_infer_error(inf, "perm has %lld entries for rank %d", (long long)count,
				       (int)x->rank);
	if (!(t = tcc_infer_out(inf, 0, x->elem, x->rank)))
		return -1;
	for (int32_t k = 0; k < x->rank; k++) {
		int64_t p = perm ? perm[k] : x->rank - 1 - k;

		if (p < 0 || p >= x->rank)
			return tcc_infer_error(inf, "perm entry %lld is out of range", (long long)p);
		for (int32_t j = 0; perm && j < k; j++)
			if (perm[j] == p)
				return tcc_infer_error(inf, "perm repeats axis %lld", (long long)p);
		t->dims[k] = x->dims[p];
	}
	return 0;
}

/* ---- Concat ---- */

static tcc_stat concat_one(struct tcc_infer *inf, struct tcc_type *t, int i, int64_t axis)
{
	const struct tcc_type *x = tcc_infer_in(inf, i);

	if (x->rank != t->rank)
		return tcc_infer_error(inf, "input '%s' has rank %d, expected %d",
				       tcc_infer_in_name(inf, i), (int)x->rank, (int)t->rank);
	for (int32_t k = 0; k < t->rank; k++) {
		struct tcc_dim *o = &t->dims[k], d = x->dims[k];

		if (k == axis) {
			*o = o->value >= 0 && d.value >= 0 ? tcc_dim_known(o->value + d.value)
							   : tcc_dim_unknown();
		} else if (o->value >= 0 && d.value >= 0 && o->value != d.value) {
			return tcc_infer_error(inf, "input '%s' dim %d is %lld, expected %lld",
					       tcc_infer_in_name(inf, i), (int)k, (long long)d.value,
					       (long long)o->value);
		} else if (o->value < 0 && !tcc_dim_same(*o, d) && (d.value >= 0 || !o->param)) {
			*o = d;
		}
	}
	return 0;
}

tcc_stat tcc_infer_concat(struct tcc_infer *inf)
{
	int first = -1, elem = 0;
	int64_t axis = tcc_node_attr_int(inf->n, "axis", inf->opset < 4 ? 1 : INT64_MIN);
	struct tcc_type *t;

	if (axis == INT64_MIN)
		return tcc_infer_error(inf, "missing attribute 'axis'");
	for (int i = 0; i < inf->n->ninputs; i++) {
		if (!elem)
			elem = tcc_infer_in_elem(inf, i);
		if (!tcc_infer_in(inf, i) || tcc_infer_in_rank(inf, i) < 0)
			return tcc_infer_out(inf, 0, elem, -1) ? 0 : -1;
		if (first < 0)
			first = i;
	}
	if (first < 0)
		return tcc_infer_error(inf, "no inputs");
	if (tcc_infer_in_rank(inf, first) == 0)
		return tcc_infer_error(inf, "inputs must not be scalars");
	if (tcc_infer_axis(inf, axis, tcc_infer_in_rank(inf, first), &axis, "axis") < 0 ||
	    tcc_infer_out_like(inf, 0, first, elem) < 0)
		return -1;
	t = &inf->out[0];
	if (inf->nout < 1)
		return 0;
	for (int i = first + 1; i < inf->n->ninputs; i++)
		if (concat_one(inf, t, i, axis) < 0)
			return -1;
	return 0;
}

/* ---- Split ---- */

static tcc_stat split_sizes(struct tcc_infer *inf, struct tcc_dim d, int64_t *sizes)
{
	int64_t *split = NULL, count = -1, sum = 0, n = inf->nout;
	tcc_bool c = tcc_infer_const_ints(inf, 1, &split, &count);

	if (c < 0)
		return -1;
	if (!c && tcc_node_find_attr(inf->n, "split"))
		split = (int64_t *)tcc_node_attr_ints(inf->n, "split", &count);
	if (!split && tcc_node_input(inf->n, 1))
		return 1; /* sizes not constant */
	if (split) {
		if (count != n)
			return tcc_infer_error(inf, "split has %lld entries for %lld outputs",
					       (long long)count, (long long)n);
		for (int64_t i = 0; i < n; i++) {
			if (split[i] < 0 || split[i] > TCC_MAX_DIM)
				return tcc_infer_error(inf, "invalid split size %lld", (long long)split[i]);
			sizes[i] = split[i];
			sum += split[i];
		}
		if (d.value >= 0 && sum != d.value)
			return tcc_infer_error(inf, "split sizes add up to %lld, dim is %lld",
					       (long long)sum, (long long)d.value);
		return 0;
	}
	if (d.value < 0)
		return 1;
	n = tcc_node_attr_int(inf->n, "num_outputs", n);
	if (n != inf->nout || n < 1)
		return tcc_infer_error(inf, "num_outputs %lld differs from %d outputs", (long long)n,
				       inf->nout);
	for (int64_t i = 0; i < n; i++) {
		int64_t each = inf->opset >= 18 ? (d.value + n - 1) / n : d.value / n;

		sizes[i] = i < n - 1 ? each : d.value - each * (n - 1);
	}
	if (sizes[n - 1] < 0 || (inf->opset < 18 && d.value % n))
		return tcc_infer_error(inf, "dim %lld cannot be split into %lld parts",
				       (long long)d.value, (long long)n);
	return 0;
}

tcc_stat tcc_infer_split(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", 0), *sizes;
	int r;

	if (!x || x->rank < 0 || inf->nout < 1) {
		for (int o = 0; o < inf->nout; o++)
			if (!tcc_infer_out(inf, o, tcc_infer_in_elem(inf, 0), -1))
				return -1;
		return 0;
	}
	if (tcc_infer_axis(inf, axis, x->rank, &axis, "axis") < 0)
		return -1;
	sizes = tcc_arena_calloc(inf->ctx->arena, (size_t)inf->nout, sizeof(*sizes));
	if (!sizes)
		return tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
	if ((r = split_sizes(inf, x->dims[axis], sizes)) < 0)
		return -1;
	for (int o = 0; o < inf->nout; o++) {
		if (tcc_infer_out_like(inf, o, 0, 0) < 0)
			return -1;
		inf->out[o].dims[axis] = r ? tcc_dim_unknown() : tcc_dim_known(sizes[o]);
	}
	return 0;
}

/* ---- Squeeze / Unsqueeze ---- */

/* Axes from input 1 or the "axes" attribute: 1 when given, 0 when not, -1 on error. */
static tcc_bool get_axes(struct tcc_infer *inf, int input, int64_t **axes, int64_t *count)
{
	tcc_bool c = tcc_infer_const_ints(inf, input, axes, count);
	const int64_t *a;

	if (c)
		return c;
	if (tcc_node_input(inf->n, input))
		return -2; /* given but not constant */
	if (!(a = tcc_node_attr_ints(inf->n, "axes", count)))
		return 0;
	*axes = tcc_arena_memdup(inf->ctx->arena, a, (size_t)(*count ? *count : 1) * sizeof(*a));
	return *axes ? 1 : tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
}

tcc_stat tcc_infer_squeeze(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t *axes = NULL, count = 0, rank = 0;
	tcc_bool c = get_axes(inf, 1, &axes, &count);
	struct tcc_type *t;

	if (c == -1)
		return -1;
	if (!x || x->rank < 0 || c == -2)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (c && tcc_infer_axes(inf, axes, count, x->rank) < 0)
		return -1;
	if (!(t = tcc_infer_out(inf, 0, x->elem, x->rank)))
		return -1;
	for (int32_t k = 0; k < x->rank; k++) {
		int drop = 0;

		for (int64_t j = 0; c && j < count; j++)
			drop |= axes[j] == k;
		if (drop && x->dims[k].value >= 0 && x->dims[k].value != 1)
			return tcc_infer_error(inf, "cannot squeeze dim %d of size %lld", (int)k,
					       (long long)x->dims[k].value);
		if (!c && x->dims[k].value < 0)
			return tcc_infer_out(inf, 0, x->elem, -1) ? 0 : -1;
		if (!c)
			drop = x->dims[k].value == 1;
		if (!drop)
			t->dims[rank++] = x->dims[k];
	}
	t->rank = (int32_t)rank;
	return 0;
}

tcc_stat tcc_infer_unsqueeze(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t *axes = NULL, count = 0, rank;
	tcc_bool c = get_axes(inf, 1, &axes, &count);
	struct tcc_type *t;

	if (c == -1)
		return -1;
	if (c == 0)
		return tcc_infer_error(inf, "missing axes");
	if (!x || x->rank < 0 || c == -2)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (count > TCC_MAX_DIM - x->rank || count > 1 << 20)
		return tcc_infer_error(inf, "too many axes");
	rank = x->rank + count;
	if (tcc_infer_axes(inf, axes, count, (int32_t)rank) < 0 ||
	    !(t = tcc_infer_out(inf, 0, x->elem, (int32_t)rank)))
		return -1;
	for (int32_t k = 0, src = 0; k < rank; k++) {
		int ins = 0;

		for (int64_t j = 0; j < count; j++)
			ins |= axes[j] == k;
		t->dims[k] = ins ? tcc_dim_known(1) : x->dims[src++];
	}
	return 0;
}

/* ---- Expand, Tile, Pad ---- */

tcc_stat tcc_infer_expand(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0), *s = tcc_infer_in(inf, 1);
	int64_t *shape, count;
	tcc_bool c = tcc_infer_const_ints(inf, 1, &shape, &count);
	int32_t rank;
	struct tcc_type *t;

	if (c < 0)
		return -1;
	if (!c && s && s->rank == 1 && s->dims[0].value >= 0 && s->dims[0].value <= 1 << 20) {
		count = s->dims[0].value;
		shape = NULL;
	} else if (!c || !x || x->rank < 0 || count > 1 << 20) {
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	}
	if (!x || x->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	rank = x->rank > count ? x->rank : (int32_t)count;
	if (!(t = tcc_infer_out(inf, 0, x->elem, rank)))
		return -1;
	for (int32_t k = 0; k < rank; k++) {
		int32_t ks = k - (rank - (int32_t)count), kx = k - (rank - x->rank);
		struct tcc_dim d = tcc_dim_known(1);

		if (ks >= 0 && shape && (shape[ks] < 0 || shape[ks] > TCC_MAX_DIM))
			return tcc_infer_error(inf, "invalid shape entry %lld", (long long)shape[ks]);
		if (ks >= 0)
			d = shape ? tcc_dim_known(shape[ks]) : tcc_dim_unknown();
		t->dims[k] = d;
		if (kx >= 0 && !shape && x->dims[kx].value > 1)
			t->dims[k] = x->dims[kx];
		else if (kx >= 0 && shape &&
			 tcc_infer_bcast_dim(inf, &t->dims[k], x->dims[kx], k, 1, 0) < 0)
			return -1;
	}
	return 0;
}

tcc_stat tcc_infer_tile(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t *rep, count;
	tcc_bool c = tcc_infer_const_ints(inf, 1, &rep, &count);
	struct tcc_type *t;

	if (c < 0 || tcc_infer_out_like(inf, 0, 0, 0) < 0)
		return -1;
	if (!x || x->rank < 0)
		return 0;
	if (!c) { /* repeats known only at run time: the rank alone */
		for (int32_t k = 0; inf->nout && k < x->rank; k++)
			if (x->dims[k].value != 0)
				inf->out[0].dims[k] = tcc_dim_unknown();
		return 0;
	}
	if (count != x->rank)
		return tcc_infer_error(inf, "repeats has %lld entries for rank %d", (long long)count,
				       (int)x->rank);
	t = &inf->out[0];
	for (int32_t k = 0; inf->nout && k < x->rank; k++) {
		if (rep[k] < 0)
			return tcc_infer_error(inf, "negative repeat %lld", (long long)rep[k]);
		if (rep[k] != 1)
			t->dims[k] = x->dims[k].value < 0 ? tcc_dim_unknown() :
				     tcc_dim_known(tcc_sat_mul(x->dims[k].value, rep[k]));
	}
	return 0;
}

tcc_stat tcc_infer_pad(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t *pads, count, *axes = NULL, naxes;
	tcc_bool c;

	if (tcc_infer_out_like(inf, 0, 0, 0) < 0)
		return -1;
	if (!x || x->rank < 0 || inf->nout < 1)
		return 0;
	if (inf->opset < 11 || !tcc_node_input(inf->n, 1)) {
		pads = (int64_t *)tcc_node_attr_ints(inf->n, "pads", &count);
		c = pads != NULL;
	} else if ((c = tcc_infer_const_ints(inf, 1, &pads, &count)) < 0) {
		return -1;
	}
	naxes = x->rank;
	if (tcc_node_input(inf->n, 3) && tcc_infer_const_ints(inf, 3, &axes, &naxes) != 1)
		c = 0;
	if (axes && tcc_infer_axes(inf, axes, naxes, x->rank) < 0)
		return -1;
	for (int64_t j = 0; j < naxes; j++) {
		int64_t k = axes ? axes[j] : j, d;

		if (!c) {
			inf->out[0].dims[k] = tcc_dim_unknown();
			continue;
		}
		if (count != 2 * naxes)
			return tcc_infer_error(inf, "pads has %lld entries, expected %lld",
					       (long long)count, (long long)(2 * naxes));
		if (x->dims[k].value < 0 || (pads[j] == 0 && pads[j + naxes] == 0))
			continue;
		d = tcc_sat_add(x->dims[k].value, tcc_sat_add(pads[j], pads[j + naxes]));
		if (d < 0)
			return tcc_infer_error(inf, "padding makes dim %d negative (%lld)", (int)k,
					       (long long)d);
		inf->out[0].dims[k] = tcc_dim_known(d);
	}
	return 0;
}

/* ---- Gather, GatherElements ---- */

tcc_stat tcc_infer_gather(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0), *ix = tcc_infer_in(inf, 1);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", 0);
	struct tcc_type *t;

	if (!x || x->rank < 0 || !ix || ix->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (x->rank == 0)
		return tcc_infer_error(inf, "data must not be a scalar");
	if (tcc_infer_axis(inf, axis, x->rank, &axis, "axis") < 0)
		return -1;
	if (!(t = tcc_infer_out(inf, 0, x->elem, x->rank - 1 + ix->rank)))
		return -1;
	for (int32_t k = 0; k < t->rank; k++) {
		if (k < axis)
			t->dims[k] = x->dims[k];
		else if (k < axis + ix->rank)
			t->dims[k] = ix->dims[k - axis];
		else
			t->dims[k] = x->dims[k - ix->rank + 1];
	}
	return 0;
}

tcc_stat tcc_infer_gather_elements(struct tcc_infer *inf)
{
	int32_t rx = tcc_infer_in_rank(inf, 0), ri = tcc_infer_in_rank(inf, 1);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", 0);

	if (rx >= 0 && ri >= 0 && rx != ri)
		return tcc_infer_error(inf, "data rank %d differs from indices rank %d", (int)rx,
				       (int)ri);
	if (rx >= 0 && tcc_infer_axis(inf, axis, rx, &axis, "axis") < 0)
		return -1;
	if (!tcc_infer_in(inf, 1))
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), rx) ? 0 : -1;
	return tcc_infer_out_like(inf, 0, 1, tcc_infer_in_elem(inf, 0));
}

/* DepthToSpace [N, C/b^2, H*b, W*b], SpaceToDepth [N, C*b^2, H/b, W/b]. */
tcc_stat tcc_infer_depth_space(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t b = tcc_node_attr_int(inf->n, "blocksize", 0), b2;
	int d2s = tcc_node_is(inf->n, "DepthToSpace");
	struct tcc_dim *d;

	if (b < 1 || b > (1 << 20))
		return tcc_infer_error(inf, "blocksize must be >= 1");
	if (x && x->rank >= 0 && x->rank != 4)
		return tcc_infer_error(inf, "input must be 4-D, got rank %d", (int)x->rank);
	if (tcc_infer_out_like(inf, 0, 0, 0) < 0 || !x || x->rank < 0 || inf->nout < 1)
		return 0;
	d = inf->out[0].dims;
	b2 = b * b;
	for (int k = 1; k < 4; k++) {
		int64_t f = k == 1 ? b2 : b, v = d[k].value;

		if (v < 0)
			continue;
		if (d2s == (k == 1) && v % f)
			return tcc_infer_error(inf, "dim %d (%lld) is not a multiple of %lld", k,
					       (long long)v, (long long)f);
		d[k] = tcc_dim_known(d2s == (k == 1) ? v / f : tcc_sat_mul(v, f));
	}
	return 0;
}
