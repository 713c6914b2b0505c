/* Code generation: program → LLVM IR (through the LLVM C API) → native object → shared
 * object. Only codegen/ includes llvm-c/.
 *
 * Kernel k of the program becomes `void tcc_k<N>_<name>(struct tcc_rt_exec *ex, ptr b0, ptr b1,
 * ...)` (one noalias pointer per kernel buffer, in kernel buffer order) generated from the ISL
 * AST of its schedule; the model entry is the runtime ABI's `tcc_model_desc` whose run()
 * calls the kernels in order with pointers to inputs, outputs, constants (global data in the
 * object) and arena offsets. */
#ifndef TCC_CODEGEN_CODEGEN_H
#define TCC_CODEGEN_CODEGEN_H

#include "ir/kernel/program.h"

/* Target: NULL fields mean the host (triple, CPU name and features detected). */
struct tcc_target_opts {
	const char *triple;
	const char *cpu;
	const char *features;
	int opt_level; /* 0..3 */
};

struct tcc_llvm;

/* A module being built for target "t". */
__tcc_give struct tcc_llvm *tcc_llvm_new(__tcc_keep struct tcc_ctx *ctx, const char *module_name,
					 __tcc_null const struct tcc_target_opts *t);
void tcc_llvm_free(__tcc_take __tcc_null struct tcc_llvm *cg);
/* Report to "ctx" from now on (a module built in one context, then optimized and written
 * with its errors going to another). */
void tcc_llvm_set_ctx(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_ctx *ctx);
/* Add the function for kernel k (verified); "symbol" names it. */
tcc_stat tcc_llvm_add_kernel(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_kernel *k,
			     const char *symbol);
/* The same for the polyhedral form "poly" of a kernel, generated from its current schedule
 * (tcc_poly_set_schedule: tiled, interchanged...); the kernel is tcc_poly_get_kernel(poly). */
struct tcc_poly;
tcc_stat tcc_llvm_add_kernel_poly(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_poly *poly,
				  const char *symbol);
/* Add the model entry and data of a planned program (calls tcc_llvm_add_kernel for each). */
tcc_stat tcc_llvm_add_program(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_program *prog);
/* How a program's kernels map to functions and modules (built by tcc_compile_model): kernel
 * k calls the function of kernel "rep[k]" (rep[k] <= k; rep[k] == k: k has its own function
 * "tcc_k<k>_<name>"); such a representative is defined in the program's module (internal)
 * when "local[k]" is set, else by another module of the same .so (tcc_llvm_add_kernel_hidden)
 * and declared hidden here. Both arrays have prog->nkernels entries and are borrowed. */
struct tcc_llvm_split {
	const int *rep;
	const unsigned char *local;
};
struct tcc_weights;
/* tcc_llvm_add_program_weights (codegen/weights.h) under "split" (NULL: every kernel gets its
 * own internal function, as tcc_llvm_add_program). */
tcc_stat tcc_llvm_add_program_split(__tcc_keep struct tcc_llvm *cg,
				    __tcc_keep struct tcc_program *prog,
				    __tcc_null const struct tcc_weights *w,
				    __tcc_null const struct tcc_llvm_split *split);
/* Define the function of program kernel "n" with external linkage and hidden visibility (for
 * a program module that declares it). */
tcc_stat tcc_llvm_add_kernel_hidden(__tcc_keep struct tcc_llvm *cg,
				    __tcc_keep struct tcc_program *prog, int n);
/* The number of instructions of the module (an estimate of its optimization cost). */
int64_t tcc_llvm_size(__tcc_keep struct tcc_llvm *cg);
/* Verify, optimize (LLVMRunPasses "default<ON>"), and write. */
tcc_stat tcc_llvm_optimize(__tcc_keep struct tcc_llvm *cg);
tcc_stat tcc_llvm_write_ir(__tcc_keep struct tcc_llvm *cg, const char *path);
tcc_stat tcc_llvm_write_asm(__tcc_keep struct tcc_llvm *cg, const char *path);
tcc_stat tcc_llvm_write_object(__tcc_keep struct tcc_llvm *cg, const char *path);

/* Link "obj" with the runtime library into the shared object "so_path" using the system cc. */
tcc_stat tcc_link_shared(__tcc_keep struct tcc_ctx *ctx, const char *obj, const char *so_path);
/* The same for the "nobjs" objects "objs". */
tcc_stat tcc_link_shared_objs(__tcc_keep struct tcc_ctx *ctx, const char *const *objs, int nobjs,
			      const char *so_path);
/* Write the C header for the program: a named, typed entry point and the shapes. */
tcc_stat tcc_write_header(__tcc_keep const struct tcc_program *prog, const char *h_path);

#endif
