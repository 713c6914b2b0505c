/* The automatic scheduler's GEMM plan: register blocking of GEMM-class statements over their
 * full-vector part, the rest scheduled as memory-bound (see docs/schedule.md). */
#include <stdio.h>
#include <string.h>

#include <isl/map.h>
#include <isl/set.h>
#include <isl/union_map.h>
#include <isl/union_set.h>

#include "passes/schedule/auto.h"

static int64_t ext_of(const struct tcc_kstmt *s, int i)
{
	return s->iters[i].hi - s->iters[i].lo;
}

/* Register tile: "mr" rows (unrolled) × "nr" columns (nr/W vectors, unrolled). */
struct gemm_plan {
	const struct tcc_kstmt *s;
	struct auto_gemm g;
	int64_t w, mr, nr, kc;
};

static double tile_use(int64_t ext, int64_t t)
{
	return (double)ext / (double)(((ext + t - 1) / t) * t);
}

/* Pick (mr, nr) for at most 24 accumulators: loads per flop, times the useful fraction of the
 * partial tiles; "ncols" columns in full vectors. */
static void pick_tile(struct gemm_plan *p, int64_t nrows, int64_t ncols, int64_t max_unroll)
{
	static const int cand[][2] = { { 6, 4 }, { 12, 2 }, { 8, 2 }, { 4, 4 }, { 8, 3 },
				       { 24, 1 }, { 16, 1 }, { 8, 1 }, { 4, 2 }, { 4, 1 } };
	double best = -1;

	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		int64_t mr = cand[i][0], nr = cand[i][1] * p->w;
		/* FMAs per register load (mr broadcasts + nr/W vector loads) */
		double sc = (double)(mr * cand[i][1]) / (double)(mr + cand[i][1]) *
			    tile_use(nrows, mr) *
			    tile_use(ncols, nr);

		if (mr * cand[i][1] > max_unroll)
			continue;
		if (sc > best + 1e-9) {
			best = sc;
			p->mr = mr;
			p->nr = nr;
		}
	}
}

/* The cache tile of the reduction: A and B micro-panels in half of L1. */
static void pick_kc(struct gemm_plan *p, int64_t l1)
{
	int64_t inner = 1;

	for (int i = 0; i < p->s->niters; i++)
		if (i != p->g.red && !auto_in_target(p->s, i))
			inner *= ext_of(p->s, i) > 0 ? ext_of(p->s, i) : 1;
	p->kc = l1 / 2 / (4 * (p->mr + p->nr) * inner);
	p->kc = p->kc < 8 ? 8 : p->kc / 8 * 8;
	if (p->kc >= ext_of(p->s, p->g.red))
		p->kc = 0;
}

/* "{ S[x0,...] -> [exprs] }" or "{ S[x0,...] : exprs }" into buf. */
static void stmt_str(char *buf, size_t size, const struct tcc_kstmt *s, const char *sep,
		     const char *body)
{
	size_t len = (size_t)snprintf(buf, size, "{ %s[", s->name);

	for (int i = 0; i < s->niters && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%sx%d", i ? "," : "", i);
	if (len < size)
		snprintf(buf + len, size - len, "] %s %s }", sep, body);
}

/* Insert the band "{ S[x] -> [exprs] }" above "node" (a leaf); returns the band. */
static __isl_give isl_schedule_node *ins(__isl_take isl_schedule_node *node,
					 const struct tcc_kstmt *s, const char *exprs)
{
	char buf[1024], body[600];
	isl_union_map *um;
	isl_multi_union_pw_aff *mupa;

	snprintf(body, sizeof(body), "[%s]", exprs);
	stmt_str(buf, sizeof(buf), s, "->", body);
	um = isl_union_map_read_from_str(isl_schedule_node_get_ctx(node), buf);
	mupa = isl_multi_union_pw_aff_from_union_map(um);
	mupa = isl_multi_union_pw_aff_intersect_domain(mupa, isl_schedule_node_get_domain(node));
	return isl_schedule_node_insert_partial_schedule(node, mupa);
}

/* Down to the leaf below "node", counting the steps in *depth. */
static __isl_give isl_schedule_node *down(__isl_take isl_schedule_node *node, int *depth)
{
	while (node && isl_schedule_node_get_type(node) != isl_schedule_node_leaf) {
		node = isl_schedule_node_child(node, 0);
		(*depth)++;
	}
	return node;
}

/* Outer tiles: the other target iterators, then rows/mr, columns/nr; marked parallel. */
static __isl_give isl_schedule_node *gemm_outer(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node)
{
	const struct tcc_kstmt *s = p->s;
	char e[512];
	size_t len = 0;

	for (int i = 0; i < s->niters; i++)
		if (i != p->g.row && i != p->g.col && auto_in_target(s, i) && ext_of(s, i) > 1)
			len += (size_t)snprintf(e + len, sizeof(e) - len, "x%d,", i);
	snprintf(e + len, sizeof(e) - len, "floor(x%d/%lld),floor(x%d/%lld)", p->g.row,
		 (long long)p->mr, p->g.col, (long long)p->nr);
	node = ins(node, s, e);
	return node ? auto_add_parallel(env, node) : NULL;
}

/* The reduction: the cache tile of "red", then the reduction iterators. */
static __isl_give isl_schedule_node *gemm_reduction(struct gemm_plan *p,
						    __isl_take isl_schedule_node *node, int *depth)
{
	const struct tcc_kstmt *s = p->s;
	char e[512];
	size_t len;

	if (p->kc) {
		snprintf(e, sizeof(e), "floor(x%d/%lld)", p->g.red, (long long)p->kc);
		node = down(ins(node, s, e), depth);
		len = (size_t)snprintf(e, sizeof(e), "x%d mod %lld", p->g.red, (long long)p->kc);
	} else {
		len = (size_t)snprintf(e, sizeof(e), "x%d", p->g.red);
	}
	for (int i = 0; i < s->niters; i++)
		if (i != p->g.red && !auto_in_target(s, i) && ext_of(s, i) > 1)
			len += (size_t)snprintf(e + len, sizeof(e) - len, ",x%d", i);
	return down(ins(node, s, e), depth);
}

/* The register tile: rows (unrolled), column vectors (unrolled), lanes (marked vector). */
static __isl_give isl_schedule_node *gemm_register(struct sched_env *env, struct gemm_plan *p,
						   __isl_take isl_schedule_node *node, int *depth)
{
	const struct tcc_kstmt *s = p->s;
	char e[256];
	tcc_bool ok;

	snprintf(e, sizeof(e), "x%d mod %lld", p->g.row, (long long)p->mr);
	node = ins(node, s, e);
	node = isl_schedule_node_band_member_set_ast_loop_type(node, 0, isl_ast_loop_unroll);
	node = down(node, depth);
	if (p->nr > p->w) {
		snprintf(e, sizeof(e), "floor((x%d mod %lld)/%lld)", p->g.col, (long long)p->nr,
			 (long long)p->w);
		node = ins(node, s, e);
		node = isl_schedule_node_band_member_set_ast_loop_type(node, 0, isl_ast_loop_unroll);
		node = down(node, depth);
	}
	snprintf(e, sizeof(e), "x%d mod %lld", p->g.col, (long long)p->w);
	node = ins(node, s, e);
	ok = node ? sched_band_is_exact(node, p->w) : -1;
	if (ok == 1)
		ok = sched_member_parallel(env, node, 0);
	if (ok < 0)
		return isl_schedule_node_free(node);
	if (ok)
		node = sched_insert_mark(node, "vector");
	return down(node, depth);
}

/* The whole GEMM subtree at leaf "node"; returns the node at the same position. */
static __isl_give isl_schedule_node *build_gemm(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node)
{
	int depth = 0;

	node = down(gemm_outer(env, p, node), &depth);
	node = gemm_reduction(p, node, &depth);
	node = gemm_register(env, p, node, &depth);
	while (node && depth-- > 0)
		node = isl_schedule_node_parent(node);
	return node;
}

/* Split domain "dom" of p->s into the instances whose vector of W lanes (same other
 * iterators, same col / W) is complete, *full, and the others, *rest. */
static tcc_stat split_full(struct gemm_plan *p, __isl_keep isl_union_set *dom,
			   isl_union_set **full, isl_union_set **rest)
{
	const struct tcc_kstmt *s = p->s;
	isl_ctx *ctx = isl_union_set_get_ctx(dom);
	char body[1024], buf[1536];
	size_t len = 0;
	isl_union_set *box, *bad;
	isl_union_map *g;

	for (int i = 0; i < s->niters; i++) {
		int64_t lo = s->iters[i].lo, hi = s->iters[i].hi;

		if (i == p->g.col) {
			lo = (lo >= 0 ? lo : lo - p->w + 1) / p->w * p->w;
			hi = (hi + p->w - 1) / p->w * p->w;
		}
		len += (size_t)snprintf(body + len, sizeof(body) - len, "%s%lld <= x%d < %lld",
					i ? " and " : "", (long long)lo, i, (long long)hi);
	}
	stmt_str(buf, sizeof(buf), s, ":", body);
	box = isl_union_set_read_from_str(ctx, buf);
	len = 0;
	for (int i = 0; i < s->niters; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len, i == p->g.col ?
					"%sfloor(x%d/%lld)" : "%sx%d", i ? "," : "", i,
					(long long)p->w);
	memmove(body + 1, body, len + 1);
	body[0] = '[';
	strcat(body, "]");
	stmt_str(buf, sizeof(buf), s, "->", body);
	g = isl_union_map_read_from_str(ctx, buf);
	bad = isl_union_set_apply(isl_union_set_subtract(box, isl_union_set_copy(dom)),
				  isl_union_map_copy(g));
	*rest = isl_union_set_intersect(isl_union_set_apply(bad, isl_union_map_reverse(g)),
					isl_union_set_copy(dom));
	*rest = isl_union_set_coalesce(*rest);
	*full = isl_union_set_coalesce(isl_union_set_subtract(isl_union_set_copy(dom),
							      isl_union_set_copy(*rest)));
	return *full && *rest ? 0 : -1;
}

/* Lay out the GEMM at leaf "node": its full-vector part "full", then "rest" (if any) with
 * the original band "orig" as memory-bound. */
static __isl_give isl_schedule_node *lay_out(struct sched_env *env, struct gemm_plan *p,
					     __isl_take isl_schedule_node *node,
					     __isl_take isl_union_set *full,
					     __isl_take isl_union_set *rest,
					     __isl_take isl_multi_union_pw_aff *orig)
{
	isl_union_set_list *parts;

	if (isl_union_set_is_empty(rest) == isl_bool_true) {
		isl_union_set_free(full);
		isl_union_set_free(rest);
		isl_multi_union_pw_aff_free(orig);
		return build_gemm(env, p, node);
	}
	parts = isl_union_set_list_from_union_set(full);
	parts = isl_union_set_list_add(parts, rest);
	node = isl_schedule_node_insert_sequence(node, parts);
	node = isl_schedule_node_child(isl_schedule_node_child(node, 0), 0);
	node = build_gemm(env, p, node);
	node = isl_schedule_node_parent(isl_schedule_node_parent(node));
	node = isl_schedule_node_child(isl_schedule_node_child(node, 1), 0);
	node = isl_schedule_node_insert_partial_schedule(node, orig);
	node = auto_plan_memory(env, p->s, node);
	return isl_schedule_node_parent(isl_schedule_node_parent(node));
}

__isl_give isl_schedule_node *auto_plan_gemm(struct sched_env *env, const struct tcc_kstmt *s,
					     __isl_take isl_schedule_node *band, int *done)
{
	const struct auto_options *o = env->opts;
	struct gemm_plan p = { .s = s, .w = o->vector_width };
	isl_union_set *dom, *full = NULL, *rest = NULL;
	isl_multi_union_pw_aff *orig;
	isl_bool empty;

	*done = 0;
	if (!auto_match_gemm(s, &p.g) || ext_of(s, p.g.col) < p.w)
		return band;
	pick_tile(&p, ext_of(s, p.g.row), ext_of(s, p.g.col) / p.w * p.w, o->max_unroll);
	pick_kc(&p, o->l1);
	dom = isl_schedule_node_get_domain(band);
	if (split_full(&p, dom, &full, &rest) < 0 ||
	    (empty = isl_union_set_is_empty(full)) < 0) {
		isl_union_set_free(dom);
		isl_union_set_free(full);
		isl_union_set_free(rest);
		return isl_schedule_node_free(band);
	}
	isl_union_set_free(dom);
	if (empty) {
		isl_union_set_free(full);
		isl_union_set_free(rest);
		return band;
	}
	*done = 1;
	env->changed = 1;
	orig = isl_schedule_node_band_get_partial_schedule(band);
	return lay_out(env, &p, isl_schedule_node_delete(band), full, rest, orig);
}
