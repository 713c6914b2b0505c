/* The whole compile: model file → default pipeline → lowering → LLVM → .so (+ .h). Used by
 * tcc-compile and by tcc-run when it is given an .onnx. */
#ifndef TCC_CODEGEN_COMPILE_H
#define TCC_CODEGEN_COMPILE_H

#include "codegen/codegen.h"

/* What a compile did (filled when tcc_compile_options.stats is set): "nkernels" kernels,
 * "arena_bytes" of planned scratch memory (the peak over the run), and the seconds spent
 * in each phase: "t_load" (tcc_compile_file only), "t_passes" (the pipeline, lowering and kernel
 * passes included), "t_lower" (memory planning), "t_llvm" (IR + optimization + object), "t_link" (cc). */
struct tcc_compile_stats {
	int nkernels;
	int64_t arena_bytes;
	double t_load, t_passes, t_lower, t_llvm, t_link;
};

/* "pipeline": the passes to run (NULL: TCC_DEFAULT_PIPELINE, lower, fuse when "fuse" is set,
 * then TCC_DEFAULT_KERNEL_PIPELINE); a pipeline that does not lower is followed by lowering
 * (and nothing else); "h_path" may be NULL;
 * "keep_dir": where to keep the .o/.ll (NULL: a temporary directory, removed).
 * "emit_ll": also write the optimized LLVM IR there. "fuse": run the fuse pass (default pipeline only).
 * "name": the model's name in the descriptor and the entry point "<name>_run" of the
 * header (NULL: the file name of so_path without directory and extension). "stats": when
 * not NULL, receives what the compile did. A zeroed struct is a valid set of options. */
struct tcc_compile_options {
	const char *pipeline;
	struct tcc_target_opts target;
	const char *h_path;
	const char *emit_ll;
	int fuse;
	const char *name;
	const char *keep_dir;
	struct tcc_compile_stats *stats;
};

#define TCC_DEFAULT_PIPELINE "shape-infer,fold-constants,simplify,cse,dce,shape-infer"
#define TCC_DEFAULT_KERNEL_PIPELINE ""

tcc_stat tcc_compile_model(__tcc_keep struct tcc_model *m, __tcc_null const struct tcc_compile_options *o,
			   const char *so_path);
tcc_stat tcc_compile_file(__tcc_keep struct tcc_ctx *ctx, const char *model_path,
			  __tcc_null const struct tcc_compile_options *o, const char *so_path);

#endif
