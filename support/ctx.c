#include "support/ctx.h"

#include <stdlib.h>

__tcc_give struct tcc_ctx *tcc_ctx_new(void)
{
	struct tcc_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->arena = tcc_arena_new();
	ctx->diag = tcc_diag_new();
	if (!ctx->arena || !ctx->diag) {
		tcc_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void tcc_ctx_free(__tcc_take struct tcc_ctx *ctx)
{
	if (!ctx)
		return;
	tcc_arena_free(ctx->arena);
	tcc_diag_free(ctx->diag);
	free(ctx);
}

tcc_stat tcc_ctx_oom(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc)
{
	tcc_diag_error(ctx->diag, loc, "out of memory");
	return -1;
}
