/* The whole compile: model file → default pipeline → lowering → LLVM → .so (+ .h). Used by
 * tcc-compile and by tcc-run when it is given an .onnx. */
#ifndef TCC_CODEGEN_COMPILE_H
#define TCC_CODEGEN_COMPILE_H

#include "codegen/codegen.h"

/* "pipeline": graph passes before lowering (NULL: the default); "h_path" may be NULL;
 * "keep_dir": where to keep the .o/.ll (NULL: a temporary directory, removed). */
struct tcc_compile_options {
	const char *pipeline;
	struct tcc_target_opts target;
	const char *h_path;
	const char *emit_ll;
	int fuse;
};

#define TCC_DEFAULT_PIPELINE "shape-infer,fold-constants,simplify,cse,dce,shape-infer"

tcc_stat tcc_compile_model(__tcc_keep struct tcc_model *m, __tcc_null const struct tcc_compile_options *o,
			   const char *so_path);
tcc_stat tcc_compile_file(__tcc_keep struct tcc_ctx *ctx, const char *model_path,
			  __tcc_null const struct tcc_compile_options *o, const char *so_path);

#endif
