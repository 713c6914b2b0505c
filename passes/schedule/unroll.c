/* The "unroll" pass: ask isl's AST generator to unroll band members completely. */
#include <stddef.h>

#include "passes/schedule/sched.h"

struct unroll_options {
	const char *members;
	int64_t max;
	const char *kernel;
	const char *stmt;
	int64_t band;
};

static const struct tcc_pass_option unroll_opts[] = {
	{ "members", TCC_OPT_STRING, offsetof(struct unroll_options, members), "",
	  "band members to unroll ('x' between; empty: the last)" },
	{ "max", TCC_OPT_INT, offsetof(struct unroll_options, max), "64",
	  "largest extent unrolled (keeps the AST small)" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct unroll_options, kernel), "",
	  "only this kernel (empty: all)" },
	{ "stmt", TCC_OPT_STRING, offsetof(struct unroll_options, stmt), "",
	  "only bands over this statement (empty: all)" },
	{ "band", TCC_OPT_INT, offsetof(struct unroll_options, band), "-1",
	  "which band on each path: 0 outermost, 1 the next..., -1 innermost" },
};

/* Unroll member "i" of "band" when its extent is at most "max". */
static __isl_give isl_schedule_node *unroll_member(struct sched_env *env,
						   __isl_take isl_schedule_node *band, int i,
						   int64_t max)
{
	int64_t ext = sched_member_extent(band, i);

	if (ext < 0)
		return isl_schedule_node_free(band);
	if (ext > max) {
		sched_warn(env, "member %d runs %lld iterations (max %lld); not unrolled", i,
			   (long long)ext, (long long)max);
		return band;
	}
	env->changed = 1;
	return isl_schedule_node_band_member_set_ast_loop_type(band, i, isl_ast_loop_unroll);
}

static __isl_give isl_schedule_node *unroll_band(struct sched_env *env,
						 __isl_take isl_schedule_node *band, int depth,
						 int *descend)
{
	const struct unroll_options *o = env->opts;
	int64_t mem[1][SCHED_MAX_LIST];
	int nper[1] = { 0 }, n = sched_band_n(band);

	if (!sched_band_selected(band, depth, o->stmt, o->band) || n <= 0)
		return band;
	if (sched_parse_lists(o->members, mem, nper, 1) < 0)
		return sched_fail(env, "bad members '%s'", o->members), isl_schedule_node_free(band);
	if (nper[0] == 0)
		mem[0][nper[0]++] = n - 1;
	*descend = 0;
	for (int i = 0; i < nper[0] && band; i++) {
		if (mem[0][i] < 0 || mem[0][i] >= n) {
			sched_warn(env, "band has no member %lld", (long long)mem[0][i]);
			continue;
		}
		band = unroll_member(env, band, (int)mem[0][i], o->max);
	}
	return band;
}

static __isl_give isl_schedule *unroll_kernel(struct sched_env *env, __isl_take isl_schedule *s)
{
	return sched_walk(env, s, unroll_band);
}

static tcc_stat unroll_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct unroll_options *o = options;

	return sched_run_kernels(m, "unroll", o->kernel, unroll_kernel, o);
}

const struct tcc_pass tcc_pass_unroll = {
	.name = "unroll",
	.summary = "unroll band members completely (isl AST loop type 'unroll')",
	.level = TCC_LEVEL_KERNEL,
	.options = unroll_opts,
	.noptions = sizeof(unroll_opts) / sizeof(unroll_opts[0]),
	.options_size = sizeof(struct unroll_options),
	.run = unroll_run,
};
