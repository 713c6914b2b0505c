/* ONNX's textual syntax (the one onnx.parser / onnx.printer use) → graph IR. */
#ifndef TCC_FRONTEND_TEXT_TEXT_H
#define TCC_FRONTEND_TEXT_TEXT_H

#include <stddef.h>

#include "ir/graph/graph.h"

/* Parse a model in text form: an optional header <ir_version: 8, opset_import: ["" : 17]>,
 * a graph, then local functions. "file" names the text for diagnostics (file:line:col).
 * On error reports one diagnostic and returns NULL. */
__tcc_keep struct tcc_model *tcc_text_parse(__tcc_keep struct tcc_ctx *ctx, const char *file,
					    const char *text, size_t len);

#endif
