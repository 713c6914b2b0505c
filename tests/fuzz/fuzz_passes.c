/* libFuzzer target for the graph passes: text in (like fuzz_text), then what tcc-opt does with
 * --passes=shape-infer,fold-constants,simplify,cse,dce: toposort, verify, run the pipeline
 * with the verifier after each pass, print the result.
 *
 * Contracts checked beyond "no crash, no leak, no UB": every failure comes with a reported
 * error, and a pipeline that succeeds leaves a model the verifier accepts (--verify-each). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/text/text.h"
#include "ir/graph/print.h"
#include "ir/graph/verify.h"
#include "passes/pipeline.h"
#include "support/printer.h"

#define PIPELINE "shape-infer,fold-constants{max-elements=4096},simplify,cse,dce"

static void fuzz_fail(struct tcc_ctx *ctx, const char *what)
{
	const char *err = tcc_diag_first_error(ctx->diag);

	fprintf(stderr, "fuzz_passes: %s (%s)\n", what, err ? err : "no diagnostic");
	abort();
}

/* Toposort, verify and optimise m; 0 when it all succeeded. */
static int optimise(struct tcc_ctx *ctx, struct tcc_model *m)
{
	struct tcc_pipeline *pl = tcc_pipeline_parse(ctx, "--passes", PIPELINE);
	int r = -1;

	if (!pl)
		fuzz_fail(ctx, "the fixed pipeline does not parse");
	if (tcc_graph_toposort(m->graph) == 0 && tcc_model_verify(m) == 0)
		r = tcc_pipeline_run(pl, m, 1, NULL, NULL);
	tcc_pipeline_free(pl);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_printer *p;
	struct tcc_model *m;

	if (!ctx)
		return 0;
	m = tcc_text_parse(ctx, "fuzz.onnxtxt", (const char *)data, size);
	if (!m) {
		if (tcc_diag_error_count(ctx->diag) == 0)
			fuzz_fail(ctx, "parse failed without a diagnostic");
	} else if (optimise(ctx, m) == 0) {
		p = tcc_printer_to_str();
		if (p && tcc_print_model(p, m, NULL) < 0)
			fuzz_fail(ctx, "an optimised model does not print");
		tcc_printer_free(p);
	} else if (tcc_diag_error_count(ctx->diag) == 0) {
		fuzz_fail(ctx, "toposort, verifier or pipeline failed without a diagnostic");
	}
	tcc_ctx_free(ctx);
	return 0;
}
