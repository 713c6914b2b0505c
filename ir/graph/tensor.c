/* Element types, types and constant tensors of the graph IR. */
#include <math.h>
#include <string.h>

#include "ir/graph/graph.h"

/* Name and bits of each dtype, indexed by its ONNX code. */
static const struct {
	const char *name;
	int bits;
} dtype_info[TCC_DT_COUNT] = {
	[TCC_DT_UNDEFINED] = { NULL, 0 },
	[TCC_DT_FLOAT] = { "float", 32 },
	[TCC_DT_UINT8] = { "uint8", 8 },
	[TCC_DT_INT8] = { "int8", 8 },
	[TCC_DT_UINT16] = { "uint16", 16 },
	[TCC_DT_INT16] = { "int16", 16 },
	[TCC_DT_INT32] = { "int32", 32 },
	[TCC_DT_INT64] = { "int64", 64 },
	[TCC_DT_STRING] = { "string", 0 },
	[TCC_DT_BOOL] = { "bool", 8 },
	[TCC_DT_FLOAT16] = { "float16", 16 },
	[TCC_DT_DOUBLE] = { "double", 64 },
	[TCC_DT_UINT32] = { "uint32", 32 },
	[TCC_DT_UINT64] = { "uint64", 64 },
	[TCC_DT_COMPLEX64] = { "complex64", 64 },
	[TCC_DT_COMPLEX128] = { "complex128", 128 },
	[TCC_DT_BFLOAT16] = { "bfloat16", 16 },
	[TCC_DT_FLOAT8E4M3FN] = { "float8e4m3fn", 8 },
	[TCC_DT_FLOAT8E4M3FNUZ] = { "float8e4m3fnuz", 8 },
	[TCC_DT_FLOAT8E5M2] = { "float8e5m2", 8 },
	[TCC_DT_FLOAT8E5M2FNUZ] = { "float8e5m2fnuz", 8 },
	[TCC_DT_UINT4] = { "uint4", 4 },
	[TCC_DT_INT4] = { "int4", 4 },
	[TCC_DT_FLOAT4E2M1] = { "float4e2m1", 4 },
	[TCC_DT_FLOAT8E8M0] = { "float8e8m0", 8 },
	[TCC_DT_UINT2] = { "uint2", 2 },
	[TCC_DT_INT2] = { "int2", 2 },
};

int tcc_dtype_is_valid(int dtype)
{
	return dtype > 0 && dtype < TCC_DT_COUNT;
}

const char *tcc_dtype_name(int dtype)
{
	return tcc_dtype_is_valid(dtype) ? dtype_info[dtype].name : NULL;
}

enum tcc_dtype tcc_dtype_from_name(const char *name, size_t len)
{
	for (int d = 1; d < TCC_DT_COUNT; d++)
		if (strlen(dtype_info[d].name) == len && memcmp(dtype_info[d].name, name, len) == 0)
			return (enum tcc_dtype)d;
	return TCC_DT_UNDEFINED;
}

int tcc_dtype_bits(int dtype)
{
	return tcc_dtype_is_valid(dtype) ? dtype_info[dtype].bits : 0;
}

int tcc_dtype_is_float(int dtype)
{
	switch (dtype) {
	case TCC_DT_FLOAT: case TCC_DT_FLOAT16: case TCC_DT_DOUBLE: case TCC_DT_BFLOAT16:
	case TCC_DT_FLOAT8E4M3FN: case TCC_DT_FLOAT8E4M3FNUZ: case TCC_DT_FLOAT8E5M2:
	case TCC_DT_FLOAT8E5M2FNUZ: case TCC_DT_FLOAT4E2M1: case TCC_DT_FLOAT8E8M0:
		return 1;
	default:
		return 0;
	}
}

int tcc_dtype_is_signed(int dtype)
{
	switch (dtype) {
	case TCC_DT_INT8: case TCC_DT_INT16: case TCC_DT_INT32: case TCC_DT_INT64:
	case TCC_DT_INT4: case TCC_DT_INT2:
		return 1;
	default:
		return 0;
	}
}

int tcc_dtype_is_int(int dtype)
{
	switch (dtype) {
	case TCC_DT_UINT8: case TCC_DT_UINT16: case TCC_DT_UINT32: case TCC_DT_UINT64:
	case TCC_DT_UINT4: case TCC_DT_UINT2:
		return 1;
	default:
		return tcc_dtype_is_signed(dtype);
	}
}

/* ---- float16 / bfloat16 ---- */

float tcc_f16_to_f32(uint16_t h)
{
	int sign = h >> 15, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
	float v;

	if (exp == 0)
		v = ldexpf((float)man, -24);
	else if (exp == 31)
		v = man ? NAN : INFINITY;
	else
		v = ldexpf((float)(man | 0x400), exp - 25);
	return sign ? -v : v;
}

uint16_t tcc_f32_to_f16(float f)
{
	uint32_t x;
	memcpy(&x, &f, 4);
	uint32_t sign = (x >> 16) & 0x8000;
	int32_t exp = (int32_t)((x >> 23) & 0xff);
	uint32_t man = x & 0x7fffff;

	if (exp == 0xff)
		return (uint16_t)(sign | 0x7c00 | (man ? 0x200 : 0));
	exp = exp - 127 + 15;
	if (exp >= 31)
		return (uint16_t)(sign | 0x7c00);
	if (exp <= 0) {
		if (exp < -10)
			return (uint16_t)sign;
		man |= 0x800000;
		uint32_t shift = (uint32_t)(14 - exp);
		uint32_t half = man >> shift;
		uint32_t rem = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
		if (rem > mid || (rem == mid && (half & 1)))
			half++;
		return (uint16_t)(sign | half);
	}
	uint32_t out = sign | ((uint32_t)exp << 10) | (man >> 13);
	uint32_t rem = man & 0x1fff;
	if (rem > 0x1000 || (rem == 0x1000 && (out & 1)))
		out++;
	return (uint16_t)out;
}

float tcc_bf16_to_f32(uint16_t h)
{
	uint32_t x = (uint32_t)h << 16;
	float f;

	memcpy(&f, &x, 4);
	return f;
}

uint16_t tcc_f32_to_bf16(float f)
{
	uint32_t x;

	memcpy(&x, &f, 4);
	if (isnan(f))
		return (uint16_t)((x >> 16) | 0x40);
	x += 0x7fff + ((x >> 16) & 1);
	return (uint16_t)(x >> 16);
}

/* ---- float8 / float4 decoding (value of a code, per the ONNX spec) ---- */

static double decode_minifloat(unsigned code, int ebits, int mbits, int bias, int fnuz, int fn)
{
	unsigned sign = code >> (ebits + mbits);
	unsigned exp = (code >> mbits) & ((1u << ebits) - 1);
	unsigned man = code & ((1u << mbits) - 1);
	double v;

	if (fnuz && code == (1u << (ebits + mbits)))
		return NAN;
	if (!fnuz && !fn && exp == (1u << ebits) - 1)
		return man ? NAN : (sign ? -INFINITY : INFINITY);
	if (fn && exp == (1u << ebits) - 1 && man == (1u << mbits) - 1)
		return NAN;
	if (exp == 0)
		v = ldexp((double)man, 1 - bias - mbits);
	else
		v = ldexp((double)(man | (1u << mbits)), (int)exp - bias - mbits);
	return sign ? -v : v;
}

static double decode_small_float(int dtype, unsigned code)
{
	switch (dtype) {
	case TCC_DT_FLOAT8E4M3FN: return decode_minifloat(code, 4, 3, 7, 0, 1);
	case TCC_DT_FLOAT8E4M3FNUZ: return decode_minifloat(code, 4, 3, 8, 1, 0);
	case TCC_DT_FLOAT8E5M2: return decode_minifloat(code, 5, 2, 15, 0, 0);
	case TCC_DT_FLOAT8E5M2FNUZ: return decode_minifloat(code, 5, 2, 16, 1, 0);
	case TCC_DT_FLOAT4E2M1: {
		unsigned sign = code >> 3, exp = (code >> 1) & 3, man = code & 1;
		double v = exp ? ldexp(1.0 + man * 0.5, (int)exp - 1) : man * 0.5;
		return sign ? -v : v;
	}
	case TCC_DT_FLOAT8E8M0: return code == 0xff ? NAN : ldexp(1.0, (int)code - 127);
	default: return 0;
	}
}

/* Code of the element i of a sub-byte type (bits = 4 or 2), as stored (unsigned). */
static unsigned get_packed(const struct tcc_tensor_data *t, int64_t i, int bits)
{
	int per = 8 / bits;
	unsigned byte = ((const uint8_t *)t->data)[i / per];

	return (byte >> ((i % per) * bits)) & ((1u << bits) - 1);
}

static void set_packed(struct tcc_tensor_data *t, int64_t i, int bits, unsigned code)
{
	int per = 8 / bits, shift = (int)(i % per) * bits;
	uint8_t *byte = (uint8_t *)t->data + i / per;
	unsigned mask = ((1u << bits) - 1) << shift;

	*byte = (uint8_t)((*byte & ~mask) | ((code << shift) & mask));
}

static int64_t sign_extend(unsigned code, int bits)
{
	return (int64_t)(code ^ (1u << (bits - 1))) - (int64_t)(1u << (bits - 1));
}

/* Tensor data is arena memory aligned to at least 16 bytes, so element access is aligned. */
#define LOAD(T) (((const T *)t->data)[i])

double tcc_tensor_get_f64(__tcc_keep const struct tcc_tensor_data *t, int64_t i)
{
	switch (t->dtype) {
	case TCC_DT_FLOAT: return LOAD(float);
	case TCC_DT_DOUBLE: return LOAD(double);
	case TCC_DT_FLOAT16: return tcc_f16_to_f32(LOAD(uint16_t));
	case TCC_DT_BFLOAT16: return tcc_bf16_to_f32(LOAD(uint16_t));
	case TCC_DT_COMPLEX64: return ((const float *)t->data)[2 * i];
	case TCC_DT_COMPLEX128: return ((const double *)t->data)[2 * i];
	case TCC_DT_FLOAT8E4M3FN: case TCC_DT_FLOAT8E4M3FNUZ: case TCC_DT_FLOAT8E5M2:
	case TCC_DT_FLOAT8E5M2FNUZ: case TCC_DT_FLOAT8E8M0:
		return decode_small_float(t->dtype, ((const uint8_t *)t->data)[i]);
	case TCC_DT_FLOAT4E2M1: return decode_small_float(t->dtype, get_packed(t, i, 4));
	case TCC_DT_UINT64: return (double)LOAD(uint64_t);
	default: return (double)tcc_tensor_get_i64(t, i);
	}
}

int64_t tcc_tensor_get_i64(__tcc_keep const struct tcc_tensor_data *t, int64_t i)
{
	switch (t->dtype) {
	case TCC_DT_BOOL: case TCC_DT_UINT8: return LOAD(uint8_t);
	case TCC_DT_INT8: return LOAD(int8_t);
	case TCC_DT_UINT16: return LOAD(uint16_t);
	case TCC_DT_INT16: return LOAD(int16_t);
	case TCC_DT_UINT32: return LOAD(uint32_t);
	case TCC_DT_INT32: return LOAD(int32_t);
	case TCC_DT_UINT64: return (int64_t)LOAD(uint64_t);
	case TCC_DT_INT64: return LOAD(int64_t);
	case TCC_DT_UINT4: return get_packed(t, i, 4);
	case TCC_DT_INT4: return sign_extend(get_packed(t, i, 4), 4);
	case TCC_DT_UINT2: return get_packed(t, i, 2);
	case TCC_DT_INT2: return sign_extend(get_packed(t, i, 2), 2);
	case TCC_DT_STRING: case TCC_DT_UNDEFINED: return 0;
	default: {
		double d = tcc_tensor_get_f64(t, i);
		if (isnan(d))
			return 0;
		if (d >= 9.2233720368547758e18)
			return INT64_MAX;
		if (d <= -9.2233720368547758e18)
			return INT64_MIN;
		return (int64_t)d;
	}
	}
}

#define STORE(T, v) (((T *)t->data)[i] = (T)(v))

void tcc_tensor_set_f64(__tcc_keep struct tcc_tensor_data *t, int64_t i, double v)
{
	switch (t->dtype) {
	case TCC_DT_FLOAT: STORE(float, v); return;
	case TCC_DT_DOUBLE: STORE(double, v); return;
	case TCC_DT_FLOAT16: STORE(uint16_t, tcc_f32_to_f16((float)v)); return;
	case TCC_DT_BFLOAT16: STORE(uint16_t, tcc_f32_to_bf16((float)v)); return;
	case TCC_DT_COMPLEX64:
		((float *)t->data)[2 * i] = (float)v;
		((float *)t->data)[2 * i + 1] = 0;
		return;
	case TCC_DT_COMPLEX128:
		((double *)t->data)[2 * i] = v;
		((double *)t->data)[2 * i + 1] = 0;
		return;
	case TCC_DT_BOOL: STORE(uint8_t, v != 0); return;
	default:
		if (tcc_dtype_is_int(t->dtype)) {
			/* Out-of-range float to int is undefined in C; saturate first. */
			int64_t x = isnan(v) ? 0 : v >= 9.2233720368547758e18 ? INT64_MAX
				  : v <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)v;
			if (t->dtype == TCC_DT_UINT64 && v >= 9.2233720368547758e18)
				x = (int64_t)(uint64_t)(v >= 1.8446744073709552e19 ? UINT64_MAX : (uint64_t)v);
			tcc_tensor_set_i64(t, i, x);
		}
		return; /* float8/float4 constants are never produced by tcc */
	}
}

void tcc_tensor_set_i64(__tcc_keep struct tcc_tensor_data *t, int64_t i, int64_t v)
{
	switch (t->dtype) {
	case TCC_DT_BOOL: STORE(uint8_t, v != 0); return;
	case TCC_DT_UINT8: STORE(uint8_t, (uint64_t)v); return;
	case TCC_DT_INT8: STORE(int8_t, (uint64_t)v); return;
	case TCC_DT_UINT16: STORE(uint16_t, (uint64_t)v); return;
	case TCC_DT_INT16: STORE(int16_t, (uint64_t)v); return;
	case TCC_DT_UINT32: STORE(uint32_t, (uint64_t)v); return;
	case TCC_DT_INT32: STORE(int32_t, (uint64_t)v); return;
	case TCC_DT_UINT64: STORE(uint64_t, (uint64_t)v); return;
	case TCC_DT_INT64: STORE(int64_t, v); return;
	case TCC_DT_UINT4: case TCC_DT_INT4: set_packed(t, i, 4, (unsigned)v); return;
	case TCC_DT_UINT2: case TCC_DT_INT2: set_packed(t, i, 2, (unsigned)v); return;
	case TCC_DT_STRING: case TCC_DT_UNDEFINED: return;
	default: tcc_tensor_set_f64(t, i, (double)v); return;
	}
}

int64_t tcc_shape_numel(int32_t rank, const int64_t *dims)
{
	int64_t n = 1;

	for (int32_t i = 0; i < rank; i++) {
		if (dims[i] < 0)
			return -1;
		if (dims[i] == 0)
			n = 0;
		else if (n > TCC_MAX_NUMEL / dims[i])
			return -1;
		else
			n *= dims[i];
	}
	/* A zero dim after a huge one: still check every dim is sane. */
	for (int32_t i = 0; i < rank; i++)
		if (dims[i] > TCC_MAX_NUMEL)
			return -1;
	return n;
}

__tcc_keep struct tcc_tensor_data *tcc_tensor_new(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc,
					     int dtype, int32_t rank, const int64_t *dims)
{
	struct tcc_tensor_data *t;
	int64_t numel;
	int bits = tcc_dtype_bits(dtype);

	if (!tcc_dtype_is_valid(dtype)) {
		tcc_diag_error(ctx->diag, loc, "invalid tensor element type %d", dtype);
		return NULL;
	}
	if (rank < 0) {
		tcc_diag_error(ctx->diag, loc, "negative tensor rank %d", (int)rank);
		return NULL;
	}
	for (int32_t i = 0; i < rank; i++) {
		if (dims[i] < 0) {
			tcc_diag_error(ctx->diag, loc, "negative dimension %lld in tensor shape",
				       (long long)dims[i]);
			return NULL;
		}
	}
	numel = tcc_shape_numel(rank, dims);
	if (numel < 0) {
		tcc_diag_error(ctx->diag, loc, "tensor shape has more than 2^40 elements");
		return NULL;
	}
	t = tcc_arena_alloc(ctx->arena, sizeof(*t));
	if (!t)
		goto oom;
	t->dtype = dtype;
	t->rank = rank;
	t->numel = numel;
	t->dims = tcc_arena_memdup(ctx->arena, dims, (size_t)rank * sizeof(int64_t));
	if (!t->dims)
		goto oom;
	if (dtype == TCC_DT_STRING) {
		t->strings = tcc_arena_calloc(ctx->arena, (size_t)numel, sizeof(*t->strings));
		if (!t->strings)
			goto oom;
		for (int64_t i = 0; i < numel; i++)
			t->strings[i].data = "";
		return t;
	}
	t->nbytes = (size_t)((numel * bits + 7) / 8);
	t->data = tcc_arena_alloc(ctx->arena, t->nbytes);
	if (!t->data)
		goto oom;
	return t;
oom:
	tcc_ctx_oom(ctx, loc);
	return NULL;
}

__tcc_keep struct tcc_tensor_data *tcc_tensor_copy(__tcc_keep struct tcc_ctx *ctx,
					      __tcc_keep const struct tcc_tensor_data *t)
{
	struct tcc_loc loc = { 0 };
	struct tcc_tensor_data *c = tcc_tensor_new(ctx, loc, t->dtype, t->rank, t->dims);

	if (!c)
		return NULL;
	c->name = t->name;
	c->doc_string = t->doc_string;
	if (t->nbytes)
		memcpy(c->data, t->data, t->nbytes);
	if (t->strings)
		memcpy(c->strings, t->strings, (size_t)t->numel * sizeof(*t->strings));
	return c;
}

int tcc_tensor_equal(__tcc_keep const struct tcc_tensor_data *a, __tcc_keep const struct tcc_tensor_data *b)
{
	if (a->dtype != b->dtype || a->rank != b->rank || a->nbytes != b->nbytes)
		return 0;
	if (memcmp(a->dims, b->dims, (size_t)a->rank * sizeof(int64_t)) != 0)
		return 0;
	if (a->nbytes && memcmp(a->data, b->data, a->nbytes) != 0)
		return 0;
	for (int64_t i = 0; a->strings && i < a->numel; i++) {
		if (a->strings[i].len != b->strings[i].len ||
		    memcmp(a->strings[i].data, b->strings[i].data, a->strings[i].len) != 0)
			return 0;
	}
	return 1;
}

/* ---- types ---- */

void tcc_type_set_tensor(__tcc_keep struct tcc_ctx *ctx, struct tcc_type *t, int elem,
			 int32_t rank, __tcc_null const int64_t *dims)
{
	memset(t, 0, sizeof(*t));
	t->kind = TCC_TYPE_TENSOR;
	t->elem = elem;
	t->rank = rank;
	if (rank <= 0)
		return;
	t->dims = tcc_arena_calloc(ctx->arena, (size_t)rank, sizeof(*t->dims));
	if (!t->dims) {
		t->rank = -1;
		return;
	}
	for (int32_t i = 0; i < rank; i++)
		t->dims[i].value = dims ? dims[i] : -1;
}

tcc_stat tcc_type_copy(__tcc_keep struct tcc_ctx *ctx, struct tcc_type *dst,
		       const struct tcc_type *src)
{
	*dst = *src;
	if (src->rank > 0) {
		dst->dims = tcc_arena_memdup(ctx->arena, src->dims,
					     (size_t)src->rank * sizeof(*src->dims));
		if (!dst->dims)
			return -1;
	}
	if (src->inner) {
		dst->inner = tcc_arena_alloc(ctx->arena, sizeof(*dst->inner));
		if (!dst->inner || tcc_type_copy(ctx, dst->inner, src->inner) < 0)
			return -1;
	}
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int tcc_type_equal(const struct tcc_type *a, const struct tcc_type *b)
{
	if (a->kind != b->kind || a->elem != b->elem || a->rank != b->rank)
		return 0;
	for (int32_t i = 0; i < a->rank; i++)
		if (a->dims[i].value != b->dims[i].value || !str_eq(a->dims[i].param, b->dims[i].param))
			return 0;
	if (!a->inner || !b->inner)
		return a->inner == b->inner;
	return tcc_type_equal(a->inner, b->inner);
}

int tcc_type_is_static(const struct tcc_type *t)
{
	if (t->kind != TCC_TYPE_TENSOR || t->rank < 0)
		return 0;
	for (int32_t i = 0; i < t->rank; i++)
		if (t->dims[i].value < 0)
			return 0;
	return 1;
}

int64_t tcc_type_numel(const struct tcc_type *t)
{
	int64_t n = 1;

	if (!tcc_type_is_static(t))
		return -1;
	for (int32_t i = 0; i < t->rank; i++) {
		if (t->dims[i].value && n > TCC_MAX_NUMEL / t->dims[i].value)
			return -1;
		n *= t->dims[i].value;
	}
	return n;
}

const char *tcc_attr_kind_name(enum tcc_attr_kind kind)
{
	static const char *const names[] = {
		[TCC_ATTR_UNDEFINED] = "undefined", [TCC_ATTR_FLOAT] = "float",
		[TCC_ATTR_INT] = "int", [TCC_ATTR_STRING] = "string",
		[TCC_ATTR_TENSOR] = "tensor", [TCC_ATTR_GRAPH] = "graph",
		[TCC_ATTR_FLOATS] = "floats", [TCC_ATTR_INTS] = "ints",
		[TCC_ATTR_STRINGS] = "strings", [TCC_ATTR_TENSORS] = "tensors",
		[TCC_ATTR_GRAPHS] = "graphs", [TCC_ATTR_SPARSE_TENSOR] = "sparse_tensor",
		[TCC_ATTR_SPARSE_TENSORS] = "sparse_tensors", [TCC_ATTR_TYPE_PROTO] = "type_proto",
		[TCC_ATTR_TYPE_PROTOS] = "type_protos",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "undefined";
}
