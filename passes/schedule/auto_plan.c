/* The automatic scheduler's plans: memory-bound (parallel + vector) and GEMM register
 * blocking (see docs/schedule.md). */
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

static int64_t work_of(const struct tcc_kstmt *s)
{
	int64_t w = 1;

	for (int i = 0; i < s->niters; i++)
		w *= ext_of(s, i) > 0 ? ext_of(s, i) : 0;
	return w;
}

/* Mark "band" parallel at its first member of extent >= 2 when that member carries no
 * dependence (splitting off the extent-1 members before it). */
__isl_give isl_schedule_node *auto_add_parallel(struct sched_env *env,
						__isl_take isl_schedule_node *band)
{
	int n = sched_band_n(band), p = 0;
	int64_t ext;
	tcc_bool par;

	while (p < n && (ext = sched_member_extent(band, p)) == 1)
		p++;
	if (n < 0 || p >= n || ext < 0)
		return n < 0 || (p < n && ext < 0) ? isl_schedule_node_free(band) : band;
	if (p > 0) {
		band = isl_schedule_node_band_split(band, p);
		band = isl_schedule_node_child(band, 0);
	}
	par = sched_member_parallel(env, band, 0);
	if (par < 0)
		return isl_schedule_node_free(band);
	if (par) {
		band = sched_insert_mark(band, "parallel");
		env->changed = 1;
	}
	return p > 0 ? isl_schedule_node_parent(band) : band;
}

/* 1 when "e" has a value or an access of a packed sub-byte type (int4, uint4, int2,
 * uint2, float4e2m1): codegen keeps those scalar, and threads must not share a byte. */
static int has_subbyte(const struct tcc_kexpr *e)
{
	if (tcc_dtype_bits(e->dtype) > 0 && tcc_dtype_bits(e->dtype) < 8)
		return 1;
	if (e->op == TCC_KOP_LOAD && tcc_dtype_bits(e->u.buf->dtype) > 0 &&
	    tcc_dtype_bits(e->u.buf->dtype) < 8)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (has_subbyte(e->args[i]))
			return 1;
	return 0;
}

/* A float sum, max or min over the statement's last iterator, reading contiguously along it
 * (the row reductions of Softmax, LayerNorm, ReduceMean over the last axis): its lanes are
 * summed per vector and combined with the target (a horizontal reduction in codegen). */
static int is_row_reduction(const struct auto_options *o, const struct tcc_kstmt *s)
{
	int last = s->niters - 1;

	if (last < 0 || s->target->dtype != TCC_DT_FLOAT || auto_in_target(s, last) ||
	    (s->update != TCC_KUPD_ADD && s->update != TCC_KUPD_MAX &&
	     s->update != TCC_KUPD_MIN))
		return 0;
	return ext_of(s, last) % o->vector_width == 0 && auto_loads_along(s->rhs, last);
}

#define TAPS_MAX 64

/* The product of the extents of the iterators after "b" when they are all reduction
 * iterators (the taps of a window), else 0. */
static int64_t taps_after(const struct tcc_kstmt *s, int b)
{
	int64_t taps = 1;

	for (int i = b + 1; i < s->niters; i++) {
		if (auto_in_target(s, i))
			return 0;
		taps *= ext_of(s, i);
	}
	return taps;
}

/* A windowed sum T[.., b] += f(.., b + taps) whose stride-1 target iterator b is followed
 * only by a few tap iterators (a depthwise conv): [outer.., floor(b/W)] (parallel), [taps],
 * vector [b mod W], so the taps run around one vector of outputs kept in a register instead
 * of scalar dot products. *done is 0 (band returned) when it does not apply. */
static __isl_give isl_schedule_node *plan_taps_inside(struct sched_env *env,
						      const struct tcc_kstmt *s,
						      __isl_take isl_schedule_node *band, int b,
						      int *done)
{
	const struct auto_options *o = env->opts;
	char outer[512], taps[256], lane[64];
	size_t lo = 0, lt = 0;
	int64_t ntaps = taps_after(s, b);
	const char *why = NULL;
	isl_schedule_node *node;

	if (s->target->dtype != TCC_DT_FLOAT || b < 0 || b == s->niters - 1 || ntaps < 2 ||
	    ntaps > TAPS_MAX || s->update != TCC_KUPD_ADD || ext_of(s, b) % o->vector_width ||
	    s->iters[b].lo != 0)
		return band;
	for (int i = 0; i < b; i++)
		lo += (size_t)snprintf(outer + lo, sizeof(outer) - lo, "x%d,", i);
	snprintf(outer + lo, sizeof(outer) - lo, "floor(x%d/%lld)", b, (long long)o->vector_width);
	for (int i = b + 1; i < s->niters; i++)
		lt += (size_t)snprintf(taps + lt, sizeof(taps) - lt, "%sx%d", lt ? "," : "", i);
	snprintf(lane, sizeof(lane), "x%d mod %lld", b, (long long)o->vector_width);
	node = isl_schedule_node_delete(isl_schedule_node_copy(band));
	node = auto_insert_band(node, s, lane);
	node = sched_vectorize_band(env, node, o->vector_width, &why);
	if (node && !why) {
		node = auto_insert_band(node, s, taps);
		node = auto_insert_band(node, s, outer);
		if (node && work_of(s) >= o->min_work)
			node = auto_add_parallel(env, node);
	}
	if (!node || why) {
		isl_schedule_node_free(node);
		return why ? band : isl_schedule_node_free(band);
	}
	isl_schedule_node_free(band);
	env->changed = 1;
	*done = 1;
	return node;
}

int auto_vector_last_ok(const struct auto_options *o, const struct tcc_kstmt *s)
{
	int last = s->niters - 1;

	if (last < 0 || has_subbyte(s->target) || has_subbyte(s->rhs))
		return 0;
	return (s->target->dtype == TCC_DT_FLOAT && auto_stride1_iter(s) == last &&
		ext_of(s, last) % o->vector_width == 0) || is_row_reduction(o, s);
}

__isl_give isl_schedule_node *auto_plan_memory(struct sched_env *env, const struct tcc_kstmt *s,
					       __isl_take isl_schedule_node *band)
{
	const struct auto_options *o = env->opts;
	int n = sched_band_n(band);
	int b = auto_stride1_iter(s);

	if (n <= 0 || has_subbyte(s->target) || has_subbyte(s->rhs))
		return band;
	if (b >= 0 && b < n - 1) {
		int done = 0;

		band = plan_taps_inside(env, s, band, b, &done);
		if (!band || done)
			return band;
	}
	if ((s->target->dtype == TCC_DT_FLOAT && b == n - 1 &&
	     ext_of(s, b) % o->vector_width == 0) || is_row_reduction(o, s)) {
		const char *why = NULL;
		isl_schedule_node *v = sched_vectorize_last(env, isl_schedule_node_copy(band), n,
							    o->vector_width, &why);

		if (!v)
			return isl_schedule_node_free(band);
		if (why) {
			isl_schedule_node_free(v);
		} else {
			isl_schedule_node_free(band);
			band = v;
			env->changed = 1;
		}
	}
	if (work_of(s) >= o->min_work)
		band = auto_add_parallel(env, band);
	return band;
}

