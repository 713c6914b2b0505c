/* The whole compile: model file → default pipeline → lowering → LLVM → .so (+ .h). Used by
 * tcc-compile and by tcc-run when it is given an .onnx. */
#ifndef TCC_CODEGEN_COMPILE_H
#define TCC_CODEGEN_COMPILE_H

#include "codegen/codegen.h"

/* What a compile did (filled when tcc_compile_options.stats is set): "nkernels" kernels,
 * "arena_bytes" of planned scratch memory (the peak over the run), and the seconds spent
 * in each phase: "t_load" (tcc_compile_file only), "t_passes" (the pipeline, lowering and kernel
 * passes included), "t_lower" (memory planning), "t_llvm" (IR + optimization + object), "t_link" (cc).
 * "nweights" constants of "weights_bytes" bytes went to the weights file (0: none written),
 * whose size is "weights_file_bytes"; "const_bytes" is the bytes of every constant.
 * "nfunctions" kernel functions were generated (kernels identical up to buffer names share
 * one) into "nobjects" objects. */
struct tcc_compile_stats {
	int nkernels, nfunctions, nobjects;
	int64_t arena_bytes;
	int nweights;
	int64_t weights_bytes, weights_file_bytes, const_bytes;
	double t_load, t_passes, t_lower, t_llvm, t_link;
};

/* "pipeline": the passes to run (NULL: TCC_DEFAULT_PIPELINE, lower, fuse when "fuse" is set,
 * then TCC_DEFAULT_KERNEL_PIPELINE); a pipeline that does not lower is followed by lowering
 * (and nothing else); "h_path" may be NULL;
 * "keep_dir": where to keep the .o/.ll (NULL: a temporary directory, removed).
 * "emit_ll": also write the optimized LLVM IR there. "fuse": run the fuse pass (default pipeline only).
 * "name": the model's name in the descriptor and the entry point "<name>_run" of the
 * header (NULL: the file name of so_path without directory and extension). "stats": when
 * not NULL, receives what the compile did.
 * "weights": where the constants go (enum tcc_weights_mode). EXTERNAL: each constant of more
 * than "weights_above" bytes (0: every non-empty one) goes to the weights file, written
 * beside so_path with the stem of its file name and ".weights" ("dir/m.so" → "dir/m.weights");
 * the .so's descriptor names it and the runtime maps it at instance creation. EMBED: every
 * constant is a global of the .so. AUTO (0): EMBED, unless the constants total more than
 * TCC_WEIGHTS_AUTO_TOTAL bytes; then EXTERNAL above TCC_WEIGHTS_AUTO_ABOVE.
 * "jobs": threads for LLVM (0: the online CPUs). With more than one (and no "emit_ll"), each
 * distinct kernel is a module of its own and the modules are optimized and written in
 * parallel, then linked together; otherwise the program is one module.
 * A zeroed struct is a valid set of options. */
struct tcc_compile_options {
	const char *pipeline;
	struct tcc_target_opts target;
	const char *h_path;
	const char *emit_ll;
	int fuse;
	const char *name;
	const char *keep_dir;
	struct tcc_compile_stats *stats;
	int weights;
	int64_t weights_above;
	int jobs;
};

enum tcc_weights_mode { TCC_WEIGHTS_AUTO = 0, TCC_WEIGHTS_EXTERNAL, TCC_WEIGHTS_EMBED };

/* The automatic mode's limits. 1 GiB: x86-64's small code model (what the .so is built with)
 * reaches 2 GiB with 32-bit PC-relative offsets, so .text + .rodata above it do not link;
 * half of it leaves room for code and data, and keeps LLVM from holding a copy of the weights
 * as IR constants and again in the object. Constants up to 4 KiB stay embedded (shapes,
 * scalars, small biases: cheap, and visible to LLVM). */
#define TCC_WEIGHTS_AUTO_TOTAL (INT64_C(1) << 30)
#define TCC_WEIGHTS_AUTO_ABOVE INT64_C(4096)

#define TCC_DEFAULT_PIPELINE "shape-infer,fold-constants,simplify,cse,dce,shape-infer"
#define TCC_DEFAULT_KERNEL_PIPELINE "schedule"

tcc_stat tcc_compile_model(__tcc_keep struct tcc_model *m, __tcc_null const struct tcc_compile_options *o,
			   const char *so_path);
tcc_stat tcc_compile_file(__tcc_keep struct tcc_ctx *ctx, const char *model_path,
			  __tcc_null const struct tcc_compile_options *o, const char *so_path);

/* The weights file of "so_path": its directory and file-name stem with ".weights"
 * ("dir/m.so" → "dir/m.weights"), into "buf" ("size" bytes). -1 when it does not fit. */
tcc_stat tcc_weights_path(const char *so_path, char *buf, size_t size);

#endif
