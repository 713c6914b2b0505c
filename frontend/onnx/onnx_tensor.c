/* TensorProto, SparseTensorProto and TypeProto ↔ IR, shared by the importer and the exporter.
 *
 * A TensorProto holds its data in one of three places: raw_data (packed little-endian, exactly
 * the tensor's byte size), a file named by external_data, or the typed repeated field of its
 * element type (float_data, int32_data, ...). All three decode to the same tcc_tensor bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frontend/onnx/onnx_private.h"

/* The name diagnostics use for tp. */
static const char *tensor_name(const Onnx__TensorProto *tp)
{
	return tp->name && tp->name[0] ? tp->name : "<unnamed>";
}

/* The element type and shape of a TensorProto, checked before anything is allocated. */
struct shape {
	int dtype;
	int64_t numel;
	size_t nbytes;
};

/* ---- typed fields ---- */

/* Number of entries the typed field must hold: one per element, two per complex element, one
 * per packed byte for sub-byte types (int32_data holds a byte per entry). */
static int64_t typed_count(const struct shape *sh)
{
	if (sh->dtype == TCC_DT_COMPLEX64 || sh->dtype == TCC_DT_COMPLEX128)
		return 2 * sh->numel;
	if (sh->dtype != TCC_DT_STRING && tcc_dtype_bits(sh->dtype) < 8)
		return (int64_t)sh->nbytes;
	return sh->numel;
}

/* The typed field that carries elements of "dtype": its name, and its length in *have. */
static const char *typed_field(int dtype, const Onnx__TensorProto *tp, size_t *have)
{
	switch (dtype) {
	case TCC_DT_FLOAT: case TCC_DT_COMPLEX64:
		*have = tp->n_float_data;
		return "float_data";
	case TCC_DT_DOUBLE: case TCC_DT_COMPLEX128:
		*have = tp->n_double_data;
		return "double_data";
	case TCC_DT_INT64:
		*have = tp->n_int64_data;
		return "int64_data";
	case TCC_DT_UINT32: case TCC_DT_UINT64:
		*have = tp->n_uint64_data;
		return "uint64_data";
	case TCC_DT_STRING:
		*have = tp->n_string_data;
		return "string_data";
	default:
		*have = tp->n_int32_data;
		return "int32_data";
	}
}

static tcc_stat check_typed(struct tcc_ctx *ctx, struct tcc_loc loc, const struct shape *sh,
			    const Onnx__TensorProto *tp)
{
	size_t have;
	const char *field = typed_field(sh->dtype, tp, &have);
	int64_t need = typed_count(sh);

	if ((uint64_t)need == have)
		return 0;
	tcc_diag_error(ctx->diag, loc, "tensor '%s': %s holds %zu values, expected %lld",
		       tensor_name(tp), field, have, (long long)need);
	return -1;
}

/* Copy int32_data into t, narrowing each entry to the element's storage width. */
static void fill_from_int32(struct tcc_tensor_data *t, const int32_t *src, size_t n)
{
	int bits = tcc_dtype_bits(t->dtype);

	for (size_t i = 0; i < n; i++) {
		if (t->dtype == TCC_DT_BOOL)
			((uint8_t *)t->data)[i] = src[i] != 0;
		else if (bits <= 8)
			((uint8_t *)t->data)[i] = (uint8_t)src[i];
		else if (bits == 16)
			((uint16_t *)t->data)[i] = (uint16_t)src[i];
		else
			((int32_t *)t->data)[i] = src[i];
	}
}

static tcc_stat fill_strings(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_tensor_data *t,
			     const Onnx__TensorProto *tp)
{
	for (int64_t i = 0; i < t->numel; i++) {
		const ProtobufCBinaryData *s = &tp->string_data[i];
		char *copy = tcc_arena_strndup(ctx->arena, (const char *)s->data, s->len);

		if (!copy)
			return tcc_ctx_oom(ctx, loc);
		t->strings[i].data = copy;
		t->strings[i].len = s->len;
	}
	return 0;
}

/* Decode the typed field that carries t's element type (its length was checked). */
static tcc_stat fill_typed(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_tensor_data *t,
			   const Onnx__TensorProto *tp)
{
	size_t have;

	typed_field(t->dtype, tp, &have);
	if (!have)
		return 0;
	switch (t->dtype) {
	case TCC_DT_FLOAT: case TCC_DT_COMPLEX64:
		memcpy(t->data, tp->float_data, have * sizeof(float));
		return 0;
	case TCC_DT_DOUBLE: case TCC_DT_COMPLEX128:
		memcpy(t->data, tp->double_data, have * sizeof(double));
		return 0;
	case TCC_DT_INT64:
		memcpy(t->data, tp->int64_data, have * sizeof(int64_t));
		return 0;
	case TCC_DT_UINT64:
		memcpy(t->data, tp->uint64_data, have * sizeof(uint64_t));
		return 0;
	case TCC_DT_UINT32:
		for (size_t i = 0; i < have; i++)
			((uint32_t *)t->data)[i] = (uint32_t)tp->uint64_data[i];
		return 0;
	case TCC_DT_STRING:
		return fill_strings(ctx, loc, t, tp);
	default:
		fill_from_int32(t, tp->int32_data, have);
		return 0;
	}
}

/* ---- external data ---- */

/* Parse a non-negative decimal ("offset", "length"); -1 when malformed. */
static long long parse_size(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}

/* A location that stays inside the model's directory: relative, without ".." components. */
static int location_is_safe(const char *p)
{
	if (!p[0] || p[0] == '/')
		return 0;
	for (const char *c = p; *c; ) {
		size_t n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return 0;
		c += n;
		c += *c == '/';
	}
	return 1;
}

struct external {
	const char *location;
	long long offset, length;
};

static tcc_stat parse_external(struct tcc_ctx *ctx, struct tcc_loc loc,
			       const Onnx__TensorProto *tp, struct external *ext)
{
	ext->location = NULL;
	ext->offset = 0;
	ext->length = -1;
	for (size_t i = 0; i < tp->n_external_data; i++) {
		const char *key = tcc_onnx_str(tp->external_data[i]->key);
		const char *val = tp->external_data[i]->value;
		long long *dst = strcmp(key, "offset") == 0 ? &ext->offset
			       : strcmp(key, "length") == 0 ? &ext->length : NULL;

		if (strcmp(key, "location") == 0)
			ext->location = tcc_onnx_str(val);
		if (dst && (*dst = parse_size(val)) < 0) {
			tcc_diag_error(ctx->diag, loc, "tensor '%s': invalid external data %s '%s'",
				       tensor_name(tp), key, tcc_onnx_str(val));
			return -1;
		}
	}
	if (!ext->location) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': external data has no location",
			       tensor_name(tp));
		return -1;
	}
	if (!location_is_safe(ext->location)) {
		tcc_diag_error(ctx->diag, loc,
			       "tensor '%s': external data location '%s' must be a relative path "
			       "inside the model's directory", tensor_name(tp), ext->location);
		return -1;
	}
	return 0;
}

/* Open the file holding tp's external data (relative to "dir") and check it holds the
 * tensor's bytes; the stream is positioned at them. NULL on error (reported). */
static FILE *open_external(struct tcc_ctx *ctx, struct tcc_loc loc, const char *dir,
			   const struct shape *sh, const Onnx__TensorProto *tp)
{
	struct external ext;
	const char *full;
	struct stat st;
	FILE *f;

	if (sh->dtype == TCC_DT_STRING) {
		tcc_diag_error(ctx->diag, loc,
			       "tensor '%s': string tensors cannot use external data",
			       tensor_name(tp));
		return NULL;
	}
	if (parse_external(ctx, loc, tp, &ext) < 0)
		return NULL;
	if (ext.length >= 0 && (unsigned long long)ext.length != sh->nbytes) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': external data length %lld does not "
			       "match the tensor's %zu bytes", tensor_name(tp), ext.length,
			       sh->nbytes);
		return NULL;
	}
	full = dir ? tcc_arena_printf(ctx->arena, "%s/%s", dir, ext.location) : ext.location;
	if (!full) {
		tcc_ctx_oom(ctx, loc);
		return NULL;
	}
	f = fopen(full, "rb");
	if (!f) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': cannot open external data '%s': %s",
			       tensor_name(tp), ext.location, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size >= (unsigned long long)ext.offset &&
	    (unsigned long long)st.st_size - (unsigned long long)ext.offset >= sh->nbytes &&
	    fseeko(f, (off_t)ext.offset, SEEK_SET) == 0)
		return f;
	fclose(f);
	tcc_diag_error(ctx->diag, loc, "tensor '%s': external data '%s' is too short "
		       "(%zu bytes needed at offset %lld)", tensor_name(tp), ext.location,
		       sh->nbytes, ext.offset);
	return NULL;
}

/* ---- TensorProto → tcc_tensor ---- */

/* Check tp's element type and dims and compute its size; -1 on error (reported). */
static tcc_stat check_shape(struct tcc_ctx *ctx, struct tcc_loc loc, const Onnx__TensorProto *tp,
			    struct shape *sh)
{
	sh->dtype = tp->has_data_type ? tp->data_type : 0;
	if (!tcc_dtype_is_valid(sh->dtype)) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': unknown element type %d",
			       tensor_name(tp), sh->dtype);
		return -1;
	}
	if (tp->n_dims > INT32_MAX) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': too many dimensions", tensor_name(tp));
		return -1;
	}
	for (size_t i = 0; i < tp->n_dims; i++) {
		if (tp->dims[i] < 0) {
			tcc_diag_error(ctx->diag, loc, "tensor '%s': negative dimension %lld",
				       tensor_name(tp), (long long)tp->dims[i]);
			return -1;
		}
	}
	sh->numel = tcc_shape_numel((int32_t)tp->n_dims, tp->dims);
	if (sh->numel < 0) {
		/* Let tcc_tensor_new say why (it reports before allocating anything). */
		tcc_tensor_new(ctx, loc, sh->dtype, (int32_t)tp->n_dims, tp->dims);
		return -1;
	}
	sh->nbytes = (size_t)((sh->numel * tcc_dtype_bits(sh->dtype) + 7) / 8);
	return 0;
}

static tcc_stat check_raw(struct tcc_ctx *ctx, struct tcc_loc loc, const struct shape *sh,
			  const Onnx__TensorProto *tp)
{
	if (sh->dtype == TCC_DT_STRING) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': string tensors cannot use raw_data",
			       tensor_name(tp));
		return -1;
	}
	if (tp->raw_data.len != sh->nbytes) {
		tcc_diag_error(ctx->diag, loc,
			       "tensor '%s': raw_data holds %zu bytes, expected %zu",
			       tensor_name(tp), tp->raw_data.len, sh->nbytes);
		return -1;
	}
	return 0;
}

/* Copy tp's data into t from raw_data, the open external file "ext" or the typed field. */
static tcc_stat fill(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_tensor_data *t,
		     const Onnx__TensorProto *tp, FILE *ext)
{
	if (ext) {
		if (fread(t->data, 1, t->nbytes, ext) == t->nbytes)
			return 0;
		tcc_diag_error(ctx->diag, loc, "tensor '%s': cannot read external data: %s",
			       tensor_name(tp), strerror(errno));
		return -1;
	}
	if (tp->has_raw_data) {
		if (t->nbytes)
			memcpy(t->data, tp->raw_data.data, t->nbytes);
		return 0;
	}
	return fill_typed(ctx, loc, t, tp);
}

/* Name and doc string of t, from tp. */
static tcc_stat copy_names(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_tensor_data *t,
			   const Onnx__TensorProto *tp)
{
	if (tp->name && tp->name[0] && !(t->name = tcc_arena_strdup(ctx->arena, tp->name)))
		return tcc_ctx_oom(ctx, loc);
	if (tp->doc_string && tp->doc_string[0] &&
	    !(t->doc_string = tcc_arena_strdup(ctx->arena, tp->doc_string)))
		return tcc_ctx_oom(ctx, loc);
	return 0;
}

/* The data's size is checked against the shape before the tensor is allocated, so a damaged
 * file cannot make us allocate more than it holds. */
__tcc_keep struct tcc_tensor_data *tcc_onnx_tensor_import(__tcc_keep struct tcc_ctx *ctx,
						     struct tcc_loc loc, __tcc_null const char *dir,
						     __tcc_keep const Onnx__TensorProto *tp)
{
	struct tcc_tensor_data *t = NULL;
	struct shape sh;
	FILE *ext = NULL;
	tcc_stat r;

	if (tp->segment) {
		tcc_diag_error(ctx->diag, loc, "tensor '%s': segmented tensors are not supported",
			       tensor_name(tp));
		return NULL;
	}
	if (check_shape(ctx, loc, tp, &sh) < 0)
		return NULL;
	if (tp->has_data_location &&
	    tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
		r = (ext = open_external(ctx, loc, dir, &sh, tp)) ? 0 : -1;
	else if (tp->has_raw_data)
		r = check_raw(ctx, loc, &sh, tp);
	else
		r = check_typed(ctx, loc, &sh, tp);
	if (r == 0)
		t = tcc_tensor_new(ctx, loc, sh.dtype, (int32_t)tp->n_dims, tp->dims);
	if (t && (copy_names(ctx, loc, t, tp) < 0 || fill(ctx, loc, t, tp, ext) < 0))
		t = NULL;
	if (ext)
		fclose(ext);
	return t;
}

__tcc_keep struct tcc_sparse_tensor *
tcc_onnx_sparse_import(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc,
		       __tcc_null const char *dir, __tcc_keep const Onnx__SparseTensorProto *sp)
{
	struct tcc_sparse_tensor *s;

	if (!sp->values || !sp->indices) {
		tcc_diag_error(ctx->diag, loc, "sparse tensor '%s' lacks %s",
			       sp->values ? tensor_name(sp->values) : "<unnamed>",
			       sp->values ? "indices" : "values");
		return NULL;
	}
	for (size_t i = 0; i < sp->n_dims && sp->n_dims <= INT32_MAX; i++) {
		if (sp->dims[i] < 0) {
			tcc_diag_error(ctx->diag, loc,
				       "sparse tensor '%s': negative dimension %lld",
				       tensor_name(sp->values), (long long)sp->dims[i]);
			return NULL;
		}
	}
	s = tcc_arena_alloc(ctx->arena, sizeof(*s));
	if (!s) {
		tcc_ctx_oom(ctx, loc);
		return NULL;
	}
	s->values = tcc_onnx_tensor_import(ctx, loc, dir, sp->values);
	s->indices = s->values ? tcc_onnx_tensor_import(ctx, loc, dir, sp->indices) : NULL;
	if (!s->indices)
		return NULL;
	s->rank = (int32_t)sp->n_dims;
	s->dims = tcc_arena_memdup(ctx->arena, sp->dims, sp->n_dims * sizeof(int64_t));
	if (!s->dims) {
		tcc_ctx_oom(ctx, loc);
		return NULL;
	}
	return s;
}

/* ---- TypeProto → tcc_type ---- */

enum { MAX_TYPE_DEPTH = 64 };

static tcc_stat check_elem(struct tcc_ctx *ctx, struct tcc_loc loc, int elem)
{
	if (elem == 0 || tcc_dtype_is_valid(elem))
		return 0;
	tcc_diag_error(ctx->diag, loc, "unknown element type %d in a type", elem);
	return -1;
}

static tcc_stat import_shape(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_type *t,
			     const Onnx__TensorShapeProto *shape)
{
	if (!shape) {
		t->rank = -1;
		return 0;
	}
	if (shape->n_dim > INT32_MAX) {
		tcc_diag_error(ctx->diag, loc, "type has too many dimensions");
		return -1;
	}
	t->rank = (int32_t)shape->n_dim;
	t->dims = tcc_arena_calloc(ctx->arena, shape->n_dim, sizeof(*t->dims));
	if (!t->dims)
		return tcc_ctx_oom(ctx, loc);
	for (size_t i = 0; i < shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = shape->dim[i];
		struct tcc_dim *out = &t->dims[i];

		out->value = -1;
		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
			out->value = d->dim_value >= 0 ? d->dim_value : -1;
		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
		    d->dim_param && d->dim_param[0] &&
		    !(out->param = tcc_arena_strdup(ctx->arena, d->dim_param)))
			return tcc_ctx_oom(ctx, loc);
	}
	return 0;
}

static tcc_stat import_type(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_type *t,
			    const Onnx__TypeProto *tp, int depth);

/* The element type of a sequence, optional or map value, when present. */
static tcc_stat import_inner(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_type *t,
			     const Onnx__TypeProto *inner, int depth)
{
	if (!inner)
		return 0;
	t->inner = tcc_arena_alloc(ctx->arena, sizeof(*t->inner));
	if (!t->inner)
		return tcc_ctx_oom(ctx, loc);
	return import_type(ctx, loc, t->inner, inner, depth + 1);
}

static tcc_stat import_type(struct tcc_ctx *ctx, struct tcc_loc loc, struct tcc_type *t,
			    const Onnx__TypeProto *tp, int depth)
{
	memset(t, 0, sizeof(*t));
	t->rank = -1;
	if (!tp)
		return 0;
	if (depth > MAX_TYPE_DEPTH) {
		tcc_diag_error(ctx->diag, loc, "type nesting is too deep");
		return -1;
	}
	if (tp->denotation && tp->denotation[0] &&
	    !(t->denotation = tcc_arena_strdup(ctx->arena, tp->denotation)))
		return tcc_ctx_oom(ctx, loc);
	switch (tp->value_case) {
	case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
		t->kind = TCC_TYPE_TENSOR;
		t->elem = tp->tensor_type->has_elem_type ? tp->tensor_type->elem_type : 0;
		if (check_elem(ctx, loc, t->elem) < 0)
			return -1;
		return import_shape(ctx, loc, t, tp->tensor_type->shape);
	case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE: {
		const Onnx__TypeProto__SparseTensor *st = tp->sparse_tensor_type;

		t->kind = TCC_TYPE_SPARSE_TENSOR;
		t->elem = st->has_elem_type ? st->elem_type : 0;
		if (check_elem(ctx, loc, t->elem) < 0)
			return -1;
		return import_shape(ctx, loc, t, st->shape);
	}
	case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
		t->kind = TCC_TYPE_SEQUENCE;
		return import_inner(ctx, loc, t, tp->sequence_type->elem_type, depth);
	case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
		t->kind = TCC_TYPE_OPTIONAL;
		return import_inner(ctx, loc, t, tp->optional_type->elem_type, depth);
	case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
		t->kind = TCC_TYPE_MAP;
		t->elem = tp->map_type->has_key_type ? tp->map_type->key_type : 0;
		if (check_elem(ctx, loc, t->elem) < 0)
			return -1;
		return import_inner(ctx, loc, t, tp->map_type->value_type, depth);
	default:
		return 0;
	}
}

tcc_stat tcc_onnx_type_import(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc,
			      struct tcc_type *t, __tcc_null const Onnx__TypeProto *tp)
{
	return import_type(ctx, loc, t, tp, 0);
}

/* ---- export ---- */

/* protobuf-c messages take non-const strings; packing never writes through them. */
static char *mut(const char *s)
{
	return (char *)s;
}

__tcc_keep Onnx__TensorProto *tcc_onnx_tensor_export(__tcc_keep struct tcc_arena *a,
						     __tcc_keep const struct tcc_tensor_data *t,
						     __tcc_null const char *name)
{
	Onnx__TensorProto *tp = tcc_arena_alloc(a, sizeof(*tp));

	if (!tp)
		return NULL;
	onnx__tensor_proto__init(tp);
	tp->n_dims = (size_t)t->rank;
	tp->dims = t->dims;
	tp->has_data_type = 1;
	tp->data_type = t->dtype;
	tp->name = mut(name ? name : t->name);
	tp->doc_string = mut(t->doc_string);
	if (t->dtype != TCC_DT_STRING) {
		tp->has_raw_data = 1;
		tp->raw_data.len = t->nbytes;
		tp->raw_data.data = t->data;
		return tp;
	}
	tp->n_string_data = (size_t)t->numel;
	tp->string_data = tcc_arena_calloc(a, (size_t)t->numel, sizeof(*tp->string_data));
	if (!tp->string_data)
		return NULL;
	for (int64_t i = 0; i < t->numel; i++) {
		tp->string_data[i].len = t->strings[i].len;
		tp->string_data[i].data = (uint8_t *)mut(t->strings[i].data);
	}
	return tp;
}

__tcc_keep Onnx__SparseTensorProto *
tcc_onnx_sparse_export(__tcc_keep struct tcc_arena *a,
		       __tcc_keep const struct tcc_sparse_tensor *sp, __tcc_null const char *name)
{
	Onnx__SparseTensorProto *s = tcc_arena_alloc(a, sizeof(*s));

	if (!s)
		return NULL;
	onnx__sparse_tensor_proto__init(s);
	s->values = tcc_onnx_tensor_export(a, sp->values, name);
	s->indices = tcc_onnx_tensor_export(a, sp->indices, NULL);
	s->n_dims = (size_t)sp->rank;
	s->dims = sp->dims;
	return s->values && s->indices ? s : NULL;
}

static Onnx__TensorShapeProto *export_shape(struct tcc_arena *a, const struct tcc_type *t)
{
	Onnx__TensorShapeProto *shape = tcc_arena_alloc(a, sizeof(*shape));

	if (!shape)
		return NULL;
	onnx__tensor_shape_proto__init(shape);
	shape->n_dim = (size_t)t->rank;
	shape->dim = tcc_arena_calloc(a, (size_t)t->rank, sizeof(*shape->dim));
	if (!shape->dim)
		return NULL;
	for (int32_t i = 0; i < t->rank; i++) {
		Onnx__TensorShapeProto__Dimension *d = tcc_arena_alloc(a, sizeof(*d));

		if (!d)
			return NULL;
		onnx__tensor_shape_proto__dimension__init(d);
		if (t->dims[i].value >= 0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			d->dim_value = t->dims[i].value;
		} else if (t->dims[i].param) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			d->dim_param = mut(t->dims[i].param);
		}
		shape->dim[i] = d;
	}
	return shape;
}

/* The tensor / sparse tensor part of a TypeProto. */
static tcc_stat export_tensor_type(struct tcc_arena *a, Onnx__TypeProto *tp,
				   const struct tcc_type *t)
{
	Onnx__TensorShapeProto *shape = NULL;

	if (t->rank >= 0 && !(shape = export_shape(a, t)))
		return -1;
	if (t->kind == TCC_TYPE_SPARSE_TENSOR) {
		Onnx__TypeProto__SparseTensor *st = tcc_arena_alloc(a, sizeof(*st));
		if (!st)
			return -1;
		onnx__type_proto__sparse_tensor__init(st);
		st->has_elem_type = t->elem != 0;
		st->elem_type = t->elem;
		st->shape = shape;
		tp->value_case = ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE;
		tp->sparse_tensor_type = st;
	} else {
		Onnx__TypeProto__Tensor *tt = tcc_arena_alloc(a, sizeof(*tt));
		if (!tt)
			return -1;
		onnx__type_proto__tensor__init(tt);
		tt->has_elem_type = t->elem != 0;
		tt->elem_type = t->elem;
		tt->shape = shape;
		tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
		tp->tensor_type = tt;
	}
	return 0;
}

/* Sequence, optional and map types: a wrapper whose element type is t->inner. */
static tcc_stat export_wrapped_type(struct tcc_arena *a, Onnx__TypeProto *tp,
				    const struct tcc_type *t)
{
	int err = 0;
	Onnx__TypeProto *inner = t->inner ? tcc_onnx_type_export(a, t->inner, &err) : NULL;

	if (err)
		return -1;
	if (t->kind == TCC_TYPE_SEQUENCE) {
		Onnx__TypeProto__Sequence *s = tcc_arena_alloc(a, sizeof(*s));
		if (!s)
			return -1;
		onnx__type_proto__sequence__init(s);
		s->elem_type = inner;
		tp->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
		tp->sequence_type = s;
	} else if (t->kind == TCC_TYPE_OPTIONAL) {
		Onnx__TypeProto__Optional *o = tcc_arena_alloc(a, sizeof(*o));
		if (!o)
			return -1;
		onnx__type_proto__optional__init(o);
		o->elem_type = inner;
		tp->value_case = ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE;
		tp->optional_type = o;
	} else {
		Onnx__TypeProto__Map *m = tcc_arena_alloc(a, sizeof(*m));
		if (!m)
			return -1;
		onnx__type_proto__map__init(m);
		m->has_key_type = t->elem != 0;
		m->key_type = t->elem;
		m->value_type = inner;
		tp->value_case = ONNX__TYPE_PROTO__VALUE_MAP_TYPE;
		tp->map_type = m;
	}
	return 0;
}

__tcc_keep Onnx__TypeProto *tcc_onnx_type_export(__tcc_keep struct tcc_arena *a,
						 __tcc_keep const struct tcc_type *t, int *err)
{
	Onnx__TypeProto *tp;
	tcc_stat r = 0;

	if (t->kind == TCC_TYPE_UNKNOWN && !t->denotation)
		return NULL;
	tp = tcc_arena_alloc(a, sizeof(*tp));
	if (!tp)
		goto error;
	onnx__type_proto__init(tp);
	tp->denotation = mut(t->denotation);
	switch (t->kind) {
	case TCC_TYPE_TENSOR: case TCC_TYPE_SPARSE_TENSOR:
		r = export_tensor_type(a, tp, t);
		break;
	case TCC_TYPE_SEQUENCE: case TCC_TYPE_OPTIONAL: case TCC_TYPE_MAP:
		r = export_wrapped_type(a, tp, t);
		break;
	default:
		break;
	}
	if (r < 0)
		goto error;
	return tp;
error:
	*err = 1;
	return NULL;
}
