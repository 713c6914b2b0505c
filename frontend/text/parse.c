/* PLACEHOLDER: being written. */
#include "frontend/text/text.h"

__tcc_keep struct tcc_model *tcc_text_parse(__tcc_keep struct tcc_ctx *ctx, const char *file,
					    const char *text, size_t len)
{
	struct tcc_loc loc = { .file = file };
	(void)text;
	(void)len;
	tcc_diag_error(ctx->diag, loc, "text parser not written yet");
	return NULL;
}
