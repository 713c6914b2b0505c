/* The whole compile: model → graph pipeline → lowering → memory plan → LLVM → object →
 * shared object (+ header). Every failure is a diagnostic in the model's context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codegen/compile.h"
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

/* Program → object file "obj" (and "emit_ll" when asked). */
static tcc_stat emit_object(struct tcc_program *prog, const struct tcc_compile_options *o,
			    const char *obj)
{
	struct tcc_llvm *cg = tcc_llvm_new(prog->ctx, prog->name, &o->target);
	tcc_stat st = -1;

	if (!cg)
		return -1;
	if (tcc_llvm_add_program(cg, prog) < 0 || tcc_llvm_optimize(cg) < 0)
		goto out;
	if (o->emit_ll && tcc_llvm_write_ir(cg, o->emit_ll) < 0)
		goto out;
	st = tcc_llvm_write_object(cg, obj);
out:
	tcc_llvm_free(cg);
	return st;
}

/* Object → .so (+ header), in a temporary directory unless o->keep_dir is set. */
static tcc_stat build_so(struct tcc_program *prog, const struct tcc_compile_options *o,
			 const char *so_path, struct tcc_compile_stats *stats)
{
	char dir[4096], obj[4200];
	double t0 = now();
	tcc_stat st = -1;

	if (o->keep_dir)
		snprintf(dir, sizeof(dir), "%s", o->keep_dir);
	else if (make_temp_dir(prog->ctx, dir, sizeof(dir)) < 0)
		return -1;
	snprintf(obj, sizeof(obj), "%s/%s.o", dir, path_stem(prog->ctx, so_path));
	if (emit_object(prog, o, obj) < 0)
		goto out;
	stats->t_llvm = now() - t0;
	t0 = now();
	if (tcc_link_shared(prog->ctx, obj, so_path) < 0)
		goto out;
	stats->t_link = now() - t0;
	if (o->h_path && tcc_write_header(prog, o->h_path) < 0)
		goto out;
	st = 0;
out:
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
