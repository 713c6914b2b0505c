/* PLACEHOLDER: being written. */
#include "frontend/onnx/onnx.h"

__tcc_keep struct tcc_model *tcc_onnx_read(__tcc_keep struct tcc_ctx *ctx, const char *path,
					   const void *buf, size_t len)
{
	struct tcc_loc loc = { .file = path };
	(void)buf;
	(void)len;
	tcc_diag_error(ctx->diag, loc, "ONNX import not written yet");
	return NULL;
}
