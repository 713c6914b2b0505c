/* Conversions between float and the 8-bit float types (ONNX float8e4m3fn, e4m3fnuz, e5m2,
 * e5m2fnuz, e8m0), generated inline as integer operations on the float32 encoding. A float8
 * value lives in an i8 register holding its code. Encoding rounds to nearest even (e8m0:
 * up, saturating) and overflows to inf, or to NaN where the format has no inf (Cast with
 * saturate=0; the lowering clamps first for saturate=1). FNUZ formats have no negative
 * zero: a result rounding to zero is +0. NaN encodes as the format's NaN. */
#include <math.h>

#include "codegen/llvm_private.h"

struct f8fmt {
	int mbits, bias;
	int maxmag;  /* largest finite code without the sign */
	int ovf;     /* code of an overflow (inf, or NaN without inf), before the sign */
	int nan;     /* code of NaN */
	int fnuz;
};

static struct f8fmt fmt_of(int dtype)
{
	switch (dtype) {
	case TCC_DT_FLOAT8E4M3FN: return (struct f8fmt){ 3, 7, 0x7e, 0x7f, 0x7f, 0 };
	case TCC_DT_FLOAT8E4M3FNUZ: return (struct f8fmt){ 3, 8, 0x7f, 0x80, 0x80, 1 };
	case TCC_DT_FLOAT8E5M2: return (struct f8fmt){ 2, 15, 0x7b, 0x7c, 0x7e, 0 };
	default: return (struct f8fmt){ 2, 16, 0x7f, 0x80, 0x80, 1 }; /* e5m2fnuz */
	}
}

int tcc_llvm_is_f8(int dtype)
{
	return dtype == TCC_DT_FLOAT8E4M3FN || dtype == TCC_DT_FLOAT8E4M3FNUZ ||
	       dtype == TCC_DT_FLOAT8E5M2 || dtype == TCC_DT_FLOAT8E5M2FNUZ ||
	       dtype == TCC_DT_FLOAT8E8M0;
}

/* "elem" in the shape of "v": a vector of as many lanes, or scalar. */
static LLVMTypeRef shaped(LLVMValueRef v, LLVMTypeRef elem)
{
	LLVMTypeRef t = LLVMTypeOf(v);

	return LLVMGetTypeKind(t) == LLVMVectorTypeKind ?
	       LLVMVectorType(elem, LLVMGetVectorSize(t)) : elem;
}

static LLVMValueRef k32(struct tcc_llvm *cg, LLVMValueRef like, unsigned v)
{
	return tcc_llvm_splat_const(shaped(like, cg->t_i32), LLVMConstInt(cg->t_i32, v, 0));
}

static LLVMValueRef kf(struct tcc_llvm *cg, LLVMValueRef like, double v)
{
	LLVMTypeRef f = LLVMFloatTypeInContext(cg->lctx);

	return tcc_llvm_splat_const(shaped(like, f), LLVMConstReal(f, v));
}

static LLVMValueRef sel_if(struct tcc_llvm *cg, LLVMIntPredicate p, LLVMValueRef a,
			   unsigned b, LLVMValueRef then, LLVMValueRef other)
{
	LLVMValueRef c = LLVMBuildICmp(cg->b, p, a, k32(cg, a, b), "");

	return LLVMBuildSelect(cg->b, c, then, other, "");
}

/* e8m0 of float bits "u": the exponent field, plus one when a fraction is left (round up)
 * unless that passes the largest code; inf and NaN give 0xff (NaN). The sign is dropped. */
static LLVMValueRef encode_e8m0(struct tcc_llvm *cg, LLVMValueRef u)
{
	LLVMBuilderRef b = cg->b;
	LLVMValueRef e = LLVMBuildAnd(b, LLVMBuildLShr(b, u, k32(cg, u, 23), ""),
				      k32(cg, u, 0xff), "");
	LLVMValueRef frac = LLVMBuildAnd(b, u, k32(cg, u, 0x7fffff), "");
	LLVMValueRef up = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntNE, frac, k32(cg, u, 0), ""),
				       LLVMBuildICmp(b, LLVMIntULT, e, k32(cg, u, 0xfe), ""), "");

	return LLVMBuildAdd(b, e, LLVMBuildZExt(b, up, LLVMTypeOf(e), ""), "");
}

/* The code (i32) of |x| for float bits "a" = bits of |x|, without the sign. */
static LLVMValueRef encode_mag(struct tcc_llvm *cg, struct f8fmt f, LLVMValueRef a)
{
	LLVMBuilderRef b = cg->b;
	LLVMTypeRef ft = shaped(a, LLVMFloatTypeInContext(cg->lctx));
	unsigned sh = 23u - (unsigned)f.mbits;
	/* normal: round the float mantissa to mbits (half to even), then rebias */
	LLVMValueRef odd = LLVMBuildAnd(b, LLVMBuildLShr(b, a, k32(cg, a, sh), ""),
					k32(cg, a, 1), "");
	LLVMValueRef r = LLVMBuildAdd(b, LLVMBuildAdd(b, a, k32(cg, a, (1u << (sh - 1)) - 1), ""),
				      odd, "");
	LLVMValueRef norm = LLVMBuildSub(b, LLVMBuildLShr(b, r, k32(cg, a, sh), ""),
					 k32(cg, a, (unsigned)(127 - f.bias) << f.mbits), "");
	/* subnormal: adding 2^(24-bias-mbits) leaves the code (rounded by the FP add) in the
	 * low bits of the sum */
	LLVMValueRef dv = kf(cg, a, ldexp(1.0, 24 - f.bias - f.mbits));
	LLVMValueRef s = LLVMBuildFAdd(b, LLVMBuildBitCast(b, a, ft, ""), dv, "");
	LLVMValueRef sub = LLVMBuildSub(b, LLVMBuildBitCast(b, s, LLVMTypeOf(a), ""),
					LLVMBuildBitCast(b, dv, LLVMTypeOf(a), ""), "");
	LLVMValueRef m = sel_if(cg, LLVMIntULT, a, (unsigned)(128 - f.bias) << 23, sub, norm);

	m = sel_if(cg, LLVMIntUGT, m, (unsigned)f.maxmag, k32(cg, a, (unsigned)f.ovf), m);
	return sel_if(cg, LLVMIntUGT, a, 0x7f800000u, k32(cg, a, (unsigned)f.nan), m);
}

/* The float8 code (i8) of float "v" (scalar or vector). */
LLVMValueRef tcc_llvm_f8_encode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef v, int dtype)
{
	LLVMBuilderRef b = cg->b;
	LLVMValueRef u = LLVMBuildBitCast(b, v, shaped(v, cg->t_i32), ""), sign, m;
	struct f8fmt f = fmt_of(dtype);

	if (dtype == TCC_DT_FLOAT8E8M0)
		m = encode_e8m0(cg, u);
	else {
		sign = LLVMBuildShl(b, LLVMBuildLShr(b, u, k32(cg, u, 31), ""), k32(cg, u, 7), "");
		m = encode_mag(cg, f, LLVMBuildAnd(b, u, k32(cg, u, 0x7fffffff), ""));
		if (f.fnuz) /* no negative zero */
			sign = sel_if(cg, LLVMIntEQ, m, 0, k32(cg, u, 0), sign);
		m = LLVMBuildOr(b, m, sign, "");
	}
	return LLVMBuildTrunc(b, m, shaped(v, LLVMInt8TypeInContext(cg->lctx)), "");
}

/* The float bits (i32) of |code| "m" (code without its sign bit) of format "f". */
static LLVMValueRef decode_mag(struct tcc_llvm *cg, struct f8fmt f, LLVMValueRef m)
{
	LLVMBuilderRef b = cg->b;
	LLVMTypeRef ft = shaped(m, LLVMFloatTypeInContext(cg->lctx));
	LLVMValueRef norm = LLVMBuildAdd(b, LLVMBuildShl(b, m, k32(cg, m, 23u - f.mbits), ""),
					 k32(cg, m, (unsigned)(127 - f.bias) << 23), "");
	LLVMValueRef sub = LLVMBuildFMul(b, LLVMBuildUIToFP(b, m, ft, ""),
					 kf(cg, m, ldexp(1.0, 1 - f.bias - f.mbits)), "");

	sub = LLVMBuildBitCast(b, sub, LLVMTypeOf(m), "");
	return sel_if(cg, LLVMIntULT, m, 1u << f.mbits, sub, norm);
}

/* The float value (scalar or vector) of float8 code "c" (i8). */
LLVMValueRef tcc_llvm_f8_decode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef c, int dtype)
{
	LLVMBuilderRef b = cg->b;
	LLVMValueRef u = LLVMBuildZExt(b, c, shaped(c, cg->t_i32), ""), m, r;
	LLVMValueRef qnan = k32(cg, u, 0x7fc00000u);
	struct f8fmt f = fmt_of(dtype);

	if (dtype == TCC_DT_FLOAT8E8M0) { /* 2^(c-127); code 0 is the float subnormal 2^-127 */
		r = sel_if(cg, LLVMIntEQ, u, 0, k32(cg, u, 0x400000),
			   LLVMBuildShl(b, u, k32(cg, u, 23), ""));
		r = sel_if(cg, LLVMIntEQ, u, 0xff, qnan, r);
	} else {
		m = LLVMBuildAnd(b, u, k32(cg, u, 0x7f), "");
		r = decode_mag(cg, f, m);
		if (dtype == TCC_DT_FLOAT8E5M2) /* 0x7c inf, above NaN */
			r = sel_if(cg, LLVMIntUGE, m, 0x7c, LLVMBuildOr(b, k32(cg, u, 0x7f800000u),
				   LLVMBuildShl(b, LLVMBuildAnd(b, m, k32(cg, u, 3), ""),
						k32(cg, u, 21), ""), ""), r);
		else if (!f.fnuz)
			r = sel_if(cg, LLVMIntEQ, m, 0x7f, qnan, r);
		else
			r = sel_if(cg, LLVMIntEQ, u, 0x80, qnan, r);
		r = LLVMBuildOr(b, r, LLVMBuildShl(b, LLVMBuildAnd(b, u, k32(cg, u, 0x80), ""),
						     k32(cg, u, 24), ""), "");
	}
	return LLVMBuildBitCast(b, r, shaped(c, LLVMFloatTypeInContext(cg->lctx)), "");
}
