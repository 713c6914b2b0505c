/* Lowering: graph IR → program of kernels in index notation (ir/kernel/program.h).
 *
 * Needs static shapes (run shape-infer and fold-constants first). Each ONNX node becomes one
 * or more kernels (the "fuse" pass merges them afterwards). An op tcc does
 * not lower is an error naming the op and the node ("unsupported op 'X'"), never a wrong
 * answer. */
#ifndef TCC_PASSES_LOWER_LOWER_H
#define TCC_PASSES_LOWER_LOWER_H

#include "ir/kernel/program.h"


__tcc_keep struct tcc_program *tcc_lower_model(__tcc_keep struct tcc_model *m);
/* Whether tcc lowers this node (op, attributes and dtypes); when not, *why says what. */
int tcc_lower_supported(__tcc_keep const struct tcc_node *n, const char **why);

#endif
