/* The "parallel" pass: mark the outermost band whose first member carries no dependence and
 * runs enough iterations "parallel" (its loop then runs on the thread pool). */
#include <stddef.h>

#include "passes/schedule/sched.h"

struct parallel_options {
	int64_t min_iterations;
	const char *kernel;
	const char *stmt;
};

static const struct tcc_pass_option parallel_opts[] = {
	{ "min-iterations", TCC_OPT_INT, offsetof(struct parallel_options, min_iterations), "2",
	  "fewest iterations of the parallel loop" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct parallel_options, kernel), "",
	  "only this kernel (empty: all)" },
	{ "stmt", TCC_OPT_STRING, offsetof(struct parallel_options, stmt), "",
	  "only bands over this statement (empty: all)" },
};

static __isl_give isl_schedule_node *parallel_band(struct sched_env *env,
						   __isl_take isl_schedule_node *band, int depth,
						   int *descend)
{
	const struct parallel_options *o = env->opts;
	int64_t ext;
	tcc_bool par;

	if (!sched_band_selected(band, depth, o->stmt, depth) || sched_band_n(band) <= 0)
		return band;
	ext = sched_member_extent(band, 0);
	if (ext == 0)
		return band; /* runs nothing */
	par = sched_member_parallel(env, band, 0);
	if (ext < 0 || par < 0)
		return isl_schedule_node_free(band);
	if (!par || ext < o->min_iterations)
		return band; /* look further in */
	*descend = 0;
	env->changed = 1;
	return sched_insert_mark(band, "parallel");
}

static __isl_give isl_schedule *parallel_kernel(struct sched_env *env,
						__isl_take isl_schedule *s)
{
	return sched_walk(env, s, parallel_band);
}

static tcc_stat parallel_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct parallel_options *o = options;

	return sched_run_kernels(m, "parallel", o->kernel, parallel_kernel, o);
}

const struct tcc_pass tcc_pass_parallel = {
	.name = "parallel",
	.summary = "mark the outermost band whose first member carries no dependence 'parallel'",
	.level = TCC_LEVEL_KERNEL,
	.options = parallel_opts,
	.noptions = sizeof(parallel_opts) / sizeof(parallel_opts[0]),
	.options_size = sizeof(struct parallel_options),
	.run = parallel_run,
};
