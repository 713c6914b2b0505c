/* The "tile" pass: (multi-level) rectangular tiling of permutable bands. */
#include <stddef.h>

#include <isl/val.h>

#include "passes/schedule/sched.h"

#define TILE_LEVELS 4

struct tile_options {
	const char *sizes;
	const char *kernel;
	const char *stmt;
	int64_t band;
};

static const struct tcc_pass_option tile_opts[] = {
	{ "sizes", TCC_OPT_STRING, offsetof(struct tile_options, sizes), "32",
	  "tile sizes, one per band member ('x' between members, ':' between levels, outer first: 64x64:8x8)" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct tile_options, kernel), "",
	  "only this kernel (empty: all)" },
	{ "stmt", TCC_OPT_STRING, offsetof(struct tile_options, stmt), "",
	  "only bands over this statement (empty: all)" },
	{ "band", TCC_OPT_INT, offsetof(struct tile_options, band), "0",
	  "which band on each path: 0 outermost, 1 the next..., -1 innermost" },
};

/* Tile "band" by "sizes" (n entries); returns the tile band. */
static __isl_give isl_schedule_node *tile_level(__isl_take isl_schedule_node *band,
						const int64_t *sizes, int n)
{
	isl_ctx *ctx = isl_schedule_node_get_ctx(band);
	isl_multi_val *mv = isl_multi_val_zero(isl_schedule_node_band_get_space(band));

	for (int i = 0; i < n; i++)
		mv = isl_multi_val_set_val(mv, i, isl_val_int_from_si(ctx, sizes[i]));
	return isl_schedule_node_band_tile(band, mv);
}

static __isl_give isl_schedule_node *tile_band(struct sched_env *env,
					       __isl_take isl_schedule_node *band, int depth,
					       int *descend)
{
	const struct tile_options *o = env->opts;
	int64_t sizes[TILE_LEVELS][SCHED_MAX_LIST];
	int nper[TILE_LEVELS], nlev, n = sched_band_n(band);
	tcc_bool perm;

	if (!sched_band_selected(band, depth, o->stmt, o->band))
		return band;
	nlev = sched_parse_lists(o->sizes, sizes, nper, TILE_LEVELS);
	if (nlev <= 0)
		return sched_fail(env, "bad sizes '%s'", o->sizes),
		       isl_schedule_node_free(band);
	for (int l = 0; l < nlev; l++)
		for (int i = 0; i < nper[l]; i++)
			if (sizes[l][i] <= 0)
				return sched_fail(env, "tile sizes must be positive"),
				       isl_schedule_node_free(band);
	for (int l = 0; l < nlev; l++)
		if (nper[l] != n) {
			sched_warn(env, "band has %d members but %d sizes; band left alone", n, nper[l]);
			return band;
		}
	perm = n > 1 ? sched_band_permutable(env, band) : 1;
	if (perm < 0)
		return isl_schedule_node_free(band);
	if (!perm) {
		sched_warn(env, "refused: the band is not permutable (a dependence goes backwards "
				"in one member); band left alone");
		return band;
	}
	*descend = 0;
	env->changed = 1;
	for (int l = 0; l < nlev; l++) {
		band = tile_level(band, sizes[l], n);
		band = isl_schedule_node_child(band, 0);
	}
	for (int l = 0; l < nlev; l++)
		band = isl_schedule_node_parent(band);
	return band;
}

static __isl_give isl_schedule *tile_kernel(struct sched_env *env, __isl_take isl_schedule *s)
{
	return sched_walk(env, s, tile_band);
}

static tcc_stat tile_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct tile_options *o = options;

	return sched_run_kernels(m, "tile", o->kernel, tile_kernel, o);
}

const struct tcc_pass tcc_pass_tile = {
	.name = "tile",
	.summary = "tile permutable schedule bands (multi-level sizes per member)",
	.level = TCC_LEVEL_KERNEL,
	.options = tile_opts,
	.noptions = sizeof(tile_opts) / sizeof(tile_opts[0]),
	.options_size = sizeof(struct tile_options),
	.run = tile_run,
};
