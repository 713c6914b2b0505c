/* The "interchange" pass: permute the members of schedule bands. */
#include <stddef.h>

#include <isl/union_map.h>

#include "passes/schedule/sched.h"

struct interchange_options {
	const char *order;
	const char *kernel;
	const char *stmt;
	int64_t band;
};

static const struct tcc_pass_option interchange_opts[] = {
	{ "order", TCC_OPT_STRING, offsetof(struct interchange_options, order), "1x0",
	  "new member order: member order[i] becomes member i (a permutation, 'x' between)" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct interchange_options, kernel), "",
	  "only this kernel (empty: all)" },
	{ "stmt", TCC_OPT_STRING, offsetof(struct interchange_options, stmt), "",
	  "only bands over this statement (empty: all)" },
	{ "band", TCC_OPT_INT, offsetof(struct interchange_options, band), "0",
	  "which band on each path: 0 outermost, 1 the next..., -1 innermost" },
};

static int is_permutation(const int64_t *p, int n)
{
	int seen[SCHED_MAX_LIST] = { 0 };

	for (int i = 0; i < n; i++) {
		if (p[i] < 0 || p[i] >= n || seen[p[i]])
			return 0;
		seen[p[i]] = 1;
	}
	return 1;
}

/* "band" with its members in "order"; ast loop types and options are dropped. */
static __isl_give isl_schedule_node *permute(__isl_take isl_schedule_node *band,
					     const int64_t *order, int n)
{
	isl_multi_union_pw_aff *old = isl_schedule_node_band_get_partial_schedule(band);
	isl_multi_union_pw_aff *mupa = isl_multi_union_pw_aff_copy(old);

	for (int i = 0; i < n; i++)
		mupa = isl_multi_union_pw_aff_set_union_pw_aff(
			mupa, i, isl_multi_union_pw_aff_get_union_pw_aff(old, (int)order[i]));
	isl_multi_union_pw_aff_free(old);
	band = isl_schedule_node_delete(band);
	return isl_schedule_node_insert_partial_schedule(band, mupa);
}

/* 1 when the whole schedule of "node"'s tree respects the RELAXED dependences. */
static tcc_bool tree_is_legal(struct sched_env *env, __isl_keep isl_schedule_node *node)
{
	isl_schedule *s = isl_schedule_node_get_schedule(node);
	isl_union_map *map = isl_schedule_get_map(s);
	tcc_bool r = tcc_poly_schedule_is_legal(env->poly, map, TCC_POLY_DEP_RELAXED);

	isl_union_map_free(map);
	isl_schedule_free(s);
	return r;
}

static __isl_give isl_schedule_node *interchange_band(struct sched_env *env,
						      __isl_take isl_schedule_node *band,
						      int depth, int *descend)
{
	const struct interchange_options *o = env->opts;
	int64_t order[1][SCHED_MAX_LIST];
	int nper[1], n = sched_band_n(band);
	isl_schedule_node *moved;
	tcc_bool legal;

	if (!sched_band_selected(band, depth, o->stmt, o->band))
		return band;
	if (sched_parse_lists(o->order, order, nper, 1) != 1 || !is_permutation(order[0], nper[0]))
		return sched_fail(env, "order '%s' is not a permutation", o->order),
		       isl_schedule_node_free(band);
	if (nper[0] != n) {
		sched_warn(env, "band has %d members, order has %d; band left alone", n, nper[0]);
		return band;
	}
	moved = permute(isl_schedule_node_copy(band), order[0], n);
	legal = tree_is_legal(env, moved);
	if (legal != 1) {
		isl_schedule_node_free(moved);
		if (legal < 0)
			return isl_schedule_node_free(band);
		sched_warn(env, "refused: order '%s' violates a dependence; band left alone",
			   o->order);
		return band;
	}
	isl_schedule_node_free(band);
	*descend = 0;
	env->changed = 1;
	return moved;
}

static __isl_give isl_schedule *interchange_kernel(struct sched_env *env,
						   __isl_take isl_schedule *s)
{
	return sched_walk(env, s, interchange_band);
}

static tcc_stat interchange_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct interchange_options *o = options;

	return sched_run_kernels(m, "interchange", o->kernel, interchange_kernel, o);
}

const struct tcc_pass tcc_pass_interchange = {
	.name = "interchange",
	.summary = "permute the members of schedule bands (checked against the dependences)",
	.level = TCC_LEVEL_KERNEL,
	.options = interchange_opts,
	.noptions = sizeof(interchange_opts) / sizeof(interchange_opts[0]),
	.options_size = sizeof(struct interchange_options),
	.run = interchange_run,
};
