/* Pipelines are strings: "shape-infer,fold-constants{max-elements=1000000},dce". */
#ifndef TCC_PASSES_PIPELINE_H
#define TCC_PASSES_PIPELINE_H

#include "passes/pass.h"
#include "support/printer.h"

struct tcc_pipeline;

/* Parse a pipeline string; reports errors (unknown pass, unknown option, bad value) through
 * ctx's diagnostics with "where" as the file name. */
__tcc_give struct tcc_pipeline *tcc_pipeline_parse(__tcc_keep struct tcc_ctx *ctx,
						   const char *where, const char *text);
/* The same with pass names looked up in "table" (NULL-terminated) instead of tcc_passes[]:
 * for tests and tools with passes of their own. */
__tcc_give struct tcc_pipeline *tcc_pipeline_parse_table(__tcc_keep struct tcc_ctx *ctx,
							 const char *where, const char *text,
							 const struct tcc_pass *const *table);
/* Number of passes in pl. */
int tcc_pipeline_length(__tcc_keep const struct tcc_pipeline *pl);
void tcc_pipeline_free(__tcc_take struct tcc_pipeline *pl);
/* Print it back in a form the parser accepts, all options spelled out. */
void tcc_pipeline_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_pipeline *pl);

/* Called after each pass with its name; a non-zero return stops the pipeline (a negative one
 * makes tcc_pipeline_run fail, a positive one just ends it early). */
typedef int (*tcc_pipeline_hook)(const char *pass, __tcc_keep struct tcc_model *m, void *user);

/* Run the passes in order. After each: verify when "verify_each", then call "after" (may be
 * NULL). Returns -1 as soon as a pass or the verifier fails. */
tcc_stat tcc_pipeline_run(__tcc_keep const struct tcc_pipeline *pl, __tcc_keep struct tcc_model *m,
			  int verify_each, __tcc_null tcc_pipeline_hook after, void *user);

#endif
