/* The layout of struct tcc_llvm and helpers shared by the codegen files (llvm.c,
 * llvm_kernel.c, llvm_expr.c, llvm_program.c). Only codegen/ includes this header.
 *
 * A tcc_llvm owns its own LLVM context ("lctx"), the module being built ("mod"), one IR
 * builder ("b"), the target machine ("tm") and its data layout ("td"); tcc_llvm_free
 * disposes all of them. "ctx" is borrowed and receives every diagnostic. "triple", "cpu" and
 * "features" are the target strings actually used (malloc'ed copies, never NULL once made);
 * every function the codegen adds gets "cpu"/"features" as the "target-cpu" and
 * "target-features" attributes so that "default<O3>" vectorizes for the host's ISA.
 * "opt_level" is 0..3. The cached types are in "lctx": "t_void", "t_i1", "t_i8", "t_i32",
 * "t_i64" and the opaque pointer "t_ptr".
 */
#ifndef TCC_CODEGEN_LLVM_PRIVATE_H
#define TCC_CODEGEN_LLVM_PRIVATE_H

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <isl/ast.h>
#include <isl/id.h>
#include <stdint.h>

#include "codegen/codegen.h"

struct tcc_llvm {
	struct tcc_ctx *ctx;
	LLVMContextRef lctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMTargetMachineRef tm;
	LLVMTargetDataRef td;
	char *triple, *cpu, *features;
	int opt_level;
	LLVMTypeRef t_void, t_i1, t_i8, t_i32, t_i64, t_ptr;
};

/* ---- llvm.c: types, attributes, diagnostics ---- */

/* The in-memory type of an element of "dtype": float/double/half/bfloat, iN for integers
 * (signedness is in the operations, not the type), i8 for bool and the float8 types (the
 * code; llvm_f8.c converts). NULL (with a diagnostic at "loc") for dtypes codegen does not
 * support (strings, complex, float4, int4/2). */
LLVMTypeRef tcc_llvm_dtype(__tcc_keep struct tcc_llvm *cg, int dtype, struct tcc_loc loc);
/* The register type of "dtype": as tcc_llvm_dtype, except bool is i1. */
LLVMTypeRef tcc_llvm_reg_type(__tcc_keep struct tcc_llvm *cg, int dtype, struct tcc_loc loc);
/* Size in bytes of one element of "dtype" in memory (bool: 1); -1 if unsupported. */
int64_t tcc_llvm_dtype_size(int dtype);

/* ---- llvm_f8.c: float8 conversions ---- */

/* float8e4m3fn/e4m3fnuz/e5m2/e5m2fnuz/e8m0 (i8 codes in memory and registers). */
int tcc_llvm_is_f8(int dtype);
/* The float8 code (i8) of float "v", scalar or vector: non-saturating (see llvm_f8.c). */
LLVMValueRef tcc_llvm_f8_encode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef v, int dtype);
/* The float value of float8 code "c" (i8), scalar or vector; exact. */
LLVMValueRef tcc_llvm_f8_decode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef c, int dtype);

struct tcc_llvm_env;

/* ---- llvm_subbyte.c: packed int4/uint4/int2/uint2/float4e2m1 ---- */

/* int4/uint4/int2/uint2/float4e2m1: packed in memory, an i8 per value in registers. */
int tcc_llvm_is_subbyte(int dtype);
/* The value (i8) of access "e" to a sub-byte buffer (scalar code only). */
LLVMValueRef tcc_llvm_subbyte_load(__tcc_keep struct tcc_llvm_env *env,
				   __tcc_keep const struct tcc_kexpr *e);
/* Write i8 value "v" to access "e" of a sub-byte buffer (read-modify-write of its byte). */
tcc_stat tcc_llvm_subbyte_store(__tcc_keep struct tcc_llvm_env *env,
				__tcc_keep const struct tcc_kexpr *e, LLVMValueRef v);
/* Float value of float4e2m1 code "c" (i8), and the code (i8) of float "x". */
LLVMValueRef tcc_llvm_f4_decode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef c);
LLVMValueRef tcc_llvm_f4_encode(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x);
/* Float/double "x" (rounded to nearest even) or i64 "v" to int4/uint4/int2/uint2 "to"
 * (i8), wrapping to the type's bits. */
LLVMValueRef tcc_llvm_subbyte_from_fp(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x, int to);
LLVMValueRef tcc_llvm_subbyte_from_int(__tcc_keep struct tcc_llvm *cg, LLVMValueRef v, int to);

/* Add "target-cpu", "target-features", nounwind and the frame-pointer attribute to "fn". */
void tcc_llvm_set_fn_attrs(__tcc_keep struct tcc_llvm *cg, LLVMValueRef fn);
/* Also "prefer-vector-width"="512" and "min-legal-vector-width"="512" when the target has
 * AVX-512F (so LLVM's own vectorizers use zmm registers). */
/* The width in bytes of the target's vector registers for codegen: 64 with +avx512f, 32
 * with +avx, else 16. */
int tcc_llvm_vector_bytes(__tcc_keep struct tcc_llvm *cg);
/* Set the `contract` fast-math flag on "v" when it is a floating-point instruction (so
 * fmul + fadd become FMAs); returns "v". */
LLVMValueRef tcc_llvm_contract(LLVMValueRef v);
/* Report "what: msg" as an error at "loc" and LLVMDisposeMessage(msg) (msg may be NULL).
 * Returns -1. */
tcc_stat tcc_llvm_error_msg(__tcc_keep struct tcc_llvm *cg, struct tcc_loc loc, const char *what,
			    __tcc_take __tcc_null char *msg);
/* LLVMVerifyModule; reports the verifier's message. */
tcc_stat tcc_llvm_verify(__tcc_keep struct tcc_llvm *cg);

/* ---- llvm_kernel.c: kernels ---- */

/* The type of every kernel function: void (ptr ex, ptr b0, ..., ptr b<nbufs-1>). */
LLVMTypeRef tcc_llvm_kernel_fn_type(__tcc_keep struct tcc_llvm *cg, int nbufs);
/* The function added by tcc_llvm_add_kernel under "symbol" (NULL when there is none).
 * Kernel functions have internal linkage only if the caller sets it; by default they are
 * external. */
LLVMValueRef tcc_llvm_get_kernel(__tcc_keep struct tcc_llvm *cg, const char *symbol);

/* ---- llvm_expr.c: scalar expressions of one statement instance (internal) ----
 *
 * "cg" builds at its builder's insertion point; "s" is the statement; "bufs" the base
 * pointer of every kernel buffer (by tcc_kbuf.index); "iters" the i64 value of each of
 * s's iterators at this instance. */
struct tcc_llvm_env {
	struct tcc_llvm *cg;
	const struct tcc_kstmt *s;
	LLVMValueRef *bufs;
	LLVMValueRef *iters;
	/* Vector code (llvm_vector.c): "vw" lanes (0: scalar code). "iters" then holds the
	 * values of lane 0, "lanes" the <vw x i64> values of every lane, and "dits" the
	 * derivative of each iterator w.r.t. the vector loop's iterator (TCC_LLVM_NODERIV when
	 * it is not a constant). */
	int vw;
	LLVMValueRef *lanes;
	const int64_t *dits;
};

/* The flat row-major element index (i64) of access "e". */
LLVMValueRef tcc_llvm_flat_index(__tcc_keep struct tcc_llvm_env *env,
				 __tcc_keep const struct tcc_kexpr *e);
/* The value of "e" in its register type (bool as i1); NULL on error (reported). */
LLVMValueRef tcc_llvm_expr(__tcc_keep struct tcc_llvm_env *env, __tcc_keep const struct tcc_kexpr *e);
/* The address of the element a LOAD expression "e" names: base + row-major offset.
 * Affine subscripts use floor division / non-negative modulo; others C semantics. */
LLVMValueRef tcc_llvm_elem_addr(__tcc_keep struct tcc_llvm_env *env,
				__tcc_keep const struct tcc_kexpr *e);
/* Load the element at "addr" of "dtype" into its register type (bool: i8 → i1). */
LLVMValueRef tcc_llvm_load_elem(__tcc_keep struct tcc_llvm *cg, LLVMValueRef addr, int dtype);
/* Store "v" (register type) to "addr" (bool: i1 → i8). */
void tcc_llvm_store_elem(__tcc_keep struct tcc_llvm *cg, LLVMValueRef addr, LLVMValueRef v,
			 int dtype);
/* Combine "old" with "v" by update "upd" for "dtype" (`+=`: add, `*=`: mul, `max=`/`min=`:
 * NaN-propagating for floats); `=` gives "v". */
LLVMValueRef tcc_llvm_update(__tcc_keep struct tcc_llvm *cg, enum tcc_kupdate upd, int dtype,
			     LLVMValueRef old, LLVMValueRef v);

/* ---- llvm_kernel.c internals shared with llvm_parallel.c and llvm_vector.c ----
 *
 * The state of one function being generated: "fn", its "ex" argument and buffer pointers
 * "bufs" (by tcc_kbuf.index), and a stack of "nids" AST iterators "ids" (owned references)
 * with their i64 values "vals". "nloops" counts the loops emitted so far (a loop whose body
 * adds none is innermost); "loop_md" is the llvm.loop metadata kind. */
struct tcc_kgen {
	struct tcc_llvm *cg;
	const struct tcc_kernel *k;
	LLVMValueRef fn, ex;
	LLVMValueRef *bufs;
	int nids, cap;
	isl_id **ids;
	LLVMValueRef *vals;
	int nloops;
	unsigned loop_md;
};

/* Report "what" about the kernel; returns -1. */
tcc_stat tcc_kgen_error(__tcc_keep struct tcc_kgen *g, const char *what);
/* Bind AST iterator "id" to "v" (innermost binding wins) / drop the last binding. */
tcc_stat tcc_kgen_push_id(__tcc_keep struct tcc_kgen *g, __isl_take isl_id *id, LLVMValueRef v);
void tcc_kgen_pop_id(__tcc_keep struct tcc_kgen *g);
/* An isl AST expression as i64 (i1 for conditions); NULL on error (reported). */
LLVMValueRef tcc_kgen_ast_expr(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_expr *e);
/* Generate an AST node at the builder's insertion point. */
tcc_stat tcc_kgen_node(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node);
/* The loop of "node" from "init" (its own cond and inc), as gen_for emits it. */
tcc_stat tcc_kgen_loop(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node,
		       LLVMValueRef init);
/* The shape of for node "node": *init (evaluated; always set unless -1 is returned), and
 * when the condition is `it <= ub` or `it < ub` with ub free of the iterator and the stride
 * is a positive constant, the exclusive bound *ub and *stride (returns 1); 0 for other
 * shapes; -1 on error. */
int tcc_kgen_loop_shape(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node,
			LLVMValueRef *init, LLVMValueRef *ub, int64_t *stride);
/* The iterator of a for node. */
__isl_give isl_id *tcc_kgen_for_id(__isl_keep isl_ast_node *node);
/* The statement a user node calls and its iterator values (ISL's call arguments). */
__tcc_null const struct tcc_kstmt *tcc_kgen_user_stmt(__tcc_keep struct tcc_kgen *g,
						       __isl_keep isl_ast_node *node);
LLVMBasicBlockRef tcc_kgen_block(__tcc_keep struct tcc_kgen *g, const char *name);

/* ---- llvm_parallel.c: a for node under a "parallel" mark → tcc_rt_parallel_for ---- */
tcc_stat tcc_kgen_parallel(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node);

/* ---- llvm_vector.c: vector code ---- */

#define TCC_LLVM_NODERIV INT64_MIN

/* A for node under a "vector" mark: vector code of W lanes over full chunks, then the scalar
 * loop for the rest; the plain scalar loop when the body cannot be vectorized. */
tcc_stat tcc_kgen_vector(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node);
/* A leaf (literal, iterator, load) in vector code (env->vw lanes). */
LLVMValueRef tcc_llvm_vleaf(__tcc_keep struct tcc_llvm_env *env,
			    __tcc_keep const struct tcc_kexpr *e);
/* The element type of vector type "t" ("t" itself when scalar). */
LLVMTypeRef tcc_llvm_scalar_type(LLVMTypeRef t);
/* The constant "c" splat to the vector type "t" ("c" when "t" is scalar). */
LLVMValueRef tcc_llvm_splat_const(LLVMTypeRef t, LLVMValueRef c);

/* ---- llvm_math.c: inline float32 math (no calls), on a float or a <N x float> ----
 *
 * exp, log, tanh, erf and sigmoid of "x" built at the builder's insertion point from
 * fmuladd, selects and integer bit operations, within a few ulp of libm with C's special
 * values (accuracy and algorithms: llvm_math.c). "x" must be float or a vector of float
 * (tcc_llvm_math_is_f32); double stays on llvm.exp / llvm.log / libm. */
int tcc_llvm_math_is_f32(LLVMValueRef x);
LLVMValueRef tcc_llvm_math_exp(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x);
LLVMValueRef tcc_llvm_math_log(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x);
LLVMValueRef tcc_llvm_math_tanh(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x);
LLVMValueRef tcc_llvm_math_erf(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x);
LLVMValueRef tcc_llvm_math_sigmoid(__tcc_keep struct tcc_llvm *cg, LLVMValueRef x);

#endif
