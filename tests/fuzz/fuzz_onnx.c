/* libFuzzer target for the ONNX binary importer (tcc_onnx_read).
 *
 * Beyond "no crash, no leak, no UB", it checks the library's contracts:
 *  - a NULL result comes with at least one reported error;
 *  - a model that imports and verifies prints, exports, and the export imports again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/onnx/onnx.h"
#include "ir/graph/print.h"
#include "ir/graph/verify.h"
#include "support/printer.h"

static void fuzz_fail(struct tcc_ctx *ctx, const char *what)
{
	const char *err = tcc_diag_first_error(ctx->diag);

	fprintf(stderr, "fuzz_onnx: %s (%s)\n", what, err ? err : "no diagnostic");
	abort();
}

static void check_roundtrip(struct tcc_ctx *ctx, const struct tcc_model *m)
{
	struct tcc_printer *p;
	size_t len = 0;
	void *buf;

	p = tcc_printer_to_str();
	if (!p)
		return;
	tcc_print_model(p, m, NULL);
	tcc_printer_free(p);

	buf = tcc_onnx_write(m, &len);
	if (!buf)
		fuzz_fail(ctx, "a verified model does not export");
	if (!tcc_onnx_read(ctx, "fuzz-roundtrip.onnx", buf, len))
		fuzz_fail(ctx, "the export of a verified model does not import");
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;

	if (!ctx)
		return 0;
	m = tcc_onnx_read(ctx, "fuzz.onnx", data, size);
	if (!m) {
		if (tcc_diag_error_count(ctx->diag) == 0)
			fuzz_fail(ctx, "import failed without a diagnostic");
	} else if (tcc_model_verify(m) == 0) {
		check_roundtrip(ctx, m);
	}
	tcc_ctx_free(ctx);
	return 0;
}
