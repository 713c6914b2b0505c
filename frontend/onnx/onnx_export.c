/* PLACEHOLDER: being written. */
#include "frontend/onnx/onnx.h"

__tcc_give void *tcc_onnx_write(__tcc_keep const struct tcc_model *m, size_t *len)
{
	tcc_diag_error(m->ctx->diag, m->graph->loc, "ONNX export not written yet");
	*len = 0;
	return NULL;
}
