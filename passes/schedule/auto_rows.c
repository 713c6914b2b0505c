/* Row fusion for the automatic scheduler. A kernel of memory-bound statements over the same
 * leading rows, one of them a reduction (Softmax: max, exp, sum, divide; LayerNorm: mean,
 * variance, normalize), otherwise sweeps the whole tensor once per statement. Run row by row
 * instead, [rows] (parallel) -> sequence of the statements, each over its remaining iterators
 * (last one in vector lanes), a row is read from memory once and the later sweeps find it in
 * L1. Legal when no dependence crosses rows: every row member carries none. */
#include <stdio.h>
#include <string.h>

#include <isl/union_map.h>
#include <isl/union_set.h>

#include "passes/schedule/auto.h"

/* Rows shared by every statement: leading iterators with the same bounds, each the same
 * plain subscript of its target. */
static int shared_rows(const struct tcc_kernel *k)
{
	const struct tcc_kstmt *s0 = k->stmts[0];
	int rows = s0->niters;

	for (int j = 0; j < k->nstmts; j++) {
		const struct tcc_kstmt *s = k->stmts[j];
		int r = 0;

		while (r < rows && r < s->niters && r < s->target->nargs &&
		       s->iters[r].lo == s0->iters[r].lo && s->iters[r].hi == s0->iters[r].hi &&
		       s->target->args[r]->op == TCC_KOP_ITER && s->target->args[r]->u.iter == r)
			r++;
		rows = r;
	}
	return rows;
}

static int has_reduction(const struct tcc_kstmt *s)
{
	for (int i = 0; i < s->niters; i++)
		if (tcc_kstmt_is_reduction_iter(s, i))
			return 1;
	return 0;
}

/* Whether kernel "k" qualifies: two or more statements over non-empty domains, a reduction,
 * every reduction a row reduction the memory-bound plan vectorizes (a GEMM, a window of taps
 * or a reduction over outer axes keeps its own plan), and at least two rows of work. */
static int fusable(const struct auto_options *o, const struct tcc_kernel *k, int rows)
{
	int64_t n = 1;
	int red = 0;

	if (k->nstmts < 2 || rows < 1)
		return 0;
	for (int j = 0; j < k->nstmts; j++) {
		const struct tcc_kstmt *s = k->stmts[j];

		for (int i = 0; i < s->niters; i++)
			if (s->iters[i].hi <= s->iters[i].lo)
				return 0;
		if (has_reduction(s) && (!tcc_kstmt_is_reduction_iter(s, s->niters - 1) ||
					 !auto_vector_last_ok(o, s)))
			return 0;
		red |= has_reduction(s);
	}
	for (int i = 0; i < rows; i++)
		n *= k->stmts[0]->iters[i].hi - k->stmts[0]->iters[i].lo;
	return red && n >= 2;
}

/* "S[x0,..,xn-1] -> [x<from>,..,x<to-1>]" of statement "s" appended to buf at *len. */
static void add_map(char *buf, size_t size, size_t *len, const struct tcc_kstmt *s, int from,
		    int to)
{
	*len += (size_t)snprintf(buf + *len, size - *len, "%s%s[", *len > 2 ? "; " : "",
				 s->name);
	for (int i = 0; i < s->niters && *len < size; i++)
		*len += (size_t)snprintf(buf + *len, size - *len, "%sx%d", i ? "," : "", i);
	*len += (size_t)snprintf(buf + *len, size - *len, "] -> [");
	for (int i = from; i < to && *len < size; i++)
		*len += (size_t)snprintf(buf + *len, size - *len, "%sx%d", i > from ? "," : "", i);
	if (*len < size)
		*len += (size_t)snprintf(buf + *len, size - *len, "]");
}

/* The partial schedule { S[x] -> [x<from>..x<to-1>] } for statements j0..j1-1 of "k". */
static __isl_give isl_multi_union_pw_aff *members(isl_ctx *ctx, const struct tcc_kernel *k,
						  int j0, int j1, int from, int to)
{
	char buf[8192];
	size_t len = 2;

	strcpy(buf, "{ ");
	for (int j = j0; j < j1; j++)
		add_map(buf, sizeof(buf) - 2, &len, k->stmts[j], from,
			to < 0 ? k->stmts[j]->niters : to);
	if (len >= sizeof(buf) - 2)
		return NULL;
	strcat(buf, " }");
	return isl_multi_union_pw_aff_from_union_map(isl_union_map_read_from_str(ctx, buf));
}

/* Statement j's part of the sequence: its remaining iterators as a band (last member in
 * vector lanes when the memory-bound plan would vectorize it); "node" is its leaf. */
static __isl_give isl_schedule_node *inner_band(struct sched_env *env, const struct tcc_kstmt *s,
						int j, int rows, __isl_take isl_schedule_node *node)
{
	const struct auto_options *o = env->opts;
	isl_multi_union_pw_aff *m;
	isl_schedule_node *v;
	const char *why = NULL;
	int n = s->niters - rows;

	if (n <= 0)
		return node;
	m = members(isl_schedule_node_get_ctx(node), env->k, j, j + 1, rows, -1);
	m = isl_multi_union_pw_aff_intersect_domain(m, isl_schedule_node_get_domain(node));
	node = isl_schedule_node_insert_partial_schedule(node, m);
	if (!node || !auto_vector_last_ok(o, s))
		return node;
	v = sched_vectorize_last(env, isl_schedule_node_copy(node), n, o->vector_width, &why);
	if (!v || why) {
		isl_schedule_node_free(v);
		return v || why ? node : isl_schedule_node_free(node);
	}
	isl_schedule_node_free(node);
	return v;
}

/* The instances of "s" in "dom". */
static __isl_give isl_union_set *stmt_part(__isl_keep isl_union_set *dom,
					   const struct tcc_kstmt *s)
{
	char buf[512];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "{ %s[", s->name);

	for (int i = 0; i < s->niters && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%sx%d", i ? "," : "", i);
	if (len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "] }");
	return isl_union_set_intersect(isl_union_set_copy(dom),
				       isl_union_set_read_from_str(isl_union_set_get_ctx(dom), buf));
}

/* The row-fused schedule of env->k over "dom", or NULL when a row member carries a
 * dependence (or on error). */
static __isl_give isl_schedule *row_schedule(struct sched_env *env, __isl_keep isl_union_set *dom,
					     int rows)
{
	const struct tcc_kernel *k = env->k;
	isl_ctx *ctx = isl_union_set_get_ctx(dom);
	isl_schedule *sched = isl_schedule_from_domain(isl_union_set_copy(dom));
	isl_schedule_node *node = isl_schedule_get_root(sched);
	isl_union_set_list *parts = isl_union_set_list_alloc(ctx, k->nstmts);
	isl_multi_union_pw_aff *m = members(ctx, k, 0, k->nstmts, 0, rows);
	tcc_bool ok = 1;

	isl_schedule_free(sched);
	for (int j = 0; j < k->nstmts; j++)
		parts = isl_union_set_list_add(parts, stmt_part(dom, k->stmts[j]));
	m = isl_multi_union_pw_aff_intersect_domain(m, isl_union_set_copy(dom));
	node = isl_schedule_node_insert_partial_schedule(isl_schedule_node_child(node, 0), m);
	for (int i = 0; node && ok == 1 && i < rows; i++)
		ok = sched_member_parallel(env, node, i);
	node = isl_schedule_node_insert_sequence(isl_schedule_node_child(node, 0), parts);
	for (int j = 0; node && ok == 1 && j < k->nstmts; j++) {
		node = isl_schedule_node_child(isl_schedule_node_child(node, j), 0);
		node = inner_band(env, k->stmts[j], j, rows, node);
		while (node && isl_schedule_node_get_type(node) != isl_schedule_node_sequence)
			node = isl_schedule_node_parent(node);
	}
	node = node ? isl_schedule_node_parent(node) : NULL; /* the row band */
	if (node && ok == 1)
		node = auto_add_parallel(env, node);
	sched = node && ok == 1 ? isl_schedule_node_get_schedule(node) : NULL;
	isl_schedule_node_free(node);
	return sched;
}

__isl_give isl_schedule *auto_fuse_rows(struct sched_env *env, __isl_take isl_schedule *sched,
					int *done)
{
	int rows = env->k->nstmts > 0 ? shared_rows(env->k) : 0;
	isl_union_set *dom;
	isl_schedule *fused;

	*done = 0;
	if (!fusable(env->opts, env->k, rows))
		return sched;
	dom = isl_schedule_get_domain(sched);
	fused = row_schedule(env, dom, rows);
	isl_union_set_free(dom);
	if (!fused)
		return sched;
	isl_schedule_free(sched);
	env->changed = 1;
	*done = 1;
	return fused;
}
