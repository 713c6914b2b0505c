/* The whole compile: model → graph pipeline → lowering → memory plan → LLVM → object →
 * shared object (+ header). Every failure is a diagnostic in the model's context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codegen/compile.h"
#include "codegen/weights.h"
#include "frontend/load.h"
#include "ir/graph/verify.h"
#include "passes/lower/lower.h"
#include "passes/pipeline.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The file name of "path" without directory and extension, in the arena. */
static const char *path_stem(struct tcc_ctx *ctx, const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return tcc_arena_strndup(ctx->arena, base, dot && dot != base ? (size_t)(dot - base)
								       : strlen(base));
}

/* The pipeline to run: o->pipeline, or the default graph pipeline + lower (+ fuse) + the
 * default kernel passes. Returns an arena string (NULL on out of memory). */
static const char *pipeline_text(struct tcc_ctx *ctx, const struct tcc_compile_options *o)
{
	char buf[1024];

	if (o->pipeline)
		return o->pipeline;
	snprintf(buf, sizeof(buf), "%s,lower%s%s%s", TCC_DEFAULT_PIPELINE, o->fuse ? ",fuse" : "",
		 TCC_DEFAULT_KERNEL_PIPELINE[0] ? "," : "", TCC_DEFAULT_KERNEL_PIPELINE);
	return tcc_arena_strdup(ctx->arena, buf);
}

/* Order, verify, run the pipeline "text"; lower the model when the pipeline did not. */
static tcc_stat run_passes(struct tcc_model *m, const char *text)
{
	struct tcc_pipeline *pl;
	tcc_stat st;

	if (tcc_graph_toposort(m->graph) < 0 || tcc_model_verify(m) < 0)
		return -1;
	pl = tcc_pipeline_parse(m->ctx, "--passes", text);
	if (!pl)
		return -1;
	st = tcc_pipeline_run(pl, m, 0, NULL, NULL);
	tcc_pipeline_free(pl);
	if (st == 0 && !m->program) {
		m->program = tcc_lower_model(m);
		st = m->program ? 0 : -1;
	}
	return st;
}

/* A fresh directory under $TMPDIR (or /tmp) in "buf"; -1 with a diagnostic on failure. */
static tcc_stat make_temp_dir(struct tcc_ctx *ctx, char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/tcc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(buf))
		return 0;
	tcc_diag_error(ctx->diag, (struct tcc_loc){ .file = buf },
		       "cannot create a temporary directory: %s", strerror(errno));
	return -1;
}

/* "dir/m.so" → "dir/m.weights" in buf; the file name alone in the arena ("*name"). */
static tcc_stat weights_path(struct tcc_program *prog, const char *so_path, char *buf,
			     size_t size, const char **name)
{
	const char *slash = strrchr(so_path, '/'), *stem = path_stem(prog->ctx, so_path);
	int n = snprintf(buf, size, "%.*s%s.weights", slash ? (int)(slash - so_path + 1) : 0,
			 so_path, stem ? stem : "");

	*name = stem ? tcc_arena_strdup(prog->ctx->arena, buf + (slash ? slash - so_path + 1 : 0))
		     : NULL;
	if (!*name)
		return tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = so_path });
	if (n < 0 || (size_t)n >= size) {
		tcc_diag_error(prog->ctx->diag, (struct tcc_loc){ .file = so_path },
			       "weights file path too long");
		return -1;
	}
	return 0;
}

/* The per-constant threshold of o->weights (-1: embed everything). */
static int64_t weights_threshold(const struct tcc_program *prog,
				 const struct tcc_compile_options *o, int64_t *total)
{
	*total = 0;
	for (int i = 0; i < prog->nbufs; i++)
		if (prog->bufs[i]->role == TCC_PBUF_CONST)
			*total += prog->bufs[i]->nbytes;
	switch (o->weights) {
	case TCC_WEIGHTS_EXTERNAL:
		return o->weights_above < 0 ? 0 : o->weights_above;
	case TCC_WEIGHTS_EMBED:
		return -1;
	default:
		return *total > TCC_WEIGHTS_AUTO_TOTAL ? TCC_WEIGHTS_AUTO_ABOVE : -1;
	}
}

/* Which constants go external, and where the file goes ("path"). */
static tcc_stat plan_weights(struct tcc_program *prog, const struct tcc_compile_options *o,
			     const char *so_path, struct tcc_weights *w, char *path, size_t size,
			     struct tcc_compile_stats *stats)
{
	int64_t above = weights_threshold(prog, o, &stats->const_bytes);

	if (tcc_weights_plan(prog, above, w) < 0)
		return -1;
	stats->nweights = w->count;
	stats->weights_bytes = w->bytes;
	stats->weights_file_bytes = (int64_t)w->file_size;
	if (!w->count)
		return 0;
	return weights_path(prog, so_path, path, size, &w->file_name);
}

/* Program → object file "obj" (and "emit_ll" when asked). */
static tcc_stat emit_object(struct tcc_program *prog, const struct tcc_compile_options *o,
			    const struct tcc_weights *w, const char *obj)
{
	struct tcc_llvm *cg = tcc_llvm_new(prog->ctx, prog->name, &o->target);
	tcc_stat st = -1;

	if (!cg)
		return -1;
	if (tcc_llvm_add_program_weights(cg, prog, w) < 0 || tcc_llvm_optimize(cg) < 0)
		goto out;
	if (o->emit_ll && tcc_llvm_write_ir(cg, o->emit_ll) < 0)
		goto out;
	st = tcc_llvm_write_object(cg, obj);
out:
	tcc_llvm_free(cg);
	return st;
}

/* Object → .so (+ weights file, + header), in a temporary directory unless o->keep_dir is
 * set. */
static tcc_stat build_so(struct tcc_program *prog, const struct tcc_compile_options *o,
			 const char *so_path, struct tcc_compile_stats *stats)
{
	char dir[4096], obj[4200], wpath[4200];
	struct tcc_weights w = { 0 };
	double t0 = now();
	tcc_stat st = -1;

	if (plan_weights(prog, o, so_path, &w, wpath, sizeof(wpath), stats) < 0) {
		tcc_weights_fini(&w);
		return -1;
	}
	if (o->keep_dir)
		snprintf(dir, sizeof(dir), "%s", o->keep_dir);
	else if (make_temp_dir(prog->ctx, dir, sizeof(dir)) < 0) {
		tcc_weights_fini(&w);
		return -1;
	}
	snprintf(obj, sizeof(obj), "%s/%s.o", dir, path_stem(prog->ctx, so_path));
	if (emit_object(prog, o, &w, obj) < 0)
		goto out;
	stats->t_llvm = now() - t0;
	t0 = now();
	if (tcc_link_shared(prog->ctx, obj, so_path) < 0)
		goto out;
	if (w.count && tcc_weights_write(prog, &w, wpath) < 0)
		goto out;
	stats->t_link = now() - t0;
	if (o->h_path && tcc_write_header_weights(prog, o->h_path, &w) < 0)
		goto out;
	st = 0;
out:
	tcc_weights_fini(&w);
	if (!o->keep_dir) {
		unlink(obj);
		rmdir(dir);
	}
	return st;
}

tcc_stat tcc_compile_model(__tcc_keep struct tcc_model *m, __tcc_null const struct tcc_compile_options *o,
			   const char *so_path)
{
	static const struct tcc_compile_options dflt = { .target = { .opt_level = 3 }, .fuse = 1 };
	struct tcc_compile_stats stats = { 0 };
	struct tcc_program *prog;
	const char *text;
	double t0 = now();

	o = o ? o : &dflt;
	text = pipeline_text(m->ctx, o);
	if (!text || run_passes(m, text) < 0)
		return -1;
	stats.t_passes = now() - t0;
	t0 = now();
	prog = m->program;
	prog->name = o->name ? o->name : path_stem(m->ctx, so_path);
	if (!prog->name || tcc_program_plan_memory(prog) < 0)
		return -1;
	stats.t_lower = now() - t0;
	stats.nkernels = prog->nkernels;
	stats.arena_bytes = prog->arena_size;
	if (build_so(prog, o, so_path, &stats) < 0)
		return -1;
	if (o->stats) {
		stats.t_load = o->stats->t_load;
		*o->stats = stats;
	}
	return 0;
}

tcc_stat tcc_compile_file(__tcc_keep struct tcc_ctx *ctx, const char *model_path,
			  __tcc_null const struct tcc_compile_options *o, const char *so_path)
{
	static const struct tcc_compile_options dflt = { .fuse = 1 };
	const char *text = pipeline_text(ctx, o ? o : &dflt);
	struct tcc_pipeline *pl = text ? tcc_pipeline_parse(ctx, "--passes", text) : NULL;
	struct tcc_model *m;
	double t0 = now();

	/* Pipeline errors come before any file is read (as in tcc-opt). */
	if (!pl)
		return -1;
	tcc_pipeline_free(pl);
	m = tcc_load_model(ctx, model_path);
	if (!m)
		return -1;
	if (o && o->stats)
		o->stats->t_load = now() - t0;
	return tcc_compile_model(m, o, so_path);
}
