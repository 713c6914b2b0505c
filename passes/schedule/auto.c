/* The "schedule" pass: the default automatic scheduler. Per kernel still on its initial
 * schedule, each statement's band gets a register-blocked GEMM schedule (GEMM-class
 * statements) or a memory-bound one (parallel outer member, vector inner member); see
 * docs/schedule.md for the heuristic. */
#include <stddef.h>
#include <string.h>

#include <isl/set.h>
#include <isl/union_set.h>

#include "passes/schedule/auto.h"

static const struct tcc_pass_option sched_opts[] = {
	{ "vector-width", TCC_OPT_INT, offsetof(struct auto_options, vector_width), "0",
	  "f32 lanes (0: the host's: 16 with AVX-512, 8 with AVX2, else 4)" },
	{ "l1", TCC_OPT_INT, offsetof(struct auto_options, l1), "0",
	  "L1 data cache bytes per core (0: the host's, from sysfs)" },
	{ "l2", TCC_OPT_INT, offsetof(struct auto_options, l2), "0",
	  "L2 cache bytes per core (0: the host's, from sysfs)" },
	{ "min-work", TCC_OPT_INT, offsetof(struct auto_options, min_work), "32768",
	  "fewest statement instances worth a parallel loop" },
	{ "max-unroll", TCC_OPT_INT, offsetof(struct auto_options, max_unroll), "64",
	  "most statement copies an unrolled register tile may make" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct auto_options, kernel), "",
	  "only this kernel (empty: all)" },
	{ "gemm", TCC_OPT_BOOL, offsetof(struct auto_options, gemm), "1",
	  "register-block GEMM-class statements (else they are scheduled as memory-bound)" },
	{ "pack", TCC_OPT_BOOL, offsetof(struct auto_options, pack), "1",
	  "copy the B operand of 2-D MatMuls into contiguous 4W-column panels first" },
	{ "gemm-kc", TCC_OPT_INT, offsetof(struct auto_options, gemm_kc), "0",
	  "GEMM reduction cache tile (0: from L1, at most 256)" },
	{ "gemm-nc", TCC_OPT_INT, offsetof(struct auto_options, gemm_nc), "0",
	  "GEMM column cache tile (0: the B block in half of L2)" },
};

/* The statement of a one-statement band's domain, or NULL. */
static const struct tcc_kstmt *band_stmt(const struct tcc_kernel *k,
					 __isl_keep isl_schedule_node *band)
{
	isl_union_set *dom = isl_schedule_node_get_domain(band);
	isl_size n = isl_union_set_n_set(dom);
	const struct tcc_kstmt *s = NULL;

	if (n == 1) {
		isl_set *set = isl_set_from_union_set(isl_union_set_copy(dom));
		const char *name = isl_set_get_tuple_name(set);

		for (int i = 0; name && i < k->nstmts && !s; i++)
			if (strcmp(k->stmts[i]->name, name) == 0)
				s = k->stmts[i];
		isl_set_free(set);
	}
	isl_union_set_free(dom);
	return s;
}

static __isl_give isl_schedule_node *auto_band(struct sched_env *env,
					       __isl_take isl_schedule_node *band, int depth,
					       int *descend)
{
	const struct auto_options *o = env->opts;
	const struct tcc_kstmt *s = band_stmt(env->k, band);
	int done = 0;

	*descend = 0;
	if (depth != 0 || !s || sched_band_n(band) != s->niters)
		return band;
	if (o->gemm)
		band = auto_plan_gemm(env, s, band, &done);
	if (band && !done)
		band = auto_plan_memory(env, s, band);
	return band;
}

static __isl_give isl_schedule *auto_kernel(struct sched_env *env, __isl_take isl_schedule *s)
{
	int done = 0;

	if (!env->initial)
		return s; /* already scheduled by hand: keep it */
	s = auto_fuse_rows(env, s, &done);
	return done ? s : sched_walk(env, s, auto_band);
}

static tcc_stat auto_run(__tcc_keep struct tcc_model *m, const void *options)
{
	struct auto_options o = *(const struct auto_options *)options;

	o.vector_width = sched_vector_width(o.vector_width);
	o.l1 = sched_cache_bytes(1, o.l1);
	o.l2 = sched_cache_bytes(2, o.l2);
	if (o.gemm && o.pack &&
	    auto_pack_program(m->program, 4 * o.vector_width, 16, AUTO_PACK_MIN_ROWS_COPY,
			      o.kernel) < 0)
		return -1;
	return sched_run_kernels(m, "schedule", o.kernel, auto_kernel, &o);
}

const struct tcc_pass tcc_pass_schedule = {
	.name = "schedule",
	.summary = "automatic scheduler: register-blocked GEMM/conv, parallel+vector elsewhere",
	.level = TCC_LEVEL_KERNEL,
	.options = sched_opts,
	.noptions = sizeof(sched_opts) / sizeof(sched_opts[0]),
	.options_size = sizeof(struct auto_options),
	.run = auto_run,
};
