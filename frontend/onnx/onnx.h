/* The ONNX binary format (ModelProto) ↔ graph IR, through protobuf-c bindings generated at
 * build time from the system's onnx.proto. */
#ifndef TCC_FRONTEND_ONNX_ONNX_H
#define TCC_FRONTEND_ONNX_ONNX_H

#include <stddef.h>

#include "ir/graph/graph.h"

/* Import a serialized ModelProto. "path" names the file for diagnostics and is the base for
 * external data (NULL: the current directory). Accepts IR versions 3-10 (newer ones as they are;
 * fields onnx.proto gained after ONNX 1.12 are dropped), raw_data and typed fields, external
 * data, initializers listed as inputs.
 * On error reports one diagnostic (FILE: [node NAME:] error: ...) and returns NULL. */
__tcc_keep struct tcc_model *tcc_onnx_read(__tcc_keep struct tcc_ctx *ctx, const char *path,
					   const void *buf, size_t len);

/* Serialize m as a ModelProto (tensor data as raw_data, little-endian). The returned buffer is
 * malloc'ed; the caller frees it. NULL on error (reported). */
__tcc_give void *tcc_onnx_write(__tcc_keep const struct tcc_model *m, size_t *len);

#endif
