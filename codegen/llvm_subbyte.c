/* The packed sub-byte types (ONNX int4, uint4, int2, uint2, float4e2m1): 8/bits elements
 * per byte, element 0 in the low bits. A value lives in an i8 register: int4/int2 sign
 * extended, uint4/uint2 zero extended, float4e2m1 as its 4-bit code. Element e is read as
 * the byte at e*bits/8, shifted and masked; a store rewrites its bits of the byte (the
 * scheduler keeps such kernels scalar and serial, so no two threads share a byte). Casts:
 * float to int4/int2/uint4/uint2 round to nearest even, then wrap like an integer cast (as
 * the ONNX reference and tests do); float4e2m1 rounds to nearest even and saturates to +-6
 * (the format has no inf or NaN; NaN gives +-0). */
#include <string.h>

#include "codegen/llvm_private.h"

int tcc_llvm_is_subbyte(int dtype)
{
	return dtype == TCC_DT_INT4 || dtype == TCC_DT_UINT4 || dtype == TCC_DT_INT2 ||
	       dtype == TCC_DT_UINT2 || dtype == TCC_DT_FLOAT4E2M1;
}

static LLVMValueRef k8(struct tcc_llvm *cg, unsigned v)
{
	return LLVMConstInt(LLVMInt8TypeInContext(cg->lctx), v, 0);
}

/* The byte holding access "e" (into *ptr) and the bit shift of its element (i8). */
static int locate(struct tcc_llvm_env *env, const struct tcc_kexpr *e, LLVMValueRef *ptr,
		  LLVMValueRef *sh)
{
	struct tcc_llvm *cg = env->cg;
	int bits = tcc_dtype_bits(e->u.buf->dtype), per = 8 / bits;
	LLVMValueRef idx = tcc_llvm_flat_index(env, e), byte, lo;

	if (!idx)
		return -1;
	byte = LLVMBuildLShr(cg->b, idx, LLVMConstInt(cg->t_i64, per == 2 ? 1 : 2, 0), "");
	lo = LLVMBuildAnd(cg->b, idx, LLVMConstInt(cg->t_i64, (unsigned)per - 1, 0), "");
	lo = LLVMBuildMul(cg->b, lo, LLVMConstInt(cg->t_i64, (unsigned)bits, 0), "");
	*sh = LLVMBuildTrunc(cg->b, lo, LLVMInt8TypeInContext(cg->lctx), "");
	*ptr = LLVMBuildInBoundsGEP2(cg->b, LLVMInt8TypeInContext(cg->lctx),
				     env->bufs[e->u.buf->index], &byte, 1, e->u.buf->name);
	return 0;
}

LLVMValueRef tcc_llvm_subbyte_load(__tcc_keep struct tcc_llvm_env *env,
				   __tcc_keep const struct tcc_kexpr *e)
{
	struct tcc_llvm *cg = env->cg;
	int dt = e->u.buf->dtype, bits = tcc_dtype_bits(dt);
	LLVMValueRef ptr, sh, v;

	if (locate(env, e, &ptr, &sh) < 0)
		return NULL;
	v = LLVMBuildLoad2(cg->b, LLVMInt8TypeInContext(cg->lctx), ptr, "");
	v = LLVMBuildAnd(cg->b, LLVMBuildLShr(cg->b, v, sh, ""), k8(cg, (1u << bits) - 1), "");
	if (dt == TCC_DT_INT4 || dt == TCC_DT_INT2)
		v = LLVMBuildAShr(cg->b, LLVMBuildShl(cg->b, v, k8(cg, 8u - bits), ""),
				  k8(cg, 8u - bits), "");
	return v;
}

tcc_stat tcc_llvm_subbyte_store(__tcc_keep struct tcc_llvm_env *env,
				__tcc_keep const struct tcc_kexpr *e, LLVMValueRef v)
{
	struct tcc_llvm *cg = env->cg;
	int bits = tcc_dtype_bits(e->u.buf->dtype);
	LLVMTypeRef i8 = LLVMInt8TypeInContext(cg->lctx);
	LLVMValueRef ptr, sh, old, m;

	if (locate(env, e, &ptr, &sh) < 0)
		return -1;
	m = LLVMBuildShl(cg->b, k8(cg, (1u << bits) - 1), sh, "");
	old = LLVMBuildLoad2(cg->b, i8, ptr, "");
	old = LLVMBuildAnd(cg->b, old, LLVMBuildNot(cg->b, m, ""), "");
	v = LLVMBuildAnd(cg->b, LLVMBuildShl(cg->b, v, sh, ""), m, "");
	LLVMBuildStore(cg->b, LLVMBuildOr(cg->b, old, v, ""), ptr);
	return 0;
}

/* The float value of float4e2m1 code "c" (i8): magnitude k = c & 7 is 0, 0.5, 1, 1.5, 2,
 * 3, 4, 6; built as float bits (exponent field k>>1 above 0: 2^(e-1) * (1 + m/2)). */
LLVMValueRef tcc_llvm_f4_decode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef c)
{
	LLVMBuilderRef b = cg->b;
	LLVMTypeRef i32 = cg->t_i32;
	LLVMValueRef u = LLVMBuildZExt(b, c, i32, ""), e, m, norm, sub, s;

	e = LLVMBuildAnd(b, LLVMBuildLShr(b, u, LLVMConstInt(i32, 1, 0), ""),
			 LLVMConstInt(i32, 3, 0), "");
	m = LLVMBuildAnd(b, u, LLVMConstInt(i32, 1, 0), "");
	norm = LLVMBuildOr(b, LLVMBuildShl(b, LLVMBuildAdd(b, e, LLVMConstInt(i32, 126, 0), ""),
					   LLVMConstInt(i32, 23, 0), ""),
			   LLVMBuildShl(b, m, LLVMConstInt(i32, 22, 0), ""), "");
	sub = LLVMBuildMul(b, m, LLVMConstInt(i32, 0x3f000000, 0), "");
	s = LLVMBuildShl(b, LLVMBuildAnd(b, u, LLVMConstInt(i32, 8, 0), ""),
			 LLVMConstInt(i32, 28, 0), "");
	u = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntEQ, e, LLVMConstInt(i32, 0, 0), ""), sub,
			    norm, "");
	return LLVMBuildBitCast(b, LLVMBuildOr(b, u, s, ""), LLVMFloatTypeInContext(cg->lctx),
				"");
}

/* The float4e2m1 code (i8) of float "x": the count of rounding thresholds |x| passes (ties
 * to the even code: >= where the upper code is even, > elsewhere), so |x| past 5 (inf
 * included) saturates to 6; NaN passes none and gives +-0 (as the ONNX reference). */
LLVMValueRef tcc_llvm_f4_encode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x)
{
	static const struct { double t; int ge; } th[] = {
		{ 0.25, 0 }, { 0.75, 1 }, { 1.25, 0 }, { 1.75, 1 }, { 2.5, 0 }, { 3.5, 1 }, { 5, 0 },
	};
	LLVMBuilderRef b = cg->b;
	LLVMTypeRef f = LLVMFloatTypeInContext(cg->lctx), i32 = cg->t_i32;
	LLVMValueRef bitsx = LLVMBuildBitCast(b, x, i32, "");
	LLVMValueRef a = LLVMBuildBitCast(b, LLVMBuildAnd(b, bitsx,
					  LLVMConstInt(i32, 0x7fffffff, 0), ""), f, "");
	LLVMValueRef code = LLVMConstInt(i32, 0, 0), s;

	for (unsigned i = 0; i < sizeof(th) / sizeof(th[0]); i++) {
		LLVMValueRef c = LLVMBuildFCmp(b, th[i].ge ? LLVMRealOGE : LLVMRealOGT, a,
					       LLVMConstReal(f, th[i].t), "");

		code = LLVMBuildAdd(b, code, LLVMBuildZExt(b, c, i32, ""), "");
	}
	s = LLVMBuildAnd(b, LLVMBuildLShr(b, bitsx, LLVMConstInt(i32, 28, 0), ""),
			 LLVMConstInt(i32, 8, 0), "");
	return LLVMBuildTrunc(b, LLVMBuildOr(b, code, s, ""), LLVMInt8TypeInContext(cg->lctx), "");
}

static LLVMValueRef call1(struct tcc_llvm *cg, const char *name, LLVMTypeRef t,
			  LLVMValueRef *args, unsigned n)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, &t, 1);

	return LLVMBuildCall2(cg->b, LLVMGlobalGetValueType(fn), fn, args, n, "");
}

/* i64 "v" to the register form (i8) of int4/uint4/int2/uint2 "to": its low bits, sign
 * or zero extended (ONNX Cast wraps integers into these types). */
static LLVMValueRef wrap_bits(struct tcc_llvm *cg, LLVMValueRef v, int to)
{
	unsigned bits = (unsigned)tcc_dtype_bits(to);
	LLVMValueRef k = LLVMConstInt(cg->t_i8, 8u - bits, 0);

	v = LLVMBuildShl(cg->b, LLVMBuildTrunc(cg->b, v, cg->t_i8, ""), k, "");
	return to == TCC_DT_INT4 || to == TCC_DT_INT2 ? LLVMBuildAShr(cg->b, v, k, "") :
	       LLVMBuildLShr(cg->b, v, k, "");
}

/* Float "x" (float or double register) to int4/uint4/int2/uint2 (i8): round to nearest
 * even, then wrap to the type's bits as an integer cast (the ONNX reference does); NaN
 * gives 0, infinities the wrapped value of +-2^62. */
LLVMValueRef tcc_llvm_subbyte_from_fp(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x, int to)
{
	LLVMTypeRef t = LLVMTypeOf(x);
	LLVMValueRef args[2], r, nan;

	args[0] = x;
	r = call1(cg, "llvm.roundeven", t, args, 1);
	args[0] = r;
	args[1] = LLVMConstReal(t, -0x1p62);
	r = call1(cg, "llvm.maxnum", t, args, 2);
	args[0] = r;
	args[1] = LLVMConstReal(t, 0x1p62);
	r = call1(cg, "llvm.minnum", t, args, 2);
	nan = LLVMBuildFCmp(cg->b, LLVMRealUNO, x, x, "");
	r = LLVMBuildSelect(cg->b, nan, LLVMConstReal(t, 0), r, "");
	return wrap_bits(cg, LLVMBuildFPToSI(cg->b, r, cg->t_i64, ""), to);
}

/* Integer "v" (i64, its value) to int4/uint4/int2/uint2 (i8), wrapping. */
LLVMValueRef tcc_llvm_subbyte_from_int(__tcc_keep struct tcc_llvm *cg, LLVMValueRef v, int to)
{
	return wrap_bits(cg, v, to);
}
