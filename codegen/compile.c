/* The whole compile: model → graph pipeline → lowering → memory plan → LLVM → object →
 * shared object (+ header). Every failure is a diagnostic in the model's context. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
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
#include "ir/kernel/poly.h"

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

tcc_stat tcc_weights_path(const char *so_path, char *buf, size_t size)
{
	const char *slash = strrchr(so_path, '/'), *base = slash ? slash + 1 : so_path;
	const char *dot = strrchr(base, '.');
	int stem = dot && dot != base ? (int)(dot - so_path) : (int)strlen(so_path);
	int n = snprintf(buf, size, "%.*s.weights", stem, so_path);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* tcc_weights_path into buf; the file name alone in the arena ("*name"). */
static tcc_stat weights_path(struct tcc_program *prog, const char *so_path, char *buf,
			     size_t size, const char **name)
{
	const char *slash;

	if (tcc_weights_path(so_path, buf, size) < 0) {
		tcc_diag_error(prog->ctx->diag, (struct tcc_loc){ .file = so_path },
			       "weights file path too long");
		return -1;
	}
	slash = strrchr(buf, '/');
	*name = tcc_arena_strdup(prog->ctx->arena, slash ? slash + 1 : buf);
	return *name ? 0 : tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = so_path });
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

/* ---- kernel deduplication ---- */

/* rep[k]: the first kernel identical to kernel k up to names (k itself when none), and
 * size[k] the length of its text (an estimate of its compile time); returns how many
 * kernels are their own representative, -1 on out of memory (reported). */
static int dedup_kernels(struct tcc_program *prog, int *rep, int64_t *size)
{
	int n = prog->nkernels, nrep = 0, st = 0;
	char **keys = calloc((size_t)n + 1, sizeof(*keys));
	uint64_t *hash = calloc((size_t)n + 1, sizeof(*hash));

	for (int k = 0; keys && hash && k < n && st == 0; k++) {
		keys[k] = tcc_kernel_key(prog->kernels[k].kernel, prog->kernels[k].schedule);
		if (!keys[k]) {
			st = -1;
			break;
		}
		hash[k] = tcc_key_hash(keys[k]);
		size[k] = (int64_t)strlen(keys[k]);
		rep[k] = k;
		for (int j = 0; j < k && rep[k] == k; j++)
			if (rep[j] == j && hash[j] == hash[k] && !strcmp(keys[j], keys[k]))
				rep[k] = j;
		nrep += rep[k] == k;
	}
	for (int k = 0; keys && k < n; k++)
		free(keys[k]);
	if (!keys || !hash || st < 0)
		nrep = tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = prog->name });
	free(keys);
	free(hash);
	return nrep;
}

/* ---- objects, compiled in parallel ---- */

/* Where the objects of a compile go: "dir"/"stem"... for program "prog" under "o" and "w". */
struct obj_env {
	struct tcc_program *prog;
	const struct tcc_compile_options *o;
	const struct tcc_weights *w;
	const char *dir, *stem;
};

/* One object of the .so: the program module (kernel < 0; "cg" built beforehand) or the
 * function of representative "kernel" (its module built by the worker); "path" (malloc'ed),
 * the estimated "cost", the outcome "st", and "ir_failed" when building the kernel's IR
 * failed (the error then went to a private sink: see redo_failed). */
struct obj_job {
	struct tcc_llvm *cg;
	int kernel;
	char *path;
	int64_t cost;
	tcc_stat st;
	int ir_failed;
};

/* The jobs, taken in order by every worker ("next", under "mu"). */
struct obj_pool {
	const struct obj_env *env;
	struct obj_job *jobs;
	int njobs, next;
	pthread_mutex_t mu;
};

/* The module of kernel job "j", built in a private context (codegen's diagnostics are not
 * thread-safe), then reporting to the program's one. */
static tcc_stat kernel_ir(const struct obj_env *e, struct obj_job *j)
{
	struct tcc_ctx *pctx = tcc_ctx_new();

	j->cg = pctx ? tcc_llvm_new(pctx, e->prog->name, &e->o->target) : NULL;
	if (!j->cg || tcc_llvm_add_kernel_hidden(j->cg, e->prog, j->kernel) < 0) {
		tcc_llvm_free(j->cg);
		j->cg = NULL;
		j->ir_failed = 1;
	} else {
		tcc_llvm_set_ctx(j->cg, e->prog->ctx);
	}
	if (pctx)
		tcc_ctx_free(pctx);
	return j->cg ? 0 : -1;
}

static void *obj_worker(void *arg)
{
	struct obj_pool *pool = arg;

	for (;;) {
		struct obj_job *j;

		pthread_mutex_lock(&pool->mu);
		j = pool->next < pool->njobs ? &pool->jobs[pool->next++] : NULL;
		pthread_mutex_unlock(&pool->mu);
		if (!j)
			return NULL;
		j->st = j->kernel >= 0 && kernel_ir(pool->env, j) < 0 ? -1 : 0;
		if (j->st == 0 && tcc_llvm_optimize(j->cg) < 0)
			j->st = -1;
		if (j->st == 0)
			j->st = tcc_llvm_write_object(j->cg, j->path);
		tcc_llvm_free(j->cg);
		j->cg = NULL;
	}
}

/* Build kernel "k"'s IR again, in the program's context, to report why it failed. */
static void redo_failed(const struct obj_env *e, int k)
{
	struct tcc_llvm *cg = tcc_llvm_new(e->prog->ctx, e->prog->name, &e->o->target);
	const struct tcc_pkernel *pk = &e->prog->kernels[k];

	if (cg && tcc_llvm_add_kernel_hidden(cg, e->prog, k) == 0)
		tcc_diag_error(e->prog->ctx->diag, pk->loc, "kernel '%s': code generation failed",
			       pk->kernel->name);
	tcc_llvm_free(cg);
}

static void sort_jobs(struct obj_job *jobs, int njobs)
{
	for (int i = 1; i < njobs; i++) /* insertion sort by cost, descending */
		for (int j = i; j > 0 && jobs[j].cost > jobs[j - 1].cost; j--) {
			struct obj_job t = jobs[j];

			jobs[j] = jobs[j - 1];
			jobs[j - 1] = t;
		}
}

/* Build (kernels), optimize and write every job with "nthreads" threads (the caller's
 * included), the largest first. Returns -1 when a job failed (reported). */
static tcc_stat run_pool(const struct obj_env *e, struct obj_job *jobs, int njobs, int nthreads)
{
	struct obj_pool pool = { .env = e, .jobs = jobs, .njobs = njobs };
	pthread_t *tids = calloc((size_t)nthreads + 1, sizeof(*tids));
	int started = 0;
	tcc_stat st = 0;

	if (!tids)
		return tcc_ctx_oom(e->prog->ctx, (struct tcc_loc){ .file = e->prog->name });
	sort_jobs(jobs, njobs);
	pthread_mutex_init(&pool.mu, NULL);
	for (int i = 1; i < nthreads && i < njobs; i++, started++)
		if (pthread_create(&tids[started], NULL, obj_worker, &pool) != 0)
			break; /* fewer threads: the others do the work */
	obj_worker(&pool);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&pool.mu);
	free(tids);
	for (int i = 0; i < njobs; i++) {
		if (jobs[i].ir_failed)
			redo_failed(e, jobs[i].kernel);
		st = jobs[i].st < 0 ? -1 : st;
	}
	return st;
}

/* The number of threads for LLVM: o->jobs, else the online CPUs. */
static int llvm_threads(const struct tcc_compile_options *o)
{
	long n = o->jobs > 0 ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Job "j" writing "dir/<stem>.o" (kernel < 0: the program) or "dir/<stem>.k<kernel>.o";
 * -1 on failure (reported). */
static tcc_stat new_job(const struct obj_env *e, int kernel, struct obj_job *j)
{
	size_t size = strlen(e->dir) + strlen(e->stem) + 32;

	j->kernel = kernel;
	j->path = malloc(size);
	if (!j->path)
		return tcc_ctx_oom(e->prog->ctx, (struct tcc_loc){ .file = e->dir });
	if (kernel < 0)
		snprintf(j->path, size, "%s/%s.o", e->dir, e->stem);
	else
		snprintf(j->path, size, "%s/%s.k%d.o", e->dir, e->stem, kernel);
	return 0;
}

/* The program module (job 0, built here) and a job per representative kernel "split" does
 * not keep in it (built by the pool); fills "jobs" (*njobs of them: free_jobs). */
static tcc_stat build_modules(const struct obj_env *e, const struct tcc_llvm_split *split,
			      const int64_t *size, struct obj_job *jobs, int *njobs)
{
	struct tcc_program *prog = e->prog;

	*njobs = 1;
	if (new_job(e, -1, &jobs[0]) < 0)
		return -1;
	jobs[0].cg = tcc_llvm_new(prog->ctx, prog->name, &e->o->target);
	if (!jobs[0].cg || tcc_llvm_add_program_split(jobs[0].cg, prog, e->w, split) < 0)
		return -1;
	/* the constants make the program module slow to write: start it first */
	jobs[0].cost = INT64_MAX;
	for (int k = 0; k < prog->nkernels; k++) {
		if (split->rep[k] != k || split->local[k])
			continue;
		jobs[*njobs].cost = size[k];
		if (new_job(e, k, &jobs[(*njobs)++]) < 0)
			return -1;
	}
	return 0;
}

static void free_jobs(struct obj_job *jobs, int njobs, int keep)
{
	for (int i = 0; i < njobs; i++) {
		tcc_llvm_free(jobs[i].cg);
		if (!keep && jobs[i].path)
			unlink(jobs[i].path);
		free(jobs[i].path);
	}
	free(jobs);
}

/* The whole program in the single module of "job", also written as o->emit_ll when asked. */
static tcc_stat emit_single(const struct obj_env *e, const struct tcc_llvm_split *split,
			    struct obj_job *job)
{
	if (new_job(e, -1, job) < 0)
		return -1;
	job->cg = tcc_llvm_new(e->prog->ctx, e->prog->name, &e->o->target);
	if (!job->cg || tcc_llvm_add_program_split(job->cg, e->prog, e->w, split) < 0 ||
	    tcc_llvm_optimize(job->cg) < 0)
		return -1;
	if (e->o->emit_ll && tcc_llvm_write_ir(job->cg, e->o->emit_ll) < 0)
		return -1;
	return tcc_llvm_write_object(job->cg, job->path);
}

/* The objects of the program: one module (one thread, o->emit_ll, or a program without
 * kernels), else the program's module and one per distinct kernel, in parallel. */
static tcc_stat emit_objects(const struct obj_env *e, struct tcc_llvm_split *split,
			     unsigned char *local, const int64_t *size, int nrep,
			     struct obj_job *jobs, int *njobs)
{
	int nthreads = llvm_threads(e->o), n = e->prog->nkernels;

	memset(local, nthreads == 1 || e->o->emit_ll || nrep == 0, (size_t)n);
	*njobs = 1;
	if (n == 0 || split->local[0])
		return emit_single(e, split, &jobs[0]);
	if (build_modules(e, split, size, jobs, njobs) < 0)
		return -1;
	return run_pool(e, jobs, *njobs, nthreads);
}

/* Program → objects in e->dir, then the .so. Identical kernels share one function. */
static tcc_stat emit_and_link(const struct obj_env *e, const char *so_path,
			      struct tcc_compile_stats *stats)
{
	struct tcc_program *prog = e->prog;
	int n = prog->nkernels, njobs = 1, nrep;
	int *rep = calloc((size_t)n + 1, sizeof(*rep));
	unsigned char *local = calloc((size_t)n + 1, 1);
	int64_t *size = calloc((size_t)n + 1, sizeof(*size));
	struct obj_job *jobs = calloc((size_t)n + 1, sizeof(*jobs));
	struct tcc_llvm_split split = { rep, local };
	const char **paths = calloc((size_t)n + 1, sizeof(*paths));
	tcc_stat st = -1;

	if (!rep || !local || !size || !jobs || !paths) {
		tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = so_path });
		goto out;
	}
	nrep = dedup_kernels(prog, rep, size);
	if (nrep < 0 || emit_objects(e, &split, local, size, nrep, jobs, &njobs) < 0)
		goto out;
	stats->nfunctions = nrep;
	stats->nobjects = njobs;
	for (int i = 0; i < njobs; i++)
		paths[i] = jobs[i].path;
	stats->t_llvm = now() - stats->t_llvm;
	stats->t_link = now();
	st = tcc_link_shared_objs(prog->ctx, paths, njobs, so_path);
out:
	free_jobs(jobs, jobs ? njobs : 0, e->o->keep_dir != NULL);
	free(rep);
	free(local);
	free(size);
	free(paths);
	return st;
}

/* Objects → .so (+ weights file, + header), in a temporary directory unless o->keep_dir is
 * set. */
static tcc_stat build_so(struct tcc_program *prog, const struct tcc_compile_options *o,
			 const char *so_path, struct tcc_compile_stats *stats)
{
	char dir[4096], wpath[4200];
	struct tcc_weights w = { 0 };
	const char *stem = path_stem(prog->ctx, so_path);
	tcc_stat st = -1;

	stats->t_llvm = now();
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
	if (!stem) {
		tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = so_path });
		goto out;
	}
	if (emit_and_link(&(struct obj_env){ prog, o, &w, dir, stem }, so_path, stats) < 0)
		goto out;
	if (w.count && tcc_weights_write(prog, &w, wpath) < 0)
		goto out;
	stats->t_link = now() - stats->t_link;
	if (o->h_path && tcc_write_header_weights(prog, o->h_path, &w) < 0)
		goto out;
	st = 0;
out:
	tcc_weights_fini(&w);
	if (!o->keep_dir)
		rmdir(dir);
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
