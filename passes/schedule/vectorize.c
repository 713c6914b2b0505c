/* The "vectorize" pass: strip-mine the last member of a band by the vector width W and mark
 * the W-iteration point band "vector". */
#include <stddef.h>

#include "passes/schedule/sched.h"

struct vectorize_options {
	int64_t width;
	const char *kernel;
	const char *stmt;
	int64_t band;
};

static const struct tcc_pass_option vectorize_opts[] = {
	{ "width", TCC_OPT_INT, offsetof(struct vectorize_options, width), "0",
	  "f32 lanes (0: the host's: 16 with AVX-512, 8 with AVX2, else 4)" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct vectorize_options, kernel), "",
	  "only this kernel (empty: all)" },
	{ "stmt", TCC_OPT_STRING, offsetof(struct vectorize_options, stmt), "",
	  "only bands over this statement (empty: all)" },
	{ "band", TCC_OPT_INT, offsetof(struct vectorize_options, band), "-1",
	  "which band on each path: 0 outermost, 1 the next..., -1 innermost" },
};

static __isl_give isl_schedule_node *vectorize_band(struct sched_env *env,
						    __isl_take isl_schedule_node *band, int depth,
						    int *descend)
{
	const struct vectorize_options *o = env->opts;
	int64_t w = sched_vector_width(o->width);
	int n = sched_band_n(band);
	const char *why = NULL;
	isl_schedule_node *v;

	if (!sched_band_selected(band, depth, o->stmt, o->band) || n <= 0)
		return band;
	v = sched_vectorize_last(env, isl_schedule_node_copy(band), n, w, &why);
	if (!v)
		return isl_schedule_node_free(band);
	if (why) {
		isl_schedule_node_free(v);
		sched_warn(env, "member %d not vectorized by %lld: %s", n - 1, (long long)w, why);
		return band;
	}
	isl_schedule_node_free(band);
	*descend = 0;
	env->changed = 1;
	return v;
}

static __isl_give isl_schedule *vectorize_kernel(struct sched_env *env,
						 __isl_take isl_schedule *s)
{
	return sched_walk(env, s, vectorize_band);
}

static tcc_stat vectorize_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct vectorize_options *o = options;

	return sched_run_kernels(m, "vectorize", o->kernel, vectorize_kernel, o);
}

const struct tcc_pass tcc_pass_vectorize = {
	.name = "vectorize",
	.summary = "split the innermost member by the vector width and mark it 'vector'",
	.level = TCC_LEVEL_KERNEL,
	.options = vectorize_opts,
	.noptions = sizeof(vectorize_opts) / sizeof(vectorize_opts[0]),
	.options_size = sizeof(struct vectorize_options),
	.run = vectorize_run,
};
