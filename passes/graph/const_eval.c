/* Evaluator of ONNX ops on constant tensors: dispatch, Constant, Shape/Size, Cast,
 * ConstantOfShape, Range and the element-wise ops with multidirectional broadcasting.
 * Shape and data-movement ops live in const_eval_shape.c, reductions in
 * const_eval_reduce.c. */
#include <math.h>
#include <string.h>

#include "passes/graph/const_eval.h"

#define MAX_RANK TCC_CEVAL_MAX_RANK

/* How an element is computed: in double (floats), int64 (signed), uint64 (unsigned,
 * stored in the int64 bits) or as 0/1 (bool). NK_NONE: not computable. */
enum num_kind { NK_NONE, NK_FLOAT, NK_SINT, NK_UINT, NK_BOOL };

union num {
	double f;
	int64_t i;
};

static enum num_kind num_kind(int dtype)
{
	switch (dtype) {
	case TCC_DT_FLOAT: case TCC_DT_DOUBLE: case TCC_DT_FLOAT16: case TCC_DT_BFLOAT16:
		return NK_FLOAT;
	case TCC_DT_BOOL:
		return NK_BOOL;
	default:
		if (tcc_dtype_is_signed(dtype))
			return NK_SINT;
		if (tcc_dtype_is_int(dtype))
			return NK_UINT;
		return NK_NONE;
	}
}

static union num load(const struct tcc_tensor_data *t, int64_t i, enum num_kind k)
{
	union num v;

	if (k == NK_FLOAT)
		v.f = tcc_tensor_get_f64(t, i);
	else
		v.i = tcc_tensor_get_i64(t, i);
	return v;
}

/* Value as double, whatever its kind. */
static double as_f64(union num v, enum num_kind k)
{
	if (k == NK_FLOAT)
		return v.f;
	if (k == NK_UINT)
		return (double)(uint64_t)v.i;
	return (double)v.i;
}

/* ---- helpers shared with the other evaluator files ---- */

struct tcc_tensor_data *tcc_ceval_new(struct tcc_ceval *e, int dtype, int32_t rank,
				 const int64_t *dims, int *err)
{
	int64_t numel = tcc_shape_numel(rank, dims);
	struct tcc_tensor_data *t;

	if (numel < 0 || (e->max_elements >= 0 && numel > e->max_elements))
		return NULL;
	t = tcc_tensor_new(e->ctx, tcc_node_loc(e->n), dtype, rank, dims);
	if (!t)
		*err = 1;
	return t;
}

static unsigned get_bits(const struct tcc_tensor_data *t, int64_t i, int bits)
{
	int per = 8 / bits;

	return (((const uint8_t *)t->data)[i / per] >> ((i % per) * bits)) & ((1u << bits) - 1);
}

void tcc_ceval_copy_elem(struct tcc_tensor_data *dst, int64_t di, const struct tcc_tensor_data *src,
			 int64_t si)
{
	int bits = tcc_dtype_bits(src->dtype);

	if (src->dtype == TCC_DT_STRING) {
		dst->strings[di] = src->strings[si];
	} else if (bits >= 8) {
		size_t sz = (size_t)bits / 8;
		memcpy((char *)dst->data + (size_t)di * sz, (const char *)src->data + (size_t)si * sz,
		       sz);
	} else if (bits > 0) {
		int per = 8 / bits, shift = (int)(di % per) * bits;
		uint8_t *byte = (uint8_t *)dst->data + di / per;
		unsigned mask = ((1u << bits) - 1) << shift;
		*byte = (uint8_t)((*byte & ~mask) | ((get_bits(src, si, bits) << shift) & mask));
	}
}

int64_t *tcc_ceval_ints(struct tcc_ceval *e, const struct tcc_tensor_data *t, int64_t *count)
{
	int64_t *v;

	if (!t || !tcc_dtype_is_int(t->dtype) || t->rank > 1)
		return NULL;
	v = tcc_arena_calloc(e->ctx->arena, (size_t)t->numel + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (int64_t i = 0; i < t->numel; i++)
		v[i] = tcc_tensor_get_i64(t, i);
	*count = t->numel;
	return v;
}

int tcc_ceval_list(struct tcc_ceval *e, const char *attr, int input, int64_t input_since,
		   const int64_t **list, int64_t *count)
{
	*list = NULL;
	*count = -1;
	if (e->opset < input_since) {
		*list = tcc_node_attr_ints(e->n, attr, count);
		return 1;
	}
	if (input >= e->n->ninputs || !e->n->inputs[input])
		return 1;
	*list = tcc_ceval_ints(e, e->ins[input], count);
	return *list != NULL;
}

/* ---- Constant, Identity, Shape, Size ---- */

static tcc_bool eval_constant(struct tcc_ceval *e)
{
	const struct tcc_node *n = e->n;
	struct tcc_attr *a = n->nattrs == 1 ? &n->attrs[0] : NULL;
	int64_t one = 1;
	int err = 0;
	struct tcc_tensor_data *t = NULL;

	if (!a || a->ref_attr_name)
		return 0;
	if (a->kind == TCC_ATTR_TENSOR && strcmp(a->name, "value") == 0) {
		t = tcc_tensor_copy(e->ctx, a->u.t);
		err = !t;
	} else if (a->kind == TCC_ATTR_FLOAT || a->kind == TCC_ATTR_INT ||
		   a->kind == TCC_ATTR_STRING) {
		int dt = a->kind == TCC_ATTR_FLOAT ? TCC_DT_FLOAT
			 : a->kind == TCC_ATTR_INT ? TCC_DT_INT64 : TCC_DT_STRING;
		t = tcc_tensor_new(e->ctx, tcc_node_loc(n), dt, 0, NULL);
		err = !t;
		if (t && a->kind == TCC_ATTR_FLOAT)
			tcc_tensor_set_f64(t, 0, a->u.f);
		if (t && a->kind == TCC_ATTR_INT)
			tcc_tensor_set_i64(t, 0, a->u.i);
		if (t && a->kind == TCC_ATTR_STRING)
			t->strings[0] = a->u.s;
	} else if (a->kind == TCC_ATTR_FLOATS || a->kind == TCC_ATTR_INTS ||
		   a->kind == TCC_ATTR_STRINGS) {
		int dt = a->kind == TCC_ATTR_FLOATS ? TCC_DT_FLOAT
			 : a->kind == TCC_ATTR_INTS ? TCC_DT_INT64 : TCC_DT_STRING;
		one = a->n;
		t = tcc_tensor_new(e->ctx, tcc_node_loc(n), dt, 1, &one);
		err = !t;
		for (int64_t i = 0; t && i < a->n; i++) {
			if (dt == TCC_DT_FLOAT)
				tcc_tensor_set_f64(t, i, a->u.floats[i]);
			else if (dt == TCC_DT_INT64)
				tcc_tensor_set_i64(t, i, a->u.ints[i]);
			else
				t->strings[i] = a->u.strings[i];
		}
	}
	if (err)
		return -1;
	e->outs[0] = t;
	return t != NULL;
}

static tcc_bool eval_identity(struct tcc_ceval *e)
{
	e->outs[0] = tcc_tensor_copy(e->ctx, e->ins[0]);
	return e->outs[0] ? 1 : -1;
}

/* The input's dims, from the constant or else from the static type. */
static int input_dims(struct tcc_ceval *e, int64_t *dims, int32_t *rank)
{
	const struct tcc_tensor_data *t = e->ins[0];
	const struct tcc_type *ty = &e->n->inputs[0]->type;

	if (t) {
		if (t->rank > MAX_RANK)
			return 0;
		*rank = t->rank;
		memcpy(dims, t->dims, (size_t)t->rank * sizeof(*dims));
		return 1;
	}
	if (!tcc_type_is_static(ty) || ty->rank > MAX_RANK)
		return 0;
	*rank = ty->rank;
	for (int32_t i = 0; i < ty->rank; i++)
		dims[i] = ty->dims[i].value;
	return 1;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static tcc_bool eval_shape(struct tcc_ceval *e, int size)
{
	int64_t dims[MAX_RANK], start = 0, end, len, numel = 1;
	int32_t rank;
	int err = 0;
	struct tcc_tensor_data *t;

	if (!input_dims(e, dims, &rank))
		return 0;
	if (size) {
		for (int32_t i = 0; i < rank; i++)
			numel *= dims[i];
		t = tcc_ceval_new(e, TCC_DT_INT64, 0, NULL, &err);
		if (t)
			tcc_tensor_set_i64(t, 0, numel);
	} else {
		start = tcc_node_attr_int(e->n, "start", 0);
		end = tcc_node_attr_int(e->n, "end", rank);
		start = clamp64(start < 0 ? start + rank : start, 0, rank);
		end = clamp64(end < 0 ? end + rank : end, 0, rank);
		len = end > start ? end - start : 0;
		t = tcc_ceval_new(e, TCC_DT_INT64, 1, &len, &err);
		for (int64_t i = 0; t && i < len; i++)
			tcc_tensor_set_i64(t, i, dims[start + i]);
	}
	e->outs[0] = t;
	return err ? -1 : t != NULL;
}

/* ---- Cast, CastLike, ConstantOfShape, Range ---- */

static int castable(int dtype)
{
	return dtype == TCC_DT_STRING ? 0 : num_kind(dtype) != NK_NONE;
}

static tcc_bool eval_cast(struct tcc_ceval *e, int to)
{
	const struct tcc_tensor_data *x = e->ins[0];
	enum num_kind k = num_kind(x->dtype);
	int err = 0;
	struct tcc_tensor_data *t;

	if (k == NK_NONE && tcc_dtype_is_float(x->dtype))
		k = NK_FLOAT; /* float8/float4 are decoded exactly; they are never produced */
	if (k == NK_NONE || !castable(to))
		return 0;
	t = tcc_ceval_new(e, to, x->rank, x->dims, &err);
	for (int64_t i = 0; t && i < x->numel; i++) {
		union num v = load(x, i, k);
		if (k == NK_FLOAT)
			tcc_tensor_set_f64(t, i, v.f); /* truncation, saturated; NaN → 0 */
		else if (k == NK_UINT && num_kind(to) == NK_FLOAT)
			tcc_tensor_set_f64(t, i, (double)(uint64_t)v.i);
		else if (to == TCC_DT_FLOAT)
			((float *)t->data)[i] = (float)v.i; /* one rounding, not via double */
		else
			tcc_tensor_set_i64(t, i, v.i);
	}
	e->outs[0] = t;
	return err ? -1 : t != NULL;
}

static tcc_bool eval_constant_of_shape(struct tcc_ceval *e)
{
	struct tcc_attr *a = tcc_node_find_attr(e->n, "value");
	const struct tcc_tensor_data *v = a && a->kind == TCC_ATTR_TENSOR ? a->u.t : NULL;
	int64_t count, *dims = tcc_ceval_ints(e, e->ins[0], &count);
	int dtype = v ? v->dtype : TCC_DT_FLOAT;
	struct tcc_tensor_data *t;
	int zero = 1;

	if (!dims || count > MAX_RANK || (a && (!v || v->numel != 1)))
		return 0;
	t = tcc_tensor_new(e->ctx, tcc_node_loc(e->n), dtype, (int32_t)count, dims);
	if (!t)
		return -1;
	for (size_t i = 0; v && i < v->nbytes; i++)
		zero &= ((const uint8_t *)v->data)[i] == 0;
	if (v && v->strings) {
		for (int64_t i = 0; i < t->numel; i++)
			t->strings[i] = v->strings[0];
	} else if (v && !zero && tcc_dtype_bits(dtype) >= 8 && t->numel) {
		/* Large weights come this way: fill by doubling copies. */
		size_t sz = (size_t)tcc_dtype_bits(dtype) / 8, done = sz;
		memcpy(t->data, v->data, sz);
		for (; done < t->nbytes; done *= 2)
			memcpy((char *)t->data + done, t->data,
			       done < t->nbytes - done ? done : t->nbytes - done);
	} else if (v && !zero) {
		for (int64_t i = 0; i < t->numel; i++)
			tcc_ceval_copy_elem(t, i, v, 0);
	}
	e->outs[0] = t;
	return 1;
}

static tcc_bool eval_range(struct tcc_ceval *e)
{
	const struct tcc_tensor_data *s = e->ins[0], *l = e->ins[1], *d = e->ins[2];
	enum num_kind k = num_kind(s->dtype);
	double n;
	int64_t count;
	int err = 0;
	struct tcc_tensor_data *t;

	if (s->numel != 1 || l->numel != 1 || d->numel != 1 || k == NK_NONE || k == NK_BOOL)
		return 0;
	if (k == NK_FLOAT) {
		double fs = tcc_tensor_get_f64(s, 0), fd = tcc_tensor_get_f64(d, 0);
		n = ceil((tcc_tensor_get_f64(l, 0) - fs) / fd);
	} else {
		int64_t is = tcc_tensor_get_i64(s, 0), id = tcc_tensor_get_i64(d, 0);
		if (id == 0)
			return 0;
		n = ceil(((double)tcc_tensor_get_i64(l, 0) - (double)is) / (double)id);
	}
	if (isnan(n) || n > (double)TCC_MAX_NUMEL)
		return 0;
	count = n > 0 ? (int64_t)n : 0;
	t = tcc_ceval_new(e, s->dtype, 1, &count, &err);
	for (int64_t i = 0; t && i < count; i++) {
		if (k == NK_FLOAT)
			tcc_tensor_set_f64(t, i, tcc_tensor_get_f64(s, 0) +
						 (double)i * tcc_tensor_get_f64(d, 0));
		else
			tcc_tensor_set_i64(t, i, (int64_t)((uint64_t)tcc_tensor_get_i64(s, 0) +
							   (uint64_t)i * (uint64_t)tcc_tensor_get_i64(d, 0)));
	}
	e->outs[0] = t;
	return err ? -1 : t != NULL;
}

/* ---- element-wise ops ---- */

/* Multidirectional broadcast of "nin" tensors: output "dims" and per-input strides (0
 * along broadcast dims). */
struct bcast {
	int32_t rank;
	int nin;
	int64_t dims[MAX_RANK];
	int64_t strides[4][MAX_RANK];
};

static int bcast_init(struct bcast *b, int nin, struct tcc_tensor_data *const *ts)
{
	memset(b, 0, sizeof(*b));
	b->nin = nin;
	for (int k = 0; k < nin; k++)
		if (ts[k]->rank > b->rank)
			b->rank = ts[k]->rank;
	if (b->rank > MAX_RANK)
		return 0;
	for (int32_t d = 0; d < b->rank; d++)
		b->dims[d] = 1;
	for (int k = 0; k < nin; k++) {
		int32_t off = b->rank - ts[k]->rank;
		int64_t stride = 1;
		for (int32_t d = ts[k]->rank - 1; d >= 0; d--) {
			int64_t dim = ts[k]->dims[d], *od = &b->dims[off + d];
			if (dim != 1 && *od != 1 && dim != *od)
				return 0;
			if (dim != 1)
				*od = dim;
			b->strides[k][off + d] = dim == 1 ? 0 : stride;
			stride *= dim;
		}
	}
	return 1;
}

/* Advance the multi-index "idx" by one output element, updating input offsets "off". */
static void bcast_next(const struct bcast *b, int64_t *idx, int64_t *off)
{
	for (int32_t d = b->rank - 1; d >= 0; d--) {
		for (int k = 0; k < b->nin; k++)
			off[k] += b->strides[k][d];
		if (++idx[d] < b->dims[d])
			return;
		for (int k = 0; k < b->nin; k++)
			off[k] -= b->strides[k][d] * b->dims[d];
		idx[d] = 0;
	}
}

/* An element-wise op: "fn" computes one element of kind "k" from "args" (all converted
 * to kind "k"); returns 0 to refuse folding (integer division by zero). */
typedef int (*elem_fn)(int op, enum num_kind k, const union num *args, int nargs,
		       union num *r);

enum {
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_MIN, OP_MAX, OP_SUM, OP_MEAN,
	OP_NEG, OP_ABS, OP_RELU, OP_SIGN,
	OP_SQRT, OP_EXP, OP_LOG, OP_RECIP, OP_FLOOR, OP_CEIL, OP_ROUND, OP_SIGMOID, OP_TANH,
	OP_ERF, OP_SIN, OP_COS,
	OP_EQ, OP_LT, OP_GT, OP_LE, OP_GE,
	OP_NOT, OP_AND, OP_OR, OP_XOR,
};

static int fn_float(int op, enum num_kind k, const union num *a, int nargs, union num *r)
{
	double x = a[0].f, y = nargs > 1 ? a[1].f : 0;

	switch (op) {
	case OP_ADD: case OP_SUM: case OP_MEAN:
		x = 0;
		for (int i = 0; i < nargs; i++)
			x += a[i].f;
		r->f = op == OP_MEAN ? x / nargs : x;
		return 1;
	case OP_SUB: r->f = x - y; return 1;
	case OP_MUL: r->f = x * y; return 1;
	case OP_DIV: r->f = x / y; return 1;
	case OP_POW: r->f = pow(x, y); return 1;
	case OP_MIN: case OP_MAX:
		for (int i = 1; i < nargs; i++) {
			double v = a[i].f;
			if (isnan(v) || isnan(x))
				x = NAN;
			else if (op == OP_MIN ? v < x : v > x)
				x = v;
		}
		r->f = x;
		return 1;
	case OP_NEG: r->f = -x; return 1;
	case OP_ABS: r->f = fabs(x); return 1;
	case OP_RELU: r->f = x < 0 ? 0.0 : x; return 1;
	case OP_SIGN: r->f = x > 0 ? 1.0 : x < 0 ? -1.0 : x; return 1;
	case OP_SQRT: r->f = sqrt(x); return 1;
	case OP_EXP: r->f = exp(x); return 1;
	case OP_LOG: r->f = log(x); return 1;
	case OP_RECIP: r->f = 1.0 / x; return 1;
	case OP_FLOOR: r->f = floor(x); return 1;
	case OP_CEIL: r->f = ceil(x); return 1;
	case OP_ROUND: r->f = nearbyint(x); return 1;
	case OP_SIGMOID: r->f = 1.0 / (1.0 + exp(-x)); return 1;
	case OP_TANH: r->f = tanh(x); return 1;
	case OP_ERF: r->f = erf(x); return 1;
	case OP_SIN: r->f = sin(x); return 1;
	case OP_COS: r->f = cos(x); return 1;
	default: return 0;
	}
}

static int fn_int(int op, enum num_kind k, const union num *a, int nargs, union num *r)
{
	uint64_t x = (uint64_t)a[0].i, y = nargs > 1 ? (uint64_t)a[1].i : 0;
	int sgn = k == NK_SINT;

	switch (op) {
	case OP_ADD: case OP_SUM: case OP_MEAN:
		x = 0;
		for (int i = 0; i < nargs; i++)
			x += (uint64_t)a[i].i;
		if (op == OP_MEAN)
			x = sgn ? (uint64_t)((int64_t)x / nargs) : x / (uint64_t)nargs;
		r->i = (int64_t)x;
		return 1;
	case OP_SUB: r->i = (int64_t)(x - y); return 1;
	case OP_MUL: r->i = (int64_t)(x * y); return 1;
	case OP_DIV:
		if (y == 0 || (sgn && a[0].i == INT64_MIN && a[1].i == -1))
			return 0;
		r->i = sgn ? a[0].i / a[1].i : (int64_t)(x / y); /* truncates toward zero */
		return 1;
	case OP_MIN: case OP_MAX:
		r->i = a[0].i;
		for (int i = 1; i < nargs; i++) {
			int less = sgn ? a[i].i < r->i : (uint64_t)a[i].i < (uint64_t)r->i;
			if (op == OP_MIN ? less : (!less && a[i].i != r->i))
				r->i = a[i].i;
		}
		return 1;
	case OP_NEG: r->i = (int64_t)(0 - x); return 1;
	case OP_ABS: r->i = sgn && a[0].i < 0 ? (int64_t)(0 - x) : a[0].i; return 1;
	case OP_RELU: r->i = sgn && a[0].i < 0 ? 0 : a[0].i; return 1;
	case OP_SIGN: r->i = sgn ? (a[0].i > 0) - (a[0].i < 0) : x != 0; return 1;
	default: return 0;
	}
}

static int fn_cmp(int op, enum num_kind k, const union num *a, int nargs, union num *r)
{
	int lt, eq;

	if (k == NK_FLOAT) {
		lt = a[0].f < a[1].f;
		eq = a[0].f == a[1].f;
	} else {
		lt = k == NK_SINT ? a[0].i < a[1].i : (uint64_t)a[0].i < (uint64_t)a[1].i;
		eq = a[0].i == a[1].i;
	}
	switch (op) {
	case OP_EQ: r->i = eq; return 1;
	case OP_LT: r->i = lt; return 1;
	case OP_GT: r->i = !lt && !eq && (k != NK_FLOAT || a[0].f > a[1].f); return 1;
	case OP_LE: r->i = lt || eq; return 1;
	case OP_GE: r->i = k == NK_FLOAT ? a[0].f >= a[1].f : !lt; return 1;
	default: return 0;
	}
}

static int fn_logic(int op, enum num_kind k, const union num *a, int nargs, union num *r)
{
	int x = a[0].i != 0, y = nargs > 1 && a[1].i != 0;

	switch (op) {
	case OP_NOT: r->i = !x; return 1;
	case OP_AND: r->i = x && y; return 1;
	case OP_OR: r->i = x || y; return 1;
	case OP_XOR: r->i = x != y; return 1;
	default: return 0;
	}
}

/* One entry per element-wise op: "nin" inputs (-1: variadic), the kinds it accepts
 * ("floats_only", "bools_only"), and whether the result is bool. */
static const struct ew_op {
	const char *name;
	int op, nin;
	unsigned floats_only : 1, bools_only : 1, to_bool : 1;
} ew_ops[] = {
	{ "Add", OP_ADD, 2, 0, 0, 0 }, { "Sub", OP_SUB, 2, 0, 0, 0 },
	{ "Mul", OP_MUL, 2, 0, 0, 0 }, { "Div", OP_DIV, 2, 0, 0, 0 },
	{ "Pow", OP_POW, 2, 0, 0, 0 }, { "Min", OP_MIN, -1, 0, 0, 0 },
	{ "Max", OP_MAX, -1, 0, 0, 0 }, { "Sum", OP_SUM, -1, 0, 0, 0 },
	{ "Mean", OP_MEAN, -1, 1, 0, 0 }, { "Neg", OP_NEG, 1, 0, 0, 0 },
	{ "Abs", OP_ABS, 1, 0, 0, 0 }, { "Relu", OP_RELU, 1, 0, 0, 0 },
	{ "Sign", OP_SIGN, 1, 0, 0, 0 }, { "Sqrt", OP_SQRT, 1, 1, 0, 0 },
	{ "Exp", OP_EXP, 1, 1, 0, 0 }, { "Log", OP_LOG, 1, 1, 0, 0 },
	{ "Reciprocal", OP_RECIP, 1, 1, 0, 0 }, { "Floor", OP_FLOOR, 1, 1, 0, 0 },
	{ "Ceil", OP_CEIL, 1, 1, 0, 0 }, { "Round", OP_ROUND, 1, 1, 0, 0 },
	{ "Sigmoid", OP_SIGMOID, 1, 1, 0, 0 }, { "Tanh", OP_TANH, 1, 1, 0, 0 },
	{ "Erf", OP_ERF, 1, 1, 0, 0 }, { "Sin", OP_SIN, 1, 1, 0, 0 },
	{ "Cos", OP_COS, 1, 1, 0, 0 },
	{ "Equal", OP_EQ, 2, 0, 0, 1 }, { "Less", OP_LT, 2, 0, 0, 1 },
	{ "Greater", OP_GT, 2, 0, 0, 1 }, { "LessOrEqual", OP_LE, 2, 0, 0, 1 },
	{ "GreaterOrEqual", OP_GE, 2, 0, 0, 1 },
	{ "Not", OP_NOT, 1, 0, 1, 1 }, { "And", OP_AND, 2, 0, 1, 1 },
	{ "Or", OP_OR, 2, 0, 1, 1 }, { "Xor", OP_XOR, 2, 0, 1, 1 },
};

static const struct ew_op *find_ew(const char *op)
{
	for (size_t i = 0; i < sizeof(ew_ops) / sizeof(ew_ops[0]); i++)
		if (strcmp(ew_ops[i].name, op) == 0)
			return &ew_ops[i];
	return NULL;
}

static elem_fn pick_fn(const struct ew_op *op, enum num_kind k)
{
	if (op->op >= OP_NOT)
		return fn_logic;
	if (op->op >= OP_EQ)
		return fn_cmp;
	if (k == NK_FLOAT || op->op == OP_POW)
		return fn_float;
	return k == NK_BOOL ? NULL : fn_int;
}

/* Check the inputs of an element-wise op; returns the computation kind or NK_NONE. */
static enum num_kind ew_kind(struct tcc_ceval *e, const struct ew_op *op, int nin)
{
	enum num_kind k = num_kind(e->ins[0]->dtype);

	if (nin < 1 || nin > 4 || (op->nin > 0 && nin != op->nin))
		return NK_NONE;
	for (int i = 0; i < nin; i++) {
		if (!e->ins[i])
			return NK_NONE;
		/* Pow's exponent may have its own type. */
		if (e->ins[i]->dtype != e->ins[0]->dtype && op->op != OP_POW)
			return NK_NONE;
		if (num_kind(e->ins[i]->dtype) == NK_NONE)
			return NK_NONE;
	}
	if (k == NK_NONE || (op->floats_only && k != NK_FLOAT) ||
	    (op->bools_only && k != NK_BOOL) || (k == NK_BOOL && !op->to_bool))
		return NK_NONE;
	return k;
}

static tcc_bool eval_elementwise(struct tcc_ceval *e, const struct ew_op *op)
{
	int nin = e->n->ninputs, err = 0;
	enum num_kind k = ew_kind(e, op, nin);
	elem_fn fn = pick_fn(op, k);
	int64_t idx[MAX_RANK] = { 0 }, off[4] = { 0 };
	struct bcast b;
	struct tcc_tensor_data *t;

	if (k == NK_NONE || !fn || !bcast_init(&b, nin, e->ins))
		return 0;
	t = tcc_ceval_new(e, op->to_bool ? TCC_DT_BOOL : e->ins[0]->dtype, b.rank, b.dims, &err);
	if (!t)
		return err ? -1 : 0;
	for (int64_t o = 0; o < t->numel; o++) {
		union num a[4], r;
		enum num_kind fk = fn == fn_float ? NK_FLOAT : k;
		for (int i = 0; i < nin; i++) {
			enum num_kind ik = num_kind(e->ins[i]->dtype);
			a[i] = load(e->ins[i], off[i], ik);
			if (fk == NK_FLOAT && ik != NK_FLOAT)
				a[i].f = as_f64(a[i], ik);
		}
		if (!fn(op->op, fk, a, nin, &r))
			return 0;
		if (fk == NK_FLOAT && !op->to_bool)
			tcc_tensor_set_f64(t, o, r.f);
		else
			tcc_tensor_set_i64(t, o, r.i);
		bcast_next(&b, idx, off);
	}
	e->outs[0] = t;
	return 1;
}

/* Where(cond, x, y): elements copied bit for bit. */
static tcc_bool eval_where(struct tcc_ceval *e)
{
	int64_t idx[MAX_RANK] = { 0 }, off[4] = { 0 };
	const struct tcc_tensor_data *c = e->ins[0], *x = e->ins[1], *y = e->ins[2];
	struct bcast b;
	struct tcc_tensor_data *t;
	int err = 0;

	if (c->dtype != TCC_DT_BOOL || x->dtype != y->dtype || !bcast_init(&b, 3, e->ins))
		return 0;
	t = tcc_ceval_new(e, x->dtype, b.rank, b.dims, &err);
	if (!t)
		return err ? -1 : 0;
	for (int64_t o = 0; o < t->numel; o++) {
		if (tcc_tensor_get_i64(c, off[0]))
			tcc_ceval_copy_elem(t, o, x, off[1]);
		else
			tcc_ceval_copy_elem(t, o, y, off[2]);
		bcast_next(&b, idx, off);
	}
	e->outs[0] = t;
	return 1;
}

/* ---- dispatch ---- */

int tcc_const_eval_known(__tcc_keep const struct tcc_node *n)
{
	static const char *const misc[] = {
		"Constant", "Identity", "Shape", "Size", "Cast", "CastLike", "ConstantOfShape",
		"Range", "Where", NULL,
	};

	if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
		return 0;
	for (int i = 0; misc[i]; i++)
		if (strcmp(n->op_type, misc[i]) == 0)
			return 1;
	return find_ew(n->op_type) || tcc_ceval_shape_known(n->op_type) ||
	       tcc_ceval_reduce_known(n->op_type);
}

/* Whether every input the op reads is present (omitted optional inputs are fine only where
 * the op allows them; each evaluator checks the ones it needs). */
static int have_inputs(struct tcc_ceval *e, int first, int last)
{
	if (e->n->ninputs <= last)
		return 0;
	for (int i = first; i <= last; i++)
		if (!e->ins[i])
			return 0;
	return 1;
}

static tcc_bool dispatch(struct tcc_ceval *e)
{
	const char *op = e->n->op_type;
	const struct ew_op *ew;

	if (strcmp(op, "Constant") == 0)
		return eval_constant(e);
	if (strcmp(op, "Shape") == 0 || strcmp(op, "Size") == 0)
		return e->n->ninputs == 1 ? eval_shape(e, op[1] == 'i') : 0;
	if (strcmp(op, "Identity") == 0)
		return have_inputs(e, 0, 0) ? eval_identity(e) : 0;
	if (strcmp(op, "Cast") == 0)
		return have_inputs(e, 0, 0) ? eval_cast(e, (int)tcc_node_attr_int(e->n, "to", 0))
					    : 0;
	if (strcmp(op, "CastLike") == 0)
		return have_inputs(e, 0, 1) ? eval_cast(e, e->ins[1]->dtype) : 0;
	if (strcmp(op, "ConstantOfShape") == 0)
		return have_inputs(e, 0, 0) ? eval_constant_of_shape(e) : 0;
	if (strcmp(op, "Range") == 0)
		return have_inputs(e, 0, 2) ? eval_range(e) : 0;
	if (strcmp(op, "Where") == 0)
		return have_inputs(e, 0, 2) ? eval_where(e) : 0;
	ew = find_ew(op);
	if (ew)
		return e->n->ninputs >= 1 && e->ins[0] ? eval_elementwise(e, ew) : 0;
	if (tcc_ceval_reduce_known(op))
		return tcc_ceval_reduce(e);
	return tcc_ceval_shape_op(e);
}

tcc_bool tcc_const_eval(__tcc_keep struct tcc_ctx *ctx, __tcc_keep const struct tcc_node *n,
			int64_t opset, __tcc_keep struct tcc_tensor_data *const *ins,
			__tcc_keep struct tcc_tensor_data **outs, int64_t max_elements)
{
	struct tcc_ceval e = { ctx, n, opset, ins, outs, max_elements };
	tcc_bool r;

	for (int i = 0; i < n->noutputs; i++)
		outs[i] = NULL;
	if (!tcc_const_eval_known(n) || n->noutputs < 1)
		return 0;
	if (strcmp(n->op_type, "Constant") == 0 || strcmp(n->op_type, "ConstantOfShape") == 0)
		e.max_elements = -1;
	r = dispatch(&e);
	if (r <= 0)
		return r;
	for (int i = 0; i < n->noutputs; i++)
		if (n->outputs[i] && !outs[i])
			return 0; /* an output the evaluator does not produce */
	return 1;
}
