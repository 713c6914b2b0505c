/* Shared machinery of the schedule passes (tile, interchange, unroll, vectorize, parallel,
 * schedule): a driver that gives each kernel's schedule tree to a pass and writes the result
 * back as text, a top-down walker over band nodes, legality helpers, list parsing, and the
 * host facts (vector width, cache sizes) the passes default to. See docs/schedule.md. */
#ifndef TCC_PASSES_SCHEDULE_SCHED_H
#define TCC_PASSES_SCHEDULE_SCHED_H

#include <stdint.h>

#include <isl/aff.h>
#include <isl/schedule.h>
#include <isl/schedule_node.h>

#include "ir/kernel/poly.h"
#include "ir/kernel/program.h"
#include "passes/pass.h"

#define SCHED_MAX_LIST 16

/* One kernel under a pass: its poly form (owns the isl_ctx), the pass's options, whether the
 * schedule changed, and whether an error was already reported. "initial": the kernel had no
 * schedule text (it starts from tcc_poly_build's). */
struct sched_env {
	struct tcc_poly *poly;
	const struct tcc_kernel *k;
	const char *pass;
	const void *opts;
	int initial;
	int changed;
	int failed;
};

/* Rewrite a whole schedule; NULL after reporting an error. */
typedef __isl_give isl_schedule *(*sched_kernel_fn)(struct sched_env *env,
						    __isl_take isl_schedule *sched);

/* Run "fn" on every kernel of m->program (only the one named "only" when it is non-empty),
 * check the result against the RELAXED dependences (an illegal result is refused with a
 * warning and the kernel keeps its schedule) and store it in pk->schedule. */
tcc_stat sched_run_kernels(__tcc_keep struct tcc_model *m, const char *pass, const char *only,
			   sched_kernel_fn fn, const void *opts);

/* Called on every band node, outermost first; "depth" is the number of band ancestors.
 * Returns the node at the same position (NULL: error) and sets *descend to 0 to skip the
 * subtree below it (after a transformation). */
typedef __isl_give isl_schedule_node *(*sched_band_fn)(struct sched_env *env,
						       __isl_take isl_schedule_node *band,
						       int depth, int *descend);
__isl_give isl_schedule *sched_walk(struct sched_env *env, __isl_take isl_schedule *sched,
				    sched_band_fn fn);

/* The usual band selection of the passes: statement "stmt" ("" any) among the band's
 * domain, band "band" on the path (0 outermost; -1 a band with no band below it). */
int sched_band_selected(__isl_keep isl_schedule_node *band, int depth, const char *stmt,
			int64_t which);
/* Members of a band node (-1 on error). */
int sched_band_n(__isl_keep isl_schedule_node *band);
/* max - min + 1 of member "i" over the band's domain; -1 on error or when unbounded. */
int64_t sched_member_extent(__isl_keep isl_schedule_node *band, int i);
/* 1 when member "i" of "band" carries no dependence (ALL) below its prefix schedule. */
tcc_bool sched_member_parallel(struct sched_env *env, __isl_keep isl_schedule_node *band, int i);
/* 1 when "band" is permutable (RELAXED) below its prefix schedule. */
tcc_bool sched_band_permutable(struct sched_env *env, __isl_keep isl_schedule_node *band);
/* 1 when the one-member "band" runs exactly "w" iterations, 0 .. w-1, wherever it runs. */
tcc_bool sched_band_is_exact(__isl_keep isl_schedule_node *band, int64_t w);
/* Insert a mark "name" above "node"; returns the mark node. */
__isl_give isl_schedule_node *sched_insert_mark(__isl_take isl_schedule_node *node,
						const char *name);
/* Strip-mine the one-member "band" by "w" and mark the point band "vector" when it then runs
 * exactly w iterations; otherwise *why says why and the band is returned unchanged. */
__isl_give isl_schedule_node *sched_vectorize_band(struct sched_env *env,
						   __isl_take isl_schedule_node *band, int64_t w,
						   const char **why);
/* The same for the last member of the "n"-member "band" (split off first). On refusal the
 * band may come back split: work on a copy. */
__isl_give isl_schedule_node *sched_vectorize_last(struct sched_env *env,
						   __isl_take isl_schedule_node *band, int n,
						   int64_t w, const char **why);

/* A warning about kernel env->k from pass env->pass. */
void sched_warn(struct sched_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error (marks env->failed); returns NULL for `return sched_fail(...)`. */
void *sched_fail(struct sched_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse "text" as lists of integers: members separated by 'x', ',', '/' or blanks, levels
 * by ':'. Fills lists[level][i], nper[level]; returns the level count, -1 when malformed. */
int sched_parse_lists(const char *text, int64_t lists[][SCHED_MAX_LIST], int *nper, int maxlev);

/* Host facts, read once: f32 lanes of the widest vector unit (16 AVX-512, 8 AVX2, else 4),
 * L1d and L2 bytes per core (sysfs; 32 KiB / 1 MiB when unreadable). A non-zero "override"
 * wins. */
int64_t sched_vector_width(int64_t override);
int64_t sched_cache_bytes(int level, int64_t override);

#endif
