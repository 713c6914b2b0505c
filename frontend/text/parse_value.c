/* Text syntax: types, tensor literals and attributes. */
#include <string.h>

#include "frontend/text/parse_private.h"

static int is_type_word(const struct tcc_token *t)
{
	return t->kind == TCC_TOK_IDENT &&
	       (tcc_dtype_from_name(t->start, t->len) != TCC_DT_UNDEFINED ||
		tcc_tok_is_word(t, "seq") || tcc_tok_is_word(t, "map") ||
		tcc_tok_is_word(t, "optional") || tcc_tok_is_word(t, "sparse_tensor"));
}

int tcc_text_at_type(const struct tcc_text_parser *p)
{
	return is_type_word(&p->lx.tok);
}

/* A dtype name (for map keys and sparse tensors). */
static int parse_dtype(struct tcc_text_parser *p)
{
	const struct tcc_token *t = &p->lx.tok;
	int dt = t->kind == TCC_TOK_IDENT ? (int)tcc_dtype_from_name(t->start, t->len) : 0;

	if (!dt)
		return tcc_text_error(p, "expected an element type");
	tcc_text_next(p);
	return dt;
}

static tcc_stat parse_dim(struct tcc_text_parser *p, struct tcc_dim *d)
{
	const struct tcc_token *t = &p->lx.tok;

	d->value = -1;
	d->param = NULL;
	if (tcc_text_accept(p, '?'))
		return 0;
	if (t->kind == TCC_TOK_IDENT || t->kind == TCC_TOK_STRING) {
		d->param = tcc_text_name(p, "dimension");
		return d->param ? 0 : -1;
	}
	if (t->kind != TCC_TOK_INT || tcc_text_int64(p, &d->value, "dimension") < 0)
		return tcc_text_error(p, "expected a dimension (number, name or '?')");
	if (d->value < 0)
		return tcc_text_error(p, "negative dimension");
	return 0;
}

/* After '[': "]" (unknown rank) or dims "]". */
static tcc_stat parse_shape(struct tcc_text_parser *p, struct tcc_type *t)
{
	struct tcc_avec dims = { 0 };
	struct tcc_dim d = { 0 };

	if (tcc_text_accept(p, ']')) {
		t->rank = -1;
		return 0;
	}
	do {
		if (parse_dim(p, &d) < 0 || !tcc_text_push(p, &dims, &d, sizeof(d)))
			return -1;
	} while (tcc_text_accept(p, ','));
	if (dims.n > INT32_MAX)
		return tcc_text_error(p, "too many dimensions");
	t->rank = (int32_t)dims.n;
	t->dims = dims.data;
	return tcc_text_expect(p, ']', "after dimensions");
}

/* dtype ('[' shape)? for tensor and sparse tensor types. */
static tcc_stat parse_tensor_type(struct tcc_text_parser *p, struct tcc_type *t)
{
	int dt = parse_dtype(p);

	if (dt < 0)
		return -1;
	t->elem = dt;
	t->rank = 0;
	if (tcc_text_accept(p, '['))
		return parse_shape(p, t);
	return 0;
}

/* '(' type ')' for seq / optional, where '?' stands for an unknown element type. */
static tcc_stat parse_inner(struct tcc_text_parser *p, struct tcc_type *t, int map)
{
	t->inner = tcc_arena_alloc(p->ctx->arena, sizeof(*t->inner));
	if (!t->inner)
		return tcc_text_oom(p);
	t->inner->rank = -1;
	if (tcc_text_expect(p, map ? ',' : '(', map ? "after map key type" : "after type name") < 0)
		return -1;
	if (!tcc_text_accept(p, '?') && tcc_text_type(p, t->inner) < 0)
		return -1;
	return tcc_text_expect(p, ')', "after element type");
}

static tcc_stat parse_type(struct tcc_text_parser *p, struct tcc_type *t)
{
	const struct tcc_token *tok = &p->lx.tok;

	memset(t, 0, sizeof(*t));
	t->rank = -1;
	if (tok->kind == TCC_TOK_IDENT && tcc_dtype_from_name(tok->start, tok->len)) {
		t->kind = TCC_TYPE_TENSOR;
		return parse_tensor_type(p, t);
	}
	if (tcc_tok_is_word(tok, "seq") || tcc_tok_is_word(tok, "optional")) {
		t->kind = tcc_tok_is_word(tok, "seq") ? TCC_TYPE_SEQUENCE : TCC_TYPE_OPTIONAL;
		tcc_text_next(p);
		return parse_inner(p, t, 0);
	}
	if (tcc_tok_is_word(tok, "map")) {
		t->kind = TCC_TYPE_MAP;
		tcc_text_next(p);
		if (tcc_text_expect(p, '(', "after 'map'") < 0 || (t->elem = parse_dtype(p)) < 0)
			return -1;
		return parse_inner(p, t, 1);
	}
	if (tcc_tok_is_word(tok, "sparse_tensor")) {
		t->kind = TCC_TYPE_SPARSE_TENSOR;
		tcc_text_next(p);
		if (tcc_text_expect(p, '(', "after 'sparse_tensor'") < 0 ||
		    parse_tensor_type(p, t) < 0)
			return -1;
		return tcc_text_expect(p, ')', "after sparse tensor type");
	}
	return tcc_text_error(p, "expected a type");
}

tcc_stat tcc_text_type(struct tcc_text_parser *p, struct tcc_type *t)
{
	tcc_stat r;

	if (++p->type_depth > TCC_TEXT_MAX_DEPTH)
		return tcc_text_error(p, "types nested too deeply");
	r = parse_type(p, t);
	p->type_depth--;
	return r;
}

/* ---- tensor literals ---- */

/* Range of an integer dtype: [lo, hi]. */
static void int_range(int dtype, int64_t *lo, uint64_t *hi)
{
	int bits = tcc_dtype_bits(dtype);

	if (dtype == TCC_DT_BOOL)
		bits = 1;
	if (tcc_dtype_is_signed(dtype)) {
		*lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
		*hi = bits == 64 ? (uint64_t)INT64_MAX : ((uint64_t)1 << (bits - 1)) - 1;
	} else {
		*lo = 0;
		*hi = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
	}
}

/* An integer literal within the range of "dtype" (float8/float4 codes count as unsigned). */
static tcc_stat elem_int(struct tcc_text_parser *p, int dtype, int64_t *v)
{
	const struct tcc_token *t = &p->lx.tok;
	int64_t lo;
	uint64_t hi, mag;
	int neg;

	if (dtype == TCC_DT_BOOL && (tcc_tok_is_word(t, "true") || tcc_tok_is_word(t, "false"))) {
		*v = tcc_tok_is_word(t, "true");
		return 0;
	}
	if (t->kind != TCC_TOK_INT)
		return tcc_text_error(p, "expected an integer in %s tensor literal",
				      tcc_dtype_name(dtype));
	int_range(dtype, &lo, &hi);
	if (tcc_tok_uint(t, &neg, &mag) < 0 || (!neg && mag > hi) ||
	    (neg && mag && (lo == 0 || mag - 1 > (uint64_t)(-(lo + 1)))))
		return tcc_text_error(p, "value out of range for %s", tcc_dtype_name(dtype));
	*v = neg && mag ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
	return 0;
}

static tcc_stat elem_float(struct tcc_text_parser *p, float *f)
{
	if (tcc_tok_float(&p->lx.tok, f) < 0)
		return tcc_text_error(p, "expected a number in tensor literal");
	return 0;
}

static tcc_stat elem_double(struct tcc_text_parser *p, double *d)
{
	if (tcc_tok_double(&p->lx.tok, d) < 0)
		return tcc_text_error(p, "expected a number in tensor literal");
	return 0;
}

/* Store the current token as element i of t (flat scalar index i for complex types). */
static tcc_stat store_elem(struct tcc_text_parser *p, struct tcc_tensor_data *t, int64_t i)
{
	float f;
	double d;
	int64_t v;

	switch (t->dtype) {
	case TCC_DT_FLOAT: case TCC_DT_COMPLEX64:
		if (elem_float(p, &f) < 0)
			return -1;
		((float *)t->data)[i] = f;
		return 0;
	case TCC_DT_DOUBLE: case TCC_DT_COMPLEX128:
		if (elem_double(p, &d) < 0)
			return -1;
		((double *)t->data)[i] = d;
		return 0;
	case TCC_DT_FLOAT16: case TCC_DT_BFLOAT16:
		if (elem_float(p, &f) < 0)
			return -1;
		((uint16_t *)t->data)[i] = t->dtype == TCC_DT_FLOAT16 ? tcc_f32_to_f16(f)
								  : tcc_f32_to_bf16(f);
		return 0;
	case TCC_DT_STRING: {
		struct tcc_bytes *b = &t->strings[i];
		if (p->lx.tok.kind != TCC_TOK_STRING)
			return tcc_text_error(p, "expected a string in string tensor literal");
		b->data = tcc_tok_string(p->ctx->arena, &p->lx.tok, &b->len);
		return b->data ? 0 : tcc_text_oom(p);
	}
	case TCC_DT_FLOAT8E4M3FN: case TCC_DT_FLOAT8E4M3FNUZ: case TCC_DT_FLOAT8E5M2:
	case TCC_DT_FLOAT8E5M2FNUZ: case TCC_DT_FLOAT8E8M0:
		if (elem_int(p, TCC_DT_UINT8, &v) < 0)
			return -1;
		((uint8_t *)t->data)[i] = (uint8_t)v;
		return 0;
	case TCC_DT_FLOAT4E2M1:
		if (elem_int(p, TCC_DT_UINT4, &v) < 0)
			return -1;
		((uint8_t *)t->data)[i / 2] |= (uint8_t)(v << (4 * (i % 2)));
		return 0;
	default:
		if (elem_int(p, t->dtype, &v) < 0)
			return -1;
		tcc_tensor_set_i64(t, i, v);
		return 0;
	}
}

/* Dims of a tensor type that must be fully known. */
static tcc_stat static_dims(struct tcc_text_parser *p, const struct tcc_type *t, int64_t **dims)
{
	if (t->kind != TCC_TYPE_TENSOR && t->kind != TCC_TYPE_SPARSE_TENSOR)
		return tcc_text_error(p, "tensor data needs a tensor type");
	if (t->rank < 0)
		return tcc_text_error(p, "tensor data needs a type of known rank");
	*dims = tcc_arena_calloc(p->ctx->arena, (size_t)t->rank + 1, sizeof(int64_t));
	if (!*dims)
		return tcc_text_oom(p);
	for (int32_t i = 0; i < t->rank; i++) {
		if (t->dims[i].param || t->dims[i].value < 0)
			return tcc_text_error(p, "tensor data needs numeric dimensions");
		(*dims)[i] = t->dims[i].value;
	}
	return 0;
}

/* After '{': the values, then '}'. "count" scalars are needed. */
static tcc_stat tensor_values(struct tcc_text_parser *p, struct tcc_tensor_data *t, int64_t count)
{
	int64_t n = 0;

	if (tcc_text_accept(p, '}'))
		goto check;
	do {
		if (n >= count)
			return tcc_text_error(p, "too many values in tensor literal (expected %lld)",
					      (long long)count);
		if (store_elem(p, t, n++) < 0)
			return -1;
		tcc_text_next(p);
	} while (tcc_text_accept(p, ','));
	if (tcc_text_expect(p, '}', "after tensor values") < 0)
		return -1;
check:
	if (n != count)
		return tcc_text_error(p, "tensor literal has %lld values, its type needs %lld",
				      (long long)n, (long long)count);
	return 0;
}

__tcc_keep struct tcc_tensor_data *tcc_text_tensor_data(struct tcc_text_parser *p,
						   const struct tcc_type *t, const char *name)
{
	struct tcc_loc loc = tcc_text_loc(p);
	struct tcc_tensor_data *tensor;
	int64_t *dims, numel, count;
	size_t left;

	if (t->kind != TCC_TYPE_TENSOR) {
		tcc_text_error(p, "tensor data needs a tensor type");
		return NULL;
	}
	if (static_dims(p, t, &dims) < 0 || tcc_text_expect(p, '{', "before tensor data") < 0)
		return NULL;
	if (p->lx.tok.kind == TCC_TOK_ELLIPSIS) {
		tcc_text_error(p, "elided constant: the tensor data was not printed");
		return NULL;
	}
	numel = tcc_shape_numel(t->rank, dims);
	count = t->elem == TCC_DT_COMPLEX64 || t->elem == TCC_DT_COMPLEX128 ? 2 * numel : numel;
	left = (size_t)(p->text + p->len - p->lx.tok.start);
	/* Every value takes at least one byte: refuse sizes the text cannot hold. */
	if (numel >= 0 && (uint64_t)count > (uint64_t)left + 1) {
		tcc_text_error(p, "tensor literal needs %lld values but the input ends first",
			       (long long)count);
		return NULL;
	}
	tensor = tcc_tensor_new(p->ctx, loc, t->elem, t->rank, dims);
	if (!tensor) {
		p->failed = 1;
		return NULL;
	}
	tensor->name = name;
	if (tensor_values(p, tensor, count) < 0)
		return NULL;
	return tensor;
}

/* After the type: [name] ['='] data. */
static __tcc_keep struct tcc_tensor_data *tensor_rest(struct tcc_text_parser *p,
						 const struct tcc_type *t)
{
	const char *name = NULL;

	if (p->lx.tok.kind == TCC_TOK_IDENT || p->lx.tok.kind == TCC_TOK_STRING) {
		name = tcc_text_name(p, "tensor name");
		if (!name)
			return NULL;
	}
	tcc_text_accept(p, '=');
	return tcc_text_tensor_data(p, t, name);
}

__tcc_keep struct tcc_tensor_data *tcc_text_tensor(struct tcc_text_parser *p)
{
	struct tcc_type t;

	if (tcc_text_type(p, &t) < 0)
		return NULL;
	return tensor_rest(p, &t);
}

__tcc_keep struct tcc_sparse_tensor *tcc_text_sparse_data(struct tcc_text_parser *p,
							  const struct tcc_type *t)
{
	struct tcc_sparse_tensor *sp = tcc_arena_alloc(p->ctx->arena, sizeof(*sp));

	if (!sp) {
		tcc_text_oom(p);
		return NULL;
	}
	if (static_dims(p, t, &sp->dims) < 0 || tcc_text_expect(p, '{', "before sparse data") < 0)
		return NULL;
	sp->rank = t->rank;
	sp->values = tcc_text_tensor(p);
	if (!sp->values || tcc_text_expect(p, ',', "after sparse values") < 0)
		return NULL;
	sp->indices = tcc_text_tensor(p);
	if (!sp->indices || tcc_text_expect(p, '}', "after sparse indices") < 0)
		return NULL;
	if (sp->values->dtype != t->elem) {
		tcc_text_error(p, "sparse values are %s, the type says %s",
			       tcc_dtype_name(sp->values->dtype), tcc_dtype_name(t->elem));
		return NULL;
	}
	return sp;
}

/* ---- attributes ---- */

static const char *const attr_kind_names[] = {
	[TCC_ATTR_FLOAT] = "float", [TCC_ATTR_INT] = "int", [TCC_ATTR_STRING] = "string",
	[TCC_ATTR_TENSOR] = "tensor", [TCC_ATTR_GRAPH] = "graph",
	[TCC_ATTR_FLOATS] = "floats", [TCC_ATTR_INTS] = "ints", [TCC_ATTR_STRINGS] = "strings",
	[TCC_ATTR_TENSORS] = "tensors", [TCC_ATTR_GRAPHS] = "graphs",
	[TCC_ATTR_SPARSE_TENSOR] = "sparse_tensor", [TCC_ATTR_SPARSE_TENSORS] = "sparse_tensors",
	[TCC_ATTR_TYPE_PROTO] = "type_proto", [TCC_ATTR_TYPE_PROTOS] = "type_protos",
};

#define NKINDS ((int)(sizeof(attr_kind_names) / sizeof(attr_kind_names[0])))

static const char *kind_name(int k)
{
	return k > 0 && k < NKINDS ? attr_kind_names[k] : "undefined";
}

static enum tcc_attr_kind list_kind(enum tcc_attr_kind k)
{
	switch (k) {
	case TCC_ATTR_FLOAT: return TCC_ATTR_FLOATS;
	case TCC_ATTR_INT: return TCC_ATTR_INTS;
	case TCC_ATTR_STRING: return TCC_ATTR_STRINGS;
	case TCC_ATTR_TENSOR: return TCC_ATTR_TENSORS;
	case TCC_ATTR_GRAPH: return TCC_ATTR_GRAPHS;
	case TCC_ATTR_SPARSE_TENSOR: return TCC_ATTR_SPARSE_TENSORS;
	case TCC_ATTR_TYPE_PROTO: return TCC_ATTR_TYPE_PROTOS;
	default: return TCC_ATTR_UNDEFINED;
	}
}

static enum tcc_attr_kind elem_kind(enum tcc_attr_kind k)
{
	if (k == TCC_ATTR_UNDEFINED)
		return k;
	for (int e = 1; e < NKINDS; e++)
		if (list_kind((enum tcc_attr_kind)e) == k)
			return (enum tcc_attr_kind)e;
	return TCC_ATTR_UNDEFINED;
}

/* A value that starts with a type: a tensor, a sparse tensor or a type. */
static tcc_stat typed_value(struct tcc_text_parser *p, struct tcc_attr *a)
{
	const struct tcc_token *t = &p->lx.tok;
	struct tcc_type ty;

	if (tcc_text_type(p, &ty) < 0)
		return -1;
	if (ty.kind == TCC_TYPE_SPARSE_TENSOR && tcc_tok_is(t, '{')) {
		a->kind = TCC_ATTR_SPARSE_TENSOR;
		a->u.sp = tcc_text_sparse_data(p, &ty);
		return a->u.sp ? 0 : -1;
	}
	if (tcc_tok_is(t, '{') || tcc_tok_is(t, '=') || t->kind == TCC_TOK_IDENT ||
	    t->kind == TCC_TOK_STRING) {
		a->kind = TCC_ATTR_TENSOR;
		a->u.t = tensor_rest(p, &ty);
		return a->u.t ? 0 : -1;
	}
	a->kind = TCC_ATTR_TYPE_PROTO;
	a->u.tp = tcc_arena_memdup(p->ctx->arena, &ty, sizeof(ty));
	return a->u.tp ? 0 : tcc_text_oom(p);
}

static tcc_stat number_value(struct tcc_text_parser *p, struct tcc_attr *a,
			     enum tcc_attr_kind expect)
{
	const struct tcc_token *t = &p->lx.tok;

	if (t->kind == TCC_TOK_INT && expect != TCC_ATTR_FLOAT) {
		a->kind = TCC_ATTR_INT;
		if (tcc_text_int64(p, &a->u.i, "integer attribute") < 0)
			return -1;
		return 0;
	}
	a->kind = TCC_ATTR_FLOAT;
	tcc_tok_float(t, &a->u.f);
	tcc_text_next(p);
	return 0;
}

/* One value; "expect" is the declared kind (or undefined). */
static tcc_stat single_value(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_attr *a,
			     enum tcc_attr_kind expect)
{
	const struct tcc_token *t = &p->lx.tok;
	tcc_stat r;

	if (t->kind == TCC_TOK_INT || t->kind == TCC_TOK_FLOAT ||
	    (t->kind == TCC_TOK_IDENT && tcc_tok_is_special_float(t) && expect != TCC_ATTR_GRAPH)) {
		r = number_value(p, a, expect);
	} else if (t->kind == TCC_TOK_STRING && expect != TCC_ATTR_GRAPH) {
		a->kind = TCC_ATTR_STRING;
		a->u.s.data = tcc_tok_string(p->ctx->arena, t, &a->u.s.len);
		if (!a->u.s.data)
			return tcc_text_oom(p);
		tcc_text_next(p);
		r = 0;
	} else if (tcc_text_at_type(p)) {
		r = typed_value(p, a);
	} else if (t->kind == TCC_TOK_IDENT || t->kind == TCC_TOK_STRING) {
		a->kind = TCC_ATTR_GRAPH;
		a->u.g = tcc_text_graph(p, g);
		r = a->u.g ? 0 : -1;
	} else {
		return tcc_text_error(p, "expected an attribute value");
	}
	if (r < 0)
		return -1;
	if (expect != TCC_ATTR_UNDEFINED && a->kind != expect)
		return tcc_text_error(p, "attribute '%s' is declared %s but its value is %s",
				      a->name, kind_name(expect), kind_name(a->kind));
	return 0;
}

/* The kind of an undeclared list from its items: ints, floats (ints and floats mixed), ... */
static enum tcc_attr_kind infer_list_kind(struct tcc_text_parser *p, const struct tcc_attr *it,
					  int64_t n)
{
	enum tcc_attr_kind k = it[0].kind;

	for (int64_t i = 1; i < n; i++) {
		if (it[i].kind == k)
			continue;
		if ((k == TCC_ATTR_INT || k == TCC_ATTR_FLOAT) &&
		    (it[i].kind == TCC_ATTR_INT || it[i].kind == TCC_ATTR_FLOAT)) {
			k = TCC_ATTR_FLOAT;
			continue;
		}
		tcc_text_error(p, "list attribute mixes %s and %s values", kind_name(k),
			       kind_name(it[i].kind));
		return TCC_ATTR_UNDEFINED;
	}
	return list_kind(k);
}

/* Fill list attribute a (kind set) from n singles. */
static tcc_stat build_list(struct tcc_text_parser *p, struct tcc_attr *a, struct tcc_attr *it,
			   int64_t n)
{
	size_t sz;
	char *arr;

	switch (a->kind) {
	case TCC_ATTR_FLOATS: case TCC_ATTR_INTS: sz = 8; break;
	case TCC_ATTR_STRINGS: sz = sizeof(struct tcc_bytes); break;
	default: sz = sizeof(void *); break;
	}
	arr = tcc_arena_calloc(p->ctx->arena, (size_t)n + 1, sz);
	if (!arr)
		return tcc_text_oom(p);
	for (int64_t i = 0; i < n; i++) {
		switch (a->kind) {
		case TCC_ATTR_FLOATS:
			((float *)arr)[i] = it[i].kind == TCC_ATTR_INT ? (float)it[i].u.i : it[i].u.f;
			break;
		case TCC_ATTR_INTS: ((int64_t *)arr)[i] = it[i].u.i; break;
		case TCC_ATTR_STRINGS: ((struct tcc_bytes *)arr)[i] = it[i].u.s; break;
		default: ((void **)arr)[i] = it[i].u.t; break; /* every pointer member */
		}
	}
	a->n = n;
	a->u.floats = (float *)arr;
	return 0;
}

/* After '[': the items, then ']'. */
static tcc_stat list_value(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_attr *a)
{
	struct tcc_avec items = { 0 };
	struct tcc_attr one;
	enum tcc_attr_kind expect = elem_kind(a->kind);

	if (a->kind != TCC_ATTR_UNDEFINED && expect == TCC_ATTR_UNDEFINED)
		return tcc_text_error(p, "attribute '%s' of kind %s cannot be a list", a->name,
				      kind_name(a->kind));
	if (!tcc_text_accept(p, ']')) {
		do {
			memset(&one, 0, sizeof(one));
			one.name = a->name;
			if (single_value(p, g, &one, expect) < 0 ||
			    !tcc_text_push(p, &items, &one, sizeof(one)))
				return -1;
		} while (tcc_text_accept(p, ','));
		if (tcc_text_expect(p, ']', "after list attribute") < 0)
			return -1;
	}
	if (a->kind == TCC_ATTR_UNDEFINED) {
		if (!items.n)
			return tcc_text_error(p, "empty list attribute '%s' needs a type "
					      "(name: ints = [])", a->name);
		a->kind = infer_list_kind(p, items.data, items.n);
		if (a->kind == TCC_ATTR_UNDEFINED)
			return -1;
	}
	return build_list(p, a, items.data, items.n);
}

static tcc_stat attr_kind(struct tcc_text_parser *p, enum tcc_attr_kind *k)
{
	const struct tcc_token *t = &p->lx.tok;

	for (int i = 1; i < NKINDS; i++) {
		if (attr_kind_names[i] && tcc_tok_is_word(t, attr_kind_names[i])) {
			*k = (enum tcc_attr_kind)i;
			tcc_text_next(p);
			return 0;
		}
	}
	return tcc_text_error(p, "expected an attribute type (int, floats, graph, ...)");
}

tcc_stat tcc_text_attr(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_attr *a,
		       const char *name)
{
	memset(a, 0, sizeof(*a));
	a->name = name;
	if (tcc_text_accept(p, ':') && attr_kind(p, &a->kind) < 0)
		return -1;
	if (tcc_text_expect(p, '=', "after attribute name") < 0)
		return -1;
	if (tcc_text_accept(p, '@')) {
		if (a->kind == TCC_ATTR_UNDEFINED)
			return tcc_text_error(p, "reference attribute '%s' needs a type "
					      "(name: float = @ref)", name);
		a->ref_attr_name = tcc_text_name(p, "referenced attribute");
		return a->ref_attr_name ? 0 : -1;
	}
	if (tcc_text_accept(p, '['))
		return list_value(p, g, a);
	return single_value(p, g, a, a->kind);
}

tcc_stat tcc_text_attrs(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_attr **attrs,
			int *n)
{
	struct tcc_avec v = { 0 };
	struct tcc_attr a;
	const char *name;

	if (tcc_text_expect(p, '<', "before attributes") < 0)
		return -1;
	if (!tcc_text_accept(p, '>')) {
		do {
			name = tcc_text_name(p, "attribute name");
			if (!name || tcc_text_attr(p, g, &a, name) < 0 ||
			    !tcc_text_push(p, &v, &a, sizeof(a)))
				return -1;
		} while (tcc_text_accept(p, ','));
		if (tcc_text_expect(p, '>', "after attributes") < 0)
			return -1;
	}
	if (v.n > INT32_MAX)
		return tcc_text_error(p, "too many attributes");
	*attrs = v.data;
	*n = (int)v.n;
	return 0;
}
