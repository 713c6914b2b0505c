/* Schedule passes: questions about one band node and the vector strip-mining (see sched.h). */
#include <string.h>

#include <isl/id.h>
#include <isl/map.h>
#include <isl/point.h>
#include <isl/set.h>
#include <isl/space.h>
#include <isl/union_map.h>
#include <isl/union_set.h>
#include <isl/val.h>

#include "passes/schedule/sched.h"

int sched_band_n(__isl_keep isl_schedule_node *band)
{
	isl_size n = isl_schedule_node_band_n_member(band);

	return n < 0 ? -1 : (int)n;
}

static isl_stat has_name(__isl_take isl_set *set, void *user)
{
	const char **name = user;
	const char *t = isl_set_get_tuple_name(set);

	if (t && *name && strcmp(t, *name) == 0)
		*name = NULL; /* found */
	isl_set_free(set);
	return isl_stat_ok;
}

static isl_bool is_band(__isl_keep isl_schedule_node *node, void *user)
{
	int *n = user;

	if (isl_schedule_node_get_type(node) == isl_schedule_node_band)
		(*n)++;
	return isl_bool_true;
}

int sched_band_selected(__isl_keep isl_schedule_node *band, int depth, const char *stmt,
			int64_t which)
{
	if (stmt && *stmt) {
		isl_union_set *dom = isl_schedule_node_get_domain(band);
		const char *name = stmt;

		isl_union_set_foreach_set(dom, &has_name, &name);
		isl_union_set_free(dom);
		if (name)
			return 0;
	}
	if (which < 0) {
		int n = 0;

		isl_schedule_node_foreach_descendant_top_down(band, &is_band, &n);
		return n == 1;
	}
	return depth == which;
}

/* "u" as one set; an empty set of "space" (__isl_take) when "u" is empty. */
static __isl_give isl_set *one_set(__isl_take isl_union_set *u, __isl_take isl_space *space)
{
	isl_bool empty = isl_union_set_is_empty(u);

	if (empty < 0 || empty) {
		isl_union_set_free(u);
		return empty < 0 ? isl_space_free(space), NULL : isl_set_empty(space);
	}
	isl_space_free(space);
	return isl_set_from_union_set(u);
}

/* The one-dim anonymous set of the values of member "i" over the band's domain. */
static __isl_give isl_set *member_values(__isl_keep isl_schedule_node *band, int i)
{
	isl_multi_union_pw_aff *mupa = isl_schedule_node_band_get_partial_schedule(band);
	isl_union_pw_aff *upa = isl_multi_union_pw_aff_get_union_pw_aff(mupa, i);
	isl_union_set *dom = isl_schedule_node_get_domain(band);
	isl_union_map *map = isl_union_map_from_union_pw_aff(upa);

	isl_multi_union_pw_aff_free(mupa);
	map = isl_union_map_intersect_domain(map, dom);
	return one_set(isl_union_map_range(map),
		       isl_space_set_alloc(isl_schedule_node_get_ctx(band), 0, 1));
}

/* The coordinate of the one point of the 1-D "set" (lexmin/lexmax); INT64_MIN if none. */
static int64_t point_take(__isl_take isl_set *set)
{
	isl_point *pt = isl_set_sample_point(set);
	isl_val *v = isl_point_get_coordinate_val(pt, isl_dim_set, 0);
	int64_t r = v && isl_val_is_int(v) == isl_bool_true ? isl_val_get_num_si(v) : INT64_MIN;

	isl_val_free(v);
	isl_point_free(pt);
	return r;
}

int64_t sched_member_extent(__isl_keep isl_schedule_node *band, int i)
{
	isl_set *vals = member_values(band, i);
	int64_t lo, hi;

	if (!vals)
		return -1;
	if (isl_set_is_empty(vals) != isl_bool_false) {
		isl_set_free(vals);
		return 0;
	}
	if (isl_set_is_bounded(vals) != isl_bool_true) {
		isl_set_free(vals);
		return -1;
	}
	lo = point_take(isl_set_lexmin(isl_set_copy(vals)));
	hi = point_take(isl_set_lexmax(vals));
	if (lo == INT64_MIN || hi == INT64_MIN)
		return -1;
	return hi - lo + 1;
}

/* Whether member i of "band" carries no dependence of "kind" below its prefix. */
static tcc_bool member_free_of(struct sched_env *env, __isl_keep isl_schedule_node *band, int i,
			       enum tcc_poly_dep kind)
{
	isl_union_map *outer = isl_schedule_node_get_prefix_schedule_union_map(band);
	isl_union_map *part = isl_schedule_node_band_get_partial_schedule_union_map(band);
	isl_union_set *dom = isl_schedule_node_get_domain(band);
	tcc_bool r;

	part = isl_union_map_intersect_domain(part, dom);
	r = tcc_poly_band_member_is_parallel(env->poly, outer, part, i, kind);
	isl_union_map_free(outer);
	isl_union_map_free(part);
	return r;
}

tcc_bool sched_member_parallel(struct sched_env *env, __isl_keep isl_schedule_node *band, int i)
{
	return member_free_of(env, band, i, TCC_POLY_DEP_ALL);
}

/* Vector lanes may also run the iterations of a pure reduction (`+=`, `max=`, `min=` whose
 * right-hand side does not read the target) that update one element: codegen combines them
 * with a horizontal reduction (RELAXED dependences drop exactly those). */
static tcc_bool member_vectorizable(struct sched_env *env, __isl_keep isl_schedule_node *band)
{
	return member_free_of(env, band, 0, TCC_POLY_DEP_RELAXED);
}

tcc_bool sched_band_permutable(struct sched_env *env, __isl_keep isl_schedule_node *band)
{
	isl_union_map *outer = isl_schedule_node_get_prefix_schedule_union_map(band);
	isl_union_map *part = isl_schedule_node_band_get_partial_schedule_union_map(band);
	isl_union_set *dom = isl_schedule_node_get_domain(band);
	tcc_bool r;

	part = isl_union_map_intersect_domain(part, dom);
	r = tcc_poly_band_is_permutable(env->poly, outer, part, TCC_POLY_DEP_RELAXED);
	isl_union_map_free(outer);
	isl_union_map_free(part);
	return r;
}

/* Prefix time × member 0 of "band" over its domain, as one set (NULL if several spaces). */
static __isl_give isl_set *band_times(__isl_keep isl_schedule_node *band)
{
	isl_union_map *outer = isl_schedule_node_get_prefix_schedule_union_map(band);
	isl_union_map *part = isl_schedule_node_band_get_partial_schedule_union_map(band);
	isl_union_set *dom = isl_schedule_node_get_domain(band);
	isl_union_map *time = isl_union_map_flat_range_product(outer, part);

	time = isl_union_map_intersect_domain(time, dom);
	return one_set(isl_union_map_range(time),
		       isl_space_set_alloc(isl_schedule_node_get_ctx(band), 0, 1));
}

tcc_bool sched_band_is_exact(__isl_keep isl_schedule_node *band, int64_t w)
{
	isl_set *t = band_times(band), *full;
	isl_size n = isl_set_dim(t, isl_dim_set);
	isl_bool eq;

	if (n < 1 || sched_band_n(band) != 1 || isl_set_is_empty(t) != isl_bool_false) {
		isl_set_free(t);
		return n < 0 ? -1 : 0;
	}
	/* every prefix that runs must run all of 0 .. w-1, and nothing else */
	full = isl_set_project_out(isl_set_copy(t), isl_dim_set, (unsigned)n - 1, 1);
	full = isl_set_add_dims(full, isl_dim_set, 1);
	full = isl_set_lower_bound_si(full, isl_dim_set, (unsigned)n - 1, 0);
	full = isl_set_upper_bound_si(full, isl_dim_set, (unsigned)n - 1, (int)(w - 1));
	eq = isl_set_is_equal(t, full);
	isl_set_free(t);
	isl_set_free(full);
	return eq;
}

__isl_give isl_schedule_node *sched_insert_mark(__isl_take isl_schedule_node *node,
						const char *name)
{
	isl_ctx *ctx = isl_schedule_node_get_ctx(node);

	return isl_schedule_node_insert_mark(node, isl_id_alloc(ctx, name, NULL));
}

/* Tile the one-member "band" by "w"; returns the point band. */
static __isl_give isl_schedule_node *strip_mine(__isl_take isl_schedule_node *band, int64_t w)
{
	isl_ctx *ctx = isl_schedule_node_get_ctx(band);
	isl_space *space = isl_schedule_node_band_get_space(band);
	isl_multi_val *sizes = isl_multi_val_zero(space);

	sizes = isl_multi_val_set_val(sizes, 0, isl_val_int_from_si(ctx, w));
	band = isl_schedule_node_band_tile(band, sizes);
	return isl_schedule_node_child(band, 0);
}

__isl_give isl_schedule_node *sched_vectorize_band(struct sched_env *env,
						   __isl_take isl_schedule_node *band, int64_t w,
						   const char **why)
{
	int64_t ext = sched_member_extent(band, 0);
	tcc_bool par = member_vectorizable(env, band);
	isl_schedule_node *point;
	tcc_bool exact;

	if (ext < 0 || par < 0)
		return isl_schedule_node_free(band);
	if (!par || ext < w || ext % w) {
		*why = !par ? "the member carries a dependence" :
			      "its extent is not a multiple of the vector width";
		return band;
	}
	point = ext == w ? isl_schedule_node_copy(band) : strip_mine(isl_schedule_node_copy(band), w);
	exact = sched_band_is_exact(point, w);
	if (exact != 1) {
		isl_schedule_node_free(point);
		*why = "some vector would be partial (domain constraints or bounds)";
		return exact < 0 ? isl_schedule_node_free(band) : band;
	}
	isl_schedule_node_free(band);
	point = sched_insert_mark(point, "vector");
	return ext == w ? point : isl_schedule_node_parent(point);
}

__isl_give isl_schedule_node *sched_vectorize_last(struct sched_env *env,
						   __isl_take isl_schedule_node *band, int n,
						   int64_t w, const char **why)
{
	if (n > 1) {
		band = isl_schedule_node_band_split(band, n - 1);
		band = isl_schedule_node_child(band, 0);
	}
	band = sched_vectorize_band(env, band, w, why);
	return n > 1 ? isl_schedule_node_parent(band) : band;
}
