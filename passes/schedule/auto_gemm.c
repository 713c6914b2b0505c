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

/* Register tile: "mr" rows (unrolled) × "nr" columns (nr/W vectors, unrolled); cache tiles:
 * "kc" reduction steps (0: none), "nc" columns (0: none). One part of the split domain starts
 * its rows at "r0" and its columns at "c0" (the register tiles count from there). */
struct gemm_plan {
	const struct tcc_kstmt *s;
	struct auto_gemm g;
	int64_t w, mr, nr, kc, nc, r0, c0, mc;
	int64_t jc; /* packed: panels per B block (a band when fewer than a thread's half) */
	int jb; /* the panel iterator of a packed GEMM (pack.c), -1 */
	int *lanes_ok; /* shared by the parts: -1 unknown, else whether the lanes are parallel */
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

		if (mr * cand[i][1] > max_unroll || (p->jb >= 0 && nr != ncols))
			continue;
		if (sc > best + 1e-9) {
			best = sc;
			p->mr = mr;
			p->nr = nr;
		}
	}
}

/* Product of the extents of the reduction iterators other than "red" (inside the k tile). */
static int64_t inner_red(const struct gemm_plan *p)
{
	int64_t inner = 1;

	for (int i = 0; i < p->s->niters; i++)
		if (i != p->g.red && !auto_in_target(p->s, i))
			inner *= ext_of(p->s, i) > 0 ? ext_of(p->s, i) : 1;
	return inner;
}

/* Iterations of the target iterators other than row and col (a conv's batch, output row). */
static int64_t outer_work(const struct gemm_plan *p)
{
	int64_t work = 1;

	for (int i = 0; i < p->s->niters; i++)
		if (i != p->g.row && i != p->g.col && auto_in_target(p->s, i) && ext_of(p->s, i) > 1)
			work *= ext_of(p->s, i);
	return work;
}

/* Cache tiles, loop order jc -> kc -> ir -> jr -> k: the A micro-panel (mr x kc) stays in L1
 * across jr, the B block (kc x nc) in half of L2 across ir. "ncols": full-vector columns. */
static void pick_cache(struct gemm_plan *p, const struct auto_options *o, int64_t ncols)
{
	int64_t inner = inner_red(p), ncmax, nchunks;

	/* docs/schedule.md: packed panels like a long kc (the A micro-panel in half of L1, at
	 * most 1024: fewer passes over C), strided B rows a shorter one (TLB, L1 sets) */
	p->kc = o->gemm_kc ? o->gemm_kc : o->l1 / (p->jb >= 0 ? 2 : 4) / (4 * p->mr * inner);
	if (!o->gemm_kc && p->kc > (p->jb >= 0 ? 1024 : 256))
		p->kc = p->jb >= 0 ? 1024 : 256;
	p->kc = p->kc < 8 ? 8 : p->kc / 8 * 8;
	if (p->kc >= ext_of(p->s, p->g.red)) {
		p->kc = 0;
	} else { /* equal blocks: 576 -> 2 x 288, not 512 + 64 */
		int64_t k = ext_of(p->s, p->g.red), nb = (k + p->kc - 1) / p->kc;

		p->kc = ((k + nb - 1) / nb + 7) / 8 * 8;
	}
	if (p->jb >= 0) { /* packed: kc -> jc (B block in L2/4) -> ir -> jb; see gemm_outer_packed */
		int64_t m = ext_of(p->s, p->g.row), nb, njb = ext_of(p->s, p->jb);
		int64_t half = njb >= 2 ? (njb + 1) / 2 : njb;
		int64_t kk = p->kc ? p->kc : ext_of(p->s, p->g.red);

		p->nc = 0;
		p->jc = o->l2 / 4 / (4 * inner * kk * p->nr);
		p->jc = p->jc < 1 ? 1 : p->jc;
		nb = (half + p->jc - 1) / p->jc; /* equal blocks within a thread's half */
		p->jc = (half + nb - 1) / nb;
		/* row blocks: only the parallel loop of a one-panel GEMM */
		p->mc = o->l2 / 8 / (4 * inner * kk);
		p->mc = p->mc < p->mr ? p->mr : p->mc;
		/* equal blocks (a soft budget: 1/8 over it rather than a block of a few rows) */
		nb = (m + p->mc + p->mc / 8 - 1) / (p->mc + p->mc / 8);
		p->mc = nb > 1 ? ((m + nb - 1) / nb + p->mr - 1) / p->mr * p->mr : 0;
		return;
	}
	ncmax = o->gemm_nc ? o->gemm_nc :
			     o->l2 / 2 / (4 * inner * (p->kc ? p->kc : ext_of(p->s, p->g.red)));
	ncmax = ncmax < p->nr ? p->nr : ncmax / p->nr * p->nr;
	nchunks = (ncols + ncmax - 1) / ncmax;
	if (nchunks > 1 && nchunks % 2)
		nchunks++; /* an even count shares out over 2 threads */
	if (nchunks == 1 && ncols >= 2 * p->nr && outer_work(p) < 2)
		nchunks = 2; /* the parallel loop outermost: one fork per run, not one per k block */
	p->nc = ((ncols + nchunks - 1) / nchunks + p->nr - 1) / p->nr * p->nr;
	if (p->nc >= ncols)
		p->nc = 0;
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

__isl_give isl_schedule_node *auto_insert_band(__isl_take isl_schedule_node *node,
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

/* Row and column register-tile expressions of the part: "floor((x - r0)/mr)" etc. */
static void tile_expr(char *e, size_t size, const char *fmt, int it, int64_t base, int64_t t)
{
	char x[64];

	snprintf(x, sizeof(x), base ? "(x%d - %lld)" : "x%d", it, (long long)base);
	snprintf(e, size, fmt, x, (long long)t);
}

/* Insert band "e" at "node", mark it parallel when "par", and go down to the leaf. */
static __isl_give isl_schedule_node *outer_band(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node, const char *e,
						int par, int *depth)
{
	node = auto_insert_band(node, p->s, e);
	if (par && node)
		node = auto_add_parallel(env, node);
	return down(node, depth);
}

/* Cache bands of a packed GEMM, shared by all its register-tile parts: one parallel loop
 * outermost (one fork per run, threads own disjoint C tiles): two halves of the panels jb,
 * or else the row blocks; then [red / kc], [jb / jc]. Below them each part runs its row tiles
 * over all rows, and the jc panels inside (gemm_tiles): the A micro-panel (mr x kc) stays in
 * L1 across the jc panels, the B block (kc x jc panels) in L2 across all row tiles, and the
 * C tiles of consecutive micro-kernels follow each other along C's rows (the order
 * kc -> row block -> jb -> row tile read each panel from L3 once per row block and jumped a
 * C row stride between micro-kernels: 2048^3 139 -> 148 GFLOP/s, 1 thread, AVX-512 Xeon).
 * *part_par: the row-tile band of each part is to be the parallel loop. */
static __isl_give isl_schedule_node *gemm_outer_packed(struct sched_env *env,
						       struct gemm_plan *p,
						       __isl_take isl_schedule_node *node,
						       int *depth, int *part_par)
{
	const struct tcc_kstmt *s = p->s;
	char e[256];
	int64_t njb = ext_of(s, p->jb), half = (njb + 1) / 2;
	int cols = njb >= 2, rows = !cols && p->mc;

	if (cols) {
		snprintf(e, sizeof(e), "floor(x%d/%lld)", p->jb, (long long)half);
		node = outer_band(env, p, node, e, 1, depth);
	}
	if (rows) {
		tile_expr(e, sizeof(e), "floor(%s/%lld)", p->g.row, p->r0, p->mc);
		node = outer_band(env, p, node, e, 1, depth);
	}
	if (p->kc) {
		snprintf(e, sizeof(e), "floor(x%d/%lld)", p->g.red, (long long)p->kc);
		node = outer_band(env, p, node, e, 0, depth);
	}
	if (p->jc < (cols ? half : njb)) {
		snprintf(e, sizeof(e), "floor(x%d/%lld)", p->jb, (long long)p->jc);
		node = outer_band(env, p, node, e, 0, depth);
	}
	*part_par = !cols && !rows;
	return node;
}

/* Cache bands shared by all register-tile parts: [other target iterators, col / nc] (the
 * parallel loop when it has work for two threads), [red / kc]. A packed GEMM: above. */
static __isl_give isl_schedule_node *gemm_outer(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node, int *depth,
						int *part_par)
{
	const struct tcc_kstmt *s = p->s;
	char e[512];
	size_t len = 0;
	int64_t work = 1;

	if (p->jb >= 0)
		return gemm_outer_packed(env, p, node, depth, part_par);
	for (int i = 0; i < s->niters; i++)
		if (i != p->g.row && i != p->g.col && auto_in_target(s, i) && ext_of(s, i) > 1) {
			len += (size_t)snprintf(e + len, sizeof(e) - len, "%sx%d,", "", i);
			work *= ext_of(s, i);
		}
	if (p->nc) {
		snprintf(e + len, sizeof(e) - len, "floor(x%d/%lld)", p->g.col, (long long)p->nc);
		work *= (ext_of(s, p->g.col) + p->nc - 1) / p->nc;
	} else if (len) {
		e[len - 1] = 0;
	}
	if (len || p->nc) {
		node = auto_insert_band(node, s, e);
		if (work >= 2)
			node = auto_add_parallel(env, node);
		node = down(node, depth);
	}
	if (p->kc) {
		snprintf(e, sizeof(e), "floor(x%d/%lld)", p->g.red, (long long)p->kc);
		node = down(auto_insert_band(node, s, e), depth);
	}
	*part_par = work < 2;
	return node;
}

/* The register tiles of one part: [(row - r0) / mr] then [jb] (packed: a panel is the column
 * tile) or [(row - r0) / mr, (col - c0) / nr]; the first band parallel when "par". */
static __isl_give isl_schedule_node *gemm_tiles(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node, int par,
						int *depth)
{
	char e[512], t1[128], t2[128];

	tile_expr(t1, sizeof(t1), "floor(%s/%lld)", p->g.row, p->r0, p->mr);
	if (p->jb >= 0) { /* the row tiles, then the panels of the B block */
		node = outer_band(env, p, node, t1, par, depth);
		snprintf(e, sizeof(e), "x%d", p->jb);
		return outer_band(env, p, node, e, 0, depth);
	}
	tile_expr(t2, sizeof(t2), "floor(%s/%lld)", p->g.col, p->c0, p->nr);
	snprintf(e, sizeof(e), "%s,%s", t1, t2);
	return outer_band(env, p, node, e, par, depth);
}

/* The reduction inside the cache tile: red mod kc (or red), the other reduction iterators. */
static __isl_give isl_schedule_node *gemm_reduction(struct gemm_plan *p,
						    __isl_take isl_schedule_node *node, int *depth)
{
	const struct tcc_kstmt *s = p->s;
	char e[512];
	size_t len;

	if (p->kc)
		len = (size_t)snprintf(e, sizeof(e), "x%d mod %lld", p->g.red, (long long)p->kc);
	else
		len = (size_t)snprintf(e, sizeof(e), "x%d", p->g.red);
	for (int i = 0; i < s->niters; i++)
		if (i != p->g.red && !auto_in_target(s, i) && ext_of(s, i) > 1)
			len += (size_t)snprintf(e + len, sizeof(e) - len, ",x%d", i);
	return down(auto_insert_band(node, s, e), depth);
}

/* The register tile: rows (unrolled), column vectors (unrolled), lanes (marked vector). */
static __isl_give isl_schedule_node *gemm_register(struct sched_env *env, struct gemm_plan *p,
						   __isl_take isl_schedule_node *node, int *depth)
{
	const struct tcc_kstmt *s = p->s;
	char e[256], c[128];
	tcc_bool ok;

	tile_expr(e, sizeof(e), "%s mod %lld", p->g.row, p->r0, p->mr);
	node = auto_insert_band(node, s, e);
	node = isl_schedule_node_band_member_set_ast_loop_type(node, 0, isl_ast_loop_unroll);
	node = down(node, depth);
	tile_expr(c, sizeof(c), "%s mod %lld", p->g.col, p->c0, p->nr);
	if (p->nr > p->w) {
		snprintf(e, sizeof(e), "floor((%s)/%lld)", c, (long long)p->w);
		node = auto_insert_band(node, s, e);
		node = isl_schedule_node_band_member_set_ast_loop_type(node, 0, isl_ast_loop_unroll);
		node = down(node, depth);
	}
	snprintf(e, sizeof(e), "x%d mod %lld", p->g.col, (long long)p->w);
	node = auto_insert_band(node, s, e);
	ok = node ? sched_band_is_exact(node, p->w) : -1;
	if (ok == 1 && *p->lanes_ok >= 0)
		ok = *p->lanes_ok; /* same statement, same lanes: checked on the first part */
	else if (ok == 1)
		ok = *p->lanes_ok = sched_member_parallel(env, node, 0);
	if (ok < 0)
		return isl_schedule_node_free(node);
	if (ok)
		node = sched_insert_mark(node, "vector");
	return down(node, depth);
}

/* A GEMV (no row iterator: C[.., col] += a[red] * B[red, col]): [col / nc] (parallel, two
 * or more chunks of C that stay in L1), [red], [col / W], vector [col mod W]: B is read
 * row by row, contiguously. */
static __isl_give isl_schedule_node *build_gemv(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node)
{
	const struct tcc_kstmt *s = p->s;
	char e[256];
	int depth = 0;
	tcc_bool ok;

	snprintf(e, sizeof(e), "floor(x%d/%lld)", p->g.col, (long long)p->nc);
	node = auto_add_parallel(env, auto_insert_band(node, s, e));
	node = down(node, &depth);
	node = gemm_reduction(p, node, &depth);
	snprintf(e, sizeof(e), "floor(x%d/%lld)", p->g.col, (long long)p->w);
	node = down(auto_insert_band(node, s, e), &depth);
	snprintf(e, sizeof(e), "x%d mod %lld", p->g.col, (long long)p->w);
	node = auto_insert_band(node, s, e);
	ok = node ? sched_band_is_exact(node, p->w) : -1;
	if (ok == 1)
		ok = sched_member_parallel(env, node, 0);
	if (ok < 0)
		return isl_schedule_node_free(node);
	if (ok)
		node = sched_insert_mark(node, "vector");
	node = down(node, &depth);
	while (node && depth-- > 0)
		node = isl_schedule_node_parent(node);
	return node;
}

/* One register-tile part below the shared cache bands, at leaf "node": its tiles, the
 * reduction, the register tile; returns the node at the same position. */
static __isl_give isl_schedule_node *build_part(struct sched_env *env, struct gemm_plan *p,
						__isl_take isl_schedule_node *node, int par)
{
	int depth = 0;

	node = gemm_tiles(env, p, node, par, &depth);
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

/* The full-vector part cut into register-tile parts: full row tiles x full column tiles
 * (guard-free k loop), then the partial row tile and the partial column tile with their own
 * smaller register tiles. Fills dom[] and plan[]; returns the count (-1 on error). */
static int split_tiles(const struct gemm_plan *p, __isl_take isl_union_set *full,
		       isl_union_set **dom, struct gemm_plan *plan)
{
	const struct tcc_kstmt *s = p->s;
	int64_t rl = s->iters[p->g.row].lo, rh = s->iters[p->g.row].hi;
	int64_t cl = s->iters[p->g.col].lo, ch = s->iters[p->g.col].hi, n = 0;
	int64_t rs, cs;
	char cond[256], buf[1024];

	if (p->g.row < 0) { /* GEMV: one part */
		plan[0] = *p;
		dom[0] = full;
		return 1;
	}
	cl = cl >= 0 ? (cl + p->w - 1) / p->w * p->w : -(-cl / p->w * p->w);
	ch = ch >= 0 ? ch / p->w * p->w : -((-ch + p->w - 1) / p->w * p->w);
	rs = rl + (rh - rl) / p->mr * p->mr;
	cs = cl + (ch > cl ? (ch - cl) / p->nr * p->nr : 0);
	for (int part = 0; part < 4; part++) {
		int pr = part & 1, pc = part >> 1;
		isl_union_set *d;

		snprintf(cond, sizeof(cond), "x%d %s %lld and x%d %s %lld", p->g.row,
			 pr ? ">=" : "<", (long long)rs, p->g.col, pc ? ">=" : "<", (long long)cs);
		stmt_str(buf, sizeof(buf), s, ":", cond);
		d = isl_union_set_intersect(isl_union_set_copy(full),
					    isl_union_set_read_from_str(isl_union_set_get_ctx(full), buf));
		if (!d || isl_union_set_is_empty(d)) {
			isl_union_set_free(d);
			if (!d) {
				while (n > 0)
					isl_union_set_free(dom[--n]);
				isl_union_set_free(full);
				return -1;
			}
			continue;
		}
		plan[n] = *p;
		plan[n].r0 = pr ? rs : rl;
		plan[n].mr = pr ? rh - rs : p->mr;
		plan[n].c0 = pc ? cs : 0;
		plan[n].nr = pc ? ch - cs : p->nr;
		plan[n].nc = pc ? 0 : p->nc;
		dom[n++] = isl_union_set_coalesce(d);
	}
	isl_union_set_free(full);
	return (int)n;
}

/* Lay out the GEMM at leaf "node": the cache bands over the whole full-vector part "full"
 * (so that the partial row and column tiles reuse the B block of the full tiles while it is
 * in cache, instead of streaming all of B again), below them the register-tile parts in a
 * sequence; then "rest" (if any) with the original band "orig" as memory-bound. */
static __isl_give isl_schedule_node *lay_out(struct sched_env *env, struct gemm_plan *p,
					     __isl_take isl_schedule_node *node,
					     __isl_take isl_union_set *full,
					     __isl_take isl_union_set *rest,
					     __isl_take isl_multi_union_pw_aff *orig)
{
	isl_union_set *dom[4];
	struct gemm_plan plan[4];
	isl_union_set_list *parts;
	isl_ctx *ctx = isl_schedule_node_get_ctx(node);
	int has_rest = !isl_union_set_is_empty(rest), depth = 0, par;
	int n = split_tiles(p, isl_union_set_copy(full), dom, plan);

	if (n < 0) {
		isl_union_set_free(full);
		isl_union_set_free(rest);
		isl_multi_union_pw_aff_free(orig);
		return isl_schedule_node_free(node);
	}
	if (has_rest) {
		parts = isl_union_set_list_alloc(ctx, 2);
		parts = isl_union_set_list_add(parts, isl_union_set_copy(full));
		parts = isl_union_set_list_add(parts, isl_union_set_copy(rest));
		node = isl_schedule_node_insert_sequence(node, parts);
		node = isl_schedule_node_child(isl_schedule_node_child(node, 1), 0);
		node = isl_schedule_node_insert_partial_schedule(node,
								 isl_multi_union_pw_aff_copy(orig));
		node = auto_plan_memory(env, p->s, node);
		node = isl_schedule_node_parent(isl_schedule_node_parent(node));
		node = isl_schedule_node_child(isl_schedule_node_child(node, 0), 0);
		depth = 2;
	}
	isl_union_set_free(full);
	isl_union_set_free(rest);
	isl_multi_union_pw_aff_free(orig);
	if (p->g.row < 0) {
		isl_union_set_free(dom[0]);
		node = build_gemv(env, p, node);
	} else {
		p->r0 = p->s->iters[p->g.row].lo; /* the cache bands count rows from the first */
		p->c0 = 0;
		node = gemm_outer(env, p, node, &depth, &par);
		if (n == 1) {
			isl_union_set_free(dom[0]);
			node = build_part(env, &plan[0], node, par);
		} else if (node) {
			parts = isl_union_set_list_alloc(ctx, n);
			for (int i = 0; i < n; i++)
				parts = isl_union_set_list_add(parts, dom[i]);
			node = isl_schedule_node_insert_sequence(node, parts);
			for (int i = 0; i < n && node; i++) {
				node = isl_schedule_node_child(isl_schedule_node_child(node, i), 0);
				node = build_part(env, &plan[i], node, par);
				node = isl_schedule_node_parent(isl_schedule_node_parent(node));
			}
		} else {
			while (n > 0)
				isl_union_set_free(dom[--n]);
		}
	}
	while (node && depth-- > 0)
		node = isl_schedule_node_parent(node);
	return node;
}

/* A GEMV: auto_match_gemm found no row iterator (row -1, col and red set) and every other
 * iterator has extent 1. Sets the C chunk p->nc (an even count of chunks, each in L1/2). */
static int gemv_plan(struct gemm_plan *p, const struct auto_options *o)
{
	int64_t ncols, n;

	if (p->g.row >= 0 || p->g.col < 0 || p->g.red < 0)
		return 0;
	for (int i = 0; i < p->s->niters; i++)
		if (i != p->g.col && auto_in_target(p->s, i) && ext_of(p->s, i) != 1)
			return 0;
	ncols = ext_of(p->s, p->g.col) / p->w * p->w;
	n = (ncols * 4 + o->l1 / 2 - 1) / (o->l1 / 2);
	n = n < 2 ? 2 : n + n % 2;
	p->nc = ((ncols + n - 1) / n + p->w - 1) / p->w * p->w;
	p->kc = 0;
	return p->nc > 0;
}

__isl_give isl_schedule_node *auto_plan_gemm(struct sched_env *env, const struct tcc_kstmt *s,
					     __isl_take isl_schedule_node *band, int *done)
{
	const struct auto_options *o = env->opts;
	int lanes_ok = -1;
	struct gemm_plan p = { .s = s, .w = o->vector_width, .jb = -1, .lanes_ok = &lanes_ok };
	isl_union_set *dom, *full = NULL, *rest = NULL;
	isl_multi_union_pw_aff *orig;
	isl_bool empty;

	*done = 0;
	if ((!auto_match_gemm(s, &p.g) && !gemv_plan(&p, o)) || ext_of(s, p.g.col) < p.w)
		return band;
	p.jb = auto_panel_iter(s, p.g.col);
	if (p.g.row >= 0) {
		pick_tile(&p, ext_of(s, p.g.row), ext_of(s, p.g.col) / p.w * p.w, o->max_unroll);
		pick_cache(&p, o, ext_of(s, p.g.col) / p.w * p.w);
	}
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
