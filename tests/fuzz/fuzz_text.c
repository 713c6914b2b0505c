/* libFuzzer target for the text parser (tcc_text_parse).
 *
 * Beyond "no crash, no leak, no UB", it checks the library's contracts:
 *  - a NULL result comes with at least one reported error;
 *  - a model that parses and verifies prints, and the print parses again (round trip);
 *  - it also exports to ONNX binary.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/onnx/onnx.h"
#include "frontend/text/text.h"
#include "ir/graph/print.h"
#include "ir/graph/verify.h"
#include "support/printer.h"

static void fuzz_fail(struct tcc_ctx *ctx, const char *what, const char *text)
{
	const char *err = tcc_diag_first_error(ctx->diag);

	fprintf(stderr, "fuzz_text: %s (%s)\n", what, err ? err : "no diagnostic");
	if (text)
		fprintf(stderr, "---- printed text ----\n%s\n", text);
	abort();
}

static void check_roundtrip(struct tcc_ctx *ctx, const struct tcc_model *m)
{
	struct tcc_printer *p = tcc_printer_to_str();
	size_t len = 0;
	void *buf;

	if (!p)
		return;
	if (tcc_print_model(p, m, NULL) == 0 && !tcc_printer_failed(p)) {
		const char *text = tcc_printer_get_str(p);

		if (!tcc_text_parse(ctx, "fuzz-roundtrip.onnxtxt", text, tcc_printer_len(p)))
			fuzz_fail(ctx, "the print of a verified model does not parse", text);
	}
	tcc_printer_free(p);

	buf = tcc_onnx_write(m, &len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;

	if (!ctx)
		return 0;
	m = tcc_text_parse(ctx, "fuzz.onnxtxt", (const char *)data, size);
	if (!m) {
		if (tcc_diag_error_count(ctx->diag) == 0)
			fuzz_fail(ctx, "parse failed without a diagnostic", NULL);
	} else if (tcc_model_verify(m) == 0) {
		check_roundtrip(ctx, m);
	}
	tcc_ctx_free(ctx);
	return 0;
}
