/* PLACEHOLDER: being written. */
#include "passes/pipeline.h"

__tcc_give struct tcc_pipeline *tcc_pipeline_parse(__tcc_keep struct tcc_ctx *ctx,
						   const char *where, const char *text)
{
	struct tcc_loc loc = { .file = where };
	(void)text;
	tcc_diag_error(ctx->diag, loc, "pipelines not written yet");
	return NULL;
}

void tcc_pipeline_free(__tcc_take struct tcc_pipeline *pl)
{
	(void)pl;
}

void tcc_pipeline_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_pipeline *pl)
{
	(void)p;
	(void)pl;
}

tcc_stat tcc_pipeline_run(__tcc_keep const struct tcc_pipeline *pl, __tcc_keep struct tcc_model *m,
			  int verify_each, __tcc_null tcc_pipeline_hook after, void *user)
{
	(void)pl;
	(void)m;
	(void)verify_each;
	(void)after;
	(void)user;
	return -1;
}
