/* Private to the ONNX frontend: conversions between protobuf-c messages and IR objects that the
 * importer and the exporter share (tensors, sparse tensors, types).
 *
 * Import direction: IR objects come from ctx's arena; errors are reported at "loc" and give NULL
 * (or -1). Export direction: the protobuf-c messages and every buffer they point to come from a
 * scratch arena "a" that the exporter frees once the model is packed, so nothing is freed
 * message by message. */
#ifndef TCC_FRONTEND_ONNX_ONNX_PRIVATE_H
#define TCC_FRONTEND_ONNX_ONNX_PRIVATE_H

#include "onnx/onnx.pb-c.h"

#include "ir/graph/graph.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ONNX frontend assumes a little-endian host (raw_data is little-endian)"
#endif

/* "s" or "" when s is NULL (protobuf-c leaves absent proto2 strings NULL). */
static inline const char *tcc_onnx_str(const char *s)
{
	return s ? s : "";
}

/* Decode a TensorProto. "dir" is the directory external data is resolved against (NULL: the
 * current directory). */
__tcc_keep struct tcc_tensor_data *tcc_onnx_tensor_import(__tcc_keep struct tcc_ctx *ctx,
						     struct tcc_loc loc, __tcc_null const char *dir,
						     __tcc_keep const Onnx__TensorProto *tp);
__tcc_keep struct tcc_sparse_tensor *
tcc_onnx_sparse_import(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc,
		       __tcc_null const char *dir, __tcc_keep const Onnx__SparseTensorProto *sp);
/* Fill *t from a TypeProto (NULL: unknown type). */
tcc_stat tcc_onnx_type_import(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc,
			      struct tcc_type *t, __tcc_null const Onnx__TypeProto *tp);

/* Encode t (data as raw_data, strings as string_data); "name" overrides t->name when set. */
__tcc_keep Onnx__TensorProto *tcc_onnx_tensor_export(__tcc_keep struct tcc_arena *a,
						     __tcc_keep const struct tcc_tensor_data *t,
						     __tcc_null const char *name);
__tcc_keep Onnx__SparseTensorProto *
tcc_onnx_sparse_export(__tcc_keep struct tcc_arena *a,
		       __tcc_keep const struct tcc_sparse_tensor *sp, __tcc_null const char *name);
/* NULL for an unknown type without denotation (then the ValueInfoProto has no type); sets
 * *err on out of memory. */
__tcc_keep Onnx__TypeProto *tcc_onnx_type_export(__tcc_keep struct tcc_arena *a,
						 __tcc_keep const struct tcc_type *t, int *err);

#endif
