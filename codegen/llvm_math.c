/* Inline float32 math in LLVM IR: exp, log, tanh, erf and sigmoid of a float or of a
 * <N x float> vector, built from fmuladd, compares, selects and integer bit operations only
 * (no calls), so that vector code stays vector and LLVM's own vectorizers can vectorize
 * scalar loops that use them. Double keeps llvm.exp / llvm.log / libm (llvm_expr.c).
 *
 * Accuracy, measured over every float against the double libm result rounded to float (see
 * tests/unit/check_codegen_math.c, which sweeps a dense subset): exp 1.0 ulp, log 0.8,
 * tanh 1.3, erf 1.3, sigmoid 2.4 (with or without FMA). Special values as C's: NaN in,
 * NaN out; exp(+inf) = +inf, exp(-inf) = 0, overflow to +inf above 88.72, gradual underflow
 * to subnormals and 0 below -87.33; log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf,
 * subnormal inputs exact; tanh, erf and sigmoid saturate to +-1 (0 and 1) and keep the sign
 * of zero.
 *
 * exp: n = round(x·log2 e) (the 1.5·2^23 trick: no float→int conversion, so NaN is no
 * poison), r = x - n·ln2 (Cody-Waite, two constants), e^r = 1 + r + r²·P(r) (Cephes' degree 5
 * minimax on |r| <= ln2/2), times 2^n applied as two factors 2^(n/2)·2^(n-n/2) built from
 * the exponent bits (so that 2^n for n in [-150, 128] never needs a subnormal or infinite
 * factor: the last multiply rounds once into the subnormal range or overflows to +inf).
 * log: x = m·2^e with m in [sqrt(1/2), sqrt(2)) from the bits (subnormals scaled by 2^23
 * first), log(m) = f - f²/2 + f³·P(f) with f = m - 1 (Cephes' degree 8), plus e·ln2 in two
 * parts. tanh: |x| < 0.625: x + x³·P(x²) (Cephes), else 1 - 2/(e^2|x| + 1), sign copied
 * back. erf: |x| < 0.921875: x + x·P(x²) (degree 5), else 1 - e^P(|x|) with P (degree 6)
 * fitting log(erfc) on [0.921875, 3.95] (|x| clamped to 3.95, where erf rounds to 1),
 * both minimax fits made for this file (Lawson's algorithm, coefficients rounded to float).
 * sigmoid: e = e^-|x|, then 1/(1 + e) for x >= 0 and e/(1 + e) below (never overflows). */
#include <math.h>
#include <string.h>

#include "codegen/llvm_private.h"

int tcc_llvm_math_is_f32(LLVMValueRef v)
{
	return LLVMGetTypeKind(tcc_llvm_scalar_type(LLVMTypeOf(v))) == LLVMFloatTypeKind;
}

/* ---- helpers: "like" gives the (scalar or vector) float type ---- */

static LLVMValueRef fc(LLVMValueRef like, double v)
{
	LLVMTypeRef t = LLVMTypeOf(like);

	return tcc_llvm_splat_const(t, LLVMConstReal(tcc_llvm_scalar_type(t), v));
}

/* The i32 type (or vector of i32) with the shape of "like". */
static LLVMTypeRef int_type(struct tcc_llvm *cg, LLVMValueRef like)
{
	LLVMTypeRef t = LLVMTypeOf(like);

	return LLVMGetTypeKind(t) == LLVMVectorTypeKind ?
	       LLVMVectorType(cg->t_i32, LLVMGetVectorSize(t)) : cg->t_i32;
}

static LLVMValueRef ic(struct tcc_llvm *cg, LLVMValueRef like, long long v)
{
	return tcc_llvm_splat_const(int_type(cg, like), LLVMConstInt(cg->t_i32,
								     (unsigned long long)v, 1));
}

static LLVMValueRef call(struct tcc_llvm *cg, const char *name, LLVMValueRef *args, unsigned n)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMTypeRef t = LLVMTypeOf(args[0]);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, &t, 1);

	return LLVMBuildCall2(cg->b, LLVMIntrinsicGetType(cg->lctx, id, &t, 1), fn, args, n, "");
}

/* a·b + c (one FMA where the target has it). */
static LLVMValueRef fma3(struct tcc_llvm *cg, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c)
{
	LLVMValueRef args[3] = { a, b, c };

	return call(cg, "llvm.fmuladd", args, 3);
}

static LLVMValueRef fabs1(struct tcc_llvm *cg, LLVMValueRef a)
{
	return call(cg, "llvm.fabs", &a, 1);
}

static LLVMValueRef copysign2(struct tcc_llvm *cg, LLVMValueRef mag, LLVMValueRef sgn)
{
	LLVMValueRef args[2] = { mag, sgn };

	return call(cg, "llvm.copysign", args, 2);
}

/* P(x) = c[n-1]·x^(n-1) + ... + c[0] by Horner. */
static LLVMValueRef poly(struct tcc_llvm *cg, LLVMValueRef x, const float *c, int n)
{
	LLVMValueRef p = fc(x, c[n - 1]);

	for (int i = n - 2; i >= 0; i--)
		p = fma3(cg, p, x, fc(x, c[i]));
	return p;
}

static LLVMValueRef sel(struct tcc_llvm *cg, LLVMRealPredicate pred, LLVMValueRef a,
			LLVMValueRef b, LLVMValueRef yes, LLVMValueRef no)
{
	return LLVMBuildSelect(cg->b, LLVMBuildFCmp(cg->b, pred, a, b, ""), yes, no, "");
}

static LLVMValueRef fmul(struct tcc_llvm *cg, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildFMul(cg->b, a, b, "");
}

static LLVMValueRef fadd(struct tcc_llvm *cg, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildFAdd(cg->b, a, b, "");
}

static LLVMValueRef fsub(struct tcc_llvm *cg, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildFSub(cg->b, a, b, "");
}

static LLVMValueRef to_int(struct tcc_llvm *cg, LLVMValueRef f)
{
	return LLVMBuildBitCast(cg->b, f, int_type(cg, f), "");
}

static LLVMValueRef to_float(struct tcc_llvm *cg, LLVMValueRef i, LLVMValueRef like)
{
	return LLVMBuildBitCast(cg->b, i, LLVMTypeOf(like), "");
}

/* 2^k as a float from i32 "k" in [-126, 127]. */
static LLVMValueRef pow2i(struct tcc_llvm *cg, LLVMValueRef k, LLVMValueRef like)
{
	LLVMValueRef bits = LLVMBuildShl(cg->b, LLVMBuildAdd(cg->b, k, ic(cg, like, 127), ""),
					 ic(cg, like, 23), "");

	return to_float(cg, bits, like);
}

/* ---- exp ---- */

static const float exp_p[] = { 5.0000001201e-1f, 1.6666665459e-1f, 4.1665795894e-2f,
			       8.3334519073e-3f, 1.3981999507e-3f, 1.9875691500e-4f };

LLVMValueRef tcc_llvm_math_exp(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x)
{
	const double shifter = 12582912.0; /* 1.5·2^23: adding it rounds to an integer */
	LLVMValueRef t, n, k, k1, r, p;

	/* e^89 and e^-104 are already +inf and 0 in float; NaN passes both compares */
	x = sel(cg, LLVMRealOGT, x, fc(x, 89.0), fc(x, 89.0), x);
	x = sel(cg, LLVMRealOLT, x, fc(x, -104.0), fc(x, -104.0), x);
	t = fma3(cg, x, fc(x, 1.44269504088896341), fc(x, shifter));
	n = fsub(cg, t, fc(x, shifter));
	k = LLVMBuildSub(cg->b, to_int(cg, t), ic(cg, x, 0x4b400000), "");
	r = fma3(cg, n, fc(x, -0.693359375), x);
	r = fma3(cg, n, fc(x, 2.12194440e-4), r);
	p = poly(cg, r, exp_p, 6);
	p = fma3(cg, p, fmul(cg, r, r), r);
	p = fadd(cg, p, fc(x, 1.0));
	k1 = LLVMBuildAShr(cg->b, k, ic(cg, x, 1), "");
	p = fmul(cg, p, pow2i(cg, k1, x));
	return fmul(cg, p, pow2i(cg, LLVMBuildSub(cg->b, k, k1, ""), x));
}

/* ---- log ---- */

static const float log_p[] = { 3.3333331174e-1f, -2.4999993993e-1f, 2.0000714765e-1f,
			       -1.6668057665e-1f, 1.4249322787e-1f, -1.2420140846e-1f,
			       1.1676998740e-1f, -1.1514610310e-1f, 7.0376836292e-2f };

LLVMValueRef tcc_llvm_math_log(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x)
{
	const long long sqrt_half = 0x3f3504f3; /* bits of sqrt(1/2) */
	LLVMValueRef sub = LLVMBuildFCmp(cg->b, LLVMRealOLT, x, fc(x, 0x1p-126), "");
	LLVMValueRef xs = LLVMBuildSelect(cg->b, sub, fmul(cg, x, fc(x, 0x1p23)), x, "");
	LLVMValueRef ix = LLVMBuildSub(cg->b, to_int(cg, xs), ic(cg, x, sqrt_half), "");
	LLVMValueRef e, m, f, z, y, r;

	e = LLVMBuildSIToFP(cg->b, LLVMBuildAShr(cg->b, ix, ic(cg, x, 23), ""), LLVMTypeOf(x), "");
	e = fadd(cg, e, LLVMBuildSelect(cg->b, sub, fc(x, -23.0), fc(x, 0.0), ""));
	m = LLVMBuildAdd(cg->b, LLVMBuildAnd(cg->b, ix, ic(cg, x, 0x007fffff), ""),
			 ic(cg, x, sqrt_half), "");
	f = fsub(cg, to_float(cg, m, x), fc(x, 1.0));
	z = fmul(cg, f, f);
	y = fmul(cg, fmul(cg, poly(cg, f, log_p, 9), f), z);
	y = fma3(cg, e, fc(x, -2.12194440e-4), y);
	y = fma3(cg, fc(x, -0.5), z, y);
	r = fma3(cg, e, fc(x, 0.693359375), fadd(cg, f, y));
	r = sel(cg, LLVMRealOEQ, x, fc(x, INFINITY), x, r);
	r = sel(cg, LLVMRealOEQ, x, fc(x, 0.0), fc(x, -INFINITY), r);
	r = sel(cg, LLVMRealOLT, x, fc(x, 0.0), fc(x, NAN), r);
	return sel(cg, LLVMRealUNO, x, x, x, r);
}

/* ---- tanh, erf, sigmoid ---- */

static const float tanh_p[] = { -3.33332819422e-1f, 1.33314422036e-1f, -5.37397155531e-2f,
				2.06390887954e-2f, -5.70498872745e-3f };

LLVMValueRef tcc_llvm_math_tanh(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x)
{
	LLVMValueRef a = fabs1(cg, x), z = fmul(cg, x, x), small, e, big;

	small = fma3(cg, fmul(cg, poly(cg, z, tanh_p, 5), z), a, a);
	e = tcc_llvm_math_exp(cg, fadd(cg, a, a)); /* +inf for large |x|: 2/inf = 0 */
	big = fsub(cg, fc(x, 1.0), LLVMBuildFDiv(cg->b, fc(x, 2.0), fadd(cg, e, fc(x, 1.0)), ""));
	return copysign2(cg, sel(cg, LLVMRealOLT, a, fc(x, 0.625), small, big), x);
}

/* erf(x)/x - 1 in x² on [0, 0.921875²], and log(erfc(t)) in t on [0.921875, 3.95]. */
static const float erf_small[] = { 0x1.06eba6p-3f, -0x1.8126eep-2f, 0x1.ce1b94p-4f,
				   -0x1.b69a7cp-6f, 0x1.478c88p-8f, -0x1.3b4664p-11f };
static const float erf_big[] = { -0x1.b83c7ep-13f, -0x1.20ab68p+0f, -0x1.464a54p-1f,
				 -0x1.a952eep-4f, 0x1.6b6b6cp-6f, -0x1.8d5b68p-9f,
				 0x1.9862e2p-13f };

LLVMValueRef tcc_llvm_math_erf(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x)
{
	LLVMValueRef a = fabs1(cg, x), small, t, big;

	small = fma3(cg, poly(cg, fmul(cg, x, x), erf_small, 6), a, a);
	t = sel(cg, LLVMRealOGT, a, fc(x, 3.95), fc(x, 3.95), a);
	big = fsub(cg, fc(x, 1.0), tcc_llvm_math_exp(cg, poly(cg, t, erf_big, 7)));
	return copysign2(cg, sel(cg, LLVMRealOLT, a, fc(x, 0.921875), small, big), x);
}

LLVMValueRef tcc_llvm_math_sigmoid(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x)
{
	LLVMValueRef e = tcc_llvm_math_exp(cg, LLVMBuildFNeg(cg->b, fabs1(cg, x), ""));
	LLVMValueRef num = sel(cg, LLVMRealOGE, x, fc(x, 0.0), fc(x, 1.0), e);

	return LLVMBuildFDiv(cg->b, num, fadd(cg, e, fc(x, 1.0)), "");
}
