/* tcc-run's compile step: an .onnx becomes a temporary .so through tcc_compile_file, and a
 * failure is classified as "unsupported" (an op or feature tcc does not handle yet) or as a
 * plain failure. This side sees the compiler, never the runtime ABI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/compile.h"
#include "frontend/load.h"
#include "tools/tcc-run/run.h"

/* Why the signature of value v (a graph input or output) cannot be compiled: a non-tensor
 * type or a dimension not known statically. NULL when it can. */
static const char *unsupported_sig(const struct tcc_value *v)
{
	const struct tcc_type *t = &v->type;

	if (t->kind != TCC_TYPE_TENSOR)
		return t->kind == TCC_TYPE_UNKNOWN ? "has no type" : "is not a tensor";
	if (t->elem == TCC_DT_STRING)
		return "is a string tensor";
	if (t->rank < 0)
		return "has no static shape (unknown rank)";
	for (int32_t i = 0; i < t->rank; i++)
		if (t->dims[i].value < 0)
			return "has a dynamic shape";
	return NULL;
}

/* After a failed compile that did not say "unsupported": does the model's signature explain
 * it? Writes "input 'x' has a dynamic shape" into err and returns 1 if so. */
static int signature_unsupported(const char *model, char *err, size_t errlen)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m = ctx ? tcc_load_model(ctx, model) : NULL;
	const char *why;
	int found = 0;

	for (int i = 0; m && !found && i < m->graph->ninputs; i++) {
		struct tcc_value *v = m->graph->inputs[i];
		if (!v->init && (why = unsupported_sig(v))) {
			run_fmt(err, errlen, "%s: error: unsupported: input '%s' %s", model,
				 v->name, why);
			found = 1;
		}
	}
	for (int i = 0; m && !found && i < m->graph->noutputs; i++) {
		struct tcc_value *v = m->graph->outputs[i];
		if ((why = unsupported_sig(v))) {
			run_fmt(err, errlen, "%s: error: unsupported: output '%s' %s", model,
				 v->name, why);
			found = 1;
		}
	}
	if (ctx)
		tcc_ctx_free(ctx);
	return found;
}

int run_compile(const char *model, char *so_path, size_t so_len, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	struct tcc_ctx *ctx;
	int r = 1;

	run_fmt(dir, sizeof(dir), "%s/tcc-run-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		run_fmt(err, errlen, "%s: error: cannot create a temporary folder: %s", dir,
			 strerror(errno));
		return 1;
	}
	run_fmt(so_path, so_len, "%s/model.so", dir);
	ctx = tcc_ctx_new();
	if (ctx && tcc_compile_file(ctx, model, NULL, so_path) == 0) {
		tcc_ctx_free(ctx);
		return 0;
	}
	if (!ctx)
		run_fmt(err, errlen, "%s: error: out of memory", model);
	else if (tcc_diag_first_error(ctx->diag))
		run_fmt(err, errlen, "%s", tcc_diag_first_error(ctx->diag));
	else
		run_fmt(err, errlen, "%s: error: compilation failed", model);
	if (strstr(err, "unsupported") || strstr(err, "not supported"))
		r = 2;
	else if (signature_unsupported(model, err, errlen))
		r = 2;
	if (ctx)
		tcc_ctx_free(ctx);
	run_compile_cleanup(so_path);
	return r;
}

void run_compile_cleanup(const char *so_path)
{
	char dir[4096];
	char *slash;

	if (!so_path || !so_path[0])
		return;
	unlink(so_path);
	/* A large model's weights file beside it. */
	if (tcc_weights_path(so_path, dir, sizeof(dir)) == 0)
		unlink(dir);
	run_fmt(dir, sizeof(dir), "%s", so_path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		rmdir(dir);
	}
}
