/* Scalar expressions of one statement instance → LLVM values, with the kernel IR's dtype
 * semantics (docs/ir-kernel.md): C integer division and remainder, fmod for float `%`,
 * ordered float comparisons (`!=` unordered), NaN-propagating min/max (compare + select:
 * vmaxps/vminps plus a NaN fix-up on x86), round half to even (llvm.roundeven). exp, log,
 * tanh, erf and sigmoid of float (scalar or vector) are inline code from llvm_math.c, no
 * calls; in double exp/log are
 * LLVM intrinsics, tanh/erf call libm and sigmoid is 1/(1+exp(-x)). sqrt/sin/cos/floor/
 * ceil/fabs/pow are LLVM intrinsics. Half and bfloat values are computed in float. */
#include <string.h>

#include "codegen/llvm_private.h"

/* ---- helpers ---- */

static int is_fp(int dtype)
{
	return dtype == TCC_DT_FLOAT || dtype == TCC_DT_DOUBLE || dtype == TCC_DT_FLOAT16 ||
	       dtype == TCC_DT_BFLOAT16;
}

static int is_signed(int dtype)
{
	return tcc_dtype_is_signed(dtype);
}

/* Call the overloaded intrinsic "name" on type "t" with "n" arguments. */
static LLVMValueRef intrinsic(struct tcc_llvm *cg, const char *name, LLVMTypeRef t,
			      LLVMValueRef *args, unsigned n)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, &t, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cg->lctx, id, &t, 1);

	return LLVMBuildCall2(cg->b, fty, fn, args, n, "");
}

static LLVMValueRef intrinsic1(struct tcc_llvm *cg, const char *name, LLVMValueRef a)
{
	return intrinsic(cg, name, LLVMTypeOf(a), &a, 1);
}

static LLVMValueRef intrinsic2(struct tcc_llvm *cg, const char *name, LLVMValueRef a,
			       LLVMValueRef b)
{
	LLVMValueRef args[2] = { a, b };

	return intrinsic(cg, name, LLVMTypeOf(a), args, 2);
}

/* Call the libm function "fname" (float) or "dname" (double) on "a". */
static LLVMValueRef libm1(struct tcc_llvm *cg, const char *fname, const char *dname,
			  LLVMValueRef a)
{
	LLVMTypeRef t = LLVMTypeOf(a);

	if (LLVMGetTypeKind(t) == LLVMVectorTypeKind) { /* one call per lane */
		LLVMValueRef r = LLVMGetUndef(t);

		for (unsigned l = 0; l < LLVMGetVectorSize(t); l++) {
			LLVMValueRef i = LLVMConstInt(cg->t_i32, l, 0);
			LLVMValueRef x = libm1(cg, fname, dname, LLVMBuildExtractElement(cg->b, a, i, ""));

			r = LLVMBuildInsertElement(cg->b, r, x, i, "");
		}
		return r;
	}
	const char *name = LLVMGetTypeKind(t) == LLVMDoubleTypeKind ? dname : fname;
	LLVMTypeRef fty = LLVMFunctionType(t, &t, 1, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, name);

	if (!fn) {
		fn = LLVMAddFunction(cg->mod, name, fty);
		LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
			LLVMCreateEnumAttribute(cg->lctx,
				LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	}
	return LLVMBuildCall2(cg->b, fty, fn, &a, 1, "");
}

static LLVMValueRef fconst(LLVMValueRef like, double v)
{
	LLVMTypeRef t = LLVMTypeOf(like);

	return tcc_llvm_splat_const(t, LLVMConstReal(tcc_llvm_scalar_type(t), v));
}

static LLVMValueRef iconst(LLVMValueRef like, long long v)
{
	LLVMTypeRef t = LLVMTypeOf(like);

	return tcc_llvm_splat_const(t, LLVMConstInt(tcc_llvm_scalar_type(t),
						    (unsigned long long)v, 1));
}

/* ---- conversions ---- */

/* Convert "v" (register type of "from") to the register type of "to". Float8 values go
 * through float (a double rounds twice on its way to a float8 type). */
static LLVMValueRef convert(struct tcc_llvm *cg, LLVMValueRef v, int from, int to,
			    struct tcc_loc loc)
{
	LLVMTypeRef t = tcc_llvm_reg_type(cg, to, loc);
	LLVMTypeRef ft = LLVMTypeOf(v);

	if (!t)
		return NULL;
	if (tcc_llvm_is_f8(from) && from != to)
		return convert(cg, tcc_llvm_f8_decode(cg, v, from), TCC_DT_FLOAT, to, loc);
	if (tcc_llvm_is_f8(to) && from != to) {
		v = convert(cg, v, from, TCC_DT_FLOAT, loc);
		return v ? tcc_llvm_f8_encode(cg, v, to) : NULL;
	}
	if (tcc_llvm_is_subbyte(from) && from != to)
		return from == TCC_DT_FLOAT4E2M1 ?
		       convert(cg, tcc_llvm_f4_decode(cg, v), TCC_DT_FLOAT, to, loc) :
		       convert(cg, v, is_signed(from) ? TCC_DT_INT8 : TCC_DT_UINT8, to, loc);
	if (tcc_llvm_is_subbyte(to) && from != to) {
		if (to == TCC_DT_FLOAT4E2M1) {
			v = convert(cg, v, from, TCC_DT_FLOAT, loc);
			return v ? tcc_llvm_f4_encode(cg, v) : NULL;
		}
		if (is_fp(from) && from != TCC_DT_DOUBLE)
			v = convert(cg, v, from, TCC_DT_FLOAT, loc);
		if (from == TCC_DT_BOOL || !is_fp(from))
			v = convert(cg, v, from, TCC_DT_INT64, loc);
		if (!v)
			return NULL;
		return is_fp(from) ? tcc_llvm_subbyte_from_fp(cg, v, to) :
		       tcc_llvm_subbyte_from_int(cg, v, to);
	}
	if (LLVMGetTypeKind(ft) == LLVMVectorTypeKind)
		t = LLVMVectorType(t, LLVMGetVectorSize(ft));
	if (to == TCC_DT_BOOL)
		return is_fp(from) ? LLVMBuildFCmp(cg->b, LLVMRealUNE, v, fconst(v, 0), "") :
			LLVMBuildICmp(cg->b, LLVMIntNE, v, iconst(v, 0), "");
	if (is_fp(from) && is_fp(to)) {
		if (t == ft)
			return v;
		return tcc_llvm_dtype_size(to) > tcc_llvm_dtype_size(from) ?
			LLVMBuildFPExt(cg->b, v, t, "") : LLVMBuildFPTrunc(cg->b, v, t, "");
	}
	if (is_fp(from))
		return is_signed(to) ? LLVMBuildFPToSI(cg->b, v, t, "") :
			LLVMBuildFPToUI(cg->b, v, t, "");
	if (is_fp(to))
		return is_signed(from) ? LLVMBuildSIToFP(cg->b, v, t, "") :
			LLVMBuildUIToFP(cg->b, v, t, "");
	if (t == ft)
		return v;
	return LLVMBuildIntCast2(cg->b, v, t, is_signed(from), "");
}

/* ---- memory ---- */

LLVMValueRef tcc_llvm_load_elem(__tcc_keep struct tcc_llvm *cg, LLVMValueRef addr, int dtype)
{
	struct tcc_loc loc = { .file = "<codegen>" };
	LLVMTypeRef mt = tcc_llvm_dtype(cg, dtype, loc);
	LLVMValueRef v;

	if (!mt)
		return NULL;
	v = LLVMBuildLoad2(cg->b, mt, addr, "");
	if (dtype == TCC_DT_BOOL)
		return LLVMBuildICmp(cg->b, LLVMIntNE, v, iconst(v, 0), "");
	if (dtype == TCC_DT_FLOAT16 || dtype == TCC_DT_BFLOAT16)
		return LLVMBuildFPExt(cg->b, v, LLVMFloatTypeInContext(cg->lctx), "");
	return v;
}

/* Float to bfloat16 with integer ops (no __truncsfbf2 in older libgcc): round to nearest
 * even on the bit pattern, NaN kept and made quiet; as tcc_f32_to_bf16. */
static LLVMValueRef f32_to_bf16(struct tcc_llvm *cg, LLVMValueRef v, LLVMTypeRef mt)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(cg->lctx);
	LLVMTypeRef i16 = LLVMInt16TypeInContext(cg->lctx);
	LLVMValueRef x = LLVMBuildBitCast(cg->b, v, i32, "");
	LLVMValueRef hi = LLVMBuildLShr(cg->b, x, LLVMConstInt(i32, 16, 0), "");
	LLVMValueRef odd = LLVMBuildAnd(cg->b, hi, LLVMConstInt(i32, 1, 0), "");
	LLVMValueRef r = LLVMBuildAdd(cg->b, x, LLVMConstInt(i32, 0x7fff, 0), "");
	LLVMValueRef nan = LLVMBuildFCmp(cg->b, LLVMRealUNO, v, v, "");
	LLVMValueRef quiet = LLVMBuildOr(cg->b, hi, LLVMConstInt(i32, 0x40, 0), "");

	r = LLVMBuildLShr(cg->b, LLVMBuildAdd(cg->b, r, odd, ""), LLVMConstInt(i32, 16, 0), "");
	r = LLVMBuildSelect(cg->b, nan, quiet, r, "");
	return LLVMBuildBitCast(cg->b, LLVMBuildTrunc(cg->b, r, i16, ""), mt, "");
}

void tcc_llvm_store_elem(__tcc_keep struct tcc_llvm *cg, LLVMValueRef addr, LLVMValueRef v,
			 int dtype)
{
	struct tcc_loc loc = { .file = "<codegen>" };
	LLVMTypeRef mt = tcc_llvm_dtype(cg, dtype, loc);

	if (!mt)
		return;
	if (dtype == TCC_DT_BOOL)
		v = LLVMBuildZExt(cg->b, v, mt, "");
	else if (dtype == TCC_DT_BFLOAT16)
		v = f32_to_bf16(cg, v, mt);
	else if (dtype == TCC_DT_FLOAT16)
		v = LLVMBuildFPTrunc(cg->b, v, mt, "");
	LLVMBuildStore(cg->b, v, addr);
}

/* Floor division and non-negative remainder of i64 "a" by the positive constant "b". */
static LLVMValueRef floor_div(struct tcc_llvm *cg, LLVMValueRef a, LLVMValueRef b, int rem)
{
	LLVMValueRef r = LLVMBuildSRem(cg->b, a, b, "");
	LLVMValueRef neg = LLVMBuildICmp(cg->b, LLVMIntSLT, r, iconst(r, 0), "");

	if (rem)
		return LLVMBuildSelect(cg->b, neg, LLVMBuildAdd(cg->b, r, b, ""), r, "");
	return LLVMBuildSub(cg->b, LLVMBuildSDiv(cg->b, a, b, ""),
			    LLVMBuildZExt(cg->b, neg, cg->t_i64, ""), "");
}

/* An affine expression as i64 (literals, iterators, + - neg *, floor / and % by a literal). */
static LLVMValueRef affine_i64(struct tcc_llvm_env *env, const struct tcc_kexpr *e)
{
	struct tcc_llvm *cg = env->cg;
	LLVMValueRef a, b;

	if (e->op == TCC_KOP_INT)
		return LLVMConstInt(cg->t_i64, (unsigned long long)e->u.i, 1);
	if (e->op == TCC_KOP_ITER)
		return env->iters[e->u.iter];
	a = affine_i64(env, e->args[0]);
	if (e->op == TCC_KOP_NEG)
		return a ? LLVMBuildNeg(cg->b, a, "") : NULL;
	b = affine_i64(env, e->args[1]);
	if (!a || !b)
		return NULL;
	switch (e->op) {
	case TCC_KOP_ADD:
		return LLVMBuildAdd(cg->b, a, b, "");
	case TCC_KOP_SUB:
		return LLVMBuildSub(cg->b, a, b, "");
	case TCC_KOP_MUL:
		return LLVMBuildMul(cg->b, a, b, "");
	case TCC_KOP_DIV:
		return floor_div(cg, a, b, 0);
	case TCC_KOP_REM:
		return floor_div(cg, a, b, 1);
	default:
		tcc_unreachable();
	}
}

/* Subscript "e" as i64: affine ones exactly as ISL reads them, others by value. */
static LLVMValueRef subscript(struct tcc_llvm_env *env, const struct tcc_kexpr *e)
{
	LLVMValueRef v;

	if (tcc_kexpr_is_affine(e))
		return affine_i64(env, e);
	v = tcc_llvm_expr(env, e);
	if (!v)
		return NULL;
	return LLVMBuildIntCast2(env->cg->b, v, env->cg->t_i64, is_signed(e->dtype), "");
}

LLVMValueRef tcc_llvm_flat_index(__tcc_keep struct tcc_llvm_env *env,
				 __tcc_keep const struct tcc_kexpr *e)
{
	struct tcc_llvm *cg = env->cg;
	LLVMValueRef off = LLVMConstInt(cg->t_i64, 0, 0);

	for (int i = 0; i < e->nargs; i++) {
		LLVMValueRef sub = subscript(env, e->args[i]);

		if (!sub)
			return NULL;
		off = LLVMBuildMul(cg->b, off, LLVMConstInt(cg->t_i64,
				   (unsigned long long)e->u.buf->dims[i], 0), "");
		off = LLVMBuildAdd(cg->b, off, sub, "");
	}
	return off;
}

#define ADDR_MAX_RANK 16

/* One multi-index GEP over the buffer's array type [d1 x [... x elem]]: LLVM's alias
 * analysis tells apart elements whose subscripts differ by constants (a flat offset, once
 * instcombine has turned its adds into disjoint ors, hides that and keeps register tiles in
 * memory). */
LLVMValueRef tcc_llvm_elem_addr(__tcc_keep struct tcc_llvm_env *env,
				__tcc_keep const struct tcc_kexpr *e)
{
	struct tcc_llvm *cg = env->cg;
	const struct tcc_kbuf *buf = e->u.buf;
	LLVMTypeRef mt = tcc_llvm_dtype(cg, buf->dtype, e->loc), at;
	LLVMValueRef idx[ADDR_MAX_RANK];

	if (!mt)
		return NULL;
	if (e->nargs == 0 || e->nargs > ADDR_MAX_RANK) {
		idx[0] = e->nargs ? tcc_llvm_flat_index(env, e) : LLVMConstInt(cg->t_i64, 0, 0);
		return idx[0] ? LLVMBuildInBoundsGEP2(cg->b, mt, env->bufs[buf->index], idx, 1,
						      buf->name) : NULL;
	}
	at = mt;
	for (int i = e->nargs - 1; i >= 1; i--)
		at = LLVMArrayType2(at, (uint64_t)buf->dims[i]);
	for (int i = 0; i < e->nargs; i++)
		if (!(idx[i] = subscript(env, e->args[i])))
			return NULL;
	return LLVMBuildInBoundsGEP2(cg->b, at, env->bufs[buf->index], idx, (unsigned)e->nargs,
				     buf->name);
}

/* ---- operations ---- */

static LLVMValueRef minmax(struct tcc_llvm *cg, int max, int dtype, LLVMValueRef a,
			   LLVMValueRef b)
{
	if (is_fp(dtype)) {
		/* a > b ? a : b is one vmaxps (it yields b when b is NaN); a NaN a is put back
		 * by one unordered compare: NaN-propagating like llvm.maximum (whose x86
		 * expansion also orders -0 < +0, ~6 instructions, a MaxPool's whole cost) */
		LLVMValueRef pick = LLVMBuildFCmp(cg->b, max ? LLVMRealOGT : LLVMRealOLT, a, b, "");
		LLVMValueRef m = LLVMBuildSelect(cg->b, pick, a, b, "");

		return LLVMBuildSelect(cg->b, LLVMBuildFCmp(cg->b, LLVMRealUNO, a, a, ""), a, m,
				       "");
	}
	if (is_signed(dtype))
		return intrinsic2(cg, max ? "llvm.smax" : "llvm.smin", a, b);
	return intrinsic2(cg, max ? "llvm.umax" : "llvm.umin", a, b);
}

LLVMValueRef tcc_llvm_update(__tcc_keep struct tcc_llvm *cg, enum tcc_kupdate upd, int dtype,
			     LLVMValueRef old, LLVMValueRef v)
{
	int fp = is_fp(dtype), b = dtype == TCC_DT_BOOL;

	switch (upd) {
	case TCC_KUPD_ASSIGN:
		return v;
	case TCC_KUPD_ADD:
		return fp ? tcc_llvm_contract(LLVMBuildFAdd(cg->b, old, v, "")) :
			b ? LLVMBuildOr(cg->b, old, v, "") : LLVMBuildAdd(cg->b, old, v, "");
	case TCC_KUPD_MUL:
		return fp ? tcc_llvm_contract(LLVMBuildFMul(cg->b, old, v, "")) :
			b ? LLVMBuildAnd(cg->b, old, v, "") : LLVMBuildMul(cg->b, old, v, "");
	case TCC_KUPD_MAX:
		return minmax(cg, 1, dtype, old, v);
	case TCC_KUPD_MIN:
		return minmax(cg, 0, dtype, old, v);
	}
	tcc_unreachable();
}

static LLVMValueRef sign(struct tcc_llvm *cg, int dtype, LLVMValueRef a)
{
	LLVMValueRef pos, neg;

	if (is_fp(dtype)) {
		pos = LLVMBuildFCmp(cg->b, LLVMRealOGT, a, fconst(a, 0), "");
		neg = LLVMBuildFCmp(cg->b, LLVMRealOLT, a, fconst(a, 0), "");
		return LLVMBuildSelect(cg->b, pos, fconst(a, 1), LLVMBuildSelect(cg->b, neg,
				       fconst(a, -1), a, ""), "");
	}
	if (dtype == TCC_DT_BOOL)
		return a;
	pos = LLVMBuildICmp(cg->b, is_signed(dtype) ? LLVMIntSGT : LLVMIntUGT, a, iconst(a, 0), "");
	neg = LLVMBuildICmp(cg->b, LLVMIntSLT, a, iconst(a, 0), "");
	if (!is_signed(dtype))
		return LLVMBuildZExt(cg->b, pos, LLVMTypeOf(a), "");
	return LLVMBuildSub(cg->b, LLVMBuildZExt(cg->b, pos, LLVMTypeOf(a), ""),
			    LLVMBuildZExt(cg->b, neg, LLVMTypeOf(a), ""), "");
}

/* Float-only unary ops: the transcendental and rounding functions. */
static LLVMValueRef unary_fp(struct tcc_llvm *cg, enum tcc_kop op, LLVMValueRef a)
{
	int f32 = tcc_llvm_math_is_f32(a);

	switch (op) {
	case TCC_KOP_EXP:
		return f32 ? tcc_llvm_math_exp(cg, a) : intrinsic1(cg, "llvm.exp", a);
	case TCC_KOP_LOG:
		return f32 ? tcc_llvm_math_log(cg, a) : intrinsic1(cg, "llvm.log", a);
	case TCC_KOP_SQRT:
		return intrinsic1(cg, "llvm.sqrt", a);
	case TCC_KOP_RSQRT:
		return LLVMBuildFDiv(cg->b, fconst(a, 1), intrinsic1(cg, "llvm.sqrt", a), "");
	case TCC_KOP_TANH:
		return f32 ? tcc_llvm_math_tanh(cg, a) : libm1(cg, "tanhf", "tanh", a);
	case TCC_KOP_ERF:
		return f32 ? tcc_llvm_math_erf(cg, a) : libm1(cg, "erff", "erf", a);
	case TCC_KOP_SIGMOID:
		if (f32)
			return tcc_llvm_math_sigmoid(cg, a);
		a = intrinsic1(cg, "llvm.exp", LLVMBuildFNeg(cg->b, a, ""));
		return LLVMBuildFDiv(cg->b, fconst(a, 1), LLVMBuildFAdd(cg->b, fconst(a, 1), a, ""),
				     "");
	case TCC_KOP_SIN:
		return intrinsic1(cg, "llvm.sin", a);
	case TCC_KOP_COS:
		return intrinsic1(cg, "llvm.cos", a);
	case TCC_KOP_TAN:
		return libm1(cg, "tanf", "tan", a);
	case TCC_KOP_ASIN:
		return libm1(cg, "asinf", "asin", a);
	case TCC_KOP_ACOS:
		return libm1(cg, "acosf", "acos", a);
	case TCC_KOP_ATAN:
		return libm1(cg, "atanf", "atan", a);
	case TCC_KOP_SINH:
		return libm1(cg, "sinhf", "sinh", a);
	case TCC_KOP_COSH:
		return libm1(cg, "coshf", "cosh", a);
	case TCC_KOP_ASINH:
		return libm1(cg, "asinhf", "asinh", a);
	case TCC_KOP_ACOSH:
		return libm1(cg, "acoshf", "acosh", a);
	case TCC_KOP_ATANH:
		return libm1(cg, "atanhf", "atanh", a);
	case TCC_KOP_FLOOR:
		return intrinsic1(cg, "llvm.floor", a);
	case TCC_KOP_CEIL:
		return intrinsic1(cg, "llvm.ceil", a);
	case TCC_KOP_ROUND:
		return intrinsic1(cg, "llvm.roundeven", a);
	default:
		return NULL;
	}
}

static LLVMValueRef unary(struct tcc_llvm *cg, const struct tcc_kexpr *e, LLVMValueRef a)
{
	int dt = e->args[0]->dtype, fp = is_fp(dt);
	LLVMValueRef zero = fp ? fconst(a, 0) : iconst(a, 0);

	switch (e->op) {
	case TCC_KOP_NEG:
		return fp ? LLVMBuildFNeg(cg->b, a, "") : LLVMBuildNeg(cg->b, a, "");
	case TCC_KOP_ABS:
		if (fp)
			return intrinsic1(cg, "llvm.fabs", a);
		return is_signed(dt) ? intrinsic2(cg, "llvm.abs", a, LLVMConstInt(cg->t_i1, 0, 0)) : a;
	case TCC_KOP_RECIP:
		return fp ? LLVMBuildFDiv(cg->b, fconst(a, 1), a, "") :
			is_signed(dt) ? LLVMBuildSDiv(cg->b, iconst(a, 1), a, "") :
			LLVMBuildUDiv(cg->b, iconst(a, 1), a, "");
	case TCC_KOP_SIGN:
		return sign(cg, dt, a);
	case TCC_KOP_RELU:
		if (fp)
			return LLVMBuildSelect(cg->b, LLVMBuildFCmp(cg->b, LLVMRealOLT, a, zero, ""),
					       zero, a, "");
		if (!is_signed(dt))
			return a;
		return LLVMBuildSelect(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, a, zero, ""),
				       zero, a, "");
	case TCC_KOP_NOT:
		return LLVMBuildNot(cg->b, a, "");
	default:
		return fp ? unary_fp(cg, e->op, a) : NULL;
	}
}

static LLVMValueRef compare(struct tcc_llvm *cg, enum tcc_kop op, int dt, LLVMValueRef a,
			    LLVMValueRef b)
{
	static const LLVMRealPredicate fp[] = { LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
						LLVMRealOLE, LLVMRealOGT, LLVMRealOGE };
	static const LLVMIntPredicate si[] = { LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntSLE,
					       LLVMIntSGT, LLVMIntSGE };
	static const LLVMIntPredicate ui[] = { LLVMIntEQ, LLVMIntNE, LLVMIntULT, LLVMIntULE,
					       LLVMIntUGT, LLVMIntUGE };
	int i = (int)op - TCC_KOP_EQ;

	if (is_fp(dt))
		return LLVMBuildFCmp(cg->b, fp[i], a, b, "");
	return LLVMBuildICmp(cg->b, is_signed(dt) ? si[i] : ui[i], a, b, "");
}

/* pow: float base and exponent of the base's type (an integer exponent is converted);
 * an integer base computes in double and converts back. */
static LLVMValueRef power(struct tcc_llvm *cg, const struct tcc_kexpr *e, LLVMValueRef a,
			  LLVMValueRef b)
{
	int da = e->args[0]->dtype, db = e->args[1]->dtype;
	int work = is_fp(da) ? da : TCC_DT_DOUBLE;
	LLVMValueRef r;

	a = convert(cg, a, da, work, e->loc);
	b = convert(cg, b, db, work, e->loc);
	if (!a || !b)
		return NULL;
	r = intrinsic2(cg, "llvm.pow", a, b);
	return convert(cg, r, work, e->dtype, e->loc);
}

/* shl / shr (logical on unsigned, arithmetic on signed); a shift amount outside
 * [0, bit width) gives what shifting one bit at a time would: 0, or -1 for shr of a
 * negative signed value. */
static LLVMValueRef shift(struct tcc_llvm *cg, int left, int dt, LLVMValueRef a, LLVMValueRef b)
{
	unsigned bits = LLVMGetIntTypeWidth(tcc_llvm_scalar_type(LLVMTypeOf(a)));
	LLVMValueRef ok = LLVMBuildICmp(cg->b, LLVMIntULT, b, iconst(b, (long long)bits), "");
	LLVMValueRef amt = LLVMBuildSelect(cg->b, ok, b, iconst(b, 0), "");
	LLVMValueRef r, big = iconst(a, 0);

	if (left)
		r = LLVMBuildShl(cg->b, a, amt, "");
	else if (is_signed(dt)) {
		r = LLVMBuildAShr(cg->b, a, amt, "");
		big = LLVMBuildAShr(cg->b, a, iconst(a, (long long)bits - 1), "");
	} else {
		r = LLVMBuildLShr(cg->b, a, amt, "");
	}
	return LLVMBuildSelect(cg->b, ok, r, big, "");
}

static LLVMValueRef binary(struct tcc_llvm *cg, const struct tcc_kexpr *e, LLVMValueRef a,
			   LLVMValueRef b)
{
	int dt = e->args[0]->dtype, fp = is_fp(dt), sg = is_signed(dt);

	if (tcc_kop_is_cmp(e->op))
		return compare(cg, e->op, dt, a, b);
	switch (e->op) {
	case TCC_KOP_ADD:
		return fp ? tcc_llvm_contract(LLVMBuildFAdd(cg->b, a, b, "")) :
			LLVMBuildAdd(cg->b, a, b, "");
	case TCC_KOP_SUB:
		return fp ? tcc_llvm_contract(LLVMBuildFSub(cg->b, a, b, "")) :
			LLVMBuildSub(cg->b, a, b, "");
	case TCC_KOP_MUL:
		return fp ? tcc_llvm_contract(LLVMBuildFMul(cg->b, a, b, "")) :
			LLVMBuildMul(cg->b, a, b, "");
	case TCC_KOP_DIV:
		return fp ? LLVMBuildFDiv(cg->b, a, b, "") : sg ? LLVMBuildSDiv(cg->b, a, b, "") :
			LLVMBuildUDiv(cg->b, a, b, "");
	case TCC_KOP_REM:
		return fp ? LLVMBuildFRem(cg->b, a, b, "") : sg ? LLVMBuildSRem(cg->b, a, b, "") :
			LLVMBuildURem(cg->b, a, b, "");
	case TCC_KOP_POW:
		return power(cg, e, a, b);
	case TCC_KOP_MIN:
		return minmax(cg, 0, dt, a, b);
	case TCC_KOP_MAX:
		return minmax(cg, 1, dt, a, b);
	case TCC_KOP_AND:
		return LLVMBuildAnd(cg->b, a, b, "");
	case TCC_KOP_OR:
		return LLVMBuildOr(cg->b, a, b, "");
	case TCC_KOP_XOR:
		return LLVMBuildXor(cg->b, a, b, "");
	case TCC_KOP_SHL:
	case TCC_KOP_SHR:
		return fp ? NULL : shift(cg, e->op == TCC_KOP_SHL, dt, a, b);
	default:
		return NULL;
	}
}

static LLVMValueRef leaf(struct tcc_llvm_env *env, const struct tcc_kexpr *e)
{
	struct tcc_llvm *cg = env->cg;
	LLVMTypeRef t = tcc_llvm_reg_type(cg, e->dtype, e->loc);
	LLVMTypeRef vt = t && env->vw ? LLVMVectorType(t, (unsigned)env->vw) : t;
	LLVMValueRef addr;

	if (!t)
		return NULL;
	switch (e->op) {
	case TCC_KOP_INT:
		if (is_fp(e->dtype))
			return tcc_llvm_splat_const(vt, LLVMConstReal(t, (double)e->u.i));
		return tcc_llvm_splat_const(vt, LLVMConstInt(t, (unsigned long long)e->u.i, 1));
	case TCC_KOP_FLOAT:
		return tcc_llvm_splat_const(vt, LLVMConstReal(t, e->u.f));
	case TCC_KOP_ITER:
		return convert(cg, (env->vw ? env->lanes : env->iters)[e->u.iter], TCC_DT_INT64,
			       e->dtype, e->loc);
	default:
		if (env->vw)
			return tcc_llvm_vleaf(env, e);
		if (tcc_llvm_is_subbyte(e->u.buf->dtype))
			return tcc_llvm_subbyte_load(env, e);
		addr = tcc_llvm_elem_addr(env, e);
		return addr ? tcc_llvm_load_elem(cg, addr, e->u.buf->dtype) : NULL;
	}
}

LLVMValueRef tcc_llvm_expr(__tcc_keep struct tcc_llvm_env *env, __tcc_keep const struct tcc_kexpr *e)
{
	LLVMValueRef v[3] = { NULL, NULL, NULL }, r = NULL;

	if (tcc_kop_class(e->op) == TCC_KCLS_LEAF)
		return leaf(env, e);
	for (int i = 0; i < e->nargs && i < 3; i++)
		if (!(v[i] = tcc_llvm_expr(env, e->args[i])))
			return NULL;
	switch (tcc_kop_class(e->op)) {
	case TCC_KCLS_FN1:
		r = unary(env->cg, e, v[0]);
		break;
	case TCC_KCLS_FN2:
	case TCC_KCLS_INFIX:
		r = binary(env->cg, e, v[0], v[1]);
		break;
	case TCC_KCLS_SELECT:
		r = LLVMBuildSelect(env->cg->b, v[0], v[1], v[2], "");
		break;
	case TCC_KCLS_CAST:
		return convert(env->cg, v[0], e->args[0]->dtype, e->u.cast_to, e->loc);
	default:
		break;
	}
	if (!r)
		tcc_diag_error(env->cg->ctx->diag, e->loc, "codegen: '%s' is not supported on %s",
			       tcc_kop_name(e->op), tcc_dtype_name(e->args[0]->dtype));
	return r;
}
