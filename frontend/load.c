/* PLACEHOLDER: being written. */
#include "frontend/load.h"

__tcc_keep struct tcc_model *tcc_load_model(__tcc_keep struct tcc_ctx *ctx, const char *path)
{
	struct tcc_loc loc = { .file = path };
	tcc_diag_error(ctx->diag, loc, "loading not written yet");
	return NULL;
}

__tcc_give char *tcc_read_file(__tcc_keep struct tcc_ctx *ctx, const char *path, size_t *len)
{
	struct tcc_loc loc = { .file = path };
	*len = 0;
	tcc_diag_error(ctx->diag, loc, "loading not written yet");
	return NULL;
}
