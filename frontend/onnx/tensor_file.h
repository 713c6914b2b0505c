/* Serialized tensors: one TensorProto per file (the `.pb` files of the ONNX backend tests,
 * and what tcc-run reads and writes). */
#ifndef TCC_FRONTEND_ONNX_TENSOR_FILE_H
#define TCC_FRONTEND_ONNX_TENSOR_FILE_H

#include "ir/graph/graph.h"

/* Read the TensorProto in file "path". External data is resolved against the file's folder.
 * The tensor comes from ctx's arena. On error reports one diagnostic naming the file
 * ("FILE: error: not a valid TensorProto" for a truncated or garbage file, "FILE: error:
 * cannot open: ..." for a missing one) and returns NULL. */
__tcc_keep struct tcc_tensor_data *tcc_onnx_read_tensor(__tcc_keep struct tcc_ctx *ctx,
						   const char *path);

/* Write t as one TensorProto (data as raw_data, little-endian; strings as string_data) into
 * "path", replacing the file. "name" overrides t->name when not NULL. Returns -1 with errno
 * set (ENOMEM, or the error of the failed open/write) and leaves no partial file behind. */
tcc_stat tcc_onnx_write_tensor(__tcc_keep const struct tcc_tensor_data *t, __tcc_null const char *name,
			       const char *path);

#endif
