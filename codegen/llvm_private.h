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
 * (signedness is in the operations, not the type), i8 for bool. NULL (with a diagnostic at
 * "loc") for dtypes codegen does not support (strings, complex, float8/4, int4/2). */
LLVMTypeRef tcc_llvm_dtype(__tcc_keep struct tcc_llvm *cg, int dtype, struct tcc_loc loc);
/* The register type of "dtype": as tcc_llvm_dtype, except bool is i1. */
LLVMTypeRef tcc_llvm_reg_type(__tcc_keep struct tcc_llvm *cg, int dtype, struct tcc_loc loc);
/* Size in bytes of one element of "dtype" in memory (bool: 1); -1 if unsupported. */
int64_t tcc_llvm_dtype_size(int dtype);

/* Add "target-cpu", "target-features", nounwind and the frame-pointer attribute to "fn". */
void tcc_llvm_set_fn_attrs(__tcc_keep struct tcc_llvm *cg, LLVMValueRef fn);
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
};

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

#endif
