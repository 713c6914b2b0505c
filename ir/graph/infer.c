/* Shape and type inference driver: finds the op's function in ops.def, runs it on a scratch set
 * of output types, checks the result and merges it into the output values' types. Also the
 * helpers shared by the infer_*.c families (inputs, constants, axes, broadcasting). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ir/graph/infer_private.h"

struct op_entry {
	const char *name;
	tcc_infer_fn *fn;
};

static const struct op_entry op_table[] = {
#define OP(name, fn, doc) { #name, fn },
#include "ir/graph/ops.def"
#undef OP
};

#define NOPS ((int)(sizeof(op_table) / sizeof(op_table[0])))

static int is_onnx_domain(const char *d)
{
	return !d || !d[0] || strcmp(d, "ai.onnx") == 0;
}

static tcc_infer_fn *find_fn(const struct tcc_node *n)
{
	if (!n->op_type || !is_onnx_domain(n->domain))
		return NULL;
	for (int i = 0; i < NOPS; i++)
		if (strcmp(op_table[i].name, n->op_type) == 0)
			return op_table[i].fn;
	return NULL;
}

int tcc_infer_known(__tcc_keep const struct tcc_node *n)
{
	return find_fn(n) != NULL;
}

/* ---- helpers ---- */

tcc_stat tcc_infer_error(struct tcc_infer *inf, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tcc_diag_error(inf->ctx->diag, tcc_node_loc(inf->n), "%s: %s", inf->n->op_type, msg);
	return -1;
}

const struct tcc_type *tcc_infer_in(struct tcc_infer *inf, int i)
{
	struct tcc_value *v = tcc_node_input(inf->n, i);

	if (!v || v->type.kind != TCC_TYPE_TENSOR)
		return NULL;
	return &v->type;
}

int32_t tcc_infer_in_rank(struct tcc_infer *inf, int i)
{
	const struct tcc_type *t = tcc_infer_in(inf, i);

	return t ? t->rank : -1;
}

int tcc_infer_in_elem(struct tcc_infer *inf, int i)
{
	const struct tcc_type *t = tcc_infer_in(inf, i);

	return t ? t->elem : 0;
}

const char *tcc_infer_in_name(struct tcc_infer *inf, int i)
{
	struct tcc_value *v = tcc_node_input(inf->n, i);

	return v && v->name ? v->name : "";
}

struct tcc_type *tcc_infer_out(struct tcc_infer *inf, int i, int elem, int32_t rank)
{
	struct tcc_type *t = i >= 0 && i < inf->nout ? &inf->out[i] : &inf->scratch;

	tcc_type_set_tensor(inf->ctx, t, elem, rank < 0 ? -1 : rank, NULL);
	if (rank > 0 && !t->dims) {
		tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
		return NULL;
	}
	return t;
}

tcc_stat tcc_infer_out_like(struct tcc_infer *inf, int o, int i, int elem)
{
	const struct tcc_type *in = tcc_infer_in(inf, i);
	struct tcc_type *t;

	if (!in)
		return 0;
	t = tcc_infer_out(inf, o, elem ? elem : in->elem, in->rank);
	if (!t)
		return -1;
	for (int32_t k = 0; k < in->rank; k++)
		t->dims[k] = in->dims[k];
	return 0;
}

const struct tcc_tensor_data *tcc_infer_const(struct tcc_infer *inf, int i)
{
	struct tcc_value *v = tcc_node_input(inf->n, i);
	struct tcc_attr *a;

	if (!v)
		return NULL;
	if (v->init)
		return v->init;
	if (!v->producer || v->producer->dead || !tcc_node_is(v->producer, "Constant"))
		return NULL;
	a = tcc_node_find_attr(v->producer, "value");
	return a && a->kind == TCC_ATTR_TENSOR && !a->ref_attr_name ? a->u.t : NULL;
}

/* value_int / value_ints of a Constant node producing input i. */
static tcc_bool const_attr_ints(struct tcc_infer *inf, int i, int64_t **vals, int64_t *count)
{
	struct tcc_value *v = tcc_node_input(inf->n, i);
	struct tcc_attr *a;

	if (!v || v->init || !v->producer || v->producer->dead ||
	    !tcc_node_is(v->producer, "Constant"))
		return 0;
	if ((a = tcc_node_find_attr(v->producer, "value_ints")) && a->kind == TCC_ATTR_INTS) {
		*vals = a->u.ints;
		*count = a->n;
		return 1;
	}
	if ((a = tcc_node_find_attr(v->producer, "value_int")) && a->kind == TCC_ATTR_INT) {
		*vals = &a->u.i;
		*count = 1;
		return 1;
	}
	return 0;
}

tcc_bool tcc_infer_const_ints(struct tcc_infer *inf, int i, int64_t **vals, int64_t *count)
{
	const struct tcc_tensor_data *t = tcc_infer_const(inf, i);

	if (!t)
		return const_attr_ints(inf, i, vals, count);
	if (!tcc_dtype_is_int(t->dtype) || t->rank > 1 || (t->numel && !t->data))
		return tcc_infer_error(inf, "input %d ('%s') must be a 1-D integer tensor", i,
				       tcc_infer_in_name(inf, i));
	*count = t->numel;
	*vals = tcc_arena_calloc(inf->ctx->arena, (size_t)(t->numel ? t->numel : 1),
				 sizeof(**vals));
	if (!*vals)
		return tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
	for (int64_t k = 0; k < t->numel; k++)
		(*vals)[k] = tcc_tensor_get_i64(t, k);
	return 1;
}

tcc_bool tcc_infer_const_scalar(struct tcc_infer *inf, int i, double *v)
{
	const struct tcc_tensor_data *t = tcc_infer_const(inf, i);
	int64_t *vals, count;

	if (!t) {
		if (const_attr_ints(inf, i, &vals, &count) != 1 || count != 1)
			return 0;
		*v = (double)vals[0];
		return 1;
	}
	if (t->numel != 1 || !t->data || t->dtype == TCC_DT_STRING)
		return 0;
	*v = tcc_dtype_is_float(t->dtype) ? tcc_tensor_get_f64(t, 0)
					  : (double)tcc_tensor_get_i64(t, 0);
	return 1;
}

tcc_stat tcc_infer_axis(struct tcc_infer *inf, int64_t axis, int32_t rank, int64_t *out,
			const char *what)
{
	if (axis < -(int64_t)rank || axis >= rank)
		return tcc_infer_error(inf, "%s %lld is out of range for rank %d", what,
				       (long long)axis, (int)rank);
	*out = axis < 0 ? axis + rank : axis;
	return 0;
}

tcc_stat tcc_infer_axes(struct tcc_infer *inf, int64_t *axes, int64_t count, int32_t rank)
{
	for (int64_t i = 0; i < count; i++) {
		if (tcc_infer_axis(inf, axes[i], rank, &axes[i], "axis") < 0)
			return -1;
		for (int64_t j = 0; j < i; j++)
			if (axes[j] == axes[i])
				return tcc_infer_error(inf, "axis %lld is repeated",
						       (long long)axes[i]);
	}
	return 0;
}

tcc_stat tcc_infer_attr_len(struct tcc_infer *inf, const char *name, int64_t count,
			    int64_t want)
{
	if (count >= 0 && count != want)
		return tcc_infer_error(inf, "attribute '%s' has %lld entries, expected %lld", name,
				       (long long)count, (long long)want);
	return 0;
}

/* ---- dims and broadcasting ---- */

int tcc_dim_same(struct tcc_dim a, struct tcc_dim b)
{
	if (a.value >= 0 || b.value >= 0)
		return a.value == b.value;
	return a.param && b.param && strcmp(a.param, b.param) == 0;
}

int64_t tcc_sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return a > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int64_t tcc_sat_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

static void dim_text(char *buf, size_t size, struct tcc_dim d)
{
	if (d.value >= 0)
		snprintf(buf, size, "%lld", (long long)d.value);
	else
		snprintf(buf, size, "%s", d.param ? d.param : "?");
}

tcc_stat tcc_infer_bcast_dim(struct tcc_infer *inf, struct tcc_dim *a, struct tcc_dim b,
			     int32_t axis, int ia, int ib)
{
	char ta[64], tb[64];

	if (a->value >= 0 && b.value >= 0) {
		if (a->value == b.value || b.value == 1)
			return 0;
		if (a->value == 1) {
			*a = b;
			return 0;
		}
		dim_text(ta, sizeof(ta), *a);
		dim_text(tb, sizeof(tb), b);
		return tcc_infer_error(inf, "cannot broadcast dim %d: %s vs %s (inputs '%s' and '%s')",
				       (int)axis, ta, tb, tcc_infer_in_name(inf, ia),
				       tcc_infer_in_name(inf, ib));
	}
	if (a->value >= 0) { /* b unknown: a wins unless it is 1 */
		if (a->value == 1)
			*a = b;
		return 0;
	}
	if (b.value >= 0) { /* a unknown */
		if (b.value != 1)
			*a = b;
		return 0;
	}
	if (!tcc_dim_same(*a, b))
		*a = tcc_dim_unknown();
	return 0;
}

tcc_stat tcc_infer_bcast(struct tcc_infer *inf, int o, int first, int count, int elem)
{
	int32_t rank = 0;
	int src[64] = { 0 };
	struct tcc_type *t;

	for (int i = first; i < first + count; i++) {
		if (!tcc_node_input(inf->n, i))
			continue;
		if (tcc_infer_in_rank(inf, i) < 0)
			return tcc_infer_out(inf, o, elem, -1) ? 0 : -1;
		if (tcc_infer_in_rank(inf, i) > rank)
			rank = tcc_infer_in_rank(inf, i);
	}
	if (!(t = tcc_infer_out(inf, o, elem, rank)))
		return -1;
	for (int32_t k = 0; k < rank; k++)
		t->dims[k] = tcc_dim_known(1);
	for (int i = first; i < first + count; i++) {
		const struct tcc_type *in = tcc_infer_in(inf, i);

		if (!in)
			continue;
		for (int32_t k = 0; k < in->rank; k++) {
			int32_t ok = rank - in->rank + k;

			if (tcc_infer_bcast_dim(inf, &t->dims[ok], in->dims[k], ok,
						src[ok & 63], i) < 0)
				return -1;
			if (!tcc_dim_same(t->dims[ok], in->dims[k]) || in->dims[k].value != 1)
				src[ok & 63] = i;
		}
	}
	return 0;
}

/* ---- checking and merging the result ---- */

/* Reject dims below -1 or above 2^40 and element counts above TCC_MAX_NUMEL. */
static tcc_stat check_out(struct tcc_infer *inf, int i)
{
	const struct tcc_type *t = &inf->out[i];
	int64_t numel = 1;

	if (t->kind != TCC_TYPE_TENSOR)
		return 0;
	for (int32_t k = 0; k < t->rank; k++) {
		int64_t v = t->dims[k].value;

		if (v < -1)
			return tcc_infer_error(inf, "output %d dim %d is negative (%lld)", i, (int)k,
					       (long long)v);
		if (v > TCC_MAX_DIM)
			return tcc_infer_error(inf, "output %d dim %d is too large (%lld)", i,
					       (int)k, (long long)v);
		if (v >= 0)
			numel = tcc_sat_mul(numel, v);
	}
	if (numel > TCC_MAX_NUMEL)
		return tcc_infer_error(inf, "output %d has too many elements", i);
	return 0;
}

static tcc_stat merge_dims(struct tcc_infer *inf, int i, struct tcc_type *res,
			   const struct tcc_type *old)
{
	const struct tcc_type *t = &inf->out[i];

	for (int32_t k = 0; k < res->rank; k++) {
		struct tcc_dim o = old->dims[k], d = t->dims[k];

		if (o.value >= 0 && d.value >= 0 && o.value != d.value)
			return tcc_infer_error(inf, "output '%s' dim %d is %lld but inferred %lld",
					       inf->n->outputs[i]->name, (int)k,
					       (long long)o.value, (long long)d.value);
		if (o.value >= 0 || (o.param && d.value < 0))
			res->dims[k] = o;
		else
			res->dims[k] = d;
	}
	return 0;
}

/* Merge inferred output i into the value's existing type. */
static tcc_stat merge_out(struct tcc_infer *inf, int i)
{
	struct tcc_value *v = inf->n->outputs[i];
	const struct tcc_type *t = &inf->out[i], *old;
	struct tcc_type res;

	if (!v || t->kind != TCC_TYPE_TENSOR)
		return 0;
	old = &v->type;
	if (old->kind == TCC_TYPE_UNKNOWN)
		return tcc_type_copy(inf->ctx, &v->type, t);
	if (old->kind != TCC_TYPE_TENSOR)
		return tcc_infer_error(inf, "output '%s' is declared as a non-tensor", v->name);
	if (old->elem && t->elem && old->elem != t->elem)
		return tcc_infer_error(inf, "output '%s' is declared %s but inferred %s", v->name,
				       tcc_dtype_name(old->elem) ? tcc_dtype_name(old->elem) : "?",
				       tcc_dtype_name(t->elem) ? tcc_dtype_name(t->elem) : "?");
	if (old->rank >= 0 && t->rank >= 0 && old->rank != t->rank)
		return tcc_infer_error(inf, "output '%s' is declared with rank %d but inferred %d",
				       v->name, (int)old->rank, (int)t->rank);
	res = *old;
	if (!res.elem)
		res.elem = t->elem;
	if (old->rank < 0 || t->rank < 0) {
		const struct tcc_type *src = old->rank < 0 ? t : old;

		tcc_type_set_tensor(inf->ctx, &res, res.elem, src->rank, NULL);
		res.denotation = old->denotation;
		for (int32_t k = 0; k < src->rank; k++)
			res.dims[k] = src->dims[k];
	} else {
		tcc_type_set_tensor(inf->ctx, &res, res.elem, old->rank, NULL);
		res.denotation = old->denotation;
		if (res.rank > 0 && merge_dims(inf, i, &res, old) < 0)
			return -1;
	}
	if (res.rank > 0 && !res.dims)
		return tcc_ctx_oom(inf->ctx, tcc_node_loc(inf->n));
	v->type = res;
	return 0;
}

/* Inputs' dims must be within bounds before any arithmetic on them. */
static tcc_stat check_inputs(struct tcc_infer *inf)
{
	for (int i = 0; i < inf->n->ninputs; i++) {
		const struct tcc_type *t = tcc_infer_in(inf, i);

		for (int32_t k = 0; t && k < t->rank; k++)
			if (t->dims[k].value > TCC_MAX_DIM || t->dims[k].value < -1)
				return tcc_infer_error(inf, "input '%s' dim %d is out of range (%lld)",
						       tcc_infer_in_name(inf, i), (int)k,
						       (long long)t->dims[k].value);
	}
	return 0;
}

tcc_stat tcc_infer_node(__tcc_keep struct tcc_node *n, int64_t opset)
{
	tcc_infer_fn *fn = find_fn(n);
	struct tcc_infer inf = { .n = n, .opset = opset, .nout = n->noutputs };

	if (!fn || !n->graph)
		return 0;
	inf.ctx = n->graph->ctx;
	if (inf.opset < 0)
		inf.opset = 21;
	if (n->noutputs > 0) {
		inf.out = tcc_arena_calloc(inf.ctx->arena, (size_t)n->noutputs, sizeof(*inf.out));
		if (!inf.out)
			return tcc_ctx_oom(inf.ctx, tcc_node_loc(n));
	}
	if (check_inputs(&inf) < 0 || fn(&inf) < 0)
		return -1;
	for (int i = 0; i < n->noutputs; i++)
		if (check_out(&inf, i) < 0 || merge_out(&inf, i) < 0)
			return -1;
	return 0;
}
