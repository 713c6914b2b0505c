/* Schedule passes: the per-kernel driver, the band walker, diagnostics, option lists and the
 * host facts (see sched.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ctx.h>
#include <isl/map.h>
#include <isl/options.h>
#include <isl/union_map.h>

#include "passes/schedule/sched.h"
#include "support/arena.h"
#include "support/ctx.h"
#include "support/diag.h"

static void vreport(struct sched_env *env, int error, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (error)
		tcc_diag_error(env->k->ctx->diag, env->k->loc, "kernel '%s': %s: %s", env->k->name,
			       env->pass, msg);
	else
		tcc_diag_warning(env->k->ctx->diag, env->k->loc, "kernel '%s': %s: %s",
				 env->k->name, env->pass, msg);
}

void sched_warn(struct sched_env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(env, 0, fmt, ap);
	va_end(ap);
}

void *sched_fail(struct sched_env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(env, 1, fmt, ap);
	va_end(ap);
	env->failed = 1;
	return NULL;
}

/* Check "out" (__isl_take) and store it as pk's schedule text when it is legal. */
static tcc_stat store(struct sched_env *env, struct tcc_pkernel *pk, __isl_take isl_schedule *out)
{
	isl_union_map *map = isl_schedule_get_map(out);
	tcc_bool legal = tcc_poly_schedule_is_legal(env->poly, map, TCC_POLY_DEP_RELAXED);
	char *text;

	isl_union_map_free(map);
	if (legal < 0) {
		isl_schedule_free(out);
		sched_fail(env, "cannot check the new schedule against the dependences");
		return -1;
	}
	if (!legal) {
		isl_schedule_free(out);
		sched_warn(env, "refused: the new schedule violates a dependence; kernel unchanged");
		return 0;
	}
	text = isl_schedule_to_str(out);
	isl_schedule_free(out);
	if (!text) {
		sched_fail(env, "cannot print the new schedule");
		return -1;
	}
	pk->schedule = tcc_arena_strdup(env->k->ctx->arena, text);
	free(text);
	return pk->schedule ? 0 : tcc_ctx_oom(env->k->ctx, env->k->loc);
}

static tcc_stat run_kernel(struct tcc_pkernel *pk, const char *pass, sched_kernel_fn fn,
			   const void *opts)
{
	struct sched_env env = { .k = pk->kernel, .pass = pass, .opts = opts,
				 .initial = !pk->schedule };
	isl_schedule *out;
	tcc_stat r = 0;

	env.poly = tcc_poly_build(pk->kernel);
	if (!env.poly)
		return -1;
	isl_options_set_tile_scale_tile_loops(tcc_poly_get_isl_ctx(env.poly), 0);
	isl_options_set_tile_shift_point_loops(tcc_poly_get_isl_ctx(env.poly), 1);
	if (pk->schedule && tcc_poly_set_schedule_str(env.poly, pk->schedule) < 0) {
		tcc_poly_free(env.poly);
		return -1;
	}
	out = fn(&env, tcc_poly_get_schedule(env.poly));
	if (!out) {
		if (!env.failed)
			sched_fail(&env, "cannot transform the schedule");
		r = -1;
	} else if (!env.changed) {
		isl_schedule_free(out);
	} else {
		r = store(&env, pk, out);
	}
	tcc_poly_free(env.poly);
	return r;
}

/* The length of every diagnostic so far (to see whether a kernel added any). */
static size_t diag_len(struct tcc_ctx *ctx)
{
	const char *all = tcc_diag_all(ctx->diag);

	return all ? strlen(all) : 0;
}

/* What running the pass on a kernel gave: its key before ("key", malloc'ed; NULL when the
 * kernel was not run or its result cannot be reused), the key's "hash" and the schedule
 * after ("result"). */
struct sched_memo {
	char *key;
	uint64_t hash;
	const char *result;
};

/* The result of an earlier kernel with key "key" (set in *result; returns 1), else 0. */
static int memo_find(const struct sched_memo *memo, int n, const char *key, uint64_t hash,
		     const char **result)
{
	for (int j = 0; j < n; j++)
		if (memo[j].key && memo[j].hash == hash && !strcmp(memo[j].key, key)) {
			*result = memo[j].result;
			return 1;
		}
	return 0;
}

/* Kernels identical up to names (tcc_kernel_key, their schedules included) get the same
 * result: the pass runs on the first one only, unless that run reported anything (then each
 * runs, so that each gets its own diagnostics). */
tcc_stat sched_run_kernels(__tcc_keep struct tcc_model *m, const char *pass, const char *only,
			   sched_kernel_fn fn, const void *opts)
{
	struct tcc_program *prog = m->program;
	struct sched_memo *memo = calloc((size_t)prog->nkernels + 1, sizeof(*memo));
	tcc_stat r = 0;

	if (!memo)
		return tcc_ctx_oom(m->ctx, (struct tcc_loc){ .file = prog->name });
	for (int i = 0; i < prog->nkernels; i++) {
		struct tcc_pkernel *pk = &prog->kernels[i];
		char *key;
		size_t before = diag_len(pk->kernel->ctx);

		if (only && *only && strcmp(only, pk->kernel->name) != 0)
			continue;
		key = tcc_kernel_key(pk->kernel, pk->schedule);
		memo[i].hash = key ? tcc_key_hash(key) : 0;
		if (key && memo_find(memo, i, key, memo[i].hash, &pk->schedule)) {
			free(key);
			continue;
		}
		if (run_kernel(pk, pass, fn, opts) < 0)
			r = -1;
		else if (key && diag_len(pk->kernel->ctx) == before)
			memo[i] = (struct sched_memo){ key, memo[i].hash, pk->schedule };
		if (memo[i].key != key)
			free(key);
	}
	for (int i = 0; i < prog->nkernels; i++)
		free(memo[i].key);
	free(memo);
	return r;
}

/* ---- walker ---- */

static __isl_give isl_schedule_node *walk(struct sched_env *env, __isl_take isl_schedule_node *node,
					  int depth, sched_band_fn fn)
{
	int descend = 1;
	isl_size n;

	if (isl_schedule_node_get_type(node) == isl_schedule_node_band) {
		node = fn(env, node, depth, &descend);
		if (!node || !descend)
			return node;
		/* the node may now be a mark above the band: count the bands inside */
		depth++;
	}
	n = isl_schedule_node_n_children(node);
	if (n < 0)
		return isl_schedule_node_free(node);
	for (isl_size i = 0; i < n && node; i++) {
		node = isl_schedule_node_child(node, (int)i);
		node = walk(env, node, depth, fn);
		node = isl_schedule_node_parent(node);
	}
	return node;
}

__isl_give isl_schedule *sched_walk(struct sched_env *env, __isl_take isl_schedule *sched,
				    sched_band_fn fn)
{
	isl_schedule_node *root = isl_schedule_get_root(sched);

	isl_schedule_free(sched);
	root = walk(env, root, 0, fn);
	if (!root)
		return NULL;
	sched = isl_schedule_node_get_schedule(root);
	isl_schedule_node_free(root);
	return sched;
}

/* ---- option lists ---- */

int sched_parse_lists(const char *text, int64_t lists[][SCHED_MAX_LIST], int *nper, int maxlev)
{
	int lev = 0;
	const char *c = text;

	if (!text || !*text)
		return 0;
	nper[0] = 0;
	while (*c) {
		char *end;
		long long v;

		if (*c == ':') {
			if (nper[lev] == 0 || ++lev >= maxlev)
				return -1;
			nper[lev] = 0;
			c++;
			continue;
		}
		if (strchr("x,/ ", *c)) {
			c++;
			continue;
		}
		v = strtoll(c, &end, 10);
		if (end == c || nper[lev] >= SCHED_MAX_LIST)
			return -1;
		lists[lev][nper[lev]++] = v;
		c = end;
	}
	return nper[lev] ? lev + 1 : -1;
}

/* ---- host facts ---- */

int64_t sched_vector_width(int64_t override)
{
	if (override > 0)
		return override;
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f"))
		return 16;
	if (__builtin_cpu_supports("avx2"))
		return 8;
#endif
	return 4;
}

/* Bytes of the data or unified cache of "level" in sysfs index "i"; 0 if none. */
static int64_t read_cache(int i, int level)
{
	char path[128], buf[64];
	int64_t lv = -1, size = 0;
	FILE *f;
	static const char *const files[] = { "level", "type", "size" };

	for (int j = 0; j < 3; j++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/%s", i,
			 files[j]);
		f = fopen(path, "r");
		if (!f)
			return 0;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		if (j == 0)
			lv = strtoll(buf, NULL, 10);
		else if (j == 1 && strncmp(buf, "Instruction", 11) == 0)
			return 0;
		else if (j == 2)
			size = strtoll(buf, NULL, 10) * (strchr(buf, 'M') ? 1024 * 1024 : 1024);
	}
	return lv == level ? size : 0;
}

int64_t sched_cache_bytes(int level, int64_t override)
{
	if (override > 0)
		return override;
	for (int i = 0; i < 8; i++) {
		int64_t b = read_cache(i, level);

		if (b > 0)
			return b;
	}
	return level == 1 ? 32 * 1024 : 1024 * 1024;
}
