/* Dependences (isl flow analysis, as PPCG's compute_dependences) and legality checks of
 * proposed schedules against them.
 *
 * Each kind of dependence is computed from the initial schedule when first asked for (code
 * generation of an unscheduled kernel needs none). A check maps the dependences into the
 * time of the proposed schedule; the last TCC_POLY_TIME_CACHE such mappings are kept, keyed
 * by the kind and the text of the time map, since a schedule pass asks about the same band
 * once for permutability and once per member for parallelism. */
#include <stdlib.h>
#include <string.h>

#include <isl/flow.h>
#include <isl/map.h>

#include "ir/kernel/poly_private.h"

/* Dependences towards the accesses in "sink" from the writes before them, given "must"
 * and "may" sources, under "sched". */
static __isl_give isl_union_map *flow(__isl_take isl_union_map *sink,
				      __isl_take isl_union_map *must,
				      __isl_take isl_union_map *may, __isl_keep isl_schedule *sched)
{
	isl_union_access_info *ai = isl_union_access_info_from_sink(sink);
	isl_union_flow *fl;
	isl_union_map *dep;

	ai = isl_union_access_info_set_must_source(ai, must);
	ai = isl_union_access_info_set_may_source(ai, may);
	ai = isl_union_access_info_set_schedule(ai, isl_schedule_copy(sched));
	fl = isl_union_access_info_compute_flow(ai);
	dep = isl_union_flow_get_may_dependence(fl);
	isl_union_flow_free(fl);
	return dep;
}

static isl_stat add_same_element(__isl_take isl_map *write, void *user)
{
	isl_union_map **pairs = user;
	isl_map *rev = isl_map_reverse(isl_map_copy(write));

	*pairs = isl_union_map_add_map(*pairs, isl_map_apply_range(write, rev));
	return *pairs ? isl_stat_ok : isl_stat_error;
}

/* Pairs of instances of a same statement that write a same element of "writes" (one map
 * per statement). */
static __isl_give isl_union_map *same_element(__isl_take isl_union_map *writes)
{
	isl_union_map *pairs = isl_union_map_empty(isl_union_map_get_space(writes));

	if (isl_union_map_foreach_map(writes, &add_same_element, &pairs) < 0)
		pairs = isl_union_map_free(pairs);
	isl_union_map_free(writes);
	return pairs;
}

/* Relaxed dependences: reduction writes are may-writes; their self-dependences on a same
 * target element are dropped. */
static __isl_give isl_union_map *relaxed_deps(struct tcc_poly *poly)
{
	isl_union_map *must = isl_union_map_subtract(isl_union_map_copy(poly->writes),
						     isl_union_map_copy(poly->red_writes));
	isl_union_map *raw, *false_dep, *self;
	isl_union_map *may_src = isl_union_map_union(isl_union_map_copy(poly->reads),
						     isl_union_map_copy(poly->red_writes));

	raw = flow(isl_union_map_copy(poly->reads), isl_union_map_copy(must),
		   isl_union_map_copy(poly->red_writes), poly->initial);
	false_dep = flow(isl_union_map_copy(poly->writes), must, may_src, poly->initial);
	self = same_element(isl_union_map_copy(poly->red_writes));
	return isl_union_map_subtract(isl_union_map_union(raw, false_dep), self);
}

/* Dependences of "kind" (FLOW, FALSE or RELAXED), computed on first use; NULL on error. */
static isl_union_map *deps_of(struct tcc_poly *poly, enum tcc_poly_dep kind)
{
	isl_space *params;

	if (kind == TCC_POLY_DEP_FLOW && !poly->dep_flow) {
		params = isl_union_set_get_space(poly->domain);
		poly->dep_flow = flow(isl_union_map_copy(poly->reads),
				      isl_union_map_copy(poly->writes), isl_union_map_empty(params),
				      poly->initial);
	} else if (kind == TCC_POLY_DEP_FALSE && !poly->dep_false) {
		poly->dep_false = flow(isl_union_map_copy(poly->writes),
				       isl_union_map_copy(poly->writes),
				       isl_union_map_copy(poly->reads), poly->initial);
	} else if (kind == TCC_POLY_DEP_RELAXED && !poly->dep_relaxed) {
		isl_bool plain = isl_union_map_is_empty(poly->red_writes);

		/* Without reduction writes the relaxed analysis is exactly flow ∪ false. */
		if (plain == isl_bool_true)
			poly->dep_relaxed = isl_union_map_union(
				isl_union_map_copy(deps_of(poly, TCC_POLY_DEP_FLOW)),
				isl_union_map_copy(deps_of(poly, TCC_POLY_DEP_FALSE)));
		else if (plain == isl_bool_false)
			poly->dep_relaxed = relaxed_deps(poly);
	}
	return kind == TCC_POLY_DEP_FLOW ? poly->dep_flow :
	       kind == TCC_POLY_DEP_FALSE ? poly->dep_false : poly->dep_relaxed;
}

tcc_stat tcc_poly_compute_deps(__tcc_keep struct tcc_poly *poly)
{
	return deps_of(poly, TCC_POLY_DEP_FLOW) && deps_of(poly, TCC_POLY_DEP_FALSE) &&
		       deps_of(poly, TCC_POLY_DEP_RELAXED)
		       ? 0
		       : -1;
}

__isl_give isl_union_map *tcc_poly_get_deps(__tcc_keep struct tcc_poly *poly,
					    enum tcc_poly_dep kind)
{
	switch (kind) {
	case TCC_POLY_DEP_FLOW:
	case TCC_POLY_DEP_FALSE:
	case TCC_POLY_DEP_RELAXED:
		return isl_union_map_copy(deps_of(poly, kind));
	case TCC_POLY_DEP_ALL:
		return isl_union_map_union(isl_union_map_copy(deps_of(poly, TCC_POLY_DEP_FLOW)),
					   isl_union_map_copy(deps_of(poly, TCC_POLY_DEP_FALSE)));
	}
	return NULL;
}

void tcc_poly_free_time_cache(__tcc_keep struct tcc_poly *poly)
{
	for (int i = 0; i < TCC_POLY_TIME_CACHE; i++) {
		free(poly->time_cache[i].key);
		isl_union_map_free(poly->time_cache[i].deps);
		poly->time_cache[i] = (struct tcc_poly_time){ 0 };
	}
}

/* Extend both tuples of "m" to "n" dims with zeros and make them anonymous. */
static __isl_give isl_map *pad_map(__isl_take isl_map *m, isl_size n)
{
	enum isl_dim_type types[] = { isl_dim_in, isl_dim_out };

	for (int t = 0; t < 2; t++) {
		isl_size have = isl_map_dim(m, types[t]);

		if (have < 0)
			return isl_map_free(m);
		m = isl_map_add_dims(m, types[t], (unsigned)(n - have));
		for (isl_size j = have; j < n; j++)
			m = isl_map_fix_si(m, types[t], (unsigned)j, 0);
		m = isl_map_reset_tuple_id(m, types[t]);
	}
	return m;
}

/* "violates" says whether a dependence "m" in time (padded, anonymous) is illegal; "n" is
 * the padded dim; "outer" the number of leading dims that must be equal (band check). */
struct check {
	isl_size n;
	int outer;
	int band;
	int parallel;
	isl_bool bad;
};

static isl_stat max_dim(__isl_take isl_map *m, void *user)
{
	isl_size *n = user;
	isl_size a = isl_map_dim(m, isl_dim_in), b = isl_map_dim(m, isl_dim_out);

	isl_map_free(m);
	if (a < 0 || b < 0)
		return isl_stat_error;
	*n = a > *n ? a : *n;
	*n = b > *n ? b : *n;
	return isl_stat_ok;
}

/* Sets c->bad when "m" holds a pair that breaks the rule: for a full schedule (band < 0)
 * a pair that is not lexicographically increasing; for a band, a pair equal on the first
 * "outer" dims and decreasing on one of the next "band" dims. */
static isl_stat check_map(__isl_take isl_map *m, void *user)
{
	struct check *c = user;
	isl_bool bad = isl_bool_false;

	m = pad_map(m, c->n);
	if (c->band < 0) {
		isl_map *lt = isl_map_lex_lt(isl_space_range(isl_map_get_space(m)));

		bad = isl_bool_not(isl_map_is_subset(m, lt));
		isl_map_free(lt);
		isl_map_free(m);
	} else {
		for (int j = 0; j < c->outer; j++)
			m = isl_map_equate(m, isl_dim_in, j, isl_dim_out, j);
		for (int j = c->outer; j < c->outer + c->band && bad == isl_bool_false; j++) {
			isl_map *dec = isl_map_order_lt(isl_map_copy(m), isl_dim_out, j, isl_dim_in, j);

			if (c->parallel) /* any difference on the member is a carried dependence */
				dec = isl_map_union(dec, isl_map_order_gt(isl_map_copy(m), isl_dim_out,
									  j, isl_dim_in, j));
			bad = isl_bool_not(isl_map_is_empty(dec));
			isl_map_free(dec);
		}
		isl_map_free(m);
	}
	c->bad = bad;
	return bad == isl_bool_false ? isl_stat_ok : isl_stat_error;
}

/* The cache key of "time" for dependences of "kind" (malloc'ed; NULL on error). */
static char *time_key(__isl_keep isl_union_map *time, enum tcc_poly_dep kind)
{
	char *text = isl_union_map_to_str(time), *key;
	size_t n = text ? strlen(text) : 0;

	key = text ? malloc(n + 4) : NULL;
	if (key) {
		key[0] = (char)('0' + (int)kind);
		memcpy(key + 1, text, n + 1);
	}
	free(text);
	return key;
}

/* Dependences of "kind" mapped through "time" (from the cache when there); *n the largest
 * dim of their tuples. NULL on error. */
static __isl_give isl_union_map *time_deps(struct tcc_poly *poly, __isl_take isl_union_map *time,
					   enum tcc_poly_dep kind, isl_size *n)
{
	char *key = time_key(time, kind);
	struct tcc_poly_time *e;
	isl_union_map *dep;

	for (int i = 0; key && i < TCC_POLY_TIME_CACHE; i++) {
		e = &poly->time_cache[i];
		if (e->key && !strcmp(e->key, key)) {
			free(key);
			isl_union_map_free(time);
			*n = e->n;
			return isl_union_map_copy(e->deps);
		}
	}
	dep = tcc_poly_get_deps(poly, kind);
	dep = isl_union_map_apply_domain(dep, isl_union_map_copy(time));
	dep = isl_union_map_apply_range(dep, time);
	*n = 0;
	if (!dep || isl_union_map_foreach_map(dep, &max_dim, n) < 0 || !key) {
		free(key);
		return isl_union_map_free(dep);
	}
	e = &poly->time_cache[poly->time_next];
	poly->time_next = (poly->time_next + 1) % TCC_POLY_TIME_CACHE;
	free(e->key);
	isl_union_map_free(e->deps);
	*e = (struct tcc_poly_time){ .key = key, .deps = isl_union_map_copy(dep), .n = *n };
	return dep;
}

/* Dependences of "kind" mapped through "time" and checked as "c" says. */
static tcc_bool check_deps(struct tcc_poly *poly, __isl_take isl_union_map *time,
			   enum tcc_poly_dep kind, struct check *c)
{
	isl_union_map *dep = time_deps(poly, time, kind, &c->n);

	c->bad = isl_bool_false;
	if (!dep)
		return -1;
	if (c->outer + c->band > c->n)
		c->n = c->outer + c->band;
	isl_union_map_foreach_map(dep, &check_map, c);
	isl_union_map_free(dep);
	if (c->bad < 0)
		return -1;
	return c->bad ? 0 : 1;
}

tcc_bool tcc_poly_schedule_is_legal(__tcc_keep struct tcc_poly *poly,
				    __isl_keep isl_union_map *sched, enum tcc_poly_dep kind)
{
	struct check c = { .band = -1 };

	if (!sched)
		return -1;
	return check_deps(poly, isl_union_map_copy(sched), kind, &c);
}

static isl_stat range_dim(__isl_take isl_map *m, void *user)
{
	isl_size *n = user;
	isl_size d = isl_map_dim(m, isl_dim_out);

	isl_map_free(m);
	if (d < 0)
		return isl_stat_error;
	*n = d > *n ? d : *n;
	return isl_stat_ok;
}

/* "n" is the dim every outer map is padded to; "out" collects them. */
struct pad_ctx {
	isl_size n;
	isl_union_map **out;
};

static isl_stat pad_outer(__isl_take isl_map *m, void *user)
{
	struct pad_ctx *pc = user;
	isl_size have = isl_map_dim(m, isl_dim_out);

	if (have < 0) {
		isl_map_free(m);
		return isl_stat_error;
	}
	m = isl_map_add_dims(m, isl_dim_out, (unsigned)(pc->n - have));
	for (isl_size j = have; j < pc->n; j++)
		m = isl_map_fix_si(m, isl_dim_out, (unsigned)j, 0);
	m = isl_map_reset_tuple_id(m, isl_dim_out);
	*pc->out = isl_union_map_add_map(*pc->out, m);
	return *pc->out ? isl_stat_ok : isl_stat_error;
}

/* The dependences of "kind" in the time of "outer" (padded, NULL: none) followed by "band",
 * checked as "c" says once c->outer has been increased by the outer dims. */
static tcc_bool check_band(struct tcc_poly *poly, __isl_keep __tcc_null isl_union_map *outer,
			   __isl_keep isl_union_map *band, enum tcc_poly_dep kind, struct check *c)
{
	isl_size n_outer = 0;
	isl_union_map *time;

	if (!band || (outer && isl_union_map_foreach_map(outer, &range_dim, &n_outer) < 0))
		return -1;
	c->outer += n_outer;
	if (!outer)
		return check_deps(poly, isl_union_map_copy(band), kind, c);
	/* Pad the outer part first so that the band starts at the same dim everywhere. */
	time = isl_union_map_empty(isl_union_map_get_space(outer));
	if (isl_union_map_foreach_map(outer, &pad_outer, &(struct pad_ctx){ n_outer, &time }) < 0)
		time = isl_union_map_free(time);
	time = isl_union_map_flat_range_product(time, isl_union_map_copy(band));
	return check_deps(poly, time, kind, c);
}

tcc_bool tcc_poly_band_is_permutable(__tcc_keep struct tcc_poly *poly,
				     __isl_keep __tcc_null isl_union_map *outer,
				     __isl_keep isl_union_map *band, enum tcc_poly_dep kind)
{
	struct check c = { 0 };
	isl_size n_band = 0;

	if (!band || isl_union_map_foreach_map(band, &range_dim, &n_band) < 0)
		return -1;
	c.band = n_band;
	return check_band(poly, outer, band, kind, &c);
}

tcc_bool tcc_poly_band_member_is_parallel(__tcc_keep struct tcc_poly *poly,
					  __isl_keep __tcc_null isl_union_map *outer,
					  __isl_keep isl_union_map *band, int member,
					  enum tcc_poly_dep kind)
{
	struct check c = { .outer = member, .band = 1, .parallel = 1 };
	isl_size n_band = 0;

	if (!band || isl_union_map_foreach_map(band, &range_dim, &n_band) < 0)
		return -1;
	if (member < 0 || member >= n_band)
		return -1;
	return check_band(poly, outer, band, kind, &c);
}
