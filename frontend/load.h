/* Loading a model from a file whatever its format: ONNX binary or text, told apart by content. */
#ifndef TCC_FRONTEND_LOAD_H
#define TCC_FRONTEND_LOAD_H

#include "ir/graph/graph.h"

/* Read "path" ("-" for standard input) and import it. Text is recognised by content (printable
 * UTF-8 that starts with '<', '#' or an identifier), not by the file name. NULL on error
 * (reported, naming the file). */
__tcc_keep struct tcc_model *tcc_load_model(__tcc_keep struct tcc_ctx *ctx, const char *path);

/* Read a whole file into a malloc'ed buffer (NUL-terminated, *len excludes the NUL). */
__tcc_give char *tcc_read_file(__tcc_keep struct tcc_ctx *ctx, const char *path, size_t *len);

#endif
