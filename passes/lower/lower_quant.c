/* Lowering of the quant ops: QuantizeLinear y = saturate(round(x / scale) + zero_point)
 * (round halves to even) and DequantizeLinear y = (x - zero_point) * scale, both in one
 * statement over the shape of x. The scale (and zero point, of the same shape) is a scalar
 * (per tensor), a 1-D tensor along "axis" (per axis) or, with block_size > 0, x's shape with
 * the axis dim divided by block_size (blocked: subscript i_axis / block_size). The float8,
 * int4/uint4, int2/uint2 and float4 types are not supported. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Integer types of the quantized side. */
static int quant_int(int dt, int allow32)
{
	return dt == TCC_DT_INT8 || dt == TCC_DT_UINT8 || dt == TCC_DT_INT16 ||
	       dt == TCC_DT_UINT16 || (allow32 && dt == TCC_DT_INT32);
}

/* The smallest (hi = 0) or largest value of integer type dt. */
static double quant_bound(int dt, int hi)
{
	switch (dt) {
	case TCC_DT_INT8: return hi ? 127 : -128;
	case TCC_DT_UINT8: return hi ? 255 : 0;
	case TCC_DT_INT16: return hi ? 32767 : -32768;
	case TCC_DT_UINT16: return hi ? 65535 : 0;
	default: return hi ? 2147483647.0 : -2147483648.0;
	}
}

static int narrow_type(int dt)
{
	return dt == TCC_DT_FLOAT8E4M3FN || dt == TCC_DT_FLOAT8E4M3FNUZ ||
	       dt == TCC_DT_FLOAT8E5M2 || dt == TCC_DT_FLOAT8E5M2FNUZ || dt == TCC_DT_UINT4 ||
	       dt == TCC_DT_INT4 || dt == TCC_DT_FLOAT4E2M1 || dt == TCC_DT_FLOAT8E8M0 ||
	       dt == TCC_DT_UINT2 || dt == TCC_DT_INT2;
}

/* The form of the scale (or zero point) v against x of shape (r, dx): *axis set to the
 * normalized axis, *block to the block size (0 unless blocked); NULL when supported. */
static const char *scale_form(const struct tcc_node *n, const struct tcc_value *v, int32_t r,
			      const int64_t *dx, int *axis, int64_t *block)
{
	int32_t sr;
	const int64_t *sd;

	*block = tcc_node_attr_int(n, "block_size", 0);
	*axis = lower_axis(tcc_node_attr_int(n, "axis", 1), r);
	if (lower_shape(v, &sr, &sd) < 0)
		return "the scale / zero point has no static shape";
	if (sr == 0 || (sr == 1 && sd[0] == 1 && *block == 0)) {
		*axis = -1;
		return NULL;
	}
	if (*axis < 0)
		return "axis out of range";
	if (*block == 0)
		return sr == 1 && sd[0] == dx[*axis] ? NULL :
		       "a per-axis scale must be 1-D of the axis dim";
	if (*block < 0 || sr != r)
		return "a blocked scale must have the rank of x and block_size > 0";
	for (int i = 0; i < r; i++)
		if (i == *axis ? sd[i] != (dx[i] + *block - 1) / *block : sd[i] != dx[i])
			return "blocked scale shape does not match x and block_size";
	return NULL;
}

/* Load of scale / zero point v at the iterators of x (rank r). */
static kexpr *scale_load(struct lk *lk, struct tcc_value *v, int32_t r, int axis,
			 int64_t block)
{
	kexpr *subs[LK_MAXR];
	int32_t sr;
	const int64_t *sd;

	if (lower_shape(v, &sr, &sd) < 0)
		return NULL;
	if (sr == 0 || axis < 0) {
		for (int i = 0; i < sr; i++)
			subs[i] = ke_int(lk, 0);
		return ke_load(lk, lk_in(lk, v), subs);
	}
	if (block == 0) {
		subs[0] = ke_it(lk, axis);
		return ke_load(lk, lk_in(lk, v), subs);
	}
	ke_iters(lk, 0, r, subs);
	subs[axis] = ke2(lk, TCC_KOP_DIV, subs[axis], ke_int(lk, block));
	return ke_load(lk, lk_in(lk, v), subs);
}

static const char *check_common(const struct tcc_node *n)
{
	int32_t r;
	const int64_t *dx;
	int axis;
	int64_t block;
	const char *why;

	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1] || n->noutputs != 1 ||
	    !n->outputs[0])
		return "expects x, scale and one output";
	for (int i = 0; i < n->ninputs; i++)
		if (n->inputs[i] && narrow_type(lower_dtype(n->inputs[i])))
			return "float8/int4/uint4/int2/uint2/float4 types are not supported";
	if (narrow_type(lower_dtype(n->outputs[0])))
		return "float8/int4/uint4/int2/uint2/float4 types are not supported";
	if (lower_shape(n->inputs[0], &r, &dx) < 0 || r > LK_MAXR)
		return "x has no static shape";
	why = scale_form(n, n->inputs[1], r, dx, &axis, &block);
	if (!why && n->ninputs > 2 && n->inputs[2]) {
		int32_t sr, zr;
		const int64_t *sd, *zd;

		lower_shape(n->inputs[1], &sr, &sd);
		if (lower_shape(n->inputs[2], &zr, &zd) < 0 || zr != sr ||
		    memcmp(sd, zd, (size_t)sr * sizeof(*sd)))
			return "the zero point must have the shape of the scale";
	}
	return why;
}

static const char *check_quant(struct lower *L, const struct tcc_node *n)
{
	const char *why = check_common(n);
	int t;

	(void)L;
	if (why)
		return why;
	t = lower_dtype(n->inputs[0]);
	if (t != TCC_DT_FLOAT && t != TCC_DT_DOUBLE)
		return "QuantizeLinear supports float and double x only";
	if (lower_dtype(n->inputs[1]) != t)
		return "QuantizeLinear needs the scale of x's type";
	if (!quant_int(lower_dtype(n->outputs[0]), 0))
		return "QuantizeLinear output must be int8/uint8/int16/uint16";
	if (n->ninputs > 2 && n->inputs[2] && lower_dtype(n->inputs[2]) != lower_dtype(n->outputs[0]))
		return "QuantizeLinear zero point type differs from the output";
	if (tcc_node_attr_int(n, "precision", 0) != 0)
		return "QuantizeLinear precision attribute is not supported";
	return NULL;
}

static const char *check_dequant(struct lower *L, const struct tcc_node *n)
{
	const char *why = check_common(n);
	int s, o;

	(void)L;
	if (why)
		return why;
	s = lower_dtype(n->inputs[1]);
	o = lower_dtype(n->outputs[0]);
	if (!quant_int(lower_dtype(n->inputs[0]), 1))
		return "DequantizeLinear x must be int8/uint8/int16/uint16/int32";
	if (s != TCC_DT_FLOAT && s != TCC_DT_DOUBLE)
		return "DequantizeLinear supports float and double scales only";
	if (o != s)
		return "DequantizeLinear output type differs from the scale";
	if (n->ninputs > 2 && n->inputs[2] &&
	    lower_dtype(n->inputs[2]) != lower_dtype(n->inputs[0]))
		return "DequantizeLinear zero point type differs from x";
	return NULL;
}

/* The shared kernel: y[i] = f(x[i], scale, zero point) over x's shape. */
static tcc_stat lower_q(struct lower *L, struct tcc_node *n, int quant)
{
	const char *why = quant ? check_quant(L, n) : check_dequant(L, n);
	struct tcc_value *zp = n->ninputs > 2 ? n->inputs[2] : NULL;
	int32_t r;
	const int64_t *dx;
	int axis, t, o = lower_dtype(n->outputs[0]);
	int64_t block;
	kexpr *subs[LK_MAXR], *x, *s, *z = NULL, *e;
	struct tcc_kstmt *st;
	struct lk lk;

	if (why)
		return lower_unsupported(L, n, why);
	lower_shape(n->inputs[0], &r, &dx);
	scale_form(n, n->inputs[1], r, dx, &axis, &block);
	t = lower_dtype(n->inputs[1]);
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	st = lk_stmt(&lk, r, dx);
	ke_iters(&lk, 0, r, subs);
	x = ke_load(&lk, lk_in(&lk, n->inputs[0]), subs);
	s = scale_load(&lk, n->inputs[1], r, axis, block);
	if (zp)
		z = ke_cast(&lk, t, scale_load(&lk, zp, r, axis, block));
	if (quant) {
		e = ke1(&lk, TCC_KOP_ROUND, ke2(&lk, TCC_KOP_DIV, x, s));
		if (z)
			e = ke2(&lk, TCC_KOP_ADD, e, z);
		e = ke2(&lk, TCC_KOP_MAX, e, ke_lit(&lk, t, quant_bound(o, 0)));
		e = ke_cast(&lk, o, ke2(&lk, TCC_KOP_MIN, e, ke_lit(&lk, t, quant_bound(o, 1))));
	} else {
		e = ke_cast(&lk, t, x);
		if (z)
			e = ke2(&lk, TCC_KOP_SUB, e, z);
		e = ke2(&lk, TCC_KOP_MUL, e, s);
	}
	ke_iters(&lk, 0, r, subs);
	lk_body(&lk, st, lk_out(&lk, n->outputs[0]), subs, TCC_KUPD_ASSIGN, e);
	return lk_end(&lk);
}

static tcc_stat lower_quantize(struct lower *L, struct tcc_node *n)
{
	return lower_q(L, n, 1);
}

static tcc_stat lower_dequantize(struct lower *L, struct tcc_node *n)
{
	return lower_q(L, n, 0);
}

const struct lower_op lower_ops_quant[] = {
	{ "QuantizeLinear", lower_quantize, check_quant },
	{ "DequantizeLinear", lower_dequantize, check_dequant },
	{ NULL, NULL, NULL },
};
